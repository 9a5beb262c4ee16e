//! Ingest and verify agree by construction: for any text that extracts, every statement's quote
//! is at its lines by the very check `verify` makes (`quote_is_at` over `line_content`), and
//! documents that ingest pass `verify --deep` (which replays their derivation). Texts are built from the pieces a 取組一覧 and
//! slides are made of, each line led by whatever whitespace an extractor may print (half- and
//! full-width spaces, tabs, form feeds, a BOM) and ended by LF or CRLF.

use crate::common;

use planledger::extract::{extract, DocumentVersion};
use planledger::ingest::{ingest, IngestError};
use planledger::ledger::verify::{quote_is_at, verify};
use planledger::ledger::Store;
use planledger::source::manifest::DocumentFormat;
use proptest::prelude::*;

const LEADS: &[&str] = &[
    "",
    "",
    "",
    " ",
    "\u{3000}",
    "\t",
    "\u{000C}",
    "\u{FEFF}",
    "  ",
    "\u{3000}\u{3000}",
    " \u{000C}",
];

const PIECES: &[&str] = &[
    "第４期がん対策推進基本計画施策に対する取組一覧",
    "第2 2",
    "3",
    "⑴",
    "(2)",
    "①",
    "1",
    "（ア）",
    "(ｲ)",
    "患者本位の",
    "がん医療の",
    "国は、拠点病院等を中心に、体制整備を推進する。",
    "国及び都道府県は、がん医療が高度化する中で、引き続き質の高いが",
    "ん医療を提供する。",
    "【健康・生活衛生局がん・疾病対策課】",
    "【労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進",
    "室】",
    "○令和６年12月から令和７年７月にかけて、検討会において議論を実施した。",
    "〇がん治療前にセカンドオピニオンに関する説明を受けたがん患",
    "者の割合については、継続的に評価を行う予定である。",
    "・テキストを改訂した。",
    "見出し 「取り組むべき施策」の記載 【最終版】 具体的な取組(2023年４月以降） 今後予定している取組",
    "項目番号",
    "第92回がん対策推進協議会",
    "（取り組むべき施策）",
    "（個別目標）",
    "国は、２年以内に、拠点病院の指定要件を見直す。",
    "令和８年３月１日時点 合計295か所",
    "51.5％（2023年4月1日時点）",
    // A requirement's 現行 → 改定後 table (seed 002), its revised parts in bold.
    "現行",
    "改定後",
    "【検査】",
    "【提供料】",
    "〔施設基準〕",
    "〔算定要件〕（概要・抜粋）",
    "〔新設〕",
    "当該検査の結果を文書で説明していること。",
    "当該**検査の**結果を説明すること。",
    "② **",
    "",
    "",
];

fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ];
    (
        prop::sample::select(LEADS),
        piece,
        prop::sample::select(&["", "", " ", "\u{3000}"][..]),
    )
        .prop_map(|(lead, piece, tail)| format!("{lead}{piece}{tail}"))
}

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..60), any::<bool>())
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// Every statement's quote is at its lines, by verify's own check.
fn misplaced_quotes(text: &str, version: &DocumentVersion) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let span = |first: u32, last: u32| -> &[&str] {
        lines
            .get(first as usize - 1..last as usize)
            .unwrap_or_default()
    };
    let mut misplaced = Vec::new();
    for measure in &version.measures {
        if !quote_is_at(&measure.text, span(measure.lines.first, measure.lines.last)) {
            misplaced.push(format!("measure {:?} at {:?}", measure.text, measure.lines));
        }
        for action in &measure.actions {
            if !quote_is_at(&action.text, span(action.lines.first, action.lines.last)) {
                misplaced.push(format!("action {:?} at {:?}", action.text, action.lines));
            }
        }
    }
    misplaced
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_extracted_quote_is_at_its_lines(text in document()) {
        for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
            let version = extract(format, &text);
            let misplaced = misplaced_quotes(&text, &version);
            prop_assert!(misplaced.is_empty(), "{:?}: {:?}\n{:?}", format, misplaced, text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// One to three documents into one ledger (later meetings, either format): each ingests or
    /// is refused with nothing appended, and the ledger then passes `verify --deep`, which
    /// replays every document's derivation against the ledger before it.
    #[test]
    fn documents_that_ingest_verify(
        documents in prop::collection::vec((document(), any::<bool>()), 1..4)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ledger")).unwrap();
        for (index, (text, slides)) in documents.iter().enumerate() {
            let path = dir.path().join(format!("document-{index}.txt"));
            std::fs::write(&path, text).unwrap();
            let format = if *slides { DocumentFormat::Slides } else { DocumentFormat::Torikumi };
            let day = time::Date::from_calendar_date(2026, time::Month::January, 15 + index as u8)
                .unwrap();
            let request = common::council_request(&path, 93 + index as u32, day, format);
            let before = store.head().unwrap();
            match ingest(&store, &request, common::FIXED_NOW) {
                Ok(_) => {}
                // Refused as not the declared format, or undecodable: nothing was appended.
                Err(IngestError::NotTheFormat { .. } | IngestError::Decode { .. }) => {
                    prop_assert_eq!(store.head().unwrap(), before);
                }
                Err(other) => prop_assert!(false, "unexpected error {other}\n{text:?}"),
            }
        }
        let report = verify(&store, true).unwrap();
        prop_assert!(report.is_ok(), "{:?}\n{:?}", report.first_failure(), documents);
    }
}

/// A 現行 → 改定後 table whose 改定後 text quotes a 【…】 with no 〔kind〕 after it: ingest once
/// recorded a revision whose quote was not at its lines (「当該② 」 at lines 7–9, which hold
/// 【提供料】 too), and `verify` failed for good. Now the 【…】 line is the block's text.
#[test]
fn a_requirement_text_quoting_a_bracketed_name_ingests_and_verifies() {
    slides_ingest_and_verify(
        "現行\n【検査】\n〔施設基準〕\n改定後\n【検査】\n〔施設基準〕\n当該\n【提供料】\n② **\n",
        1,
        time::macros::date!(2020 - 01 - 01),
    );
}

/// Ingests `text` as slides of meeting `ordinal` on `date` into a new ledger, which must then pass
/// `verify --deep`.
fn slides_ingest_and_verify(text: &str, ordinal: u32, date: time::Date) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slides.txt");
    std::fs::write(&path, text).unwrap();
    let store = Store::open(&dir.path().join("ledger")).unwrap();
    let request = common::council_request(&path, ordinal, date, DocumentFormat::Slides);
    ingest(&store, &request, common::FIXED_NOW).expect("the slides ingest");
    let report = verify(&store, true).unwrap();
    assert!(report.is_ok(), "{:?}", report.first_failure());
}

/// Seed 002 with a character before its line 636 (「〔算定要件〕（概要・抜粋）」), so that the
/// 【…】 above it names no kind: it ingests and verifies.
#[test]
fn seed_002_with_its_kind_line_disturbed_ingests_and_verifies() {
    let text = std::fs::read_to_string(common::seed("002_")).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    assert!(
        lines[635].starts_with("〔算定要件〕（概要・抜粋）"),
        "{}",
        lines[635]
    );
    lines[635].insert(0, 'x');
    slides_ingest_and_verify(&lines.join("\n"), 7, time::macros::date!(2026 - 03 - 13));
}

/// A curated fact dated 年度末 (shown as its fiscal year, dated its last day) replays: the filer's
/// word read back from the event gives the same day.
#[test]
fn a_curated_fact_dated_at_a_fiscal_years_end_replays() {
    let dir = tempfile::tempdir().unwrap();
    let seed = common::seed("004_");
    std::fs::copy(&seed, dir.path().join("004.txt")).unwrap();
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::json!({
            "manifest_version": 1,
            "documents": [{
                "file": "004.txt",
                "meeting": {"body": "がんゲノム医療推進コンソーシアム運営会議", "ordinal": 4, "date": "2021-03-05"},
                "title": "がんゲノム医療推進に向けた取組について",
                "format": "slides",
                "facts": [{
                    "label": "試験的な指標",
                    "value": "10",
                    "unit": "施設",
                    "as_of": "令和6年度末",
                    "quote": "がんゲノム医療推進に向けた取組について"
                }]
            }]
        })
        .to_string(),
    )
    .unwrap();
    let store = Store::open(&dir.path().join("ledger")).unwrap();
    for request in planledger::ingest::requests_from_folder(dir.path()).unwrap() {
        ingest(&store, &request, common::FIXED_NOW).unwrap();
    }
    let report = verify(&store, true).unwrap();
    assert!(report.is_ok(), "{:?}", report.first_failure());
}

//! Ingest and verify agree by construction: for any text that extracts, every statement's quote
//! is at its lines by the very check `verify` makes (`quote_is_at` over `line_content`), and a
//! document that ingests passes `verify --deep`. Texts are built from the pieces a 取組一覧 and
//! slides are made of, each line led by whatever whitespace an extractor may print (half- and
//! full-width spaces, tabs, form feeds, a BOM) and ended by LF or CRLF.

use crate::common;

use planledger::extract::{extract, DocumentVersion};
use planledger::ingest::{ingest, IngestError, IngestOutcome};
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

    #[test]
    fn a_document_that_ingests_verifies(text in document(), slides in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("document.txt");
        std::fs::write(&path, &text).unwrap();
        let store = Store::open(&dir.path().join("ledger")).unwrap();
        let format = if slides { DocumentFormat::Slides } else { DocumentFormat::Torikumi };
        let request =
            common::council_request(&path, 93, time::macros::date!(2026 - 01 - 15), format);
        match ingest(&store, &request, common::FIXED_NOW) {
            Ok(outcome) => {
                prop_assert!(matches!(outcome, IngestOutcome::Appended(_)));
                let report = verify(&store, true).unwrap();
                prop_assert!(report.is_ok(), "{:?}\n{:?}", report.first_failure(), text);
            }
            // Refused as not the declared format, or undecodable: nothing was appended.
            Err(IngestError::NotTheFormat { .. } | IngestError::Decode { .. }) => {
                prop_assert!(store.head().unwrap().is_none());
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}

//! The 取組一覧 extractor on the real seed 000 (第92回がん対策推進協議会 参考資料6).
//!
//! The expected figures were established by reading the seed: 70 measures (an independent
//! count of paragraphs opening with the plan's subjects 国は、/国及び都道府県は、/拠点病院等は、
//! … agrees), and the bureau/column sequences below were checked against the file line by line.

use crate::common;

use planledger::extract::{extract, ActionStatus, ExtractedMeasure};
use planledger::source::decode::decode;
use planledger::source::manifest::DocumentFormat;

fn seed_000() -> planledger::extract::DocumentVersion {
    let bytes = std::fs::read(common::seed("000_")).unwrap();
    let (text, _) = decode(&bytes).unwrap();
    extract(DocumentFormat::Torikumi, &text)
}

fn measure_at(
    version: &planledger::extract::DocumentVersion,
    first_line: u32,
) -> &ExtractedMeasure {
    version
        .measures
        .iter()
        .find(|m| m.lines.first == first_line)
        .unwrap_or_else(|| panic!("no measure starts at line {first_line}"))
}

/// (status, canonical bureau) of each action, in order.
fn columns(measure: &ExtractedMeasure) -> Vec<(ActionStatus, &str)> {
    measure
        .actions
        .iter()
        .map(|a| (a.status, a.bureau_canonical.as_str()))
        .collect()
}

use ActionStatus::{Done, Planned};

const CANCER: &str = "健康・生活衛生局がん・疾病対策課";

#[test]
fn seed_000_has_70_measures_with_141_done_and_130_planned_actions() {
    let version = seed_000();
    assert_eq!(
        version.title_line.as_deref(),
        Some("第４期がん対策推進基本計画施策に対する取組一覧")
    );
    assert_eq!(version.plan.as_deref(), Some("第４期がん対策推進基本計画"));
    assert_eq!(version.printed_meetings, ["第92回がん対策推進協議会"]);
    assert_eq!(version.measures.len(), 70);
    assert_eq!(version.action_count(Done), 141);
    assert_eq!(version.action_count(Planned), 130);
    // Every measure has at least one action in each column in this version of the table.
    for measure in &version.measures {
        assert!(
            measure.actions.iter().any(|a| a.status == Done),
            "line {}",
            measure.lines.first
        );
        assert!(
            measure.actions.iter().any(|a| a.status == Planned),
            "line {}",
            measure.lines.first
        );
    }
    // No column was a guess.
    assert!(
        !version
            .diagnostics
            .iter()
            .any(|d| d.message.contains("uncertain")),
        "{:#?}",
        version.diagnostics
    );
}

#[test]
fn sections_are_normalized_and_wrapped_titles_joined() {
    let version = seed_000();
    let first = &version.measures[0];
    assert_eq!(first.section.path, ["2", "(1)", "①"]);
    assert_eq!(
        first.section.titles,
        [
            "患者本位のがん医療の実現",
            "がん診療提供体制等",
            "医療提供体制の均てん化・集約化"
        ]
    );
    let drug_therapy = measure_at(&version, 295);
    assert_eq!(drug_therapy.section.path, ["2", "(1)", "③", "(ウ)"]);
    assert_eq!(
        drug_therapy.section.titles[2],
        "手術療法・放射線療法・薬物療法について"
    );
    assert_eq!(drug_therapy.section.titles[3], "薬物療法について");
    // A sub-heading on a new page (「 （ア）」 with the page-start space) after a wrapped title.
    let palliative = measure_at(&version, 585);
    assert_eq!(palliative.section.path, ["2", "(1)", "⑦", "(ア)"]);
    assert_eq!(
        palliative.section.titles[2],
        "がんと診断された時からの緩和ケアの推進について"
    );
    let survivorship = measure_at(&version, 1400);
    assert_eq!(survivorship.section.path, ["3", "(3)", "①"]);
    assert_eq!(
        survivorship.section.titles[1],
        "がん患者等の社会的な問題への対策（サバイバーシップ支援）"
    );
    let rare = measure_at(&version, 795);
    assert_eq!(rare.section.path, ["2", "(2)"]);
}

#[test]
fn measures_after_page_breaks_without_blank_lines_are_found() {
    let version = seed_000();
    // Each of these starts on a new page right after the previous action, with no blank line.
    for line in [103, 383, 699, 973, 1067, 1730] {
        let measure = measure_at(&version, line);
        assert!(
            measure.text.starts_with("国"),
            "line {line}: {}",
            measure.text
        );
    }
    let biosimilar = measure_at(&version, 383);
    assert_eq!(
        biosimilar.text,
        "国及び都道府県は、バイオ後続品に係る新たな目標を踏まえ、使用促進のための具体的な方策を検討する。"
    );
}

#[test]
fn columns_follow_width_and_bureau_restart() {
    let version = seed_000();
    assert_eq!(
        columns(measure_at(&version, 295)),
        [
            (Done, "保険局医療課"),
            (Done, "保険局医療介護連携政策課"),
            (Done, CANCER),
            (Done, CANCER),
            (Planned, "保険局医療課"),
            (Planned, "保険局医療課"),
            (Planned, "保険局医療介護連携政策課"),
            (Planned, CANCER),
            (Planned, CANCER),
            (Planned, CANCER),
            (Planned, CANCER),
        ]
    );
    // Bulletless blocks (one action each) in both columns.
    assert_eq!(
        columns(measure_at(&version, 383)),
        [
            (Done, "医政局医薬産業振興・医療情報企画課"),
            (Done, "医薬局医薬品審査管理課"),
            (Done, "保険局医療介護連携政策課"),
            (Planned, "医政局医薬産業振興・医療情報企画課"),
            (Planned, "医薬局医薬品審査管理課"),
            (Planned, "保険局医療介護連携政策課"),
        ]
    );
    assert_eq!(
        columns(measure_at(&version, 1730)),
        [
            (Done, CANCER),
            (Done, CANCER),
            (Done, "文部科学省初等中等教育局特別支援教育課"),
            (Done, "こども家庭庁成育局成育環境課"),
            (Planned, CANCER),
            (Planned, "文部科学省初等中等教育局特別支援教育課"),
            (Planned, "こども家庭庁成育局成育環境課"),
        ]
    );
}

#[test]
fn bureau_names_keep_print_and_unify_canonically() {
    let version = seed_000();
    let actions: Vec<_> = version.measures.iter().flat_map(|m| &m.actions).collect();
    let printed_as = |printed: &str| {
        actions
            .iter()
            .find(|a| a.bureau == printed)
            .unwrap_or_else(|| panic!("no action printed under 【{printed}】"))
            .bureau_canonical
            .clone()
    };
    assert_eq!(printed_as("医療介護連携政策課"), "保険局医療介護連携政策課");
    assert_eq!(printed_as("保険局医療課※後段のみ"), "保険局医療課");
    assert_eq!(
        printed_as("文科省初等中等教育局特別支援教育課"),
        "文部科学省初等中等教育局特別支援教育課"
    );
    assert_eq!(
        printed_as("医政局医薬産業振興・医療情報企画課/研究開発政策課"),
        "医政局医薬産業振興・医療情報企画課/医政局研究開発政策課"
    );
    // Wrapped over two lines, once with a blank line between.
    assert_eq!(
        printed_as("労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進室"),
        "労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進室"
    );
    let printed: std::collections::BTreeSet<&str> =
        actions.iter().map(|a| a.bureau.as_str()).collect();
    assert!(!printed.iter().any(|b| b.contains('\n') || b.contains('【')));
}

#[test]
fn bullets_sub_bullets_and_broken_bullets_become_the_right_actions() {
    let version = seed_000();
    // A bullet broken by blank lines (「…支持療法の質」/「の向上に…を改」/「訂した。」).
    let team = measure_at(&version, 421);
    assert_eq!(team.actions.len(), 6);
    assert_eq!(team.actions[1].lines.first, 432);
    assert!(team.actions[1]
        .text
        .ends_with("「全国共通がん医科⻭科連携講習会テキスト」を改訂した。"));
    // Indented ・ lines stay inside their ○ action; a bulletless block opening is an action.
    let oral = measure_at(&version, 454);
    let with_subs = &oral.actions[2];
    assert_eq!(with_subs.lines.first, 470);
    assert_eq!(with_subs.text.matches("\n・").count(), 2);
    assert_eq!(oral.actions[3].status, Planned);
    assert!(oral.actions[3]
        .text
        .starts_with("当該取組の評価を行う観点から"));
    // Plain ・ items under 職業安定局首席室 are actions of their own.
    let hello_work = measure_at(&version, 1423);
    assert_eq!(hello_work.actions.len(), 4);
    assert!(hello_work.actions[1]
        .text
        .starts_with("ハローワークと連携した就職支援"));
    assert!(hello_work.actions[1]
        .text
        .ends_with("は54.4%と、割合は年々上昇している。"));
}

#[test]
fn a_shift_jis_copy_yields_the_same_statements() {
    let bytes = std::fs::read(common::seed("000_")).unwrap();
    let (text, _) = decode(&bytes).unwrap();
    let sjis = common::legacy_copy(&text, encoding_rs::SHIFT_JIS);
    let (decoded, encoding) = decode(&sjis).unwrap();
    assert_eq!(encoding, planledger::source::decode::TextEncoding::ShiftJis);
    let from_sjis = extract(DocumentFormat::Torikumi, &decoded);
    let from_utf8 = extract(DocumentFormat::Torikumi, &text);
    assert_eq!(from_sjis.measures.len(), from_utf8.measures.len());
    for (a, b) in from_sjis.measures.iter().zip(&from_utf8.measures) {
        let key = planledger::source::normalize::comparison_key;
        assert_eq!(key(&a.text), key(&b.text));
        assert_eq!(a.lines, b.lines);
        assert_eq!(a.section, b.section);
        assert_eq!(columns(a), columns(b));
    }
}

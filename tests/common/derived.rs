//! Later versions of the 第92回 取組一覧 (seed 000), derived by program: each function makes one
//! realistic edit and asserts the lines it edits, so a change to the seed fails loudly. Edits
//! index lines of the original seed: apply several bottom-up (highest line first).

/// The footer seed 000 prints on every page.
pub const SEED_FOOTER: &str = "第92回がん対策推進協議会";

/// Seed 000's lines (line N is index N − 1).
pub fn seed_lines() -> Vec<String> {
    std::fs::read_to_string(super::seed("000_"))
        .expect("seed 000 reads")
        .split('\n')
        .map(str::to_owned)
        .collect()
}

/// The text of `lines` with the page footer moved to meeting `ordinal` (第93回 …).
pub fn with_footer(lines: &[String], ordinal: u32) -> String {
    lines
        .join("\n")
        .replace(SEED_FOOTER, &format!("第{ordinal}回がん対策推進協議会"))
}

/// Adds a done bullet after the first done bullet of the measure at line 55 (it ends at 63).
pub fn add_done_bullet(lines: &mut Vec<String>) {
    assert!(lines[62].ends_with("病理医の配置を定めた。"));
    lines.insert(
        63,
        "○令和８年１月に、がん診療連携拠点病院等の指定要件の見直しに関する検討会を開".into(),
    );
    lines.insert(
        64,
        "催し、病理診断体制の要件について議論を開始した。".into(),
    );
}

/// The text of the done bullet [`add_done_bullet`] adds, joined.
pub const ADDED_DONE_BULLET: &str = "令和８年１月に、がん診療連携拠点病院等の指定要件の見直しに関する検討会を開催し、病理診断体制の要件について議論を開始した。";

/// Drops the planned bullet at lines 77–79 and reports it done in the done column (after 63).
pub fn carry_out_planned_bullet(lines: &mut Vec<String>) {
    assert!(lines[76].starts_with("○がん患者に対する遠隔病理診断の在り方については"));
    lines.drain(76..79);
    lines.insert(
        63,
        "○がん患者に対する遠隔病理診断の在り方について、関係学会等と議論し、次期整備指".into(),
    );
    lines.insert(64, "針の改定に向けた論点を整理した。".into());
}

/// Rewords the measure at lines 55–58 (「引き続き推進する」 → 「一層推進する」) and re-wraps it at
/// 30 characters a line, as a PDF re-layout would.
pub fn reword_measure_at_55(lines: &mut Vec<String>) {
    assert!(lines[54].starts_with("国は、拠点病院等を中心に"));
    let text: String =
        lines[54..58]
            .concat()
            .replacen("体制整備を引き続き推進する", "体制整備を一層推進する", 1);
    let rewrapped: Vec<String> = text
        .chars()
        .collect::<Vec<_>>()
        .chunks(30)
        .map(|chunk| chunk.iter().collect())
        .collect();
    lines.splice(54..58, rewrapped);
}

/// Deletes the measure at lines 81–98 (text, done block, planned block) and inserts a new one
/// in its place with one bureau block per column.
pub fn replace_measure_at_81(lines: &mut Vec<String>) {
    assert!(lines[80].starts_with("国及び都道府県は、感染症発生"));
    assert!(lines[97].starts_with("いて、その必須化を検討する。"));
    let inserted = [
        "国は、がん医療提供体制の持続可能性を高めるため、医療従事者の働き方に配慮した",
        "体制整備を推進する。",
        "",
        "【健康・生活衛生局がん・疾病対策課】",
        "○令和７年度に、拠点病院等における医療従事者の勤務環境に関する実態調査を実施し",
        "た。",
        "",
        "【健康・生活衛生局がん・疾病対策課】",
        "○実態調査の結果を踏まえ、次期整備指針の改定に向けて必要",
        "な要件を検討する予定である。",
    ];
    lines.splice(80..98, inserted.iter().map(|l| l.to_string()));
}

/// Seed 000 with the measure at 55–58 reworded (re-wrapped) and the planned bullet at 77–79
/// carried out into the done column: three kinds of change in one version.
pub fn combined_edit() -> Vec<String> {
    let mut lines = seed_lines();
    carry_out_planned_bullet(&mut lines);
    reword_measure_at_55(&mut lines);
    lines
}

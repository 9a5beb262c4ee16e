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

/// Re-wraps a text at `width` characters a line.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    text.chars()
        .collect::<Vec<_>>()
        .chunks(width)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

/// The clause [`delete_clause_at_20`] deletes (29 characters).
pub const DELETED_CLAUSE: &str = "好事例の共有や他の地域や医療機関との比較が可能となるような";

/// Deletes a 29-character clause from the 183-character measure at lines 20–25 and re-wraps
/// it: its four actions are untouched.
pub fn delete_clause_at_20(lines: &mut Vec<String>) {
    assert!(lines[19].starts_with("国及び都道府県は、がん医療が高度化する中で"));
    assert!(lines[24].ends_with("技術的支援を行う。"));
    let text: String = lines[19..25].concat();
    assert_eq!(text.chars().count(), 183);
    assert_eq!(DELETED_CLAUSE.chars().count(), 29);
    let edited = text.replacen(DELETED_CLAUSE, "", 1);
    assert_ne!(edited, text);
    lines.splice(19..25, wrapped(&edited, 32));
}

/// Splits the measure at lines 55–58 (two sentences) into two measures of one sentence each:
/// the first keeps its done block and its first planned bullet, the second gets a new done
/// bullet and the two other planned bullets.
pub fn split_measure_at_55(lines: &mut Vec<String>) {
    assert!(lines[54].starts_with("国は、拠点病院等を中心に"));
    assert!(lines[70].starts_with("○質の高い病理診断や細胞診断を提供するための体制の整備を"));
    assert!(lines[78] == "く。");
    let first = "国は、拠点病院等を中心に、患者に対するがんの告知や、インフォームド・コンセントの取得、セカンドオピニオンの提示などが適切に実施されるような体制整備を引き続き推進する。";
    let second = "国は、質の高い病理診断や細胞診断を提供するための体制の整備を引き続き推進する。";
    let bureau = "【健康・生活衛生局がん・疾病対策課】".to_owned();
    let mut new: Vec<String> = wrapped(first, 32);
    new.push(String::new());
    new.extend(lines[59..63].iter().cloned()); // the done block
    new.push(String::new());
    new.extend(lines[64..70].iter().cloned()); // bureau + the first planned bullet
    new.push(String::new());
    new.extend(wrapped(second, 32));
    new.push(String::new());
    new.push(bureau.clone());
    // As wide as the seed's done column (40 characters), which is how the column is told.
    new.push("○令和７年度に、拠点病院等における病理診断体制及び細胞診断体制の実態調査を実".into());
    new.push("施した。".into());
    new.push(String::new());
    new.push(bureau);
    new.extend(lines[70..79].iter().cloned()); // the two other planned bullets
    lines.splice(54..79, new);
}

/// Merges the measures at lines 20–25 and 55–58 into one (their texts joined) whose done and
/// planned blocks hold both measures' bullets.
pub fn merge_measures_at_20_and_55(lines: &mut Vec<String>) {
    assert!(lines[19].starts_with("国及び都道府県は、がん医療が高度化する中で"));
    assert!(lines[54].starts_with("国は、拠点病院等を中心に"));
    assert!(lines[26].starts_with('【') && lines[41].starts_with('【'));
    assert!(lines[59].starts_with('【') && lines[64].starts_with('【') && lines[78] == "く。");
    let text: String = lines[19..25].concat() + &lines[54..58].concat();
    let mut merged: Vec<String> = wrapped(&text, 32);
    merged.push(String::new());
    merged.extend(lines[26..40].iter().cloned()); // done: bureau and the first measure's bullets
    merged.extend(lines[60..63].iter().cloned()); // the second measure's done bullet
    merged.push(String::new());
    merged.extend(lines[41..53].iter().cloned()); // planned: bureau and the first's bullets
    merged.extend(lines[65..79].iter().cloned()); // the second's planned bullets
    lines.splice(19..79, merged);
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

/// How wide the seed prints its done column (具体的な取組), which is how a bullet's column is told
/// from the narrower planned one.
const DONE_COLUMN_WIDTH: usize = 40;

/// Reports the planned bullet at `planned` (0-based line indexes of the seed; its first line
/// starts with `starts_with`) as done, word for word: removed from the planned column and
/// inserted after index `done_end` (the last line of the same bureau's done block), re-wrapped at
/// the done column's width. `done_end` is above `planned`.
pub fn report_planned_bullet_done(
    lines: &mut Vec<String>,
    planned: std::ops::Range<usize>,
    starts_with: &str,
    done_end: usize,
) {
    assert!(done_end < planned.start);
    assert!(
        lines[planned.start].starts_with(starts_with),
        "{}",
        lines[planned.start]
    );
    assert!(lines[planned.end].trim().is_empty() || lines[planned.end].starts_with('○'));
    let text: String = lines.drain(planned).collect();
    let rewrapped = wrapped(&text, DONE_COLUMN_WIDTH);
    lines.splice(done_end + 1..done_end + 1, rewrapped);
}

/// Drops the bullet at `bullet` (0-based line indexes; its first line starts with `starts_with`).
pub fn drop_bullet(lines: &mut Vec<String>, bullet: std::ops::Range<usize>, starts_with: &str) {
    assert!(
        lines[bullet.start].starts_with(starts_with),
        "{}",
        lines[bullet.start]
    );
    assert!(lines[bullet.end].trim().is_empty() || lines[bullet.end].starts_with('○'));
    lines.drain(bullet);
}

/// The Hello Work share (lines 1430–1433: 51.5% → 52.9% → 54.4%, as of 1 April of 令和5–7年)
/// reported one year further: 56.1% as of 令和8年4月1日 (a synthetic figure).
pub fn update_hello_work_share(lines: &mut [String]) {
    assert!(
        lines[1430].ends_with("令和7年4月1日時点で"),
        "{}",
        lines[1430]
    );
    assert_eq!(lines[1432], "は54.4%と、割合は年々上昇している。");
    lines[1432] = "は54.4%、令和8年4月1日時点では56.1%と、割合は年々上昇している。".into();
}

/// The demonstration's 第93回 (`examples/revision/`): seed 000 with the planned bullet at lines
/// 97–98 reported done word for word, the measure at line 55 split in two (a new done bullet with
/// it) and a clause deleted from the measure at line 20. Synthetic: not an MHLW publication.
pub fn demo_93() -> String {
    let mut lines = seed_lines();
    report_planned_bullet_done(&mut lines, 96..98, "○BCPに関する議論の状況を踏まえ", 89);
    split_measure_at_55(&mut lines);
    delete_clause_at_20(&mut lines);
    with_footer(&lines, 93)
}

/// The demonstration's 第94回: 第93回 with, besides, the Hello Work share updated to 令和8年4月1日,
/// the planned bullet at lines 115–117 reported done word for word and the planned bullet at
/// lines 51–53 dropped. Edits bottom-up, as every edit here indexes the seed's lines.
pub fn demo_94() -> String {
    let mut lines = seed_lines();
    update_hello_work_share(&mut lines);
    report_planned_bullet_done(
        &mut lines,
        114..117,
        "○がん診療連携拠点病院等、小児がん拠点病院等",
        108,
    );
    report_planned_bullet_done(&mut lines, 96..98, "○BCPに関する議論の状況を踏まえ", 89);
    split_measure_at_55(&mut lines);
    drop_bullet(
        &mut lines,
        50..53,
        "○当該取組の評価を行う観点から、役割分担に関する議論",
    );
    delete_clause_at_20(&mut lines);
    with_footer(&lines, 94)
}

/// Swaps the measures at lines 20–53 and 55–79 (each with its actions), both of 2 › (1) › ①:
/// a reordering within a section.
pub fn swap_measures_at_20_and_55(lines: &mut Vec<String>) {
    assert!(lines[19].starts_with("国及び都道府県は、がん医療が高度化する中で"));
    assert!(lines[54].starts_with("国は、拠点病院等を中心に"));
    assert!(lines[53].is_empty() && lines[79].is_empty());
    let first: Vec<String> = lines[19..53].to_vec();
    let second: Vec<String> = lines[54..79].to_vec();
    let mut swapped = second;
    swapped.push(String::new());
    swapped.extend(first);
    lines.splice(19..79, swapped);
}

/// Moves the measure at lines 103–117 (2 › (1) › ①, with its actions) to section 2 › (2) ②,
/// before the measure at line 123, word for word.
pub fn move_measure_at_103_to_section_2(lines: &mut Vec<String>) {
    assert!(lines[102]
        .trim_start()
        .starts_with("国は、拠点病院等、小児がん拠点病院等"));
    assert!(lines[117].is_empty() && lines[118] == "②");
    assert!(lines[122].starts_with("国は、がんゲノム医療をより一層推進する"));
    let mut measure: Vec<String> = lines[102..118].to_vec();
    measure[0] = measure[0].trim_start().to_owned();
    lines.splice(122..122, measure);
    lines.drain(102..118);
}

/// Removes one character (the 、 after 「病態や生活背景等」) from the measure at line 175.
pub fn remove_a_character_at_175(lines: &mut [String]) {
    assert_eq!(
        lines[174],
        "国及び都道府県は、患者が、病態や生活背景等、それぞれの状況に応"
    );
    lines[174] = "国及び都道府県は、患者が、病態や生活背景等それぞれの状況に応".into();
}

/// Three planned bullets reported done word for word (lines 204–206 and 97–98 under
/// 健康・生活衛生局がん・疾病対策課, 161–162 under 保険局医療課), two measures swapped in their
/// section, one measure moved to another section and one character removed: for `diff`, three
/// completions, one move, one revision, nothing added or removed. Each edit leaves the lines
/// above its lowest index where they were, so they apply in this order.
pub fn completions_swap_move_and_a_character() -> Vec<String> {
    let mut lines = seed_lines();
    report_planned_bullet_done(&mut lines, 203..206, "○また、提供するデータの解釈", 196);
    remove_a_character_at_175(&mut lines);
    report_planned_bullet_done(
        &mut lines,
        160..162,
        "○標準治療前のがん遺伝子パネル検査",
        147,
    );
    move_measure_at_103_to_section_2(&mut lines);
    report_planned_bullet_done(&mut lines, 96..98, "○BCPに関する議論の状況を踏まえ", 89);
    swap_measures_at_20_and_55(&mut lines);
    lines
}

/// Seed 000 as a version from before the reorganisation of 令和5年9月1日 would print it: every
/// 健康・生活衛生局 named 健康局.
pub fn before_the_reorganisation() -> Vec<String> {
    let lines = seed_lines();
    assert!(lines.iter().any(|line| line.contains("健康・生活衛生局")));
    lines
        .iter()
        .map(|line| line.replace("健康・生活衛生局", "健康局"))
        .collect()
}

/// Seed 000 with the measure at 55–58 reworded (re-wrapped) and the planned bullet at 77–79
/// carried out into the done column: three kinds of change in one version.
pub fn combined_edit() -> Vec<String> {
    let mut lines = seed_lines();
    carry_out_planned_bullet(&mut lines);
    reword_measure_at_55(&mut lines);
    lines
}

/// The same 取組一覧 laid out again, as another PDF layout and text extraction would give it:
/// each column printed `scale` times as wide — every paragraph item (a bullet with its wrapped
/// lines, a measure paragraph) re-wrapped at its column's new width, with kinsoku — and the page
/// furniture (column headers, 「項目番号」, the footer, the page-start marks) removed and printed
/// again at a page break every `page_lines` lines. Headings (short title lines) and bureau
/// headers keep their shape. Which column a line was printed in is read from the seed's
/// extraction; the column widths are the widest lines of each column in the seed.
pub fn relaid_out(lines: &[String], scale: f64, page_lines: usize) -> Vec<String> {
    laid_out(lines, Widths::Scaled(scale), page_lines)
}

/// How wide each column is printed in a new layout.
#[derive(Debug, Clone, Copy)]
pub enum Widths {
    /// Each column `scale` times its seed width.
    Scaled(f64),
    /// Every column (measure, done, planned) this many display columns wide: widths say
    /// nothing about which column a block was printed in.
    Uniform(usize),
}

/// The same table laid out again with `widths`; see [`relaid_out`].
pub fn laid_out(lines: &[String], widths: Widths, page_lines: usize) -> Vec<String> {
    use planledger::extract::{extract, ActionStatus};
    use planledger::source::manifest::DocumentFormat;
    use planledger::source::normalize::{display_width, BULLET_GLYPHS};

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Column {
        Measure,
        Done,
        Planned,
    }
    let version = extract(DocumentFormat::Torikumi, &lines.join("\n"));
    let mut column_of: std::collections::BTreeMap<u32, (Column, usize)> = Default::default();
    let mut item = 0;
    for measure in &version.measures {
        item += 1;
        for number in measure.lines.first..=measure.lines.last {
            column_of.insert(number, (Column::Measure, item));
        }
        for action in &measure.actions {
            item += 1;
            let column = match action.status {
                ActionStatus::Done => Column::Done,
                ActionStatus::Planned => Column::Planned,
            };
            for number in action.lines.first..=action.lines.last {
                column_of.insert(number, (column, item));
            }
        }
    }
    let widest = |column: Column| {
        lines
            .iter()
            .enumerate()
            .filter(|(index, _)| column_of.get(&(*index as u32 + 1)).map(|c| c.0) == Some(column))
            .map(|(_, line)| display_width(line.trim()))
            .max()
            .expect("every column has lines")
    };
    let new_width = |column: Column| match widths {
        Widths::Scaled(scale) => (widest(column) as f64 * scale).round() as usize,
        Widths::Uniform(width) => width,
    };
    let widths = [
        (Column::Measure, new_width(Column::Measure)),
        (Column::Done, new_width(Column::Done)),
        (Column::Planned, new_width(Column::Planned)),
    ];

    let is_furniture = |line: &str| {
        line == "項目番号"
            || line == SEED_FOOTER
            || (line.contains("取り組むべき施策") && line.contains("具体的な取組"))
    };
    let header = lines
        .iter()
        .find(|line| line.starts_with("見出し"))
        .expect("seed 000 prints a column header")
        .trim_end_matches("項目番号")
        .to_owned();
    // (column and item of the line, text) without furniture and page marks; runs of blank lines
    // become one. A page mark is also where a table row began (seed 000 starts some measures on
    // a new page with no blank line): the new layout keeps that boundary as a blank line.
    let mut bare: Vec<(Option<(Column, usize)>, String)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let line = line.trim_end();
        let line = match line.strip_prefix(' ') {
            Some(rest) if !rest.starts_with(' ') => {
                if bare.last().is_some_and(|(_, last)| !last.is_empty()) {
                    bare.push((None, String::new()));
                }
                rest
            }
            _ => line,
        };
        if is_furniture(line)
            || (line.is_empty() && bare.last().is_some_and(|(_, last)| last.is_empty()))
        {
            continue;
        }
        bare.push((column_of.get(&(index as u32 + 1)).copied(), line.to_owned()));
    }
    let starts_bullet = |line: &str| {
        line.trim_start_matches([' ', '\u{3000}'])
            .starts_with(BULLET_GLYPHS)
    };
    // Re-wrap each item: consecutive lines of one action or measure, up to a blank line or
    // an indented sub-bullet.
    let mut wrapped: Vec<String> = Vec::new();
    let mut index = 0;
    while index < bare.len() {
        let (place, first) = &bare[index];
        let Some((column, item)) = place.filter(|_| !first.is_empty()) else {
            wrapped.push(first.clone());
            index += 1;
            continue;
        };
        let mut end = index + 1;
        while end < bare.len()
            && bare[end].0 == Some((column, item))
            && !bare[end].1.is_empty()
            && !starts_bullet(&bare[end].1)
        {
            end += 1;
        }
        let target = widths.iter().find(|(c, _)| *c == column).unwrap().1;
        let indent: String = first
            .chars()
            .take_while(|c| *c == ' ' || *c == '\u{3000}')
            .collect();
        let text: String = bare[index..end]
            .iter()
            .map(|(_, l)| l.trim_start())
            .collect();
        let mut line = indent.clone();
        for c in text.chars() {
            // Kinsoku (JIS X 4051): a line never starts with a closing mark or a middle dot; it
            // hangs at the end of the line instead.
            let hangs = matches!(
                c,
                '、' | '。' | '，' | '．' | '」' | '）' | '』' | '・' | '･'
            );
            if !hangs && display_width(&line) + display_width(&c.to_string()) > target {
                wrapped.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
        wrapped.push(line);
        index = end;
    }
    // New page breaks: header and footer, then the page's first line marked with one space.
    // A page breaks before a bullet or a line that continues a sentence — never right after a
    // sentence ends inside a paragraph, where the PDF's own breaks would be ambiguous too.
    let mut paged: Vec<String> = Vec::new();
    let mut since_break = 0;
    for (index, line) in wrapped.iter().enumerate() {
        let previous_open = index > 0 && !wrapped[index - 1].ends_with('。');
        let may_break = display_width(line) > 16
            && !line.starts_with('【')
            && (previous_open || starts_bullet(line));
        if since_break >= page_lines && may_break {
            paged.extend(["".into(), header.clone(), "".into(), SEED_FOOTER.into()]);
            paged.push(format!(" {line}"));
            since_break = 0;
        } else {
            paged.push(line.clone());
            since_break += 1;
        }
    }
    paged
}

/// Ways another PDF-to-text tool prints the same 取組一覧: each takes seed 000's lines and gives
/// the text that tool would print. They are applied to the text, not to the extraction, so they
/// can be combined.
pub mod printed {
    #![allow(dead_code)]
    use unicode_normalization::UnicodeNormalization;

    /// The page marks (one leading space on a page's first line) dropped: five measures of seed
    /// 000 then start right after the action above with nothing between.
    pub fn page_marks_removed(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| match line.strip_prefix(' ') {
                Some(rest) if !rest.starts_with(' ') => rest.to_owned(),
                _ => line.clone(),
            })
            .collect()
    }

    /// The page marks printed as a full-width space (字下げ).
    pub fn page_marks_full_width(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| match line.strip_prefix(' ') {
                Some(rest) if !rest.starts_with(' ') => format!("\u{3000}{rest}"),
                _ => line.clone(),
            })
            .collect()
    }

    /// The page marks printed as a form feed, the way pdftotext marks a new page.
    pub fn page_marks_form_feed(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| match line.strip_prefix(' ') {
                Some(rest) if !rest.starts_with(' ') => format!("\u{000C}{rest}"),
                _ => line.clone(),
            })
            .collect()
    }

    /// Every line NFKC-normalised: ① as 1, ⑴ as (1), Ａ as A, the ideographic space as a space.
    pub fn nfkc(lines: &[String]) -> Vec<String> {
        lines.iter().map(|line| line.nfkc().collect()).collect()
    }

    /// Blank lines doubled.
    pub fn blank_lines_doubled(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .flat_map(|line| {
                let copies = if line.trim().is_empty() { 2 } else { 1 };
                std::iter::repeat_n(line.clone(), copies)
            })
            .collect()
    }

    /// A blank line after every line (an extractor that double-spaces its output).
    pub fn double_spaced(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .flat_map(|line| [line.clone(), String::new()])
            .collect()
    }

    /// Every blank line removed: no block is separated from the next by anything but its own
    /// shape.
    pub fn blank_lines_removed(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .filter(|line| !line.trim().is_empty())
            .cloned()
            .collect()
    }

    /// A page number at every page break — before each page's first line (which the seed marks
    /// with one leading space) and after the footer — printed as `style` prints page `n`
    /// (「- n -」, 「n」, 「n/40」 …).
    pub fn page_numbers(lines: &[String], style: fn(usize) -> String) -> Vec<String> {
        let mut page = 0;
        let mut out = Vec::new();
        for line in lines {
            let page_mark = line.starts_with(' ') && !line.starts_with("  ");
            if page_mark {
                page += 1;
                out.push(style(page));
            }
            out.push(line.clone());
            if line.trim() == super::SEED_FOOTER {
                page += 1;
                out.push(style(page));
            }
        }
        out
    }

    /// A page number every `every` lines, wherever that falls — inside a measure's paragraph or
    /// an action's wrapped lines, as a PDF's page break does.
    pub fn page_numbers_anywhere(lines: &[String], every: usize) -> Vec<String> {
        let mut out = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            out.push(line.clone());
            if index % every == every - 1 {
                out.push(format!("- {} -", index / every + 1));
            }
        }
        out
    }

    /// The seed's title: its first line that is not blank, as printed.
    fn seed_title(lines: &[String]) -> String {
        lines
            .iter()
            .find(|line| !line.trim().is_empty())
            .cloned()
            .expect("the seed has a title")
    }

    /// The page number and the running title glued by the extractor onto the last line of
    /// each page (「…こととする。-2-第4期がん対策推進基本計画施策に対する取組一覧」).
    pub fn furniture_glued(lines: &[String]) -> Vec<String> {
        let title = seed_title(lines);
        let title = title.trim();
        let mut out: Vec<String> = Vec::new();
        let mut page = 1;
        for line in lines {
            if line.trim() == super::SEED_FOOTER {
                if let Some(last) = out.iter_mut().rev().find(|l| !l.trim().is_empty()) {
                    last.push_str(&format!("-{page}-{title}"));
                    page += 1;
                }
            }
            out.push(line.clone());
        }
        out
    }

    /// The document's title printed again at the top of every page (a running header).
    pub fn running_title(lines: &[String]) -> Vec<String> {
        let title = seed_title(lines);
        let mut out = Vec::new();
        for line in lines {
            out.push(line.clone());
            if line.trim() == super::SEED_FOOTER {
                out.push(title.clone());
            }
        }
        out
    }

    /// The column header 「項目番号」 as Word-made PDFs extract it: 目 as the Kangxi radical ⽬
    /// (U+2F6C), which NFKC folds, and 長 as the radicals-supplement form ⻑ (U+2ED1) wherever it
    /// appears, which NFKC does not.
    pub fn radical_forms(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                let line = if line.trim() == "項目番号" {
                    line.replace('目', "\u{2F6C}")
                } else {
                    line.clone()
                };
                line.replace('長', "\u{2ED1}")
            })
            .collect()
    }

    /// The page furniture printed with its characters spaced out (均等割付): 「項 目 番 号」,
    /// 「第 9 2 回 が ん 対 策 推 進 協 議 会」.
    pub fn spaced_furniture(lines: &[String]) -> Vec<String> {
        let spaced = |text: &str| text.chars().map(String::from).collect::<Vec<_>>().join(" ");
        lines
            .iter()
            .map(|line| {
                let trimmed = line.trim();
                if trimmed == "項目番号" || trimmed == super::SEED_FOOTER {
                    spaced(trimmed)
                } else {
                    line.clone()
                }
            })
            .collect()
    }

    /// Characters spaced out (均等割付) as Japanese PDFs print headings and short cells: every
    /// line of at most `short` characters (section titles in their narrow column, 「実現」) and
    /// every bureau header (「【医 政 局】」) printed with a space between its characters.
    pub fn spaced_cells(lines: &[String], short: usize) -> Vec<String> {
        let spaced = |text: &str| text.chars().map(String::from).collect::<Vec<_>>().join(" ");
        lines
            .iter()
            .map(|line| {
                let trimmed = line.trim();
                let is_bureau = trimmed.starts_with('【') && trimmed.ends_with('】');
                let is_short = trimmed.chars().count() <= short
                    && trimmed.chars().count() > 1
                    && !trimmed.contains(' ');
                if is_bureau || is_short {
                    spaced(trimmed)
                } else {
                    line.clone()
                }
            })
            .collect()
    }

    /// The page furniture (column headers, 「項目番号」, footers) removed.
    pub fn furniture_removed(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .filter(|line| {
                let line = line.trim();
                !(line == "項目番号"
                    || line == super::SEED_FOOTER
                    || (line.contains("取り組むべき施策") && line.contains("具体的な取組")))
            })
            .cloned()
            .collect()
    }

    /// ○ printed as 〇 and 〇 as ○.
    pub fn bullets_swapped(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                line.chars()
                    .map(|c| match c {
                        '○' => '〇',
                        '〇' => '○',
                        other => other,
                    })
                    .collect()
            })
            .collect()
    }

    /// Half-width forms where the PDF has full-width brackets and 。: 「」 as ｢｣, 。 as ｡.
    pub fn half_width_punctuation(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                line.chars()
                    .map(|c| match c {
                        '「' => '｢',
                        '」' => '｣',
                        '。' => '｡',
                        other => other,
                    })
                    .collect()
            })
            .collect()
    }

    /// Each section token printed on one line with its title (「① 医療提供体制の均てん化・集約化」),
    /// and each bureau header on one line with the block's first line (「【…】○…」), as a tool
    /// that keeps a table row's cells together prints them.
    pub fn cells_on_one_line(lines: &[String]) -> Vec<String> {
        use planledger::extract::section::parse_section_token;
        let mut out: Vec<String> = Vec::new();
        let mut index = 0;
        while index < lines.len() {
            let line = &lines[index];
            let trimmed = line.trim();
            if parse_section_token(trimmed).is_some() {
                // The title's short lines follow, possibly after blank lines.
                let mut title = String::new();
                let mut next = index + 1;
                while next < lines.len() && lines[next].trim().is_empty() {
                    next += 1;
                }
                while next < lines.len() {
                    let candidate = lines[next].trim();
                    let short = !candidate.is_empty()
                        && planledger::source::normalize::display_width(candidate) <= 16
                        && parse_section_token(candidate).is_none()
                        && !candidate.starts_with('【');
                    if !short {
                        break;
                    }
                    title.push_str(candidate);
                    next += 1;
                }
                if !title.is_empty() {
                    out.push(format!("{line}　{title}"));
                    index = next;
                    continue;
                }
            }
            if trimmed.starts_with('【') && trimmed.ends_with('】') {
                if let Some(first) = lines.get(index + 1).filter(|l| !l.trim().is_empty()) {
                    out.push(format!("{line}{first}"));
                    index += 2;
                    continue;
                }
            }
            out.push(line.clone());
            index += 1;
        }
        out
    }

    /// Lines joined with CRLF instead of LF.
    pub fn crlf(lines: &[String]) -> Vec<String> {
        lines.iter().map(|line| format!("{line}\r")).collect()
    }
}

/// The measure at line 383 run into the action above it, as a careless extraction prints it:
/// the action's sentence end (line 382) and the page mark of line 383 lost. The measure can no
/// longer be told from the action's text.
pub fn glue_measure_at_383_into_the_action_above(lines: &mut [String]) {
    assert!(
        lines[381].ends_with("実施する予定としている。"),
        "{}",
        lines[381]
    );
    assert!(lines[382].starts_with(" 国及び都道府県は、バイオ後続品"));
    lines[381] = lines[381].trim_end_matches('。').to_owned();
    lines[382] = lines[382].trim_start().to_owned();
}

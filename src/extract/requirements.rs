//! 現行 → 改定後: a slide's old/new table of a requirement (【がんゲノムプロファイリング検査】
//! 〔施設基準〕), read as revisions: the requirement's name, its text before and after, and the
//! parts the document marks as changed (bold, `**…**` in the extracted text).
//!
//! Invariant: a revision pairs only a 【name】〔kind〕 the 現行 side and the 改定後 side both
//! name; 〔新設〕 on the 現行 side is "no text before", never an empty text. Whether the
//! document's marks agree with the character diff is said, not assumed.

use super::{Diagnostic, LineRange};
use crate::source::normalize::{comparison_key, split_line};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequirementRevision {
    /// 「【がんゲノムプロファイリング検査】〔施設基準〕」.
    pub requirement: String,
    /// `None` when the 現行 side says 〔新設〕 (a new requirement).
    pub before: Option<String>,
    /// As printed, without the bold marks.
    pub after: String,
    /// The parts of `after` the document marks as changed.
    pub marked: Vec<String>,
    /// The 改定後 text's lines.
    pub lines: LineRange,
}

/// One 【name】〔kind〕 block of one side: its text and its lines.
struct Block {
    key: String,
    name: String,
    text: String,
    lines: LineRange,
}

/// The revisions of every 現行 / 改定後 pair in a text, and what disagrees.
pub fn extract_requirement_revisions(text: &str) -> (Vec<RequirementRevision>, Vec<Diagnostic>) {
    let lines: Vec<&str> = text.split('\n').map(|line| split_line(line).1).collect();
    let mut revisions = Vec::new();
    let mut diagnostics = Vec::new();
    let mut at = 0;
    while let Some(current) = position_from(&lines, at, |line| line == "現行") {
        let Some(revised) = position_from(&lines, current + 1, |line| line == "改定後") else {
            break;
        };
        // The 改定後 side runs to a line that is no part of a table: （参考）, 現行 again, or the
        // end.
        let end = position_from(&lines, revised + 1, |line| {
            line == "現行" || line.starts_with("(参考)") || line.starts_with("（参考）")
        })
        .unwrap_or(lines.len());
        let before = blocks(&lines, current + 1, revised);
        let after = blocks(&lines, revised + 1, end);
        for block in after {
            let Some(old) = before.iter().find(|b| b.key == block.key) else {
                continue;
            };
            let marked = bold_parts(&block.text);
            let plain = block.text.replace("**", "");
            let before = (comparison_key(&old.text) != comparison_key("〔新設〕")
                && !old.text.is_empty())
            .then(|| old.text.replace("**", ""));
            if let Some(disagreement) = marks_disagree(before.as_deref(), &plain, &marked) {
                diagnostics.push(Diagnostic {
                    line: block.lines.first,
                    message: format!("{}: {disagreement}", block.name),
                    hint: None,
                });
            }
            revisions.push(RequirementRevision {
                requirement: block.name,
                before,
                after: plain,
                marked,
                lines: block.lines,
            });
        }
        at = end;
    }
    (revisions, diagnostics)
}

/// The index of the first line from `from` on that `is` accepts.
fn position_from(lines: &[&str], from: usize, is: impl Fn(&str) -> bool) -> Option<usize> {
    lines
        .iter()
        .skip(from)
        .position(|line| is(line))
        .map(|offset| from + offset)
}

/// The 【name】〔kind〕 blocks between two lines: a 【…】 line names the item, a 〔…〕 line its
/// kind (a bracketed note after it — （概要・抜粋） — is not part of the name), and the lines
/// up to the next header are its text.
fn blocks(lines: &[&str], from: usize, to: usize) -> Vec<Block> {
    let mut found: Vec<Block> = Vec::new();
    let mut item = String::new();
    for (index, line) in lines.iter().enumerate().take(to).skip(from) {
        let number = index as u32 + 1;
        if line.starts_with('【') && line.ends_with('】') && names_a_kind_next(lines, index + 1, to)
        {
            item = (*line).to_owned();
        } else if let (true, Some(close)) =
            (line.starts_with('〔') && !item.is_empty(), line.find('〕'))
        {
            let kind = &line[..close + '〕'.len_utf8()];
            if kind == "〔新設〕" {
                if let Some(last) = found.last_mut().filter(|b| b.text.is_empty()) {
                    last.text = kind.to_owned();
                    continue;
                }
            }
            let name = format!("{item}{kind}");
            found.push(Block {
                key: comparison_key(&name),
                name,
                text: String::new(),
                lines: LineRange {
                    first: number + 1,
                    last: number + 1,
                },
            });
        } else if !line.is_empty() {
            if let Some(block) = found.last_mut() {
                if block.text.is_empty() {
                    block.lines.first = number;
                }
                block.text.push_str(line);
                block.lines.last = number;
            }
        }
    }
    found
}

/// Whether the first non-empty line from `from` (before `to`) is a 〔kind〕 line: only then is
/// a 【…】 line an item's name; otherwise it is text of the block it stands in (a 改定後 text
/// may quote 【提供料】), and its lines stay inside the block's quote.
fn names_a_kind_next(lines: &[&str], from: usize, to: usize) -> bool {
    lines
        .iter()
        .take(to)
        .skip(from)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with('〔') && line.contains('〕'))
}

/// The `**…**` runs of a text.
fn bold_parts(text: &str) -> Vec<String> {
    text.split("**")
        .enumerate()
        .filter(|(index, part)| index % 2 == 1 && !part.is_empty())
        .map(|(_, part)| part.to_owned())
        .collect()
}

/// Whether the document's marks cover what the character diff says was inserted: `None` when
/// they agree (every inserted run lies inside a marked part), else what is unmarked.
fn marks_disagree(before: Option<&str>, after: &str, marked: &[String]) -> Option<String> {
    let before = before?;
    let diff = similar::TextDiff::from_chars(before, after);
    let mut unmarked: Vec<String> = Vec::new();
    let mut run = String::new();
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Insert {
            run.push_str(change.value());
        } else if !run.is_empty() {
            unmarked.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        unmarked.push(run);
    }
    let inserted_chars: usize = unmarked.iter().map(|run| run.chars().count()).sum();
    let inserted = unmarked.join(" / ");
    unmarked.retain(|inserted| !marked.iter().any(|m| m.contains(inserted.as_str())));
    if !unmarked.is_empty() {
        return Some(format!(
            "the document marks {} part(s) as changed, but the text also changed unmarked: {}",
            marked.len(),
            unmarked.join(" / ")
        ));
    }
    // Marks wider than the change: the reader is told what actually changed.
    let marked_chars: usize = marked.iter().map(|m| m.chars().count()).sum();
    (marked_chars > inserted_chars).then(|| {
        format!(
            "the document marks {marked_chars} characters as changed; against the 現行 text only {inserted_chars} were inserted ({inserted}), the rest of the marked text is unchanged"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "現行\n\n【検査】\n\n〔施設基準〕\n\nエキスパートパネルでの検討を経た上で説明していること。\n\n【提供料】\n\n〔算定要件〕\n\n〔新設〕\n\n改定後\n\n【検査】\n\n〔施設基準〕\n\n**省略する場合を除き、**エキスパートパネルでの検討を経た上で説明していること。\n\n【提供料】\n\n〔算定要件〕（概要・抜粋）\n\n省略しても差し支えない。\n\n(参考) 次の表\n";

    #[test]
    fn a_table_is_a_revision_per_named_requirement_with_its_marks_checked() {
        let (revisions, diagnostics) = extract_requirement_revisions(TABLE);
        assert_eq!(revisions.len(), 2, "{revisions:?}");
        assert_eq!(revisions[0].requirement, "【検査】〔施設基準〕");
        assert_eq!(
            revisions[0].before.as_deref(),
            Some("エキスパートパネルでの検討を経た上で説明していること。")
        );
        assert_eq!(
            revisions[0].after,
            "省略する場合を除き、エキスパートパネルでの検討を経た上で説明していること。"
        );
        assert_eq!(revisions[0].marked, ["省略する場合を除き、"]);
        assert_eq!(
            revisions[0].lines,
            LineRange {
                first: 21,
                last: 21
            }
        );
        // 〔新設〕 is no text before; the bracketed note is not part of the name.
        assert_eq!(revisions[1].requirement, "【提供料】〔算定要件〕");
        assert_eq!(revisions[1].before, None);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        // Marks wider than the change are said, with what changed.
        let wide = TABLE.replace(
            "**省略する場合を除き、**エキスパートパネル",
            "**省略する場合を除き、エキスパートパネル**",
        );
        let (_, diagnostics) = extract_requirement_revisions(&wide);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .contains("only 10 were inserted (省略する場合を除き、)"),
            "{diagnostics:?}"
        );
        // A change the document does not mark is said.
        let unmarked = TABLE.replace(
            "説明していること。\n\n【提供料】\n\n〔算定要件〕（",
            "文書で説明していること。\n\n【提供料】\n\n〔算定要件〕（",
        );
        let (_, diagnostics) = extract_requirement_revisions(&unmarked);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("文書で"), "{diagnostics:?}");
    }
}

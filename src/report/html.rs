//! The 新旧対照表 (old/new comparison table) as one self-contained HTML page: the form Japanese
//! government readers expect — 改正後 on the left, 改正前 on the right, per section, changed
//! characters marked, each row citing its source document and lines.
//!
//! Invariant: every piece of document text goes through [`escape`]; the page loads nothing from
//! outside (no scripts, fonts or styles from elsewhere).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::project::diff::{DiffView, TargetReading, TextChange};
use crate::project::documents::DocumentRecord;
use crate::project::state::SourceView;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            other => out.push(other),
        }
    }
    out
}

/// Where the table's citations and measure ids point. A page written to a file points nowhere
/// ([`NoLinks`]); the web view points them at its source and history pages.
pub trait Hrefs {
    /// The address of a citation's document at its lines.
    fn source(&self, source: &SourceView) -> Option<String>;
    /// The address of the history of a measure (M…) or a figure (T…).
    fn history(&self, id: &str) -> Option<String>;
}

/// Citations and ids as plain text: the self-contained page `diff --format html` writes.
pub struct NoLinks;

impl Hrefs for NoLinks {
    fn source(&self, _: &SourceView) -> Option<String> {
        None
    }
    fn history(&self, _: &str) -> Option<String> {
        None
    }
}

/// `inner` (already escaped) inside a link to `href`, or as it is when there is none.
fn linked(href: Option<String>, inner: String) -> String {
    match href {
        Some(href) => format!("<a href=\"{}\">{inner}</a>", escape(&href)),
        None => inner,
    }
}

/// A citation as a reader of council papers expects it: the meeting, the 資料 label and title,
/// the lines — with the document's hash (BLAKE3) on hover and in the text, for `verify`.
fn source(
    source: &SourceView,
    documents: &BTreeMap<&str, &DocumentRecord>,
    hrefs: &dyn Hrefs,
) -> String {
    let record = documents.get(source.document.as_str());
    let meeting = record
        .filter(|d| !d.meeting.is_unknown())
        .map_or_else(|| "会議不明".to_owned(), |d| d.meeting.name());
    let label = record
        .and_then(|d| d.label.as_deref())
        .map_or_else(String::new, |l| format!("{l} "));
    let title = record
        .and_then(|d| d.title.as_deref())
        .map_or_else(|| "資料（題名なし）".to_owned(), |t| format!("「{t}」"));
    let cited = format!(
        "{} {}{} {}–{}行 <code>{}</code>",
        escape(&meeting),
        escape(&label),
        escape(&title),
        source.lines[0],
        source.lines[1],
        escape(super::text::short_hash(&source.document))
    );
    format!(
        "<span class=\"source\" title=\"BLAKE3 {}\">出典: {}</span>",
        escape(&source.document),
        linked(hrefs.source(source), cited)
    )
}

/// The table's style; the web view serves it in its style sheet.
pub const STYLE: &str = "body{font-family:'Noto Sans CJK JP','Hiragino Kaku Gothic ProN','Yu Gothic',sans-serif;margin:2em;color:#111}\
h1{font-size:1.3em}h2{font-size:1.1em;border-left:.4em solid #1a4c8b;padding-left:.5em;margin-top:2em}\
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.5em 0}\
th,td{border:1px solid #555;padding:.5em;vertical-align:top;line-height:1.7}\
th{background:#e8eef6;font-weight:normal}\
ins{text-decoration:none;background:#ffe08a;border-bottom:2px solid #c68a00}\
del{background:#f3c6c6}.source{display:block;color:#555;font-size:.8em;margin-top:.4em}\
.kind{color:#1a4c8b;font-size:.85em}.id{color:#555;font-size:.8em;font-family:monospace}\
span.measure{color:#333;font-size:.85em}.summary{color:#333}\
@media print{@page{size:A4 landscape;margin:12mm}body{margin:0}thead{display:table-header-group}\
tr{break-inside:avoid}}";

/// One row of the table: a change on both sides, or on one side only.
enum Row {
    Both { after: String, before: String },
    Added(String),
    Removed(String),
}

/// A cell's label: what changed (施策（修正）…) and the measure's id.
fn label(kind: &str, id: &str, hrefs: &dyn Hrefs) -> String {
    format!(
        "<span class=\"kind\">{kind}</span> <span class=\"id\">{}</span>",
        linked(hrefs.history(id), escape(id))
    )
}

/// A measure's first words, for naming it beside one of its actions: at most 30 characters.
fn first_words(text: &str) -> String {
    let mut words: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        words.push('…');
    }
    words
}

/// The whole page, for a file: nothing in it links anywhere.
pub fn diff(view: &DiffView, documents: &[DocumentRecord]) -> String {
    let plan = view.plan.as_deref().unwrap_or("");
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>新旧対照表 {}</title><style>{STYLE}</style></head><body>{}</body></html>\n",
        escape(plan),
        diff_body(view, documents, &NoLinks)
    )
}

/// The page's content: heading, counts, and the tables by section, citations and measure ids
/// pointing where `hrefs` says.
pub fn diff_body(view: &DiffView, documents: &[DocumentRecord], hrefs: &dyn Hrefs) -> String {
    let titles: BTreeMap<&str, &DocumentRecord> =
        documents.iter().map(|d| (d.hash.as_str(), d)).collect();
    let titles = &titles;
    let source =
        |cited: &SourceView, titles: &BTreeMap<&str, &DocumentRecord>| source(cited, titles, hrefs);
    let label = |kind: &str, id: &str| label(kind, id, hrefs);
    let mut out = String::new();
    // 和暦 with the ISO date beside it: 第92回（令和7年10月6日・2025-10-06）.
    let end = |end: &crate::project::diff::DiffEnd| {
        let wareki = crate::source::meeting::parse_iso_date(&end.date)
            .and_then(crate::source::date::wareki)
            .map_or_else(String::new, |day| format!("{day}・"));
        format!(
            "{}（{wareki}{}）",
            end.meeting.as_deref().unwrap_or("会議不明"),
            end.date
        )
    };
    let plan = view.plan.as_deref().unwrap_or("");
    let _ = write!(
        out,
        "<h1>{} 新旧対照表</h1><p class=\"summary\">改正前: {} ／ 改正後: {}<br>施策 追加 {}・削除 {}・修正 {}・分割/統合 {}・移動 {}、取組 追加 {}・削除 {}・実施済み {}・再開 {}・修正 {}・未報告 {}、部局名変更 {}、目標・指標 変更 {}</p>",
        escape(plan),
        escape(&end(&view.since)),
        escape(&end(&view.until)),
        view.measures.added.len(),
        view.measures.removed.len(),
        view.measures.revised.len(),
        view.measures.successions.len(),
        view.measures.moved.len(),
        view.actions.added.len(),
        view.actions.removed.len(),
        view.actions.completed.len(),
        view.actions.reopened.len(),
        view.actions.revised.len(),
        view.actions.dropped.len(),
        view.bureaus.renamed.len(),
        view.targets.changed.len()
    );

    // Rows grouped by section path, then by measure (施策), each in the order it first appears:
    // a measure's own change first, then its 取組. The side a change does not exist on says
    // （新設） or （削除）, as in a 新旧対照表 of a law.
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut rows: BTreeMap<String, Vec<(String, Vec<Row>)>> = BTreeMap::new();
    let mut push = |path: String, heading: String, measure: &str, row: Row| {
        if !sections.iter().any(|(p, _)| *p == path) {
            sections.push((path.clone(), heading));
        }
        let measures = rows.entry(path).or_default();
        match measures.iter_mut().find(|(id, _)| id == measure) {
            Some((_, measure_rows)) => measure_rows.push(row),
            None => measures.push((measure.to_owned(), vec![row])),
        }
    };
    let heading_of = |section: &crate::extract::SectionPath| {
        let titles = section.titles.join(" › ");
        if section.path.is_empty() {
            "（項目なし）".to_owned()
        } else {
            format!("{}　{}", section.display_path(), titles)
        }
    };
    let section_of_measure: BTreeMap<&str, &crate::extract::SectionPath> = view
        .measures
        .added
        .iter()
        .chain(&view.measures.removed)
        .chain(
            view.measures
                .successions
                .iter()
                .flat_map(|s| s.before.iter().chain(&s.after)),
        )
        .map(|m| (m.id.as_str(), &m.section))
        .chain(
            view.measures
                .revised
                .iter()
                .map(|r| (r.id.as_str(), &r.section)),
        )
        .chain(
            view.measures
                .moved
                .iter()
                .map(|m| (m.id.as_str(), &m.section_after)),
        )
        .collect();
    // Measures whose own row stands right above their 取組. A successor of a split shares its
    // row with the others, so its 取組 still say which measure they are under.
    let in_succession: std::collections::BTreeSet<&str> = view
        .measures
        .successions
        .iter()
        .flat_map(|s| s.before.iter().chain(&s.after))
        .map(|m| m.id.as_str())
        .collect();
    let changed_measures: std::collections::BTreeSet<&str> = section_of_measure
        .keys()
        .copied()
        .filter(|id| !in_succession.contains(id))
        .collect();
    for revision in &view.measures.revised {
        let heading = format!("{}<br>", label("施策（修正）", &revision.id));
        let (marked_after, marked_before) = marked(&revision.changes);
        let mut after = format!("{heading}{marked_after}");
        let mut before = format!("{heading}{marked_before}");
        after.push_str(&source(&revision.source_after, titles));
        before.push_str(&source(&revision.source_before, titles));
        push(
            revision.section.compact(),
            heading_of(&revision.section),
            &revision.id,
            Row::Both { after, before },
        );
    }
    // A split or merge: the old text(s) opposite the new, in one row under the first successor.
    for succession in &view.measures.successions {
        let what = if succession.after.len() > 1 {
            "分割"
        } else {
            "統合"
        };
        let side = |entries: &[crate::project::diff::MeasureEntry], mark: &str| {
            entries
                .iter()
                .map(|m| {
                    format!(
                        "{}<br><{mark}>{}</{mark}>{}",
                        label(&format!("施策（{what}）"), &m.id),
                        escape(&m.text),
                        source(&m.source, titles)
                    )
                })
                .collect::<Vec<_>>()
                .join("<hr>")
        };
        let Some(first) = succession.after.first() else {
            continue;
        };
        push(
            first.section.compact(),
            heading_of(&first.section),
            &first.id,
            Row::Both {
                after: side(&succession.after, "ins"),
                before: side(&succession.before, "del"),
            },
        );
    }
    for measure in &view.measures.added {
        let after = format!(
            "{}<br><ins>{}</ins>{}",
            label("施策（新設）", &measure.id),
            escape(&measure.text),
            source(&measure.source, titles)
        );
        push(
            measure.section.compact(),
            heading_of(&measure.section),
            &measure.id,
            Row::Added(after),
        );
    }
    for measure in &view.measures.removed {
        let before = format!(
            "{}<br><del>{}</del>{}",
            label("施策（削除）", &measure.id),
            escape(&measure.text),
            source(&measure.source, titles)
        );
        push(
            measure.section.compact(),
            heading_of(&measure.section),
            &measure.id,
            Row::Removed(before),
        );
    }
    for (added, what, actions) in [
        (true, "新設", &view.actions.added),
        (false, "削除", &view.actions.removed),
        (false, "未報告", &view.actions.dropped),
    ] {
        for action in actions {
            let status = column_name(action.status);
            // An action of a measure that did not change itself names its measure: its id and
            // first words.
            let measure = if changed_measures.contains(action.measure_id.as_str()) {
                String::new()
            } else {
                format!(
                    "<span class=\"measure\">施策 {}「{}」</span><br>",
                    escape(&action.measure_id),
                    escape(&first_words(&action.measure_text))
                )
            };
            let body = format!(
                "{measure}<span class=\"kind\">{status}【{}】（{}）</span><br>{}{}",
                escape(&action.bureau),
                what,
                if added {
                    format!("<ins>{}</ins>", escape(&action.text))
                } else {
                    format!("<del>{}</del>", escape(&action.text))
                },
                source(&action.source, titles)
            );
            let section = section_of_measure
                .get(action.measure_id.as_str())
                .copied()
                .unwrap_or(&action.section);
            let (path, heading) = (section.compact(), heading_of(section));
            let row = if added {
                Row::Added(body)
            } else {
                Row::Removed(body)
            };
            push(path, heading, &action.measure_id, row);
        }
    }
    for moved in &view.measures.moved {
        let label = label("施策（移動）", &moved.id);
        push(
            moved.section_after.compact(),
            heading_of(&moved.section_after),
            &moved.id,
            Row::Both {
                after: format!(
                    "{label}<br><ins>{}</ins>　{}{}",
                    escape(&moved.section_after.display_path()),
                    escape(&moved.text),
                    source(&moved.source_after, titles)
                ),
                before: format!(
                    "{label}<br><del>{}</del>　{}{}",
                    escape(&moved.section_before.display_path()),
                    escape(&moved.text),
                    source(&moved.source_before, titles)
                ),
            },
        );
    }
    // What became of each promise: both statements in one row, the changed characters marked.
    for (what, fates) in [
        ("実施済み", &view.actions.completed),
        ("再開", &view.actions.reopened),
        ("修正", &view.actions.revised),
    ] {
        for fate in fates {
            let side = |action: &crate::project::diff::ActionEntry, text: String| {
                let measure = if changed_measures.contains(action.measure_id.as_str()) {
                    String::new()
                } else {
                    format!(
                        "<span class=\"measure\">施策 {}「{}」</span><br>",
                        escape(&action.measure_id),
                        escape(&first_words(&action.measure_text))
                    )
                };
                format!(
                    "{measure}<span class=\"kind\">{}【{}】（{what}）</span><br>{text}{}",
                    column_name(action.status),
                    escape(&action.bureau),
                    source(&action.source, titles)
                )
            };
            let (after, before) = if fate.changes.is_empty() {
                (escape(&fate.after.text), escape(&fate.before.text))
            } else {
                marked(&fate.changes)
            };
            let section = section_of_measure
                .get(fate.after.measure_id.as_str())
                .copied()
                .unwrap_or(&fate.after.section);
            push(
                section.compact(),
                heading_of(section),
                &fate.after.measure_id,
                Row::Both {
                    after: side(&fate.after, after),
                    before: side(&fate.before, before),
                },
            );
        }
    }
    for (path, heading) in &sections {
        let _ = write!(
            out,
            "<h2>{}</h2><table><colgroup><col><col></colgroup><thead><tr><th>改正後</th><th>改正前</th></tr></thead>",
            escape(heading)
        );
        for row in rows
            .get(path)
            .into_iter()
            .flatten()
            .flat_map(|(_, rows)| rows)
        {
            let (after, before) = match row {
                Row::Both { after, before } => (after.as_str(), before.as_str()),
                Row::Added(after) => (after.as_str(), "（新設）"),
                Row::Removed(before) => ("（削除）", before.as_str()),
            };
            let _ = write!(out, "<tr><td>{after}</td><td>{before}</td></tr>");
        }
        out.push_str("</table>");
    }
    if !view.bureaus.renamed.is_empty() {
        out.push_str("<h2>部局名変更</h2><table><tr><th>改正後</th><th>改正前</th><th>施行</th><th>根拠</th></tr>");
        for rename in &view.bureaus.renamed {
            let _ = write!(
                out,
                "<tr><td><ins>{}</ins></td><td><del>{}</del></td><td>{}</td><td>{}</td></tr>",
                escape(&rename.after),
                escape(&rename.before),
                escape(&rename.effective),
                escape(&rename.source)
            );
        }
        out.push_str("</table>");
    }
    if !view.targets.changed.is_empty() {
        out.push_str("<h2>目標・指標</h2><table><tr><th>項目</th><th>改正後</th><th>改正前</th><th>時点</th><th>出典</th></tr>");
        for target in &view.targets.changed {
            let when = |reading: &TargetReading| {
                escape(&reading.as_of.as_deref().map_or_else(
                    || "不明".to_owned(),
                    crate::extract::figures::as_of_in_words,
                ))
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td><ins>{}</ins></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                linked(hrefs.history(&target.key), escape(&target.label)),
                escape(&target.after.with_unit()),
                target
                    .before
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |b| escape(&b.with_unit())),
                match &target.before {
                    Some(before) if before.as_of != target.after.as_of => {
                        format!("{} ← {}", when(&target.after), when(before))
                    }
                    _ => when(&target.after),
                },
                source(&target.after.source, titles)
            );
        }
        out.push_str("</table>");
    }
    if sections.is_empty() && view.targets.changed.is_empty() && view.bureaus.renamed.is_empty() {
        out.push_str("<p>変更はありません。</p>");
    }
    out
}

/// `progress` as one self-contained page: the counts per bureau and section, then every planned
/// action with its fate, the earlier statement opposite the later one, each citing its lines.
pub fn progress(
    view: &crate::project::progress::ProgressView,
    documents: &[DocumentRecord],
) -> String {
    let plan = view.plan.as_deref().unwrap_or("");
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>進捗 {}</title><style>{STYLE}</style></head><body>{}</body></html>\n",
        escape(plan),
        progress_body(view, documents, &NoLinks)
    )
}

/// The progress page's content, citations and ids pointing where `hrefs` says; all document text
/// escaped.
pub fn progress_body(
    view: &crate::project::progress::ProgressView,
    documents: &[DocumentRecord],
    hrefs: &dyn Hrefs,
) -> String {
    use crate::project::progress::ProgressCounts;
    let titles: BTreeMap<&str, &DocumentRecord> =
        documents.iter().map(|d| (d.hash.as_str(), d)).collect();
    let cite = |cited: &SourceView| source(cited, &titles, hrefs);
    let end = |end: &crate::project::diff::DiffEnd| {
        format!(
            "{}（{}）",
            end.meeting.as_deref().unwrap_or("会議不明"),
            end.date
        )
    };
    let plan = view.plan.as_deref().unwrap_or("");
    let mut out = format!(
        "<h1>{} 取組の進捗</h1><p class=\"summary\">{} に予定していた取組の、{} での状況{}</p>",
        escape(plan),
        escape(&end(&view.since)),
        escape(&end(&view.until)),
        view.bureau
            .as_deref()
            .map_or_else(String::new, |b| format!("（部局: {}）", escape(b)))
    );
    let table = |out: &mut String, heading: &str, rows: &[&ProgressCounts]| {
        let _ = write!(
            out,
            "<h2>{}</h2><table><thead><tr><th></th><th>予定</th><th>実施済み</th><th>予定のまま</th><th>修正</th><th>未報告</th><th>施策ごと削除</th></tr></thead>",
            escape(heading)
        );
        for c in rows {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&c.name),
                c.planned,
                c.completed,
                c.still_planned,
                c.revised,
                c.dropped,
                c.removed
            );
        }
        out.push_str("</table>");
    };
    let mut bureaus: Vec<&ProgressCounts> = view.by_bureau.iter().collect();
    bureaus.push(&view.total);
    table(&mut out, "部局別", &bureaus);
    table(
        &mut out,
        "項目別",
        &view.by_section.iter().collect::<Vec<_>>(),
    );
    out.push_str("<h2>取組ごと</h2><table><colgroup><col style=\"width:9em\"><col><col></colgroup><thead><tr><th>状況</th><th>後</th><th>前（予定していた取組）</th></tr></thead>");
    for action in &view.actions {
        let before = format!(
            "<span class=\"kind\">【{}】</span> <span class=\"id\">{}</span><br>{}{}",
            escape(&action.before.bureau),
            linked(
                hrefs.history(&action.before.measure_id),
                escape(&action.before.measure_id)
            ),
            escape(&action.before.text),
            cite(&action.before.source)
        );
        let after = match &action.after {
            None => "（報告なし）".to_owned(),
            Some(after) => {
                let text = if action.changes.is_empty() {
                    escape(&after.text)
                } else {
                    marked(&action.changes).0
                };
                format!(
                    "<span class=\"kind\">{}</span><br>{text}{}",
                    column_name(after.status),
                    cite(&after.source)
                )
            }
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{after}</td><td>{before}</td></tr>",
            action.fate.japanese()
        );
    }
    out.push_str("</table>");
    out
}

/// A character diff as the two sides of a 新旧対照表 cell, escaped: the later text with its
/// inserted runs in `<ins>`, the earlier with its deleted runs in `<del>`.
fn marked(changes: &[TextChange]) -> (String, String) {
    let (mut after, mut before) = (String::new(), String::new());
    for change in changes {
        match change {
            TextChange::Equal(text) => {
                after.push_str(&escape(text));
                before.push_str(&escape(text));
            }
            TextChange::Insert(text) => after.push_str(&format!("<ins>{}</ins>", escape(text))),
            TextChange::Delete(text) => before.push_str(&format!("<del>{}</del>", escape(text))),
        }
    }
    (after, before)
}

/// The column an action is printed in, as the 取組一覧 heads it.
fn column_name(status: crate::extract::ActionStatus) -> &'static str {
    match status {
        crate::extract::ActionStatus::Done => "具体的な取組",
        crate::extract::ActionStatus::Planned => "今後予定している取組",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}

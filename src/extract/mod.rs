//! Extraction: document text in, statements out. One module per document format, all producing
//! a [`DocumentVersion`].
//!
//! Invariants: extractors are pure functions of the text (no I/O, no clock, no ledger); a
//! document never fails to extract as a whole — what cannot be understood becomes a
//! [`Diagnostic`] with its line, and the caller decides what is fatal; every statement carries
//! the 1-based line range it was read from.

pub mod bureau;
pub mod dating;
pub mod figures;
pub mod requirements;
pub mod section;
pub mod slides;
pub mod timeline;
pub mod torikumi;

use serde::{Deserialize, Serialize};

pub use section::SectionPath;

use crate::source::manifest::DocumentFormat;

/// First and last line (1-based, inclusive) of a statement in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineRange {
    pub first: u32,
    pub last: u32,
}

/// 状況: whether a bureau reports an action as carried out or as planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    /// 具体的な取組: carried out (the table's middle column).
    Done,
    /// 今後予定している取組: planned (the table's right column).
    Planned,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Done => "done",
            ActionStatus::Planned => "planned",
        }
    }
}

/// 取組: one bullet reported by a bureau under a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedAction {
    /// 担当部局 as printed, wrapped lines joined, annotations such as ※後段のみ kept.
    pub bureau: String,
    /// The bureau's canonical name (aliases unified, annotations dropped).
    pub bureau_canonical: String,
    pub status: ActionStatus,
    /// Display text: original characters, wrapped lines joined, bullet glyph removed.
    pub text: String,
    pub lines: LineRange,
}

/// 施策: one 「取り組むべき施策」 paragraph with the actions reported under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedMeasure {
    /// The plan this measure belongs to, when the document names it per passage (slides quote
    /// several plans); otherwise the document's plan applies.
    pub plan: Option<String>,
    pub section: SectionPath,
    pub text: String,
    pub lines: LineRange,
    pub actions: Vec<ExtractedAction>,
}

/// Something the extractor could not read with confidence, at a line of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub message: String,
    pub hint: Option<String>,
}

/// What one document states, as read by its format's extractor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocumentVersion {
    /// The document's own title line, when it has one (a 取組一覧's first line).
    pub title_line: Option<String>,
    /// The plan the document speaks about (第４期がん対策推進基本計画), when it says so.
    pub plan: Option<String>,
    /// Meeting footers printed on its pages (「第92回がん対策推進協議会」), for cross-checking the
    /// manifest.
    pub printed_meetings: Vec<String>,
    pub measures: Vec<ExtractedMeasure>,
    /// 目標・指標: dated figures the document states.
    pub targets: Vec<figures::ExtractedTarget>,
    /// 沿革・経緯: the dated rows of its timelines (slides).
    pub milestones: Vec<timeline::Milestone>,
    /// 現行 → 改定後: revisions of named requirements the document's tables print (slides).
    pub requirement_revisions: Vec<requirements::RequirementRevision>,
    pub diagnostics: Vec<Diagnostic>,
}

impl DocumentVersion {
    /// How many actions of this status the document reports, over all its measures.
    pub fn action_count(&self, status: ActionStatus) -> usize {
        self.measures
            .iter()
            .flat_map(|m| &m.actions)
            .filter(|a| a.status == status)
            .count()
    }
}

/// Runs the extractor for `format` over decoded `text`.
pub fn extract(format: DocumentFormat, text: &str) -> DocumentVersion {
    let mut version = match format {
        DocumentFormat::Torikumi => torikumi::extract(text),
        DocumentFormat::Slides => slides::extract(text),
    };
    version.targets.extend(figures::extract_figures(text));
    if format == DocumentFormat::Slides {
        let (milestones, diagnostics) = timeline::extract_milestones(text);
        version.milestones = milestones;
        version.diagnostics.extend(diagnostics);
        let (revisions, diagnostics) = requirements::extract_requirement_revisions(text);
        version.requirement_revisions = revisions;
        version.diagnostics.extend(diagnostics);
        let summary = slides_summary(&version);
        version.diagnostics.push(summary);
    }
    version
}

/// What was read from slides, said plainly — also when it is nothing. Written here, once the
/// figures are read, so they are read once.
fn slides_summary(version: &DocumentVersion) -> Diagnostic {
    let individual = version
        .targets
        .iter()
        .filter(|t| t.deadline_after_adoption.is_some())
        .count();
    let message = if version.measures.is_empty()
        && version.targets.is_empty()
        && version.milestones.is_empty()
    {
        "slides: nothing was read from this document (no quoted measures under （取り組むべき施策）, no 個別目標, no dated figures, no timeline rows); it is ledgered as a document of its meeting only".to_owned()
    } else {
        format!(
            "slides: {} quoted measures, {individual} individual targets (個別目標) and {} timeline rows (沿革) read",
            version.measures.len(),
            version.milestones.len()
        )
    };
    Diagnostic {
        line: 1,
        message,
        hint: None,
    }
}

/// Why a text is not the format it was declared as: what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a {format}: expected {expected}; found {found}")]
pub struct FormatMismatch {
    pub format: &'static str,
    pub expected: &'static str,
    pub found: String,
}

/// Refuses a reading that shows the text is not the declared format, so that it is never
/// ledgered as if it were. A 取組一覧 has section headings, measures and bureau blocks with
/// actions, and at least half its measures have actions; slides are Japanese text (a slide deck from which nothing is read is still a
/// document of its meeting, and ingest says that nothing was read).
pub fn check_format(
    format: DocumentFormat,
    text: &str,
    version: &DocumentVersion,
) -> Result<(), FormatMismatch> {
    match format {
        DocumentFormat::Torikumi => {
            let columns = columns_side_by_side(text);
            if columns.is_layout() {
                return Err(FormatMismatch {
                    format: "取組一覧 (--format torikumi)",
                    expected: "one column's text per line, as pdftotext prints by default or with -raw (its -layout mode prints the table's columns side by side on one line, which cannot be read without half-reading it)",
                    found: format!(
                        "{} of {} lines hold text in columns side by side (gaps of 3 or more spaces), the first at line {}",
                        columns.lines_with_gaps, columns.content_lines, columns.first_line
                    ),
                });
            }
            let with_section = version
                .measures
                .iter()
                .filter(|m| !m.section.path.is_empty())
                .count();
            let actions: usize = version.measures.iter().map(|m| m.actions.len()).sum();
            // In a 取組一覧 every measure has its row of bureau blocks; slides that quote a few
            // 【…】 notes read as many "measures" without any.
            let with_actions = version
                .measures
                .iter()
                .filter(|m| !m.actions.is_empty())
                .count();
            if with_section == 0 || actions == 0 || with_actions * 2 < version.measures.len() {
                return Err(FormatMismatch {
                    format: "取組一覧 (--format torikumi)",
                    expected: "section headings (⑴, ①, （ア）) alone on a line, measure paragraphs under them, and bureau blocks 【…】 with bulleted actions",
                    found: format!(
                        "{} measure paragraphs read, {with_section} of them under a section heading, {with_actions} with actions, {actions} actions in bureau blocks",
                        version.measures.len()
                    ),
                });
            }
        }
        DocumentFormat::Slides => {
            let japanese = text
                .chars()
                .any(|c| matches!(c as u32, 0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xFF66..=0xFF9F));
            if !japanese {
                return Err(FormatMismatch {
                    format: "slides document (--format slides)",
                    expected: "Japanese text extracted from a meeting's slides",
                    found: "no Japanese characters at all".into(),
                });
            }
        }
    }
    Ok(())
}

/// How many lines of a text hold columns side by side, as pdftotext's `-layout` mode prints a
/// table: text, a gap of three or more spaces (two or more ideographic ones), more text. A
/// spaced-out heading (均等割付, however wide its spacing) is not a gap between columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SideBySide {
    pub content_lines: usize,
    pub lines_with_gaps: usize,
    /// The first such line (1-based), 0 when there is none.
    pub first_line: u32,
}

/// A text is laid out in columns when at least this many of its lines are …
const LAYOUT_MIN_LINES: usize = 10;
/// … and at least one in this many of its lines with content.
const LAYOUT_ONE_IN: usize = 5;

impl SideBySide {
    pub fn is_layout(&self) -> bool {
        self.lines_with_gaps >= LAYOUT_MIN_LINES
            && self.lines_with_gaps * LAYOUT_ONE_IN >= self.content_lines
    }
}

pub fn columns_side_by_side(text: &str) -> SideBySide {
    let mut found = SideBySide::default();
    for (index, raw) in text.split('\n').enumerate() {
        let content = crate::source::normalize::line_content(raw);
        if content.is_empty() {
            continue;
        }
        found.content_lines += 1;
        if has_column_gap(content) && !crate::source::normalize::is_spaced_out(content) {
            found.lines_with_gaps += 1;
            if found.first_line == 0 {
                found.first_line = index as u32 + 1;
            }
        }
    }
    found
}

/// A run of whitespace inside a line as wide as three half-width spaces (an ideographic space
/// counts two).
fn has_column_gap(content: &str) -> bool {
    let mut width = 0;
    for c in content.chars() {
        match c {
            '\u{3000}' => width += 2,
            ' ' | '\t' => width += 1,
            _ => width = 0,
        }
        if width >= 3 {
            return true;
        }
    }
    false
}

/// The format a text reads as, when none was declared, and why: a 取組一覧 when it passes
/// [`check_format`] as one (section headings, measures, bureau blocks with actions), else slides
/// when it is Japanese text; `None` when it is neither — or when its lines hold columns side by
/// side (pdftotext `-layout`): what it is must then be declared, and a 取組一覧 so printed is
/// refused rather than half-read.
pub fn recognise_format(text: &str) -> Option<(DocumentFormat, String)> {
    if columns_side_by_side(text).is_layout() {
        return None;
    }
    let table = extract(DocumentFormat::Torikumi, text);
    if check_format(DocumentFormat::Torikumi, text, &table).is_ok() {
        let actions: usize = table.measures.iter().map(|m| m.actions.len()).sum();
        return Some((
            DocumentFormat::Torikumi,
            format!(
                "{} measures under section headings with {actions} actions in bureau blocks",
                table.measures.len()
            ),
        ));
    }
    let slides = extract(DocumentFormat::Slides, text);
    check_format(DocumentFormat::Slides, text, &slides).ok()?;
    let evidence = SlideCues::of(text, &slides);
    slides_recognised(&evidence).then(|| {
        (
            DocumentFormat::Slides,
            format!(
                "Japanese text without a 取組一覧's table, with the marks of slides ({})",
                evidence.marks().join(", ")
            ),
        )
    })
}

/// What a text shows of being a meeting's slides (資料), and of being something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlideCues {
    /// Plan passages quoted under （取り組むべき施策） and the like.
    pub quoted_measures: usize,
    /// Dated figures and 個別目標.
    pub figures: usize,
    /// Dated milestones (沿革), requirement revisions (現行 → 改定後), plan adoptions.
    pub other_statements: usize,
    /// 「資料1」「参考資料6」 on a line of its own.
    pub label_lines: usize,
    /// A meeting's name on a line of its own (「第7回…ワーキンググループ」).
    pub meeting_lines: usize,
    /// Markdown's own marks: ATX headings, code fences, pipe-table rows — a README, not a slide.
    pub markdown_lines: usize,
}

impl SlideCues {
    pub fn of(text: &str, slides: &DocumentVersion) -> SlideCues {
        let mut cues = SlideCues {
            quoted_measures: slides.measures.len(),
            figures: slides.targets.len(),
            other_statements: slides.milestones.len()
                + slides.requirement_revisions.len()
                + figures::plan_adoptions(text).len(),
            ..SlideCues::default()
        };
        for line in text.lines() {
            let content = crate::source::normalize::line_content(line);
            let folded = crate::source::normalize::fold_width(content);
            let bare = folded.replace(' ', "");
            if is_label_line(&bare) {
                cues.label_lines += 1;
            }
            if torikumi::is_page_furniture(&bare) && bare.starts_with('第') {
                cues.meeting_lines += 1;
            }
            let trimmed = line.trim_end();
            if trimmed.starts_with("```")
                || (trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' '))
                || (trimmed.len() > 1 && trimmed.starts_with('|') && trimmed.ends_with('|'))
            {
                cues.markdown_lines += 1;
            }
        }
        cues
    }

    /// The marks found, for the message that says why a text was taken as slides.
    pub fn marks(&self) -> Vec<String> {
        [
            (self.quoted_measures, "quoted measures"),
            (self.figures, "dated figures or 個別目標"),
            (
                self.other_statements,
                "milestones, requirement revisions or adoptions",
            ),
            (self.label_lines, "資料 labels"),
            (self.meeting_lines, "meeting names"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{count} {what}"))
        .collect()
    }
}

/// Markdown lines at or above this count make a text a Markdown document (a README), whatever
/// else it states: a slide deck's text extraction prints none of them.
const MARKDOWN_LINES_MAX: usize = 3;

/// Whether a text given without `--format` is taken as slides: positive evidence of a slide
/// deck (something read from it, or a 資料 label or meeting name on a line of its own), and not
/// a Markdown document. Anything else is refused and `--format` asked for.
pub fn slides_recognised(cues: &SlideCues) -> bool {
    let evidence = cues.quoted_measures
        + cues.figures
        + cues.other_statements
        + cues.label_lines
        + cues.meeting_lines;
    evidence > 0 && cues.markdown_lines < MARKDOWN_LINES_MAX
}

/// 「資料1」「参考資料６」「資料1-2」 alone on a line (spaces and widths folded).
fn is_label_line(bare: &str) -> bool {
    let rest = bare.strip_prefix("参考").unwrap_or(bare);
    rest.strip_prefix("資料").is_some_and(|number| {
        !number.is_empty()
            && number.chars().count() <= 6
            && number.starts_with(|c: char| c.is_ascii_digit())
            && number.chars().all(|c| c.is_ascii_digit() || c == '-')
    })
}

/// The name of the plan mentioned in `text`, if any, as 「第N期がん対策推進基本計画」 with the
/// ordinal as printed: from 「第４期がん対策推進基本計画」, 「第3期がん対策推進基本計画案」 or
/// 「がん対策推進基本計画（第３期）」.
pub fn plan_named_in(text: &str) -> Option<String> {
    const PLAN: &str = "がん対策推進基本計画";
    let mut search_from = 0;
    while let Some(offset) = text[search_from..].find(PLAN) {
        let start_of_name = search_from + offset;
        let end = start_of_name + PLAN.len();
        let before = &text[..start_of_name];
        if let Some(ordinal) = before
            .strip_suffix('期')
            .and_then(|b| b.rfind('第').map(|start| &b[start + '第'.len_utf8()..]))
        {
            if crate::source::normalize::ascii_digits(ordinal).is_some() {
                return Some(format!("第{ordinal}期{PLAN}"));
            }
        }
        let after = &text[end..];
        if let Some(inner) = after
            .strip_prefix('（')
            .or_else(|| after.strip_prefix('('))
            .and_then(|a| a.strip_prefix('第'))
        {
            if let Some(kiend) = inner.find('期') {
                let ordinal = &inner[..kiend];
                if crate::source::normalize::ascii_digits(ordinal).is_some() {
                    return Some(format!("第{ordinal}期{PLAN}"));
                }
            }
        }
        search_from = end;
    }
    None
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn columns_side_by_side_are_told_from_spacing() {
        let cases = [
            ("国は、推進する。", false),
            ("患 者 本 位 の", false),
            ("患   者   本   位", false), // spaced out, however wide
            ("国は、推進する。    【医政局】○実施した。", true),
            ("国は、推進する。\u{3000}\u{3000}○実施した。", true),
            ("見出し 「取り組むべき施策」の記載 【最終版】", false),
            ("○実施した。  次の行", false),
        ];
        for (line, gap) in cases {
            assert_eq!(
                has_column_gap(line) && !crate::source::normalize::is_spaced_out(line),
                gap,
                "{line}"
            );
        }
        let laid_out = "国は、推進する。    ○実施した。\n".repeat(12);
        assert!(columns_side_by_side(&laid_out).is_layout());
        let mostly_prose = format!("{}{}", "国は、推進する。\n".repeat(100), laid_out);
        assert!(!columns_side_by_side(&mostly_prose).is_layout());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_name_is_found_in_a_title_line() {
        assert_eq!(
            plan_named_in("第４期がん対策推進基本計画施策に対する取組一覧").as_deref(),
            Some("第４期がん対策推進基本計画")
        );
        assert_eq!(plan_named_in("がん対策推進基本計画"), None);
        assert_eq!(
            plan_named_in("がん対策推進基本計画（第３期） がん対策推進基本計画中間評価").as_deref(),
            Some("第３期がん対策推進基本計画")
        );
        assert_eq!(
            plan_named_in("第３期がん対策推進基本計画案（案）（概要）").as_deref(),
            Some("第３期がん対策推進基本計画")
        );
        assert_eq!(plan_named_in("取組一覧"), None);
    }

    #[test]
    fn slides_are_recognised_on_evidence_and_a_readme_is_not() {
        let cues = |quoted, figures, labels, meetings, markdown| SlideCues {
            quoted_measures: quoted,
            figures,
            other_statements: 0,
            label_lines: labels,
            meeting_lines: meetings,
            markdown_lines: markdown,
        };
        // (cues, recognised)
        let cases = [
            (cues(3, 2, 0, 0, 0), true),    // 001: quoted measures and 個別目標
            (cues(0, 8, 1, 1, 0), true),    // 002: 資料1, the meeting's name, figures
            (cues(0, 6, 0, 0, 0), true),    // 004: dated figures only
            (cues(0, 0, 1, 0, 0), true),    // a deck from which nothing is read, but labelled
            (cues(0, 0, 0, 0, 0), false),   // Japanese prose with no mark of slides
            (cues(0, 2, 0, 0, 104), false), // this README: figures, and Markdown throughout
            (cues(1, 0, 0, 0, 3), false),
        ];
        for (cues, recognised) in cases {
            assert_eq!(slides_recognised(&cues), recognised, "{cues:?}");
        }
        assert!(is_label_line("資料1"));
        assert!(is_label_line("参考資料6"));
        assert!(is_label_line("資料1-2"));
        assert!(!is_label_line("資料"));
        assert!(!is_label_line("資料によれば、"));
    }
}

//! The `torikumi` format: a 取組一覧 (progress table) extracted from PDF to text.
//!
//! The PDF is a four-column table — 項目番号 (section), 「取り組むべき施策」 (measure),
//! 具体的な取組 (done), 今後予定している取組 (planned) — and text extraction emits it cell by
//! cell: a section heading, the measure paragraph, then the bureau blocks (【部局】 + bullets) of
//! the done column, then those of the planned column. Nothing in the text says which column a
//! block came from, so the columns are told apart by two signals, both measured on the real
//! seed (see `assign_columns`):
//!
//! * width: done-column lines are printed wider (about 40 full-width characters) than
//!   planned-column lines (about 30);
//! * restart: the planned column lists its bureaus again from the first one.
//!
//! Rules for the rest of the mess, each with a test below:
//!
//! * Page furniture is dropped: the repeated column header (「見出し 「取り組むべき施策」の記載 …」),
//!   「項目番号」, and the meeting footer (「第92回がん対策推進協議会」). Footers are kept aside so
//!   the caller can compare them with the manifest.
//! * A line that starts with one ASCII space is the first line of a new page (the extractor's
//!   mark); it starts a new paragraph even without a blank line before it.
//! * A heading is a section token alone on a line (see `section`) followed by at least one short
//!   title line; wrapped title lines are joined (医療提供体 / 制の均てん / 化・集約化).
//! * A measure is a paragraph without bullets that comes right after a heading, or after the
//!   previous measure's blocks when the last block's text ended a sentence (。) — and that is
//!   followed by a bureau header, a heading or the end of the document. A paragraph that follows
//!   an action cut mid-sentence continues that action (PDF extraction sometimes puts blank lines
//!   inside a wrapped bullet).
//! * In a bureau block, each ○ 〇 ・ at the start of a line begins an action; a ・ indented with
//!   spaces is a sub-bullet and stays part of the action above it; text before the first bullet
//!   is an action of its own (a block with text and no bullet is one action).

use super::bureau::{canonical_names, printed_name};
use super::section::{
    parse_section_token, resolve_bare_number, PrintedToken, SectionPath, SectionToken,
};
use super::{
    plan_named_in, ActionStatus, Diagnostic, DocumentVersion, ExtractedAction, ExtractedMeasure,
    LineRange,
};
use crate::source::normalize::{
    close_up_spaced_lines, comparison_key, comparison_key_cow, display_width, fold_width,
    has_comparison_key, is_kana_or_kanji, split_line, BULLET_GLYPHS,
};

/// A block with a line at least this wide (in columns, full-width = 2) was printed in the done
/// column — when the document has too few wrapped lines to read its own column widths (see
/// [`ColumnRule::read_from`]). Done-column lines in seed 000 run 70–80 columns, planned-column
/// lines 50–64.
pub const DONE_COLUMN_MIN_WIDTH: usize = 68;
/// A block whose widest line is between this and [`DONE_COLUMN_MIN_WIDTH`] was printed in the
/// narrower planned column; a narrower widest line says nothing (a short one-line bullet fits
/// either column).
pub const PLANNED_COLUMN_MIN_WIDTH: usize = 44;
/// The done column must be at least this much wider than the planned one for the widths of
/// wrapped lines to tell them apart (seed 000: about 76 against 58 columns, 1.3).
pub const MIN_COLUMN_WIDTH_RATIO: f64 = 1.15;
/// Below this share of the planned column's width a block's widest line says nothing (seed 000:
/// 44 of about 58 columns).
pub const PLANNED_EVIDENCE_SHARE: f64 = 0.75;
/// Each column needs this many wrapped lines before its width is trusted.
const MIN_WRAPPED_LINES_PER_COLUMN: usize = 3;

/// How wide a block's widest line must be to say which column it was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnRule {
    pub done_min_width: usize,
    pub planned_min_width: usize,
    /// Read from the document (`true`) or the seed's defaults.
    pub read_from_document: bool,
}

impl ColumnRule {
    /// Seed 000's widths.
    pub const DEFAULT: ColumnRule = ColumnRule {
        done_min_width: DONE_COLUMN_MIN_WIDTH,
        planned_min_width: PLANNED_COLUMN_MIN_WIDTH,
        read_from_document: false,
    };

    /// The rule for one document, from the widths of its wrapped lines (a line followed by
    /// the rest of its sentence is about as wide as its column). Another PDF layout or
    /// extractor prints other widths, but the done column stays the wider one: the widths fall
    /// in two groups (split where the within-group variance is least), and the boundary is
    /// halfway between them. Falls back to [`ColumnRule::DEFAULT`] when the groups are too
    /// small or too close to be two columns.
    pub fn read_from(wrapped_line_widths: &[usize]) -> ColumnRule {
        let mut widths = wrapped_line_widths.to_vec();
        widths.sort_unstable();
        // Prefix sums of w and w²: each split's within-group variance in constant time, so a
        // document of any length is read in n log n (the sort), not n².
        let (mut sum, mut squares) = (0.0f64, 0.0f64);
        let mut sums = vec![(sum, squares)];
        for &width in &widths {
            let width = width as f64;
            sum += width;
            squares += width * width;
            sums.push((sum, squares));
        }
        let cost = |from: usize, to: usize| {
            let (&(sum_to, squares_to), &(sum_from, squares_from)) =
                (sums.get(to)?, sums.get(from)?);
            let count = (to - from) as f64;
            let sum = sum_to - sum_from;
            let squares = squares_to - squares_from;
            Some(squares - sum * sum / count)
        };
        let mean = |part: &[usize]| part.iter().sum::<usize>() as f64 / part.len() as f64;
        let split = (MIN_WRAPPED_LINES_PER_COLUMN
            ..=widths.len().saturating_sub(MIN_WRAPPED_LINES_PER_COLUMN))
            .filter(|&at| at > 0 && at < widths.len())
            .filter_map(|at| Some((at, cost(0, at)? + cost(at, widths.len())?)))
            .min_by(|(_, a), (_, b)| a.total_cmp(b));
        let Some((split, _)) = split else {
            return ColumnRule::DEFAULT;
        };
        let Some((planned, done)) = widths.split_at_checked(split) else {
            return ColumnRule::DEFAULT;
        };
        let (Some(&widest_planned), Some(&narrowest_done)) = (planned.last(), done.first()) else {
            return ColumnRule::DEFAULT;
        };
        if mean(done) < mean(planned) * MIN_COLUMN_WIDTH_RATIO {
            return ColumnRule::DEFAULT;
        }
        ColumnRule {
            done_min_width: (widest_planned + narrowest_done).div_ceil(2),
            planned_min_width: (mean(planned) * PLANNED_EVIDENCE_SHARE).round() as usize,
            read_from_document: true,
        }
    }

    /// What a block's widest line says about its column.
    fn evidence(&self, width: usize) -> Option<ActionStatus> {
        if width >= self.done_min_width {
            Some(ActionStatus::Done)
        } else if width >= self.planned_min_width {
            Some(ActionStatus::Planned)
        } else {
            None
        }
    }
}

/// Section title lines are printed in a narrow column (about 6 full-width characters).
pub const TITLE_LINE_MAX_WIDTH: usize = 16;
/// A bureau name wraps over at most this many lines.
const MAX_BUREAU_HEADER_LINES: usize = 3;

/// Reads a 取組一覧. Never fails: what it cannot place becomes a diagnostic.
pub fn extract(text: &str) -> DocumentVersion {
    // Page numbers and running headers are read past wherever they fall, even between a
    // heading's token and its title or inside a paragraph: they are taken out before anything
    // is grouped (each line keeps its number, so spans still cite the printed lines).
    // Spaced-out headings and cells (均等割付) are closed up first, so every rule reads their
    // words as printed words.
    let text = close_up_spaced_lines(text);
    let lines: Vec<Line<'_>> = classify_lines(&text)
        .into_iter()
        .filter(|line| line.kind != LineKind::PageMarking)
        .collect();
    let mut diagnostics = Vec::new();
    let mut printed_meetings = Vec::new();
    let mut title_line = None;
    for line in &lines {
        match line.kind {
            LineKind::Title => title_line = Some(line.text.to_owned()),
            LineKind::MeetingFooter if !printed_meetings.iter().any(|m| m == line.text) => {
                printed_meetings.push(line.text.to_owned())
            }
            _ => {}
        }
    }
    let units = group_units(&lines, &mut diagnostics);
    let builders = build_measures(&units, &mut diagnostics);
    let measures = finish_measures(builders, &mut diagnostics);
    DocumentVersion {
        plan: title_line.as_deref().and_then(plan_named_in),
        title_line,
        printed_meetings,
        measures,
        targets: Vec::new(),
        diagnostics,
        milestones: Vec::new(),
        requirement_revisions: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// The document's own title, its first non-blank line.
    Title,
    /// Repeated column header or 「項目番号」.
    Furniture,
    /// 「第92回がん対策推進協議会」 printed at the foot of a page.
    MeetingFooter,
    /// A page number (「- 3 -」「3/40」, or a bare number counting pages) or the document's title
    /// printed again as a running header: read past, wherever it falls — even inside a
    /// paragraph that continues on the next page.
    PageMarking,
    Content,
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: u32,
    /// The line's content ([`line_content`]): what statements quote.
    text: &'a str,
    kind: LineKind,
    /// The first line of a page: one leading space (half- or full-width) or a form feed.
    page_mark: bool,
    /// Two or more leading spaces: a sub-bullet's indentation.
    indented: bool,
}

/// What a line is when its key alone says it is the print's furniture: the table's column
/// header, the meeting's footer, or a decorated page number (「- 1 -」).
fn furniture_kind(key: &str) -> Option<LineKind> {
    if is_column_header_key(key) {
        Some(LineKind::Furniture)
    } else if is_meeting_footer_key(key) {
        Some(LineKind::MeetingFooter)
    } else if is_decorated_page_number(key) {
        Some(LineKind::PageMarking)
    } else {
        None
    }
}

fn classify_lines(text: &str) -> Vec<Line<'_>> {
    let raw_lines: Vec<&str> = text.split('\n').collect();
    let keys: Vec<std::borrow::Cow<'_, str>> = raw_lines
        .iter()
        .map(|raw| comparison_key_cow(split_line(raw).1))
        .collect();
    let counted = counted_pages(&raw_lines, &keys);
    // The title's key and the title as printed, once it is read: the same line printed again at
    // the top of a page is a running header, and one glued onto a line is cut off.
    let mut title: Option<(&str, &str)> = None;
    // A form feed on a line of its own marks the next line with content — and so does a page
    // mark on a page number or running header, which are read past.
    let mut pending_form_feed = false;
    raw_lines
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(index, (raw, key))| {
            let (lead, text) = split_line(raw);
            let page_mark = lead.form_feed || pending_form_feed || lead.indent == 1;
            pending_form_feed = (pending_form_feed || lead.form_feed) && text.is_empty();
            // Page numbers come first: a print may open with 「- 1 -」 above its title.
            let kind = if text.is_empty() {
                LineKind::Blank
            } else if let Some(kind) = furniture_kind(key) {
                kind
            } else if counted.contains(&index) {
                LineKind::PageMarking
            } else if title.is_none() {
                title = Some((key.as_ref(), text));
                if parse_section_token(text).is_some() || text.starts_with('【') {
                    LineKind::Content
                } else {
                    LineKind::Title
                }
            } else if title.is_some_and(|(title, _)| title == key && key.chars().count() >= 8) {
                LineKind::PageMarking
            } else {
                LineKind::Content
            };
            if kind == LineKind::PageMarking && page_mark {
                pending_form_feed = true;
            }
            // Furniture glued onto a line is cut off, and what is left is read as its own line
            // would be (the glue may have landed on the column header or the footer).
            let (kind, text) = match (kind, title) {
                (LineKind::Content, Some((_, title))) => {
                    let left = without_glued_furniture(text, title);
                    if left.len() == text.len() {
                        (kind, text)
                    } else if left.is_empty() {
                        (LineKind::PageMarking, left)
                    } else {
                        let kind =
                            furniture_kind(&comparison_key(left)).unwrap_or(LineKind::Content);
                        (kind, left)
                    }
                }
                _ => (kind, text),
            };
            Line {
                number: index as u32 + 1,
                text,
                kind,
                page_mark: page_mark && !text.is_empty(),
                indented: lead.indent >= 2,
            }
        })
        .collect()
}

/// A line with the page's furniture glued onto its end or its start by the extractor
/// (「…こととする。-2-第4期がん対策推進基本計画施策に対する取組一覧」): the running title and a
/// decorated page number beside it are cut off. Only where the whole title (at least 8
/// characters) is glued on: a page number alone at a line's end may be the sentence's own.
fn without_glued_furniture<'a>(text: &'a str, title: &str) -> &'a str {
    if title.chars().count() < 8 || text.len() <= title.len() {
        return text;
    }
    // The decorated page number standing at the end (or start) of what is left, if any.
    let page_at_end = |rest: &'a str| -> &'a str {
        let starts: Vec<usize> = rest.char_indices().map(|(at, _)| at).collect();
        // The longest such tail: the earliest of the last twelve starts that reads as one.
        starts
            .iter()
            .skip(starts.len().saturating_sub(12))
            .find(|&&at| is_decorated_page_number(&comparison_key(&rest[at..])))
            .map_or(rest, |&at| rest[..at].trim_end())
    };
    let page_at_start = |rest: &'a str| -> &'a str {
        let ends: Vec<usize> = rest
            .char_indices()
            .map(|(at, c)| at + c.len_utf8())
            .take(12)
            .collect();
        ends.iter()
            .rev()
            .find(|&&end| is_decorated_page_number(&comparison_key(&rest[..end])))
            .map_or(rest, |&end| rest[end..].trim_start())
    };
    if let Some(before) = text.strip_suffix(title) {
        return page_at_end(before.trim_end());
    }
    if let Some(after) = text.strip_prefix(title) {
        return page_at_start(after.trim_start());
    }
    text
}

/// A page number as PDF-to-text tools print it at a page break — 「- 3 -」「― 3 ―」「3/40」
/// 「p.3」「P. 3」 — on a line's comparison key (widths, spacing folded). A bare number is
/// ambiguous (a section is numbered 「3」 too): see [`counted_pages`].
fn is_decorated_page_number(key: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    const DASHES: &[char] = &['-', '‐', '‑', '–', '—', '―', 'ー', '－'];
    if let Some(inner) = key
        .strip_prefix(DASHES)
        .and_then(|rest| rest.strip_suffix(DASHES))
    {
        return digits(inner);
    }
    // 「3/40」: a page of a total, never past it (「2025/3」 is a date).
    if let Some((page, of)) = key.split_once('/') {
        return digits(page)
            && digits(of)
            && matches!(
                (page.parse::<u32>(), of.parse::<u32>()),
                (Ok(page), Ok(of)) if 1 <= page && page <= of
            );
    }
    key.strip_prefix("p.")
        .or_else(|| key.strip_prefix("P."))
        .is_some_and(digits)
}

/// Bare numbers alone on a line are page numbers when at least this many, each beside the page's
/// other furniture, count up one by one through the document (1, 2, 3 … with the pages' lines
/// between them): a section numbered 「3」 stands above its title, not beside a footer.
const PAGE_RUN_MIN: usize = 5;

/// How far (in lines) a page number may stand from its page's footer, column header or first
/// line.
const PAGE_NUMBER_REACH: usize = 3;

/// The indexes of bare-number lines that count the pages: beside furniture, the longest chain
/// whose numbers go up by one in document order, when it is at least [`PAGE_RUN_MIN`] long.
fn counted_pages(
    raw_lines: &[&str],
    keys: &[std::borrow::Cow<'_, str>],
) -> std::collections::BTreeSet<usize> {
    // Digits as printed (ASCII or full-width): NFKC would make ① a 1, and a section's ①②③ a
    // run of pages.
    let number_of = |raw: &str| -> Option<u32> {
        let digits: String = split_line(raw)
            .1
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                other => other,
            })
            .collect();
        (!digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    // Position: a page number stands at a page break — beside the page's other furniture (its
    // footer or the column header) or next to a page's first line (a form feed or a one-space
    // page mark); a section's number stands above its title.
    let furniture: Vec<usize> = raw_lines
        .iter()
        .zip(keys)
        .enumerate()
        .filter(|(_, (raw, key))| {
            let (lead, text) = split_line(raw);
            !text.is_empty()
                && (lead.form_feed
                    || lead.indent == 1
                    || is_column_header_key(key)
                    || is_meeting_footer_key(key))
        })
        .map(|(index, _)| index)
        .collect();
    let numbers: Vec<(usize, u32)> = raw_lines
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            furniture
                .iter()
                .any(|&at| at.abs_diff(*index) <= PAGE_NUMBER_REACH)
        })
        .filter_map(|(index, raw)| Some((index, number_of(raw)?)))
        .collect();
    // Repetition: the longest chain counting up by one (other numbers may stand between).
    let mut best: Vec<usize> = Vec::new();
    for (start, &(first_index, first_number)) in numbers.iter().enumerate() {
        let mut chain = vec![first_index];
        let mut next = first_number + 1;
        for &(index, number) in numbers.iter().skip(start + 1) {
            if number == next {
                chain.push(index);
                next += 1;
            }
        }
        if chain.len() > best.len() {
            best = chain;
        }
    }
    if best.len() >= PAGE_RUN_MIN {
        best.into_iter().collect()
    } else {
        Default::default()
    }
}

/// Page furniture a text extraction prints inside the content: the repeated table header,
/// 「項目番号」, a meeting footer.
pub(crate) fn is_page_furniture(text: &str) -> bool {
    if !furniture_finders()
        .iter()
        .any(|finder| finder.find(text.as_bytes()).is_some())
    {
        return false;
    }
    let key = comparison_key_cow(text);
    is_column_header_key(&key) || is_meeting_footer_key(&key)
}

/// Every furniture key holds one of these: 番 (「項目番号」), 策 (「取り組むべき施策」) or 第
/// (「第92回…」). No other character keys as one of them (a test reads every character), and
/// none is composed from others, so a line without them is not furniture — decided by a byte
/// search, without keying the line (figures ask it of every line of a document).
const FURNITURE_MARKS: [&str; 3] = ["番", "策", "第"];

/// A searcher for each of [`FURNITURE_MARKS`], built once: built for every line, they were a
/// percent of `verify --deep`.
fn furniture_finders() -> &'static [memchr::memmem::Finder<'static>; 3] {
    static FINDERS: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 3]> =
        std::sync::OnceLock::new();
    FINDERS.get_or_init(|| FURNITURE_MARKS.map(memchr::memmem::Finder::new))
}

/// The repeated table header, alone or run together with 「項目番号」: on a line's comparison
/// key, so that a print spacing it out (「項 目 番 号」) or with compatibility forms (「項⽬番号」,
/// a Kangxi radical) is the same header.
fn is_column_header_key(key: &str) -> bool {
    key == "項目番号"
        || (key.contains("取り組むべき施策")
            && (key.contains("具体的な取組") || key.contains("今後予定している取組")))
}

/// 「第92回がん対策推進協議会」: a meeting name alone on a line, on its comparison key.
fn is_meeting_footer_key(text: &str) -> bool {
    const BODY_SUFFIXES: &[&str] = &[
        "協議会",
        "検討会",
        "会議",
        "部会",
        "ワーキンググループ",
        "WG",
    ];
    let Some(rest) = text.strip_prefix('第') else {
        return false;
    };
    let Some(kai) = rest.find('回') else {
        return false;
    };
    crate::source::normalize::ascii_digits(&rest[..kai]).is_some()
        && BODY_SUFFIXES.iter().any(|suffix| text.ends_with(suffix))
        && !text.contains(['、', '。', '「'])
        && text.chars().count() <= 40
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bullet {
    None,
    /// ○ 〇 ・ at the start of a line: a new action.
    Item,
    /// An indented ・: part of the action above.
    Sub,
}

#[derive(Debug, Clone)]
struct ContentLine<'a> {
    number: u32,
    text: &'a str,
    bullet: Bullet,
}

/// What separates a paragraph from the line before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// A blank line, page furniture, a heading or a bureau header (or the document's start).
    Separated,
    /// Only a page mark: the first line of a new page.
    PageMark,
    /// Nothing visible: the line before it ended a sentence and this one starts without a
    /// bullet. Another extractor drops blank lines and page marks; this is what is left.
    SentenceStart,
}

/// The document cut into headings, bureau headers and paragraphs.
#[derive(Debug, Clone)]
enum Unit<'a> {
    Heading {
        line: u32,
        token: PrintedToken,
        title: String,
    },
    Bureau {
        first_line: u32,
        header_lines: Vec<&'a str>,
    },
    Paragraph {
        opening: Opening,
        lines: Vec<ContentLine<'a>>,
    },
}

fn bullet_of(line: &Line<'_>) -> Bullet {
    match line.text.chars().next() {
        Some(first) if BULLET_GLYPHS.contains(&first) => {
            if line.indented {
                Bullet::Sub
            } else {
                Bullet::Item
            }
        }
        _ => Bullet::None,
    }
}

fn group_units<'a>(lines: &[Line<'a>], diagnostics: &mut Vec<Diagnostic>) -> Vec<Unit<'a>> {
    let mut units = Vec::new();
    let mut paragraph: Vec<ContentLine<'a>> = Vec::new();
    let mut opening = Opening::Separated;
    let flush =
        |paragraph: &mut Vec<ContentLine<'a>>, opening: Opening, units: &mut Vec<Unit<'a>>| {
            if !paragraph.is_empty() {
                units.push(Unit::Paragraph {
                    opening,
                    lines: std::mem::take(paragraph),
                });
            }
        };
    let separator_blanks = blank_lines_that_separate(lines);
    let mut index = 0;
    while let Some(&line) = lines.get(index) {
        if line.kind == LineKind::Blank {
            let run = lines
                .iter()
                .skip(index)
                .take_while(|l| l.kind == LineKind::Blank)
                .count();
            if run >= separator_blanks {
                flush(&mut paragraph, opening, &mut units);
                opening = Opening::Separated;
            }
            // The whole run at once (a run measured from each of its lines would be
            // quadratic); fewer than `separator_blanks` is a double-spaced extraction's spacing.
            index += run;
            continue;
        }
        if line.kind != LineKind::Content {
            flush(&mut paragraph, opening, &mut units);
            opening = Opening::Separated;
            index += 1;
            continue;
        }
        if let Some(token) = parse_section_token(line.text) {
            let (title_lines, next) = heading_title(lines, index + 1, separator_blanks);
            if !title_lines.is_empty() {
                flush(&mut paragraph, opening, &mut units);
                opening = Opening::Separated;
                units.push(Unit::Heading {
                    line: line.number,
                    token,
                    title: title_lines.concat(),
                });
                index = next;
                continue;
            }
        }
        // A heading on one line with its title stands where a paragraph may end: a line that
        // continues a sentence (「…、①精神科医療機関における…」 wrapped before ①) is no heading.
        let at_paragraph_start =
            paragraph.is_empty() || paragraph.last().is_some_and(|l| ends_sentence(l.text));
        if let Some((token, title)) = inline_heading(line.text).filter(|_| at_paragraph_start) {
            flush(&mut paragraph, opening, &mut units);
            opening = Opening::Separated;
            units.push(Unit::Heading {
                line: line.number,
                token,
                title: title.to_owned(),
            });
            index += 1;
            continue;
        }
        let mut line = line;
        if let Some((header, rest)) = inline_bureau(line.text) {
            // 「【部局】○…」: the header and the block's first line printed as one line.
            flush(&mut paragraph, opening, &mut units);
            opening = Opening::Separated;
            units.push(Unit::Bureau {
                first_line: line.number,
                header_lines: vec![header],
            });
            line.text = rest;
            line.indented = false;
        } else if line.text.starts_with('【') {
            if let Some((header_lines, next)) = bureau_header(lines, index) {
                flush(&mut paragraph, opening, &mut units);
                opening = Opening::Separated;
                units.push(Unit::Bureau {
                    first_line: line.number,
                    header_lines,
                });
                index = next;
                continue;
            }
            diagnostics.push(Diagnostic {
                line: line.number,
                message: format!("{:?} opens 【 but no bureau name closes with 】 within {MAX_BUREAU_HEADER_LINES} lines; read as text", line.text),
                hint: None,
            });
        }
        let bullet = bullet_of(&line);
        if !paragraph.is_empty() {
            let after_sentence = paragraph.last().is_some_and(|l| ends_sentence(l.text));
            if line.page_mark {
                flush(&mut paragraph, opening, &mut units);
                opening = Opening::PageMark;
            } else if after_sentence && bullet == Bullet::None {
                flush(&mut paragraph, opening, &mut units);
                opening = Opening::SentenceStart;
            }
        }
        paragraph.push(ContentLine {
            number: line.number,
            text: line.text,
            bullet,
        });
        index += 1;
    }
    flush(&mut paragraph, opening, &mut units);
    units
}

/// At most this wide (display columns), a title printed on its token's line is a title and not a
/// sentence that happens to start with ① or (1).
const INLINE_TITLE_MAX_WIDTH: usize = 60;

/// A section token and its title printed on one line (「① 医療提供体制の均てん化・集約化」,
/// 「⑴がん診療提供体制等」), as an extractor that keeps table rows together prints them: the
/// token, then a short title — no 。, at most one 、 (「小児がん、AYA世代のがん対策」).
fn inline_heading(text: &str) -> Option<(PrintedToken, &str)> {
    let first = text.chars().next()?;
    let token_end = if ('\u{2460}'..='\u{2487}').contains(&first) {
        first.len_utf8()
    } else if first == '(' || first == '（' {
        let close = text.find([')', '）'])?;
        close + text[close..].chars().next()?.len_utf8()
    } else if first.is_ascii_digit() || ('０'..='９').contains(&first) || first == '第' {
        // 「2 患者本位の…」, 「第2 2 患者本位の…」: the number ends at the last space before the title.
        let mut end = text.find(char::is_whitespace)?;
        if first == '第' {
            let after = text[end..].trim_start();
            let number_end = after.find(char::is_whitespace)?;
            end = text.len() - after.len() + number_end;
        }
        end
    } else {
        return None;
    };
    let token = parse_section_token(&text[..token_end])?;
    let title = text[token_end..].trim_start_matches(|c: char| c.is_whitespace());
    // A title opens with a word (kana or kanji) and closes every bracket it opens: 「8 0 1第1 6号
    // 令和４年８月１日）において…」 is a wrapped citation, not heading 8.
    let opens_with_word = title.chars().next().is_some_and(is_kana_or_kanji);
    let balanced = title.matches(['（', '(']).count() == title.matches(['）', ')']).count()
        && title.matches('「').count() == title.matches('」').count();
    let plausible = opens_with_word
        && balanced
        && !title.contains(['。', '．', '｡'])
        && title.matches(['、', '，', '､']).count() <= 1
        && display_width(title) <= INLINE_TITLE_MAX_WIDTH
        && !title.starts_with(BULLET_GLYPHS)
        && !title.starts_with('【');
    plausible.then_some((token, title))
}

/// A bureau header and the block's first line printed as one line: 「【健康局】○令和6年…」. The
/// header must close with 】 before any 、 or 。 and be followed by text.
pub(crate) fn inline_bureau(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('【') {
        return None;
    }
    let close = text.find('】')?;
    let header = &text[..close + '】'.len_utf8()];
    let rest = text[header.len()..].trim_start_matches(|c: char| c.is_whitespace());
    // Only a name that looks like an organisation: 【参考】 or 【再掲】 before a sentence is
    // not a bureau.
    const ORGANISATION: &[&str] = &["局", "課", "室", "省", "庁", "官", "部", "院", "センター"];
    let organisation = ORGANISATION.iter().any(|word| header.contains(word));
    (!rest.is_empty() && organisation && !header.contains(['、', '。'])).then_some((header, rest))
}

/// How many blank lines in a row separate paragraphs: 1, or 2 when the extraction is
/// double-spaced (most content lines are followed by exactly one blank line, so one blank line
/// is the spacing and says nothing).
fn blank_lines_that_separate(lines: &[Line<'_>]) -> usize {
    let (mut content, mut single) = (0usize, 0usize);
    for (index, line) in lines.iter().enumerate() {
        if line.kind != LineKind::Content {
            continue;
        }
        content += 1;
        let run = lines
            .iter()
            .skip(index + 1)
            .take_while(|l| l.kind == LineKind::Blank)
            .count();
        single += usize::from(run == 1);
    }
    if content > 0 && single * 10 >= content * DOUBLE_SPACED_SHARE_TENTHS {
        2
    } else {
        1
    }
}

/// A document is double-spaced when at least this many tenths of its content lines are followed
/// by exactly one blank line (seed 000: under 3 tenths).
const DOUBLE_SPACED_SHARE_TENTHS: usize = 7;

/// The short title lines after a section token (blank lines before them are allowed, and
/// between them when fewer than `separator_blanks`), and the index of the first line after them.
fn heading_title<'a>(
    lines: &[Line<'a>],
    mut index: usize,
    separator_blanks: usize,
) -> (Vec<&'a str>, usize) {
    while lines.get(index).is_some_and(|l| l.kind == LineKind::Blank) {
        index += 1;
    }
    let mut title = Vec::new();
    loop {
        // Blank lines between title lines (a double-spaced extraction) are skipped when a title
        // line follows them.
        let mut next = index;
        while !title.is_empty() && lines.get(next).is_some_and(|l| l.kind == LineKind::Blank) {
            next += 1;
        }
        if next - index >= separator_blanks {
            // A blank line that separates ends the title.
            next = index;
        }
        let Some(line) = lines.get(next) else {
            break;
        };
        let is_title = line.kind == LineKind::Content
            && display_width(line.text) <= TITLE_LINE_MAX_WIDTH
            && parse_section_token(line.text).is_none()
            && !line.text.starts_with('【')
            && bullet_of(line) == Bullet::None;
        if !is_title {
            break;
        }
        title.push(line.text);
        index = next + 1;
    }
    (title, index)
}

/// A bureau header 【…】, possibly wrapped over lines (with blank lines between, as extraction
/// sometimes emits), and the index after it. `None` when it does not close or does not look like
/// a name (a sentence with 。 or 、 is not a bureau).
fn bureau_header<'a>(lines: &[Line<'a>], start: usize) -> Option<(Vec<&'a str>, usize)> {
    let mut header = vec![lines.get(start)?.text];
    let mut index = start + 1;
    while !header.last()?.contains('】') {
        if header.len() >= MAX_BUREAU_HEADER_LINES {
            return None;
        }
        while lines.get(index).is_some_and(|l| l.kind == LineKind::Blank) {
            index += 1;
        }
        let line = lines.get(index)?;
        if line.kind != LineKind::Content || bullet_of(line) != Bullet::None {
            return None;
        }
        header.push(line.text);
        index += 1;
    }
    let joined = header.concat();
    let closes_at_end = joined.trim_end().ends_with('】');
    let sentence = joined.contains(['。', '、']);
    (closes_at_end && !sentence).then_some((header, index))
}

#[derive(Debug)]
struct Block<'a> {
    first_line: u32,
    printed: String,
    lines: Vec<ContentLine<'a>>,
}

#[derive(Debug)]
struct MeasureBuilder<'a> {
    section: SectionPath,
    lines: Vec<ContentLine<'a>>,
    blocks: Vec<Block<'a>>,
}

fn ends_sentence(text: &str) -> bool {
    text.ends_with(['。', '．', '｡'])
}

/// A measure names its actor first, with 「は、」 within this many characters (国は、 /
/// 国及び都道府県は、 / 都道府県は、).
const ACTOR_WITHIN_CHARS: usize = 20;

/// The actor clause a paragraph opens with (「国及び都道府県は」), as a comparison key: the text
/// before the first 、 when it ends with は within [`ACTOR_WITHIN_CHARS`] characters.
fn actor_clause(lines: &[ContentLine<'_>]) -> Option<String> {
    let head: String = lines.iter().take(2).map(|l| l.text).collect();
    let head = fold_width(&head);
    let clause: String = head
        .chars()
        .take(ACTOR_WITHIN_CHARS)
        .take_while(|c| *c != '、')
        .collect();
    let complete = head[clause.len()..].starts_with('、');
    (complete && clause.ends_with('は')).then(|| comparison_key(&clause))
}

/// The ways this document's measures open, learned from the paragraphs that certainly are
/// measures: the first paragraph under each heading.
fn learn_measure_openings(units: &[Unit<'_>]) -> Vec<String> {
    let mut openings: Vec<String> = Vec::new();
    for pair in units.windows(2) {
        if let [Unit::Heading { .. }, Unit::Paragraph { lines, .. }] = pair {
            if lines.iter().all(|l| l.bullet == Bullet::None) {
                if let Some(clause) = actor_clause(lines) {
                    if !openings.contains(&clause) {
                        openings.push(clause);
                    }
                }
            }
        }
    }
    openings
}

/// Where a paragraph stands relative to what came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Right after a heading, or before any measure: nothing is open.
    NothingOpen,
    /// After a measure's text, before its first bureau block.
    MeasureText { text_ended: bool },
    /// Right under a bureau header, before any of its text.
    EmptyBlock,
    /// After an action of a bureau block.
    Action { action_ended: bool },
}

/// Everything that decides whether a paragraph starts a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParagraphCues {
    place: Place,
    has_bullet: bool,
    opening: Opening,
    /// It opens the way this document's measures open (see [`learn_measure_openings`]).
    opens_like_measure: bool,
    /// The next thing after it, past bullet-free paragraphs, is a bureau block, a heading or the
    /// end: a measure paragraph is followed by its first block.
    followed_by_block: bool,
    /// A later bullet-free paragraph before that block is separated, follows a sentence end
    /// and opens like a measure: the measure starts there, not here.
    later_paragraph_opens_measure: bool,
    /// The next bureau block names a bureau already listed in this measure's planned column:
    /// a third column does not exist, so a new row (measure) has begun.
    next_block_repeats_planned_bureau: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The paragraph is a new measure's text.
    Measure,
    /// It continues what is open: the measure text, or the last block's text.
    Continuation,
    /// Nothing is open to take it.
    Outside,
}

/// Decides what a paragraph is from its cues; the note says where cues disagreed or where a
/// weak cue decided.
fn paragraph_role(cues: &ParagraphCues) -> (Role, Option<String>) {
    let separated = cues.opening != Opening::SentenceStart;
    match cues.place {
        Place::NothingOpen if cues.has_bullet => (Role::Outside, None),
        Place::NothingOpen => (Role::Measure, None),
        _ if cues.has_bullet => (Role::Continuation, None),
        Place::MeasureText { text_ended } => {
            let starts = text_ended && separated && cues.followed_by_block;
            let role = if starts {
                Role::Measure
            } else {
                Role::Continuation
            };
            (role, None)
        }
        Place::EmptyBlock => (Role::Continuation, None),
        Place::Action {
            action_ended: false,
        } => {
            let note = (separated && cues.opens_like_measure && cues.followed_by_block).then(|| {
                "opens like a measure but the action above does not end a sentence; read as that action's continuation".to_owned()
            });
            (Role::Continuation, note)
        }
        Place::Action { action_ended: true } => {
            if !cues.followed_by_block || cues.later_paragraph_opens_measure {
                return (Role::Continuation, None);
            }
            if separated {
                return (Role::Measure, None);
            }
            if cues.opens_like_measure || cues.next_block_repeats_planned_bureau {
                let why = match (cues.opens_like_measure, cues.next_block_repeats_planned_bureau) {
                    (true, true) => "it opens like this document's measures and the next bureau block starts a new row",
                    (true, false) => "it opens like this document's measures and a bureau block follows",
                    _ => "the next bureau block names a bureau already in this measure's planned column",
                };
                return (
                    Role::Measure,
                    Some(format!(
                        "measure starts with no blank line or page mark before it: {why}"
                    )),
                );
            }
            (Role::Continuation, None)
        }
    }
}

/// Walks the units, keeping the section stack, and decides for each paragraph whether it is a
/// measure or the continuation of what came before.
fn build_measures<'a>(
    units: &[Unit<'a>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<MeasureBuilder<'a>> {
    let openings = learn_measure_openings(units);
    let opens_like_measure = |lines: &[ContentLine<'_>]| match actor_clause(lines) {
        Some(clause) if openings.is_empty() => !clause.is_empty(),
        Some(clause) => openings.contains(&clause),
        None => false,
    };
    let mut stack: Vec<SectionToken> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    let mut measures: Vec<MeasureBuilder<'a>> = Vec::new();
    // Whether the last measure may still take paragraphs (false right after a heading).
    let mut measure_open = false;
    for (index, unit) in units.iter().enumerate() {
        match unit {
            Unit::Heading { line, token, title } => {
                let token = resolve_heading(*token, &stack, units, index);
                let parent_depth = stack.last().map(|t| t.depth);
                if parent_depth.map_or(token.depth > 0, |depth| token.depth > depth + 1) {
                    diagnostics.push(Diagnostic {
                        line: *line,
                        message: format!(
                            "section {} skips a level (the path so far is {})",
                            token.token,
                            stack.iter().map(|t| t.token.as_str()).collect::<Vec<_>>().join(" › ")
                        ),
                        hint: Some("the section path is kept as printed".into()),
                    });
                }
                // A heading closes every section at its depth or deeper, even when a level
                // between was skipped: a sibling replaces its sibling.
                while stack.last().is_some_and(|open| open.depth >= token.depth) {
                    stack.pop();
                    titles.pop();
                }
                stack.push(token);
                titles.push(title.clone());
                measure_open = false;
            }
            Unit::Bureau {
                first_line,
                header_lines,
            } => match measures.last_mut().filter(|_| measure_open) {
                Some(measure) => measure.blocks.push(Block {
                    first_line: *first_line,
                    printed: printed_name(header_lines),
                    lines: Vec::new(),
                }),
                None => diagnostics.push(Diagnostic {
                    line: *first_line,
                    message: "a bureau block comes before any measure text under its heading; its actions are not extracted".into(),
                    hint: Some("check that the measure paragraph above it was not lost in extraction".into()),
                }),
            },
            Unit::Paragraph { opening, lines } => {
                // group_units makes no empty paragraph.
                let Some(first) = lines.first().map(|l| l.number) else {
                    continue;
                };
                let current = measures.last().filter(|_| measure_open);
                let place = match current {
                    None => Place::NothingOpen,
                    Some(measure) => match measure.blocks.last() {
                        None => Place::MeasureText {
                            text_ended: measure.lines.last().is_some_and(|l| ends_sentence(l.text)),
                        },
                        Some(block) if block.lines.is_empty() => Place::EmptyBlock,
                        Some(block) => Place::Action {
                            action_ended: block.lines.last().is_some_and(|l| ends_sentence(l.text)),
                        },
                    },
                };
                let cues = ParagraphCues {
                    place,
                    has_bullet: lines.iter().any(|line| line.bullet != Bullet::None),
                    opening: *opening,
                    opens_like_measure: opens_like_measure(lines),
                    followed_by_block: is_followed_by_boundary(units, index),
                    later_paragraph_opens_measure: later_paragraph_opens_measure(units, index, &opens_like_measure),
                    next_block_repeats_planned_bureau: current
                        .is_some_and(|measure| next_block_repeats_planned_bureau(measure, units, index)),
                };
                let (role, note) = paragraph_role(&cues);
                if let Some(message) = note {
                    diagnostics.push(Diagnostic {
                        line: first,
                        message,
                        hint: Some("check the measure boundaries here against the PDF".into()),
                    });
                }
                match role {
                    Role::Measure => {
                        if let Some(previous) = current
                            .filter(|m| m.blocks.is_empty())
                            .and_then(|m| m.lines.first())
                        {
                            diagnostics.push(Diagnostic {
                                line: previous.number,
                                message: "measure has no bureau blocks (no actions reported)".into(),
                                hint: None,
                            });
                        }
                        if stack.is_empty() {
                            diagnostics.push(Diagnostic {
                                line: first,
                                message: "measure text before any section heading".into(),
                                hint: None,
                            });
                        }
                        measures.push(MeasureBuilder {
                            section: SectionPath {
                                path: stack.iter().map(|t| t.token.clone()).collect(),
                                titles: titles.clone(),
                            },
                            lines: lines.clone(),
                            blocks: Vec::new(),
                        });
                        measure_open = true;
                    }
                    Role::Continuation => match measures.last_mut() {
                        Some(measure) => match measure.blocks.last_mut() {
                            Some(block) => block.lines.extend(lines.iter().cloned()),
                            None => measure.lines.extend(lines.iter().cloned()),
                        },
                        // paragraph_role says continuation only with a measure open; were it
                        // ever otherwise, the text is reported, not lost silently.
                        None => diagnostics.push(Diagnostic {
                            line: first,
                            message: "text continuing no measure was not extracted".into(),
                            hint: None,
                        }),
                    },
                    Role::Outside => diagnostics.push(Diagnostic {
                        line: first,
                        message: "text outside any measure was not extracted".into(),
                        hint: Some("a bulleted paragraph needs a bureau header 【…】 and a measure above it".into()),
                    }),
                }
            }
        }
    }
    measures
}

/// A heading's token with its depth: a bare number (what ① becomes under NFKC) is a part or a
/// circled section by [`resolve_bare_number`].
fn resolve_heading(
    token: PrintedToken,
    stack: &[SectionToken],
    units: &[Unit<'_>],
    index: usize,
) -> SectionToken {
    let open_part = stack
        .iter()
        .find(|t| t.depth == 0)
        .and_then(|t| t.token.parse().ok());
    let open_group = stack.iter().any(|t| t.depth == 1);
    let next_is_first_group = units
        .iter()
        .skip(index + 1)
        .find_map(|unit| match unit {
            Unit::Heading { token, .. } => Some(*token == PrintedToken::Parenthesized(1)),
            _ => None,
        })
        .unwrap_or(false);
    let bare_is_part = match token {
        PrintedToken::BareNumber(number) => {
            resolve_bare_number(number, open_part, open_group, next_is_first_group)
        }
        _ => false,
    };
    token.resolve(bare_is_part)
}

/// A measure paragraph is followed by its first bureau block, the next heading, or the end —
/// possibly after more bullet-free paragraphs of the same measure text (a page break).
fn is_followed_by_boundary(units: &[Unit<'_>], index: usize) -> bool {
    for unit in units.iter().skip(index + 1) {
        match unit {
            Unit::Heading { .. } | Unit::Bureau { .. } => return true,
            Unit::Paragraph { lines, .. } if lines.iter().any(|l| l.bullet != Bullet::None) => {
                return false
            }
            Unit::Paragraph { .. } => {}
        }
    }
    true
}

/// Whether a bullet-free paragraph after `index`, before the next block, is a surer start of a
/// measure: separated from the paragraph before it, which ended a sentence, and opening like a
/// measure.
fn later_paragraph_opens_measure(
    units: &[Unit<'_>],
    index: usize,
    opens_like_measure: &dyn Fn(&[ContentLine<'_>]) -> bool,
) -> bool {
    let mut previous_ended = match units.get(index) {
        Some(Unit::Paragraph { lines, .. }) => lines.last().is_some_and(|l| ends_sentence(l.text)),
        _ => false,
    };
    for unit in units.iter().skip(index + 1) {
        let Unit::Paragraph { opening, lines } = unit else {
            return false;
        };
        if lines.iter().any(|l| l.bullet != Bullet::None) {
            return false;
        }
        if previous_ended && *opening != Opening::SentenceStart && opens_like_measure(lines) {
            return true;
        }
        previous_ended = lines.last().is_some_and(|l| ends_sentence(l.text));
    }
    false
}

/// Whether the next bureau block after `index` names a bureau this measure already listed after
/// its bureau sequence restarted (its planned column).
fn next_block_repeats_planned_bureau(
    measure: &MeasureBuilder<'_>,
    units: &[Unit<'_>],
    index: usize,
) -> bool {
    let next = units.iter().skip(index + 1).find_map(|unit| match unit {
        Unit::Bureau { header_lines, .. } => {
            Some(Some(comparison_key(&printed_name(header_lines))))
        }
        Unit::Heading { .. } => Some(None),
        Unit::Paragraph { .. } => None,
    });
    let Some(Some(next)) = next else {
        return false;
    };
    let names: Vec<String> = measure
        .blocks
        .iter()
        .map(|b| comparison_key(&b.printed))
        .collect();
    match restart_index(&names) {
        Some(restart) => names.iter().skip(restart).any(|name| *name == next),
        None => false,
    }
}

/// The first block whose bureau already appeared in the measure: where the planned column
/// starts when the table lists its bureaus once per column.
fn restart_index<T: PartialEq>(bureaus: &[T]) -> Option<usize> {
    bureaus
        .iter()
        .enumerate()
        .skip(1)
        .find(|&(at, bureau)| bureaus.iter().take(at).any(|earlier| earlier == bureau))
        .map(|(at, _)| at)
}

/// The column rule, checked against the bureau sequences: in the measures whose bureau sequence
/// restarts, the split the widths alone choose should be the restart. When it is not in most of
/// them (a layout that prints every column at one width, yet has lines of several widths), the
/// widths are not the columns' and the rule falls back to saying nothing where a restart speaks.
fn calibrate(rule: ColumnRule, widths_of: &[Vec<usize>], bureaus_of: &[Vec<String>]) -> ColumnRule {
    if !rule.read_from_document {
        return rule;
    }
    let (mut agree, mut disagree) = (0, 0);
    for (widths, bureaus) in widths_of.iter().zip(bureaus_of) {
        let Some(restart) = restart_index(bureaus) else {
            continue;
        };
        // Distinct names: the widths alone decide.
        let unnamed: Vec<String> = (0..bureaus.len()).map(|at| at.to_string()).collect();
        let (by_width, _) = assign_columns(&rule, widths, &unnamed);
        if by_width == restart {
            agree += 1;
        } else {
            disagree += 1;
        }
    }
    if disagree > agree {
        ColumnRule {
            read_from_document: false,
            ..ColumnRule::DEFAULT
        }
    } else {
        rule
    }
}

/// How sure a measure's column split is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnCertainty {
    Sure,
    /// Neither widths nor the bureau sequence say: a guess.
    Guessed,
    /// Widths and the bureau sequence point at different splits; the widths' one was taken.
    Disagree {
        by_restart: usize,
    },
}

/// Which blocks of one measure were printed in the done column: the first `split` blocks.
///
/// Two signals. The bureau sequence: the planned column lists its bureaus again, so it starts
/// at the first block whose bureau already appeared in the measure ([`restart_index`]; in seed
/// 000 this holds for 70 of 70 measures). The widths: every split point `k` (0..=n) is scored
/// by how many blocks contradict it — a block before `k` whose widest line says "planned", or
/// one from `k` on that says "done". When the document's own column widths could not be read
/// (one width for every column), the widths say nothing and the restart decides. Otherwise the
/// fewest contradictions win, then the restart, then the latest split (an unmarked block is
/// more often a short done entry than a planned one).
fn assign_columns(
    rule: &ColumnRule,
    widths: &[usize],
    bureaus: &[String],
) -> (usize, ColumnCertainty) {
    let block_count = widths.len();
    let restart = restart_index(bureaus);
    if let (false, Some(restart)) = (rule.read_from_document, restart) {
        return (restart, ColumnCertainty::Sure);
    }
    let evidence: Vec<Option<ActionStatus>> =
        widths.iter().map(|&width| rule.evidence(width)).collect();
    let score = |split: usize| {
        let contradictions = evidence
            .iter()
            .take(split)
            .filter(|e| **e == Some(ActionStatus::Planned))
            .count()
            + evidence
                .iter()
                .skip(split)
                .filter(|e| **e == Some(ActionStatus::Done))
                .count();
        (
            contradictions,
            restart != Some(split),
            std::cmp::Reverse(split),
        )
    };
    let best = (0..=block_count)
        .min_by_key(|&split| score(split))
        .unwrap_or(0);
    let (contradictions, not_restart, _) = score(best);
    if let Some(by_restart) = restart.filter(|_| not_restart) {
        return (best, ColumnCertainty::Disagree { by_restart });
    }
    let tied = (0..=block_count)
        .filter(|&split| score(split).0 == contradictions)
        .count();
    let guessed = contradictions > 0 || (restart.is_none() && tied > 1 && block_count > 0);
    let certainty = if guessed {
        ColumnCertainty::Guessed
    } else {
        ColumnCertainty::Sure
    };
    (best, certainty)
}

fn finish_measures(
    builders: Vec<MeasureBuilder<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ExtractedMeasure> {
    let printed: Vec<String> = builders
        .iter()
        .flat_map(|m| m.blocks.iter().map(|b| b.printed.clone()))
        .collect();
    let mut canonical = canonical_names(&printed).into_iter();
    let wrapped_line_widths: Vec<usize> = builders
        .iter()
        .flat_map(|m| &m.blocks)
        .flat_map(|block| {
            block
                .lines
                .iter()
                .zip(block.lines.iter().skip(1))
                .filter(|(_, next)| next.bullet == Bullet::None)
                .map(|(line, _)| display_width(line.text))
        })
        .collect();
    let bureaus_of: Vec<Vec<String>> = builders
        .iter()
        .map(|builder| {
            builder
                .blocks
                .iter()
                .map(|_| canonical.next().unwrap_or_default())
                .collect()
        })
        .collect();
    let widths_of: Vec<Vec<usize>> = builders
        .iter()
        .map(|builder| {
            builder
                .blocks
                .iter()
                .map(|block| {
                    block
                        .lines
                        .iter()
                        .map(|line| display_width(line.text))
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    let read = ColumnRule::read_from(&wrapped_line_widths);
    let rule = calibrate(read, &widths_of, &bureaus_of);
    let has_blocks = !builders.iter().all(|m| m.blocks.is_empty());
    if read.read_from_document && !rule.read_from_document {
        diagnostics.push(Diagnostic {
            line: 0,
            message: "the widths of this document's lines put the planned column elsewhere than its bureau sequences do in most measures; columns are read from the bureau sequences".into(),
            hint: Some("check the done/planned status of actions against the PDF".into()),
        });
    } else if !rule.read_from_document && has_blocks {
        diagnostics.push(Diagnostic {
            line: 0,
            message: format!(
                "the done and planned columns' widths could not be read from this document ({} wrapped lines); columns are read from the bureau sequences, else seed 000's widths ({} / {} columns)",
                wrapped_line_widths.len(),
                ColumnRule::DEFAULT.done_min_width,
                ColumnRule::DEFAULT.planned_min_width
            ),
            hint: Some("check the done/planned status of actions against the PDF".into()),
        });
    }
    builders
        .into_iter()
        .zip(widths_of)
        .zip(bureaus_of)
        .filter_map(|((builder, widths), bureaus)| {
            let (split, certainty) = assign_columns(&rule, &widths, &bureaus);
            // A measure is made from a paragraph, which has lines.
            let measure_line = builder.lines.first()?.number;
            let uncertain = match certainty {
                ColumnCertainty::Sure => None,
                ColumnCertainty::Guessed => Some(format!(
                    "the done/planned columns of this measure's {} bureau blocks are uncertain (widest lines {widths:?}, no bureau listed twice); read the first {split} as done",
                    builder.blocks.len(),
                )),
                ColumnCertainty::Disagree { by_restart } => Some(format!(
                    "the widths of this measure's bureau blocks ({widths:?}) put the planned column at block {}, but its bureau sequence restarts at block {}; read the first {split} as done",
                    split + 1,
                    by_restart + 1,
                )),
            };
            if let Some(message) = uncertain {
                diagnostics.push(Diagnostic {
                    line: measure_line,
                    message,
                    hint: Some("check the measure's actions against the PDF".into()),
                });
            }
            let mut actions = Vec::new();
            for (index, (block, bureau_canonical)) in
                builder.blocks.iter().zip(bureaus).enumerate()
            {
                let status = if index < split {
                    ActionStatus::Done
                } else {
                    ActionStatus::Planned
                };
                let items = split_actions(&block.lines);
                if items.is_empty() {
                    diagnostics.push(Diagnostic {
                        line: block.first_line,
                        message: format!("bureau block 【{}】 has no text", block.printed),
                        hint: None,
                    });
                }
                for (text, lines) in items {
                    actions.push(ExtractedAction {
                        bureau: block.printed.clone(),
                        bureau_canonical: bureau_canonical.clone(),
                        status,
                        text,
                        lines,
                    });
                }
            }
            Some(ExtractedMeasure {
                plan: None,
                section: builder.section,
                text: join_wrapped(builder.lines.iter().map(|l| l.text)),
                lines: LineRange {
                    first: measure_line,
                    last: builder.lines.last().map_or(measure_line, |l| l.number),
                },
                actions,
            })
        })
        .collect()
}

/// Cuts a block's lines into actions, one per bullet; see the module doc for the rules.
fn split_actions(lines: &[ContentLine<'_>]) -> Vec<(String, LineRange)> {
    let mut actions: Vec<(Vec<&ContentLine<'_>>,)> = Vec::new();
    for line in lines {
        let starts_new = match line.bullet {
            Bullet::Item => true,
            Bullet::Sub | Bullet::None => actions.is_empty(),
        };
        if starts_new {
            actions.push((vec![line],));
        } else if let Some((current,)) = actions.last_mut() {
            current.push(line);
        }
    }
    actions
        .into_iter()
        .filter_map(|(lines,)| {
            // Each action starts with the line that opened it.
            let (first, last) = (lines.first()?, lines.last()?);
            let mut text = String::new();
            for (position, line) in lines.iter().enumerate() {
                let content = if position == 0 {
                    strip_bullet(line.text)
                } else {
                    line.text
                };
                if line.bullet == Bullet::Sub && position > 0 {
                    text.push('\n');
                }
                text.push_str(content);
            }
            let range = LineRange {
                first: first.number,
                last: last.number,
            };
            Some((text.trim().to_owned(), range))
        })
        // A bullet glyph alone on a line states nothing: no action of empty text.
        .filter(|(text, _)| has_comparison_key(text))
        .collect()
}

/// Removes one leading bullet glyph (and the spaces after it).
pub fn strip_bullet(text: &str) -> &str {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if BULLET_GLYPHS.contains(&first) => chars.as_str().trim_start(),
        _ => text,
    }
}

/// Joins wrapped lines: Japanese text wraps without spaces, so lines are concatenated as they
/// are; the page-start space was already removed.
fn join_wrapped<'t>(lines: impl Iterator<Item = &'t str>) -> String {
    lines.collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_furniture_marks_key_as_themselves() {
        use unicode_normalization::UnicodeNormalization;
        let keyed_as_a_mark: Vec<char> = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|c| {
                let key = comparison_key(&c.to_string());
                FURNITURE_MARKS.iter().any(|mark| key.contains(mark))
            })
            .collect();
        assert_eq!(keyed_as_a_mark, ['番', '第', '策']);
        for mark in FURNITURE_MARKS {
            assert_eq!(
                mark.nfd().collect::<String>(),
                mark,
                "{mark} is composed of nothing"
            );
        }
        // Furniture spaced out or in full-width digits is still found.
        assert!(is_page_furniture("項 目 番 号"));
        assert!(is_page_furniture("　第９２回　がん対策推進協議会"));
        assert!(!is_page_furniture("がん対策推進協議会"));
    }

    #[test]
    fn page_numbers_in_their_printed_forms_are_furniture() {
        // (a line, a decorated page number)
        let cases = [
            ("- 3 -", true),
            ("－３－", true),
            ("― 12 ―", true),
            ("3/40", true),
            ("３／４０", true),
            ("2025/3", false),
            ("p.3", true),
            ("P. 3", true),
            ("3", false), // bare: only a run beside page breaks says so
            ("(3)", false),
            ("①", false),
            ("- 令和 -", false),
            ("2040年", false),
        ];
        for (line, expected) in cases {
            assert_eq!(
                is_decorated_page_number(&comparison_key(line)),
                expected,
                "{line}"
            );
        }
    }

    #[test]
    fn bare_numbers_are_pages_when_they_count_up_at_page_breaks() {
        // Five pages, each number before a page's first line (one leading space).
        let mut text = String::from("title\n");
        for page in 1..=5 {
            text.push_str(&format!("{page}\n 本文の{page}ページ目。\n\n"));
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let keys = |lines: &[&str]| -> Vec<std::borrow::Cow<'static, str>> {
            lines.iter().map(|l| comparison_key(l).into()).collect()
        };
        assert_eq!(counted_pages(&lines, &keys(&lines)).len(), 5);
        // Four are not a run; numbers above titles (sections) are not at page breaks.
        let mut short = String::new();
        for page in 1..=4 {
            short.push_str(&format!("{page}\n 本文。\n"));
        }
        let lines: Vec<&str> = short.split('\n').collect();
        assert!(counted_pages(&lines, &keys(&lines)).is_empty());
        let sections = "1\n総論\n\n2\n各論\n\n3\n資料\n\n4\n付録\n\n5\n索引\n";
        let lines: Vec<&str> = sections.split('\n').collect();
        assert!(counted_pages(&lines, &keys(&lines)).is_empty());
    }

    #[test]
    fn column_widths_are_read_from_the_document() {
        // Seed 000's shape: planned lines wrap at 56–64 columns, done lines at 72–82.
        let seed_like: Vec<usize> =
            [56, 58, 58, 60, 60, 62, 64, 72, 74, 76, 76, 78, 80, 82].to_vec();
        let rule = ColumnRule::read_from(&seed_like);
        assert!(rule.read_from_document);
        assert_eq!(rule.done_min_width, 68);
        assert_eq!(rule.planned_min_width, 45);
        // The same layout printed at 0.65 times the width: the boundary moves with it.
        let narrow: Vec<usize> = seed_like
            .iter()
            .map(|&w| (w as f64 * 0.65).round() as usize)
            .collect();
        let rule = ColumnRule::read_from(&narrow);
        assert_eq!(rule.done_min_width, 45);
        assert_eq!(
            rule.evidence(50),
            Some(ActionStatus::Done),
            "a done line at the new width"
        );
        assert_eq!(rule.evidence(39), Some(ActionStatus::Planned));
        // One column only, or too few wrapped lines: the seed's widths.
        assert_eq!(
            ColumnRule::read_from(&[60, 61, 62, 62, 63, 64, 64]),
            ColumnRule::DEFAULT
        );
        assert_eq!(ColumnRule::read_from(&[58, 76, 78]), ColumnRule::DEFAULT);
    }

    const HEADER: &str = "見出し 「取り組むべき施策」の記載 【最終版】 具体的な取組(2023年４月以降） 今後予定している取組";

    /// A small 取組一覧 in the seed's shape: done lines ~38 full-width characters, planned ~29.
    fn small_table() -> String {
        [
            "第４期がん対策推進基本計画施策に対する取組一覧",
            "",
            HEADER,
            "",
            "第2 2",
            "患者本位の",
            "がん医療の",
            "実現",
            "",
            "⑴",
            "がん診療提",
            "供体制等",
            "",
            "①",
            "医療提供体",
            "制の均てん",
            "化・集約化",
            "",
            "国は、拠点病院等を中心に、患者に対するがんの告知や、インフォーム",
            "ド・コンセントの取得などが適切に実施されるよう体制整備を推進する。",
            "",
            "【健康・生活衛生局がん・疾病対策課】",
            "○「がん診療連携拠点病院等の整備について」において、拠点病院等における指定",
            "要件として、セカンドオピニオン等の体制整備を定めた。",
            "",
            "【保険局医療課※後段のみ】",
            "○現在、がん遺伝子パネル検査は、標準治療終了後の固形がん患者に対して、保険",
            "診療としての実施を可能としている。",
            "",
            "【健康・生活衛生局がん・疾病対策課】",
            "○がん治療前にセカンドオピニオンに関する説明を受けたがん患",
            "者の割合については、継続的に評価を行う予定である。",
            "",
            "項目番号",
            "",
            "第92回がん対策推進協議会",
            " 国は、拠点病院等、小児がん拠点病院等が相互に連携可能となるよう検討",
            "する。",
            "",
            "【医療介護連携政策課】",
            "国において令和11年度末までにバイオ後続品に80％以上置き換わった成分数が全",
            "体の成分数の60％以上にするという目標が設定された。",
            "",
            "【保険局医療介護連携政策課】",
            "第4期医療費適正化計画に位置付けた目標の達成に向けて、各",
            "都道府県の実情に応じた取組を引き続き推進していく。",
        ]
        .join("\n")
    }

    #[test]
    fn sections_measures_and_columns_of_a_small_table() {
        let version = extract(&small_table());
        assert_eq!(
            version.title_line.as_deref(),
            Some("第４期がん対策推進基本計画施策に対する取組一覧")
        );
        assert_eq!(version.plan.as_deref(), Some("第４期がん対策推進基本計画"));
        assert_eq!(version.printed_meetings, ["第92回がん対策推進協議会"]);
        assert_eq!(version.measures.len(), 2, "{:#?}", version.measures);
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
        assert!(first.text.starts_with("国は、拠点病院等を中心に"));
        assert!(first.text.ends_with(
            "インフォームド・コンセントの取得などが適切に実施されるよう体制整備を推進する。"
        ));
        assert_eq!(
            first.lines,
            LineRange {
                first: 19,
                last: 20
            }
        );
        let statuses: Vec<(&str, ActionStatus)> = first
            .actions
            .iter()
            .map(|a| (a.bureau.as_str(), a.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("健康・生活衛生局がん・疾病対策課", ActionStatus::Done),
                ("保険局医療課※後段のみ", ActionStatus::Done),
                ("健康・生活衛生局がん・疾病対策課", ActionStatus::Planned),
            ]
        );
        assert_eq!(first.actions[1].bureau_canonical, "保険局医療課");
        assert_eq!(
            first.actions[0].lines,
            LineRange {
                first: 23,
                last: 24
            }
        );

        // Across a page break marked only by the leading space, footer dropped.
        let second = &version.measures[1];
        assert_eq!(second.section.path, ["2", "(1)", "①"]);
        assert_eq!(
            second.text,
            "国は、拠点病院等、小児がん拠点病院等が相互に連携可能となるよう検討する。"
        );
        assert_eq!(second.actions.len(), 2);
        assert_eq!(second.actions[0].status, ActionStatus::Done);
        assert_eq!(
            second.actions[0].bureau_canonical,
            "保険局医療介護連携政策課"
        );
        assert_eq!(second.actions[1].status, ActionStatus::Planned);
        assert!(
            second.actions[0].text.starts_with("国において"),
            "bulletless block is one action"
        );
    }

    #[test]
    fn a_paragraph_after_an_action_cut_mid_sentence_continues_it() {
        let text = [
            "タイトル",
            "①",
            "見出し",
            "",
            "国は、研究を推進する。",
            "",
            "【健康・生活衛生局がん・疾病対策課】",
            "〇令和５～７年厚生労働科学研究「がん診療を⾏う医療機関における⽀持療法の質",
            "",
            "の向上に資する研究」において、「全国共通がん医科⻭科連携講習会テキスト」を改",
            "",
            "訂した。",
            "○がん患者に対する栄養管理、実態把握と課題の整理を行っている。",
            "",
            "【健康・生活衛生局がん・疾病対策課】",
            "○当該取組の評価を行う観点から、継続的に評価を行う予定である。",
        ]
        .join("\n");
        let version = extract(&text);
        assert_eq!(version.measures.len(), 1);
        let actions = &version.measures[0].actions;
        assert_eq!(actions.len(), 3, "{actions:#?}");
        assert!(actions[0].text.ends_with("テキスト」を改訂した。"));
        assert_eq!(actions[0].lines, LineRange { first: 8, last: 12 });
    }

    #[test]
    fn indented_middle_dots_are_sub_bullets_and_plain_ones_are_actions() {
        let lines = [
            ContentLine {
                number: 1,
                text: "〇研究において、",
                bullet: Bullet::Item,
            },
            ContentLine {
                number: 2,
                text: "・テキストを改訂した。",
                bullet: Bullet::Sub,
            },
            ContentLine {
                number: 3,
                text: "・整理を行っている。",
                bullet: Bullet::Sub,
            },
            ContentLine {
                number: 4,
                text: "・ハローワークと連携した。",
                bullet: Bullet::Item,
            },
        ];
        let actions = split_actions(&lines);
        assert_eq!(actions.len(), 2);
        assert_eq!(
            actions[0].0,
            "研究において、\n・テキストを改訂した。\n・整理を行っている。"
        );
        assert_eq!(actions[1].0, "ハローワークと連携した。");
    }

    #[test]
    fn wrapped_bureau_headers_join_even_across_a_blank_line() {
        let text = [
            "タイトル",
            "①",
            "就労支援に",
            "",
            "国は、就労支援に取り組む。",
            "",
            "【労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進",
            "",
            "室】",
            "",
            "○産業保健総合支援センターにおいて、治療と仕事の両立支援の専門スタッフを配",
            "置した。",
        ]
        .join("\n");
        let version = extract(&text);
        let action = &version.measures[0].actions[0];
        assert_eq!(
            action.bureau,
            "労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進室"
        );
        assert_eq!(action.status, ActionStatus::Done);
    }

    #[test]
    fn column_split_uses_width_then_bureau_restart() {
        use ColumnCertainty::*;
        let bureaus = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let read = ColumnRule {
            read_from_document: true,
            ..ColumnRule::DEFAULT
        };
        // (rule, widest lines, bureaus) → (split, certainty)
        type Case<'c> = (
            ColumnRule,
            &'c [usize],
            &'c [&'c str],
            (usize, ColumnCertainty),
        );
        let cases: &[Case] = &[
            // Clear widths, and the restart agrees.
            (read, &[78, 60], &["A", "A"], (1, Sure)),
            // Narrow-looking short bullets: the restart of the bureau sequence decides.
            (read, &[78, 30, 60, 30], &["A", "B", "A", "B"], (2, Sure)),
            // The planned column restarts with another bureau than the first one.
            (read, &[78, 30, 30, 30], &["A", "B", "B", "A"], (2, Sure)),
            // No width evidence and no restart: a guess, reported.
            (read, &[30], &["A"], (1, Guessed)),
            // All planned.
            (read, &[58, 60], &["A", "B"], (0, Sure)),
            // Widths and restart disagree: the widths' split, reported.
            (
                read,
                &[78, 78, 60],
                &["A", "A", "B"],
                (2, Disagree { by_restart: 1 }),
            ),
            // One width for every column (the widths could not be read): the restart decides
            // even where the seed's widths would read every block as done.
            (
                ColumnRule::DEFAULT,
                &[78, 78, 78, 78],
                &["A", "B", "A", "B"],
                (2, Sure),
            ),
            (
                ColumnRule::DEFAULT,
                &[78, 78, 78],
                &["A", "B", "B"],
                (2, Sure),
            ),
        ];
        for (rule, widths, names, expected) in cases {
            assert_eq!(
                assign_columns(rule, widths, &bureaus(names)),
                *expected,
                "{widths:?} {names:?}"
            );
        }
    }

    #[test]
    fn a_paragraph_starts_a_measure_when_its_cues_say_so() {
        use Opening::*;
        use Place::*;
        use Role::*;
        let cues = |place, opening, opens_like, followed, later, repeats| ParagraphCues {
            place,
            has_bullet: false,
            opening,
            opens_like_measure: opens_like,
            followed_by_block: followed,
            later_paragraph_opens_measure: later,
            next_block_repeats_planned_bureau: repeats,
        };
        let ended = Action { action_ended: true };
        let open = Action {
            action_ended: false,
        };
        // (cues, role, whether a note is given)
        let cases = [
            // Under a heading, a bullet-free paragraph is the measure.
            (
                cues(NothingOpen, Separated, false, true, false, false),
                Measure,
                false,
            ),
            // After a blank line or a page mark, following a finished action, before a block.
            (
                cues(ended, Separated, false, true, false, false),
                Measure,
                false,
            ),
            (
                cues(ended, PageMark, true, true, false, false),
                Measure,
                false,
            ),
            // No separator at all: the way it opens decides, and says so.
            (
                cues(ended, SentenceStart, true, true, false, false),
                Measure,
                true,
            ),
            (
                cues(ended, SentenceStart, false, true, false, true),
                Measure,
                true,
            ),
            (
                cues(ended, SentenceStart, false, true, false, false),
                Continuation,
                false,
            ),
            // A later paragraph opens the measure more surely: this one ends the action.
            (
                cues(ended, Separated, false, true, true, false),
                Continuation,
                false,
            ),
            // No block follows: a note after an action, not a measure.
            (
                cues(ended, Separated, true, false, false, false),
                Continuation,
                false,
            ),
            // The action above is cut mid-sentence: its continuation, noted if it looks like a
            // measure.
            (
                cues(open, Separated, true, true, false, false),
                Continuation,
                true,
            ),
            (
                cues(open, Separated, false, true, false, false),
                Continuation,
                false,
            ),
            // Right under a bureau header: the block's text.
            (
                cues(EmptyBlock, Separated, true, true, false, false),
                Continuation,
                false,
            ),
            // Measure text goes on across a sentence end; a separated second measure starts.
            (
                cues(
                    MeasureText { text_ended: true },
                    SentenceStart,
                    true,
                    true,
                    false,
                    false,
                ),
                Continuation,
                false,
            ),
            (
                cues(
                    MeasureText { text_ended: true },
                    Separated,
                    true,
                    true,
                    false,
                    false,
                ),
                Measure,
                false,
            ),
            (
                cues(
                    MeasureText { text_ended: false },
                    Separated,
                    true,
                    true,
                    false,
                    false,
                ),
                Continuation,
                false,
            ),
        ];
        for (cues, role, noted) in cases {
            let (decided, note) = paragraph_role(&cues);
            assert_eq!((decided, note.is_some()), (role, noted), "{cues:?}");
        }
        let bulleted = ParagraphCues {
            has_bullet: true,
            ..cues(NothingOpen, Separated, false, true, false, false)
        };
        assert_eq!(paragraph_role(&bulleted).0, Outside);
    }

    #[test]
    fn a_token_and_its_title_or_a_header_and_its_text_on_one_line() {
        let heading = |text: &str| {
            inline_heading(text).map(|(token, title)| (token.resolve(true).token, title.to_owned()))
        };
        assert_eq!(
            heading("① 医療提供体制の均てん化・集約化"),
            Some(("①".into(), "医療提供体制の均てん化・集約化".into()))
        );
        assert_eq!(
            heading("⑶　小児がん、AYA世代のがん対策"),
            Some(("(3)".into(), "小児がん、AYA世代のがん対策".into()))
        );
        assert_eq!(
            heading("（ア）がん診療提供体制"),
            Some(("(ア)".into(), "がん診療提供体制".into()))
        );
        assert_eq!(
            heading("第2 2 患者本位のがん医療の実現"),
            Some(("2".into(), "患者本位のがん医療の実現".into()))
        );
        assert_eq!(
            heading("3 尊厳を持って安心して暮らせる社会の構築"),
            Some(("3".into(), "尊厳を持って安心して暮らせる社会の構築".into()))
        );
        // Wrapped sentences and citations are not headings.
        for text in [
            "8 0 1第1 6号　令和４年８月１日）において外来における専門的な",
            "（健発0 8 0 1第１７号　令和４年８月１日の改定に向けて議論して",
            "(1)の取組を進める。",
            "① 国は、拠点病院等を中心に、体制整備を推進し、研修を行う",
        ] {
            assert_eq!(inline_heading(text), None, "{text}");
        }
        assert_eq!(
            inline_bureau("【健康・生活衛生局がん・疾病対策課】○令和６年に実施した。"),
            Some((
                "【健康・生活衛生局がん・疾病対策課】",
                "○令和６年に実施した。"
            ))
        );
        assert_eq!(inline_bureau("【参考】令和６年に実施した。"), None);
        assert_eq!(inline_bureau("【健康局】"), None);
    }

    #[test]
    fn furniture_glued_onto_a_line_is_cut_off() {
        let title = "第４期がん対策推進基本計画施策に対する取組一覧";
        let cases = [
            (
                "講じていくこととする。-2-第４期がん対策推進基本計画施策に対する取組一覧",
                "講じていくこととする。",
            ),
            (
                "講じていくこととする。- 12 -第４期がん対策推進基本計画施策に対する取組一覧",
                "講じていくこととする。",
            ),
            (
                "講じていくこととする。第４期がん対策推進基本計画施策に対する取組一覧",
                "講じていくこととする。",
            ),
            (
                "第４期がん対策推進基本計画施策に対する取組一覧 - 3 - 国は、推進する。",
                "国は、推進する。",
            ),
            // A number at the end with no title glued on is the sentence's own.
            ("令和６年度は-2-", "令和６年度は-2-"),
            ("国は、推進する。", "国は、推進する。"),
        ];
        for (line, left) in cases {
            assert_eq!(without_glued_furniture(line, title), left, "{line}");
        }
        // A short title says too little to cut on.
        assert_eq!(without_glued_furniture("本文。一覧", "一覧"), "本文。一覧");
    }

    #[test]
    fn furniture_is_recognised() {
        // (a line, page furniture) — on the comparison key, so spaced-out and compatibility
        // forms are the same furniture.
        let header = format!("{HEADER}項目番号");
        let cases = [
            (HEADER, true),
            (header.as_str(), true),
            ("項目番号", true),
            ("項 目 番 号", true),
            ("項\u{2F6C}番号", true),
            ("第92回がん対策推進協議会", true),
            ("第 9 2 回 が ん 対 策 推 進 協 議 会", true),
            (
                "第７回がんゲノム医療中核拠点病院等の指定要件に関するワーキンググループ",
                true,
            ),
            (
                "第176回社会保障審議会医療保険部会において、決定した。",
                false,
            ),
            ("番号", false),
        ];
        for (line, expected) in cases {
            assert_eq!(is_page_furniture(line), expected, "{line}");
        }
    }

    #[test]
    fn text_with_no_structure_yields_diagnostics_not_a_panic() {
        let version = extract("ただの文章です。\n○箇条書き\n【未完の部局");
        assert!(version.measures.is_empty());
        assert!(!version.diagnostics.is_empty());
        let version = extract("");
        assert!(version.measures.is_empty());
    }
}

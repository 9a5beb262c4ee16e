//! Dated figures (目標・指標): counts and shares a document states with the date they hold for.
//!
//! Two rules, for any document format:
//!
//! * Labelled rows: a line that is only a label and a figure — 「がん診療連携拠点病院：４００カ所」,
//!   「がんゲノム医療拠点病院（33カ所）」, 「都道府県がん診療連携拠点病院<TAB>51か所」,
//!   「がんゲノム医療中核拠点病院等 合計295か所」. The figure holds as of the 時点/現在 line above
//!   its table (found by walking up over blank lines and the table's other rows), else one just
//!   below it (slides print 「令和3年2月1日時点」 under a caption), else the period named just above
//!   (「2019年9月1日～2020年8月31日の期間」); otherwise its date is unknown and stays so. A total
//!   row (合計, 累計…) is labelled with the table's title line.
//! * As-of sentences: in a paragraph (wrapped lines joined), a date written as of (時点, 現在) or a
//!   fiscal year followed by では/には, then a figure — 「…の割合は、令和5年4月1日時点では51.5%
//!   であったが、令和6年4月1日時点では52.9%…」. The label is the sentence's subject (before は、 /
//!   については、 / についても、) or, failing that, the noun after the figure (「計243施設の
//!   がんゲノム医療中核拠点病院等が」). A figure after 約 (an estimate) is not read.
//!
//! A figure without a label is not read: the ledger never invents what a number counts. Units
//! are normalized for display (カ所 ヵ所 箇所 → か所, ％ → %); values are decimal strings without
//! digit grouping.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::LineRange;
use crate::source::date::{find_dates, find_dates_in_folded, fold_line, DateExpr, FoundDate};
use crate::source::normalize::comparison_key;

/// A deadline counted from a plan's adoption: 「２年以内に」 in a 個別目標 of that plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelativeDeadline {
    pub plan: String,
    pub years: u32,
}

/// 閣議決定: a plan's adoption date as a document states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAdoption {
    pub plan: String,
    pub adopted: String,
    pub adopted_day: String,
    pub line: u32,
}

/// Lines that name a plan, 閣議決定, and a date: 「平成30年3月 第3期がん対策推進基本計画閣議決定」.
pub fn plan_adoptions(text: &str) -> Vec<PlanAdoption> {
    text.split('\n')
        .enumerate()
        .filter(|(_, line)| line.contains("閣議決定"))
        .filter_map(|(index, line)| {
            let plan = super::plan_named_in(line)?;
            let date = find_dates(line).into_iter().next()?.expr;
            Some(PlanAdoption {
                plan,
                adopted: expr_display(date),
                adopted_day: crate::source::meeting::format_iso_date(date.first_day()?),
                line: index as u32 + 1,
            })
        })
        .collect()
}

/// A figure read from a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedTarget {
    /// `T` + 10 hex digits of BLAKE3 over the label's comparison key: the same label in any
    /// document is the same target.
    pub key: String,
    pub label: String,
    pub value: String,
    pub unit: String,
    /// The date the figure holds for, at the precision written (`2021-02-01`, `2023-03`,
    /// `FY2024`, `2019-09-01..2020-08-31`), or `None` when the document does not say.
    pub as_of: Option<String>,
    /// The first day of `as_of`, for ordering observations.
    pub as_of_day: Option<String>,
    /// The day a goal is due, when the document sets one.
    pub deadline: Option<String>,
    /// For a fact added by hand: the verbatim quote it rests on.
    pub curated_quote: Option<String>,
    /// For a 個別目標: the deadline counted from the plan's adoption.
    pub deadline_after_adoption: Option<RelativeDeadline>,
    pub lines: LineRange,
}

/// The counters a figure is written with; the patterns read them as one alternation (a test
/// holds that none needs escaping).
const UNIT_WORDS: [&str; 11] = [
    "か所", "カ所", "ヵ所", "箇所", "施設", "例", "件", "人", "名", "%", "品目",
];
const TOTAL_WORDS: &[&str] = &["合計", "累計", "総計", "計"];
/// How far above a row its table's as-of line may be, and how far below.
const AS_OF_ABOVE: usize = 12;
const AS_OF_BELOW: usize = 3;
/// A wrapped line at least this wide that does not end a sentence continues after a blank line.
const WRAPPED_LINE_MIN_WIDTH: usize = 40;

pub fn target_key(label: &str) -> String {
    let hash = blake3::hash(comparison_key(label).as_bytes());
    format!("{TARGET_KEY_PREFIX}{}", &hash.to_hex()[..10])
}

/// What every target key starts with (a measure's ids start with `M`).
const TARGET_KEY_PREFIX: char = 'T';

/// Whether `id` could be a target key: one that cannot is not looked for among the targets.
pub fn may_be_target_key(id: &str) -> bool {
    id.starts_with(TARGET_KEY_PREFIX)
}

fn normalize_unit(unit: &str) -> String {
    match unit {
        "カ所" | "ヵ所" | "箇所" => "か所".to_owned(),
        other => other.to_owned(),
    }
}

fn normalize_value(number: &str) -> String {
    number.replace(',', "")
}

pub fn expr_display(expr: DateExpr) -> String {
    match expr {
        DateExpr::Point(point) => point.display(),
        DateExpr::FiscalYear(year) | DateExpr::FiscalYearEnd(year) => format!("FY{year}"),
        DateExpr::Range(..) => {
            let format = |day: Option<time::Date>| {
                day.map_or("?".to_owned(), crate::source::meeting::format_iso_date)
            };
            format!("{}..{}", format(expr.first_day()), format(expr.last_day()))
        }
    }
}

/// Reads back what [`expr_display`] writes for a point or a fiscal year (「2025」「2025-06」
/// 「2025-06-01」「FY2029」), so a curated fact's date read from the ledger is a date again
/// (`verify --deep` re-derives curated facts from their events). A 年度末 displays as its fiscal
/// year and reads back as that year.
pub fn parse_expr_display(text: &str) -> Option<DateExpr> {
    if let Some(year) = text.strip_prefix("FY") {
        return year.parse().ok().map(DateExpr::FiscalYear);
    }
    let mut parts = text.split('-');
    let year: i32 = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let number = |digits: Option<&str>| -> Option<Option<u8>> {
        match digits {
            None => Some(None),
            Some(d) if d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()) => {
                d.parse().ok().map(Some)
            }
            Some(_) => None,
        }
    };
    let month = number(parts.next())?;
    let day = number(parts.next())?;
    if parts.next().is_some() || (day.is_some() && month.is_none()) {
        return None;
    }
    let point = crate::source::date::PartialDate { year, month, day };
    point.first_day()?;
    Some(DateExpr::Point(point))
}

/// A figure's as-of date as written ([`expr_display`]) read back, ranges included.
pub fn parse_as_of(written: &str) -> Option<DateExpr> {
    use crate::source::date::RangeEnd;
    let Some((start, end)) = written.split_once("..") else {
        return parse_expr_display(written);
    };
    let end_of = |text: &str| -> Option<Option<RangeEnd>> {
        match text {
            "?" => Some(None),
            day => match parse_expr_display(day)? {
                DateExpr::Point(point) => Some(Some(RangeEnd::Point(point))),
                _ => None,
            },
        }
    };
    Some(DateExpr::Range(end_of(start)?, end_of(end)?))
}

/// A figure's as-of date for a reader: 和暦 at the precision written, the written form beside
/// it (「平成29年4月（2017-04）」「令和6年度（FY2024）」); the written form alone when it is not a
/// date this module writes.
pub fn as_of_in_words(written: &str) -> String {
    match parse_as_of(written).and_then(crate::source::date::wareki_expr) {
        Some(wareki) => format!("{wareki}（{written}）"),
        None => written.to_owned(),
    }
}

#[allow(
    clippy::expect_used,
    reason = "compiled from constants; every pattern is compiled by the tests"
)]
fn patterns() -> &'static [Regex; 3] {
    static PATTERNS: OnceLock<[Regex; 3]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |pattern: String| Regex::new(&pattern).expect("the figure patterns are valid");
        let units = UNIT_WORDS.join("|");
        [
            // label SEP [合計] N unit — the whole line.
            compile(format!(
                r"^(?P<label>[^\t:：、。0-9()（）]{{2,40}}?)\s*(?:[:：\t]|\s)\s*(?P<total>合計|累計|総計|計)?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>{units})(?:\([^)]*\))?$"
            )),
            // label (N unit) — the whole line.
            compile(format!(
                r"^(?P<label>[^\t:：、。0-9()（）]{{2,40}}?)\((?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<unit>{units})\)$"
            )),
            // After an as-of date: [時点|現在][では|には|で|に|の][、…]{0,12}[計] N unit.
            compile(format!(
                r"^[)）]?(?:時点|現在)?(?:では|には|で|に|の)?、?(?P<gap>[^0-9。]{{0,12}}?)(?:合計|計)?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<unit>{units})"
            )),
        ]
    })
}

/// Every figure the document states, in order.
pub fn extract_figures(text: &str) -> Vec<ExtractedTarget> {
    let lines: Vec<&str> = text.split('\n').collect();
    // Each line folded once, for the rows and the paragraphs alike.
    let folded: Vec<String> = lines.iter().map(|line| fold_line(line.trim())).collect();
    let mut targets = labelled_rows(&lines, &folded);
    // The paragraphs and the dates in them are read once for both kinds of sentence figure.
    let paragraphs = dated_paragraphs(&lines, &folded);
    targets.extend(as_of_sentences(&paragraphs));
    targets.extend(figures_dated_after(&paragraphs));
    targets.sort_by_key(|t| t.lines.first);
    targets
}

fn strip_bullets(text: &str) -> &str {
    text.trim_start_matches(['-', '・', '•', '○', '〇', ' ', '\u{3000}'])
}

fn as_of_on(line: &str) -> Option<DateExpr> {
    find_dates(line)
        .into_iter()
        .find(|f| f.as_of)
        .map(|f| f.expr)
}

/// Whether `text` (full-width digits already folded) holds a number directly followed by one of
/// `counters` (「2,507例」, 「51か所」).
pub(crate) fn has_counted_number(text: &str, counters: &[&str]) -> bool {
    // Only where a run of digits starts: checking every digit of a long run would read the run
    // again from each of them (quadratic on a line of digits).
    let mut previous_is_digit = false;
    text.char_indices()
        .filter(|(_, c)| {
            let starts_run = c.is_ascii_digit() && !previous_is_digit;
            previous_is_digit = c.is_ascii_digit() || (previous_is_digit && *c == ',');
            starts_run
        })
        .any(|(index, _)| {
            let rest = text[index..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ',');
            counters.iter().any(|counter| rest.starts_with(counter))
        })
}

/// Whether a line holds a figure (a number with a counter): another row of the same table.
fn is_row_like(line: &str) -> bool {
    has_counted_number(&fold_line(line), &UNIT_WORDS)
}

/// The as-of date of the row at line `index`; see the module doc. A table's rows are
/// contiguous, so a row reached across a blank line belongs to another table and ends the walk.
fn nearby_as_of(lines: &[&str], index: usize) -> Option<DateExpr> {
    let mut crossed_blank = false;
    let above = lines
        .get(index.saturating_sub(AS_OF_ABOVE)..index)
        .unwrap_or_default();
    for line in above.iter().rev() {
        let line = line.trim();
        if line.is_empty() {
            crossed_blank = true;
            continue;
        }
        if let Some(expr) = as_of_on(line) {
            return Some(expr);
        }
        if !is_row_like(line) || crossed_blank {
            break;
        }
    }
    for line in lines.iter().skip(index + 1).take(AS_OF_BELOW) {
        if let Some(expr) = as_of_on(line) {
            return Some(expr);
        }
    }
    if let Some(expr) = heading_as_of(lines, index) {
        return Some(expr);
    }
    let here_and_above = lines
        .get(index.saturating_sub(3)..=index)
        .unwrap_or_default();
    here_and_above.iter().rev().find_map(|line| {
        line.contains("期間")
            .then(|| {
                find_dates(line)
                    .into_iter()
                    .find(|f| matches!(f.expr, DateExpr::Range(Some(_), Some(_))))
            })
            .flatten()
            .map(|f| f.expr)
    })
}

/// How far below a slide's as-of heading (「平成２９年４月１日時点」 alone on a line) its figures
/// may stand: slide text puts the heading first and the table's cells after the slide's labels
/// (seed 001: 20 lines below).
const AS_OF_HEADING_REACH: usize = 30;

/// The date of an as-of heading above the row at `index`: a line that is nothing but a date
/// with 時点 or 現在. It heads its slide's table, so it governs every row below it up to the
/// next such heading, within [`AS_OF_HEADING_REACH`] lines.
fn heading_as_of(lines: &[&str], index: usize) -> Option<DateExpr> {
    let above = lines
        .get(index.saturating_sub(AS_OF_HEADING_REACH)..index)
        .unwrap_or_default();
    for line in above.iter().rev() {
        if is_slide_boundary(line) {
            return None;
        }
        let folded = fold_line(line.trim());
        let found = find_dates_in_folded(&folded);
        let [date] = found.as_slice() else {
            continue;
        };
        let Some(rest) = folded.get(date.end..) else {
            continue;
        };
        let rest = rest.trim_start_matches([' ', ')', '）']);
        let alone = date.start == 0
            && date.as_of
            && ["時点", "現在"].iter().any(|word| {
                rest.strip_prefix(word)
                    .is_some_and(|after| after.trim().is_empty())
            });
        if alone {
            return Some(date.expr);
        }
    }
    None
}

/// Where slide text marks a new page: a line of nothing but spaces (not an empty line), a form
/// feed, or a page number alone on its line. An as-of heading does not reach past it (seed
/// 004's 「令和3年2月1日時点」 heads its panel-test slide, not the C-CAT slide after it).
fn is_slide_boundary(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    let spaces_only = !line.is_empty() && line.trim().is_empty();
    let page_number =
        crate::source::normalize::ascii_digits(line.trim()).is_some_and(|digits| digits.len() <= 3);
    spaces_only || line.contains('\u{000C}') || page_number
}

/// The title line of the table a total row belongs to: the nearest line above with no figure,
/// no tab and no date.
fn table_title(lines: &[&str], index: usize) -> Option<String> {
    lines
        .iter()
        .take(index)
        .rev()
        .take(12)
        .map(|line| line.trim())
        .find(|line| {
            !line.is_empty()
                && !line.contains('\t')
                && !line
                    .chars()
                    .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
                && find_dates(line).is_empty()
        })
        .map(str::to_owned)
}

/// Whether a folded line can be a labelled row at all: both row patterns end the line with a
/// unit (or a parenthesis after one) and hold a digit before it. Most lines of a document are
/// prose that is neither, and the patterns' captures cost far more than this look.
fn could_be_row(folded: &str) -> bool {
    let ends_as_a_row =
        folded.ends_with(')') || UNIT_WORDS.iter().any(|unit| folded.ends_with(unit));
    ends_as_a_row && folded.bytes().any(|byte| byte.is_ascii_digit())
}

/// The rows of `lines` that label a figure; `folded` is each line trimmed and folded.
fn labelled_rows(lines: &[&str], folded: &[String]) -> Vec<ExtractedTarget> {
    let [row, parenthesized, _] = patterns();
    let mut targets = Vec::new();
    for (index, folded) in folded.iter().enumerate() {
        let folded = strip_bullets(folded);
        if !could_be_row(folded) {
            continue;
        }
        let Some(captures) = row
            .captures(folded)
            .or_else(|| parenthesized.captures(folded))
        else {
            continue;
        };
        let mut label = captures["label"]
            .trim()
            .trim_end_matches(['※', '*'])
            .to_owned();
        if label.chars().count() < 2 || label.contains(['。', '、']) {
            continue;
        }
        let is_total = TOTAL_WORDS.iter().any(|word| label.starts_with(word));
        if is_total {
            match table_title(lines, index) {
                Some(title) => label = format!("{title} {label}"),
                None => continue,
            }
        }
        let as_of = nearby_as_of(lines, index);
        targets.push(ExtractedTarget {
            key: target_key(&label),
            label,
            value: normalize_value(&captures["num"]),
            unit: normalize_unit(&captures["unit"]),
            as_of: as_of.map(expr_display),
            as_of_day: as_of
                .and_then(|e| e.first_day())
                .map(crate::source::meeting::format_iso_date),
            deadline: None,
            curated_quote: None,
            deadline_after_adoption: None,
            lines: LineRange {
                first: index as u32 + 1,
                last: index as u32 + 1,
            },
        });
    }
    targets
}

/// Paragraphs of non-blank lines joined, with the line each byte came from.
/// `folded` is each line trimmed and folded.
fn paragraphs(lines: &[&str], folded: &[String]) -> Vec<(String, Vec<(usize, u32)>)> {
    let mut result = Vec::new();
    let mut text = String::new();
    let mut starts: Vec<(usize, u32)> = Vec::new();
    // The last line of text, across page furniture: a page break (its header and footer, with
    // blank lines around them) may fall inside a sentence.
    let mut previous = "";
    // The previous line's width, measured once: a blank line after a long line must not
    // measure it again (a 4 MB line followed by 10,000 blank lines).
    let mut previous_width = 0;
    for (index, line) in lines.iter().enumerate() {
        if super::torikumi::is_page_furniture(line.trim()) {
            continue;
        }
        if line.trim().is_empty() {
            // PDF extraction puts blank lines inside wrapped sentences: a long line cut before
            // its sentence ends goes on after the blank.
            let cut_mid_sentence =
                previous_width >= WRAPPED_LINE_MIN_WIDTH && !previous.ends_with(['。', '】']);
            if cut_mid_sentence {
                continue;
            }
            if !text.is_empty() {
                result.push((std::mem::take(&mut text), std::mem::take(&mut starts)));
            }
            continue;
        }
        previous = line.trim();
        previous_width = crate::source::normalize::display_width(previous);
        starts.push((text.len(), index as u32 + 1));
        text.push_str(folded.get(index).map_or("", String::as_str));
    }
    if !text.is_empty() {
        result.push((text, starts));
    }
    result
}

/// A paragraph ([`paragraphs`]) with the dates [`find_dates`] finds in it.
struct DatedParagraph {
    text: String,
    starts: Vec<(usize, u32)>,
    dates: Vec<FoundDate>,
}

fn dated_paragraphs(lines: &[&str], folded: &[String]) -> Vec<DatedParagraph> {
    paragraphs(lines, folded)
        .into_iter()
        .map(|(text, starts)| DatedParagraph {
            dates: find_dates_in_folded(&text),
            text,
            starts,
        })
        .collect()
}

fn line_at(starts: &[(usize, u32)], offset: usize) -> u32 {
    let after = starts.partition_point(|(start, _)| *start <= offset);
    after
        .checked_sub(1)
        .and_then(|index| starts.get(index))
        .map_or(1, |&(_, line)| line)
}

/// How far before a figure its sentence's subject is looked for, in bytes (about 200
/// characters; the longest subject-to-figure distance in the seeds is under 100).
const SUBJECT_WINDOW_BYTES: usize = 600;

/// The subject of the sentence that `offset` is in, if it is written before `offset`.
fn sentence_subject(text: &str, offset: usize) -> Option<String> {
    // The subject is looked for in the last few hundred bytes only: a paragraph of figures
    // with no 。 must not be searched from its start for every figure (quadratic).
    let mut window_start = offset.saturating_sub(SUBJECT_WINDOW_BYTES);
    while !text.is_char_boundary(window_start) {
        window_start += 1;
    }
    let sentence_start = text[window_start..offset]
        .rfind('。')
        .map_or(window_start, |i| window_start + i + '。'.len_utf8());
    let head = &text[sentence_start..offset];
    let end = ["は、", "については、", "についても、"]
        .iter()
        .filter_map(|marker| head.find(marker))
        .min()?;
    let subject = strip_bullets(&head[..end]).trim();
    (subject.chars().count() >= 2 && !subject.contains('、')).then(|| subject.to_owned())
}

/// The noun after a figure: 「243施設の<label>が」. The particle が is not the が of がん
/// (cancer), which begins half the nouns in these documents.
fn noun_after(text: &str) -> Option<String> {
    let rest = text.strip_prefix('の')?;
    let end = rest.char_indices().skip(1).find_map(|(index, c)| {
        let next = rest[index + c.len_utf8()..].chars().next();
        let particle = match c {
            'が' => next != Some('ん'),
            'を' | 'は' | '、' | '。' => true,
            _ => false,
        };
        particle.then_some(index)
    })?;
    let noun = &rest[..end];
    (noun.chars().count() >= 2 && noun.chars().count() <= 30).then(|| noun.to_owned())
}

fn as_of_sentences(paragraphs: &[DatedParagraph]) -> Vec<ExtractedTarget> {
    let after_date = &patterns()[2];
    let mut targets = Vec::new();
    for DatedParagraph {
        text,
        starts,
        dates,
    } in paragraphs
    {
        for found in dates {
            let fiscal = matches!(found.expr, DateExpr::FiscalYear(_));
            let rest = &text[found.end..];
            let introduces_figure =
                found.as_of || (fiscal && (rest.starts_with("では") || rest.starts_with("には")));
            if !introduces_figure {
                continue;
            }
            let Some(captures) = after_date.captures(rest) else {
                continue;
            };
            let Some(number) = captures.name("num") else {
                continue;
            };
            let whole = captures.get_match();
            if text[..found.end + number.start()].ends_with('約') {
                continue;
            }
            let figure_end = found.end + whole.end();
            let Some(label) =
                sentence_subject(text, found.start).or_else(|| noun_after(&text[figure_end..]))
            else {
                continue;
            };
            let lines = LineRange {
                first: line_at(starts, found.start),
                last: line_at(starts, figure_end.saturating_sub(1)),
            };
            targets.push(dated_figure(
                label,
                number.as_str(),
                &captures["unit"],
                found.expr,
                lines,
            ));
        }
    }
    targets
}

/// A figure read from a sentence, as of the date the sentence gives it.
fn dated_figure(
    label: String,
    number: &str,
    unit: &str,
    as_of: DateExpr,
    lines: LineRange,
) -> ExtractedTarget {
    ExtractedTarget {
        key: target_key(&label),
        label,
        value: normalize_value(number),
        unit: normalize_unit(unit),
        as_of: Some(expr_display(as_of)),
        as_of_day: as_of
            .first_day()
            .map(crate::source::meeting::format_iso_date),
        deadline: None,
        curated_quote: None,
        deadline_after_adoption: None,
        lines,
    }
}

/// Figures followed by their as-of date in brackets: 「…二次医療圏（空白の二次医療圏）が、
/// １０８カ所（平成26年4月時点）から６９カ所（平成29年4月時点）に減少した。」 Each figure is
/// labelled by its sentence's subject (the phrase before が、/は、; a bracketed name at its end is
/// the term the sentence defines, and is the label).
fn figures_dated_after(paragraphs: &[DatedParagraph]) -> Vec<ExtractedTarget> {
    let figure_before = figure_before_bracket();
    let mut targets = Vec::new();
    for DatedParagraph {
        text,
        starts,
        dates,
    } in paragraphs
    {
        for found in dates {
            if !found.as_of {
                continue;
            }
            let before = &text[..found.start];
            let window_start = before.char_indices().rev().nth(24).map_or(0, |(at, _)| at);
            let Some(captures) = figure_before.captures(&before[window_start..]) else {
                continue;
            };
            let Some(number) = captures.name("num") else {
                continue;
            };
            let number_start = window_start + number.start();
            let Some(label) = subject_term(text, number_start) else {
                continue;
            };
            let lines = LineRange {
                first: line_at(starts, number_start),
                last: line_at(starts, found.end.saturating_sub(1)),
            };
            targets.push(dated_figure(
                label,
                number.as_str(),
                &captures["unit"],
                found.expr,
                lines,
            ));
        }
    }
    targets
}

/// 「N unit(」 at the end of the text before a bracketed date.
#[allow(
    clippy::expect_used,
    reason = "compiled from constants; the pattern is compiled by the tests"
)]
fn figure_before_bracket() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let units = UNIT_WORDS.join("|");
        Regex::new(&format!(
            r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<unit>{units})\($"
        ))
        .expect("the pattern is valid")
    })
}

/// The subject of the sentence a figure at `offset` is in: the phrase before the last が、 or
/// は、 ahead of it, from the clause start; a bracketed name at its end is the label.
fn subject_term(text: &str, offset: usize) -> Option<String> {
    let mut window_start = offset.saturating_sub(SUBJECT_WINDOW_BYTES);
    while !text.is_char_boundary(window_start) {
        window_start += 1;
    }
    let head = &text[window_start..offset];
    let head = head
        .rfind('。')
        .map_or(head, |at| &head[at + '。'.len_utf8()..]);
    let marker = ["が、", "は、"]
        .iter()
        .filter_map(|marker| head.rfind(marker))
        .max()?;
    let phrase = &head[..marker];
    let phrase = phrase
        .rfind('、')
        .map_or(phrase, |at| &phrase[at + '、'.len_utf8()..]);
    let phrase = strip_bullets(phrase).trim();
    let term = phrase
        .strip_suffix(')')
        .and_then(|inner| inner.rfind('(').map(|open| &inner[open + 1..]))
        .filter(|term| term.chars().count() >= 2)
        .unwrap_or(phrase);
    let count = term.chars().count();
    ((2..=40).contains(&count) && !term.contains(['(', ')'])).then(|| term.to_owned())
}

/// Why a fact added by hand was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fact {index} ({label:?}): {what}")]
pub struct CuratedFactError {
    pub index: usize,
    pub label: String,
    pub what: String,
}

/// Checks facts added by hand against the document and turns them into targets: the quote must
/// be in the text (by comparison key); it fixes the lines. Dates may be written in any form
/// `find_dates` reads; a deadline is its last day.
pub fn curate(
    text: &str,
    facts: &[crate::source::manifest::CuratedFact],
) -> Result<Vec<ExtractedTarget>, CuratedFactError> {
    if facts.is_empty() {
        return Ok(Vec::new());
    }
    // The document's comparison key, with the line each byte of it came from.
    let mut document_key = String::new();
    let mut line_of_byte: Vec<u32> = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let key = comparison_key(line);
        line_of_byte.extend(std::iter::repeat_n(index as u32 + 1, key.len()));
        document_key.push_str(&key);
    }
    let mut targets = Vec::new();
    for (index, fact) in facts.iter().enumerate() {
        let refuse = |what: String| CuratedFactError {
            index,
            label: fact.label.clone(),
            what,
        };
        let quote_key = comparison_key(&fact.quote);
        let lines = document_key
            .find(&quote_key)
            .filter(|_| !quote_key.is_empty())
            .and_then(|start| {
                Some(LineRange {
                    first: *line_of_byte.get(start)?,
                    last: *line_of_byte.get(start + quote_key.len() - 1)?,
                })
            });
        let Some(lines) = lines else {
            return Err(refuse(format!(
                "the quote {:?} is not in the document",
                fact.quote
            )));
        };
        let value_is_decimal = !fact.value.is_empty()
            && fact.value.chars().all(|c| c.is_ascii_digit() || c == '.')
            && fact.value.matches('.').count() <= 1
            && !fact.value.starts_with('.')
            && !fact.value.ends_with('.');
        if !value_is_decimal {
            return Err(refuse(format!(
                "the value {:?} is not a decimal number",
                fact.value
            )));
        }
        let date_of =
            |written: &Option<String>, what: &str| -> Result<Option<DateExpr>, CuratedFactError> {
                written
                    .as_deref()
                    .map(|written| {
                        find_dates(written)
                            .into_iter()
                            .next()
                            .map(|found| found.expr)
                            .or_else(|| parse_expr_display(written))
                            .or_else(|| {
                                crate::source::date::parse_day(written).map(|day| {
                                    DateExpr::Point(crate::source::date::PartialDate {
                                        year: day.year(),
                                        month: Some(day.month() as u8),
                                        day: Some(day.day()),
                                    })
                                })
                            })
                            .ok_or_else(|| refuse(format!("the {what} {written:?} is not a date")))
                    })
                    .transpose()
            };
        let as_of = date_of(&fact.as_of, "as_of")?;
        let deadline = date_of(&fact.deadline, "deadline")?;
        targets.push(ExtractedTarget {
            key: target_key(&fact.label),
            label: fact.label.clone(),
            value: fact.value.clone(),
            unit: normalize_unit(fact.unit.as_deref().unwrap_or("")),
            as_of: as_of.map(expr_display),
            as_of_day: as_of
                .and_then(|e| e.first_day())
                .map(crate::source::meeting::format_iso_date),
            deadline: deadline
                .and_then(|e| e.last_day())
                .map(crate::source::meeting::format_iso_date),
            curated_quote: Some(fact.quote.clone()),
            deadline_after_adoption: None,
            lines,
        });
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_unit_words_need_no_escaping_in_the_patterns() {
        for word in UNIT_WORDS {
            assert_eq!(regex::escape(word), word);
        }
    }

    #[test]
    fn every_target_key_and_no_measure_id_may_be_a_target_key() {
        for label in ["がん検診受診率", "", "T", "M0123456789ab", "喫煙率（成人）"] {
            assert!(
                super::may_be_target_key(&super::target_key(label)),
                "{label}"
            );
            let measure = crate::identity::measure_id(Some("第４期"), label);
            assert!(!super::may_be_target_key(&measure), "{measure}");
        }
    }

    #[test]
    fn an_as_of_reads_in_wareki_at_its_precision_beside_its_written_form() {
        let cases = [
            ("2025-04-01", "令和7年4月1日（2025-04-01）"),
            ("2017-04", "平成29年4月（2017-04）"),
            ("2021", "令和3年（2021）"),
            ("FY2024", "令和6年度（FY2024）"),
            (
                "2019-09-01..2020-08-31",
                "令和元年9月1日～令和2年8月31日（2019-09-01..2020-08-31）",
            ),
            ("2018-01-01..?", "平成30年1月1日～（2018-01-01..?）"),
            ("いつか", "いつか"),
            ("2025-13", "2025-13"),
        ];
        for (written, expected) in cases {
            assert_eq!(super::as_of_in_words(written), expected, "{written}");
        }
    }

    use super::*;

    /// The look before the row patterns never turns away a line they would read: lines of
    /// every kind (rows, prose, dates, parentheses, units mid-line, the seeds' own lines).
    #[test]
    fn a_line_the_row_patterns_match_is_never_turned_away_before_them() {
        let [row, parenthesized, _] = patterns();
        let mut lines: Vec<String> = [
            "がん診療連携拠点病院 456か所",
            "合計 1,234人",
            "がん相談支援センター（2,507例）",
            "受診率 45.6%",
            "受診率 45.6%（令和4年）",
            "対象 12品目",
            "令和６年12月から令和７年７月にかけて検討した。",
            "拠点病院の数は増えた",
            "（参考）",
            "件数 12件 その後",
            "3人",
            "",
        ]
        .iter()
        .map(|line| line.to_string())
        .collect();
        lines.extend(crate::source::seed_lines());
        let mut rows = 0;
        for line in &lines {
            let folded = fold_line(line.trim());
            let folded = strip_bullets(&folded);
            let matched = row.is_match(folded) || parenthesized.is_match(folded);
            rows += usize::from(matched);
            assert!(!matched || could_be_row(folded), "{line:?} turned away");
        }
        assert!(rows >= 4, "the cases hold rows to keep ({rows})");
        assert!(
            lines.len() > 1000,
            "the seeds' lines were read ({})",
            lines.len()
        );
    }

    #[test]
    fn a_figure_followed_by_its_bracketed_as_of_date_takes_the_defined_term_as_label() {
        let text = "○地域がん診療病院の設置により、拠点病院のない二次医療圏（空白の二次医療圏）が、\n１０８カ所（平成26年4月時点）から６９カ所（平成29年4月時点）に減少した。\n";
        let found: Vec<(String, String, Option<String>)> = extract_figures(text)
            .into_iter()
            .map(|t| (t.label, t.value, t.as_of))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "空白の二次医療圏".to_owned(),
                    "108".to_owned(),
                    Some("2014-04".to_owned())
                ),
                (
                    "空白の二次医療圏".to_owned(),
                    "69".to_owned(),
                    Some("2017-04".to_owned())
                ),
            ]
        );
        // No subject before the figure: nothing is invented.
        assert!(extract_figures("１０８カ所（平成26年4月時点）に減少した。\n").is_empty());
    }

    #[test]
    fn an_as_of_heading_governs_its_slide_up_to_the_next_page() {
        let day = |text: &str| {
            extract_figures(text)
                .into_iter()
                .map(|t| (t.label, t.as_of_day))
                .collect::<Vec<_>>()
        };
        // Seed 001's shape: the heading, the slide's labels, then its cells.
        let slide = "平成２９年４月１日時点\n\n都道府県がん診療連携拠点病院\n\n地域がん診療病院\n\nがん診療連携拠点病院：４００カ所\n地域がん診療病院：３４カ所\n";
        assert_eq!(
            day(slide),
            [
                (
                    "がん診療連携拠点病院".to_owned(),
                    Some("2017-04-01".to_owned())
                ),
                ("地域がん診療病院".to_owned(), Some("2017-04-01".to_owned())),
            ]
        );
        // A page mark (a line of one space) or a page number ends the heading's slide.
        for boundary in [" ", "14"] {
            let next_slide = format!("令和3年2月1日時点\n\n先進医療の実施状況\n{boundary}\nがんゲノム情報管理センター\n\n累計登録数: 11558例\n");
            let found = day(&next_slide);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].1, None, "{boundary:?}");
        }
        // The nearest heading above governs.
        let two = "令和2年4月1日時点\n\n令和3年2月1日時点\n\nがんゲノム情報管理センター\n\n累計登録数: 11558例\n";
        let found = day(two);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1.as_deref(), Some("2021-02-01"));
    }

    fn read(text: &str) -> Vec<(String, String, String, Option<String>)> {
        extract_figures(text)
            .into_iter()
            .map(|t| (t.label, t.value, t.unit, t.as_of))
            .collect()
    }

    #[test]
    fn a_wrapped_as_of_series_gives_one_observation_per_date() {
        let text = "・ハローワークと連携した就職支援を行っている拠点病院等の割合は、令和5年4月1\n\
                    日時点では51.5%であったが、令和6年4月1日時点では52.9%、令和7年4月1日時点で\n\
                    \n\
                    は54.4%と、割合は年々上昇している。";
        let label = "ハローワークと連携した就職支援を行っている拠点病院等の割合".to_owned();
        let found = read(&text.replace("時点で\n\n", "時点で\n"));
        assert_eq!(
            found,
            [
                (
                    label.clone(),
                    "51.5".into(),
                    "%".into(),
                    Some("2023-04-01".into())
                ),
                (
                    label.clone(),
                    "52.9".into(),
                    "%".into(),
                    Some("2024-04-01".into())
                ),
                (label, "54.4".into(), "%".into(), Some("2025-04-01".into())),
            ]
        );
    }

    #[test]
    fn a_page_break_inside_a_sentence_is_not_part_of_it() {
        let text = "・ハローワークと連携した就職支援を行っている拠点病院等の割合は、令和5年4月1\n\
                    日時点では51.5%であったが、令和6年4月1日時点では52.9%、令和7年4月1日時点で\n\
                    \n\
                    見出し 「取り組むべき施策」の記載 【最終版】 具体的な取組(2023年４月以降） 今後予定している取組\n\
                    \n\
                    第93回がん対策推進協議会\n \
                    は54.4%と、割合は年々上昇している。";
        let found = read(text);
        assert_eq!(found.len(), 3, "{found:?}");
        for (label, ..) in &found {
            assert_eq!(
                label,
                "ハローワークと連携した就職支援を行っている拠点病院等の割合"
            );
        }
        assert_eq!(found[2].1, "54.4");
    }

    #[test]
    fn fiscal_year_series_and_labels_after_the_figure() {
        let found = read("長期療養者就職支援事業を活用したがん患者の就職者数についても、令和4年度では2,224人であったが、令和５年度には2,336人と増加している。");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].1, "2224");
        assert_eq!(found[0].3.as_deref(), Some("FY2022"));
        let found = read("令和5（2023）年3月時点で、全ての都道府県に、計243施設のがんゲノム医療中核拠点病院等が整備されている。");
        assert_eq!(
            found,
            [(
                "がんゲノム医療中核拠点病院等".into(),
                "243".into(),
                "施設".into(),
                Some("2023-03".into())
            )]
        );
    }

    #[test]
    fn labelled_rows_take_the_nearest_as_of_line_and_titles_for_totals() {
        let text = "がん診療連携拠点病院制度\n\n(令和7年4月1日時点)\n\n都道府県がん診療連携拠点病院\t51か所\n合計\t463か所\n\n\
                    がんゲノム医療拠点病院（33カ所）\n\n令和3年2月1日時点";
        let found = read(text);
        assert_eq!(
            found[0],
            (
                "都道府県がん診療連携拠点病院".into(),
                "51".into(),
                "か所".into(),
                Some("2025-04-01".into())
            )
        );
        assert_eq!(
            found[1],
            (
                "がん診療連携拠点病院制度 合計".into(),
                "463".into(),
                "か所".into(),
                Some("2025-04-01".into())
            )
        );
        assert_eq!(
            found[2],
            (
                "がんゲノム医療拠点病院".into(),
                "33".into(),
                "か所".into(),
                Some("2021-02-01".into())
            )
        );
    }

    fn fact(
        quote: &str,
        value: &str,
        deadline: Option<&str>,
    ) -> crate::source::manifest::CuratedFact {
        crate::source::manifest::CuratedFact {
            label: "バイオシミラーに80％以上置き換わった成分数の割合（目標）".into(),
            value: value.into(),
            unit: Some("%".into()),
            as_of: None,
            deadline: deadline.map(str::to_owned),
            quote: quote.into(),
        }
    }

    #[test]
    fn curated_facts_need_their_quote_in_the_document() {
        let text = "いて、「2029年度末までに、バイオシミラーに80％以上置き換わった成分数が全\n体の成分数の60％以上にする」と決定";
        let quote = "2029年度末までに、バイオシミラーに80%以上置き換わった成分数が全体の成分数の60%以上にする";
        let targets = curate(text, &[fact(quote, "60", Some("2029年度末"))]).unwrap();
        assert_eq!(targets[0].deadline.as_deref(), Some("2030-03-31"));
        assert_eq!(targets[0].lines, LineRange { first: 1, last: 2 });
        assert_eq!(targets[0].curated_quote.as_deref(), Some(quote));
        let error = curate(text, &[fact("70％以上にする", "70", None)]).unwrap_err();
        assert!(
            error.to_string().contains("is not in the document"),
            "{error}"
        );
        assert!(
            curate(text, &[fact(quote, "6O", None)]).is_err(),
            "a letter O is not a digit"
        );
        assert!(curate(text, &[fact(quote, "60", Some("いつか"))]).is_err());
    }

    #[test]
    fn unlabelled_estimated_and_undated_figures() {
        assert!(
            read("2025年6月現在の282施設から、約460施設に拡大する").is_empty(),
            "no label"
        );
        assert!(
            read("合計\t463か所").is_empty(),
            "a total with no table title"
        );
        let found = read("遺伝子パネル検査登録数(C-CAT)\n累計登録数: 11558例");
        assert_eq!(
            found,
            [(
                "遺伝子パネル検査登録数(C-CAT) 累計登録数".into(),
                "11558".into(),
                "例".into(),
                None
            )]
        );
        let found = read("遺伝子パネル検査の実施件数(内訳)\n- 2019年9月1日～2020年8月31日の期間に行われた検査の実施件数\n- 合計実施件数: 7,467件");
        assert_eq!(found[0].0, "遺伝子パネル検査の実施件数(内訳) 合計実施件数");
        assert_eq!(found[0].1, "7467");
        assert_eq!(found[0].3.as_deref(), Some("2019-09-01..2020-08-31"));
    }
}

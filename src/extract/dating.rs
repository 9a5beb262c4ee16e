//! Date bounds from content: when a document's meeting date is unknown, the dates it cites as
//! past events bound it from below ("not before").
//!
//! A date counts as evidence only when the text presents it as past: written as of (時点, 現在);
//! or followed in its sentence by a past-tense verb (…した, …された, …であった); or a closed
//! period followed by counted figures (「レジストリ登録(2017.5～2022.7) 固形がん2,507例」); or an
//! open period that has begun (「(2018年～)」). A date followed in its sentence by a marker of
//! the future (予定, 見込, まで, 見据え, 予算, 目指, 目標, 頃) is never evidence: documents cite
//! laws taking effect later and budgets to come. Bare dates in timelines say nothing either way.
//! The bound is the first day of the latest evidence at the precision written (「2022.7」 →
//! 2022-07-01), so it never claims more than the text says.

use serde::{Deserialize, Serialize};

use crate::source::date::{find_dates, fold_line, DateExpr};
use crate::source::meeting::format_iso_date;

/// Markers after a date, within its sentence, that make it a future or target date.
const FUTURE_MARKERS: &[&str] = &[
    "予定",
    "見込",
    "まで",
    "見据え",
    "予算",
    "目指",
    "目標",
    "頃",
    "以降",
    "将来",
    "次期",
];
/// Past-tense endings that make a date in their sentence a past event.
const PAST_MARKERS: &[&str] = &["した", "された", "った", "であった", "れた"];
/// Counters that, after a closed period, show the period's results are reported.
const COUNTERS: &[&str] = &["例", "件", "人", "施設", "か所", "回", "試験"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateBounds {
    /// The earliest the document can be (ISO date).
    pub not_before: String,
    /// The latest it can be, when the text says (never inferred yet).
    pub not_after: Option<String>,
    /// The quoted lines the bound rests on: `line N: …`.
    pub evidence: Vec<String>,
}

/// How far around a date its sentence is read for markers and counted numbers, in characters.
/// A bound keeps a line of 100,000 dates linear: each date reads a window, not the whole line.
const CONTEXT_WINDOW_CHARS: usize = 120;

/// At most `chars` characters of `text` from its start.
fn head_chars(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(at, _)| &text[..at])
}

/// At most `chars` characters of `text` before its end.
fn tail_chars(text: &str, chars: usize) -> &str {
    text.char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(text, |(at, _)| &text[at..])
}

/// The sentence tail after a date: the rest of its line and of the next line, up to 。, within
/// [`CONTEXT_WINDOW_CHARS`].
fn sentence_tail(lines: &[&str], index: usize, end: usize, folded: &str) -> String {
    let mut tail = head_chars(&folded[end..], CONTEXT_WINDOW_CHARS).to_owned();
    if !tail.contains('。') {
        if let Some(next) = lines.get(index + 1) {
            tail.push_str(&fold_line(head_chars(next, CONTEXT_WINDOW_CHARS)));
        }
    }
    match tail.find('。') {
        Some(stop) => tail[..stop].to_owned(),
        None => tail,
    }
}

/// Is the date at `found` in line `index` presented as past?
fn is_past(
    lines: &[&str],
    index: usize,
    folded: &str,
    found: &crate::source::date::FoundDate,
) -> bool {
    let tail = sentence_tail(lines, index, found.end, folded);
    if FUTURE_MARKERS.iter().any(|marker| tail.contains(marker)) {
        return false;
    }
    if found.as_of {
        return true;
    }
    match found.expr {
        DateExpr::Range(Some(_), Some(_)) => {
            let next = lines
                .get(index + 1)
                .map(|l| fold_line(head_chars(l, CONTEXT_WINDOW_CHARS)))
                .unwrap_or_default();
            let counted = |text: &str| super::figures::has_counted_number(text, COUNTERS);
            let after = head_chars(&folded[found.end..], CONTEXT_WINDOW_CHARS);
            let before = tail_chars(&folded[..found.start], CONTEXT_WINDOW_CHARS);
            if counted(after) || counted(&next) || counted(before) {
                return true;
            }
        }
        DateExpr::Range(Some(_), None) => return true,
        _ => {}
    }
    PAST_MARKERS.iter().any(|marker| tail.contains(marker))
}

/// A bound quotes at most this many lines that state its date.
const MAX_EVIDENCE_LINES: usize = 5;
/// A date's evidence quotes its line up to this many characters.
const EVIDENCE_QUOTE_CHARS: usize = 200;

/// Bounds for a document whose date is unknown, or `None` when it cites no past date.
pub fn infer_date_bounds(text: &str) -> Option<DateBounds> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut best: Option<(time::Date, Vec<String>)> = None;
    for (index, line) in lines.iter().enumerate() {
        let folded = fold_line(line);
        // The line is quoted once, however many dates it holds, and at most
        // [`EVIDENCE_QUOTE_CHARS`] characters of it.
        let mut line_quote: Option<String> = None;
        for found in find_dates(line) {
            if !is_past(&lines, index, &folded, &found) {
                continue;
            }
            let Some(day) = found.expr.latest().first_day() else {
                continue;
            };
            let quote = line_quote
                .get_or_insert_with(|| {
                    let content = line.trim();
                    let shown = head_chars(content, EVIDENCE_QUOTE_CHARS);
                    let cut = if shown.len() < content.len() {
                        "…"
                    } else {
                        ""
                    };
                    format!("line {}: {shown}{cut}", index + 1)
                })
                .clone();
            match &mut best {
                Some((best_day, evidence)) if *best_day == day => {
                    // A line with two dates of that day is quoted once; a bound rests on a few
                    // lines, not on every line of a long document (and the check stays linear).
                    if evidence.len() < MAX_EVIDENCE_LINES && evidence.last() != Some(&quote) {
                        evidence.push(quote);
                    }
                }
                Some((best_day, _)) if *best_day > day => {}
                _ => best = Some((day, vec![quote])),
            }
        }
    }
    best.map(|(day, evidence)| DateBounds {
        not_before: format_iso_date(day),
        not_after: None,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_and_target_dates_are_not_evidence() {
        let text = "医薬品の製造販売業者に対して、小児用医薬品開発の計画策定を努力義務とした（令和８年５月１日施行予定）。\n\
                    令和7年8月1日に公表した。\n\
                    2029年度末までに、80％以上にする\n\
                    2040年を見据えたがん医療\n\
                    令和8年度当初予算にて要求を予定している。";
        let bounds = infer_date_bounds(text).unwrap();
        assert_eq!(bounds.not_before, "2025-08-01");
        assert_eq!(bounds.evidence, ["line 2: 令和7年8月1日に公表した。"]);
    }

    #[test]
    fn periods_with_counts_and_as_of_dates_are_evidence_and_bare_years_are_not() {
        let text = "2006年 2015年 2017年 2022年 2023年\n\
                    レジストリ登録(2017.5～2022.7)\n\
                    固形がん2,507例、血液がん240例\n\
                    希少がん中央機関(2018年～)";
        let bounds = infer_date_bounds(text).unwrap();
        assert_eq!(bounds.not_before, "2022-07-01");
        assert_eq!(bounds.evidence, ["line 2: レジストリ登録(2017.5～2022.7)"]);
        assert_eq!(
            infer_date_bounds("2006年 2023年\nがん対策推進基本計画（第４期）"),
            None
        );
        assert_eq!(
            infer_date_bounds("（令和8年3月1日時点）")
                .unwrap()
                .not_before,
            "2026-03-01"
        );
    }
}

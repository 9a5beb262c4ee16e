//! 沿革・経緯: dated rows of a timeline (「平成29年3月-5月」, a tab, 「…懇談会（計4回）開催」) as milestones,
//! each with its date at the precision printed — a month stays a month, a range stays a range.
//!
//! Invariant: a milestone is only what a line states — its date written at the start of the
//! line, then what happened. A date whose event the text does not pair with it (a row of years
//! over a chart, a year followed by two labels) is not guessed at: it is said in a diagnostic.

use super::{Diagnostic, LineRange};
use crate::source::date::{find_dates, fold_line, DateExpr, RangeEnd};
use crate::source::normalize::split_line;

/// One dated row of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Milestone {
    /// The date as printed (「平成29年3月-5月」).
    pub when: String,
    /// The first point, at its precision: `2017-03`, `2017`, `2017-03-01`, or `FY2017`.
    pub from: String,
    /// The last point of a range, at its precision (`2017-05`); `None` for a single date.
    pub to: Option<String>,
    /// What happened, as printed.
    pub text: String,
    pub lines: LineRange,
}

/// What stands between a row's date and its event (a tab, a full-width or a half-width space);
/// a date run on into its sentence (「令和5年3月時点で、…」) is no row's date.
const SEPARATORS: &[char] = &['\t', '　', ' '];

/// Words in a line that say the document presents a timeline; without one, a year alone on a
/// line followed by a label is not read as a row (a chart's axis is not a timeline).
const TIMELINE_WORDS: &[&str] = &["沿革", "経緯", "年表", "あゆみ", "歩み"];

/// The milestones of a text, in its order, and what was seen but not paired.
pub fn extract_milestones(text: &str) -> (Vec<Milestone>, Vec<Diagnostic>) {
    let lines: Vec<&str> = text.split('\n').map(|line| split_line(line).1).collect();
    let presents_a_timeline = lines
        .iter()
        .any(|line| TIMELINE_WORDS.iter().any(|word| line.contains(word)));
    let mut milestones = Vec::new();
    let mut diagnostics = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let number = index as u32 + 1;
        let Some((when, expr, rest)) = leading_date(line) else {
            continue;
        };
        let rest = rest.trim_matches(SEPARATORS);
        // A row of dates (a chart's axis) is no row: its dates' events are not on the line.
        if leading_date(rest).is_some() {
            continue;
        }
        if !rest.is_empty() {
            // A date, a separator, then what happened.
            if line[when.len()..].starts_with(SEPARATORS)
                && !starts_a_sentence(rest)
                && !cites_a_document(rest)
            {
                milestones.push(milestone(when, expr, rest, number, number));
            }
            continue;
        }
        // Alone on its line, only a year or a month dates a label (a chart's timeline); a day
        // alone is a cover's or a heading's date.
        let coarse = match expr {
            DateExpr::Point(point) => point.day.is_none(),
            DateExpr::FiscalYear(_) => true,
            _ => false,
        };
        if !presents_a_timeline || !coarse {
            continue;
        }
        // A date alone on its line: the row is the one line of text that follows (after blank
        // lines) when exactly one does before the next blank line or date.
        let label: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .skip(index + 1)
            .skip_while(|(_, l)| l.trim().is_empty())
            .take_while(|(_, l)| !l.trim().is_empty() && leading_date(l).is_none())
            .map(|(at, l)| (at, *l))
            .collect();
        match label.as_slice() {
            [(at, text)] => {
                milestones.push(milestone(when, expr, text.trim(), number, *at as u32 + 1))
            }
            [] => {}
            many => diagnostics.push(Diagnostic {
                line: number,
                message: format!(
                    "timeline: {when} is followed by {} lines of labels; which of them it dates is not stated, so none is read",
                    many.len()
                ),
                hint: None,
            }),
        }
    }
    // A row of several dates and nothing else (the axis of a chart) pairs with nothing.
    for (index, line) in lines.iter().enumerate() {
        let dates = find_dates(line);
        let folded = fold_line(line);
        let mut rest = folded.clone();
        for found in dates.iter().rev() {
            rest.replace_range(found.start..found.end, "");
        }
        if presents_a_timeline && dates.len() > 1 && rest.trim_matches(SEPARATORS).is_empty() {
            diagnostics.push(Diagnostic {
                line: index as u32 + 1,
                message: format!(
                    "timeline: a row of {} dates ({}) whose events the text does not pair with them; not read",
                    dates.len(),
                    line.trim()
                ),
                hint: None,
            });
        }
    }
    (milestones, diagnostics)
}

/// The date a line starts with: as printed, parsed, and the rest of the line.
fn leading_date(line: &str) -> Option<(&str, DateExpr, &str)> {
    let trimmed = line.trim_start_matches(SEPARATORS);
    let found = find_dates(trimmed).into_iter().next()?;
    if found.start != 0 || found.as_of {
        return None;
    }
    // `find_dates` reports byte offsets in the folded line; map the end back to the line by
    // counting characters (folding maps one character to one character).
    let folded = fold_line(trimmed);
    let mut expr = found.expr;
    let mut end_chars = folded[..found.end].chars().count();
    // 「平成29年3月-5月」, 「平成31年4月-令和元年5月」: a range whose end follows a dash.
    let after = &folded[found.end..];
    if let (Some(dash), DateExpr::Point(start)) = (
        after.strip_prefix(['-', '－', '‐', '―', '~', '～', '〜']),
        expr,
    ) {
        let dash_chars = after.chars().count() - dash.chars().count();
        let end = match find_dates(dash).into_iter().next() {
            Some(end) if end.start == 0 => match end.expr {
                DateExpr::Point(point) => Some((point, dash[..end.end].chars().count())),
                _ => None,
            },
            _ => bare_month(dash).map(|(month, chars)| {
                (
                    crate::source::date::PartialDate {
                        year: start.year,
                        month: Some(month),
                        day: None,
                    },
                    chars,
                )
            }),
        };
        if let Some((point, chars)) = end.filter(|(point, _)| *point >= start) {
            expr = DateExpr::Range(Some(RangeEnd::Point(start)), Some(RangeEnd::Point(point)));
            end_chars += dash_chars + chars;
        }
    }
    let end = trimmed
        .char_indices()
        .nth(end_chars)
        .map_or(trimmed.len(), |(at, _)| at);
    Some((&trimmed[..end], expr, &trimmed[end..]))
}

/// 「5月」 at the start of a text: the month and how many characters it takes.
fn bare_month(text: &str) -> Option<(u8, usize)> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let month: u8 = digits.parse().ok()?;
    let rest = &text[digits.len()..];
    ((1..=12).contains(&month) && rest.starts_with('月')).then_some((month, digits.len() + 1))
}

/// Text that continues a sentence the date began (「に」, 「、」, 「時点で」…) rather than naming
/// an event.
fn starts_a_sentence(rest: &str) -> bool {
    rest.starts_with([
        'に', 'は', 'の', 'で', 'か', 'ま', '、', '。', 'を', 'よ', '時', '現', '以',
    ])
}

/// A text ending in a document's label (「第61回がん対策推進協議会 資料8」) cites the document a
/// slide was taken from: the date is that document's, not an event's.
fn cites_a_document(text: &str) -> bool {
    let folded = fold_line(text);
    let trimmed = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    trimmed.len() < folded.len() && trimmed.ends_with("資料")
}

fn milestone(when: &str, expr: DateExpr, text: &str, first: u32, last: u32) -> Milestone {
    let (from, to) = match expr {
        DateExpr::Range(start, end) => (
            start.map_or_else(|| "?".to_owned(), end_display),
            end.map(end_display),
        ),
        other => (display(other), None),
    };
    Milestone {
        when: when.to_owned(),
        from,
        to,
        text: text.to_owned(),
        lines: LineRange { first, last },
    }
}

fn end_display(end: RangeEnd) -> String {
    match end {
        RangeEnd::Point(point) => point.display(),
        RangeEnd::FiscalYear(year) => format!("FY{year}"),
    }
}

fn display(expr: DateExpr) -> String {
    match expr {
        DateExpr::Point(point) => point.display(),
        DateExpr::FiscalYear(year) => format!("FY{year}"),
        DateExpr::FiscalYearEnd(year) => format!("FY{year}-end"),
        DateExpr::Range(..) => unreachable!("ranges are split by the caller"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (date as printed, from, to, text).
    type Row<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

    /// (line, the row it is) — `None` when the line is no row.
    #[test]
    fn a_row_is_a_leading_date_a_separator_and_an_event() {
        let cases: [(&str, Option<Row>); 11] = [
            (
                "平成29年3月-5月\tがんゲノム医療推進コンソーシアム懇談会（計4回）開催",
                Some((
                    "平成29年3月-5月",
                    "2017-03",
                    Some("2017-05"),
                    "がんゲノム医療推進コンソーシアム懇談会（計4回）開催",
                )),
            ),
            (
                "平成31年4月-令和元年5月\tWG（計2回）開催",
                Some((
                    "平成31年4月-令和元年5月",
                    "2019-04",
                    Some("2019-05"),
                    "WG（計2回）開催",
                )),
            ),
            (
                "令和5年3月\t第4期がん対策推進基本計画閣議決定",
                Some((
                    "令和5年3月",
                    "2023-03",
                    None,
                    "第4期がん対策推進基本計画閣議決定",
                )),
            ),
            (
                "平成30年6月　がんゲノム情報管理センター（C-CAT）開設",
                Some((
                    "平成30年6月",
                    "2018-06",
                    None,
                    "がんゲノム情報管理センター（C-CAT）開設",
                )),
            ),
            (
                "2007年 がん対策推進基本計画（第１期）",
                Some(("2007年", "2007", None, "がん対策推進基本計画（第１期）")),
            ),
            // A sentence that begins with a date is no row.
            ("令和5年3月時点で、全ての都道府県に整備されている。", None),
            ("令和7年度に、実態調査を実施した。", None),
            // A date inside the line is no row's date; a date without an event is none.
            ("第4期計画（令和5年3月閣議決定）", None),
            ("令和8年3月13日", None),
            ("令和8年3月13日\n\n資料1\n経緯", None),
            // A slide's source: the date of the document it was taken from.
            ("平成28年10月26日 第61回がん対策推進協議会 資料8", None),
        ];
        for (line, expected) in cases {
            let (milestones, _) = extract_milestones(line);
            let got = milestones.first().map(|m| {
                (
                    m.when.as_str(),
                    m.from.as_str(),
                    m.to.as_deref(),
                    m.text.as_str(),
                )
            });
            assert_eq!(got, expected, "{line}");
        }
    }

    #[test]
    fn a_year_alone_dates_one_following_label_and_never_two() {
        let text = "希少がん対策の沿革\n\n2006年 2015年 2017年\n\n2007年\n\nがん対策推進基本計画（第１期）\n\n2016年\n\nがん対策基本法改正\nがん対策推進基本計画（第４期）\n";
        let (milestones, diagnostics) = extract_milestones(text);
        let read: Vec<(&str, &str, u32)> = milestones
            .iter()
            .map(|m| (m.from.as_str(), m.text.as_str(), m.lines.last))
            .collect();
        assert_eq!(read, [("2007", "がん対策推進基本計画（第１期）", 7)]);
        let said: Vec<u32> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(said, [9, 3], "{diagnostics:?}");
        // Without a word saying it is a timeline, a year alone pairs with nothing.
        let (milestones, _) = extract_milestones("2007年\n\nがん対策推進基本計画（第１期）\n");
        assert!(milestones.is_empty());
    }
}

//! Japanese dates: eras (明治 大正 昭和 平成 令和, 元年), full-width, half-width and kanji
//! digits, 年/月/日 and `.` `/` `-` forms, abbreviated eras (R7.10.6), fiscal years (令和6年度,
//! 年度末), ranges (令和５～７年度, 2017.5～2022.7), and 時点/現在 (as of).
//!
//! Invariant: a date keeps the precision it was written with — 「2022年7月」 is a month, not
//! 2022-07-01 — and only [`DateExpr::first_day`] / [`DateExpr::last_day`] turn it into days,
//! explicitly. Dates outside their era (平成32年, 令和元年4月) are not dates.

use std::sync::OnceLock;

use regex::Regex;
use time::{Date, Month};

use super::normalize::fold_width;

/// An era with its first day (Gregorian) and the Gregorian year of its 元年.
struct Era {
    name: &'static str,
    letter: char,
    first_day: (i32, u8, u8),
    offset: i32,
}

/// Sources: the era start dates proclaimed by the Japanese government; 明治 as used for the
/// Gregorian calendar since 1873 is taken from 1868-01-25 (明治元年1月1日, lunar), the
/// convention of the Cabinet Office's era conversion table.
const ERAS: &[Era] = &[
    Era {
        name: "明治",
        letter: 'M',
        first_day: (1868, 1, 25),
        offset: 1867,
    },
    Era {
        name: "大正",
        letter: 'T',
        first_day: (1912, 7, 30),
        offset: 1911,
    },
    Era {
        name: "昭和",
        letter: 'S',
        first_day: (1926, 12, 25),
        offset: 1925,
    },
    Era {
        name: "平成",
        letter: 'H',
        first_day: (1989, 1, 8),
        offset: 1988,
    },
    Era {
        name: "令和",
        letter: 'R',
        first_day: (2019, 5, 1),
        offset: 2018,
    },
];

/// A calendar point at the precision it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date expression as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateExpr {
    /// A day, a month or a year.
    Point(PartialDate),
    /// 年度 N: April 1 of N to March 31 of N+1.
    FiscalYear(i32),
    /// 年度末: March 31 of N+1.
    FiscalYearEnd(i32),
    /// From one expression to another (either end may be open: 「2018年～」).
    Range(Option<RangeEnd>, Option<RangeEnd>),
}

/// One end of a range (a range never nests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    Point(PartialDate),
    FiscalYear(i32),
}

impl RangeEnd {
    fn expr(self) -> DateExpr {
        match self {
            RangeEnd::Point(point) => DateExpr::Point(point),
            RangeEnd::FiscalYear(year) => DateExpr::FiscalYear(year),
        }
    }
}

impl PartialDate {
    pub fn first_day(self) -> Option<Date> {
        let month = Month::try_from(self.month.unwrap_or(1)).ok()?;
        Date::from_calendar_date(self.year, month, self.day.unwrap_or(1)).ok()
    }

    pub fn last_day(self) -> Option<Date> {
        match (self.month, self.day) {
            (Some(month), Some(day)) => {
                Date::from_calendar_date(self.year, Month::try_from(month).ok()?, day).ok()
            }
            (Some(month), None) => {
                let month = Month::try_from(month).ok()?;
                Date::from_calendar_date(self.year, month, month.length(self.year)).ok()
            }
            _ => Date::from_calendar_date(self.year, Month::December, 31).ok(),
        }
    }

    /// `2022-07`, `2022`, or `2022-07-01`: the precision as written.
    pub fn display(self) -> String {
        match (self.month, self.day) {
            (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", self.year),
            (Some(month), None) => format!("{:04}-{month:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

impl DateExpr {
    /// The first day the expression covers.
    pub fn first_day(self) -> Option<Date> {
        match self {
            DateExpr::Point(point) => point.first_day(),
            DateExpr::FiscalYear(year) => Date::from_calendar_date(year, Month::April, 1).ok(),
            DateExpr::FiscalYearEnd(year) => {
                Date::from_calendar_date(year + 1, Month::March, 31).ok()
            }
            DateExpr::Range(start, end) => start.or(end)?.expr().first_day(),
        }
    }

    /// The last day the expression covers.
    pub fn last_day(self) -> Option<Date> {
        match self {
            DateExpr::Point(point) => point.last_day(),
            DateExpr::FiscalYear(year) | DateExpr::FiscalYearEnd(year) => {
                Date::from_calendar_date(year + 1, Month::March, 31).ok()
            }
            DateExpr::Range(start, end) => end.or(start)?.expr().last_day(),
        }
    }

    /// The latest point the expression reaches, at its own precision (the end of a range).
    pub fn latest(self) -> DateExpr {
        match self {
            DateExpr::Range(_, Some(end)) => end.expr(),
            DateExpr::Range(Some(start), None) => start.expr(),
            other => other,
        }
    }
}

/// Kanji numerals: positional (二十九, 十二) or digit by digit (二〇二五).
fn kanji_number(text: &str) -> Option<u32> {
    const DIGITS: &[char] = &['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let digit = |c: char| DIGITS.iter().position(|&d| d == c).map(|d| d as u32);
    if text.is_empty() {
        return None;
    }
    if !text.contains('十') {
        return text.chars().try_fold(0u32, |value, c| {
            value.checked_mul(10)?.checked_add(digit(c)?)
        });
    }
    let (tens, ones) = text.split_once('十')?;
    let tens = if tens.is_empty() {
        1
    } else {
        digit(tens.chars().next()?)?
    };
    let ones = if ones.is_empty() {
        0
    } else {
        digit(ones.chars().next()?)?
    };
    if text.chars().count() > 3 {
        return None;
    }
    Some(tens * 10 + ones)
}

fn number(text: &str) -> Option<u32> {
    if text == "元" {
        return Some(1);
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    kanji_number(text)
}

/// The Gregorian year of an era year, checking that the date lies within the era.
fn era_year(era_name: &str, era_year: u32, month: Option<u8>, day: Option<u8>) -> Option<i32> {
    let (index, era) = ERAS
        .iter()
        .enumerate()
        .find(|(_, era)| era.name == era_name || era.letter.to_string() == era_name)?;
    if era_year == 0 {
        return None;
    }
    // Checked: 「令和2147483647年」 is no year, not an overflow.
    let year = era.offset.checked_add(i32::try_from(era_year).ok()?)?;
    // Compare at the precision written: 令和元年 (a year) is fine, 令和元年4月 is not.
    let written = (year, month.unwrap_or(12), day.unwrap_or(31));
    let written_start = (year, month.unwrap_or(1), day.unwrap_or(1));
    if written < era.first_day {
        return None;
    }
    if let Some(next) = ERAS.get(index + 1) {
        if written_start >= next.first_day {
            return None;
        }
    }
    Some(year)
}

const NUMBER: &str = r"[0-9]+|[〇一二三四五六七八九十]+|元";
const ERA_NAMES: &str = "明治|大正|昭和|平成|令和";

/// One point: `令和5（2023）年3月`, `2025年10月6日`, `令和７年度`, `2029年度末`.
fn point_pattern() -> String {
    format!(
        r"(?:(?P<era>{ERA_NAMES})(?P<eyear>{NUMBER})(?:[（(](?P<western_in_era>[0-9]{{4}})[）)])?|(?P<western>[0-9]{{4}}))年(?P<fiscal>度末?)?(?:(?P<month>{NUMBER})月(?:(?P<day>{NUMBER})日)?)?"
    )
}

#[allow(
    clippy::expect_used,
    reason = "compiled from constants; every pattern is compiled by the tests"
)]
fn patterns() -> &'static [Regex; 4] {
    static PATTERNS: OnceLock<[Regex; 4]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |pattern: &str| Regex::new(pattern).expect("the date patterns are valid");
        [
            // 令和５～７年度, 令和6～7年 (a range sharing its era and unit).
            compile(&format!(
                r"(?P<era>{ERA_NAMES})(?P<from>{NUMBER})[～~〜](?:(?P<era2>{ERA_NAMES}))?(?P<to>{NUMBER})年(?P<fiscal>度)?"
            )),
            // Points, possibly joined by ～ into a range, or open (「2018年～」).
            compile(&format!(
                r"(?P<first>{})(?:[～~〜](?P<second>{})?)?",
                point_pattern().replace("?P<", "?P<a_"),
                point_pattern().replace("?P<", "?P<b_")
            )),
            // 2017.5～2022.7, 2025/10/6, 2017～2020 (western digits with . or /).
            compile(
                r"(?P<y1>(?:19|20)[0-9]{2})(?:[./](?P<m1>[0-9]{1,2})(?:[./](?P<d1>[0-9]{1,2}))?)?(?:[～~〜](?P<y2>(?:19|20)[0-9]{2})(?:[./](?P<m2>[0-9]{1,2})(?:[./](?P<d2>[0-9]{1,2}))?)?)?",
            ),
            // R7.10.6, H31.4.30: abbreviated eras (only when parsing a whole reference).
            compile(r"^(?P<era>[MTSHR])(?P<year>[0-9]{1,2}|元)[./](?P<month>[0-9]{1,2})[./](?P<day>[0-9]{1,2})$"),
        ]
    })
}

/// A date found in a line of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub expr: DateExpr,
    /// Byte range in the folded line (full-width ASCII made half-width).
    pub start: usize,
    pub end: usize,
    /// Written as of (時点, 現在).
    pub as_of: bool,
}

/// Every printed form of a character folded ([`fold_width`]: full-width ASCII to half-width,
/// half-width katakana and punctuation to full-width), so digits and punctuation match one
/// pattern whichever extractor printed the line.
pub fn fold_line(line: &str) -> String {
    fold_width(line)
}

/// The names of one point's groups in the points pattern: the first point's (`a_`) or the
/// second's, after ～ (`b_`). Spelled out rather than put together for every lookup: a
/// document's every date looked each of its groups up by a name formatted for it.
struct PointGroups {
    era: &'static str,
    eyear: &'static str,
    western_in_era: &'static str,
    western: &'static str,
    fiscal: &'static str,
    month: &'static str,
    day: &'static str,
}

const FIRST_POINT: PointGroups = PointGroups {
    era: "a_era",
    eyear: "a_eyear",
    western_in_era: "a_western_in_era",
    western: "a_western",
    fiscal: "a_fiscal",
    month: "a_month",
    day: "a_day",
};

const SECOND_POINT: PointGroups = PointGroups {
    era: "b_era",
    eyear: "b_eyear",
    western_in_era: "b_western_in_era",
    western: "b_western",
    fiscal: "b_fiscal",
    month: "b_month",
    day: "b_day",
};

fn build_point(
    captures: &regex::Captures<'_>,
    groups: &PointGroups,
) -> Option<(DateExpr, Option<RangeEnd>)> {
    let get = |name: &str| captures.name(name).map(|m| m.as_str());
    // A month or day that does not fit is refused below (「2025年257月」 is no date; a cast
    // would have made it January).
    let small = |value: Option<u32>| value.and_then(|v| u8::try_from(v).ok());
    let month = get(groups.month).map(number).map(small);
    let day = get(groups.day).map(number).map(small);
    let (month, day) = (month.unwrap_or(None), day.unwrap_or(None));
    if get(groups.month).is_some() && month.is_none_or(|m| !(1..=12).contains(&m)) {
        return None;
    }
    let year = match (
        get(groups.era),
        get(groups.eyear),
        get(groups.western_in_era),
        get(groups.western),
    ) {
        (Some(era), Some(era_number), western, _) => {
            let year = era_year(era, number(era_number)?, month, day)?;
            if let Some(western) = western {
                // 令和5（2023）年: both must agree.
                if western.parse::<i32>().ok()? != year {
                    return None;
                }
            }
            year
        }
        (_, _, _, Some(western)) => western.parse().ok()?,
        _ => return None,
    };
    if get(groups.day).is_some() && day.is_none() {
        return None;
    }
    let point = PartialDate { year, month, day };
    if day.is_some() && point.first_day().is_none() {
        return None;
    }
    let expr = match get(groups.fiscal) {
        // 「令和7年度4月1日」: a day named within a fiscal year; January–March fall in the next
        // calendar year.
        Some("度") if month.is_some() => {
            let calendar_year = if month.is_some_and(|m| m < 4) {
                year + 1
            } else {
                year
            };
            let point = PartialDate {
                year: calendar_year,
                month,
                day,
            };
            if day.is_some() && point.first_day().is_none() {
                return None;
            }
            DateExpr::Point(point)
        }
        Some("度") => DateExpr::FiscalYear(year),
        Some("度末") => DateExpr::FiscalYearEnd(year),
        _ => DateExpr::Point(point),
    };
    let end = match expr {
        DateExpr::FiscalYear(year) => Some(RangeEnd::FiscalYear(year)),
        DateExpr::Point(point) => Some(RangeEnd::Point(point)),
        _ => None,
    };
    Some((expr, end))
}

fn western_point(year: &str, month: Option<&str>, day: Option<&str>) -> Option<PartialDate> {
    // Every part given must be digits that fit: 「06T00:00」 is no day (it once became "no day",
    // and the date the first of the month).
    let part = |text: &str| -> Option<u8> {
        (!text.is_empty() && text.len() <= 2 && text.chars().all(|c| c.is_ascii_digit()))
            .then(|| text.parse().ok())?
    };
    let point = PartialDate {
        year: year.parse().ok()?,
        month: match month {
            Some(text) => Some(part(text)?),
            None => None,
        },
        day: match day {
            Some(text) => Some(part(text)?),
            None => None,
        },
    };
    if month.is_some() && point.month.is_none_or(|m| !(1..=12).contains(&m)) {
        return None;
    }
    if day.is_some() && point.first_day().is_none() {
        return None;
    }
    Some(point)
}

/// Byte ranges of a line already read as dates. They never overlap, so the one that starts last
/// before a new range's end is the only one that can overlap it: each check is a logarithmic
/// look-up, and a line with 100,000 dates is read in linear time, not quadratic.
#[derive(Default)]
struct TakenRanges(std::collections::BTreeMap<usize, usize>);

impl TakenRanges {
    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.0
            .range(..end)
            .next_back()
            .is_some_and(|(_, &taken_end)| taken_end > start)
    }

    fn insert(&mut self, start: usize, end: usize) {
        self.0.insert(start, end);
    }
}

/// Every date expression in one line, left to right, without overlaps.
pub fn find_dates(line: &str) -> Vec<FoundDate> {
    find_dates_in_folded(&fold_line(line))
}

/// [`find_dates`] of a text already folded ([`fold_line`]), its ranges in `folded` itself —
/// for a caller that folded its lines once for all its rules (a paragraph of folded lines is
/// not folded again; its ranges are where the caller reads).
pub fn find_dates_in_folded(folded: &str) -> Vec<FoundDate> {
    // Every pattern below needs 年 or an ASCII digit (after folding): most lines of a 取組一覧
    // have neither, and are answered without running the patterns.
    if !folded.contains('年') && !folded.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let [era_range, points, western, _] = patterns();
    let mut found: Vec<FoundDate> = Vec::new();
    let mut taken = TakenRanges::default();
    for captures in era_range.captures_iter(folded) {
        let whole = captures.get_match();
        let era = &captures["era"];
        let to_era = captures.name("era2").map_or(era, |m| m.as_str());
        let (Some(from), Some(to)) = (number(&captures["from"]), number(&captures["to"])) else {
            continue;
        };
        let (Some(from), Some(to)) = (
            era_year(era, from, None, None),
            era_year(to_era, to, None, None),
        ) else {
            continue;
        };
        let end_of = |year| {
            if captures.name("fiscal").is_some() {
                RangeEnd::FiscalYear(year)
            } else {
                RangeEnd::Point(PartialDate {
                    year,
                    month: None,
                    day: None,
                })
            }
        };
        if !taken.overlaps(whole.start(), whole.end()) {
            taken.insert(whole.start(), whole.end());
            found.push(FoundDate {
                expr: DateExpr::Range(Some(end_of(from)), Some(end_of(to))),
                start: whole.start(),
                end: whole.end(),
                as_of: false,
            });
        }
    }
    for captures in points.captures_iter(folded) {
        let whole = captures.get_match();
        if taken.overlaps(whole.start(), whole.end()) {
            continue;
        }
        let Some((first, first_end)) = build_point(&captures, &FIRST_POINT) else {
            continue;
        };
        let has_tilde = folded[captures
            .name("a_era")
            .or(captures.name("a_western"))
            .map_or(whole.start(), |m| m.start())..whole.end()]
            .contains(['～', '~', '〜']);
        let expr = match captures.name("b_western").or(captures.name("b_era")) {
            Some(_) => match build_point(&captures, &SECOND_POINT) {
                Some((_, second_end)) => DateExpr::Range(first_end, second_end),
                None => first,
            },
            None if has_tilde => DateExpr::Range(first_end, None),
            None => first,
        };
        taken.insert(whole.start(), whole.end());
        found.push(FoundDate {
            expr,
            start: whole.start(),
            end: whole.end(),
            as_of: false,
        });
    }
    for captures in western.captures_iter(folded) {
        let whole = captures.get_match();
        if taken.overlaps(whole.start(), whole.end()) {
            continue;
        }
        // A bare four-digit number is a year only with a range or a month; 「2040年」 is caught
        // above, and plain numbers such as 2,507 are not dates.
        let has_month = captures.name("m1").is_some();
        let has_range = captures.name("y2").is_some();
        let before = &folded[..whole.start()];
        let in_parentheses = before.ends_with('(') && folded[whole.end()..].starts_with(')');
        // 「令和5（2024）年」 whose years disagree was refused above; its parenthesized year alone
        // is no date either.
        let after_era_year = before
            .trim_end_matches('(')
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '元');
        if in_parentheses && ERAS.iter().any(|era| after_era_year.ends_with(era.name)) {
            continue;
        }
        if !has_month && !has_range && !in_parentheses {
            continue;
        }
        let Some(first) = western_point(
            &captures["y1"],
            captures.name("m1").map(|m| m.as_str()),
            captures.name("d1").map(|m| m.as_str()),
        ) else {
            continue;
        };
        let expr = match captures.name("y2") {
            Some(y2) => match western_point(
                y2.as_str(),
                captures.name("m2").map(|m| m.as_str()),
                captures.name("d2").map(|m| m.as_str()),
            ) {
                Some(second) => {
                    DateExpr::Range(Some(RangeEnd::Point(first)), Some(RangeEnd::Point(second)))
                }
                None => continue,
            },
            None => DateExpr::Point(first),
        };
        taken.insert(whole.start(), whole.end());
        found.push(FoundDate {
            expr,
            start: whole.start(),
            end: whole.end(),
            as_of: false,
        });
    }
    for date in &mut found {
        let after = folded[date.end..].trim_start_matches([' ', ')', '）']);
        date.as_of = after.starts_with("時点") || after.starts_with("現在");
    }
    found.sort_by_key(|f| f.start);
    found
}

/// A day in 和暦, as a Japanese reader expects it beside the ISO date: `令和7年10月6日`, the first
/// year written 元年 (`令和元年5月1日`). `None` before 明治 (the table starts there).
pub fn wareki(date: Date) -> Option<String> {
    wareki_expr(DateExpr::Point(PartialDate {
        year: date.year(),
        month: Some(u8::from(date.month())),
        day: Some(date.day()),
    }))
}

/// An expression in 和暦 at the precision it was written with: a day 「令和7年10月6日」, a month
/// 「平成29年4月」, a year 「令和7年」, a fiscal year 「令和6年度」, 年度末 「令和11年度末」, a range
/// 「令和元年9月1日～令和2年8月31日」. A month or year is named by the era of its first day, a
/// fiscal year by the era in effect at its end when that era numbers it 1 or more (令和元年度;
/// FY1988 stays 昭和63年度). `None` before 明治.
pub fn wareki_expr(expr: DateExpr) -> Option<String> {
    // The year `year` as numbered by the era in effect on `on` (a period is named by the era
    // of a day it covers); `None` when that era had not begun in `year`.
    let era_year = |year: i32, on: (i32, u8, u8)| -> Option<String> {
        let era = ERAS.iter().rev().find(|era| era.first_day <= on)?;
        let number = year - era.offset;
        let number = match number {
            ..=0 => return None,
            1 => "元".to_owned(),
            _ => number.to_string(),
        };
        Some(format!("{}{number}年", era.name))
    };
    // A fiscal year is numbered by the era in effect at its end when that era numbers its
    // starting year 1 or more (FY2019 is 令和元年度), else by the era of its start (FY1988,
    // which 平成 would number 0, is 昭和63年度).
    let fiscal =
        |year: i32| era_year(year, (year + 1, 3, 31)).or_else(|| era_year(year, (year, 4, 1)));
    let point = |point: PartialDate| -> Option<String> {
        let on = (point.year, point.month.unwrap_or(1), point.day.unwrap_or(1));
        let year = era_year(point.year, on)?;
        Some(match (point.month, point.day) {
            (Some(month), Some(day)) => format!("{year}{month}月{day}日"),
            (Some(month), None) => format!("{year}{month}月"),
            _ => year,
        })
    };
    match expr {
        DateExpr::Point(at) => point(at),
        DateExpr::FiscalYear(year) => Some(format!("{}度", fiscal(year)?)),
        DateExpr::FiscalYearEnd(year) => Some(format!("{}度末", fiscal(year)?)),
        DateExpr::Range(start, end) => {
            let side = |end: Option<RangeEnd>| -> Option<String> {
                match end {
                    None => Some(String::new()),
                    Some(end) => wareki_expr(end.expr()),
                }
            };
            Some(format!("{}～{}", side(start)?, side(end)?))
        }
    }
}

/// Parses a whole string as one date: `2025-10-06`, `2025/10/6`, `2025.10.6`, `令和7年10月6日`,
/// `R7.10.6`, `令和元年5月1日`. Only day precision is accepted (a meeting reference names a day).
pub fn parse_day(text: &str) -> Option<Date> {
    let folded: String = fold_line(text.trim())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Some(captures) = patterns()[3].captures(&folded) {
        let year = number(&captures["year"])?;
        let month: u8 = captures["month"].parse().ok()?;
        let day: u8 = captures["day"].parse().ok()?;
        let year = era_year(&captures["era"], year, Some(month), Some(day))?;
        return PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
        .first_day();
    }
    let iso_like = folded.replace(['/', '.'], "-");
    let parts: Vec<&str> = iso_like.split('-').collect();
    if let [year, month, day] = parts.as_slice() {
        if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) {
            return western_point(year, Some(month), Some(day))?.first_day();
        }
    }
    let found = find_dates(&folded);
    match found.as_slice() {
        [only] if only.start == 0 && only.end == folded.len() => match only.expr {
            DateExpr::Point(point) if point.day.is_some() => point.first_day(),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn expressions_read_in_wareki_at_their_precision() {
        use super::{wareki_expr, DateExpr, PartialDate, RangeEnd};
        let point = |year, month, day| PartialDate { year, month, day };
        let cases = [
            (
                DateExpr::Point(point(2025, Some(10), Some(6))),
                "令和7年10月6日",
            ),
            (DateExpr::Point(point(2017, Some(4), None)), "平成29年4月"),
            (DateExpr::Point(point(2019, Some(5), None)), "令和元年5月"),
            (DateExpr::Point(point(2019, Some(4), None)), "平成31年4月"),
            (DateExpr::Point(point(2025, None, None)), "令和7年"),
            (DateExpr::FiscalYear(2024), "令和6年度"),
            (DateExpr::FiscalYear(2019), "令和元年度"),
            (DateExpr::FiscalYear(1988), "昭和63年度"),
            (DateExpr::FiscalYear(1989), "平成元年度"),
            (DateExpr::FiscalYearEnd(2029), "令和11年度末"),
            (
                DateExpr::Range(
                    Some(RangeEnd::Point(point(2019, Some(9), Some(1)))),
                    Some(RangeEnd::Point(point(2020, Some(8), Some(31)))),
                ),
                "令和元年9月1日～令和2年8月31日",
            ),
            (
                DateExpr::Range(Some(RangeEnd::FiscalYear(2023)), None),
                "令和5年度～",
            ),
        ];
        for (expr, expected) in cases {
            assert_eq!(wareki_expr(expr).as_deref(), Some(expected), "{expr:?}");
        }
        assert_eq!(wareki_expr(DateExpr::Point(point(1860, None, None))), None);
    }

    use super::*;

    /// `find_dates` answers a line with neither 年 nor an ASCII digit (after folding) at once:
    /// no pattern finds anything in such a line — the crafted cases (era names, kanji numerals,
    /// full-width digits and circled numbers, which fold to digits and are searched) and every
    /// line of the seeds.
    #[test]
    fn a_line_without_year_mark_or_digit_holds_no_date_for_any_pattern() {
        let mut lines: Vec<String> = [
            "令和元年度から",
            "令和五～七年度",
            "令和の時代に向けて",
            "平成三十一",
            "２０２５年",
            "①から③まで",
            "十二月一日",
            "R7.10.6",
            "",
        ]
        .iter()
        .map(|line| line.to_string())
        .collect();
        lines.extend(crate::source::seed_lines());
        assert!(lines.len() > 1000, "the seeds' lines were read");
        let mut answered_at_once = 0;
        for line in &lines {
            let folded = fold_line(line);
            if folded.contains('年') || folded.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            answered_at_once += 1;
            for pattern in patterns() {
                assert!(!pattern.is_match(&folded), "{line:?} holds a date");
            }
        }
        assert!(answered_at_once > 100, "{answered_at_once}");
    }
    use time::macros::date;

    fn point(year: i32, month: Option<u8>, day: Option<u8>) -> DateExpr {
        DateExpr::Point(PartialDate { year, month, day })
    }

    fn exprs(line: &str) -> Vec<DateExpr> {
        find_dates(line).into_iter().map(|f| f.expr).collect()
    }

    /// The first days of 平成 and 令和, as published by the Cabinet Office: 1989-01-08 and
    /// 2019-05-01; the last days of the eras before them are not in the new era.
    #[test]
    fn era_boundaries_match_the_official_dates() {
        assert_eq!(parse_day("平成元年1月8日"), Some(date!(1989 - 01 - 08)));
        assert_eq!(parse_day("昭和64年1月7日"), Some(date!(1989 - 01 - 07)));
        assert_eq!(parse_day("平成元年1月7日"), None);
        assert_eq!(parse_day("昭和64年1月8日"), None);
        assert_eq!(parse_day("令和元年5月1日"), Some(date!(2019 - 05 - 01)));
        assert_eq!(parse_day("平成31年4月30日"), Some(date!(2019 - 04 - 30)));
        assert_eq!(parse_day("令和元年4月30日"), None);
        assert_eq!(parse_day("平成31年5月1日"), None);
        assert_eq!(parse_day("大正元年7月30日"), Some(date!(1912 - 07 - 30)));
        assert_eq!(parse_day("明治45年7月29日"), Some(date!(1912 - 07 - 29)));
        assert_eq!(parse_day("昭和元年12月25日"), Some(date!(1926 - 12 - 25)));
    }

    #[test]
    fn day_forms_all_parse() {
        let expected = Some(date!(2025 - 10 - 06));
        for text in [
            "2025-10-06",
            "2025/10/6",
            "2025.10.6",
            "令和7年10月6日",
            "令和７年１０月６日",
            "R7.10.6",
            "2025年10月6日",
            "令和七年十月六日",
            " 令和7年10月6日 ",
        ] {
            assert_eq!(parse_day(text), expected, "{text}");
        }
        assert_eq!(parse_day("H31.4.30"), Some(date!(2019 - 04 - 30)));
        assert_eq!(parse_day("令和7年2月30日"), None);
        assert_eq!(parse_day("令和7年10月"), None, "a month is not a day");
        assert_eq!(parse_day("2025-13-01"), None);
        assert_eq!(parse_day("第92回"), None);
    }

    #[test]
    fn kanji_numerals() {
        assert_eq!(kanji_number("十二"), Some(12));
        assert_eq!(kanji_number("二十九"), Some(29));
        assert_eq!(kanji_number("三十一"), Some(31));
        assert_eq!(kanji_number("十"), Some(10));
        assert_eq!(kanji_number("二〇二五"), Some(2025));
        assert_eq!(
            exprs("令和五年十二月二十九日"),
            [point(2023, Some(12), Some(29))]
        );
    }

    #[test]
    fn precision_is_kept_as_written() {
        assert_eq!(
            exprs("2025年6月現在の282施設"),
            [point(2025, Some(6), None)]
        );
        assert_eq!(exprs("2040年を見据えた"), [point(2040, None, None)]);
        assert_eq!(
            exprs("令和5（2023）年3月時点で"),
            [point(2023, Some(3), None)]
        );
        assert!(
            exprs("令和5（2024）年3月").is_empty(),
            "era and western year disagree"
        );
        let found = find_dates("令和8年3月1日時点");
        assert!(found[0].as_of);
        assert_eq!(found[0].expr, point(2026, Some(3), Some(1)));
        assert!(find_dates("2025年6月現在の282施設")[0].as_of);
    }

    #[test]
    fn fiscal_years_and_their_ends() {
        assert_eq!(exprs("令和6年度"), [DateExpr::FiscalYear(2024)]);
        assert_eq!(
            DateExpr::FiscalYear(2024).first_day(),
            Some(date!(2024 - 04 - 01))
        );
        assert_eq!(
            DateExpr::FiscalYear(2024).last_day(),
            Some(date!(2025 - 03 - 31))
        );
        assert_eq!(exprs("2029年度末までに"), [DateExpr::FiscalYearEnd(2029)]);
        assert_eq!(
            DateExpr::FiscalYearEnd(2029).last_day(),
            Some(date!(2030 - 03 - 31))
        );
        assert_eq!(exprs("令和元年度には"), [DateExpr::FiscalYear(2019)]);
        assert_eq!(
            exprs("令和7年度4月1日時点"),
            [point(2025, Some(4), Some(1))]
        );
        assert_eq!(exprs("令和6年度2月"), [point(2025, Some(2), None)]);
    }

    #[test]
    fn ranges() {
        assert_eq!(
            exprs("令和５～７年度厚生労働科学研究"),
            [DateExpr::Range(
                Some(RangeEnd::FiscalYear(2023)),
                Some(RangeEnd::FiscalYear(2025))
            )]
        );
        assert_eq!(
            exprs("レジストリ登録(2017.5～2022.7)"),
            [DateExpr::Range(
                Some(RangeEnd::Point(PartialDate {
                    year: 2017,
                    month: Some(5),
                    day: None
                })),
                Some(RangeEnd::Point(PartialDate {
                    year: 2022,
                    month: Some(7),
                    day: None
                }))
            )]
        );
        assert_eq!(exprs("計60回開催（2017～2020）").len(), 1);
        assert_eq!(
            exprs("希少がん中央機関(2018年～)"),
            [DateExpr::Range(
                Some(RangeEnd::Point(PartialDate {
                    year: 2018,
                    month: None,
                    day: None
                })),
                None
            )]
        );
        assert_eq!(
            exprs("令和６年12月から令和７年７月にかけて"),
            [point(2024, Some(12), None), point(2025, Some(7), None)]
        );
        let range = DateExpr::Range(
            Some(RangeEnd::FiscalYear(2023)),
            Some(RangeEnd::FiscalYear(2025)),
        );
        assert_eq!(range.first_day(), Some(date!(2023 - 04 - 01)));
        assert_eq!(range.last_day(), Some(date!(2026 - 03 - 31)));
    }

    #[test]
    fn numbers_that_are_not_dates() {
        assert!(exprs("固形がん2,507例、血液がん240例").is_empty());
        assert!(exprs("健発0 8 0 1第1 6号").is_empty());
        assert!(exprs("合計295か所").is_empty());
        assert!(exprs("平成32年").is_empty(), "平成 ended in its 31st year");
    }

    #[test]
    fn a_day_is_written_in_wareki_at_its_era() {
        let cases = [
            ((2025, 10, 6), Some("令和7年10月6日")),
            ((2019, 5, 1), Some("令和元年5月1日")),
            ((2019, 4, 30), Some("平成31年4月30日")),
            ((1989, 1, 8), Some("平成元年1月8日")),
            ((1989, 1, 7), Some("昭和64年1月7日")),
            ((1926, 12, 25), Some("昭和元年12月25日")),
            ((1912, 7, 30), Some("大正元年7月30日")),
            ((1868, 1, 24), None),
        ];
        for ((year, month, day), expected) in cases {
            let date =
                Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), day).unwrap();
            assert_eq!(wareki(date).as_deref(), expected, "{date}");
            // It reads back as the same day.
            if let Some(text) = expected {
                assert_eq!(parse_day(text), Some(date), "{text}");
            }
        }
    }
}

//! A figure's series as a server-rendered SVG chart: as-of days along the x axis, values up the
//! y axis, goals (a figure stated with a deadline) drawn as diamonds and their deadlines as
//! dashed lines. It needs no script; every point carries its value and day as a tooltip and a
//! label, and the page's table says the same in words.
//!
//! Only what the documents state is drawn: an observation without a day it holds for, or whose
//! value is not a number, is left to the table (the chart says how many).

use maud::{html, Markup};
use time::Date;

use crate::project::history::{FigureView, HistoryEntry};
use crate::source::date::{wareki, wareki_expr};
use crate::source::meeting::parse_iso_date;

/// One observation that can be placed: a day and a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Where the observation is drawn: its day, or the middle of the month, year or fiscal
    /// year it was printed for.
    pub day: Date,
    /// The first and last day of a month, year or fiscal year the value was printed for
    /// (drawn as a bar across it); `None` for a day.
    pub period: Option<(Date, Date)>,
    /// When it holds, as a reader says it: 和暦 at the precision printed.
    pub when: String,
    pub value: f64,
    /// The value as printed, with its unit.
    pub shown: String,
    /// The deadline, as written, when the figure is a goal.
    pub deadline: Option<String>,
    /// The unit printed with the value (「%」「か所」), if any.
    pub unit: Option<String>,
}

impl Point {
    pub fn of(entry: &HistoryEntry) -> Option<Point> {
        Point::of_figure(entry.figure.as_ref()?)
    }

    fn of_figure(figure: &FigureView) -> Option<Point> {
        // A goal stated without an as-of day (「2029年度末までに…60％以上」) stands at its
        // deadline: what it promises is drawn even before anything is observed.
        let printed = figure
            .as_of
            .as_deref()
            .and_then(crate::extract::figures::parse_as_of)
            .and_then(|expr| Some((expr, expr.first_day()?, expr.last_day()?)));
        let (day, period, when) = match (figure.as_of_day.as_deref(), printed) {
            (Some(_), Some((expr, first, last))) if first < last => {
                let middle = first + (last - first) / 2;
                let when = wareki_expr(expr).unwrap_or_else(|| first.to_string());
                (middle, Some((first, last)), when)
            }
            (Some(day), _) => {
                let day = parse_iso_date(day)?;
                (day, None, wareki_or_iso(day))
            }
            (None, _) => {
                let day = deadline_day(figure.deadline.as_deref()?)?;
                (day, None, wareki_or_iso(day))
            }
        };
        Some(Point {
            day,
            period,
            when,
            value: number(&figure.value)?,
            shown: format!("{}{}", figure.value, figure.unit.as_deref().unwrap_or("")),
            deadline: figure.deadline.clone(),
            unit: figure.unit.clone().filter(|unit| !unit.trim().is_empty()),
        })
    }
}

/// A day in 和暦, or in ISO form before 明治 (where 和暦 has none).
fn wareki_or_iso(day: Date) -> String {
    wareki(day).unwrap_or_else(|| day.to_string())
}

/// A printed value as a number: digits with thousands separators, a decimal point and a
/// leading minus (half- or full-width); anything else (「約3割」, 「全ての拠点病院」, 1e3) is not
/// one.
pub fn number(printed: &str) -> Option<f64> {
    let folded: String = printed
        .trim()
        .chars()
        .map(crate::source::normalize::fold_full_width_ascii)
        .filter(|c| *c != ',')
        .collect();
    let digits = folded.strip_prefix('-').unwrap_or(&folded);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = folded.parse().ok()?;
    value.is_finite().then_some(value)
}

/// The first day a deadline as written can mean (2029-03-31, 2029-03, 2029), for placing it.
fn deadline_day(written: &str) -> Option<Date> {
    parse_iso_date(written)
        .or_else(|| parse_iso_date(&format!("{written}-01")))
        .or_else(|| parse_iso_date(&format!("{written}-01-01")))
}

/// One colour for each unit a series is printed in (a series of one unit is the first).
const SERIES_COLOURS: [&str; 4] = ["#1a4c8b", "#b35c00", "#2e7d32", "#6a1b9a"];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 60.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 56.0;

/// The chart of `points` (any order), titled `label`.
pub fn svg(points: &[Point], label: &str) -> Markup {
    if points.is_empty() {
        return html! { p.muted { "図示できる観測がありません (no observation states both a day and a number to draw; see the table)." } };
    }
    let mut points = points.to_vec();
    points.sort_by_key(|p| p.day);
    let deadlines: Vec<(Date, &str)> = points
        .iter()
        .filter_map(|p| p.deadline.as_deref())
        .filter_map(|d| Some((deadline_day(d)?, d)))
        .collect();
    let days: Vec<i64> = points
        .iter()
        .flat_map(|p| {
            [
                Some(p.day),
                p.period.map(|(first, _)| first),
                p.period.map(|(_, last)| last),
            ]
        })
        .flatten()
        .chain(deadlines.iter().map(|(d, _)| *d))
        .map(|d| i64::from(d.to_julian_day()))
        .collect();
    let (first, last) = (
        days.iter().copied().min().unwrap_or(0),
        days.iter().copied().max().unwrap_or(0),
    );
    let span = (last - first).max(1) as f64;
    let x = |day: Date| {
        if first == last {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (i64::from(day.to_julian_day()) - first) as f64 / span * (WIDTH - LEFT - RIGHT)
        }
    };
    let low = points
        .iter()
        .map(|p| p.value)
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let high = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    // A range of one value (or of one value and zero) still has a scale: at least 1 wide.
    let step = tick_step(((high - low) / 4.0).max(0.25));
    let low = (low / step).floor() * step;
    // Room above the highest point for its label.
    let high = ((high / step).floor() + 1.0) * step;
    let y = |value: f64| TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM);
    let ticks: Vec<f64> = (0..)
        .map(|i| low + step * f64::from(i))
        .take_while(|tick| *tick <= high + step / 2.0)
        .take(16)
        .collect();
    let floor = HEIGHT - BOTTOM;
    // Observations printed with different units (「施設」 and 「か所」) are not one series: each
    // unit is its own line, in its own colour, and nothing is converted.
    let mut units: Vec<Option<&str>> = points.iter().map(|p| p.unit.as_deref()).collect();
    units.sort_unstable();
    units.dedup();
    let colour = |unit: Option<&str>| {
        let index = units.iter().position(|u| *u == unit).unwrap_or(0);
        SERIES_COLOURS
            .get(index % SERIES_COLOURS.len())
            .copied()
            .unwrap_or("#1a4c8b")
    };
    let unit_name = |unit: Option<&str>| unit.unwrap_or("単位なし").to_owned();
    let axis_title = match units.as_slice() {
        [None] => "値（単位なし）".to_owned(),
        [Some(unit)] => format!("単位: {unit}"),
        several => format!(
            "単位: {}（単位ごとに別の線）",
            several
                .iter()
                .map(|u| unit_name(*u))
                .collect::<Vec<_>>()
                .join("・")
        ),
    };
    let lines: Vec<(Option<&str>, String)> = units
        .iter()
        .map(|unit| {
            let line: Vec<String> = points
                .iter()
                .filter(|p| p.unit.as_deref() == *unit)
                .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.value)))
                .collect();
            (*unit, line.join(" "))
        })
        .collect();
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label={ (label) "の推移" } {
            title { (label) "の推移" }
            text.axis-title x=(-(TOP + floor) / 2.0) y="16" transform="rotate(-90)" text-anchor="middle" font-size="13" fill="#333" { (axis_title) }
            line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(floor) stroke="#555" {}
            line x1=(LEFT) y1=(floor) x2=(WIDTH - RIGHT) y2=(floor) stroke="#555" {}
            @for tick in &ticks {
                line x1=(LEFT - 4.0) y1=(y(*tick)) x2=(WIDTH - RIGHT) y2=(y(*tick)) stroke="#e3e3e3" {}
                text x=(LEFT - 8.0) y=(y(*tick) + 4.0) text-anchor="end" font-size="12" { (tick_label(*tick)) }
            }
            @for (day, written) in &deadlines {
                line.deadline x1=(x(*day)) y1=(TOP) x2=(x(*day)) y2=(floor) stroke="#a00000" stroke-dasharray="6 4" {}
                text x=(x(*day)) y=(TOP - 6.0) text-anchor="middle" font-size="12" fill="#a00000" { "期限 " (crate::extract::figures::parse_as_of(written).and_then(crate::source::date::wareki_expr).unwrap_or_else(|| (*written).to_owned())) }
            }
            @for (unit, line) in &lines {
                polyline.series data-unit=(unit_name(*unit)) points=(line) fill="none" stroke=(colour(*unit)) stroke-width="2" {}
            }
            @if lines.len() > 1 {
                @for (index, (unit, _)) in lines.iter().enumerate() {
                    text.legend x=(WIDTH - RIGHT) y=(TOP + 14.0 * index as f64) text-anchor="end" font-size="12" fill=(colour(*unit)) { "― " (unit_name(*unit)) }
                }
            }
            @for (index, point) in points.iter().enumerate() {
                @let (px, py) = (x(point.day), y(point.value));
                // The first and last labels lean inwards, clear of the axis and the edge.
                @let anchor = if points.len() == 1 { "middle" } else if index == 0 { "start" } else if index + 1 == points.len() { "end" } else { "middle" };
                @if let Some((first, last)) = point.period {
                    line.period x1=(format!("{:.1}", x(first))) y1=(format!("{py:.1}")) x2=(format!("{:.1}", x(last))) y2=(format!("{py:.1}")) stroke="#1a4c8b" stroke-width="3" stroke-opacity="0.45" {}
                }
                @if point.deadline.is_some() {
                    polygon.goal points=(format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", px, py - 7.0, px + 7.0, py, px, py + 7.0, px - 7.0, py)) fill="#a00000" {
                        title { (point.when) ": 目標 " (point.shown) }
                    }
                } @else {
                    circle.observation cx=(format!("{px:.1}")) cy=(format!("{py:.1}")) r="5" fill=(colour(point.unit.as_deref())) {
                        title { (point.when) ": " (point.shown) }
                    }
                }
                text x=(px) y=(py - 10.0) text-anchor=(anchor) font-size="12" { (point.shown) }
                text.when x=(px) y=(floor + 18.0) text-anchor=(anchor) font-size="11" fill="#555" { (point.when) }
            }
        }
    }
}

/// A step of 1, 2 or 5 times a power of ten, at least `rough`: ticks a reader can add up.
fn tick_step(rough: f64) -> f64 {
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

fn tick_label(value: f64) -> String {
    if value.fract().abs() < 1e-9 || value.abs() >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_values_are_numbers_only_when_they_are() {
        let cases = [
            ("2376", Some(2376.0)),
            ("2,376", Some(2376.0)),
            ("９９．６", Some(99.6)),
            ("99.6", Some(99.6)),
            ("約3割", None),
            ("全ての拠点病院", None),
            ("", None),
            ("NaN", None),
            ("-5", Some(-5.0)),
            ("+5", None),
            ("1e3", None),
            ("-", None),
        ];
        for (printed, expected) in cases {
            assert_eq!(number(printed), expected, "{printed:?}");
        }
    }

    #[test]
    fn ticks_step_by_one_two_or_five_times_a_power_of_ten() {
        let cases = [
            (16.2, 20.0),
            (0.3, 0.5),
            (1.0, 1.0),
            (140.0, 200.0),
            (7.0, 10.0),
        ];
        for (rough, step) in cases {
            let got = tick_step(rough);
            assert!((got - step).abs() < 1e-9, "{rough} → {got}");
        }
    }

    #[test]
    fn a_series_of_one_equal_or_negative_values_still_has_a_scale() {
        let day = |s: &str| parse_iso_date(s).unwrap();
        for values in [
            vec![0.0],
            vec![-5.0],
            vec![-3.0, -3.0],
            vec![7.0, 7.0],
            vec![1e9],
        ] {
            let points: Vec<Point> = values
                .iter()
                .enumerate()
                .map(|(i, v)| Point {
                    day: day(&format!("202{i}-01-01")),
                    period: None,
                    when: format!("202{i}-01-01"),
                    value: *v,
                    shown: v.to_string(),
                    deadline: None,
                    unit: None,
                })
                .collect();
            let svg = svg(&points, "x").into_string();
            let ticks = svg.matches("text-anchor=\"end\" font-size=\"12\"").count();
            assert!((2..=16).contains(&ticks), "{values:?}: {ticks} ticks");
            assert!(
                !svg.contains("NaN") && !svg.contains("inf"),
                "{values:?}: {svg}"
            );
        }
    }

    #[test]
    fn deadlines_are_placed_at_the_first_day_they_can_mean() {
        assert_eq!(
            deadline_day("2029-03-31").map(|d| d.to_string()),
            Some("2029-03-31".into())
        );
        assert_eq!(
            deadline_day("2029-03").map(|d| d.to_string()),
            Some("2029-03-01".into())
        );
        assert_eq!(
            deadline_day("2029").map(|d| d.to_string()),
            Some("2029-01-01".into())
        );
        assert_eq!(deadline_day("令和11年度末"), None);
    }

    #[test]
    fn the_chart_draws_each_point_with_its_value_and_the_deadline() {
        let day = |s: &str| parse_iso_date(s).unwrap();
        let points = [
            Point {
                day: day("2021-02-01"),
                period: None,
                when: "令和3年2月1日".into(),
                value: 33.0,
                shown: "33か所".into(),
                deadline: None,
                unit: Some("か所".into()),
            },
            Point {
                day: day("2025-04-01"),
                period: None,
                when: "令和7年4月1日".into(),
                value: 50.0,
                shown: "50か所".into(),
                deadline: Some("2029-03".into()),
                unit: Some("施設".into()),
            },
        ];
        let svg = svg(&points, "拠点病院").into_string();
        assert_eq!(svg.matches("<circle").count(), 1, "{svg}");
        assert_eq!(
            svg.matches("<polygon").count(),
            1,
            "the goal is a diamond: {svg}"
        );
        assert!(svg.contains("33か所") && svg.contains("50か所"));
        assert!(svg.contains("期限 令和11年3月"), "{svg}");
        assert!(svg.contains("<title>拠点病院の推移</title>"));
        // Two units in one series are said, not drawn as one.
        assert!(
            svg.contains("単位: か所・施設（単位ごとに別の線）"),
            "{svg}"
        );
        assert_eq!(
            svg.matches("<polyline").count(),
            2,
            "one line per unit: {svg}"
        );
        assert!(svg.contains("class=\"legend\""), "{svg}");
        let one = super::svg(&points[..1], "拠点病院").into_string();
        assert!(one.contains("単位: か所"), "{one}");
        // Days are read in 和暦.
        assert!(svg.contains("令和3年2月1日"), "{svg}");
    }

    /// An observation printed for a month, a year or a fiscal year is drawn across it, its
    /// mark in the middle, and labelled in 和暦 at that precision; one printed for a day is a
    /// day.
    #[test]
    fn an_observation_is_drawn_at_the_precision_it_was_printed_with() {
        let figure = |as_of: &str, as_of_day: &str| FigureView {
            label: "空白の二次医療圏".into(),
            value: "69".into(),
            unit: Some("か所".into()),
            as_of: Some(as_of.into()),
            as_of_day: Some(as_of_day.into()),
            deadline: None,
        };
        let day = |s: &str| parse_iso_date(s).unwrap();
        let cases = [
            (
                "2017-04",
                "2017-04-01",
                Some(("2017-04-01", "2017-04-30")),
                "2017-04-15",
                "平成29年4月",
            ),
            (
                "FY2024",
                "2024-04-01",
                Some(("2024-04-01", "2025-03-31")),
                "2024-09-30",
                "令和6年度",
            ),
            (
                "2021-02-01",
                "2021-02-01",
                None,
                "2021-02-01",
                "令和3年2月1日",
            ),
        ];
        for (as_of, as_of_day, period, middle, when) in cases {
            let point = Point::of_figure(&figure(as_of, as_of_day)).unwrap();
            assert_eq!(
                point.period,
                period.map(|(a, b)| (day(a), day(b))),
                "{as_of}"
            );
            assert_eq!(point.day, day(middle), "{as_of}");
            assert_eq!(point.when, when, "{as_of}");
        }
        let month = Point::of_figure(&figure("2017-04", "2017-04-01")).unwrap();
        let later = Point::of_figure(&figure("2021-02-01", "2021-02-01")).unwrap();
        let svg = svg(&[month, later], "空白の二次医療圏").into_string();
        assert_eq!(svg.matches("class=\"period\"").count(), 1, "{svg}");
        assert!(svg.contains("平成29年4月"), "{svg}");
    }
}

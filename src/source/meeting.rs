//! Meetings (会議) and references to them.
//!
//! A meeting is a body (会議体) + ordinal (第N回) + date. Any part may be unknown: the seed
//! 「希少がん対策の沿革」 states neither its meeting nor its date, and the ledger must not invent
//! them. Invariant: an unknown part stays `None` and is displayed as unknown, never defaulted.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::normalize::{ascii_digits, fold_full_width_ascii};

/// See [`Meeting::time_key`].
pub type MeetingTimeKey<'m> = (bool, Option<Date>, Option<&'m str>, Option<u32>);

/// A council or working-group session a document was presented at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Meeting {
    /// 会議体, e.g. がん対策推進協議会.
    pub body: Option<String>,
    /// N of 第N回.
    pub ordinal: Option<u32>,
    /// The date the meeting was held.
    #[serde(with = "iso_date_option")]
    pub date: Option<Date>,
}

impl Meeting {
    /// `がん対策推進協議会 第92回`, with `(body unknown)` / `第?回` for unknown parts.
    pub fn name(&self) -> String {
        let body = self.body.as_deref().unwrap_or("(body unknown)");
        match self.ordinal {
            Some(ordinal) => format!("{body} 第{ordinal}回"),
            None => format!("{body} (ordinal unknown)"),
        }
    }

    /// The valid-time sort key: date first (unknown dates after every known one), then body and
    /// ordinal so that meetings of one body on one day keep their order.
    pub fn time_key(&self) -> MeetingTimeKey<'_> {
        (
            self.date.is_none(),
            self.date,
            self.body.as_deref(),
            self.ordinal,
        )
    }

    /// Whether nothing is known of the meeting: no body, ordinal or date.
    pub fn is_unknown(&self) -> bool {
        self.body.is_none() && self.ordinal.is_none() && self.date.is_none()
    }
}

impl fmt::Display for Meeting {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.date {
            Some(date) => write!(formatter, "{} ({})", self.name(), format_iso_date(date)),
            None => write!(formatter, "{} (date unknown)", self.name()),
        }
    }
}

/// What a user typed to name a meeting: `第92回`, `92`, `がん対策推進協議会第92回`, or a day
/// (`2025-10-06`, `2025/10/6`, `令和7年10月6日`, `R7.10.6`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingRef {
    Ordinal { body: Option<String>, ordinal: u32 },
    Date(Date),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MeetingRefError {
    #[error("{input:?} is not a meeting reference: use 第92回, 92, がん対策推進協議会第92回, or a date such as 2025-10-06, 2025/10/6, 令和7年10月6日, R7.10.6")]
    Unparsable { input: String },
    #[error("no meeting in the ledger matches {input:?}; `planledger meetings` lists them")]
    NoMatch { input: String },
    #[error("{input:?} is ambiguous: it matches {candidates}; name the body as well")]
    Ambiguous { input: String, candidates: String },
    #[error("{meeting} has no known date, so the ledger cannot place {input:?} in time; use a date instead")]
    DateUnknown { input: String, meeting: String },
    #[error("the ledger has no dated meeting; name one with a date (YYYY-MM-DD)")]
    NoDatedMeeting,
    #[error("the later meeting ({later}) is before the earlier one ({earlier}); swap them")]
    OutOfOrder { earlier: String, later: String },
}

impl MeetingRef {
    pub fn parse(input: &str) -> Result<MeetingRef, MeetingRefError> {
        let unparsable = || MeetingRefError::Unparsable {
            input: input.to_owned(),
        };
        let folded: String = input
            .trim()
            .chars()
            .map(fold_full_width_ascii)
            .filter(|c| !c.is_whitespace())
            .collect();
        // A reference ending in 回 names an ordinal (no day is written so): it is read without
        // the date patterns, which a process would otherwise compile for it alone.
        let Some(without_suffix) = folded.strip_suffix('回') else {
            if let Some(date) = super::date::parse_day(&folded) {
                return Ok(MeetingRef::Date(date));
            }
            let digits = ascii_digits(&folded).ok_or_else(unparsable)?;
            let ordinal = digits.parse().map_err(|_| unparsable())?;
            return Ok(MeetingRef::Ordinal {
                body: None,
                ordinal,
            });
        };
        let Some(dai) = without_suffix.rfind('第') else {
            return Err(unparsable());
        };
        let digits =
            ascii_digits(&without_suffix[dai + '第'.len_utf8()..]).ok_or_else(unparsable)?;
        let ordinal = digits.parse().map_err(|_| unparsable())?;
        let body = &without_suffix[..dai];
        Ok(MeetingRef::Ordinal {
            body: (!body.is_empty()).then(|| body.to_owned()),
            ordinal,
        })
    }

    /// Finds the one meeting among `known` that this reference names.
    pub fn resolve<'m>(
        &self,
        input: &str,
        known: &'m [Meeting],
    ) -> Result<&'m Meeting, MeetingRefError> {
        let matches: Vec<&Meeting> = known
            .iter()
            .filter(|meeting| match self {
                MeetingRef::Date(date) => meeting.date == Some(*date),
                MeetingRef::Ordinal { body, ordinal } => {
                    meeting.ordinal == Some(*ordinal)
                        && body.as_deref().is_none_or(|body| {
                            meeting.body.as_deref().map(strip_spaces) == Some(strip_spaces(body))
                        })
                }
            })
            .collect();
        match matches.as_slice() {
            [] => Err(MeetingRefError::NoMatch {
                input: input.to_owned(),
            }),
            [one] => Ok(one),
            many => Err(MeetingRefError::Ambiguous {
                input: input.to_owned(),
                candidates: many
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }
}

fn strip_spaces(text: &str) -> String {
    text.chars()
        .map(fold_full_width_ascii)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Parses `YYYY-MM-DD` strictly (a real calendar date).
///
/// Every event's meeting date is read and written through these (verify reads each event): ten
/// ASCII digits and dashes are read directly, anything else by `time`'s parser, which accepts
/// the same ten-character dates (unit test).
pub fn parse_iso_date(text: &str) -> Option<Date> {
    if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text.as_bytes() {
        let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
        if digits.iter().all(u8::is_ascii_digit) {
            let [y1, y2, y3, y4, m1, m2, d1, d2] = digits.map(|digit| digit - b'0');
            let year = [y1, y2, y3, y4]
                .iter()
                .fold(0i32, |year, &digit| year * 10 + i32::from(digit));
            let month = time::Month::try_from(m1 * 10 + m2).ok()?;
            return Date::from_calendar_date(year, month, d1 * 10 + d2).ok();
        }
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).ok()
}

pub fn format_iso_date(date: Date) -> String {
    let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
    if !(0..=9999).contains(&year) {
        return format!("{year:04}-{month:02}-{day:02}");
    }
    let mut text = String::with_capacity(10);
    for digit in [year / 1000, year / 100 % 10, year / 10 % 10, year % 10] {
        text.push(char::from(b'0' + digit as u8));
    }
    for part in [month, day] {
        text.push('-');
        text.push(char::from(b'0' + part / 10));
        text.push(char::from(b'0' + part % 10));
    }
    text
}

/// Serde for `Option<Date>` as `"YYYY-MM-DD"` or `null`.
pub mod iso_date_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_str(&super::format_iso_date(*date)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        let text: Option<String> = Option::deserialize(deserializer)?;
        text.map(|text| {
            super::parse_iso_date(&text).ok_or_else(|| {
                serde::de::Error::custom(format!("{text:?} is not a date of the form YYYY-MM-DD"))
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct reading and writing of ten-character dates agree with `time`'s own parser
    /// and the padded format on every day of several centuries, and on what is not a date.
    #[test]
    fn iso_dates_read_and_write_as_times_parser_and_the_padded_format_do() {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut day = Date::from_calendar_date(1868, time::Month::January, 1).unwrap();
        let last = Date::from_calendar_date(2101, time::Month::January, 1).unwrap();
        while day < last {
            let written = format_iso_date(day);
            assert_eq!(
                written,
                format!(
                    "{:04}-{:02}-{:02}",
                    day.year(),
                    u8::from(day.month()),
                    day.day()
                )
            );
            assert_eq!(parse_iso_date(&written), Some(day));
            day = day.next_day().unwrap();
        }
        for text in [
            "2025-02-29",
            "2024-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-01-32",
            "0000-01-01",
            "9999-12-31",
            "2025-1-01",
            "2025/01/01",
            "２０２５-01-01",
            "+2025-01-01",
            "2025-01-011",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(
                parse_iso_date(text),
                Date::parse(text, &format).ok(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// A reference followed by anything that is not part of it is refused, never read as
        /// another meeting or a nearby day (「2025-10-06T00:00」 was 2025-10-01).
        #[test]
        fn a_reference_with_trailing_junk_is_refused(
            reference in proptest::sample::select(vec![
                "2025-10-06", "2025/10/6", "2025.10.6", "令和7年10月6日", "R7.10.6", "第92回",
                "がん対策推進協議会第92回",
            ]),
            junk in "[A-Za-z:#@!?_*&%$+=<>\\[\\]{}|]{1,6}[0-9A-Za-z:]{0,4}",
        ) {
            let input = format!("{reference}{junk}");
            proptest::prop_assert!(MeetingRef::parse(&input).is_err(), "{} was accepted as {:?}", input, MeetingRef::parse(&input));
        }
    }

    #[test]
    fn out_of_range_numbers_are_refused_not_wrapped() {
        for input in [
            "2025-10-06T00:00",
            "2025-10-06abc",
            "2025-10-6x",
            "令和2147483647年1月1日",
            "2025-257-01",
            "R7.13.1",
        ] {
            assert!(MeetingRef::parse(input).is_err(), "{input}");
        }
        assert!(crate::source::date::find_dates("2025年257月").is_empty());
        assert!(crate::source::date::find_dates("令和2147483647年").is_empty());
    }
    use time::macros::date;

    fn meeting(body: &str, ordinal: u32, date: Date) -> Meeting {
        Meeting {
            body: Some(body.to_owned()),
            ordinal: Some(ordinal),
            date: Some(date),
        }
    }

    #[test]
    fn ordinal_forms_parse_to_the_same_reference() {
        let expected = MeetingRef::Ordinal {
            body: None,
            ordinal: 92,
        };
        for input in ["第92回", "第９２回", "92", "９２", " 第92回 "] {
            assert_eq!(MeetingRef::parse(input).unwrap(), expected, "{input}");
        }
        assert_eq!(
            MeetingRef::parse("がん対策推進協議会 第92回").unwrap(),
            MeetingRef::Ordinal {
                body: Some("がん対策推進協議会".into()),
                ordinal: 92
            }
        );
        for input in [
            "2025-10-06",
            "2025/10/6",
            "令和7年10月6日",
            "令和７年１０月６日",
            "R7.10.6",
        ] {
            assert_eq!(
                MeetingRef::parse(input).unwrap(),
                MeetingRef::Date(date!(2025 - 10 - 06)),
                "{input}"
            );
        }
        assert!(MeetingRef::parse("2025-02-30").is_err());
        assert!(MeetingRef::parse("next week").is_err());
    }

    #[test]
    fn an_ordinal_shared_by_two_bodies_is_ambiguous() {
        let known = [
            meeting("がん対策推進協議会", 7, date!(2008 - 01 - 01)),
            meeting(
                "がんゲノム医療中核拠点病院等の指定要件に関するワーキンググループ",
                7,
                date!(2026 - 03 - 13),
            ),
        ];
        let reference = MeetingRef::parse("第7回").unwrap();
        assert!(matches!(
            reference.resolve("第7回", &known),
            Err(MeetingRefError::Ambiguous { .. })
        ));
        let reference = MeetingRef::parse("がん対策推進協議会第7回").unwrap();
        assert_eq!(reference.resolve("x", &known).unwrap(), &known[0]);
    }
}

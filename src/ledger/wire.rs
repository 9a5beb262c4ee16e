//! The event wire format: the JSON shape events are hashed, stored and exported in, as structs of
//! its own — not the extractors' or the projections' types. Versions 1 to 3 share one shape for
//! the kinds they share; version 2 writes `previous_value` as null, version 3 adds the
//! corrections (`DocumentRedescribed`, `DocumentWithdrawn`) and `MeasureAdded.lineage`, which no
//! earlier version has (see `EVENT_FORMAT_VERSION`).
//!
//! Invariant: an [`Event`](super::Event) is written and read only through these structs, so a
//! change to a domain type (`SectionPath`, `Meeting`, `ActionStatus`, …) cannot change a stored
//! hash: the conversions below name every field on both sides and stop compiling instead.
//! Each kind's canonical bytes and hash are pinned by `wire_v3_pinned.jsonl`, and formats 1 and
//! 2's by `wire_v1_pinned.jsonl` and `wire_v2_pinned.jsonl` (tested in `event.rs`); changing anything here is a format change and
//! bumps `EVENT_FORMAT_VERSION`.

use serde::{Deserialize, Serialize};

use super::event::{Event, EventBody, Source};
use crate::extract::dating::DateBounds;
use crate::extract::figures::RelativeDeadline;
use crate::extract::{ActionStatus, LineRange, SectionPath};
use crate::source::decode::TextEncoding;
use crate::source::manifest::DocumentFormat;
use crate::source::meeting::{format_iso_date, parse_iso_date, Meeting};

/// One event on the wire. (Unknown members cannot be refused by serde because of the flattened
/// body; verification refuses them, by requiring an event's bytes to equal its re-encoding.)
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireEvent {
    pub v: u32,
    pub seq: u64,
    pub prev: String,
    pub meeting: WireMeeting,
    pub source: WireSource,
    #[serde(flatten)]
    pub body: WireBody,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireMeeting {
    pub body: Option<String>,
    pub ordinal: Option<u32>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireSource {
    pub document: String,
    /// `[first, last]`, 1-based and inclusive.
    pub lines: Option<[u32; 2]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireSection {
    pub path: Vec<String>,
    pub titles: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireStatus {
    Done,
    Planned,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireFormat {
    Torikumi,
    Slides,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireEncoding {
    Utf8,
    Utf8Bom,
    ShiftJis,
    EucJp,
    Utf16Le,
    Utf16Be,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireDateBounds {
    pub not_before: String,
    pub not_after: Option<String>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRelativeDeadline {
    pub plan: String,
    pub years: u32,
}

/// The kinds, tagged by `kind`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum WireBody {
    DocumentIngested {
        title: Option<String>,
        label: Option<String>,
        series: Option<String>,
        format: WireFormat,
        encoding: WireEncoding,
        file_name: String,
        byte_length: u64,
        ingested_at: String,
        plan: Option<String>,
        measure_ids: Vec<String>,
        date_bounds: Option<WireDateBounds>,
    },
    MeasureAdded {
        measure_id: String,
        plan: Option<String>,
        section: WireSection,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lineage: Vec<String>,
    },
    MeasureRevised {
        measure_id: String,
        plan: Option<String>,
        section: WireSection,
        text: String,
        matched_text_hash: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_matched: Vec<String>,
    },
    MeasureCited {
        measure_id: String,
        plan: Option<String>,
        section: WireSection,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_matched: Vec<String>,
    },
    ActionReported {
        measure_id: String,
        bureau: String,
        bureau_canonical: String,
        status: WireStatus,
        text: String,
    },
    TargetChanged {
        key: String,
        label: String,
        value: String,
        unit: Option<String>,
        as_of: Option<String>,
        as_of_day: Option<String>,
        deadline: Option<String>,
        previous_value: Option<String>,
        curated_quote: Option<String>,
        deadline_after_adoption: Option<WireRelativeDeadline>,
    },
    PlanAdopted {
        plan: String,
        adopted: String,
        adopted_day: String,
    },
    MilestoneStated {
        when: String,
        from: String,
        to: Option<String>,
        text: String,
    },
    RequirementRevised {
        requirement: String,
        before: Option<String>,
        after: String,
        marked: Vec<String>,
    },
    DocumentRedescribed {
        title: Option<String>,
        label: Option<String>,
        reason: String,
        recorded_at: String,
    },
    DocumentWithdrawn {
        reason: String,
        recorded_at: String,
    },
}

/// The first format version with the corrections and a measure's lineage.
const FORMAT_3: u32 = 3;

impl WireBody {
    fn kind(&self) -> &'static str {
        EventBody::from(self.clone()).kind()
    }
}

impl From<&Event> for WireEvent {
    fn from(event: &Event) -> WireEvent {
        let Event {
            v,
            seq,
            prev,
            meeting,
            source,
            body,
            hash,
        } = event;
        WireEvent {
            v: *v,
            seq: *seq,
            prev: prev.clone(),
            meeting: WireMeeting::from(meeting),
            source: WireSource {
                document: source.document.clone(),
                lines: source.lines.map(|lines| [lines.first, lines.last]),
            },
            body: WireBody::from(body),
            hash: hash.clone(),
        }
    }
}

impl TryFrom<WireEvent> for Event {
    type Error = String;

    fn try_from(wire: WireEvent) -> Result<Event, String> {
        let WireEvent {
            v,
            seq,
            prev,
            meeting,
            source,
            body,
            hash,
        } = wire;
        let format_3 = match &body {
            WireBody::DocumentRedescribed { .. }
            | WireBody::DocumentWithdrawn { .. }
            | WireBody::MilestoneStated { .. }
            | WireBody::RequirementRevised { .. } => true,
            WireBody::MeasureAdded { lineage, .. } => !lineage.is_empty(),
            WireBody::MeasureCited { also_matched, .. } => !also_matched.is_empty(),
            _ => false,
        };
        if v < FORMAT_3 && format_3 {
            return Err(format!(
                "a {} of format 3 (corrections, lineage) in an event of format {v}",
                body.kind()
            ));
        }
        Ok(Event {
            v,
            seq,
            prev,
            meeting: Meeting::try_from(meeting)?,
            source: Source {
                document: source.document,
                lines: source.lines.map(|[first, last]| LineRange { first, last }),
            },
            body: EventBody::from(body),
            hash,
        })
    }
}

impl From<&Meeting> for WireMeeting {
    fn from(meeting: &Meeting) -> WireMeeting {
        let Meeting {
            body,
            ordinal,
            date,
        } = meeting;
        WireMeeting {
            body: body.clone(),
            ordinal: *ordinal,
            date: date.map(format_iso_date),
        }
    }
}

impl TryFrom<WireMeeting> for Meeting {
    type Error = String;

    fn try_from(wire: WireMeeting) -> Result<Meeting, String> {
        let date = wire
            .date
            .map(|text| {
                parse_iso_date(&text)
                    .ok_or_else(|| format!("{text:?} is not a date of the form YYYY-MM-DD"))
            })
            .transpose()?;
        Ok(Meeting {
            body: wire.body,
            ordinal: wire.ordinal,
            date,
        })
    }
}

fn wire_section(section: &SectionPath) -> WireSection {
    let SectionPath { path, titles } = section;
    WireSection {
        path: path.clone(),
        titles: titles.clone(),
    }
}

fn section_of(wire: WireSection) -> SectionPath {
    SectionPath {
        path: wire.path,
        titles: wire.titles,
    }
}

impl From<&EventBody> for WireBody {
    fn from(body: &EventBody) -> WireBody {
        match body.clone() {
            EventBody::DocumentIngested {
                title,
                label,
                series,
                format,
                encoding,
                file_name,
                byte_length,
                ingested_at,
                plan,
                measure_ids,
                date_bounds,
            } => WireBody::DocumentIngested {
                title,
                label,
                series,
                format: match format {
                    DocumentFormat::Torikumi => WireFormat::Torikumi,
                    DocumentFormat::Slides => WireFormat::Slides,
                },
                encoding: match encoding {
                    TextEncoding::Utf8 => WireEncoding::Utf8,
                    TextEncoding::Utf8Bom => WireEncoding::Utf8Bom,
                    TextEncoding::ShiftJis => WireEncoding::ShiftJis,
                    TextEncoding::EucJp => WireEncoding::EucJp,
                    TextEncoding::Utf16Le => WireEncoding::Utf16Le,
                    TextEncoding::Utf16Be => WireEncoding::Utf16Be,
                },
                file_name,
                byte_length,
                ingested_at,
                plan,
                measure_ids,
                date_bounds: date_bounds.map(
                    |DateBounds {
                         not_before,
                         not_after,
                         evidence,
                     }| WireDateBounds {
                        not_before,
                        not_after,
                        evidence,
                    },
                ),
            },
            EventBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
                lineage,
            } => WireBody::MeasureAdded {
                measure_id,
                plan,
                section: wire_section(&section),
                text,
                lineage,
            },
            EventBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                matched_text_hash,
                also_matched,
            } => WireBody::MeasureRevised {
                measure_id,
                plan,
                section: wire_section(&section),
                text,
                matched_text_hash,
                also_matched,
            },
            EventBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => WireBody::MeasureCited {
                measure_id,
                plan,
                section: wire_section(&section),
                text,
                also_matched,
            },
            EventBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => WireBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status: match status {
                    ActionStatus::Done => WireStatus::Done,
                    ActionStatus::Planned => WireStatus::Planned,
                },
                text,
            },
            EventBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                previous_value,
                curated_quote,
                deadline_after_adoption,
            } => WireBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                previous_value,
                curated_quote,
                deadline_after_adoption: deadline_after_adoption
                    .map(|RelativeDeadline { plan, years }| WireRelativeDeadline { plan, years }),
            },
            EventBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            } => WireBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            },
            EventBody::MilestoneStated {
                when,
                from,
                to,
                text,
            } => WireBody::MilestoneStated {
                when,
                from,
                to,
                text,
            },
            EventBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            } => WireBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            },
            EventBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => WireBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            },
            EventBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => WireBody::DocumentWithdrawn {
                reason,
                recorded_at,
            },
        }
    }
}

impl From<WireBody> for EventBody {
    fn from(wire: WireBody) -> EventBody {
        match wire {
            WireBody::DocumentIngested {
                title,
                label,
                series,
                format,
                encoding,
                file_name,
                byte_length,
                ingested_at,
                plan,
                measure_ids,
                date_bounds,
            } => EventBody::DocumentIngested {
                title,
                label,
                series,
                format: match format {
                    WireFormat::Torikumi => DocumentFormat::Torikumi,
                    WireFormat::Slides => DocumentFormat::Slides,
                },
                encoding: match encoding {
                    WireEncoding::Utf8 => TextEncoding::Utf8,
                    WireEncoding::Utf8Bom => TextEncoding::Utf8Bom,
                    WireEncoding::ShiftJis => TextEncoding::ShiftJis,
                    WireEncoding::EucJp => TextEncoding::EucJp,
                    WireEncoding::Utf16Le => TextEncoding::Utf16Le,
                    WireEncoding::Utf16Be => TextEncoding::Utf16Be,
                },
                file_name,
                byte_length,
                ingested_at,
                plan,
                measure_ids,
                date_bounds: date_bounds.map(
                    |WireDateBounds {
                         not_before,
                         not_after,
                         evidence,
                     }| DateBounds {
                        not_before,
                        not_after,
                        evidence,
                    },
                ),
            },
            WireBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
                lineage,
            } => EventBody::MeasureAdded {
                measure_id,
                plan,
                section: section_of(section),
                text,
                lineage,
            },
            WireBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                matched_text_hash,
                also_matched,
            } => EventBody::MeasureRevised {
                measure_id,
                plan,
                section: section_of(section),
                text,
                matched_text_hash,
                also_matched,
            },
            WireBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => EventBody::MeasureCited {
                measure_id,
                plan,
                section: section_of(section),
                text,
                also_matched,
            },
            WireBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => EventBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status: match status {
                    WireStatus::Done => ActionStatus::Done,
                    WireStatus::Planned => ActionStatus::Planned,
                },
                text,
            },
            WireBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                previous_value,
                curated_quote,
                deadline_after_adoption,
            } => EventBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                previous_value,
                curated_quote,
                deadline_after_adoption: deadline_after_adoption
                    .map(|WireRelativeDeadline { plan, years }| RelativeDeadline { plan, years }),
            },
            WireBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            } => EventBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            },
            WireBody::MilestoneStated {
                when,
                from,
                to,
                text,
            } => EventBody::MilestoneStated {
                when,
                from,
                to,
                text,
            },
            WireBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            } => EventBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            },
            WireBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => EventBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            },
            WireBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => EventBody::DocumentWithdrawn {
                reason,
                recorded_at,
            },
        }
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireEvent::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
        Event::try_from(WireEvent::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

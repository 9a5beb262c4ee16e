//! The event wire format: the JSON shape events are hashed, stored and exported in, as structs of
//! its own — not the extractors' or the projections' types. Versions 1 to 3 share one shape for
//! the kinds they share; version 2 writes `previous_value` as null, version 3 adds the
//! corrections (`DocumentRedescribed`, `DocumentWithdrawn`) and `MeasureAdded.lineage`, which no
//! earlier version has (see `EVENT_FORMAT_VERSION`).
//!
//! Invariant: an [`Event`](super::Event) is written and read only through these structs, so a
//! change to a domain type (`SectionPath`, `Meeting`, `ActionStatus`, …) cannot change a stored
//! hash: the conversions below name every field on both sides and stop compiling instead.
//! Written, the structs borrow the event's texts (`Lend`: writing copies nothing); read, they
//! own what was parsed and hand it over (`Own`).
//! Each kind's canonical bytes and hash are pinned by `wire_v3_pinned.jsonl`, and formats 1 and
//! 2's by `wire_v1_pinned.jsonl` and `wire_v2_pinned.jsonl` (tested in `event.rs`); changing anything here is a format change and
//! bumps `EVENT_FORMAT_VERSION`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::event::{
    Event, EventBody, EventError, HistoryBody, HistoryEvent, SharedMember, SharedTexts, Source,
};
use crate::extract::dating::DateBounds;
use crate::extract::figures::RelativeDeadline;
use crate::extract::{ActionStatus, LineRange, SectionPath};
use crate::source::decode::TextEncoding;
use crate::source::manifest::DocumentFormat;
use crate::source::meeting::{format_iso_date, parse_iso_date, Meeting};

/// One event on the wire. (Unknown members are not refused when an event is read; verification
/// refuses them, by requiring an event's bytes to equal its re-encoding.) It is read through
/// [`WireMembers`].
/// It is written by [`WireEvent::members`], as one object of its own and its body's members.
#[derive(Debug, Clone)]
pub struct WireEvent<'a> {
    pub v: u32,
    pub seq: u64,
    pub prev: Cow<'a, str>,
    pub meeting: WireMeeting<'a>,
    pub source: WireSource<'a>,
    pub body: WireBody<'a>,
    pub hash: Cow<'a, str>,
}

/// (Structs' members are declared in RFC 8785's order, so their objects are written in order
/// and the canonical writer need not reorder them.)
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireMeeting<'a> {
    pub body: Option<Cow<'a, str>>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub ordinal: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireSource<'a> {
    pub document: Cow<'a, str>,
    /// `[first, last]`, 1-based and inclusive.
    pub lines: Option<[u32; 2]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireSection<'a> {
    pub path: Cow<'a, [String]>,
    pub titles: Cow<'a, [String]>,
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
    pub evidence: Vec<String>,
    pub not_after: Option<String>,
    pub not_before: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRelativeDeadline {
    pub plan: String,
    pub years: u32,
}

/// The kinds, tagged by `kind` (see [`WireBody::members`]).
#[derive(Debug, Clone)]
pub enum WireBody<'a> {
    DocumentIngested {
        title: Option<Cow<'a, str>>,
        label: Option<Cow<'a, str>>,
        series: Option<Cow<'a, str>>,
        format: WireFormat,
        encoding: WireEncoding,
        file_name: Cow<'a, str>,
        byte_length: u64,
        ingested_at: Cow<'a, str>,
        plan: Option<Cow<'a, str>>,
        measure_ids: Cow<'a, [String]>,
        date_bounds: Option<WireDateBounds>,
    },
    MeasureAdded {
        measure_id: Cow<'a, str>,
        plan: Option<Cow<'a, str>>,
        section: WireSection<'a>,
        text: Cow<'a, str>,
        lineage: Cow<'a, [String]>,
    },
    MeasureRevised {
        measure_id: Cow<'a, str>,
        plan: Option<Cow<'a, str>>,
        section: WireSection<'a>,
        text: Cow<'a, str>,
        matched_text_hash: Cow<'a, str>,
        also_matched: Cow<'a, [String]>,
    },
    MeasureCited {
        measure_id: Cow<'a, str>,
        plan: Option<Cow<'a, str>>,
        section: WireSection<'a>,
        text: Cow<'a, str>,
        also_matched: Cow<'a, [String]>,
    },
    ActionReported {
        measure_id: Cow<'a, str>,
        bureau: Cow<'a, str>,
        bureau_canonical: Cow<'a, str>,
        status: WireStatus,
        text: Cow<'a, str>,
    },
    TargetChanged {
        key: Cow<'a, str>,
        label: Cow<'a, str>,
        value: Cow<'a, str>,
        unit: Option<Cow<'a, str>>,
        as_of: Option<Cow<'a, str>>,
        as_of_day: Option<Cow<'a, str>>,
        deadline: Option<Cow<'a, str>>,
        previous_value: Option<Cow<'a, str>>,
        curated_quote: Option<Cow<'a, str>>,
        deadline_after_adoption: Option<WireRelativeDeadline>,
    },
    PlanAdopted {
        plan: Cow<'a, str>,
        adopted: Cow<'a, str>,
        adopted_day: Cow<'a, str>,
    },
    MilestoneStated {
        when: Cow<'a, str>,
        from: Cow<'a, str>,
        to: Option<Cow<'a, str>>,
        text: Cow<'a, str>,
    },
    RequirementRevised {
        requirement: Cow<'a, str>,
        before: Option<Cow<'a, str>>,
        after: Cow<'a, str>,
        marked: Cow<'a, [String]>,
    },
    DocumentRedescribed {
        title: Option<Cow<'a, str>>,
        label: Option<Cow<'a, str>>,
        reason: Cow<'a, str>,
        recorded_at: Cow<'a, str>,
    },
    DocumentWithdrawn {
        reason: Cow<'a, str>,
        recorded_at: Cow<'a, str>,
    },
}

/// One member's value as an event is written: the wire's types, borrowed.
enum Member<'a> {
    Text(&'a str),
    Maybe(Option<&'a str>),
    Count(u64),
    Texts(&'a [String]),
    Meeting(&'a WireMeeting<'a>),
    Source(&'a WireSource<'a>),
    Section(&'a WireSection<'a>),
    Status(WireStatus),
    Format(WireFormat),
    Encoding(WireEncoding),
    Bounds(Option<&'a WireDateBounds>),
    Deadline(Option<&'a WireRelativeDeadline>),
}

impl Serialize for Member<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Member::Text(text) => text.serialize(serializer),
            Member::Maybe(text) => text.serialize(serializer),
            Member::Count(count) => count.serialize(serializer),
            Member::Texts(texts) => texts.serialize(serializer),
            Member::Meeting(meeting) => meeting.serialize(serializer),
            Member::Source(source) => source.serialize(serializer),
            Member::Section(section) => section.serialize(serializer),
            Member::Status(status) => status.serialize(serializer),
            Member::Format(format) => format.serialize(serializer),
            Member::Encoding(encoding) => encoding.serialize(serializer),
            Member::Bounds(bounds) => bounds.serialize(serializer),
            Member::Deadline(deadline) => deadline.serialize(serializer),
        }
    }
}

impl WireEvent<'_> {
    /// The event's members, its body's among its own, in RFC 8785's order: one object, written
    /// in order (serde's flattening of the body wrote a map whose names the canonical writer
    /// copied and then put in order, for every event).
    fn members(&self) -> Vec<(&'static str, Member<'_>)> {
        let WireEvent {
            v,
            seq,
            prev,
            meeting,
            source,
            body,
            hash,
        } = self;
        let mut members = body.members();
        members.extend([
            ("hash", Member::Text(hash)),
            ("meeting", Member::Meeting(meeting)),
            ("prev", Member::Text(prev)),
            ("seq", Member::Count(*seq)),
            ("source", Member::Source(source)),
            ("v", Member::Count(u64::from(*v))),
        ]);
        // The names are ASCII, whose byte order is RFC 8785's (UTF-16 code units).
        members.sort_unstable_by_key(|(name, _)| *name);
        members
    }
}

impl Serialize for WireEvent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let members = self.members();
        let mut object = serializer.serialize_struct("WireEvent", members.len())?;
        for (name, value) in &members {
            object.serialize_field(name, value)?;
        }
        object.end()
    }
}

impl WireBody<'_> {
    /// The body's members, `kind` among them; an empty `lineage` or `also_matched` is not
    /// written (an empty list is the absence of one).
    fn members(&self) -> Vec<(&'static str, Member<'_>)> {
        use Member::{Count, Text, Texts};
        fn maybe<'m>(text: &'m Option<Cow<'_, str>>) -> Member<'m> {
            Member::Maybe(text.as_deref())
        }
        let mut members = match self {
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
            } => vec![
                ("kind", Text("DocumentIngested")),
                ("title", maybe(title)),
                ("label", maybe(label)),
                ("series", maybe(series)),
                ("format", Member::Format(*format)),
                ("encoding", Member::Encoding(*encoding)),
                ("file_name", Text(file_name)),
                ("byte_length", Count(*byte_length)),
                ("ingested_at", Text(ingested_at)),
                ("plan", maybe(plan)),
                ("measure_ids", Texts(measure_ids)),
                ("date_bounds", Member::Bounds(date_bounds.as_ref())),
            ],
            WireBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
                lineage,
            } => {
                let mut members = vec![
                    ("kind", Text("MeasureAdded")),
                    ("measure_id", Text(measure_id)),
                    ("plan", maybe(plan)),
                    ("section", Member::Section(section)),
                    ("text", Text(text)),
                ];
                if !lineage.is_empty() {
                    members.push(("lineage", Texts(lineage)));
                }
                members
            }
            WireBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                matched_text_hash,
                also_matched,
            } => {
                let mut members = vec![
                    ("kind", Text("MeasureRevised")),
                    ("measure_id", Text(measure_id)),
                    ("plan", maybe(plan)),
                    ("section", Member::Section(section)),
                    ("text", Text(text)),
                    ("matched_text_hash", Text(matched_text_hash)),
                ];
                if !also_matched.is_empty() {
                    members.push(("also_matched", Texts(also_matched)));
                }
                members
            }
            WireBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => {
                let mut members = vec![
                    ("kind", Text("MeasureCited")),
                    ("measure_id", Text(measure_id)),
                    ("plan", maybe(plan)),
                    ("section", Member::Section(section)),
                    ("text", Text(text)),
                ];
                if !also_matched.is_empty() {
                    members.push(("also_matched", Texts(also_matched)));
                }
                members
            }
            WireBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => vec![
                ("kind", Text("ActionReported")),
                ("measure_id", Text(measure_id)),
                ("bureau", Text(bureau)),
                ("bureau_canonical", Text(bureau_canonical)),
                ("status", Member::Status(*status)),
                ("text", Text(text)),
            ],
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
            } => vec![
                ("kind", Text("TargetChanged")),
                ("key", Text(key)),
                ("label", Text(label)),
                ("value", Text(value)),
                ("unit", maybe(unit)),
                ("as_of", maybe(as_of)),
                ("as_of_day", maybe(as_of_day)),
                ("deadline", maybe(deadline)),
                ("previous_value", maybe(previous_value)),
                ("curated_quote", maybe(curated_quote)),
                (
                    "deadline_after_adoption",
                    Member::Deadline(deadline_after_adoption.as_ref()),
                ),
            ],
            WireBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            } => vec![
                ("kind", Text("PlanAdopted")),
                ("plan", Text(plan)),
                ("adopted", Text(adopted)),
                ("adopted_day", Text(adopted_day)),
            ],
            WireBody::MilestoneStated {
                when,
                from,
                to,
                text,
            } => vec![
                ("kind", Text("MilestoneStated")),
                ("when", Text(when)),
                ("from", Text(from)),
                ("to", maybe(to)),
                ("text", Text(text)),
            ],
            WireBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            } => vec![
                ("kind", Text("RequirementRevised")),
                ("requirement", Text(requirement)),
                ("before", maybe(before)),
                ("after", Text(after)),
                ("marked", Texts(marked)),
            ],
            WireBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => vec![
                ("kind", Text("DocumentRedescribed")),
                ("title", maybe(title)),
                ("label", maybe(label)),
                ("reason", Text(reason)),
                ("recorded_at", Text(recorded_at)),
            ],
            WireBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => vec![
                ("kind", Text("DocumentWithdrawn")),
                ("reason", Text(reason)),
                ("recorded_at", Text(recorded_at)),
            ],
        };
        members.reserve(6);
        members
    }
}

/// Every member an event of any kind may have, read in one pass: what [`WireEvent`] is read
/// through. serde's own reading of a flattened, tagged body first parses every member into an
/// intermediate value and then reads the kind's fields from those again — a quarter of
/// `verify`'s work. Each kind then takes its own members ([`WireMembers::into_event`]): one it
/// requires and misses is refused as serde refuses it. Unlike serde's reading, a member of
/// another kind is read as that kind's member would be (so one of the wrong type is refused here
/// rather than ignored), and then ignored; `verify` refuses such an event either way, its bytes
/// not being its re-encoding. Only an object is read (see [`ObjectOnly`]).
#[derive(Deserialize)]
struct WireMembers {
    v: u32,
    seq: u64,
    prev: String,
    meeting: WireMeeting<'static>,
    source: WireSource<'static>,
    hash: String,
    kind: String,
    title: Option<String>,
    label: Option<String>,
    series: Option<String>,
    format: Option<WireFormat>,
    encoding: Option<WireEncoding>,
    file_name: Option<String>,
    byte_length: Option<u64>,
    ingested_at: Option<String>,
    plan: Option<String>,
    measure_ids: Option<Vec<String>>,
    date_bounds: Option<WireDateBounds>,
    measure_id: Option<String>,
    section: Option<WireSection<'static>>,
    text: Option<String>,
    #[serde(default, deserialize_with = "present_list")]
    lineage: Option<Vec<String>>,
    matched_text_hash: Option<String>,
    #[serde(default, deserialize_with = "present_list")]
    also_matched: Option<Vec<String>>,
    bureau: Option<String>,
    bureau_canonical: Option<String>,
    status: Option<WireStatus>,
    key: Option<String>,
    value: Option<String>,
    unit: Option<String>,
    as_of: Option<String>,
    as_of_day: Option<String>,
    deadline: Option<String>,
    previous_value: Option<String>,
    curated_quote: Option<String>,
    deadline_after_adoption: Option<WireRelativeDeadline>,
    adopted: Option<String>,
    adopted_day: Option<String>,
    when: Option<String>,
    from: Option<String>,
    to: Option<String>,
    requirement: Option<String>,
    before: Option<String>,
    after: Option<String>,
    marked: Option<Vec<String>>,
    reason: Option<String>,
    recorded_at: Option<String>,
}

/// A member a kind requires, refused as serde refuses a missing field.
fn required<T, E: serde::de::Error>(member: Option<T>, name: &'static str) -> Result<T, E> {
    member.ok_or_else(|| E::missing_field(name))
}

impl From<WireStatus> for ActionStatus {
    fn from(status: WireStatus) -> ActionStatus {
        match status {
            WireStatus::Done => ActionStatus::Done,
            WireStatus::Planned => ActionStatus::Planned,
        }
    }
}

/// The kinds' names, as `kind` writes them.
pub const KINDS: &[&str] = &[
    "DocumentIngested",
    "MeasureAdded",
    "MeasureRevised",
    "MeasureCited",
    "ActionReported",
    "TargetChanged",
    "PlanAdopted",
    "MilestoneStated",
    "RequirementRevised",
    "DocumentRedescribed",
    "DocumentWithdrawn",
];

impl WireMembers {
    /// The event these members are, its body the kind `kind` names.
    fn into_event<E: serde::de::Error>(self) -> Result<WireEvent<'static>, E> {
        let body = match self.kind.as_str() {
            "DocumentIngested" => WireBody::DocumentIngested {
                title: self.title.map(Into::into),
                label: self.label.map(Into::into),
                series: self.series.map(Into::into),
                format: required(self.format, "format")?,
                encoding: required(self.encoding, "encoding")?,
                file_name: required(self.file_name, "file_name")?.into(),
                byte_length: required(self.byte_length, "byte_length")?,
                ingested_at: required(self.ingested_at, "ingested_at")?.into(),
                plan: self.plan.map(Into::into),
                measure_ids: required(self.measure_ids, "measure_ids")?.into(),
                date_bounds: self.date_bounds,
            },
            "MeasureAdded" => WireBody::MeasureAdded {
                measure_id: required(self.measure_id, "measure_id")?.into(),
                plan: self.plan.map(Into::into),
                section: required(self.section, "section")?,
                text: required(self.text, "text")?.into(),
                lineage: self.lineage.unwrap_or_default().into(),
            },
            "MeasureRevised" => WireBody::MeasureRevised {
                measure_id: required(self.measure_id, "measure_id")?.into(),
                plan: self.plan.map(Into::into),
                section: required(self.section, "section")?,
                text: required(self.text, "text")?.into(),
                matched_text_hash: required(self.matched_text_hash, "matched_text_hash")?.into(),
                also_matched: self.also_matched.unwrap_or_default().into(),
            },
            "MeasureCited" => WireBody::MeasureCited {
                measure_id: required(self.measure_id, "measure_id")?.into(),
                plan: self.plan.map(Into::into),
                section: required(self.section, "section")?,
                text: required(self.text, "text")?.into(),
                also_matched: self.also_matched.unwrap_or_default().into(),
            },
            "ActionReported" => WireBody::ActionReported {
                measure_id: required(self.measure_id, "measure_id")?.into(),
                bureau: required(self.bureau, "bureau")?.into(),
                bureau_canonical: required(self.bureau_canonical, "bureau_canonical")?.into(),
                status: required(self.status, "status")?,
                text: required(self.text, "text")?.into(),
            },
            "TargetChanged" => WireBody::TargetChanged {
                key: required(self.key, "key")?.into(),
                label: required(self.label, "label")?.into(),
                value: required(self.value, "value")?.into(),
                unit: self.unit.map(Into::into),
                as_of: self.as_of.map(Into::into),
                as_of_day: self.as_of_day.map(Into::into),
                deadline: self.deadline.map(Into::into),
                previous_value: self.previous_value.map(Into::into),
                curated_quote: self.curated_quote.map(Into::into),
                deadline_after_adoption: self.deadline_after_adoption,
            },
            "PlanAdopted" => WireBody::PlanAdopted {
                plan: required(self.plan, "plan")?.into(),
                adopted: required(self.adopted, "adopted")?.into(),
                adopted_day: required(self.adopted_day, "adopted_day")?.into(),
            },
            "MilestoneStated" => WireBody::MilestoneStated {
                when: required(self.when, "when")?.into(),
                from: required(self.from, "from")?.into(),
                to: self.to.map(Into::into),
                text: required(self.text, "text")?.into(),
            },
            "RequirementRevised" => WireBody::RequirementRevised {
                requirement: required(self.requirement, "requirement")?.into(),
                before: self.before.map(Into::into),
                after: required(self.after, "after")?.into(),
                marked: required(self.marked, "marked")?.into(),
            },
            "DocumentRedescribed" => WireBody::DocumentRedescribed {
                title: self.title.map(Into::into),
                label: self.label.map(Into::into),
                reason: required(self.reason, "reason")?.into(),
                recorded_at: required(self.recorded_at, "recorded_at")?.into(),
            },
            "DocumentWithdrawn" => WireBody::DocumentWithdrawn {
                reason: required(self.reason, "reason")?.into(),
                recorded_at: required(self.recorded_at, "recorded_at")?.into(),
            },
            other => return Err(E::unknown_variant(other, KINDS)),
        };
        Ok(WireEvent {
            v: self.v,
            seq: self.seq,
            prev: self.prev.into(),
            meeting: self.meeting,
            source: self.source,
            body,
            hash: self.hash.into(),
        })
    }
}

/// The members of an event a history reads ([`HistoryEvent`]), in one pass like
/// [`WireMembers`]: those of the kinds with a history, each required where that kind requires
/// it. Every other member — the chain's digests, sections, lineage, other kinds' — is passed
/// over as JSON, neither kept nor checked: `verify` holds each to its form, and the full
/// reading ([`Event::from_bytes`]) refuses what this one passes over.
/// The texts it shares are read borrowing the event's bytes where they hold no escape (copied
/// only when new).
#[derive(Deserialize)]
struct WireHistoryMembers<'a> {
    seq: u64,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    meeting: WireMeeting<'static>,
    #[serde(borrow)]
    source: WireHistorySource<'a>,
    #[serde(borrow)]
    measure_id: Option<Borrowed<'a>>,
    #[serde(borrow)]
    text: Option<Borrowed<'a>>,
    #[serde(borrow)]
    bureau: Option<Borrowed<'a>>,
    #[serde(borrow)]
    bureau_canonical: Option<Borrowed<'a>>,
    status: Option<WireStatus>,
    key: Option<String>,
    label: Option<String>,
    value: Option<String>,
    unit: Option<String>,
    as_of: Option<String>,
    as_of_day: Option<String>,
    deadline: Option<String>,
}

/// A text read borrowing the bytes it is read from when it holds no escape: serde borrows a
/// `Cow` only as a field of its own, never inside an `Option`.
#[derive(Deserialize)]
struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);

/// [`WireSource`] read borrowing its document's hash.
#[derive(Deserialize)]
struct WireHistorySource<'a> {
    #[serde(borrow)]
    document: Cow<'a, str>,
    lines: Option<[u32; 2]>,
}

impl WireHistoryMembers<'_> {
    /// The history event these members are, its texts shared through `shared`; `None` for a
    /// kind without a history.
    fn into_history_event<E: serde::de::Error>(
        self,
        shared: &mut SharedTexts,
    ) -> Result<Option<HistoryEvent>, E> {
        let mut share = |member: SharedMember, text: Option<Borrowed<'_>>, name: &'static str| {
            required(text, name).map(|Borrowed(text)| shared.share(member, &text))
        };
        // The kind as `KINDS` names it: a statement keeps its name.
        let Some(kind) = KINDS.iter().copied().find(|kind| *kind == self.kind) else {
            return Err(E::unknown_variant(&self.kind, KINDS));
        };
        let body = match kind {
            "MeasureAdded" | "MeasureRevised" | "MeasureCited" => HistoryBody::Statement {
                kind,
                measure_id: share(SharedMember::MeasureId, self.measure_id, "measure_id")?,
                text: share(SharedMember::Text, self.text, "text")?,
            },
            "ActionReported" => HistoryBody::ActionReported {
                measure_id: share(SharedMember::MeasureId, self.measure_id, "measure_id")?,
                bureau: share(SharedMember::Bureau, self.bureau, "bureau")?,
                bureau_canonical: share(
                    SharedMember::BureauCanonical,
                    self.bureau_canonical,
                    "bureau_canonical",
                )?,
                status: required(self.status, "status")?.into(),
                text: share(SharedMember::Text, self.text, "text")?,
            },
            "TargetChanged" => HistoryBody::TargetChanged {
                key: required(self.key, "key")?,
                label: required(self.label, "label")?,
                value: required(self.value, "value")?,
                unit: self.unit,
                as_of: self.as_of,
                as_of_day: self.as_of_day,
                deadline: self.deadline,
            },
            _ => return Ok(None),
        };
        Ok(Some(HistoryEvent {
            seq: self.seq,
            meeting: Meeting::try_from(self.meeting).map_err(E::custom)?,
            document: shared.share(SharedMember::Document, &self.source.document),
            lines: self
                .source
                .lines
                .map(|[first, last]| LineRange { first, last }),
            body,
        }))
    }
}

/// [`HistoryEvent::from_bytes`] through serde_json's reader of text (already checked to be
/// UTF-8) or of bytes (read for serde_json's error).
pub(super) fn history_event_from<'de, R: serde_json::de::Read<'de>>(
    mut reader: serde_json::Deserializer<R>,
    shared: &mut SharedTexts,
) -> Result<Option<HistoryEvent>, EventError> {
    let members = WireHistoryMembers::deserialize(ObjectOnly(&mut reader))?;
    reader.end()?;
    Ok(members.into_history_event::<serde_json::Error>(shared)?)
}

/// A list that defaults when absent (`lineage`, `also_matched`): present, it must be a list —
/// null is refused, as serde's `default` refuses it.
fn present_list<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Vec::deserialize(deserializer).map(Some)
}

/// A deserializer that reads only an object: a derived struct would also read an array of its
/// members by position, which an event on the wire never is.
struct ObjectOnly<D>(D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> Deserialize<'de> for WireEvent<'static> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<WireEvent<'static>, D::Error> {
        WireMembers::deserialize(ObjectOnly(deserializer))?.into_event()
    }
}

/// A domain value lent to the wire: texts and lists borrowed, numbers copied. Writing an event
/// (every event `verify` reads is written again) borrows its fields instead of copying them.
trait Lend<'a> {
    type Wire;
    fn lend(self) -> Self::Wire;
}

impl<'a> Lend<'a> for &'a String {
    type Wire = Cow<'a, str>;
    fn lend(self) -> Cow<'a, str> {
        Cow::Borrowed(self)
    }
}

impl<'a> Lend<'a> for &'a Option<String> {
    type Wire = Option<Cow<'a, str>>;
    fn lend(self) -> Option<Cow<'a, str>> {
        self.as_deref().map(Cow::Borrowed)
    }
}

impl<'a> Lend<'a> for &'a Vec<String> {
    type Wire = Cow<'a, [String]>;
    fn lend(self) -> Cow<'a, [String]> {
        Cow::Borrowed(self)
    }
}

impl Lend<'_> for &u64 {
    type Wire = u64;
    fn lend(self) -> u64 {
        *self
    }
}

/// A wire value owned by the domain: what was read is moved, what was lent is copied.
trait Own {
    type Domain;
    fn own(self) -> Self::Domain;
}

impl Own for Cow<'_, str> {
    type Domain = String;
    fn own(self) -> String {
        self.into_owned()
    }
}

impl Own for Option<Cow<'_, str>> {
    type Domain = Option<String>;
    fn own(self) -> Option<String> {
        self.map(Cow::into_owned)
    }
}

impl Own for Cow<'_, [String]> {
    type Domain = Vec<String>;
    fn own(self) -> Vec<String> {
        self.into_owned()
    }
}

impl Own for u64 {
    type Domain = u64;
    fn own(self) -> u64 {
        self
    }
}

/// The first format version with the corrections and a measure's lineage.
const FORMAT_3: u32 = 3;

impl WireBody<'_> {
    fn kind(&self) -> &'static str {
        EventBody::from(self.clone()).kind()
    }
}

impl<'a> From<&'a Event> for WireEvent<'a> {
    fn from(event: &'a Event) -> WireEvent<'a> {
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
            prev: prev.lend(),
            meeting: WireMeeting::from(meeting),
            source: WireSource {
                document: source.document.lend(),
                lines: source.lines.map(|lines| [lines.first, lines.last]),
            },
            body: WireBody::from(body),
            hash: hash.lend(),
        }
    }
}

impl TryFrom<WireEvent<'_>> for Event {
    type Error = String;

    fn try_from(wire: WireEvent<'_>) -> Result<Event, String> {
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
            prev: prev.own(),
            meeting: Meeting::try_from(meeting)?,
            source: Source {
                document: source.document.own(),
                lines: source.lines.map(|[first, last]| LineRange { first, last }),
            },
            body: EventBody::from(body),
            hash: hash.own(),
        })
    }
}

impl<'a> From<&'a Meeting> for WireMeeting<'a> {
    fn from(meeting: &'a Meeting) -> WireMeeting<'a> {
        let Meeting {
            body,
            ordinal,
            date,
        } = meeting;
        WireMeeting {
            body: body.lend(),
            ordinal: *ordinal,
            date: date.map(format_iso_date),
        }
    }
}

impl TryFrom<WireMeeting<'_>> for Meeting {
    type Error = String;

    fn try_from(wire: WireMeeting<'_>) -> Result<Meeting, String> {
        let date = wire
            .date
            .map(|text| {
                parse_iso_date(&text)
                    .ok_or_else(|| format!("{text:?} is not a date of the form YYYY-MM-DD"))
            })
            .transpose()?;
        Ok(Meeting {
            body: wire.body.own(),
            ordinal: wire.ordinal,
            date,
        })
    }
}

fn wire_section(section: &SectionPath) -> WireSection<'_> {
    let SectionPath { path, titles } = section;
    WireSection {
        path: path.lend(),
        titles: titles.lend(),
    }
}

fn section_of(wire: WireSection<'_>) -> SectionPath {
    SectionPath {
        path: wire.path.own(),
        titles: wire.titles.own(),
    }
}

impl<'a> From<&'a EventBody> for WireBody<'a> {
    fn from(body: &'a EventBody) -> WireBody<'a> {
        match body {
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
                title: title.lend(),
                label: label.lend(),
                series: series.lend(),
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
                file_name: file_name.lend(),
                byte_length: byte_length.lend(),
                ingested_at: ingested_at.lend(),
                plan: plan.lend(),
                measure_ids: measure_ids.lend(),
                // Rare (an undated document's), and small: copied.
                date_bounds: date_bounds.clone().map(
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
                measure_id: measure_id.lend(),
                plan: plan.lend(),
                section: wire_section(section),
                text: text.lend(),
                lineage: lineage.lend(),
            },
            EventBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                matched_text_hash,
                also_matched,
            } => WireBody::MeasureRevised {
                measure_id: measure_id.lend(),
                plan: plan.lend(),
                section: wire_section(section),
                text: text.lend(),
                matched_text_hash: matched_text_hash.lend(),
                also_matched: also_matched.lend(),
            },
            EventBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => WireBody::MeasureCited {
                measure_id: measure_id.lend(),
                plan: plan.lend(),
                section: wire_section(section),
                text: text.lend(),
                also_matched: also_matched.lend(),
            },
            EventBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => WireBody::ActionReported {
                measure_id: measure_id.lend(),
                bureau: bureau.lend(),
                bureau_canonical: bureau_canonical.lend(),
                status: match status {
                    ActionStatus::Done => WireStatus::Done,
                    ActionStatus::Planned => WireStatus::Planned,
                },
                text: text.lend(),
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
                key: key.lend(),
                label: label.lend(),
                value: value.lend(),
                unit: unit.lend(),
                as_of: as_of.lend(),
                as_of_day: as_of_day.lend(),
                deadline: deadline.lend(),
                previous_value: previous_value.lend(),
                curated_quote: curated_quote.lend(),
                deadline_after_adoption: deadline_after_adoption
                    .clone()
                    .map(|RelativeDeadline { plan, years }| WireRelativeDeadline { plan, years }),
            },
            EventBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            } => WireBody::PlanAdopted {
                plan: plan.lend(),
                adopted: adopted.lend(),
                adopted_day: adopted_day.lend(),
            },
            EventBody::MilestoneStated {
                when,
                from,
                to,
                text,
            } => WireBody::MilestoneStated {
                when: when.lend(),
                from: from.lend(),
                to: to.lend(),
                text: text.lend(),
            },
            EventBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            } => WireBody::RequirementRevised {
                requirement: requirement.lend(),
                before: before.lend(),
                after: after.lend(),
                marked: marked.lend(),
            },
            EventBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => WireBody::DocumentRedescribed {
                title: title.lend(),
                label: label.lend(),
                reason: reason.lend(),
                recorded_at: recorded_at.lend(),
            },
            EventBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => WireBody::DocumentWithdrawn {
                reason: reason.lend(),
                recorded_at: recorded_at.lend(),
            },
        }
    }
}

impl From<WireBody<'_>> for EventBody {
    fn from(wire: WireBody<'_>) -> EventBody {
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
                title: title.own(),
                label: label.own(),
                series: series.own(),
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
                file_name: file_name.own(),
                byte_length: byte_length.own(),
                ingested_at: ingested_at.own(),
                plan: plan.own(),
                measure_ids: measure_ids.own(),
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
                measure_id: measure_id.own(),
                plan: plan.own(),
                section: section_of(section),
                text: text.own(),
                lineage: lineage.own(),
            },
            WireBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                matched_text_hash,
                also_matched,
            } => EventBody::MeasureRevised {
                measure_id: measure_id.own(),
                plan: plan.own(),
                section: section_of(section),
                text: text.own(),
                matched_text_hash: matched_text_hash.own(),
                also_matched: also_matched.own(),
            },
            WireBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => EventBody::MeasureCited {
                measure_id: measure_id.own(),
                plan: plan.own(),
                section: section_of(section),
                text: text.own(),
                also_matched: also_matched.own(),
            },
            WireBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => EventBody::ActionReported {
                measure_id: measure_id.own(),
                bureau: bureau.own(),
                bureau_canonical: bureau_canonical.own(),
                status: status.into(),
                text: text.own(),
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
                key: key.own(),
                label: label.own(),
                value: value.own(),
                unit: unit.own(),
                as_of: as_of.own(),
                as_of_day: as_of_day.own(),
                deadline: deadline.own(),
                previous_value: previous_value.own(),
                curated_quote: curated_quote.own(),
                deadline_after_adoption: deadline_after_adoption
                    .map(|WireRelativeDeadline { plan, years }| RelativeDeadline { plan, years }),
            },
            WireBody::PlanAdopted {
                plan,
                adopted,
                adopted_day,
            } => EventBody::PlanAdopted {
                plan: plan.own(),
                adopted: adopted.own(),
                adopted_day: adopted_day.own(),
            },
            WireBody::MilestoneStated {
                when,
                from,
                to,
                text,
            } => EventBody::MilestoneStated {
                when: when.own(),
                from: from.own(),
                to: to.own(),
                text: text.own(),
            },
            WireBody::RequirementRevised {
                requirement,
                before,
                after,
                marked,
            } => EventBody::RequirementRevised {
                requirement: requirement.own(),
                before: before.own(),
                after: after.own(),
                marked: marked.own(),
            },
            WireBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => EventBody::DocumentRedescribed {
                title: title.own(),
                label: label.own(),
                reason: reason.own(),
                recorded_at: recorded_at.own(),
            },
            WireBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => EventBody::DocumentWithdrawn {
                reason: reason.own(),
                recorded_at: recorded_at.own(),
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

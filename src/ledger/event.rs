//! Events: the ledger's only source of truth, and how each is hashed into the chain.
//!
//! An event carries its full values (never a delta), the meeting it speaks for (valid time), its
//! sequence number (transaction time), the previous event's hash, and the source document hash
//! and lines it was read from. `hash = BLAKE3(JCS(event without "hash"))`; the first event's
//! `prev` is [`GENESIS_HASH`]. There are no floating-point values in events: figures are decimal
//! strings, so the canonical bytes never depend on float formatting.
//!
//! The wire shape (field names, `kind` tags) is the export format, defined apart in
//! `ledger::wire`: changing it is a format change and bumps [`EVENT_FORMAT_VERSION`].

use std::sync::Arc;

use serde_json::Value;

use super::jcs::{canonicalize, to_canonical, CanonicalError};
use crate::extract::{ActionStatus, LineRange, SectionPath};
use crate::source::decode::TextEncoding;
use crate::source::manifest::DocumentFormat;
use crate::source::meeting::Meeting;

/// `prev` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The version of the event wire shape, stored in every event as `v`. 2: `previous_value` is no
/// longer recorded (always null; `history` says what a figure was before, in valid time). 3:
/// corrections — `DocumentRedescribed` and `DocumentWithdrawn` — and a measure's `lineage`
/// (splits and merges; absent when empty, so the earlier kinds' bytes are unchanged). A ledger keeps the events it was written with: every version up to this one is
/// read.
pub const EVENT_FORMAT_VERSION: u32 = 3;

/// 出典 provenance: the source document (BLAKE3 of its raw bytes) and, for a statement, the
/// lines (1-based, inclusive) it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub document: String,
    pub lines: Option<LineRange>,
}

/// One ledger event. It is written and read through its wire form (`ledger::wire`), which
/// implements its `Serialize` and `Deserialize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub v: u32,
    pub seq: u64,
    pub prev: String,
    /// The meeting the event speaks for (valid time).
    pub meeting: Meeting,
    pub source: Source,
    pub body: EventBody,
    pub hash: String,
}

/// What happened. Tagged by `kind` in the wire shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventBody {
    /// A document (資料) entered the ledger. Lists the measures it states, so that absence within
    /// a series can be derived from events alone.
    DocumentIngested {
        title: Option<String>,
        label: Option<String>,
        series: Option<String>,
        format: DocumentFormat,
        encoding: TextEncoding,
        file_name: String,
        byte_length: u64,
        /// RFC 3339 UTC time of ingestion (transaction-time metadata, injected in tests).
        ingested_at: String,
        plan: Option<String>,
        measure_ids: Vec<String>,
        /// When the meeting date is unknown: bounds inferred from the dates the text cites as
        /// past, with the quoted lines they rest on.
        date_bounds: Option<crate::extract::dating::DateBounds>,
    },
    /// 施策: a measure text the ledger did not know.
    MeasureAdded {
        measure_id: String,
        plan: Option<String>,
        section: SectionPath,
        text: String,
        /// 分割・統合: measures of a neighbouring version of the series this text is a part of,
        /// or that are parts of it — a split or a merge, which way read in valid time. They
        /// stay distinct measures. Absent from the wire shape when empty (format 3).
        lineage: Vec<String>,
    },
    /// A known measure with different wording (a later or an earlier version); `matched_text_hash`
    /// is BLAKE3 of the comparison key of the text it was matched against.
    MeasureRevised {
        measure_id: String,
        plan: Option<String>,
        section: SectionPath,
        text: String,
        matched_text_hash: String,
        /// Other measures this text is also a version of: from this event on they are one
        /// measure (identity is the closure of matches, so it does not depend on the order
        /// documents arrive in). Absent from the wire shape when empty.
        also_matched: Vec<String>,
    },
    /// A document states a known measure unchanged: it confirms, it does not revise. The
    /// section is where this document puts it (empty when a slide quotes it without one).
    MeasureCited {
        measure_id: String,
        /// The plan as this document names it (「第4期」 or 「第４期」: one plan, written two ways).
        plan: Option<String>,
        section: SectionPath,
        text: String,
        /// Other measures structure makes this statement a version of (a clause inserted or
        /// deleted next door in its series): from this event on they are one measure. Absent
        /// from the wire shape when empty (format 3).
        also_matched: Vec<String>,
    },
    /// 取組: an action a bureau reports under a measure.
    ActionReported {
        measure_id: String,
        bureau: String,
        bureau_canonical: String,
        status: ActionStatus,
        text: String,
    },
    /// 目標・指標: an observation of a target figure. Values are decimal strings. `as_of` is
    /// written at the document's precision (`2021-02-01`, `2023-03`, `FY2024`, a period);
    /// `as_of_day` is its first day, for ordering. `previous_value`, in format 1 events, is the
    /// latest value the ledger knew for an earlier date when the event was appended
    /// (transaction-time data, which depends on the order documents arrived in); format 2
    /// events leave it null and nothing reads it.
    TargetChanged {
        key: String,
        label: String,
        value: String,
        unit: Option<String>,
        as_of: Option<String>,
        as_of_day: Option<String>,
        deadline: Option<String>,
        previous_value: Option<String>,
        /// For a fact added by hand in the manifest: the verbatim quote it rests on, which
        /// `verify` finds at the event's lines. `None` for figures the extractor read.
        curated_quote: Option<String>,
        /// 個別目標: a deadline written relative to the plan's adoption (「２年以内に」), resolved
        /// by projections once the ledger knows when the plan was adopted.
        deadline_after_adoption: Option<crate::extract::figures::RelativeDeadline>,
    },
    /// 閣議決定: a document states when a plan was adopted.
    PlanAdopted {
        plan: String,
        /// As written (`2018-03`).
        adopted: String,
        adopted_day: String,
    },
    /// 沿革: a dated row of a timeline the document prints. `from` and `to` keep the precision
    /// printed (`2017-03`, `2017`, `FY2017`); `to` is the end of a range (format 3).
    MilestoneStated {
        /// The date as printed (「平成29年3月-5月」).
        when: String,
        from: String,
        to: Option<String>,
        text: String,
    },
    /// 現行 → 改定後: a requirement's text revised, as a document's old/new table prints it
    /// (format 3). `before` is `None` for a requirement new in this revision (〔新設〕); `marked`
    /// holds the parts of `after` the document marks as changed.
    RequirementRevised {
        requirement: String,
        before: Option<String>,
        after: String,
        marked: Vec<String>,
    },
    /// 訂正: the ledger's description of a document it holds is corrected. The event's
    /// `meeting` is the document's meeting from now on and `source.document` names the
    /// document; `title` and `label` are its title and label from now on. The description it
    /// was ingested with stays in its `DocumentIngested` (the chain is never rewritten), and
    /// what its statements say is unchanged — only when they were said.
    DocumentRedescribed {
        title: Option<String>,
        label: Option<String>,
        /// Why, in the archivist's words.
        reason: String,
        /// RFC 3339 UTC time the correction was recorded (transaction-time metadata).
        recorded_at: String,
    },
    /// 取下げ: a document filed in error. From this event on its statements leave the
    /// projections (`state --as-known-at` before it still shows them); its events and bytes
    /// stay in the chain.
    DocumentWithdrawn { reason: String, recorded_at: String },
}

impl EventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::DocumentIngested { .. } => "DocumentIngested",
            EventBody::MeasureAdded { .. } => "MeasureAdded",
            EventBody::MeasureRevised { .. } => "MeasureRevised",
            EventBody::MeasureCited { .. } => "MeasureCited",
            EventBody::ActionReported { .. } => "ActionReported",
            EventBody::TargetChanged { .. } => "TargetChanged",
            EventBody::PlanAdopted { .. } => "PlanAdopted",
            EventBody::MilestoneStated { .. } => "MilestoneStated",
            EventBody::RequirementRevised { .. } => "RequirementRevised",
            EventBody::DocumentRedescribed { .. } => "DocumentRedescribed",
            EventBody::DocumentWithdrawn { .. } => "DocumentWithdrawn",
        }
    }

    /// The measure an event is about, if any.
    pub fn measure_id(&self) -> Option<&str> {
        match self {
            EventBody::MeasureAdded { measure_id, .. }
            | EventBody::MeasureRevised { measure_id, .. }
            | EventBody::MeasureCited { measure_id, .. }
            | EventBody::ActionReported { measure_id, .. } => Some(measure_id),
            _ => None,
        }
    }

    /// What the event is about that has a history: its measure, or its figure's key.
    pub fn history_id(&self) -> Option<&str> {
        match self {
            EventBody::TargetChanged { key, .. } => Some(key),
            other => other.measure_id(),
        }
    }

    /// The document text the event quotes, which `verify` finds at the event's lines.
    pub fn quoted_text(&self) -> Option<&str> {
        match self {
            EventBody::MeasureAdded { text, .. }
            | EventBody::MeasureRevised { text, .. }
            | EventBody::MeasureCited { text, .. }
            | EventBody::ActionReported { text, .. } => Some(text),
            EventBody::TargetChanged { curated_quote, .. } => curated_quote.as_deref(),
            EventBody::MilestoneStated { text, .. } => Some(text),
            EventBody::RequirementRevised { after, .. } => Some(after),
            _ => None,
        }
    }
}

/// An event as a history (履歴) reads it: a measure's statements and actions and a figure's
/// observations, with what an entry shows and what its class is decided by — and nothing of
/// the chain (`prev`, `hash`) or of the plan's structure (sections, lineage). A measure stated
/// at every meeting has tens of thousands of events at 1M: read whole, their digests, ids and
/// sections were half of the memory the history held and of its reading. Its texts are shared
/// (`Arc<str>`): the events of a measure's versions restate the same texts, documents and
/// bureaus, read once each ([`SharedTexts`]) rather than copied into memory of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    pub seq: u64,
    pub meeting: Meeting,
    /// The source document (as [`Source::document`]).
    pub document: Arc<str>,
    /// The lines (as [`Source::lines`]).
    pub lines: Option<LineRange>,
    pub body: HistoryBody,
}

/// What a [`HistoryEvent`] says: the members of the [`EventBody`] kinds that have a history,
/// named as there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryBody {
    /// A measure's statement: `MeasureAdded`, `MeasureRevised` or `MeasureCited` (its `kind`,
    /// as recorded), which a history reads alike.
    Statement {
        kind: &'static str,
        measure_id: Arc<str>,
        text: Arc<str>,
    },
    ActionReported {
        measure_id: Arc<str>,
        bureau: Arc<str>,
        bureau_canonical: Arc<str>,
        status: ActionStatus,
        text: Arc<str>,
    },
    TargetChanged {
        key: String,
        label: String,
        value: String,
        unit: Option<String>,
        as_of: Option<String>,
        as_of_day: Option<String>,
        deadline: Option<String>,
    },
}

impl HistoryBody {
    /// The kind as [`EventBody::kind`] names it.
    pub fn kind(&self) -> &'static str {
        match self {
            HistoryBody::Statement { kind, .. } => kind,
            HistoryBody::ActionReported { .. } => "ActionReported",
            HistoryBody::TargetChanged { .. } => "TargetChanged",
        }
    }

    /// The measure the event is about (as [`EventBody::measure_id`]).
    pub fn measure_id(&self) -> Option<&str> {
        match self {
            HistoryBody::Statement { measure_id, .. }
            | HistoryBody::ActionReported { measure_id, .. } => Some(measure_id),
            HistoryBody::TargetChanged { .. } => None,
        }
    }
}

impl HistoryEvent {
    /// What a history reads of `event`; `None` for a kind no history holds (a document's, a
    /// plan's, a milestone's, a requirement's, a correction's).
    pub fn of(event: Event) -> Option<HistoryEvent> {
        let Event {
            seq,
            meeting,
            source,
            body,
            ..
        } = event;
        let kind = body.kind();
        let body = match body {
            EventBody::MeasureAdded {
                measure_id, text, ..
            }
            | EventBody::MeasureRevised {
                measure_id, text, ..
            }
            | EventBody::MeasureCited {
                measure_id, text, ..
            } => HistoryBody::Statement {
                kind,
                measure_id: measure_id.into(),
                text: text.into(),
            },
            EventBody::ActionReported {
                measure_id,
                bureau,
                bureau_canonical,
                status,
                text,
            } => HistoryBody::ActionReported {
                measure_id: measure_id.into(),
                bureau: bureau.into(),
                bureau_canonical: bureau_canonical.into(),
                status,
                text: text.into(),
            },
            EventBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                ..
            } => HistoryBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
            },
            EventBody::DocumentIngested { .. }
            | EventBody::PlanAdopted { .. }
            | EventBody::MilestoneStated { .. }
            | EventBody::RequirementRevised { .. }
            | EventBody::DocumentRedescribed { .. }
            | EventBody::DocumentWithdrawn { .. } => return None,
        };
        Some(HistoryEvent {
            seq,
            meeting,
            document: source.document.into(),
            lines: source.lines,
            body,
        })
    }

    /// The history event a stored event's canonical bytes hold, read through the wire's
    /// members of the kinds with a history (`ledger::wire`); `Ok(None)` for an event of another
    /// kind. The members it does not keep are passed over unread: `verify`, not a query, is
    /// what holds every member to its form. Its texts are taken from `shared` when they were
    /// read lately.
    pub fn from_bytes(
        bytes: &[u8],
        shared: &mut SharedTexts,
    ) -> Result<Option<HistoryEvent>, EventError> {
        use serde_json::Deserializer;
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => super::wire::history_event_from(Deserializer::from_str(text), shared),
            Err(_) => super::wire::history_event_from(Deserializer::from_slice(bytes), shared),
        }
    }
}

/// The texts of the events lately read, each member's apart (a measure's text and its
/// actions', the bureaus, the document, the id), so that the events of a measure's versions
/// share what they restate: a text read again is found among the last few of its member by
/// its length and bytes (no hashing of hundreds of bytes), and a new one replaces the oldest.
#[derive(Debug, Default)]
pub struct SharedTexts {
    text: Recent,
    bureau: Recent,
    bureau_canonical: Recent,
    document: Recent,
    measure_id: Recent,
}

/// The members whose texts [`SharedTexts`] shares, each apart from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedMember {
    /// A statement's or an action's text.
    Text,
    /// A bureau as printed.
    Bureau,
    /// A bureau's canonical name.
    BureauCanonical,
    /// The source document's hash.
    Document,
    /// The measure's id.
    MeasureId,
}

/// One member's texts lately read, the oldest replaced first.
#[derive(Debug, Default)]
struct Recent {
    texts: Vec<Arc<str>>,
    oldest: usize,
}

impl SharedTexts {
    /// A version restates a measure's text and its few actions: the last sixteen texts of a
    /// member cover a measure's versions in turn.
    const HELD: usize = 16;

    /// `text` as read for `member`, shared with the same text read lately for it.
    pub fn share(&mut self, member: SharedMember, text: &str) -> Arc<str> {
        let recent = match member {
            SharedMember::Text => &mut self.text,
            SharedMember::Bureau => &mut self.bureau,
            SharedMember::BureauCanonical => &mut self.bureau_canonical,
            SharedMember::Document => &mut self.document,
            SharedMember::MeasureId => &mut self.measure_id,
        };
        if let Some(held) = recent.texts.iter().find(|held| ***held == *text) {
            return Arc::clone(held);
        }
        let read: Arc<str> = Arc::from(text);
        if recent.texts.len() < Self::HELD {
            recent.texts.push(Arc::clone(&read));
        } else if let Some(slot) = recent.texts.get_mut(recent.oldest) {
            *slot = Arc::clone(&read);
            recent.oldest = (recent.oldest + 1) % Self::HELD;
        }
        read
    }
}

/// An event before it joins the chain: everything but `seq`, `prev` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsealedEvent {
    pub meeting: Meeting,
    pub source: Source,
    pub body: EventBody,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("event is not valid JSON of the event shape: {0}")]
    Shape(#[from] serde_json::Error),
    #[error("event cannot be canonicalized: {0}")]
    Canonical(#[from] CanonicalError),
}

impl UnsealedEvent {
    /// Gives the event its place in the chain and computes its hash.
    pub fn seal(self, seq: u64, prev: &str) -> Result<Event, EventError> {
        let mut event = Event {
            v: EVENT_FORMAT_VERSION,
            seq,
            prev: prev.to_owned(),
            meeting: self.meeting,
            source: self.source,
            body: self.body,
            hash: String::new(),
        };
        event.hash = event.compute_hash()?;
        Ok(event)
    }
}

impl Event {
    /// BLAKE3 over the JCS bytes of the event without its `hash` member.
    pub fn compute_hash(&self) -> Result<String, EventError> {
        let (bytes, hash_member) = to_canonical(self, Some("hash"))?;
        match hash_member.and_then(|member| hash_around(&bytes, member)) {
            Some(hash) => Ok(hash),
            // An event always has its `hash` member; were it not found, the long way.
            None => hash_of_value_without_hash(&mut serde_json::to_value(self)?),
        }
    }

    /// The canonical bytes as stored and exported: JCS of the whole event, `hash` included.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, EventError> {
        Ok(to_canonical(self, None)?.0)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Event, EventError> {
        // serde_json checks each string's UTF-8 as it reads bytes; text checked whole once
        // (SIMD) reads the same. Bytes that are not UTF-8 are read as bytes, for its error.
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => Ok(serde_json::from_str(text)?),
            Err(_) => Ok(serde_json::from_slice(bytes)?),
        }
    }
}

/// The hash of an event from its canonical bytes and the range its `hash` member takes in them
/// (as [`to_canonical`] marks it): BLAKE3 over the bytes around that range, which are the
/// canonical bytes of the event without `hash`. `None` for a range outside the bytes.
pub fn hash_around(bytes: &[u8], hash_member: std::ops::Range<usize>) -> Option<String> {
    digest_around(bytes, hash_member).map(|digest| digest.to_hex().to_string())
}

/// [`hash_around`] as BLAKE3's digest (for comparing without writing it out).
pub fn digest_around(bytes: &[u8], hash_member: std::ops::Range<usize>) -> Option<blake3::Hash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(bytes.get(..hash_member.start)?);
    hasher.update(bytes.get(hash_member.end..)?);
    Some(hasher.finalize())
}

/// Removes `hash` from an event object and hashes the canonical bytes of the rest. Shared by
/// sealing and by verification of stored or imported lines, so both hash the same bytes.
pub fn hash_of_value_without_hash(value: &mut Value) -> Result<String, EventError> {
    if let Value::Object(members) = value {
        members.remove("hash");
    }
    Ok(blake3::hash(&canonicalize(value)?).to_hex().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn sample() -> UnsealedEvent {
        UnsealedEvent {
            meeting: Meeting {
                body: Some("がん対策推進協議会".into()),
                ordinal: Some(92),
                date: Some(date!(2025 - 10 - 06)),
            },
            source: Source {
                document: "ab".repeat(32),
                lines: Some(LineRange {
                    first: 20,
                    last: 25,
                }),
            },
            body: EventBody::MeasureAdded {
                measure_id: "M0123456789".into(),
                plan: Some("第４期がん対策推進基本計画".into()),
                section: SectionPath {
                    path: vec!["2".into(), "(1)".into(), "①".into()],
                    titles: vec!["患者本位のがん医療の実現".into()],
                },
                text: "国及び都道府県は、均てん化を推進する。".into(),
                lineage: vec![],
            },
        }
    }

    #[test]
    fn the_hash_covers_every_field() {
        let original = sample().seal(0, GENESIS_HASH).unwrap();
        let mut changed = sample();
        changed.source.lines = Some(LineRange {
            first: 20,
            last: 26,
        });
        assert_ne!(changed.seal(0, GENESIS_HASH).unwrap().hash, original.hash);
        assert_ne!(sample().seal(1, GENESIS_HASH).unwrap().hash, original.hash);
        assert_ne!(
            sample().seal(0, &"1".repeat(64)).unwrap().hash,
            original.hash
        );
    }

    #[test]
    fn events_round_trip_through_their_canonical_bytes() {
        let event = sample().seal(7, GENESIS_HASH).unwrap();
        let decoded = Event::from_bytes(&event.canonical_bytes().unwrap()).unwrap();
        assert_eq!(decoded, event);
        assert_eq!(decoded.compute_hash().unwrap(), event.hash);
    }

    /// One event of every kind, each with every optional field set (and one with none), for
    /// pinning the wire shape kind by kind.
    pub(crate) fn one_of_each_kind() -> Vec<UnsealedEvent> {
        use crate::extract::dating::DateBounds;
        use crate::extract::figures::RelativeDeadline;
        let base = sample();
        let with = |body| UnsealedEvent {
            body,
            ..base.clone()
        };
        let section = SectionPath {
            path: vec!["2".into(), "(1)".into()],
            titles: vec!["患者本位のがん医療の実現".into(), "がん医療提供体制".into()],
        };
        vec![
            UnsealedEvent {
                meeting: Meeting {
                    body: Some("がん対策推進協議会".into()),
                    ordinal: None,
                    date: None,
                },
                source: Source {
                    document: "cd".repeat(32),
                    lines: None,
                },
                body: EventBody::DocumentIngested {
                    title: Some("取組一覧".into()),
                    label: Some("資料1".into()),
                    series: Some("取組一覧".into()),
                    format: DocumentFormat::Torikumi,
                    encoding: TextEncoding::ShiftJis,
                    file_name: "000_取組一覧.txt".into(),
                    byte_length: 123_456,
                    ingested_at: "2026-01-01T00:00:00Z".into(),
                    plan: Some("第４期がん対策推進基本計画".into()),
                    measure_ids: vec!["M0123456789".into(), "Mabcdef0123".into()],
                    date_bounds: Some(DateBounds {
                        not_before: "2025-08-01".into(),
                        not_after: None,
                        evidence: vec!["line 3: 令和7年8月に実施した".into()],
                    }),
                },
            },
            UnsealedEvent {
                source: Source {
                    document: "cd".repeat(32),
                    lines: None,
                },
                body: EventBody::DocumentIngested {
                    title: None,
                    label: None,
                    series: None,
                    format: DocumentFormat::Slides,
                    encoding: TextEncoding::Utf8,
                    file_name: "slides.txt".into(),
                    byte_length: 0,
                    ingested_at: "2026-01-01T00:00:00Z".into(),
                    plan: None,
                    measure_ids: vec![],
                    date_bounds: None,
                },
                ..base.clone()
            },
            base.clone(),
            with(EventBody::MeasureRevised {
                measure_id: "M0123456789".into(),
                plan: None,
                section: section.clone(),
                text: "国は、均てん化を促進する。".into(),
                matched_text_hash: "ef".repeat(32),
                also_matched: vec!["Mabcdef0123".into()],
            }),
            with(EventBody::MeasureRevised {
                measure_id: "M0123456789".into(),
                plan: None,
                section: SectionPath::default(),
                text: "国は、均てん化を促進する。".into(),
                matched_text_hash: "ef".repeat(32),
                also_matched: vec![],
            }),
            with(EventBody::MeasureCited {
                measure_id: "M0123456789".into(),
                plan: Some("第4期がん対策推進基本計画".into()),
                section: section.clone(),
                text: "国及び都道府県は、均てん化を推進する。".into(),
                also_matched: vec![],
            }),
            with(EventBody::ActionReported {
                measure_id: "M0123456789".into(),
                bureau: "健康・生活衛生局\n※後段のみ".into(),
                bureau_canonical: "健康・生活衛生局".into(),
                status: ActionStatus::Planned,
                text: "研修を実施する。".into(),
            }),
            with(EventBody::ActionReported {
                measure_id: "M0123456789".into(),
                bureau: "医政局".into(),
                bureau_canonical: "医政局".into(),
                status: ActionStatus::Done,
                text: "指針を改定した。".into(),
            }),
            with(EventBody::TargetChanged {
                key: "T0123456789".into(),
                label: "がん診療連携拠点病院数".into(),
                value: "456".into(),
                unit: Some("か所".into()),
                as_of: Some("2024-04".into()),
                as_of_day: Some("2024-04-01".into()),
                deadline: Some("2029-03".into()),
                // Format 2 does not record it; format 1's pinned events do.
                previous_value: None,
                curated_quote: Some("456か所（令和6年4月1日時点）".into()),
                deadline_after_adoption: Some(RelativeDeadline {
                    plan: "第４期がん対策推進基本計画".into(),
                    years: 2,
                }),
            }),
            with(EventBody::TargetChanged {
                key: "T0123456789".into(),
                label: "がん診療連携拠点病院数".into(),
                value: "456".into(),
                unit: None,
                as_of: None,
                as_of_day: None,
                deadline: None,
                previous_value: None,
                curated_quote: None,
                deadline_after_adoption: None,
            }),
            with(EventBody::PlanAdopted {
                plan: "第４期がん対策推進基本計画".into(),
                adopted: "2023-03".into(),
                adopted_day: "2023-03-01".into(),
            }),
            with(EventBody::MeasureCited {
                measure_id: "M0123456789".into(),
                plan: Some("第4期がん対策推進基本計画".into()),
                section: section.clone(),
                text: "国及び都道府県は、均てん化を推進する。".into(),
                also_matched: vec!["Mabcdef0123".into()],
            }),
            with(EventBody::MeasureAdded {
                measure_id: "Mfedcba98765".into(),
                plan: Some("第４期がん対策推進基本計画".into()),
                section: section.clone(),
                text: "国は、均てん化を推進する。".into(),
                lineage: vec!["M0123456789".into()],
            }),
            with(EventBody::MilestoneStated {
                when: "平成29年3月-5月".into(),
                from: "2017-03".into(),
                to: Some("2017-05".into()),
                text: "がんゲノム医療推進コンソーシアム懇談会（計4回）開催".into(),
            }),
            with(EventBody::RequirementRevised {
                requirement: "【がんゲノムプロファイリング検査】〔施設基準〕".into(),
                before: Some("検討を経た上で説明していること。".into()),
                after: "省略する場合を除き、検討を経た上で説明していること。".into(),
                marked: vec!["省略する場合を除き、".into()],
            }),
            with(EventBody::RequirementRevised {
                requirement: "【がんゲノムプロファイリング評価提供料】〔算定要件〕".into(),
                before: None,
                after: "省略しても差し支えない。".into(),
                marked: vec![],
            }),
            with(EventBody::MilestoneStated {
                when: "2007年".into(),
                from: "2007".into(),
                to: None,
                text: "がん対策推進基本計画（第１期）".into(),
            }),
            UnsealedEvent {
                source: Source {
                    document: "cd".repeat(32),
                    lines: None,
                },
                body: EventBody::DocumentRedescribed {
                    title: Some("取組一覧".into()),
                    label: Some("資料2".into()),
                    reason: "第93回の資料だった".into(),
                    recorded_at: "2026-01-02T00:00:00Z".into(),
                },
                ..base.clone()
            },
            UnsealedEvent {
                source: Source {
                    document: "cd".repeat(32),
                    lines: None,
                },
                body: EventBody::DocumentRedescribed {
                    title: None,
                    label: None,
                    reason: "日付の誤り".into(),
                    recorded_at: "2026-01-02T00:00:00Z".into(),
                },
                ..base.clone()
            },
            UnsealedEvent {
                source: Source {
                    document: "cd".repeat(32),
                    lines: None,
                },
                body: EventBody::DocumentWithdrawn {
                    reason: "別の会議の資料".into(),
                    recorded_at: "2026-01-03T00:00:00Z".into(),
                },
                ..base.clone()
            },
        ]
    }

    /// Events of formats 1 and 2 (every kind, as an earlier planledger wrote them) still read,
    /// re-encode to the same bytes and recompute to the same hash: ledgers written then keep
    /// verifying.
    #[test]
    fn earlier_formats_still_read_and_verify() {
        for (version, pinned) in [
            (1, include_str!("wire_v1_pinned.jsonl")),
            (2, include_str!("wire_v2_pinned.jsonl")),
        ] {
            for line in pinned.lines() {
                let event = Event::from_bytes(line.as_bytes()).unwrap();
                assert_eq!(event.v, version);
                assert_eq!(event.canonical_bytes().unwrap(), line.as_bytes());
                assert_eq!(event.compute_hash().unwrap(), event.hash);
            }
        }
    }

    /// The members a kind may leave out (read as null, or as an empty list): every other is
    /// required. The wire's reading is held to this list, member by member.
    fn optional(kind: &str, name: &str) -> bool {
        match name {
            "lineage"
            | "also_matched"
            | "unit"
            | "as_of"
            | "as_of_day"
            | "deadline"
            | "previous_value"
            | "curated_quote"
            | "deadline_after_adoption"
            | "to"
            | "before"
            | "title"
            | "series"
            | "date_bounds" => true,
            "plan" => kind != "PlanAdopted",
            "label" => kind != "TargetChanged",
            _ => false,
        }
    }

    #[test]
    fn a_member_its_kind_requires_is_refused_when_missing_or_null_and_an_optional_one_is_absent() {
        let mut prev = GENESIS_HASH.to_owned();
        let read = |members: &serde_json::Map<String, Value>| {
            Event::from_bytes(&serde_json::to_vec(members).unwrap())
        };
        for (seq, event) in one_of_each_kind().into_iter().enumerate() {
            let event = event.seal(seq as u64, &prev).unwrap();
            prev = event.hash.clone();
            let kind = event.body.kind();
            assert!(crate::ledger::wire::KINDS.contains(&kind));
            let Value::Object(members) = serde_json::to_value(&event).unwrap() else {
                panic!("an event is an object");
            };
            for (name, value) in &members {
                let context = format!("{kind} without {name}");
                let mut fewer = members.clone();
                fewer.remove(name);
                let mut nulled = members.clone();
                nulled.insert(name.clone(), Value::Null);
                if optional(kind, name) {
                    // Left out, it reads as absent: null, or an empty list that is not written.
                    let mut absent = fewer.clone();
                    if !value.is_array() {
                        absent.insert(name.clone(), Value::Null);
                    }
                    let again = serde_json::to_value(read(&fewer).expect(&context)).unwrap();
                    assert_eq!(again, Value::Object(absent), "{context}");
                    // A list may be left out, not written as null.
                    assert_eq!(
                        read(&nulled).is_ok(),
                        !value.is_array(),
                        "{kind}: {name} null"
                    );
                } else {
                    let error = read(&fewer).expect_err(&context).to_string();
                    assert!(
                        error.contains(&format!("missing field `{name}`")),
                        "{context}: {error}"
                    );
                    assert!(read(&nulled).is_err(), "{kind}: {name} null");
                }
            }
            let mut other = members.clone();
            other.insert("kind".into(), "MeasureDeleted".into());
            let error = read(&other).unwrap_err();
            assert!(error
                .to_string()
                .contains("unknown variant `MeasureDeleted`"));
            // An array of the members' values is no event.
            let values: Vec<Value> = members.values().cloned().collect();
            assert!(Event::from_bytes(&serde_json::to_vec(&values).unwrap()).is_err());
        }
    }

    #[test]
    fn a_history_reads_of_every_event_what_the_whole_reading_holds() {
        let mut prev = GENESIS_HASH.to_owned();
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for (seq, event) in one_of_each_kind().into_iter().enumerate() {
            let event = event.seal(seq as u64, &prev).unwrap();
            prev = event.hash.clone();
            lines.push(event.canonical_bytes().unwrap());
        }
        for pinned in [
            include_str!("wire_v1_pinned.jsonl"),
            include_str!("wire_v2_pinned.jsonl"),
            include_str!("wire_v3_pinned.jsonl"),
        ] {
            lines.extend(pinned.lines().map(|line| line.as_bytes().to_vec()));
        }
        let mut with_history = 0;
        for bytes in &lines {
            let whole = Event::from_bytes(bytes).unwrap();
            let kind = whole.body.kind();
            let expected = HistoryEvent::of(whole);
            with_history += usize::from(expected.is_some());
            let read = HistoryEvent::from_bytes(bytes, &mut SharedTexts::default()).unwrap();
            assert_eq!(read, expected, "{kind}");
        }
        // Every kind with a history is among them (three statements, an action, a figure).
        assert!(with_history >= 5, "{with_history}");
        // What a history keeps, a kind requires, is refused when missing; an unknown kind and
        // an array of members are no event.
        let shared = &mut SharedTexts::default();
        let mut read = |members: &serde_json::Map<String, Value>| {
            HistoryEvent::from_bytes(&serde_json::to_vec(members).unwrap(), shared)
        };
        for bytes in &lines {
            let Value::Object(members) = serde_json::from_slice::<Value>(bytes).unwrap() else {
                panic!("an event is an object");
            };
            let kind = members["kind"].as_str().unwrap().to_owned();
            if read(&members).unwrap().is_none() {
                continue;
            }
            for name in [
                "seq",
                "kind",
                "meeting",
                "source",
                "measure_id",
                "text",
                "key",
                "value",
            ] {
                if members.contains_key(name) {
                    let mut fewer = members.clone();
                    fewer.remove(name);
                    assert!(read(&fewer).is_err(), "{kind} without {name}");
                }
            }
            let mut other = members.clone();
            other.insert("kind".into(), "MeasureDeleted".into());
            assert!(read(&other).is_err());
            let values: Vec<Value> = members.values().cloned().collect();
            let array = serde_json::to_vec(&values).unwrap();
            assert!(HistoryEvent::from_bytes(&array, &mut SharedTexts::default()).is_err());
        }
    }

    #[test]
    fn texts_read_again_are_shared_and_each_member_keeps_its_own() {
        let mut shared = SharedTexts::default();
        let first = shared.share(SharedMember::Text, "国は、がん検診を推進する。");
        let again = shared.share(SharedMember::Text, "国は、がん検診を推進する。");
        assert!(Arc::ptr_eq(&first, &again));
        // The same bytes read for another member are that member's own.
        let other = shared.share(SharedMember::Bureau, "国は、がん検診を推進する。");
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(first, other);
        // Sixteen other texts later, the first is no longer held: read again, it is new.
        for n in 0..16 {
            let text = format!("取組{n}");
            let read = shared.share(SharedMember::Text, &text);
            assert_eq!(&*read, text);
        }
        let later = shared.share(SharedMember::Text, "国は、がん検診を推進する。");
        assert!(!Arc::ptr_eq(&first, &later));
        assert_eq!(first, later);
        // A text of the same length but other bytes is never taken for it.
        let same_length = shared.share(SharedMember::Text, "国は、がん検診を推進した。");
        assert_ne!(same_length, later);
    }

    /// Every kind's canonical bytes, pinned (the file beside this one): if one changes, the
    /// wire format changed and EVENT_FORMAT_VERSION must be bumped deliberately.
    #[test]
    fn every_kind_has_pinned_canonical_bytes_and_hash() {
        let mut prev = GENESIS_HASH.to_owned();
        let mut lines = String::new();
        for (seq, event) in one_of_each_kind().into_iter().enumerate() {
            let event = event.seal(seq as u64, &prev).unwrap();
            prev = event.hash.clone();
            lines.push_str(&String::from_utf8(event.canonical_bytes().unwrap()).unwrap());
            lines.push('\n');
            assert_eq!(
                Event::from_bytes(&event.canonical_bytes().unwrap()).unwrap(),
                event,
                "round trip"
            );
        }
        let pinned = include_str!("wire_v3_pinned.jsonl");
        for (have, want) in lines.lines().zip(pinned.lines()) {
            assert_eq!(have, want, "the wire shape of an event kind changed");
        }
        assert_eq!(lines.lines().count(), pinned.lines().count());
    }
}

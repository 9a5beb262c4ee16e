//! The indexes the store keeps beside the events, as pure values: what one event adds to each
//! index, and each index recomputed from a list of events.
//!
//! Invariant: an index is a function of the events alone — the store writes an event's
//! entries in the transaction that appends it, and `verify` recomputes every index from the
//! events and compares (a `mentions` entry by what it decodes to: how it is compressed is the
//! store's choice) — so no index can say what the log does not.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::frame::{self, FRAME_EVENTS};
use super::merkle::{Blake3Hash, Frontier};
use super::{Event, EventBody};
use crate::extract::dating::DateBounds;
use crate::extract::SectionPath;
use crate::source::manifest::DocumentFormat;
use crate::source::meeting::{Meeting, MeetingTimeKey};

/// One ingested document (資料) as its `DocumentIngested` event describes it: the value of the
/// `docs` index, so that the documents are read without decoding their events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub seq: u64,
    pub hash: String,
    pub meeting: Meeting,
    pub title: Option<String>,
    pub label: Option<String>,
    pub series: Option<String>,
    pub format: DocumentFormat,
    pub date_bounds: Option<DateBounds>,
    /// 訂正・取下げ: the corrections recorded for the document, in chain order. `meeting`,
    /// `title` and `label` above are as the last redescription left them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// A correction of a document's record: a redescription (with what it replaced) or a
/// withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub seq: u64,
    pub reason: String,
    pub recorded_at: String,
    /// For a redescription, the meeting the document had before it; `None` for a withdrawal.
    pub was: Option<Meeting>,
    pub withdrawn: bool,
}

impl DocumentRecord {
    /// The record a `DocumentIngested` event makes; `None` for any other event.
    pub fn of(event: &Event) -> Option<DocumentRecord> {
        match &event.body {
            EventBody::DocumentIngested {
                title,
                label,
                series,
                format,
                date_bounds,
                ..
            } => Some(DocumentRecord {
                seq: event.seq,
                hash: event.source.document.clone(),
                meeting: event.meeting.clone(),
                title: title.clone(),
                label: label.clone(),
                series: series.clone(),
                format: *format,
                date_bounds: date_bounds.clone(),
                corrections: Vec::new(),
            }),
            _ => None,
        }
    }

    /// Applies a correction event about this document (`false` for any other event): a
    /// redescription replaces the meeting, title and label; a withdrawal marks it withdrawn.
    pub fn correct(&mut self, event: &Event) -> bool {
        let (was, reason, recorded_at, withdrawn) = match &event.body {
            EventBody::DocumentRedescribed {
                title,
                label,
                reason,
                recorded_at,
            } => {
                let was = std::mem::replace(&mut self.meeting, event.meeting.clone());
                self.title = title.clone();
                self.label = label.clone();
                (Some(was), reason, recorded_at, false)
            }
            EventBody::DocumentWithdrawn {
                reason,
                recorded_at,
            } => (None, reason, recorded_at, true),
            _ => return false,
        };
        self.corrections.push(Correction {
            seq: event.seq,
            reason: reason.clone(),
            recorded_at: recorded_at.clone(),
            was,
            withdrawn,
        });
        true
    }

    /// Whether a withdrawal was recorded: its statements are no longer the plan's.
    pub fn withdrawn(&self) -> bool {
        self.corrections.iter().any(|c| c.withdrawn)
    }

    /// The series key: the described series, else the document itself (a series of one).
    pub fn series_key(&self) -> &str {
        self.series.as_deref().unwrap_or(&self.hash)
    }

    /// Valid-time order key, then transaction time: a later-ingested version at the same
    /// meeting wins.
    pub fn order_key(&self) -> (MeetingTimeKey<'_>, u64) {
        (self.meeting.time_key(), self.seq)
    }
}

/// Valid-time place of a statement, without transaction time: meeting (undated last), then
/// document hash and line, so that "earliest version" never depends on ingestion order.
pub type VersionOrder = (
    bool,
    Option<time::Date>,
    Option<String>,
    Option<u32>,
    String,
    u32,
);

/// One distinct statement of a measure: the handle it was recorded under, its plan, section
/// and display text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementKey {
    pub recorded_id: String,
    pub plan: Option<String>,
    pub section: SectionPath,
    pub text: String,
}

/// Where a distinct statement stands: the chain position of its first statement (which orders
/// candidates, as chain order did) and its earliest place in valid time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementPlace {
    pub first_seq: u64,
    pub order: VersionOrder,
}

/// What decides identity, reduced from the events: every distinct statement with its place,
/// when each handle was first recorded (seq, position in its event), and which handles a
/// statement also matched. It grows with distinct statements, not with events — a measure
/// cited by every later document adds nothing — and grouping it gives exactly the
/// `identity::Identities` that grouping every event gives (`Identities::from_events` is defined
/// that way). The store keeps it as an index in the transaction that appends the events, so ingest
/// need not read the ledger; `verify` recomputes it from the events and compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityIndex {
    pub statements: BTreeMap<StatementKey, StatementPlace>,
    pub handles: BTreeMap<String, (u64, u32)>,
    pub edges: BTreeSet<(String, String)>,
    /// Splits and merges: (a measure's handle, a measure it is a part of or that is a part of
    /// it), as recorded.
    pub lineage: BTreeSet<(String, String)>,
}

/// What one measure event adds to the [`IdentityIndex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntries {
    pub statement: StatementKey,
    pub place: StatementPlace,
    /// Handles named by the event, each with (seq, position in the event).
    pub handles: Vec<(String, (u64, u32))>,
    pub edges: Vec<(String, String)>,
    /// (this measure's handle, a measure it is a part of or that is a part of it).
    pub lineage: Vec<(String, String)>,
}

impl IndexEntries {
    /// The entries of a measure event (added, revised or cited); `None` for any other event.
    pub fn of(event: &Event) -> Option<IndexEntries> {
        let (id, plan, section, text, also, lineage) = match &event.body {
            EventBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
                lineage,
            } => (measure_id, plan, section, text, &[][..], &lineage[..]),
            EventBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
                also_matched,
            } => (measure_id, plan, section, text, &also_matched[..], &[][..]),
            EventBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                also_matched,
                ..
            } => (measure_id, plan, section, text, &also_matched[..], &[][..]),
            _ => return None,
        };
        let meeting = event.meeting.time_key();
        Some(IndexEntries {
            statement: StatementKey {
                recorded_id: id.clone(),
                plan: plan.clone(),
                section: section.clone(),
                text: text.clone(),
            },
            place: StatementPlace {
                first_seq: event.seq,
                order: (
                    meeting.0,
                    meeting.1,
                    meeting.2.map(str::to_owned),
                    meeting.3,
                    event.source.document.clone(),
                    event.source.lines.map_or(0, |lines| lines.first),
                ),
            },
            handles: std::iter::once(id)
                .chain(also)
                .enumerate()
                .map(|(position, handle)| (handle.clone(), (event.seq, position as u32)))
                .collect(),
            edges: also
                .iter()
                .map(|other| (id.clone(), other.clone()))
                .collect(),
            lineage: lineage
                .iter()
                .map(|other| (id.clone(), other.clone()))
                .collect(),
        })
    }
}

impl IdentityIndex {
    /// The index of `events` (any subset of a ledger, in chain order).
    pub fn from_events(events: &[Event]) -> IdentityIndex {
        let mut index = IdentityIndex::default();
        for entries in events.iter().filter_map(IndexEntries::of) {
            index.add(entries);
        }
        index
    }

    /// Adds one event's entries: a statement keeps its first position and its earliest place
    /// in valid time; a handle keeps when it was first recorded.
    ///
    /// Returns whether the index changed (most statements of a new version are restated, and
    /// `verify --deep` rebuilds the identities only when it did).
    pub fn add(&mut self, entries: IndexEntries) -> bool {
        let mut changed = match self.statements.get_mut(&entries.statement) {
            Some(place) => place.merge(entries.place),
            None => {
                self.statements.insert(entries.statement, entries.place);
                true
            }
        };
        for (handle, first) in entries.handles {
            match self.handles.entry(handle) {
                std::collections::btree_map::Entry::Vacant(vacant) => {
                    vacant.insert(first);
                    changed = true;
                }
                std::collections::btree_map::Entry::Occupied(mut seen) => {
                    if first < *seen.get() {
                        seen.insert(first);
                        changed = true;
                    }
                }
            }
        }
        for edge in entries.edges {
            changed |= self.edges.insert(edge);
        }
        for pair in entries.lineage {
            changed |= self.lineage.insert(pair);
        }
        changed
    }
}

impl StatementPlace {
    /// The place of a statement seen again: the first position, the earliest valid time.
    /// Returns whether the place moved.
    pub fn merge(&mut self, other: StatementPlace) -> bool {
        let earlier_seq = other.first_seq < self.first_seq;
        let earlier_order = other.order < self.order;
        if earlier_seq {
            self.first_seq = other.first_seq;
        }
        if earlier_order {
            self.order = other.order;
        }
        earlier_seq || earlier_order
    }
}

/// One figure observation in the target index: the figure's key, where it was stated, the day
/// it holds for, its value and — for a 個別目標 counted from a plan's adoption — that plan: what
/// ingest needs to say what a figure was before, and what `state` needs to choose each figure's
/// latest observation before reading any event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TargetObservation {
    pub key: String,
    pub seq: u64,
    pub as_of_day: Option<String>,
    pub value: String,
    pub goal_of_plan: Option<String>,
}

impl TargetObservation {
    /// The observation a `TargetChanged` event records; `None` for any other event.
    pub fn of(event: &Event) -> Option<TargetObservation> {
        match &event.body {
            EventBody::TargetChanged {
                key,
                as_of_day,
                value,
                deadline_after_adoption,
                ..
            } => Some(TargetObservation {
                key: key.clone(),
                seq: event.seq,
                as_of_day: as_of_day.clone(),
                value: value.clone(),
                goal_of_plan: deadline_after_adoption.as_ref().map(|d| d.plan.clone()),
            }),
            _ => None,
        }
    }

    /// The observation as a view of its texts.
    pub fn view(&self) -> ObservationView<'_> {
        ObservationView {
            key: &self.key,
            seq: self.seq,
            as_of_day: self.as_of_day.as_deref(),
            value: &self.value,
            goal_of_plan: self.goal_of_plan.as_deref(),
        }
    }
}

/// A [`TargetObservation`] whose texts are borrowed — from a `targets` entry's value
/// ([`observation_views`]) or from an owned observation ([`TargetObservation::view`]): `state`
/// chooses among every observation of the ledger (tens of thousands in a long one), and copying
/// their texts out was most of reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservationView<'v> {
    pub key: &'v str,
    pub seq: u64,
    pub as_of_day: Option<&'v str>,
    pub value: &'v str,
    pub goal_of_plan: Option<&'v str>,
}

impl ObservationView<'_> {
    pub fn to_observation(&self) -> TargetObservation {
        TargetObservation {
            key: self.key.to_owned(),
            seq: self.seq,
            as_of_day: self.as_of_day.map(str::to_owned),
            value: self.value.to_owned(),
            goal_of_plan: self.goal_of_plan.map(str::to_owned),
        }
    }
}

/// The values of `targets` entries (or one encoding observations gathered elsewhere), each
/// checked to decode when it was taken in: [`Observations::views`] reads them borrowing their
/// texts, as often as a question folds a state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observations {
    values: Vec<Vec<u8>>,
    /// How many observations the values hold together.
    count: usize,
}

impl Observations {
    /// `values` when every one decodes ([`observation_views`]); `None` otherwise.
    pub fn checked(values: Vec<Vec<u8>>) -> Option<Observations> {
        let mut count = 0;
        for value in &values {
            for view in observation_views(value) {
                view?;
                count += 1;
            }
        }
        Some(Observations { values, count })
    }

    /// Observations gathered from events, as one value.
    pub fn of(observations: &[TargetObservation]) -> Observations {
        Observations {
            values: vec![encode_observations(observations)],
            count: observations.len(),
        }
    }

    /// Every observation, in the order the values hold them.
    pub fn views(&self) -> impl Iterator<Item = ObservationView<'_>> {
        // Each value was checked when taken in, so none decodes to nothing here; the count
        // bounds the iterator, so what collects it is sized once.
        self.values
            .iter()
            .flat_map(|value| observation_views(value).map_while(|view| view))
            .take(self.count)
    }
}

// The indexes' bytes. Each function below is the one encoding of its entry: the store writes
// what these produce, reads with their decoders, and `verify` compares the store's trees with
// what `verify` recomputes from the events, entry by entry.

/// The index trees, by what `verify` calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexTree {
    Docs,
    Records,
    Identity,
    Targets,
    Adoptions,
    Mentions,
    Frontiers,
}

impl IndexTree {
    /// The sled tree's name.
    pub fn tree_name(self) -> &'static str {
        match self {
            IndexTree::Docs => "docs",
            IndexTree::Records => "records",
            IndexTree::Identity => "identity",
            IndexTree::Targets => "targets",
            IndexTree::Adoptions => "adoptions",
            IndexTree::Mentions => "mentions",
            IndexTree::Frontiers => "frontiers",
        }
    }

    /// What a report calls it.
    pub fn described(self) -> &'static str {
        match self {
            IndexTree::Docs => "document",
            IndexTree::Records => "document record",
            IndexTree::Identity => "identity",
            IndexTree::Targets => "target",
            IndexTree::Adoptions => "adoption",
            IndexTree::Mentions => "mention",
            IndexTree::Frontiers => "Merkle frontier",
        }
    }
}

/// Key–value pairs of one tree, in key order.
pub type RawPairs = Vec<(Vec<u8>, Vec<u8>)>;

/// One index entry: key and value bytes.
pub type RawPair = (Vec<u8>, Vec<u8>);

/// What one event adds to the indexes that hold an entry per event (`docs`, `adoptions`); the
/// identity index merges entries and `mentions` and `targets` group them by append
/// ([`AppendEntries`]), both kept apart.
#[derive(Debug, Default)]
pub struct EventEntries {
    pub docs: Option<RawPair>,
    pub adoptions: Option<RawPair>,
}

/// The entries of one append's `mentions` and `targets`, each grouped by append so that the
/// indexes are a few entries per document, not a key per event that every open and every scan
/// of the store pays for (sled reads a tree entry by entry, each from the tree's root).
#[derive(Debug, Default)]
pub struct AppendPairs {
    /// For measure ids the append's events name, frames of those events (up to
    /// [`FRAME_EVENTS`] each), each given out once it is full or the append ends.
    pub mentions: Vec<MentionEntry>,
    /// When the append records figure observations: its first seq (big-endian) → those
    /// observations in chain order ([`encode_observations`]).
    pub targets: Option<RawPair>,
}

/// A `mentions` entry as the events imply it: the events of one append that name one measure
/// id (a measure and its actions: 施策 and 取組), up to [`FRAME_EVENTS`] of them, as a frame
/// before it is compressed. Its key is `id, 0, the seq of its first event`, so one measure's
/// entries lie side by side in chain order and its history is read from a few sled pages
/// instead of one frame of the log per version. How the frame is compressed (whole, or
/// against an earlier entry of the same id stored whole) is the store's choice; what it
/// decodes to is what `verify` compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionEntry {
    pub key: Vec<u8>,
    /// How many events the frame holds.
    pub count: u32,
    /// The events' canonical bytes, length-prefixed ([`frame::frame_plain`]).
    pub plain: Vec<u8>,
}

/// The grouped entries of consecutive events, gathered event by event and given out as each
/// measure's frame fills or each append ends (see [`AppendPairs`]).
#[derive(Debug, Default)]
pub struct AppendEntries {
    start: Option<u64>,
    /// Per measure id named in the append, the frame of its events being gathered (a full one
    /// is given out at once, so what is held is at most a frame per id, whatever the append's
    /// size).
    mentions: BTreeMap<String, MentionEntry>,
    observations: Vec<TargetObservation>,
}

impl AppendEntries {
    /// Adds the next event, whose stored (canonical) bytes are `bytes`; returns the entries
    /// complete with it: when it starts a new append, those of the one before, and a measure's
    /// frame as soon as it is full. A measure's frames come out in chain order.
    pub fn add(&mut self, event: &Event, bytes: &[u8]) -> AppendPairs {
        let mut finished = if starts_append(event) {
            self.finish()
        } else {
            AppendPairs::default()
        };
        self.start.get_or_insert(event.seq);
        if let Some(id) = event.body.measure_id() {
            let new_frame = || MentionEntry {
                key: name_seq_key(id, event.seq),
                count: 0,
                // A measure and its actions: a few events of about this size.
                plain: Vec::with_capacity(8 * (bytes.len() + 4)),
            };
            // Looked up by the borrowed id first: most events name a measure already named.
            let frame = match self.mentions.get_mut(id) {
                Some(frame) if frame.count as usize >= FRAME_EVENTS => {
                    finished
                        .mentions
                        .push(std::mem::replace(frame, new_frame()));
                    frame
                }
                Some(frame) => frame,
                None => self.mentions.entry(id.to_owned()).or_insert_with(new_frame),
            };
            frame.count += 1;
            if frame::push_plain(&mut frame.plain, bytes).is_err() {
                // An event past 4 GiB (none fits a document ingest reads): a frame no encoding
                // accepts, so the append is refused rather than indexed wrongly.
                frame.count = u32::MAX;
            }
        }
        self.observations.extend(TargetObservation::of(event));
        finished
    }

    /// The entries of the append gathered so far (the last one, at the end of the events).
    pub fn finish(&mut self) -> AppendPairs {
        let Some(start) = self.start.take() else {
            return AppendPairs::default();
        };
        let mentions = std::mem::take(&mut self.mentions).into_values().collect();
        let observations = std::mem::take(&mut self.observations);
        let targets = (!observations.is_empty()).then(|| {
            (
                start.to_be_bytes().to_vec(),
                encode_observations(&observations),
            )
        });
        AppendPairs { mentions, targets }
    }
}

/// The value of a `targets` entry: each observation in chain order as its key, seq (eight bytes,
/// big-endian), as-of day, value and plan of a 個別目標 — each text its length (four bytes,
/// big-endian) then its UTF-8, an optional one a byte 0 (none) or 1 before it. Binary rather than
/// JSON: `state` decodes every observation of the ledger, and this decodes in a third of the time.
pub fn encode_observations(observations: &[TargetObservation]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let text = |bytes: &mut Vec<u8>, text: &str| {
        // A figure's texts are a line's worth: far below four bytes' reach.
        bytes.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_be_bytes());
        bytes.extend_from_slice(text.as_bytes());
    };
    let optional = |bytes: &mut Vec<u8>, value: &Option<String>| match value {
        None => bytes.push(0),
        Some(value) => {
            bytes.push(1);
            text(bytes, value);
        }
    };
    for o in observations {
        text(&mut bytes, &o.key);
        bytes.extend_from_slice(&o.seq.to_be_bytes());
        optional(&mut bytes, &o.as_of_day);
        text(&mut bytes, &o.value);
        optional(&mut bytes, &o.goal_of_plan);
    }
    bytes
}

/// The bytes a `targets` entry's value holds for `key`: where its observations name it.
pub fn observation_key_bytes(key: &str) -> Vec<u8> {
    let mut bytes = u32::try_from(key.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes()
        .to_vec();
    bytes.extend_from_slice(key.as_bytes());
    bytes
}

/// The observations of a `targets` entry's value; `None` when it is not a list of them (a
/// length past its end, a text not UTF-8, an option byte other than 0 or 1).
pub fn decode_observations(value: &[u8]) -> Option<Vec<TargetObservation>> {
    observation_views(value)
        .map(|view| view.map(|view| view.to_observation()))
        .collect()
}

/// [`decode_observations`] one at a time, borrowing the texts from `value`: an item is `None`
/// where the value stops being a list of observations, and is the last.
pub fn observation_views(value: &[u8]) -> impl Iterator<Item = Option<ObservationView<'_>>> {
    struct Reader<'v>(&'v [u8]);
    impl<'v> Reader<'v> {
        fn take(&mut self, n: usize) -> Option<&'v [u8]> {
            let (taken, rest) = self.0.split_at_checked(n)?;
            self.0 = rest;
            Some(taken)
        }
        fn number<const N: usize>(&mut self) -> Option<[u8; N]> {
            self.take(N)?.try_into().ok()
        }
        fn text(&mut self) -> Option<&'v str> {
            let len = usize::try_from(u32::from_be_bytes(self.number()?)).ok()?;
            std::str::from_utf8(self.take(len)?).ok()
        }
        fn optional(&mut self) -> Option<Option<&'v str>> {
            match self.number::<1>()? {
                [0] => Some(None),
                [1] => Some(Some(self.text()?)),
                _ => None,
            }
        }
        fn observation(&mut self) -> Option<ObservationView<'v>> {
            Some(ObservationView {
                key: self.text()?,
                seq: u64::from_be_bytes(self.number()?),
                as_of_day: self.optional()?,
                value: self.text()?,
                goal_of_plan: self.optional()?,
            })
        }
    }
    let mut reader = Reader(value);
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || reader.0.is_empty() {
            return None;
        }
        let observation = reader.observation();
        failed = observation.is_none();
        Some(observation)
    })
}

/// The `docs` entry of a record: its hash → its seq (big-endian) and the record as JSON.
pub fn docs_entry(record: &DocumentRecord) -> RawPair {
    let mut value = record.seq.to_be_bytes().to_vec();
    value.extend(encode_json(record));
    (record.hash.clone().into_bytes(), value)
}

/// Whether an event corrects a document's record (its `docs` entry is then rewritten, from the
/// entry held and the event: [`corrected_docs_entry`]).
pub fn is_correction(event: &Event) -> bool {
    matches!(
        event.body,
        EventBody::DocumentRedescribed { .. } | EventBody::DocumentWithdrawn { .. }
    )
}

/// The `docs` entry after a correction event, from the entry held for its document; `None`
/// when the held value is not a record.
pub fn corrected_docs_entry(held: &[u8], event: &Event) -> Option<RawPair> {
    let mut record = decode_document(held)?;
    record.correct(event);
    Some(docs_entry(&record))
}

impl EventEntries {
    pub fn of(event: &Event) -> EventEntries {
        EventEntries {
            docs: DocumentRecord::of(event).map(|record| docs_entry(&record)),
            adoptions: matches!(event.body, EventBody::PlanAdopted { .. })
                .then(|| (event.seq.to_be_bytes().to_vec(), Vec::new())),
        }
    }
}

/// The document record of a `docs` entry.
pub fn decode_document(value: &[u8]) -> Option<DocumentRecord> {
    decode_record(value.get(8..)?)
}

/// The record a `records` entry's value holds.
pub fn decode_record(value: &[u8]) -> Option<DocumentRecord> {
    serde_json::from_slice(value).ok()
}

/// The `records` entry a `docs` entry's value implies: the record's seq (big-endian, the `docs`
/// value's first eight bytes) → the record as JSON (the rest); `None` for a value shorter
/// than a seq.
pub fn records_entry(docs_value: &[u8]) -> Option<RawPair> {
    let (seq, record) = docs_value.split_at_checked(8)?;
    Some((seq.to_vec(), record.to_vec()))
}

/// The key of a statement in the identity tree.
pub fn statement_key_bytes(statement: &StatementKey) -> Vec<u8> {
    let mut key = b"s".to_vec();
    key.extend(encode_json(statement));
    key
}

/// The key of a handle in the identity tree.
pub fn handle_key_bytes(handle: &str) -> Vec<u8> {
    let mut key = b"h".to_vec();
    key.extend_from_slice(handle.as_bytes());
    key
}

/// The key of an edge (two handles one statement matched) in the identity tree.
pub fn edge_key_bytes(edge: &(String, String)) -> Vec<u8> {
    let mut key = b"e".to_vec();
    key.extend(encode_json(edge));
    key
}

/// The key of a lineage pair (a split or a merge) in the identity tree.
pub fn lineage_key_bytes(pair: &(String, String)) -> Vec<u8> {
    let mut key = b"l".to_vec();
    key.extend(encode_json(pair));
    key
}

pub fn encode_place(place: &StatementPlace) -> Vec<u8> {
    encode_json(place)
}

pub fn decode_place(value: &[u8]) -> Option<StatementPlace> {
    serde_json::from_slice(value).ok()
}

/// A handle's first recording: seq and position, big-endian.
pub fn encode_first((seq, position): (u64, u32)) -> [u8; 12] {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(&seq.to_be_bytes());
    bytes[8..].copy_from_slice(&position.to_be_bytes());
    bytes
}

impl IdentityIndex {
    /// Adds one entry of the identity tree, as [`IdentityIndex::entries`] wrote it; `None` when
    /// the entry cannot be read.
    pub fn add_entry(&mut self, key: &[u8], value: &[u8]) -> Option<()> {
        match key.split_first()? {
            (b's', statement) => {
                let statement: StatementKey = serde_json::from_slice(statement).ok()?;
                self.statements.insert(statement, decode_place(value)?);
            }
            (b'h', handle) => {
                let handle = String::from_utf8(handle.to_vec()).ok()?;
                let (seq, position) = value.split_at_checked(8)?;
                let seq = u64::from_be_bytes(seq.try_into().ok()?);
                let position = u32::from_be_bytes(position.try_into().ok()?);
                self.handles.insert(handle, (seq, position));
            }
            (b'e', edge) => {
                self.edges.insert(serde_json::from_slice(edge).ok()?);
            }
            (b'l', pair) => {
                self.lineage.insert(serde_json::from_slice(pair).ok()?);
            }
            _ => return None,
        }
        Some(())
    }

    /// The identity tree's entries, in key order.
    pub fn entries(&self) -> RawPairs {
        let mut pairs: RawPairs = Vec::new();
        for (statement, place) in &self.statements {
            pairs.push((statement_key_bytes(statement), encode_place(place)));
        }
        for (handle, first) in &self.handles {
            pairs.push((handle_key_bytes(handle), encode_first(*first).to_vec()));
        }
        for edge in &self.edges {
            pairs.push((edge_key_bytes(edge), Vec::new()));
        }
        for pair in &self.lineage {
            pairs.push((lineage_key_bytes(pair), Vec::new()));
        }
        pairs.sort();
        pairs
    }
}

/// The `frontiers` entry for the tree of the first `frontier.size()` events: the size
/// (big-endian) → its subtree roots, concatenated. One is kept at the end of every document, so
/// a checkpoint of the ledger through any document reads one entry, not the events.
pub fn frontier_entry(frontier: &Frontier<Blake3Hash>) -> RawPair {
    (
        frontier.size().to_be_bytes().to_vec(),
        frontier.nodes().concat(),
    )
}

/// The frontier a `frontiers` entry holds.
pub fn decode_frontier(key: &[u8], value: &[u8]) -> Option<Frontier<Blake3Hash>> {
    let size = u64::from_be_bytes(key.try_into().ok()?);
    if !value.len().is_multiple_of(32) {
        return None;
    }
    Frontier::from_parts(size, value.chunks(32).map(<[u8]>::to_vec).collect())
}

/// Whether an append (a document's events, or a correction) ends before `event`: the tree size
/// at which a `frontiers` entry is kept (the ledger's end is the other).
pub fn starts_append(event: &Event) -> bool {
    (matches!(event.body, EventBody::DocumentIngested { .. }) || is_correction(event))
        && event.seq > 0
}

/// The key prefix of a `name, 0, seq` index (`mentions`): one name's entries scan
/// in chain order.
pub fn name_prefix(name: &str) -> Vec<u8> {
    let mut bytes = name.as_bytes().to_vec();
    bytes.push(0);
    bytes
}

/// The key of a `name, 0, seq` entry (see [`name_prefix`]).
pub fn name_seq_key(name: &str, seq: u64) -> Vec<u8> {
    prefixed_seq_key(&name_prefix(name), seq)
}

/// The key of the entry at `seq` of the name whose prefix ([`name_prefix`]) is `prefix`.
pub fn prefixed_seq_key(prefix: &[u8], seq: u64) -> Vec<u8> {
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes
}

/// Past every key of the name whose prefix is `prefix`: the name followed by the byte after 0.
pub fn name_range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    end.pop();
    end.push(1);
    end
}

/// The name prefix and seq of a `name, 0, seq` key (see [`name_seq_key`]).
pub fn split_name_seq_key(key: &[u8]) -> Option<(&[u8], u64)> {
    let (prefix, seq) = key.split_at_checked(key.len().checked_sub(8)?)?;
    let seq = <[u8; 8]>::try_from(seq).ok().map(u64::from_be_bytes)?;
    (prefix.last() == Some(&0)).then_some((prefix, seq))
}

fn encode_json(value: &impl Serialize) -> Vec<u8> {
    // Plain data of strings, numbers and options: serialising it cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `verify --deep` rebuilds identities only when an event changed the index: `add` says
    /// so exactly when a statement, a handle's first use, an edge or a lineage pair is new or
    /// earlier, and not for a statement restated later.
    #[test]
    fn adding_to_the_identity_index_says_whether_it_changed() {
        let entries = |seq: u64, order_day: u32, edge: Option<&str>| IndexEntries {
            statement: StatementKey {
                recorded_id: "M1".into(),
                plan: None,
                section: Default::default(),
                text: "国は推進する。".into(),
            },
            place: StatementPlace {
                first_seq: seq,
                order: (false, None, None, Some(order_day), "d".into(), 1),
            },
            handles: vec![("M1".into(), (seq, 0))],
            edges: edge.map(|e| ("M1".into(), e.into())).into_iter().collect(),
            lineage: Vec::new(),
        };
        let mut index = IdentityIndex::default();
        assert!(index.add(entries(10, 5, None)), "a new statement");
        assert!(!index.add(entries(20, 6, None)), "restated later");
        assert!(!index.add(entries(10, 5, None)), "restated as it was");
        assert!(
            index.add(entries(30, 4, None)),
            "an earlier place in valid time"
        );
        assert!(index.add(entries(5, 9, None)), "an earlier first position");
        assert!(index.add(entries(40, 9, Some("M2"))), "a new edge");
        assert!(!index.add(entries(41, 9, Some("M2"))), "the same edge");
    }

    fn observation(
        key: &str,
        seq: u64,
        as_of: Option<&str>,
        goal: Option<&str>,
    ) -> TargetObservation {
        TargetObservation {
            key: key.into(),
            seq,
            as_of_day: as_of.map(Into::into),
            value: "2,507例（令和５年）".into(),
            goal_of_plan: goal.map(Into::into),
        }
    }

    #[test]
    fn a_targets_value_decodes_to_the_observations_encoded() {
        let cases = [
            vec![],
            vec![observation("T0123456789", 5, None, None)],
            vec![
                observation("T0123456789", 5, Some("2023-04"), None),
                observation(
                    "Tabcdefabcd",
                    u64::MAX,
                    Some(""),
                    Some("第４期がん対策推進基本計画"),
                ),
            ],
        ];
        for observations in cases {
            let bytes = encode_observations(&observations);
            assert_eq!(decode_observations(&bytes), Some(observations.clone()));
            for observation in &observations {
                let needle = observation_key_bytes(&observation.key);
                assert!(bytes.windows(needle.len()).any(|w| w == needle));
            }
        }
    }

    #[test]
    fn a_targets_value_that_is_not_observations_is_refused() {
        let whole = encode_observations(&[observation("T0123456789", 5, Some("2023-04"), None)]);
        // Cut anywhere inside, it is not a whole number of observations.
        for end in 1..whole.len() {
            assert_eq!(decode_observations(&whole[..end]), None, "cut at {end}");
        }
        let mut other_option = whole.clone();
        // The as-of day's option byte: after the key (4 + 11 bytes) and the seq (8).
        other_option[23] = 2;
        assert_eq!(decode_observations(&other_option), None);
        let mut not_utf8 = whole.clone();
        not_utf8[4] = 0xff;
        assert_eq!(decode_observations(&not_utf8), None);
        let mut too_long = whole.clone();
        too_long[0] = 0xff;
        assert_eq!(decode_observations(&too_long), None);
        // Read as views, a value cut short refuses the whole index it is read into.
        let cut = whole.get(..whole.len() - 1).unwrap().to_vec();
        assert_eq!(Observations::checked(vec![whole.clone(), cut]), None);
    }

    #[test]
    fn observations_read_as_views_are_every_value_s_in_order() {
        let first = [
            observation("T0123456789", 5, Some("2023-04"), None),
            observation("Tabcdefabcd", 6, None, Some("第４期がん対策推進基本計画")),
        ];
        let second = [observation("T0123456789", 9, Some("2024-04"), None)];
        let read = Observations::checked(vec![
            encode_observations(&first),
            encode_observations(&[]),
            encode_observations(&second),
        ])
        .unwrap();
        let views: Vec<TargetObservation> = read.views().map(|v| v.to_observation()).collect();
        let expected: Vec<TargetObservation> = first.iter().chain(&second).cloned().collect();
        assert_eq!(views, expected);
        // Sized for whatever collects them.
        assert_eq!(read.views().size_hint().1, Some(3));
        assert_eq!(
            Observations::of(&expected).views().collect::<Vec<_>>(),
            expected
                .iter()
                .map(TargetObservation::view)
                .collect::<Vec<_>>()
        );
    }
}

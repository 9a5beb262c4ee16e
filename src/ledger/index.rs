//! The indexes the store keeps beside the events, as pure values: what one event adds to each
//! index, and each index recomputed from a list of events.
//!
//! Invariant: an index is a function of the events alone — the store writes an event's
//! entries in the transaction that appends it, and `verify` recomputes every index from the
//! events and compares — so no index can say what the log does not.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Event, EventBody};
use crate::extract::SectionPath;

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
}

/// What one measure event adds to the [`IdentityIndex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntries {
    pub statement: StatementKey,
    pub place: StatementPlace,
    /// Handles named by the event, each with (seq, position in the event).
    pub handles: Vec<(String, (u64, u32))>,
    pub edges: Vec<(String, String)>,
}

impl IndexEntries {
    /// The entries of a measure event (added, revised or cited); `None` for any other event.
    pub fn of(event: &Event) -> Option<IndexEntries> {
        let (id, plan, section, text, also) = match &event.body {
            EventBody::MeasureAdded {
                measure_id,
                plan,
                section,
                text,
            }
            | EventBody::MeasureCited {
                measure_id,
                plan,
                section,
                text,
            } => (measure_id, plan, section, text, &[][..]),
            EventBody::MeasureRevised {
                measure_id,
                plan,
                section,
                text,
                also_matched,
                ..
            } => (measure_id, plan, section, text, &also_matched[..]),
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
    pub fn add(&mut self, entries: IndexEntries) {
        match self.statements.get_mut(&entries.statement) {
            Some(place) => place.merge(entries.place),
            None => {
                self.statements.insert(entries.statement, entries.place);
            }
        }
        for (handle, first) in entries.handles {
            let seen = self.handles.entry(handle).or_insert(first);
            *seen = (*seen).min(first);
        }
        self.edges.extend(entries.edges);
    }
}

impl StatementPlace {
    /// The place of a statement seen again: the first position, the earliest valid time.
    pub fn merge(&mut self, other: StatementPlace) {
        self.first_seq = self.first_seq.min(other.first_seq);
        if other.order < self.order {
            self.order = other.order;
        }
    }
}

/// One figure observation in the target index: the figure's key, where it was stated, the day
/// it holds for and its value — what ingest needs to say what a figure was before.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TargetObservation {
    pub key: String,
    pub seq: u64,
    pub as_of_day: Option<String>,
    pub value: String,
}

impl TargetObservation {
    /// The observation a `TargetChanged` event records; `None` for any other event.
    pub fn of(event: &Event) -> Option<TargetObservation> {
        match &event.body {
            EventBody::TargetChanged {
                key,
                as_of_day,
                value,
                ..
            } => Some(TargetObservation {
                key: key.clone(),
                seq: event.seq,
                as_of_day: as_of_day.clone(),
                value: value.clone(),
            }),
            _ => None,
        }
    }
}

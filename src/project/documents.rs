//! The documents in the ledger, read from their `DocumentIngested` events: the fold every other
//! projection starts from.

use crate::extract::dating::DateBounds;
use crate::ledger::{Event, EventBody};
use crate::source::manifest::DocumentFormat;
use crate::source::meeting::{Meeting, MeetingTimeKey};

/// One ingested document (資料) as the events describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub seq: u64,
    pub hash: String,
    pub meeting: Meeting,
    pub title: Option<String>,
    pub label: Option<String>,
    pub series: Option<String>,
    pub format: DocumentFormat,
    pub measure_ids: Vec<String>,
    pub date_bounds: Option<DateBounds>,
}

impl DocumentRecord {
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

/// Each document's place in valid-time order (see [`DocumentRecord::order_key`]): document hash
/// → rank.
pub fn valid_time_ranks<'d>(
    documents: impl IntoIterator<Item = &'d DocumentRecord>,
) -> std::collections::BTreeMap<&'d str, usize> {
    let mut sorted: Vec<&DocumentRecord> = documents.into_iter().collect();
    sorted.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    sorted
        .into_iter()
        .enumerate()
        .map(|(rank, d)| (d.hash.as_str(), rank))
        .collect()
}

/// Every document, in chain order.
pub fn documents(events: &[Event]) -> Vec<DocumentRecord> {
    events
        .iter()
        .filter_map(|event| match &event.body {
            EventBody::DocumentIngested {
                title,
                label,
                series,
                format,
                measure_ids,
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
                measure_ids: measure_ids.clone(),
                date_bounds: date_bounds.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Each document's title by hash, for renderers that name a document by what it is called.
pub fn titles(events: &[Event]) -> std::collections::BTreeMap<String, String> {
    documents(events)
        .into_iter()
        .filter_map(|d| Some((d.hash, d.title?)))
        .collect()
}

//! The documents in the ledger, read from their `DocumentIngested` events and corrected by
//! their `DocumentRedescribed` and `DocumentWithdrawn` events: the fold every other projection
//! starts from.

pub use crate::ledger::index::DocumentRecord;
use crate::ledger::Event;

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

/// Every document, in chain order, as its corrections left it (a withdrawn one included,
/// marked: see [`DocumentRecord::withdrawn`]).
pub fn documents(events: &[Event]) -> Vec<DocumentRecord> {
    let mut fold = DocumentsFold::default();
    for event in events {
        fold.add(event);
    }
    fold.records
}

/// [`documents`] an event at a time, for a reader that does not keep the events.
#[derive(Debug, Default)]
pub struct DocumentsFold {
    records: Vec<DocumentRecord>,
    position: std::collections::HashMap<String, usize>,
}

impl DocumentsFold {
    /// The next event in chain order: a document's record, or a correction of one.
    pub fn add(&mut self, event: &Event) {
        if let Some(record) = DocumentRecord::of(event) {
            self.position
                .insert(event.source.document.clone(), self.records.len());
            self.records.push(record);
        } else if let Some(record) = self
            .position
            .get(event.source.document.as_str())
            .and_then(|&at| self.records.get_mut(at))
        {
            record.correct(event);
        }
    }

    /// The records, in chain order.
    pub fn records(self) -> Vec<DocumentRecord> {
        self.records
    }
}

/// The documents whose statements count: every one not withdrawn.
pub fn standing(documents: Vec<DocumentRecord>) -> Vec<DocumentRecord> {
    documents.into_iter().filter(|d| !d.withdrawn()).collect()
}

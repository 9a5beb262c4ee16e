//! The documents in the ledger, read from their `DocumentIngested` events: the fold every other
//! projection starts from.

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

/// Every document, in chain order.
pub fn documents(events: &[Event]) -> Vec<DocumentRecord> {
    events.iter().filter_map(DocumentRecord::of).collect()
}

/// Each document's title by hash, for renderers that name a document by what it is called.
pub fn titles(documents: &[DocumentRecord]) -> std::collections::BTreeMap<String, String> {
    documents
        .iter()
        .filter_map(|d| Some((d.hash.clone(), d.title.clone()?)))
        .collect()
}

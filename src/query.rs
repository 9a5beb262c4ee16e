//! Answers from the store: what a view needs, read through the store's indexes, folded by the
//! same projections that fold the whole event list.
//!
//! Invariant: every answer here is the reference fold's answer over all events
//! (`project::state::state` and friends) — it only reads less. `tests/it/indexed.rs` holds the
//! two against each other on the seeds and on generated corpora in random orders.

use std::collections::BTreeMap;

use crate::identity::Identities;
use crate::ledger::{Event, Store, StoreError};
use crate::project::diff::{compare, earlier_query, DiffView};
use crate::project::documents::{documents, titles, DocumentRecord};
use crate::project::history::{history_from, HistoryView};
use crate::project::log::{filter_log, filter_log_with, LogFilter};
use crate::project::state::{documents_speaking_at, state_from, StateQuery, StateView};

/// The plan at a date. Reads the documents, the identity index, the events of the documents
/// that speak at the date and the figure and adoption events — not the rest of the ledger. A
/// question about what the ledger knew earlier (`as_known_at`) is answered by the reference
/// fold over the events up to that point.
pub fn state(store: &Store, query: &StateQuery) -> Result<StateView, StoreError> {
    if query.as_known_at.is_some() {
        return Ok(crate::project::state::state(&store.events()?, query));
    }
    let documents = documents(&store.document_events()?);
    let identities = Identities::from_index(&store.identity_index()?);
    let events = events_for(store, &documents, query.date)?;
    Ok(state_from(documents, &identities, &events, query))
}

/// What changed between two states, each read as [`state`] reads it.
pub fn diff(store: &Store, since: &StateQuery, until: &StateQuery) -> Result<DiffView, StoreError> {
    let after = state(store, until)?;
    let earlier = earlier_query(since, until, &after);
    let before = state(store, &earlier)?;
    Ok(compare(&before, &after, earlier.plan))
}

/// The events [`state_from`] needs at `date`: every event of the documents speaking at it, and
/// every figure and adoption event (it keeps those of documents dated at or before the date).
fn events_for(
    store: &Store,
    documents: &[DocumentRecord],
    date: time::Date,
) -> Result<Vec<Event>, StoreError> {
    let mut by_seq: BTreeMap<u64, Event> = BTreeMap::new();
    for document in documents_speaking_at(documents, date) {
        for event in store.events_of_document(document.seq)? {
            by_seq.insert(event.seq, event);
        }
    }
    for event in store.fact_events()? {
        by_seq.insert(event.seq, event);
    }
    Ok(by_seq.into_values().collect())
}

/// The log, filtered. With `--measure`, only the events that name the measure's handles are
/// read (the mentions index); otherwise every event is.
pub fn log(store: &Store, filter: &LogFilter) -> Result<Vec<Event>, StoreError> {
    let Some(measure) = &filter.measure else {
        let events = store.events()?;
        return Ok(filter_log(&events, filter).into_iter().cloned().collect());
    };
    let identities = Identities::from_index(&store.identity_index()?);
    let events: Vec<Event> = events_about_measure(store, &identities, measure)?
        .into_values()
        .collect();
    Ok(filter_log_with(&identities, &events, filter)
        .into_iter()
        .cloned()
        .collect())
}

/// Every event about a measure (any of its ids) or a target key: read through the mentions
/// index for each handle the measure was recorded under, and the target index.
pub fn history(store: &Store, id: &str) -> Result<HistoryView, StoreError> {
    let titles = titles(&store.document_events()?);
    let identities = Identities::from_index(&store.identity_index()?);
    let mut by_seq = events_about_measure(store, &identities, id)?;
    for event in store.events_of_target(id)? {
        by_seq.insert(event.seq, event);
    }
    let events: Vec<Event> = by_seq.into_values().collect();
    Ok(history_from(&titles, &identities, &events, id))
}

/// The events that name any handle the measure `id` (any of its ids) was recorded under, by
/// seq; none for an id no measure is known by.
fn events_about_measure(
    store: &Store,
    identities: &Identities,
    id: &str,
) -> Result<BTreeMap<u64, Event>, StoreError> {
    let mut by_seq = BTreeMap::new();
    if let Some(canonical) = identities.resolve(id) {
        for recorded in identities.recorded_ids_of(canonical) {
            for event in store.events_mentioning(recorded)? {
                by_seq.insert(event.seq, event);
            }
        }
    }
    Ok(by_seq)
}

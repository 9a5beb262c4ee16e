//! Answers from the store: what a view needs, read through the store's indexes, folded by the
//! same projections that fold the whole event list.
//!
//! Invariant: every answer here is the reference fold's answer over all events
//! (`project::state::state` and friends) — it only reads less. `tests/it/order_independence.rs`
//! holds the two against each other on a generated corpus ingested in random orders. What needs
//! every event (`log`, proofs, `state --as-known-at`) reads them a frame at a time and keeps
//! what the answer needs (the indexes as they stood, a leaf hash an event), never the events.

use crate::identity::Identities;
use crate::ledger::checkpoint::{Checkpoint, CheckpointError, Leaves, Proof};
use crate::ledger::index::{IdentityIndex, IndexEntries, Observations, TargetObservation};
use crate::ledger::merkle::Frontier;
use crate::ledger::store::{document_events, EventRanges, EventsRead, MentionedEvent};
use crate::ledger::{Event, EventBody, HistoryEvent, Store, StoreError};
use crate::project::diff::{compare, earlier_query, DiffView};
use crate::project::documents::DocumentRecord;
use crate::project::history::{history_from, HistoryView};
use crate::project::log::{LogFilter, LogSelection};
use crate::project::meetings::{resolve_at, resolve_or_latest};
use crate::project::state::{
    documents_speaking_at, latest_observations, shown_plan, state_from, StateQuery, StateView,
};
use crate::source::meeting::{Meeting, MeetingRefError};

/// A question the ledger cannot answer as asked: the store failed, or a meeting reference does
/// not name a meeting it can place in time.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Meeting(#[from] MeetingRefError),
    #[error(transparent)]
    Checkpoint(#[from] crate::ledger::checkpoint::CheckpointError),
}

impl QueryError {
    pub fn kind(&self) -> crate::FailureKind {
        match self {
            QueryError::Store(store) => store.kind(),
            QueryError::Meeting(_) | QueryError::Checkpoint(_) => crate::FailureKind::BadInput,
        }
    }
}

/// The plan at a meeting as asked for in words (the CLI's `state` and the web view's plan page
/// and `/api/state` ask alike, so their answers are the same document).
#[derive(Debug, Clone, Default)]
pub struct StateRequest {
    /// A meeting reference (第92回, 92, a day); the latest dated meeting when absent.
    pub at: Option<String>,
    pub as_known_at: Option<u64>,
    pub section: Option<String>,
    pub plan: Option<String>,
}

/// [`state`] for a request whose meeting is a reference as typed (a question about an earlier
/// head read from the store as it folds; [`read_state_at`] is the form that lets the store go
/// first).
pub fn state_at(store: &Store, request: &StateRequest) -> Result<StateView, QueryError> {
    let indexed = Indexed::read(store, request.as_known_at.is_none())?;
    let query = query_of(&indexed.documents, request)?;
    Ok(match query.as_known_at {
        Some(limit) => state_known_at(store, limit, &query)?,
        None => state_in(store, &indexed, &query)?,
    })
}

/// The state query a request asks, its meeting resolved among `documents`.
fn query_of(
    documents: &[DocumentRecord],
    request: &StateRequest,
) -> Result<StateQuery, QueryError> {
    let at = resolve_or_latest(documents, request.at.as_deref())?;
    Ok(StateQuery {
        as_known_at: request.as_known_at,
        section: request.section.clone(),
        plan: request.plan.clone(),
        ..StateQuery::at(at)
    })
}

/// What a state request takes from the store: the answer itself (from the indexes), or, for
/// what the ledger knew at an earlier head, the events up to it as they rest, to be decoded
/// and folded once the store is closed ([`StateReading::answer`]) — so a server holds the
/// ledger for a copy, not for work that grows with the ledger.
pub enum StateReading {
    Answered(Box<StateView>),
    KnownAt {
        events: Box<crate::ledger::store::RestingEvents>,
        query: StateQuery,
    },
}

impl StateReading {
    /// The plan the request asked for.
    pub fn answer(self) -> Result<StateView, QueryError> {
        match self {
            StateReading::Answered(view) => Ok(*view),
            StateReading::KnownAt { events, query } => {
                let limit = query.as_known_at.unwrap_or(u64::MAX);
                Ok(state_known_at(&*events, limit, &query)?)
            }
        }
    }
}

/// Reads what [`state_at`] needs from the store (see [`StateReading`]).
pub fn read_state_at(store: &Store, request: &StateRequest) -> Result<StateReading, QueryError> {
    let indexed = Indexed::read(store, request.as_known_at.is_none())?;
    let query = query_of(&indexed.documents, request)?;
    Ok(match query.as_known_at {
        Some(limit) => StateReading::KnownAt {
            events: Box::new(store.events_resting_through(limit)?),
            query,
        },
        None => StateReading::Answered(Box::new(state_in(store, &indexed, &query)?)),
    })
}

/// A diff as asked for in words (the CLI's `diff` and the web view's 新旧対照表 and `/api/diff`).
#[derive(Debug, Clone, Default)]
pub struct DiffRequest {
    pub since: String,
    /// The later meeting; the latest dated meeting when absent.
    pub until: Option<String>,
    pub plan: Option<String>,
}

/// [`diff`] for a request whose meetings are references as typed.
pub fn diff_of(store: &Store, request: &DiffRequest) -> Result<DiffView, QueryError> {
    let indexed = Indexed::read(store, true)?;
    let since = resolve_at(&indexed.documents, &request.since)?;
    let until = resolve_or_latest(&indexed.documents, request.until.as_deref())?;
    let (since, until) = crate::project::diff::queries_between(since, until, request.plan.clone())?;
    Ok(diff_in(store, &indexed, &since, &until)?)
}

/// A follow-through report as asked for in words (the CLI's `progress`).
#[derive(Debug, Clone, Default)]
pub struct ProgressRequest {
    pub since: String,
    /// The later meeting; the latest dated meeting when absent.
    pub until: Option<String>,
    pub plan: Option<String>,
    /// Only this bureau's actions (a part of its name).
    pub bureau: Option<String>,
}

/// What became of every action planned at `since`, at `until`: the two states `diff` compares.
pub fn progress_of(
    store: &Store,
    request: &ProgressRequest,
) -> Result<crate::project::progress::ProgressView, QueryError> {
    let indexed = Indexed::read(store, true)?;
    let since = resolve_at(&indexed.documents, &request.since)?;
    let until = resolve_or_latest(&indexed.documents, request.until.as_deref())?;
    let (since, until) = crate::project::diff::queries_between(since, until, request.plan.clone())?;
    let after = state_in(store, &indexed, &until)?;
    let earlier = earlier_query(&since, &until, &after);
    let before = state_in(store, &indexed, &earlier)?;
    Ok(crate::project::progress::progress(
        &before,
        &after,
        earlier.plan,
        request.bureau.as_deref(),
    ))
}

/// The plan at a date. Reads the documents, the identity index, the events of the documents
/// that speak at the date and the figure and adoption events — not the rest of the ledger. A
/// question about what the ledger knew earlier (`as_known_at`) reads the events up to that
/// point once, to gather those indexes as they then stood ([`state_known_at`]).
pub fn state(store: &Store, query: &StateQuery) -> Result<StateView, StoreError> {
    state_in(store, &Indexed::read_for(store, &[query])?, query)
}

/// What every state reads whole from the store's indexes — the documents' records, the
/// identities, the figure observations — read once for a question, however many states it
/// folds (a diff folds two).
#[derive(Default)]
struct Indexed {
    documents: Vec<DocumentRecord>,
    identities: Identities,
    observations: Observations,
}

impl Indexed {
    /// The indexes `queries` fold over: none when every one asks about an earlier head (those
    /// fold that head's events instead).
    fn read_for(store: &Store, queries: &[&StateQuery]) -> Result<Indexed, StoreError> {
        if queries.iter().all(|query| query.as_known_at.is_some()) {
            return Ok(Indexed::default());
        }
        Indexed::read(store, true)
    }

    /// The documents' records, and with `rest` the identities and the figure observations —
    /// read side by side: each is a walk of a sled tree of its own (at 1M ~6 ms the records,
    /// ~8 the observations), which read one after the other left the second core idle.
    fn read(store: &Store, rest: bool) -> Result<Indexed, StoreError> {
        if !rest {
            return Ok(Indexed {
                documents: store.document_records()?,
                ..Indexed::default()
            });
        }
        let (documents, rest) = crate::side_by_side(
            || store.document_records(),
            || -> Result<_, StoreError> {
                Ok((
                    Identities::from_index(&store.identity_index()?),
                    store.all_target_observations()?,
                ))
            },
        );
        let (documents, (identities, observations)) = (documents?, rest?);
        Ok(Indexed {
            documents,
            identities,
            observations,
        })
    }
}

/// [`state`] over the indexes as read (which a question about an earlier head does not use).
fn state_in(store: &Store, indexed: &Indexed, query: &StateQuery) -> Result<StateView, StoreError> {
    match query.as_known_at {
        Some(limit) => state_known_at(store, limit, query),
        None => fold_indexed(store, indexed, query),
    }
}

/// [`state`] as the ledger knew it through seq `limit`, from `events` (the store, or its frames
/// copied out): one pass over the events through `limit` gathers what the indexes would hold
/// for that prefix (documents with their corrections, identities, figure observations,
/// adoptions), then only the events the fold needs are read again — so what is held is those
/// indexes, not the events (the reference `project::state::state` holds them all).
pub fn state_known_at(
    events: &impl EventRanges,
    limit: u64,
    query: &StateQuery,
) -> Result<StateView, StoreError> {
    let mut documents = crate::project::documents::DocumentsFold::default();
    let mut identity = IdentityIndex::default();
    let mut observations = Vec::new();
    let mut adoptions = Vec::new();
    for event in events.events_in(0, limit) {
        let event = event?;
        documents.add(&event);
        if let Some(entries) = IndexEntries::of(&event) {
            identity.add(entries);
        }
        observations.extend(TargetObservation::of(&event));
        if matches!(event.body, EventBody::PlanAdopted { .. }) {
            adoptions.push(event);
        }
    }
    let indexed = Indexed {
        documents: documents.records(),
        identities: Identities::from_index(&identity),
        observations: Observations::of(&observations),
    };
    let known = KnownThrough {
        events,
        limit,
        adoptions,
    };
    let query = StateQuery {
        as_known_at: None,
        ..query.clone()
    };
    fold_indexed(&known, &indexed, &query)
}

/// What [`fold_indexed`] reads beyond the indexes: a document's events, the events an index
/// names, the plans' adoptions.
trait IndexedReads {
    fn events_of_document(&self, seq: u64) -> Result<Vec<Event>, StoreError>;
    fn events_at(&self, seqs: &[u64], index: &'static str) -> Result<Vec<Event>, StoreError>;
    fn adoption_events(&self) -> Result<Vec<Event>, StoreError>;
}

impl IndexedReads for Store {
    fn events_of_document(&self, seq: u64) -> Result<Vec<Event>, StoreError> {
        Store::events_of_document(self, seq)
    }

    fn events_at(&self, seqs: &[u64], index: &'static str) -> Result<Vec<Event>, StoreError> {
        Store::events_at(self, seqs, index)
    }

    fn adoption_events(&self) -> Result<Vec<Event>, StoreError> {
        Store::adoption_events(self)
    }
}

/// The ledger as it stood at seq `limit`: no event after it is read.
struct KnownThrough<'e, E> {
    events: &'e E,
    limit: u64,
    adoptions: Vec<Event>,
}

impl<E: EventRanges> IndexedReads for KnownThrough<'_, E> {
    fn events_of_document(&self, seq: u64) -> Result<Vec<Event>, StoreError> {
        document_events(self.events.events_in(seq, self.limit))
    }

    fn events_at(&self, seqs: &[u64], index: &'static str) -> Result<Vec<Event>, StoreError> {
        seqs.iter()
            .map(|&seq| {
                self.events
                    .events_in(seq, seq.min(self.limit))
                    .find(|event| event.as_ref().map_or(true, |e| e.seq == seq))
                    .unwrap_or(Err(StoreError::CorruptIndex { tree: index }))
            })
            .collect()
    }

    fn adoption_events(&self) -> Result<Vec<Event>, StoreError> {
        Ok(self.adoptions.clone())
    }
}

/// [`state`] from the indexes as read and the events they lead to.
fn fold_indexed(
    reads: &impl IndexedReads,
    indexed: &Indexed,
    query: &StateQuery,
) -> Result<StateView, StoreError> {
    let Indexed {
        documents,
        identities,
        observations,
    } = indexed;
    let mut events = events_speaking_at(reads, documents, query.date)?;
    // The figures: each one's shown observation is chosen from the target index, so only the
    // chosen events are read (with the plan adoptions their deadlines count from).
    let plan = shown_plan(documents, identities, &events, query);
    let dated: Vec<&DocumentRecord> = documents
        .iter()
        .filter(|d| !d.withdrawn() && d.meeting.date.is_some_and(|day| day <= query.date))
        .collect();
    let chosen = latest_observations(
        observations
            .views()
            .filter_map(|o| Some((o, document_holding(documents, o.seq)?))),
        &dated,
        plan.as_deref(),
    );
    let mut facts: Vec<u64> = chosen.into_values().collect();
    facts.sort_unstable();
    // Exactly the chosen observations: the rule that chose them is not a plain maximum (a
    // correction replaces an equal day's value), so a subset of the others could choose
    // another (the speaking documents' own observations among them).
    events.retain(|event| {
        !matches!(event.body, EventBody::TargetChanged { .. })
            || facts.binary_search(&event.seq).is_ok()
    });
    events.extend(reads.events_at(&facts, "targets")?);
    events.extend(reads.adoption_events()?);
    events.sort_by_key(|event| event.seq);
    events.dedup_by_key(|event| event.seq);
    Ok(state_from(documents.clone(), identities, &events, query))
}

/// The hash of the document whose events include `seq`: one document's events are contiguous
/// and start at its record's seq, so it is the last document starting at or before `seq`.
fn document_holding(documents: &[DocumentRecord], seq: u64) -> Option<&str> {
    let after = documents.partition_point(|d| d.seq <= seq);
    documents
        .get(after.checked_sub(1)?)
        .map(|d| d.hash.as_str())
}

/// What changed between two states, each read as [`state`] reads it.
pub fn diff(store: &Store, since: &StateQuery, until: &StateQuery) -> Result<DiffView, StoreError> {
    diff_in(
        store,
        &Indexed::read_for(store, &[since, until])?,
        since,
        until,
    )
}

fn diff_in(
    store: &Store,
    indexed: &Indexed,
    since: &StateQuery,
    until: &StateQuery,
) -> Result<DiffView, StoreError> {
    let after = state_in(store, indexed, until)?;
    let earlier = earlier_query(since, until, &after);
    let before = state_in(store, indexed, &earlier)?;
    Ok(compare(&before, &after, earlier.plan))
}

/// Every event of the documents that speak at `date` (see [`documents_speaking_at`]).
fn events_speaking_at(
    reads: &impl IndexedReads,
    documents: &[DocumentRecord],
    date: time::Date,
) -> Result<Vec<Event>, StoreError> {
    let mut events = Vec::new();
    for document in documents_speaking_at(documents, date) {
        events.extend(reads.events_of_document(document.seq)?);
    }
    Ok(events)
}

/// The timeline: milestones come only from slides, so only the slides' events are read.
pub fn timeline(
    store: &Store,
    about: Option<&str>,
) -> Result<crate::project::timeline::TimelineView, StoreError> {
    let documents = store.document_records()?;
    let events = slides_events(store, &documents)?;
    Ok(crate::project::timeline::timeline(
        &documents, &events, about,
    ))
}

/// Every event of the slides (where milestones are stated).
fn slides_events(store: &Store, documents: &[DocumentRecord]) -> Result<Vec<Event>, StoreError> {
    let mut events = Vec::new();
    for document in documents
        .iter()
        .filter(|d| d.format == crate::source::manifest::DocumentFormat::Slides)
    {
        events.extend(store.events_of_document(document.seq)?);
    }
    Ok(events)
}

/// The log, filtered, an event at a time in chain order. With `--measure`, only the events
/// that name the measure's handles are read (the mentions index); otherwise every event is,
/// and none is kept once passed on.
pub fn log<'s>(store: &'s Store, filter: &'s LogFilter) -> Result<EventsRead<'s>, StoreError> {
    let Some(measure) = &filter.measure else {
        let selection = LogSelection::new(Identities::default(), filter);
        return Ok(Box::new(store.events_in(0, u64::MAX).filter(move |read| {
            read.as_ref().map_or(true, |event| selection.passes(event))
        })));
    };
    let identities = Identities::from_index(&store.identity_index()?);
    let about = events_about_measure(store, &identities, measure)?;
    let selection = LogSelection::new(identities, filter);
    let events: Vec<Event> = about
        .into_iter()
        .filter(|event| selection.passes(event))
        .collect();
    Ok(Box::new(events.into_iter().map(Ok)))
}

/// Every event about a measure (any of its ids) or a target key: read through the mentions
/// index for each handle the measure was recorded under, and the target index.
pub fn history(store: &Store, id: &str) -> Result<HistoryView, StoreError> {
    history_with_documents(store, id).map(|(view, _)| view)
}

/// [`history`] and the documents' records it read (a page that cites them need not read them
/// again: at 1M events they take ~5 ms).
pub fn history_with_documents(
    store: &Store,
    id: &str,
) -> Result<(HistoryView, Vec<DocumentRecord>), StoreError> {
    // The records are read beside the measure's events (which need the identities first).
    let (documents, read) = crate::side_by_side(
        || store.document_records(),
        || -> Result<_, StoreError> {
            let identities = Identities::from_index(&store.identity_index()?);
            // Read as a history reads them: their digests, sections and lineage are not kept.
            let mut events: Vec<HistoryEvent> = events_about_measure(store, &identities, id)?;
            // The targets index is read whole to find a key: not for an id no key can be.
            if crate::extract::figures::may_be_target_key(id) {
                let observations = store.events_of_target(id)?;
                events.extend(observations.into_iter().filter_map(HistoryEvent::of));
            }
            Ok((identities, events))
        },
    );
    let (documents, (identities, mut events)) = (documents?, read?);
    // The milestones that may name the measure's plan: they are only in slides.
    let milestones: Vec<Event> = slides_events(store, &documents)?
        .into_iter()
        .filter(|event| matches!(event.body, EventBody::MilestoneStated { .. }))
        .collect();
    in_chain_order(&mut events);
    let view = history_from(&documents, &identities, events, &milestones, id);
    Ok((view, documents))
}

/// The events that name any handle the measure `id` (any of its ids) was recorded under, in
/// chain order; none for an id no measure is known by.
fn events_about_measure<T: MentionedEvent>(
    store: &Store,
    identities: &Identities,
    id: &str,
) -> Result<Vec<T>, StoreError> {
    let mut events = Vec::new();
    if let Some(canonical) = identities.resolve(id) {
        for recorded in identities.recorded_ids_of(canonical) {
            let read = store.events_mentioning(recorded)?;
            // Most measures have one recorded id: its events are taken as read rather than moved
            // into an empty list (an allocation and a copy of thousands of events of a few hundred bytes).
            if events.is_empty() {
                events = read;
            } else {
                events.extend(read);
            }
        }
    }
    in_chain_order(&mut events);
    Ok(events)
}

/// Events gathered from several reads put in chain order, each once. (An event is a few
/// hundred bytes and a long history thousands of them: sorted in place — each read's are in order already —
/// rather than moved through a map.)
fn in_chain_order<T: MentionedEvent>(events: &mut Vec<T>) {
    events.sort_by_key(|event| event.seq());
    events.dedup_by_key(|event| event.seq());
}

/// The proof that event `index` is in the tree of the first `size` events (the whole ledger
/// when `None`).
pub fn inclusion_proof(store: &Store, index: u64, size: Option<u64>) -> Result<Proof, QueryError> {
    let size = tree_size(store, size)?;
    // Refused before the ledger is read (the proof would refuse it after).
    if index >= size {
        let refusal = crate::ledger::merkle::ProofError::IndexOutOfRange { index, size };
        return Err(CheckpointError::from(refusal).into());
    }
    Ok(Proof::inclusion_of(leaves_through(
        store,
        size,
        Some(index),
    )?)?)
}

/// The proof that the tree of the first `old` events is a prefix of the tree of the first `new`
/// (the whole ledger when `None`).
pub fn consistency_proof(store: &Store, old: u64, new: Option<u64>) -> Result<Proof, QueryError> {
    let new = tree_size(store, new)?;
    Ok(Proof::consistency_of(
        &leaves_through(store, new, None)?,
        old,
    )?)
}

/// The size of the tree a proof is asked for: the ledger's when none is given; refused when
/// the ledger holds fewer events.
fn tree_size(store: &Store, size: Option<u64>) -> Result<u64, QueryError> {
    let held = store.head()?.map_or(0, |(seq, _)| seq + 1);
    let size = size.unwrap_or(held);
    if size > held {
        return Err(CheckpointError::BeyondLedger { size, events: held }.into());
    }
    Ok(size)
}

/// The leaves of the first `size` events, read an event at a time.
fn leaves_through(store: &Store, size: u64, about: Option<u64>) -> Result<Leaves, QueryError> {
    let mut leaves = Leaves::about(about);
    if let Some(last) = size.checked_sub(1) {
        for event in store.events_in(0, last) {
            leaves.add(&event?)?;
        }
    }
    Ok(leaves)
}

/// The ledger's size through `meeting`'s last document (its events are the last of that
/// meeting: one document's events are contiguous), or the whole ledger's size; `None` when the
/// meeting has no documents. Read from the documents' records, not the events.
pub fn size_through(store: &Store, meeting: Option<&Meeting>) -> Result<Option<u64>, StoreError> {
    let held = store.head()?.map_or(0, |(seq, _)| seq + 1);
    let Some(meeting) = meeting else {
        return Ok(Some(held));
    };
    let documents = store.document_records()?;
    let Some(last) = documents.iter().rposition(|d| d.meeting == *meeting) else {
        return Ok(None);
    };
    Ok(Some(documents.get(last + 1).map_or(held, |next| next.seq)))
}

/// The checkpoint of the first `size` events (a document's end, see [`size_through`]), from the
/// Merkle frontier the store keeps there: a few reads, whatever the ledger's size. Equal to
/// `Checkpoint::of_events` over those events.
pub fn checkpoint(store: &Store, origin: &str, size: u64) -> Result<Checkpoint, StoreError> {
    if size == 0 {
        return Ok(Checkpoint::of_frontier(origin, &Frontier::default(), None));
    }
    let frontier = store
        .frontier_at(size)?
        .ok_or(StoreError::CorruptIndex { tree: "frontiers" })?;
    let last = match size.checked_sub(1) {
        Some(seq) => Some(
            store
                .event(seq)?
                .ok_or(StoreError::CorruptIndex { tree: "frontiers" })?,
        ),
        None => None,
    };
    Ok(Checkpoint::of_frontier(origin, &frontier, last.as_ref()))
}

/// The checkpoint of the whole ledger, or of the ledger through a meeting's last document (the
/// meeting named in an extension line), as `planledger checkpoint [--at]` prints it.
pub fn checkpoint_at(
    store: &Store,
    origin: &str,
    at: Option<&str>,
) -> Result<Checkpoint, QueryError> {
    let Some(reference) = at else {
        let size = size_through(store, None)?.unwrap_or(0);
        return Ok(checkpoint(store, origin, size)?);
    };
    let meeting = crate::project::meetings::find_meeting(&store.document_records()?, reference)?;
    let size = size_through(store, Some(&meeting))?.ok_or_else(|| {
        crate::ledger::checkpoint::CheckpointError::NoEventsOf {
            meeting: meeting.to_string(),
        }
    })?;
    let mut checkpoint = checkpoint(store, origin, size)?;
    checkpoint.extensions.push(format!("meeting {meeting}"));
    Ok(checkpoint)
}

//! Verification: recomputes everything the ledger claims from the stored bytes.
//!
//! Checks, in chain order: each event's bytes are canonical JCS, its hash recomputes, its `seq`
//! matches its key and position, its `prev` is the previous hash; the head in `meta` is the last
//! event; every ingested document's blob hashes to its name and has its recorded length; every
//! statement's quoted text is found at its lines in its blob; every index entry equals what the
//! events imply, and no index holds more; formats never decrease along the chain; with `--deep`,
//! every document's events are what its derivation (`ingest::derive`), replayed, appends. Every failure is collected (a user learns all of them
//! in one run); the report names the first failing sequence number.
//!
//! Invariant: one pass over the events, each checked as it is read and then dropped, so memory
//! does not grow with the number of events (only with one document, the distinct statements
//! and the documents' hashes).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::checkpoint::leaf_of;
use super::digests::digests;
use super::event::{
    digest_around, hash_of_value_without_hash, Event, EventBody, EVENT_FORMAT_VERSION, GENESIS_HASH,
};
use super::index::{
    corrected_docs_entry, decode_document, frontier_entry, is_correction, records_entry,
    starts_append, AppendEntries, AppendPairs, EventEntries, IdentityIndex, IndexEntries,
    IndexTree, MentionEntry,
};
use super::jcs::{canonicalize, Encoder};
use super::merkle::{leaf_hash, Blake3Hash, Frontier};
use super::store::{MentionCursor, RecordedHead, Store, StoreError, HEAD_FILE_NAME};
use crate::extract::torikumi::{inline_bureau, strip_bullet};
use crate::identity::Identities;
use crate::ingest::derive::{derive, Filing, Prior, SharedEvents};
use crate::ingest::IngestOptions;
use crate::project::documents::DocumentRecord;
use crate::source::decode::decode;
use crate::source::manifest::{CuratedFact, DocumentDescription};
use crate::source::normalize::{
    comparison_key, comparison_key_cow, has_comparison_key, line_content,
};

/// One thing that did not check out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Failure {
    /// The event it concerns, when it concerns one.
    pub seq: Option<u64>,
    /// The document it concerns, when it concerns one.
    pub document: Option<String>,
    pub what: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    /// Whether documents were re-extracted (`--deep`).
    pub deep: bool,
    pub n_events: u64,
    pub n_documents: u64,
    pub head: Option<(u64, String)>,
    pub failures: Vec<Failure>,
    /// How the events and documents rest on disk (the store layout read).
    pub layout: String,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failure with the lowest sequence number (store-wide failures come last).
    pub fn first_failure(&self) -> Option<&Failure> {
        self.failures
            .iter()
            .min_by_key(|failure| (failure.seq.is_none(), failure.seq))
    }
}

/// The file beside the store where `verify` leaves its last result.
pub const LAST_VERIFICATION_FILE: &str = "last-verify.json";

/// What the last `verify` of a ledger found, kept beside the store so that a reader (the web
/// view) can show it without repeating a pass that takes seconds at scale. It says what was
/// verified (the head then); events appended since are not covered by it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct VerificationRecord {
    /// When `verify` ran (RFC 3339).
    pub verified_at: String,
    pub deep: bool,
    pub ok: bool,
    pub n_events: u64,
    pub n_documents: u64,
    /// The head verified: seq and hash.
    pub head: Option<(u64, String)>,
    pub failures: usize,
    /// The first failure, as `verify` prints it.
    pub first_failure: Option<String>,
}

impl VerificationRecord {
    pub fn of(report: &VerifyReport, verified_at: String) -> VerificationRecord {
        VerificationRecord {
            verified_at,
            deep: report.deep,
            ok: report.is_ok(),
            n_events: report.n_events,
            n_documents: report.n_documents,
            head: report.head.clone(),
            failures: report.failures.len(),
            first_failure: report.first_failure().map(|failure| {
                let at = failure
                    .seq
                    .map_or_else(|| "the store".to_owned(), |seq| format!("seq {seq}"));
                format!("{at}: {}", failure.what)
            }),
        }
    }

    /// Whether `store` still holds the head this record verified (the event at its seq has its
    /// hash): after a rollback or a rewrite it does not, and the record vouches for nothing.
    pub fn still_holds(&self, store: &Store) -> Result<bool, StoreError> {
        Ok(match &self.head {
            None => true,
            Some((seq, hash)) => store.event(*seq)?.is_some_and(|event| event.hash == *hash),
        })
    }

    /// Writes the record into the ledger's folder, whole or not at all (a temporary file
    /// renamed over the last one), so a reader never sees half of it.
    pub fn save(&self, ledger: &std::path::Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let mut file = tempfile::NamedTempFile::new_in(ledger)?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.persist(ledger.join(LAST_VERIFICATION_FILE))
            .map_err(|error| error.error)?;
        Ok(())
    }

    /// The last record in the ledger's folder: `None` when `verify` never ran there; an error
    /// message when the file is there but unreadable.
    pub fn load(ledger: &std::path::Path) -> Option<Result<VerificationRecord, String>> {
        let path = ledger.join(LAST_VERIFICATION_FILE);
        let text = match std::fs::read_to_string(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => return Some(Err(format!("cannot read {}: {error}", path.display()))),
            Ok(text) => text,
        };
        Some(
            serde_json::from_str(&text).map_err(|error| {
                format!("{} is not a verification record: {error}", path.display())
            }),
        )
    }
}

pub fn verify(store: &Store, deep: bool) -> Result<VerifyReport, StoreError> {
    verify_with(store, deep, None)
}

/// [`verify`], and that the ledger extends a checkpoint saved earlier (an auditor kept the
/// 第92回 one): checked by a consistency proof from the checkpoint's size to today's, so a
/// rollback or a rewrite of anything the checkpoint covers fails.
pub fn verify_against(
    store: &Store,
    deep: bool,
    saved: &super::checkpoint::Checkpoint,
) -> Result<VerifyReport, StoreError> {
    verify_with(store, deep, Some(saved))
}

/// Both, over one read of the store, in bounded memory: each event is checked as it is read and
/// dropped — what is kept is one document's lines (and, with `deep`, its statements), the
/// identity index being rebuilt (distinct statements, not events), the Merkle frontier and the
/// documents' hashes.
fn verify_with(
    store: &Store,
    deep: bool,
    saved: Option<&super::checkpoint::Checkpoint>,
) -> Result<VerifyReport, StoreError> {
    let recorded = store.recorded_head();
    let recorded_seq = match &recorded {
        RecordedHead::Recorded { seq, .. } => Some(*seq),
        _ => None,
    };
    let blob_of = |hash: &str| store.blob(hash).map_err(|error| error.to_string());
    let mut chain = ChainCheck::default();
    let mut documents = DocumentCheck::default();
    // A document's replay needs only the state before it, so replays run on other threads
    // while this one reads on: the passes overlap instead of adding up. The channel holds one
    // document, so memory stays that of a document's derivation per replaying thread, and one
    // more.
    std::thread::scope(|scope| {
        let mut replay = deep.then(|| {
            let (jobs, queue) = std::sync::mpsc::sync_channel::<(usize, ReplayJob)>(1);
            // Each job is self-contained, so documents replay on as many threads as there are
            // processors, each taking the next job when it is free.
            let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
            let workers: Vec<_> = (0..processors())
                .map(|_| {
                    let queue = std::sync::Arc::clone(&queue);
                    scope.spawn(move || {
                        let mut failures = Vec::new();
                        loop {
                            let job = match queue.lock() {
                                Ok(queue) => queue.recv(),
                                Err(_) => break,
                            };
                            let Ok((number, job)) = job else {
                                break;
                            };
                            failures.push((number, job.run(store)));
                        }
                        failures
                    })
                })
                .collect();
            (ReplayCheck::new(jobs), workers)
        });
        let mut failures = Vec::new();
        let mut indexes = IndexCheck::default();
        let (mut mentions_to_check, mentions_checked) = {
            let (batches, received) = std::sync::mpsc::sync_channel::<Vec<MentionEntry>>(4);
            let checker = scope.spawn(move || check_mentions(store, received));
            (Some(batches), checker)
        };
        let mut frontier = Frontier::<Blake3Hash>::default();
        let mut saved_root = None;
        let mut at_recorded = None;
        let mut last: Option<(u64, String)> = None;
        let mut n_events = 0u64;
        let mut n_documents = 0u64;
        let mut indexes_unreadable = false;
        // Reading and the checks of each encoding alone (parse, canonical form, hash) run on
        // other threads, batches ahead of the checks that need the chain before them.
        for read in read_ahead(scope, store) {
            // Storage that cannot be read is a finding with its place, not a reason to stop
            // without one: everything after it is unread, and said so.
            let (seq, bytes, well_formed, leaf) = match read {
                Ok(read) => read,
                Err(error) => {
                    failures.push(Failure {
                        seq: last.as_ref().map(|(seq, _)| seq + 1),
                        document: None,
                        what: format!(
                            "the stored events cannot be read past {}: {error}; nothing after it was checked — restore the ledger from an export",
                            last.as_ref().map_or_else(|| "the start".to_owned(), |(seq, _)| format!("seq {seq}"))
                        ),
                    });
                    break;
                }
            };
            n_events += 1;
            if saved.is_some_and(|saved| saved.size == frontier.size()) {
                saved_root = Some(frontier.root());
            }
            let Some(event) = chain.next_checked(seq, &bytes, well_formed, &mut failures) else {
                // Unreadable: its leaf is unknown, so no root after it can be recomputed.
                frontier = Frontier::default();
                continue;
            };
            if matches!(event.body, EventBody::DocumentIngested { .. }) {
                n_documents += 1;
            }
            if recorded_seq == Some(seq) {
                at_recorded = Some(event.hash.clone());
            }
            documents.next(&event, &blob_of, &mut failures);
            let replayed = replay
                .as_mut()
                .is_some_and(|(replay, _)| replay.next(&event, &indexes, &mut failures));
            let checked = indexes.next(store, &event, &bytes, &frontier);
            let pending = indexes.take_pending_mentions();
            if !pending.is_empty() {
                // A checker that stopped has its error, said when it is joined.
                if let Some(Err(_)) = mentions_to_check.as_ref().map(|c| c.send(pending)) {
                    mentions_to_check = None;
                }
            }
            if let Err(error) = checked {
                if !indexes_unreadable {
                    failures.push(Failure {
                        seq: Some(event.seq),
                        document: None,
                        what: format!("the indexes cannot be read here ({error}): run `planledger reindex` to rebuild them from the events"),
                    });
                }
                indexes_unreadable = true;
            }
            // A well-formed event's leaf was hashed where it was read; another's is hashed here.
            match leaf.map_or_else(|| leaf_of(&event), Ok) {
                Ok(leaf) if frontier.size() == n_events - 1 => frontier.push(leaf),
                _ => {}
            }
            match &mut replay {
                Some((replay, _)) if replayed => {
                    last = Some((event.seq, event.hash.clone()));
                    replay.keep(event);
                }
                _ => last = Some((event.seq, event.hash)),
            }
        }
        if let Some((mut replay, workers)) = replay {
            replay.finish();
            drop(replay);
            let mut replayed = Vec::new();
            for worker in workers {
                match worker.join() {
                    Ok(found) => replayed.extend(found),
                    Err(_) => failures.push(Failure {
                        seq: None,
                        document: None,
                        what: "replay stopped on one of its threads: planledger failed while deriving a document (a defect of planledger; please report it with the ledger's export); the documents that thread replayed are not reported on".to_string(),
                    }),
                }
            }
            // In the order the documents were sent, whichever thread replayed them.
            replayed.sort_by_key(|(number, _)| *number);
            failures.extend(replayed.into_iter().flat_map(|(_, found)| found));
        }
        if saved.is_some_and(|saved| saved.size == frontier.size()) {
            saved_root = Some(frontier.root());
        }
        let head = match store.head() {
            Ok(head) => head,
            Err(error) => {
                failures.push(Failure {
                    seq: None,
                    document: None,
                    what: format!("the head the store keeps cannot be read: {error}"),
                });
                None
            }
        };
        if last != head {
            failures.push(Failure {
                seq: last.as_ref().map(|(seq, _)| *seq),
                document: None,
                what: format!("the recorded head {head:?} is not the last event {last:?}"),
            });
        }
        failures.extend(check_recorded_head(
            n_events,
            last.as_ref().map(|(seq, hash)| (*seq, hash.as_str())),
            at_recorded.as_deref(),
            &recorded,
        ));
        drop(mentions_to_check);
        match mentions_checked.join() {
            Ok(Ok(tally)) => indexes.add_mentions_checked(tally),
            Ok(Err(error)) => {
                failures.push(Failure {
                    seq: None,
                    document: None,
                    what: format!("the mention index cannot be read ({error}): run `planledger reindex` to rebuild it from the events"),
                });
                indexes_unreadable = true;
            }
            // A panic there is a defect of planledger, reported as one.
            Err(panic) => std::panic::resume_unwind(panic),
        }
        if !indexes_unreadable {
            if let Err(error) = indexes.finish(store, n_events, &frontier, &mut failures) {
                failures.push(Failure {
                    seq: None,
                    document: None,
                    what: format!("the indexes cannot be read ({error}): run `planledger reindex` to rebuild them from the events"),
                });
            }
        }
        if let Some(saved) = saved {
            failures.extend(check_extends_root(n_events, saved, saved_root.as_deref()));
        }
        // Stable: within one event, the failure found first (the cause) stays first.
        failures.sort_by_key(|failure| (failure.seq.is_none(), failure.seq));
        Ok(VerifyReport {
            deep,
            n_events,
            n_documents,
            head,
            failures,
            layout: store.layout_described().unwrap_or_else(|error| {
                format!("a layout whose documents cannot be listed ({error})")
            }),
        })
    })
}

/// Whether a ledger of `size` events, whose first `saved.size` events have the Merkle root
/// `root` (`None` when it could not be recomputed), extends the checkpoint `saved`.
fn check_extends_root(
    size: u64,
    saved: &super::checkpoint::Checkpoint,
    root: Option<&[u8]>,
) -> Vec<Failure> {
    let what = if size < saved.size {
        format!(
            "the ledger holds {size} events, fewer than the {} of the checkpoint it must extend: it was cut short or rolled back",
            saved.size
        )
    } else if root == Some(saved.root.as_slice()) {
        return Vec::new();
    } else {
        format!(
            "the ledger does not extend the checkpoint of {} events (the root of its first {} events differs): what the checkpoint covers was rewritten",
            saved.size, saved.size
        )
    };
    vec![Failure {
        seq: None,
        document: None,
        what,
    }]
}

/// The ledger must extend the head recorded outside sled after every append: a store that lost
/// its tail, or was rolled back to an older copy, or rewritten, fails here naming both heads.
/// `empty` is the head of a store without events; `empty until SEQ HASH` also that of a store
/// whose first append committed exactly that head before `HEAD` was rewritten (a crash in
/// between). `last` is the store's last event.
pub fn check_recorded_head(
    held: u64,
    last: Option<(u64, &str)>,
    hash_at_recorded: Option<&str>,
    recorded: &RecordedHead,
) -> Vec<Failure> {
    let what = match recorded {
        RecordedHead::Missing if held == 0 => return Vec::new(),
        RecordedHead::Empty { .. } if held == 0 => return Vec::new(),
        RecordedHead::Empty { until: Some((seq, hash)) }
            if last == Some((*seq, hash.as_str())) && held == seq + 1 =>
        {
            return Vec::new()
        }
        RecordedHead::Empty { until: None } => format!(
            "the recorded head says the ledger is empty ({HEAD_FILE_NAME} reads `empty`) but the store holds {held} events: it may have been replaced"
        ),
        RecordedHead::Empty {
            until: Some((seq, hash)),
        } => format!(
            "the recorded head says the ledger was empty before a first append ending at seq {seq}, hash {hash} ({HEAD_FILE_NAME} reads `empty until …`), but the store holds {held} events{}: it may have been replaced",
            last.map_or_else(String::new, |(seq, hash)| format!(" ending at seq {seq}, hash {hash}"))
        ),
        RecordedHead::Missing => format!(
            "the store holds {held} events but no recorded head ({HEAD_FILE_NAME} is missing): it may have been replaced"
        ),
        RecordedHead::Unreadable(why) => format!("the recorded head cannot be read: {why}"),
        RecordedHead::Recorded { seq, hash } => match hash_at_recorded {
            Some(held_hash) if held_hash == hash => return Vec::new(),
            Some(held_hash) => format!(
                "event {seq} has hash {held_hash} but the recorded head is seq {seq}, hash {hash}: the ledger was rewritten"
            ),
            None => format!(
                "the ledger is shorter than its recorded head (seq {seq}, hash {hash}): it holds {held} events; it was cut short or rolled back — restore it from an export"
            ),
        },
    };
    vec![Failure {
        seq: None,
        document: None,
        what,
    }]
}

/// An event as the reading thread hands it on: its seq, its bytes, and the event and its Merkle
/// leaf when its encoding is well-formed (as [`well_formed`] judges; [`checked_batch`] hashes
/// the leaf while the event's hash is at hand).
type ReadAhead = Result<(u64, Vec<u8>, Option<Event>, Option<Vec<u8>>), StoreError>;

/// A stored event as read: its seq and bytes.
type Read = Result<(u64, Vec<u8>), StoreError>;

/// Events per batch handed from the reading thread to a checking one: enough that the events'
/// hashes, computed a batch at a time, fill the processor's lanes (grouped by their count of
/// blocks; 256 hashed 0.27 µs an event where 64 took 0.37 and one at a time 0.91).
const READ_AHEAD_BATCH: usize = 256;

/// Threads to give work that divides: the machine's processors, at most four.
fn processors() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// The stored events in chain order, each with what [`checked_batch`] finds in it: one thread
/// reads (and decompresses) them in batches, dealt in turn to as many checking threads as the
/// machine has processors (at most four), and the batches are taken back in the same turn, so
/// the order is the chain's whatever thread finishes first. Channels hold two batches each:
/// memory stays a few thousand events. Dropping the iterator stops the threads at their next
/// batch.
fn read_ahead<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    store: &'scope Store,
) -> impl Iterator<Item = ReadAhead> + 'scope {
    use std::sync::mpsc::sync_channel;
    let checkers = processors();
    let mut to_checkers = Vec::with_capacity(checkers);
    let mut from_checkers = Vec::with_capacity(checkers);
    for _ in 0..checkers {
        let (to_checker, batches) = sync_channel::<Vec<Read>>(2);
        let (checked, from_checker) = sync_channel::<Vec<ReadAhead>>(2);
        scope.spawn(move || {
            let mut encoder = Encoder::default();
            for batch in batches {
                let batch = checked_batch(batch, &mut encoder);
                if checked.send(batch).is_err() {
                    return;
                }
            }
        });
        to_checkers.push(to_checker);
        from_checkers.push(from_checker);
    }
    scope.spawn(move || {
        let mut batch = Vec::with_capacity(READ_AHEAD_BATCH);
        let mut checkers = to_checkers.iter().cycle();
        for read in store.raw_events() {
            let failed = read.is_err();
            batch.push(read);
            if failed || batch.len() == READ_AHEAD_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(READ_AHEAD_BATCH));
                let sent = checkers.next().is_some_and(|c| c.send(full).is_ok());
                if !sent || failed {
                    return;
                }
            }
        }
        if let Some(checker) = checkers.next() {
            let _ = checker.send(batch);
        }
    });
    (0..)
        .map_while(move |turn: usize| from_checkers.get(turn % checkers)?.recv().ok())
        .flatten()
}

/// The chain checks, one encoding at a time: each event's own checks ([`well_formed`]), its
/// seq, its link to the one before and its format's order.
pub(super) struct ChainCheck {
    position: u64,
    prev: String,
    /// The highest format version read so far: formats never decrease along the chain (an old
    /// format after a newer one is an event rewritten to dodge the newer format's rules).
    format: u32,
    /// Kept from one event to the next (an import checks every line through here).
    encoder: Encoder,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            position: 0,
            prev: GENESIS_HASH.to_owned(),
            format: 0,
            encoder: Encoder::default(),
        }
    }
}

impl ChainCheck {
    /// Checks the next encoding; the event, when it has the event shape.
    pub(super) fn next(
        &mut self,
        seq: u64,
        bytes: &[u8],
        failures: &mut Vec<Failure>,
    ) -> Option<Event> {
        let event = well_formed(bytes, &mut self.encoder).map(|(event, _)| event);
        self.next_checked(seq, bytes, event, failures)
    }

    /// [`ChainCheck::next`] of an encoding whose own checks were made: `well_formed` is what
    /// [`well_formed`] found in `bytes`.
    fn next_checked(
        &mut self,
        seq: u64,
        bytes: &[u8],
        well_formed: Option<Event>,
        failures: &mut Vec<Failure>,
    ) -> Option<Event> {
        let position = self.position;
        self.position += 1;
        let fail = |what: String| Failure {
            seq: Some(seq),
            document: None,
            what,
        };
        if seq != position {
            failures.push(fail(format!(
                "event {seq} stands at position {position}: an event is missing or out of order"
            )));
        }
        let event = match well_formed {
            Some(event) => event,
            None => checked_slowly(seq, bytes, failures)?,
        };
        if !(1..=EVENT_FORMAT_VERSION).contains(&event.v) {
            failures.push(fail(format!(
                "the event is of format version {}, which this planledger does not read (it reads 1 to {EVENT_FORMAT_VERSION})",
                event.v
            )));
        }
        if event.v < self.format {
            failures.push(fail(format!(
                "the event is of format {} after an event of format {}: formats never decrease along the chain",
                event.v, self.format
            )));
        }
        self.format = self.format.max(event.v);
        if event.seq != seq {
            // In a frame an event's place is its seq: one that says a later seq stands where an
            // event is missing.
            let missing = match event.seq.checked_sub(seq) {
                Some(1) => format!(": event {seq} is missing"),
                Some(2..) => format!(": events {seq}–{} are missing", event.seq - 1),
                _ => String::new(),
            };
            failures.push(fail(format!(
                "the event says seq {} where seq {seq} belongs{missing}",
                event.seq
            )));
        }
        if event.prev != self.prev {
            failures.push(fail(format!(
                "broken chain: prev is {}, the previous event's hash is {}",
                event.prev, self.prev
            )));
        }
        self.prev = event.hash.clone();
        Some(event)
    }
}

/// The event in `bytes` when they are exactly the canonical (RFC 8785) encoding of an event's
/// fields and hash to its `hash`: every check of [`checked_slowly`] passes then, and this finds
/// it with one parse and one encoding (the hash covers the encoding less its `hash` member, so
/// it is hashed from the same bytes), with the digest its `hash` writes; `encoder` is kept from
/// one event to the next. `None` leaves the event to [`checked_slowly`], which says what is
/// wrong.
fn well_formed(bytes: &[u8], encoder: &mut Encoder) -> Option<(Event, blake3::Hash)> {
    let (event, hash_member) = canonical_event(bytes, encoder)?;
    let digest = digest_around(bytes, hash_member)?;
    (digest.to_hex().as_str() == event.hash).then_some((event, digest))
}

/// The event in `bytes` when they are exactly the canonical encoding of its fields, with where
/// its `hash` member lies in them (the hash covers the rest).
fn canonical_event(bytes: &[u8], encoder: &mut Encoder) -> Option<(Event, std::ops::Range<usize>)> {
    let event = Event::from_bytes(bytes).ok()?;
    let (canonical, hash_member) = encoder.encode(&event, Some("hash")).ok()?;
    if canonical != bytes {
        return None;
    }
    Some((event, hash_member?))
}

/// Each read of a batch with what [`well_formed`] finds in its encoding — the same checks, the
/// hashes computed together ([`digests`]: events of a few hundred bytes hashed side by side on
/// the processor's vector lanes rather than one after the other) — and, for a well-formed
/// event, its Merkle leaf (hashed from the event's hash, at hand here).
fn checked_batch(batch: Vec<Read>, encoder: &mut Encoder) -> Vec<ReadAhead> {
    // What each canonical event's hash covers (its bytes less its `hash` member), laid end to
    // end in one buffer sized for all of them.
    let mut covered = Vec::with_capacity(
        batch
            .iter()
            .filter_map(|read| read.as_ref().ok().map(|(_, bytes)| bytes.len()))
            .sum(),
    );
    let mut spans = Vec::with_capacity(batch.len());
    let mut checked: Vec<ReadAhead> = batch
        .into_iter()
        .map(|read| {
            read.map(|(seq, bytes)| {
                let event = canonical_event(&bytes, encoder).and_then(|(event, hash_member)| {
                    let before = bytes.get(..hash_member.start)?;
                    let after = bytes.get(hash_member.end..)?;
                    let start = covered.len();
                    covered.extend_from_slice(before);
                    covered.extend_from_slice(after);
                    spans.push(start..covered.len());
                    Some(event)
                });
                (seq, bytes, event, None)
            })
        })
        .collect();
    let messages: Vec<&[u8]> = spans
        .iter()
        .map(|span| covered.get(span.clone()).unwrap_or_default())
        .collect();
    // One digest per canonical event, in the same order.
    let mut found = digests(&messages).into_iter();
    for (_, _, event, leaf) in checked.iter_mut().flatten() {
        let Some(held) = event else {
            continue;
        };
        match found.next() {
            // The event's hash is this digest: its leaf is hashed from it.
            Some(digest) if digest.to_hex().as_str() == held.hash => {
                *leaf = Some(leaf_hash::<Blake3Hash>(digest.as_bytes()));
            }
            // Left to the checks one by one, which say what is wrong.
            _ => *event = None,
        }
    }
    checked
}

/// The checks of an event's encoding one by one, each failure said: JSON, canonical form,
/// recomputed hash, event shape, fields that encode back to the bytes.
fn checked_slowly(seq: u64, bytes: &[u8], failures: &mut Vec<Failure>) -> Option<Event> {
    let fail = |what: String| Failure {
        seq: Some(seq),
        document: None,
        what,
    };
    let mut value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(error) => {
            failures.push(fail(format!("event bytes are not JSON: {error}")));
            return None;
        }
    };
    match canonicalize(&value) {
        Ok(canonical) if canonical == bytes => {}
        Ok(_) => failures.push(fail(
            "event bytes are not in canonical (RFC 8785) form".into(),
        )),
        Err(error) => failures.push(fail(format!("event cannot be canonicalized: {error}"))),
    }
    // The event is read from the parsed value (not parsed again), and its fields encoded
    // back must give that value: bytes that parse but are not what the fields encode to —
    // a member missing that the shape lets default, or one it does not know — would be
    // stored re-encoded, and so change their hash. (The value is JCS-equal to the bytes,
    // checked above, so comparing values compares encodings.)
    let parsed = Event::deserialize(&value);
    let reencodes = parsed
        .as_ref()
        .is_ok_and(|event| serde_json::to_value(event).is_ok_and(|again| again == value));
    let stored_hash = value.get("hash").and_then(Value::as_str).map(str::to_owned);
    match hash_of_value_without_hash(&mut value) {
        Ok(recomputed) if Some(&recomputed) == stored_hash.as_ref() => {}
        Ok(recomputed) => failures.push(fail(format!(
            "hash mismatch: the event says {}, its content hashes to {recomputed}",
            stored_hash.as_deref().unwrap_or("(none)")
        ))),
        Err(error) => failures.push(fail(format!("event cannot be hashed: {error}"))),
    }
    let event = match parsed {
        Ok(event) => event,
        Err(error) => {
            failures.push(fail(format!(
                "event does not have the event shape: {error}"
            )));
            return None;
        }
    };
    if !reencodes {
        failures.push(fail(
            "the event's bytes are not what its fields encode to: a member is missing or unknown"
                .into(),
        ));
    }
    Some(event)
}

/// A document's bytes as a check reads them: there, absent, or unreadable (with why).
pub type Blob = Result<Option<Vec<u8>>, String>;

/// Checks every ingested document's bytes (from `blob_of`) against its hash and length, and
/// every statement's quote against its lines.
pub fn check_documents(events: &[Event], blob_of: impl Fn(&str) -> Blob) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut check = DocumentCheck::default();
    for event in events {
        check.next(event, &blob_of, &mut failures);
    }
    failures
}

/// The checks of [`check_documents`], one event at a time. Each document is decoded and split
/// into lines once for the events that follow it (one document's events are contiguous), and
/// only the current one is held: memory stays the size of one document, not of all of them.
/// An event citing another known document (not in a ledger this planledger wrote) has it read
/// again.
#[derive(Default)]
pub(super) struct DocumentCheck {
    decodable: BTreeMap<String, bool>,
    withdrawn: std::collections::BTreeSet<String>,
    current: Option<(String, Option<DocumentLines>)>,
}

impl DocumentCheck {
    pub(super) fn next(
        &mut self,
        event: &Event,
        blob_of: &impl Fn(&str) -> Blob,
        failures: &mut Vec<Failure>,
    ) {
        let DocumentCheck {
            decodable,
            withdrawn,
            current,
        } = self;
        let document = &event.source.document;
        let fail = |what: String| Failure {
            seq: Some(event.seq),
            document: Some(document.clone()),
            what,
        };
        if is_correction(event) {
            if !decodable.contains_key(document) {
                failures.push(fail(
                    "the correction names a document that was not ingested before it".into(),
                ));
            } else if withdrawn.contains(document) {
                failures.push(fail(
                    "the correction names a document withdrawn earlier in the ledger".into(),
                ));
            }
            if event.source.lines.is_some() {
                failures.push(fail(
                    "a correction is about a whole document: it cites no lines".into(),
                ));
            }
            if matches!(event.body, EventBody::DocumentWithdrawn { .. }) {
                withdrawn.insert(document.clone());
            }
            return;
        }
        if let EventBody::DocumentIngested { byte_length, .. } = &event.body {
            if decodable.contains_key(document) {
                failures.push(fail(
                    "the document was already ingested earlier in the ledger: a document enters it once".into(),
                ));
            }
            let text = match blob_of(document) {
                Ok(None) => {
                    failures.push(fail("the document's bytes are missing".into()));
                    None
                }
                Err(why) => {
                    failures.push(fail(format!("the document's bytes cannot be read: {why}")));
                    None
                }
                Ok(Some(bytes)) => {
                    let actual = blake3::hash(&bytes).to_hex().to_string();
                    if actual != *document {
                        failures.push(fail(format!(
                            "document bytes were altered: they hash to {actual}"
                        )));
                    }
                    if bytes.len() as u64 != *byte_length {
                        failures.push(fail(format!(
                            "document is {} bytes, the event recorded {byte_length}",
                            bytes.len()
                        )));
                    }
                    decode(&bytes)
                        .ok()
                        .map(|(text, _)| DocumentLines::new(text))
                }
            };
            decodable.insert(document.clone(), text.is_some());
            *current = Some((document.clone(), text));
            return;
        }
        let (Some(quote), Some(lines)) = (event.body.quoted_text(), event.source.lines) else {
            return;
        };
        match decodable.get(document) {
            None => {
                failures.push(fail(
                    "the event cites a document that was not ingested before it".into(),
                ));
                return;
            }
            Some(false) => return, // Already reported on the document itself.
            Some(true) => {}
        }
        if current.as_ref().is_none_or(|(hash, _)| hash != document) {
            let text = blob_of(document)
                .ok()
                .flatten()
                .and_then(|bytes| decode(&bytes).ok())
                .map(|(text, _)| DocumentLines::new(text));
            *current = Some((document.clone(), text));
        }
        match current.as_ref().and_then(|(_, text)| text.as_ref()) {
            None => {}
            Some(text) => {
                let range = (lines.first as usize).saturating_sub(1)..(lines.last as usize);
                // A statement is whole lines of its span; a curated quote is a phrase within them.
                let found = |span: &[&str]| match &event.body {
                    EventBody::TargetChanged { .. } | EventBody::MilestoneStated { .. } => {
                        comparison_key(&span.concat()).contains(&comparison_key(quote))
                    }
                    // The revised text is printed with its changed parts in bold (`**`).
                    EventBody::RequirementRevised { .. } => {
                        comparison_key(&span.concat().replace("**", ""))
                            .contains(&comparison_key(quote))
                    }
                    _ => quote_is_at(quote, span),
                };
                match text.span(range).as_deref() {
                    Some(span) if found(span) => {}
                    Some(_) => failures.push(fail(format!(
                        "the quoted text is not at lines {}–{} of its document",
                        lines.first, lines.last
                    ))),
                    None => failures.push(fail(format!(
                        "lines {}–{} are outside the document ({} lines)",
                        lines.first,
                        lines.last,
                        text.line_ranges.len()
                    ))),
                }
            }
        }
    }
}

/// A document's text and the byte range of each of its lines (split at `\n`).
struct DocumentLines {
    text: String,
    line_ranges: Vec<std::ops::Range<usize>>,
}

impl DocumentLines {
    fn new(text: String) -> DocumentLines {
        let mut line_ranges = Vec::new();
        let mut start = 0;
        for index in memchr::memchr_iter(b'\n', text.as_bytes()) {
            line_ranges.push(start..index);
            start = index + 1;
        }
        line_ranges.push(start..text.len());
        DocumentLines { text, line_ranges }
    }

    /// The lines of a (0-based, end-exclusive) range, or `None` when it runs past the end.
    fn span(&self, range: std::ops::Range<usize>) -> Option<Vec<&str>> {
        let lines = self.line_ranges.get(range)?;
        Some(lines.iter().map(|r| &self.text[r.clone()]).collect())
    }
}

/// `verify --deep`: replays the derivation (`ingest::derive`) of every document in ledger order,
/// against the ledger's derived state as it stood just before the document (its records with
/// the corrections before it, the identity index over the statements before it), and requires
/// the document's events to be byte for byte what it derives — every body, meeting and source.
/// A failure names the first event and field that differ, with both values. One document's
/// events are contiguous, so one document is replayed at a time; the filer's word (meeting,
/// title, label, series, format, file name, ingest time, curated facts) is taken from its
/// events, and everything else is derived.
struct ReplayCheck {
    /// Where each document's replay is sent (to the threads that run them), numbered in order.
    jobs: std::sync::mpsc::SyncSender<(usize, ReplayJob)>,
    /// Documents sent so far.
    sent: usize,
    current: Option<Replaying>,
    /// The last document replayed, as recorded: usually the previous version of the next
    /// document's series, which its derivation reads (saves reading it back from the store).
    /// Shared with that document's job: not copied.
    last: Option<SharedEvents>,
    /// Documents whose events began, and the seq of their `DocumentIngested`.
    began: BTreeMap<String, u64>,
    /// The documents' records decoded so far, in chain order (by seq, then `docs` key: the
    /// order a stable sort by seq of the records by key gives). Kept in order rather than
    /// sorted for every document, and handed to each replay as a pointer per record rather
    /// than a copy.
    records: BTreeMap<(u64, Vec<u8>), std::sync::Arc<DocumentRecord>>,
    /// Each `docs` key's seq: its place in `records`.
    seq_of: BTreeMap<Vec<u8>, u64>,
    /// How many of the index check's changed `docs` keys `records` includes.
    records_seen: usize,
    /// The identities last built, with the identity index's count of changes they were built at.
    identities: Option<(u64, std::sync::Arc<Identities>)>,
}

/// The document being replayed: the state before it and its events as recorded.
struct Replaying {
    documents: Vec<std::sync::Arc<DocumentRecord>>,
    identities: std::sync::Arc<Identities>,
    recorded: Vec<Event>,
}

/// One document's replay, self-contained: the state before it, its events as recorded, and the
/// document replayed before it (as recorded).
struct ReplayJob {
    documents: Vec<std::sync::Arc<DocumentRecord>>,
    identities: std::sync::Arc<Identities>,
    recorded: SharedEvents,
    last: Option<SharedEvents>,
}

impl ReplayCheck {
    fn new(jobs: std::sync::mpsc::SyncSender<(usize, ReplayJob)>) -> ReplayCheck {
        ReplayCheck {
            jobs,
            sent: 0,
            current: None,
            last: None,
            began: BTreeMap::new(),
            records: BTreeMap::new(),
            seq_of: BTreeMap::new(),
            records_seen: 0,
            identities: None,
        }
    }

    /// Sees the next event, before the index check takes it (`before` is the state the
    /// document's replay starts from): whether it is one of the document to replay, for
    /// [`ReplayCheck::keep`] to take once the other checks are done with it.
    fn next(&mut self, event: &Event, before: &IndexCheck, failures: &mut Vec<Failure>) -> bool {
        let document = &event.source.document;
        if matches!(event.body, EventBody::DocumentIngested { .. }) {
            self.finish();
            self.began.insert(document.clone(), event.seq);
            // The records and identities before each document, kept from the document before
            // and brought up to date with what changed since (rebuilt whole for every document,
            // they grew with the square of the ledger's documents).
            for key in before
                .documents_changed
                .get(self.records_seen..)
                .unwrap_or_default()
            {
                if let Some(seq) = self.seq_of.remove(key) {
                    self.records.remove(&(seq, key.clone()));
                }
                if let Some(record) = before
                    .documents
                    .get(key)
                    .and_then(|value| decode_document(value))
                {
                    self.seq_of.insert(key.clone(), record.seq);
                    self.records
                        .insert((record.seq, key.clone()), std::sync::Arc::new(record));
                }
            }
            self.records_seen = before.documents_changed.len();
            let documents: Vec<std::sync::Arc<DocumentRecord>> =
                self.records.values().cloned().collect();
            let identities = match &self.identities {
                Some((changes, identities)) if *changes == before.identity_changes => {
                    identities.clone()
                }
                _ => std::sync::Arc::new(Identities::from_index(&before.identity)),
            };
            self.identities = Some((before.identity_changes, identities.clone()));
            self.current = Some(Replaying {
                documents,
                identities,
                recorded: Vec::new(),
            });
            return true;
        }
        let in_batch = !is_correction(event)
            && self.current.as_ref().is_some_and(|current| {
                current
                    .recorded
                    .first()
                    .is_some_and(|first| first.source.document == *document)
            });
        if in_batch {
            return true;
        }
        self.finish();
        if let (false, Some(seq)) = (is_correction(event), self.began.get(document)) {
            failures.push(Failure {
                seq: Some(event.seq),
                document: Some(document.clone()),
                what: format!(
                    "replay: a {} of the document ingested at seq {seq} stands apart from that document's events: no derivation appends it",
                    event.body.kind()
                ),
            });
        }
        false
    }

    /// Sends the current document to be replayed. (When the replaying thread has stopped,
    /// there is no one to send to; its end is reported when it is joined.)
    fn finish(&mut self) {
        let Some(Replaying {
            documents,
            identities,
            recorded,
        }) = self.current.take()
        else {
            return;
        };
        let recorded = std::sync::Arc::new(recorded);
        let last = self.last.replace(std::sync::Arc::clone(&recorded));
        let job = ReplayJob {
            documents,
            identities,
            recorded,
            last,
        };
        let _ = self.jobs.send((self.sent, job));
        self.sent += 1;
    }

    /// Takes an event [`ReplayCheck::next`] said is one of the document being replayed (moved,
    /// not copied: a copy of every event was a tenth of `--deep`'s reading).
    fn keep(&mut self, event: Event) {
        if let Some(current) = &mut self.current {
            current.recorded.push(event);
        }
    }
}

impl ReplayJob {
    /// Replays the document and compares: what failed, in the order found.
    fn run(self, store: &Store) -> Vec<Failure> {
        let mut failures = Vec::new();
        self.compare(store, &mut failures);
        failures
    }

    fn compare(self, store: &Store, failures: &mut Vec<Failure>) {
        let ReplayJob {
            documents,
            identities,
            recorded,
            last,
        } = self;
        let Some(ingested) = recorded.first() else {
            return;
        };
        let document = ingested.source.document.clone();
        let fail = |seq: u64, what: String| Failure {
            seq: Some(seq),
            document: Some(document.clone()),
            what,
        };
        // Missing or altered bytes are the document check's to report.
        let Some(bytes) = store.blob(&document).ok().flatten() else {
            return;
        };
        if blake3::hash(&bytes).to_hex().as_str() != document {
            return;
        }
        let Some((description, file_name, ingested_at)) = filed_as(&recorded) else {
            return;
        };
        let filing = Filing {
            path: std::path::Path::new(&document),
            description: &description,
            file_name,
            ingested_at: &ingested_at,
        };
        let prior = Prior {
            documents,
            identities,
            events_of_document: Box::new(|seq| match &last {
                Some(events) if events.first().is_some_and(|first| first.seq == seq) => {
                    Ok(std::sync::Arc::clone(events))
                }
                _ => store.events_of_document(seq).map(std::sync::Arc::new),
            }),
        };
        let options = IngestOptions {
            events_only: true,
            ..IngestOptions::default()
        };
        let derived = derive(&bytes, &filing, &prior, options);
        drop(prior);
        let derived = match derived {
            Ok(derivation) => derivation.events,
            Err(error) => {
                failures.push(fail(
                    ingested.seq,
                    format!("replay: the document does not derive as filed: {error}"),
                ));
                return;
            }
        };
        for (held, derived) in recorded.iter().zip(&derived) {
            if held.meeting == derived.meeting
                && held.source == derived.source
                && held.body == derived.body
            {
                continue;
            }
            let derived = Event {
                v: held.v,
                seq: held.seq,
                prev: held.prev.clone(),
                meeting: derived.meeting.clone(),
                source: derived.source.clone(),
                body: derived.body.clone(),
                hash: held.hash.clone(),
            };
            let (Ok(held_value), Ok(derived_value)) =
                (serde_json::to_value(held), serde_json::to_value(&derived))
            else {
                continue;
            };
            if let Some((field, held_shown, derived_shown)) =
                first_field_difference(&held_value, &derived_value, "")
            {
                failures.push(fail(
                    held.seq,
                    format!(
                        "replay differs: {} `{field}`: the ledger holds {held_shown}, the document derives {derived_shown}",
                        held.body.kind()
                    ),
                ));
                return;
            }
        }
        if let Some(extra) = recorded.get(derived.len()) {
            failures.push(fail(
                extra.seq,
                format!(
                    "replay: the document derives {} events, the ledger holds {}: this {}{} is not derived",
                    derived.len(),
                    recorded.len(),
                    extra.body.kind(),
                    lines_shown(extra.source.lines)
                ),
            ));
        } else if let Some(missing) = derived.get(recorded.len()) {
            let last = recorded.last().map_or(ingested.seq, |event| event.seq);
            failures.push(fail(
                last,
                format!(
                    "replay: the document derives {} events, the ledger holds {}: missing after seq {last}, a {}{}",
                    derived.len(),
                    recorded.len(),
                    missing.body.kind(),
                    lines_shown(missing.source.lines)
                ),
            ));
        }
    }
}

fn lines_shown(lines: Option<crate::extract::LineRange>) -> String {
    lines.map_or_else(String::new, |l| format!(" at lines {}–{}", l.first, l.last))
}

/// What the filer said of a document, read back from its events: the description (its curated
/// facts from the figures that carry a curated quote), the file's name and the ingest time.
fn filed_as(recorded: &[Event]) -> Option<(DocumentDescription, String, String)> {
    let ingested = recorded.first()?;
    let EventBody::DocumentIngested {
        title,
        label,
        series,
        format,
        file_name,
        ingested_at,
        ..
    } = &ingested.body
    else {
        return None;
    };
    let facts = recorded
        .iter()
        .filter_map(|event| match &event.body {
            EventBody::TargetChanged {
                label,
                value,
                unit,
                as_of,
                as_of_day,
                deadline,
                curated_quote: Some(quote),
                ..
            } => Some(CuratedFact {
                label: label.clone(),
                value: value.clone(),
                unit: unit.clone(),
                as_of: as_of
                    .as_deref()
                    .map(|shown| as_written(shown, as_of_day.as_deref())),
                deadline: deadline.clone(),
                quote: quote.clone(),
            }),
            _ => None,
        })
        .collect();
    Some((
        DocumentDescription {
            file: file_name.clone(),
            meeting: ingested.meeting.clone(),
            title: title.clone(),
            label: label.clone(),
            format: *format,
            series: series.clone(),
            facts,
        },
        file_name.clone(),
        ingested_at.clone(),
    ))
}

/// A curated fact's as-of in a form that reads back to the same date: its display form, except
/// a fiscal year shown as 「FY2024」 whose day is the year's last (a 年度末, which displays as its
/// fiscal year) is written 「2024年度末」.
fn as_written(shown: &str, day: Option<&str>) -> String {
    match shown
        .strip_prefix("FY")
        .and_then(|year| year.parse::<i32>().ok())
    {
        Some(year) if day == Some(format!("{}-03-31", year + 1).as_str()) => {
            format!("{year}年度末")
        }
        _ => shown.to_owned(),
    }
}

/// The first member where two event encodings differ (depth first, in key order), as a dotted
/// path with both values shown.
fn first_field_difference(
    held: &Value,
    derived: &Value,
    path: &str,
) -> Option<(String, String, String)> {
    match (held, derived) {
        (Value::Object(held_members), Value::Object(derived_members)) => {
            let mut keys: Vec<&String> =
                held_members.keys().chain(derived_members.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (held_members.get(key), derived_members.get(key)) {
                    (Some(a), Some(b)) => first_field_difference(a, b, &inner),
                    (a, b) => Some((inner, value_shown(a), value_shown(b))),
                }
            })
        }
        _ if held == derived => None,
        _ => Some((
            path.to_owned(),
            value_shown(Some(held)),
            value_shown(Some(derived)),
        )),
    }
}

fn value_shown(value: Option<&Value>) -> String {
    match value {
        None => "nothing".into(),
        Some(value) => {
            let shown = value.to_string();
            if shown.chars().count() > 120 {
                format!("{}…", shown.chars().take(120).collect::<String>())
            } else {
                shown
            }
        }
    }
}

/// Whether `quote` is made of whole lines of `span`, in order, compared by comparison key: the
/// lines it skips are page furniture between the quote's lines. A line's leading bullet may be
/// left out of the quote (actions are stored without their bullet glyph).
pub fn quote_is_at(quote: &str, span: &[&str]) -> bool {
    // A quote with nothing to compare (spaces, zero-width characters) is at no lines.
    if !has_comparison_key(quote) {
        return false;
    }
    // The quick case first: a quote printed exactly as its lines (most are) folds nothing.
    if made_of_lines(quote, span, |text| text.into()) {
        return true;
    }
    let key = comparison_key_cow(quote);
    if made_of_lines(&key, span, comparison_key_cow) {
        return true;
    }
    // Line by line fails where NFKC composes across a line break (a line that starts with a
    // combining mark joins the last character of the line before it): compare the whole span,
    // page furniture left out, its first line's bullet dropped.
    let mut joined = String::new();
    for line in span.iter().map(|line| line_content(line)) {
        if crate::extract::torikumi::is_page_furniture(line) {
            continue;
        }
        let line = inline_bureau(line).map_or(line, |(_, rest)| rest);
        joined.push_str(if joined.is_empty() {
            strip_bullet(line)
        } else {
            line
        });
    }
    comparison_key(&joined) == *key
}

/// Whether `quote`, as `key` gives it, is the keys of whole lines of `span` in order (a line's
/// leading bullet may be left out of the quote; lines that do not continue it are skipped as
/// page furniture). With the texts themselves as keys it is the quick case of [`quote_is_at`]:
/// a quote printed exactly as its lines (most are) needs no line folded.
fn made_of_lines<'a>(
    quote_key: &str,
    span: &[&'a str],
    key: impl Fn(&'a str) -> std::borrow::Cow<'a, str>,
) -> bool {
    let mut rest = quote_key;
    for line in span {
        // A block's first line may carry its bureau header (「【部局】○…」): the action is
        // what follows it.
        let content = line_content(line);
        let content = inline_bureau(content).map_or(content, |(_, rest)| rest);
        let line_key = key(content);
        if line_key.is_empty() {
            continue;
        }
        if let Some(after) = rest.strip_prefix(&*line_key) {
            rest = after;
        } else if let Some(after) = rest.strip_prefix(&*key(strip_bullet(content))) {
            rest = after;
        }
    }
    rest.is_empty() && !quote_key.is_empty()
}

/// The indexes checked against the events as they are read: each entry an event implies is
/// looked up in its tree (a missing or different one is reported), entries are counted, and at
/// the end a tree holding more than the events imply is searched for the entry they do not
/// imply. The identity index, which merges statements, is rebuilt (its size is the number of
/// distinct statements) and compared whole.
#[derive(Default)]
struct IndexCheck {
    identity: IdentityIndex,
    /// How many events changed the identity index so far.
    identity_changes: u64,
    /// The `docs` keys in the order their entries were written or rewritten.
    documents_changed: Vec<Vec<u8>>,
    /// The `docs` entries (one per document, the later one for a document ingested twice, as
    /// the store keeps it), compared whole at the end like the identity index.
    documents: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The `mentions` and `targets` entries of the append being read, checked when it ends.
    grouped: AppendEntries,
    /// The `mentions` entries implied and not yet checked: `verify` hands them to a thread of
    /// their own ([`check_mentions`]); what is left is checked here at the end.
    pending_mentions: Vec<MentionEntry>,
    /// Entries implied, per tree of `PER_EVENT`, and the first difference found in each.
    implied: [u64; 4],
    differences: [Option<String>; 4],
}

/// The trees with entries per event, per append (`targets`, `mentions`) or per document end
/// (`frontiers`), in [`IndexCheck`]'s order.
const PER_EVENT: [IndexTree; 4] = [
    IndexTree::Targets,
    IndexTree::Adoptions,
    IndexTree::Mentions,
    IndexTree::Frontiers,
];

impl IndexCheck {
    /// Checks the entries `event` (stored as `bytes`) implies; `frontier` is the tree of the
    /// events before it.
    fn next(
        &mut self,
        store: &Store,
        event: &Event,
        bytes: &[u8],
        frontier: &Frontier<Blake3Hash>,
    ) -> Result<(), StoreError> {
        if let Some(entries) = IndexEntries::of(event) {
            if self.identity.add(entries) {
                self.identity_changes += 1;
            }
        }
        let EventEntries { docs, adoptions } = EventEntries::of(event);
        let grouped = self.grouped.add(event, bytes);
        self.expect_grouped(store, grouped)?;
        if let Some((key, value)) = docs {
            self.documents_changed.push(key.clone());
            self.documents.insert(key, value);
        }
        if is_correction(event) {
            let key = event.source.document.as_bytes();
            // A correction of a document the log does not hold is DocumentCheck's to report.
            if let Some(corrected) = self
                .documents
                .get(key)
                .and_then(|held| corrected_docs_entry(held, event))
            {
                self.documents_changed.push(corrected.0.clone());
                self.documents.insert(corrected.0, corrected.1);
            }
        }
        let frontier = (starts_append(event) && frontier.size() == event.seq)
            .then(|| frontier_entry(frontier));
        for (tree, entry) in [
            (IndexTree::Adoptions, adoptions),
            (IndexTree::Frontiers, frontier),
        ] {
            if let Some((key, value)) = entry {
                self.expect(store, tree, &key, &value)?;
            }
        }
        Ok(())
    }

    /// Checks an append's grouped entries.
    fn expect_grouped(&mut self, store: &Store, pairs: AppendPairs) -> Result<(), StoreError> {
        self.pending_mentions.extend(pairs.mentions);
        if let Some((key, value)) = pairs.targets {
            self.expect(store, IndexTree::Targets, &key, &value)?;
        }
        Ok(())
    }

    /// The `mentions` entries implied since the last call, for another thread to check.
    fn take_pending_mentions(&mut self) -> Vec<MentionEntry> {
        std::mem::take(&mut self.pending_mentions)
    }

    /// Counts in the `mentions` entries checked elsewhere (before any still pending here).
    fn add_mentions_checked(&mut self, tally: MentionTally) {
        let index = per_event_index(IndexTree::Mentions);
        if let (Some(implied), Some(difference)) =
            (self.implied.get_mut(index), self.differences.get_mut(index))
        {
            *implied += tally.implied;
            if difference.is_none() {
                *difference = tally.difference;
            }
        }
    }

    /// Checks the `mentions` entries still pending, here.
    fn check_pending_mentions(&mut self, store: &Store) -> Result<(), StoreError> {
        let mut tally = MentionTally::default();
        let mut entries = store.mention_cursor();
        for entry in self.take_pending_mentions() {
            tally.next(&mut entries, &entry)?;
        }
        self.add_mentions_checked(tally);
        Ok(())
    }

    fn expect(
        &mut self,
        store: &Store,
        tree: IndexTree,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), StoreError> {
        let index = per_event_index(tree);
        let (Some(implied), Some(difference)) =
            (self.implied.get_mut(index), self.differences.get_mut(index))
        else {
            return Ok(());
        };
        *implied += 1;
        if difference.is_none() {
            *difference = match store.index_value(tree, key)? {
                None => Some(format!("entry {} is missing", shown(key))),
                Some(held) if held != value => {
                    Some(format!("entry {} holds another value", shown(key)))
                }
                Some(_) => None,
            };
        }
        Ok(())
    }

    /// The end of the events: the last frontier, the counts, the identity index.
    fn finish(
        mut self,
        store: &Store,
        n_events: u64,
        frontier: &Frontier<Blake3Hash>,
        failures: &mut Vec<Failure>,
    ) -> Result<(), StoreError> {
        // After an unreadable event the tree's leaves are unknown: the frontiers are not
        // checked further (the event itself is the failure reported).
        let frontiers_known = frontier.size() == n_events;
        let grouped = self.grouped.finish();
        self.expect_grouped(store, grouped)?;
        self.check_pending_mentions(store)?;
        if n_events > 0 && frontiers_known {
            let (key, value) = frontier_entry(frontier);
            self.expect(store, IndexTree::Frontiers, &key, &value)?;
        }
        let mut found: Vec<(IndexTree, String)> = Vec::new();
        let differences = std::mem::take(&mut self.differences);
        for ((tree, difference), implied) in
            PER_EVENT.into_iter().zip(differences).zip(self.implied)
        {
            if tree == IndexTree::Frontiers && !frontiers_known {
                continue;
            }
            let difference = match difference {
                Some(difference) => Some(difference),
                None if store.index_len(tree) as u64 != implied => {
                    Some(self.unimplied_entry(store, tree)?)
                }
                None => None,
            };
            found.extend(difference.map(|what| (tree, what)));
        }
        let documents = std::mem::take(&mut self.documents);
        // The records the `docs` entries imply, one per document, keyed by seq.
        let records: BTreeMap<Vec<u8>, Vec<u8>> = documents
            .values()
            .filter_map(|value| records_entry(value))
            .collect();
        if let Some(what) = first_difference(documents, store.index_entries(IndexTree::Docs))? {
            found.push((IndexTree::Docs, what));
        }
        if let Some(what) = first_difference(records, store.index_entries(IndexTree::Records))? {
            found.push((IndexTree::Records, what));
        }
        let expected = self.identity.entries();
        if let Some(what) = first_difference(expected, store.index_entries(IndexTree::Identity))? {
            found.push((IndexTree::Identity, what));
        }
        for (tree, what) in found {
            failures.push(Failure {
                seq: None,
                document: None,
                what: format!(
                    "the {} index does not match the events: {what} (run `planledger reindex` to rebuild it from the log)",
                    tree.described()
                ),
            });
        }
        Ok(())
    }

    /// A tree holds more entries than the events imply: the first one they do not imply, found by
    /// reading the event (or document) each entry names.
    fn unimplied_entry(&self, store: &Store, tree: IndexTree) -> Result<String, StoreError> {
        let held = store.head()?.map_or(0, |(seq, _)| seq + 1);
        // Where each document's append starts, read once: a `mentions` entry is found in one.
        let document_starts: Vec<u64> = match tree {
            IndexTree::Mentions => store.document_records()?.iter().map(|r| r.seq).collect(),
            _ => Vec::new(),
        };
        for entry in store.index_entries(tree) {
            let (key, value) = entry?;
            let implied = match tree {
                IndexTree::Frontiers => {
                    let size = key.get(..8).map(super::store::decode_seq);
                    match size {
                        Some(0) | None => false,
                        Some(size) => {
                            size == held
                                || store
                                    .event(size)
                                    .ok()
                                    .flatten()
                                    .is_some_and(|e| starts_append(&e))
                        }
                    }
                }
                IndexTree::Mentions | IndexTree::Targets => {
                    grouped_implied(store, tree, &document_starts, &key, &value)
                }
                _ => {
                    let seq = key
                        .len()
                        .checked_sub(8)
                        .and_then(|at| key.get(at..))
                        .map(super::store::decode_seq);
                    let event = match seq {
                        Some(seq) => store.event(seq).ok().flatten(),
                        None => None,
                    };
                    event.is_some_and(|event| {
                        EventEntries::of(&event).adoptions == Some((key.clone(), value.clone()))
                    })
                }
            };
            if !implied {
                return Ok(format!("entry {} is not implied by the log", shown(&key)));
            }
        }
        Ok("it holds more entries than the log implies".into())
    }
}

/// Where [`PER_EVENT`] lists `tree` (it lists every tree the per-event checks are asked of).
fn per_event_index(tree: IndexTree) -> usize {
    PER_EVENT.iter().position(|t| *t == tree).unwrap_or(0)
}

/// `mentions` entries checked: how many the events implied, and the first that the store does
/// not hold as implied, said in words.
#[derive(Default)]
struct MentionTally {
    implied: u64,
    difference: Option<String>,
}

impl MentionTally {
    /// Checks one implied entry: what the stored one decodes to (the store chooses how it is
    /// compressed) against the frame the events imply. After a difference, entries are only
    /// counted.
    fn next(
        &mut self,
        entries: &mut MentionCursor<'_>,
        entry: &MentionEntry,
    ) -> Result<(), StoreError> {
        self.implied += 1;
        if self.difference.is_some() {
            return Ok(());
        }
        let key = &entry.key;
        self.difference = match entries.entry(key) {
            Ok(None) => Some(format!("entry {} is missing", shown(key))),
            Ok(Some((count, plain))) if count != entry.count || plain != entry.plain => Some(
                format!("entry {} holds other events than the log's", shown(key)),
            ),
            Ok(Some(_)) => None,
            Err(StoreError::CorruptIndex { .. }) => {
                Some(format!("entry {} cannot be decoded", shown(key)))
            }
            Err(error) => return Err(error),
        };
        Ok(())
    }
}

/// The `mentions` entries implied, as the chain-reading thread sends them (an append's at a
/// time, in chain order), checked on a thread of their own: each is read and decompressed,
/// the costliest index check, and the reading thread need not wait for it.
fn check_mentions(
    store: &Store,
    batches: std::sync::mpsc::Receiver<Vec<MentionEntry>>,
) -> Result<MentionTally, StoreError> {
    let mut tally = MentionTally::default();
    let mut entries = store.mention_cursor();
    for batch in batches {
        for entry in &batch {
            tally.next(&mut entries, entry)?;
        }
    }
    Ok(tally)
}

/// Whether a `mentions` or `targets` entry is one the log implies: one of the entries the append
/// holding its key's seq gives, grouped as the store groups them (a `mentions` entry compared by
/// what it decodes to).
fn grouped_implied(
    store: &Store,
    tree: IndexTree,
    document_starts: &[u64],
    key: &[u8],
    value: &[u8],
) -> bool {
    let Some(seq) = key
        .len()
        .checked_sub(8)
        .and_then(|at| key.get(at..))
        .map(super::store::decode_seq)
    else {
        return false;
    };
    // A `targets` key is an append's first seq; a `mentions` key the seq of its first event,
    // inside a document's append (corrections name no measure).
    let start = match tree {
        IndexTree::Targets => seq,
        _ => match document_starts.iter().filter(|s| **s <= seq).max() {
            Some(start) => *start,
            None => return false,
        },
    };
    let Ok(events) = store.events_of_document(start) else {
        return false;
    };
    // Keyed by where an append starts, not by a seq inside one (whose later events would group
    // alike).
    if !events
        .first()
        .is_some_and(|first| first.seq == start && (start == 0 || starts_append(first)))
    {
        return false;
    }
    let mut grouped = AppendEntries::default();
    let mut pairs = Vec::with_capacity(events.len() + 1);
    for event in &events {
        let Ok(bytes) = event.canonical_bytes() else {
            return false;
        };
        pairs.push(grouped.add(event, &bytes));
    }
    pairs.push(grouped.finish());
    match tree {
        IndexTree::Targets => pairs
            .into_iter()
            .filter_map(|pairs| pairs.targets)
            .any(|(k, v)| k == key && v == value),
        _ => {
            let Ok(Some(held)) = store.mention_entry(key) else {
                return false;
            };
            pairs
                .into_iter()
                .flat_map(|pairs| pairs.mentions)
                .any(|entry| entry.key == key && (entry.count, entry.plain) == held)
        }
    }
}

/// Index bytes as a report shows them: text where it is text, at most 80 characters.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// The first entry (in key order) that one of two sorted key–value lists holds and the other
/// does not hold the same, said in words.
fn first_difference(
    expected: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>,
    actual: impl IntoIterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>>,
) -> Result<Option<String>, StoreError> {
    let mut expected = expected.into_iter().peekable();
    let mut actual = actual.into_iter().peekable();
    loop {
        let held = match actual.peek() {
            Some(Err(_)) => {
                if let Some(Err(error)) = actual.next() {
                    return Err(error);
                }
                None
            }
            Some(Ok(pair)) => Some(pair),
            None => None,
        };
        let found = match (expected.peek(), held) {
            (None, None) => return Ok(None),
            (Some((key, _)), None) => format!("entry {} is missing", shown(key)),
            (None, Some((key, _))) => format!("entry {} is not implied by the log", shown(key)),
            (Some((ek, ev)), Some((ak, av))) => match ek.cmp(ak) {
                std::cmp::Ordering::Less => format!("entry {} is missing", shown(ek)),
                std::cmp::Ordering::Greater => {
                    format!("entry {} is not implied by the log", shown(ak))
                }
                std::cmp::Ordering::Equal if ev != av => {
                    format!("entry {} holds another value", shown(ek))
                }
                std::cmp::Ordering::Equal => {
                    expected.next();
                    actual.next();
                    continue;
                }
            },
        };
        return Ok(Some(found));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--deep` carries each document's prior records and identities forward from the document
    /// before: at every document they are what decoding the index check's state whole gives,
    /// through a correction's rewritten record and a withdrawal, and documents after them.
    #[test]
    fn the_state_carried_to_each_replay_is_the_state_rebuilt_whole() {
        use crate::ingest::correct::{amend, withdraw, Amendment};
        use crate::ingest::request::{requests_for, SingleFile};
        let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ledger")).unwrap();
        let seeds = requests_for(&[project.join("seeds")], &SingleFile::default()).unwrap();
        for request in &seeds.requests {
            crate::ingest::ingest(&store, request, "2026-01-01T00:00:00Z").unwrap();
        }
        let torikumi = store
            .document_records()
            .unwrap()
            .into_iter()
            .find(|record| record.format == crate::source::manifest::DocumentFormat::Torikumi)
            .unwrap()
            .hash;
        let amendment = Amendment {
            date: Some("2026-03-01".into()),
            ..Amendment::default()
        };
        amend(
            &store,
            &torikumi,
            &amendment,
            "日付の誤り",
            "2026-01-02T00:00:00Z",
        )
        .unwrap();
        // The demonstration's two versions, the seed withdrawn between them.
        let revision = requests_for(&[project.join("examples/revision")], &SingleFile::default())
            .unwrap()
            .requests;
        assert_eq!(revision.len(), 2);
        crate::ingest::ingest(&store, &revision[0], "2026-01-03T00:00:00Z").unwrap();
        withdraw(&store, &torikumi, "別資料の誤登録", "2026-01-04T00:00:00Z").unwrap();
        crate::ingest::ingest(&store, &revision[1], "2026-01-05T00:00:00Z").unwrap();
        let events = store.events().unwrap();
        let (jobs, _replays) = std::sync::mpsc::sync_channel(events.len());
        let mut replay = ReplayCheck::new(jobs);
        let mut indexes = IndexCheck::default();
        let mut frontier = Frontier::<Blake3Hash>::default();
        let mut failures = Vec::new();
        let mut documents = 0;
        for event in &events {
            if replay.next(event, &indexes, &mut failures) {
                replay.keep(event.clone());
            }
            if matches!(event.body, EventBody::DocumentIngested { .. }) {
                documents += 1;
                let carried = replay.current.as_ref().unwrap();
                let mut whole: Vec<DocumentRecord> = indexes
                    .documents
                    .values()
                    .filter_map(|value| decode_document(value))
                    .collect();
                whole.sort_by_key(|record| record.seq);
                let carried_records: Vec<&DocumentRecord> =
                    carried.documents.iter().map(|record| &**record).collect();
                let whole: Vec<&DocumentRecord> = whole.iter().collect();
                assert_eq!(carried_records, whole, "at seq {}", event.seq);
                assert_eq!(
                    format!("{:?}", carried.identities),
                    format!("{:?}", Identities::from_index(&indexes.identity)),
                    "at seq {}",
                    event.seq
                );
            }
            let bytes = event.canonical_bytes().unwrap();
            indexes.next(&store, event, &bytes, &frontier).unwrap();
            frontier.push(leaf_of(event).unwrap());
        }
        assert_eq!(
            documents, 7,
            "the seeds and the two revisions were replayed"
        );
        assert!(failures.is_empty(), "{failures:?}");
        let corrected = store.document_record(&torikumi).unwrap().unwrap();
        assert!(corrected.withdrawn(), "the withdrawal reached the record");
    }

    #[test]
    fn a_quote_spans_wrapped_lines_and_skips_furniture() {
        let span = [
            "○「がん診療連携拠点病院等の整備について」において、指定",
            "",
            "項目番号",
            "要件を定めた。",
        ];
        assert!(quote_is_at(
            "「がん診療連携拠点病院等の整備について」において、指定要件を定めた。",
            &span
        ));
        assert!(!quote_is_at(
            "「がん診療連携拠点病院等の整備について」において、指定要件を改めた。",
            &span
        ));
        assert!(!quote_is_at("", &span));
    }

    #[test]
    fn a_quote_matches_through_compatibility_glyphs_and_sub_bullets() {
        let span = [
            "〇研究「⽀持療法」において、",
            "\u{3000}\u{3000}・テキストを改訂した。",
        ];
        assert!(quote_is_at(
            "研究「支持療法」において、\n・テキストを改訂した。",
            &span
        ));
    }
}

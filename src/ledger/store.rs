//! The sled store: the only module that touches sled.
//!
//! Trees (layout 8): `frames` (u64 big-endian seq of a frame's first event → up to
//! [`FRAME_EVENTS`] consecutive events of one append, their canonical bytes compressed together,
//! whole or against the frame at its place in the series' version before: `ledger::frame`),
//! `documents` (document hash → its bytes, compressed, whole or against an earlier version of
//! its series), and the indexes, whose entries `ledger::index` encodes: `docs` (document hash → seq
//! of its `DocumentIngested` and the document's record), `records` (that seq, big-endian → the
//! record: the records in chain order), `identity` (`s`+statement → place,
//! `h`+handle → first (seq, position), `e`+edge → empty), `targets` (an append's first seq → the
//! figure observations its events record: key, seq, day, value and the plan of a 個別目標),
//! `adoptions` (seq of each `PlanAdopted` → empty),
//! `mentions` (measure id as recorded, 0, a seq → a frame of the events of one append that
//! name it, from that seq: a measure's events side by side, whole or against an earlier entry
//! of the same id stored whole), `frontiers`
//! (tree size at each document's end → the Merkle frontier there), `meta` (head seq and hash,
//! layout version).
//!
//! Invariants: one document is one sled transaction over all trees — after a crash the ledger
//! holds the whole document or none of it; big-endian keys make scans come back in chain order;
//! every tree but `frames` and `documents` can be rebuilt from those two; a frame never spans two
//! appends, so an append writes new frames and rewrites none; after an append the store is
//! flushed before the caller is told.

use std::path::{Path, PathBuf};

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};

use super::checkpoint::leaf_of;
use super::event::{Event, EventError, HistoryEvent, SharedTexts, UnsealedEvent, GENESIS_HASH};
use super::frame::{self, DocumentLayout, FrameError, FRAME_EVENTS};
use super::index::{
    corrected_docs_entry, decode_document, decode_frontier, decode_place, decode_record,
    edge_key_bytes, encode_first, encode_place, frontier_entry, handle_key_bytes, is_correction,
    lineage_key_bytes, name_prefix, name_range_end, name_seq_key, observation_key_bytes,
    observation_views, prefixed_seq_key, records_entry, split_name_seq_key, starts_append,
    statement_key_bytes, AppendEntries, AppendPairs, DocumentRecord, EventEntries, IdentityIndex,
    IndexEntries, IndexTree, MentionEntry, Observations, RawPairs,
};
use super::merkle::{Blake3Hash, Frontier};
use super::read_copy::{self, ReadCopy};

const META_HEAD_SEQ: &[u8] = b"head_seq";
const META_HEAD_HASH: &[u8] = b"head_hash";
const META_FORMAT: &[u8] = b"store_format";
/// A frame as read: its first seq and its events' canonical bytes.
type DecodedFrame = (u64, Vec<Vec<u8>>);
/// The head (seq and hash) recorded outside sled's files after every append, so that a store
/// that lost its tail (truncated files, a restored older snapshot) fails `verify`.
pub const HEAD_FILE_NAME: &str = "HEAD";
/// The note a writer waiting for the ledger leaves in its folder (see `Store::writer_waiting`).
pub const WRITER_WAITING_FILE: &str = "WRITER-WAITING";
/// How often a waiting writer renews its note, and the age past which a note is stale (left by
/// a writer that no longer waits).
const WRITER_NOTE_RENEWED: std::time::Duration = std::time::Duration::from_secs(1);
const WRITER_NOTE_STALE: std::time::Duration = std::time::Duration::from_secs(3);
/// What [`HEAD_FILE_NAME`] says before the first document is committed.
pub const EMPTY_HEAD: &str = "empty";
/// The layout of the trees above; a store of another layout is refused, not misread.
/// Layout 5 is layout 4 (frames, compressed documents) with frames and documents that may rest
/// against a base and the head file's `empty until`: a planledger of layout 4 would misread those, so
/// the mark moved. Layout 6 keeps one `targets` entry per append instead of one per observation (a
/// `state` read every observation entry by entry): `reindex` rebuilds the index. Layout 7 keeps
/// in each `mentions` entry the events themselves (a frame) instead of their seqs: a measure's
/// history read one frame of the log per version, each on a sled page of its own. Layout 8 keeps
/// each document's record again under its seq (`records`): every question reads every record,
/// and the `docs` index, keyed by hash, spreads them over pages that later appends keep adding
/// to (at 1M events, ~740 reads of fragments where the seq-keyed leaves took ~200).
pub const STORE_FORMAT_VERSION: &[u8] = b"8";
/// How many of a series' latest versions are searched for one stored whole, to compress a new
/// version against: past that, the new one is stored whole (and is the next ones' base).
const BASE_SEARCH: usize = 64;
/// The trees in which layouts 1 to 3 kept each event (seq → canonical bytes) and each
/// document (hash → raw bytes); `reindex` moves them into frames and drops them.
const LEGACY_EVENTS: &str = "events";
const LEGACY_BLOBS: &str = "blobs";
/// sled's page cache (its default is 1 GiB). Each command is one process that reads what its
/// indexes name once, or — `verify`, `export` — the whole ledger once: a cache beyond this only
/// holds memory (a 1M-event `verify` grew to the default's size), it does not save reads.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// What a store is opened for: a reader needs none of sled's background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenedFor {
    Reading,
    Writing,
}

/// Layouts whose events and documents `reindex` reads: an older one is moved to this one.
const READABLE_FORMATS: &[&[u8]] = &[b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8"];
/// The format recorded while `reindex` rebuilds the indexes: a reindex cut short leaves it,
/// and every command refuses the ledger until `reindex` runs again (the events are untouched).
const REINDEXING: &[u8] = b"reindexing";
/// The format recorded while `import` writes an export an append at a time: an import cut short
/// leaves it, and every command refuses the ledger (it holds part of the export).
const IMPORTING: &[u8] = b"importing";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no ledger at {path}: run `planledger ingest seeds` first, or name one with --store")]
    NoLedger { path: PathBuf },
    #[error("{path} is not a ledger ({found}); nothing was read or written there: name the ledger's folder with --store")]
    NotALedger { path: PathBuf, found: &'static str },
    #[error("the ledger at {path} is in use by another planledger process; wait for it to finish and try again")]
    InUse { path: PathBuf },
    #[error("cannot open the ledger at {path}: {message}")]
    Open { path: PathBuf, message: String },
    #[error("the ledger at {path} has store format {found:?}, this planledger reads format {}: run `planledger reindex` to move its events and documents into this layout and rebuild its indexes (what is stored is kept byte for byte)", String::from_utf8_lossy(STORE_FORMAT_VERSION))]
    Format { path: PathBuf, found: String },
    #[error("the ledger at {path} has store format {found:?}, which this planledger does not know; use the planledger that wrote it")]
    UnknownFormat { path: PathBuf, found: String },
    #[error("a `planledger reindex` of the ledger at {path} was cut short: its indexes are incomplete; run `planledger reindex` again (the events and documents are untouched)")]
    ReindexInterrupted { path: PathBuf },
    #[error("a `planledger import` into {path} was cut short: the folder holds only part of the export; remove it and run the import again (the export is not changed)")]
    ImportInterrupted { path: PathBuf },
    #[error("the ledger's storage cannot be read or written ({0}); if it is damaged, `planledger verify` says where, and `planledger import` restores it from an export")]
    Sled(#[from] sled::Error),
    #[error("event {seq} in the store cannot be read: {source}")]
    Corrupt { seq: u64, source: EventError },
    #[error("the frame of events from seq {first} cannot be read: {source}")]
    DamagedFrame { first: u64, source: FrameError },
    #[error("the stored document {hash} cannot be read: {source}")]
    DamagedDocument { hash: String, source: FrameError },
    #[error("the ledger at {path} already holds events; import only into an empty store (choose another --store)")]
    NotEmpty { path: PathBuf },
    #[error(
        "the events imported ended at {} where the checked export ends at seq {expected}; the \
         store is left marked as importing: remove its folder and import again",
        found.map_or_else(|| "no event".to_owned(), |seq| format!("seq {seq}"))
    )]
    ImportEndedElsewhere { expected: u64, found: Option<u64> },
    #[error("the ledger at {path} gained events while this append was being made (another writer inside this process); nothing was written: run the command again")]
    HeadMoved { path: PathBuf },
    #[error("cannot encode an event: {0}")]
    Encode(#[from] EventError),
    #[error("event {seq} has a hash that is not 64 hexadecimal digits; run `planledger verify`")]
    EventHash { seq: u64 },
    #[error("the ledger's {tree} index holds an entry that cannot be read; run `planledger reindex` to rebuild it from the events")]
    CorruptIndex { tree: &'static str },
    #[error("the stored events do not run in order: seq {expected} was expected where seq {found} is stored (a frame is missing or out of place); run `planledger verify`, and restore the ledger from an export")]
    OutOfPlace { expected: u64, found: u64 },
    #[error("the stored events stop before seq {expected}, though the ledger holds events through seq {through} (its last frames are missing); run `planledger verify`, and restore the ledger from an export")]
    EndsEarly { expected: u64, through: u64 },
    #[error("the ledger at {path} is shorter than its recorded head (seq {recorded_seq}); it holds {} — it was cut short or rolled back: run `planledger verify`, and restore it from an export", held.map_or_else(|| "no events".to_owned(), |seq| format!("events up to seq {seq}")))]
    CutShort {
        path: PathBuf,
        recorded_seq: u64,
        held: Option<u64>,
    },
    #[error("cannot record the ledger's head in {path}: {source}; the events are stored and the head file still names the head before them (which `verify` accepts: it is where a crash would have left it); the next append records the new one")]
    RecordHead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the append did not complete: {0}; what the ledger holds is whole (each document all or nothing) — free what is short and run the command again")]
    Interrupted(std::io::Error),
}

impl StoreError {
    /// An import refused because the store is not empty is a check that failed; a ledger that
    /// is not there is a wrong request; everything else means the ledger cannot be used as it
    /// is.
    pub fn kind(&self) -> crate::FailureKind {
        match self {
            StoreError::NotEmpty { .. } => crate::FailureKind::CheckFailed,
            StoreError::ImportEndedElsewhere { .. } => crate::FailureKind::LedgerUnusable,
            StoreError::NoLedger { .. } => crate::FailureKind::BadInput,
            _ => crate::FailureKind::LedgerUnusable,
        }
    }
}

/// The open ledger. Holding it holds sled's exclusive lock on the directory.
pub struct Store {
    path: PathBuf,
    /// When the ledger's folder could not be opened for writing (a read-only share, an
    /// archive), the copy it is read from; removed when the store is dropped.
    _read_copy: Option<ReadCopy>,
    /// Base frames decoded while this store is read.
    bases: Bases,
    /// Base documents decoded while this store is read (by hash).
    document_bases: Kept<String>,
    /// Base `mentions` entries decoded while this store is read (by key).
    mention_bases: Kept<Vec<u8>>,
    db: sled::Db,
    frames: sled::Tree,
    documents: sled::Tree,
    docs: sled::Tree,
    records: sled::Tree,
    identity: sled::Tree,
    targets: sled::Tree,
    adoptions: sled::Tree,
    mentions: sled::Tree,
    frontiers: sled::Tree,
    meta: sled::Tree,
}

/// Events copied out of the store as they rest ([`Store::events_resting_through`]), in frames
/// ordered by their first seq.
pub struct RestingEvents {
    frames: Vec<(u64, sled::IVec)>,
    last: u64,
    /// The ledger's last seq when they were copied, if it held any.
    head: Option<u64>,
    bases: Bases,
}

impl RestingEvents {
    /// The value of the frame whose events begin at `first`.
    fn frame(&self, first: u64) -> Option<&sled::IVec> {
        let at = self.frames.binary_search_by_key(&first, |(f, _)| *f).ok()?;
        self.frames.get(at).map(|(_, value)| value)
    }
}

impl EventRanges for RestingEvents {
    fn events_in(&self, first: u64, last: u64) -> EventsRead<'_> {
        let last = last.min(self.last);
        // The frame holding `first` begins at or before it.
        let start = self
            .frames
            .partition_point(|(f, _)| *f <= first)
            .saturating_sub(1);
        let frames = self.frames.get(start..).unwrap_or_default();
        let stored = frames
            .iter()
            .take_while(move |(at, _)| *at <= last)
            .flat_map(move |(at, value)| {
                // A frame's base is an earlier frame, so among these.
                let read = self
                    .bases
                    .decode(*at, value, |base| Ok(self.frame(base).map(|v| v.to_vec())));
                stored_in(*at, read, first, last)
            });
        decoded_in_order(first, self.head.map(|head| head.min(last)), stored)
    }
}

/// Events read by their seqs, decoded a frame at a time: from the store, or from frames
/// copied out of it.
pub trait EventRanges {
    /// The events from `first` through `last` (or through the last there is), in chain order.
    fn events_in(&self, first: u64, last: u64) -> EventsRead<'_>;
}

/// Decoded events as [`EventRanges`] reads them; a frame that cannot be read is one error.
pub type EventsRead<'a> = Box<dyn Iterator<Item = Result<Event, StoreError>> + 'a>;

/// The events' stored bytes in the frame at `at` (as read), from `first` through `last`.
fn stored_in(
    at: u64,
    read: Result<Vec<Vec<u8>>, StoreError>,
    first: u64,
    last: u64,
) -> Vec<Result<(u64, Vec<u8>), StoreError>> {
    match read {
        Ok(events) => (at..)
            .zip(events)
            .filter(|(seq, _)| (first..=last).contains(seq))
            .map(Ok)
            .collect(),
        Err(error) => vec![Err(error)],
    }
}

/// Stored events (by the seq their place gives) decoded, each held to run on from `first`
/// through `through` (the last the ledger says it holds, if any): a frame missing or an event
/// out of its place is damage to say, never a log, proof or history that silently skips it or
/// stops short.
fn decoded_in_order<'a>(
    first: u64,
    through: Option<u64>,
    stored: impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + 'a,
) -> EventsRead<'a> {
    let mut expected = first;
    let mut stored = stored.fuse();
    let mut ended = false;
    Box::new(std::iter::from_fn(move || {
        if ended {
            return None;
        }
        let Some(read) = stored.next() else {
            ended = true;
            return through
                .filter(|through| expected <= *through)
                .map(|through| Err(StoreError::EndsEarly { expected, through }));
        };
        Some(read.and_then(|(seq, bytes)| {
            let event =
                Event::from_bytes(&bytes).map_err(|source| StoreError::Corrupt { seq, source })?;
            if seq != expected || event.seq != seq {
                let found = if seq != expected { seq } else { event.seq };
                return Err(StoreError::OutOfPlace { expected, found });
            }
            expected += 1;
            Ok(event)
        }))
    }))
}

/// The earlier versions of `record`'s series among `documents`, latest first (none for a
/// document without a series). Pointed to, not copied: a series of thousands of versions was
/// copied whole for every append, of which the packing reads the first few.
fn earlier_versions<'d, D: std::borrow::Borrow<DocumentRecord>>(
    documents: &'d [D],
    record: &DocumentRecord,
) -> Vec<&'d DocumentRecord> {
    if record.series.is_none() {
        return Vec::new();
    }
    let mut earlier: Vec<&DocumentRecord> = documents
        .iter()
        .map(D::borrow)
        .filter(|other| {
            other.seq < record.seq
                && other.series.is_some()
                && other.series_key() == record.series_key()
        })
        .collect();
    earlier.sort_by_key(|other| std::cmp::Reverse(other.seq));
    earlier
}

/// The events one document appended, read from its `DocumentIngested` on: those that cite it
/// (one document's events are contiguous — one transaction each), up to a later correction
/// of it, which is not one of its events.
pub fn document_events(
    read: impl Iterator<Item = Result<Event, StoreError>>,
) -> Result<Vec<Event>, StoreError> {
    let mut events = Vec::new();
    let mut document = None;
    for event in read {
        let event = event?;
        let hash = document.get_or_insert_with(|| event.source.document.clone());
        if event.source.document != *hash || is_correction(&event) {
            break;
        }
        events.push(event);
    }
    Ok(events)
}

/// The plain bytes of the frames other frames are compressed against, kept while they are
/// read (a run of versions shares one base frame at each position), a bounded number of them.
#[derive(Default)]
struct Bases {
    kept: Kept<u64>,
}

/// How many bases are kept decoded (an append's frames, up to about 40 for the largest
/// documents, twice over) and how many bytes they may hold together, whatever the stored
/// frames claim.
const BASES_KEPT: usize = 96;
const BASES_KEPT_BYTES: usize = 64 * 1024 * 1024;

/// How many base documents are kept decoded: a document compressed against its series' base
/// is read with it, and the versions that follow in the chain mostly share it (a few series
/// interleave).
const DOCUMENT_BASES_KEPT: usize = 8;

/// How many base `mentions` entries are kept decoded: one per measure of the documents being
/// read (a 取組一覧 states a few dozen to a few hundred), each a few kilobytes.
const MENTION_BASES_KEPT: usize = 512;

/// Decoded bytes kept by key while a store is read, the latest at most `count` of them and
/// [`BASES_KEPT_BYTES`] together (the earliest kept is dropped first).
struct Kept<K> {
    kept: std::sync::Mutex<KeptBytes<K>>,
    count: usize,
}

/// What a [`Kept`] holds: the bytes by key, the keys in the order they were kept, and the
/// bytes' total length.
struct KeptBytes<K> {
    by_key: std::collections::HashMap<K, std::sync::Arc<Vec<u8>>>,
    order: std::collections::VecDeque<K>,
    bytes: usize,
}

impl Default for Kept<u64> {
    fn default() -> Self {
        Kept::holding(BASES_KEPT)
    }
}

impl<K: std::hash::Hash + Eq + Clone> Kept<K> {
    fn holding(count: usize) -> Kept<K> {
        Kept {
            kept: std::sync::Mutex::new(KeptBytes {
                by_key: std::collections::HashMap::new(),
                order: std::collections::VecDeque::new(),
                bytes: 0,
            }),
            count,
        }
    }

    /// The bytes kept under `key`, or those `decode` gives (then kept).
    fn get_or_decode(
        &self,
        key: K,
        decode: impl FnOnce() -> Result<Vec<u8>, StoreError>,
    ) -> Result<std::sync::Arc<Vec<u8>>, StoreError> {
        let found = self
            .kept
            .lock()
            .ok()
            .and_then(|kept| kept.by_key.get(&key).cloned());
        if let Some(bytes) = found {
            return Ok(bytes);
        }
        let bytes = std::sync::Arc::new(decode()?);
        if let Ok(mut kept) = self.kept.lock() {
            if kept.by_key.insert(key.clone(), bytes.clone()).is_none() {
                kept.order.push_back(key);
                kept.bytes += bytes.len();
            }
            while kept.order.len() > self.count || kept.bytes > BASES_KEPT_BYTES {
                let Some(earliest) = kept.order.pop_front() else {
                    break;
                };
                if let Some(dropped) = kept.by_key.remove(&earliest) {
                    kept.bytes = kept.bytes.saturating_sub(dropped.len());
                }
            }
        }
        Ok(bytes)
    }
}

impl Bases {
    /// The events of the frame at `first` (its stored `value`), its base read through
    /// `stored` (a frame's stored value by its first seq) when it has one.
    fn decode(
        &self,
        first: u64,
        value: &[u8],
        stored: impl Fn(u64) -> Result<Option<Vec<u8>>, StoreError>,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let damaged = |source| StoreError::DamagedFrame { first, source };
        let Some(base) = frame::frame_base(value).map_err(damaged)? else {
            return frame::decode_events(value).map_err(damaged);
        };
        let plain = self.plain(base, first, stored)?;
        frame::decode_events_with(value, Some(&plain)).map_err(damaged)
    }

    /// The plain bytes of the base frame at `base`, which the frame at `first` names.
    fn plain(
        &self,
        base: u64,
        first: u64,
        stored: impl Fn(u64) -> Result<Option<Vec<u8>>, StoreError>,
    ) -> Result<std::sync::Arc<Vec<u8>>, StoreError> {
        // A base is an earlier frame stored whole: anything else is damage to this frame.
        if base >= first {
            return Err(StoreError::DamagedFrame {
                first,
                source: FrameError::BaseMismatch,
            });
        }
        self.kept.get_or_decode(base, || {
            stored(base)?
                .ok_or(FrameError::BaseMismatch)
                .and_then(|value| frame::decode_plain(&value))
                .map_err(|source| StoreError::DamagedFrame { first, source })
        })
    }
}

/// Reads `mentions` entries asked for by key, each name's in increasing order: a scan of each
/// name's entries kept where the last one was found, so the next is usually the scan's next
/// (sled finds it in the leaf the scan holds) instead of a lookup from the tree's root.
pub struct MentionCursor<'s> {
    store: &'s Store,
    /// Per name (`id, 0`), the scan from past the entry last asked for.
    names: std::collections::HashMap<Vec<u8>, sled::Iter>,
}

/// How many names' scans a [`MentionCursor`] keeps (each holds a copy of a sled leaf, a few
/// kilobytes); past that they are dropped and begun again where needed.
const MENTION_SCANS_KEPT: usize = 4096;

impl MentionCursor<'_> {
    /// What [`Store::mention_entry`] gives for `key`.
    pub fn entry(&mut self, key: &[u8]) -> Result<Option<(u32, Vec<u8>)>, StoreError> {
        let corrupt = || StoreError::CorruptIndex { tree: "mentions" };
        let (prefix, _) = split_name_seq_key(key).ok_or_else(corrupt)?;
        let found = match self.names.get_mut(prefix).and_then(Iterator::next) {
            Some(entry) => {
                let (at, value) = entry?;
                (at.as_ref() == key).then_some(value)
            }
            None => None,
        };
        let value = match found {
            Some(value) => Some(value),
            // Not where the scan stood (an entry between, or no scan yet): begun again here.
            None => {
                if self.names.len() >= MENTION_SCANS_KEPT {
                    self.names.clear();
                }
                let mut scan = self
                    .store
                    .mentions
                    .range(key.to_vec()..name_range_end(prefix));
                let value = match scan.next() {
                    Some(entry) => {
                        let (at, value) = entry?;
                        (at.as_ref() == key).then_some(value)
                    }
                    None => None,
                };
                self.names.insert(prefix.to_vec(), scan);
                value
            }
        };
        match value {
            Some(value) => self.store.mention_frame(key, &value).map(Some),
            None => Ok(None),
        }
    }
}

/// The `mentions` entries stored whole while appends are packed, by name (`id, 0`): the
/// latest of each, its first seq and plain bytes, which the next entries of the name are
/// compressed against.
type MentionBases = std::collections::HashMap<Vec<u8>, (u64, std::sync::Arc<Vec<u8>>)>;

/// An append's grouped index entries as they are written: `mentions` packed
/// ([`Store::pack_mentions`]) and `targets`.
struct Grouped {
    mentions: RawPairs,
    targets: RawPairs,
}

/// The trees inside one transaction.
struct Trees<'t> {
    frames: &'t sled::transaction::TransactionalTree,
    documents: &'t sled::transaction::TransactionalTree,
    docs: &'t sled::transaction::TransactionalTree,
    records: &'t sled::transaction::TransactionalTree,
    identity: &'t sled::transaction::TransactionalTree,
    targets: &'t sled::transaction::TransactionalTree,
    adoptions: &'t sled::transaction::TransactionalTree,
    mentions: &'t sled::transaction::TransactionalTree,
    frontiers: &'t sled::transaction::TransactionalTree,
    meta: &'t sled::transaction::TransactionalTree,
}

impl Store {
    /// Opens (creating if needed) the ledger in `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_for(path, OpenedFor::Writing)
    }

    /// [`Store::open`], for reading or writing.
    fn open_for(path: &Path, purpose: OpenedFor) -> Result<Store, StoreError> {
        let store = Store::open_any_format(path, purpose)?;
        match store.meta.get(META_FORMAT)? {
            None => {
                store.meta.insert(META_FORMAT, STORE_FORMAT_VERSION)?;
            }
            Some(found) if found.as_ref() == STORE_FORMAT_VERSION => {}
            Some(found) if found.as_ref() == REINDEXING => {
                return Err(StoreError::ReindexInterrupted {
                    path: path.to_path_buf(),
                })
            }
            Some(found) if found.as_ref() == IMPORTING => {
                return Err(StoreError::ImportInterrupted {
                    path: path.to_path_buf(),
                })
            }
            Some(found) if READABLE_FORMATS.contains(&found.as_ref()) => {
                return Err(StoreError::Format {
                    path: path.to_path_buf(),
                    found: String::from_utf8_lossy(&found).into_owned(),
                })
            }
            Some(found) => {
                return Err(StoreError::UnknownFormat {
                    path: path.to_path_buf(),
                    found: String::from_utf8_lossy(&found).into_owned(),
                })
            }
        }
        Ok(store)
    }

    /// Rebuilds every index from the events (`planledger reindex`): for a ledger written by an
    /// earlier layout, or one whose index `verify` reports as out of step. A ledger of layout 1
    /// to 3 has its events and documents moved into frames (their bytes unchanged) in the same
    /// transaction as the indexes and the new format; the old trees are dropped only after it
    /// lands, so a reindex cut short at any point leaves them to be read again. Any other has
    /// its indexes rebuilt an append at a time, the ledger marked as reindexing until the last
    /// lands. Returns how many events were indexed.
    pub fn reindex(path: &Path) -> Result<u64, StoreError> {
        check_is_ledger(path)?;
        let store = Store::open_any_format(path, OpenedFor::Writing)?;
        if let Some(found) = store.meta.get(META_FORMAT)? {
            if found.as_ref() == IMPORTING {
                return Err(StoreError::ImportInterrupted {
                    path: path.to_path_buf(),
                });
            }
            if !READABLE_FORMATS.contains(&found.as_ref()) && found.as_ref() != REINDEXING {
                return Err(StoreError::UnknownFormat {
                    path: path.to_path_buf(),
                    found: String::from_utf8_lossy(&found).into_owned(),
                });
            }
        }
        // The old layout's trees, while they hold the events, are the truth: a move cut short
        // is started again from them.
        let legacy = if store
            .db
            .tree_names()
            .iter()
            .any(|n| n == LEGACY_EVENTS.as_bytes())
        {
            Some((
                store.db.open_tree(LEGACY_EVENTS)?,
                store.db.open_tree(LEGACY_BLOBS)?,
            ))
            .filter(|(events, _)| !events.is_empty())
        } else {
            None
        };
        let Some((legacy_events, legacy_blobs)) = &legacy else {
            return store.reindex_in_place();
        };
        let pairs = |tree: &sled::Tree| -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
            Ok(tree.iter().collect::<Result<_, _>>()?)
        };
        let encoded: Vec<(u64, Vec<u8>)> = pairs(legacy_events)?
            .into_iter()
            .map(|(key, bytes)| (decode_seq(&key), bytes.to_vec()))
            .collect();
        let documents = pairs(legacy_blobs)?;
        let events = encoded
            .iter()
            .map(|(seq, bytes)| {
                Event::from_bytes(bytes).map_err(|source| StoreError::Corrupt { seq: *seq, source })
            })
            .collect::<Result<Vec<Event>, StoreError>>()?;
        store.clear_indexes(true)?;
        let bytes: Vec<Vec<u8>> = encoded.into_iter().map(|(_, bytes)| bytes).collect();
        let packed = pack_documents(
            documents
                .iter()
                .map(|(hash, bytes)| (&hash[..], &bytes[..])),
        )?;
        let mut written_whole = MentionBases::new();
        let grouped = store.grouped_entries(&events, &bytes, &mut written_whole)?;
        store.transact(|trees| {
            write_frames(&trees, &events, &bytes)?;
            for (hash, value) in &packed {
                trees.documents.insert(hash.as_slice(), value.as_slice())?;
            }
            index_events(&trees, &events, &grouped, Frontier::default())?;
            trees.meta.insert(META_FORMAT, STORE_FORMAT_VERSION)?;
            Ok(())
        })?;
        store.db.drop_tree(LEGACY_EVENTS)?;
        store.db.drop_tree(LEGACY_BLOBS)?;
        store.db.flush()?;
        Ok(events.len() as u64)
    }

    /// [`Store::reindex`] of a ledger whose events rest in frames (layout 4 on): they stay where
    /// they are, and the indexes are rebuilt an append at a time, as ingest wrote them (sled's
    /// files after one transaction of every index entry are larger and slower to open), the
    /// mark saying "reindexing" until the last lands. The log is read twice, an event at a
    /// time, so memory holds one append whatever the ledger's size: first to find any event
    /// that does not read (the ledger is then refused unchanged), then to index.
    fn reindex_in_place(&self) -> Result<u64, StoreError> {
        let mut held = 0u64;
        for read in self.raw_events() {
            let (seq, bytes) = read?;
            Event::from_bytes(&bytes).map_err(|source| StoreError::Corrupt { seq, source })?;
            held += 1;
        }
        self.clear_indexes(false)?;
        let mut written_whole = MentionBases::new();
        let mut frontier: Frontier<Blake3Hash> = Frontier::default();
        let events = self.raw_events().map(|read| {
            let (seq, bytes) = read?;
            let event =
                Event::from_bytes(&bytes).map_err(|source| StoreError::Corrupt { seq, source })?;
            Ok::<_, StoreError>((event, bytes))
        });
        for append in by_append(events, |(event, _)| event) {
            let (append, encoded): (Vec<Event>, Vec<Vec<u8>>) = append?.into_iter().unzip();
            let grouped = self.grouped_entries(&append, &encoded, &mut written_whole)?;
            frontier =
                self.transact(|trees| index_events(&trees, &append, &grouped, frontier.clone()))?;
        }
        self.transact(|trees| {
            trees.meta.insert(META_FORMAT, STORE_FORMAT_VERSION)?;
            Ok(())
        })?;
        Ok(held)
    }

    /// Marks the ledger as reindexing and clears every index (and, for a move from layouts 1
    /// to 3, the frames and documents the move writes again). The trees are cleared outside
    /// the transaction that rebuilds them (sled cannot clear a tree inside one): the mark says
    /// so until that transaction lands.
    fn clear_indexes(&self, moving_legacy: bool) -> Result<(), StoreError> {
        self.meta.insert(META_FORMAT, REINDEXING)?;
        self.db.flush()?;
        let mut cleared = vec![
            &self.docs,
            &self.records,
            &self.identity,
            &self.targets,
            &self.adoptions,
            &self.mentions,
            &self.frontiers,
        ];
        if moving_legacy {
            cleared.extend([&self.frames, &self.documents]);
        }
        for tree in cleared {
            tree.clear()?;
        }
        // The index of layout 1, which nothing reads any more.
        self.db.drop_tree("measures")?;
        Ok(())
    }

    fn open_any_format(path: &Path, purpose: OpenedFor) -> Result<Store, StoreError> {
        let config = sled::Config::new().path(path).cache_capacity(CACHE_BYTES);
        // A reader starts none of sled's background work: its periodic flusher is a thread
        // that, as soon as it starts, also cleans segments (a read that writes). Nothing is left
        // unflushed without it: every append flushes itself (`transact`), and sled flushes a
        // tree as it is dropped.
        let config = match purpose {
            OpenedFor::Reading => config.flush_every_ms(None),
            OpenedFor::Writing => config,
        };
        // sled panics on some damage it meets while recovering its files ("tried to serialize
        // Uninitialized"): that is a damaged ledger to report, not a crash of planledger.
        let opened = quietly_catching(|| config.open()).map_err(|panic| StoreError::Open {
            path: path.to_path_buf(),
            message: format!("its storage is damaged (sled failed recovering it: {panic})"),
        })?;
        let db = opened.map_err(|error| {
            let message = error.to_string();
            // sled reports its file lock as an I/O error "could not acquire lock"; that is the
            // one a user can act on, so it gets its own message.
            if message.contains("could not acquire lock") || message.contains("WouldBlock") {
                StoreError::InUse {
                    path: path.to_path_buf(),
                }
            } else {
                StoreError::Open {
                    path: path.to_path_buf(),
                    message,
                }
            }
        })?;
        let store = Store {
            path: path.to_path_buf(),
            _read_copy: None,
            bases: Bases::default(),
            document_bases: Kept::holding(DOCUMENT_BASES_KEPT),
            mention_bases: Kept::holding(MENTION_BASES_KEPT),
            frames: db.open_tree("frames")?,
            documents: db.open_tree("documents")?,
            docs: db.open_tree("docs")?,
            records: db.open_tree("records")?,
            identity: db.open_tree("identity")?,
            targets: db.open_tree("targets")?,
            adoptions: db.open_tree("adoptions")?,
            mentions: db.open_tree("mentions")?,
            frontiers: db.open_tree("frontiers")?,
            meta: db.open_tree("meta")?,
            db,
        };
        Ok(store)
    }

    /// Whether this store is read from a copy (its folder could not be written).
    pub fn is_read_copy(&self) -> bool {
        self._read_copy.is_some()
    }

    /// The last event's seq and hash, or `None` for an empty ledger.
    pub fn head(&self) -> Result<Option<(u64, String)>, StoreError> {
        let seq = self.meta.get(META_HEAD_SEQ)?;
        let hash = self.meta.get(META_HEAD_HASH)?;
        Ok(match (seq, hash) {
            (Some(seq), Some(hash)) => Some((
                decode_seq(&seq),
                String::from_utf8_lossy(&hash).into_owned(),
            )),
            _ => None,
        })
    }

    /// Opens an existing ledger to answer from it (reading commands never create one): a ledger
    /// that is not there, or shorter than its recorded head, is refused rather than answered
    /// from. Waits for an ingest in progress as [`Store::open_for_reading`] does.
    /// A ledger this user may not write is read from the reader's cached copy of it, made once
    /// for each version of the archive (see [`read_copy`]).
    pub fn open_to_answer(path: &Path, wait: std::time::Duration) -> Result<Store, StoreError> {
        check_is_ledger(path)?;
        let store = Store::open_for_reading(path, wait, read_copy::cached_copy)?;
        store.check_length()?;
        Ok(store)
    }

    /// Opens a ledger that must already exist, without checking its length, for `verify` (which
    /// reports a short ledger as a finding). A ledger this user may not write is read from a
    /// private copy made now: `verify` vouches for the archive as it is, not for a cached copy.
    pub fn open_existing(path: &Path, wait: std::time::Duration) -> Result<Store, StoreError> {
        check_is_ledger(path)?;
        Store::open_for_reading(path, wait, read_copy::private_copy)
    }

    /// Opens the ledger to read it. An ingest in progress holds the lock: wait up to `wait` for
    /// it to finish (then read the state it committed). A ledger on a read-only filesystem or
    /// folder (sled must write to open its files) is read from a copy `copy` makes.
    fn open_for_reading(
        path: &Path,
        wait: std::time::Duration,
        copy: fn(&Path) -> std::io::Result<ReadCopy>,
    ) -> Result<Store, StoreError> {
        match Store::open_waiting(path, wait) {
            Err(StoreError::Open { message, .. }) if cannot_write(&message) => {
                Store::open_read_copy(path, copy)
            }
            other => other,
        }
    }

    /// [`Store::open`], retried while another process holds the lock, for up to `wait`.
    fn open_waiting(path: &Path, wait: std::time::Duration) -> Result<Store, StoreError> {
        Store::open_waiting_as(path, wait, false)
    }

    /// [`Store::open_waiting`]; a `writer` that finds the ledger held leaves a note
    /// ([`WRITER_WAITING_FILE`]) while it waits, so that a server answering request after
    /// request lets go between two of them and holds back until the writer is in.
    fn open_waiting_as(
        path: &Path,
        wait: std::time::Duration,
        writer: bool,
    ) -> Result<Store, StoreError> {
        let deadline = std::time::Instant::now() + wait;
        let note = path.join(WRITER_WAITING_FILE);
        let mut noted = false;
        let mut last_note: Option<std::time::Instant> = None;
        let opened = loop {
            let purpose = if writer {
                OpenedFor::Writing
            } else {
                OpenedFor::Reading
            };
            match Store::open_for(path, purpose) {
                Err(StoreError::InUse { .. }) if std::time::Instant::now() < deadline => {
                    // Renewed, so a note left by a writer that was killed goes stale within
                    // seconds. Best effort: without it the writer waits as before.
                    if writer && last_note.is_none_or(|at| at.elapsed() >= WRITER_NOTE_RENEWED) {
                        noted |= std::fs::write(&note, std::process::id().to_string()).is_ok();
                        last_note = Some(std::time::Instant::now());
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other,
            }
        };
        if noted {
            let _ = std::fs::remove_file(&note);
        }
        opened
    }

    /// Whether a writer is waiting for the ledger in `path` (a note left by a writer that was
    /// killed goes stale and is ignored).
    pub fn writer_waiting(path: &Path) -> bool {
        std::fs::metadata(path.join(WRITER_WAITING_FILE))
            .and_then(|metadata| metadata.modified())
            .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age < WRITER_NOTE_STALE))
    }

    /// Opens the ledger to append to it, waiting up to `wait` for another process holding it
    /// (an ingest, a reader, a request of `planledger serve`) to let go. Never a copy: a ledger
    /// that cannot be written is refused, not written somewhere that vanishes. `create` says
    /// whether a missing ledger is made (ingest) or refused (a correction).
    pub fn open_to_write(
        path: &Path,
        wait: std::time::Duration,
        create: bool,
    ) -> Result<Store, StoreError> {
        match check_is_ledger(path) {
            Ok(()) => {}
            // A new ledger is made where there is nothing yet.
            Err(StoreError::NoLedger { .. }) if create => {}
            Err(StoreError::NotALedger {
                found: "an empty folder",
                ..
            }) if create => {}
            Err(error) => return Err(error),
        }
        Store::open_waiting_as(path, wait, true)
    }

    /// Opens a private copy of the ledger in `path`, made now.
    pub fn open_copy(path: &Path) -> Result<Store, StoreError> {
        Store::open_read_copy(path, read_copy::private_copy)
    }

    /// Opens the copy of the ledger in `path` that `copy` makes or finds. A cached copy another
    /// reader has open (sled's lock is exclusive) is not waited for: this reader makes a
    /// private copy instead.
    fn open_read_copy(
        path: &Path,
        copy: fn(&Path) -> std::io::Result<ReadCopy>,
    ) -> Result<Store, StoreError> {
        let copy_failed = |error: std::io::Error| StoreError::Open {
            path: path.to_path_buf(),
            message: format!(
                "the folder is not writable and could not be copied to read it: {error}"
            ),
        };
        let copy = copy(path).map_err(copy_failed)?;
        let (copy, opened) = match Store::open_for(copy.path(), OpenedFor::Reading) {
            Err(StoreError::InUse { .. }) if matches!(copy, ReadCopy::Cached { .. }) => {
                let private = read_copy::private_copy(path).map_err(copy_failed)?;
                let opened = Store::open_for(private.path(), OpenedFor::Reading);
                (private, opened)
            }
            opened => (copy, opened),
        };
        let mut store = opened?;
        store.path = path.to_path_buf();
        store._read_copy = Some(copy);
        Ok(store)
    }

    /// Refuses a ledger that does not reach its recorded head, so that no command answers from
    /// a store that silently lost its tail. (A rewritten one is `verify`'s to find.)
    pub fn check_length(&self) -> Result<(), StoreError> {
        if let RecordedHead::Recorded { seq, .. } = self.recorded_head() {
            let held = self.head()?.map(|(held, _)| held);
            if held.is_none_or(|held| held < seq) {
                return Err(StoreError::CutShort {
                    path: self.path.clone(),
                    recorded_seq: seq,
                    held,
                });
            }
        }
        Ok(())
    }

    /// The head recorded outside sled's files; see [`recorded_head_at`].
    pub fn recorded_head(&self) -> RecordedHead {
        recorded_head_at(&self.path)
    }

    /// The record of the document with this content hash, from the `docs` index.
    pub fn document_record(
        &self,
        document_hash: &str,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        self.docs
            .get(document_hash.as_bytes())?
            .map(|value| decode_document(&value).ok_or(StoreError::CorruptIndex { tree: "docs" }))
            .transpose()
    }

    /// The raw bytes of a stored document (one compressed against a base is decompressed with
    /// it, and must come back as the bytes its hash names).
    pub fn blob(&self, document_hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let damaged = |hash: &str| {
            let hash = hash.to_owned();
            move |source| StoreError::DamagedDocument { hash, source }
        };
        let Some(value) = self.documents.get(document_hash.as_bytes())? else {
            return Ok(None);
        };
        let base = match frame::document_layout(&value).map_err(damaged(document_hash))? {
            DocumentLayout::Whole => {
                return frame::decode_document(&value)
                    .map(Some)
                    .map_err(damaged(document_hash))
            }
            DocumentLayout::Against(base) => base,
        };
        // A base is stored whole: one that is missing or is not is damage to this document.
        let base_bytes = self.document_bases.get_or_decode(base.clone(), || {
            self.documents
                .get(base.as_bytes())?
                .ok_or(FrameError::BaseMismatch)
                .and_then(|value| frame::decode_document(&value))
                .map_err(damaged(document_hash))
        })?;
        let bytes =
            frame::decode_document_against(&value, &base_bytes).map_err(damaged(document_hash))?;
        if blake3::hash(&bytes).to_hex().as_str() != document_hash {
            return Err(damaged(document_hash)(FrameError::BaseMismatch));
        }
        Ok(Some(bytes))
    }

    /// The frames of one append's events (`encoded`: their canonical bytes): a frame at the
    /// append's start and after every [`FRAME_EVENTS`]. The k-th frame of a version of a series
    /// is compressed against the k-th frame of the version before it (or the frame that one
    /// rests on: a base is always stored whole) when that costs less than half of storing it
    /// whole — successive versions state most of the same measures in the same order.
    fn pack_frames(
        &self,
        sealed: &[Event],
        encoded: &[Vec<u8>],
        previous: Option<&DocumentRecord>,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let mut framed = Vec::new();
        for (k, (events, bytes)) in sealed
            .chunks(FRAME_EVENTS)
            .zip(encoded.chunks(FRAME_EVENTS))
            .enumerate()
        {
            let Some(first) = events.first().map(|event| event.seq) else {
                continue;
            };
            let damaged = |source| StoreError::DamagedFrame { first, source };
            let whole = frame::encode_events(bytes).map_err(damaged)?;
            let base = previous
                .map(|previous| previous.seq + (k * FRAME_EVENTS) as u64)
                .and_then(|candidate| self.base_frame(candidate, first));
            let against = base.and_then(|(base_first, plain)| {
                frame::encode_events_against(bytes, base_first, &plain).ok()
            });
            let value = match against {
                Some(against) if against.len() * 2 < whole.len() => against,
                _ => whole,
            };
            framed.push((first, value));
        }
        Ok(framed)
    }

    /// The frame stored whole that the frame at `candidate` is or rests on, with its plain
    /// bytes, to compress a later frame (at `first`) against; `None` if there is none to use.
    fn base_frame(&self, candidate: u64, first: u64) -> Option<(u64, Vec<u8>)> {
        let value = self.frames.get(candidate.to_be_bytes()).ok()??;
        let base = match frame::frame_base(&value).ok()? {
            None => return Some((candidate, frame::decode_plain(&value).ok()?)),
            Some(base) => base,
        };
        let value = self.frames.get(base.to_be_bytes()).ok()??;
        (base < first)
            .then(|| frame::decode_plain(&value).ok())
            .flatten()
            .map(|plain| (base, plain))
    }

    /// The `mentions` and `targets` entries of consecutive appends (`encoded` holds each
    /// event's stored bytes), the mentions compressed ([`Store::pack_mentions`]); `written`
    /// carries the entries stored whole from one call to the next (an import or a reindex
    /// writes many appends).
    fn grouped_entries(
        &self,
        events: &[Event],
        encoded: &[Vec<u8>],
        written: &mut MentionBases,
    ) -> Result<Grouped, StoreError> {
        let mut grouped = AppendEntries::default();
        let mut mentions = Vec::new();
        let mut targets = Vec::new();
        let mut take = |pairs: AppendPairs| {
            mentions.extend(pairs.mentions);
            targets.extend(pairs.targets);
        };
        for (event, bytes) in events.iter().zip(encoded) {
            take(grouped.add(event, bytes));
        }
        take(grouped.finish());
        Ok(Grouped {
            mentions: self.pack_mentions(mentions, written)?,
            targets,
        })
    }

    /// The stored values of `mentions` entries, in the order given: each compressed against the
    /// latest entry of its id stored whole (one written earlier in this packing, or the store's)
    /// when that costs less than half of storing it whole — a measure restated version after
    /// version costs a few hundred bytes, most of them its events' new hashes — and otherwise
    /// stored whole, becoming the base of the next.
    fn pack_mentions(
        &self,
        entries: Vec<MentionEntry>,
        written: &mut MentionBases,
    ) -> Result<RawPairs, StoreError> {
        let mut packed = Vec::with_capacity(entries.len());
        for MentionEntry { key, count, plain } in entries {
            let (prefix, first) =
                split_name_seq_key(&key).ok_or(StoreError::CorruptIndex { tree: "mentions" })?;
            let damaged = |source| StoreError::DamagedFrame { first, source };
            let base = match written.get(prefix) {
                Some(base) => Some(base.clone()),
                None => self.stored_mention_base(prefix, first),
            };
            let against = base.and_then(|(base_first, base)| {
                frame::encode_plain(count, &plain, Some((base_first, &base))).ok()
            });
            // Events compress about fourfold alone: against a base at a tenth of their plain
            // size there is nothing to weigh (most entries), above it the whole is made.
            let value = match against {
                Some(against) if against.len() * 10 < plain.len() => against,
                against => {
                    let whole = frame::encode_plain(count, &plain, None).map_err(damaged)?;
                    match against {
                        Some(against) if against.len() * 2 < whole.len() => against,
                        _ => {
                            written.insert(prefix.to_vec(), (first, std::sync::Arc::new(plain)));
                            whole
                        }
                    }
                }
            };
            packed.push((key, value));
        }
        Ok(packed)
    }

    /// The entry stored whole that the store's latest `mentions` entry of a name (`prefix`)
    /// before `first` is or rests on, with its plain bytes; `None` if there is none to use.
    fn stored_mention_base(
        &self,
        prefix: &[u8],
        first: u64,
    ) -> Option<(u64, std::sync::Arc<Vec<u8>>)> {
        let (key, value) = self
            .mentions
            .range(prefix.to_vec()..prefixed_seq_key(prefix, first))
            .next_back()?
            .ok()?;
        let (_, at) = split_name_seq_key(&key)?;
        let base = frame::frame_base(&value).ok()?.unwrap_or(at);
        if base > at {
            // A base after its entry is damage the readers refuse: none to build on.
            return None;
        }
        let value = if base == at {
            value
        } else {
            self.mentions.get(prefixed_seq_key(prefix, base)).ok()??
        };
        Some((base, std::sync::Arc::new(frame::decode_plain(&value).ok()?)))
    }

    /// The frame a `mentions` entry (`key`, its stored `value`) holds: its count of events and
    /// their plain bytes, decoded against its base (an earlier entry of the same name stored
    /// whole) when it has one.
    fn mention_frame(&self, key: &[u8], value: &[u8]) -> Result<(u32, Vec<u8>), StoreError> {
        let corrupt = || StoreError::CorruptIndex { tree: "mentions" };
        let (prefix, first) = split_name_seq_key(key).ok_or_else(corrupt)?;
        let Some(base) = frame::frame_base(value).map_err(|_| corrupt())? else {
            return frame::decode_plain_with(value, None).map_err(|_| corrupt());
        };
        if base >= first {
            return Err(corrupt());
        }
        let base_key = prefixed_seq_key(prefix, base);
        let plain = self.mention_bases.get_or_decode(base_key.clone(), || {
            let value = self.mentions.get(&base_key)?.ok_or_else(corrupt)?;
            frame::decode_plain(&value).map_err(|_| corrupt())
        })?;
        frame::decode_plain_with(value, Some(&plain)).map_err(|_| corrupt())
    }

    /// The frame the `mentions` entry at `key` holds, decoded (see [`Store::mention_frame`]);
    /// `None` when there is no entry there.
    pub fn mention_entry(&self, key: &[u8]) -> Result<Option<(u32, Vec<u8>)>, StoreError> {
        match self.mentions.get(key)? {
            Some(value) => self.mention_frame(key, &value).map(Some),
            None => Ok(None),
        }
    }

    /// A reader of `mentions` entries asked for in chain order (as `verify` asks for them).
    pub fn mention_cursor(&self) -> MentionCursor<'_> {
        MentionCursor {
            store: self,
            names: std::collections::HashMap::new(),
        }
    }

    /// The value a new document of a series rests as: compressed against the latest version of
    /// its series stored whole when that costs less than half of storing it whole (a version
    /// that departs further is stored whole, and becomes the next versions' base); a document
    /// without a series is stored whole. `record` is the document's own record.
    fn pack_version<D: std::borrow::Borrow<DocumentRecord>>(
        &self,
        record: &DocumentRecord,
        earlier: &[D],
        bytes: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        let damaged = |source| StoreError::DamagedDocument {
            hash: record.hash.clone(),
            source,
        };
        let whole = frame::encode_document(bytes).map_err(damaged)?;
        if record.series.is_none() {
            return Ok(whole);
        }
        for other in earlier.iter().take(BASE_SEARCH).map(D::borrow) {
            let Some(value) = self.documents.get(other.hash.as_bytes())? else {
                continue;
            };
            if frame::document_layout(&value) != Ok(DocumentLayout::Whole) {
                continue;
            }
            let Ok(base) = frame::decode_document(&value) else {
                continue;
            };
            // Compressing against a base is an economy: if it fails, the version is stored whole.
            return Ok(
                match frame::encode_document_against(bytes, &other.hash, &base) {
                    Ok(against) if against.len() * 2 < whole.len() => against,
                    _ => whole,
                },
            );
        }
        Ok(whole)
    }

    /// What `verify` says of the layout it read: the format, the frames, and how many documents
    /// rest compressed against an earlier version of their series.
    pub fn layout_described(&self) -> Result<String, StoreError> {
        let mut whole = 0;
        let mut against = 0;
        for entry in self.documents.iter() {
            match frame::document_layout(&entry?.1) {
                Ok(DocumentLayout::Against(_)) => against += 1,
                _ => whole += 1,
            }
        }
        let mut frames = 0;
        let mut frames_against = 0;
        for entry in self.frames.iter() {
            frames += 1;
            if matches!(frame::frame_base(&entry?.1), Ok(Some(_))) {
                frames_against += 1;
            }
        }
        Ok(format!(
            "layout {}: events in zstd frames of up to {FRAME_EVENTS} ({frames_against} of {frames} against the frame of an earlier version) and each measure's events again side by side (the mentions index), documents compressed ({whole} whole, {against} against an earlier version of their series)",
            String::from_utf8_lossy(STORE_FORMAT_VERSION)
        ))
    }

    /// Every stored document's hash, in hash order (the bytes are read one by one with
    /// [`Store::blob`]).
    pub fn blob_hashes(&self) -> Result<Vec<String>, StoreError> {
        self.documents
            .iter()
            .keys()
            .map(|key| Ok(String::from_utf8_lossy(&key?).into_owned()))
            .collect()
    }

    /// Every event's stored bytes with its seq, in chain order, read as the caller goes (for
    /// `verify`, which checks the bytes themselves). A frame that cannot be read is one error
    /// naming its first seq.
    pub fn raw_events(&self) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        self.raw_events_in(0, u64::MAX)
    }

    /// [`Store::raw_events`] from `seq` through `last`: no frame starting after `last` is read.
    fn raw_events_in(
        &self,
        seq: u64,
        last: u64,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        // The frame holding `seq` starts at or before it; a store that cannot say where is the
        // first (and, for every caller, the last) item read.
        let (start, unreadable) = match self.frame_at(seq) {
            Ok(frame) => (frame.map_or(seq, |(first, _)| first), None),
            Err(error) => (seq, Some(Err(error))),
        };
        unreadable.into_iter().chain(
            self.frames
                .range(start.to_be_bytes()..=last.max(start).to_be_bytes())
                .flat_map(|entry| {
                    let read: Vec<Result<(u64, Vec<u8>), StoreError>> =
                        match entry.map_err(StoreError::from).and_then(|(key, value)| {
                            let first = decode_seq(&key);
                            self.frame_events(first, &value)
                                .map(|events| (first, events))
                        }) {
                            Ok((first, events)) => (first..).zip(events).map(Ok).collect(),
                            Err(error) => vec![Err(error)],
                        };
                    read
                })
                .filter(move |read| {
                    read.as_ref()
                        .map_or(true, |(at, _)| (seq..=last).contains(at))
                }),
        )
    }

    /// The frame whose events begin at or before `seq` (the one holding it, if any does): its
    /// first seq and its stored value.
    fn frame_at(&self, seq: u64) -> Result<Option<(u64, sled::IVec)>, StoreError> {
        Ok(self
            .frames
            .range(..=seq.to_be_bytes())
            .next_back()
            .transpose()?
            .map(|(key, value)| (decode_seq(&key), value)))
    }

    /// The events up to and including `last`, as they rest (compressed frames), copied out so
    /// that they are decoded after the store is closed: a reader holding the ledger (or a
    /// server's one gate) for a question about the whole history pays a copy, not a decode.
    pub fn events_resting_through(&self, last: u64) -> Result<RestingEvents, StoreError> {
        let frames = self
            .frames
            .range(..=last.to_be_bytes())
            .map(|entry| {
                let (key, value) = entry?;
                Ok((decode_seq(&key), value))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(RestingEvents {
            frames,
            last,
            head: self.head()?.map(|(seq, _)| seq),
            bases: Bases::default(),
        })
    }

    /// All events in chain order, in memory together (a question about the whole ledger
    /// reads them as it goes: [`EventRanges::events_in`]).
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.events_in(0, u64::MAX).collect()
    }

    /// The events of the frame at `first` (its stored `value`), through its base when it is
    /// compressed against one.
    fn frame_events(&self, first: u64, value: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.bases.decode(first, value, |base| {
            Ok(self.frames.get(base.to_be_bytes())?.map(|v| v.to_vec()))
        })
    }

    /// The frame holding `seq`, decoded. An append is cut into frames of [`FRAME_EVENTS`] from
    /// its first seq (`write_frames`), so with the append's start known the frame's key is
    /// looked up exactly — a point read, where finding the last frame at or before `seq` walks
    /// sled's tree backwards; a frame there that does not hold `seq` (another cut) falls back
    /// to that walk (a frame there that cannot be decoded is the store's damage, reported).
    fn frame_holding(
        &self,
        seq: u64,
        append: Option<u64>,
    ) -> Result<Option<DecodedFrame>, StoreError> {
        if let Some(start) = append.filter(|start| *start <= seq) {
            let width = FRAME_EVENTS as u64;
            let first = start + (seq - start) / width * width;
            if let Some(value) = self.frames.get(first.to_be_bytes())? {
                let events = self.frame_events(first, &value)?;
                if seq - first < events.len() as u64 {
                    return Ok(Some((first, events)));
                }
            }
        }
        Ok(match self.frame_at(seq)? {
            Some((first, value)) => Some((first, self.frame_events(first, &value)?)),
            None => None,
        })
    }

    /// The event at `seq`, if the ledger holds one.
    pub fn event(&self, seq: u64) -> Result<Option<Event>, StoreError> {
        let mut frame = None;
        self.event_in(seq, None, &mut frame)
    }

    /// The event at `seq`, read from `frame` when it holds it (else the frame that does is
    /// read and kept there): consecutive reads in one frame decode it once.
    /// `append`, when known, is the first seq of the append that wrote the event.
    fn event_in(
        &self,
        seq: u64,
        append: Option<u64>,
        frame: &mut Option<DecodedFrame>,
    ) -> Result<Option<Event>, StoreError> {
        let held = |frame: &Option<DecodedFrame>| {
            frame
                .as_ref()
                .is_some_and(|(first, events)| seq >= *first && seq - first < events.len() as u64)
        };
        if !held(frame) {
            *frame = self.frame_holding(seq, append)?;
        }
        let Some((first, events)) = frame.as_ref() else {
            return Ok(None);
        };
        let Some(bytes) = seq
            .checked_sub(*first)
            .and_then(|at| usize::try_from(at).ok())
            .and_then(|at| events.get(at))
        else {
            return Ok(None);
        };
        Event::from_bytes(bytes)
            .map(Some)
            .map_err(|source| StoreError::Corrupt { seq, source })
    }

    /// Every document's record, in chain order, from the `records` index alone (no event is
    /// read): keyed by seq, its entries lie in chain order on leaves filled in turn, where the
    /// `docs` index (keyed by hash) spreads them over pages each rewritten by later appends.
    ///
    /// sled's stepping through the entries and the records' parsing take about as long as each
    /// other (~4 and ~3 ms at 1M events): the values are handed over in batches as they are
    /// read, and parsed on this thread while the next are read on another (in turn on one
    /// processor: the channel is not bounded, so the reading never waits for the parsing).
    pub fn document_records(&self) -> Result<Vec<DocumentRecord>, StoreError> {
        const BATCH: usize = 128;
        // Batches in key order, a failed read as the last message: the parsing returns the
        // first failure in the records' order, whichever thread met it first.
        let (batches, to_parse) = std::sync::mpsc::channel::<Result<Vec<sled::IVec>, StoreError>>();
        let ((), parsed) = crate::side_by_side(
            move || {
                let mut batch = Vec::with_capacity(BATCH);
                for value in self.records.iter().values() {
                    let value = match value {
                        Ok(value) => value,
                        Err(error) => {
                            let _ = batches.send(Ok(std::mem::take(&mut batch)));
                            let _ = batches.send(Err(error.into()));
                            return;
                        }
                    };
                    batch.push(value);
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if batches.send(Ok(full)).is_err() {
                            // The parsing stopped at a damaged record: its error is returned.
                            return;
                        }
                    }
                }
                let _ = batches.send(Ok(batch));
            },
            || -> Result<Vec<DocumentRecord>, StoreError> {
                let mut records = Vec::new();
                for batch in to_parse {
                    for value in batch? {
                        records.push(
                            decode_record(&value)
                                .ok_or(StoreError::CorruptIndex { tree: "records" })?,
                        );
                    }
                }
                Ok(records)
            },
        );
        parsed
    }

    /// The events one document appended: its `DocumentIngested` at `seq` and those after it
    /// that cite it (one document's events are contiguous — one transaction each).
    pub fn events_of_document(&self, seq: u64) -> Result<Vec<Event>, StoreError> {
        document_events(self.events_in(seq, u64::MAX))
    }

    /// The identity index (see `ledger::index::IdentityIndex`), read from its tree: its size is
    /// the number of distinct measure statements, not of events.
    pub fn identity_index(&self) -> Result<IdentityIndex, StoreError> {
        let mut index = IdentityIndex::default();
        for entry in self.identity.iter() {
            let (key, value) = entry?;
            index
                .add_entry(&key, &value)
                .ok_or(StoreError::CorruptIndex { tree: "identity" })?;
        }
        Ok(index)
    }

    /// Every figure observation, from the target index alone (no event is read), in chain
    /// order: the entries' values, each checked to decode, read borrowing their texts.
    pub fn all_target_observations(&self) -> Result<Observations, StoreError> {
        let values = self
            .targets
            .iter()
            .values()
            .map(|value| Ok(value?.to_vec()))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Observations::checked(values).ok_or(StoreError::CorruptIndex { tree: "targets" })
    }

    /// Every `PlanAdopted` event, in chain order, read through the adoption index.
    pub fn adoption_events(&self) -> Result<Vec<Event>, StoreError> {
        let seqs = self
            .adoptions
            .iter()
            .keys()
            .map(|key| Ok(decode_seq(&key?)))
            .collect::<Result<Vec<u64>, StoreError>>()?;
        self.events_at(&seqs, "adoptions")
    }

    /// The events at `seqs` (which an index named: one missing is that index's corruption).
    pub fn events_at(&self, seqs: &[u64], index: &'static str) -> Result<Vec<Event>, StoreError> {
        self.events_of_append_at(None, seqs, index)
    }

    /// [`Store::events_at`] for events of the append starting at `append`, when known.
    fn events_of_append_at(
        &self,
        append: Option<u64>,
        seqs: &[u64],
        index: &'static str,
    ) -> Result<Vec<Event>, StoreError> {
        let mut frame = None;
        seqs.iter()
            .map(|&seq| {
                self.event_in(seq, append, &mut frame)?
                    .ok_or(StoreError::CorruptIndex { tree: index })
            })
            .collect()
    }

    /// Every event that names `measure_id` (as recorded), in chain order, read through the
    /// mentions index — whole ([`Event`]) or as a history reads it ([`HistoryEvent`]).
    ///
    /// A measure stated in every version has hundreds of entries, side by side, whose thousands
    /// of events are decoded and parsed: with two processors, the entries of the earlier and the
    /// later half of the ledger are read at once.
    pub fn events_mentioning<T: MentionedEvent>(
        &self,
        measure_id: &str,
    ) -> Result<Vec<T>, StoreError> {
        let prefix = name_prefix(measure_id);
        let end = name_range_end(&prefix);
        let middle = self.head()?.map_or(0, |(seq, _)| seq / 2);
        if middle == 0 {
            let entries = self.mention_values(prefix..end)?;
            let mut events = Vec::with_capacity(stated_events(&entries));
            self.events_mentioned_in(&entries, &mut events)?;
            return Ok(events);
        }
        let split = name_seq_key(measure_id, middle);
        // A long history is thousands of events: the list is allocated once, at the
        // size the entries' headers state for both halves, rather than regrown (each regrowth a
        // copy, and fresh memory that costs a fault a page).
        let (later_count, later_stated) = std::sync::mpsc::sync_channel(1);
        let (later, earlier) = crate::side_by_side(
            || -> Result<Vec<T>, StoreError> {
                // Owned here, so that a failure before the send drops it and the earlier half
                // hears of it instead of waiting.
                let later_count = later_count;
                let entries = self.mention_values(split.clone()..end)?;
                let stated = stated_events(&entries);
                // Received by the earlier half, which runs after this one on one processor.
                let _ = later_count.send(stated);
                let mut events = Vec::with_capacity(stated);
                self.events_mentioned_in(&entries, &mut events)?;
                Ok(events)
            },
            || -> Result<Vec<T>, StoreError> {
                let entries = self.mention_values(prefix..split.clone())?;
                // Nothing received: the later half failed (its error is returned below; a panic
                // of its thread is raised again when it is joined).
                let later = later_stated.recv().unwrap_or(0);
                let mut events = Vec::with_capacity(stated_events(&entries) + later);
                self.events_mentioned_in(&entries, &mut events)?;
                Ok(events)
            },
        );
        let mut events = earlier?;
        events.extend(later?);
        Ok(events)
    }

    /// The `mentions` entries in `range` (keys of one name), as stored.
    fn mention_values(
        &self,
        range: std::ops::Range<Vec<u8>>,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        Ok(self.mentions.range(range).collect::<Result<_, _>>()?)
    }

    /// The events the `mentions` `entries` hold (keys of one name, in order), in chain order,
    /// pushed onto `events`. An entry whose events do not start at its key's seq, or do not all
    /// name its measure, is refused as damage (`verify` says which), never read as that
    /// measure's history.
    fn events_mentioned_in<T: MentionedEvent>(
        &self,
        entries: &[(sled::IVec, sled::IVec)],
        events: &mut Vec<T>,
    ) -> Result<(), StoreError> {
        let corrupt = || StoreError::CorruptIndex { tree: "mentions" };
        let mut reading = T::Reading::default();
        for (key, value) in entries {
            let (prefix, first) = split_name_seq_key(key).ok_or_else(corrupt)?;
            let name = prefix.get(..prefix.len() - 1).ok_or_else(corrupt)?;
            let (count, plain) = self.mention_frame(key, value)?;
            let held = frame::plain_events(&plain, count).map_err(|_| corrupt())?;
            for (at, bytes) in held.into_iter().enumerate() {
                let event = T::from_bytes(bytes, &mut reading).ok_or_else(corrupt)?;
                let in_place = (at > 0 || event.seq() == first)
                    && event.measure_id().map(str::as_bytes) == Some(name);
                if !in_place {
                    return Err(corrupt());
                }
                events.push(event);
            }
        }
        Ok(())
    }

    /// Every `TargetChanged` event of the figure `key`, in chain order. Only the target entries
    /// whose bytes hold the key as `encode_observations` writes it are decoded: a measure's
    /// history asks for its id here too, which no entry names.
    pub fn events_of_target(&self, key: &str) -> Result<Vec<Event>, StoreError> {
        let needle = observation_key_bytes(key);
        let finder = memchr::memmem::Finder::new(&needle);
        let mut seqs = Vec::new();
        for entry in self.targets.iter() {
            let (_, value) = entry?;
            if finder.find(&value).is_none() {
                continue;
            }
            for observation in observation_views(&value) {
                let observation =
                    observation.ok_or(StoreError::CorruptIndex { tree: "targets" })?;
                if observation.key == key {
                    seqs.push(observation.seq);
                }
            }
        }
        self.events_at(&seqs, "targets")
    }

    /// Appends one document's events and stores its bytes, atomically: the events are chained
    /// onto the current head inside the transaction, so the chain cannot fork. `documents` are
    /// the ledger's records as the caller read them for the derivation (this store, under the
    /// same write): the earlier versions of the document's series are found among them, for
    /// its frames and bytes to be compressed against — not read again. (A frame names the base
    /// it rests on, so a record missing there costs compression, never correctness.)
    pub fn append_document<D: std::borrow::Borrow<DocumentRecord>>(
        &self,
        document_hash: &str,
        bytes: &[u8],
        unsealed: Vec<UnsealedEvent>,
        documents: &[D],
    ) -> Result<Vec<Event>, StoreError> {
        self.append(Some((document_hash, bytes)), unsealed, documents)
    }

    /// Appends a correction of a document the ledger holds (its `docs` record is rewritten in
    /// the same transaction).
    pub fn append_correction(&self, correction: UnsealedEvent) -> Result<Event, StoreError> {
        let mut sealed = self.append::<DocumentRecord>(None, vec![correction], &[])?;
        sealed
            .pop()
            .ok_or(StoreError::CorruptIndex { tree: "docs" })
    }

    fn append<D: std::borrow::Borrow<DocumentRecord>>(
        &self,
        document: Option<(&str, &[u8])>,
        unsealed: Vec<UnsealedEvent>,
        documents: &[D],
    ) -> Result<Vec<Event>, StoreError> {
        // Sealed once, before the transaction (which sled may run again on a conflict), onto
        // the head the transaction then finds unchanged, so the chain cannot fork.
        let held = self.head()?;
        let (mut next_seq, mut prev) = match &held {
            Some((seq, hash)) => (seq + 1, hash.clone()),
            None => (0, GENESIS_HASH.to_owned()),
        };
        let mut sealed = Vec::with_capacity(unsealed.len());
        let mut encoded = Vec::with_capacity(unsealed.len());
        for event in unsealed {
            let event = event.seal(next_seq, &prev).map_err(StoreError::Encode)?;
            encoded.push(event.canonical_bytes().map_err(StoreError::Encode)?);
            prev = event.hash.clone();
            next_seq += 1;
            sealed.push(event);
        }
        if held.is_none() {
            if let Some(last) = sealed.last() {
                self.record_empty_head_before_first_write(last.seq, &last.hash)?;
            }
        }
        // A document is compressed once, outside the transaction, against an earlier version of
        // its series when that pays (its record is read from its own DocumentIngested event).
        let record = sealed.first().and_then(DocumentRecord::of);
        let earlier = match &record {
            Some(record) => earlier_versions(documents, record),
            None => Vec::new(),
        };
        let packed: RawPairs = match (document, &record) {
            (Some((hash, bytes)), Some(record)) => {
                vec![(
                    hash.as_bytes().to_vec(),
                    self.pack_version(record, &earlier, bytes)?,
                )]
            }
            (document, _) => {
                pack_documents(document.map(|(hash, bytes)| (hash.as_bytes(), bytes)))?
            }
        };
        let framed = self.pack_frames(&sealed, &encoded, earlier.first().copied())?;
        let grouped = self.grouped_entries(&sealed, &encoded, &mut MentionBases::new())?;
        super::failpoint::check("before-commit").map_err(StoreError::Interrupted)?;
        self.transact(|trees| {
            let meta = trees.meta;
            let found = match (meta.get(META_HEAD_SEQ)?, meta.get(META_HEAD_HASH)?) {
                (Some(seq), Some(hash)) => Some((
                    decode_seq(&seq),
                    String::from_utf8_lossy(&hash).into_owned(),
                )),
                _ => None,
            };
            if found != held {
                return Err(abort(StoreError::HeadMoved {
                    path: self.path.clone(),
                }));
            }
            let first_seq = held.as_ref().map_or(0, |(seq, _)| seq + 1);
            // The tree so far, from the entry kept at the head (the end of the last document).
            let frontier = match trees.frontiers.get(first_seq.to_be_bytes())? {
                Some(value) => decode_frontier(&first_seq.to_be_bytes(), &value)
                    .ok_or_else(|| abort(StoreError::CorruptIndex { tree: "frontiers" }))?,
                None if first_seq == 0 => Frontier::default(),
                None => return Err(abort(StoreError::CorruptIndex { tree: "frontiers" })),
            };
            write_append(&trees, &sealed, &framed, &grouped, &packed, frontier)?;
            Ok(())
        })?;
        if let Some(last) = sealed.last() {
            self.record_head(last.seq, &last.hash)?;
        }
        super::failpoint::check("appended").map_err(StoreError::Interrupted)?;
        Ok(sealed)
    }

    /// Fills an empty store with already-sealed events (an import) and their documents, an
    /// append at a time as ingest wrote them: frames and documents compressed against the
    /// earlier versions of their series, each append's events and index entries one
    /// transaction (sled's files after one transaction of everything are twice the size and
    /// slower to open). The ledger is marked as importing until the last append lands, so an
    /// import cut short is refused, never read as the ledger. The caller has verified the
    /// events (and gives the last one's seq and hash, for the head recorded before the first
    /// write); this writes them exactly as they are, reading each append's document through
    /// `document_of`. Returns how many documents were written.
    pub fn import<E: From<StoreError>>(
        &self,
        events: impl IntoIterator<Item = Result<Event, E>>,
        (last_seq, last_hash): (u64, &str),
        document_of: impl Fn(&str) -> Result<Option<Vec<u8>>, E>,
    ) -> Result<usize, E> {
        if self.head()?.is_some() {
            return Err(StoreError::NotEmpty {
                path: self.path.clone(),
            }
            .into());
        }
        self.record_empty_head_before_first_write(last_seq, last_hash)?;
        self.transact(|trees| {
            trees.meta.insert(META_FORMAT, IMPORTING)?;
            Ok(())
        })?;
        // The versions of each series so far, latest first when asked: what ingest reads from
        // the documents' records (a correction changes no record's series or seq).
        let mut series: std::collections::HashMap<String, Vec<DocumentRecord>> =
            std::collections::HashMap::new();
        let mut written: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut frontier: Frontier<Blake3Hash> = Frontier::default();
        let mut written_whole = MentionBases::new();
        let mut write = |append: &[Event], is_last: bool| -> Result<(), E> {
            let encoded: Vec<Vec<u8>> = append
                .iter()
                .map(Event::canonical_bytes)
                .collect::<Result<_, _>>()
                .map_err(StoreError::Encode)?;
            let record = append.first().and_then(DocumentRecord::of);
            let earlier: Vec<DocumentRecord> = record
                .as_ref()
                .filter(|record| record.series.is_some())
                .and_then(|record| series.get(record.series_key()))
                .map(|versions| versions.iter().rev().take(BASE_SEARCH).cloned().collect())
                .unwrap_or_default();
            let mut packed: RawPairs = Vec::new();
            if let Some(record) = record.as_ref().filter(|r| !written.contains(&r.hash)) {
                if let Some(bytes) = document_of(&record.hash)? {
                    packed.push((
                        record.hash.as_bytes().to_vec(),
                        self.pack_version(record, &earlier, &bytes)?,
                    ));
                    written.insert(record.hash.clone());
                }
            }
            let framed = self.pack_frames(append, &encoded, earlier.first())?;
            let grouped = self.grouped_entries(append, &encoded, &mut written_whole)?;
            frontier = self.transact(|trees| {
                let after =
                    write_append(&trees, append, &framed, &grouped, &packed, frontier.clone())?;
                if is_last {
                    trees.meta.insert(META_FORMAT, STORE_FORMAT_VERSION)?;
                }
                Ok(after)
            })?;
            if let Some(record) = record.filter(|record| record.series.is_some()) {
                series
                    .entry(record.series_key().to_owned())
                    .or_default()
                    .push(record);
            }
            Ok(())
        };
        // An append is written once the next one is read (memory holds two, whatever the
        // export's size); the last (known only when the events end) also marks the ledger as
        // whole, if it ends at the head the caller announced — otherwise it stays marked.
        let mut appends = by_append(events, |event| event).peekable();
        let mut last_append = Vec::new();
        while let Some(append) = appends.next() {
            let append = append?;
            if appends.peek().is_none() {
                last_append = append;
                break;
            }
            write(&append, false)?;
        }
        match last_append.last() {
            Some(event) if event.seq == last_seq && event.hash == last_hash => {
                write(&last_append, true)?;
            }
            ended => {
                return Err(StoreError::ImportEndedElsewhere {
                    expected: last_seq,
                    found: ended.map(|event| event.seq),
                }
                .into())
            }
        }
        self.record_head(last_seq, last_hash)?;
        Ok(written.len())
    }

    /// The head is recorded after sled commits, so a crash inside the first document would
    /// leave events with no recorded head — which `verify` must report as a store that may have
    /// been replaced. Before the first write the head file says the ledger is empty *until* the
    /// head this append will make: a crash in between leaves exactly that, while `empty` over
    /// any other events (a replaced store) still fails.
    fn record_empty_head_before_first_write(&self, seq: u64, hash: &str) -> Result<(), StoreError> {
        if matches!(
            self.recorded_head(),
            RecordedHead::Missing | RecordedHead::Empty { .. }
        ) {
            self.write_head_file(&format!("{EMPTY_HEAD} until {seq} {hash}\n"))?;
        }
        Ok(())
    }

    fn record_head(&self, seq: u64, hash: &str) -> Result<(), StoreError> {
        self.write_head_file(&format!("{seq} {hash}\n"))
    }

    /// Writes the head to [`HEAD_FILE_NAME`] atomically (a temporary file, fsync, rename), after
    /// sled has flushed: a crash between the two leaves the recorded head one document behind,
    /// which the store still extends.
    fn write_head_file(&self, line: &str) -> Result<(), StoreError> {
        let path = self.path.join(HEAD_FILE_NAME);
        let temporary = self.path.join(format!("{HEAD_FILE_NAME}.tmp"));
        let write = || -> std::io::Result<()> {
            use super::failpoint::{check, write_step};
            use std::io::Write;
            let mut file = std::fs::File::create(&temporary)?;
            write_step("head-written", line.as_bytes(), |bytes| {
                file.write_all(bytes)
            })?;
            file.sync_all()?;
            check("head-synced")?;
            std::fs::rename(&temporary, &path)?;
            check("head-renamed")?;
            // The rename is durable once the directory is synced (not possible everywhere).
            if let Ok(directory) = std::fs::File::open(&self.path) {
                let _ = directory.sync_all();
            }
            Ok(())
        };
        write().map_err(|source| StoreError::RecordHead { path, source })
    }

    /// Runs `body` as one sled transaction over every tree, then flushes: the only way the
    /// store writes, so every write is all-or-nothing and durable before it is reported.
    fn transact<T>(
        &self,
        body: impl Fn(Trees<'_>) -> Result<T, ConflictableTransactionError<StoreError>>,
    ) -> Result<T, StoreError> {
        let trees = (
            &self.frames,
            &self.documents,
            &self.docs,
            &self.records,
            &self.identity,
            &self.targets,
            &self.adoptions,
            &self.mentions,
            &self.frontiers,
            &self.meta,
        );
        let value = trees
            .transaction(
                |(
                    frames,
                    documents,
                    docs,
                    records,
                    identity,
                    targets,
                    adoptions,
                    mentions,
                    frontiers,
                    meta,
                )| {
                    body(Trees {
                        frames,
                        documents,
                        docs,
                        records,
                        identity,
                        targets,
                        adoptions,
                        mentions,
                        frontiers,
                        meta,
                    })
                },
            )
            .map_err(|error| match error {
                TransactionError::Abort(error) => error,
                TransactionError::Storage(storage) => StoreError::Sled(storage),
            })?;
        super::failpoint::check("committed").map_err(StoreError::Interrupted)?;
        self.db.flush()?;
        super::failpoint::check("flushed").map_err(StoreError::Interrupted)?;
        Ok(value)
    }

    fn index_tree(&self, tree: IndexTree) -> &sled::Tree {
        match tree {
            IndexTree::Docs => &self.docs,
            IndexTree::Records => &self.records,
            IndexTree::Identity => &self.identity,
            IndexTree::Targets => &self.targets,
            IndexTree::Adoptions => &self.adoptions,
            IndexTree::Mentions => &self.mentions,
            IndexTree::Frontiers => &self.frontiers,
        }
    }

    /// One index entry's value (for `verify`, which checks each entry an event implies).
    pub fn index_value(&self, tree: IndexTree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.index_tree(tree).get(key)?.map(|value| value.to_vec()))
    }

    /// How many entries an index holds.
    pub fn index_len(&self, tree: IndexTree) -> usize {
        self.index_tree(tree).len()
    }

    /// An index's entries in key order, read as the caller goes.
    pub fn index_entries(
        &self,
        tree: IndexTree,
    ) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.index_tree(tree).iter().map(|entry| {
            let (key, value) = entry?;
            Ok((key.to_vec(), value.to_vec()))
        })
    }

    /// The Merkle frontier of the first `size` events, when a document ends there (the
    /// `frontiers` index keeps one at every document's end).
    pub fn frontier_at(&self, size: u64) -> Result<Option<Frontier<Blake3Hash>>, StoreError> {
        let key = size.to_be_bytes();
        self.frontiers
            .get(key)?
            .map(|value| {
                decode_frontier(&key, &value).ok_or(StoreError::CorruptIndex { tree: "frontiers" })
            })
            .transpose()
    }
}

fn abort(error: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(error)
}

/// Each document's hash and the value its bytes rest as (compressed before a transaction,
/// which sled may run more than once).
fn pack_documents<'d>(
    documents: impl IntoIterator<Item = (&'d [u8], &'d [u8])>,
) -> Result<RawPairs, StoreError> {
    documents
        .into_iter()
        .map(|(hash, bytes)| {
            let value =
                frame::encode_document(bytes).map_err(|source| StoreError::DamagedDocument {
                    hash: String::from_utf8_lossy(hash).into_owned(),
                    source,
                })?;
            Ok((hash.to_vec(), value))
        })
        .collect()
}

/// Writes consecutive sealed events (`encoded`: their canonical bytes) as frames: a new frame
/// at every append's start and after every [`FRAME_EVENTS`], so no frame spans two appends
/// and none written before is touched.
fn write_frames(
    trees: &Trees<'_>,
    events: &[Event],
    encoded: &[Vec<u8>],
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let mut start = 0;
    while let Some(first) = events.get(start).map(|event| event.seq) {
        let mut end = start + 1;
        while end - start < FRAME_EVENTS && events.get(end).is_some_and(|e| !starts_append(e)) {
            end += 1;
        }
        // An event without its bytes would make a frame short of events.
        let value = encoded
            .get(start..end)
            .ok_or(FrameError::Framing)
            .and_then(frame::encode_events)
            .map_err(|source| abort(StoreError::DamagedFrame { first, source }))?;
        trees.frames.insert(&first.to_be_bytes(), value)?;
        start = end;
    }
    Ok(())
}

/// One append's writes, inside its transaction: its frames (`framed`), its events' index
/// entries continuing `frontier` (the tree before them), its documents (`packed`) and the head
/// its last event makes. Returns the frontier after its events. Ingest and import both append
/// through this.
fn write_append(
    trees: &Trees<'_>,
    events: &[Event],
    framed: &[(u64, Vec<u8>)],
    grouped: &Grouped,
    packed: &RawPairs,
    frontier: Frontier<Blake3Hash>,
) -> Result<Frontier<Blake3Hash>, ConflictableTransactionError<StoreError>> {
    for (first, value) in framed {
        trees
            .frames
            .insert(&first.to_be_bytes(), value.as_slice())?;
    }
    let after = index_events(trees, events, grouped, frontier)?;
    for (hash, value) in packed {
        trees.documents.insert(hash.as_slice(), value.as_slice())?;
    }
    if let Some(last) = events.last() {
        trees.meta.insert(META_HEAD_SEQ, &last.seq.to_be_bytes())?;
        trees.meta.insert(META_HEAD_HASH, last.hash.as_bytes())?;
    }
    Ok(after)
}

/// `items` (events, or events with their bytes) cut into appends as they come: each from an
/// item whose event starts one ([`starts_append`]; the first is taken as a start whatever it
/// is) to the next. Memory holds one append and the item that starts the next.
fn by_append<T, E>(
    items: impl IntoIterator<Item = Result<T, E>>,
    event_of: impl Fn(&T) -> &Event,
) -> impl Iterator<Item = Result<Vec<T>, E>> {
    let mut items = items.into_iter();
    let mut next: Option<T> = None;
    std::iter::from_fn(move || {
        let mut append: Vec<T> = next.take().into_iter().collect();
        loop {
            match items.next() {
                None => return (!append.is_empty()).then_some(Ok(append)),
                Some(Err(error)) => return Some(Err(error)),
                Some(Ok(item)) if !append.is_empty() && starts_append(event_of(&item)) => {
                    next = Some(item);
                    return Some(Ok(append));
                }
                Some(Ok(item)) => append.push(item),
            }
        }
    })
}

/// Writes the index entries of consecutive events: each event's (see [`index_event`]) and the
/// Merkle frontier at every document's end, continuing `frontier` (the tree before the first).
/// Returns the frontier after the last event.
fn index_events(
    trees: &Trees<'_>,
    events: &[Event],
    grouped: &Grouped,
    mut frontier: Frontier<Blake3Hash>,
) -> Result<Frontier<Blake3Hash>, ConflictableTransactionError<StoreError>> {
    for event in events {
        if starts_append(event) {
            let (key, value) = frontier_entry(&frontier);
            trees.frontiers.insert(key, value)?;
        }
        index_event(trees, event)?;
        let leaf = leaf_of(event).map_err(|_| abort(StoreError::EventHash { seq: event.seq }))?;
        frontier.push(leaf);
    }
    for (key, value) in &grouped.mentions {
        trees.mentions.insert(key.as_slice(), value.as_slice())?;
    }
    for (key, value) in &grouped.targets {
        trees.targets.insert(key.as_slice(), value.as_slice())?;
    }
    if !events.is_empty() {
        let (key, value) = frontier_entry(&frontier);
        trees.frontiers.insert(key, value)?;
    }
    Ok(frontier)
}

/// Writes a `docs` entry and the `records` entry it implies ([`records_entry`]); the `records`
/// entry of the value it replaces goes when that is another (a document ingested again keeps
/// its later record only, in both).
fn put_docs_entry(
    trees: &Trees<'_>,
    key: Vec<u8>,
    value: Vec<u8>,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let corrupt = || abort(StoreError::CorruptIndex { tree: "docs" });
    let (record_key, record) = records_entry(&value).ok_or_else(corrupt)?;
    if let Some(held) = trees.docs.insert(key, value)? {
        let (held_key, _) = records_entry(&held).ok_or_else(corrupt)?;
        if held_key != record_key {
            trees.records.remove(held_key)?;
        }
    }
    trees.records.insert(record_key, record)?;
    Ok(())
}

/// Writes the index entries one event implies (`ledger::index`): the same for appends, imports
/// and reindexing, and what `verify` recomputes.
fn index_event(
    trees: &Trees<'_>,
    event: &Event,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let EventEntries { docs, adoptions } = EventEntries::of(event);
    if let Some((key, value)) = docs {
        put_docs_entry(trees, key, value)?;
    }
    if let Some((key, value)) = adoptions {
        trees.adoptions.insert(key, value)?;
    }
    if is_correction(event) {
        let key = event.source.document.as_bytes();
        let corrected = trees
            .docs
            .get(key)?
            .and_then(|held| corrected_docs_entry(&held, event))
            .ok_or_else(|| abort(StoreError::CorruptIndex { tree: "docs" }))?;
        put_docs_entry(trees, corrected.0, corrected.1)?;
    }
    if let Some(entries) = IndexEntries::of(event) {
        let key = statement_key_bytes(&entries.statement);
        let place = match trees.identity.get(&key)? {
            Some(stored) => {
                let mut place =
                    decode_place(&stored).ok_or(ConflictableTransactionError::Abort(
                        StoreError::CorruptIndex { tree: "identity" },
                    ))?;
                place.merge(entries.place);
                place
            }
            None => entries.place,
        };
        trees.identity.insert(key, encode_place(&place))?;
        for (handle, first) in entries.handles {
            let key = handle_key_bytes(&handle);
            if trees.identity.get(&key)?.is_none() {
                trees.identity.insert(key, encode_first(first).to_vec())?;
            }
        }
        for edge in entries.edges {
            trees.identity.insert(edge_key_bytes(&edge), &[])?;
        }
        for pair in entries.lineage {
            trees.identity.insert(lineage_key_bytes(&pair), &[])?;
        }
    }
    Ok(())
}

impl EventRanges for Store {
    fn events_in(&self, first: u64, last: u64) -> EventsRead<'_> {
        // The events must reach `last`, or the head if it comes first: a tail gone from the
        // frames is said, not read as a shorter ledger.
        let through = match self.head() {
            Ok(head) => head.map(|(seq, _)| seq.min(last)),
            Err(error) => return Box::new(std::iter::once(Err(error))),
        };
        decoded_in_order(first, through, self.raw_events_in(first, last))
    }
}

pub fn decode_seq(bytes: &[u8]) -> u64 {
    let bytes = bytes.get(..8).unwrap_or(bytes);
    let mut buffer = [0u8; 8];
    if let Some(low) = buffer.get_mut(8 - bytes.len()..) {
        low.copy_from_slice(bytes);
    }
    u64::from_be_bytes(buffer)
}

/// What the ledger's recorded head file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordedHead {
    /// No head was ever recorded: nothing was appended.
    Missing,
    /// Recorded before the first write began: the store was empty then. `until` is the head
    /// the first append was about to make (a crash inside the first document leaves this with
    /// the store at exactly that head); a bare `empty` holds only for a store without events.
    Empty {
        until: Option<(u64, String)>,
    },
    /// The file exists but does not hold `SEQ HASH`.
    Unreadable(String),
    Recorded {
        seq: u64,
        hash: String,
    },
}

impl std::fmt::Display for RecordedHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordedHead::Recorded { seq, hash } => {
                write!(f, "its recorded head is seq {seq}, hash {hash}")
            }
            RecordedHead::Missing => f.write_str("no head was recorded"),
            RecordedHead::Empty { until: None } => {
                f.write_str("its recorded head is the empty ledger")
            }
            RecordedHead::Empty {
                until: Some((seq, hash)),
            } => write!(
                f,
                "its recorded head is the empty ledger, until a first append ending at seq {seq}, hash {hash}"
            ),
            RecordedHead::Unreadable(why) => {
                write!(f, "its recorded head cannot be read ({why})")
            }
        }
    }
}

/// Reads the head recorded in the store folder `path`, without opening sled: `verify` can say
/// how long a ledger was even when its sled files no longer open.
pub fn recorded_head_at(path: &Path) -> RecordedHead {
    let text = match std::fs::read_to_string(path.join(HEAD_FILE_NAME)) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return RecordedHead::Missing,
        Err(error) => return RecordedHead::Unreadable(error.to_string()),
    };
    let mut parts = text.split_whitespace();
    let empty = parts.clone().next() == Some(EMPTY_HEAD);
    if empty {
        parts.next();
        if parts.clone().next().is_none() {
            return RecordedHead::Empty { until: None };
        }
        if parts.next() != Some("until") {
            return unreadable_head(&text);
        }
    }
    let head = match (
        parts.next().map(str::parse::<u64>),
        parts.next(),
        parts.next(),
    ) {
        (Some(Ok(seq)), Some(hash), None)
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            (seq, hash.to_owned())
        }
        _ => return unreadable_head(&text),
    };
    if empty {
        RecordedHead::Empty { until: Some(head) }
    } else {
        RecordedHead::Recorded {
            seq: head.0,
            hash: head.1,
        }
    }
}

fn unreadable_head(text: &str) -> RecordedHead {
    RecordedHead::Unreadable(format!(
        "{text:?} is not \"SEQ HASH\", \"{EMPTY_HEAD}\" or \"{EMPTY_HEAD} until SEQ HASH\""
    ))
}

thread_local! {
    /// Set while a panic is expected and caught ([`quietly_catching`]): the panic hook stays
    /// silent for it.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work`, turning a panic inside it into its message, without the panic hook printing
/// it (the caller reports it in its own words).
fn quietly_catching<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    CATCHING.with(|catching| catching.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CATCHING.with(|catching| catching.set(false));
    result.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

/// Whether sled failed to open a folder because it may not write there: a read-only
/// filesystem (EROFS) or no write permission.
pub fn cannot_write(message: &str) -> bool {
    message.contains("Read-only file system")
        || message.contains("os error 30")
        || message.contains("Permission denied")
        || message.contains("os error 13")
}

/// Whether `path` holds a ledger: sled's `conf` and `db` files. A reader given any other folder
/// (an empty one, a mistyped path that exists) is refused before sled could create its files
/// there.
pub fn check_is_ledger(path: &Path) -> Result<(), StoreError> {
    if !path.exists() {
        return Err(StoreError::NoLedger {
            path: path.to_path_buf(),
        });
    }
    let found = if !path.is_dir() {
        "a file, not a folder"
    } else if path.join("conf").is_file() && path.join("db").is_file() {
        return Ok(());
    } else if std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none()) {
        "an empty folder"
    } else {
        "a folder without a ledger's files (conf, db)"
    };
    Err(StoreError::NotALedger {
        path: path.to_path_buf(),
        found,
    })
}

/// What a measure's events are read as from its `mentions` entries: whole, or as a history
/// reads them.
pub trait MentionedEvent: Sized + Send {
    /// What a reading of many events carries from one to the next (the texts a history
    /// shares).
    type Reading: Default;
    /// The event these canonical bytes hold; `None` when they do not hold one of a measure's
    /// events (the entry is damaged).
    fn from_bytes(bytes: &[u8], reading: &mut Self::Reading) -> Option<Self>;
    /// The event's sequence number (its place in the chain).
    fn seq(&self) -> u64;
    /// The measure the event names, as recorded (its entry's key must name the same).
    fn measure_id(&self) -> Option<&str>;
}

impl MentionedEvent for Event {
    type Reading = ();
    fn from_bytes(bytes: &[u8], _: &mut ()) -> Option<Self> {
        Event::from_bytes(bytes).ok()
    }
    fn seq(&self) -> u64 {
        self.seq
    }
    fn measure_id(&self) -> Option<&str> {
        self.body.measure_id()
    }
}

impl MentionedEvent for HistoryEvent {
    type Reading = SharedTexts;
    fn from_bytes(bytes: &[u8], shared: &mut SharedTexts) -> Option<Self> {
        HistoryEvent::from_bytes(bytes, shared).ok().flatten()
    }
    fn seq(&self) -> u64 {
        self.seq
    }
    fn measure_id(&self) -> Option<&str> {
        self.body.measure_id()
    }
}

/// How many events `mentions` entries hold, as their headers state (at most [`FRAME_EVENTS`]
/// each: a damaged header cannot ask for more); an unreadable header counts none, and is
/// refused when its entry is decoded.
fn stated_events(entries: &[(sled::IVec, sled::IVec)]) -> usize {
    entries
        .iter()
        .map(|(_, value)| frame::frame_len(value).map_or(0, |count| count as usize))
        .sum()
}

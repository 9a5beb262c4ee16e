//! The ledger: events, their canonical encoding and hash chain, the sled store, and
//! verification.
//!
//! Invariants: a hash always covers RFC 8785 canonical bytes (`jcs`), never ad-hoc JSON text;
//! only `store.rs` touches sled; the event log is the truth and every other tree is rebuildable
//! from it plus the blobs.

pub mod checkpoint;
pub mod digests;
pub mod event;
pub mod exchange;
pub mod failpoint;
pub mod frame;
pub mod index;
pub mod jcs;
pub mod merkle;
pub mod read_copy;
pub mod store;
pub mod verify;
pub mod wire;
pub mod witness;

pub use event::{
    Event, EventBody, EventError, HistoryBody, HistoryEvent, SharedMember, SharedTexts, Source,
    GENESIS_HASH,
};
pub use store::{Store, StoreError};

//! Projections: pure folds over the event list into the views the commands show.
//!
//! Invariants: projections read events only (never the store, never documents); they order by
//! valid time — meeting date, then body and ordinal, then sequence number — never by ingestion
//! order alone; a document whose meeting date is unknown is not placed on the timeline.

pub mod diff;
pub mod documents;
pub mod fate;
pub mod history;
pub mod log;
pub mod meetings;
pub mod progress;
pub mod state;
pub mod timeline;

pub use documents::{documents, DocumentRecord};

//! planledger: an event-sourced, tamper-evident audit ledger for the revisions of Japan's Basic
//! Plan for Cancer Control (がん対策推進基本計画) and the documents that report on it.
//!
//! The library does no terminal I/O: it returns values and errors, and `main.rs` prints them.
//! Layers, from the outside in: [`source`] turns files into text and knows meetings and
//! manifests; [`extract`] turns text into statements; [`ledger`] turns statements into
//! hash-chained events in a sled store; [`project`] folds events into views; [`query`] answers
//! from the store through its indexes with those folds; [`report`] renders views. See ARCHITECTURE.md for the invariants each layer keeps.

// No `unwrap`/`expect`, and no indexing or slicing that can panic (`get`, patterns and
// iterators instead), where input or the store can reach: a failure is an error value. The few
// that state an invariant of the code itself (a pattern compiled from a constant) say so in an
// `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod extract;
pub mod identity;
pub mod ingest;
pub mod ledger;
pub mod project;
pub mod query;
pub mod report;
pub mod source;
pub mod web;

/// `first` on a thread of its own while `second` runs on this one — in turn on a machine of one
/// processor — and both answers. Reads of separate sled trees (or halves of one) that would run
/// one after the other with the second core idle go through this.
pub(crate) fn side_by_side<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    if !has_second_processor() {
        let first = first();
        return (first, second());
    }
    std::thread::scope(|scope| {
        let first = scope.spawn(first);
        let second = second();
        // The other thread panicking is a defect to report as one, not a damaged ledger.
        let first = first
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Whether the machine has a processor for a second thread beside this one.
fn has_second_processor() -> bool {
    std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2
}

/// Drops `value` on a thread of its own while the caller goes on, and waits for that drop when
/// the returned guard is dropped. The CLI drops the ledger it has answered from this way while it
/// prints: sled's cache of its pages takes ~2 ms to free at 1M events, and the drop also closes
/// sled and removes a read copy — which must finish, not be cut short by the process ending.
/// On one processor, or when no thread can be started, `value` is dropped here.
pub fn drop_aside<T: Send + 'static>(value: T) -> DroppingAside {
    if !has_second_processor() {
        drop(value);
        return DroppingAside(None);
    }
    // On failure the closure, and `value` with it, is dropped by `spawn` itself.
    DroppingAside(std::thread::Builder::new().spawn(move || drop(value)).ok())
}

/// A drop under way on a thread of its own ([`drop_aside`]), waited for when this is dropped.
#[must_use = "the drop is waited for when this guard is dropped: bind it for as long as it may run"]
pub struct DroppingAside(Option<std::thread::JoinHandle<()>>);

impl Drop for DroppingAside {
    fn drop(&mut self) {
        if let Some(dropping) = self.0.take() {
            // A panic of the drop is a defect of planledger, raised again here (unless this
            // thread is already unwinding from one).
            if let Err(panic) = dropping.join() {
                if !std::thread::panicking() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
    }
}

/// What kind of failure an error is, for a caller that must tell them apart (the CLI maps them
/// to exit codes 1, 2 and 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// A check did not pass: an import refused, a ledger that fails verification.
    CheckFailed,
    /// The input or the request is wrong: fix it and run again.
    BadInput,
    /// The ledger cannot be used: in use, damaged, unreadable, or an I/O failure.
    LedgerUnusable,
    /// planledger itself broke one of its invariants (a defect, caught rather than a crash):
    /// nothing about the input or the ledger is implied.
    Defect,
}

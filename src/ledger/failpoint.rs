//! Failpoints: the named steps of an append where the fault-injection test stops the process as
//! a crash would, tears a write in half, or fails a write as a full disk does (sled's own
//! `fail` points are the model). Nothing happens unless the CLI armed one step for this process
//! (from `PLANLEDGER_FAILPOINT`, which only tests set); an unarmed check costs one load.
//!
//! Invariant: every step where a process crash can cut planledger's own writes — around sled's
//! commit and flush (shared by append, import and reindex), each part of the head file's
//! replacement, the witness's append — is one of [`STEPS`], so the test that walks them all
//! walks every such point. A power cut that loses what the disk acknowledged is not simulated.

use std::sync::OnceLock;

/// The steps of an append, in the order they are reached.
pub const STEPS: [&str; 8] = [
    // The document is compressed and its events sealed; nothing is written yet (on a first
    // append the head file already reads `empty until …`).
    "before-commit",
    // sled's transaction is committed in memory, not flushed.
    "committed",
    // sled has flushed: the append is durable; the head file is not yet rewritten.
    "flushed",
    // The head file's replacement is written, not yet synced (also the first append's
    // `empty until` line).
    "head-written",
    // It is synced, not yet renamed over the head file.
    "head-synced",
    // It is renamed, the folder not yet synced.
    "head-renamed",
    // The append is done; the witness (when one is kept) is not yet appended to.
    "appended",
    // The witness's new line is written, not yet synced.
    "witness-written",
];

/// What an armed failpoint does when its step is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The process stops at once, as a crash or a kill would: no destructor runs, so nothing
    /// sled holds unflushed is written.
    Stop,
    /// The write of the step is cut in half, then the process stops.
    Torn,
    /// The step's write fails as on a full disk.
    Full,
}

/// The exit status of a process stopped by a failpoint.
pub const STOPPED: i32 = 86;

static ARMED: OnceLock<(&'static str, Failure, u32)> = OnceLock::new();
/// How many times the armed step has been reached.
static REACHED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Arms the failpoint `spec` (`STEP`, `STEP:stop`, `STEP:torn` or `STEP:full`, each optionally
/// `@N`: the N-th time the step is reached, the first by default) for this process; what is
/// wrong with it otherwise.
pub fn arm(spec: &str) -> Result<(), String> {
    let (spec, nth) = match spec.split_once('@') {
        Some((spec, nth)) => (
            spec,
            nth.parse::<u32>()
                .ok()
                .filter(|nth| *nth >= 1)
                .ok_or_else(|| format!("{nth:?} is not a count from 1"))?,
        ),
        None => (spec, 1),
    };
    let (step, failure) = spec.split_once(':').unwrap_or((spec, "stop"));
    let Some(step) = STEPS.iter().find(|known| **known == step) else {
        return Err(format!(
            "{step:?} is not a failpoint; the steps are {}",
            STEPS.join(", ")
        ));
    };
    let failure = match failure {
        "stop" => Failure::Stop,
        "torn" => Failure::Torn,
        "full" => Failure::Full,
        other => return Err(format!("{other:?} is not a failure: stop, torn or full")),
    };
    ARMED
        .set((step, failure, nth))
        .map_err(|_| "a failpoint is already armed".to_owned())
}

/// What the failpoint at `step` does, when it is the one armed and this is the time it fires.
pub fn reached(step: &str) -> Option<Failure> {
    let (_, failure, nth) = ARMED.get().filter(|(armed, _, _)| *armed == step)?;
    let times = REACHED.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    (times == *nth).then_some(*failure)
}

/// Stops the process as a crash would.
pub fn stop() -> ! {
    std::process::exit(STOPPED)
}

/// The check at a step with no write of its own to tear: stops, or fails as a full disk.
pub fn check(step: &str) -> std::io::Result<()> {
    match reached(step) {
        None => Ok(()),
        Some(Failure::Stop | Failure::Torn) => stop(),
        Some(Failure::Full) => Err(full(step)),
    }
}

/// The error a full disk gives, at `step`.
pub fn full(step: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::StorageFull,
        format!("no space left on the device (failpoint {step})"),
    )
}

/// Writes `bytes` through `write` as the step `step` does: whole, or — when its failpoint is
/// armed — half of them and then a stop (torn), none and a full disk's error, or whole and then
/// a stop.
pub fn write_step(
    step: &str,
    bytes: &[u8],
    mut write: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match reached(step) {
        None => write(bytes),
        Some(Failure::Stop) => {
            write(bytes)?;
            stop()
        }
        Some(Failure::Torn) => {
            let half = bytes.len() / 2;
            write(bytes.get(..half).unwrap_or_default())?;
            stop()
        }
        Some(Failure::Full) => Err(full(step)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_steps_and_failures_arm() {
        assert!(arm("no-such-step").unwrap_err().contains("flushed"));
        assert!(arm("flushed:melt")
            .unwrap_err()
            .contains("stop, torn or full"));
        assert!(arm("flushed:stop@0").unwrap_err().contains("count from 1"));
        // Unarmed, every step passes.
        for step in STEPS {
            assert!(reached(step).is_none());
            assert!(check(step).is_ok());
        }
    }
}

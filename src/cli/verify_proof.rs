//! `planledger verify-proof`: a proof checked against checkpoints, without the store.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::Outcome;
use planledger::ledger::checkpoint::{Checkpoint, Proof, VerifierKey};
use planledger::FailureKind;

/// Check a proof against checkpoints, without the store; exit 1 if it does not hold.
#[derive(Debug, clap::Args)]
pub struct VerifyProofArgs {
    /// A proof printed by `prove`.
    proof: PathBuf,
    /// The checkpoint the proof leads to (for consistency: the newer one).
    #[arg(long, value_name = "FILE")]
    checkpoint: PathBuf,
    /// For a consistency proof: the older checkpoint.
    #[arg(long, value_name = "FILE")]
    old_checkpoint: Option<PathBuf>,
    /// Require the checkpoints to be signed by this verifier key (KEYFILE.pub).
    #[arg(long, value_name = "KEYFILE.pub")]
    key: Option<PathBuf>,
}

pub fn run(args: &VerifyProofArgs) -> Result<Outcome> {
    let proof = Proof::parse(&super::read_text(&args.proof)?)
        .with_context(|| format!("{} is not a proof", args.proof.display()))?;
    let checkpoint = read_checkpoint(&args.checkpoint)?;
    let old = args
        .old_checkpoint
        .as_deref()
        .map(read_checkpoint)
        .transpose()?;
    let key = args
        .key
        .as_deref()
        .map(|path| {
            VerifierKey::parse(&super::read_text(path)?)
                .with_context(|| format!("{} is not a verifier key", path.display()))
        })
        .transpose()?;
    let signed = if key.is_some() {
        "signatures checked"
    } else {
        "signatures not checked (no --key)"
    };
    match proof.verify_signed(&checkpoint, old.as_ref(), key.as_ref()) {
        Ok(()) => {
            super::print(&format!("ok: {}; {signed}\n", proof.claim()))?;
            Ok(Outcome::Success)
        }
        Err(error) if error.is_malformed() => Err(error.into()),
        Err(error) => {
            super::print(&format!("FAILED: {error}\n"))?;
            Ok(Outcome::Failed(FailureKind::CheckFailed))
        }
    }
}

pub(super) fn read_checkpoint(path: &Path) -> Result<Checkpoint> {
    Checkpoint::parse(&super::read_text(path)?)
        .with_context(|| format!("{} is not a checkpoint", path.display()))
}

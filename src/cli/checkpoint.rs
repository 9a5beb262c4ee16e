//! `planledger checkpoint`: a tree head of the ledger (C2SP tlog-checkpoint), maybe signed.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::ledger::checkpoint::SignerKey;
use planledger::query;

/// Print a checkpoint (tree size, Merkle root, head) of the ledger, optionally signed.
///
/// The format is C2SP tlog-checkpoint; signatures are C2SP signed-note Ed25519 lines.
#[derive(Debug, clap::Args)]
pub struct CheckpointArgs {
    /// Checkpoint the ledger as it stood through this meeting's last document (a prefix of
    /// the log), instead of the whole ledger.
    #[arg(long, value_name = "MEETING")]
    at: Option<String>,
    /// The checkpoint's origin line, naming this ledger.
    #[arg(long, default_value = planledger::ledger::checkpoint::DEFAULT_ORIGIN)]
    origin: String,
    /// Sign with this key file (made by `keygen`).
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
}

pub fn run(context: &Context, args: &CheckpointArgs) -> Result<Outcome> {
    let mut checkpoint = query::checkpoint_at(
        &context.answering_store()?,
        &args.origin,
        args.at.as_deref(),
    )?;
    if let Some(path) = &args.sign {
        let key = SignerKey::parse(&super::read_text(path)?)
            .with_context(|| format!("{} is not a signing key", path.display()))?;
        checkpoint.sign(&key);
    }
    super::print(&checkpoint.to_text())?;
    Ok(Outcome::Success)
}

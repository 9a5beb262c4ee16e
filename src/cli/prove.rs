//! `planledger prove`: Merkle proofs of inclusion and consistency.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::query;

/// Print a Merkle proof: that an event is in the ledger, or that a later ledger extends an
/// earlier one.
#[derive(Debug, clap::Args)]
pub struct ProveArgs {
    #[command(subcommand)]
    proof: ProveCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ProveCommand {
    /// Prove event SEQ is in the tree of the first SIZE events (default: all).
    Inclusion {
        /// Sequence number of the event to prove.
        seq: u64,
        /// Size of the tree the proof is for (default: every event in the ledger).
        #[arg(long)]
        size: Option<u64>,
    },
    /// Prove the tree of the first OLD events is a prefix of the tree of NEW (default: all).
    Consistency {
        /// Size of the earlier ledger (the events a saved checkpoint covers).
        old: u64,
        /// Size of the later ledger (default: every event in the ledger).
        new: Option<u64>,
    },
}

pub fn run(context: &Context, args: &ProveArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    let proof = match args.proof {
        ProveCommand::Inclusion { seq, size } => query::inclusion_proof(&store, seq, size)?,
        ProveCommand::Consistency { old, new } => query::consistency_proof(&store, old, new)?,
    };
    super::print(&proof.to_text())?;
    Ok(Outcome::Success)
}

//! `planledger prove`: Merkle proofs of inclusion and consistency.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::ledger::checkpoint::Proof;

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
    let events = context.answering_store()?.events()?;
    let total = events.len() as u64;
    let proof = match args.proof {
        ProveCommand::Inclusion { seq, size } => {
            Proof::inclusion(&events, seq, size.unwrap_or(total))?
        }
        ProveCommand::Consistency { old, new } => {
            Proof::consistency(&events, old, new.unwrap_or(total))?
        }
    };
    super::print(&proof.to_text())?;
    Ok(Outcome::Success)
}

//! `planledger withdraw`: take a wrongly filed document's statements out of the plan.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::ingest::correct;
use planledger::ledger::Store;
use planledger::report::text;

/// Withdraw a document filed in error (取下げ), as an event.
///
/// Appends a DocumentWithdrawn event: from then on the document's statements leave the plan's
/// state, its diffs and histories. Its events and bytes stay in the chain, and `state
/// --as-known-at` before the withdrawal still shows them.
#[derive(Debug, clap::Args)]
pub struct WithdrawArgs {
    /// The document: its hash (or a unique prefix of at least 6 hex digits, as `meetings`
    /// shows it), or its file.
    #[arg(value_name = "DOCUMENT")]
    document: String,
    /// Why the document is withdrawn (kept in the event, for auditors).
    #[arg(long, required = true)]
    reason: String,
}

pub fn run(context: &Context, args: &WithdrawArgs) -> Result<Outcome> {
    let store = Store::open_to_write(&context.store, context.wait, false)?;
    let corrected = correct::withdraw(&store, &args.document, &args.reason, &super::now()?)?;
    super::print(&text::corrected(&corrected))?;
    context.witness_append(&store)?;
    Ok(Outcome::Success)
}

//! `planledger reindex`: every index rebuilt from the events.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::ledger::Store;

/// Rebuild the ledger's indexes from its events (after an upgrade, or when verify reports an
/// index out of step with the log).
///
/// The events and documents are not touched; the indexes are written in one transaction.
#[derive(Debug, clap::Args)]
pub struct ReindexArgs {}

pub fn run(context: &Context, _args: &ReindexArgs) -> Result<Outcome> {
    let indexed = Store::reindex(&context.store)?;
    super::print(&format!(
        "reindexed {indexed} events in {}; run `planledger verify` to check the ledger\n",
        context.store.display()
    ))?;
    Ok(Outcome::Success)
}

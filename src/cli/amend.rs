//! `planledger amend`: correct the ledger's description of a document it holds.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::ingest::correct::{self, Amendment};
use planledger::ledger::Store;
use planledger::report::text;

/// Correct a document's meeting, date, title or label (訂正), as an event.
///
/// Appends a DocumentRedescribed event: from then on the document's statements count at the
/// corrected meeting. Nothing is rewritten — the description it was ingested with stays in
/// the chain, and `state --as-known-at` before the correction shows the ledger as it stood.
/// What is not given keeps the ledger's value.
#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// The document: its hash (or a unique prefix of at least 6 hex digits, as `meetings`
    /// shows it), or its file.
    #[arg(value_name = "DOCUMENT")]
    document: String,
    /// The meeting: "会議体 第N回", or "第N回" to keep the body.
    #[arg(long)]
    meeting: Option<String>,
    #[arg(long, help = concat!("The meeting date: ", day_forms!(), "; or \"unknown\""))]
    date: Option<String>,
    /// The document title (資料名).
    #[arg(long)]
    title: Option<String>,
    /// The document label (資料1, 参考資料6).
    #[arg(long)]
    label: Option<String>,
    /// Why the description is corrected (kept in the event, for auditors).
    #[arg(long, required = true)]
    reason: String,
}

pub fn run(context: &Context, args: &AmendArgs) -> Result<Outcome> {
    let store = Store::open_to_write(&context.store, context.wait, false)?;
    let amendment = Amendment {
        meeting: args.meeting.clone(),
        date: args.date.clone(),
        title: args.title.clone(),
        label: args.label.clone(),
    };
    let corrected = correct::amend(
        &store,
        &args.document,
        &amendment,
        &args.reason,
        &super::now()?,
    )?;
    super::print(&text::corrected(&corrected))?;
    context.witness_append(&store)?;
    Ok(Outcome::Success)
}

//! `planledger history`: every event about one measure or one target, by meeting date.

use anyhow::Result;

use super::{Context, Outcome, TextOrJson};
use planledger::query;
use planledger::report::{self, text};

/// Show every event about one measure (M…) or one target (T…), by meeting date.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// A measure id (from `state` or `log`) or a target key (from `state`).
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(context: &Context, args: &HistoryArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    let view = query::history(&store, &args.id)?;
    // The ledger is closed (sled's cache of its pages freed: ~2 ms at 1M events) beside the
    // printing, and waited for at the end.
    let _closing = planledger::drop_aside(store);
    if view.entries.is_empty() {
        return super::failed(&planledger::project::history::no_events_about(&args.id));
    }
    match args.format {
        TextOrJson::Text => super::print_in_parts(|part| text::history_in_parts(&view, part))?,
        TextOrJson::Json => super::print_rendered(true, &report::to_json(&view))?,
    }
    Ok(Outcome::Success)
}

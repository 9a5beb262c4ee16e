//! `planledger state`: the plan's measures and actions as they stood at a meeting.

use anyhow::Result;

use super::{Context, Outcome, TextOrJson};
use planledger::query::{self, StateRequest};
use planledger::report::{self, text};

/// Show the plan's measures and actions as they stood at a meeting.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    #[arg(long, value_name = "MEETING", help = concat!("The meeting: ", meeting_forms!(), ". Defaults to the latest dated meeting"))]
    at: Option<String>,
    /// Show what the ledger knew when its head was this sequence number.
    #[arg(long, value_name = "SEQ")]
    as_known_at: Option<u64>,
    /// Only measures under this section, e.g. 2.(1).①
    #[arg(long)]
    section: Option<String>,
    /// Show this plan's measures (e.g. 第3期がん対策推進基本計画); default: the latest plan
    /// stated at the date.
    #[arg(long)]
    plan: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(context: &Context, args: &StateArgs) -> Result<Outcome> {
    let view = query::state_at(
        &context.answering_store()?,
        &StateRequest {
            at: args.at.clone(),
            as_known_at: args.as_known_at,
            section: args.section.clone(),
            plan: args.plan.clone(),
        },
    )?;
    super::print_rendered(
        matches!(args.format, TextOrJson::Json),
        &match args.format {
            TextOrJson::Text => text::state(&view),
            TextOrJson::Json => report::to_json(&view),
        },
    )?;
    if view.measures.is_empty() {
        return super::failed(&format!("no measures stand at {}", view.at.date));
    }
    Ok(Outcome::Success)
}

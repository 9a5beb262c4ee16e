//! `planledger diff`: what changed between two meetings (新旧対照表).

use anyhow::Result;

use super::{Context, Outcome};
use planledger::query::{self, DiffRequest};
use planledger::report::{self, text};

/// Show what changed between two meetings: measures, actions per bureau, targets.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[arg(long, value_name = "MEETING", help = concat!("The earlier meeting: ", meeting_forms!()))]
    since: String,
    #[arg(
        long,
        value_name = "MEETING",
        help = "The later meeting, in any form --since takes; defaults to the latest dated meeting"
    )]
    until: Option<String>,
    /// Compare this plan's measures; default: the plan shown at --until.
    #[arg(long)]
    plan: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
}

/// The formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// For reading in a terminal.
    Text,
    /// The diff as JSON, for programs.
    Json,
    /// UTF-8 with a BOM, one row per change, for Excel.
    Csv,
    /// One self-contained 新旧対照表 page.
    Html,
}

pub fn run(context: &Context, args: &DiffArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    let view = query::diff_of(
        &store,
        &DiffRequest {
            since: args.since.clone(),
            until: args.until.clone(),
            plan: args.plan.clone(),
        },
    )?;
    super::print_rendered(
        matches!(args.format, DiffFormat::Json | DiffFormat::Html),
        &match args.format {
            DiffFormat::Text => text::diff(&view),
            DiffFormat::Json => report::to_json(&view),
            DiffFormat::Csv => report::csv::diff(&view),
            DiffFormat::Html => report::html::diff(&view, &store.document_records()?),
        },
    )?;
    Ok(Outcome::Success)
}

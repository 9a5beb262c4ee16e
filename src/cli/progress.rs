//! `planledger progress`: what became of every action planned at one meeting, at a later one.

use anyhow::Result;

use super::{Context, Outcome};
use planledger::query::{self, ProgressRequest};
use planledger::report::{self, text};

/// Show, for every action planned at one meeting, what became of it at a later one: completed,
/// still planned, revised, dropped or removed with its measure, with both citations.
#[derive(Debug, clap::Args)]
pub struct ProgressArgs {
    #[arg(long, value_name = "MEETING", help = concat!("The meeting whose planned actions to follow: ", meeting_forms!()))]
    since: String,
    #[arg(
        long,
        value_name = "MEETING",
        help = "The later meeting, in any form --since takes; defaults to the latest dated meeting"
    )]
    until: Option<String>,
    /// Follow this plan's measures; default: the plan shown at --until.
    #[arg(long)]
    plan: Option<String>,
    /// Only actions of a bureau whose name contains this (e.g. がん・疾病対策課).
    #[arg(long)]
    bureau: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProgressFormat::Text)]
    format: ProgressFormat,
}

/// The formats of `progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProgressFormat {
    /// For reading in a terminal.
    Text,
    /// The report as JSON, for programs.
    Json,
    /// UTF-8 with a BOM, one row per planned action, for Excel.
    Csv,
    /// One self-contained page.
    Html,
}

pub fn run(context: &Context, args: &ProgressArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    let view = query::progress_of(
        &store,
        &ProgressRequest {
            since: args.since.clone(),
            until: args.until.clone(),
            plan: args.plan.clone(),
            bureau: args.bureau.clone(),
        },
    )?;
    super::print_rendered(
        matches!(args.format, ProgressFormat::Json | ProgressFormat::Html),
        &match args.format {
            ProgressFormat::Text => text::progress(&view),
            ProgressFormat::Json => report::to_json(&view),
            ProgressFormat::Csv => report::csv::progress(&view),
            ProgressFormat::Html => report::html::progress(&view, &store.document_records()?),
        },
    )?;
    Ok(Outcome::Success)
}

//! `planledger timeline`: the dated milestones (沿革) the documents print.

use anyhow::Result;

use super::{Context, Outcome, TextOrJson};
use planledger::query;
use planledger::report::{self, text};

/// Show the milestones (沿革・経緯) the documents print, in date order.
///
/// Each row keeps the precision printed (a month stays a month, a range stays a range) and
/// names the documents and lines that state it.
#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Only milestones whose text contains this (e.g. 閣議決定, 整備指針).
    #[arg(long, value_name = "TEXT")]
    about: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(context: &Context, args: &TimelineArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    let view = query::timeline(&store, args.about.as_deref())?;
    super::print_rendered(
        matches!(args.format, TextOrJson::Json),
        &match args.format {
            TextOrJson::Text => text::timeline(&view),
            TextOrJson::Json => report::to_json(&view),
        },
    )?;
    Ok(if view.milestones.is_empty() && args.about.is_some() {
        Outcome::Failed(planledger::FailureKind::CheckFailed)
    } else {
        Outcome::Success
    })
}

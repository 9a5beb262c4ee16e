//! `planledger meetings`: the meetings in time order with their documents.

use anyhow::Result;

use super::{Context, Outcome, TextOrJson};
use planledger::project::meetings::meetings;
use planledger::report::{self, text};

/// List meetings in time order with their documents.
#[derive(Debug, clap::Args)]
pub struct MeetingsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub fn run(context: &Context, args: &MeetingsArgs) -> Result<Outcome> {
    let documents = context.answering_store()?.document_records()?;
    let view = meetings(&documents);
    super::print_rendered(
        matches!(args.format, TextOrJson::Json),
        &match args.format {
            TextOrJson::Text => text::meetings(&view),
            TextOrJson::Json => report::to_json(&view),
        },
    )?;
    Ok(Outcome::Success)
}

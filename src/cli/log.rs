//! `planledger log`: events in chain order, optionally filtered.

use anyhow::{bail, Result};

use super::{Context, Outcome};
use planledger::ledger::exchange::write_json_lines;
use planledger::project::log::{LogFilter, EVENT_KINDS};
use planledger::project::meetings::resolve_at;
use planledger::query;
use planledger::report::text;

/// List events in chain order, optionally filtered.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    #[arg(long, value_name = "MEETING", help = concat!("Only events of meetings on or after this meeting: ", meeting_forms!()))]
    since: Option<String>,
    /// Only events of this kind: DocumentIngested, MeasureAdded, MeasureRevised, MeasureCited,
    /// ActionReported, TargetChanged, PlanAdopted, MilestoneStated, RequirementRevised,
    /// DocumentRedescribed or DocumentWithdrawn (any letter case).
    #[arg(long)]
    kind: Option<String>,
    /// Only events about this measure id.
    #[arg(long, value_name = "ID")]
    measure: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    format: LogFormat,
}

/// The formats of `log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// One line an event, for reading in a terminal.
    Text,
    /// One canonical event (RFC 8785, with its hash) a line, as `export` writes them.
    Json,
}

pub fn run(context: &Context, args: &LogArgs) -> Result<Outcome> {
    if let Some(kind) = &args.kind {
        if !EVENT_KINDS.iter().any(|k| k.eq_ignore_ascii_case(kind)) {
            bail!(
                "--kind {kind:?} is not an event kind: use one of {}",
                EVENT_KINDS.join(", ")
            );
        }
    }
    let store = context.answering_store()?;
    let since = match args.since.as_deref() {
        Some(reference) => Some(resolve_at(&store.document_records()?, reference)?.date),
        None => None,
    };
    let selected = query::log(
        &store,
        &LogFilter {
            kind: args.kind.clone(),
            since,
            measure: args.measure.clone(),
        },
    )?;
    match args.format {
        LogFormat::Text => super::print(&text::log(&selected.iter().collect::<Vec<_>>()))?,
        LogFormat::Json => {
            write_json_lines(&selected, &mut std::io::stdout().lock())?;
        }
    }
    if selected.is_empty() {
        return super::failed("no events match");
    }
    Ok(Outcome::Success)
}

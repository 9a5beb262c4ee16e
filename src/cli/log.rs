//! `planledger log`: events in chain order, optionally filtered.

use std::io::Write;

use anyhow::{bail, Result};

use super::{Context, Outcome};
use planledger::ledger::exchange::write_json_line;
use planledger::project::log::{LogFilter, EVENT_KINDS};
use planledger::project::meetings::resolve_at;
use planledger::query;
use planledger::report::terminal::neutralised;
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
    let filter = LogFilter {
        kind: args.kind.clone(),
        since,
        measure: args.measure.clone(),
    };
    // Written as read: a long ledger's log is never held whole.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = String::new();
    let mut matched = 0_usize;
    for event in query::log(&store, &filter)? {
        let event = event?;
        matched += 1;
        match args.format {
            LogFormat::Text => {
                line.clear();
                text::log_line(&event, &mut line);
                out.write_all(neutralised(&line).as_bytes())?;
            }
            LogFormat::Json => write_json_line(&event, &mut out)?,
        }
    }
    out.flush()?;
    if matched == 0 {
        return super::failed("no events match");
    }
    Ok(Outcome::Success)
}

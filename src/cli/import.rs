//! `planledger import`: an export loaded into an empty store, every line checked first.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::ledger::exchange::{check_import, read_documents};
use planledger::ledger::Store;
use planledger::source::bounded::{read_lines_at_most, MAX_EXPORT_BYTES, MAX_EXPORT_LINE_BYTES};

/// Load an export into an empty store, after checking every line (a bad line imports nothing).
///
/// The events are then written a document at a time, as ingest writes them; an import cut
/// short (a crash, a full disk) leaves the store marked and refused by every command: remove the
/// folder and import again.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The JSON Lines export.
    file: PathBuf,
    /// Folder holding the documents as <blake3-hex>.txt (from export --with-documents).
    #[arg(long, value_name = "DIR")]
    documents: PathBuf,
}

pub fn run(context: &Context, args: &ImportArgs) -> Result<Outcome> {
    let file = &args.file;
    let text = read_lines_at_most(file, MAX_EXPORT_BYTES, MAX_EXPORT_LINE_BYTES, "an export")
        .with_context(|| format!("cannot read {}", file.display()))?;
    let documents = read_documents(&text, &args.documents)?;
    let events = check_import(&text, &documents)
        .with_context(|| format!("{} is refused", file.display()))?;
    let store = Store::open(&context.store)?;
    store.import(&events, &documents)?;
    let head = events.last().map_or_else(String::new, |e| {
        format!(", head seq {}, hash {}", e.seq, e.hash)
    });
    super::print(&format!(
        "imported {} events and {} documents into {}{head}\n",
        events.len(),
        documents.len(),
        context.store.display()
    ))?;
    Ok(Outcome::Success)
}

//! `planledger export`: the ledger as JSON Lines, with its documents beside it.

use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::ledger::exchange::{write_documents, write_export};

/// Write the ledger as JSON Lines: one canonical event (with its hash) per line.
///
/// Each line is the event's RFC 8785 bytes, so hash == BLAKE3(JCS(line without "hash")).
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write each stored document's raw bytes to DIR/<blake3-hex>.txt.
    #[arg(long, value_name = "DIR")]
    with_documents: Option<PathBuf>,
}

pub fn run(context: &Context, args: &ExportArgs) -> Result<Outcome> {
    let store = context.answering_store()?;
    if let Some(folder) = &args.with_documents {
        write_documents(&store, folder)?;
    }
    match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let written = write_export(&store, &mut BufWriter::new(file))
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported {written} events to {}", path.display());
        }
        None => {
            write_export(&store, &mut BufWriter::new(std::io::stdout().lock()))?;
        }
    }
    Ok(Outcome::Success)
}

//! `planledger import`: an export loaded into an empty store, every line checked first.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::{Context, Outcome};
use planledger::ledger::exchange::{check_export_file, import_checked, ExchangeError};
use planledger::ledger::Store;
use planledger::source::bounded::{lines_at_most, MAX_EXPORT_BYTES, MAX_EXPORT_LINE_BYTES};

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
    // The export is read twice, a line at a time (checked, then written): one that is not a
    // regular file (a pipe) is first copied, within the same limits, to a file of our own in
    // the system's temporary folder.
    let spooled;
    let file: &Path = if std::fs::metadata(&args.file).is_ok_and(|m| m.is_file()) {
        &args.file
    } else {
        spooled = spool(&args.file)?;
        spooled.path()
    };
    // A read that fails names the file as given (for a pipe, not its copy); a document that
    // cannot be read names itself.
    let checked = check_export_file(lines(file, &args.file)?, &args.documents)?
        .with_context(|| format!("{} is refused", args.file.display()))?;
    let store = Store::open(&context.store)?;
    let documents = import_checked(&store, &checked, lines(file, &args.file)?, &args.documents)?;
    super::print(&format!(
        "imported {} events and {documents} documents into {}, head seq {}, hash {}\n",
        checked.events(),
        context.store.display(),
        checked.last_seq,
        checked.last_hash
    ))?;
    Ok(Outcome::Success)
}

/// The export's lines, one at a time, within its limits; a failure names `given` (the path the
/// user gave).
fn lines(
    file: &Path,
    given: &Path,
) -> Result<impl Iterator<Item = Result<Vec<u8>, ExchangeError>>> {
    let read = lines_at_most(file, MAX_EXPORT_BYTES, MAX_EXPORT_LINE_BYTES, "an export")
        .with_context(|| format!("cannot read {}", given.display()))?;
    let path = given.to_path_buf();
    Ok(read.map(move |line| {
        line.map_err(|source| ExchangeError::ReadFile {
            path: path.clone(),
            source,
        })
    }))
}

/// A copy of an export that is not a regular file, in a temporary file, line by line within
/// the export's limits.
fn spool(file: &Path) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut copy = tempfile::NamedTempFile::new().context("cannot make a temporary file")?;
    {
        let mut out = std::io::BufWriter::new(copy.as_file_mut());
        for line in lines(file, file)? {
            out.write_all(&line?)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    Ok(copy)
}

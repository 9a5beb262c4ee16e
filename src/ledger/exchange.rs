//! Export and import: the ledger as JSON Lines, checkable by tools no one here wrote.
//!
//! Export format: one event per line, exactly its RFC 8785 canonical bytes including `"hash"`,
//! lines separated by `\n`, in seq order from 0; documents travel beside it as
//! `<blake3-hex>.txt` files holding the raw bytes. Invariant: import accepts a file only if every
//! line passes the same checks `verify` makes, and writes nothing otherwise.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::event::{Event, EventBody};
use super::verify::{check_chain, check_documents, Failure};
use super::{EventError, Store, StoreError};

/// Why an export could not be written, or its documents read.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write {path}: {source}")]
    WriteFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes events as JSON Lines — each line an event's canonical bytes, hash included — and
/// returns how many were written. `export` and `log --format json` both write this way.
pub fn write_json_lines<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    out: &mut impl Write,
) -> Result<usize, ExchangeError> {
    let mut written = 0;
    for event in events {
        write_line(event, out)?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

/// One export line: the event's canonical bytes, hash included, and a newline.
fn write_line(event: &Event, out: &mut impl Write) -> Result<(), ExchangeError> {
    out.write_all(&event.canonical_bytes()?)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the whole ledger as JSON Lines, event by event as it is read from the store (memory
/// stays one event, whatever the ledger's size); each event is decoded before it is written, so
/// a damaged one stops the export with its seq rather than travelling on. Returns how many.
pub fn write_export(store: &Store, out: &mut impl Write) -> Result<usize, ExchangeError> {
    let mut written = 0;
    for read in store.raw_events() {
        let (seq, bytes) = read?;
        let event = Event::from_bytes(&bytes)
            .map_err(|source| ExchangeError::Store(StoreError::Corrupt { seq, source }))?;
        write_line(&event, out)?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

/// The file a document's raw bytes travel in beside an export: `<blake3-hex>.txt`.
pub fn document_file_name(hash: &str) -> String {
    format!("{hash}.txt")
}

/// Writes every stored document into `folder` (created if missing) under
/// [`document_file_name`]; returns how many.
pub fn write_documents(store: &Store, folder: &Path) -> Result<usize, ExchangeError> {
    let cannot = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExchangeError::WriteFile { path, source }
    };
    std::fs::create_dir_all(folder).map_err(cannot(folder))?;
    // One document in memory at a time.
    let hashes = store.blob_hashes()?;
    for hash in &hashes {
        let bytes = store
            .blob(hash)?
            .ok_or(StoreError::CorruptIndex { tree: "blobs" })?;
        let path = folder.join(document_file_name(hash));
        std::fs::write(&path, bytes).map_err(cannot(&path))?;
    }
    Ok(hashes.len())
}

/// The documents an export names, read from `folder` where present (hash → raw bytes); a
/// missing one is left out, for [`check_import`] to name with its line.
pub fn read_documents(
    text: &[u8],
    folder: &Path,
) -> Result<BTreeMap<String, Vec<u8>>, ExchangeError> {
    let mut documents = BTreeMap::new();
    for hash in documents_named(text) {
        let path = folder.join(document_file_name(&hash));
        match crate::ingest::read_document(&path) {
            Ok(bytes) => {
                documents.insert(hash, bytes);
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ExchangeError::ReadFile { path, source }),
        }
    }
    Ok(documents)
}

/// Why an export was refused.
#[derive(Debug, thiserror::Error)]
#[error("line {line}{}: {what}; nothing was imported", seq.map_or_else(String::new, |s| format!(" (seq {s})")))]
pub struct ImportRefused {
    pub line: usize,
    pub seq: Option<u64>,
    pub what: String,
}

/// The document hashes an export's events name, in order of first mention.
pub fn documents_named(text: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.split(|&b| b == b'\n') {
        if let Ok(event) = Event::from_bytes(line) {
            if matches!(event.body, EventBody::DocumentIngested { .. })
                && !names.contains(&event.source.document)
            {
                names.push(event.source.document);
            }
        }
    }
    names
}

/// Checks an export (`text`, the whole file) with `documents` (hash → raw bytes) and returns the
/// events to write, or the first problem with its line number.
pub fn check_import(
    text: &[u8],
    documents: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<Event>, ImportRefused> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if body.is_empty() {
        return Err(ImportRefused {
            line: 1,
            seq: None,
            what: "the export holds no events".into(),
        });
    }
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let (events, failures) = check_chain(
        lines
            .iter()
            .enumerate()
            .map(|(index, line)| (index as u64, *line)),
    );
    let line_of = |failure: &Failure| failure.seq.map_or(lines.len(), |seq| seq as usize + 1);
    if let Some(first) = failures.first() {
        return Err(ImportRefused {
            line: line_of(first),
            seq: first.seq,
            what: first.what.clone(),
        });
    }
    let document_failures = check_documents(&events, |hash| Ok(documents.get(hash).cloned()));
    if let Some(first) = document_failures.first() {
        return Err(ImportRefused {
            line: line_of(first),
            seq: first.seq,
            what: first.what.clone(),
        });
    }
    Ok(events)
}

//! Export and import: the ledger as JSON Lines, checkable by tools no one here wrote.
//!
//! Export format: one event per line, exactly its RFC 8785 canonical bytes including `"hash"`,
//! lines separated by `\n`, in seq order from 0; documents travel beside it as
//! `<blake3-hex>.txt` files holding the raw bytes. Invariant: import accepts a file only if every
//! line passes the same checks `verify` makes, and writes nothing otherwise.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::event::Event;
use super::verify::{Blob, ChainCheck, DocumentCheck, Failure};
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
    #[error(
        "line {line} of the export is not the line checked before the import began (the file \
         changed while it was imported); the store is left marked as importing: remove its \
         folder and import again"
    )]
    ExportChanged { line: usize },
    #[error(
        "document {hash} beside the export is not the one checked before the import began (it \
         changed or went missing while it was imported); the store is left marked as \
         importing: remove its folder and import again"
    )]
    DocumentChanged { hash: String },
}

impl ExchangeError {
    /// What kind of failure this is, for the exit code, when the error itself says: the
    /// store's own, or a ledger left marked by an import stopped at a changed export. `None`:
    /// the kind of its cause (an I/O failure is the machine's or the input's as for any other).
    pub fn kind(&self) -> Option<crate::FailureKind> {
        match self {
            ExchangeError::Store(store) => Some(store.kind()),
            ExchangeError::ExportChanged { .. } | ExchangeError::DocumentChanged { .. } => {
                Some(crate::FailureKind::LedgerUnusable)
            }
            _ => None,
        }
    }
}

/// One JSON Lines line: the event's canonical bytes, hash included, and a newline. `export`
/// and `log --format json` both write events this way.
pub fn write_json_line(event: &Event, out: &mut impl Write) -> Result<(), ExchangeError> {
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
        write_json_line(&event, out)?;
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

/// Why an export was refused.
#[derive(Debug, thiserror::Error)]
#[error("line {line}{}: {what}; nothing was imported", seq.map_or_else(String::new, |s| format!(" (seq {s})")))]
pub struct ImportRefused {
    pub line: usize,
    pub seq: Option<u64>,
    pub what: String,
}

/// What the check of an export found, for its import: how many events, the last one's seq and
/// hash, and each line's digest — the lines then imported are held to be the lines checked.
#[derive(Debug)]
pub struct CheckedExport {
    pub last_seq: u64,
    pub last_hash: String,
    digests: Vec<blake3::Hash>,
}

impl CheckedExport {
    /// How many events the export holds (a line each).
    pub fn events(&self) -> usize {
        self.digests.len()
    }
}

/// Checks an export (`text`, the whole file) with `documents` (hash → raw bytes): see
/// [`check_export_lines`].
pub fn check_import(
    text: &[u8],
    documents: &BTreeMap<String, Vec<u8>>,
) -> Result<CheckedExport, ImportRefused> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let lines = body
        .split(|&b| b == b'\n')
        .map(|line| Ok::<_, std::convert::Infallible>(line.to_vec()));
    match check_export_lines(lines, |hash| Ok(documents.get(hash).cloned())) {
        Ok(checked) => checked,
        Err(never) => match never {},
    }
}

/// Checks an export a line at a time (`lines`, each without its `\n`) with the documents
/// `blob_of` reads, making the checks `verify` makes, and returns what its import needs or the
/// first problem with its line number: the chain's first failure if there is one, else the
/// documents' first. Memory holds a line and a document (and a digest per line), whatever the
/// export's size. An error reading a line is returned as it is.
pub fn check_export_lines<E>(
    lines: impl IntoIterator<Item = Result<Vec<u8>, E>>,
    blob_of: impl Fn(&str) -> Blob,
) -> Result<Result<CheckedExport, ImportRefused>, E> {
    let mut chain = ChainCheck::default();
    let mut documents = DocumentCheck::default();
    let mut failures: Vec<Failure> = Vec::new();
    let (mut chain_failure, mut document_failure): (Option<Failure>, Option<Failure>) =
        (None, None);
    let mut digests = Vec::new();
    let mut last: Option<(u64, String)> = None;
    let (mut lines_read, mut only_line_empty) = (0usize, false);
    for (index, line) in lines.into_iter().enumerate() {
        let line = line?;
        lines_read = index + 1;
        only_line_empty = index == 0 && line.is_empty();
        // Digests are for the import of an export that checks out: once a line has failed,
        // none is kept (a file of junk lines holds none in memory).
        if chain_failure.is_none() && document_failure.is_none() {
            digests.push(blake3::hash(&line));
        }
        let event = chain.next(index as u64, &line, &mut failures);
        if chain_failure.is_none() {
            chain_failure = failures.first().cloned();
        }
        failures.clear();
        let Some(event) = event else {
            continue;
        };
        // Once the chain has failed, the documents' findings are not the one reported.
        if chain_failure.is_none() && document_failure.is_none() {
            documents.next(&event, &blob_of, &mut failures);
            document_failure = failures.first().cloned();
            failures.clear();
        }
        last = Some((event.seq, event.hash));
    }
    let lines = lines_read;
    // A file of nothing but its final line break holds no line.
    if lines == 0 || (lines == 1 && only_line_empty) {
        return Ok(Err(ImportRefused {
            line: 1,
            seq: None,
            what: "the export holds no events".into(),
        }));
    }
    if let Some(first) = chain_failure.or(document_failure) {
        return Ok(Err(ImportRefused {
            line: first.seq.map_or(lines, |seq| seq as usize + 1),
            seq: first.seq,
            what: first.what,
        }));
    }
    let Some((last_seq, last_hash)) = last else {
        return Ok(Err(ImportRefused {
            line: lines,
            seq: None,
            what: "the export holds no events".into(),
        }));
    };
    Ok(Ok(CheckedExport {
        last_seq,
        last_hash,
        digests,
    }))
}

/// A document beside an export, read from `folder` (`None` when it is not there).
fn document_in(folder: &Path, hash: &str) -> Result<Option<Vec<u8>>, ExchangeError> {
    let path = folder.join(document_file_name(hash));
    match crate::ingest::read_document(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ExchangeError::ReadFile { path, source }),
    }
}

/// Checks the export `lines` reads (the file's lines, one at a time) with the
/// documents in `folder`, as [`check_export_lines`] does. A document the folder holds but
/// cannot be read is an error; one it does not hold is the check's to name.
pub fn check_export_file<I>(
    lines: I,
    folder: &Path,
) -> Result<Result<CheckedExport, ImportRefused>, ExchangeError>
where
    I: Iterator<Item = Result<Vec<u8>, ExchangeError>>,
{
    // DocumentCheck asks for a document as a `Blob`; a read failure is kept to be returned
    // as the error it is, not reported as a finding about the export.
    let unreadable: std::cell::RefCell<Option<ExchangeError>> = std::cell::RefCell::new(None);
    let checked = check_export_lines(lines, |hash| match document_in(folder, hash) {
        Ok(bytes) => Ok(bytes),
        Err(error) => {
            let what = error.to_string();
            unreadable.borrow_mut().get_or_insert(error);
            Err(what)
        }
    })?;
    match unreadable.into_inner() {
        Some(error) => Err(error),
        None => Ok(checked),
    }
}

/// Writes a checked export into `store` (empty): the lines `lines` reads again, each held to
/// the digest it had when checked, an append at a time, with the documents in `folder`.
/// Returns how many documents were written. Memory holds a line, two appends and a document.
pub fn import_checked<I>(
    store: &Store,
    checked: &CheckedExport,
    lines: I,
    folder: &Path,
) -> Result<usize, ExchangeError>
where
    I: Iterator<Item = Result<Vec<u8>, ExchangeError>>,
{
    let mut lines = lines.enumerate();
    let mut digests = checked.digests.iter();
    let mut read = 0;
    let events = std::iter::from_fn(move || match (lines.next(), digests.next()) {
        (None, None) => None,
        (Some((_, Err(error))), _) => Some(Err(error)),
        (Some((index, Ok(line))), Some(digest)) if blake3::hash(&line) == *digest => {
            read = index + 1;
            Some(
                Event::from_bytes(&line)
                    .map_err(|_| ExchangeError::ExportChanged { line: index + 1 }),
            )
        }
        (Some((index, _)), _) => Some(Err(ExchangeError::ExportChanged { line: index + 1 })),
        // Cut short: the first line missing.
        (None, Some(_)) => Some(Err(ExchangeError::ExportChanged { line: read + 1 })),
    });
    // Each document is read again as its append is written: held to the hash it was checked
    // against (which is its name), as the lines are held to their digests.
    let document_of = |hash: &str| match document_in(folder, hash)? {
        Some(bytes) if blake3::hash(&bytes).to_hex().as_str() == hash => Ok(Some(bytes)),
        _ => Err(ExchangeError::DocumentChanged {
            hash: hash.to_owned(),
        }),
    };
    store.import(events, (checked.last_seq, &checked.last_hash), document_of)
}

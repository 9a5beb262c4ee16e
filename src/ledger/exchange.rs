//! Export and import: the ledger as JSON Lines, checkable by tools no one here wrote.
//!
//! Export format: one event per line, exactly its RFC 8785 canonical bytes including `"hash"`,
//! lines separated by `\n`, in seq order from 0; documents travel beside it as
//! `<blake3-hex>.txt` files holding the raw bytes. Invariant: import accepts a file only if every
//! line passes the same checks `verify` makes, and writes nothing otherwise.

use std::collections::BTreeMap;

use super::event::{Event, EventBody};
use super::verify::{check_chain, check_documents, Failure};

/// The events of a ledger as export lines (each without its trailing newline).
pub fn export_lines(events: &[Event]) -> Result<Vec<Vec<u8>>, super::EventError> {
    events.iter().map(Event::canonical_bytes).collect()
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
    let document_failures = check_documents(&events, |hash| documents.get(hash).cloned());
    if let Some(first) = document_failures.first() {
        return Err(ImportRefused {
            line: line_of(first),
            seq: first.seq,
            what: first.what.clone(),
        });
    }
    Ok(events)
}

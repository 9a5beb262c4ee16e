//! Corrections (訂正・取下げ): a document's description corrected, or the document withdrawn,
//! as an event appended after it. The chain is never rewritten: the description a document
//! was ingested with stays in its `DocumentIngested`, and `state --as-known-at` before the
//! correction still shows the ledger as it stood.
//!
//! Invariant: a correction names a document the ledger holds and has not withdrawn, changes
//! something (a redescription) and says why; what the document's statements say is never
//! touched — only when they were said, or whether they count.

use std::path::Path;

use super::request::{date_flag, meeting_flag};
use super::{ordinal_out_of_order, IngestError};
use crate::extract::Diagnostic;
use crate::ledger::event::{EventBody, Source, UnsealedEvent};
use crate::ledger::{Event, Store, StoreError};
use crate::project::documents::DocumentRecord;
use crate::source::meeting::Meeting;

#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("{given:?}: no document in the ledger has this hash, and it is no file (give the hash `planledger meetings --format json` lists, a unique prefix of it, or the document's file)")]
    UnknownDocument { given: String },
    #[error("{given:?} begins {count} documents' hashes: give more digits")]
    Ambiguous { given: String, count: usize },
    #[error("{path}: this file's bytes are not in the ledger (BLAKE3 {hash}): only a document the ledger holds can be corrected")]
    FileNotInLedger { path: String, hash: String },
    #[error(
        "document {hash} was withdrawn at seq {seq}: a withdrawn document is not corrected further"
    )]
    Withdrawn { hash: String, seq: u64 },
    #[error("a correction needs --reason: say why, for whoever audits the ledger")]
    NoReason,
    #[error("the ledger already describes document {hash} so: nothing to amend (give --meeting, --date, --title or --label with a new value)")]
    Unchanged { hash: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Flag(#[from] IngestError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CorrectionError {
    /// Store failures mean the ledger cannot be used; every other failure is about the input.
    pub fn kind(&self) -> crate::FailureKind {
        match self {
            CorrectionError::Store(store) => store.kind(),
            CorrectionError::Flag(flag) => flag.kind(),
            _ => crate::FailureKind::BadInput,
        }
    }
}

/// What `amend` changes; a field left `None` keeps the value the ledger has.
#[derive(Debug, Clone, Default)]
pub struct Amendment {
    /// "会議体 第N回" or "第N回" (the body is kept when only the ordinal is given).
    pub meeting: Option<String>,
    /// A day in any form `date_flag` reads (2025-10-06, 令和7年10月6日, …) or "unknown".
    pub date: Option<String>,
    pub title: Option<String>,
    pub label: Option<String>,
}

/// A correction appended: the event, the record before and after it, and warnings.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub event: Event,
    pub before: DocumentRecord,
    pub after: DocumentRecord,
    pub warnings: Vec<Diagnostic>,
}

/// Appends a `DocumentRedescribed` for the document `document` names (a hash, a unique prefix
/// of one, or the document's file).
pub fn amend(
    store: &Store,
    document: &str,
    amendment: &Amendment,
    reason: &str,
    recorded_at: &str,
) -> Result<Corrected, CorrectionError> {
    let (reason, documents) = prepared(store, reason)?;
    let before = correctable(&documents, document)?;
    let mut meeting = before.meeting.clone();
    if let Some(given) = &amendment.meeting {
        let (body, ordinal) = meeting_flag(given)?;
        meeting.body = body.or(meeting.body);
        meeting.ordinal = ordinal;
    }
    if let Some(date) = &amendment.date {
        meeting.date = date_flag(date)?;
    }
    let title = amendment.title.clone().or_else(|| before.title.clone());
    let label = amendment.label.clone().or_else(|| before.label.clone());
    if meeting == before.meeting && title == before.title && label == before.label {
        return Err(CorrectionError::Unchanged {
            hash: before.hash.clone(),
        });
    }
    let others = documents
        .iter()
        .filter(|d| d.hash != before.hash)
        .map(|d| &d.meeting);
    let warnings = ordinal_out_of_order(&meeting, others).into_iter().collect();
    let body = EventBody::DocumentRedescribed {
        title,
        label,
        reason,
        recorded_at: recorded_at.to_owned(),
    };
    appended(store, before, meeting, body, warnings)
}

/// Appends a `DocumentWithdrawn` for the document `document` names.
pub fn withdraw(
    store: &Store,
    document: &str,
    reason: &str,
    recorded_at: &str,
) -> Result<Corrected, CorrectionError> {
    let (reason, documents) = prepared(store, reason)?;
    let before = correctable(&documents, document)?;
    let body = EventBody::DocumentWithdrawn {
        reason,
        recorded_at: recorded_at.to_owned(),
    };
    appended(store, before, before.meeting.clone(), body, Vec::new())
}

/// What every correction checks first: a reason, a ledger whole to its recorded head; and the
/// documents' records.
fn prepared(store: &Store, reason: &str) -> Result<(String, Vec<DocumentRecord>), CorrectionError> {
    let reason = checked_reason(reason)?;
    store.check_length()?;
    Ok((reason, store.document_records()?))
}

/// Appends the correction `body` of `before`'s document, at `meeting` (the document's meeting
/// from then on).
fn appended(
    store: &Store,
    before: &DocumentRecord,
    meeting: Meeting,
    body: EventBody,
    warnings: Vec<Diagnostic>,
) -> Result<Corrected, CorrectionError> {
    let event = store.append_correction(UnsealedEvent {
        meeting,
        source: Source {
            document: before.hash.clone(),
            lines: None,
        },
        body,
    })?;
    let mut after = before.clone();
    after.correct(&event);
    Ok(Corrected {
        event,
        before: before.clone(),
        after,
        warnings,
    })
}

fn checked_reason(reason: &str) -> Result<String, CorrectionError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CorrectionError::NoReason);
    }
    Ok(reason.to_owned())
}

/// The document a reference names, if it may be corrected.
fn correctable<'d>(
    documents: &'d [DocumentRecord],
    given: &str,
) -> Result<&'d DocumentRecord, CorrectionError> {
    let record = find_document(documents, given)?;
    if let Some(withdrawal) = record.corrections.iter().find(|c| c.withdrawn) {
        return Err(CorrectionError::Withdrawn {
            hash: record.hash.clone(),
            seq: withdrawal.seq,
        });
    }
    Ok(record)
}

/// The document a reference names: an existing file (by the hash of its bytes), a full hash,
/// or a unique prefix of one (at least 6 hex digits).
pub fn find_document<'d>(
    documents: &'d [DocumentRecord],
    given: &str,
) -> Result<&'d DocumentRecord, CorrectionError> {
    let path = Path::new(given);
    if path.is_file() {
        let bytes = super::read_document(path).map_err(|source| CorrectionError::Read {
            path: given.to_owned(),
            source,
        })?;
        let hash = blake3::hash(&bytes).to_hex().to_string();
        return documents
            .iter()
            .find(|d| d.hash == hash)
            .ok_or(CorrectionError::FileNotInLedger {
                path: given.to_owned(),
                hash,
            });
    }
    match by_hash_prefix(documents, given) {
        Ok(one) => Ok(one),
        Err(0) => Err(CorrectionError::UnknownDocument {
            given: given.to_owned(),
        }),
        Err(count) => Err(CorrectionError::Ambiguous {
            given: given.to_owned(),
            count,
        }),
    }
}

/// The document whose hash is `given` or begins with it (at least 6 hex digits, either case);
/// otherwise how many match (0 for none or for something that is no prefix).
pub fn by_hash_prefix<'d>(
    documents: &'d [DocumentRecord],
    given: &str,
) -> Result<&'d DocumentRecord, usize> {
    let prefix = given.trim().to_ascii_lowercase();
    if prefix.len() < 6 || prefix.len() > 64 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(0);
    }
    let matching: Vec<&DocumentRecord> = documents
        .iter()
        .filter(|d| d.hash.starts_with(&prefix))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        many => Err(many.len()),
    }
}

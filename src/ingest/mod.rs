//! Ingestion: one document file in, one atomic batch of events out.
//!
//! This is the edge where files are read; everything it calls below is pure except the store.
//! Invariants: the document's raw bytes are what is hashed and stored (decoding only decides how
//! they are read); a byte-identical document already in the ledger appends nothing; what a
//! document's events state (its measures, actions, figures, adoptions) is what the document
//! says, whatever else the ledger holds — only how a statement is classed (added, revised,
//! cited) and which handle it is recorded under depend on what came before (see `identity`).

pub mod correct;
pub mod departure;
pub mod derive;
pub mod request;

pub use request::{requests_for, Prepared, SingleFile};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::extract::{ActionStatus, Diagnostic, DocumentVersion};
use crate::ledger::event::EventBody;
use crate::ledger::{Event, Store, StoreError};
use crate::project::documents::DocumentRecord;
use crate::source::decode::DecodeError;
use crate::source::manifest::{DocumentDescription, DocumentFormat, Manifest, ManifestError};
use crate::source::meeting::{format_iso_date, Meeting};
use crate::source::normalize::comparison_key;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Decode { path: PathBuf, source: DecodeError },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{folder}: a folder needs a manifest.json describing its documents (see README, \"Manifest\"); or ingest single files with --meeting, --date and --format")]
    NoManifest { folder: PathBuf },
    #[error("{path}: a single file needs --meeting, --date (or --date unknown) and --format, or a manifest.json in its folder")]
    Undescribed { path: PathBuf },
    #[error("{path}: {source}; the document was not ingested (fix the manifest entry)")]
    Curated {
        path: PathBuf,
        source: crate::extract::figures::CuratedFactError,
    },
    #[error("{path}: {source}; nothing was appended (check the file, or give the right --format)")]
    NotTheFormat {
        path: PathBuf,
        source: crate::extract::FormatMismatch,
    },
    #[error("{path}: refused by --strict: {}; nothing was appended (check the PDF; without --strict the document is ingested with these warnings)", warnings.join("; "))]
    RefusedByStrict {
        path: PathBuf,
        warnings: Vec<String>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: nothing was appended: the events derived would not pass `planledger verify` ({what}); this is a defect of planledger, not of the document — please report it with the file")]
    WouldNotVerify { path: PathBuf, what: String },
    #[error("{path}: no such file or folder")]
    Missing { path: PathBuf },
    #[error("{path}: cannot be read: {source}")]
    Inaccessible {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: neither a file nor a folder")]
    NotAFile { path: PathBuf },
    #[error(
        "{path}: a single file needs --meeting and --date (and --format, or it is recognised)"
    )]
    NeedsMeetingAndDate { path: PathBuf },
    #[error("--format {given:?} is not a document format: use torikumi or slides")]
    UnknownFormat { given: String },
    #[error("{path}: not recognised: neither a 取組一覧 (section headings with bureau blocks) nor slides with a mark of slides (a 資料 label or a meeting's name on a line of its own, quoted measures, dated figures), or it is a Markdown document; nothing was appended — give --format torikumi or --format slides if it is one")]
    Unrecognised { path: PathBuf },
    #[error("--date {given:?} is not a date: give a real calendar day (2025-10-06, 2025/10/6, 令和7年10月6日, R7.10.6) or unknown")]
    BadDate { given: String },
    #[error("--meeting {given:?} names a date; give the body and ordinal, e.g. \"がん対策推進協議会 第92回\"")]
    MeetingIsADay { given: String },
    #[error("--meeting: {0}")]
    Meeting(#[from] crate::source::meeting::MeetingRefError),
}

impl IngestError {
    /// Store failures mean the ledger cannot be used; every other failure is about the input.
    pub fn kind(&self) -> crate::FailureKind {
        match self {
            IngestError::Store(store) => store.kind(),
            _ => crate::FailureKind::BadInput,
        }
    }
}

/// A document to ingest: where it is and what is known about it.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    pub path: PathBuf,
    pub description: DocumentDescription,
}

/// What ingesting one document did.
#[derive(Debug, Clone)]
pub enum IngestOutcome {
    Appended(AppendSummary),
    /// The same bytes are already in the ledger: nothing was appended.
    AlreadyPresent {
        path: PathBuf,
        document: String,
        seq: u64,
        /// Where the description given now differs from the one the ledger recorded (which
        /// it keeps), each said in words.
        described_otherwise: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct AppendSummary {
    pub path: PathBuf,
    pub document: String,
    pub first_seq: u64,
    pub last_seq: u64,
    /// Events appended, by kind.
    pub counts: BTreeMap<&'static str, usize>,
    pub actions_done: usize,
    pub actions_planned: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// A document's bytes, within [`crate::source::bounded::MAX_DOCUMENT_BYTES`].
pub fn read_document(path: &Path) -> std::io::Result<Vec<u8>> {
    use crate::source::bounded::{read_at_most, MAX_DOCUMENT_BYTES};
    read_at_most(path, MAX_DOCUMENT_BYTES, "a document")
}

/// The requests for every document a folder's manifest lists, in manifest order.
pub fn requests_from_folder(folder: &Path) -> Result<Vec<IngestRequest>, IngestError> {
    if !folder
        .join(crate::source::manifest::MANIFEST_FILE_NAME)
        .is_file()
    {
        return Err(IngestError::NoManifest {
            folder: folder.to_path_buf(),
        });
    }
    let manifest = Manifest::load(folder)?;
    Ok(manifest
        .documents
        .into_iter()
        .map(|description| IngestRequest {
            path: folder.join(&description.file),
            description,
        })
        .collect())
}

/// How strictly a document is taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// Refuse a version that no longer states a measure of its predecessor whose text appears
    /// inside another of its statements (see [`lost_measures`]), instead of warning.
    pub strict: bool,
    /// Look for nothing but what the events need: no warnings are gathered (`verify --deep`
    /// replays derivations for their events alone). Never changes an event.
    pub events_only: bool,
}

/// Reads, extracts and appends one document.
pub fn ingest(
    store: &Store,
    request: &IngestRequest,
    ingested_at: &str,
) -> Result<IngestOutcome, IngestError> {
    ingest_with(store, request, ingested_at, IngestOptions::default())
}

/// [`ingest`] with options.
pub fn ingest_with(
    store: &Store,
    request: &IngestRequest,
    ingested_at: &str,
    options: IngestOptions,
) -> Result<IngestOutcome, IngestError> {
    let read = read_request_bytes(request).map(ReadRequest::unextracted);
    ingest_read(store, request, read, ingested_at, options)
}

/// A request's document as read before the ledger is: its bytes and their hash, and — when read
/// ahead — decoded, extracted and checked against its filing ([`derive::extract_filed`], which
/// reads nothing of the ledger).
pub struct ReadRequest {
    bytes: Vec<u8>,
    document: String,
    extracted: Option<Box<Result<derive::Extracted, IngestError>>>,
}

impl ReadRequest {
    fn unextracted(bytes: Vec<u8>) -> ReadRequest {
        ReadRequest {
            document: blake3::hash(&bytes).to_hex().to_string(),
            bytes,
            extracted: None,
        }
    }
}

/// Reads a request's file and extracts its document, apart from the append: a multi-document
/// ingest reads the next document while it appends this one (and the first while the ledger
/// opens, `store` then `None`). A document `store` already records is not extracted (the
/// append skips it); one it does not record yet — or that the append before it adds — is
/// extracted and then skipped all the same, for one extraction's time.
pub fn read_request(
    request: &IngestRequest,
    ingested_at: &str,
    store: Option<&Store>,
) -> Result<ReadRequest, IngestError> {
    let mut read = ReadRequest::unextracted(read_request_bytes(request)?);
    // A record that cannot be read is the append's to report.
    let known =
        store.is_some_and(|store| matches!(store.document_record(&read.document), Ok(Some(_))));
    if !known {
        let extracted = derive::extract_filed(&read.bytes, &filing_of(request, ingested_at));
        read.extracted = Some(Box::new(extracted));
    }
    Ok(read)
}

fn read_request_bytes(request: &IngestRequest) -> Result<Vec<u8>, IngestError> {
    read_document(&request.path).map_err(|source| IngestError::Read {
        path: request.path.clone(),
        source,
    })
}

fn filing_of<'a>(request: &'a IngestRequest, ingested_at: &'a str) -> derive::Filing<'a> {
    derive::Filing {
        path: &request.path,
        description: &request.description,
        file_name: request
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ingested_at,
    }
}

/// [`ingest_with`] of a request read ([`read_request`], with the same `ingested_at`): the
/// ledger's length checked, then the file's reading; known bytes skipped; the document derived
/// (extracted meanwhile when it was not read ahead), the batch checked as `verify` will, appended.
pub fn ingest_read(
    store: &Store,
    request: &IngestRequest,
    read: Result<ReadRequest, IngestError>,
    ingested_at: &str,
    options: IngestOptions,
) -> Result<IngestOutcome, IngestError> {
    // Appending to a ledger that lost its tail would record a new head over the evidence.
    store.check_length()?;
    let ReadRequest {
        bytes,
        document,
        extracted,
    } = read?;
    let path = &request.path;
    if let Some(recorded) = store.document_record(&document)? {
        return Ok(IngestOutcome::AlreadyPresent {
            path: path.clone(),
            described_otherwise: description_differences(&recorded, &request.description),
            document,
            seq: recorded.seq,
        });
    }
    let filing = filing_of(request, ingested_at);
    let (prior, extracted) = match extracted {
        Some(extracted) => (derive::Prior::of_store(store), *extracted),
        // The ledger's records are read while the document is: neither needs the other.
        None => derive::Prior::of_store_beside(store, || derive::extract_filed(&bytes, &filing)),
    };
    let prior = prior?;
    let derivation = derive::derive_extracted(extracted?, &bytes, &filing, &prior, options)?;
    // What ingests, verifies: the batch passes verify's checks before it is appended.
    derive::check_batch(&derivation, &bytes, path)?;
    let derive::Derivation {
        events, version, ..
    } = derivation;
    let mut counts = BTreeMap::new();
    for event in &events {
        *counts.entry(event.body.kind()).or_insert(0) += 1;
    }
    let sealed = store.append_document(&document, &bytes, events, &prior.documents)?;
    Ok(IngestOutcome::Appended(AppendSummary {
        path: path.clone(),
        document,
        first_seq: sealed.first().map_or(0, |e| e.seq),
        last_seq: sealed.last().map_or(0, |e| e.seq),
        counts,
        actions_done: version.action_count(ActionStatus::Done),
        actions_planned: version.action_count(ActionStatus::Planned),
        diagnostics: version.diagnostics,
    }))
}

/// A 取組一覧's pages print the meeting; when they name another meeting than the description,
/// the user should hear of it (a wrong manifest entry puts a document at the wrong time).
pub(crate) fn check_printed_meetings(
    description: &DocumentDescription,
    version: &mut DocumentVersion,
) {
    let Some(ordinal) = description.meeting.ordinal else {
        return;
    };
    // On comparison keys: a footer printed spaced out (「第 9 2 回 …」) names 第92回 too.
    let marker = comparison_key(&format!("第{ordinal}回"));
    for printed in &version.printed_meetings {
        if !comparison_key(printed).contains(&marker) {
            version.diagnostics.push(Diagnostic {
                line: 0,
                message: format!(
                    "the pages say {printed:?} but the document is described as {}",
                    description.meeting.name()
                ),
                hint: Some("check the manifest entry (or --meeting) for this file".into()),
            });
        }
    }
}

/// What a description of known bytes says otherwise than the ledger's record of them: the
/// meeting (with its date) and format, and the title, label and series when they are given.
pub fn description_differences(
    recorded: &DocumentRecord,
    described: &DocumentDescription,
) -> Vec<String> {
    let shown = |text: &Option<String>| text.as_deref().unwrap_or("none").to_owned();
    let meeting = |m: &Meeting| {
        format!(
            "{} ({})",
            m.name(),
            m.date
                .map_or_else(|| "date unknown".to_owned(), format_iso_date)
        )
    };
    let mut differences = Vec::new();
    if described.meeting != recorded.meeting {
        differences.push(format!(
            "meeting {} where the ledger has {}",
            meeting(&described.meeting),
            meeting(&recorded.meeting)
        ));
    }
    // A title, label or series left out is not a different one.
    for (what, given, held) in [
        ("title", &described.title, &recorded.title),
        ("label", &described.label, &recorded.label),
        ("series", &described.series, &recorded.series),
    ] {
        if given.is_some() && given != held {
            differences.push(format!(
                "{what} {} where the ledger has {}",
                shown(given),
                shown(held)
            ));
        }
    }
    if described.format != recorded.format {
        differences.push(format!(
            "format {} where the ledger has {}",
            described.format.as_str(),
            recorded.format.as_str()
        ));
    }
    differences
}

/// A meeting whose date puts it out of its body's ordinal order — 第93回 dated before 第92回 —
/// against the meetings the ledger knows: a warning naming the meeting it contradicts (the
/// first, in `known`'s order). Meetings of another body, or without an ordinal or a date, say
/// nothing; two ordinals on one day are not out of order. `known` may name a meeting more than
/// once (every document's meeting, as recorded): the first that contradicts is the same either
/// way, and gathering the distinct meetings first was a set built for every document `verify
/// --deep` replays, the square of the ledger's documents.
pub fn ordinal_out_of_order<'m>(
    meeting: &Meeting,
    known: impl IntoIterator<Item = &'m Meeting>,
) -> Option<Diagnostic> {
    let (Some(body), Some(ordinal), Some(date)) = (&meeting.body, meeting.ordinal, meeting.date)
    else {
        return None;
    };
    // Keyed once, not again for every meeting the ledger knows (for every document `verify
    // --deep` replays); a body printed exactly as this one is the same without keying.
    let body_key = comparison_key(body);
    let same_body = |other: &Meeting| {
        other
            .body
            .as_deref()
            .is_some_and(|b| b == body || comparison_key(b) == body_key)
    };
    let contradicted = known.into_iter().filter(|k| same_body(k)).find(|k| {
        let (Some(other_ordinal), Some(other_date)) = (k.ordinal, k.date) else {
            return false;
        };
        (other_ordinal < ordinal && other_date > date)
            || (other_ordinal > ordinal && other_date < date)
    })?;
    Some(Diagnostic {
        line: 0,
        message: format!(
            "{} is dated {}, which puts it out of order with {} ({}) already in the ledger",
            meeting.name(),
            format_iso_date(date),
            contradicted.name(),
            contradicted.date.map(format_iso_date).unwrap_or_default()
        ),
        hint: Some(
            "check the date and the ordinal in the manifest entry (or --meeting/--date)".into(),
        ),
    })
}

/// The series a document belongs to: as described, else (for a 取組一覧) its title line.
pub(crate) fn series_of(
    description: &DocumentDescription,
    version: &DocumentVersion,
) -> Option<String> {
    description
        .series
        .clone()
        .or_else(|| match description.format {
            DocumentFormat::Torikumi => version.title_line.as_deref().map(series_key),
            DocumentFormat::Slides => None,
        })
}

/// A measure text shorter than this (in comparison-key characters) is not looked for inside
/// other statements: a short phrase turns up anywhere.
const LOST_MEASURE_MIN_CHARS: usize = 20;

/// The previous version of a series at a meeting: the latest document of the series held
/// earlier in valid time (a withdrawn one is no version).
pub fn previous_version<'d, D: std::borrow::Borrow<DocumentRecord>>(
    documents: &'d [D],
    series: &str,
    meeting: &crate::source::meeting::Meeting,
) -> Option<&'d DocumentRecord> {
    versions_of(documents, series)
        .filter(|d| d.meeting.time_key() < meeting.time_key())
        .max_by(|a, b| a.order_key().cmp(&b.order_key()))
}

/// The versions of a series: its documents, none withdrawn.
fn versions_of<'d, 's, D: std::borrow::Borrow<DocumentRecord>>(
    documents: &'d [D],
    series: &'s str,
) -> impl Iterator<Item = &'d DocumentRecord> + use<'d, 's, D> {
    documents
        .iter()
        .map(D::borrow)
        .filter(move |d| !d.withdrawn() && d.series.as_deref() == Some(series))
}

/// The next version of a series after a meeting: the earliest document of the series held
/// later in valid time — a version ingested after its successor is compared with it, as the
/// successor would have been with it had they come in order.
pub fn next_version<'d, D: std::borrow::Borrow<DocumentRecord>>(
    documents: &'d [D],
    series: &str,
    meeting: &crate::source::meeting::Meeting,
) -> Option<&'d DocumentRecord> {
    versions_of(documents, series)
        .filter(|d| d.meeting.time_key() > meeting.time_key())
        .min_by(|a, b| a.order_key().cmp(&b.order_key()))
}

/// The measures the previous version of this series stated (`previous_events`, its events)
/// that this version no longer states as measures, though their text appears inside another of
/// its statements: the sign of a table misread (a measure glued onto the action above it), not
/// of a measure deleted. One warning each, naming both lines.
pub fn lost_measures(
    previous: &DocumentRecord,
    previous_events: &[Event],
    version: &DocumentVersion,
) -> Vec<Diagnostic> {
    let stated: std::collections::BTreeSet<String> = version
        .measures
        .iter()
        .map(|m| comparison_key(&m.text))
        .collect();
    // (key, first line, what) of every statement of this version.
    let mut statements: Vec<(String, u32, &str)> = Vec::new();
    for measure in &version.measures {
        statements.push((
            comparison_key(&measure.text),
            measure.lines.first,
            "a measure",
        ));
        for action in &measure.actions {
            statements.push((
                comparison_key(&action.text),
                action.lines.first,
                "an action",
            ));
        }
    }
    let mut lost = Vec::new();
    for event in previous_events
        .iter()
        .filter(|e| e.source.document == previous.hash)
    {
        let (EventBody::MeasureAdded { text, .. }
        | EventBody::MeasureRevised { text, .. }
        | EventBody::MeasureCited { text, .. }) = &event.body
        else {
            continue;
        };
        let key = comparison_key(text);
        if key.chars().count() < LOST_MEASURE_MIN_CHARS || stated.contains(&key) {
            continue;
        }
        if let Some((_, line, what)) = statements.iter().find(|(other, _, _)| other.contains(&key))
        {
            let previous_line = event.source.lines.map_or(0, |l| l.first);
            lost.push(Diagnostic {
                line: *line,
                message: format!(
                    "measure at line {previous_line} of {} is no longer stated as a measure but appears inside {what} at line {line}",
                    previous.meeting.name()
                ),
                hint: Some("the table may have been misread here (a measure run into the action above it); check the PDF".into()),
            });
        }
    }
    lost
}

/// A bureau renamed in print is taken as one when at least this many of its actions reappear
/// word for word under the new name ...
const RENAME_MIN_SHARED: usize = 3;

/// ... and they are at least this share of the old name's actions (the rest may have been
/// completed, reworded or dropped in the same version).
const RENAME_MIN_SHARE: f32 = 0.5;

/// Whether `shared` of an old bureau's `old_actions` actions reappearing under a new name is a
/// rename rather than a handover of a few actions.
pub fn is_consistent_rename(shared: usize, old_actions: usize) -> bool {
    shared >= RENAME_MIN_SHARED && shared as f32 >= RENAME_MIN_SHARE * old_actions as f32
}

/// Bureaus of the previous version of a series that this version no longer names, whose
/// actions reappear word for word under one name the previous version did not use: a rename
/// (a reorganisation the curated table, `extract::bureau::REORGANISATIONS`, does not know, or a
/// misprint). Said with the evidence, never applied: until the table has it, views read them as
/// two bureaus.
pub fn renamed_bureaus(
    previous: &DocumentRecord,
    previous_events: &[Event],
    version: &DocumentVersion,
) -> Vec<Diagnostic> {
    use crate::extract::bureau::current_name;
    type Names = BTreeMap<String, (std::collections::BTreeSet<String>, u32)>;
    let mut before: Names = BTreeMap::new();
    for event in previous_events
        .iter()
        .filter(|e| e.source.document == previous.hash)
    {
        if let EventBody::ActionReported {
            bureau_canonical,
            text,
            ..
        } = &event.body
        {
            before
                .entry(current_name(bureau_canonical).0)
                .or_insert_with(|| {
                    (
                        Default::default(),
                        event.source.lines.map_or(0, |l| l.first),
                    )
                })
                .0
                .insert(comparison_key(text));
        }
    }
    let mut now: Names = BTreeMap::new();
    for action in version.measures.iter().flat_map(|m| &m.actions) {
        now.entry(current_name(&action.bureau_canonical).0)
            .or_insert_with(|| (Default::default(), action.lines.first))
            .0
            .insert(comparison_key(&action.text));
    }
    let mut found = Vec::new();
    for (old, (old_actions, _)) in before.iter().filter(|(name, _)| !now.contains_key(*name)) {
        let best = now
            .iter()
            .filter(|(name, _)| !before.contains_key(*name))
            .map(|(name, (actions, line))| (old_actions.intersection(actions).count(), name, line))
            .max();
        if let Some((shared, new, line)) = best {
            if is_consistent_rename(shared, old_actions.len()) {
                found.push(Diagnostic {
                    line: *line,
                    message: format!(
                        "【{old}】 of {} is not named here, and {shared} of its {} actions are reported word for word under 【{new}】, which it did not name: a renamed bureau?",
                        previous.meeting.name(),
                        old_actions.len()
                    ),
                    hint: Some("if a reorganisation renamed it, report its date and instrument so it joins the table of reorganisations; until then diff reads the two names as two bureaus".into()),
                });
            }
        }
    }
    found
}

/// A title's series key: its comparison key without a bracketed date (「（令和7年9月時点）」,
/// 「(2026年3月現在)」) — each version of a 取組一覧 may print the date it speaks for in its title.
fn series_key(title: &str) -> String {
    let mut kept = String::new();
    let mut rest = title;
    while let Some(open) = rest.find(['（', '(']) {
        let after = &rest[open..];
        let close = after
            .char_indices()
            .find(|(_, c)| matches!(c, '）' | ')'))
            .map(|(at, c)| at + c.len_utf8());
        let Some(close) = close else { break };
        kept.push_str(&rest[..open]);
        let group = &after[..close];
        if crate::source::date::find_dates(group).is_empty() {
            kept.push_str(group);
        }
        rest = &after[close..];
    }
    kept.push_str(rest);
    comparison_key(&kept)
}

#[cfg(test)]
mod tests {
    use super::series_key;
    use super::{ordinal_out_of_order, Meeting};

    #[test]
    fn a_meeting_dated_out_of_its_ordinal_order_is_a_warning() {
        let meeting = |body: &str, ordinal: Option<u32>, date: Option<(i32, u8, u8)>| Meeting {
            body: Some(body.to_owned()),
            ordinal,
            date: date.map(|(y, m, d)| {
                time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
            }),
        };
        let council = "がん対策推進協議会";
        let panel = "がん診療提供体制のあり方に関する検討会";
        let known = [
            meeting(council, Some(92), Some((2025, 10, 6))),
            meeting(panel, Some(95), Some((2025, 1, 1))),
        ];
        // (the new meeting, whether it is a warning)
        let cases = [
            (meeting(council, Some(93), Some((2025, 9, 1))), true),
            (meeting(council, Some(91), Some((2025, 11, 1))), true),
            (meeting(council, Some(93), Some((2026, 1, 15))), false),
            (meeting(council, Some(93), Some((2025, 10, 6))), false),
            (meeting(council, Some(93), None), false),
            (meeting(council, None, Some((2025, 9, 1))), false),
            // Another body's ordinals are its own.
            (meeting(panel, Some(96), Some((2025, 2, 1))), false),
            (meeting(panel, Some(96), Some((2024, 2, 1))), true),
        ];
        // Every document's meeting, as the derivation passes them: a meeting named again (two
        // documents of one meeting) changes nothing.
        let repeated: Vec<&Meeting> = known.iter().chain(&known).chain(&known).collect();
        for (new, warned) in cases {
            let diagnostic = ordinal_out_of_order(&new, &known);
            assert_eq!(diagnostic.is_some(), warned, "{new}");
            assert_eq!(
                ordinal_out_of_order(&new, repeated.iter().copied()),
                diagnostic,
                "{new}"
            );
            if let Some(diagnostic) = diagnostic {
                assert!(
                    diagnostic.message.contains("out of order"),
                    "{}",
                    diagnostic.message
                );
            }
        }
    }

    #[test]
    fn a_rename_is_most_of_a_bureaus_actions_under_one_new_name() {
        use super::is_consistent_rename;
        // (actions shared word for word, the old name's actions, a rename)
        let cases = [
            (127, 127, true),
            (60, 100, true),
            (3, 5, true),
            (2, 2, false),
            (3, 10, false),
            (0, 40, false),
        ];
        for (shared, old, expected) in cases {
            assert_eq!(
                is_consistent_rename(shared, old),
                expected,
                "{shared}/{old}"
            );
        }
    }

    #[test]
    fn a_dated_title_is_the_same_series() {
        let plain = series_key("第４期がん対策推進基本計画施策に対する取組一覧");
        assert_eq!(
            series_key("第４期がん対策推進基本計画施策に対する取組一覧（令和８年３月時点）"),
            plain
        );
        assert_eq!(
            series_key("第4期がん対策推進基本計画施策に対する取組一覧 (2026年3月現在)"),
            plain
        );
        // A bracket without a date is part of the title; another plan is another series.
        assert_ne!(
            series_key("第４期がん対策推進基本計画施策に対する取組一覧（概要）"),
            plain
        );
        assert_ne!(
            series_key("第３期がん対策推進基本計画施策に対する取組一覧（令和４年時点）"),
            plain
        );
    }
}

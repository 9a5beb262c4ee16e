//! Ingestion: one document file in, one atomic batch of events out.
//!
//! This is the edge where files are read; everything it calls below is pure except the store.
//! Invariants: the document's raw bytes are what is hashed and stored (decoding only decides how
//! they are read); a byte-identical document already in the ledger appends nothing; what a
//! document's events state (its measures, actions, figures, adoptions) is what the document
//! says, whatever else the ledger holds — only how a statement is classed (added, revised,
//! cited) and which handle it is recorded under depend on what came before (see `identity`).

pub mod correct;
pub mod request;

pub use request::{requests_for, Prepared, SingleFile};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::extract::{extract, ActionStatus, Diagnostic, DocumentVersion};
use crate::identity::{measure_id, shapes_of_events, Identities, Match, Shape};
use crate::ledger::event::{EventBody, Source, UnsealedEvent};
use crate::ledger::{Event, Store, StoreError};
use crate::project::documents::DocumentRecord;
use crate::source::decode::{decode, DecodeError};
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
    #[error("{path}: refused by --strict: {}; nothing was appended (check the PDF; without --strict the document is ingested with these warnings)", lost.join("; "))]
    LosesMeasures { path: PathBuf, lost: Vec<String> },
    #[error(transparent)]
    Store(#[from] StoreError),
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
    #[error("{path}: neither a 取組一覧 nor slides (no section headings with bureau blocks, no Japanese text); give --format if it is one")]
    Unrecognised { path: PathBuf },
    #[error("--date {given:?} is not a date: use YYYY-MM-DD (a real calendar date) or unknown")]
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
    // Appending to a ledger that lost its tail would record a new head over the evidence.
    store.check_length()?;
    let path = &request.path;
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read {
        path: path.clone(),
        source,
    })?;
    let document = blake3::hash(&bytes).to_hex().to_string();
    if let Some(recorded) = store.document_record(&document)? {
        return Ok(IngestOutcome::AlreadyPresent {
            path: path.clone(),
            described_otherwise: description_differences(&recorded, &request.description),
            document,
            seq: recorded.seq,
        });
    }
    let (text, encoding) = decode(&bytes).map_err(|source| IngestError::Decode {
        path: path.clone(),
        source,
    })?;
    let description = &request.description;
    let mut version = extract(description.format, &text);
    crate::extract::check_format(description.format, &text, &version).map_err(|source| {
        IngestError::NotTheFormat {
            path: path.clone(),
            source,
        }
    })?;
    let curated = crate::extract::figures::curate(&text, &description.facts).map_err(|source| {
        IngestError::Curated {
            path: path.clone(),
            source,
        }
    })?;
    version.targets.extend(curated);
    check_printed_meetings(description, &mut version);
    // What ingest needs of the ledger, read through its indexes — never the whole log: the
    // documents' records, the previous version of this series and the identity index.
    let documents = store.document_records()?;
    version.diagnostics.extend(ordinal_out_of_order(
        &description.meeting,
        &crate::project::meetings::known_meetings(&documents),
    ));
    // The measures of the versions of this series just before and just after it in valid
    // time: what structure compares a text the ledger does not know with (see `identity`).
    let mut neighbours: Vec<Shape> = Vec::new();
    if let Some(series) = series_of(description, &version) {
        let previous = previous_version(&documents, &series, &description.meeting);
        let next = next_version(&documents, &series, &description.meeting);
        let previous_events = match previous {
            Some(previous) => store.events_of_document(previous.seq)?,
            None => Vec::new(),
        };
        let lost = match previous {
            Some(previous) => lost_measures(previous, &previous_events, &version),
            None => Vec::new(),
        };
        neighbours.extend(shapes_of_events(&previous_events));
        if let Some(next) = next {
            neighbours.extend(shapes_of_events(&store.events_of_document(next.seq)?));
        }
        if options.strict && !lost.is_empty() {
            return Err(IngestError::LosesMeasures {
                path: path.clone(),
                lost: lost.into_iter().map(|d| d.message).collect(),
            });
        }
        version.diagnostics.extend(lost);
    }
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let identities = Identities::from_index(&store.identity_index()?);
    let events = events_for(
        &identities,
        &neighbours,
        &document,
        &version,
        description,
        DocumentFacts {
            text: &text,
            date_bounds: crate::extract::dating::infer_date_bounds(&text),
            file_name,
            byte_length: bytes.len() as u64,
            encoding,
            ingested_at,
        },
    )?;
    let mut counts = BTreeMap::new();
    for event in &events {
        *counts.entry(event.body.kind()).or_insert(0) += 1;
    }
    let sealed = store.append_document(&document, &bytes, events)?;
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

struct DocumentFacts<'a> {
    text: &'a str,
    date_bounds: Option<crate::extract::dating::DateBounds>,
    file_name: String,
    byte_length: u64,
    encoding: crate::source::decode::TextEncoding,
    ingested_at: &'a str,
}

/// A 取組一覧's pages print the meeting; when they name another meeting than the description,
/// the user should hear of it (a wrong manifest entry puts a document at the wrong time).
fn check_printed_meetings(description: &DocumentDescription, version: &mut DocumentVersion) {
    let Some(ordinal) = description.meeting.ordinal else {
        return;
    };
    let marker = format!("第{ordinal}回");
    for printed in &version.printed_meetings {
        let folded: String = printed
            .chars()
            .map(crate::source::normalize::fold_full_width_ascii)
            .collect();
        if !folded.contains(&marker) {
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
/// nothing; two ordinals on one day are not out of order.
pub fn ordinal_out_of_order(meeting: &Meeting, known: &[Meeting]) -> Option<Diagnostic> {
    let (Some(body), Some(ordinal), Some(date)) = (&meeting.body, meeting.ordinal, meeting.date)
    else {
        return None;
    };
    let same_body = |other: &Meeting| {
        other
            .body
            .as_deref()
            .is_some_and(|b| comparison_key(b) == comparison_key(body))
    };
    let contradicted = known.iter().filter(|k| same_body(k)).find(|k| {
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
fn series_of(description: &DocumentDescription, version: &DocumentVersion) -> Option<String> {
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
pub fn previous_version<'d>(
    documents: &'d [DocumentRecord],
    series: &str,
    meeting: &crate::source::meeting::Meeting,
) -> Option<&'d DocumentRecord> {
    versions_of(documents, series)
        .filter(|d| d.meeting.time_key() < meeting.time_key())
        .max_by(|a, b| a.order_key().cmp(&b.order_key()))
}

/// The versions of a series: its documents, none withdrawn.
fn versions_of<'d, 's>(
    documents: &'d [DocumentRecord],
    series: &'s str,
) -> impl Iterator<Item = &'d DocumentRecord> + use<'d, 's> {
    documents
        .iter()
        .filter(move |d| !d.withdrawn() && d.series.as_deref() == Some(series))
}

/// The next version of a series after a meeting: the earliest document of the series held
/// later in valid time — a version ingested after its successor is compared with it, as the
/// successor would have been with it had they come in order.
pub fn next_version<'d>(
    documents: &'d [DocumentRecord],
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

/// `PlanAdopted` for each plan adoption the text states (once per document). Another document
/// stating the same adoption records it again: which documents state a fact must not depend on
/// the order they were ingested in.
fn adoption_events(
    document: &str,
    meeting: &crate::source::meeting::Meeting,
    text: &str,
) -> Vec<UnsealedEvent> {
    let mut known: Vec<(String, String)> = Vec::new();
    let mut events = Vec::new();
    for adoption in crate::extract::figures::plan_adoptions(text) {
        let key = (comparison_key(&adoption.plan), adoption.adopted.clone());
        if known.contains(&key) {
            continue;
        }
        known.push(key);
        events.push(UnsealedEvent {
            meeting: meeting.clone(),
            source: Source {
                document: document.to_owned(),
                lines: Some(crate::extract::LineRange {
                    first: adoption.line,
                    last: adoption.line,
                }),
            },
            body: EventBody::PlanAdopted {
                plan: adoption.plan,
                adopted: adoption.adopted,
                adopted_day: adoption.adopted_day,
            },
        });
    }
    events
}

/// `TargetChanged` for each figure the document states, once per document (000 states the
/// Hello Work series twice: one observation each). A figure another document already stated is
/// recorded again for this one — projections treat an unchanged value as a citation — so that
/// what each document states does not depend on ingestion order. What a figure was before is
/// the projections' to say, in valid time (`previous_value` is no longer recorded: format 2).
fn target_events(
    document: &str,
    meeting: &crate::source::meeting::Meeting,
    version: &DocumentVersion,
) -> Vec<UnsealedEvent> {
    let mut stated: Vec<&crate::extract::figures::ExtractedTarget> = Vec::new();
    let mut events = Vec::new();
    for target in &version.targets {
        let already = stated.iter().any(|here| {
            here.key == target.key && here.as_of == target.as_of && here.value == target.value
        });
        if already {
            continue;
        }
        stated.push(target);
        events.push(UnsealedEvent {
            meeting: meeting.clone(),
            source: Source {
                document: document.to_owned(),
                lines: Some(target.lines),
            },
            body: EventBody::TargetChanged {
                key: target.key.clone(),
                label: target.label.clone(),
                value: target.value.clone(),
                unit: Some(target.unit.clone()),
                as_of: target.as_of.clone(),
                as_of_day: target.as_of_day.clone(),
                deadline: target.deadline.clone(),
                previous_value: None,
                curated_quote: target.curated_quote.clone(),
                deadline_after_adoption: target.deadline_after_adoption.clone(),
            },
        });
    }
    events
}

fn events_for(
    known: &Identities,
    neighbours: &[Shape],
    document: &str,
    version: &DocumentVersion,
    description: &DocumentDescription,
    facts: DocumentFacts<'_>,
) -> Result<Vec<UnsealedEvent>, StoreError> {
    let plan = version.plan.clone();
    let meeting = description.meeting.clone();
    let source = |lines| Source {
        document: document.to_owned(),
        lines,
    };
    // Handles of the measures this document states, in its order.
    let mut ids: Vec<String> = Vec::new();
    // (plan key, text key, handle) of what this document stated, for a slide quoting twice.
    let mut stated: Vec<(String, String, String)> = Vec::new();
    let mut statements = Vec::new();
    // What structure sees of this version's measures, and (computed only when structure is
    // asked) the handles its measures match by text: those are not structure's to give.
    let mut shapes: Vec<Shape> = version
        .measures
        .iter()
        .map(|measure| {
            Shape::new(
                "",
                measure.plan.as_deref().or(plan.as_deref()),
                &measure.section,
                &measure.text,
                measure.actions.iter().map(|a| a.text.clone()),
            )
        })
        .collect();
    Shape::number_positions(&mut shapes);
    let claimed_by_text = std::cell::OnceCell::new();
    // (index in `statements`, shape) of each measure statement, for structure's second look.
    let mut matched_by_text: Vec<(usize, &Shape)> = Vec::new();
    for (measure, shape) in version.measures.iter().zip(&shapes) {
        let plan = measure.plan.clone().or_else(|| plan.clone());
        let keys = (
            comparison_key(plan.as_deref().unwrap_or("")),
            comparison_key(&measure.text),
        );
        // A slide deck quoting a measure twice cites one measure twice; the same text twice in
        // one 取組一覧 is two measures.
        let quoted_again = (description.format == DocumentFormat::Slides)
            .then(|| {
                stated
                    .iter()
                    .find(|(plan_key, text_key, _)| (plan_key, text_key) == (&keys.0, &keys.1))
                    .map(|(_, _, handle)| handle.clone())
            })
            .flatten();
        let mut lineage = Vec::new();
        let found = quoted_again
            .map(|handle| Match::Same { handle })
            .unwrap_or_else(|| known.find(plan.as_deref(), &measure.section, &measure.text, &ids));
        let found = match found {
            Match::New if !neighbours.is_empty() => {
                let claimed: &Vec<String> = claimed_by_text.get_or_init(|| {
                    version
                        .measures
                        .iter()
                        .filter_map(|m| {
                            let plan = m.plan.as_deref().or(plan.as_deref());
                            match known.find(plan, &m.section, &m.text, &[]) {
                                Match::Same { handle } | Match::Revision { handle, .. } => {
                                    Some(handle)
                                }
                                Match::New => None,
                            }
                        })
                        .collect()
                });
                let taken: Vec<String> = ids.iter().chain(claimed).cloned().collect();
                match known.structural_revision(neighbours, shape, &taken) {
                    Some(other) => Match::Revision {
                        handle: known.handle(&other.handle).to_owned(),
                        matched_text: other.text.clone(),
                        also: Vec::new(),
                    },
                    None => {
                        lineage = known.parts(neighbours, shape);
                        Match::New
                    }
                }
            }
            found => found,
        };
        let (id, body) = match found {
            Match::Same { handle } => (
                handle.clone(),
                EventBody::MeasureCited {
                    measure_id: handle,
                    plan: plan.clone(),
                    section: measure.section.clone(),
                    text: measure.text.clone(),
                    also_matched: Vec::new(),
                },
            ),
            Match::Revision {
                handle,
                matched_text,
                also,
            } => (
                handle.clone(),
                EventBody::MeasureRevised {
                    measure_id: handle,
                    plan,
                    section: measure.section.clone(),
                    text: measure.text.clone(),
                    matched_text_hash: blake3::hash(comparison_key(&matched_text).as_bytes())
                        .to_hex()
                        .to_string(),
                    also_matched: also,
                },
            ),
            Match::New => {
                let base = measure_id(plan.as_deref(), &measure.text);
                let mut id = base.clone();
                let mut copy = 1;
                while ids.contains(&id) || known.is_alias(&id) {
                    copy += 1;
                    id = format!("{base}-{copy}");
                }
                (
                    id.clone(),
                    EventBody::MeasureAdded {
                        measure_id: id,
                        plan,
                        section: measure.section.clone(),
                        text: measure.text.clone(),
                        lineage,
                    },
                )
            }
        };
        if !ids.contains(&id) {
            ids.push(id.clone());
            stated.push((keys.0, keys.1, id.clone()));
        }
        matched_by_text.push((statements.len(), shape));
        statements.push(UnsealedEvent {
            meeting: meeting.clone(),
            source: source(Some(measure.lines)),
            body,
        });
        for action in &measure.actions {
            statements.push(UnsealedEvent {
                meeting: meeting.clone(),
                source: source(Some(action.lines)),
                body: EventBody::ActionReported {
                    measure_id: id.clone(),
                    bureau: action.bureau.clone(),
                    bureau_canonical: action.bureau_canonical.clone(),
                    status: action.status,
                    text: action.text.clone(),
                },
            });
        }
    }
    // A statement text matched (cited or revised) may also be, by structure, a version of
    // another measure of a neighbouring version: the two become one measure (the edge is
    // recorded whichever of the two documents came second, so the measure does not depend on
    // the order they arrived in). Measures this document states are not candidates.
    if !neighbours.is_empty() {
        for (at, shape) in matched_by_text {
            let (EventBody::MeasureCited {
                measure_id,
                also_matched,
                ..
            }
            | EventBody::MeasureRevised {
                measure_id,
                also_matched,
                ..
            }) = &mut statements[at].body
            else {
                continue;
            };
            let others: Vec<String> = ids.iter().filter(|h| *h != measure_id).cloned().collect();
            if let Some(other) = known.structural_revision(neighbours, shape, &others) {
                let handle = known.handle(&other.handle).to_owned();
                if handle != known.handle(measure_id) && !also_matched.contains(&handle) {
                    also_matched.push(handle);
                }
            }
        }
    }
    statements.extend(target_events(document, &meeting, version));
    statements.extend(
        version
            .requirement_revisions
            .iter()
            .map(|revision| UnsealedEvent {
                meeting: meeting.clone(),
                source: source(Some(revision.lines)),
                body: EventBody::RequirementRevised {
                    requirement: revision.requirement.clone(),
                    before: revision.before.clone(),
                    after: revision.after.clone(),
                    marked: revision.marked.clone(),
                },
            }),
    );
    statements.extend(version.milestones.iter().map(|milestone| UnsealedEvent {
        meeting: meeting.clone(),
        source: source(Some(milestone.lines)),
        body: EventBody::MilestoneStated {
            when: milestone.when.clone(),
            from: milestone.from.clone(),
            to: milestone.to.clone(),
            text: milestone.text.clone(),
        },
    }));
    statements.extend(adoption_events(document, &meeting, facts.text));
    let mut events = vec![UnsealedEvent {
        meeting: meeting.clone(),
        source: source(None),
        body: EventBody::DocumentIngested {
            title: description.title.clone(),
            label: description.label.clone(),
            series: series_of(description, version),
            format: description.format,
            encoding: facts.encoding,
            file_name: facts.file_name,
            byte_length: facts.byte_length,
            ingested_at: facts.ingested_at.to_owned(),
            plan,
            measure_ids: ids,
            date_bounds: match description.meeting.date {
                Some(_) => None,
                None => facts.date_bounds.clone(),
            },
        },
    }];
    events.extend(statements);
    Ok(events)
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
        for (new, warned) in cases {
            let diagnostic = ordinal_out_of_order(&new, &known);
            assert_eq!(diagnostic.is_some(), warned, "{new}");
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

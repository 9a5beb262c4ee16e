//! Ingestion: one document file in, one atomic batch of events out.
//!
//! This is the edge where files are read; everything it calls below is pure except the store.
//! Invariants: the document's raw bytes are what is hashed and stored (decoding only decides how
//! they are read); a byte-identical document already in the ledger appends nothing; a measure's
//! id is derived from its plan, section and normalized text, so the same statement gets the same
//! id whatever order documents arrive in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::extract::{extract, ActionStatus, Diagnostic, DocumentVersion};
use crate::ledger::event::{EventBody, Source, UnsealedEvent};
use crate::ledger::{Event, Store, StoreError};
use crate::source::decode::{decode, DecodeError};
use crate::source::manifest::{DocumentDescription, DocumentFormat, Manifest, ManifestError};
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
    #[error(transparent)]
    Store(#[from] StoreError),
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

/// Reads, extracts and appends one document.
pub fn ingest(
    store: &Store,
    request: &IngestRequest,
    ingested_at: &str,
) -> Result<IngestOutcome, IngestError> {
    let path = &request.path;
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read {
        path: path.clone(),
        source,
    })?;
    let document = blake3::hash(&bytes).to_hex().to_string();
    if let Some(seq) = store.document_seq(&document)? {
        return Ok(IngestOutcome::AlreadyPresent {
            path: path.clone(),
            document,
            seq,
        });
    }
    let (text, encoding) = decode(&bytes).map_err(|source| IngestError::Decode {
        path: path.clone(),
        source,
    })?;
    let description = &request.description;
    let mut version = extract(description.format, &text);
    let curated = crate::extract::figures::curate(&text, &description.facts).map_err(|source| {
        IngestError::Curated {
            path: path.clone(),
            source,
        }
    })?;
    version.targets.extend(curated);
    check_printed_meetings(description, &mut version);
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let events = events_for(
        store,
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
    let count_status = |status| {
        version
            .measures
            .iter()
            .flat_map(|m| &m.actions)
            .filter(|a| a.status == status)
            .count()
    };
    let sealed = store.append_document(&document, &bytes, events)?;
    Ok(IngestOutcome::Appended(AppendSummary {
        path: path.clone(),
        document,
        first_seq: sealed.first().map_or(0, |e| e.seq),
        last_seq: sealed.last().map_or(0, |e| e.seq),
        counts,
        actions_done: count_status(ActionStatus::Done),
        actions_planned: count_status(ActionStatus::Planned),
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

/// The series a document belongs to: as described, else (for a 取組一覧) its title line.
fn series_of(description: &DocumentDescription, version: &DocumentVersion) -> Option<String> {
    description
        .series
        .clone()
        .or_else(|| match description.format {
            DocumentFormat::Torikumi => version.title_line.as_deref().map(comparison_key),
            DocumentFormat::Slides => None,
        })
}

/// The measures the ledger knows, each with its latest wording.
fn known_measures(ledger: &[Event]) -> Vec<crate::identity::KnownMeasure> {
    let mut known: Vec<crate::identity::KnownMeasure> = Vec::new();
    for event in ledger.iter().cloned() {
        if let EventBody::MeasureAdded {
            measure_id,
            plan,
            section,
            text,
        }
        | EventBody::MeasureRevised {
            measure_id,
            plan,
            section,
            text,
            ..
        } = event.body
        {
            let measure = crate::identity::KnownMeasure {
                id: measure_id,
                plan,
                section,
                text,
            };
            match known.iter_mut().find(|k| k.id == measure.id) {
                Some(existing) => *existing = measure,
                None => known.push(measure),
            }
        }
    }
    known
}

/// `PlanAdopted` for each plan adoption the text states that the ledger does not hold yet.
fn adoption_events(
    ledger: &[Event],
    document: &str,
    meeting: &crate::source::meeting::Meeting,
    text: &str,
) -> Vec<UnsealedEvent> {
    let mut known: Vec<(String, String)> = ledger
        .iter()
        .filter_map(|event| match &event.body {
            EventBody::PlanAdopted { plan, adopted, .. } => {
                Some((comparison_key(plan.as_str()), adopted.clone()))
            }
            _ => None,
        })
        .collect();
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

/// `TargetChanged` for each figure the ledger does not already hold: the same figure for the
/// same date stated again (by this or another document) is one observation cited twice, not a
/// change.
fn target_events(
    ledger: &[Event],
    document: &str,
    meeting: &crate::source::meeting::Meeting,
    version: &DocumentVersion,
) -> Vec<UnsealedEvent> {
    // (key, as_of_day, value) of every observation known, and the values per key by date.
    let mut known: Vec<(String, Option<String>, Option<String>, String)> = ledger
        .iter()
        .filter_map(|event| match &event.body {
            EventBody::TargetChanged {
                key,
                as_of,
                as_of_day,
                value,
                ..
            } => Some((key.clone(), as_of.clone(), as_of_day.clone(), value.clone())),
            _ => None,
        })
        .collect();
    let mut events = Vec::new();
    for target in &version.targets {
        let already = known.iter().any(|(key, as_of, _, value)| {
            *key == target.key && *as_of == target.as_of && *value == target.value
        });
        if already {
            continue;
        }
        let previous_value = known
            .iter()
            .filter(|(key, _, day, _)| {
                *key == target.key && day.is_some() && *day < target.as_of_day
            })
            .max_by(|a, b| a.2.cmp(&b.2))
            .map(|(_, _, _, value)| value.clone());
        known.push((
            target.key.clone(),
            target.as_of.clone(),
            target.as_of_day.clone(),
            target.value.clone(),
        ));
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
                previous_value,
                curated_quote: target.curated_quote.clone(),
                deadline_after_adoption: target.deadline_after_adoption.clone(),
            },
        });
    }
    events
}

/// `M` + 12 hex digits of BLAKE3 over the plan's and the text's comparison keys. The section
/// is left out on purpose: slides quote a measure without its section path, and the quote must
/// find the measure the 取組一覧 states (「第4期」 and 「第４期」 are one plan).
pub fn measure_id(plan: Option<&str>, text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(comparison_key(plan.unwrap_or("")).as_bytes());
    hasher.update(&[0]);
    hasher.update(comparison_key(text).as_bytes());
    format!("M{}", &hasher.finalize().to_hex()[..12])
}

fn events_for(
    store: &Store,
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
    // Read once per document: the measures, figures and adoptions the ledger already holds.
    let ledger = store.events()?;
    let known = known_measures(&ledger);
    let mut ids = Vec::new();
    let mut statements = Vec::new();
    for measure in &version.measures {
        let plan = measure.plan.clone().or_else(|| plan.clone());
        let base = measure_id(plan.as_deref(), &measure.text);
        let quoted_again = description.format == DocumentFormat::Slides && ids.contains(&base);
        // The same text twice in one 取組一覧 is two measures, numbered; a slide deck quoting a
        // measure twice cites one measure twice.
        let mut id = base.clone();
        let mut copy = 1;
        while ids.contains(&id) && !quoted_again {
            copy += 1;
            id = format!("{base}-{copy}");
        }
        let is_known = quoted_again || store.knows_measure(&id)?;
        // A text the ledger has not seen may be another version of a measure it knows.
        let revision_of = (!is_known)
            .then(|| {
                crate::identity::best_match(
                    &known,
                    plan.as_deref(),
                    &measure.section,
                    &measure.text,
                )
            })
            .flatten()
            .filter(|matched| !ids.contains(&matched.id));
        if let Some(matched) = revision_of {
            id = matched.id.clone();
        }
        if !quoted_again {
            ids.push(id.clone());
        }
        let body = if let Some(matched) = revision_of {
            EventBody::MeasureRevised {
                measure_id: id.clone(),
                plan,
                section: measure.section.clone(),
                text: measure.text.clone(),
                matched_text_hash: blake3::hash(comparison_key(&matched.text).as_bytes())
                    .to_hex()
                    .to_string(),
            }
        } else if is_known {
            EventBody::MeasureCited {
                measure_id: id.clone(),
                section: measure.section.clone(),
                text: measure.text.clone(),
            }
        } else {
            EventBody::MeasureAdded {
                measure_id: id.clone(),
                plan,
                section: measure.section.clone(),
                text: measure.text.clone(),
            }
        };
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
    statements.extend(target_events(&ledger, document, &meeting, version));
    statements.extend(adoption_events(&ledger, document, &meeting, facts.text));
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

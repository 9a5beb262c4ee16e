//! The derivation (導出): what ingest appends for a document, as a pure function of the
//! document's bytes, its description (the filer's word) and the ledger's derived state just
//! before it ([`Prior`]: the documents' records with their corrections, the identity index, the
//! events of the neighbouring versions of its series). No clock, randomness, environment or file
//! system inside: the ingest time and the file's name come in with the [`Filing`].
//!
//! One pipeline, walked once: decode → extract → check (the declared format, curated facts,
//! the printed meetings) → identify (against the neighbours and the identity index) → events.
//! `ingest` appends its output; `verify --deep` replays it for every document in ledger order
//! and requires the events the ledger holds to be byte for byte what it derives.

use std::path::Path;

use super::{
    check_printed_meetings, lost_measures, next_version, ordinal_out_of_order, previous_version,
    renamed_bureaus, series_of, IngestError, IngestOptions,
};
use crate::extract::{extract, DocumentVersion};
use crate::identity::{measure_id, shapes_of_events, Identities, Match, Shape};
use crate::ledger::event::{EventBody, Source, UnsealedEvent};
use crate::ledger::{Event, Store, StoreError};
use crate::project::documents::DocumentRecord;
use crate::source::decode::decode;
use crate::source::manifest::{DocumentDescription, DocumentFormat};
use crate::source::normalize::comparison_key;

/// What a document is filed as: the filer's word, taken as given (the derivation checks what
/// it can of it against the text: the format, the curated facts' quotes, the printed meetings).
pub struct Filing<'a> {
    /// Where the bytes were read from, for messages.
    pub path: &'a Path,
    pub description: &'a DocumentDescription,
    pub file_name: String,
    pub ingested_at: &'a str,
}

/// One document's events, shared rather than copied.
pub type SharedEvents = std::sync::Arc<Vec<Event>>;

/// The ledger's derived state just before a document: what its derivation may read.
pub struct Prior<'a> {
    /// Every document's record as the ledger held it (corrections applied), in chain order;
    /// shared, so that `verify --deep` hands each replay the records before its document
    /// without copying them.
    pub documents: Vec<std::sync::Arc<DocumentRecord>>,
    /// Which statements are one measure, over every statement before the document (shared:
    /// `verify --deep` replays many documents against one).
    pub identities: std::sync::Arc<Identities>,
    /// The events one earlier document appended, from its `DocumentIngested` seq; shared, so
    /// that `verify --deep` hands each replay the document replayed before it (usually the
    /// previous version) without copying it.
    pub events_of_document: Box<dyn Fn(u64) -> Result<SharedEvents, StoreError> + 'a>,
}

impl<'a> Prior<'a> {
    /// The state of a store, read through its indexes — never the whole log.
    pub fn of_store(store: &'a Store) -> Result<Prior<'a>, StoreError> {
        Prior::of_read(store, (store.document_records(), store.identity_index()))
    }

    /// [`Prior::of_store`], its records and identity index read on a thread of their own while
    /// `beside` runs on this one (in turn on a machine of one processor): ingest extracts the
    /// document meanwhile — at 1M events the records alone are ~6 ms of sled's stepping.
    pub fn of_store_beside<T>(
        store: &'a Store,
        beside: impl FnOnce() -> T,
    ) -> (Result<Prior<'a>, StoreError>, T) {
        let (read, beside) = crate::side_by_side(
            || (store.document_records(), store.identity_index()),
            beside,
        );
        (Prior::of_read(store, read), beside)
    }

    /// The state of `store` from its records and identity index as read.
    fn of_read(
        store: &'a Store,
        (documents, identities): (
            Result<Vec<DocumentRecord>, StoreError>,
            Result<crate::ledger::index::IdentityIndex, StoreError>,
        ),
    ) -> Result<Prior<'a>, StoreError> {
        Ok(Prior {
            documents: documents?.into_iter().map(std::sync::Arc::new).collect(),
            identities: std::sync::Arc::new(Identities::from_index(&identities?)),
            events_of_document: Box::new(|seq| {
                store.events_of_document(seq).map(std::sync::Arc::new)
            }),
        })
    }
}

/// A document's derivation: its content hash, the events to append (its `DocumentIngested`
/// first) and what was extracted (for the summary and the diagnostics).
pub struct Derivation {
    pub document: String,
    pub events: Vec<UnsealedEvent>,
    pub version: DocumentVersion,
}

/// Derives the events of one document.
pub fn derive(
    bytes: &[u8],
    filing: &Filing<'_>,
    prior: &Prior<'_>,
    options: IngestOptions,
) -> Result<Derivation, IngestError> {
    derive_extracted(extract_filed(bytes, filing)?, bytes, filing, prior, options)
}

/// A document decoded, extracted and checked against its filing: the part of its derivation
/// that reads nothing of the ledger.
pub struct Extracted {
    document: String,
    text: String,
    encoding: crate::source::decode::TextEncoding,
    version: DocumentVersion,
}

/// The first steps of [`derive`]: decode → extract → check (the declared format, the curated
/// facts, the printed meetings).
pub fn extract_filed(bytes: &[u8], filing: &Filing<'_>) -> Result<Extracted, IngestError> {
    let path = filing.path;
    let description = filing.description;
    let document = blake3::hash(bytes).to_hex().to_string();
    let (text, encoding) = decode(bytes).map_err(|source| IngestError::Decode {
        path: path.to_path_buf(),
        source,
    })?;
    let mut version = extract(description.format, &text);
    crate::extract::check_format(description.format, &text, &version).map_err(|source| {
        IngestError::NotTheFormat {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let curated = crate::extract::figures::curate(&text, &description.facts).map_err(|source| {
        IngestError::Curated {
            path: path.to_path_buf(),
            source,
        }
    })?;
    version.targets.extend(curated);
    check_printed_meetings(description, &mut version);
    Ok(Extracted {
        document,
        text,
        encoding,
        version,
    })
}

/// The rest of [`derive`], from what [`extract_filed`] gave for the same `bytes` and `filing`:
/// identify (against the neighbours and the identity index) → events.
pub fn derive_extracted(
    extracted: Extracted,
    bytes: &[u8],
    filing: &Filing<'_>,
    prior: &Prior<'_>,
    options: IngestOptions,
) -> Result<Derivation, IngestError> {
    let path = filing.path;
    let description = filing.description;
    let Extracted {
        document,
        text,
        encoding,
        mut version,
    } = extracted;
    version.diagnostics.extend(ordinal_out_of_order(
        &description.meeting,
        prior.documents.iter().map(|document| &document.meeting),
    ));
    let neighbours = neighbours(prior, description, &mut version, &text, options, path)?;
    let events = events_for(
        &prior.identities,
        &neighbours,
        &document,
        &version,
        description,
        DocumentFacts {
            text: &text,
            // Inferred only for a document whose meeting date is unknown.
            date_bounds: match description.meeting.date {
                Some(_) => None,
                None => crate::extract::dating::infer_date_bounds(&text),
            },
            file_name: filing.file_name.clone(),
            byte_length: bytes.len() as u64,
            encoding,
            ingested_at: filing.ingested_at,
        },
    )?;
    Ok(Derivation {
        document,
        events,
        version,
    })
}

/// The measures of the versions of this document's series just before and just after it in
/// valid time: what structure compares a text the ledger does not know with (see `identity`).
/// A measure of the previous version that this one states only inside another statement, and a
/// version that departs from the previous one as a misread print would ([`super::departure`]),
/// are warnings (`--strict` refuses them).
fn neighbours(
    prior: &Prior<'_>,
    description: &DocumentDescription,
    version: &mut DocumentVersion,
    text: &str,
    options: IngestOptions,
    path: &Path,
) -> Result<Vec<Shape>, IngestError> {
    let mut neighbours: Vec<Shape> = Vec::new();
    let Some(series) = series_of(description, version) else {
        return Ok(neighbours);
    };
    let previous = previous_version(&prior.documents, &series, &description.meeting);
    let next = next_version(&prior.documents, &series, &description.meeting);
    let previous_events = match previous {
        Some(previous) => (prior.events_of_document)(previous.seq)?,
        None => std::sync::Arc::default(),
    };
    let mut lost = match previous {
        Some(previous) if options.strict || !options.events_only => {
            lost_measures(previous, &previous_events, version)
        }
        _ => Vec::new(),
    };
    if let (Some(previous), true) = (previous, options.strict || !options.events_only) {
        lost.extend(departs_from(previous, &previous_events, version, text));
    }
    if let (Some(previous), false) = (previous, options.events_only) {
        let renamed = renamed_bureaus(previous, &previous_events, version);
        version.diagnostics.extend(renamed);
    }
    neighbours.extend(shapes_of_events(&previous_events));
    if let Some(next) = next {
        neighbours.extend(shapes_of_events(&(prior.events_of_document)(next.seq)?));
    }
    if options.strict && !lost.is_empty() {
        return Err(IngestError::RefusedByStrict {
            path: path.to_path_buf(),
            warnings: lost.into_iter().map(|d| d.message).collect(),
        });
    }
    version.diagnostics.extend(lost);
    Ok(neighbours)
}

/// The alarm for a print planledger has not seen, as a warning naming its evidence.
fn departs_from(
    previous: &DocumentRecord,
    previous_events: &[Event],
    version: &DocumentVersion,
    text: &str,
) -> Option<crate::extract::Diagnostic> {
    let own = previous_events
        .iter()
        .filter(|event| event.source.document == previous.hash);
    let (cues, evidence) = super::departure::DepartureCues::of(own, version, text);
    let reasons = super::departure::departure(&cues);
    if reasons.is_empty() {
        return None;
    }
    let shown: Vec<String> = evidence.iter().take(5).map(u32::to_string).collect();
    Some(crate::extract::Diagnostic {
        line: evidence.first().copied().unwrap_or(1),
        message: format!(
            "this version departs from {}'s as a misread print would, not as a revision: {}",
            previous.meeting.name(),
            reasons.join("; ")
        ),
        hint: Some(format!(
            "check the PDF and how its text was extracted (first lines read differently: {}); a revision rewrites its words, and then this alarm is silent",
            if shown.is_empty() { "none".to_owned() } else { shown.join(", ") }
        )),
    })
}

/// Runs `verify`'s checks of a document's events on a derived batch before it is appended (the
/// bytes and length, every quote at its lines): what ingests, verifies. A failure here is a
/// defect of planledger, not of the document.
pub fn check_batch(derivation: &Derivation, bytes: &[u8], path: &Path) -> Result<(), IngestError> {
    let mut prev = crate::ledger::event::GENESIS_HASH.to_owned();
    let mut sealed = Vec::with_capacity(derivation.events.len());
    for (seq, event) in derivation.events.iter().enumerate() {
        let event =
            event
                .clone()
                .seal(seq as u64, &prev)
                .map_err(|error| IngestError::WouldNotVerify {
                    path: path.to_path_buf(),
                    what: error.to_string(),
                })?;
        prev = event.hash.clone();
        sealed.push(event);
    }
    let failures = crate::ledger::verify::check_documents(&sealed, |hash| {
        Ok((hash == derivation.document).then(|| bytes.to_vec()))
    });
    match failures.first() {
        None => Ok(()),
        Some(failure) => {
            let event = failure
                .seq
                .and_then(|seq| sealed.get(seq as usize))
                .map(|event| {
                    let lines = event
                        .source
                        .lines
                        .map(|l| format!(" at lines {}–{}", l.first, l.last))
                        .unwrap_or_default();
                    format!("its {}{lines}", event.body.kind())
                })
                .unwrap_or_else(|| "it".into());
            Err(IngestError::WouldNotVerify {
                path: path.to_path_buf(),
                what: format!("{event}: {}", failure.what),
            })
        }
    }
}

struct DocumentFacts<'a> {
    text: &'a str,
    date_bounds: Option<crate::extract::dating::DateBounds>,
    file_name: String,
    byte_length: u64,
    encoding: crate::source::decode::TextEncoding,
    ingested_at: &'a str,
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
        // The shape keyed the plan and the text already.
        let keys = (shape.plan_key.clone(), shape.key.clone());
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
            .unwrap_or_else(|| known.find_keyed(&keys.0, &keys.1, &measure.section, &ids));
        let found = match found {
            Match::New if !neighbours.is_empty() => {
                let claimed: &Vec<String> = claimed_by_text.get_or_init(|| {
                    version
                        .measures
                        .iter()
                        .zip(&shapes)
                        .filter_map(|(m, shape)| {
                            match known.find_keyed(&shape.plan_key, &shape.key, &m.section, &[]) {
                                Match::Same { handle } | Match::Revision { handle, .. } => {
                                    Some(handle)
                                }
                                Match::New => None,
                            }
                        })
                        .collect()
                });
                let taken = |handle: &str| ids.iter().chain(claimed).any(|id| id == handle);
                match known.structural_revision(neighbours, shape, taken) {
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
            let Some(
                EventBody::MeasureCited {
                    measure_id,
                    also_matched,
                    ..
                }
                | EventBody::MeasureRevised {
                    measure_id,
                    also_matched,
                    ..
                },
            ) = statements.get_mut(at).map(|statement| &mut statement.body)
            else {
                continue;
            };
            let other_measure =
                |handle: &str| handle != measure_id && ids.iter().any(|id| id == handle);
            if let Some(other) = known.structural_revision(neighbours, shape, other_measure) {
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
            date_bounds: facts.date_bounds.clone(),
        },
    }];
    events.extend(statements);
    Ok(events)
}

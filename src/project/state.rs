//! The plan's state at a point in valid time: which measures stand, in which wording, with which
//! actions, as the latest document of each series at or before that date states them.
//!
//! A series' latest document defines the set of measures and actions (a measure or action it no
//! longer states is gone from that meeting on); a measure's wording is its latest added or
//! revised text at or before the date. `as_known_at` limits the fold to events up to a sequence
//! number: what the ledger knew then.

use std::collections::BTreeMap;

use serde::Serialize;

use super::documents::{documents, DocumentRecord};
use crate::extract::{ActionStatus, SectionPath};
use crate::ledger::{Event, EventBody};
use crate::source::meeting::format_iso_date;

/// The JSON contract of `state --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateView {
    pub at: AtView,
    pub measures: Vec<MeasureView>,
    pub targets: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtView {
    /// The meeting named, when the reference named one.
    pub meeting: Option<String>,
    pub date: String,
    /// Undated documents the fold could not place on the timeline.
    pub undated_documents: Vec<UndatedView>,
}

/// A document whose meeting date is unknown, and whether it may already exist at the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UndatedView {
    pub title: Option<String>,
    pub document: String,
    /// Inferred from its content, when it cites past dates.
    pub not_before: Option<String>,
    /// True when the requested date is on or after `not_before`: the document may already
    /// have been presented, but the ledger cannot say.
    pub may_exist_at_date: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceView {
    pub document: String,
    pub lines: [u32; 2],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureView {
    pub id: String,
    pub plan: Option<String>,
    pub section: SectionPath,
    pub text: String,
    pub actions: Vec<ActionView>,
    pub source: SourceView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionView {
    pub bureau: String,
    pub bureau_canonical: String,
    pub status: ActionStatus,
    pub text: String,
    pub source: SourceView,
}

/// Where and how far to fold.
#[derive(Debug, Clone)]
pub struct StateQuery {
    pub date: time::Date,
    pub meeting: Option<String>,
    /// Only events with seq ≤ this.
    pub as_known_at: Option<u64>,
    /// Only measures whose compact section path starts with this (`2.(1).①`).
    pub section: Option<String>,
}

fn source_view(event: &Event) -> SourceView {
    let lines = event.source.lines.map_or([0, 0], |l| [l.first, l.last]);
    SourceView {
        document: event.source.document.clone(),
        lines,
    }
}

pub fn state(events: &[Event], query: &StateQuery) -> StateView {
    let known: Vec<Event> = events
        .iter()
        .filter(|e| query.as_known_at.is_none_or(|limit| e.seq <= limit))
        .cloned()
        .collect();
    let all_documents = documents(&known);
    let at_date = format_iso_date(query.date);
    let undated_documents = all_documents
        .iter()
        .filter(|d| d.meeting.date.is_none())
        .map(|d| {
            let not_before = d.date_bounds.as_ref().map(|b| b.not_before.clone());
            UndatedView {
                title: d.title.clone(),
                document: d.hash.clone(),
                may_exist_at_date: not_before.as_ref().is_none_or(|nb| *nb <= at_date),
                not_before,
            }
        })
        .collect();
    // The latest document of each series at or before the date.
    let mut latest: BTreeMap<&str, &DocumentRecord> = BTreeMap::new();
    for document in all_documents
        .iter()
        .filter(|d| d.meeting.date.is_some_and(|date| date <= query.date))
    {
        let entry = latest.entry(document.series_key()).or_insert(document);
        if document.order_key() > entry.order_key() {
            *entry = document;
        }
    }
    let mut chosen: Vec<&DocumentRecord> = latest.into_values().collect();
    chosen.sort_by(|a, b| a.order_key().cmp(&b.order_key()));

    // Valid-time order of every document, for picking a measure's latest wording.
    let order_of: BTreeMap<&str, _> = all_documents
        .iter()
        .map(|d| (d.hash.as_str(), d.order_key()))
        .collect();
    let mut wording: BTreeMap<&str, (&Event, _)> = BTreeMap::new();
    for event in &known {
        if let EventBody::MeasureAdded { measure_id, .. }
        | EventBody::MeasureRevised { measure_id, .. } = &event.body
        {
            let Some(order) = order_of.get(event.source.document.as_str()) else {
                continue;
            };
            if event.meeting.date.is_none_or(|date| date > query.date) {
                continue;
            }
            let key = (*order, event.seq);
            match wording.get(measure_id.as_str()) {
                Some((_, existing)) if *existing >= key => {}
                _ => {
                    wording.insert(measure_id, (event, key));
                }
            }
        }
    }

    let mut measures = Vec::new();
    for document in chosen {
        for measure_id in &document.measure_ids {
            let Some((wording_event, _)) = wording.get(measure_id.as_str()) else {
                continue;
            };
            let (plan, section, text) = match &wording_event.body {
                EventBody::MeasureAdded {
                    plan,
                    section,
                    text,
                    ..
                }
                | EventBody::MeasureRevised {
                    plan,
                    section,
                    text,
                    ..
                } => (plan, section, text),
                _ => unreachable!("wording holds only added or revised events"),
            };
            if let Some(prefix) = &query.section {
                if !section_matches(section, prefix) {
                    continue;
                }
            }
            let statement = known.iter().find(|e| {
                e.source.document == document.hash
                    && matches!(&e.body, EventBody::MeasureAdded { measure_id: id, .. }
                        | EventBody::MeasureRevised { measure_id: id, .. }
                        | EventBody::MeasureCited { measure_id: id, .. } if id == measure_id)
            });
            let actions = known
                .iter()
                .filter(|e| e.source.document == document.hash)
                .filter_map(|e| match &e.body {
                    EventBody::ActionReported {
                        measure_id: id,
                        bureau,
                        bureau_canonical,
                        status,
                        text,
                    } if id == measure_id => Some(ActionView {
                        bureau: bureau.clone(),
                        bureau_canonical: bureau_canonical.clone(),
                        status: *status,
                        text: text.clone(),
                        source: source_view(e),
                    }),
                    _ => None,
                })
                .collect();
            measures.push(MeasureView {
                id: measure_id.clone(),
                plan: plan.clone(),
                section: section.clone(),
                text: text.clone(),
                actions,
                source: source_view(statement.unwrap_or(wording_event)),
            });
        }
    }
    StateView {
        at: AtView {
            meeting: query.meeting.clone(),
            date: format_iso_date(query.date),
            undated_documents,
        },
        measures,
        targets: Vec::new(),
    }
}

/// `2.(1)` matches `2.(1).①` but not `2.(10)`: whole path components, compared after folding
/// full-width digits and parentheses.
pub fn section_matches(section: &SectionPath, prefix: &str) -> bool {
    let fold = |text: &str| -> String {
        text.chars()
            .map(crate::source::normalize::fold_full_width_ascii)
            .collect()
    };
    let wanted: Vec<String> = fold(prefix)
        .split(['.', '›', ' '])
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    wanted.len() <= section.path.len()
        && wanted
            .iter()
            .zip(&section.path)
            .all(|(want, have)| *want == fold(have))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_prefixes_match_whole_components() {
        let section = SectionPath {
            path: vec!["2".into(), "(1)".into(), "①".into()],
            titles: vec![],
        };
        assert!(section_matches(&section, "2"));
        assert!(section_matches(&section, "2.(1)"));
        assert!(section_matches(&section, "2.（1）.①"));
        assert!(!section_matches(&section, "2.(10)"));
        assert!(!section_matches(&section, "3"));
        assert!(!section_matches(&section, "2.(1).①.(ア)"));
    }
}

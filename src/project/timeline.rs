//! 沿革: the dated milestones the documents print, in the order of the dates they state (not
//! of the meetings that presented them), each with the documents and lines that state it.
//!
//! Invariant: a milestone keeps the precision printed — `from`/`to` as written (`2017-03`,
//! `2017`, `FY2017`) — and is ordered by them as strings of that form, never turned into days;
//! the same milestone stated by two documents is one entry with both sources. A withdrawn
//! document's milestones are left out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::documents::DocumentRecord;
use super::state::SourceView;
use crate::ledger::{Event, EventBody};
use crate::source::normalize::comparison_key;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineView {
    pub milestones: Vec<MilestoneView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneView {
    /// As printed by the first document (in the order below) to state it.
    pub when: String,
    pub from: String,
    pub to: Option<String>,
    pub text: String,
    pub sources: Vec<MilestoneSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneSource {
    #[serde(flatten)]
    pub source: SourceView,
    pub title: Option<String>,
    /// The meeting that presented the document.
    pub meeting: String,
}

/// The milestones of `events` (any superset of the `MilestoneStated` events), whose text
/// contains `about` (by comparison key) when given.
pub fn timeline(
    documents: &[DocumentRecord],
    events: &[Event],
    about: Option<&str>,
) -> TimelineView {
    let records: BTreeMap<&str, &DocumentRecord> =
        documents.iter().map(|d| (d.hash.as_str(), d)).collect();
    let about = about.map(comparison_key);
    let mut by_key: BTreeMap<(String, Option<String>, String), MilestoneView> = BTreeMap::new();
    let mut stated: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::MilestoneStated { .. }))
        .filter(|e| {
            records
                .get(e.source.document.as_str())
                .is_some_and(|d| !d.withdrawn())
        })
        .collect();
    // Sources in a fixed order (document, line), whatever order they were ingested in.
    stated.sort_by_key(|e| (e.source.document.clone(), e.source.lines.map(|l| l.first)));
    for event in stated {
        let EventBody::MilestoneStated {
            when,
            from,
            to,
            text,
        } = &event.body
        else {
            continue;
        };
        let key = comparison_key(text);
        if about
            .as_ref()
            .is_some_and(|about| !key.contains(about.as_str()))
        {
            continue;
        }
        let Some(&record) = records.get(event.source.document.as_str()) else {
            continue;
        };
        let source = MilestoneSource {
            source: SourceView {
                document: event.source.document.clone(),
                lines: event.source.lines.map_or([0, 0], |l| [l.first, l.last]),
            },
            title: record.title.clone(),
            meeting: if record.meeting.is_unknown() {
                "meeting unknown".to_owned()
            } else {
                record.meeting.to_string()
            },
        };
        by_key
            .entry((from.clone(), to.clone(), key))
            .or_insert_with(|| MilestoneView {
                when: when.clone(),
                from: from.clone(),
                to: to.clone(),
                text: text.clone(),
                sources: Vec::new(),
            })
            .sources
            .push(source);
    }
    // By the dates stated, then where the first source prints it (a table's own order).
    let mut milestones: Vec<MilestoneView> = by_key.into_values().collect();
    milestones.sort_by(|a, b| {
        let place = |m: &MilestoneView| {
            (
                m.from.clone(),
                m.to.clone(),
                m.sources
                    .first()
                    .map(|s| (s.source.document.clone(), s.source.lines)),
            )
        };
        place(a).cmp(&place(b))
    });
    TimelineView { milestones }
}

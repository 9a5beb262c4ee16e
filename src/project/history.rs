//! History of one measure or one target: every event about it, in valid-time order, with the
//! document and lines each came from.

use serde::Serialize;

use super::documents::{documents, titles};
use crate::identity::Identities;
use crate::ledger::{Event, EventBody};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryView {
    /// The canonical id (for a measure) or the target key.
    pub id: String,
    /// The measure's other ids: handles events recorded it under, content ids of its versions.
    pub aliases: Vec<String>,
    pub entries: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub kind: String,
    /// The meeting's name and date (or "date unknown").
    pub meeting: String,
    pub document_title: Option<String>,
    pub document: String,
    pub lines: Option<[u32; 2]>,
    /// What the event says: the text of a measure or action, or a figure with its as-of date.
    pub summary: String,
}

fn is_about(event: &Event, id: &str, identities: &Identities) -> bool {
    match &event.body {
        EventBody::TargetChanged { key, .. } => key == id,
        body => body
            .measure_id()
            .is_some_and(|recorded| identities.canonical(recorded) == id),
    }
}

/// Every event about `id` (any id a measure is known by, or a target key `T…`), ordered by
/// meeting date (undated last), then sequence number; a target's observations by the date they
/// hold for. A measure's history is shown under its canonical id, with its other ids.
pub fn history(events: &[Event], id: &str) -> HistoryView {
    history_from(
        &titles(&documents(events)),
        &Identities::from_events(events),
        events,
        id,
    )
}

/// [`history`] from what it needs: the documents' titles, the identities, and events that
/// include every event about `id` (any other event is ignored).
pub fn history_from(
    titles: &std::collections::BTreeMap<String, String>,
    identities: &Identities,
    events: &[Event],
    id: &str,
) -> HistoryView {
    let title_of = |hash: &str| titles.get(hash).cloned();
    let id = identities.resolve(id).unwrap_or(id);
    let aliases = identities
        .aliases_of(id)
        .into_iter()
        .filter(|alias| *alias != id)
        .map(str::to_owned)
        .collect();
    let mut about: Vec<&Event> = events
        .iter()
        .filter(|e| is_about(e, id, identities))
        .collect();
    about.sort_by(|a, b| (a.meeting.time_key(), a.seq).cmp(&(b.meeting.time_key(), b.seq)));
    // A target's observations read best in the order of the dates they hold for (several may
    // come from one meeting); an observation with no as-of date keeps its meeting's place.
    let as_of_day = |event: &Event| match &event.body {
        EventBody::TargetChanged { as_of_day, .. } => as_of_day.clone().or_else(|| {
            event
                .meeting
                .date
                .map(crate::source::meeting::format_iso_date)
        }),
        _ => None,
    };
    if about
        .iter()
        .all(|e| matches!(e.body, EventBody::TargetChanged { .. }))
    {
        about.sort_by_key(|e| (as_of_day(e), e.seq));
    }
    let entries = about
        .into_iter()
        .map(|event| {
            let summary = match &event.body {
                EventBody::TargetChanged {
                    label,
                    value,
                    unit,
                    as_of,
                    previous_value,
                    ..
                } => format!(
                    "{label}: {value}{} as of {}{}",
                    unit.as_deref().unwrap_or(""),
                    as_of.as_deref().unwrap_or("unknown"),
                    previous_value
                        .as_ref()
                        .map_or_else(String::new, |p| format!(" (before: {p})"))
                ),
                EventBody::ActionReported {
                    bureau,
                    status,
                    text,
                    ..
                } => format!("{} 【{bureau}】 {text}", status.as_str()),
                body => body.quoted_text().unwrap_or_default().to_owned(),
            };
            HistoryEntry {
                seq: event.seq,
                kind: event.body.kind().to_owned(),
                meeting: event.meeting.to_string(),
                document_title: title_of(&event.source.document),
                document: event.source.document.clone(),
                lines: event.source.lines.map(|l| [l.first, l.last]),
                summary,
            }
        })
        .collect();
    HistoryView {
        id: id.to_owned(),
        aliases,
        entries,
    }
}

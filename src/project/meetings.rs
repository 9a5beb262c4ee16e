//! 会議 meetings in time order with the documents presented at each.

use serde::Serialize;

use super::documents::documents;
use crate::extract::dating::DateBounds;
use crate::ledger::Event;
use crate::source::meeting::{format_iso_date, Meeting};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingsView {
    pub meetings: Vec<MeetingView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingView {
    pub body: Option<String>,
    pub ordinal: Option<u32>,
    pub date: Option<String>,
    /// When the date is unknown: bounds inferred from the documents' content, with evidence.
    pub date_bounds: Option<DateBounds>,
    pub documents: Vec<MeetingDocumentView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingDocumentView {
    pub hash: String,
    pub title: Option<String>,
    pub label: Option<String>,
    pub format: String,
    pub seq: u64,
}

/// Meetings as the documents state them, dated ones in date order, undated ones last.
pub fn meetings(events: &[Event]) -> MeetingsView {
    let mut documents = documents(events);
    documents.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut meetings: Vec<(Meeting, Option<DateBounds>, Vec<MeetingDocumentView>)> = Vec::new();
    for document in documents {
        let view = MeetingDocumentView {
            hash: document.hash.clone(),
            title: document.title.clone(),
            label: document.label.clone(),
            format: document.format.as_str().to_owned(),
            seq: document.seq,
        };
        // A meeting with no body, ordinal and date is unknown: each such document stands alone
        // rather than being merged with other unknowns.
        let known = document.meeting.body.is_some()
            || document.meeting.ordinal.is_some()
            || document.meeting.date.is_some();
        match meetings
            .iter_mut()
            .find(|(m, _, _)| known && *m == document.meeting)
        {
            Some((_, bounds, docs)) => {
                // Several undated documents of one meeting: the latest "not before" holds.
                if let Some(new) = &document.date_bounds {
                    if bounds
                        .as_ref()
                        .is_none_or(|old| new.not_before > old.not_before)
                    {
                        *bounds = Some(new.clone());
                    }
                }
                docs.push(view)
            }
            None => meetings.push((
                document.meeting.clone(),
                document.date_bounds.clone(),
                vec![view],
            )),
        }
    }
    MeetingsView {
        meetings: meetings
            .into_iter()
            .map(|(meeting, date_bounds, documents)| MeetingView {
                body: meeting.body,
                ordinal: meeting.ordinal,
                date: meeting.date.map(format_iso_date),
                date_bounds: meeting.date.is_none().then_some(date_bounds).flatten(),
                documents,
            })
            .collect(),
    }
}

/// The distinct meetings in the ledger, for resolving references.
pub fn known_meetings(events: &[Event]) -> Vec<Meeting> {
    let mut known: Vec<Meeting> = Vec::new();
    for document in documents(events) {
        if !known.contains(&document.meeting) {
            known.push(document.meeting);
        }
    }
    known
}

//! 会議 meetings in time order with the documents presented at each.

use serde::Serialize;

use super::documents::DocumentRecord;
use crate::extract::dating::DateBounds;
use crate::source::meeting::{format_iso_date, Meeting, MeetingRef, MeetingRefError};

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
    /// 取下げ: the document was withdrawn; its statements are not the plan's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
    /// 訂正: corrections of its description (or its withdrawal), in chain order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<crate::ledger::index::Correction>,
}

/// Meetings as the documents state them, dated ones in date order, undated ones last.
pub fn meetings(documents: &[DocumentRecord]) -> MeetingsView {
    // By meeting, then content hash: the list does not depend on the order documents arrived in.
    let mut documents: Vec<&DocumentRecord> = documents.iter().collect();
    documents.sort_by(|a, b| (a.meeting.time_key(), &a.hash).cmp(&(b.meeting.time_key(), &b.hash)));
    let mut meetings: Vec<(Meeting, Option<DateBounds>, Vec<MeetingDocumentView>)> = Vec::new();
    // Where each known meeting stands in `meetings`, so grouping stays linear.
    let mut position: std::collections::BTreeMap<&Meeting, usize> = Default::default();
    for document in documents {
        let view = MeetingDocumentView {
            hash: document.hash.clone(),
            title: document.title.clone(),
            label: document.label.clone(),
            format: document.format.as_str().to_owned(),
            seq: document.seq,
            withdrawn: document.withdrawn(),
            corrections: document.corrections.clone(),
        };
        // A meeting with no body, ordinal and date is unknown: each such document stands alone
        // rather than being merged with other unknowns.
        let known = !document.meeting.is_unknown();
        match position
            .get(&document.meeting)
            .filter(|_| known)
            .and_then(|&at| meetings.get_mut(at))
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
            None => {
                if known {
                    position.insert(&document.meeting, meetings.len());
                }
                meetings.push((
                    document.meeting.clone(),
                    document.date_bounds.clone(),
                    vec![view],
                ))
            }
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
pub fn known_meetings<D: std::borrow::Borrow<DocumentRecord>>(documents: &[D]) -> Vec<Meeting> {
    // In order of first appearance; the set keeps this linear in the documents.
    let mut seen = std::collections::BTreeSet::new();
    documents
        .iter()
        .map(D::borrow)
        .filter(|document| seen.insert(&document.meeting))
        .map(|document| document.meeting.clone())
        .collect()
}

/// A meeting reference placed in time: the day it names and, when the ledger knows a meeting
/// held that day, that meeting's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingAt {
    pub date: time::Date,
    pub meeting: Option<String>,
}

/// The meeting a reference (第92回, 92, がん対策推進協議会第92回, a day) names among those the
/// ledger knows.
pub fn find_meeting(
    documents: &[DocumentRecord],
    reference: &str,
) -> Result<Meeting, MeetingRefError> {
    let known = known_meetings(documents);
    Ok(MeetingRef::parse(reference)?
        .resolve(reference, &known)?
        .clone())
}

/// Places a meeting reference in time. A day needs no meeting of the ledger (the plan can be
/// asked for on any day); an ordinal must name a known meeting with a known date.
pub fn resolve_at(
    documents: &[DocumentRecord],
    reference: &str,
) -> Result<MeetingAt, MeetingRefError> {
    let known = known_meetings(documents);
    match MeetingRef::parse(reference)? {
        MeetingRef::Date(date) => Ok(MeetingAt {
            date,
            meeting: known
                .iter()
                .find(|m| m.date == Some(date))
                .map(Meeting::name),
        }),
        ordinal => {
            let meeting = ordinal.resolve(reference, &known)?;
            let date = meeting.date.ok_or_else(|| MeetingRefError::DateUnknown {
                input: reference.to_owned(),
                meeting: meeting.name(),
            })?;
            Ok(MeetingAt {
                date,
                meeting: Some(meeting.name()),
            })
        }
    }
}

/// [`resolve_at`], or the latest dated meeting when no reference is given.
pub fn resolve_or_latest(
    documents: &[DocumentRecord],
    reference: Option<&str>,
) -> Result<MeetingAt, MeetingRefError> {
    if let Some(reference) = reference {
        return resolve_at(documents, reference);
    }
    known_meetings(documents)
        .into_iter()
        .filter_map(|m| Some((m.date?, m)))
        .max_by(|(_, a), (_, b)| a.time_key().cmp(&b.time_key()))
        .map(|(date, meeting)| MeetingAt {
            date,
            meeting: Some(meeting.name()),
        })
        .ok_or(MeetingRefError::NoDatedMeeting)
}

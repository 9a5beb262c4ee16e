//! History of one measure or one target: every event about it, in valid-time order, with the
//! document and lines each came from.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::documents::{documents, DocumentRecord};
use crate::extract::ActionStatus;
use crate::identity::Identities;
use crate::ledger::{Event, HistoryBody, HistoryEvent};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryView {
    /// The canonical id (for a measure) or the target key.
    pub id: String,
    /// The measure's other ids: handles events recorded it under, content ids of its versions.
    pub aliases: Vec<String>,
    pub entries: Vec<HistoryEntry>,
    /// 沿革: the milestones the documents print that name the measure's plan (its adoption,
    /// its mid-term review…), in the order of their dates; absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan_milestones: Vec<crate::project::timeline::MilestoneView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    /// The event's kind as recorded (which, for a measure, depends on what the ledger held
    /// when the event was appended).
    pub kind: &'static str,
    /// What the statement is in valid time, whatever order documents arrived in: a measure's
    /// first statement is `added`, one whose text differs from the statement before it
    /// `revised`, the same text `cited`; an action is `reported` — or, against the version
    /// before it, `completed`, `reopened`, `revised` or `new` — a figure `observed`.
    pub change: &'static str,
    /// The meeting's name and date (or "date unknown"). Shared by the entries of one meeting
    /// (and the title by those of one document): a long history's entries are tens of
    /// thousands, its meetings and documents a few thousand.
    pub meeting: Arc<str>,
    pub document_title: Option<Arc<str>>,
    pub document: Arc<str>,
    pub lines: Option<[u32; 2]>,
    /// What the event says: the text of a measure or action, or a figure with its as-of date.
    pub summary: Summary,
    /// For an observation of a figure: its parts, for drawing the series; absent otherwise.
    /// Boxed: a measure's history is thousands of entries without one, each of which would
    /// otherwise hold its six texts' room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figure: Option<Box<FigureView>>,
}

/// What a history entry says: one text, or an action's status and bureau before its text
/// (`done 【bureau】 text`). Kept in the parts taken from the event and joined only where
/// shown: a long history's texts are megabytes (~8 MB for a measure at 1M events), and joining
/// each action's into a string of its own copied them all into fresh memory on the answer's
/// path. Shown (`Display`) and serialized as the joined text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Summary {
    Text(Arc<str>),
    Action {
        status: &'static str,
        bureau: Arc<str>,
        text: Arc<str>,
    },
}

impl Summary {
    /// The pieces the summary reads as, in order (an action's: status, ` 【`, bureau, `】 `,
    /// text; a text's: itself).
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        let (lead, text): (Option<[&str; 4]>, &str) = match self {
            Summary::Text(text) => (None, text),
            Summary::Action {
                status,
                bureau,
                text,
            } => (Some([status, " 【", bureau, "】 "]), text),
        };
        lead.into_iter().flatten().chain(std::iter::once(text))
    }

    /// The summary as one text (borrowed when it is one).
    pub fn joined(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Summary::Text(text) => std::borrow::Cow::Borrowed(text),
            action => std::borrow::Cow::Owned(action.pieces().collect()),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pieces().try_for_each(|piece| f.write_str(piece))
    }
}

impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Summary::Text(text) => serializer.serialize_str(text),
            action => serializer.collect_str(action),
        }
    }
}

impl From<Arc<str>> for Summary {
    fn from(text: Arc<str>) -> Self {
        Summary::Text(text)
    }
}

impl From<String> for Summary {
    fn from(text: String) -> Self {
        Summary::Text(text.into())
    }
}

/// One observation of a figure (目標・指標), as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureView {
    pub label: String,
    pub value: String,
    pub unit: Option<String>,
    /// The date the figure holds for as written, at its precision (「2017-04」「FY2024」), when
    /// the document says.
    pub as_of: Option<String>,
    /// The day the figure holds for (ISO), when the document says.
    pub as_of_day: Option<String>,
    /// The due date, as written, when the figure is a goal with one.
    pub deadline: Option<String>,
}

/// What to say when nothing is about `id` (the history is empty).
pub fn no_events_about(id: &str) -> String {
    format!("no events about {id:?}: measure ids start with M, target keys with T (see `state`)")
}

fn is_about(event: &HistoryEvent, id: &str, identities: &Identities) -> bool {
    match &event.body {
        HistoryBody::TargetChanged { key, .. } => key == id,
        body => body
            .measure_id()
            .is_some_and(|recorded| identities.canonical(recorded) == id),
    }
}

/// Every event about `id` (any id a measure is known by, or a target key `T…`), ordered by
/// meeting date (undated last), then document and sequence number; a target's observations by the date they
/// hold for. A measure's history is shown under its canonical id, with its other ids.
pub fn history(events: &[Event], id: &str) -> HistoryView {
    history_from(
        &documents(events),
        &Identities::from_events(events),
        // Only the events a history holds are copied.
        events
            .iter()
            .filter(|event| event.body.history_id().is_some())
            .cloned()
            .filter_map(HistoryEvent::of)
            .collect(),
        events,
        id,
    )
}

/// [`history`] from what it needs: the documents, the identities, events (as a history reads
/// them) that include every event about `id`, and events that include every `MilestoneStated`
/// (for the plan's milestones; any other event is ignored). A statement is placed at its
/// document's meeting as the document's record has it (after any redescription); a withdrawn
/// document's statements are left out. The events are taken, not borrowed: a measure stated at
/// hundreds of meetings has thousands of entries, and each takes its texts from its event
/// instead of copying them.
pub fn history_from(
    documents: &[DocumentRecord],
    identities: &Identities,
    mut events: Vec<HistoryEvent>,
    milestones: &[Event],
    id: &str,
) -> HistoryView {
    use crate::source::meeting::Meeting;
    // A measure stated at hundreds of meetings has thousands of events: each document's record
    // is found once per event, by hash, and its meeting written once per document.
    let records: HashMap<&str, &DocumentRecord> =
        documents.iter().map(|d| (d.hash.as_str(), d)).collect();
    // A document's events are contiguous: the record found for one event is the next one's.
    let mut last_record: Option<&DocumentRecord> = None;
    let mut record_of = |hash: &str| match last_record {
        Some(record) if record.hash == hash => Some(record),
        _ => {
            last_record = records.get(hash).copied();
            last_record
        }
    };
    let id = identities.resolve(id).unwrap_or(id);
    let aliases = identities
        .aliases_of(id)
        .into_iter()
        .filter(|alias| *alias != id)
        .map(str::to_owned)
        .collect();
    let plan_milestones = match identities.plan(id) {
        Some(plan) => {
            crate::project::timeline::timeline(documents, milestones, Some(plan)).milestones
        }
        None => Vec::new(),
    };
    // What each entry needs from the others (its place, its class, its meeting as shown, the
    // value before it), worked out on borrowed events; the entries then take the rest.
    let (placed, before) = {
        // Each event about `id` with its meeting and its index in `events`.
        let mut about: Vec<(&Meeting, &HistoryEvent, usize)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| is_about(e, id, identities))
            .filter_map(|(index, e)| match record_of(&e.document) {
                Some(record) if record.withdrawn() => None,
                Some(record) => Some((&record.meeting, e, index)),
                None => Some((&e.meeting, e, index)),
            })
            .collect();
        // Valid time, then the document and its order: never the order documents arrived in.
        fn place<'a>(
            (meeting, e, _): &(&'a Meeting, &'a HistoryEvent, usize),
        ) -> (crate::source::meeting::MeetingTimeKey<'a>, &'a str, u64) {
            (meeting.time_key(), &e.document, e.seq)
        }
        about.sort_by(|a, b| place(a).cmp(&place(b)));
        // A target's observations read best in the order of the dates they hold for (several
        // may come from one meeting); an observation with no as-of date keeps its meeting's
        // place.
        let as_of_day = |(meeting, event, _): &(&Meeting, &HistoryEvent, usize)| match &event.body {
            HistoryBody::TargetChanged { as_of_day, .. } => as_of_day
                .clone()
                .or_else(|| meeting.date.map(crate::source::meeting::format_iso_date)),
            _ => None,
        };
        let mut before: std::collections::BTreeMap<u64, String> = Default::default();
        if about
            .iter()
            .all(|(_, e, _)| matches!(e.body, HistoryBody::TargetChanged { .. }))
        {
            about.sort_by(|a, b| (as_of_day(a), place(a)).cmp(&(as_of_day(b), place(b))));
            before = values_before(&about.iter().map(|(_, e, _)| *e).collect::<Vec<_>>());
        }
        let in_order: Vec<&HistoryEvent> = about.iter().map(|(_, e, _)| *e).collect();
        let mut changes = changes_in_valid_time(&in_order);
        action_fates_in_valid_time(&in_order, &mut changes);
        // By the meeting's place in memory: a document's events share its record's meeting.
        // A document's entries are consecutive: the meeting and title written for one are the
        // next one's.
        let mut meetings_shown: HashMap<*const Meeting, Arc<str>> = HashMap::new();
        let mut last_shown: Option<(*const Meeting, Arc<str>)> = None;
        let mut last_title: Option<(&str, Option<Arc<str>>)> = None;
        let placed: Vec<_> = about
            .into_iter()
            .zip(changes)
            .map(|((meeting, event, index), change)| {
                let at = std::ptr::from_ref(meeting);
                let shown = match &last_shown {
                    Some((last, shown)) if *last == at => Arc::clone(shown),
                    _ => {
                        let shown = Arc::clone(
                            meetings_shown
                                .entry(at)
                                .or_insert_with(|| meeting.to_string().into()),
                        );
                        last_shown = Some((at, Arc::clone(&shown)));
                        shown
                    }
                };
                let document = &*event.document;
                let title = match &last_title {
                    Some((last, title)) if *last == document => title.clone(),
                    _ => {
                        let title = record_of(document)
                            .and_then(|record| record.title.as_deref())
                            .map(Arc::from);
                        last_title = Some((document, title.clone()));
                        title
                    }
                };
                (index, change, shown, title)
            })
            .collect();
        (placed, before)
    };
    // Sized once: thousands of entries of a couple of hundred bytes, regrown, were copied
    // again at every doubling.
    let mut entries = Vec::with_capacity(placed.len());
    for (index, change, meeting, document_title) in placed {
        if let Some(event) = events.get_mut(index) {
            let (summary, figure) = take_said(&mut event.body, before.get(&event.seq));
            entries.push(HistoryEntry {
                seq: event.seq,
                kind: event.body.kind(),
                change,
                meeting,
                document_title,
                document: std::mem::take(&mut event.document),
                lines: event.lines.map(|l| [l.first, l.last]),
                summary,
                figure,
            });
        }
    }
    HistoryView {
        id: id.to_owned(),
        aliases,
        entries,
        plan_milestones,
    }
}

/// What an entry says of its event (see [`HistoryEntry::summary`]) and, for an observation of
/// a figure, its parts: taken from the event, not copied. `before` is the value a figure had
/// before it.
fn take_said(
    body: &mut HistoryBody,
    before: Option<&String>,
) -> (Summary, Option<Box<FigureView>>) {
    let figure = match body {
        HistoryBody::TargetChanged {
            label,
            value,
            unit,
            as_of,
            as_of_day,
            deadline,
            ..
        } => FigureView {
            label: std::mem::take(label),
            value: std::mem::take(value),
            unit: unit.take(),
            as_of: as_of.take(),
            as_of_day: as_of_day.take(),
            deadline: deadline.take(),
        },
        HistoryBody::ActionReported {
            bureau,
            status,
            text,
            ..
        } => {
            let summary = Summary::Action {
                status: status.as_str(),
                bureau: std::mem::take(bureau),
                text: std::mem::take(text),
            };
            return (summary, None);
        }
        HistoryBody::Statement { text, .. } => return (std::mem::take(text).into(), None),
    };
    let summary = format!(
        "{}: {}{} as of {}{}",
        figure.label,
        figure.value,
        figure.unit.as_deref().unwrap_or(""),
        figure.as_of.as_deref().unwrap_or("unknown"),
        before.map_or_else(String::new, |p| format!(" (before: {p})"))
    );
    (summary.into(), Some(Box::new(figure)))
}

/// What each dated observation of a figure says it was before: the value of the last
/// observation (in `observations`' order: as-of day, then valid time) dated to an earlier day.
/// Computed here, in valid time, rather than recorded at ingest, so that it does not depend on
/// the order documents arrived in. Observations without an as-of day neither have nor give one.
fn values_before(observations: &[&HistoryEvent]) -> std::collections::BTreeMap<u64, String> {
    let mut before = std::collections::BTreeMap::new();
    // (day, value) of the last observation seen, and the value that held before that day.
    let mut last: Option<(&str, &str)> = None;
    let mut earlier: Option<&str> = None;
    for event in observations {
        let HistoryBody::TargetChanged {
            as_of_day: Some(day),
            value,
            ..
        } = &event.body
        else {
            continue;
        };
        if let Some((last_day, last_value)) = last {
            if last_day < day.as_str() {
                earlier = Some(last_value);
            }
        }
        if let Some(value) = earlier {
            before.insert(event.seq, value.to_owned());
        }
        last = Some((day, value));
    }
    before
}

/// What became of each action, version by version: an action of a document that reports the
/// measure's actions is compared with the document before it that did (in valid time) — the
/// same action again is `reported`; otherwise it is paired, by the rule `diff` uses
/// (`project::fate::pairing`), with one of that version's actions no longer reported:
/// `completed` (planned, now done), `reopened` (done, now planned) or `revised` (reworded);
/// with none, it is `new`. The first version's actions are `reported`.
fn action_fates_in_valid_time(events: &[&HistoryEvent], changes: &mut [&'static str]) {
    use crate::extract::bureau::current_name;
    use crate::project::fate::pairs;
    use crate::source::normalize::comparison_key;
    // Each document's action events (indexes into `events`), in order.
    let mut versions: Vec<Vec<usize>> = Vec::new();
    let mut last_document: Option<&str> = None;
    for (index, event) in events.iter().enumerate() {
        if !matches!(event.body, HistoryBody::ActionReported { .. }) {
            continue;
        }
        if last_document == Some(&*event.document) {
            if let Some(version) = versions.last_mut() {
                version.push(index);
            }
        } else {
            versions.push(vec![index]);
            last_document = Some(&event.document);
        }
    }
    // Each action's parts and comparison key, once per distinct text: versions are compared
    // pairwise, and a measure reported at hundreds of meetings restates the same actions in
    // each, so folding every statement would fold the same few texts hundreds of times. An
    // action is first looked for at its place in the version before (a comparison of its
    // text), and only then by hash: hashing every action's text (hundreds of bytes) was a
    // fifth of a long history's fold.
    let text_of = |index: usize| match events.get(index).map(|event| &event.body) {
        Some(HistoryBody::ActionReported { text, .. }) => Some(&**text),
        _ => None,
    };
    let mut keys: Vec<String> = Vec::new();
    let mut key_of_text: HashMap<&str, usize> = HashMap::new();
    let mut key_at: Vec<usize> = vec![usize::MAX; events.len()];
    let mut bureaus: HashMap<&str, String> = HashMap::new();
    let mut previous: &[usize] = &[];
    for version in &versions {
        for (place, &index) in version.iter().enumerate() {
            let Some(text) = text_of(index) else {
                continue;
            };
            let restated = previous
                .get(place)
                .filter(|&&before| text_of(before) == Some(text))
                .and_then(|&before| key_at.get(before).copied());
            let key = match restated {
                Some(key) => key,
                None => *key_of_text.entry(text).or_insert_with(|| {
                    keys.push(comparison_key(text));
                    keys.len() - 1
                }),
            };
            if let Some(slot) = key_at.get_mut(index) {
                *slot = key;
            }
        }
        previous = version;
    }
    for event in events {
        if let HistoryBody::ActionReported {
            bureau_canonical, ..
        } = &event.body
        {
            bureaus
                .entry(bureau_canonical)
                .or_insert_with(|| current_name(bureau_canonical).0);
        }
    }
    let keyed: Vec<Option<(&str, ActionStatus, &str, &str)>> = events
        .iter()
        .zip(&key_at)
        .map(|(event, &key)| match &event.body {
            HistoryBody::ActionReported {
                bureau_canonical,
                status,
                text,
                ..
            } => Some((
                bureaus.get(&**bureau_canonical)?.as_str(),
                *status,
                &**text,
                keys.get(key)?.as_str(),
            )),
            _ => None,
        })
        .collect();
    let parts = |index: usize| keyed.get(index).copied().flatten();
    for pair in versions.windows(2) {
        let [previous, current] = pair else {
            continue;
        };
        let mut unused = vec![true; previous.len()];
        let mut unmatched = Vec::new();
        // The same action again, first: it is no change.
        for &index in current {
            let Some((bureau, status, _, key)) = parts(index) else {
                continue;
            };
            let same = previous
                .iter()
                .zip(unused.iter_mut())
                .find(|(other, unused)| {
                    **unused
                        && parts(**other)
                            .is_some_and(|(b, s, _, k)| b == bureau && s == status && k == key)
                });
            match same {
                Some((_, unused)) => *unused = false,
                None => unmatched.push(index),
            }
        }
        // The rest: paired with the previous version's actions not reported again, by the
        // rule `diff` uses.
        let side = |indexes: &[usize]| -> Vec<(String, String)> {
            indexes
                .iter()
                .filter_map(|&index| parts(index).map(|(b, _, t, _)| (b.to_owned(), t.to_owned())))
                .collect()
        };
        let before: Vec<usize> = previous
            .iter()
            .zip(&unused)
            .filter(|(_, unused)| **unused)
            .map(|(&index, _)| index)
            .collect();
        for &index in &unmatched {
            if let Some(change) = changes.get_mut(index) {
                *change = "new";
            }
        }
        for (i, j) in pairs(&side(&before), &side(&unmatched)) {
            let (Some(&was_index), Some(&is_index)) = (before.get(i), unmatched.get(j)) else {
                continue;
            };
            let (Some((_, was, _, _)), Some((_, is, _, _)), Some(change)) =
                (parts(was_index), parts(is_index), changes.get_mut(is_index))
            else {
                continue;
            };
            *change = match (was, is) {
                (ActionStatus::Planned, ActionStatus::Done) => "completed",
                (ActionStatus::Done, ActionStatus::Planned) => "reopened",
                _ => "revised",
            };
        }
    }
}

/// The valid-time class of each event (in `events`' order; see [`HistoryEntry::change`]).
fn changes_in_valid_time(events: &[&HistoryEvent]) -> Vec<&'static str> {
    // The statement before, as printed and as its key: a measure cited at hundreds of meetings
    // is folded again only when its printed text changes.
    let mut previous: Option<(&str, String)> = None;
    events
        .iter()
        .map(|event| match &event.body {
            HistoryBody::Statement { text, .. } => {
                if previous
                    .as_ref()
                    .is_some_and(|(printed, _)| *printed == &**text)
                {
                    return "cited";
                }
                let key = crate::source::normalize::comparison_key(text);
                let change = match &previous {
                    None => "added",
                    Some((_, before)) if *before != key => "revised",
                    Some(_) => "cited",
                };
                previous = Some((text, key));
                change
            }
            HistoryBody::ActionReported { .. } => "reported",
            HistoryBody::TargetChanged { .. } => "observed",
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::meeting::Meeting;

    /// One version's actions: bureau, status, text.
    type Version<'a> = &'a [(&'a str, ActionStatus, &'a str)];

    /// The change [`action_fates_in_valid_time`] gives each action of each version, versions
    /// in order (each a document of its own).
    fn fates(versions: &[Version<'_>]) -> Vec<Vec<&'static str>> {
        let mut events = Vec::new();
        for (at, actions) in versions.iter().enumerate() {
            for &(bureau, status, text) in *actions {
                events.push(HistoryEvent {
                    seq: events.len() as u64,
                    meeting: Meeting {
                        body: None,
                        ordinal: None,
                        date: None,
                    },
                    document: format!("document {at}").into(),
                    lines: None,
                    body: HistoryBody::ActionReported {
                        measure_id: "M1".into(),
                        bureau: bureau.into(),
                        bureau_canonical: bureau.into(),
                        status,
                        text: text.into(),
                    },
                });
            }
        }
        let in_order: Vec<&HistoryEvent> = events.iter().collect();
        let mut changes = changes_in_valid_time(&in_order);
        action_fates_in_valid_time(&in_order, &mut changes);
        let mut by_version = Vec::new();
        let mut rest = changes.as_slice();
        for actions in versions {
            let (these, after) = rest.split_at(actions.len());
            by_version.push(these.to_vec());
            rest = after;
        }
        by_version
    }

    #[test]
    fn each_action_is_classed_against_the_version_before() {
        use ActionStatus::{Done, Planned};
        const BUREAU: &str = "健康・生活衛生局がん・疾病対策課";
        const OTHER: &str = "医政局地域医療計画課";
        const SCREENING: &str = "がん検診の受診率向上に向けて、受診勧奨の取組を推進する。";
        const SCREENING_AGAIN: &str =
            "がん検診の受診率向上に向けて、個別の受診勧奨の取組を一層推進する。";
        const TRAINING: &str = "緩和ケア研修会を各地で開催し、修了者数を公表した。";
        const UNRELATED: &str = "小児・AYA世代のがん患者の長期フォローアップ体制を整備する。";
        let first: Version = &[(BUREAU, Planned, SCREENING), (OTHER, Done, TRAINING)];
        let cases: [(&str, Version, [&str; 2]); 6] = [
            (
                "the same actions again, in their places",
                &[(BUREAU, Planned, SCREENING), (OTHER, Done, TRAINING)],
                ["reported", "reported"],
            ),
            (
                "the same actions again, in each other's places",
                &[(OTHER, Done, TRAINING), (BUREAU, Planned, SCREENING)],
                ["reported", "reported"],
            ),
            (
                "planned, now done",
                &[(BUREAU, Done, SCREENING), (OTHER, Done, TRAINING)],
                ["completed", "reported"],
            ),
            (
                "done, now planned",
                &[(BUREAU, Planned, SCREENING), (OTHER, Planned, TRAINING)],
                ["reported", "reopened"],
            ),
            (
                "reworded",
                &[(BUREAU, Planned, SCREENING_AGAIN), (OTHER, Done, TRAINING)],
                ["revised", "reported"],
            ),
            (
                "one of them replaced by an unrelated action",
                &[(BUREAU, Planned, SCREENING), (OTHER, Planned, UNRELATED)],
                ["reported", "new"],
            ),
        ];
        for (case, second, expected) in cases {
            let classes = fates(&[first, second]);
            assert_eq!(
                classes[0],
                ["reported", "reported"],
                "{case}: the first version"
            );
            assert_eq!(classes[1], expected, "{case}");
        }
        // A text met again after a version without it keeps its key: classed against the
        // version just before, it is new there, and restated after.
        let classes = fates(&[
            first,
            &[(OTHER, Done, TRAINING)],
            &[(OTHER, Done, TRAINING), (BUREAU, Planned, SCREENING)],
            &[(BUREAU, Planned, SCREENING), (OTHER, Done, TRAINING)],
        ]);
        assert_eq!(classes[2], ["reported", "new"]);
        assert_eq!(classes[3], ["reported", "reported"]);
    }
}

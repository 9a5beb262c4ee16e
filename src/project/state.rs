//! The plan's state at a point in valid time: which measures stand, in which wording, with which
//! actions, as the documents at or before that date state them.
//!
//! Of a series (successive 取組一覧), only the latest version speaks: a measure or action it no
//! longer states is gone from that meeting on. Documents without a series (slides) add the
//! measures they quote and remove nothing. Each measure appears once, as its richest statement
//! (a 取組一覧's, with section and actions, over a quote). By default only the latest plan stated
//! at the date is shown (第4期 supersedes 第3期). `as_known_at` limits the fold to events up to a
//! sequence number: what the ledger knew then.

use std::collections::BTreeMap;

use serde::Serialize;

use super::documents::{documents, standing, valid_time_ranks, DocumentRecord};
use crate::extract::{ActionStatus, SectionPath};
use crate::identity::Identities;
use crate::ledger::index::{ObservationView, TargetObservation};
use crate::ledger::{Event, EventBody};
use crate::source::meeting::format_iso_date;
use crate::source::normalize::comparison_key;

/// The JSON contract of `state --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateView {
    pub at: AtView,
    pub measures: Vec<MeasureView>,
    pub targets: Vec<TargetView>,
}

/// 目標・指標: the latest observation of a figure known at the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetView {
    pub key: String,
    pub label: String,
    pub value: String,
    pub unit: Option<String>,
    /// The date the figure holds for, as written; `null` when the document does not say.
    pub as_of: Option<String>,
    /// The due date: as written, or — for a 個別目標 counted from its plan's adoption — the
    /// adoption date the ledger knows at this date plus the years, at the adoption's precision.
    pub deadline: Option<String>,
    /// For a 個別目標: the years counted from the adoption of the plan.
    pub deadline_after_adoption: Option<crate::extract::figures::RelativeDeadline>,
    pub source: SourceView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtView {
    /// The meeting named, when the reference named one.
    pub meeting: Option<String>,
    pub date: String,
    /// The plan whose measures are shown: the latest one stated at the date, or the one asked
    /// for.
    pub plan: Option<String>,
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
    /// 分割・統合: the measures this one was split from or into, merged from or into (canonical
    /// ids); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lineage: Vec<String>,
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
    /// Show this plan's measures instead of the latest plan's.
    pub plan: Option<String>,
}

impl StateQuery {
    /// The whole plan at a meeting, as the ledger knows it now.
    pub fn at(at: super::meetings::MeetingAt) -> StateQuery {
        StateQuery {
            date: at.date,
            meeting: at.meeting,
            as_known_at: None,
            section: None,
            plan: None,
        }
    }
}

fn source_view(event: &Event) -> SourceView {
    let lines = event.source.lines.map_or([0, 0], |l| [l.first, l.last]);
    SourceView {
        document: event.source.document.clone(),
        lines,
    }
}

/// The plan ordinal N of 「第N期…」, for choosing the latest plan.
fn plan_ordinal(plan: &str) -> Option<u32> {
    let after = plan.split('第').nth(1)?;
    crate::source::normalize::ascii_digits(after.split('期').next()?)?
        .parse()
        .ok()
}

/// A measure statement's parts: (its recorded measure id, its section, its text); `None` for
/// any other event.
pub(crate) fn statement_parts(event: &Event) -> Option<(&str, &SectionPath, &str)> {
    match &event.body {
        EventBody::MeasureAdded {
            measure_id,
            section,
            text,
            ..
        }
        | EventBody::MeasureRevised {
            measure_id,
            section,
            text,
            ..
        }
        | EventBody::MeasureCited {
            measure_id,
            section,
            text,
            ..
        } => Some((measure_id.as_str(), section, text.as_str())),
        _ => None,
    }
}

/// The plan at a date: the reference fold over the whole event list.
pub fn state(events: &[Event], query: &StateQuery) -> StateView {
    // Events are in seq order (seq = position), so what was known at a head is a prefix.
    let known: &[Event] = match query.as_known_at {
        Some(limit) => events
            .get(..events.partition_point(|e| e.seq <= limit))
            .unwrap_or(events),
        None => events,
    };
    state_from(
        documents(known),
        &Identities::from_events(known),
        known,
        &StateQuery {
            as_known_at: None,
            ..query.clone()
        },
    )
}

/// The documents whose statements stand at `date` (none withdrawn): of a series only its
/// latest version dated at or before it (a measure or action it no longer states is gone); every dated document
/// without a series (slides, which only add).
pub fn documents_speaking_at(
    documents: &[DocumentRecord],
    date: time::Date,
) -> Vec<&DocumentRecord> {
    let dated: Vec<&DocumentRecord> = documents
        .iter()
        .filter(|d| !d.withdrawn() && d.meeting.date.is_some_and(|day| day <= date))
        .collect();
    let mut latest: BTreeMap<&str, &DocumentRecord> = BTreeMap::new();
    for document in dated.iter().filter(|d| d.series.is_some()) {
        let entry = latest.entry(document.series_key()).or_insert(document);
        if document.order_key() > entry.order_key() {
            *entry = document;
        }
    }
    let mut counted: Vec<&DocumentRecord> = latest.into_values().collect();
    counted.extend(dated.iter().filter(|d| d.series.is_none()));
    counted
}

/// The measure statements the `counted` documents make, in valid-time order, then seq.
fn statements_of<'e>(counted: &[&DocumentRecord], known: &'e [Event]) -> Vec<&'e Event> {
    let counted_rank = valid_time_ranks(counted.iter().copied());
    let mut statements: Vec<&Event> = known
        .iter()
        .filter(|e| counted_rank.contains_key(e.source.document.as_str()))
        .filter(|e| statement_parts(e).is_some())
        .collect();
    statements.sort_by_key(|e| (counted_rank.get(e.source.document.as_str()), e.seq));
    statements
}

/// The latest plan (第N期) the statements belong to: the plan shown when none is asked for.
fn latest_plan(identities: &Identities, statements: &[&Event]) -> Option<String> {
    statements
        .iter()
        .filter_map(|e| identities.plan(identities.canonical(statement_parts(e)?.0)))
        .max_by_key(|plan| plan_ordinal(plan))
        .map(str::to_owned)
}

/// The plan [`state_from`] shows for `query` with the same inputs: the one asked for, or the
/// latest plan the documents speaking at the date state — for a reader that chooses the figures
/// to read before folding.
pub fn shown_plan(
    all_documents: &[DocumentRecord],
    identities: &Identities,
    known: &[Event],
    query: &StateQuery,
) -> Option<String> {
    query.plan.clone().or_else(|| {
        let counted = documents_speaking_at(all_documents, query.date);
        latest_plan(identities, &statements_of(&counted, known))
    })
}

/// [`state`] from what it needs rather than the whole ledger: every document, the identities,
/// and events that include (at least) every measure and action event of the documents
/// [`documents_speaking_at`] the date, every `PlanAdopted` of the documents dated at or before
/// it, and of the `TargetChanged` events either all or exactly the one per figure that
/// [`latest_observations`] chooses over all (not a subset: the rule is not a plain maximum) —
/// any other event is ignored, so the answer is the reference fold's. `query.as_known_at` is the caller's to apply (to the
/// documents, identities and events it passes).
pub fn state_from(
    all_documents: Vec<DocumentRecord>,
    identities: &Identities,
    known: &[Event],
    query: &StateQuery,
) -> StateView {
    // A withdrawn document's statements are not the plan's.
    let all_documents = standing(all_documents);
    let at_date = format_iso_date(query.date);
    let mut undated: Vec<&DocumentRecord> = all_documents
        .iter()
        .filter(|d| d.meeting.date.is_none())
        .collect();
    // By meeting, then content hash: never by ingestion order.
    undated.sort_by(|a, b| (a.meeting.time_key(), &a.hash).cmp(&(b.meeting.time_key(), &b.hash)));
    let undated_documents = undated
        .into_iter()
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

    // The documents that speak at the date: of a series only its latest version (a measure or
    // action it no longer states is gone); a document without a series (slides) only adds.
    let dated: Vec<&DocumentRecord> = all_documents
        .iter()
        .filter(|d| d.meeting.date.is_some_and(|date| date <= query.date))
        .collect();
    let counted = documents_speaking_at(&all_documents, query.date);
    let in_series: BTreeMap<&str, bool> = counted
        .iter()
        .map(|d| (d.hash.as_str(), d.series.is_some()))
        .collect();
    let statements = statements_of(&counted, known);

    let selected_plan = query
        .plan
        .clone()
        .or_else(|| latest_plan(identities, &statements));
    let plan_matches = |id: &str| match &selected_plan {
        None => true,
        Some(wanted) => identities
            .plan(id)
            .is_some_and(|plan| comparison_key(plan) == comparison_key(wanted)),
    };

    // One entry per measure: the richest statement — from a series document (a 取組一覧, with
    // its section and actions) over a quote, then the longest section path, then the latest.
    let mut order: Vec<&str> = Vec::new();
    let mut best: BTreeMap<&str, &Event> = BTreeMap::new();
    for event in &statements {
        let Some((recorded_id, _, _)) = statement_parts(event) else {
            continue;
        };
        let id = identities.canonical(recorded_id);
        if !plan_matches(id) {
            continue;
        }
        let richness = |e: &Event| {
            let section_length = statement_parts(e).map_or(0, |(_, s, _)| s.path.len());
            (in_series.get(e.source.document.as_str()), section_length)
        };
        match best.get(id) {
            None => {
                order.push(id);
                best.insert(id, event);
            }
            Some(existing) if richness(event) >= richness(existing) => {
                best.insert(id, event);
            }
            Some(_) => {}
        }
    }

    // The actions each shown statement's document reports, by (document, measure), in one
    // pass over the events rather than one pass per measure.
    let shown_documents: std::collections::BTreeSet<&str> =
        best.values().map(|e| e.source.document.as_str()).collect();
    let mut actions_of: BTreeMap<(&str, &str), Vec<ActionView>> = BTreeMap::new();
    for event in known
        .iter()
        .filter(|e| shown_documents.contains(e.source.document.as_str()))
    {
        if let EventBody::ActionReported {
            measure_id,
            bureau,
            bureau_canonical,
            status,
            text,
        } = &event.body
        {
            actions_of
                .entry((
                    event.source.document.as_str(),
                    identities.canonical(measure_id),
                ))
                .or_default()
                .push(ActionView {
                    bureau: bureau.clone(),
                    bureau_canonical: bureau_canonical.clone(),
                    status: *status,
                    text: text.clone(),
                    source: source_view(event),
                });
        }
    }

    let mut measures = Vec::new();
    for id in order {
        let Some(&statement) = best.get(id) else {
            continue;
        };
        let Some((_, section, text)) = statement_parts(statement) else {
            continue;
        };
        if let Some(prefix) = &query.section {
            if !section_matches(section, prefix) {
                continue;
            }
        }
        let actions = actions_of
            .remove(&(statement.source.document.as_str(), id))
            .unwrap_or_default();
        measures.push(MeasureView {
            id: id.to_owned(),
            plan: identities.plan(id).map(str::to_owned),
            section: section.clone(),
            text: text.to_owned(),
            actions,
            source: source_view(statement),
            lineage: identities.lineage(id).map(str::to_owned).collect(),
        });
    }
    let targets = latest_targets(known, &dated, selected_plan.as_deref());
    StateView {
        at: AtView {
            meeting: query.meeting.clone(),
            date: at_date,
            plan: selected_plan,
            undated_documents,
        },
        measures,
        targets,
    }
}

/// Which observation of each figure `state` shows at a date: the one with the latest as-of day
/// among documents dated at or before the date (`dated`), an observation without an as-of day
/// placed at its document's meeting. Documents are taken in valid-time order (not ingestion
/// order): the first document to state a figure is its source, a later one with another value
/// for the same day corrects it. A plan's 個別目標 are shown with that plan only
/// (`shown_plan`); figures are facts at a date and always shown. Each observation comes with the
/// hash of the document that states it. Returns figure key → seq of the chosen observation.
pub fn latest_observations<'o>(
    observations: impl IntoIterator<Item = (ObservationView<'o>, &'o str)>,
    dated: &[&DocumentRecord],
    shown_plan: Option<&str>,
) -> BTreeMap<String, u64> {
    // Each document's valid-time rank and meeting day, in one map looked up once per
    // observation.
    let ranks = valid_time_ranks(dated.iter().copied());
    let place: std::collections::HashMap<&str, (usize, String)> = dated
        .iter()
        .filter_map(|d| {
            let rank = *ranks.get(d.hash.as_str())?;
            Some((d.hash.as_str(), (rank, format_iso_date(d.meeting.date?))))
        })
        .collect();
    let shown_plan = shown_plan.map(comparison_key);
    // Whether a goal's plan is another than the one shown, once per plan named.
    let mut other_plan: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    // The observations kept, and their order as small tuples (rank, seq, place in `kept`):
    // tens of thousands are sorted, and a view is several times the size of its sort key.
    let observations = observations.into_iter();
    let mut kept: Vec<(ObservationView, &str)> =
        Vec::with_capacity(observations.size_hint().1.unwrap_or(0));
    let mut ordered: Vec<(usize, u64, usize)> = Vec::with_capacity(kept.capacity());
    // An append's observations come together: its document's place is looked up once for them
    // (a long ledger has tens of thousands of observations, a few per document).
    let mut last: Option<(&str, Option<(usize, &str)>)> = None;
    for (observation, document) in observations {
        let found = match last {
            Some((seen, found)) if seen == document => found,
            _ => {
                let found = place.get(document).map(|(rank, day)| (*rank, day.as_str()));
                last = Some((document, found));
                found
            }
        };
        if let Some((rank, day)) = found {
            ordered.push((rank, observation.seq, kept.len()));
            kept.push((observation, day));
        }
    }
    ordered.sort_unstable();
    let mut latest: std::collections::HashMap<&str, (&str, ObservationView)> =
        std::collections::HashMap::new();
    for (observation, day) in ordered.into_iter().filter_map(|(_, _, at)| kept.get(at)) {
        let observation = *observation;
        if let (Some(goal), Some(shown)) = (observation.goal_of_plan, &shown_plan) {
            let other = *other_plan
                .entry(goal)
                .or_insert_with(|| comparison_key(goal) != *shown);
            if other {
                continue;
            }
        }
        let order = observation.as_of_day.unwrap_or(day);
        let newer = latest.get(observation.key).is_none_or(|(existing, shown)| {
            order > *existing || (order == *existing && observation.value != shown.value)
        });
        if newer {
            latest.insert(observation.key, (order, observation));
        }
    }
    latest
        .into_iter()
        .map(|(key, (_, observation))| (key.to_owned(), observation.seq))
        .collect()
}

/// The figures shown at the date (see [`latest_observations`]), each with its deadline — as
/// written, or counted from its plan's adoption as the latest document at or before the date
/// states it.
fn latest_targets(
    known: &[Event],
    dated: &[&DocumentRecord],
    shown_plan: Option<&str>,
) -> Vec<TargetView> {
    let document_rank = valid_time_ranks(dated.iter().copied());
    // Plan adoptions stated by documents at or before the date, in valid-time order: plan key
    // → adoption as written (the latest document to state it speaks for it).
    let mut adopted: Vec<&Event> = known
        .iter()
        .filter(|e| matches!(e.body, EventBody::PlanAdopted { .. }))
        .filter(|e| document_rank.contains_key(e.source.document.as_str()))
        .collect();
    adopted.sort_by_key(|e| (document_rank.get(e.source.document.as_str()), e.seq));
    let adoptions: BTreeMap<String, &str> = adopted
        .into_iter()
        .filter_map(|e| match &e.body {
            EventBody::PlanAdopted { plan, adopted, .. } => {
                Some((comparison_key(plan), adopted.as_str()))
            }
            _ => None,
        })
        .collect();
    let resolve = |relative: &crate::extract::figures::RelativeDeadline| -> Option<String> {
        let adopted = adoptions.get(&comparison_key(&relative.plan))?;
        let year: i32 = adopted.get(..4)?.parse().ok()?;
        // Checked: 「2147483647年以内」 in a document is no deadline, not an overflow.
        let due = year.checked_add(i32::try_from(relative.years).ok()?)?;
        Some(format!("{due}{}", adopted.get(4..)?))
    };
    let observed: Vec<(TargetObservation, &Event)> = known
        .iter()
        .filter_map(|e| Some((TargetObservation::of(e)?, e)))
        .collect();
    let chosen = latest_observations(
        observed
            .iter()
            .map(|(o, e)| (o.view(), e.source.document.as_str())),
        dated,
        shown_plan,
    );
    let mut targets: Vec<TargetView> = observed
        .iter()
        .filter(|(o, _)| chosen.get(&o.key) == Some(&o.seq))
        .filter_map(|(_, event)| match &event.body {
            EventBody::TargetChanged {
                key,
                label,
                value,
                unit,
                as_of,
                deadline,
                deadline_after_adoption,
                ..
            } => Some(TargetView {
                key: key.clone(),
                label: label.clone(),
                value: value.clone(),
                unit: unit.clone(),
                as_of: as_of.clone(),
                deadline: deadline
                    .clone()
                    .or_else(|| deadline_after_adoption.as_ref().and_then(resolve)),
                deadline_after_adoption: deadline_after_adoption.clone(),
                source: source_view(event),
            }),
            _ => None,
        })
        .collect();
    targets.sort_by(|a, b| a.label.cmp(&b.label));
    targets
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

    /// A correction reverted: one figure, one as-of day, stated 1 by a slide deck (第90回), 2 by
    /// a 取組一覧 (第91回) and 1 again by its next version (第92回). The last statement is shown;
    /// folding only the chosen observation shows the same, and dropping the middle one would not
    /// (the rule is not a plain maximum, so `query::state` passes exactly the chosen one).
    #[test]
    fn the_chosen_observation_alone_gives_the_same_figure() {
        use crate::ledger::event::{Source, UnsealedEvent};
        use crate::source::manifest::DocumentFormat;
        use crate::source::meeting::Meeting;
        let meeting = |ordinal: u32, day: u8| Meeting {
            body: Some("がん対策推進協議会".into()),
            ordinal: Some(ordinal),
            date: time::Date::from_calendar_date(2025, time::Month::January, day).ok(),
        };
        let mut events = Vec::new();
        let mut prev = crate::ledger::GENESIS_HASH.to_owned();
        let mut push = |meeting: Meeting, document: &str, body: EventBody| {
            let event = UnsealedEvent {
                meeting,
                source: Source {
                    document: document.into(),
                    lines: matches!(body, EventBody::TargetChanged { .. })
                        .then_some(crate::extract::LineRange { first: 1, last: 1 }),
                },
                body,
            }
            .seal(events.len() as u64, &prev)
            .unwrap();
            prev = event.hash.clone();
            events.push(event);
        };
        let ingested = |series: Option<&str>, format| EventBody::DocumentIngested {
            title: None,
            label: None,
            series: series.map(str::to_owned),
            format,
            encoding: crate::source::decode::TextEncoding::Utf8,
            file_name: "f.txt".into(),
            byte_length: 1,
            ingested_at: "2026-01-01T00:00:00Z".into(),
            plan: None,
            measure_ids: vec![],
            date_bounds: None,
        };
        let figure = |value: &str| EventBody::TargetChanged {
            key: "T0000000001".into(),
            label: "拠点病院数".into(),
            value: value.into(),
            unit: None,
            as_of: Some("2023-04-01".into()),
            as_of_day: Some("2023-04-01".into()),
            deadline: None,
            previous_value: None,
            curated_quote: None,
            deadline_after_adoption: None,
        };
        for (ordinal, document, series, format, value) in [
            (90, "p", None, DocumentFormat::Slides, "1"),
            (91, "q", Some("S"), DocumentFormat::Torikumi, "2"),
            (92, "w", Some("S"), DocumentFormat::Torikumi, "1"),
        ] {
            let at = meeting(ordinal, ordinal as u8 - 80);
            push(at.clone(), document, ingested(series, format));
            push(at, document, figure(value));
        }
        let query = StateQuery {
            date: time::Date::from_calendar_date(2025, time::Month::June, 1).unwrap(),
            meeting: None,
            as_known_at: None,
            section: None,
            plan: None,
        };
        let reference = state(&events, &query);
        assert_eq!(reference.targets[0].source.document, "w");
        let records = crate::project::documents::documents(&events);
        let dated: Vec<&DocumentRecord> = records.iter().collect();
        let observed: Vec<(TargetObservation, &str)> = events
            .iter()
            .filter_map(|e| Some((TargetObservation::of(e)?, e.source.document.as_str())))
            .collect();
        let chosen =
            latest_observations(observed.iter().map(|(o, d)| (o.view(), *d)), &dated, None);
        let only = |keep: &dyn Fn(&Event) -> bool| -> Vec<Event> {
            events.iter().filter(|e| keep(e)).cloned().collect()
        };
        let with_chosen = only(&|e| {
            !matches!(e.body, EventBody::TargetChanged { .. })
                || chosen.values().any(|s| *s == e.seq)
        });
        assert_eq!(state(&with_chosen, &query), reference);
        let without_middle = only(&|e| e.source.document != "q" || e.seq == 2);
        assert_ne!(state(&without_middle, &query).targets, reference.targets);
    }

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

//! What changed between two meetings: the difference of two `state` projections of one plan.
//!
//! Measures are compared by id (added, removed, or revised when the wording differs); actions
//! per measure as multisets of (canonical bureau, status, text by comparison key), so re-wrapped
//! lines or a moved page break are not changes; targets by key (a new value, or a first value).
//! Invariant: the diff is computed from projections only, so it is as order-independent as they
//! are.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fate::{fates, ActionFate};
use super::meetings::MeetingAt;
use super::state::{state, MeasureView, SourceView, StateQuery, StateView};
use crate::extract::{ActionStatus, SectionPath};
use crate::ledger::Event;
use crate::source::meeting::{format_iso_date, MeetingRefError};
use crate::source::normalize::comparison_key;

/// The JSON contract of `diff --format json`; every list is present, possibly empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffView {
    pub since: DiffEnd,
    pub until: DiffEnd,
    pub plan: Option<String>,
    pub measures: MeasureChanges,
    pub actions: ActionChanges,
    pub targets: TargetChanges,
    pub bureaus: BureauChanges,
}

/// 部局名変更: bureaus whose actions the earlier state reports under a name a reorganisation
/// replaced, and the later state under the new name — one bureau across the date, said once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BureauChanges {
    pub renamed: Vec<BureauRename>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BureauRename {
    pub before: String,
    pub after: String,
    /// The first day of the new name, and the instrument that made it.
    pub effective: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEnd {
    pub meeting: Option<String>,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct MeasureChanges {
    pub added: Vec<MeasureEntry>,
    pub removed: Vec<MeasureEntry>,
    pub revised: Vec<MeasureRevision>,
    /// 分割・統合: measures gone whose text lives on in measures that are new (a split, a merge):
    /// each old text opposite its successors. They are in no other list.
    pub successions: Vec<Succession>,
    /// 移動: measures stated in another section (the same id; a revised one is in `revised`
    /// too). Reordering within a section is no change.
    pub moved: Vec<MeasureMove>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureMove {
    pub id: String,
    pub text: String,
    pub section_before: SectionPath,
    pub section_after: SectionPath,
    pub source_before: SourceView,
    pub source_after: SourceView,
}

/// Measures of the earlier state and the later measures they became (one → several: a split;
/// several → one: a merge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Succession {
    pub before: Vec<MeasureEntry>,
    pub after: Vec<MeasureEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureEntry {
    pub id: String,
    pub section: SectionPath,
    pub text: String,
    pub source: SourceView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureRevision {
    pub id: String,
    pub section: SectionPath,
    pub before: String,
    pub after: String,
    /// The character-level changes, in order: unchanged, deleted and inserted runs.
    pub changes: Vec<TextChange>,
    pub source_before: SourceView,
    pub source_after: SourceView,
}

/// One run of a character-level diff of Japanese text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum TextChange {
    Equal(String),
    Delete(String),
    Insert(String),
}

/// Character-level diff (`similar`), runs of one kind merged.
pub fn text_changes(before: &str, after: &str) -> Vec<TextChange> {
    let diff = similar::TextDiff::from_chars(before, after);
    let mut runs: Vec<TextChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let value = change.value();
        let merged = match (runs.last_mut(), change.tag()) {
            (Some(TextChange::Equal(text)), similar::ChangeTag::Equal)
            | (Some(TextChange::Delete(text)), similar::ChangeTag::Delete)
            | (Some(TextChange::Insert(text)), similar::ChangeTag::Insert) => {
                text.push_str(value);
                true
            }
            _ => false,
        };
        if !merged {
            runs.push(match change.tag() {
                similar::ChangeTag::Equal => TextChange::Equal(value.to_owned()),
                similar::ChangeTag::Delete => TextChange::Delete(value.to_owned()),
                similar::ChangeTag::Insert => TextChange::Insert(value.to_owned()),
            });
        }
    }
    runs
}

/// Actions that changed, in the reviewer's words (see `project::fate`): what truly came and went
/// is in `added` and `removed`; an action matched across the versions is in exactly one of
/// `completed`, `reopened` or `revised`; a planned one gone without a successor while its
/// measure stayed is `dropped`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ActionChanges {
    pub added: Vec<ActionEntry>,
    pub removed: Vec<ActionEntry>,
    /// 実施済み: planned earlier, reported done later (word for word or reworded).
    pub completed: Vec<ActionFate>,
    /// Reported done earlier, planned again later.
    pub reopened: Vec<ActionFate>,
    /// Reworded in the same column.
    pub revised: Vec<ActionFate>,
    /// 未報告: planned earlier; the measure is still there and reports nothing that is it.
    pub dropped: Vec<ActionEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionEntry {
    pub measure_id: String,
    /// The text of the measure the action is reported under (on its side of the diff), so a
    /// reader sees which 施策 an added or removed 取組 belongs to.
    pub measure_text: String,
    /// The section of the measure the action is reported under.
    pub section: SectionPath,
    pub bureau: String,
    pub status: ActionStatus,
    pub text: String,
    pub source: SourceView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TargetChanges {
    pub changed: Vec<TargetChange>,
}

/// 目標・指標: a figure whose shown observation differs between the two states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetChange {
    pub key: String,
    pub label: String,
    /// What the earlier state showed; `None` when it showed no observation of the figure.
    pub before: Option<TargetReading>,
    pub after: TargetReading,
}

/// One side of a [`TargetChange`]: the value with its own unit (the two sides need not print
/// the same one), the date it holds for as written, and where it is stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetReading {
    pub value: String,
    pub unit: Option<String>,
    pub as_of: Option<String>,
    pub source: SourceView,
}

impl TargetReading {
    fn of(target: &super::state::TargetView) -> TargetReading {
        TargetReading {
            value: target.value.clone(),
            unit: target.unit.clone(),
            as_of: target.as_of.clone(),
            source: target.source.clone(),
        }
    }

    /// The value with its unit, as a reader says it (「59か所」).
    pub fn with_unit(&self) -> String {
        format!("{}{}", self.value, self.unit.as_deref().unwrap_or(""))
    }
}

fn entry(measure: &MeasureView) -> MeasureEntry {
    MeasureEntry {
        id: measure.id.clone(),
        section: measure.section.clone(),
        text: measure.text.clone(),
        source: measure.source.clone(),
    }
}

/// Takes the removed and added measures related by lineage out of `measures`, grouped: each
/// group of removed and added measures connected by lineage with at least one of each, in the
/// order of the later state.
fn successions(
    measures: &mut MeasureChanges,
    before: &BTreeMap<&str, &MeasureView>,
    after: &BTreeMap<&str, &MeasureView>,
) -> Vec<Succession> {
    let removed: std::collections::BTreeSet<String> =
        measures.removed.iter().map(|m| m.id.clone()).collect();
    let mut grouped: std::collections::BTreeSet<String> = Default::default();
    let mut found = Vec::new();
    let added_ids: Vec<String> = measures.added.iter().map(|m| m.id.clone()).collect();
    for added in added_ids {
        if grouped.contains(&added) {
            continue;
        }
        // The connected group, walking lineage through removed and added measures only.
        let (mut group_before, mut group_after) = (Vec::new(), Vec::new());
        let mut stack = vec![added];
        let mut seen: std::collections::BTreeSet<String> = Default::default();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let (view, is_before) = match (after.get(id.as_str()), before.get(id.as_str())) {
                (Some(view), None) => (*view, false),
                (None, Some(view)) if removed.contains(&id) => (*view, true),
                _ => continue,
            };
            if is_before {
                group_before.push(id.clone());
            } else {
                group_after.push(id.clone());
            }
            stack.extend(view.lineage.iter().cloned());
        }
        if group_before.is_empty() {
            continue;
        }
        grouped.extend(group_before.iter().cloned());
        grouped.extend(group_after.iter().cloned());
        let take = |list: &mut Vec<MeasureEntry>, ids: &[String]| {
            let (taken, kept): (Vec<MeasureEntry>, Vec<MeasureEntry>) =
                list.drain(..).partition(|m| ids.contains(&m.id));
            *list = kept;
            taken
        };
        let before_entries = take(&mut measures.removed, &group_before);
        let after_entries = take(&mut measures.added, &group_after);
        found.push((before_entries, after_entries));
    }
    found
        .into_iter()
        .map(|(before, after)| Succession { before, after })
        .collect()
}

/// Actions of a measure keyed for comparison (the bureau by its name after reorganisations),
/// with how many times each occurs.
fn action_counts(
    measure: Option<&MeasureView>,
) -> BTreeMap<(String, ActionStatus, String), Vec<ActionEntry>> {
    let mut counts: BTreeMap<(String, ActionStatus, String), Vec<ActionEntry>> = BTreeMap::new();
    let Some(measure) = measure else {
        return counts;
    };
    for action in &measure.actions {
        counts
            .entry((
                crate::extract::bureau::current_name(&action.bureau_canonical).0,
                action.status,
                comparison_key(&action.text),
            ))
            .or_default()
            .push(action_entry(measure, action));
    }
    counts
}

/// An action as a diff names it: with its measure's id, text and section.
pub fn action_entry(measure: &MeasureView, action: &super::state::ActionView) -> ActionEntry {
    ActionEntry {
        measure_id: measure.id.clone(),
        measure_text: measure.text.clone(),
        section: measure.section.clone(),
        bureau: action.bureau.clone(),
        status: action.status,
        text: action.text.clone(),
        source: action.source.clone(),
    }
}

/// The difference between two meetings placed in time, for `plan` or the plan shown at
/// `until`; refused when `until` is before `since`.
pub fn diff_between(
    events: &[Event],
    since: MeetingAt,
    until: MeetingAt,
    plan: Option<String>,
) -> Result<DiffView, MeetingRefError> {
    let (since, until) = queries_between(since, until, plan)?;
    Ok(diff(events, &since, &until))
}

/// The two state queries of a diff between meetings placed in time; refused when `until` is
/// before `since`.
pub fn queries_between(
    since: MeetingAt,
    until: MeetingAt,
    plan: Option<String>,
) -> Result<(StateQuery, StateQuery), MeetingRefError> {
    if until.date < since.date {
        return Err(MeetingRefError::OutOfOrder {
            earlier: format_iso_date(since.date),
            later: format_iso_date(until.date),
        });
    }
    let query = |at| StateQuery {
        plan: plan.clone(),
        ..StateQuery::at(at)
    };
    Ok((query(since), query(until)))
}

/// The query for the earlier state once the later one is known: the same plan as the later
/// state shows (or the one asked for).
pub fn earlier_query(since: &StateQuery, until: &StateQuery, after: &StateView) -> StateQuery {
    StateQuery {
        plan: until.plan.clone().or_else(|| after.at.plan.clone()),
        ..since.clone()
    }
}

/// The difference between the state at `since` and at `until`, for the plan shown at `until`
/// (or `plan`).
pub fn diff(events: &[Event], since: &StateQuery, until: &StateQuery) -> DiffView {
    let after: StateView = state(events, until);
    let earlier = earlier_query(since, until, &after);
    let before: StateView = state(events, &earlier);
    compare(&before, &after, earlier.plan)
}

/// The difference between two states of `plan` (the earlier query's plan).
pub fn compare(before: &StateView, after: &StateView, plan: Option<String>) -> DiffView {
    let before_by_id: BTreeMap<&str, &MeasureView> =
        before.measures.iter().map(|m| (m.id.as_str(), m)).collect();
    let after_by_id: BTreeMap<&str, &MeasureView> =
        after.measures.iter().map(|m| (m.id.as_str(), m)).collect();

    let mut measures = MeasureChanges::default();
    let mut actions = ActionChanges::default();
    for measure in &after.measures {
        match before_by_id.get(measure.id.as_str()) {
            None => measures.added.push(entry(measure)),
            Some(old) if comparison_key(&old.text) != comparison_key(&measure.text) => {
                measures.revised.push(MeasureRevision {
                    id: measure.id.clone(),
                    section: measure.section.clone(),
                    before: old.text.clone(),
                    after: measure.text.clone(),
                    changes: text_changes(&old.text, &measure.text),
                    source_before: old.source.clone(),
                    source_after: measure.source.clone(),
                })
            }
            Some(_) => {}
        }
    }
    for measure in &before.measures {
        if !after_by_id.contains_key(measure.id.as_str()) {
            measures.removed.push(entry(measure));
        }
    }
    measures.successions = successions(&mut measures, &before_by_id, &after_by_id);
    // Actions, per measure present on either side, in the order of the later state.
    let mut ids: Vec<&str> = after.measures.iter().map(|m| m.id.as_str()).collect();
    ids.extend(
        before
            .measures
            .iter()
            .map(|m| m.id.as_str())
            .filter(|id| !after_by_id.contains_key(id)),
    );
    // A split or merged measure's actions are compared across its whole group: a 取組 that
    // moved with its half of a split is not a change.
    let group_of: BTreeMap<&str, usize> = measures
        .successions
        .iter()
        .enumerate()
        .flat_map(|(at, s)| {
            s.before
                .iter()
                .chain(&s.after)
                .map(move |m| (m.id.as_str(), at))
        })
        .collect();
    let mut compared_groups = std::collections::BTreeSet::new();
    for id in ids {
        let (old, new) = match group_of.get(id) {
            Some(&group) => {
                if !compared_groups.insert(group) {
                    continue;
                }
                let Some(succession) = measures.successions.get(group) else {
                    continue;
                };
                let union = |members: &[MeasureEntry], side: &BTreeMap<&str, &MeasureView>| {
                    let mut all: BTreeMap<(String, ActionStatus, String), Vec<ActionEntry>> =
                        BTreeMap::new();
                    for member in members {
                        for (key, entries) in action_counts(side.get(member.id.as_str()).copied()) {
                            all.entry(key).or_default().extend(entries);
                        }
                    }
                    all
                };
                (
                    union(&succession.before, &before_by_id),
                    union(&succession.after, &after_by_id),
                )
            }
            None => (
                action_counts(before_by_id.get(id).copied()),
                action_counts(after_by_id.get(id).copied()),
            ),
        };
        let mut added: Vec<(String, ActionEntry)> = Vec::new();
        let mut removed: Vec<(String, ActionEntry)> = Vec::new();
        for (key, entries) in &new {
            let had = old.get(key).map_or(0, Vec::len);
            added.extend(entries.iter().skip(had).map(|e| (key.0.clone(), e.clone())));
        }
        for (key, entries) in &old {
            let has = new.get(key).map_or(0, Vec::len);
            removed.extend(entries.iter().skip(has).map(|e| (key.0.clone(), e.clone())));
        }
        let measure_stays = match group_of.get(id) {
            Some(_) => true,
            None => after_by_id.contains_key(id),
        };
        let found = fates(removed, added, measure_stays);
        actions.added.extend(found.added);
        actions.removed.extend(found.removed);
        actions.completed.extend(found.completed);
        actions.reopened.extend(found.reopened);
        actions.revised.extend(found.revised);
        actions.dropped.extend(found.dropped);
    }
    for measure in &after.measures {
        if let Some(old) = before_by_id.get(measure.id.as_str()) {
            if old.section.path != measure.section.path {
                measures.moved.push(MeasureMove {
                    id: measure.id.clone(),
                    text: measure.text.clone(),
                    section_before: old.section.clone(),
                    section_after: measure.section.clone(),
                    source_before: old.source.clone(),
                    source_after: measure.source.clone(),
                });
            }
        }
    }
    let before_targets: BTreeMap<&str, &super::state::TargetView> =
        before.targets.iter().map(|t| (t.key.as_str(), t)).collect();
    let changed = after
        .targets
        .iter()
        .filter_map(|target| {
            let old = before_targets.get(target.key.as_str());
            let same =
                old.is_some_and(|old| old.value == target.value && old.as_of == target.as_of);
            (!same).then(|| TargetChange {
                key: target.key.clone(),
                label: target.label.clone(),
                before: old.map(|old| TargetReading::of(old)),
                after: TargetReading::of(target),
            })
        })
        .collect();
    DiffView {
        since: DiffEnd {
            meeting: before.at.meeting.clone(),
            date: before.at.date.clone(),
        },
        until: DiffEnd {
            meeting: after.at.meeting.clone(),
            date: after.at.date.clone(),
        },
        plan,
        measures,
        actions,
        targets: TargetChanges { changed },
        bureaus: BureauChanges {
            renamed: bureau_renames(before, after),
        },
    }
}

/// The bureaus the earlier state names by a name a reorganisation replaced and the later state
/// by the new one, in the order of the earlier state.
fn bureau_renames(before: &StateView, after: &StateView) -> Vec<BureauRename> {
    let later: std::collections::BTreeSet<&str> = after
        .measures
        .iter()
        .flat_map(|m| &m.actions)
        .map(|a| a.bureau_canonical.as_str())
        .collect();
    let mut renamed: Vec<BureauRename> = Vec::new();
    for action in before.measures.iter().flat_map(|m| &m.actions) {
        let (current, applied) = crate::extract::bureau::current_name(&action.bureau_canonical);
        if applied.is_empty()
            || !later.contains(current.as_str())
            || renamed.iter().any(|r| r.before == action.bureau_canonical)
        {
            continue;
        }
        renamed.push(BureauRename {
            before: action.bureau_canonical.clone(),
            after: current,
            effective: applied
                .iter()
                .map(|r| r.effective)
                .collect::<Vec<_>>()
                .join(", "),
            source: applied
                .iter()
                .map(|r| r.source)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    renamed
}

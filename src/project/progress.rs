//! 進捗 (follow-through): for every action planned (今後予定している取組) at an earlier meeting,
//! what became of it at a later one — completed (実施済み), still planned, revised (reworded,
//! still planned), dropped (未報告: no longer reported while its measure stays), or removed with
//! its measure — with the lines that say so on each side, and counts per bureau and section.
//!
//! Invariant: computed from two `state` projections through `diff::compare` (the same pairing
//! of actions, `project::fate`), so it says what `diff` says and is as order-independent.

use serde::Serialize;

use super::diff::{action_entry, compare, ActionEntry, DiffEnd, TextChange};
use super::state::StateView;
use crate::extract::bureau::current_name;
use crate::extract::ActionStatus;
use crate::source::normalize::comparison_key;

/// The JSON contract of `progress --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    pub since: DiffEnd,
    pub until: DiffEnd,
    pub plan: Option<String>,
    /// The bureau asked for, if any.
    pub bureau: Option<String>,
    /// Every action planned at `since` (of the bureau asked for), in the order of the earlier
    /// state, with its fate.
    pub actions: Vec<PlannedAction>,
    /// Counts per bureau (its name after reorganisations), in order of first appearance.
    pub by_bureau: Vec<ProgressCounts>,
    /// Counts per section path of the measure, in order of first appearance.
    pub by_section: Vec<ProgressCounts>,
    pub total: ProgressCounts,
}

/// What became of one planned action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Completed,
    StillPlanned,
    Revised,
    Dropped,
    /// Its measure is gone (removed, not split or merged).
    Removed,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Completed => "completed",
            Fate::StillPlanned => "still_planned",
            Fate::Revised => "revised",
            Fate::Dropped => "dropped",
            Fate::Removed => "removed",
        }
    }

    /// As a 取組一覧's reader says it.
    pub fn japanese(self) -> &'static str {
        match self {
            Fate::Completed => "実施済み",
            Fate::StillPlanned => "予定のまま",
            Fate::Revised => "修正",
            Fate::Dropped => "未報告",
            Fate::Removed => "施策ごと削除",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedAction {
    pub fate: Fate,
    pub before: ActionEntry,
    /// The later statement (none when dropped or removed).
    pub after: Option<ActionEntry>,
    /// The characters that changed (empty when word for word, or when there is no later one).
    pub changes: Vec<TextChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ProgressCounts {
    pub name: String,
    pub planned: usize,
    pub completed: usize,
    pub still_planned: usize,
    pub revised: usize,
    pub dropped: usize,
    pub removed: usize,
}

impl ProgressCounts {
    fn count(&mut self, fate: Fate) {
        self.planned += 1;
        match fate {
            Fate::Completed => self.completed += 1,
            Fate::StillPlanned => self.still_planned += 1,
            Fate::Revised => self.revised += 1,
            Fate::Dropped => self.dropped += 1,
            Fate::Removed => self.removed += 1,
        }
    }
}

/// Where a statement was made: what identifies one action of one state.
fn place(entry: &ActionEntry) -> (String, [u32; 2], String) {
    (
        entry.source.document.clone(),
        entry.source.lines,
        entry.text.clone(),
    )
}

/// The fate of every action planned in `before`, at `after`; only a bureau whose name (after
/// reorganisations) contains `bureau`, when given.
pub fn progress(
    before: &StateView,
    after: &StateView,
    plan: Option<String>,
    bureau: Option<&str>,
) -> ProgressView {
    let diff = compare(before, after, plan.clone());
    let mut fates: std::collections::BTreeMap<(String, [u32; 2], String), PlannedAction> =
        Default::default();
    for (fate, found) in [
        (Fate::Completed, &diff.actions.completed),
        (Fate::Revised, &diff.actions.revised),
    ] {
        for pair in found
            .iter()
            .filter(|p| p.before.status == ActionStatus::Planned)
        {
            fates.insert(
                place(&pair.before),
                PlannedAction {
                    fate,
                    before: pair.before.clone(),
                    after: Some(pair.after.clone()),
                    changes: pair.changes.clone(),
                },
            );
        }
    }
    for (fate, found) in [
        (Fate::Dropped, &diff.actions.dropped),
        (Fate::Removed, &diff.actions.removed),
    ] {
        for entry in found.iter().filter(|e| e.status == ActionStatus::Planned) {
            fates.insert(
                place(entry),
                PlannedAction {
                    fate,
                    before: entry.clone(),
                    after: None,
                    changes: Vec::new(),
                },
            );
        }
    }
    // The later state's planned actions by (bureau, text), to cite an action still planned.
    let mut later: std::collections::BTreeMap<(String, String), Vec<ActionEntry>> =
        Default::default();
    for measure in &after.measures {
        for action in measure
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Planned)
        {
            later
                .entry((
                    current_name(&action.bureau_canonical).0,
                    comparison_key(&action.text),
                ))
                .or_default()
                .push(action_entry(measure, action));
        }
    }
    let wanted = bureau.map(|name| comparison_key(&current_name(name).0));
    let mut view = ProgressView {
        since: diff.since.clone(),
        until: diff.until.clone(),
        plan,
        bureau: bureau.map(str::to_owned),
        actions: Vec::new(),
        by_bureau: Vec::new(),
        by_section: Vec::new(),
        total: ProgressCounts {
            name: "計".into(),
            ..ProgressCounts::default()
        },
    };
    for measure in &before.measures {
        for action in measure
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Planned)
        {
            let bureau_now = current_name(&action.bureau_canonical).0;
            if wanted
                .as_ref()
                .is_some_and(|wanted| !comparison_key(&bureau_now).contains(wanted.as_str()))
            {
                continue;
            }
            let entry = action_entry(measure, action);
            let planned = match fates.remove(&place(&entry)) {
                Some(found) => found,
                None => {
                    // Unchanged: the later statement of the same text, under the same measure
                    // when it has one.
                    let key = (bureau_now.clone(), comparison_key(&action.text));
                    let candidates = later.get(&key).map(Vec::as_slice).unwrap_or_default();
                    let after = candidates
                        .iter()
                        .find(|c| c.measure_id == measure.id)
                        .or_else(|| candidates.first())
                        .cloned();
                    PlannedAction {
                        fate: Fate::StillPlanned,
                        before: entry,
                        after,
                        changes: Vec::new(),
                    }
                }
            };
            count_in(&mut view.by_bureau, &bureau_now, planned.fate);
            count_in(
                &mut view.by_section,
                &measure.section.compact(),
                planned.fate,
            );
            view.total.count(planned.fate);
            view.actions.push(planned);
        }
    }
    view
}

/// Counts `fate` under `name`, whose counts are added at the end the first time it is named.
fn count_in(counts: &mut Vec<ProgressCounts>, name: &str, fate: Fate) {
    match counts.iter_mut().find(|c| c.name == name) {
        Some(named) => named.count(fate),
        None => {
            let mut named = ProgressCounts {
                name: name.to_owned(),
                ..ProgressCounts::default()
            };
            named.count(fate);
            counts.push(named);
        }
    }
}

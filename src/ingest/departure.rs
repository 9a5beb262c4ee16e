//! The alarm for a print planledger has not seen (見慣れない印刷): a new version of a series that
//! departs from the version before it the way a misread print does, not the way a revision does.
//!
//! A revision rewrites text: measures change because their words change. A misread print keeps
//! the words and loses the structure: most of the previous version's statements are still in the
//! text, yet its measures are new, their count or its sections change wholesale, or actions whose
//! words did not change jump column. The rule ([`departure`]) is a function of counted cues
//! ([`DepartureCues`]), so the thresholds are read and tested in one place.
//!
//! Invariant: the alarm only warns (or, under `--strict`, refuses); it never changes an event.

use std::collections::{BTreeMap, BTreeSet};

use crate::extract::{ActionStatus, DocumentVersion};
use crate::ledger::event::EventBody;
use crate::ledger::Event;
use crate::project::state::statement_parts;
use crate::source::normalize::comparison_key;

/// At least this share of the previous version's statements is still in the text, word for
/// word: the words are the same, so a structural upheaval is the print's, not the plan's. A
/// yearly report keeps most words too (the demonstration revision keeps 339 of 341, 99%), so
/// this only says when the structural cues below may speak; they decide (the demonstration
/// revision: 3 of 71 measures new, no section gone, 1 of 263 same-worded actions moved; seed
/// 000 with its lines of section tokens alone (⑴ ① 第2 2) lost: 22 new, 24 of 24 sections gone).
pub const SAME_TEXT_SHARE: f64 = 0.95;
/// More than this share of the measures read are not measures of the previous version.
pub const NEW_MEASURES_SHARE: f64 = 0.3;
/// The measure count changes by more than this share.
pub const COUNT_CHANGE_SHARE: f64 = 0.15;
/// More than this share of the previous version's sections are gone.
pub const SECTIONS_GONE_SHARE: f64 = 0.3;
/// At least this many actions with unchanged words changed column …
pub const COLUMN_FLIPS_MIN: usize = 5;
/// … and they are more than this share of the actions whose words did not change.
pub const COLUMN_FLIPS_SHARE: f64 = 0.2;
/// Statements shorter than this (in key characters) say too little to count.
const MIN_STATEMENT_CHARS: usize = 8;

/// What the alarm counts, comparing a version with the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DepartureCues {
    /// Statements (measures and actions) of the previous version, and how many of them are
    /// still in this document's text word for word.
    pub previous_statements: usize,
    pub statements_in_text: usize,
    pub previous_measures: usize,
    pub measures: usize,
    /// Measures read now whose text is not a previous measure's text.
    pub new_measures: usize,
    pub previous_sections: usize,
    pub sections_gone: usize,
    /// Actions whose words are a previous action's words in the same measure, and how many of
    /// them changed column.
    pub same_actions: usize,
    pub column_flips: usize,
}

/// Why a version looks like a print planledger has not seen: one reason per cue that fires,
/// empty when none does (or when the words changed too much for the cues to say anything).
pub fn departure(cues: &DepartureCues) -> Vec<String> {
    let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
    let same_text = share(cues.statements_in_text, cues.previous_statements);
    if cues.previous_statements == 0 || same_text < SAME_TEXT_SHARE {
        return Vec::new();
    }
    let mut reasons = Vec::new();
    if share(cues.new_measures, cues.measures) > NEW_MEASURES_SHARE {
        reasons.push(format!(
            "{} of the {} measures read are new",
            cues.new_measures, cues.measures
        ));
    }
    if share(
        cues.measures.abs_diff(cues.previous_measures),
        cues.previous_measures,
    ) > COUNT_CHANGE_SHARE
    {
        reasons.push(format!(
            "the measure count changes from {} to {}",
            cues.previous_measures, cues.measures
        ));
    }
    if share(cues.sections_gone, cues.previous_sections) > SECTIONS_GONE_SHARE {
        reasons.push(format!(
            "{} of the previous version's {} sections are gone",
            cues.sections_gone, cues.previous_sections
        ));
    }
    if cues.column_flips >= COLUMN_FLIPS_MIN
        && share(cues.column_flips, cues.same_actions) > COLUMN_FLIPS_SHARE
    {
        reasons.push(format!(
            "{} of {} actions whose words did not change changed column",
            cues.column_flips, cues.same_actions
        ));
    }
    if !reasons.is_empty() {
        reasons.push(format!(
            "yet {:.0}% of the previous version's statements are still in the text word for word",
            same_text * 100.0
        ));
    }
    reasons
}

impl DepartureCues {
    /// Counts the cues: the previous version as its events state it, this version as read, and
    /// this document's text. Also returns the first lines of new measures (the evidence).
    pub fn of<'e>(
        previous_events: impl IntoIterator<Item = &'e Event>,
        version: &DocumentVersion,
        text: &str,
    ) -> (DepartureCues, Vec<u32>) {
        let text_key = comparison_key(text);
        let mut cues = DepartureCues::default();
        // Previous measures: id → (text key, section); previous actions: (measure text key,
        // action key) → status.
        let mut measure_text: BTreeMap<&'e str, String> = BTreeMap::new();
        let mut sections: BTreeSet<String> = BTreeSet::new();
        let mut actions: BTreeMap<(String, String), ActionStatus> = BTreeMap::new();
        let count_statement = |key: &str, cues: &mut DepartureCues| {
            if key.chars().count() >= MIN_STATEMENT_CHARS {
                cues.previous_statements += 1;
                let in_text = memchr::memmem::find(text_key.as_bytes(), key.as_bytes());
                cues.statements_in_text += usize::from(in_text.is_some());
            }
        };
        for event in previous_events {
            if let Some((measure_id, section, text)) = statement_parts(event) {
                let key = comparison_key(text);
                count_statement(&key, &mut cues);
                cues.previous_measures += 1;
                if !section.path.is_empty() {
                    sections.insert(section.compact());
                }
                measure_text.insert(measure_id, key);
            } else if let EventBody::ActionReported {
                measure_id,
                status,
                text,
                ..
            } = &event.body
            {
                let key = comparison_key(text);
                count_statement(&key, &mut cues);
                if let Some(measure) = measure_text.get(measure_id.as_str()) {
                    actions.insert((measure.clone(), key), *status);
                }
            }
        }
        let previous_measures: BTreeSet<&String> = measure_text.values().collect();
        let mut evidence = Vec::new();
        let mut sections_now = BTreeSet::new();
        cues.measures = version.measures.len();
        for measure in &version.measures {
            let key = comparison_key(&measure.text);
            sections_now.insert(measure.section.compact());
            if !previous_measures.contains(&key) {
                cues.new_measures += 1;
                evidence.push(measure.lines.first);
            }
            for action in &measure.actions {
                if let Some(status) = actions.get(&(key.clone(), comparison_key(&action.text))) {
                    cues.same_actions += 1;
                    if *status != action.status {
                        cues.column_flips += 1;
                        evidence.push(action.lines.first);
                    }
                }
            }
        }
        cues.previous_sections = sections.len();
        cues.sections_gone = sections.difference(&sections_now).count();
        evidence.sort_unstable();
        evidence.dedup();
        (cues, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(
        in_text: usize,
        new: usize,
        measures: usize,
        gone: usize,
        flips: usize,
    ) -> DepartureCues {
        DepartureCues {
            previous_statements: 100,
            statements_in_text: in_text,
            previous_measures: 70,
            measures,
            new_measures: new,
            previous_sections: 40,
            sections_gone: gone,
            same_actions: 50,
            column_flips: flips,
        }
    }

    #[test]
    fn the_alarm_fires_when_the_words_stay_and_the_structure_goes() {
        // (case, cues, which reasons fire: new measures, count, sections, columns)
        let cases = [
            ("the same print", cues(100, 0, 70, 0, 0), [false; 4]),
            ("a few measures revised", cues(97, 4, 70, 0, 1), [false; 4]),
            (
                "most measures new, words kept",
                cues(99, 40, 70, 0, 0),
                [true, false, false, false],
            ),
            (
                "measures glued together",
                cues(98, 10, 55, 0, 0),
                [false, true, false, false],
            ),
            (
                "sections lost",
                cues(100, 5, 70, 20, 0),
                [false, false, true, false],
            ),
            (
                "columns swapped",
                cues(100, 0, 70, 0, 20),
                [false, false, false, true],
            ),
            (
                "four flips are not many",
                cues(100, 0, 70, 0, 4),
                [false; 4],
            ),
            (
                "a new plan: words rewritten, so nothing is said",
                cues(40, 60, 90, 30, 0),
                [false; 4],
            ),
        ];
        for (case, cues, expected) in cases {
            let reasons = departure(&cues);
            let fired = [
                reasons.iter().any(|r| r.contains("are new")),
                reasons.iter().any(|r| r.contains("count changes")),
                reasons.iter().any(|r| r.contains("sections are gone")),
                reasons.iter().any(|r| r.contains("changed column")),
            ];
            assert_eq!(fired, expected, "{case}: {reasons:?}");
            assert_eq!(
                reasons.iter().any(|r| r.contains("still in the text")),
                expected.contains(&true),
                "{case}: the evidence of the same words comes with every alarm"
            );
        }
    }
}

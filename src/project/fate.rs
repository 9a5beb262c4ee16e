//! What became of each promise (取組の帰趨): the actions one version of a measure reports that
//! the next no longer reports as they were, matched with the ones it reports anew — a planned
//! action now reported done is **completed** (実施済み), done then planned again **reopened**,
//! reworded in its column **revised**, and a planned action that vanished with no successor
//! while its measure stayed is **dropped** (未報告). What matches nothing stays added or removed.
//!
//! Matching is a function of cues ([`ActionCues`], decided by [`pairing`]): the same bureau (its
//! name after reorganisations, `extract::bureau::current_name`) is required; then the same
//! text, or a rewording — character similarity of the comparison keys at or above
//! [`REWORDING_FLOOR`], or at or above [`REWORDING_FLOOR_WITH_FIGURES`] when both texts state
//! the same figures and dates — never two texts whose figures conflict (another year, another
//! count). Pairs are taken best first, each action at most once.
//!
//! Invariant: a function of the two sides' actions only, so as order-independent as the states
//! it compares.

use serde::Serialize;

use super::diff::{text_changes, ActionEntry, TextChange};
use crate::extract::ActionStatus;
use crate::source::normalize::{comparison_key, fold_width};

/// Similarity at or above which two actions of one measure and bureau are one action reworded.
/// Measured on seed 000 and its derived versions: a planned bullet reported done with new
/// wording (「…在り方については、次期整備指針の改定に向けて、関係学会等と引き続き議論を継続して
/// いく」 → 「…在り方について、関係学会等と議論し、…論点を整理した」) scores 0.70; two distinct
/// bullets that share the evaluation formula (「当該取組の評価を行う観点から、…継続的に評価を行う
/// 予定」) score 0.59, and distinct bullets of one measure and bureau at most 0.28.
pub const REWORDING_FLOOR: f32 = 0.65;

/// The floor when both texts state the same figures and dates (their digit runs, in order):
/// 「令和８年度に検討会を開催する予定である」 → 「令和８年度に検討会を開催した」 is one action.
pub const REWORDING_FLOOR_WITH_FIGURES: f32 = 0.5;

/// One action's fate: the earlier and the later statement, and the characters that changed
/// (empty when the text is the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionFate {
    pub before: ActionEntry,
    pub after: ActionEntry,
    pub changes: Vec<TextChange>,
}

/// The fates found among one measure's removed and added actions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fates {
    pub completed: Vec<ActionFate>,
    pub reopened: Vec<ActionFate>,
    pub revised: Vec<ActionFate>,
    pub dropped: Vec<ActionEntry>,
    /// What matched nothing.
    pub removed: Vec<ActionEntry>,
    pub added: Vec<ActionEntry>,
}

/// What decides whether two actions are one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionCues {
    /// The same bureau, after reorganisations.
    pub same_bureau: bool,
    /// The same comparison key.
    pub same_text: bool,
    /// `similar`'s character ratio of the comparison keys (0–1).
    pub similarity: f32,
    /// Both state figures or dates, and the same ones in the same order.
    pub same_figures: bool,
    /// Both state figures or dates and neither's are among the other's, in order: 「令和６年度
    /// に研修会を開催した」 and 「令和７年度に…」 are two years' actions, however alike.
    pub figures_conflict: bool,
}

impl ActionCues {
    pub fn of(before_bureau: &str, before: &str, after_bureau: &str, after: &str) -> ActionCues {
        let (before_key, after_key) = (comparison_key(before), comparison_key(after));
        let same_text = before_key == after_key;
        let (figures_before, figures_after) = (figures(before), figures(after));
        let conflict = !figures_before.is_empty()
            && !figures_after.is_empty()
            && !is_subsequence(&figures_before, &figures_after)
            && !is_subsequence(&figures_after, &figures_before);
        ActionCues {
            same_bureau: before_bureau == after_bureau,
            same_text,
            similarity: if same_text {
                1.0
            } else {
                similar::TextDiff::from_chars(before_key.as_str(), after_key.as_str()).ratio()
            },
            same_figures: !figures_before.is_empty() && figures_before == figures_after,
            figures_conflict: conflict,
        }
    }
}

/// How two actions pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// The same text.
    Same,
    /// One action reworded.
    Reworded,
    /// Two actions.
    Apart,
}

/// Whether two actions are one, from their cues.
pub fn pairing(cues: &ActionCues) -> Pairing {
    if !cues.same_bureau {
        Pairing::Apart
    } else if cues.same_text {
        Pairing::Same
    } else if cues.figures_conflict {
        Pairing::Apart
    } else if cues.similarity >= REWORDING_FLOOR
        || (cues.same_figures && cues.similarity >= REWORDING_FLOOR_WITH_FIGURES)
    {
        Pairing::Reworded
    } else {
        Pairing::Apart
    }
}

/// Whether `part`'s items stand in `whole` in the same order.
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|item| rest.any(|other| other == item))
}

/// The digit runs of a text (full-width folded), in order: the figures and dates it states.
fn figures(text: &str) -> Vec<String> {
    let folded = fold_width(text);
    let mut runs: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in folded.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Which of `before`'s actions (bureau, text) are which of `after`'s, by [`pairing`]: best first
/// — the same text, then by similarity, ties in the order the actions are given — each action
/// at most once.
/// `diff` pairs a measure's removed and added actions with it, `history` a version's actions
/// with the version before.
pub fn pairs(before: &[(String, String)], after: &[(String, String)]) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(Pairing, f32, usize, usize)> = Vec::new();
    for (i, (before_bureau, before_text)) in before.iter().enumerate() {
        for (j, (after_bureau, after_text)) in after.iter().enumerate() {
            let cues = ActionCues::of(before_bureau, before_text, after_bureau, after_text);
            match pairing(&cues) {
                Pairing::Apart => {}
                paired => candidates.push((paired, cues.similarity, i, j)),
            }
        }
    }
    candidates.sort_by(|a, b| {
        (b.0 == Pairing::Same)
            .cmp(&(a.0 == Pairing::Same))
            .then(b.1.total_cmp(&a.1))
            .then((a.2, a.3).cmp(&(b.2, b.3)))
    });
    let (mut taken_before, mut taken_after) = (vec![false; before.len()], vec![false; after.len()]);
    let mut found = Vec::new();
    for (_, _, i, j) in candidates {
        let (Some(before_taken), Some(after_taken)) =
            (taken_before.get_mut(i), taken_after.get_mut(j))
        else {
            continue;
        };
        if !*before_taken && !*after_taken {
            *before_taken = true;
            *after_taken = true;
            found.push((i, j));
        }
    }
    found
}

/// Pairs one measure's removed actions with its added ones, each with the bureau it is compared
/// by; `measure_stays` says the measure (or its successors) is on the later side, so a planned
/// action gone without a successor is dropped rather than removed with its measure.
pub fn fates(
    removed: Vec<(String, ActionEntry)>,
    added: Vec<(String, ActionEntry)>,
    measure_stays: bool,
) -> Fates {
    let texts = |side: &[(String, ActionEntry)]| -> Vec<(String, String)> {
        side.iter()
            .map(|(bureau, action)| (bureau.clone(), action.text.clone()))
            .collect()
    };
    let mut fates = Fates::default();
    let mut paired_before = vec![false; removed.len()];
    let mut paired_after = vec![false; added.len()];
    for (i, j) in pairs(&texts(&removed), &texts(&added)) {
        let (Some((_, before)), Some((_, after)), Some(before_paired), Some(after_paired)) = (
            removed.get(i),
            added.get(j),
            paired_before.get_mut(i),
            paired_after.get_mut(j),
        ) else {
            continue;
        };
        *before_paired = true;
        *after_paired = true;
        let (before, after) = (before.clone(), after.clone());
        let changes = if comparison_key(&before.text) == comparison_key(&after.text) {
            Vec::new()
        } else {
            text_changes(&before.text, &after.text)
        };
        let fate = ActionFate {
            before,
            after,
            changes,
        };
        match (fate.before.status, fate.after.status) {
            (ActionStatus::Planned, ActionStatus::Done) => fates.completed.push(fate),
            (ActionStatus::Done, ActionStatus::Planned) => fates.reopened.push(fate),
            _ => fates.revised.push(fate),
        }
    }
    for ((_, before), paired) in removed.into_iter().zip(paired_before) {
        if paired {
            continue;
        }
        if measure_stays && before.status == ActionStatus::Planned {
            fates.dropped.push(before);
        } else {
            fates.removed.push(before);
        }
    }
    for ((_, after), paired) in added.into_iter().zip(paired_after) {
        if !paired {
            fates.added.push(after);
        }
    }
    fates
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUREAU: &str = "健康・生活衛生局がん・疾病対策課";

    #[test]
    fn pairing_decides_from_its_cues() {
        // (before, after, same bureau, expected)
        let cases = [
            // Word for word in the other column.
            ("BCPに関する議論の状況を踏まえ、その必須化を検討する。", "BCPに関する議論の状況を踏まえ、その必須化を検討する。", true, Pairing::Same),
            // Planned, then done with new wording (seed 000, lines 77–79).
            (
                "がん患者に対する遠隔病理診断の在り方については、次期整備指針の改定に向けて、関係学会等と引き続き議論を継続していく。",
                "がん患者に対する遠隔病理診断の在り方について、関係学会等と議論し、次期整備指針の改定に向けた論点を整理した。",
                true,
                Pairing::Reworded,
            ),
            // The same figures and dates, the tense changed.
            ("令和８年度に検討会を開催する予定である。", "令和８年度に検討会を開催した。", true, Pairing::Reworded),
            ("令和８年度に、がん登録の手引きを改訂する予定である。", "令和8年度に、がん登録の手引きを改訂した。", true, Pairing::Reworded),
            // Two bullets sharing the evaluation formula are two actions (0.59).
            (
                "当該取組の評価を行う観点から、役割分担に関する議論が行われている都道府県数について、継続的に評価を行う予定としている。",
                "当該取組の評価を行う観点から、都道府県がん診療連携協議会に小児がん拠点病院等が参加している都道府県の数を現況報告書を用いて継続的に評価を行う予定である。",
                true,
                Pairing::Apart,
            ),
            // Distinct bullets of one measure.
            (
                "BCPに関する議論の状況を踏まえ、次期整備指針の改定において、その必須化を検討する。",
                "当該取組の評価を行う観点から、都道府県がん診療連携協議会における議論の状況および各施設におけるBCPに関する議論の状況については現況報告書を用いて継続的に評価を行う予定である。",
                true,
                Pairing::Apart,
            ),
            // The same words from another bureau are another bureau's action.
            ("令和８年度に検討会を開催する予定である。", "令和８年度に検討会を開催する予定である。", false, Pairing::Apart),
            // Other figures: a new year's action, not the old one reworded.
            ("令和６年度に研修会を開催した。", "令和７年度に研修会を開催した。", true, Pairing::Apart),
            // A figure added to the series a bullet reports: the same action updated.
            (
                "割合は、令和6年4月1日時点では52.9%、令和7年4月1日時点では54.4%と上昇している。",
                "割合は、令和6年4月1日時点では52.9%、令和7年4月1日時点では54.4%、令和8年4月1日時点では56.1%と上昇している。",
                true,
                Pairing::Reworded,
            ),
        ];
        for (before, after, same_bureau, expected) in cases {
            let other = if same_bureau {
                BUREAU
            } else {
                "医政局地域医療計画課"
            };
            let cues = ActionCues::of(BUREAU, before, other, after);
            assert_eq!(pairing(&cues), expected, "{before} → {after}: {cues:?}");
        }
    }

    fn action(status: ActionStatus, text: &str) -> (String, ActionEntry) {
        (
            BUREAU.to_owned(),
            ActionEntry {
                measure_id: "M1".into(),
                measure_text: String::new(),
                section: Default::default(),
                bureau: BUREAU.into(),
                status,
                text: text.into(),
                source: crate::project::state::SourceView {
                    document: "d".into(),
                    lines: [1, 1],
                },
            },
        )
    }

    #[test]
    fn each_fate_from_one_measures_removed_and_added_actions() {
        use ActionStatus::{Done, Planned};
        let removed = vec![
            action(Planned, "令和８年度に検討会を開催する予定である。"),
            action(Planned, "研修の在り方について引き続き検討する。"),
            action(Done, "手引きを改訂した。"),
            action(Planned, "BCPの必須化を検討する。"),
            action(Done, "令和６年度に研修会を開催した。"),
        ];
        let added = vec![
            action(Done, "令和８年度に検討会を開催した。"),
            action(Planned, "手引きを改訂した。"),
            action(Planned, "研修の在り方について、引き続き検討していく。"),
            action(Done, "令和７年度に研修会を開催した。"),
        ];
        let fates = fates(removed.clone(), added.clone(), true);
        assert_eq!(fates.completed.len(), 1);
        assert_eq!(
            fates.completed[0].after.text,
            "令和８年度に検討会を開催した。"
        );
        assert!(!fates.completed[0].changes.is_empty());
        assert_eq!(fates.reopened.len(), 1);
        assert!(fates.reopened[0].changes.is_empty(), "word for word");
        assert_eq!(fates.revised.len(), 1);
        assert_eq!(fates.dropped.len(), 1);
        assert_eq!(fates.dropped[0].text, "BCPの必須化を検討する。");
        assert_eq!(
            fates.removed.len(),
            1,
            "a done action is removed, not dropped"
        );
        assert_eq!(fates.added.len(), 1);
        // A measure gone: its planned actions go with it.
        let gone = super::fates(vec![removed[3].clone()], Vec::new(), false);
        assert_eq!((gone.dropped.len(), gone.removed.len()), (0, 1));
    }
}

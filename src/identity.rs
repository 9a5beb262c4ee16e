//! Identity of measures across documents: when a text the ledger has not seen is another
//! version of a measure it knows.
//!
//! Like git's rename detection: the same plan, a compatible section (equal, or unknown on one
//! side because a slide quotes without one), and a character-level similarity of the comparison
//! keys at or above [`SIMILARITY_THRESHOLD`]. The threshold is set from the seeds: the 3rd
//! plan's draft and adopted wordings of one measure score 0.945 and 0.968, while three distinct
//! 4th-plan measures that share a sentence frame (手術療法/放射線療法/薬物療法 in 2.(1).③) score up
//! to 0.906 — below the threshold even before their different sections keep them apart.

use crate::extract::SectionPath;
use crate::source::normalize::comparison_key;

/// Similarity (0–1, `similar`'s character ratio over comparison keys) at or above which two
/// texts of one plan and section are versions of one measure.
pub const SIMILARITY_THRESHOLD: f32 = 0.93;

/// A measure the ledger knows: id, plan, section, latest text.
#[derive(Debug, Clone)]
pub struct KnownMeasure {
    pub id: String,
    pub plan: Option<String>,
    pub section: SectionPath,
    pub text: String,
}

pub fn similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (comparison_key(a), comparison_key(b));
    similar::TextDiff::from_chars(a.as_str(), b.as_str()).ratio()
}

fn sections_compatible(a: &SectionPath, b: &SectionPath) -> bool {
    a.path.is_empty() || b.path.is_empty() || a.path == b.path
}

/// The known measure this text is a version of, if any: the most similar one of the same plan
/// with a compatible section, at or above the threshold.
pub fn best_match<'k>(
    known: &'k [KnownMeasure],
    plan: Option<&str>,
    section: &SectionPath,
    text: &str,
) -> Option<&'k KnownMeasure> {
    let plan_key = plan.map(comparison_key);
    known
        .iter()
        .filter(|measure| measure.plan.as_deref().map(comparison_key) == plan_key)
        .filter(|measure| sections_compatible(&measure.section, section))
        .map(|measure| (similarity(&measure.text, text), measure))
        .filter(|(score, _)| *score >= SIMILARITY_THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, measure)| measure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str, path: &[&str]) -> KnownMeasure {
        KnownMeasure {
            id: "M1".into(),
            plan: Some("第３期がん対策推進基本計画".into()),
            section: SectionPath {
                path: path.iter().map(|p| p.to_string()).collect(),
                titles: vec![],
            },
            text: text.into(),
        }
    }

    const DRAFT: &str = "国は、希少がんに関する情報の集約・発信、全国のがん相談支援センターとの連携、病理コンサルテーション等を通じた正確・迅速な病理診断を提供する体制を整備する。臨床的エビデンスの創出、診療ガイドラインの整備と普及、医療従事者の育成、基礎研究の支援、効率の良い臨床試験の実施等について、中核的な役割を担う医療機関を整備する。";
    const ADOPTED: &str = "国は、希少がんに関する情報を集約・発信する体制、全国のがん相談支援センターとの連携体制及び病理コンサルテーションシステム等を通じた正確・迅速な病理診断を提供する体制を整備する。また、臨床的エビデンスの創出、診療ガイドラインの整備と普及、医療従事者の育成、基礎研究の支援、効率の良い臨床試験の実施等について、中核的な役割を担う医療機関を整備する。";

    #[test]
    fn a_reworded_version_is_above_the_threshold() {
        let score = similarity(DRAFT, ADOPTED);
        assert!(score >= SIMILARITY_THRESHOLD, "{score}");
        let measures = [known(DRAFT, &[])];
        assert!(best_match(
            &measures,
            Some("第3期がん対策推進基本計画"),
            &SectionPath::default(),
            ADOPTED
        )
        .is_some());
        // Another plan never matches.
        assert!(best_match(
            &measures,
            Some("第4期がん対策推進基本計画"),
            &SectionPath::default(),
            ADOPTED
        )
        .is_none());
    }

    #[test]
    fn distinct_measures_with_a_shared_frame_are_below_it() {
        let surgery = "国及び都道府県は、患者が、病態や生活背景等、それぞれの状況に応じた適切かつ安全な手術療法を受けられるよう、標準的治療の提供に加えて、科学的根拠に基づく、ロボット支援手術を含む鏡視下手術等の高度な手術療法の提供についても、医療機関間の役割分担の明確化及び連携体制の整備等の取組を進める。";
        let radiation = "国及び都道府県は、患者が、病態や生活背景等、それぞれの状況に応じた適切な放射線療法を受けられるよう、標準的治療の提供に加えて、科学的根拠に基づく高度な放射線療法の提供についても、医療機関間の役割分担の明確化及び連携体制の整備等の取組を進める。";
        let score = similarity(surgery, radiation);
        assert!(score < SIMILARITY_THRESHOLD, "{score}");
        // And their sections differ, which alone keeps them apart.
        let measures = [known(surgery, &["2", "(1)", "③", "(ア)"])];
        let section = SectionPath {
            path: vec!["2".into(), "(1)".into(), "③".into(), "(イ)".into()],
            titles: vec![],
        };
        assert!(best_match(
            &measures,
            Some("第３期がん対策推進基本計画"),
            &section,
            surgery
        )
        .is_none());
    }
}

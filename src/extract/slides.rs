//! The `slides` format: meeting slides that quote plan texts and cite figures.
//!
//! What is read: the passages a slide quotes under 「（取り組むべき施策）」, each paragraph one
//! measure of the plan the slide names before it (「第３期がん対策推進基本計画案（案）」,
//! 「がん対策推進基本計画（第３期）」, 「第4期がん対策推進基本計画」). Slide text extraction breaks
//! lines anywhere and puts blank lines inside sentences, so a paragraph ends only where a line
//! ending in 。 is followed by a blank line. The passage ends at the next bracketed heading
//! (（個別目標）, （現状・課題）), or at the first paragraph that does not open the way the plan's
//! measures do — with their actor and 「は、」 near the start (国は、 / 国及び都道府県は、 /
//! 希少がんについては、), and no bullet or markup — so slide titles and bulleted summaries that
//! follow a quote are not taken for measures.
//! Quoted passages carry no section path: the slide does not print one.
//!
//! Under 「（個別目標）」 the same paragraph rules apply; a clause with 「N年以内」 becomes a target
//! whose deadline counts from the plan's adoption (resolved once the ledger knows that date).
//! Dated figures are read for every format by `figures`. Not read: timelines.

use super::{plan_named_in, Diagnostic, DocumentVersion, ExtractedMeasure, LineRange, SectionPath};

/// Headings that open a quoted passage of measures.
const MEASURE_HEADINGS: &[&str] = &["（取り組むべき施策）", "(取り組むべき施策)"];
/// Headings that open a quoted passage of individual targets.
const TARGET_HEADINGS: &[&str] = &["（個別目標）", "(個別目標)"];

/// The clauses of a 個別目標 paragraph that set a deadline in years: (clause, years).
fn relative_deadlines(paragraph: &str) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    for sentence in paragraph.split('。') {
        for clause in sentence.split('、') {
            // Digits may be full-width (２年以内); the clause keeps its printed characters.
            let folded = crate::source::date::fold_line(clause);
            let Some(at) = folded.find("年以内") else {
                continue;
            };
            let digits: String = folded[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Ok(years) = digits.parse() {
                found.push((clause.trim().to_owned(), years));
            }
        }
    }
    found
}

/// A quoted paragraph shorter than this (in characters) is a slide caption, not a measure.
const MIN_MEASURE_CHARS: usize = 20;
/// A measure names its actor first: 「は、」 within this many characters of the start.
const ACTOR_WITHIN_CHARS: usize = 20;

/// Whether a line can open a quoted measure of the plan.
fn opens_measure(line: &str) -> bool {
    const MARKERS: &[char] = &['-', '・', '○', '〇', '●', '<', '※', '•', '■', '◆'];
    if line.starts_with(MARKERS) {
        return false;
    }
    line.char_indices()
        .take(ACTOR_WITHIN_CHARS)
        .any(|(index, _)| line[index..].starts_with("は、"))
}

pub fn extract(text: &str) -> DocumentVersion {
    let lines: Vec<&str> = text.split('\n').collect();
    let title_line = lines
        .iter()
        .map(|line| line.trim())
        .find(|line| !line.is_empty())
        .map(str::to_owned);
    let mut measures = Vec::new();
    let mut diagnostics = Vec::new();
    let mut targets = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if TARGET_HEADINGS.contains(&line.trim()) {
            let Some(plan) = lines
                .iter()
                .take(index)
                .rev()
                .find_map(|l| plan_named_in(l))
            else {
                continue;
            };
            for (text, range) in quoted_paragraphs(&lines, index + 1) {
                for (clause, years) in relative_deadlines(&text) {
                    targets.push(super::figures::ExtractedTarget {
                        key: super::figures::target_key(&format!("{plan} {clause}")),
                        label: format!("{plan} 個別目標: {clause}"),
                        value: years.to_string(),
                        unit: "年以内".into(),
                        as_of: None,
                        as_of_day: None,
                        deadline: None,
                        curated_quote: None,
                        deadline_after_adoption: Some(super::figures::RelativeDeadline {
                            plan: plan.clone(),
                            years,
                        }),
                        lines: range,
                    });
                }
            }
            continue;
        }
        if !MEASURE_HEADINGS.contains(&line.trim()) {
            continue;
        }
        let plan = lines
            .iter()
            .take(index)
            .rev()
            .find_map(|l| plan_named_in(l));
        if plan.is_none() {
            diagnostics.push(Diagnostic {
                line: index as u32 + 1,
                message:
                    "quoted measures with no plan named before them; read as measures of no plan"
                        .into(),
                hint: Some(
                    "a slide usually names the plan it quotes (第N期がん対策推進基本計画)".into(),
                ),
            });
        }
        for (text, range) in quoted_paragraphs(&lines, index + 1) {
            measures.push(ExtractedMeasure {
                plan: plan.clone(),
                section: SectionPath::default(),
                text,
                lines: range,
                actions: Vec::new(),
            });
        }
    }
    DocumentVersion {
        title_line,
        plan: None,
        printed_meetings: Vec::new(),
        measures,
        targets,
        diagnostics,
        milestones: Vec::new(),
        requirement_revisions: Vec::new(),
    }
}

/// The paragraphs of a quoted passage starting at line index `start`.
fn quoted_paragraphs(lines: &[&str], start: usize) -> Vec<(String, LineRange)> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<(usize, &str)> = Vec::new();
    let mut index = start;
    let finish =
        |current: &mut Vec<(usize, &str)>, paragraphs: &mut Vec<(String, LineRange)>| -> bool {
            let (Some(&(first, _)), Some(&(last, _))) = (current.first(), current.last()) else {
                return true;
            };
            let text: String = current.iter().map(|(_, l)| *l).collect();
            let is_sentence = text.ends_with('。') && text.chars().count() >= MIN_MEASURE_CHARS;
            if is_sentence {
                paragraphs.push((
                    text,
                    LineRange {
                        first: first as u32 + 1,
                        last: last as u32 + 1,
                    },
                ));
            }
            current.clear();
            is_sentence
        };
    while let Some(line) = lines.get(index) {
        let trimmed = line.trim();
        let is_heading =
            (trimmed.starts_with('（') && trimmed.ends_with('）') && trimmed.chars().count() <= 12)
                || (trimmed.starts_with('(')
                    && trimmed.ends_with(')')
                    && trimmed.chars().count() <= 12);
        if is_heading {
            break;
        }
        if trimmed.is_empty() {
            let paragraph_ended = current.last().is_some_and(|(_, l)| l.ends_with('。'));
            if paragraph_ended && !finish(&mut current, &mut paragraphs) {
                return paragraphs;
            }
        } else {
            if current.is_empty() && !opens_measure(trimmed) {
                break;
            }
            current.push((index, trimmed));
        }
        index += 1;
    }
    finish(&mut current, &mut paragraphs);
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::manifest::DocumentFormat;

    #[test]
    fn quoted_measures_are_read_across_broken_lines_until_the_next_heading() {
        let text = [
            "第３期がん対策推進基本計画案（案）における希少がんに関する記載（抜粋）",
            " （取り組むべき施策）",
            "国は、希少がんに関する情報の集約・発信、全国のがん相談支援センターとの連携、病",
            "",
            "理コンサルテーション等を通じた正確・迅速な病理診断を提供する体制を整備する。",
            "",
            "国は、各々の希少がんに関し、状況に応じた適切な集約化と連携のあり方について、",
            "検討を行う。",
            "",
            "（個別目標）",
            "国は、２年以内に整備する。",
        ]
        .join("\n");
        let version = extract(&text);
        assert_eq!(version.measures.len(), 2, "{:#?}", version.measures);
        let first = &version.measures[0];
        assert_eq!(first.plan.as_deref(), Some("第３期がん対策推進基本計画"));
        assert_eq!(
            first.text,
            "国は、希少がんに関する情報の集約・発信、全国のがん相談支援センターとの連携、病理コンサルテーション等を通じた正確・迅速な病理診断を提供する体制を整備する。"
        );
        assert_eq!(first.lines, LineRange { first: 3, last: 5 });
        assert!(first.section.path.is_empty());
        assert_eq!(version.measures[1].lines, LineRange { first: 7, last: 8 });
    }

    #[test]
    fn a_slide_caption_after_the_quote_ends_it() {
        let text = [
            "がん対策推進基本計画（第３期）",
            "（取り組むべき施策）",
            "",
            "国は、希少がんに関する情報を集約・発信する体制を整備する。",
            "",
            "希少がん医療・支援の",
            "あり方に関する検討会",
            "",
            "国は、この段落は引用の外にある文章である。",
        ]
        .join("\n");
        let version = extract(&text);
        assert_eq!(version.measures.len(), 1);
        assert_eq!(
            version.measures[0].plan.as_deref(),
            Some("第３期がん対策推進基本計画")
        );
    }

    #[test]
    fn titles_and_bullets_after_a_one_line_quote_are_not_measures() {
        let text = [
            "第4期がん対策推進基本計画",
            "（取り組むべき施策）",
            "",
            "国は、がんゲノム医療をより一層推進する観点から、医療提供体制の整備等を引き続き推進する。",
            "",
            "2040年を見据えたがん医療の均てん化・集約化に係る基本的な考え方について",
            "",
            "- 国は、がん対策基本法に基づき、均てん化の促進に取り組んでいる。",
        ]
        .join("\n");
        let version = extract(&text);
        assert_eq!(version.measures.len(), 1);
        assert!(opens_measure(
            "希少がんについては、特に有効性の高い診断・治療法の開発が求めら"
        ));
        assert!(!opens_measure("- 国は、がん対策基本法に基づき"));
        assert!(!opens_measure("希少がん医療・支援の"));
    }

    #[test]
    fn individual_targets_count_their_deadline_from_the_plans_adoption() {
        let text = [
            "第３期がん対策推進基本計画案（案）における希少がんに関する記載（抜粋）",
            "（個別目標）",
            "国は、希少がん患者が適切な医療を受けられる環境を整備するため、中核的な役割を",
            "",
            "担う機関を整備し、希少がん対策を統括する体制を２年以内に整備する。",
        ]
        .join("\n");
        let version = extract(&text);
        assert_eq!(version.targets.len(), 1);
        let target = &version.targets[0];
        assert_eq!(
            target.label,
            "第３期がん対策推進基本計画 個別目標: 希少がん対策を統括する体制を２年以内に整備する"
        );
        assert_eq!(target.value, "2");
        assert_eq!(
            target.deadline_after_adoption,
            Some(super::super::figures::RelativeDeadline {
                plan: "第３期がん対策推進基本計画".into(),
                years: 2
            })
        );
        assert_eq!(target.lines, LineRange { first: 3, last: 5 });
        assert_eq!(
            super::super::figures::plan_adoptions("平成30年3月\t第3期がん対策推進基本計画閣議決定")
                [0]
            .adopted,
            "2018-03"
        );
    }

    #[test]
    fn slides_without_quotes_yield_no_measures_and_say_so() {
        let version = super::super::extract(
            DocumentFormat::Slides,
            "がんゲノム医療推進に向けた取組について\n\n拠点病院 33\n",
        );
        assert!(version.measures.is_empty());
        assert!(
            version.diagnostics[0].message.contains("nothing was read"),
            "{:?}",
            version.diagnostics
        );
        let version = super::super::extract(
            DocumentFormat::Slides,
            "第３期がん対策推進基本計画\n（個別目標）\n国は、２年以内に、拠点病院の指定要件を見直す。\n",
        );
        assert!(
            version.diagnostics[0]
                .message
                .contains("0 quoted measures, 1 individual targets (個別目標) and 0 timeline rows"),
            "{:?}",
            version.diagnostics
        );
    }
}

//! 担当部局: bureau names as printed and their canonical form.
//!
//! A 取組一覧 prints the same bureau in several ways: qualified (保険局医療介護連携政策課) or not
//! (医療介護連携政策課), abbreviated (文科省), annotated (保険局医療課※後段のみ), joined with a
//! slash (医政局医薬産業振興・医療情報企画課/研究開発政策課), broken over lines. The printed name
//! is kept on every action; the canonical name is what actions are grouped and compared by.

use std::collections::BTreeSet;

use crate::source::normalize::fold_width;

/// Abbreviations and short forms with the full name they stand for. Applied to the start of a
/// name, so 文科省初等中等教育局… becomes 文部科学省初等中等教育局….
const ALIASES: &[(&str, &str)] = &[
    ("文科省", "文部科学省"),
    ("厚労省", "厚生労働省"),
    ("医療介護連携政策課", "保険局医療介護連携政策課"),
];

/// Marks that end the name proper: what follows (※後段のみ) annotates the entry, not the bureau.
const ANNOTATION_MARKS: &[char] = &['※', '＊', '*'];

/// Words that show a name is qualified by its parent organization (局, 省, 庁 …), so it needs no
/// completion from another name in the document.
const QUALIFIERS: &[&str] = &["局", "省", "庁", "官房", "統括官", "本部", "院"];

/// The printed name with wrapped lines joined: line breaks and spaces removed, brackets 【】
/// stripped; the characters are otherwise kept as printed.
pub fn printed_name(header_lines: &[&str]) -> String {
    let joined: String = header_lines
        .iter()
        .flat_map(|line| line.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    joined
        .trim_start_matches('【')
        .trim_end_matches('】')
        .to_owned()
}

/// Canonical names for every printed name of one document. Unqualified names
/// (研究開発政策課) are completed from a qualified name in the same document that ends with them
/// (医政局研究開発政策課), when exactly one does.
pub fn canonical_names(printed: &[String]) -> Vec<String> {
    let parts_of: Vec<Vec<String>> = printed.iter().map(|name| canonical_parts(name)).collect();
    let qualified: BTreeSet<&String> = parts_of
        .iter()
        .flatten()
        .filter(|part| is_qualified(part))
        .collect();
    parts_of
        .iter()
        .map(|parts| {
            parts
                .iter()
                .map(|part| {
                    if is_qualified(part) {
                        return part.clone();
                    }
                    let mut candidates = qualified.iter().filter(|q| q.ends_with(part.as_str()));
                    match (candidates.next(), candidates.next()) {
                        (Some(only), None) => (*only).clone(),
                        _ => part.clone(),
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

/// Splits a printed name at `/`, drops annotations, expands aliases, and gives each later part
/// the organization prefix of the first (医政局A課/B課 → 医政局A課, 医政局B課).
fn canonical_parts(printed: &str) -> Vec<String> {
    // Every printed form of a character (full-width ASCII, half-width katakana, NFKC) folds,
    // so another extractor's output gives the same canonical names.
    let name = fold_width(printed);
    let name = match name.find(ANNOTATION_MARKS) {
        Some(index) => &name[..index],
        None => name.as_str(),
    };
    let mut parts: Vec<String> = name
        .split(['/', '／'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(expand_alias)
        .collect();
    if let Some(first) = parts.first().cloned() {
        if let Some(prefix_end) = first.rfind('局') {
            let prefix = &first[..prefix_end + '局'.len_utf8()];
            for part in parts.iter_mut().skip(1) {
                if !is_qualified(part) {
                    *part = format!("{prefix}{part}");
                }
            }
        }
    }
    parts
}

fn expand_alias(part: &str) -> String {
    for (alias, full) in ALIASES {
        if let Some(rest) = part.strip_prefix(alias) {
            return format!("{full}{rest}");
        }
    }
    part.to_owned()
}

fn is_qualified(name: &str) -> bool {
    QUALIFIERS.iter().any(|q| name.contains(q))
}

/// A reorganisation (組織再編) that renamed a bureau: from its effective date, names that begin
/// with `old` begin with `new`. Each entry names the instrument that made it, so a reader can
/// check it; the list is curated, never guessed from the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Reorganisation {
    /// The first day the new name holds (ISO).
    pub effective: &'static str,
    pub old: &'static str,
    pub new: &'static str,
    /// The instrument and where it is published.
    pub source: &'static str,
}

/// MHLW's reorganisation of 令和5年9月1日: 健康局 became 健康・生活衛生局 and 医薬・生活衛生局
/// became 医薬局 (its 生活衛生 divisions moved to 健康・生活衛生局, which this prefix rule does
/// not follow: no 取組一覧 of the cancer plan reports under them).
pub const REORGANISATIONS: &[Reorganisation] = &[
    Reorganisation {
        effective: "2023-09-01",
        old: "健康局",
        new: "健康・生活衛生局",
        source: "厚生労働省組織令の一部を改正する政令（令和5年政令第263号）、令和5年9月1日施行",
    },
    Reorganisation {
        effective: "2023-09-01",
        old: "医薬・生活衛生局",
        new: "医薬局",
        source: "厚生労働省組織令の一部を改正する政令（令和5年政令第263号）、令和5年9月1日施行",
    },
];

/// A canonical bureau name as it is called after every reorganisation (each part of a joined
/// name renamed), with the reorganisations that renamed it. Comparisons across versions go
/// through this, so 健康局がん・疾病対策課 and 健康・生活衛生局がん・疾病対策課 are one bureau.
pub fn current_name(canonical: &str) -> (String, Vec<&'static Reorganisation>) {
    let mut applied = Vec::new();
    let parts: Vec<String> = canonical
        .split('/')
        .map(|part| {
            let mut name = part.to_owned();
            for reorganisation in REORGANISATIONS {
                if let Some(rest) = name.strip_prefix(reorganisation.old) {
                    name = format!("{}{rest}", reorganisation.new);
                    if !applied.contains(&reorganisation) {
                        applied.push(reorganisation);
                    }
                }
            }
            name
        })
        .collect();
    (parts.join("/"), applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(names: &[&str]) -> Vec<String> {
        canonical_names(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn wrapped_header_lines_are_joined() {
        assert_eq!(
            printed_name(&[
                "【労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕",
                "事の両立支援推進室】"
            ]),
            "労働基準局安全衛生部労働衛生課メンタルヘルス対策・治療仕事の両立支援推進室"
        );
    }

    #[test]
    fn aliases_and_annotations_are_unified() {
        assert_eq!(
            canonical(&[
                "医療介護連携政策課",
                "保険局医療介護連携政策課",
                "保険局医療課※後段のみ"
            ]),
            [
                "保険局医療介護連携政策課",
                "保険局医療介護連携政策課",
                "保険局医療課"
            ]
        );
        assert_eq!(
            canonical(&["文科省初等中等教育局特別支援教育課"]),
            ["文部科学省初等中等教育局特別支援教育課"]
        );
    }

    #[test]
    fn slash_joined_names_share_the_first_bureau_prefix() {
        assert_eq!(
            canonical(&["医政局医薬産業振興・医療情報企画課/研究開発政策課"]),
            ["医政局医薬産業振興・医療情報企画課/医政局研究開発政策課"]
        );
    }

    #[test]
    fn unqualified_names_complete_from_the_document_when_unique() {
        assert_eq!(
            canonical(&["研究推進課", "大臣官房研究推進課"]),
            ["大臣官房研究推進課", "大臣官房研究推進課"]
        );
        // Two candidates: leave it as printed rather than guess.
        assert_eq!(
            canonical(&["総務課", "医政局総務課", "健康局総務課"])[0],
            "総務課"
        );
    }

    #[test]
    fn a_bureau_is_called_by_its_name_after_the_reorganisation() {
        let cases = [
            (
                "健康局がん・疾病対策課",
                "健康・生活衛生局がん・疾病対策課",
                1,
            ),
            (
                "健康・生活衛生局がん・疾病対策課",
                "健康・生活衛生局がん・疾病対策課",
                0,
            ),
            (
                "医薬・生活衛生局医薬品審査管理課",
                "医薬局医薬品審査管理課",
                1,
            ),
            (
                "医政局地域医療計画課/健康局がん・疾病対策課",
                "医政局地域医療計画課/健康・生活衛生局がん・疾病対策課",
                1,
            ),
            (
                "健康局がん・疾病対策課/医薬・生活衛生局医薬安全対策課",
                "健康・生活衛生局がん・疾病対策課/医薬局医薬安全対策課",
                2,
            ),
            // A name that merely contains the old one is not renamed.
            ("労働基準局安全衛生部", "労働基準局安全衛生部", 0),
        ];
        for (name, current, renamed) in cases {
            let (found, applied) = current_name(name);
            assert_eq!(found, current, "{name}");
            assert_eq!(applied.len(), renamed, "{name}");
        }
    }
}

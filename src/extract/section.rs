//! 項目 section numbers: the tokens that head a section of a 取組一覧 and the path they build.
//!
//! A path is normalized so that the same section compares equal however it was printed:
//! ⑴, （１） and (1) are `(1)`; （ア） is `(ア)`; ① stays `①`; a chapter number `第2 2` or `２`
//! is `2`.

use serde::{Deserialize, Serialize};

use crate::source::normalize::{ascii_digits, fold_alone, fold_width};

/// 項目: the hierarchical number path of a section and its titles, e.g. `2 › (1) › ① › (ア)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct SectionPath {
    pub path: Vec<String>,
    pub titles: Vec<String>,
}

impl SectionPath {
    /// `2 › (1) › ①`.
    pub fn display_path(&self) -> String {
        self.path.join(" › ")
    }

    /// `2.(1).①`, the compact form accepted by `--section`.
    pub fn compact(&self) -> String {
        self.path.join(".")
    }
}

/// One section token with its depth: 0 for `2`, 1 for `(1)`, 2 for `①`, 3 for `(ア)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionToken {
    pub depth: usize,
    pub token: String,
}

/// A section token as printed, before the hierarchy says what a bare number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintedToken {
    /// 「第2 2」: a part, said so by its chapter prefix.
    Part(u32),
    /// ⑴ （１） (1) (１): depth 1.
    Parenthesized(u32),
    /// ①: depth 2.
    Circled(u32),
    /// （ア） (ア) (ｱ): depth 3.
    Katakana(char),
    /// 2, ２, and 1 where an NFKC-normalising extractor printed ①: a part or a circled number,
    /// decided by [`resolve_bare_number`].
    BareNumber(u32),
}

impl PrintedToken {
    /// The token once its depth is known (`bare_is_part` decides a [`PrintedToken::BareNumber`]).
    pub fn resolve(self, bare_is_part: bool) -> SectionToken {
        let (depth, token) = match self {
            PrintedToken::Part(number) => (0, number.to_string()),
            PrintedToken::BareNumber(number) if bare_is_part => (0, number.to_string()),
            PrintedToken::Parenthesized(number) => (1, format!("({number})")),
            PrintedToken::Circled(number) | PrintedToken::BareNumber(number) => {
                (2, circled(number))
            }
            PrintedToken::Katakana(kana) => (3, format!("({kana})")),
        };
        SectionToken { depth, token }
    }
}

/// ① for 1 … ⑳ for 20; beyond that the number in circled-number brackets.
fn circled(number: u32) -> String {
    match char::from_u32(0x2460 + number - 1) {
        Some(character) if (1..=20).contains(&number) => character.to_string(),
        _ => format!("({number})"),
    }
}

/// Whether a bare number (after NFKC, ① and 2 print alike) heads a part rather than a circled
/// sub-section. Cues: `open_part` is the number of the part the document is in, `open_group`
/// whether a ⑴-level group is open under it, `next_is_first_group` whether the next heading
/// is ⑴ (a part opens with its first group; a circled section never does).
pub fn resolve_bare_number(
    number: u32,
    open_part: Option<u32>,
    open_group: bool,
    next_is_first_group: bool,
) -> bool {
    match open_part {
        None => true,
        Some(part) if !open_group => number > part,
        // After part 2 a bare 1 is not part 1: parts only go forward.
        Some(part) => next_is_first_group && number > part,
    }
}

/// Recognizes a line that consists of a section token alone, in any printed form.
pub fn parse_section_token(line: &str) -> Option<PrintedToken> {
    let text = line.trim();
    let mut chars = text.chars();
    let first = chars.next()?;
    if chars.clone().next().is_none() {
        match first {
            '\u{2474}'..='\u{2487}' => {
                return Some(PrintedToken::Parenthesized(first as u32 - 0x2474 + 1))
            }
            '\u{2460}'..='\u{2473}' => {
                return Some(PrintedToken::Circled(first as u32 - 0x2460 + 1))
            }
            _ => {}
        }
    }
    // A token folds to something starting with `(`, `第` or a digit: a line whose first
    // character folds alone to anything else (most lines of a table) is none, answered without
    // folding the line. (A character that folds alone is never composed into one of those.)
    if fold_alone(first).is_some_and(|folded| !could_start_token(folded)) {
        return None;
    }
    parse_folded_token(&fold_width(text))
}

/// Whether a token's folded form may start with `c`.
fn could_start_token(c: char) -> bool {
    c == '(' || c == '第' || c.is_ascii_digit()
}

/// [`parse_section_token`] of a line folded ([`fold_width`]) and trimmed of nothing else.
fn parse_folded_token(folded: &str) -> Option<PrintedToken> {
    let text = folded.trim();
    if let Some(inner) = text
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let inner = inner.trim();
        if let Some(number) = small_number(inner) {
            return Some(PrintedToken::Parenthesized(number));
        }
        let mut inner_chars = inner.chars();
        return match (inner_chars.next(), inner_chars.next()) {
            (Some(kana), None) if ('ア'..='ン').contains(&kana) => {
                Some(PrintedToken::Katakana(kana))
            }
            _ => None,
        };
    }
    // A chapter prefix such as 「第2」 may precede the number: `第2 2`.
    if let Some(rest) = text.strip_prefix('第') {
        let split = rest.find(char::is_whitespace)?;
        ascii_digits(&rest[..split])?;
        return small_number(rest[split..].trim()).map(PrintedToken::Part);
    }
    small_number(text).map(PrintedToken::BareNumber)
}

/// A section number: one or two digits, not zero.
fn small_number(text: &str) -> Option<u32> {
    let digits = ascii_digits(text)?;
    let number: u32 = (digits.len() <= 2).then(|| digits.parse().ok())??;
    (number > 0).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(line: &str) -> Option<(usize, String)> {
        parse_section_token(line).map(|t| {
            let t = t.resolve(true);
            (t.depth, t.token)
        })
    }

    /// The lines answered without folding are none that the folded reading would take for a
    /// token: crafted ones and every line of the seeds.
    #[test]
    fn a_line_turned_away_unfolded_is_no_token_folded() {
        let mut lines: Vec<String> = [
            "（１）",
            "⑴ 見出し",
            "①",
            "第２ ３",
            "ア",
            "１２",
            "﹙1﹚",
            "𝟐",
        ]
        .iter()
        .map(|line| line.to_string())
        .collect();
        lines.extend(crate::source::seed_lines());
        assert!(lines.len() > 1000, "the seeds' lines were read");
        let mut turned_away = 0;
        for line in &lines {
            let Some(first) = line.trim().chars().next() else {
                continue;
            };
            if fold_alone(first).is_some_and(|folded| !could_start_token(folded)) {
                turned_away += 1;
                assert_eq!(
                    parse_folded_token(&fold_width(line.trim())),
                    None,
                    "{line:?}"
                );
            }
        }
        assert!(turned_away > 1000, "{turned_away}");
    }

    #[test]
    fn tokens_of_every_printed_form_normalize() {
        assert_eq!(token("第2 2"), Some((0, "2".into())));
        assert_eq!(token("3"), Some((0, "3".into())));
        assert_eq!(token("３"), Some((0, "3".into())));
        assert_eq!(token("⑴"), Some((1, "(1)".into())));
        assert_eq!(token(" ⑶"), Some((1, "(3)".into())));
        assert_eq!(token("（１）"), Some((1, "(1)".into())));
        assert_eq!(token("(１)"), Some((1, "(1)".into())));
        assert_eq!(token("(12)"), Some((1, "(12)".into())));
        assert_eq!(token("①"), Some((2, "①".into())));
        assert_eq!(token(" （ア）"), Some((3, "(ア)".into())));
        assert_eq!(token("(ウ)"), Some((3, "(ウ)".into())));
        assert_eq!(token("(ｱ)"), Some((3, "(ア)".into())));
        assert_eq!(token("（ｲ）"), Some((3, "(イ)".into())));
        // A bare number under an open group is a circled section: what ① becomes under NFKC.
        let bare = parse_section_token("1").unwrap();
        assert_eq!(
            bare.resolve(false),
            SectionToken {
                depth: 2,
                token: "①".into()
            }
        );
    }

    #[test]
    fn a_bare_number_is_a_part_only_where_a_part_can_stand() {
        // (number, open part, group open, next heading is ⑴) → part?
        let cases = [
            (2, None, false, true, true),      // the first heading of the document
            (2, None, false, false, true),     // nothing open: nothing else it can be
            (1, Some(2), true, false, false),  // ① under 2 › (1)
            (3, Some(2), true, false, false),  // ③ under 2 › (1), a measure follows
            (3, Some(2), true, true, true),    // part 3, opening with its ⑴
            (1, Some(2), true, true, false),   // after part 2, a bare 1 is not part 1
            (3, Some(2), false, false, true),  // directly under part 2: the next part
            (1, Some(2), false, false, false), // directly under part 2: ① with its group skipped
        ];
        for (number, part, group, next_first, expected) in cases {
            assert_eq!(
                resolve_bare_number(number, part, group, next_first),
                expected,
                "{number} with part {part:?}, group open {group}, next ⑴ {next_first}"
            );
        }
    }

    #[test]
    fn text_lines_are_not_tokens() {
        assert_eq!(token("（サバイ"), None);
        assert_eq!(token("2040年"), None);
        assert_eq!(token("123"), None);
        assert_eq!(token("0"), None);
        assert_eq!(token("①精神科医療機関"), None);
        assert_eq!(token("（アイ）"), None);
        assert_eq!(token(""), None);
    }
}

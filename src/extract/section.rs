//! 項目 section numbers: the tokens that head a section of a 取組一覧 and the path they build.
//!
//! A path is normalized so that the same section compares equal however it was printed:
//! ⑴, （１） and (1) are `(1)`; （ア） is `(ア)`; ① stays `①`; a chapter number `第2 2` or `２`
//! is `2`.

use serde::{Deserialize, Serialize};

use crate::source::normalize::ascii_digits;

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

/// Recognizes a line that consists of a section token alone.
pub fn parse_section_token(line: &str) -> Option<SectionToken> {
    let text = line.trim();
    let mut chars = text.chars();
    let first = chars.next()?;
    if chars.clone().next().is_none() {
        match first {
            '\u{2474}'..='\u{2487}' => {
                let number = first as u32 - 0x2474 + 1;
                return Some(SectionToken {
                    depth: 1,
                    token: format!("({number})"),
                });
            }
            '\u{2460}'..='\u{2473}' => {
                return Some(SectionToken {
                    depth: 2,
                    token: first.to_string(),
                })
            }
            _ => {}
        }
    }
    if let Some(inner) = strip_parentheses(text) {
        if let Some(digits) = ascii_digits(inner) {
            if digits.len() <= 2 {
                return Some(SectionToken {
                    depth: 1,
                    token: format!("({})", digits.trim_start_matches('0')),
                });
            }
        }
        let mut inner_chars = inner.chars();
        if let (Some(kana), None) = (inner_chars.next(), inner_chars.next()) {
            if ('ア'..='ン').contains(&kana) {
                return Some(SectionToken {
                    depth: 3,
                    token: format!("({kana})"),
                });
            }
        }
        return None;
    }
    // A chapter prefix such as 「第2」 may precede the number: `第2 2`.
    let number = match text.strip_prefix('第') {
        Some(rest) => {
            let split = rest.find([' ', '\u{3000}'])?;
            ascii_digits(&rest[..split])?;
            rest[split..].trim()
        }
        None => text,
    };
    let digits = ascii_digits(number)?;
    (digits.len() <= 2).then(|| SectionToken {
        depth: 0,
        token: digits.trim_start_matches('0').to_owned(),
    })
}

fn strip_parentheses(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('（').or_else(|| text.strip_prefix('('))?;
    inner.strip_suffix('）').or_else(|| inner.strip_suffix(')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(line: &str) -> Option<(usize, String)> {
        parse_section_token(line).map(|t| (t.depth, t.token))
    }

    #[test]
    fn tokens_of_every_printed_form_normalize() {
        assert_eq!(token("第2 2"), Some((0, "2".into())));
        assert_eq!(token("3"), Some((0, "3".into())));
        assert_eq!(token("３"), Some((0, "3".into())));
        assert_eq!(token("⑴"), Some((1, "(1)".into())));
        assert_eq!(token(" ⑶"), Some((1, "(3)".into())));
        assert_eq!(token("（１）"), Some((1, "(1)".into())));
        assert_eq!(token("(12)"), Some((1, "(12)".into())));
        assert_eq!(token("①"), Some((2, "①".into())));
        assert_eq!(token(" （ア）"), Some((3, "(ア)".into())));
        assert_eq!(token("(ウ)"), Some((3, "(ウ)".into())));
    }

    #[test]
    fn text_lines_are_not_tokens() {
        assert_eq!(token("（サバイ"), None);
        assert_eq!(token("2040年"), None);
        assert_eq!(token("123"), None);
        assert_eq!(token("①精神科医療機関"), None);
        assert_eq!(token("（アイ）"), None);
        assert_eq!(token(""), None);
    }
}

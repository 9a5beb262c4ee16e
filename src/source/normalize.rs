//! Text normalization: the one place that decides when two pieces of document text are "the
//! same", and how wide a line is.
//!
//! Invariant: [`comparison_key`] is the only normalization used for identity and for checking
//! quotes against documents; display text keeps the original characters (only
//! [`fold_compatibility_ideographs`] is applied to it, because a Kangxi radical printed for 支 is
//! an extraction artefact, not the author's character).

use super::ideograph_table::COMPATIBILITY_IDEOGRAPHS;

/// Bullet glyphs a 取組一覧 uses for one item; unified to `○` in comparison keys.
pub const BULLET_GLYPHS: &[char] = &['○', '〇', '◯', '・', '●', '･'];

/// Maps a compatibility ideograph or radical (⽀ U+2F40, ⻭ U+2EED, 﨑 U+FA11 …) to the unified
/// ideograph it stands for; every other character is returned unchanged.
pub fn unified_ideograph(character: char) -> char {
    let code = character as u32;
    let in_table_ranges = (0x2E80..=0x2FDF).contains(&code)
        || (0xF900..=0xFAFF).contains(&code)
        || (0x2F800..=0x2FA1F).contains(&code);
    if !in_table_ranges {
        return character;
    }
    match COMPATIBILITY_IDEOGRAPHS.binary_search_by_key(&character, |&(from, _)| from) {
        Ok(index) => COMPATIBILITY_IDEOGRAPHS[index].1,
        Err(_) => character,
    }
}

/// Replaces compatibility ideographs with the unified ideographs they stand for.
pub fn fold_compatibility_ideographs(text: &str) -> String {
    text.chars().map(unified_ideograph).collect()
}

/// Folds full-width ASCII (ＡＹＡ, １６) to half-width; the ideographic space becomes a space.
pub fn fold_full_width_ascii(character: char) -> char {
    match character {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(character as u32 - 0xFEE0).unwrap_or(character),
        '\u{3000}' => ' ',
        _ => character,
    }
}

/// The key under which two texts compare equal: all whitespace and line breaks removed,
/// full-width ASCII folded to half-width, bullet glyphs unified to `○`, compatibility
/// ideographs folded. Circled (①) and parenthesized (⑴) numerals are kept: they carry meaning.
pub fn comparison_key(text: &str) -> String {
    text.chars()
        .map(unified_ideograph)
        .map(fold_full_width_ascii)
        .filter(|c| !c.is_whitespace())
        .map(|c| if BULLET_GLYPHS.contains(&c) { '○' } else { c })
        .collect()
}

/// Display width in columns, as a stand-in for the printed width of a PDF line: ASCII and
/// half-width forms count 1, everything else 2. East Asian "ambiguous" characters (○ ① ⑴) are
/// printed full-width in Japanese documents, so they count 2 as well.
pub fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0..=0x10FF => 1,
            0xFF61..=0xFF9F => 1,
            _ => 2,
        })
        .sum()
}

/// Half-width digits of a string of ASCII or full-width digits, or `None` if any other
/// character is present.
pub fn ascii_digits(text: &str) -> Option<String> {
    let folded: String = text.chars().map(fold_full_width_ascii).collect();
    (!folded.is_empty() && folded.chars().all(|c| c.is_ascii_digit())).then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_and_supplement_radicals_compare_equal_to_their_ideographs() {
        assert_eq!(unified_ideograph('⽀'), '支');
        assert_eq!(unified_ideograph('⾏'), '行');
        assert_eq!(unified_ideograph('⻭'), '歯');
        assert_eq!(unified_ideograph('支'), '支');
        assert_eq!(
            comparison_key("がん診療を⾏う医療機関における⽀持療法"),
            comparison_key("がん診療を行う医療機関における支持療法")
        );
    }

    #[test]
    fn comparison_key_ignores_wrapping_width_and_bullet_style() {
        assert_eq!(
            comparison_key("○小児・ＡＹＡ世代の\nがん患者　等"),
            comparison_key("〇小児・AYA世代のがん患者等")
        );
        // ・ is both a bullet and the middle dot of 健康・生活衛生局: both become ○ so equality
        // is kept either way.
        assert_ne!(comparison_key("①"), comparison_key("1"));
        assert_ne!(comparison_key("⑴"), comparison_key("(1)"));
    }

    #[test]
    fn display_width_counts_full_width_as_two() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("国は"), 4);
        assert_eq!(display_width("○①"), 4);
        assert_eq!(display_width("ｱ"), 1);
    }

    #[test]
    fn ascii_digits_folds_full_width() {
        assert_eq!(ascii_digits("９２").as_deref(), Some("92"));
        assert_eq!(ascii_digits("92回"), None);
        assert_eq!(ascii_digits(""), None);
    }
}

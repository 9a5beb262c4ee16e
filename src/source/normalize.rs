//! Text normalization: the one place that decides when two pieces of document text are "the
//! same", and how wide a line is.
//!
//! Invariant: [`comparison_key`] is the only normalization used for identity and for checking
//! quotes against documents; display text keeps the original characters (only
//! [`fold_compatibility_ideographs`] is applied to it, because a Kangxi radical printed for 支 is
//! an extraction artefact, not the author's character).

use unicode_normalization::UnicodeNormalization;

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
    COMPATIBILITY_IDEOGRAPHS
        .binary_search_by_key(&character, |&(from, _)| from)
        .ok()
        .and_then(|index| COMPATIBILITY_IDEOGRAPHS.get(index))
        .map_or(character, |&(_, unified)| unified)
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

/// Folds every printed form of a character to one: compatibility ideographs to unified ones,
/// then Unicode NFKC (full-width ASCII and half-width katakana and punctuation to their usual
/// forms, ① to 1, ⑴ to (1), the ideographic space to a space), and the wave dash 〜 to ~ (CP932
/// decoders disagree on it). Another PDF-to-text tool may print any of these forms for the same
/// glyph, so whatever decides "the same" goes through this; display text does not.
pub fn fold_width(text: &str) -> String {
    // Most characters are ones NFKC leaves alone (ASCII, kana, kanji, CJK punctuation): runs of
    // them are copied whole; only the others pay for a character's fold, and a text with one
    // that does not fold alone (a combining mark, a ligature) for NFKC of the whole text — which
    // otherwise dominates extraction and replay time.
    folded_by_runs(text, kept_by_fold, |folded, simple| folded.push(simple))
        .unwrap_or_else(|| fold_width_by_nfkc(text))
}

/// `text` with each run of characters `keep` holds copied whole and every other character
/// folded alone ([`fold_alone`]) and handed to `push`; `None` when a character does not fold
/// alone (the caller folds the whole text instead). The one loop of [`fold_width`] and
/// [`comparison_key`].
#[inline]
fn folded_by_runs(
    text: &str,
    keep: impl Fn(char) -> bool,
    mut push: impl FnMut(&mut String, char),
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let mut at = 0;
    loop {
        at += run_of(text.get(at..).unwrap_or_default(), &keep);
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        out.push_str(text.get(run..at).unwrap_or_default());
        at += c.len_utf8();
        run = at;
        push(&mut out, fold_alone(c)?);
    }
    out.push_str(text.get(run..).unwrap_or_default());
    Some(out)
}

/// The length in bytes of the longest start of `text` whose characters `keep` holds. The
/// characters Japanese text is mostly made of are told from their bytes ([`plain_len`]), not
/// decoded and matched one range after another: the folds read every character of every
/// line of a document, several times over, and `verify --deep` does it for every document.
#[inline]
fn run_of(text: &str, keep: impl Fn(char) -> bool) -> usize {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let plain = plain_len(bytes.get(at..).unwrap_or_default());
        if plain > 0 {
            at += plain;
            continue;
        }
        match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if keep(c) => at += c.len_utf8(),
            _ => break,
        }
    }
    at
}

/// The UTF-8 length of the character `bytes` starts with when it is plain — its own
/// comparison key ([`is_own_key`]) and left as it is by [`fold_width`] ([`kept_by_fold`]) —
/// and ASCII or a three-byte character of U+3000–U+9FFF (kana, CJK punctuation, unified
/// ideographs: most of any Japanese text); 0 otherwise, and the character is decoded and
/// asked. The three-byte ones are looked up in a bitmap built from the two rules, not matched
/// against their ranges one after another: kana and kanji alternate in prose, and each range
/// test was a branch mispredicted.
#[inline]
fn plain_len(bytes: &[u8]) -> usize {
    match *bytes {
        [ascii, ..] if ascii < 0x80 => usize::from(matches!(ascii, 0x21..=0x7E)),
        [lead @ 0xE3..=0xE9, second, third, ..] => {
            let code = (usize::from(lead & 0x0F) << 12)
                | (usize::from(second & 0x3F) << 6)
                | usize::from(third & 0x3F);
            let offset = code - PLAIN_FROM as usize;
            let word = PLAIN_CJK.get(offset / 64).copied().unwrap_or(0);
            3 * ((word >> (offset % 64)) & 1) as usize
        }
        _ => 0,
    }
}

/// The first code point of [`PLAIN_CJK`] (U+3000; the lead byte 0xE3 starts there).
const PLAIN_FROM: u32 = 0x3000;

/// One bit for each code point U+3000–U+9FFF: whether it is plain (see [`plain_len`]).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated while compiling: an index out of range fails the build"
)]
const PLAIN_CJK: [u64; 0x7000 / 64] = {
    let mut words = [0u64; 0x7000 / 64];
    let mut offset = 0;
    while offset < 0x7000 {
        if let Some(c) = char::from_u32(PLAIN_FROM + offset as u32) {
            if is_own_key(c) && kept_by_fold(c) {
                words[offset / 64] |= 1 << (offset % 64);
            }
        }
        offset += 1;
    }
    words
};

/// A character [`fold_width`] leaves as it is: one NFKC leaves alone ([`is_nfkc_stable`], which
/// holds no compatibility ideograph) other than the wave dash.
#[inline]
const fn kept_by_fold(c: char) -> bool {
    is_nfkc_stable(c) && c as u32 != 0x301C
}

/// [`fold_width`] of a character that folds alone, whatever stands beside it; `None` for one
/// that needs NFKC of the whole text.
pub(crate) fn fold_alone(c: char) -> Option<char> {
    let unified = unified_ideograph(c);
    nfkc_of_simple(unified)
        .or_else(|| left_alone_by_nfkc(unified))
        .map(fold_dashes)
}

/// The wave dash and the minus sign as their ASCII forms (CP932 decoders disagree on both).
fn fold_dashes(c: char) -> char {
    match c {
        '\u{301C}' => '~',
        '\u{2212}' => '-',
        other => other,
    }
}

/// [`fold_width`] through NFKC itself, whatever the characters.
fn fold_width_by_nfkc(text: &str) -> String {
    let unified: String = text.chars().map(unified_ideograph).collect();
    unified.nfkc().map(fold_dashes).collect()
}

/// A character NFKC leaves as it is wherever it stands among the characters [`fold_width`]
/// folds one by one: a starter (combining class 0) whose NFKC quick-check property is Yes — so
/// it has no compatibility decomposition and is never the second of a composed pair (those are
/// Maybe) — such as ※, → or the Hangul syllables. Nothing it could compose with is among those
/// characters (a combining mark is not), so the text's NFKC keeps it.
fn left_alone_by_nfkc(c: char) -> Option<char> {
    use unicode_normalization::{char::canonical_combining_class, is_nfkc_quick, IsNormalized};
    (canonical_combining_class(c) == 0 && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes)
        .then_some(c)
}

/// NFKC of a character that normalises alone and composes with nothing beside it: a stable one
/// ([`is_nfkc_stable`]) is itself, a full-width ASCII form (！ to ～) its ASCII character, the
/// ideographic space a space. `None` for every other character. A test checks these against NFKC.
fn nfkc_of_simple(c: char) -> Option<char> {
    if is_nfkc_stable(c) {
        return Some(c);
    }
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Characters that NFKC leaves as they are, alone or beside one another: starters with no
/// compatibility decomposition that compose with nothing in these ranges — ASCII, the kana
/// (not the combining or compatibility sound marks, not ゟ ヿ), CJK punctuation and brackets
/// (not the ideographic space), unified ideographs, and the box and shape glyphs bullets use.
/// A test checks every character of the ranges against NFKC itself.
#[inline]
const fn is_nfkc_stable(c: char) -> bool {
    matches!(c,
        '\u{0009}' | '\u{000A}' | '\u{000D}' | '\u{0020}'..='\u{007E}'
        | '\u{3001}'..='\u{3003}' | '\u{3005}'..='\u{301C}'
        | '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}'
        | '\u{30A1}'..='\u{30FE}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{2500}'..='\u{25FF}')
}

/// The key under which two texts compare equal: [`fold_width`], then all whitespace and line
/// breaks removed and bullet glyphs unified to `○`. It is the same for a text and for its NFKC
/// form (a property test holds this), so an NFKC-normalising extractor's output compares equal
/// to the PDF's own characters.
pub fn comparison_key(text: &str) -> String {
    // One pass, runs of characters that are their own key copied whole (see [`fold_width`]); a
    // text with a character that does not fold alone is folded whole first.
    folded_by_runs(text, is_own_key, |key, folded| {
        key.extend(key_of_folded(folded))
    })
    .unwrap_or_else(|| fold_width(text).chars().filter_map(key_of_folded).collect())
}

/// Whether a character is its own key: folding keeps it and the key keeps it as it is (not a
/// space, an invisible character or a bullet glyph) — `kept_by_fold(c) && key_of_folded(c) ==
/// Some(c)`, spelled out over [`is_nfkc_stable`]'s ranges because it is asked of every
/// character of every text compared (a document's every line, several times over); a test
/// holds the two equal for every character.
#[inline]
const fn is_own_key(c: char) -> bool {
    match c {
        '\u{0021}'..='\u{007E}'
        | '\u{3001}'..='\u{3003}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309D}'..='\u{309E}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' => true,
        // 〇 keys as the bullet ○; the wave dash (U+301C) folds to `~`.
        '\u{3005}'..='\u{301B}' => !matches!(c, '〇'),
        '\u{30A1}'..='\u{30FE}' => !matches!(c, '・'),
        // The other bullet glyphs key as ○.
        '\u{2500}'..='\u{25FF}' => !matches!(c, '◯' | '●'),
        _ => false,
    }
}

/// What a folded character is in a comparison key: nothing for whitespace and invisible
/// characters, `○` for a bullet glyph, itself otherwise.
fn key_of_folded(c: char) -> Option<char> {
    if c.is_whitespace() || is_invisible(c) {
        None
    } else if BULLET_GLYPHS.contains(&c) {
        Some('○')
    } else {
        Some(c)
    }
}

/// Whether `text` has a comparison key that is not empty (something other than spaces and
/// invisible characters), decided from its first such character without folding the text when
/// its characters fold one by one — a check made for every quote `verify` reads.
pub fn has_comparison_key(text: &str) -> bool {
    for c in text.chars() {
        match fold_alone(c) {
            // NFKC of the whole text keeps it, or composes it with a mark into another letter.
            Some(folded) if key_of_folded(folded).is_some() => return true,
            Some(_) => {}
            None => return !comparison_key(text).is_empty(),
        }
    }
    false
}

/// [`comparison_key`] without allocating when the text is already its own key: every character
/// one NFKC leaves alone, none a space, a bullet glyph, a compatibility ideograph or a wave dash
/// — most lines of a document. Callers that key every line use this.
pub fn comparison_key_cow(text: &str) -> std::borrow::Cow<'_, str> {
    if run_of(text, is_own_key) == text.len() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(comparison_key(text))
    }
}

/// Characters a text extraction emits that print nothing: a byte-order mark inside the text,
/// zero-width spaces and joiners.
fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'
    )
}

/// Hiragana, katakana (full- or half-width) or a kanji: what Japanese words are written in.
pub fn is_kana_or_kanji(character: char) -> bool {
    matches!(character as u32, 0x3041..=0x30FF | 0x3400..=0x9FFF | 0xFF66..=0xFF9F)
}

/// What precedes a line's content: a page break and indentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineLead {
    /// A form feed (the page break pdftotext prints) stands before the content.
    pub form_feed: bool,
    /// How many whitespace characters (half- or full-width spaces, tabs) stand before the
    /// content, form feeds and invisible characters not counted.
    pub indent: usize,
}

/// The one definition of a line's content, shared by extraction and by the check that a
/// statement's quote is at its lines: the line without leading and trailing whitespace of any
/// kind (half- and full-width spaces, tabs, form feeds, carriage returns) and invisible
/// characters (a byte-order mark, zero-width spaces), and what stood before it.
pub fn split_line(raw: &str) -> (LineLead, &str) {
    let mut lead = LineLead::default();
    let mut content_start = raw.len();
    for (at, character) in raw.char_indices() {
        match character {
            '\u{000C}' => lead.form_feed = true,
            '\r' => {}
            c if is_invisible(c) => {}
            c if c.is_whitespace() => lead.indent += 1,
            _ => {
                content_start = at;
                break;
            }
        }
    }
    let content =
        raw[content_start..].trim_end_matches(|c: char| c.is_whitespace() || is_invisible(c));
    (lead, content)
}

/// A line's content: see [`split_line`].
pub fn line_content(raw: &str) -> &str {
    split_line(raw).1
}

/// Whether a line's content is spaced out (均等割付: 「患 者 本 位 の」, 「【医 政 局】」), as
/// PDFs print headings and short cells to fill their width: at least three pieces between
/// spaces, each at most one letter (kana, kanji, digit or Latin letter) beside brackets and
/// punctuation, at least two of them kana or kanji. Japanese prose never separates its
/// characters so; a line of spaced Latin or digits alone (「1 2 3」) is not taken.
pub fn is_spaced_out(content: &str) -> bool {
    // One pass that stops at a piece's second letter: a line of prose (most lines, asked of
    // every line of every document) is answered after its first two letters, not after
    // reading to its end for the end of its first piece.
    let mut pieces = 0;
    let mut kana_or_kanji = 0;
    let mut letters_in_piece: Option<u8> = None;
    for c in content.chars() {
        if c.is_whitespace() {
            letters_in_piece = None;
            continue;
        }
        let letters = letters_in_piece.get_or_insert_with(|| {
            pieces += 1;
            0
        });
        let letter = unified_ideograph(c);
        if !letter.is_alphanumeric() {
            continue;
        }
        if *letters == 1 {
            return false;
        }
        *letters = 1;
        if is_kana_or_kanji(letter) {
            kana_or_kanji += 1;
        }
    }
    pieces >= 3 && kana_or_kanji >= 2
}

/// The text with every spaced-out line ([`is_spaced_out`]) closed up (「患者本位の」), each
/// line's leading whitespace and the line breaks kept, so line numbers and page marks are as
/// printed. Borrowed when no line is spaced out. Comparison keys drop spaces anyway; this is
/// for the rules that read a line's shape (a bureau header, a section title's words).
pub fn close_up_spaced_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.split('\n').any(|raw| is_spaced_out(line_content(raw))) {
        return std::borrow::Cow::Borrowed(text);
    }
    let closed: Vec<std::borrow::Cow<'_, str>> = text
        .split('\n')
        .map(|raw| {
            let content = line_content(raw);
            if !is_spaced_out(content) {
                return std::borrow::Cow::Borrowed(raw);
            }
            let lead_end = raw.len()
                - raw
                    .trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c))
                    .len();
            let mut line = raw[..lead_end].to_owned();
            line.extend(content.split(|c: char| c.is_whitespace()));
            std::borrow::Cow::Owned(line)
        })
        .collect();
    std::borrow::Cow::Owned(closed.join("\n"))
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
    // Asked of every candidate a date search meets: most are not digits, and are answered
    // before anything is written.
    (!text.is_empty()
        && text
            .chars()
            .all(|c| fold_full_width_ascii(c).is_ascii_digit()))
    .then(|| text.chars().map(fold_full_width_ascii).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_is_its_own_key_exactly_when_folding_and_keying_keep_it() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_own_key(c),
                kept_by_fold(c) && key_of_folded(c) == Some(c),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
    }

    #[test]
    fn a_character_told_plain_from_its_bytes_is_its_own_key_and_kept_by_the_fold() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let encoded = c.to_string();
            let plain = plain_len(encoded.as_bytes());
            assert!(
                plain == 0 || (plain == encoded.len() && is_own_key(c) && kept_by_fold(c)),
                "{c:?} (U+{:04X}) told plain wrongly",
                c as u32
            );
        }
        // What the byte rule is for: every character of prose that is its own key is read
        // without decoding (a rule that fell back to decoding everything would still be right,
        // and as slow as before).
        let prose =
            "国及び都道府県は、がん医療が高度化する中で「2040年」インフォームド・コンセント（案）";
        for c in prose.chars() {
            let plain = plain_len(c.to_string().as_bytes()) > 0;
            assert_eq!(plain, is_own_key(c), "{c:?} (U+{:04X})", c as u32);
        }
    }

    /// The folds as first written: every character through NFKC's simple forms, or the whole
    /// text through NFKC; then the key's filter over the folded text.
    fn fold_width_reference(text: &str) -> String {
        let mut folded = String::new();
        for c in text.chars() {
            let unified = unified_ideograph(c);
            match nfkc_of_simple(unified).or_else(|| left_alone_by_nfkc(unified)) {
                Some(simple) => folded.push(fold_dashes(simple)),
                None => return fold_width_by_nfkc(text),
            }
        }
        folded
    }

    fn comparison_key_reference(text: &str) -> String {
        fold_width_reference(text)
            .chars()
            .filter(|c| !c.is_whitespace() && !is_invisible(*c))
            .map(|c| if BULLET_GLYPHS.contains(&c) { '○' } else { c })
            .collect()
    }

    #[test]
    fn the_one_pass_folds_equal_the_folds_character_by_character() {
        let cases = [
            "",
            "国は、拠点病院等を中心に体制整備を推進する。",
            "○令和６年12月から　「がん診療提供体制」〜 ２０４０年",
            "項⽬番号 項 目 番 号 﨑 ⻭",
            "・ ● ◯ 〇 ･ ○ −１ ～",
            "ﬁ ﾊﾟ ｶﾞ が ㈱ ① ⑴ ㍻",
            "e\u{301}\u{200B}\u{FEFF}x\t\r\n",
            "ABC abc 123 !~ \u{7F}\u{0}",
        ];
        for text in cases {
            assert_eq!(fold_width(text), fold_width_reference(text), "{text:?}");
            assert_eq!(
                comparison_key(text),
                comparison_key_reference(text),
                "{text:?}"
            );
        }
        // Every character of the planes documents use, alone and between kept ones.
        let characters = ('\u{0}'..='\u{FFFF}').chain('\u{2F800}'..='\u{2FA1F}');
        for c in characters {
            for text in [c.to_string(), format!("国{c}a ")] {
                assert_eq!(fold_width(&text), fold_width_reference(&text), "{c:?}");
                assert_eq!(
                    comparison_key(&text),
                    comparison_key_reference(&text),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn a_line_that_is_its_own_key_is_borrowed_and_equals_the_key() {
        for text in [
            "国は、拠点病院等を中心に体制整備を推進する。",
            "項目番号",
            "○令和６年12月から",
            "（ア）",
            "項⽬番号",
            "項 目 番 号",
            "〜",
            "ABC",
        ] {
            let cow = comparison_key_cow(text);
            assert_eq!(cow, comparison_key(text), "{text}");
        }
        assert!(matches!(
            comparison_key_cow("国は、推進する。"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_simple_forms_fold_as_nfkc_folds_them_alone_and_beside_others() {
        for c in ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']) {
            let simple = nfkc_of_simple(c).expect("full-width ASCII and the ideographic space");
            for (before, after) in [("", ""), ("か", "一"), ("a", "。"), ("○", "ア")] {
                let text = format!("{before}{c}{after}");
                assert_eq!(
                    text.nfkc().collect::<String>(),
                    format!("{before}{simple}{after}"),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        // Others go through NFKC whole: 「１ｱ①」 folds as NFKC does, half-width kana composed.
        assert_eq!(fold_width("１ｱ①ﾊﾟ"), "1ア1パ");
        assert_eq!(nfkc_of_simple('ｱ'), None);
    }

    #[test]
    fn having_a_key_is_the_key_not_being_empty() {
        for text in [
            "",
            " ",
            "\u{3000}\u{200B}\u{FEFF}",
            "\u{200B}a",
            "　（１）",
            "\u{3099}",
            " \u{301}",
            "①",
            "※",
            "\u{2060}\u{200D} 国",
            "\t\n",
        ] {
            assert_eq!(
                has_comparison_key(text),
                !comparison_key(text).is_empty(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn folding_character_by_character_is_folding_by_nfkc() {
        let texts = [
            "※　注：がん検診の受診率（％）→５０％以上",
            "①②　㈱　㍻　ｶﾞｲﾄﾞ　ﾊﾟ",
            "か\u{3099}と\u{309A}　한국어 한\u{11A8}",
            "e\u{301}\u{323} \u{1E0B}\u{323} Å Ω ﬁ",
            "〜−～ ‐‑ “引用” 『書名』 …… ‥",
            "丼\u{F91B}\u{2F800} 神\u{FA19}",
        ];
        for text in texts {
            assert_eq!(fold_width(text), fold_width_by_nfkc(text), "{text}");
            for (at, _) in text.char_indices() {
                let (head, tail) = text.split_at(at);
                for part in [head, tail] {
                    assert_eq!(fold_width(part), fold_width_by_nfkc(part), "{part}");
                }
            }
        }
    }

    #[test]
    fn the_characters_taken_as_nfkc_stable_are_left_alone_by_nfkc() {
        let stable: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| is_nfkc_stable(*c))
            .collect();
        assert!(stable.len() > 20_000);
        for c in &stable {
            let alone = c.to_string();
            assert_eq!(
                alone.nfkc().collect::<String>(),
                alone,
                "U+{:04X}",
                *c as u32
            );
            // Beside each other too: no two of them compose.
            for other in ['か', 'ア', '一', 'a', '○', '。'] {
                let pair: String = [*c, other].iter().collect();
                assert_eq!(pair.nfkc().collect::<String>(), pair, "U+{:04X}", *c as u32);
            }
        }
        // And the ones that are not stable are not taken as such.
        for c in [
            '\u{3000}', '\u{3099}', '\u{309B}', '\u{309F}', '\u{30FF}', '１', 'ｱ', '①', '⑴',
        ] {
            assert!(!is_nfkc_stable(c), "U+{:04X}", c as u32);
        }
    }

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
    }

    #[test]
    fn comparison_key_is_the_same_for_every_printed_form() {
        // What an NFKC-normalising extractor prints for the PDF's characters.
        for (printed, other) in [
            ("①精神科医療機関", "1精神科医療機関"),
            ("⑴がん診療", "(1)がん診療"),
            ("｢がん対策｣ｶﾞｲﾄﾞﾗｲﾝ｡", "「がん対策」ガイドライン。"),
            ("令和５～７年度", "令和5〜7年度"),
            ("〇ＡＹＡ世代", "○AYA世代"),
            ("\u{FEFF}国は、", "国は、"),
        ] {
            assert_eq!(comparison_key(printed), comparison_key(other), "{printed}");
        }
        assert_ne!(comparison_key("①"), comparison_key("②"));
    }

    #[test]
    fn a_line_content_is_the_same_whatever_leads_it() {
        let cases: &[(&str, LineLead, &str)] = &[
            (
                "○国は",
                LineLead {
                    form_feed: false,
                    indent: 0,
                },
                "○国は",
            ),
            (
                " 国は ",
                LineLead {
                    form_feed: false,
                    indent: 1,
                },
                "国は",
            ),
            (
                "\u{3000}国は",
                LineLead {
                    form_feed: false,
                    indent: 1,
                },
                "国は",
            ),
            (
                "\u{3000}\u{3000}・項目",
                LineLead {
                    form_feed: false,
                    indent: 2,
                },
                "・項目",
            ),
            (
                "\u{000C}○国は\r",
                LineLead {
                    form_feed: true,
                    indent: 0,
                },
                "○国は",
            ),
            (
                "\t\u{FEFF}○国は",
                LineLead {
                    form_feed: false,
                    indent: 1,
                },
                "○国は",
            ),
            (
                "\u{000C}",
                LineLead {
                    form_feed: true,
                    indent: 0,
                },
                "",
            ),
        ];
        for (raw, lead, content) in cases {
            assert_eq!(split_line(raw), (*lead, *content), "{raw:?}");
        }
    }

    #[test]
    fn spaced_out_lines_are_told_from_prose_and_numbers() {
        let cases = [
            ("患 者 本 位 の", true),
            ("【医 政 局】", true),
            ("【 医 政 局 】", true),
            ("実　現", false), // two pieces: too little to tell
            ("が ん 医 療 の", true),
            ("項 目 番 号", true),
            ("第 2 患 者", true),
            ("患者本位の", false),
            ("第2 2", false),
            ("見出し 「取り組むべき施策」の記載", false),
            ("1 2 3", false),
            ("A B C", false),
            ("○ 国 は、", true),
            ("○国は、がん医療 を 推進", false),
        ];
        for (line, spaced) in cases {
            assert_eq!(is_spaced_out(line), spaced, "{line}");
        }
    }

    #[test]
    fn closing_up_keeps_lines_leads_and_other_lines() {
        let text = "第2 2\n 患 者 本 位 の\r\n【医 政 局】\n○国は、推進する。";
        assert_eq!(
            close_up_spaced_lines(text),
            "第2 2\n 患者本位の\n【医政局】\n○国は、推進する。"
        );
        let plain = "患者本位の\n実現";
        assert!(matches!(
            close_up_spaced_lines(plain),
            std::borrow::Cow::Borrowed(_)
        ));
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

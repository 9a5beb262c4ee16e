//! What may reach a terminal: text output shows every control character a document or a
//! description holds as a visible escape (`\u{1b}`), so a title holding `ESC[2J`, an OSC
//! sequence or a carriage return cannot clear the screen, set the window's title or overwrite a
//! line with "verify ok".
//!
//! Invariant: text and CSV output pass through [`neutralised`]; JSON stays exact (its own
//! escaping is the reader's business) and HTML is escaped where it is built.

use std::borrow::Cow;

/// Whether a character would act on a terminal instead of printing: C0 controls but the line
/// break and the tab, DEL, C1 controls (U+0080–U+009F; U+009B is a CSI on its own), and the
/// bidirectional overrides and isolates, which reorder what is shown.
pub fn is_terminal_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether any character of `text` is a terminal control, read from its UTF-8 bytes: every
/// output passes here (a measure's history is megabytes), and decoding each character to ask
/// [`is_terminal_control`] was most of the cost. A control is a byte below 0x20 but the line
/// break and the tab, DEL, or the lead byte of a C1 control (0xC2 0x80–0x9F) or of a
/// bidirectional control (0xE2 0x80 0xAA–0xAE, 0xE2 0x81 0xA6–0xA9). Blocks of bytes are first
/// asked only whether they hold any such byte (a question the compiler answers many bytes at a
/// time); the few that do are read byte by byte. The test holds this equal to the characters'
/// own answer for every scalar value.
fn holds_terminal_control(text: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    // Whether the bytes from one place on start with a control.
    let control_starts = |rest: &[u8]| {
        matches!(
            rest,
            [0x00..=0x08 | 0x0b..=0x1f | 0x7f, ..]
                | [0xc2, 0x80..=0x9f, ..]
                | [0xe2, 0x80, 0xaa..=0xae, ..]
                | [0xe2, 0x81, 0xa6..=0xa9, ..]
        )
    };
    bytes.chunks(BLOCK).enumerate().any(|(block, chunk)| {
        let suspect = chunk.iter().fold(false, |suspect, &byte| {
            suspect
                | ((byte < 0x20) & (byte != b'\n') & (byte != b'\t'))
                | (byte == 0x7f)
                | (byte == 0xc2)
                | (byte == 0xe2)
        });
        let start = block * BLOCK;
        suspect
            && (start..start + chunk.len()).any(|at| bytes.get(at..).is_some_and(control_starts))
    })
}

/// The text with every terminal control shown as `\u{…}`; borrowed when there is none (all
/// output planledger writes itself).
pub fn neutralised(text: &str) -> Cow<'_, str> {
    if !holds_terminal_control(text) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_terminal_control(c) {
            shown.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_and_text_is_kept() {
        let cases = [
            ("第92回\n\t施策", "第92回\n\t施策"),
            ("\u{1b}[2J題名", "\\u{1b}[2J題名"),
            ("\u{1b}]0;title\u{7}x", "\\u{1b}]0;title\\u{7}x"),
            ("verify FAILED\rverify ok", "verify FAILED\\u{d}verify ok"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("a\u{7f}b", "a\\u{7f}b"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
        ];
        for (text, shown) in cases {
            assert_eq!(neutralised(text), shown, "{text:?}");
        }
        assert!(matches!(
            neutralised("国は、推進する。\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_control_is_found_wherever_it_falls_against_the_blocks_read() {
        let controls = [
            '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{202e}', '\u{2066}',
        ];
        let others = ['\n', '\t', '\u{a0}', '…', '○', '\u{2029}', '\u{206a}', '施'];
        for offset in 0..140 {
            let before = "x".repeat(offset);
            for c in controls {
                assert!(
                    holds_terminal_control(&format!("{before}{c}y")),
                    "{offset} {c:?}"
                );
            }
            for c in others {
                assert!(
                    !holds_terminal_control(&format!("{before}{c}y")),
                    "{offset} {c:?}"
                );
            }
        }
    }

    #[test]
    fn the_byte_reading_agrees_with_the_characters_for_every_scalar_value() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("施策{c}推進"), format!("{c}\n")] {
                assert_eq!(
                    holds_terminal_control(&text),
                    text.chars().any(is_terminal_control),
                    "U+{:04X} in {text:?}",
                    c as u32
                );
            }
        }
    }
}

//! Decoding a document's raw bytes into text.
//!
//! Ministry files come as UTF-8 (with or without a byte-order mark), Shift_JIS/CP932, EUC-JP, or
//! UTF-16 (with a byte-order mark, or without one when the text says so plainly). The raw bytes
//! are what the ledger hashes and stores; decoding only decides how they are read. Invariant:
//! decoding never guesses silently — bytes that fit no supported encoding are an error that
//! names the byte offset, never replacement characters; where two legacy encodings both decode
//! without error, the one whose text reads as Japanese wins (see [`japanese_share`]).

use encoding_rs::{Encoding, EUC_JP, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// The encoding a document was read with, recorded on its `DocumentIngested` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    ShiftJis,
    EucJp,
    Utf16Le,
    Utf16Be,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the file is empty: there is nothing to ingest")]
    Empty,
    #[error("the file holds only whitespace ({bytes} bytes): there is nothing to ingest")]
    Blank { bytes: usize },
    #[error("the file looks binary (a NUL byte at offset {offset}): planledger reads text extracted from PDFs, not the PDFs themselves")]
    Binary { offset: usize },
    #[error("the bytes are neither UTF-8 nor Shift_JIS/CP932 nor EUC-JP (first invalid byte at offset {offset}); convert the file to UTF-8")]
    Undecodable { offset: usize },
    #[error("the file starts with a {encoding} byte-order mark, but its bytes are not {encoding} (first invalid byte at offset {offset}{}); convert the file to UTF-8", if *odd_length { ", and an odd number of bytes" } else { "" })]
    NotAsMarked {
        encoding: &'static str,
        offset: usize,
        odd_length: bool,
    },
}

/// Decodes `bytes` to text, choosing the encoding from a byte-order mark, else UTF-8, else
/// UTF-16 without a mark (only for NUL-bearing bytes that read as text), else Shift_JIS (CP932,
/// as encoding_rs implements the WHATWG `Shift_JIS` decoder) or EUC-JP.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_length..).unwrap_or_default();
        let kind = if encoding == UTF_16LE {
            TextEncoding::Utf16Le
        } else if encoding == UTF_16BE {
            TextEncoding::Utf16Be
        } else {
            TextEncoding::Utf8Bom
        };
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| DecodeError::NotAsMarked {
                encoding: encoding.name(),
                offset: bom_length + first_invalid_offset(encoding, body),
                odd_length: encoding != encoding_rs::UTF_8 && body.len() % 2 == 1,
            })?;
        return finish(text.into_owned(), kind);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        // UTF-16 without a byte-order mark: NULs are the high bytes of ASCII. Accepted only
        // when nearly all of the decoded text is Japanese, ASCII or whitespace.
        let utf16 = [
            (UTF_16LE, TextEncoding::Utf16Le),
            (UTF_16BE, TextEncoding::Utf16Be),
        ]
        .into_iter()
        .filter(|_| bytes.len().is_multiple_of(2))
        .filter_map(|(encoding, kind)| {
            let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
            (japanese_share(&text) >= UTF16_MIN_TEXT_SHARE).then(|| (text.into_owned(), kind))
        })
        .next();
        return match utf16 {
            Some((text, kind)) => finish(text, kind),
            None => Err(DecodeError::Binary { offset }),
        };
    }
    // Checked with SIMD (a document is checked again by every `verify`); `compat` says where
    // bytes that are not UTF-8 go wrong, as std's check does.
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => finish(text.to_owned(), TextEncoding::Utf8),
        Err(utf8_error) => {
            let candidates: Vec<(String, TextEncoding)> = [
                (SHIFT_JIS, TextEncoding::ShiftJis),
                (EUC_JP, TextEncoding::EucJp),
            ]
            .into_iter()
            .filter_map(|(encoding, kind)| {
                let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
                Some((text.into_owned(), kind))
            })
            .collect();
            // EUC-JP bytes often decode as Shift_JIS too, into half-width katakana and stray
            // kanji: the reading with more Japanese text wins (Shift_JIS on a tie).
            match candidates
                .into_iter()
                .rev()
                .max_by(|a, b| japanese_share(&a.0).total_cmp(&japanese_share(&b.0)))
            {
                Some((text, kind)) => finish(text, kind),
                // Report the UTF-8 offset: UTF-8 is what we ask people to convert to.
                None => Err(DecodeError::Undecodable {
                    offset: utf8_error.valid_up_to(),
                }),
            }
        }
    }
}

/// Share of text a BOM-less UTF-16 reading must have in [`japanese_share`]'s classes.
const UTF16_MIN_TEXT_SHARE: f64 = 0.9;

/// The share of characters that are what a Japanese document is made of: hiragana, full-width
/// katakana, common kanji, Japanese punctuation and full-width forms, ASCII printables and
/// whitespace. Half-width katakana and rarer characters — what a wrong legacy decoding produces —
/// count against.
fn japanese_share(text: &str) -> f64 {
    let (mut good, mut all) = (0usize, 0usize);
    for c in text.chars() {
        all += 1;
        let ordinary = matches!(c as u32,
            0x09 | 0x0A | 0x0D | 0x20..=0x7E
            | 0x3000..=0x30FF   // punctuation, hiragana, katakana
            | 0x4E00..=0x9FFF   // CJK unified ideographs
            | 0xFF01..=0xFF5E   // full-width ASCII
            | 0x2460..=0x24FF   // circled and parenthesized numbers
            | 0x25A0..=0x25FF   // ○ □ ◯ …
            | 0x2010..=0x203B); // dashes, quotes, ※
        if ordinary {
            good += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        good as f64 / all as f64
    }
}

fn finish(text: String, kind: TextEncoding) -> Result<(String, TextEncoding), DecodeError> {
    if let Some(offset) = text.find('\0') {
        return Err(DecodeError::Binary { offset });
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Blank { bytes: text.len() });
    }
    Ok((text, kind))
}

/// The byte offset of the first malformed sequence, in one pass over the bytes (the error path
/// of a file of any size must stay linear): the decoder says how many bytes it read and how far
/// before their end the malformed sequence stood.
fn first_invalid_offset(encoding: &'static Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(64 * 1024);
    let mut consumed = 0;
    loop {
        out.clear();
        let Some(rest) = body.get(consumed..) else {
            return body.len();
        };
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        consumed += read;
        match result {
            encoding_rs::DecoderResult::Malformed(bad, extra) => {
                return consumed.saturating_sub(usize::from(bad) + usize::from(extra));
            }
            encoding_rs::DecoderResult::InputEmpty => return body.len(),
            encoding_rs::DecoderResult::OutputFull => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_decode_to_the_same_text() {
        let plain = "国は、検討する。\n".as_bytes().to_vec();
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(&plain);
        assert_eq!(
            decode(&plain).unwrap(),
            ("国は、検討する。\n".to_owned(), TextEncoding::Utf8)
        );
        assert_eq!(decode(&with_bom).unwrap().0, "国は、検討する。\n");
        assert_eq!(decode(&with_bom).unwrap().1, TextEncoding::Utf8Bom);
    }

    #[test]
    fn shift_jis_is_recognised_when_the_bytes_are_not_utf8() {
        let (bytes, _, _) = SHIFT_JIS.encode("【健康・生活衛生局がん・疾病対策課】\n○令和６年");
        let (text, kind) = decode(&bytes).unwrap();
        assert_eq!(text, "【健康・生活衛生局がん・疾病対策課】\n○令和６年");
        assert_eq!(kind, TextEncoding::ShiftJis);
    }

    #[test]
    fn euc_jp_is_recognised_and_not_misread_as_shift_jis() {
        for text in [
            "【健康・生活衛生局がん・疾病対策課】\n○令和６年12月から、がん診療提供体制のあり方に関する検討会を開催した。",
            // These bytes also decode as Shift_JIS without error, into 「､ﾎﾀｰﾈﾋ､ﾄ､､､ﾆ」.
            "の整備について",
            "令和６年度",
        ] {
            let (bytes, _, unmappable) = EUC_JP.encode(text);
            assert!(!unmappable);
            assert_eq!(decode(&bytes).unwrap(), (text.to_owned(), TextEncoding::EucJp));
        }
        assert!(SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(&EUC_JP.encode("の整備について").0)
            .is_some());
    }

    #[test]
    fn utf16_without_bom_is_decoded_when_it_reads_as_text() {
        let text = "第92回がん対策推進協議会\n国は、検討する。\n";
        let little: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(
            decode(&little).unwrap(),
            (text.to_owned(), TextEncoding::Utf16Le)
        );
        assert_eq!(
            decode(&big).unwrap(),
            (text.to_owned(), TextEncoding::Utf16Be)
        );
        // Binary with NULs stays binary.
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary { offset: 8 })
        );
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "国は".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes).unwrap(),
            ("国は".to_owned(), TextEncoding::Utf16Le)
        );
    }

    #[test]
    fn empty_binary_and_undecodable_input_are_errors_with_offsets() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\n"), Err(DecodeError::Blank { bytes: 3 }));
        assert_eq!(decode(b"abc\0def"), Err(DecodeError::Binary { offset: 3 }));
        // 0xFF is invalid in UTF-8 and is no Shift_JIS lead byte.
        assert_eq!(
            decode(b"ok \xff"),
            Err(DecodeError::Undecodable { offset: 3 })
        );
    }

    #[test]
    fn a_file_that_is_not_what_its_byte_order_mark_says_is_refused_naming_the_mark() {
        // UTF-16LE with a stray trailing byte, large enough that a byte-at-a-time search for
        // the offset would take minutes.
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "国は、推進する。\n".repeat(100_000).encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let end = bytes.len();
        bytes.push(b'x');
        let error = decode(&bytes).unwrap_err();
        assert_eq!(
            error,
            DecodeError::NotAsMarked {
                encoding: "UTF-16LE",
                offset: end,
                odd_length: true
            }
        );
        assert!(error.to_string().contains("UTF-16LE byte-order mark"));
        // A bad byte in the middle of a UTF-8 file with its mark is found where it stands.
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("国は".as_bytes());
        bytes.push(0xFF);
        bytes.extend_from_slice("推進".as_bytes());
        assert_eq!(
            decode(&bytes),
            Err(DecodeError::NotAsMarked {
                encoding: "UTF-8",
                offset: 9,
                odd_length: false
            })
        );
    }
}

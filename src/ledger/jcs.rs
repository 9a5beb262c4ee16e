//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte encoding that event hashes cover.
//!
//! Object members are sorted by their names' UTF-16 code units; strings use the minimal escapes
//! of ECMAScript's `JSON.stringify`; numbers are formatted as ECMAScript formats a double
//! (`ryu-js`). Tested against the published vectors in `tests/data/jcs`.

use std::ops::Range;

use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CanonicalError {
    #[error("the integer {0} cannot be represented exactly as an I-JSON number (beyond ±2^53)")]
    IntegerOutOfRange(String),
    #[error("{0} is not a finite number")]
    NotANumber(String),
}

/// The canonical bytes of `value`.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out.into_bytes())
}

fn write_value(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(number, out)?,
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            write_object(members, out, None)?;
        }
    }
    Ok(())
}

/// An object's members in name order; `marked` asks where the member of that name falls (see
/// [`canonicalize_marking`]).
fn write_object(
    members: &serde_json::Map<String, Value>,
    out: &mut String,
    marked: Option<(&str, &mut Option<Range<usize>>)>,
) -> Result<(), CanonicalError> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    // serde_json's map is in UTF-8 byte order, which is UTF-16 order unless names mix
    // characters above U+FFFF with ones from U+E000: sort only when it differs.
    let utf16 = |(a, _): &(&String, &Value), (b, _): &(&String, &Value)| {
        a.encode_utf16().cmp(b.encode_utf16())
    };
    if !sorted.is_sorted_by(|a, b| utf16(a, b).is_le()) {
        sorted.sort_by(utf16);
    }
    let (mark_name, mut mark) = match marked {
        Some((name, mark)) => (Some(name), Some(mark)),
        None => (None, None),
    };
    let count = sorted.len();
    out.push('{');
    for (index, (name, member)) in sorted.into_iter().enumerate() {
        let start = out.len();
        if index > 0 {
            out.push(',');
        }
        write_string(name, out);
        out.push(':');
        write_value(member, out)?;
        if mark_name == Some(name.as_str()) {
            if let Some(mark) = mark.as_deref_mut() {
                // The member and the comma that joins it: the one before it, or for the first
                // of several the one after it (written next).
                let end = out.len() + usize::from(index == 0 && count > 1);
                *mark = Some(start..end);
            }
        }
    }
    out.push('}');
    Ok(())
}

/// The canonical bytes of `value` and, when it is an object with a member `name`, the range of
/// those bytes that member takes (with the comma joining it to the others): the bytes around
/// the range are exactly the canonical bytes of the object without that member. One encoding
/// gives both what an event is stored as and what its hash covers (it without `hash`).
pub fn canonicalize_marking(
    value: &Value,
    name: &str,
) -> Result<(Vec<u8>, Option<Range<usize>>), CanonicalError> {
    let mut out = String::new();
    let mut mark = None;
    match value {
        Value::Object(members) => write_object(members, &mut out, Some((name, &mut mark)))?,
        other => write_value(other, &mut out)?,
    }
    Ok((out.into_bytes(), mark))
}

const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn write_number(number: &serde_json::Number, out: &mut String) -> Result<(), CanonicalError> {
    if let Some(unsigned) = number.as_u64() {
        if unsigned > MAX_SAFE_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(number.to_string()));
        }
        out.push_str(&unsigned.to_string());
    } else if let Some(signed) = number.as_i64() {
        if signed.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(number.to_string()));
        }
        out.push_str(&signed.to_string());
    } else {
        let Some(double) = number.as_f64().filter(|d| d.is_finite()) else {
            return Err(CanonicalError::NotANumber(number.to_string()));
        };
        if double == 0.0 {
            // ECMAScript prints -0 as "0".
            out.push('0');
        } else {
            out.push_str(ryu_js::Buffer::new().format_finite(double));
        }
    }
    Ok(())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    // Runs of characters written as they are go in whole: only `"`, `\\` and controls below
    // U+0020 are escaped, and each is one byte (never inside a multi-byte character), so every
    // cut below falls on a character boundary.
    let mut rest = text;
    while let Some(at) = rest
        .bytes()
        .position(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
        let Some((plain, escaped)) = rest.split_at_checked(at) else {
            break;
        };
        out.push_str(plain);
        let mut escaped = escaped.chars();
        match escaped.next() {
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\u{c}') => out.push_str("\\f"),
            Some('\r') => out.push_str("\\r"),
            Some(control) => out.push_str(&format!("\\u{:04x}", control as u32)),
            None => {}
        }
        rest = escaped.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_sort_by_utf16_code_units_not_utf8_bytes() {
        // U+FB33 sorts after U+1F602 in UTF-16 (0xD83D < 0xFB33) but before it in UTF-8.
        let value = json!({"\u{fb33}": 1, "\u{1f602}": 2, "a": 3});
        assert_eq!(
            String::from_utf8(canonicalize(&value).unwrap()).unwrap(),
            "{\"a\":3,\"\u{1f602}\":2,\"\u{fb33}\":1}"
        );
    }

    #[test]
    fn numbers_follow_ecmascript() {
        let value: Value =
            serde_json::from_str("[1E30, 4.50, 2e-3, -0.0, 100, 1e21, 1e-7]").unwrap();
        assert_eq!(
            String::from_utf8(canonicalize(&value).unwrap()).unwrap(),
            "[1e+30,4.5,0.002,0,100,1e+21,1e-7]"
        );
        assert!(canonicalize(&json!(9007199254740993u64)).is_err());
    }

    #[test]
    fn a_marked_member_cut_out_leaves_the_object_without_it() {
        let cases = [
            json!({"a": 1, "hash": "h", "z": [1, {"hash": 2}]}),
            json!({"hash": "first", "seq": 3}),
            json!({"body": {"text": "国は\"検討\""}, "hash": "last"}),
            json!({"hash": "alone"}),
            json!({"no": "such member"}),
        ];
        for value in cases {
            let (bytes, mark) = canonicalize_marking(&value, "hash").unwrap();
            assert_eq!(bytes, canonicalize(&value).unwrap());
            let mut without = value.clone();
            let had = without.as_object_mut().unwrap().remove("hash").is_some();
            assert_eq!(mark.is_some(), had, "{value}");
            let range = mark.unwrap_or(0..0);
            let cut = [&bytes[..range.start], &bytes[range.end..]].concat();
            assert_eq!(cut, canonicalize(&without).unwrap(), "{value}");
        }
    }

    #[test]
    fn escapes_only_what_ecmascript_escapes() {
        assert_eq!(
            canonicalize(&json!("a\"b\\c\u{1}d\u{7f}é\u{8}\u{c}\r\t")).unwrap(),
            "\"a\\\"b\\\\c\\u0001d\u{7f}é\\b\\f\\r\\t\"".as_bytes()
        );
    }

    #[test]
    fn japanese_text_is_not_escaped() {
        assert_eq!(
            canonicalize(&json!("国は、\n検討する。")).unwrap(),
            "\"国は、\\n検討する。\"".as_bytes()
        );
    }
}

//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte encoding that event hashes cover.
//!
//! Object members are sorted by their names' UTF-16 code units; strings use the minimal escapes
//! of ECMAScript's `JSON.stringify`; numbers are formatted as ECMAScript formats a double
//! (`ryu-js`). Tested against the published vectors in `tests/data/jcs`.

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
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (index, (name, member)) in sorted.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_value(member, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
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
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            control if (control as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", control as u32));
            }
            other => out.push(other),
        }
    }
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
    fn japanese_text_is_not_escaped() {
        assert_eq!(
            canonicalize(&json!("国は、\n検討する。")).unwrap(),
            "\"国は、\\n検討する。\"".as_bytes()
        );
    }
}

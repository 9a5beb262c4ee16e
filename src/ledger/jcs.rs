//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte encoding that event hashes cover.
//!
//! Object members are sorted by their names' UTF-16 code units; strings use the minimal escapes
//! of ECMAScript's `JSON.stringify`; numbers are formatted as ECMAScript formats a double
//! (`ryu-js`). One writer (a serde `Serializer`) encodes every value, typed or a
//! `serde_json::Value`; it is tested against the published vectors in `tests/data/jcs`.

use std::ops::Range;

use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CanonicalError {
    #[error("the integer {0} cannot be represented exactly as an I-JSON number (beyond ±2^53)")]
    IntegerOutOfRange(String),
    #[error("{0} is not a finite number")]
    NotANumber(String),
    #[error("the value cannot be written as JSON: {0}")]
    Unencodable(String),
}

/// The canonical bytes of `value` (written as [`to_canonical`] writes any value).
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    to_canonical(value, None).map(|(bytes, _)| bytes)
}

const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn write_number(number: &serde_json::Number, out: &mut String) -> Result<(), CanonicalError> {
    if let Some(unsigned) = number.as_u64() {
        if unsigned > MAX_SAFE_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(number.to_string()));
        }
        out.push_str(itoa::Buffer::new().format(unsigned));
    } else if let Some(signed) = number.as_i64() {
        if signed.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(number.to_string()));
        }
        out.push_str(itoa::Buffer::new().format(signed));
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

/// Whether any byte of `bytes` is one a JSON string escapes (`"`, `\\`, a control below
/// U+0020): most strings have none. Each chunk is checked without stopping early, so the check
/// is a few vector instructions per chunk rather than a branch per byte.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.chunks(32).any(|chunk| {
        chunk.iter().fold(false, |found, &byte| {
            found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
        })
    })
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    if !needs_escape(text.as_bytes()) {
        out.push_str(text);
        out.push('"');
        return;
    }
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

/// The canonical bytes of any serialisable `value`, written straight from its fields — an
/// event without building its `serde_json::Value` first (a test holds a typed value's bytes to
/// those of its `Value`). With `mark`, also the range of the bytes the top-level object's member
/// of that name takes (with the comma joining it to the others): the bytes around it are
/// exactly the canonical bytes of the object without that member — what an event's hash covers
/// (it less its `hash`), from the one encoding.
pub fn to_canonical<T: serde::Serialize + ?Sized>(
    value: &T,
    mark: Option<&str>,
) -> Result<(Vec<u8>, Option<Range<usize>>), CanonicalError> {
    // An event's canonical bytes are about a kilobyte: grown from empty, the buffer would be
    // reallocated and copied seven times.
    let mut encoder = Encoder {
        out: String::with_capacity(1024),
        ..Encoder::default()
    };
    let marked = encoder.write(value, mark)?;
    Ok((encoder.out.into_bytes(), marked))
}

/// [`to_canonical`] into buffers kept from one value to the next: a reader checking each of
/// a ledger's events writes them into the same output and member list rather than new ones
/// (members given out of order, and a map's keys, still allocate as they do in `to_canonical`).
#[derive(Default)]
pub struct Encoder {
    out: String,
    /// The members written of the objects open, innermost last: each object's member list
    /// is a slice of this one rather than a list of its own.
    open: Vec<MemberAt>,
}

/// A member as written: its name and the bytes of the output it takes, its comma excluded.
type MemberAt = (std::borrow::Cow<'static, str>, Range<usize>);

impl Encoder {
    /// The canonical bytes of `value` and the range of `mark`'s member, as [`to_canonical`]
    /// gives them, borrowed until the next value is encoded.
    pub fn encode<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
        mark: Option<&str>,
    ) -> Result<(&[u8], Option<Range<usize>>), CanonicalError> {
        let marked = self.write(value, mark)?;
        Ok((self.out.as_bytes(), marked))
    }

    fn write<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
        mark: Option<&str>,
    ) -> Result<Option<Range<usize>>, CanonicalError> {
        self.out.clear();
        // A value that failed to encode may have left its open objects' members: harmless (each
        // object's members start at the list's end), but not kept growing.
        self.open.clear();
        let mut marked = None;
        value.serialize(Writer {
            out: &mut self.out,
            open: &mut self.open,
            mark: mark.map(|name| (name, &mut marked)),
        })?;
        Ok(marked)
    }
}

impl serde::ser::Error for CanonicalError {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        CanonicalError::Unencodable(message.to_string())
    }
}

type Mark<'m> = Option<(&'m str, &'m mut Option<Range<usize>>)>;

/// Writes one value into `out`; `mark` is asked of the object it writes, if it writes one.
struct Writer<'a, 'm> {
    out: &'a mut String,
    open: &'a mut Vec<MemberAt>,
    mark: Mark<'m>,
}

/// An object's members, written into `out` as they are given; at its end, members given out of
/// order (or a name given twice) are put in order once.
struct Members<'a, 'm> {
    out: &'a mut String,
    /// The open objects' members: this object's from `first` on.
    open: &'a mut Vec<MemberAt>,
    mark: Mark<'m>,
    /// Where the object's first member starts in `out` (after its `{`).
    body: usize,
    /// Where the object's members start in `open`.
    first: usize,
    key: Option<String>,
    /// Whether the object is an enum variant's, written as `{"variant":{…}}`.
    in_variant: bool,
}

/// An array's items, written as they come.
struct Items<'a> {
    out: &'a mut String,
    open: &'a mut Vec<MemberAt>,
    first: bool,
    /// For an enum variant written as `{"variant":[…]}`: the outer object closes at the end.
    in_variant: bool,
}

impl<'a, 'm> Members<'a, 'm> {
    /// Opens an object in `out` (inside `{"variant":…}` for a variant's).
    fn open(
        Writer { out, open, mark }: Writer<'a, 'm>,
        variant: Option<&'static str>,
    ) -> Members<'a, 'm> {
        if let Some(variant) = variant {
            out.push('{');
            write_string(variant, out);
            out.push(':');
        }
        out.push('{');
        Members {
            body: out.len(),
            out,
            first: open.len(),
            open,
            mark,
            key: None,
            in_variant: variant.is_some(),
        }
    }

    /// Writes one member: its name and value, after a comma if it is not the first.
    fn member<T: serde::Serialize + ?Sized>(
        &mut self,
        name: std::borrow::Cow<'static, str>,
        value: &T,
    ) -> Result<(), CanonicalError> {
        if self.open.len() > self.first {
            self.out.push(',');
        }
        let start = self.out.len();
        write_string(&name, self.out);
        self.out.push(':');
        // Pushed after the value, whose own objects take theirs off `open` when they end: so
        // this object's members stay the slice of `open` from `first` on.
        value.serialize(Writer {
            out: &mut *self.out,
            open: &mut *self.open,
            mark: None,
        })?;
        self.open.push((name, start..self.out.len()));
        Ok(())
    }

    fn end_object(self) -> Result<(), CanonicalError> {
        let Members {
            out,
            open,
            mark,
            body,
            first,
            in_variant,
            ..
        } = self;
        let in_order = open
            .get(first..)
            .unwrap_or_default()
            .windows(2)
            .all(|pair| matches!(pair, [(a, _), (b, _)] if name_precedes(a, b)));
        if !in_order {
            let mut members = open.split_off(first);
            let written = out.split_off(body);
            let mut order: Vec<usize> = (0..members.len()).collect();
            // Stable: of one name given twice the last is kept, as a `serde_json::Map` keeps it.
            order.sort_by(|&a, &b| {
                let name = |at: usize| members.get(at).map(|(name, _)| name.encode_utf16());
                match (name(a), name(b)) {
                    (Some(a), Some(b)) => a.cmp(b),
                    _ => std::cmp::Ordering::Equal,
                }
            });
            let mut kept: Vec<usize> = Vec::with_capacity(order.len());
            for at in order {
                match kept.last_mut() {
                    Some(last)
                        if members.get(*last).map(|m| &m.0) == members.get(at).map(|m| &m.0) =>
                    {
                        *last = at
                    }
                    _ => kept.push(at),
                }
            }
            // The members' ranges lie in what was written after `body`: one that does not is a
            // defect of this writer, refused rather than written as other bytes.
            let misplaced = || CanonicalError::Unencodable("a member outside its object".into());
            let mut placed = Vec::with_capacity(kept.len());
            for at in kept {
                let (name, range) = members.get_mut(at).ok_or_else(misplaced)?;
                let bytes = range
                    .start
                    .checked_sub(body)
                    .zip(range.end.checked_sub(body))
                    .and_then(|(from, to)| written.get(from..to))
                    .ok_or_else(misplaced)?;
                if !placed.is_empty() {
                    out.push(',');
                }
                let start = out.len();
                out.push_str(bytes);
                placed.push((std::mem::take(name), start..out.len()));
            }
            open.extend(placed);
        }
        let members = open.get(first..).unwrap_or_default();
        if let Some((name, mark)) = mark {
            let count = members.len();
            if let Some((index, (_, range))) =
                members.iter().enumerate().find(|(_, (n, _))| n == name)
            {
                // With the comma joining it to the others: before it, or after the first.
                *mark = Some(if index > 0 {
                    range.start - 1..range.end
                } else {
                    range.start..range.end + usize::from(count > 1)
                });
            }
        }
        open.truncate(first);
        out.push('}');
        if in_variant {
            out.push('}');
        }
        Ok(())
    }
}

/// Whether member `a` comes before `b` in RFC 8785's order, by their UTF-16 code units. ASCII
/// names, all of an event's, are in that order as their bytes are.
fn name_precedes(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a < b
    } else {
        a.encode_utf16().lt(b.encode_utf16())
    }
}

impl Items<'_> {
    fn item<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        value.serialize(Writer {
            out: self.out,
            open: self.open,
            mark: None,
        })
    }

    fn end_array(self) -> Result<(), CanonicalError> {
        self.out.push(']');
        if self.in_variant {
            self.out.push('}');
        }
        Ok(())
    }
}

/// A serializer's methods for the eight integer types, each `$body` of itself and its value.
macro_rules! integers {
    ($returns:ty, |$this:ident : Self, $v:ident| $body:expr) => {
        integers!(@each $returns, $this, $v, $body, serialize_i8: i8, serialize_i16: i16,
            serialize_i32: i32, serialize_i64: i64, serialize_u8: u8, serialize_u16: u16,
            serialize_u32: u32, serialize_u64: u64);
    };
    (@each $returns:ty, $this:ident, $v:ident, $body:expr, $($method:ident : $integer:ty),*) => {$(
        fn $method(self, $v: $integer) -> $returns {
            let $this = self;
            $body
        }
    )*};
}

/// Writes a number as [`write_number`] does, from its `serde_json` form.
fn write_json_number(
    number: impl Into<serde_json::Number>,
    out: &mut String,
) -> Result<(), CanonicalError> {
    write_number(&number.into(), out)
}

impl<'a, 'm> serde::Serializer for Writer<'a, 'm> {
    type Ok = ();
    type Error = CanonicalError;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = Items<'a>;
    type SerializeMap = Members<'a, 'm>;
    type SerializeStruct = Members<'a, 'm>;
    type SerializeStructVariant = Members<'a, 'm>;

    fn serialize_bool(self, v: bool) -> Result<(), CanonicalError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    integers!(Result<(), CanonicalError>, |writer: Self, v| write_json_number(v, writer.out));
    fn serialize_f32(self, v: f32) -> Result<(), CanonicalError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CanonicalError> {
        // serde_json makes a non-finite double `null`.
        match serde_json::Number::from_f64(v) {
            Some(number) => write_number(&number, self.out),
            None => self.serialize_unit(),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), CanonicalError> {
        write_string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), CanonicalError> {
        write_string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), CanonicalError> {
        use serde::ser::SerializeSeq;
        let mut items = self.serialize_seq(Some(v.len()))?;
        for byte in v {
            items.serialize_element(byte)?;
        }
        items.end()
    }
    fn serialize_none(self) -> Result<(), CanonicalError> {
        self.serialize_unit()
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<(), CanonicalError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CanonicalError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CanonicalError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CanonicalError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        value.serialize(Writer {
            out: self.out,
            open: self.open,
            mark: None,
        })?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, CanonicalError> {
        self.out.push('[');
        Ok(Items {
            out: self.out,
            open: self.open,
            first: true,
            in_variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Items<'a>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Items<'a>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Items<'a>, CanonicalError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push_str(":[");
        Ok(Items {
            out: self.out,
            open: self.open,
            first: true,
            in_variant: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Members<'a, 'm>, CanonicalError> {
        Ok(Members::open(self, None))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Members<'a, 'm>, CanonicalError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Members<'a, 'm>, CanonicalError> {
        Ok(Members::open(Writer { mark: None, ..self }, Some(variant)))
    }
}

/// An array's items, whichever serde form gives them (`$add` is the form's method name).
macro_rules! items_of {
    ($($form:ident :: $add:ident),*) => {$(
        impl serde::ser::$form for Items<'_> {
            type Ok = ();
            type Error = CanonicalError;
            fn $add<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
                self.item(value)
            }
            fn end(self) -> Result<(), CanonicalError> {
                self.end_array()
            }
        }
    )*};
}

items_of!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl serde::ser::SerializeMap for Members<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_key<T: serde::Serialize + ?Sized>(
        &mut self,
        key: &T,
    ) -> Result<(), CanonicalError> {
        self.key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), CanonicalError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| CanonicalError::Unencodable("a map value without its key".into()))?;
        self.member(std::borrow::Cow::Owned(key), value)?;
        Ok(())
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.end_object()
    }
}

/// A struct's fields, or an enum variant's.
macro_rules! fields_of {
    ($($form:ident),*) => {$(
        impl serde::ser::$form for Members<'_, '_> {
            type Ok = ();
            type Error = CanonicalError;
            fn serialize_field<T: serde::Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), CanonicalError> {
                self.member(std::borrow::Cow::Borrowed(key), value)
            }
            fn end(self) -> Result<(), CanonicalError> {
                self.end_object()
            }
        }
    )*};
}

fields_of!(SerializeStruct, SerializeStructVariant);

/// A map's key as `serde_json` takes one: a string, or a number or boolean written as one.
struct MapKey;

impl serde::Serializer for MapKey {
    type Ok = String;
    type Error = CanonicalError;
    type SerializeSeq = serde::ser::Impossible<String, CanonicalError>;
    type SerializeTuple = serde::ser::Impossible<String, CanonicalError>;
    type SerializeTupleStruct = serde::ser::Impossible<String, CanonicalError>;
    type SerializeTupleVariant = serde::ser::Impossible<String, CanonicalError>;
    type SerializeMap = serde::ser::Impossible<String, CanonicalError>;
    type SerializeStruct = serde::ser::Impossible<String, CanonicalError>;
    type SerializeStructVariant = serde::ser::Impossible<String, CanonicalError>;

    fn serialize_bool(self, v: bool) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    integers!(Result<String, CanonicalError>, |_key: Self, v| Ok(v.to_string()));
    fn serialize_f32(self, _: f32) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_f64(self, _: f64) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_char(self, v: char) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, CanonicalError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, _: &T) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, CanonicalError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, CanonicalError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CanonicalError> {
        Err(key_must_be_a_string())
    }
}

fn key_must_be_a_string() -> CanonicalError {
    CanonicalError::Unencodable("an object's member name must be a string".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_string_needs_escaping_exactly_when_it_holds_a_quote_a_backslash_or_a_control() {
        // Each ASCII byte at places in the first, second and third 32-byte chunk (after the
        // insertion: 0, 1, 2, 29, 32, 62, 65 and the end) of a string longer than two chunks,
        // among kanji.
        let filler = format!("ab{}", "施策".repeat(12));
        for byte in 0u8..0x80 {
            for at in [0, 1, 2, 29, 32, 62, 65, filler.len()] {
                let mut text = filler.clone();
                text.insert(at, char::from(byte));
                let expected = byte < 0x20 || byte == b'"' || byte == b'\\';
                assert_eq!(needs_escape(text.as_bytes()), expected, "{byte:#x} at {at}");
                let mut written = String::new();
                write_string(&text, &mut written);
                let parsed: String = serde_json::from_str(&written).expect("valid JSON");
                assert_eq!(parsed, text, "{byte:#x} at {at}");
            }
        }
        assert!(!needs_escape(b""));
    }

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
            let (bytes, mark) = to_canonical(&value, Some("hash")).unwrap();
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
    fn writing_from_the_fields_gives_the_canonical_bytes_of_the_value() {
        let cases = [
            (
                json!({"\u{fb33}": 1, "\u{1f602}": [2, {"b": null, "a": true}], "a": "x\"\u{1}"}),
                "{\"a\":\"x\\\"\\u0001\",\"\u{1f602}\":[2,{\"a\":true,\"b\":null}],\"\u{fb33}\":1}",
            ),
            (
                serde_json::from_str::<Value>("[1E30, 4.50, 2e-3, -0.0, 100, 1e21, 1e-7, -5]").unwrap(),
                "[1e+30,4.5,0.002,0,100,1e+21,1e-7,-5]",
            ),
            (
                json!({"hash": "h", "body": {"text": "国は、\n検討する。"}, "seq": 9007199254740991u64}),
                "{\"body\":{\"text\":\"国は、\\n検討する。\"},\"hash\":\"h\",\"seq\":9007199254740991}",
            ),
            (json!([]), "[]"),
            (json!({}), "{}"),
            (json!("alone"), "\"alone\""),
        ];
        for (value, expected) in cases {
            for mark in [None, Some("hash")] {
                let (bytes, _) = to_canonical(&value, mark).unwrap();
                assert_eq!(String::from_utf8(bytes).unwrap(), expected, "{value}");
            }
        }
        assert!(to_canonical(&json!(9007199254740993u64), None).is_err());
        // Typed values: a struct, an enum's variants, an option, a map with number keys.
        #[derive(serde::Serialize)]
        enum Kind {
            Unit,
            New(u8),
            Pair(u8, String),
            Named { z: u8, a: Option<u8> },
        }
        #[derive(serde::Serialize)]
        struct Typed {
            zeta: Vec<Kind>,
            alpha: Option<String>,
            map: std::collections::BTreeMap<u32, char>,
            #[serde(flatten)]
            rest: std::collections::BTreeMap<String, u8>,
        }
        let typed = Typed {
            zeta: vec![
                Kind::Unit,
                Kind::New(1),
                Kind::Pair(2, "b".into()),
                Kind::Named { z: 3, a: None },
            ],
            alpha: None,
            map: [(10, 'x'), (9, 'y')].into_iter().collect(),
            rest: [("beta".to_owned(), 1), ("alpha".to_owned(), 2)]
                .into_iter()
                .collect(),
        };
        assert_eq!(
            to_canonical(&typed, None).unwrap().0,
            canonicalize(&serde_json::to_value(&typed).unwrap()).unwrap()
        );
        // Members out of order are put in order; of a name given twice (the flattened map's
        // `alpha` after the field's) the last is kept.
        let expected = r#"{"alpha":2,"beta":1,"map":{"10":"x","9":"y"},"zeta":["Unit",{"New":1},{"Pair":[2,"b"]},{"Named":{"a":null,"z":3}}]}"#;
        // The mark of a member put in order, first or last: cut out, the object without it.
        for (mark, without) in [
            (
                "alpha",
                r#"{"beta":1,"map":{"10":"x","9":"y"},"zeta":["Unit",{"New":1},{"Pair":[2,"b"]},{"Named":{"a":null,"z":3}}]}"#,
            ),
            ("zeta", r#"{"alpha":2,"beta":1,"map":{"10":"x","9":"y"}}"#),
        ] {
            let (bytes, range) = to_canonical(&typed, Some(mark)).unwrap();
            assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
            let range = range.expect("the member is there");
            let cut = [&bytes[..range.start], &bytes[range.end..]].concat();
            assert_eq!(String::from_utf8(cut).unwrap(), without, "{mark}");
        }
    }

    #[test]
    fn members_out_of_order_are_put_in_order_inside_each_other_with_a_kept_encoder() {
        // Typed values reach the writer in their fields' order (a `json!` object arrives sorted),
        // so these take the reordering path, nested, inside an array and at the top.
        #[derive(serde::Serialize)]
        struct Inner {
            z: u64,
            hash: u8,
            a: u8,
        }
        #[derive(serde::Serialize)]
        struct Outer {
            seq: u64,
            b: Inner,
            hash: &'static str,
            a: Vec<Inner>,
        }
        let inner = |z| Inner { z, hash: 2, a: 3 };
        let outer = |z| Outer {
            seq: 1,
            b: inner(z),
            hash: "h",
            a: vec![inner(z)],
        };
        let expected =
            r#"{"a":[{"a":3,"hash":2,"z":1}],"b":{"a":3,"hash":2,"z":1},"hash":"h","seq":1}"#;
        let without = r#"{"a":[{"a":3,"hash":2,"z":1}],"b":{"a":3,"hash":2,"z":1},"seq":1}"#;
        let mut encoder = Encoder::default();
        for round in 0..2 {
            let (bytes, range) = encoder.encode(&outer(1), Some("hash")).unwrap();
            assert_eq!(
                std::str::from_utf8(bytes).unwrap(),
                expected,
                "round {round}"
            );
            let range = range.expect("the top-level hash is marked");
            let cut = [&bytes[..range.start], &bytes[range.end..]].concat();
            assert_eq!(std::str::from_utf8(&cut).unwrap(), without, "round {round}");
            // A value that fails inside a nested object, between the two rounds.
            assert!(encoder.encode(&outer(1 << 53), Some("hash")).is_err());
        }
    }

    #[test]
    fn japanese_text_is_not_escaped() {
        assert_eq!(
            canonicalize(&json!("国は、\n検討する。")).unwrap(),
            "\"国は、\\n検討する。\"".as_bytes()
        );
    }
}

//! How events and documents rest on disk (store layouts 5 to 7): compressed frames.
//!
//! A frame of the log holds up to [`FRAME_EVENTS`] consecutive events of one append (a
//! `mentions` entry, in the same form, the events of one append that name one measure) — their canonical
//! (RFC 8785) bytes, each length-prefixed, compressed together with zstd, whole or against the
//! frame at the same place of the version before (stored whole: a base never rests on another)
//! — under the seq of its first event; a document's bytes rest as one zstd frame — whole, or compressed against an
//! earlier version of its series stored whole (its *base*: successive versions of a 取組一覧
//! differ in a few lines, so a version costs hundreds of bytes instead of tens of thousands).
//! Neighbouring events share most of
//! their members' names and their hashes' links (an event's `prev` is the hash before it), so a
//! frame of 32 compresses about five times; one value per frame instead of one per event is what
//! keeps sled's per-page cost (paid at every open) a small fraction of the ledger's size.
//!
//! Invariants: decoding gives back exactly the bytes encoded (the hashed form never changes,
//! only how it rests); a frame or document that does not decode is refused with what is wrong
//! (never a panic, never an allocation beyond the limits below, whatever the stored bytes say).

/// Events per frame: small enough that reading one event (a query through an index) decodes
/// about 25 KB, large enough that a frame compresses well (measured on the seeds' events: 188
/// bytes an event at 32, 222 at 16, 667 one by one).
pub const FRAME_EVENTS: usize = 32;

/// The first byte of every value this module writes: the layout of what follows.
const TAG_ZSTD: u8 = 1;
/// A document compressed with another document's bytes as zstd's raw-content prefix: the base's
/// BLAKE3 hash (32 bytes), then the zstd frame.
const TAG_ZSTD_AGAINST: u8 = 2;

/// The base and plain size past which compressing against a base uses zstd's long-distance
/// matching.
const LONG_DISTANCE_FROM: usize = 64 * 1024;

/// zstd's level for events and documents: ingest compresses each document once; a higher level
/// gains a few per cent at several times the time.
const LEVEL: i32 = 3;

/// More than a frame of events can hold (an event is one line of an export, at most 1 MiB;
/// a frame holds 32): a frame claiming more is damage, refused before anything is allocated.
const MAX_FRAME_BYTES: u64 = 256 * 1024 * 1024;

/// A stored document is at most the size `ingest` reads.
const MAX_DOCUMENT_BYTES: u64 = crate::source::bounded::MAX_DOCUMENT_BYTES;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("it is empty")]
    Empty,
    #[error("it starts with byte {0}, which is no layout this planledger writes")]
    UnknownTag(u8),
    #[error("its header is cut short")]
    ShortHeader,
    #[error("it says it holds {0} events, more than the {FRAME_EVENTS} a frame holds")]
    TooManyEvents(u32),
    #[error("its compressed bytes do not say how long they are, or say more than {limit} bytes")]
    Size { limit: u64 },
    #[error("its compressed bytes do not decompress ({0})")]
    Decompress(String),
    #[error("its bytes cannot be compressed ({0})")]
    Compress(String),
    #[error("{0:?} is not the BLAKE3 hash of a base document")]
    BaseHash(String),
    #[error("its events do not add up to what it says it holds")]
    Framing,
    #[error("it is a document compressed against another, where a document stored whole belongs")]
    NotWhole,
    #[error("it does not decompress against its base to the bytes its hash names")]
    BaseMismatch,
    #[error("it does not decompress against its base ({0})")]
    AgainstBase(String),
}

/// How a document's value says its bytes rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentLayout {
    Whole,
    /// Compressed against the document with this hash (lowercase hex), which is stored whole.
    Against(String),
}

/// The plain bytes a frame compresses: each event's canonical bytes, length-prefixed.
pub fn frame_plain<B: AsRef<[u8]>>(events: &[B]) -> Result<(u32, Vec<u8>), FrameError> {
    let count = u32::try_from(events.len())
        .ok()
        .filter(|&count| count as usize <= FRAME_EVENTS)
        .ok_or(FrameError::TooManyEvents(u32::MAX))?;
    let mut plain = Vec::with_capacity(events.iter().map(|e| e.as_ref().len() + 4).sum());
    for event in events {
        push_plain(&mut plain, event.as_ref())?;
    }
    Ok((count, plain))
}

/// Appends one event's canonical bytes to a frame's plain bytes, length-prefixed: what
/// [`frame_plain`] makes of each event, for a frame gathered an event at a time.
pub fn push_plain(plain: &mut Vec<u8>, event: &[u8]) -> Result<(), FrameError> {
    let length = u32::try_from(event.len()).map_err(|_| FrameError::Framing)?;
    plain.extend_from_slice(&length.to_le_bytes());
    plain.extend_from_slice(event);
    Ok(())
}

/// The value of a frame whose plain bytes ([`frame_plain`]) are gathered already: `count`
/// events, whole or compressed against `base` (its first seq and plain bytes, stored whole).
pub fn encode_plain(
    count: u32,
    plain: &[u8],
    base: Option<(u64, &[u8])>,
) -> Result<Vec<u8>, FrameError> {
    if count as usize > FRAME_EVENTS {
        return Err(FrameError::TooManyEvents(count));
    }
    let mut value = Vec::new();
    match base {
        None => {
            value.push(TAG_ZSTD);
            value.extend_from_slice(&count.to_le_bytes());
            value.extend(compress(plain)?);
        }
        Some((base_first, base)) => {
            value.push(TAG_ZSTD_AGAINST);
            value.extend_from_slice(&count.to_le_bytes());
            value.extend_from_slice(&base_first.to_le_bytes());
            value.extend(compress_against(plain, Some(base))?);
        }
    }
    Ok(value)
}

/// The value of one frame: the events' canonical bytes, in chain order.
pub fn encode_events<B: AsRef<[u8]>>(events: &[B]) -> Result<Vec<u8>, FrameError> {
    let (count, plain) = frame_plain(events)?;
    encode_plain(count, &plain, None)
}

/// The value of one frame compressed against a *base*: the frame of an earlier version of the
/// same series stored whole (first seq `base_first`, plain bytes `base`), as zstd's prefix.
/// Successive versions state most of the same measures and actions, so a frame costs a fraction
/// of one stored whole.
pub fn encode_events_against<B: AsRef<[u8]>>(
    events: &[B],
    base_first: u64,
    base: &[u8],
) -> Result<Vec<u8>, FrameError> {
    let (count, plain) = frame_plain(events)?;
    encode_plain(count, &plain, Some((base_first, base)))
}

/// The first seq of the frame a frame's value is compressed against, or `None` for one stored
/// whole; from its header alone.
pub fn frame_base(value: &[u8]) -> Result<Option<u64>, FrameError> {
    match value.split_first() {
        None => Err(FrameError::Empty),
        Some((&TAG_ZSTD, _)) => Ok(None),
        Some((&TAG_ZSTD_AGAINST, body)) => {
            let base = body
                .get(4..12)
                .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
                .ok_or(FrameError::ShortHeader)?;
            Ok(Some(u64::from_le_bytes(base)))
        }
        Some((&other, _)) => Err(FrameError::UnknownTag(other)),
    }
}

/// The plain bytes of a frame stored whole (a base's, for the frames compressed against it).
pub fn decode_plain(value: &[u8]) -> Result<Vec<u8>, FrameError> {
    let (count, compressed) = frame_header(value)?;
    match value.first() {
        Some(&TAG_ZSTD) => {
            let plain = decompress(compressed, MAX_FRAME_BYTES)?;
            split_plain(&plain, count)?;
            Ok(plain)
        }
        _ => Err(FrameError::NotWhole),
    }
}

/// The events' canonical bytes in a frame's value; `base` is the plain bytes of the frame it
/// is compressed against, when it is (see [`frame_base`]).
pub fn decode_events_with(value: &[u8], base: Option<&[u8]>) -> Result<Vec<Vec<u8>>, FrameError> {
    let (count, plain) = decode_plain_with(value, base)?;
    split_plain(&plain, count)
}

/// A frame's stated count of events and its plain bytes ([`frame_plain`]), not yet split into
/// events; `base` as for [`decode_events_with`].
pub fn decode_plain_with(value: &[u8], base: Option<&[u8]>) -> Result<(u32, Vec<u8>), FrameError> {
    let (count, compressed) = frame_header(value)?;
    let plain = match (value.first(), base) {
        (Some(&TAG_ZSTD), _) => decompress(compressed, MAX_FRAME_BYTES)?,
        (Some(&TAG_ZSTD_AGAINST), Some(base)) => {
            let compressed = compressed.get(8..).ok_or(FrameError::ShortHeader)?;
            decompress_against(compressed, MAX_FRAME_BYTES, Some(base))
                .map_err(|error| FrameError::AgainstBase(error.to_string()))?
        }
        (Some(&TAG_ZSTD_AGAINST), None) => return Err(FrameError::BaseMismatch),
        (Some(&other), _) => return Err(FrameError::UnknownTag(other)),
        (None, _) => return Err(FrameError::Empty),
    };
    Ok((count, plain))
}

/// The events' canonical bytes in the value of a frame stored whole.
pub fn decode_events(value: &[u8]) -> Result<Vec<Vec<u8>>, FrameError> {
    decode_events_with(value, None)
}

/// A frame's stated count of events (checked against [`FRAME_EVENTS`]) and what follows it.
fn frame_header(value: &[u8]) -> Result<(u32, &[u8]), FrameError> {
    let body = match value.split_first() {
        None => return Err(FrameError::Empty),
        Some((&(TAG_ZSTD | TAG_ZSTD_AGAINST), body)) => body,
        Some((&other, _)) => return Err(FrameError::UnknownTag(other)),
    };
    let (count, rest) = body
        .split_first_chunk::<4>()
        .ok_or(FrameError::ShortHeader)?;
    let count = u32::from_le_bytes(*count);
    if count as usize > FRAME_EVENTS {
        return Err(FrameError::TooManyEvents(count));
    }
    Ok((count, rest))
}

/// The events of a frame's plain bytes, which must be exactly `count` of them.
fn split_plain(plain: &[u8], count: u32) -> Result<Vec<Vec<u8>>, FrameError> {
    Ok(plain_events(plain, count)?
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect())
}

/// The events of a frame's plain bytes ([`frame_plain`]), borrowed; they must be exactly
/// `count` of them, at most [`FRAME_EVENTS`].
pub fn plain_events(plain: &[u8], count: u32) -> Result<Vec<&[u8]>, FrameError> {
    if count as usize > FRAME_EVENTS {
        return Err(FrameError::TooManyEvents(count));
    }
    let mut events = Vec::with_capacity(count as usize);
    let mut rest = plain;
    while let Some((length, after)) = rest.split_first_chunk::<4>() {
        let length = u32::from_le_bytes(*length) as usize;
        let event = after.get(..length).ok_or(FrameError::Framing)?;
        events.push(event);
        rest = after.get(length..).ok_or(FrameError::Framing)?;
    }
    if !rest.is_empty() || events.len() != count as usize {
        return Err(FrameError::Framing);
    }
    Ok(events)
}

/// How many events a frame's value says it holds, read from its header alone.
pub fn frame_len(value: &[u8]) -> Result<u64, FrameError> {
    frame_header(value).map(|(count, _)| u64::from(count))
}

/// The value a document's bytes rest as.
pub fn encode_document(bytes: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut value = vec![TAG_ZSTD];
    value.extend(compress(bytes)?);
    Ok(value)
}

/// The value a document's bytes rest as when compressed against `base` (the bytes of the
/// document whose hash is `base_hash`, stored whole).
pub fn encode_document_against(
    bytes: &[u8],
    base_hash: &str,
    base: &[u8],
) -> Result<Vec<u8>, FrameError> {
    let hash = blake3::Hash::from_hex(base_hash)
        .map_err(|_| FrameError::BaseHash(base_hash.to_owned()))?;
    let compressed = compress_against(bytes, Some(base))?;
    let mut value = vec![TAG_ZSTD_AGAINST];
    value.extend_from_slice(hash.as_bytes());
    value.extend(compressed);
    Ok(value)
}

/// Whether a document's value is whole or compressed against a base, from its header alone.
pub fn document_layout(value: &[u8]) -> Result<DocumentLayout, FrameError> {
    match value.split_first() {
        None => Err(FrameError::Empty),
        Some((&TAG_ZSTD, _)) => Ok(DocumentLayout::Whole),
        Some((&TAG_ZSTD_AGAINST, body)) => {
            let (hash, _) = body
                .split_first_chunk::<32>()
                .ok_or(FrameError::ShortHeader)?;
            Ok(DocumentLayout::Against(
                blake3::Hash::from_bytes(*hash).to_hex().to_string(),
            ))
        }
        Some((&other, _)) => Err(FrameError::UnknownTag(other)),
    }
}

/// A document's bytes from the value they rest as, when it is stored whole.
pub fn decode_document(value: &[u8]) -> Result<Vec<u8>, FrameError> {
    match value.first() {
        Some(&TAG_ZSTD_AGAINST) => Err(FrameError::NotWhole),
        _ => decompress(tagged(value)?, MAX_DOCUMENT_BYTES),
    }
}

/// A document's bytes from a value compressed against `base` (the base's own bytes).
pub fn decode_document_against(value: &[u8], base: &[u8]) -> Result<Vec<u8>, FrameError> {
    let body = match value.split_first() {
        Some((&TAG_ZSTD_AGAINST, body)) => body,
        Some((&other, _)) => return Err(FrameError::UnknownTag(other)),
        None => return Err(FrameError::Empty),
    };
    let (_, compressed) = body
        .split_first_chunk::<32>()
        .ok_or(FrameError::ShortHeader)?;
    decompress_against(compressed, MAX_DOCUMENT_BYTES, Some(base))
        .map_err(|error| FrameError::AgainstBase(error.to_string()))
}

fn tagged(value: &[u8]) -> Result<&[u8], FrameError> {
    match value.split_first() {
        None => Err(FrameError::Empty),
        Some((&TAG_ZSTD, body)) => Ok(body),
        Some((&other, _)) => Err(FrameError::UnknownTag(other)),
    }
}

fn compress(plain: &[u8]) -> Result<Vec<u8>, FrameError> {
    compress_against(plain, None)
}

/// A zstd frame of `plain`, with zstd's checksum of the content (so a damaged value, or one
/// decompressed against the wrong base, is refused rather than read as other bytes), compressed
/// against `base` as a raw-content prefix when given: a prefix is never taken for one of zstd's
/// formatted dictionaries, whatever its first bytes are.
fn compress_against(plain: &[u8], base: Option<&[u8]>) -> Result<Vec<u8>, FrameError> {
    use zstd::zstd_safe::{CCtx, CParameter};
    let failed = |code: usize| FrameError::Compress(zstd::zstd_safe::get_error_name(code).into());
    let no_memory = || FrameError::Compress("no memory".into());
    let Some(base) = base else {
        return ENCODER.with_borrow_mut(|slot| {
            let context = match slot {
                Some(context) => context,
                None => slot.insert(CCtx::try_create().ok_or_else(no_memory)?),
            };
            context
                .reset(zstd::zstd_safe::ResetDirective::SessionAndParameters)
                .map_err(failed)?;
            compress_with(context, plain)
        });
    };
    // A prefix is borrowed by the context, so it cannot be the shared one.
    let mut context = CCtx::try_create().ok_or_else(no_memory)?;
    {
        // The window must reach back over the whole base from the end of `plain`; zstd would
        // otherwise size it for `plain` alone. 2^27 is what a decoder accepts by default.
        let reach = (base.len() + plain.len()).max(1 << 10);
        let window = (usize::BITS - (reach - 1).leading_zeros()).min(27);
        context
            .set_parameter(CParameter::WindowLog(window))
            .map_err(failed)?;
        // Long-distance matching finds a document's long runs wherever they lie in its base
        // (zstd's own `--patch-from` does the same); for a frame or a measure's events, a few
        // pages, setting it up cost more than compressing them, for no smaller result.
        if reach > LONG_DISTANCE_FROM {
            context
                .set_parameter(CParameter::EnableLongDistanceMatching(true))
                .map_err(failed)?;
        }
        context.ref_prefix(base).map_err(failed)?;
    }
    compress_with(&mut context, plain)
}

/// `plain` compressed by `context` at [`LEVEL`] with zstd's content checksum, after whatever
/// else the caller set (a window, a prefix).
fn compress_with(
    context: &mut zstd::zstd_safe::CCtx<'_>,
    plain: &[u8],
) -> Result<Vec<u8>, FrameError> {
    use zstd::zstd_safe::CParameter;
    let failed = |code: usize| FrameError::Compress(zstd::zstd_safe::get_error_name(code).into());
    context
        .set_parameter(CParameter::CompressionLevel(LEVEL))
        .map_err(failed)?;
    context
        .set_parameter(CParameter::ChecksumFlag(true))
        .map_err(failed)?;
    let mut compressed = Vec::with_capacity(zstd::zstd_safe::compress_bound(plain.len()));
    context.compress2(&mut compressed, plain).map_err(failed)?;
    Ok(compressed)
}

/// Decompresses a zstd frame whose header states its size, at most `limit` bytes: the size is
/// read first, so damaged bytes cannot make this allocate more.
fn decompress(compressed: &[u8], limit: u64) -> Result<Vec<u8>, FrameError> {
    decompress_against(compressed, limit, None)
}

/// The first bytes of a formatted zstd dictionary (`ZSTD_MAGIC_DICTIONARY`, little-endian).
const DICTIONARY_MAGIC: [u8; 4] = 0xEC30_A437u32.to_le_bytes();

thread_local! {
    /// One compression context per thread, reused for what is compressed whole: making one
    /// allocates about a megabyte, more than compressing a measure's few events costs.
    static ENCODER: std::cell::RefCell<Option<zstd::zstd_safe::CCtx<'static>>> =
        const { std::cell::RefCell::new(None) };
    /// One decompression context per thread, reused: making one allocates and faults in about
    /// 100 KB, which was most of the cost of reading one small frame (a `history` reads
    /// hundreds).
    static DECODER: std::cell::RefCell<Option<zstd::zstd_safe::DCtx<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// [`decompress`] of a frame compressed against `base` (the same raw-content prefix).
fn decompress_against(
    compressed: &[u8],
    limit: u64,
    base: Option<&[u8]>,
) -> Result<Vec<u8>, FrameError> {
    use zstd::zstd_safe::DCtx;
    let failed = |code: usize| FrameError::Decompress(zstd::zstd_safe::get_error_name(code).into());
    let size = stated_size(compressed, limit)?;
    let mut plain = Vec::with_capacity(size as usize);
    let no_memory = || FrameError::Decompress("no memory".into());
    if base.is_some_and(|base| base.starts_with(&DICTIONARY_MAGIC)) {
        // zstd would read such a base as a formatted dictionary: it goes in as a prefix, on a
        // context of its own (a prefix is borrowed by the context, so it cannot be the shared one).
        let mut context = DCtx::try_create().ok_or_else(no_memory)?;
        if let Some(base) = base {
            context.ref_prefix(base).map_err(failed)?;
        }
        context.decompress(&mut plain, compressed).map_err(failed)?;
    } else {
        DECODER.with_borrow_mut(|slot| {
            let context = match slot {
                Some(context) => context,
                None => slot.insert(DCtx::try_create().ok_or_else(no_memory)?),
            };
            // A base not beginning with the dictionary magic is raw content to zstd: the same
            // window as a prefix.
            match base {
                Some(base) => context.decompress_using_dict(&mut plain, compressed, base),
                None => context.decompress(&mut plain, compressed),
            }
            .map_err(failed)
        })?;
    }
    if plain.len() as u64 != size {
        return Err(FrameError::Framing);
    }
    Ok(plain)
}

/// The size a zstd frame's header states, if it states one within `limit`.
fn stated_size(compressed: &[u8], limit: u64) -> Result<u64, FrameError> {
    zstd::zstd_safe::get_frame_content_size(compressed)
        .ok()
        .flatten()
        .filter(|&size| size <= limit)
        .ok_or(FrameError::Size { limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_back_as_they_went_in() {
        let events: Vec<Vec<u8>> = (0..FRAME_EVENTS)
            .map(|i| format!(r#"{{"seq":{i},"text":"がん対策"}}"#).into_bytes())
            .collect();
        let value = encode_events(&events).unwrap();
        assert_eq!(decode_events(&value).unwrap(), events);
        assert_eq!(frame_len(&value).unwrap(), FRAME_EVENTS as u64);
        let empty: Vec<Vec<u8>> = vec![Vec::new()];
        assert_eq!(
            decode_events(&encode_events(&empty).unwrap()).unwrap(),
            empty
        );
    }

    #[test]
    fn a_document_comes_back_as_it_went_in() {
        let bytes = "第92回がん対策推進協議会\n".repeat(1000).into_bytes();
        let value = encode_document(&bytes).unwrap();
        assert!(value.len() < bytes.len() / 10);
        assert_eq!(decode_document(&value).unwrap(), bytes);
    }

    /// A version compressed against the version before it costs a small part of a whole one
    /// and comes back exactly; its value names its base, and is not taken for a whole one.
    #[test]
    fn a_version_compressed_against_its_base_comes_back_as_it_went_in() {
        let base: Vec<u8> = (0..2000)
            .map(|i| format!("{i}. 国は、拠点病院等の整備を推進する（第{i}項）。\n"))
            .collect::<String>()
            .into_bytes();
        let mut bytes = base.clone();
        bytes.splice(5000..5000, "令和8年度に実態調査を実施した。\n".bytes());
        let base_hash = blake3::hash(&base).to_hex().to_string();
        let value = encode_document_against(&bytes, &base_hash, &base).unwrap();
        let whole = encode_document(&bytes).unwrap();
        assert!(
            value.len() * 5 < whole.len(),
            "{} against {}",
            value.len(),
            whole.len()
        );
        assert_eq!(
            document_layout(&value),
            Ok(DocumentLayout::Against(base_hash))
        );
        assert_eq!(document_layout(&whole), Ok(DocumentLayout::Whole));
        assert_eq!(decode_document_against(&value, &base).unwrap(), bytes);
        assert_eq!(decode_document(&value), Err(FrameError::NotWhole));
        assert_eq!(
            document_layout(&value[..10]),
            Err(FrameError::ShortHeader),
            "a header cut short"
        );
    }

    /// A frame of a later version compressed against the frame of the version before comes back
    /// exactly, with its base's plain bytes; without them it is refused, and it is never taken
    /// for a base itself.
    #[test]
    fn a_frame_compressed_against_its_base_comes_back_as_it_went_in() {
        let event = |i: u32, text: &str| {
            format!("{{\"kind\":\"ActionReported\",\"seq\":{i},\"text\":\"{text}\"}}").into_bytes()
        };
        let before: Vec<Vec<u8>> = (0..32).map(|i| event(i, "国は、検討を進める。")).collect();
        let mut after: Vec<Vec<u8>> = (400..432)
            .map(|i| event(i, "国は、検討を進める。"))
            .collect();
        after[7] = event(407, "国は、実態調査を実施した。");
        let base = encode_events(&before).unwrap();
        let plain = decode_plain(&base).unwrap();
        let value = encode_events_against(&after, 0, &plain).unwrap();
        assert_eq!(frame_base(&value), Ok(Some(0)));
        assert_eq!(frame_base(&base), Ok(None));
        assert_eq!(frame_len(&value), Ok(32));
        assert_eq!(decode_events_with(&value, Some(&plain)).unwrap(), after);
        assert_eq!(decode_events(&value), Err(FrameError::BaseMismatch));
        assert_eq!(decode_plain(&value), Err(FrameError::NotWhole));
    }

    /// A base is raw content whatever its first bytes (a document may begin with zstd's own
    /// dictionary magic), and a value read against the wrong base is refused by zstd's checksum
    /// rather than read as other bytes.
    #[test]
    fn any_base_works_and_a_wrong_base_is_refused() {
        let mut base = vec![0x37, 0xA4, 0x30, 0xEC];
        base.extend("取組一覧 第92回\n".repeat(300).bytes());
        let mut bytes = base.clone();
        bytes.extend("追記\n".bytes());
        let base_hash = blake3::hash(&base).to_hex().to_string();
        let value = encode_document_against(&bytes, &base_hash, &base).unwrap();
        assert_eq!(decode_document_against(&value, &base).unwrap(), bytes);
        let mut other = base.clone();
        if let Some(byte) = other.get_mut(100) {
            *byte ^= 0x20;
        }
        assert!(decode_document_against(&value, &other)
            .is_err_and(|error| matches!(error, FrameError::AgainstBase(_))));
    }

    #[test]
    fn damaged_values_are_refused_with_what_is_wrong() {
        let value = encode_events(&[b"{}".to_vec(), b"[]".to_vec()]).unwrap();
        let mut claims_more = value.clone();
        claims_more[1] = 3;
        let mut claims_too_many = value.clone();
        claims_too_many[1..5].copy_from_slice(&1000u32.to_le_bytes());
        let cases: Vec<(&str, Vec<u8>, FrameError)> = vec![
            ("empty", vec![], FrameError::Empty),
            ("another tag", vec![9, 0], FrameError::UnknownTag(9)),
            ("short header", vec![TAG_ZSTD, 1], FrameError::ShortHeader),
            ("count off", claims_more, FrameError::Framing),
            ("too many", claims_too_many, FrameError::TooManyEvents(1000)),
            (
                "not zstd",
                vec![TAG_ZSTD, 1, 0, 0, 0, 1, 2, 3],
                FrameError::Size {
                    limit: MAX_FRAME_BYTES,
                },
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(decode_events(&value), Err(expected), "{name}");
        }
        assert_eq!(
            encode_events(&vec![b"{}".to_vec(); FRAME_EVENTS + 1]),
            Err(FrameError::TooManyEvents(u32::MAX))
        );
    }

    #[test]
    fn a_document_claiming_more_than_the_limit_is_refused_before_it_is_allocated() {
        // A zstd frame header stating 2^40 bytes of content.
        let huge = zstd::bulk::compress(&[0u8; 16], 1).unwrap();
        let mut lying = huge.clone();
        // Frame header descriptor: with a single segment and an 8-byte content size field.
        lying[4] = 0b1110_0000;
        let mut value = vec![TAG_ZSTD];
        value.extend(&lying[..5]);
        value.extend((1u64 << 40).to_le_bytes());
        value.extend(&huge[huge.len() - 4..]);
        assert!(matches!(
            decode_document(&value),
            Err(FrameError::Size { .. }) | Err(FrameError::Decompress(_))
        ));
    }
}

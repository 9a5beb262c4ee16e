//! Verification: recomputes everything the ledger claims from the stored bytes.
//!
//! Checks, in chain order: each event's bytes are canonical JCS, its hash recomputes, its `seq`
//! matches its key and position, its `prev` is the previous hash; the head in `meta` is the last
//! event; every ingested document's blob hashes to its name and has its recorded length; every
//! statement's quoted text is found at its lines in its blob; the `docs` and `measures` indexes
//! equal what the events imply. Every failure is collected (a user learns all of them in one
//! run); the report names the first failing sequence number.

use std::collections::BTreeMap;

use serde_json::Value;

use super::event::{hash_of_value_without_hash, Event, EventBody, GENESIS_HASH};
use super::jcs::canonicalize;
use super::store::{index_pairs, RawPairs, RecordedHead, Store, StoreError, HEAD_FILE_NAME};
use crate::extract::torikumi::{inline_bureau, strip_bullet};
use crate::source::decode::decode;
use crate::source::normalize::{comparison_key, line_content};

/// One thing that did not check out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Failure {
    /// The event it concerns, when it concerns one.
    pub seq: Option<u64>,
    /// The document it concerns, when it concerns one.
    pub document: Option<String>,
    pub what: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    /// Whether documents were re-extracted (`--deep`).
    pub deep: bool,
    pub n_events: u64,
    pub n_documents: u64,
    pub head: Option<(u64, String)>,
    pub failures: Vec<Failure>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failure with the lowest sequence number (store-wide failures come last).
    pub fn first_failure(&self) -> Option<&Failure> {
        self.failures
            .iter()
            .min_by_key(|failure| (failure.seq.is_none(), failure.seq))
    }
}

pub fn verify(store: &Store, deep: bool) -> Result<VerifyReport, StoreError> {
    verify_with(store, deep, None)
}

/// [`verify`], and that the ledger extends a checkpoint saved earlier (an auditor kept the
/// 第92回 one): checked by a consistency proof from the checkpoint's size to today's, so a
/// rollback or a rewrite of anything the checkpoint covers fails.
pub fn verify_against(
    store: &Store,
    deep: bool,
    saved: &super::checkpoint::Checkpoint,
) -> Result<VerifyReport, StoreError> {
    verify_with(store, deep, Some(saved))
}

/// Both, over one read of the store: the events checked are the events the checkpoint is
/// compared with.
fn verify_with(
    store: &Store,
    deep: bool,
    saved: Option<&super::checkpoint::Checkpoint>,
) -> Result<VerifyReport, StoreError> {
    // The events are decoded as they are read: their bytes are not held beside them.
    let mut read_error = None;
    let (events, mut failures) = check_chain(store.raw_events().map_while(|read| match read {
        Ok(pair) => Some(pair),
        Err(error) => {
            read_error = Some(error);
            None
        }
    }));
    if let Some(error) = read_error {
        return Err(error);
    }
    let raw = store.raw_trees()?;
    match (events.last(), &raw.head) {
        (None, None) => {}
        (Some(last), Some((seq, hash))) if last.seq == *seq && last.hash == *hash => {}
        (last, head) => failures.push(Failure {
            seq: last.map(|e| e.seq),
            document: None,
            what: format!(
                "the recorded head {:?} is not the last event {:?}",
                head,
                last.map(|e| (e.seq, &e.hash))
            ),
        }),
    }
    failures.extend(check_recorded_head(&events, &store.recorded_head()));
    // Documents are read when their events are checked, not all held at once.
    let blob_of = |hash: &str| store.blob(hash).ok().flatten();
    failures.extend(check_documents(&events, blob_of));
    if deep {
        failures.extend(check_extraction(&events, blob_of));
    }
    check_indexes(&raw, &events, &mut failures);
    if let Some(saved) = saved {
        failures.extend(check_extends(&events, saved));
    }
    // Stable: within one event, the failure found first (the cause) stays first.
    failures.sort_by_key(|failure| (failure.seq.is_none(), failure.seq));
    Ok(VerifyReport {
        deep,
        n_events: events.len() as u64,
        n_documents: events
            .iter()
            .filter(|e| matches!(e.body, EventBody::DocumentIngested { .. }))
            .count() as u64,
        head: raw.head,
        failures,
    })
}

/// Whether `events` extend the checkpoint `saved`; a failure says how not.
pub fn check_extends(events: &[Event], saved: &super::checkpoint::Checkpoint) -> Vec<Failure> {
    use super::checkpoint::{Checkpoint, Proof};
    let fail = |what: String| {
        vec![Failure {
            seq: None,
            document: None,
            what,
        }]
    };
    let size = events.len() as u64;
    if size < saved.size {
        return fail(format!(
            "the ledger holds {size} events, fewer than the {} of the checkpoint it must extend: it was cut short or rolled back",
            saved.size
        ));
    }
    let checked = Checkpoint::of_events(&saved.origin, events, size).and_then(|current| {
        Proof::consistency(events, saved.size, size)?.verify(&current, Some(saved))
    });
    match checked {
        Ok(()) => Vec::new(),
        Err(error) => fail(format!(
            "the ledger does not extend the checkpoint of {} events ({error}): what the checkpoint covers was rewritten",
            saved.size
        )),
    }
}

/// The ledger must extend the head recorded outside sled after every append: a store that lost
/// its tail, or was rolled back to an older copy, or rewritten, fails here naming both heads.
pub fn check_recorded_head(events: &[Event], recorded: &RecordedHead) -> Vec<Failure> {
    let what = match recorded {
        RecordedHead::Missing if events.is_empty() => return Vec::new(),
        RecordedHead::Empty => return Vec::new(),
        RecordedHead::Missing => format!(
            "the store holds {} events but no recorded head ({HEAD_FILE_NAME} is missing): it may have been replaced",
            events.len()
        ),
        RecordedHead::Unreadable(why) => format!("the recorded head cannot be read: {why}"),
        RecordedHead::Recorded { seq, hash } => match events.get(*seq as usize) {
            Some(event) if event.seq == *seq && event.hash == *hash => return Vec::new(),
            Some(event) => format!(
                "event {seq} has hash {} but the recorded head is seq {seq}, hash {hash}: the ledger was rewritten",
                event.hash
            ),
            None => format!(
                "the ledger is shorter than its recorded head (seq {seq}, hash {hash}): it holds {} events; it was cut short or rolled back — restore it from an export",
                events.len()
            ),
        },
    };
    vec![Failure {
        seq: None,
        document: None,
        what,
    }]
}

/// Checks a sequence of stored or exported event encodings, each with the seq its place in the
/// sequence demands: canonical JCS bytes, recomputed hash, seq, prev link, event shape. Returns
/// the events that parsed and the failures, in order.
pub fn check_chain<B: AsRef<[u8]>>(
    encoded: impl IntoIterator<Item = (u64, B)>,
) -> (Vec<Event>, Vec<Failure>) {
    let mut failures = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut prev = GENESIS_HASH.to_owned();
    for (position, (seq, bytes)) in encoded.into_iter().enumerate() {
        let bytes = bytes.as_ref();
        let fail = |what: String| Failure {
            seq: Some(seq),
            document: None,
            what,
        };
        if seq != position as u64 {
            failures.push(fail(format!(
                "event {seq} stands at position {position}: an event is missing or out of order"
            )));
        }
        let mut value: Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(error) => {
                failures.push(fail(format!("event bytes are not JSON: {error}")));
                continue;
            }
        };
        match canonicalize(&value) {
            Ok(canonical) if canonical == bytes => {}
            Ok(_) => failures.push(fail(
                "event bytes are not in canonical (RFC 8785) form".into(),
            )),
            Err(error) => failures.push(fail(format!("event cannot be canonicalized: {error}"))),
        }
        let stored_hash = value.get("hash").and_then(Value::as_str).map(str::to_owned);
        match hash_of_value_without_hash(&mut value) {
            Ok(recomputed) if Some(&recomputed) == stored_hash.as_ref() => {}
            Ok(recomputed) => failures.push(fail(format!(
                "hash mismatch: the event says {}, its content hashes to {recomputed}",
                stored_hash.as_deref().unwrap_or("(none)")
            ))),
            Err(error) => failures.push(fail(format!("event cannot be hashed: {error}"))),
        }
        let event = match Event::from_bytes(bytes) {
            Ok(event) => event,
            Err(error) => {
                failures.push(fail(format!(
                    "event does not have the event shape: {error}"
                )));
                continue;
            }
        };
        if event.seq != seq {
            failures.push(fail(format!(
                "the event says seq {} where seq {seq} belongs",
                event.seq
            )));
        }
        if event.prev != prev {
            failures.push(fail(format!(
                "broken chain: prev is {}, the previous event's hash is {prev}",
                event.prev
            )));
        }
        prev = event.hash.clone();
        events.push(event);
    }
    (events, failures)
}

/// Checks every ingested document's bytes (from `blob_of`) against its hash and length, and
/// every statement's quote against its lines.
pub fn check_documents(
    events: &[Event],
    blob_of: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    // Each document is decoded and split into lines once for the events that follow it (one
    // document's events are contiguous), and only the current one is held: memory stays the
    // size of one document, not of all of them. An event citing another known document (not
    // in a ledger this planledger wrote) has it read again.
    let mut decodable: BTreeMap<String, bool> = BTreeMap::new();
    let mut current: Option<(String, Option<DocumentLines>)> = None;
    for event in events {
        let document = &event.source.document;
        let fail = |what: String| Failure {
            seq: Some(event.seq),
            document: Some(document.clone()),
            what,
        };
        if let EventBody::DocumentIngested { byte_length, .. } = &event.body {
            let text = match blob_of(document) {
                None => {
                    failures.push(fail("the document's bytes are missing".into()));
                    None
                }
                Some(bytes) => {
                    let actual = blake3::hash(&bytes).to_hex().to_string();
                    if actual != *document {
                        failures.push(fail(format!(
                            "document bytes were altered: they hash to {actual}"
                        )));
                    }
                    if bytes.len() as u64 != *byte_length {
                        failures.push(fail(format!(
                            "document is {} bytes, the event recorded {byte_length}",
                            bytes.len()
                        )));
                    }
                    decode(&bytes)
                        .ok()
                        .map(|(text, _)| DocumentLines::new(text))
                }
            };
            decodable.insert(document.clone(), text.is_some());
            current = Some((document.clone(), text));
            continue;
        }
        let (Some(quote), Some(lines)) = (event.body.quoted_text(), event.source.lines) else {
            continue;
        };
        match decodable.get(document) {
            None => {
                failures.push(fail(
                    "the event cites a document that was not ingested before it".into(),
                ));
                continue;
            }
            Some(false) => continue, // Already reported on the document itself.
            Some(true) => {}
        }
        if current.as_ref().is_none_or(|(hash, _)| hash != document) {
            let text = blob_of(document)
                .and_then(|bytes| decode(&bytes).ok())
                .map(|(text, _)| DocumentLines::new(text));
            current = Some((document.clone(), text));
        }
        match current.as_ref().and_then(|(_, text)| text.as_ref()) {
            None => {}
            Some(text) => {
                let range = (lines.first as usize).saturating_sub(1)..(lines.last as usize);
                // A statement is whole lines of its span; a curated quote is a phrase within them.
                let found = |span: &[&str]| match &event.body {
                    EventBody::TargetChanged { .. } => {
                        comparison_key(&span.concat()).contains(&comparison_key(quote))
                    }
                    _ => quote_is_at(quote, span),
                };
                match text.span(range).as_deref() {
                    Some(span) if found(span) => {}
                    Some(_) => failures.push(fail(format!(
                        "the quoted text is not at lines {}–{} of its document",
                        lines.first, lines.last
                    ))),
                    None => failures.push(fail(format!(
                        "lines {}–{} are outside the document ({} lines)",
                        lines.first,
                        lines.last,
                        text.line_ranges.len()
                    ))),
                }
            }
        }
    }
    failures
}

/// A document's text and the byte range of each of its lines (split at `\n`).
struct DocumentLines {
    text: String,
    line_ranges: Vec<std::ops::Range<usize>>,
}

impl DocumentLines {
    fn new(text: String) -> DocumentLines {
        let mut line_ranges = Vec::new();
        let mut start = 0;
        for (index, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_ranges.push(start..index);
                start = index + 1;
            }
        }
        line_ranges.push(start..text.len());
        DocumentLines { text, line_ranges }
    }

    /// The lines of a (0-based, end-exclusive) range, or `None` when it runs past the end.
    fn span(&self, range: std::ops::Range<usize>) -> Option<Vec<&str>> {
        let lines = self.line_ranges.get(range)?;
        Some(lines.iter().map(|r| &self.text[r.clone()]).collect())
    }
}

/// `verify --deep`: re-extracts every document from its stored bytes with its recorded format
/// and requires the document's events to state exactly what extraction yields now — the same
/// measures and actions, in order, with the same text, bureaus, status and lines. A failure
/// names the first event that differs (or the document, when counts differ).
pub fn check_extraction(
    events: &[Event],
    blob_of: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    for document_event in events {
        let EventBody::DocumentIngested { format, .. } = &document_event.body else {
            continue;
        };
        let document = &document_event.source.document;
        let Some(Ok((text, _))) = blob_of(document).map(|bytes| decode(&bytes)) else {
            continue; // Missing or undecodable bytes are reported by check_documents.
        };
        let version = crate::extract::extract(*format, &text);
        let mut expected: Vec<Statement> = Vec::new();
        for measure in &version.measures {
            expected.push(Statement::Measure {
                text: measure.text.clone(),
                lines: measure.lines,
            });
            for action in &measure.actions {
                expected.push(Statement::Action {
                    bureau: action.bureau.clone(),
                    bureau_canonical: action.bureau_canonical.clone(),
                    status: action.status,
                    text: action.text.clone(),
                    lines: action.lines,
                });
            }
        }
        let stated: Vec<(u64, Statement)> = events
            .iter()
            .filter(|e| e.source.document == *document && e.seq > document_event.seq)
            .filter_map(|e| Statement::of(e).map(|statement| (e.seq, statement)))
            .collect();
        let first_difference = expected
            .iter()
            .zip(&stated)
            .find(|(want, (_, have))| *want != have);
        if let Some((want, (seq, have))) = first_difference {
            failures.push(Failure {
                seq: Some(*seq),
                document: Some(document.clone()),
                what: format!(
                    "re-extraction differs: the event states {have}, the document yields {want}"
                ),
            });
        } else if expected.len() != stated.len() {
            failures.push(Failure {
                seq: Some(document_event.seq),
                document: Some(document.clone()),
                what: format!(
                    "re-extraction yields {} statements, the events make {}",
                    expected.len(),
                    stated.len()
                ),
            });
        }
    }
    failures
}

/// What one event says about a document's content, for comparison with re-extraction.
#[derive(Debug, PartialEq, Eq)]
enum Statement {
    Measure {
        text: String,
        lines: crate::extract::LineRange,
    },
    Action {
        bureau: String,
        bureau_canonical: String,
        status: crate::extract::ActionStatus,
        text: String,
        lines: crate::extract::LineRange,
    },
}

impl Statement {
    fn of(event: &Event) -> Option<Statement> {
        let lines = event.source.lines?;
        match &event.body {
            EventBody::MeasureAdded { text, .. }
            | EventBody::MeasureRevised { text, .. }
            | EventBody::MeasureCited { text, .. } => Some(Statement::Measure {
                text: text.clone(),
                lines,
            }),
            EventBody::ActionReported {
                bureau,
                bureau_canonical,
                status,
                text,
                ..
            } => Some(Statement::Action {
                bureau: bureau.clone(),
                bureau_canonical: bureau_canonical.clone(),
                status: *status,
                text: text.clone(),
                lines,
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for Statement {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Statement::Measure { lines, .. } => {
                write!(
                    formatter,
                    "a measure at lines {}–{}",
                    lines.first, lines.last
                )
            }
            Statement::Action {
                bureau,
                status,
                lines,
                ..
            } => write!(
                formatter,
                "a {} action of 【{bureau}】 at lines {}–{}",
                status.as_str(),
                lines.first,
                lines.last
            ),
        }
    }
}

/// Whether `quote` is made of whole lines of `span`, in order, compared by comparison key: the
/// lines it skips are page furniture between the quote's lines. A line's leading bullet may be
/// left out of the quote (actions are stored without their bullet glyph).
pub fn quote_is_at(quote: &str, span: &[&str]) -> bool {
    let key = comparison_key(quote);
    let mut rest = key.as_str();
    for line in span {
        // A block's first line may carry its bureau header (「【部局】○…」): the action is
        // what follows it.
        let content = line_content(line);
        let content = inline_bureau(content).map_or(content, |(_, rest)| rest);
        let line_key = comparison_key(content);
        if line_key.is_empty() {
            continue;
        }
        if let Some(after) = rest.strip_prefix(line_key.as_str()) {
            rest = after;
        } else if let Some(after) =
            rest.strip_prefix(comparison_key(strip_bullet(content)).as_str())
        {
            rest = after;
        }
    }
    if rest.is_empty() && !key.is_empty() {
        return true;
    }
    // Line by line fails where NFKC composes across a line break (a line that starts with a
    // combining mark joins the last character of the line before it): compare the whole span,
    // page furniture left out, its first line's bullet dropped.
    let mut joined = String::new();
    for line in span.iter().map(|line| line_content(line)) {
        if crate::extract::torikumi::is_page_furniture(line) {
            continue;
        }
        let line = inline_bureau(line).map_or(line, |(_, rest)| rest);
        joined.push_str(if joined.is_empty() {
            strip_bullet(line)
        } else {
            line
        });
    }
    !key.is_empty() && comparison_key(&joined) == key
}

fn check_indexes(raw: &super::store::RawTrees, events: &[Event], failures: &mut Vec<Failure>) {
    let expected_docs: RawPairs = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::DocumentIngested { .. }))
        .map(|e| {
            (
                e.source.document.as_bytes().to_vec(),
                e.seq.to_be_bytes().to_vec(),
            )
        })
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let [expected_identity, expected_targets, expected_adoptions, expected_mentions] =
        index_pairs(events);
    for (name, expected, actual) in [
        ("document", &expected_docs, &raw.docs),
        ("identity", &expected_identity, &raw.identity),
        ("target", &expected_targets, &raw.targets),
        ("adoption", &expected_adoptions, &raw.adoptions),
        ("mention", &expected_mentions, &raw.mentions),
    ] {
        if let Some(what) = first_difference(expected, actual) {
            failures.push(Failure {
                seq: None,
                document: None,
                what: format!(
                    "the {name} index does not match the events: {what} (run `planledger reindex` to rebuild it from the log)"
                ),
            });
        }
    }
}

/// The first entry (in key order) that one of two sorted key–value lists holds and the other
/// does not hold the same, said in words.
fn first_difference(expected: &RawPairs, actual: &RawPairs) -> Option<String> {
    let shown = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let mut shown: String = text.chars().take(80).collect();
        if text.chars().count() > 80 {
            shown.push('…');
        }
        format!("{shown:?}")
    };
    let (mut e, mut a) = (expected.iter().peekable(), actual.iter().peekable());
    loop {
        match (e.peek(), a.peek()) {
            (None, None) => return None,
            (Some((key, _)), None) => return Some(format!("entry {} is missing", shown(key))),
            (None, Some((key, _))) => {
                return Some(format!("entry {} is not implied by the log", shown(key)))
            }
            (Some((ek, ev)), Some((ak, av))) => match ek.cmp(ak) {
                std::cmp::Ordering::Less => return Some(format!("entry {} is missing", shown(ek))),
                std::cmp::Ordering::Greater => {
                    return Some(format!("entry {} is not implied by the log", shown(ak)))
                }
                std::cmp::Ordering::Equal if ev != av => {
                    return Some(format!("entry {} holds another value", shown(ek)))
                }
                std::cmp::Ordering::Equal => {
                    e.next();
                    a.next();
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_spans_wrapped_lines_and_skips_furniture() {
        let span = [
            "○「がん診療連携拠点病院等の整備について」において、指定",
            "",
            "項目番号",
            "要件を定めた。",
        ];
        assert!(quote_is_at(
            "「がん診療連携拠点病院等の整備について」において、指定要件を定めた。",
            &span
        ));
        assert!(!quote_is_at(
            "「がん診療連携拠点病院等の整備について」において、指定要件を改めた。",
            &span
        ));
        assert!(!quote_is_at("", &span));
    }

    #[test]
    fn a_quote_matches_through_compatibility_glyphs_and_sub_bullets() {
        let span = [
            "〇研究「⽀持療法」において、",
            "\u{3000}\u{3000}・テキストを改訂した。",
        ];
        assert!(quote_is_at(
            "研究「支持療法」において、\n・テキストを改訂した。",
            &span
        ));
    }
}

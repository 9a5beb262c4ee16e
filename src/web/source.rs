//! The source of every statement: a document's stored bytes, decoded as ingest decoded them,
//! with line numbers (as events cite them: 1-based, split at `\n`) and the cited lines marked;
//! and one event with its seq, hash, predecessor and canonical bytes.

use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{citation, day, frame};
use super::{given, href, App, WebError};
use crate::ledger::Event;
use crate::project::documents::DocumentRecord;

#[derive(Debug, Deserialize)]
pub struct SourceParams {
    lines: Option<String>,
}

/// `12-15` or `12`: the lines to mark, first ≤ last, both from 1.
pub fn parse_lines(text: &str) -> Result<[u32; 2], WebError> {
    let bad = || {
        WebError::BadRequest(format!(
            "lines={text:?} is not a range of lines: use lines=12-15 or lines=12"
        ))
    };
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    let first: u32 = first.trim().parse().map_err(|_| bad())?;
    let last: u32 = last.trim().parse().map_err(|_| bad())?;
    if first == 0 || last < first {
        return Err(bad());
    }
    Ok([first, last])
}

/// A document's name in a path: its hash or a prefix of it (at least 6 hex digits), as every
/// other view prints it.
fn document_hash(hash: &str) -> Result<(), WebError> {
    if (6..=64).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(WebError::BadRequest(format!(
            "{hash:?} is not a document hash: a document is named by the hex digits of its BLAKE3 hash, or the first 6 or more of them (the meetings page links each document)"
        )))
    }
}

pub async fn page(
    State(app): State<App>,
    Path(hash): Path<String>,
    Query(params): Query<SourceParams>,
) -> Result<Markup, WebError> {
    document_hash(&hash)?;
    let marked = given(&params.lines).map(parse_lines).transpose()?;
    let asked = hash.clone();
    let (record, bytes, cited) = app
        .read(move |store| {
            // A whole hash is one index read; only a prefix needs the list of documents.
            let found = match store.document_record(&asked)? {
                Some(record) => Ok(record),
                None => {
                    crate::ingest::correct::by_hash_prefix(&store.document_records()?, &asked)
                        .cloned()
                }
            };
            let record = match found {
                Ok(record) => record,
                Err(0) => {
                    return Err(WebError::NotFound(format!(
                        "the ledger holds no document {asked}; the meetings page lists those it holds"
                    )))
                }
                Err(count) => {
                    return Err(WebError::BadRequest(format!(
                        "{count} documents begin with {asked}: give more of the hash (the meetings page links each document)"
                    )))
                }
            };
            let bytes = store.blob(&record.hash)?;
            // The statements that cite the marked lines.
            let cited: Vec<Event> = match marked {
                None => Vec::new(),
                Some([first, last]) => store
                    .events_of_document(record.seq)?
                    .into_iter()
                    .filter(|e| {
                        e.source
                            .lines
                            .is_some_and(|l| l.first <= last && l.last >= first)
                    })
                    .collect(),
            };
            Ok((record, bytes, cited))
        })
        .await?;
    let Some(bytes) = bytes else {
        return Err(WebError::NotFound(format!(
            "the bytes of document {hash} are missing from the store: run `planledger verify`"
        )));
    };
    // The bytes are read to be shown, so they are checked against the document's name too.
    let intact = blake3::hash(&bytes).to_hex().as_str() == record.hash;
    // Bytes that no longer decode (tampered with) are a finding to show, not a failure.
    let decoded = crate::source::decode::decode(&bytes)
        .map(|(text, encoding)| (text, format!("{encoding:?}")))
        .map_err(|error| error.to_string());
    let title = record
        .title
        .clone()
        .unwrap_or_else(|| "（題名なし）".to_owned());
    Ok(frame(
        &title,
        render(&record, decoded, intact, marked, &cited),
    ))
}

fn render(
    record: &DocumentRecord,
    decoded: Result<(String, String), String>,
    intact: bool,
    marked: Option<[u32; 2]>,
    cited: &[Event],
) -> Markup {
    let (text, encoding) = match &decoded {
        Ok((text, encoding)) => (text.as_str(), encoding.as_str()),
        Err(_) => ("", "undecodable"),
    };
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let is_marked = |n: u32| marked.is_some_and(|[first, last]| (first..=last).contains(&n));
    html! {
        h1 { (record.title.as_deref().unwrap_or("（題名なし）")) }
        p {
            (if record.meeting.is_unknown() { "会議不明".to_owned() } else { record.meeting.name() })
            @if let Some(date) = record.meeting.date { " " (day(&crate::source::meeting::format_iso_date(date))) }
            @if let Some(label) = &record.label { " · " (label) }
            " · " (record.format.as_str()) " · " (encoding) " · " (lines.len()) " lines"
        }
        @if intact {
            p.good { "✓ 原本のハッシュ一致 (the stored bytes hash to the document's name; checked now)" }
        } @else {
            p.bad { "✗ 原本のハッシュが一致しません (the stored bytes do not hash to the document's name): run " code { "planledger verify" } }
        }
        p.muted { "BLAKE3 " code { (record.hash) } " · ingested as " a href=(href::event(record.seq)) { "seq " (record.seq) } }
        @if let Some([first, last]) = marked {
            div.cited {
                p { "引用箇所 (quoted): " a href={ "#L" (first) } { (first) "–" (last) "行" } }
                @if !cited.is_empty() {
                    ul { @for event in cited {
                        li { a href=(href::event(event.seq)) { "seq " (event.seq) } " " (event.body.kind()) " "
                            code.muted { (crate::report::text::short_hash(&event.hash)) }
                            @if let Some(id) = event.body.history_id() {
                                " · " a href=(href::history(id)) { "履歴 " code { (id) } }
                                @if let Some(day) = record.meeting.date {
                                    " · " a href=(href::plan_entry(day, id)) { "この会議の計画で見る" }
                                }
                            } }
                    } }
                }
            }
        }
        @if let Err(error) = &decoded {
            p.bad { "✗ この文書は読み出せません (the stored bytes do not decode: " (error) "): run " code { "planledger verify" } }
        }
        ol.lines {
            @for (index, line) in lines.iter().enumerate() {
                @let number = index as u32 + 1;
                li id={ "L" (number) } class=[is_marked(number).then_some("quoted")] { (line) }
            }
        }
    }
}

pub async fn event(State(app): State<App>, Path(seq): Path<String>) -> Result<Markup, WebError> {
    let seq: u64 = seq.parse().map_err(|_| {
        WebError::BadRequest(format!(
            "{seq:?} is not a sequence number: events are numbered from 0"
        ))
    })?;
    let (event, record) = app
        .read(move |store| {
            let event = store.event(seq)?.ok_or_else(|| {
                WebError::NotFound(format!(
                    "the ledger has no event {seq}: its head is lower (see /integrity)"
                ))
            })?;
            let record = store.document_record(&event.source.document)?;
            Ok((event, record))
        })
        .await?;
    let canonical = event
        .canonical_bytes()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|error| WebError::Internal(error.to_string()))?;
    let lines = event.source.lines.map(|l| [l.first, l.last]);
    let body = html! {
        h1 { "event " (event.seq) " — " (event.body.kind()) }
        table.list {
            tr { th { "seq" } td { (event.seq) } }
            tr { th { "hash (BLAKE3)" } td { code { (event.hash) } } }
            tr { th { "prev" } td { code { (event.prev) }
                @if let Some(previous) = event.seq.checked_sub(1) { " " a href=(href::event(previous)) { "seq " (previous) } } } }
            tr { th { "出典 (source)" } td { (citation(record.as_ref(), &event.source.document, lines)) } }
            @if let Some(id) = event.body.history_id() {
                tr { th { "履歴 (history)" } td { a href=(href::history(id)) { code { (id) } } " の全ての版"
                    @if let Some(day) = record.as_ref().and_then(|r| r.meeting.date) {
                        " · " a href=(href::plan_entry(day, id)) { "この会議の計画で見る (in the plan at this meeting)" }
                    } } }
            }
        }
        h2 { "canonical bytes (RFC 8785), as exported" }
        pre { (canonical) }
    };
    Ok(frame(&format!("event {}", event.seq), body))
}

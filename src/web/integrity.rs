//! Integrity at a glance: the head, the checkpoint of the whole ledger, the last `verify`
//! result, and the export and checkpoints to download for an outsider to check.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{day, frame};
use super::{given, href, App, WebError};
use crate::query;

/// The origin line of the checkpoints this view hands out: the CLI's default.
const ORIGIN: &str = crate::ledger::checkpoint::DEFAULT_ORIGIN;

pub async fn page(State(app): State<App>) -> Result<Markup, WebError> {
    let ledger = app.store.clone();
    let (head, checkpoint, documents, last) = app
        .read(move |store| {
            Ok((
                store.head()?,
                query::checkpoint_at(store, ORIGIN, None)?,
                store.document_records()?,
                super::meetings::last_verification(store, &ledger)?,
            ))
        })
        .await?;
    let body = html! {
        h1 { "完全性 (integrity)" }
        h2 { "先頭 (head)" }
        @match &head {
            Some((seq, hash)) => p { "seq " a href=(href::event(*seq)) { (seq) } " · hash " code { (hash) }
                " · " (seq + 1) " events, " (documents.len()) " documents" },
            None => p { "The ledger is empty." },
        }
        h2 { "最新のチェックポイント (latest checkpoint)" }
        p.muted { "C2SP tlog-checkpoint over the whole ledger (unsigned: sign one with "
            code { "planledger checkpoint --sign KEYFILE" } "). An auditor keeps it and later runs "
            code { "planledger verify --against CHECKPOINT" } "." }
        pre { (checkpoint.to_text()) }
        p.noprint { a href="/checkpoint.txt" download="checkpoint.txt" { "チェックポイントを保存 (download the checkpoint)" } }
        h2 { "最後の検証 (last verify)" }
        (last_verify(last.as_ref(), head.as_ref().map(|(seq, _)| *seq)))
        h2 { "書き出し (export)" }
        p { a href="/export.jsonl" download="planledger-export.jsonl" { "台帳を書き出す (download the export, JSON Lines)" }
            span.muted { " — one canonical event per line; an outsider recomputes every hash with "
                code { "tests/verify_export.py" } " or " code { "planledger import" } "." } }
        h2 { "会議ごとのチェックポイント (checkpoint through a meeting)" }
        ul { @for (reference, meeting) in checkpointable(&documents) {
            li { a href=(href::checkpoint(&reference)) { (meeting.name())
                @if let Some(date) = meeting.date { " " (day(&crate::source::meeting::format_iso_date(date))) } } }
        } }
    };
    Ok(frame("完全性", body))
}

/// The meetings a checkpoint can be asked for, each with a reference that names it alone: its
/// body and ordinal (two meetings can share a day), else its day.
fn checkpointable(
    documents: &[crate::project::documents::DocumentRecord],
) -> Vec<(String, crate::source::meeting::Meeting)> {
    let mut meetings = crate::project::meetings::known_meetings(documents);
    meetings.sort_by(|a, b| a.time_key().cmp(&b.time_key()));
    meetings
        .into_iter()
        .filter_map(|meeting| {
            let reference = match (&meeting.body, meeting.ordinal, meeting.date) {
                (Some(body), Some(ordinal), _) => format!("{body}第{ordinal}回"),
                (_, _, Some(date)) => crate::source::meeting::format_iso_date(date),
                _ => return None,
            };
            Some((reference, meeting))
        })
        .collect()
}

fn last_verify(last: Option<&super::meetings::LastVerification>, head: Option<u64>) -> Markup {
    match last {
        None => {
            html! { p.warn { "このサーバーの台帳はまだ検証されていません (never verified): run "
            code { "planledger verify" } "; its result is shown here." } }
        }
        Some(Err(message)) => html! { p.bad { (message) } },
        Some(Ok((record, false))) => html! {
            p.bad { "✗ 検証後に台帳が変わりました: the last verify (" (super::layout::time_jst(&record.verified_at)) ") checked head seq "
                (record.head.as_ref().map_or(0, |(seq, _)| *seq)) ", which this ledger no longer holds — it was rolled back or rewritten since. Run "
                code { "planledger verify" } "." }
        },
        Some(Ok((record, true))) => {
            let verified = record.head.as_ref().map(|(seq, _)| *seq);
            let behind = match (head, verified) {
                (Some(head), Some(verified)) if head > verified => Some(head - verified),
                (Some(head), None) => Some(head + 1),
                _ => None,
            };
            html! {
                @if record.ok {
                    p.good { "✓ ok" @if record.deep { " (deep)" } ": " (record.n_events) " events, " (record.n_documents) " documents check out" }
                } @else {
                    p.bad { "✗ FAILED: " (record.failures) " failures"
                        @if let Some(first) = &record.first_failure { "; first at " (first) } }
                }
                p.muted { "verified at " (super::layout::time_jst(&record.verified_at))
                    @if let Some((seq, hash)) = &record.head { ", head seq " (seq) " " code { (crate::report::text::short_hash(hash)) } } }
                @if let Some(behind) = behind {
                    p.warn { (behind) " events appended since are not covered: run " code { "planledger verify" } " again." }
                }
            }
        }
    }
}

/// The export, as `planledger export` writes it. It is written to an unnamed temporary file
/// while the request holds the ledger, then sent from there: memory stays flat whatever the
/// ledger's size, and the ledger is not held while a slow client downloads.
pub async fn export(State(app): State<App>) -> Result<impl IntoResponse, WebError> {
    let file = app
        .read(|store| {
            let failed = |error: &dyn std::fmt::Display| {
                WebError::Internal(format!("the export could not be written: {error}"))
            };
            let mut file = tempfile::tempfile().map_err(|e| failed(&e))?;
            crate::ledger::exchange::write_export(store, &mut std::io::BufWriter::new(&mut file))
                .map_err(|e| failed(&e))?;
            std::io::Seek::rewind(&mut file).map_err(|e| failed(&e))?;
            Ok(file)
        })
        .await?;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/jsonl; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"planledger-export.jsonl\"",
            ),
        ],
        axum::body::Body::from_stream(stream),
    ))
}

#[derive(Debug, Deserialize)]
pub struct CheckpointParams {
    at: Option<String>,
}

/// A checkpoint of the whole ledger or through a meeting, as `planledger checkpoint [--at]`
/// prints it (unsigned).
pub async fn checkpoint(
    State(app): State<App>,
    Query(params): Query<CheckpointParams>,
) -> Result<impl IntoResponse, WebError> {
    let at = given(&params.at).map(str::to_owned);
    let checkpoint = app
        .read(move |store| Ok(query::checkpoint_at(store, ORIGIN, at.as_deref())?))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"checkpoint.txt\"",
            ),
        ],
        checkpoint.to_text(),
    ))
}

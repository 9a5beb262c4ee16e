//! The front page: meetings in time order with their documents (undated ones with the bounds
//! their content allows and the lines that say so), and each document's verification status.
//!
//! The status is the last `verify`'s (whether it covered the document, and what it found), read
//! from its record: the page reads the documents' records and nothing that grows with their
//! bytes. A document's bytes are re-hashed where they are read anyway, on its source page.

use axum::extract::State;
use maud::{html, Markup};

use super::layout::{day, frame};
use super::{href, App, WebError};
use crate::ledger::verify::VerificationRecord;
use crate::project::meetings::{meetings, MeetingView};

/// Whether a document is covered by a verification, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `verify` never ran, or ran before the document was appended.
    NotVerified { since_last: bool },
    /// The last `verify` covered the document and the whole ledger checked out.
    Verified { at: String, deep: bool },
    /// The last `verify` covered the document and found a failure somewhere in the ledger.
    VerifyFailed { first: Option<String> },
    /// The ledger no longer holds the head the last `verify` checked: it was rolled back or
    /// rewritten since, so that result stands for nothing here.
    Superseded,
}

/// The last verify's record and whether the ledger still holds the head it verified; or why
/// the record cannot be read.
pub type LastVerification = Result<(VerificationRecord, bool), String>;

/// The last verification record, if any, and whether the ledger still holds the head it
/// verified (the event at that seq has that hash): read under the request's hold on the store.
pub fn last_verification(
    store: &crate::ledger::Store,
    ledger: &std::path::Path,
) -> Result<Option<LastVerification>, WebError> {
    let Some(loaded) = VerificationRecord::load(ledger) else {
        return Ok(None);
    };
    let record = match loaded {
        Ok(record) => record,
        Err(message) => return Ok(Some(Err(message))),
    };
    let holds = record.still_holds(store)?;
    Ok(Some(Ok((record, holds))))
}

/// A document's status from the last verification record and whether the ledger still holds
/// the head it verified.
pub fn status(seq: u64, last: Option<(&VerificationRecord, bool)>) -> Status {
    match last {
        None => Status::NotVerified { since_last: false },
        Some((_, false)) => Status::Superseded,
        Some((record, _)) if record.head.as_ref().is_none_or(|(head, _)| *head < seq) => {
            Status::NotVerified { since_last: true }
        }
        Some((record, _)) if record.ok => Status::Verified {
            at: record.verified_at.clone(),
            deep: record.deep,
        },
        Some((record, _)) => Status::VerifyFailed {
            first: record.first_failure.clone(),
        },
    }
}

fn show(status: &Status) -> Markup {
    match status {
        Status::Superseded => html! {
            span.bad { "✗ 検証後に台帳が変わりました (the ledger no longer holds the head the last verify checked: run "
                code { "planledger verify" } ")" }
        },
        Status::NotVerified { since_last: false } => html! {
            span.warn { "未検証 (never verified: run " code { "planledger verify" } ")" }
        },
        Status::NotVerified { since_last: true } => html! {
            span.warn { "未検証 (appended after the last verify)" }
        },
        Status::Verified { at, deep } => html! {
            span.good { "✓ 検証済 (verified" @if *deep { ", deep" } " " (super::layout::time_jst(at)) ")" }
        },
        Status::VerifyFailed { first } => html! {
            span.bad { "✗ 最後の検証で不一致 (the last verify failed"
                @if let Some(first) = first { ": " (first) } ")" }
        },
    }
}

pub async fn page(State(app): State<App>) -> Result<Markup, WebError> {
    let ledger = app.store.clone();
    let (documents, last) = app
        .read(move |store| {
            Ok((
                store.document_records()?,
                last_verification(store, &ledger)?,
            ))
        })
        .await?;
    let record = last
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .map(|(record, holds)| (record, *holds));
    let view = meetings(&documents);
    let dated: Vec<&MeetingView> = view.meetings.iter().filter(|m| m.date.is_some()).collect();
    let body = html! {
        h1 { "会議一覧 (meetings)" }
        p.muted { (documents.len()) " documents at " (view.meetings.len()) " meetings. "
            "Pick a meeting's plan, or compare it with the meeting before." }
        @if let Some(Err(message)) = &last { p.bad { (message) } }
        @if documents.is_empty() { p { "The ledger is empty: run " code { "planledger ingest seeds" } "." } }
        @for meeting in &view.meetings {
            section.meeting {
                h2 { (heading(meeting)) }
                @if let Some(date) = &meeting.date {
                    p.noprint {
                        a href=(href::plan(date)) { "この会議の計画 (the plan at this meeting)" }
                        @if let Some(previous) = previous_dated(&dated, meeting) {
                            " · " a href=(href::diff(previous, date)) { "前回からの変更 (changes since " (day(previous)) ")" }
                        }
                    }
                }
                @if let Some(bounds) = &meeting.date_bounds {
                    p.warn { "日付不明 — not before " (day(&bounds.not_before))
                        @if let Some(after) = &bounds.not_after { ", not after " (day(after)) } }
                    ul.muted { @for line in &bounds.evidence { li { (line) } } }
                } @else if meeting.date.is_none() {
                    p.warn { "日付不明 (date unknown): the documents state none and cite no date to bound it." }
                }
                table.list {
                    thead { tr { th { "資料" } th { "題名" } th { "形式" } th { "seq" } th { "状態 (status)" } } }
                    tbody {
                        @for document in &meeting.documents {
                            tr {
                                td { (document.label.as_deref().unwrap_or("—")) }
                                td {
                                    a href=(href::source(&document.hash, None)) { (document.title.as_deref().unwrap_or("（題名なし）")) }
                                    br; code.muted { (document.hash) }
                                    @if document.withdrawn { br; span.bad { "取下げ (withdrawn)" } }
                                    @for correction in &document.corrections {
                                        br; span.warn { "訂正 seq " (correction.seq) ": " (correction.reason) }
                                    }
                                }
                                td { (document.format) }
                                td { a href=(href::event(document.seq)) { (document.seq) } }
                                td { (show(&status(document.seq, record))) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(frame("会議一覧", body))
}

/// 第92回 がん対策推進協議会 — 令和7年10月6日（2025-10-06）.
fn heading(meeting: &MeetingView) -> String {
    let body = meeting.body.as_deref().unwrap_or("会議体不明");
    let ordinal = meeting
        .ordinal
        .map_or_else(|| "回次不明".to_owned(), |n| format!("第{n}回"));
    let date = meeting
        .date
        .as_deref()
        .map_or_else(|| "日付不明".to_owned(), day);
    format!("{body} {ordinal} — {date}")
}

/// The date of the dated meeting just before `meeting`, of any body: the plan is one plan
/// whichever body's document states it.
fn previous_dated<'m>(dated: &[&'m MeetingView], meeting: &MeetingView) -> Option<&'m str> {
    let position = dated.iter().position(|m| std::ptr::eq(*m, meeting))?;
    dated.get(..position)?.last()?.date.as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, ok: bool) -> VerificationRecord {
        VerificationRecord {
            verified_at: "2026-11-22T00:00:00Z".into(),
            deep: false,
            ok,
            n_events: seq + 1,
            n_documents: 1,
            head: Some((seq, "h".into())),
            failures: usize::from(!ok),
            first_failure: (!ok).then(|| "seq 3: the hash differs".to_owned()),
        }
    }

    #[test]
    fn a_documents_status_follows_the_last_verify() {
        let cases = [
            (0, None, Status::NotVerified { since_last: false }),
            (
                11,
                Some(record(10, true)),
                Status::NotVerified { since_last: true },
            ),
            (
                10,
                Some(record(10, true)),
                Status::Verified {
                    at: "2026-11-22T00:00:00Z".into(),
                    deep: false,
                },
            ),
            (
                2,
                Some(record(10, false)),
                Status::VerifyFailed {
                    first: Some("seq 3: the hash differs".into()),
                },
            ),
        ];
        for (seq, last, expected) in cases {
            assert_eq!(
                status(seq, last.as_ref().map(|r| (r, true))),
                expected,
                "seq {seq}"
            );
        }
        // A verified head the ledger no longer holds vouches for nothing.
        assert_eq!(
            status(2, Some((&record(10, true), false))),
            Status::Superseded
        );
    }
}

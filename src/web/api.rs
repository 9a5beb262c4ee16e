//! The JSON API: the documents the CLI prints with `--format json`, byte for byte — the same
//! library calls, the same serialisation (`report::to_json`). Errors are `{"error": …}` with
//! the CLI's message and a status that says whose fault it is.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::error::ApiError;
use super::{given, App, WebError};
use crate::query::{self, DiffRequest, StateRequest};
use crate::report::to_json;

fn json(body: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], body)
}

#[derive(Debug, Deserialize)]
pub struct StateParams {
    at: Option<String>,
    section: Option<String>,
    plan: Option<String>,
    as_known_at: Option<String>,
}

/// `/api/state?at=第92回&section=…&plan=…&as_known_at=SEQ` = `planledger state --format json`.
pub async fn state(
    State(app): State<App>,
    Query(params): Query<StateParams>,
) -> Result<impl IntoResponse, ApiError> {
    let as_known_at = given(&params.as_known_at)
        .map(|seq| {
            seq.parse::<u64>().map_err(|_| {
                WebError::BadRequest(format!("as_known_at={seq:?} is not a sequence number"))
            })
        })
        .transpose()?;
    let request = StateRequest {
        at: given(&params.at).map(str::to_owned),
        as_known_at,
        section: given(&params.section).map(str::to_owned),
        plan: given(&params.plan).map(str::to_owned),
    };
    // A question about an earlier head is decoded and folded after the ledger is let go, one
    // such question at a time (its copy of the frames is freed before the next is made).
    // The turn goes with the copy, through the read and the fold (each runs on even if the
    // request is dropped), and is given back when the copy is.
    let turn = match request.as_known_at {
        Some(_) => Some(app.earlier_head.clone().lock_owned().await),
        None => None,
    };
    let (turn, reading) = app
        .read(move |store| Ok((turn, query::read_state_at(store, &request)?)))
        .await?;
    let view = tokio::task::spawn_blocking(move || {
        let answer = reading.answer();
        drop(turn);
        answer
    })
    .await
    .map_err(|error| WebError::Internal(error.to_string()))??;
    Ok(json(to_json(&view)))
}

#[derive(Debug, Deserialize)]
pub struct DiffParams {
    since: Option<String>,
    until: Option<String>,
    plan: Option<String>,
}

/// `/api/diff?since=…&until=…&plan=…` = `planledger diff --format json`.
pub async fn diff(
    State(app): State<App>,
    Query(params): Query<DiffParams>,
) -> Result<impl IntoResponse, ApiError> {
    let since = given(&params.since).ok_or_else(|| {
        WebError::BadRequest(
            "since is required: /api/diff?since=第92回&until=第93回 (until defaults to the latest dated meeting)".into(),
        )
    })?;
    let request = DiffRequest {
        since: since.to_owned(),
        until: given(&params.until).map(str::to_owned),
        plan: given(&params.plan).map(str::to_owned),
    };
    let view = app
        .read(move |store| Ok(query::diff_of(store, &request)?))
        .await?;
    Ok(json(to_json(&view)))
}

/// `/api/history/{id}` = `planledger history ID --format json`.
pub async fn history(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let asked = id.clone();
    let view = app
        .read(move |store| Ok(query::history(store, &asked)?))
        .await?;
    if view.entries.is_empty() {
        return Err(WebError::NotFound(crate::project::history::no_events_about(&id)).into());
    }
    Ok(json(to_json(&view)))
}

/// `/api/meetings` = `planledger meetings --format json`.
pub async fn meetings(State(app): State<App>) -> Result<impl IntoResponse, ApiError> {
    let documents = app.read(|store| Ok(store.document_records()?)).await?;
    Ok(json(to_json(&crate::project::meetings::meetings(
        &documents,
    ))))
}

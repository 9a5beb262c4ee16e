//! `planledger serve`: a read-only web view of the ledger for reviewers who will never open a
//! terminal — meetings, the plan at a meeting, the 新旧対照表 between two meetings, a measure's
//! or figure's history, the source lines of every statement, integrity — and a JSON API whose
//! documents are byte for byte those the CLI prints.
//!
//! Invariants:
//! - Nothing here writes to the store: every route is a GET, and the store is opened for one
//!   request and closed when it is answered ([`App::read`]), one request at a time. `ingest` in
//!   another process finds the lock free between requests (or waits out one), and the next
//!   request reads what it appended.
//! - Every piece of document text reaches a page through maud's escaping or
//!   [`crate::report::html::escape`]; pages load nothing from elsewhere and run no script
//!   (the Content-Security-Policy says so to the browser).
//! - The API answers with the same library calls and the same serialisation as the CLI
//!   (`query::state_at`, `query::diff_of`, `query::history`, `project::meetings`,
//!   `report::to_json`).

mod api;
mod chart;
mod error;
pub mod href;
mod integrity;
mod layout;
pub mod listen;
mod meetings;
mod plan;
mod revisions;
mod source;
mod timeline;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;

pub use error::WebError;

use crate::ledger::Store;

/// What a request needs: where the ledger is, how long to wait for an ingest holding it, and
/// the gate that lets one request at a time hold the store (sled's lock is per process and
/// exclusive, so two requests opening it at once would refuse each other).
#[derive(Clone)]
pub struct App {
    store: PathBuf,
    wait: Duration,
    gate: Arc<Mutex<()>>,
    /// One question about an earlier head at a time: each copies the ledger's frames through
    /// that head (80 MB at a million events) to fold them after the gate is let go, so asked
    /// side by side they would each hold a copy.
    earlier_head: Arc<tokio::sync::Mutex<()>>,
}

impl App {
    pub fn new(store: PathBuf, wait: Duration) -> App {
        App {
            store,
            wait,
            gate: Arc::new(Mutex::new(())),
            earlier_head: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Opens the ledger, answers `question` from it and closes it, on a thread where blocking
    /// is allowed. The lock is held for this request only.
    async fn read<T, F>(&self, question: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, WebError> + Send + 'static,
    {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let _held = app.gate.lock().unwrap_or_else(PoisonError::into_inner);
            // A writer (an ingest, a correction) waiting for the ledger goes first: requests
            // hold back, for at most the wait, until it is in — a server answering back to
            // back would otherwise leave it only the moment between two requests.
            let deadline = std::time::Instant::now() + app.wait;
            while Store::writer_waiting(&app.store) && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let store = Store::open_to_answer(&app.store, app.wait)?;
            question(&store)
        })
        .await
        .map_err(|error| WebError::Internal(error.to_string()))?
    }
}

/// The policy every answer carries: nothing from elsewhere, no script, no framing, forms only
/// to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every route of the web view and its API.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(meetings::page))
        .route("/plan", get(plan::page))
        .route("/diff", get(revisions::page))
        .route("/progress", get(revisions::progress))
        .route("/history/{id}", get(revisions::history))
        .route("/source/{hash}", get(source::page))
        .route("/event/{seq}", get(source::event))
        .route("/timeline", get(timeline::page))
        .route("/integrity", get(integrity::page))
        .route("/export.jsonl", get(integrity::export))
        .route("/checkpoint.txt", get(integrity::checkpoint))
        .route("/style.css", get(layout::style))
        .route("/api/state", get(api::state))
        .route("/api/diff", get(api::diff))
        .route("/api/history/{id}", get(api::history))
        .route("/api/meetings", get(api::meetings))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(error::own_rejections))
        .layer(axum::middleware::map_response(secure))
        .with_state(app)
}

/// The headers every answer carries.
async fn secure(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Serves `app` on `listener` until `shutdown` completes, within `limits` (idle and header
/// timeouts, a cap on open connections: [`listen`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    limits: listen::Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::accept(listener, router(app), limits, shutdown).await
}

/// A query parameter as a form sends it: an empty field is no value.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

//! What a request could not be answered with, as a page (or, for the API, as JSON) with a status
//! that says whose fault it is — and the same message the CLI gives for the same mistake.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::ledger::StoreError;
use crate::query::QueryError;
use crate::source::meeting::MeetingRefError;
use crate::FailureKind;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request is wrong: a malformed parameter.
    #[error("{0}")]
    BadRequest(String),
    /// The request names nothing the ledger holds.
    #[error("{0}")]
    NotFound(String),
    #[error("the request could not be answered: {0}")]
    Internal(String),
    /// The framework refused the request before a page saw it (an address whose escapes are
    /// not UTF-8, a query it cannot read): its status and words.
    #[error("the address could not be read: {1}")]
    Rejected(StatusCode, String),
}

impl From<MeetingRefError> for WebError {
    fn from(error: MeetingRefError) -> WebError {
        WebError::Query(error.into())
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        let kind = match self {
            // The ledger is the server's, not the request's: missing, in use past the wait or
            // damaged, this server cannot answer now.
            WebError::Store(_) | WebError::Query(QueryError::Store(_)) => {
                return StatusCode::SERVICE_UNAVAILABLE
            }
            WebError::Query(query) => query.kind(),
            WebError::BadRequest(_) => return StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => return StatusCode::NOT_FOUND,
            WebError::Internal(_) => return StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Rejected(status, _) => return *status,
        };
        match kind {
            FailureKind::BadInput => StatusCode::BAD_REQUEST,
            FailureKind::CheckFailed => StatusCode::CONFLICT,
            FailureKind::LedgerUnusable => StatusCode::SERVICE_UNAVAILABLE,
            FailureKind::Defect => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self.status() {
            StatusCode::BAD_REQUEST => "要求が正しくありません (bad request)",
            StatusCode::NOT_FOUND => "見つかりません (not found)",
            StatusCode::SERVICE_UNAVAILABLE => "台帳を読めません (ledger unavailable)",
            _ => "エラー (error)",
        }
    }
}

/// The error in a reader's words: where the library's message sends the reader to a command
/// that lists something, the page that lists it.
fn web_words(error: &WebError) -> String {
    match error {
        WebError::Query(QueryError::Meeting(MeetingRefError::NoMatch { input })) => format!(
            "no meeting in the ledger matches {input:?}; the meetings page (会議一覧) lists them: pick one there"
        ),
        other => other.to_string(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = web_words(&self);
        // What is left of a command's advice is for whoever keeps the ledger, not the reader.
        let for_the_keeper = message.contains("`planledger ");
        let body = html! {
            h1 { (self.title()) }
            p.error-message { (message) }
            @if for_the_keeper {
                p.muted { "（The command named above is for whoever keeps this ledger; this page cannot run it.）" }
            }
            @if status == StatusCode::SERVICE_UNAVAILABLE {
                p { "Reload this page in a moment: an ingest may be holding the ledger." }
            }
            p { a href="/" { "会議一覧へ戻る (back to the meetings)" } }
        };
        (
            status,
            super::layout::frame(&format!("{} {}", status.as_u16(), self.title()), body),
        )
            .into_response()
    }
}

/// [`WebError`] for the API: the same status, the message as JSON `{"error": …}`.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::report::to_json(&serde_json::json!({ "error": self.0.to_string() }));
        (
            self.0.status(),
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

/// Answers the framework's own refusals (plain text: an address whose escapes are not UTF-8, a
/// query it cannot read) as this view's error page, or as the API's JSON under `/api/`.
pub async fn own_rejections(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() && plain) {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let error = WebError::Rejected(status, String::from_utf8_lossy(&bytes).trim().to_owned());
    if api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// Any address the view does not have.
pub async fn not_found(uri: axum::http::Uri) -> WebError {
    WebError::NotFound(format!(
        "there is no page at {}; the pages are the meetings (/), the plan (/plan), the 新旧対照表 (/diff), a history (/history/ID), the milestones (/timeline) and integrity (/integrity)",
        uri.path()
    ))
}

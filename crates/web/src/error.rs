//! The HTTP boundary's errors: one JSON envelope for the API, an HTML page for the UI.

use amity_domain::error::{FieldError, Invalid, Problem};
use amity_store::Error as StoreError;
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An API failure, rendered as `{"errors":[{"detail","field"}]}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
    /// Existing records a refused one may duplicate (409), for the client to show or confirm.
    pub candidates: Vec<serde_json::Value>,
    /// Seconds to wait before trying again (429), sent as `Retry-After`.
    pub retry_after: Option<i64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize)]
struct Envelope<'a> {
    errors: Vec<Item<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    candidates: &'a [serde_json::Value],
}

#[derive(Serialize)]
struct Item<'a> {
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<Problem>) -> Self {
        ApiError {
            status,
            errors: vec![FieldError::new("", detail)],
            candidates: Vec::new(),
            retry_after: None,
        }
    }

    pub fn field(status: StatusCode, field: &str, detail: impl Into<Problem>) -> Self {
        ApiError {
            status,
            errors: vec![FieldError::new(field, detail)],
            candidates: Vec::new(),
            retry_after: None,
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/token)",
        )
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "no such resource")
    }

    /// Too many failed sign-ins: try again after `wait`.
    pub fn throttled(wait: chrono::Duration) -> Self {
        let (seconds, said) = sign_in_wait(wait);
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, said)
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: invalid.0,
            candidates: Vec::new(),
            retry_after: None,
        }
    }
}

/// Maps storage outcomes to statuses; unexpected errors are logged once here and reach the
/// client as an opaque 500, never with SQL or internal text.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Invalid(invalid) => invalid.into(),
            StoreError::Denied(denied) => ApiError::new(StatusCode::FORBIDDEN, denied.0),
            StoreError::NotFound(what) => {
                ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
            }
            StoreError::Conflict { field, detail } => {
                ApiError::field(StatusCode::CONFLICT, &field, detail)
            }
            StoreError::Throttled(wait) => ApiError::throttled(wait),
            StoreError::Duplicate { field, candidates } => ApiError {
                candidates,
                ..ApiError::field(
                    StatusCode::CONFLICT,
                    &field,
                    "this looks like an existing record (see candidates); send confirm_duplicate: true to create it anyway",
                )
            },
            e if e.is_unique_violation() => {
                ApiError::new(StatusCode::CONFLICT, "this record already exists")
            }
            e => {
                tracing::error!(error = ?e, "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; it has been logged",
                )
            }
        }
    }
}

/// The largest error body from below the API (axum's rejections, the body limit) that is
/// carried into the envelope; anything longer is cut.
const PASSED_ON_DETAIL: usize = 300;

/// Keeps the API's promise that every error is the JSON envelope: a refusal made below the
/// handlers (a path segment that is not a number, a body over the limit, a method the path does
/// not take, a panic) arrives as plain text or empty, and is rewritten here with its status.
pub async fn api_errors_as_json(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let detail = match status {
        StatusCode::NOT_FOUND => "no such resource".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than allowed".to_owned(),
        s if s.is_server_error() => "internal error; it has been logged".to_owned(),
        _ => {
            let bytes = axum::body::to_bytes(response.into_body(), PASSED_ON_DETAIL * 4)
                .await
                .unwrap_or_default();
            let text: String = String::from_utf8_lossy(&bytes)
                .chars()
                .take(PASSED_ON_DETAIL)
                .collect();
            if text.trim().is_empty() {
                status.canonical_reason().unwrap_or("refused").to_owned()
            } else {
                text
            }
        }
    };
    ApiError::new(status, detail).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope {
            errors: self
                .errors
                .iter()
                .map(|e| Item {
                    detail: match e.problem {
                        // Worded from the English locale; the others carry their English.
                        Problem::Said { .. } => crate::i18n::Lang::En.problem(&e.problem),
                        _ => e.detail(),
                    },
                    field: (!e.field.is_empty()).then_some(e.field.as_str()),
                })
                .collect(),
            candidates: &self.candidates,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// A sign-in wait as `Retry-After` gives it (whole seconds) and as the reader is told it.
pub fn sign_in_wait(wait: chrono::Duration) -> (i64, Problem) {
    let seconds = retry_after_seconds(wait);
    let said = amity_domain::error::said("sign-in-wait", [("seconds", seconds.to_string())]);
    (seconds, said)
}

/// A wait in whole seconds, rounded up, at least one.
pub fn retry_after_seconds(wait: chrono::Duration) -> i64 {
    (wait.num_milliseconds() + 999).div_euclid(1000).max(1)
}

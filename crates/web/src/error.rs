//! The HTTP boundary's errors: one JSON envelope for the API, an HTML page for the UI.

use amity_domain::error::{FieldError, Invalid, Problem};
use amity_store::Error as StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An API failure, rendered as `{"errors":[{"detail","field"}]}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<FieldError>,
    /// Existing records a refused one may duplicate (409), for the client to show or confirm.
    pub candidates: Vec<serde_json::Value>,
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
        }
    }

    pub fn field(status: StatusCode, field: &str, detail: impl Into<Problem>) -> Self {
        ApiError {
            status,
            errors: vec![FieldError::new(field, detail)],
            candidates: Vec::new(),
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
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: invalid.0,
            candidates: Vec::new(),
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope {
            errors: self
                .errors
                .iter()
                .map(|e| Item {
                    detail: e.detail(),
                    field: (!e.field.is_empty()).then_some(e.field.as_str()),
                })
                .collect(),
            candidates: &self.candidates,
        };
        (self.status, Json(body)).into_response()
    }
}

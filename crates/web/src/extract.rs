//! Request extractors that turn bad input into the API's error envelope, naming the field.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Turns axum's deserialization message into an error naming the field. Messages look like
/// "Failed to deserialize …: name: invalid type: …" (a path, then serde's text) or
/// "…: unknown field `colour`, expected …".
fn rejection(status: StatusCode, message: &str) -> ApiError {
    let text = message
        .split_once("target type: ")
        .or_else(|| message.split_once("query string: "))
        .map_or(message, |(_, rest)| rest);
    let quoted = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|marker| {
            text.split_once(marker)
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(field, _)| field)
        });
    let path = text
        .split_once(": ")
        .filter(|(path, _)| !path.is_empty() && !path.contains(' '));
    match (quoted, path) {
        (Some(field), _) => ApiError::field(status, field, text),
        (None, Some((field, detail))) => ApiError::field(status, field, detail),
        (None, None) => ApiError::new(status, text),
    }
}

/// A JSON body; unknown fields and wrong types are a 422 naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(rejection(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is larger than allowed",
            )),
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, e.body_text())),
        }
    }
}

/// Query parameters; an unknown or malformed parameter is a 422 naming it.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(rejection(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()))
            }
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, e.body_text())),
        }
    }
}

/// `?page=&per_page=` (per_page up to 500), shared by every collection.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Paging {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl Paging {
    pub const MAX_PER_PAGE: u64 = 500;

    /// (limit, offset), or a 422 naming the bad parameter.
    pub fn window(&self, default_per_page: u64) -> Result<(u64, u64), ApiError> {
        let per_page = self.per_page.unwrap_or(default_per_page);
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "per_page",
                format!("must be between 1 and {}", Self::MAX_PER_PAGE),
            ));
        }
        let page = self.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "page",
                "pages start at 1",
            ));
        }
        Ok((per_page, (page - 1).saturating_mul(per_page)))
    }
}

/// Deserializes a field that may be absent (no change), `null` (clear) or a value (set).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_found_in_serde_messages() {
        let e = rejection(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Failed to deserialize the JSON body into the target type: name: invalid type: integer `3`, expected a string at line 1 column 10",
        );
        assert_eq!(e.errors[0].field, "name");
        let e = rejection(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected one of `name` at line 1 column 10",
        );
        assert_eq!(e.errors[0].field, "colour");
    }

    #[test]
    fn paging_is_bounded() {
        assert_eq!(
            Paging {
                page: Some(3),
                per_page: Some(20)
            }
            .window(50)
            .ok(),
            Some((20, 40))
        );
        assert!(
            Paging {
                page: None,
                per_page: Some(501)
            }
            .window(50)
            .is_err()
        );
        assert!(
            Paging {
                page: Some(0),
                per_page: None
            }
            .window(50)
            .is_err()
        );
    }
}

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
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|t| {
                let t = t.trim();
                t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the request body is larger than allowed",
                ),
                _ => ApiError::new(StatusCode::BAD_REQUEST, e.body_text()),
            })?;
        let value: serde_json::Value = match axum::Json::from_bytes(&bytes) {
            Ok(axum::Json(v)) => v,
            Err(e) => return Err(ApiError::new(StatusCode::BAD_REQUEST, e.body_text())),
        };
        checked_body(&value)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(rejection(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()))
            }
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, e.body_text())),
        }
    }
}

/// The longest text any field takes, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Years a date may fall in, unless its field keeps history.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;
/// Fields whose dates may lie further back: when a partner was founded, when relations with a
/// country were established, what a commemoration remembers.
const HISTORIC_DATES: [&str; 3] = ["founded_on", "relations_established", "date"];

/// What every request body must be before it is read as its type: an object, whose texts hold
/// no control characters (line breaks and tabs aside), none longer than [`MAX_TEXT_CHARS`],
/// and whose dates fall in [`DATE_YEARS`]. A problem names its field (`members[0].name`).
fn checked_body(value: &serde_json::Value) -> Result<(), ApiError> {
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body must be a JSON object",
        ));
    }
    let mut problems = Vec::new();
    walk(value, String::new(), &mut problems);
    if problems.is_empty() {
        return Ok(());
    }
    Err(ApiError::from(amity_domain::error::Invalid(problems)))
}

fn walk(
    value: &serde_json::Value,
    path: String,
    problems: &mut Vec<amity_domain::error::FieldError>,
) {
    use amity_domain::error::{FieldError, said};
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let field = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(v, field, problems);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{path}[{i}]"), problems);
            }
        }
        serde_json::Value::String(text) => {
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                problems.push(FieldError::new(&path, said("control-characters", [])));
            } else if text.chars().count() > MAX_TEXT_CHARS {
                let max = MAX_TEXT_CHARS.to_string();
                problems.push(FieldError::new(
                    &path,
                    said("text-too-long", [("max", max)]),
                ));
            } else if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                let leaf = path.rsplit(['.', ']']).next().unwrap_or_default();
                let year = chrono::Datelike::year(&date);
                if !DATE_YEARS.contains(&year) && !HISTORIC_DATES.contains(&leaf) {
                    problems.push(FieldError::new(
                        &path,
                        said("date-out-of-range", [("value", text.clone())]),
                    ));
                }
            }
        }
        _ => {}
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

/// Where a request came from: the connection's peer, or the address the trusted proxy names
/// last in `X-Forwarded-For` when the peer is that proxy (never a header from anyone else).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<crate::state::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = || {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                .next_back()
        };
        Ok(ClientAddr(match (peer, state.config.trusted_proxy) {
            (Some(p), Some(proxy)) if p == proxy => forwarded().or(peer),
            _ => peer,
        }))
    }
}

//! The JSON API under `/api/v1`, described by `GET /api/v1/openapi.json`.

pub(crate) mod activities;
mod agreements;
mod aid;
pub(crate) mod aid_import;
mod applications;
mod audit;
mod auth;
pub(crate) mod countries;
pub(crate) mod delegations;
mod emulation;
pub(crate) mod events;
mod holidays;
mod import;
mod ngos;
mod openapi;
mod org_units;
mod partners;
mod people;
mod plans;
mod reports;
mod search;
pub(crate) mod users;

use amity_domain::error::Problem;
use axum::Json;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Serialize;

use crate::error::ApiError;

use crate::route_set::RouteSet;
pub(crate) use activities::UPLOAD_REQUEST_LIMIT;

/// A page of a collection: `{"items": [...], "total": N}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> List<T> {
    /// The page (`page`, `per_page`; 50 by default) of a short register read whole (work plans,
    /// awards, applications), with the count of all.
    pub(crate) fn page_of(
        items: Vec<T>,
        page: Option<u64>,
        per_page: Option<u64>,
    ) -> Result<List<T>, ApiError> {
        let (limit, offset) = crate::extract::Paging { page, per_page }.window(50)?;
        let total = items.len() as i64;
        let items = items
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(List { items, total })
    }
}

/// An ISO date from a request, or a 422 naming the field.
pub(crate) fn date_field(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            format!("“{value}” is not a date in YYYY-MM-DD form"),
        )
    })
}

/// The API takes dates in ISO form only (the pages also take `dd/mm/yyyy`): each date given
/// that is not `YYYY-MM-DD` is refused under its field; blanks are left to the record's rules.
pub(crate) fn iso_dates<'a>(
    dates: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Result<(), ApiError> {
    for (field, value) in dates {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            date_field(field, v)?;
        }
    }
    Ok(())
}

/// A workflow move: `{"to": state, "comment": …}`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionBody {
    pub to: Option<String>,
    pub comment: Option<String>,
}

impl TransitionBody {
    /// The state asked for, or a 422 naming `to`.
    pub(crate) fn target<T: std::str::FromStr<Err: Into<Problem>>>(&self) -> Result<T, ApiError> {
        self.to
            .as_deref()
            .ok_or_else(|| unprocessable("to", Problem::Required))?
            .parse()
            .map_err(|e| unprocessable("to", e))
    }
}

pub(crate) fn unprocessable(field: &str, detail: impl Into<Problem>) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, detail)
}

/// Optional text as typed: spaces collapsed, blank as absent.
pub(crate) fn text(v: Option<String>) -> Option<String> {
    v.as_deref().and_then(amity_domain::text::line)
}

/// Every module's part of the description, with the module's name.
fn descriptions() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
    use utoipa::OpenApi;
    #[cfg_attr(
        not(feature = "pdf"),
        expect(unused_mut, reason = "PDF exports add a part")
    )]
    let mut parts = vec![
        ("activities", activities::Doc::openapi()),
        ("agreements", agreements::Doc::openapi()),
        ("aid", aid::Doc::openapi()),
        ("applications", applications::Doc::openapi()),
        ("audit", audit::Doc::openapi()),
        ("auth", auth::Doc::openapi()),
        ("countries", countries::Doc::openapi()),
        ("delegations", delegations::Doc::openapi()),
        ("emulation", emulation::Doc::openapi()),
        ("events", events::Doc::openapi()),
        ("holidays", holidays::Doc::openapi()),
        ("ngos", ngos::Doc::openapi()),
        ("org_units", org_units::Doc::openapi()),
        ("partners", partners::Doc::openapi()),
        ("people", people::Doc::openapi()),
        ("plans", plans::Doc::openapi()),
        ("reports", reports::Doc::openapi()),
        ("search", search::Doc::openapi()),
        ("users", users::Doc::openapi()),
    ];
    #[cfg(feature = "pdf")]
    parts.push(("reports", reports::PdfDoc::openapi()));
    parts
}

/// The API's description (OpenAPI 3.1), as served at `/api/v1/openapi.json`.
pub fn description() -> &'static str {
    openapi::DESCRIPTION.as_str()
}

async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi::DESCRIPTION.as_str(),
    )
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

pub(crate) fn public_routes() -> RouteSet {
    RouteSet::default()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/docs", get(openapi::browse_root))
        .route("/api/v1/docs/", get(openapi::browse))
        .route("/api/v1/docs/{*file}", get(openapi::browse))
        .merge(auth::public_routes())
}

pub(crate) fn routes() -> RouteSet {
    RouteSet::default()
        .merge(auth::routes())
        .merge(countries::routes())
        .merge(agreements::routes())
        .merge(activities::routes())
        .merge(delegations::routes())
        .merge(events::routes())
        .merge(reports::routes())
        .merge(plans::routes())
        .merge(emulation::routes())
        .merge(org_units::routes())
        .merge(partners::routes())
        .merge(ngos::routes())
        .merge(aid::routes())
        .merge(applications::routes())
        .merge(holidays::routes())
        .merge(people::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(search::routes())
}

/// Entry points for the fuzzing targets (`fuzz/`): each importer's reading of a CSV file, which
/// must refuse any input with a message naming the line and field, never panic. The number of
/// rows read, or `None` when the file is refused.
#[doc(hidden)]
pub mod fuzzing {
    pub fn partner_rows(body: &str) -> Option<usize> {
        super::import::rows(
            body,
            &super::partners::IMPORT_COLUMNS,
            super::partners::parse_row,
        )
        .ok()
        .map(|rows| rows.len())
    }

    pub fn people_rows(body: &str) -> Option<usize> {
        super::import::rows(
            body,
            &super::people::IMPORT_COLUMNS,
            super::people::parse_row,
        )
        .ok()
        .map(|rows| rows.len())
    }

    pub fn aid_rows(body: &str) -> Option<usize> {
        let projects = super::aid_import::read(body, &super::aid_import::PROJECT_COLUMNS).ok();
        let transactions =
            super::aid_import::read(body, &super::aid_import::TRANSACTION_COLUMNS).ok();
        projects.or(transactions).map(|rows| rows.len())
    }
}

//! `/api/v1/holidays`: the public holidays an application's processing time does not count.
//! Everyone signed in reads them; administrators maintain them.

use amity_store::holiday::{self, Holiday};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    year: Option<i32>,
}

#[utoipa::path(
    get,
    path = "/holidays",
    tag = "applications",
    summary = "Public holidays, which applications' processing times do not count (ships with the statutory days of 2025–2027)",
    params(ListQuery),
    responses((status = 200, description = "{items: [{date, name_vi, name_en}], total}", body = List<Holiday>))
)]
async fn list(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Holiday>>> {
    let mut conn = state.db.conn().await?;
    let items = holiday::list(&mut conn, q.year).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

fn date(path: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(path, "%Y-%m-%d")
        .map_err(|_| unprocessable("date", format!("“{path}” is not a date (YYYY-MM-DD)")))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct HolidayBody {
    name_vi: Option<String>,
    name_en: Option<String>,
}

#[utoipa::path(
    put,
    path = "/holidays/{date}",
    tag = "applications",
    summary = "Record a working day as a public holiday, or rename it (administrators); Saturdays and Sundays are refused",
    params(("date" = String, Path)),
    request_body = HolidayBody,
    responses((status = 200, description = "The holiday", body = Holiday))
)]
async fn set(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(day): Path<String>,
    ApiJson(b): ApiJson<HolidayBody>,
) -> ApiResult<Json<Holiday>> {
    let day = date(&day)?;
    let mut tx = state.db.begin().await?;
    let set = holiday::set(
        &mut tx,
        &me.actor,
        day,
        b.name_vi.as_deref().unwrap_or_default(),
        b.name_en.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(set))
}

#[utoipa::path(
    delete,
    path = "/holidays/{date}",
    tag = "applications",
    summary = "Remove a public holiday (administrators); deadlines already computed keep their dates",
    params(("date" = String, Path)),
    responses((status = 204, description = "Removed"))
)]
async fn remove(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(day): Path<String>,
) -> ApiResult<StatusCode> {
    let day = date(&day)?;
    let mut tx = state.db.begin().await?;
    holiday::remove(&mut tx, &me.actor, day).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, set, remove))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/holidays", get(list))
        .route("/api/v1/holidays/{date}", put(set).delete(remove))
}

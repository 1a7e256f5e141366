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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    year: Option<i32>,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayBody {
    name_vi: Option<String>,
    name_en: Option<String>,
}

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

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/holidays", get(list))
        .route("/api/v1/holidays/{date}", put(set).delete(remove))
}

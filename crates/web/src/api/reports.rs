//! `/api/v1/reports`: the computed indicators of a unit and period, rolled up and compared.

use amity_domain::indicator::{CATALOGUE, Indicator, Period};
use amity_store::report::{self, Reading, Summary};
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::routes::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryQuery {
    /// The unit (default: the caller's).
    unit: Option<i64>,
    /// `2024`, `2024-H1` or `2024-Q3`.
    period: Option<String>,
    /// `previous_year` (default) or `none`.
    compare: Option<String>,
    /// `then` (default) or `current`.
    structure: Option<String>,
}

async fn summary(State(state): State<AppState>, Auth(me): Auth, ApiQuery(q): ApiQuery<SummaryQuery>) -> ApiResult<Json<Summary>> {
    let unit = q.unit.or(me.actor.unit_id).ok_or_else(|| unprocessable("unit", "is required"))?;
    let period = Period::parse(q.period.as_deref().ok_or_else(|| unprocessable("period", "is required (2024, 2024-H1 or 2024-Q3)"))?)
        .map_err(|e| unprocessable("period", e))?;
    let compare = match q.compare.as_deref().unwrap_or("previous_year") {
        "previous_year" => true,
        "none" => false,
        other => return Err(unprocessable("compare", format!("unknown comparison “{other}” (expected previous_year or none)"))),
    };
    let reading = Reading::parse(q.structure.as_deref().unwrap_or("then")).map_err(|e| unprocessable("structure", e))?;
    let mut conn = state.db.conn().await?;
    Ok(Json(report::summary(&mut conn, &me.actor, unit, &period, compare, reading).await?))
}

async fn indicators(_: Auth) -> Json<List<Indicator>> {
    Json(List { items: CATALOGUE.to_vec(), total: CATALOGUE.len() as i64 })
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/api/v1/reports/summary", get(summary)).route("/api/v1/indicators", get(indicators))
}

//! `GET /api/v1/search?q=`: one search over everything the caller may read.

use amity_store::search::{self, Hit};
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::List;
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn search(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<List<Hit>>> {
    let (limit, offset) = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .window(20)?;
    let mut conn = state.db.conn().await?;
    let (items, total) = search::query(&mut conn, &me.actor, &query.q, limit, offset).await?;
    Ok(Json(List { items, total }))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/api/v1/search", get(search))
}

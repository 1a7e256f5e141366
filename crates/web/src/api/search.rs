//! `GET /api/v1/search?q=`: one search over everything the caller may read.

use amity_store::search::{self, Hit};
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::List;
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// A record found, with the address of its page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Found {
    entity_type: String,
    entity_id: i64,
    title: String,
    subtitle: Option<String>,
    url: String,
}

impl From<Hit> for Found {
    fn from(h: Hit) -> Self {
        Found {
            url: crate::view::path::record(&h.entity_type, h.entity_id, &h.key),
            entity_type: h.entity_type,
            entity_id: h.entity_id,
            title: h.title,
            subtitle: h.subtitle,
        }
    }
}

#[utoipa::path(
    get,
    path = "/search",
    tag = "search",
    summary = "Search everything the caller may read; diacritics and case are ignored",
    params(SearchQuery),
    responses((status = 200, description = "A page of hits", body = List<Found>))
)]
async fn search(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<List<Found>>> {
    let (limit, offset) = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .window(20)?;
    let mut conn = state.db.conn().await?;
    let (hits, total) = search::query(&mut conn, &me.actor, &query.q, limit, offset).await?;
    Ok(Json(List {
        items: hits.into_iter().map(Found::from).collect(),
        total,
    }))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/api/v1/search", get(search))
}

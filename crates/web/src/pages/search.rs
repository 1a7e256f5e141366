//! Search results page: the header's search box lands here.

use amity_store::search::{self, Hit};
use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

const PER_PAGE: u64 = 25;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    ctx: &'a PageCtx,
    q: String,
    hits: Vec<Hit>,
    total: i64,
    page: u64,
    pages: u64,
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

async fn search_page(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(query): Query<SearchQuery>,
) -> PageResult {
    let page = query.page.unwrap_or(1).max(1);

    let mut conn = state.db.conn().await?;
    let (hits, total) = search::query(
        &mut conn,
        &me.actor,
        &query.q,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;

    let pages = super::page_count(total, PER_PAGE);
    Ok(render(&SearchPage {
        ctx: &ctx,
        q: query.q,
        hits,
        total,
        page,
        pages,
    }))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/search", get(search_page))
}

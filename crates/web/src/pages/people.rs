//! People pages: the list and a person's page with positions over time.

use amity_store::person::{self, Person, Position};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{render, store_error_page};
use crate::auth::Auth;
use crate::routes::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "people.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    people: Vec<Person>,
    total: i64,
    page: u64,
    pages: u64,
    q: String,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

async fn list(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Query(q): Query<ListQuery>) -> Response {
    let page = q.page.unwrap_or(1).max(1);
    let words = Some(q.q.trim()).filter(|s| !s.is_empty());
    let result = async {
        let mut conn = state.db.conn().await?;
        person::list(&mut conn, &me.actor, words, None, ("name", false), PER_PAGE, (page - 1) * PER_PAGE).await
    }
    .await;
    match result {
        Ok((people, total)) => {
            let pages = (total.max(0) as u64).div_ceil(PER_PAGE).max(1);
            render(&ListPage { ctx: &ctx, people, total, page, pages, q: q.q })
        }
        Err(e) => store_error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    ctx: &'a PageCtx,
    person: Person,
    positions: Vec<Position>,
}

async fn show(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Path(id): Path<i64>) -> Response {
    let result = async {
        let mut conn = state.db.conn().await?;
        let person = person::get(&mut conn, &me.actor, id).await?;
        let positions = person::positions(&mut conn, id).await?;
        Ok::<_, amity_store::Error>(PersonPage { ctx: &ctx, person, positions })
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => store_error_page(&ctx, e),
    }
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/people", get(list)).route("/people/{id}", get(show))
}

//! Audit pages: who changed what, before → after, in the user's scope.

use amity_store::audit::{self, AuditEntry, AuditFilter};
use amity_store::user;
use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    ctx: &'a PageCtx,
    entries: Vec<AuditEntry>,
    total: i64,
    page: u64,
    pages: u64,
    entity_type: String,
    entity_id: String,
    actor: String,
    query: String,
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    actor: String,
    page: Option<u64>,
}

impl AuditPage<'_> {
    /// A changed value, compactly: strings as they are, null as "—".
    fn show(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Null => "—".into(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

async fn audit_page(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);

    let mut conn = state.db.conn().await?;
    let actor_id = match q.actor.trim() {
        "" => None,
        a => Some(
            user::find_by_email(&mut conn, a)
                .await?
                .map_or(-1, |u| u.id),
        ),
    };
    let filter = AuditFilter {
        entity_type: Some(q.entity_type.trim().to_owned()).filter(|t| !t.is_empty()),
        entity_id: q.entity_id.trim().parse().ok(),
        actor_id,
        oldest_first: false,
    };
    let (entries, total) = audit::list(
        &mut conn,
        &me.actor,
        &filter,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;

    let pages = super::page_count(total, PER_PAGE);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("entity_type", &q.entity_type)
        .append_pair("entity_id", &q.entity_id)
        .append_pair("actor", &q.actor)
        .finish();
    Ok(render(&AuditPage {
        ctx: &ctx,
        entries,
        total,
        page,
        pages,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor: q.actor,
        query,
    }))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/audit", get(audit_page))
}

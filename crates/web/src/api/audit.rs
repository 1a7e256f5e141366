//! `GET /api/v1/audit`: the audit trail, scoped like everything else. Read-only by design.

use amity_store::audit::{self, AuditEntry, AuditFilter};
use amity_store::user;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::List;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;
use axum::http::StatusCode;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    entity_type: Option<String>,
    entity_id: Option<i64>,
    /// An account id or email.
    actor: Option<String>,
    /// `-at` (newest first, the default) or `at`.
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    summary = "Audit entries in the caller's scope, newest first",
    params(AuditQuery),
    responses((status = 200, description = "A page of entries", body = List<AuditEntry>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<List<AuditEntry>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let mut conn = state.db.conn().await?;
    let actor_id = match q.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => match a.parse::<i64>() {
            Ok(id) => Some(id),
            // An unknown email matches no entry rather than every entry.
            Err(_) => Some(
                user::find_by_email(&mut conn, a)
                    .await?
                    .map_or(-1, |u| u.id),
            ),
        },
    };
    let (_, descending) = amity_store::parse_sort(q.sort.as_deref().unwrap_or("-at"), &["at"])
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "sort", e))?;
    let filter = AuditFilter {
        entity_type: q.entity_type.filter(|t| !t.is_empty()),
        entity_id: q.entity_id,
        actor_id,
        oldest_first: !descending,
    };
    let (items, total) = audit::list(&mut conn, &me.actor, &filter, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/api/v1/audit", get(list))
}

//! `/api/v1/work-plans`: units' annual plans, their numbered priorities and tasks, and the
//! plan set against what was done.

use amity_domain::partner::Vocabulary;
use amity_domain::plan::{EvidenceKind, TaskDraft, TaskStatus};
use amity_store::plan::{self, Listed, Plan};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    year: Option<i32>,
    unit: Option<i64>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/work-plans",
    tag = "work-plans",
    summary = "Work plans in the caller's scope, newest year first",
    params(ListQuery),
    responses((status = 200, description = "{items: [{id, unit_id, unit_name, year, title, priorities, tasks, done}], total}", body = List<Listed>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Listed>>> {
    let mut conn = state.db.conn().await?;
    let items = plan::list(&mut conn, &me.actor, q.year, q.unit).await?;
    Ok(Json(List::page_of(items, q.page, q.per_page)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewPlan {
    /// Default: the caller's unit.
    unit_id: Option<i64>,
    year: Option<i32>,
    title: Option<String>,
}

#[utoipa::path(
    post,
    path = "/work-plans",
    tag = "work-plans",
    summary = "Open a unit's plan for a year (409 if it already has one)",
    request_body = NewPlan,
    responses((status = 201, description = "The plan: id, unit_id, unit_name, year, title, editable, tally {tasks, done, done_on_time, in_progress, overdue, cancelled, progress, with_evidence}, priorities [{id, number, title, tally, tasks [{id, title, owner_unit_id, owner_unit_name, deadline, status, progress, done_on, on_time, overdue, evidence [{kind, id, title, url}]}]}]", body = Plan))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<NewPlan>,
) -> ApiResult<(StatusCode, Json<Plan>)> {
    let unit = b
        .unit_id
        .or(me.actor.unit_id)
        .ok_or_else(|| unprocessable("unit_id", amity_domain::error::Problem::Required))?;
    let year = b
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let title = b
        .title
        .ok_or_else(|| unprocessable("title", amity_domain::error::Problem::Required))?;
    let mut tx = state.db.begin().await?;
    let created = plan::create(&mut tx, &me.actor, unit, year, &title).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/work-plans/{id}",
    tag = "work-plans",
    summary = "A plan: numbered priorities, tasks with their evidence, and the plan against what was done",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The plan: id, unit_id, unit_name, year, title, editable, tally {tasks, done, done_on_time, in_progress, overdue, cancelled, progress, with_evidence}, priorities [{id, number, title, tally, tasks [{id, title, owner_unit_id, owner_unit_name, deadline, status, progress, done_on, on_time, overdue, evidence [{kind, id, title, url}]}]}]", body = Plan))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Plan>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(plan::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewPriority {
    title: Option<String>,
}

#[utoipa::path(
    post,
    path = "/work-plans/{id}/priorities",
    tag = "work-plans",
    summary = "Add the next numbered priority",
    params(("id" = i64, Path)),
    request_body = NewPriority,
    responses((status = 201, description = "The plan: id, unit_id, unit_name, year, title, editable, tally {tasks, done, done_on_time, in_progress, overdue, cancelled, progress, with_evidence}, priorities [{id, number, title, tally, tasks [{id, title, owner_unit_id, owner_unit_name, deadline, status, progress, done_on, on_time, overdue, evidence [{kind, id, title, url}]}]}]", body = Plan))
)]
async fn add_priority(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NewPriority>,
) -> ApiResult<(StatusCode, Json<Plan>)> {
    let title = b
        .title
        .ok_or_else(|| unprocessable("title", amity_domain::error::Problem::Required))?;
    let mut tx = state.db.begin().await?;
    let plan = plan::add_priority(&mut tx, &me.actor, id, &title).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    kind: EvidenceKind,
    id: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanTaskBody)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskBody {
    /// The priority's number in the plan.
    priority: Option<i32>,
    title: Option<String>,
    /// Default: the plan's unit.
    owner_unit_id: Option<i64>,
    deadline: Option<NaiveDate>,
    status: Option<TaskStatus>,
    progress: Option<i64>,
    done_on: Option<NaiveDate>,
    #[serde(default)]
    evidence: Vec<EvidenceBody>,
}

impl From<TaskBody> for TaskDraft {
    fn from(b: TaskBody) -> Self {
        let text = |v: Option<String>| v.unwrap_or_default();
        TaskDraft {
            priority: b.priority.map(|p| p.to_string()).unwrap_or_default(),
            title: text(b.title),
            owner_unit_id: b.owner_unit_id.map(|o| o.to_string()).unwrap_or_default(),
            deadline: b.deadline.map(|d| d.to_string()).unwrap_or_default(),
            status: b.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            progress: b.progress.map(|p| p.to_string()).unwrap_or_default(),
            done_on: b.done_on.map(|d| d.to_string()).unwrap_or_default(),
            evidence: b
                .evidence
                .into_iter()
                .map(|e| format!("{}:{}", e.kind.as_str(), e.id))
                .collect(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/work-plans/{id}/tasks",
    tag = "work-plans",
    summary = "Add a task under a priority; evidence must be records the caller can see",
    params(("id" = i64, Path)),
    request_body = TaskBody,
    responses((status = 201, description = "The plan: id, unit_id, unit_name, year, title, editable, tally {tasks, done, done_on_time, in_progress, overdue, cancelled, progress, with_evidence}, priorities [{id, number, title, tally, tasks [{id, title, owner_unit_id, owner_unit_name, deadline, status, progress, done_on, on_time, overdue, evidence [{kind, id, title, url}]}]}]", body = Plan))
)]
async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult<(StatusCode, Json<Plan>)> {
    let input = TaskDraft::from(b).parse()?;
    let mut tx = state.db.begin().await?;
    let plan = plan::add_task(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// Replaces a task's fields (send the whole task, as read back).
#[utoipa::path(
    patch,
    path = "/work-plans/{id}/tasks/{task}",
    tag = "work-plans",
    summary = "Replace a task's fields (the plan unit's staff, or the owner unit's); a done task is at 100 % and dated",
    params(("id" = i64, Path), ("task" = i64, Path)),
    request_body = TaskBody,
    responses((status = 200, description = "The plan: id, unit_id, unit_name, year, title, editable, tally {tasks, done, done_on_time, in_progress, overdue, cancelled, progress, with_evidence}, priorities [{id, number, title, tally, tasks [{id, title, owner_unit_id, owner_unit_name, deadline, status, progress, done_on, on_time, overdue, evidence [{kind, id, title, url}]}]}]", body = Plan))
)]
async fn update_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path((id, task)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult<Json<Plan>> {
    let input = TaskDraft::from(b).parse()?;
    let mut tx = state.db.begin().await?;
    let plan = plan::update_task(&mut tx, &me.actor, id, task, &input).await?;
    tx.commit().await?;
    Ok(Json(plan))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, show, add_priority, add_task, update_task))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/work-plans", get(list).post(create))
        .route("/api/v1/work-plans/{id}", get(show))
        .route("/api/v1/work-plans/{id}/priorities", post(add_priority))
        .route("/api/v1/work-plans/{id}/tasks", post(add_task))
        .route("/api/v1/work-plans/{id}/tasks/{task}", patch(update_task))
}

//! `/api/v1/work-plans`: units' annual plans, their numbered priorities and tasks, and the
//! plan set against what was done.

use amity_domain::plan::{EvidenceKind, TaskDraft, TaskStatus};
use amity_store::plan::{self, Listed, Plan, TaskInput};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    year: Option<i32>,
    unit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Listed>>> {
    let mut conn = state.db.conn().await?;
    let items = plan::list(&mut conn, &me.actor, q.year, q.unit).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPlan {
    /// Default: the caller's unit.
    unit_id: Option<i64>,
    year: Option<i32>,
    title: Option<String>,
}

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

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Plan>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(plan::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPriority {
    title: Option<String>,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    kind: EvidenceKind,
    id: i64,
}

#[derive(Debug, Deserialize)]
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

impl TaskBody {
    fn input(self) -> ApiResult<TaskInput> {
        Ok(TaskInput {
            priority: self
                .priority
                .ok_or_else(|| unprocessable("priority", amity_domain::error::Problem::Required))?,
            owner_unit_id: self.owner_unit_id,
            draft: TaskDraft {
                title: self.title.ok_or_else(|| {
                    unprocessable("title", amity_domain::error::Problem::Required)
                })?,
                deadline: self.deadline,
                status: self.status.unwrap_or(TaskStatus::Planned),
                progress: self.progress.unwrap_or(0),
                done_on: self.done_on,
            },
            evidence: self.evidence.into_iter().map(|e| (e.kind, e.id)).collect(),
        })
    }
}

async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult<(StatusCode, Json<Plan>)> {
    let input = b.input()?;
    let mut tx = state.db.begin().await?;
    let plan = plan::add_task(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// Replaces a task's fields (send the whole task, as read back).
async fn update_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path((id, task)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult<Json<Plan>> {
    let input = b.input()?;
    let mut tx = state.db.begin().await?;
    let plan = plan::update_task(&mut tx, &me.actor, id, task, &input).await?;
    tx.commit().await?;
    Ok(Json(plan))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/work-plans", get(list).post(create))
        .route("/api/v1/work-plans/{id}", get(show))
        .route("/api/v1/work-plans/{id}/priorities", post(add_priority))
        .route("/api/v1/work-plans/{id}/tasks", post(add_task))
        .route("/api/v1/work-plans/{id}/tasks/{task}", patch(update_task))
}

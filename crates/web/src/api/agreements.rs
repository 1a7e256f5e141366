//! `/api/v1/agreements`: cooperation agreements and their yearly tasks, scoped to the owner unit.

use amity_domain::partner::{AgreementStatus, TaskStatus, Vocabulary};
use amity_store::agreement::{self, Agreement, AgreementDraft, AgreementFilter, Reminders};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use chrono::Utc;
use serde::Deserialize;

use super::{List, date_field, iso_dates, text, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::export::Table;
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    partner: Option<i64>,
    status: Option<String>,
    /// Kept by this unit or a unit under it.
    unit: Option<i64>,
    /// In force on this day (YYYY-MM-DD).
    in_force_on: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

impl ListQuery {
    async fn filter(&self, state: &AppState) -> Result<AgreementFilter, ApiError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Ok(AgreementFilter {
            partner: self.partner,
            status: given(&self.status)
                .map(|s| {
                    s.parse::<AgreementStatus>()
                        .map_err(|e| unprocessable("status", e))
                })
                .transpose()?,
            units: super::activities::subtree(state, self.unit).await?,
            in_force_on: given(&self.in_force_on)
                .map(|d| date_field("in_force_on", &d))
                .transpose()?,
        })
    }
}

#[utoipa::path(
    get,
    path = "/agreements",
    tag = "agreements",
    summary = "Agreements in the caller's scope, newest first",
    params(ListQuery),
    responses((status = 200, description = "A page of agreements", body = List<Agreement>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Agreement>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let filter = q.filter(&state).await?;
    let mut conn = state.db.conn().await?;
    let (items, total) = agreement::list(&mut conn, &me.actor, &filter, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// The list (same filters, every page) as a table, one row per agreement.
async fn export_table(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    q: &ListQuery,
    (limit, offset): (u64, u64),
) -> Result<Table, ApiError> {
    let filter = q.filter(state).await?;
    let mut conn = state.db.conn().await?;
    let (agreements, _) = agreement::list(&mut conn, &me.actor, &filter, limit, offset).await?;
    let date =
        |d: Option<chrono::NaiveDate>| d.map(amity_domain::text::format_date).unwrap_or_default();
    Ok(Table {
        header: vec![
            "id",
            "title",
            "number",
            "status",
            "signed_on",
            "valid_from",
            "valid_to",
            "parties",
            "tasks",
            "tasks_done",
            "owner_unit_id",
        ],
        rows: agreements
            .into_iter()
            .map(|a| {
                let parties: Vec<String> = a
                    .parties
                    .iter()
                    .filter_map(|p| {
                        p.partner
                            .as_ref()
                            .map(|r| r.name.clone())
                            .or(p.unit.as_ref().map(|u| u.name.clone()))
                            .or(p.name.clone())
                    })
                    .collect();
                let done = a
                    .tasks
                    .iter()
                    .filter(|t| t.status.0 == TaskStatus::Done)
                    .count();
                vec![
                    a.id.to_string(),
                    a.title,
                    a.number.unwrap_or_default(),
                    a.status.as_str().to_owned(),
                    date(a.signed_on),
                    date(a.valid_from),
                    date(a.valid_to),
                    parties.join("; "),
                    a.tasks.len().to_string(),
                    done.to_string(),
                    a.owner_unit_id.to_string(),
                ]
            })
            .collect(),
    })
}

crate::export::downloads!(
    "agreements",
    "/agreements/export.csv",
    "/agreements/export.xlsx",
    "Thỏa thuận"
);

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = NewAgreement)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[serde(default)]
    title: String,
    number: Option<String>,
    signed_on: Option<String>,
    signed_place: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    status: Option<String>,
    note: Option<String>,
    #[serde(default)]
    partners: Vec<i64>,
    #[serde(default)]
    units: Vec<i64>,
    #[serde(default)]
    named_parties: Vec<String>,
    owner_unit_id: Option<i64>,
}

impl CreateBody {
    /// The draft the body stands for, and the unit asked to keep the agreement.
    fn draft(self) -> Result<(AgreementDraft, Option<i64>), ApiError> {
        iso_dates([
            ("signed_on", self.signed_on.as_deref()),
            ("valid_from", self.valid_from.as_deref()),
            ("valid_to", self.valid_to.as_deref()),
        ])?;
        let ids = |ids: Vec<i64>| ids.iter().map(i64::to_string).collect();
        let draft = AgreementDraft {
            title: self.title,
            number: self.number.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
            signed_on: self.signed_on.unwrap_or_default(),
            signed_place: self.signed_place.unwrap_or_default(),
            valid_from: self.valid_from.unwrap_or_default(),
            valid_to: self.valid_to.unwrap_or_default(),
            note: self.note.unwrap_or_default(),
            partners: ids(self.partners),
            units: ids(self.units),
            named_parties: self.named_parties,
        };
        Ok((draft, self.owner_unit_id))
    }
}

#[utoipa::path(
    post,
    path = "/agreements",
    tag = "agreements",
    summary = "Create an agreement (kept by the caller's unit by default)",
    request_body = CreateBody,
    responses((status = 201, description = "The agreement", body = Agreement))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Agreement>)> {
    let (draft, owner) = b.draft()?;
    let input = draft.parse()?;
    let mut tx = state.db.begin().await?;
    let created = agreement::create(&mut tx, &me.actor, &input, owner).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/agreements/{id}",
    tag = "agreements",
    summary = "An agreement in scope, with parties and tasks",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The agreement", body = Agreement))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Agreement>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(agreement::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = AgreementTaskBody)]
#[serde(deny_unknown_fields)]
struct TaskBody {
    year: Option<i32>,
    #[serde(default)]
    item: String,
    owner_unit_id: Option<i64>,
    status: Option<String>,
}

#[utoipa::path(
    post,
    path = "/agreements/{id}/tasks",
    tag = "agreements",
    summary = "Add a yearly task (the agreement's keepers)",
    params(("id" = i64, Path)),
    request_body = TaskBody,
    responses((status = 201, description = "The agreement", body = Agreement))
)]
async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TaskBody>,
) -> ApiResult<(StatusCode, Json<Agreement>)> {
    let year = b
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let owner = b
        .owner_unit_id
        .or(me.actor.unit_id)
        .ok_or_else(|| unprocessable("owner_unit_id", amity_domain::error::Problem::Required))?;
    let status: TaskStatus = b
        .status
        .as_deref()
        .unwrap_or("planned")
        .parse()
        .map_err(|e| unprocessable("status", e))?;
    let mut tx = state.db.begin().await?;
    let updated = agreement::add_task(&mut tx, &me.actor, id, year, &b.item, owner, status).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TaskPatch {
    status: Option<String>,
    evidence: Option<String>,
}

#[utoipa::path(
    patch,
    path = "/agreements/{id}/tasks/{task}",
    tag = "agreements",
    summary = "Set a task's status and evidence (its owner unit or the agreement's keepers)",
    params(("id" = i64, Path), ("task" = i64, Path)),
    request_body = TaskPatch,
    responses((status = 200, description = "The agreement", body = Agreement))
)]
async fn update_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path((id, task)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<TaskPatch>,
) -> ApiResult<Json<Agreement>> {
    let status: TaskStatus = b
        .status
        .as_deref()
        .ok_or(amity_domain::error::Problem::Required)
        .and_then(str::parse)
        .map_err(|e| unprocessable("status", e))?;
    let mut tx = state.db.begin().await?;
    let updated =
        agreement::update_task(&mut tx, &me.actor, id, task, status, text(b.evidence)).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = AgreementPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    signed_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    signed_place: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    valid_from: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    valid_to: Option<Option<String>>,
    status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    note: Option<Option<String>>,
    partners: Option<Vec<i64>>,
    units: Option<Vec<i64>>,
    named_parties: Option<Vec<String>>,
}

/// A nullable field's value, when one is given.
fn given(v: &Option<Option<String>>) -> Option<&str> {
    v.as_ref().and_then(|v| v.as_deref())
}

impl PatchBody {
    /// The draft: `base` (the stored agreement's) with the given fields replaced; `null` clears.
    fn over(self, base: AgreementDraft) -> Result<AgreementDraft, ApiError> {
        iso_dates([
            ("signed_on", given(&self.signed_on)),
            ("valid_from", given(&self.valid_from)),
            ("valid_to", given(&self.valid_to)),
        ])?;
        let set = |given: Option<Option<String>>, stored: String| match given {
            Some(value) => value.unwrap_or_default(),
            None => stored,
        };
        let ids = |ids: Vec<i64>| ids.iter().map(i64::to_string).collect();
        Ok(AgreementDraft {
            title: self.title.unwrap_or(base.title),
            number: set(self.number, base.number),
            status: self.status.unwrap_or(base.status),
            signed_on: set(self.signed_on, base.signed_on),
            signed_place: set(self.signed_place, base.signed_place),
            valid_from: set(self.valid_from, base.valid_from),
            valid_to: set(self.valid_to, base.valid_to),
            note: set(self.note, base.note),
            partners: self.partners.map_or(base.partners, ids),
            units: self.units.map_or(base.units, ids),
            named_parties: self.named_parties.unwrap_or(base.named_parties),
        })
    }
}

#[utoipa::path(
    patch,
    path = "/agreements/{id}",
    tag = "agreements",
    summary = "Change an agreement's details or parties (its keepers); only the given fields change. A renewed agreement keeps its status.",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The agreement", body = Agreement))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PatchBody>,
) -> ApiResult<Json<Agreement>> {
    let mut tx = state.db.begin().await?;
    let current = agreement::get(&mut tx, &me.actor, id).await?;
    let input = b.over(agreement::draft_of(&current))?.parse()?;
    let updated = agreement::update(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

/// Records the renewal: the body describes the new agreement (as on create); the answer is it.
#[utoipa::path(
    post,
    path = "/agreements/{id}/renew",
    tag = "agreements",
    summary = "Record the renewal: creates the new agreement (body as on create, kept by the same unit) and marks this one renewed by it; 409 if already renewed",
    params(("id" = i64, Path)),
    request_body = CreateBody,
    responses((status = 201, description = "The new agreement", body = Agreement))
)]
async fn renew(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Agreement>)> {
    if b.owner_unit_id.is_some() {
        return Err(unprocessable(
            "owner_unit_id",
            "a renewal is kept by the unit that kept the agreement it renews",
        ));
    }
    let input = b.draft()?.0.parse()?;
    let mut tx = state.db.begin().await?;
    let created = agreement::renew(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    #[serde(default)]
    title: String,
    url: Option<String>,
}

#[utoipa::path(
    post,
    path = "/agreements/{id}/documents",
    tag = "agreements",
    summary = "Add a document reference (title, optional url)",
    params(("id" = i64, Path)),
    request_body = DocumentBody,
    responses((status = 201, description = "The agreement", body = Agreement))
)]
async fn add_document(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DocumentBody>,
) -> ApiResult<(StatusCode, Json<Agreement>)> {
    let url = text(b.url);
    let mut tx = state.db.begin().await?;
    let updated = agreement::add_document(&mut tx, &me.actor, id, &b.title, url.as_deref()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

#[utoipa::path(
    delete,
    path = "/agreements/{id}/documents/{document}",
    tag = "agreements",
    summary = "Remove a document reference (the audit keeps it)",
    params(("id" = i64, Path), ("document" = i64, Path)),
    responses((status = 200, description = "The agreement", body = Agreement))
)]
async fn remove_document(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path((id, document)): Path<(i64, i64)>,
) -> ApiResult<Json<Agreement>> {
    let mut tx = state.db.begin().await?;
    let updated = agreement::remove_document(&mut tx, &me.actor, id, document).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

/// Agreements ending within 90 days and this year's tasks without evidence, in the caller's scope.
#[utoipa::path(
    get,
    path = "/agreements/reminders",
    tag = "agreements",
    summary = "Agreements in force ending within 90 days, and this year's tasks with no evidence",
    responses((status = 200, description = "Reminders", body = Reminders))
)]
async fn reminders(State(state): State<AppState>, Auth(me): Auth) -> ApiResult<Json<Reminders>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(
        agreement::reminders(&mut conn, &me.actor, Utc::now().date_naive()).await?,
    ))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    export_xlsx,
    create,
    show,
    add_task,
    update_task,
    update,
    renew,
    add_document,
    remove_document,
    reminders
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/agreements", get(list).post(create))
        .route("/api/v1/agreements/reminders", get(reminders))
        .route("/api/v1/agreements/export.csv", get(export_csv))
        .route("/api/v1/agreements/export.xlsx", get(export_xlsx))
        .route("/api/v1/agreements/{id}", get(show).patch(update))
        .route("/api/v1/agreements/{id}/renew", post(renew))
        .route("/api/v1/agreements/{id}/documents", post(add_document))
        .route(
            "/api/v1/agreements/{id}/documents/{document}",
            axum::routing::delete(remove_document),
        )
        .route("/api/v1/agreements/{id}/tasks", post(add_task))
        .route("/api/v1/agreements/{id}/tasks/{task}", patch(update_task))
}

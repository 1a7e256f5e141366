//! `/api/v1/agreements`: cooperation agreements and their yearly tasks, scoped to the owner unit.

use amity_domain::partner::{AgreementStatus, TaskStatus, Vocabulary};
use amity_store::agreement::{self, Agreement, AgreementFilter, AgreementInput, Reminders};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, patch, post};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::{List, date_field, text, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::export::{self, Table};
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
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
) -> Result<Table, ApiError> {
    let filter = q.filter(state).await?;
    let mut conn = state.db.conn().await?;
    let (agreements, _) = agreement::list(&mut conn, &me.actor, &filter, 1_000_000, 0).await?;
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

#[utoipa::path(
    get,
    path = "/agreements/export.csv",
    tag = "agreements",
    summary = "The agreements list (same filters, unpaged, in the caller's scope) as CSV",
    params(ListQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
)]
async fn export_csv(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    Ok(export::download(
        export_table(&state, &me, &q).await?.csv()?,
        export::CSV,
        "amity-agreements.csv",
    ))
}

#[utoipa::path(
    get,
    path = "/agreements/export.xlsx",
    tag = "agreements",
    summary = "The agreements list (same filters, unpaged, in the caller's scope) as XLSX",
    params(ListQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = String))
)]
async fn export_xlsx(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    Ok(export::download(
        export_table(&state, &me, &q).await?.xlsx("Thỏa thuận")?,
        export::XLSX,
        "amity-agreements.xlsx",
    ))
}

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

fn optional_date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    v.as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| date_field(field, d))
        .transpose()
}

impl CreateBody {
    fn input(self) -> Result<(AgreementInput, Option<i64>), ApiError> {
        let b = self;
        let date = optional_date;
        let input = AgreementInput {
            title: b.title.split_whitespace().collect::<Vec<_>>().join(" "),
            number: text(b.number),
            signed_on: date("signed_on", &b.signed_on)?,
            signed_place: text(b.signed_place),
            valid_from: date("valid_from", &b.valid_from)?,
            valid_to: date("valid_to", &b.valid_to)?,
            status: b
                .status
                .as_deref()
                .unwrap_or("draft")
                .parse()
                .map_err(|e| unprocessable("status", e))?,
            note: text(b.note),
            partners: b.partners,
            units: b.units,
            named_parties: b
                .named_parties
                .into_iter()
                .filter_map(|n| text(Some(n)))
                .collect(),
        };
        Ok((input, b.owner_unit_id))
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
    let (input, owner) = b.input()?;
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

/// The current details with the given fields replaced.
fn patched(current: Agreement, b: PatchBody) -> Result<AgreementInput, ApiError> {
    let date = |field: &str, v: Option<Option<String>>, now: Option<NaiveDate>| match v {
        Some(v) => optional_date(field, &v),
        None => Ok(now),
    };
    Ok(AgreementInput {
        title: b
            .title
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or(current.title),
        number: b.number.map_or(current.number, text),
        signed_on: date("signed_on", b.signed_on, current.signed_on)?,
        signed_place: b.signed_place.map_or(current.signed_place, text),
        valid_from: date("valid_from", b.valid_from, current.valid_from)?,
        valid_to: date("valid_to", b.valid_to, current.valid_to)?,
        status: match b.status {
            Some(s) => s.parse().map_err(|e| unprocessable("status", e))?,
            None => current.status,
        },
        note: b.note.map_or(current.note, text),
        partners: b.partners.unwrap_or_else(|| {
            current
                .parties
                .iter()
                .filter_map(|p| p.partner.as_ref().map(|r| r.id))
                .collect()
        }),
        units: b.units.unwrap_or_else(|| {
            current
                .parties
                .iter()
                .filter_map(|p| p.unit.as_ref().map(|u| u.id))
                .collect()
        }),
        named_parties: match b.named_parties {
            Some(names) => names.into_iter().filter_map(|n| text(Some(n))).collect(),
            None => current
                .parties
                .iter()
                .filter_map(|p| p.name.clone())
                .collect(),
        },
    })
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
    let input = patched(current, b)?;
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
    let (input, _) = b.input()?;
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

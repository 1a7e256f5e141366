//! `/api/v1/applications`: foreign NGOs' applications (e-procedures). An applicant account
//! files and follows its own NGO's; the office reviews, decides and keeps internal notes.

use amity_domain::application::{ApplicationState, Procedure};
use amity_domain::ngo::PermitDraft;
use amity_domain::partner::Vocabulary;
use amity_store::application::{self, Application, ApplicationDraft};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::route_set::RouteSet;
use crate::state::AppState;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    state: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/applications",
    tag = "applications",
    summary = "Applications: an applicant account sees its own NGO's, the office (central staff) all; open ones first by deadline",
    params(ListQuery),
    responses((status = 200, description = "{items: [application], total}", body = List<Application>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Application>>> {
    let wanted = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ApplicationState>()
                .map_err(|e| unprocessable("state", e))
        })
        .transpose()?;
    let mut conn = state.db.conn().await?;
    let items = application::list(&mut conn, &me.actor, wanted, today()).await?;
    Ok(Json(List::page_of(items, q.page, q.per_page)?))
}

#[utoipa::path(
    post,
    path = "/applications",
    tag = "applications",
    summary = "File an application (NGO applicant accounts): every document of the procedure's checklist, the permit an extension or amendment concerns, the request",
    request_body = ApplicationDraft,
    responses((status = 201, description = "The application: id, partner_id, partner_name, procedure, state (submitted, under_review, info_requested, approved, refused), permit_id (concerned or issued), documents, request, submitted_on, deadline (working days from the latest submission), overdue, decided_at, moves [{from, to, comment, at}], notes [{note, user_id, at}] (the office's only; absent for applicants)", body = Application))
)]
async fn file(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<ApplicationDraft>,
) -> ApiResult<(StatusCode, Json<Application>)> {
    let mut tx = state.db.begin().await?;
    let filed = application::file(&mut tx, &me.actor, &b, today()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

#[utoipa::path(
    get,
    path = "/applications/{id}",
    tag = "applications",
    summary = "One application (404 outside the reader's NGO)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The application: id, partner_id, partner_name, procedure, state (submitted, under_review, info_requested, approved, refused), permit_id (concerned or issued), documents, request, submitted_on, deadline (working days from the latest submission), overdue, decided_at, moves [{from, to, comment, at}], notes [{note, user_id, at}] (the office's only; absent for applicants)", body = Application))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Application>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(
        application::get(&mut conn, &me.actor, id, today()).await?,
    ))
}

/// A move: `to`, a comment (required to ask for more or to refuse), and on approving a permit
/// application the permit's details.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MoveBody {
    to: Option<String>,
    comment: Option<String>,
    permit: Option<PermitDraft>,
}

#[utoipa::path(
    post,
    path = "/applications/{id}/transitions",
    tag = "applications",
    summary = "Move an application. The office: submitted → under_review → info_requested | approved | refused (a comment to ask for more or refuse; approving a registration, project office or representative office issues the permit from `permit`, an extension or amendment changes the permit concerned). The applicant: info_requested → submitted, which restarts the processing time. 403 for the wrong side, 409 for an impossible move",
    params(("id" = i64, Path)),
    request_body = MoveBody,
    responses((status = 200, description = "The application: id, partner_id, partner_name, procedure, state (submitted, under_review, info_requested, approved, refused), permit_id (concerned or issued), documents, request, submitted_on, deadline (working days from the latest submission), overdue, decided_at, moves [{from, to, comment, at}], notes [{note, user_id, at}] (the office's only; absent for applicants)", body = Application))
)]
async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MoveBody>,
) -> ApiResult<Json<Application>> {
    let to: ApplicationState =
        b.to.as_deref()
            .ok_or_else(|| unprocessable("to", amity_domain::error::Problem::Required))?
            .parse()
            .map_err(|e| unprocessable("to", e))?;
    let mut tx = state.db.begin().await?;
    let moved = application::transition(
        &mut tx,
        &me.actor,
        id,
        to,
        b.comment.as_deref(),
        b.permit.as_ref(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(moved))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/applications/{id}/notes",
    tag = "applications",
    summary = "Add an internal note (the office; never shown to the applicant)",
    params(("id" = i64, Path)),
    request_body = NoteBody,
    responses((status = 200, description = "The application: id, partner_id, partner_name, procedure, state (submitted, under_review, info_requested, approved, refused), permit_id (concerned or issued), documents, request, submitted_on, deadline (working days from the latest submission), overdue, decided_at, moves [{from, to, comment, at}], notes [{note, user_id, at}] (the office's only; absent for applicants)", body = Application))
)]
async fn add_note(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult<Json<Application>> {
    let mut tx = state.db.begin().await?;
    let noted = application::add_note(
        &mut tx,
        &me.actor,
        id,
        b.note.as_deref().unwrap_or_default(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(noted))
}

/// A procedure: what it asks for and how long it may take.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ProcedureInfo {
    code: &'static str,
    required_documents: &'static [&'static str],
    working_days: u64,
    needs_permit: bool,
}

#[utoipa::path(
    get,
    path = "/applications/procedures",
    tag = "applications",
    summary = "The procedures: code, required documents, processing time in working days, whether it concerns an existing permit",
    responses((status = 200, description = "{items, total}", body = List<ProcedureInfo>))
)]
async fn procedures(_: Auth) -> Json<List<ProcedureInfo>> {
    let items: Vec<ProcedureInfo> = Procedure::ALL
        .iter()
        .map(|p| ProcedureInfo {
            code: p.as_str(),
            required_documents: p.required_documents(),
            working_days: p.working_days(),
            needs_permit: p.needs_permit(),
        })
        .collect();
    Json(List {
        total: items.len() as i64,
        items,
    })
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, file, show, transition, add_note, procedures))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/applications", get(list).post(file))
        .route("/api/v1/applications/procedures", get(procedures))
        .route("/api/v1/applications/{id}", get(show))
        .route("/api/v1/applications/{id}/transitions", post(transition))
        .route("/api/v1/applications/{id}/notes", post(add_note))
}

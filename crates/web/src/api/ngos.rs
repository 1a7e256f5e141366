//! `/api/v1/ngos`: the foreign-NGO registry (NGOs' sectors and provinces of work, their permits
//! and each permit's history), and `/api/v1/sectors`, the DAC sector codelist.

use amity_domain::ngo::{PermitChange, PermitDraft};
use amity_store::ngo::{self, Listed, Ngo, NgoFilter, Permit};
use amity_store::sector::{self, Sector};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    /// Working in this province (its provincial union).
    province: Option<i64>,
    /// Working in this DAC sector.
    sector: Option<String>,
    /// Only NGOs with a warning (a permit expiring, a province uncovered).
    needs_attention: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/ngos",
    tag = "ngos",
    summary = "The foreign-NGO registry, by name, with each NGO's provinces, permit count and warnings",
    params(ListQuery),
    responses((status = 200, description = "{items: [{id, name, acronyms, country_code, provinces, permits, warnings}], total}", body = List<Listed>))
)]
async fn list(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Listed>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let filter = NgoFilter {
        q: q.q.filter(|s| !s.trim().is_empty()),
        province: q.province,
        sector: q.sector.filter(|s| !s.trim().is_empty()),
        needs_attention: q.needs_attention.unwrap_or(false),
    };
    let mut conn = state.db.conn().await?;
    let (items, total) = ngo::list(&mut conn, &filter, limit, offset, today()).await?;
    Ok(Json(List { items, total }))
}

#[utoipa::path(
    get,
    path = "/ngos/{id}",
    tag = "ngos",
    summary = "One NGO with its work, permits and warnings (404 for a partner of another kind)",
    params(("id" = String, Path)),
    responses((status = 200, description = "The NGO: partner (the partner record, kind ngo), sectors [{code, name, category, active}], provinces [unit refs: provincial unions], permits [permit], warnings [{kind: expiring, permit_id, number, valid_to} | {kind: uncovered, unit_id, unit_name}]", body = Ngo))
)]
async fn show(State(state): State<AppState>, _: Auth, Path(id): Path<i64>) -> ApiResult<Json<Ngo>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(ngo::get(&mut conn, id, today()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct WorkBody {
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    provinces: Vec<i64>,
}

#[utoipa::path(
    put,
    path = "/ngos/{id}/work",
    tag = "ngos",
    summary = "Set the sectors and provinces an NGO works in (central staff)",
    params(("id" = i64, Path)),
    request_body = WorkBody,
    responses((status = 200, description = "The NGO: partner (the partner record, kind ngo), sectors [{code, name, category, active}], provinces [unit refs: provincial unions], permits [permit], warnings [{kind: expiring, permit_id, number, valid_to} | {kind: uncovered, unit_id, unit_name}]", body = Ngo))
)]
async fn set_work(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<WorkBody>,
) -> ApiResult<Json<Ngo>> {
    let mut tx = state.db.begin().await?;
    let updated = ngo::set_work(&mut tx, &me.actor, id, &b.sectors, &b.provinces, today()).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[utoipa::path(
    post,
    path = "/ngos/{id}/permits",
    tag = "ngos",
    summary = "Record a permit issued to the NGO (central staff)",
    params(("id" = i64, Path)),
    request_body = PermitDraft,
    responses((status = 201, description = "The permit: id, partner_id, kind (operation_registration, project_office, representative_office), number, issuer, issued_on, valid_from, valid_to, standing (valid, suspended, revoked: the issuing body's last decision), state (valid, expiring within 90 days, expired, suspended, revoked: today), provinces, sectors, note, history [{change, note, user_id, at}]", body = Permit))
)]
async fn add_permit(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PermitDraft>,
) -> ApiResult<(StatusCode, Json<Permit>)> {
    let mut tx = state.db.begin().await?;
    let created = ngo::add_permit(&mut tx, &me.actor, id, &b, today()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/ngo-permits/{id}",
    tag = "ngos",
    summary = "One permit with its history",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The permit: id, partner_id, kind (operation_registration, project_office, representative_office), number, issuer, issued_on, valid_from, valid_to, standing (valid, suspended, revoked: the issuing body's last decision), state (valid, expiring within 90 days, expired, suspended, revoked: today), provinces, sectors, note, history [{change, note, user_id, at}]", body = Permit))
)]
async fn show_permit(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Permit>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(ngo::permit(&mut conn, id, today()).await?))
}

/// A step in a permit's life: `change` and the details that change with it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    change: Option<String>,
    number: Option<String>,
    issuer: Option<String>,
    issued_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    #[serde(default)]
    provinces: Vec<i64>,
    #[serde(default)]
    sectors: Vec<String>,
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/ngo-permits/{id}/changes",
    tag = "ngos",
    summary = "Record a step in a permit's life (central staff)",
    params(("id" = i64, Path)),
    request_body = ChangeBody,
    responses((status = 200, description = "The permit: id, partner_id, kind (operation_registration, project_office, representative_office), number, issuer, issued_on, valid_from, valid_to, standing (valid, suspended, revoked: the issuing body's last decision), state (valid, expiring within 90 days, expired, suspended, revoked: today), provinces, sectors, note, history [{change, note, user_id, at}]", body = Permit))
)]
async fn change_permit(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ChangeBody>,
) -> ApiResult<Json<Permit>> {
    let change: PermitChange = b
        .change
        .as_deref()
        .ok_or_else(|| unprocessable("change", amity_domain::error::Problem::Required))?
        .parse()
        .map_err(|e| unprocessable("change", e))?;
    let patch = PermitDraft {
        kind: None,
        number: b.number,
        issuer: b.issuer,
        issued_on: b.issued_on,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        provinces: b.provinces,
        sectors: b.sectors,
        note: b.note,
    };
    let mut tx = state.db.begin().await?;
    let changed = ngo::change_permit(&mut tx, &me.actor, id, change, &patch, today()).await?;
    tx.commit().await?;
    Ok(Json(changed))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SectorQuery {
    /// Words of the name, or the start of the code.
    q: Option<String>,
    /// Withdrawn codes too.
    withdrawn: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/sectors",
    tag = "ngos",
    summary = "The DAC 5-digit sectors (IATI 2.03 codelist)",
    params(SectorQuery),
    responses((status = 200, description = "{items: [{code, name, category, active}], total}", body = List<Sector>))
)]
async fn sectors(_: Auth, ApiQuery(q): ApiQuery<SectorQuery>) -> Json<List<Sector>> {
    let words = q.q.unwrap_or_default().to_lowercase();
    let items: Vec<Sector> = sector::all()
        .iter()
        .filter(|s| s.active || q.withdrawn.unwrap_or(false))
        .filter(|s| {
            words.is_empty()
                || s.code.starts_with(words.trim())
                || s.name.to_lowercase().contains(words.trim())
        })
        .cloned()
        .collect();
    Json(List {
        total: items.len() as i64,
        items,
    })
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, show, set_work, add_permit, show_permit, change_permit, sectors))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/ngos", get(list))
        .route("/api/v1/ngos/{id}", get(show))
        .route("/api/v1/ngos/{id}/work", put(set_work))
        .route("/api/v1/ngos/{id}/permits", post(add_permit))
        .route("/api/v1/ngo-permits/{id}", get(show_permit))
        .route("/api/v1/ngo-permits/{id}/changes", post(change_permit))
        .route("/api/v1/sectors", get(sectors))
}

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

#[derive(Debug, Deserialize)]
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

async fn show(State(state): State<AppState>, _: Auth, Path(id): Path<i64>) -> ApiResult<Json<Ngo>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(ngo::get(&mut conn, id, today()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkBody {
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    provinces: Vec<i64>,
}

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

async fn show_permit(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Permit>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(ngo::permit(&mut conn, id, today()).await?))
}

/// A step in a permit's life: `change` and the details that change with it.
#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectorQuery {
    /// Words of the name, or the start of the code.
    q: Option<String>,
    /// Withdrawn codes too.
    withdrawn: Option<bool>,
}

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

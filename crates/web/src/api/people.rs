//! `/api/v1/people`: persons and their dated positions.

use amity_domain::country::CountryCode;
use amity_domain::error::Checker;
use amity_domain::partner::{Gender, Vocabulary};
use amity_store::person::{self, Organization, Person, PersonInput, Position};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::{List, date_field, text, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::export::{self, Table};
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::routes::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    /// People holding a position at this partner.
    partner: Option<i64>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn list(State(state): State<AppState>, Auth(me): Auth, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Json<List<Person>>> {
    let (limit, offset) = Paging { page: q.page, per_page: q.per_page }.window(50)?;
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &person::SORT_FIELDS).map_err(|e| unprocessable("sort", e))?;
    let mut conn = state.db.conn().await?;
    let (items, total) = person::list(&mut conn, &me.actor, text(q.q).as_deref(), q.partner, sort, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// The list (same filters, every page) as a table; contacts only where the reader may see them.
async fn export_table(state: &AppState, me: &crate::auth::CurrentUser, q: &ListQuery) -> Result<Table, ApiError> {
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &person::SORT_FIELDS).map_err(|e| unprocessable("sort", e))?;
    let mut conn = state.db.conn().await?;
    let (people, _) = person::list(&mut conn, &me.actor, text(q.q.clone()).as_deref(), q.partner, sort, 1_000_000, 0).await?;
    Ok(Table {
        header: vec!["id", "name", "name_latin", "honorific", "gender", "nationality", "email", "phone", "owner_unit_id"],
        rows: people
            .into_iter()
            .map(|p| {
                vec![
                    p.id.to_string(),
                    p.name,
                    p.name_latin.unwrap_or_default(),
                    p.honorific.unwrap_or_default(),
                    p.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
                    p.nationality.unwrap_or_default(),
                    p.email.unwrap_or_default(),
                    p.phone.unwrap_or_default(),
                    p.owner_unit_id.to_string(),
                ]
            })
            .collect(),
    })
}

async fn export_csv(State(state): State<AppState>, Auth(me): Auth, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response, ApiError> {
    Ok(export::download(export_table(&state, &me, &q).await?.csv()?, export::CSV, "amity-people.csv"))
}

async fn export_xlsx(State(state): State<AppState>, Auth(me): Auth, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response, ApiError> {
    Ok(export::download(export_table(&state, &me, &q).await?.xlsx("Cá nhân")?, export::XLSX, "amity-people.xlsx"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[serde(default)]
    name: String,
    name_latin: Option<String>,
    honorific: Option<String>,
    gender: Option<String>,
    nationality: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    note: Option<String>,
    owner_unit_id: Option<i64>,
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let mut check = Checker::new();
    let gender = match body.gender.as_deref().filter(|g| !g.is_empty()) {
        None => Some(None),
        Some(g) => check.check("gender", g.parse::<Gender>().map(Some)),
    };
    let nationality = match body.nationality.as_deref().filter(|n| !n.is_empty()) {
        None => Some(None),
        Some(n) => check.check("nationality", CountryCode::parse(n).map(Some)),
    };
    check.finish()?;
    let (Some(gender), Some(nationality)) = (gender, nationality) else { unreachable!("the checker reported every missing value") };
    let input = PersonInput {
        name: body.name.split_whitespace().collect::<Vec<_>>().join(" "),
        name_latin: text(body.name_latin),
        honorific: text(body.honorific),
        gender,
        nationality,
        email: text(body.email),
        phone: text(body.phone),
        note: text(body.note),
    };
    let mut tx = state.db.begin().await?;
    let created = person::create(&mut tx, &me.actor, &input, body.owner_unit_id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A person with their positions over time.
#[derive(Debug, Serialize)]
struct PersonDetail {
    #[serde(flatten)]
    person: Person,
    positions: Vec<Position>,
}

async fn show(State(state): State<AppState>, Auth(me): Auth, Path(id): Path<i64>) -> ApiResult<Json<PersonDetail>> {
    let mut conn = state.db.conn().await?;
    let person = person::get(&mut conn, &me.actor, id).await?;
    let positions = person::positions(&mut conn, id).await?;
    Ok(Json(PersonDetail { person, positions }))
}

async fn positions(State(state): State<AppState>, Auth(me): Auth, Path(id): Path<i64>) -> ApiResult<Json<List<Position>>> {
    let mut conn = state.db.conn().await?;
    person::get(&mut conn, &me.actor, id).await?;
    let items = person::positions(&mut conn, id).await?;
    Ok(Json(List { total: items.len() as i64, items }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionBody {
    #[serde(default)]
    title: String,
    partner_id: Option<i64>,
    unit_id: Option<i64>,
    organization: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

async fn add_position(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PositionBody>,
) -> ApiResult<(StatusCode, Json<List<Position>>)> {
    let at = match (body.partner_id, body.unit_id, text(body.organization)) {
        (Some(p), None, None) => Organization::Partner(p),
        (None, Some(u), None) => Organization::Unit(u),
        (None, None, Some(o)) => Organization::Named(o),
        _ => return Err(unprocessable("organization", "give exactly one of partner_id, unit_id or organization")),
    };
    let from = body.valid_from.as_deref().map(|d| date_field("valid_from", d)).transpose()?;
    let to = body.valid_to.as_deref().map(|d| date_field("valid_to", d)).transpose()?;
    let mut tx = state.db.begin().await?;
    let items = person::add_position(&mut tx, &me.actor, id, &body.title, &at, (from, to)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(List { total: items.len() as i64, items })))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/people", get(list).post(create))
        .route("/api/v1/people/export.csv", get(export_csv))
        .route("/api/v1/people/export.xlsx", get(export_xlsx))
        .route("/api/v1/people/{id}", get(show))
        .route("/api/v1/people/{id}/positions", get(positions).post(add_position))
}

//! `/api/v1/countries`, `/api/v1/commemorations` and `/api/v1/anniversaries` (JSON and
//! iCalendar): Vietnam's relations with each country and the anniversaries they give.

use amity_domain::anniversary::{PartialDate, Precision};
use amity_domain::country::{CountryCode, PartnershipLevel};
use amity_store::anniversary::{self, AnniversaryItem};
use amity_store::country::{
    self, Commemoration, Country, CountryFilter, CountryPatch, LevelRecord, NewLevel,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Days, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::{Deserialize, Serialize};

use super::{List, date_field, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

fn country_code(code: &str) -> Result<CountryCode, ApiError> {
    CountryCode::parse(code).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "country not found"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    region: Option<String>,
    level: Option<String>,
    has_relations: Option<bool>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/countries",
    tag = "countries",
    summary = "Countries with Vietnam's relations and current partnership level",
    params(ListQuery),
    responses((status = 200, description = "A page of countries", body = List<Country>))
)]
async fn list(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Country>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(100)?;
    let filter = CountryFilter {
        q: q.q.filter(|s| !s.trim().is_empty()),
        region: q.region.filter(|s| !s.trim().is_empty()),
        level: q
            .level
            .as_deref()
            .map(|l| {
                l.parse::<PartnershipLevel>()
                    .map_err(|e| unprocessable("level", e))
            })
            .transpose()?,
        has_relations: q.has_relations,
    };
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &country::SORT_FIELDS)
        .map_err(|e| unprocessable("sort", e))?;
    let mut conn = state.db.conn().await?;
    let (items, total) = country::list(&mut conn, &filter, sort, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// A country with its partnership history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CountryDetail {
    #[serde(flatten)]
    country: Country,
    levels: Vec<LevelRecord>,
}

#[utoipa::path(
    get,
    path = "/countries/{code}",
    tag = "countries",
    summary = "A country with its partnership history",
    params(("code" = String, Path)),
    responses((status = 200, description = "The country, with `levels`", body = CountryDetail))
)]
async fn show(
    State(state): State<AppState>,
    _: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<CountryDetail>> {
    let code = country_code(&code)?;
    let mut conn = state.db.conn().await?;
    let country = country::get(&mut conn, &code).await?;
    let levels = country::levels(&mut conn, &country).await?;
    Ok(Json(CountryDetail { country, levels }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = CountryPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; null clears.
    #[serde(default, deserialize_with = "nullable")]
    relations_established: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    relations_note: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    source: Option<Option<String>>,
}

fn partial_date(field: &str, value: &str) -> Result<PartialDate, ApiError> {
    PartialDate::parse(value).map_err(|e| unprocessable(field, e))
}

fn clean(v: Option<Option<String>>) -> Option<Option<String>> {
    v.map(|s| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
}

#[utoipa::path(
    patch,
    path = "/countries/{code}",
    tag = "countries",
    summary = "Complete or correct relations (system administrators)",
    params(("code" = String, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The country", body = Country))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Country>> {
    let code = country_code(&code)?;
    let relations = match body.relations_established {
        None => None,
        Some(None) => Some(None),
        Some(Some(d)) if d.trim().is_empty() => Some(None),
        Some(Some(d)) => Some(Some(partial_date("relations_established", &d)?)),
    };
    let patch = CountryPatch {
        relations,
        relations_note: clean(body.relations_note),
        source: clean(body.source),
    };
    let mut tx = state.db.begin().await?;
    let updated = country::update(&mut tx, &me.actor, &code, &patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LevelBody {
    #[serde(default)]
    level: String,
    since: Option<String>,
    note: Option<String>,
    source: Option<String>,
}

#[utoipa::path(
    get,
    path = "/countries/{code}/levels",
    tag = "countries",
    summary = "Partnership levels over time",
    params(("code" = String, Path)),
    responses((status = 200, description = "Levels, oldest first", body = List<LevelRecord>))
)]
async fn levels(
    State(state): State<AppState>,
    _: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<List<LevelRecord>>> {
    let code = country_code(&code)?;
    let mut conn = state.db.conn().await?;
    let country = country::get(&mut conn, &code).await?;
    let items = country::levels(&mut conn, &country).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[utoipa::path(
    post,
    path = "/countries/{code}/levels",
    tag = "countries",
    summary = "Record a new partnership level (system administrators)",
    params(("code" = String, Path)),
    request_body = LevelBody,
    responses((status = 201, description = "The country with its new current level", body = Country))
)]
async fn add_level(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<LevelBody>,
) -> ApiResult<(StatusCode, Json<Country>)> {
    let code = country_code(&code)?;
    let level = NewLevel {
        level: body.level.parse().map_err(|e| unprocessable("level", e))?,
        since: body
            .since
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| partial_date("since", s))
            .transpose()?,
        note: body.note.filter(|s| !s.trim().is_empty()),
        source: body.source.filter(|s| !s.trim().is_empty()),
    };
    let mut tx = state.db.begin().await?;
    let updated = country::add_level(&mut tx, &me.actor, &code, &level).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct YearsQuery {
    from_year: Option<i32>,
    to_year: Option<i32>,
}

#[utoipa::path(
    get,
    path = "/commemorations",
    tag = "anniversaries",
    summary = "Named commemorative years",
    params(YearsQuery),
    responses((status = 200, description = "Commemorative years", body = List<Commemoration>))
)]
async fn commemorations(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<YearsQuery>,
) -> ApiResult<Json<List<Commemoration>>> {
    let this_year = Utc::now().year();
    let mut conn = state.db.conn().await?;
    let items = country::commemorations(
        &mut conn,
        q.from_year.unwrap_or(1900),
        q.to_year.unwrap_or(this_year + 50),
    )
    .await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CommemorationBody {
    #[serde(default)]
    title: String,
    year: Option<i32>,
    country: Option<String>,
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/commemorations",
    tag = "anniversaries",
    summary = "Record a commemorative year (system administrators)",
    request_body = CommemorationBody,
    responses((status = 201, description = "The commemorative year", body = Commemoration))
)]
async fn add_commemoration(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<CommemorationBody>,
) -> ApiResult<(StatusCode, Json<Commemoration>)> {
    let year = body
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let country = body
        .country
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| CountryCode::parse(c).map_err(|e| unprocessable("country", e)))
        .transpose()?;
    let mut tx = state.db.begin().await?;
    let created = country::add_commemoration(
        &mut tx,
        &me.actor,
        &body.title,
        year,
        country.as_ref(),
        body.note.filter(|n| !n.trim().is_empty()),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The longest range one request may span.
const MAX_RANGE_YEARS: u64 = 50;

/// `from`..=`to`, by default today and the year after; a 422 names a bad or reversed bound.
fn range(q: &RangeQuery) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let today = Utc::now().date_naive();
    let from = q
        .from
        .as_deref()
        .map(|d| date_field("from", d))
        .transpose()?
        .unwrap_or(today);
    let to =
        q.to.as_deref()
            .map(|d| date_field("to", d))
            .transpose()?
            .unwrap_or_else(|| from.checked_add_days(Days::new(365)).unwrap_or(from));
    if to < from {
        return Err(unprocessable("to", "must not be before from"));
    }
    if (to - from).num_days() > (MAX_RANGE_YEARS * 366) as i64 {
        return Err(unprocessable(
            "to",
            format!("a range may span at most {MAX_RANGE_YEARS} years"),
        ));
    }
    Ok((from, to))
}

#[utoipa::path(
    get,
    path = "/anniversaries",
    tag = "anniversaries",
    summary = "Round-year anniversaries of diplomatic relations (every 5 years) and commemorative years in a range",
    params(RangeQuery),
    responses((status = 200, description = "Anniversaries in date order", body = List<AnniversaryItem>))
)]
async fn anniversaries(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<List<AnniversaryItem>>> {
    let (from, to) = range(&q)?;
    let mut conn = state.db.conn().await?;
    let items = anniversary::list(&mut conn, &me.actor, from, to).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

/// The anniversaries as an iCalendar feed: one all-day event each, with a stable UID.
pub(crate) fn ics(items: &[AnniversaryItem]) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Amity – Ngày kỷ niệm");
    for a in items {
        let mut event = Event::new();
        event.uid(&a.uid).all_day(a.date);
        let summary = if a.major {
            format!("★ {}", a.title_vi)
        } else {
            a.title_vi.clone()
        };
        event.summary(&summary);
        let mut description = a.title_en.clone();
        if let Some(origin) = &a.origin {
            description.push_str(&format!(" (since {origin})"));
        }
        match a.precision {
            Precision::Day => {}
            Precision::Month => description.push_str(". The day in the month is not known."),
            Precision::Year => description.push_str(". The day in the year is not known."),
        }
        event.description(&description);
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[utoipa::path(
    get,
    path = "/anniversaries.ics",
    tag = "anniversaries",
    summary = "The same anniversaries as an iCalendar feed, one all-day event each",
    params(RangeQuery),
    responses((status = 200, description = "iCalendar", content_type = "text/calendar", body = String))
)]
async fn anniversaries_ics(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = range(&q)?;
    let mut conn = state.db.conn().await?;
    let items = anniversary::list(&mut conn, &me.actor, from, to).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        ics(&items),
    )
        .into_response())
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    show,
    update,
    levels,
    add_level,
    commemorations,
    add_commemoration,
    anniversaries,
    anniversaries_ics
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/countries", get(list))
        .route("/api/v1/countries/{code}", get(show).patch(update))
        .route(
            "/api/v1/countries/{code}/levels",
            get(levels).post(add_level),
        )
        .route(
            "/api/v1/commemorations",
            get(commemorations).post(add_commemoration),
        )
        .route("/api/v1/anniversaries", get(anniversaries))
        .route("/api/v1/anniversaries.ics", get(anniversaries_ics))
}

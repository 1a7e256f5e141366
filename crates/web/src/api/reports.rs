//! `/api/v1/reports`: the computed indicators of a unit and period, rolled up and compared;
//! the units' periodic reports, their approval chain and their completeness.

use std::collections::BTreeMap;

use amity_domain::indicator::{CATALOGUE, Indicator, Period};
use amity_domain::report::{FormDraft, MANUAL, ReportState};
use amity_store::periodic::{self, Completeness, Form, Listed, Report, ReportFilter, ReportInput};
use amity_store::report::{self, Reading, Summary};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::activities::subtree;
use super::{List, TransitionBody, unprocessable};
use crate::auth::{Auth, CurrentUser};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::{document, export};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryQuery {
    /// The unit (default: the caller's).
    unit: Option<i64>,
    /// `2024`, `2024-H1` or `2024-Q3`.
    period: Option<String>,
    /// `previous_year` (default) or `none`.
    compare: Option<String>,
    /// `then` (default) or `current`.
    structure: Option<String>,
}

async fn summary(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<Summary>> {
    Ok(Json(read_summary(&state, &me, q).await?))
}

async fn read_summary(state: &AppState, me: &CurrentUser, q: SummaryQuery) -> ApiResult<Summary> {
    let unit = q
        .unit
        .or(me.actor.unit_id)
        .ok_or_else(|| unprocessable("unit", amity_domain::error::Problem::Required))?;
    let period = Period::parse(
        q.period
            .as_deref()
            .ok_or_else(|| unprocessable("period", "is required (2024, 2024-H1 or 2024-Q3)"))?,
    )
    .map_err(|e| unprocessable("period", e))?;
    let compare = match q.compare.as_deref().unwrap_or("previous_year") {
        "previous_year" => true,
        "none" => false,
        other => {
            return Err(unprocessable(
                "compare",
                format!("unknown comparison “{other}” (expected previous_year or none)"),
            ));
        }
    };
    let reading = Reading::parse(q.structure.as_deref().unwrap_or("then"))
        .map_err(|e| unprocessable("structure", e))?;
    let mut conn = state.db.conn().await?;
    Ok(report::summary(&mut conn, &me.actor, unit, &period, compare, reading).await?)
}

fn file_name(unit: i64, period: &str, ext: &str) -> String {
    format!("bao-cao-{unit}-{period}.{ext}")
}

async fn summary_docx(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let s = read_summary(&state, &me, q).await?;
    let doc = document::of_summary(&s, Utc::now().date_naive());
    Ok(export::download(
        doc.docx()?,
        document::DOCX,
        &file_name(s.unit_id, &s.period, "docx"),
    ))
}

async fn summary_xlsx(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let s = read_summary(&state, &me, q).await?;
    let doc = document::of_summary(&s, Utc::now().date_naive());
    Ok(export::download(
        doc.xlsx()?,
        export::XLSX,
        &file_name(s.unit_id, &s.period, "xlsx"),
    ))
}

#[cfg(feature = "pdf")]
async fn summary_pdf(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let s = read_summary(&state, &me, q).await?;
    let doc = document::of_summary(&s, Utc::now().date_naive());
    Ok(export::download(
        doc.pdf()?,
        document::PDF,
        &file_name(s.unit_id, &s.period, "pdf"),
    ))
}

#[cfg(feature = "pdf")]
async fn report_pdf(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let mut conn = state.db.conn().await?;
    let r = periodic::get(&mut conn, &me.actor, id).await?;
    let doc = document::of_report(&r, Utc::now().date_naive());
    Ok(export::download(
        doc.pdf()?,
        document::PDF,
        &file_name(r.unit_id, &r.period, "pdf"),
    ))
}

async fn report_docx(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let mut conn = state.db.conn().await?;
    let r = periodic::get(&mut conn, &me.actor, id).await?;
    let doc = document::of_report(&r, Utc::now().date_naive());
    Ok(export::download(
        doc.docx()?,
        document::DOCX,
        &file_name(r.unit_id, &r.period, "docx"),
    ))
}

async fn report_xlsx(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let mut conn = state.db.conn().await?;
    let r = periodic::get(&mut conn, &me.actor, id).await?;
    let doc = document::of_report(&r, Utc::now().date_naive());
    Ok(export::download(
        doc.xlsx()?,
        export::XLSX,
        &file_name(r.unit_id, &r.period, "xlsx"),
    ))
}

/// The computed indicators, then the manual ones.
async fn indicators(_: Auth) -> Json<List<Indicator>> {
    let items: Vec<Indicator> = CATALOGUE.iter().chain(MANUAL).copied().collect();
    Json(List {
        total: items.len() as i64,
        items,
    })
}

async fn forms(State(state): State<AppState>, _: Auth) -> ApiResult<Json<List<Form>>> {
    let mut conn = state.db.conn().await?;
    let items = periodic::forms(&mut conn).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

async fn show_form(
    State(state): State<AppState>,
    _: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<Form>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(periodic::existing_form(&mut conn, &code).await?))
}

async fn create_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<FormDraft>,
) -> ApiResult<(StatusCode, Json<Form>)> {
    let spec = b.check().map_err(amity_store::Error::from)?;
    let mut tx = state.db.begin().await?;
    let created = periodic::create_form(&mut tx, &me.actor, &spec).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Replaces a form's details; the code comes from the path (a body's code must match it).
async fn update_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(code): Path<String>,
    ApiJson(mut b): ApiJson<FormDraft>,
) -> ApiResult<Json<Form>> {
    if b.code.trim().is_empty() {
        b.code = code.clone();
    }
    let spec = b.check().map_err(amity_store::Error::from)?;
    let mut tx = state.db.begin().await?;
    let updated = periodic::update_form(&mut tx, &me.actor, &code, &spec).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

async fn delete_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    periodic::delete_form(&mut tx, &me.actor, &code).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    form: Option<String>,
    period: Option<String>,
    year: Option<i32>,
    state: Option<String>,
    /// A unit: reports of its subtree.
    unit: Option<i64>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Listed>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let period = q
        .period
        .filter(|p| !p.is_empty())
        .map(|p| Period::parse(&p).map(|p| p.label()))
        .transpose()
        .map_err(|e| unprocessable("period", e))?;
    let filter = ReportFilter {
        form: q.form.filter(|f| !f.is_empty()),
        period,
        year: q.year,
        state: q
            .state
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<ReportState>())
            .transpose()
            .map_err(|e| unprocessable("state", e))?,
        units: subtree(&state, q.unit).await?,
    };
    let mut conn = state.db.conn().await?;
    let (items, total) = periodic::list(&mut conn, &me.actor, &filter, limit, offset).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    form: Option<String>,
    /// Default: the caller's unit.
    unit: Option<i64>,
    period: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<NewReport>,
) -> ApiResult<(StatusCode, Json<Report>)> {
    let form = b
        .form
        .ok_or_else(|| unprocessable("form", amity_domain::error::Problem::Required))?;
    let unit = b
        .unit
        .or(me.actor.unit_id)
        .ok_or_else(|| unprocessable("unit", amity_domain::error::Problem::Required))?;
    let period = b
        .period
        .ok_or_else(|| unprocessable("period", "is required (2024, 2024-H1 or 2024-Q3)"))?;
    let mut tx = state.db.begin().await?;
    let created = periodic::create(&mut tx, &me.actor, &form, unit, &period).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(periodic::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    results: Option<String>,
    shortcomings: Option<String>,
    directions: Option<String>,
    /// Manual indicator values by code; `null` clears one.
    #[serde(default)]
    values: BTreeMap<String, Option<f64>>,
}

async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Content>,
) -> ApiResult<Json<Report>> {
    let input = ReportInput {
        results: b.results,
        shortcomings: b.shortcomings,
        directions: b.directions,
        values: b.values,
    };
    let mut tx = state.db.begin().await?;
    let updated = periodic::update(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransitionBody>,
) -> ApiResult<Json<Report>> {
    let to: ReportState = b.target()?;
    let mut tx = state.db.begin().await?;
    let moved = periodic::transition(&mut tx, &me.actor, id, to, b.comment.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(moved))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompletenessQuery {
    form: Option<String>,
    period: Option<String>,
}

async fn completeness(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<CompletenessQuery>,
) -> ApiResult<Json<Completeness>> {
    let form = q
        .form
        .ok_or_else(|| unprocessable("form", amity_domain::error::Problem::Required))?;
    let period = q
        .period
        .ok_or_else(|| unprocessable("period", "is required (2024, 2024-H1 or 2024-Q3)"))?;
    let mut conn = state.db.conn().await?;
    Ok(Json(
        periodic::completeness(&mut conn, &me.actor, &form, &period).await?,
    ))
}

pub(super) fn routes() -> RouteSet {
    let routes = RouteSet::default();
    #[cfg(feature = "pdf")]
    let routes = routes
        .route("/api/v1/reports/summary/export.pdf", get(summary_pdf))
        .route("/api/v1/reports/{id}/export.pdf", get(report_pdf));
    routes
        .route("/api/v1/reports/summary", get(summary))
        .route("/api/v1/reports/summary/export.docx", get(summary_docx))
        .route("/api/v1/reports/summary/export.xlsx", get(summary_xlsx))
        .route("/api/v1/reports/{id}/export.docx", get(report_docx))
        .route("/api/v1/reports/{id}/export.xlsx", get(report_xlsx))
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/report-forms", get(forms).post(create_form))
        .route(
            "/api/v1/report-forms/{code}",
            get(show_form).put(update_form).delete(delete_form),
        )
        .route("/api/v1/reports", get(list).post(create))
        .route("/api/v1/reports/completeness", get(completeness))
        .route("/api/v1/reports/{id}", get(show).patch(update))
        .route("/api/v1/reports/{id}/transitions", post(transition))
}

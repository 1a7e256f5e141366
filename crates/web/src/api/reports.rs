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

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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

#[utoipa::path(
    get,
    path = "/reports/summary",
    tag = "reports",
    summary = "A unit's computed indicators for a period: its own values and its subtree's, compared with the same period a year earlier, read as organized then or restated to today's structure through merges and splits",
    params(SummaryQuery),
    responses((status = 200, description = "The summary: unit_id, unit_name, period, start, end, structure, compared_with, units_counted, indicators [{code, name_vi, name_en, measure_vi, measure_en, own, subtree, previous, change, change_pct}], parts [{unit_id, unit_name, values {code: value}, carries [{unit_id, unit_name, share}]}] (the units directly under it: then, during the period; restated, today, with the earlier units whose values each carries), notes [{kind: joined|left, unit_id, unit_name, share, now_in [{unit_id, unit_name, share}]}] (restated: units whose values crossed the boundary through a merge or split)", body = Summary))
)]
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

#[utoipa::path(
    get,
    path = "/reports/summary/export.docx",
    tag = "reports",
    summary = "The summary as DOCX in the Vietnamese administrative layout (unit and number top left, national motto top right, place and date, title, tables, signature block); same parameters and scope as the summary",
    params(SummaryQuery),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = String))
)]
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

#[utoipa::path(
    get,
    path = "/reports/summary/export.xlsx",
    tag = "reports",
    summary = "The summary as XLSX: the same tables with figures as numbers and a chart; same parameters and scope as the summary",
    params(SummaryQuery),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = String))
)]
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
#[utoipa::path(
    get,
    path = "/reports/summary/export.pdf",
    tag = "reports",
    summary = "A summary as PDF, its font embedded (servers built with the `pdf` feature, the default)",
    params(SummaryQuery),
    responses((status = 200, description = "The file", content_type = "application/pdf", body = String))
)]
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
#[utoipa::path(
    get,
    path = "/reports/{id}/export.pdf",
    tag = "reports",
    summary = "A periodic report as PDF in the same administrative layout, its font embedded (servers built with the `pdf` feature, the default)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/pdf", body = String))
)]
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

#[utoipa::path(
    get,
    path = "/reports/{id}/export.docx",
    tag = "reports",
    summary = "A periodic report as DOCX in the Vietnamese administrative layout (unit and number top left, national motto top right, place and date, title, tables, signature block); drafts are marked as such",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = String))
)]
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

#[utoipa::path(
    get,
    path = "/reports/{id}/export.xlsx",
    tag = "reports",
    summary = "A periodic report as XLSX: the same tables with figures as numbers and a chart; drafts are marked as such",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = String))
)]
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
#[utoipa::path(
    get,
    path = "/indicators",
    tag = "reports",
    summary = "The indicator catalogue: computed indicators (from the live totals), then manual ones (entered in reports)",
    responses((status = 200, description = "The catalogue", body = List<Indicator>))
)]
async fn indicators(_: Auth) -> Json<List<Indicator>> {
    let items: Vec<Indicator> = CATALOGUE.iter().chain(MANUAL).copied().collect();
    Json(List {
        total: items.len() as i64,
        items,
    })
}

#[utoipa::path(
    get,
    path = "/report-forms",
    tag = "reports",
    summary = "The report forms: code, names, period kind, the unit kinds that file them, their manual indicators and the days after the period's end they are due",
    responses((status = 200, description = "{items, total}", body = List<Form>))
)]
async fn forms(State(state): State<AppState>, _: Auth) -> ApiResult<Json<List<Form>>> {
    let mut conn = state.db.conn().await?;
    let items = periodic::forms(&mut conn).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[utoipa::path(
    get,
    path = "/report-forms/{code}",
    tag = "reports",
    summary = "One report form",
    params(("code" = String, Path)),
    responses((status = 200, description = "The form: id, code, name_vi, name_en, period_kind (quarter, half_year, year), unit_kinds, manual (indicator codes), due_days", body = Form))
)]
async fn show_form(
    State(state): State<AppState>,
    _: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<Form>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(periodic::existing_form(&mut conn, &code).await?))
}

#[utoipa::path(
    post,
    path = "/report-forms",
    tag = "reports",
    summary = "Add a report form (central staff; 409 for a code in use)",
    request_body = FormDraft,
    responses((status = 201, description = "The form: id, code, name_vi, name_en, period_kind (quarter, half_year, year), unit_kinds, manual (indicator codes), due_days", body = Form))
)]
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
#[utoipa::path(
    put,
    path = "/report-forms/{code}",
    tag = "reports",
    summary = "Change a report form (central staff). The code stays (422). Once reports are filed on it, its period kind stays and an entered indicator a report holds a value for stays on it (409 naming period_kind or manual)",
    params(("code" = String, Path)),
    responses((status = 200, description = "The form: id, code, name_vi, name_en, period_kind (quarter, half_year, year), unit_kinds, manual (indicator codes), due_days", body = Form))
)]
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

#[utoipa::path(
    delete,
    path = "/report-forms/{code}",
    tag = "reports",
    summary = "Remove a report form no report is filed on (central staff; 409 otherwise)",
    params(("code" = String, Path)),
    responses((status = 204, description = "Removed"))
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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

#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    summary = "Periodic reports the caller may see (a cluster's lead also sees the cluster's summary), newest period first",
    params(ListQuery),
    responses((status = 200, description = "{items [{id, form_code, unit_id, unit_name, period, state, submitted_at, approved_at, due_on, on_time}], total}", body = List<Listed>))
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewReport {
    form: Option<String>,
    /// Default: the caller's unit.
    unit: Option<i64>,
    period: Option<String>,
}

#[utoipa::path(
    post,
    path = "/reports",
    tag = "reports",
    summary = "Open a draft report: {form, unit (default: the caller's), period}. The period must match the form's kind and have begun; the unit must file that form; one report per unit, form and period (409)",
    request_body = NewReport,
    responses((status = 201, description = "The report: id, form_code, unit_id, unit_name, unit_kind, period, start, end, due_on, state, results, shortcomings, directions, return_comment, submitted_at, on_time, cluster_signed_at, approved_at, locked_at, awaiting (unit, cluster_lead, central or null), computed [{code, value, previous, live}], manual [{code, value}], changed_since_approval [{code, approved, now, difference}], moves", body = Report))
)]
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

#[utoipa::path(
    get,
    path = "/reports/{id}",
    tag = "reports",
    summary = "A report: computed values live while open and frozen once approved, with what changed since approval",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The report: id, form_code, unit_id, unit_name, unit_kind, period, start, end, due_on, state, results, shortcomings, directions, return_comment, submitted_at, on_time, cluster_signed_at, approved_at, locked_at, awaiting (unit, cluster_lead, central or null), computed [{code, value, previous, live}], manual [{code, value}], changed_since_approval [{code, approved, now, difference}], moves", body = Report))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(periodic::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Content {
    results: Option<String>,
    shortcomings: Option<String>,
    directions: Option<String>,
    /// Manual indicator values by code; `null` clears one.
    #[serde(default)]
    values: BTreeMap<String, Option<f64>>,
}

#[utoipa::path(
    patch,
    path = "/reports/{id}",
    tag = "reports",
    summary = "Change a draft: {results, shortcomings, directions, values: {code: number or null}}; only the form's manual indicators, zero or more. 409 unless draft",
    params(("id" = i64, Path)),
    request_body = Content,
    responses((status = 200, description = "The report: id, form_code, unit_id, unit_name, unit_kind, period, start, end, due_on, state, results, shortcomings, directions, return_comment, submitted_at, on_time, cluster_signed_at, approved_at, locked_at, awaiting (unit, cluster_lead, central or null), computed [{code, value, previous, live}], manual [{code, value}], changed_since_approval [{code, approved, now, difference}], moves", body = Report))
)]
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

#[utoipa::path(
    post,
    path = "/reports/{id}/transitions",
    tag = "reports",
    summary = "Move a report: {to, comment}. draft → submitted (the unit; for a cluster, its lead union), submitted → approved (central staff; a cluster summary is first signed by the cluster lead), submitted or approved → draft (with a comment), approved → locked (central). An impossible move is 409",
    params(("id" = i64, Path)),
    request_body = TransitionBody,
    responses((status = 200, description = "The report: id, form_code, unit_id, unit_name, unit_kind, period, start, end, due_on, state, results, shortcomings, directions, return_comment, submitted_at, on_time, cluster_signed_at, approved_at, locked_at, awaiting (unit, cluster_lead, central or null), computed [{code, value, previous, live}], manual [{code, value}], changed_since_approval [{code, approved, now, difference}], moves", body = Report))
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CompletenessQuery {
    form: Option<String>,
    period: Option<String>,
}

#[utoipa::path(
    get,
    path = "/reports/completeness",
    tag = "reports",
    summary = "Completeness and timeliness of a form's reports for a period over the units in the caller's scope that existed at the period's end: expected, submitted, approved, on time, late, missing, and each unit's standing",
    params(CompletenessQuery),
    responses((status = 200, description = "{form, period, due_on, expected, submitted, approved, on_time, late, missing, completeness_pct, timeliness_pct, units [{unit_id, unit_name, report_id, state, submitted_at, on_time, overdue}]}", body = Completeness))
)]
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

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    summary,
    summary_docx,
    summary_xlsx,
    report_docx,
    report_xlsx,
    indicators,
    forms,
    show_form,
    create_form,
    update_form,
    delete_form,
    list,
    create,
    show,
    update,
    transition,
    completeness
))]
pub(super) struct Doc;

/// The PDF exports' part, on servers built with them.
#[cfg(feature = "pdf")]
#[derive(utoipa::OpenApi)]
#[openapi(paths(summary_pdf, report_pdf))]
pub(super) struct PdfDoc;

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

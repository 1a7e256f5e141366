//! `/api/v1/aid`: foreign-NGO aid projects and their money, scoped to the Vietnamese partner
//! unit; `/api/v1/exchange-rates`: the rate table totals are converted by.

use amity_domain::aid::{
    ProjectDraft, ProjectOrg, ProjectStatus, ResultDraft, Share, TransactionDraft,
};
use amity_domain::error::Problem;
use amity_domain::money::{Currency, parse_amount};
use amity_store::aid::{self, Listed, Project, ProjectFilter, Rate, Transaction};
use amity_store::attachment::Attachment;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::activities::{self, subtree};
use super::aid_import;
use super::import::ImportQuery;
use super::{List, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::export;
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Kept by this unit or a unit under it.
    unit: Option<i64>,
    /// With this NGO in it.
    ngo: Option<i64>,
    status: Option<String>,
    /// Running at some time in this year.
    year: Option<i32>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/aid/projects",
    tag = "aid",
    summary = "Aid projects in the caller's scope, by code",
    params(ListQuery),
    responses((status = 200, description = "{items: [{id, code, title_vi, unit_id, status, programme_id, planned_start, planned_end}], total}", body = List<Listed>))
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
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ProjectStatus>()
                .map_err(|e| unprocessable("status", e))
        })
        .transpose()?;
    let filter = ProjectFilter {
        units: subtree(&state, q.unit).await?,
        ngo: q.ngo,
        status,
        year: q.year,
    };
    let mut conn = state.db.conn().await?;
    let (items, total) = aid::list(&mut conn, &me.actor, &filter, limit, offset).await?;
    Ok(Json(List { items, total }))
}

#[utoipa::path(
    post,
    path = "/aid/projects",
    tag = "aid",
    summary = "Record a project (its unit's staff; 409 for a code in use)",
    request_body = ProjectDraft,
    responses((status = 201, description = "The project: id, code, title_vi, title_en, programme_id, unit, status, planned_start, planned_end, actual_start, actual_end, beneficiaries, description, organizations [{partner_id, name, role}], sectors [{key, name, percent}], provinces [{key, name, percent}], projects (a programme's), transactions [transaction], totals {pledge|commitment|disbursement|expenditure: {vnd, usd}} (a programme's: its projects'). Amounts are decimal strings", body = Project))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<ProjectDraft>,
) -> ApiResult<(StatusCode, Json<Project>)> {
    let mut tx = state.db.begin().await?;
    let created = aid::create(&mut tx, &me.actor, &b).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/aid/projects/{id}",
    tag = "aid",
    summary = "One project with its money and totals",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The project: id, code, title_vi, title_en, programme_id, unit, status, planned_start, planned_end, actual_start, actual_end, beneficiaries, description, organizations [{partner_id, name, role}], sectors [{key, name, percent}], provinces [{key, name, percent}], results [{kind, indicator_vi, indicator_en, measure, baseline, baseline_year, target, actual}], projects (a programme's), transactions [transaction], totals {pledge|commitment|disbursement|expenditure: {vnd, usd}} (a programme's: its projects'). Amounts are decimal strings", body = Project))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Project>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(aid::get(&mut conn, &me.actor, id).await?))
}

/// The fields a change names; the others keep their values. `null` clears an optional one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ProjectPatch {
    code: Option<String>,
    title_vi: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    title_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    programme_id: Option<Option<i64>>,
    unit_id: Option<i64>,
    status: Option<String>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    actual_start: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    actual_end: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    beneficiaries: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    organizations: Option<Vec<ProjectOrg>>,
    sectors: Option<Vec<Share<String>>>,
    provinces: Option<Vec<Share<i64>>>,
    results: Option<Vec<ResultDraft>>,
}

impl ProjectPatch {
    fn onto(self, current: ProjectDraft) -> ProjectDraft {
        ProjectDraft {
            code: self.code.or(current.code),
            title_vi: self.title_vi.or(current.title_vi),
            title_en: self.title_en.unwrap_or(current.title_en),
            programme_id: self.programme_id.unwrap_or(current.programme_id),
            unit_id: self.unit_id.or(current.unit_id),
            status: self.status.or(current.status),
            planned_start: self.planned_start.or(current.planned_start),
            planned_end: self.planned_end.or(current.planned_end),
            actual_start: self.actual_start.unwrap_or(current.actual_start),
            actual_end: self.actual_end.unwrap_or(current.actual_end),
            beneficiaries: self.beneficiaries.unwrap_or(current.beneficiaries),
            description: self.description.unwrap_or(current.description),
            organizations: self.organizations.unwrap_or(current.organizations),
            sectors: self.sectors.unwrap_or(current.sectors),
            provinces: self.provinces.unwrap_or(current.provinces),
            results: self.results.unwrap_or(current.results),
        }
    }
}

#[utoipa::path(
    patch,
    path = "/aid/projects/{id}",
    tag = "aid",
    summary = "Change a project (its unit's staff; moving it to another unit needs the right to write there too). Its dates must still hold its transactions; a programme belongs to no other; 409 for a code in use",
    params(("id" = i64, Path)),
    request_body = ProjectPatch,
    responses((status = 200, description = "The project, as GET returns it", body = Project))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ProjectPatch>,
) -> ApiResult<Json<Project>> {
    let mut tx = state.db.begin().await?;
    let current = aid::get(&mut tx, &me.actor, id).await?;
    let updated = aid::update(&mut tx, &me.actor, id, &b.onto(current.draft())).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[utoipa::path(
    post,
    path = "/aid/projects/{id}/transactions",
    tag = "aid",
    summary = "Record a transaction (its unit's staff). Dated inside the project; a currency without a rate in the table needs rate_to_vnd; a programme with projects takes none (409)",
    params(("id" = i64, Path)),
    request_body = TransactionDraft,
    responses((status = 201, description = "The transaction: id, kind, date, amount, currency, rate_to_vnd, amount_vnd (amount × rate, half a đồng up), amount_usd (the amount in USD, else amount_vnd ÷ the table's USD rate on the date, to the cent), note", body = Transaction))
)]
async fn add_transaction(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransactionDraft>,
) -> ApiResult<(StatusCode, Json<Transaction>)> {
    let mut tx = state.db.begin().await?;
    let created = aid::add_transaction(&mut tx, &me.actor, id, &b).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/aid/projects/{id}/attachments",
    tag = "attachments",
    summary = "Documents of an aid project",
    params(("id" = i64, Path)),
    responses((status = 200, description = "A list", body = List<Attachment>))
)]
async fn attachments(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<Attachment>>> {
    let mut conn = state.db.conn().await?;
    aid::get(&mut conn, &me.actor, id).await?;
    drop(conn);
    Ok(Json(
        activities::attachments_of(&state, aid::PROJECT, id).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/aid/projects/{id}/attachments",
    tag = "attachments",
    summary = "Attach a document to an aid project (its unit's staff; multipart field `file`; pdf, images, office documents, text; size limited)",
    params(("id" = i64, Path)),
    request_body(content = crate::api::openapi::UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, description = "The attachment", body = Attachment), (status = 201, description = "The attachment", body = Attachment))
)]
async fn upload(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    form: Multipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    activities::upload(&state, &me, aid::PROJECT, id, form).await
}

/// `POST /api/v1/aid/projects/import` with a CSV body: all rows or none; `?dry_run=true` previews.
#[utoipa::path(
    post,
    path = "/aid/projects/import",
    tag = "aid",
    summary = "Import aid projects from CSV (columns: code, title_vi, title_en, unit (unit code), programme (a project's code, earlier in the file or recorded), status, planned_start, planned_end, actual_start, actual_end, beneficiaries, description, funding, accountable, extending, implementing (partner names, acronyms or #id, separated by ;), sectors and provinces (code:percent; …)): every row or none, each problem named by line and column; a code already taken, by a project or an earlier row, is refused",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, description = "Imported", body = aid_import::Report), (status = 200, description = "Preview: what would be imported", body = aid_import::Report))
)]
async fn import_projects(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<aid_import::Report>)> {
    let report = aid_import::projects(&state, &me.actor, &body, q.dry_run).await?;
    Ok((
        if q.dry_run {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(report),
    ))
}

/// `POST /api/v1/aid/transactions/import` with a CSV body: all rows or none; `?dry_run=true`
/// previews; a transaction already recorded needs `confirm_duplicates=true`.
#[utoipa::path(
    post,
    path = "/aid/transactions/import",
    tag = "aid",
    summary = "Import aid transactions from CSV (columns: project (code), kind, date, amount, currency, rate_to_vnd, note): every row or none, each problem named by line and column; a transaction the project already has (same kind, date, amount and currency), or an earlier row, needs confirm_duplicates=true",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, description = "Imported", body = aid_import::Report), (status = 200, description = "Preview: what would be imported, with the duplicates found", body = aid_import::Report))
)]
async fn import_transactions(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<aid_import::Report>)> {
    let report =
        aid_import::transactions(&state, &me.actor, &body, q.dry_run, q.confirm_duplicates).await?;
    Ok((
        if q.dry_run {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(report),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct IatiQuery {
    /// Projects running at some time in this year.
    year: Option<i32>,
    /// Kept by this unit or a unit under it.
    unit: Option<i64>,
}

/// The projects in scope as an IATI 2.03 activity file.
#[utoipa::path(
    get,
    path = "/aid/iati.xml",
    tag = "aid",
    summary = "The aid projects in the caller's scope as an IATI 2.03 activity file (validates against the official schema)",
    params(IatiQuery),
    responses((status = 200, description = "iati-activities version 2.03: per project its identifier (VN-VUFO-<code>), titles and description in Vietnamese and English, participating NGOs with their roles and the Vietnamese partner unit (implementing), status, dates, Viet Nam as recipient country, DAC sectors with percentages, a budget per calendar year (its commitments in VND) and every transaction in its own currency", content_type = "application/xml", body = String))
)]
async fn iati(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<IatiQuery>,
) -> ApiResult<Response> {
    let filter = ProjectFilter {
        units: subtree(&state, q.unit).await?,
        year: q.year,
        ..Default::default()
    };
    let mut conn = state.db.conn().await?;
    let (listed, _) = aid::list(&mut conn, &me.actor, &filter, u64::MAX >> 1, 0).await?;
    if listed.is_empty() {
        return Err(ApiError::field(
            StatusCode::NOT_FOUND,
            "year",
            "no aid project in your scope for that year and unit; an IATI file holds at least one",
        ));
    }
    let mut projects = Vec::with_capacity(listed.len());
    for p in &listed {
        projects.push(aid::get(&mut conn, &me.actor, p.id).await?);
    }
    let xml = crate::iati::activities(&projects, Utc::now())
        .map_err(|e| amity_store::Error::Other(e.into()))?;
    let name = format!(
        "amity-iati{}.xml",
        q.year.map(|y| format!("-{y}")).unwrap_or_default()
    );
    Ok(export::download(xml, crate::iati::CONTENT_TYPE, &name))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DashboardQuery {
    year: Option<i32>,
    unit: Option<i64>,
}

/// The years a dashboard can show.
const YEARS: (i32, i32) = (1950, 2200);

/// The year's aid in scope, compared with the year before, by province, sector and donor country.
#[utoipa::path(
    get,
    path = "/aid/dashboard",
    tag = "aid",
    summary = "The year's foreign-NGO aid in the caller's scope: committed and disbursed in đồng and USD, the year before, projects under way and partners taking part, and breakdowns by unit, sector (by percentage) and donor country (shared among funders), largest disbursement first",
    params(DashboardQuery),
    responses((status = 200, description = "{year, committed {vnd, usd}, disbursed, previous_committed, previous_disbursed, active_projects, active_partners, by_unit|by_sector|by_country [{key, name, committed, disbursed}]}", body = aid::Dashboard))
)]
async fn dashboard(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<aid::Dashboard>> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&Utc::now()));
    if !(YEARS.0..=YEARS.1).contains(&year) {
        let (min, max) = (i64::from(YEARS.0), i64::from(YEARS.1));
        return Err(unprocessable("year", Problem::OutOfRange { min, max }));
    }
    let units = subtree(&state, q.unit).await?;
    let mut conn = state.db.conn().await?;
    Ok(Json(
        aid::dashboard(&mut conn, &me.actor, units, year).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/exchange-rates",
    tag = "aid",
    summary = "The rate table: đồng per unit of each currency from a date on (ships with approximate yearly defaults)",
    responses((status = 200, description = "{items: [{currency, valid_from, vnd_per_unit}], total}", body = List<Rate>))
)]
async fn rates(State(state): State<AppState>, _: Auth) -> ApiResult<Json<List<Rate>>> {
    let mut conn = state.db.conn().await?;
    let items = aid::rates(&mut conn).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RateBody {
    currency: Option<String>,
    valid_from: Option<NaiveDate>,
    vnd_per_unit: Option<String>,
}

#[utoipa::path(
    put,
    path = "/exchange-rates",
    tag = "aid",
    summary = "Set a currency's rate from a date on (administrators)",
    request_body = RateBody,
    responses((status = 200, description = "The rate", body = Rate))
)]
async fn set_rate(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<RateBody>,
) -> ApiResult<Json<Rate>> {
    let currency = Currency::parse(b.currency.as_deref().unwrap_or_default())
        .map_err(|e| unprocessable("currency", e))?;
    let valid_from = b
        .valid_from
        .ok_or_else(|| unprocessable("valid_from", amity_domain::error::Problem::Required))?;
    let rate = parse_amount(b.vnd_per_unit.as_deref().unwrap_or_default())
        .map_err(|e| unprocessable("vnd_per_unit", e))?;
    let mut tx = state.db.begin().await?;
    let set = aid::set_rate(&mut tx, &me.actor, &currency, valid_from, rate).await?;
    tx.commit().await?;
    Ok(Json(set))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    show,
    update,
    add_transaction,
    attachments,
    upload,
    import_projects,
    import_transactions,
    iati,
    dashboard,
    rates,
    set_rate
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/aid/projects", get(list).post(create))
        .route("/api/v1/aid/projects/import", post(import_projects))
        .route("/api/v1/aid/transactions/import", post(import_transactions))
        .route("/api/v1/aid/projects/{id}", get(show).patch(update))
        .route(
            "/api/v1/aid/projects/{id}/transactions",
            post(add_transaction),
        )
        .route(
            "/api/v1/aid/projects/{id}/attachments",
            get(attachments)
                .post(upload)
                .layer(activities::upload_limit()),
        )
        .route("/api/v1/aid/iati.xml", get(iati))
        .route("/api/v1/aid/dashboard", get(dashboard))
        .route("/api/v1/exchange-rates", get(rates).put(set_rate))
}

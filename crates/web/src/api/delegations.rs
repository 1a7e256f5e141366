//! `/api/v1/delegations`: outbound and inbound delegations, their workflow, files and exports.

use amity_domain::activity::DelegationState;
use amity_domain::delegation::{DelegationDraft, LegDraft, MemberDraft, MoneyDraft};
use amity_domain::partner::Vocabulary;
use amity_store::attachment::Attachment;
use amity_store::delegation::{self, Delegation, DelegationFilter};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;

use super::activities::{self};
use super::{List, TransitionBody, iso_dates, unprocessable};
use crate::auth::{Auth, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::export::Table;
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    pub direction: Option<String>,
    pub state: Option<String>,
    pub year: Option<i32>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// A unit: delegations of its subtree.
    pub unit: Option<i64>,
    pub country: Option<String>,
    pub partner: Option<i64>,
    pub person: Option<i64>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn vocab<T: std::str::FromStr<Err: Into<amity_domain::error::Problem>>>(
    field: &str,
    v: Option<&str>,
) -> Result<Option<T>, ApiError> {
    v.filter(|s| !s.is_empty())
        .map(|s| s.parse::<T>().map_err(|e| unprocessable(field, e)))
        .transpose()
}

async fn filter(state: &AppState, q: &ListQuery) -> Result<DelegationFilter, ApiError> {
    let shared = activities::shared(
        state,
        (q.year, q.from.as_deref(), q.to.as_deref()),
        q.unit,
        (q.country.as_deref(), q.partner),
        q.q.as_deref(),
    )
    .await?;
    Ok(DelegationFilter {
        shared,
        direction: vocab("direction", q.direction.as_deref())?,
        state: vocab("state", q.state.as_deref())?,
        person: q.person,
    })
}

/// The delegation list (see [`activities::ActivityList`]).
pub(crate) struct Delegations;

impl activities::ActivityList for Delegations {
    type Query = ListQuery;
    type Filter = DelegationFilter;
    type Record = Delegation;
    const SORT_FIELDS: &'static [&'static str] = &delegation::SORT_FIELDS;

    fn sort(q: &ListQuery) -> Option<&str> {
        q.sort.as_deref()
    }

    async fn filter(state: &AppState, q: &ListQuery) -> Result<DelegationFilter, ApiError> {
        filter(state, q).await
    }

    async fn list(
        conn: &mut amity_store::Conn,
        actor: &amity_domain::authz::Actor,
        filter: &DelegationFilter,
        sort: (&str, bool),
        (limit, offset): (u64, u64),
    ) -> amity_store::Result<(Vec<Delegation>, i64)> {
        delegation::list(conn, actor, filter, sort, limit, offset).await
    }
}

#[utoipa::path(
    get,
    path = "/delegations",
    tag = "delegations",
    summary = "Delegations in scope, filtered",
    params(ListQuery),
    responses((status = 200, description = "A page", body = List<Delegation>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Delegation>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let (items, total) =
        activities::window::<Delegations>(&state, &me.actor, &q, (limit, offset)).await?;
    Ok(Json(List { items, total }))
}

async fn export_table(
    state: &AppState,
    me: &CurrentUser,
    q: &ListQuery,
    window: (u64, u64),
) -> Result<Table, ApiError> {
    let (items, _) = activities::window::<Delegations>(state, &me.actor, q, window).await?;
    let date = amity_domain::text::format_date;
    Ok(Table {
        header: vec![
            "id",
            "direction",
            "state",
            "title",
            "unit",
            "start_on",
            "end_on",
            "head",
            "members",
            "countries",
            "partners",
            "budget",
            "currency",
            "budget_vnd",
        ],
        rows: items
            .into_iter()
            .map(|d| {
                vec![
                    d.id.to_string(),
                    d.direction.as_str().to_owned(),
                    d.state.as_str().to_owned(),
                    d.title.clone(),
                    d.owner_unit_name.clone(),
                    date(d.start_on),
                    date(d.end_on),
                    d.head().map(|h| h.name.clone()).unwrap_or_default(),
                    d.members.len().to_string(),
                    d.countries().into_iter().collect::<Vec<_>>().join("; "),
                    d.partners
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    d.budget
                        .as_ref()
                        .map(|b| b.amount.to_string())
                        .unwrap_or_default(),
                    d.budget
                        .as_ref()
                        .map(|b| b.currency.as_str().to_owned())
                        .unwrap_or_default(),
                    d.budget_vnd.map(|v| v.to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    })
}

crate::export::downloads!(
    "delegations",
    "/delegations/export.csv",
    "/delegations/export.xlsx",
    "Đoàn"
);

/// A member: a person of the registry by id, or a new one by name (added to the registry).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MemberBody {
    person_id: Option<i64>,
    name: Option<String>,
    name_latin: Option<String>,
    nationality: Option<String>,
    role: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LegBody {
    country: String,
    city: Option<String>,
    from_on: String,
    to_on: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MoneyBody {
    amount: String,
    currency: String,
    /// Đồng per unit of the currency (required unless VND).
    rate_to_vnd: Option<String>,
}

/// A delegation as the API receives it; on PATCH, absent fields keep their value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = DelegationBody)]
#[serde(deny_unknown_fields)]
struct Body {
    direction: Option<String>,
    title: Option<String>,
    purpose: Option<String>,
    start_on: Option<String>,
    end_on: Option<String>,
    funding_source: Option<String>,
    budget: Option<MoneyBody>,
    expected_outcomes: Option<String>,
    actual_outcomes: Option<String>,
    report: Option<String>,
    members: Option<Vec<MemberBody>>,
    legs: Option<Vec<LegBody>>,
    partners: Option<Vec<i64>>,
    tasks: Option<Vec<i64>>,
    owner_unit_id: Option<i64>,
}

impl From<MoneyBody> for MoneyDraft {
    fn from(b: MoneyBody) -> Self {
        MoneyDraft {
            amount: b.amount,
            currency: b.currency,
            rate_to_vnd: b.rate_to_vnd.unwrap_or_default(),
        }
    }
}

impl From<MemberBody> for MemberDraft {
    fn from(b: MemberBody) -> Self {
        MemberDraft {
            person_id: b.person_id.map(|id| id.to_string()).unwrap_or_default(),
            name: b.name.unwrap_or_default(),
            name_latin: b.name_latin.unwrap_or_default(),
            nationality: b.nationality.unwrap_or_default(),
            role: b.role.unwrap_or_default(),
        }
    }
}

impl From<LegBody> for LegDraft {
    fn from(b: LegBody) -> Self {
        LegDraft {
            country: b.country,
            city: b.city.unwrap_or_default(),
            from_on: b.from_on,
            to_on: b.to_on,
        }
    }
}

impl Body {
    /// The draft: `base` (the stored delegation's, or an empty one) with the body's fields
    /// replacing its own.
    fn over(self, base: DelegationDraft) -> Result<DelegationDraft, ApiError> {
        let legs = self.legs.iter().flatten();
        iso_dates(
            [
                ("start_on", self.start_on.as_deref()),
                ("end_on", self.end_on.as_deref()),
            ]
            .into_iter()
            .chain(legs.flat_map(|l| {
                [
                    ("legs", Some(l.from_on.as_str())),
                    ("legs", Some(l.to_on.as_str())),
                ]
            })),
        )?;
        let ids = |ids: Vec<i64>| ids.iter().map(i64::to_string).collect();
        Ok(DelegationDraft {
            direction: self.direction.unwrap_or(base.direction),
            title: self.title.unwrap_or(base.title),
            purpose: self.purpose.unwrap_or(base.purpose),
            start_on: self.start_on.unwrap_or(base.start_on),
            end_on: self.end_on.unwrap_or(base.end_on),
            funding_source: self.funding_source.unwrap_or(base.funding_source),
            budget: self.budget.map_or(base.budget, MoneyDraft::from),
            expected_outcomes: self.expected_outcomes.unwrap_or(base.expected_outcomes),
            actual_outcomes: self.actual_outcomes.unwrap_or(base.actual_outcomes),
            report: self.report.unwrap_or(base.report),
            members: self.members.map_or(base.members, |m| {
                m.into_iter().map(MemberDraft::from).collect()
            }),
            legs: self
                .legs
                .map_or(base.legs, |l| l.into_iter().map(LegDraft::from).collect()),
            partners: self.partners.map_or(base.partners, ids),
            tasks: self.tasks.map_or(base.tasks, ids),
        })
    }
}

#[utoipa::path(
    post,
    path = "/delegations",
    tag = "delegations",
    summary = "Record a delegation (in draft)",
    request_body = Body,
    responses((status = 201, description = "The delegation", body = Delegation))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<(StatusCode, Json<Delegation>)> {
    let owner = b.owner_unit_id;
    let spec = b.over(DelegationDraft::default())?.parse()?;
    let mut tx = state.db.begin().await?;
    let created = delegation::create(&mut tx, &me.actor, &spec, owner).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/delegations/{id}",
    tag = "delegations",
    summary = "A delegation in scope",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The delegation", body = Delegation))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Delegation>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(delegation::get(&mut conn, &me.actor, id).await?))
}

#[utoipa::path(
    patch,
    path = "/delegations/{id}",
    tag = "delegations",
    summary = "Change the fields given (a draft freely; after approval only actual_outcomes and report; otherwise 409)",
    params(("id" = i64, Path)),
    request_body = Body,
    responses((status = 200, description = "The delegation", body = Delegation))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<Json<Delegation>> {
    if b.owner_unit_id.is_some() {
        return Err(unprocessable(
            "owner_unit_id",
            "a delegation stays with the unit that recorded it",
        ));
    }
    let mut tx = state.db.begin().await?;
    let current = delegation::get(&mut tx, &me.actor, id).await?;
    let spec = b.over(delegation::draft_of(&current))?.parse()?;
    let updated = delegation::update(&mut tx, &me.actor, id, &spec).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[utoipa::path(
    post,
    path = "/delegations/{id}/transitions",
    tag = "delegations",
    summary = "Move through the workflow: {to, comment}. Outbound decisions by central staff, inbound by the hosting unit's head; an impossible move is 409",
    params(("id" = i64, Path)),
    request_body = TransitionBody,
    responses((status = 200, description = "The delegation", body = Delegation))
)]
async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TransitionBody>,
) -> ApiResult<Json<Delegation>> {
    let to: DelegationState = b.target()?;
    let mut tx = state.db.begin().await?;
    let moved = delegation::transition(&mut tx, &me.actor, id, to, b.comment.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(moved))
}

#[utoipa::path(
    get,
    path = "/delegations/awaiting-decision",
    tag = "delegations",
    summary = "Submitted delegations the caller may approve, return or reject",
    responses((status = 200, description = "A list", body = List<Delegation>))
)]
async fn awaiting(
    State(state): State<AppState>,
    Auth(me): Auth,
) -> ApiResult<Json<List<Delegation>>> {
    let mut conn = state.db.conn().await?;
    let items = delegation::awaiting_decision(&mut conn, &me.actor).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[utoipa::path(
    get,
    path = "/delegations/{id}/attachments",
    tag = "attachments",
    summary = "Files of a delegation",
    params(("id" = i64, Path)),
    responses((status = 200, description = "A list", body = List<Attachment>))
)]
async fn attachments(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<Attachment>>> {
    let mut conn = state.db.conn().await?;
    delegation::get(&mut conn, &me.actor, id).await?;
    drop(conn);
    Ok(Json(
        activities::attachments_of(&state, "delegation", id).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/delegations/{id}/attachments",
    tag = "attachments",
    summary = "Attach a file (multipart field `file`; pdf, images, office documents, text; size limited)",
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
    activities::upload(&state, &me, "delegation", id, form).await
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    export_xlsx,
    create,
    show,
    update,
    transition,
    awaiting,
    attachments,
    upload
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/delegations", get(list).post(create))
        .route("/api/v1/delegations/export.csv", get(export_csv))
        .route("/api/v1/delegations/export.xlsx", get(export_xlsx))
        .route("/api/v1/delegations/awaiting-decision", get(awaiting))
        .route("/api/v1/delegations/{id}", get(show).patch(update))
        .route("/api/v1/delegations/{id}/transitions", post(transition))
        .route(
            "/api/v1/delegations/{id}/attachments",
            get(attachments)
                .post(upload)
                .layer(activities::upload_limit()),
        )
}

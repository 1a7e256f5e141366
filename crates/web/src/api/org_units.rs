//! `/api/v1/org-units`: the organization structure, as of any date, with its history,
//! lineage, clusters and structural changes.

use amity_domain::error::Checker;
use amity_domain::org::{OrgCode, OrgKind, OrgName, Period};
use amity_domain::text::format_date;
use amity_store::org::{
    self, ClusterYear, Contact, History, LineageEvent, Merge, NewUnit, OrgUnit, SortField, Split,
    Target, UnitFilter, UnitPatch,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::{List, date_field};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::export::{self, Table};
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    kind: Option<String>,
    as_of: Option<String>,
    parent_id: Option<i64>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

impl ListQuery {
    fn to_filter(&self) -> Result<UnitFilter, ApiError> {
        let unprocessable =
            |field: &str, e: String| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, e);
        let mut filter = UnitFilter::as_of(
            self.as_of
                .as_deref()
                .map(|d| date_field("as_of", d))
                .transpose()?
                .unwrap_or_else(today),
        );
        filter.kind = self
            .kind
            .as_deref()
            .map(|k| k.parse::<OrgKind>().map_err(|e| unprocessable("kind", e)))
            .transpose()?;
        filter.parent_id = self.parent_id;
        filter.q = self.q.clone().filter(|q| !q.trim().is_empty());
        if let Some(sort) = &self.sort {
            (filter.sort, filter.descending) =
                SortField::parse(sort).map_err(|e| unprocessable("sort", e))?;
        }
        Ok(filter)
    }
}

#[utoipa::path(
    get,
    path = "/org-units",
    tag = "org-units",
    summary = "Units existing on a date, sorted by name in Vietnamese order",
    params(ListQuery),
    responses((status = 200, description = "A page of units", body = List<OrgUnit>))
)]
async fn list(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<OrgUnit>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(100)?;
    let filter = q.to_filter()?;
    let mut conn = state.db.conn().await?;
    let (items, total) = org::list(&mut conn, &filter, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// The structure as of a date as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
/// show Vietnamese correctly), with the list's filters; dates as dd/mm/yyyy.
#[utoipa::path(
    get,
    path = "/org-units/export.csv",
    tag = "org-units",
    summary = "The units of the list (same filters, unpaged) as CSV, UTF-8 with BOM, dates dd/mm/yyyy",
    params(ListQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
)]
async fn export_csv(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let filter = q.to_filter()?;
    let mut conn = state.db.conn().await?;
    let (units, _) = org::list(&mut conn, &filter, EXPORT_LIMIT, 0).await?;
    let parents = org::latest_names(
        &mut conn,
        units.iter().filter_map(|u| u.parent_id).collect(),
    )
    .await?;
    let table = Table {
        header: vec![
            "id",
            "code",
            "name",
            "short_name",
            "name_en",
            "kind",
            "parent_id",
            "parent",
            "valid_from",
            "valid_to",
        ],
        rows: units
            .iter()
            .map(|u| {
                vec![
                    u.id.to_string(),
                    u.code.clone().unwrap_or_default(),
                    u.name.clone(),
                    u.short_name.clone().unwrap_or_default(),
                    u.name_en.clone().unwrap_or_default(),
                    u.kind.clone(),
                    u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
                    u.parent_id
                        .and_then(|p| parents.get(&p))
                        .cloned()
                        .unwrap_or_default(),
                    format_date(u.valid_from),
                    u.valid_to.map(format_date).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    Ok(export::download(
        table.csv()?,
        export::CSV,
        &format!("amity-org-units-{}.csv", filter.as_of),
    ))
}

/// More units than the federation will ever have at once; an export is never paged.
const EXPORT_LIMIT: u64 = 100_000;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AsOfQuery {
    as_of: Option<String>,
}

#[utoipa::path(
    get,
    path = "/org-units/{id}",
    tag = "org-units",
    summary = "A unit as of a date",
    params(("id" = i64, Path), AsOfQuery),
    responses((status = 200, description = "The unit", body = OrgUnit))
)]
async fn show(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<OrgUnit>> {
    let date = q
        .as_of
        .as_deref()
        .map(|d| date_field("as_of", d))
        .transpose()?
        .unwrap_or_else(today);
    let mut conn = state.db.conn().await?;
    Ok(Json(org::get(&mut conn, id, date).await?))
}

#[utoipa::path(
    get,
    path = "/org-units/{id}/history",
    tag = "org-units",
    summary = "Names, codes and parents over time",
    params(("id" = i64, Path)),
    responses((status = 200, description = "History", body = History))
)]
async fn history(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<History>> {
    let mut conn = state.db.conn().await?;
    org::get(&mut conn, id, today()).await?;
    Ok(Json(org::history(&mut conn, id).await?))
}

#[utoipa::path(
    get,
    path = "/org-units/{id}/lineage",
    tag = "org-units",
    summary = "Structural events the unit took part in",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Events", body = List<LineageEvent>))
)]
async fn lineage(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<LineageEvent>>> {
    let mut conn = state.db.conn().await?;
    org::get(&mut conn, id, today()).await?;
    let items = org::lineage(&mut conn, id).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct YearQuery {
    year: Option<i32>,
}

#[utoipa::path(
    get,
    path = "/org-units/{id}/cluster",
    tag = "org-units",
    summary = "A cluster's members, lead and deputy in a year",
    params(("id" = i64, Path), YearQuery),
    responses((status = 200, description = "The cluster year", body = ClusterYear))
)]
async fn cluster(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<ClusterYear>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(
        org::cluster_year(&mut conn, id, q.year.unwrap_or_else(|| today().year())).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    lead: i64,
    deputy: Option<i64>,
}

#[utoipa::path(
    put,
    path = "/org-units/{id}/cluster/{year}",
    tag = "org-units",
    summary = "Set a cluster's lead and deputy for a year (system administrators)",
    params(("id" = i64, Path), ("year" = i32, Path)),
    request_body = RolesBody,
    responses((status = 200, description = "The cluster year", body = ClusterYear))
)]
async fn set_cluster_roles(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path((id, year)): Path<(i64, i32)>,
    ApiJson(body): ApiJson<RolesBody>,
) -> ApiResult<Json<ClusterYear>> {
    let mut tx = state.db.begin().await?;
    let result =
        org::set_cluster_roles(&mut tx, &me.actor, id, year, body.lead, body.deputy).await?;
    tx.commit().await?;
    Ok(Json(result))
}

/// A new unit as the API receives it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUnitBody {
    kind: Option<String>,
    code: Option<String>,
    #[serde(default)]
    name: String,
    short_name: Option<String>,
    name_en: Option<String>,
    parent_id: Option<i64>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    note: Option<String>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl NewUnitBody {
    /// Validates every field, reporting all problems at once under `prefix`.
    fn parse(
        self,
        prefix: &str,
        default_from: Option<NaiveDate>,
    ) -> Result<NewUnit, amity_domain::error::Invalid> {
        let f = |name: &str| format!("{prefix}{name}");
        let mut check = Checker::new();
        let kind = check.check(
            &f("kind"),
            self.kind
                .as_deref()
                .ok_or_else(|| "is required".to_owned())
                .and_then(str::parse::<OrgKind>),
        );
        let code =
            blank_to_none(self.code).and_then(|c| check.check(&f("code"), OrgCode::parse(&c)));
        let name = check.check(&f("name"), OrgName::parse(&self.name));
        let from = match self.valid_from.as_deref() {
            Some(d) => check.check(
                &f("valid_from"),
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("“{d}” is not a date in YYYY-MM-DD form")),
            ),
            None => default_from.or(Some(today())),
        };
        let to = match self.valid_to.as_deref() {
            Some(d) => check.check(
                &f("valid_to"),
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| format!("“{d}” is not a date in YYYY-MM-DD form")),
            ),
            None => Some(None),
        };
        let period = match (from, to) {
            (Some(from), Some(to)) => check.check(&f("valid_to"), Period::new(from, to)),
            _ => None,
        };
        check.finish()?;
        let (Some(kind), Some(name), Some(period)) = (kind, name, period) else {
            unreachable!("the checker reported every missing value")
        };
        Ok(NewUnit {
            kind,
            code,
            name,
            short_name: blank_to_none(self.short_name),
            name_en: blank_to_none(self.name_en),
            parent_id: self.parent_id,
            period,
            contact: Contact {
                address: blank_to_none(self.address),
                phone: blank_to_none(self.phone),
                email: blank_to_none(self.email),
                website: blank_to_none(self.website),
                note: blank_to_none(self.note),
            },
        })
    }
}

#[utoipa::path(
    post,
    path = "/org-units",
    tag = "org-units",
    summary = "Create a unit (system administrators)",
    request_body = NewUnitBody,
    responses((status = 201, description = "The unit", body = OrgUnit))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<NewUnitBody>,
) -> ApiResult<(StatusCode, Json<OrgUnit>)> {
    let unit = body.parse("", None)?;
    let mut tx = state.db.begin().await?;
    let created = org::create(&mut tx, &me.actor, &unit).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = UnitPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    short_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    name_en: Option<Option<String>>,
    code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    parent_id: Option<Option<i64>>,
    effective: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    note: Option<Option<String>>,
}

fn clean(v: Option<Option<String>>) -> Option<Option<String>> {
    v.map(blank_to_none)
}

impl TryFrom<PatchBody> for UnitPatch {
    type Error = amity_domain::error::Invalid;
    fn try_from(b: PatchBody) -> Result<UnitPatch, Self::Error> {
        let mut check = Checker::new();
        let name = b.name.and_then(|n| check.check("name", OrgName::parse(&n)));
        let code = b.code.and_then(|c| check.check("code", OrgCode::parse(&c)));
        let effective = b.effective.and_then(|d| {
            check.check(
                "effective",
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| format!("“{d}” is not a date in YYYY-MM-DD form")),
            )
        });
        check.finish()?;
        Ok(UnitPatch {
            name,
            short_name: clean(b.short_name),
            name_en: clean(b.name_en),
            code,
            parent_id: b.parent_id,
            effective,
            address: clean(b.address),
            phone: clean(b.phone),
            email: clean(b.email),
            website: clean(b.website),
            note: clean(b.note),
        })
    }
}

#[utoipa::path(
    patch,
    path = "/org-units/{id}",
    tag = "org-units",
    summary = "Change a unit",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The unit", body = OrgUnit))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<OrgUnit>> {
    let patch = UnitPatch::try_from(body)?;
    let mut tx = state.db.begin().await?;
    let updated = org::update(&mut tx, &me.actor, id, &patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = UnitMerge)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    #[serde(default)]
    from: Vec<i64>,
    into: Option<i64>,
    new_unit: Option<NewUnitBody>,
    date: String,
    note: Option<String>,
}

fn target(
    existing: Option<i64>,
    new: Option<NewUnitBody>,
    field: &str,
    date: NaiveDate,
) -> Result<Target, ApiError> {
    match (existing, new) {
        (Some(id), None) => Ok(Target::Existing(id)),
        (None, Some(body)) => Ok(Target::New(Box::new(
            body.parse(&format!("{field}."), Some(date))?,
        ))),
        _ => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            "give either an existing unit id or a new unit, not both",
        )),
    }
}

#[utoipa::path(
    post,
    path = "/org-units/merge",
    tag = "org-units",
    summary = "Merge units into one on a date (system administrators)",
    request_body = MergeBody,
    responses((status = 201, description = "The merge event", body = LineageEvent))
)]
async fn merge(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<(StatusCode, Json<LineageEvent>)> {
    let date = date_field("date", &body.date)?;
    let into = target(body.into, body.new_unit, "into", date)?;
    let merge = Merge {
        from: body.from,
        into,
        date,
        note: blank_to_none(body.note),
    };
    let mut tx = state.db.begin().await?;
    let event = org::merge(&mut tx, &me.actor, &merge).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(event)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SplitPart {
    unit_id: Option<i64>,
    new_unit: Option<NewUnitBody>,
    share: f64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SplitBody {
    from: i64,
    #[serde(default)]
    into: Vec<SplitPart>,
    date: String,
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/org-units/split",
    tag = "org-units",
    summary = "Split a unit into several with shares (system administrators)",
    request_body = SplitBody,
    responses((status = 201, description = "The split event", body = LineageEvent))
)]
async fn split(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<SplitBody>,
) -> ApiResult<(StatusCode, Json<LineageEvent>)> {
    let date = date_field("date", &body.date)?;
    let mut into = Vec::new();
    for (i, part) in body.into.into_iter().enumerate() {
        into.push((
            target(part.unit_id, part.new_unit, &format!("into[{i}]"), date)?,
            part.share,
        ));
    }
    let split = Split {
        from: body.from,
        into,
        date,
        note: blank_to_none(body.note),
    };
    let mut tx = state.db.begin().await?;
    let event = org::split(&mut tx, &me.actor, &split).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(event)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    date: String,
    note: Option<String>,
}

#[utoipa::path(
    post,
    path = "/org-units/{id}/close",
    tag = "org-units",
    summary = "Close a unit from a date (system administrators)",
    params(("id" = i64, Path)),
    request_body = CloseBody,
    responses((status = 200, description = "The close event", body = LineageEvent))
)]
async fn close(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CloseBody>,
) -> ApiResult<Json<LineageEvent>> {
    let date = date_field("date", &body.date)?;
    let mut tx = state.db.begin().await?;
    let event = org::close(
        &mut tx,
        &me.actor,
        id,
        date,
        blank_to_none(body.note).as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(event))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    show,
    history,
    lineage,
    cluster,
    set_cluster_roles,
    create,
    update,
    merge,
    split,
    close
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/org-units", get(list).post(create))
        .route("/api/v1/org-units/export.csv", get(export_csv))
        .route("/api/v1/org-units/merge", post(merge))
        .route("/api/v1/org-units/split", post(split))
        .route("/api/v1/org-units/{id}", get(show).patch(update))
        .route("/api/v1/org-units/{id}/history", get(history))
        .route("/api/v1/org-units/{id}/lineage", get(lineage))
        .route("/api/v1/org-units/{id}/cluster", get(cluster))
        .route(
            "/api/v1/org-units/{id}/cluster/{year}",
            put(set_cluster_roles),
        )
        .route("/api/v1/org-units/{id}/close", post(close))
}

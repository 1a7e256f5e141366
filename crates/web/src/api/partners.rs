//! `/api/v1/partners`: the shared registry of foreign and international partners.

use amity_domain::country::CountryCode;
use amity_domain::partner::split_names;
use amity_domain::partner::{PartnerKind, RelationshipCategory, UnitRelation, Vocabulary};
use amity_store::partner::{self, Partner, PartnerDraft, PartnerFilter, PartnerSpec, UnitLink};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::import::{self, DuplicateRow, ImportQuery, ImportReport};
use super::{List, date_field, text, unprocessable};
use crate::auth::{Auth, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::export::Table;
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    country: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    unit: Option<i64>,
    include_merged: Option<bool>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

impl ListQuery {
    fn to_filter(&self) -> Result<(PartnerFilter, (&'static str, bool)), ApiError> {
        let filter = PartnerFilter {
            q: text(self.q.clone()),
            country: self
                .country
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| CountryCode::parse(c).map_err(|e| unprocessable("country", e)))
                .transpose()?,
            kind: self
                .kind
                .as_deref()
                .filter(|k| !k.is_empty())
                .map(|k| {
                    k.parse::<PartnerKind>()
                        .map_err(|e| unprocessable("kind", e))
                })
                .transpose()?,
            category: self
                .category
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| {
                    c.parse::<RelationshipCategory>()
                        .map_err(|e| unprocessable("category", e))
                })
                .transpose()?,
            unit_id: self.unit,
            include_merged: self.include_merged.unwrap_or(false),
            within: None,
        };
        let sort = amity_store::parse_sort(
            self.sort.as_deref().unwrap_or("name"),
            &partner::SORT_FIELDS,
        )
        .map_err(|e| unprocessable("sort", e))?;
        Ok((filter, sort))
    }
}

#[utoipa::path(
    get,
    path = "/partners",
    tag = "partners",
    summary = "Partners (shared registry), sorted by name in Vietnamese order",
    params(ListQuery),
    responses((status = 200, description = "A page of partners", body = List<Partner>))
)]
async fn list(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Partner>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let (filter, sort) = q.to_filter()?;
    let mut conn = state.db.conn().await?;
    let (items, total) = partner::list(&mut conn, &filter, sort, limit, offset).await?;
    Ok(Json(List { items, total }))
}

/// The list (same filters, every page) as a table; partners are read by every signed-in user,
/// so it is the same for all.
async fn export_table(
    state: &AppState,
    _: &CurrentUser,
    q: &ListQuery,
    (limit, offset): (u64, u64),
) -> Result<Table, ApiError> {
    let (filter, sort) = q.to_filter()?;
    let mut conn = state.db.conn().await?;
    let (partners, _) = partner::list(&mut conn, &filter, sort, limit, offset).await?;
    Ok(Table {
        header: vec![
            "id",
            "name_vi",
            "name_latin",
            "name_native",
            "acronyms",
            "aliases",
            "kind",
            "category",
            "country",
            "website",
            "address",
            "note",
            "owner_unit_id",
        ],
        rows: partners
            .into_iter()
            .map(|p| {
                vec![
                    p.id.to_string(),
                    p.name_vi.unwrap_or_default(),
                    p.name_latin.unwrap_or_default(),
                    p.name_native.unwrap_or_default(),
                    p.acronyms.join("; "),
                    p.aliases.join("; "),
                    p.kind.as_str().to_owned(),
                    p.category
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default(),
                    p.country_code.unwrap_or_default(),
                    p.website.unwrap_or_default(),
                    p.address.unwrap_or_default(),
                    p.note.unwrap_or_default(),
                    p.owner_unit_id.to_string(),
                ]
            })
            .collect(),
    })
}

crate::export::downloads!(
    "partners",
    "/partners/export.csv",
    "/partners/export.xlsx",
    "Đối tác"
);

/// A partner as the API receives it on create.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = NewPartner)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    kind: Option<String>,
    category: Option<String>,
    country: Option<String>,
    name_native: Option<String>,
    name_latin: Option<String>,
    name_vi: Option<String>,
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    website: Option<String>,
    address: Option<String>,
    note: Option<String>,
    /// When it was founded: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    founded: Option<String>,
    /// The unit that keeps the partner (default: the caller's unit).
    owner_unit_id: Option<i64>,
    /// Create it even though it looks like an existing partner.
    #[serde(default)]
    confirm_duplicate: bool,
}

#[utoipa::path(
    post,
    path = "/partners",
    tag = "partners",
    summary = "Create a partner; 409 with candidates when it looks like an existing one in the same country",
    request_body = CreateBody,
    responses((status = 201, description = "The partner", body = Partner))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Partner>)> {
    let input = PartnerDraft {
        kind: body.kind.unwrap_or_default(),
        category: body.category.unwrap_or_default(),
        country: body.country.unwrap_or_default(),
        name_vi: body.name_vi.unwrap_or_default(),
        name_latin: body.name_latin.unwrap_or_default(),
        name_native: body.name_native.unwrap_or_default(),
        acronyms: body.acronyms,
        aliases: body.aliases,
        website: body.website.unwrap_or_default(),
        address: body.address.unwrap_or_default(),
        note: body.note.unwrap_or_default(),
        founded: body.founded.unwrap_or_default(),
    }
    .parse()?;
    let mut tx = state.db.begin().await?;
    let created = partner::create(
        &mut tx,
        &me.actor,
        &input,
        body.owner_unit_id,
        body.confirm_duplicate,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A partner with its links to our units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct PartnerDetail {
    #[serde(flatten)]
    partner: Partner,
    units: Vec<UnitLink>,
}

#[utoipa::path(
    get,
    path = "/partners/{id}",
    tag = "partners",
    summary = "A partner with its links to our units",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The partner, with `units`", body = PartnerDetail))
)]
async fn show(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<PartnerDetail>> {
    let mut conn = state.db.conn().await?;
    let partner = partner::get(&mut conn, id).await?;
    let units = partner::unit_links(&mut conn, id).await?;
    Ok(Json(PartnerDetail { partner, units }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TimelineQuery {
    year: Option<i32>,
}

/// Everything dated about the partner, newest first, optionally one year's.
#[utoipa::path(
    get,
    path = "/partners/{id}/timeline",
    tag = "partners",
    summary = "Everything dated about the partner (founding, relations, people's posts, agreements and tasks), newest first, with the years that have entries",
    params(("id" = i64, Path), TimelineQuery),
    responses((status = 200, description = "The timeline", body = amity_store::timeline::Timeline))
)]
async fn timeline(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> ApiResult<Json<amity_store::timeline::Timeline>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(
        amity_store::timeline::for_partner(&mut conn, &me.actor, id, q.year).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PartnerPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    category: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    country: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    name_native: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    name_latin: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    name_vi: Option<Option<String>>,
    acronyms: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    note: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    founded: Option<Option<String>>,
}

impl PatchBody {
    /// The draft: `base` (the stored partner's) with the given fields replaced; `null` clears.
    fn over(self, base: PartnerDraft) -> PartnerDraft {
        let set = |given: Option<Option<String>>, stored: String| match given {
            Some(value) => value.unwrap_or_default(),
            None => stored,
        };
        PartnerDraft {
            kind: self.kind.unwrap_or(base.kind),
            category: set(self.category, base.category),
            country: set(self.country, base.country),
            name_vi: set(self.name_vi, base.name_vi),
            name_latin: set(self.name_latin, base.name_latin),
            name_native: set(self.name_native, base.name_native),
            acronyms: self.acronyms.unwrap_or(base.acronyms),
            aliases: self.aliases.unwrap_or(base.aliases),
            website: set(self.website, base.website),
            address: set(self.address, base.address),
            note: set(self.note, base.note),
            founded: set(self.founded, base.founded),
        }
    }
}

#[utoipa::path(
    patch,
    path = "/partners/{id}",
    tag = "partners",
    summary = "Change the fields given (the owner unit's staff)",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The partner", body = Partner))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Partner>> {
    let mut tx = state.db.begin().await?;
    let current = partner::get(&mut tx, id).await?;
    let input = body.over(partner::draft_of(&current)).parse()?;
    let updated = partner::update(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    unit_id: Option<i64>,
    relation: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    note: Option<String>,
}

#[utoipa::path(
    get,
    path = "/partners/{id}/units",
    tag = "partners",
    summary = "Links between our units and the partner",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Links", body = List<UnitLink>))
)]
async fn units(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<UnitLink>>> {
    let mut conn = state.db.conn().await?;
    partner::get(&mut conn, id).await?;
    let items = partner::unit_links(&mut conn, id).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[utoipa::path(
    post,
    path = "/partners/{id}/units",
    tag = "partners",
    summary = "Link one of our units to the partner over a period (that unit's staff)",
    params(("id" = i64, Path)),
    request_body = LinkBody,
    responses((status = 201, description = "All links", body = List<UnitLink>))
)]
async fn link_unit(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<LinkBody>,
) -> ApiResult<(StatusCode, Json<List<UnitLink>>)> {
    let unit = body
        .unit_id
        .ok_or_else(|| unprocessable("unit_id", amity_domain::error::Problem::Required))?;
    let relation: UnitRelation = body
        .relation
        .as_deref()
        .ok_or(amity_domain::error::Problem::Required)
        .and_then(str::parse)
        .map_err(|e| unprocessable("relation", e))?;
    let from = body
        .valid_from
        .as_deref()
        .map(|d| date_field("valid_from", d))
        .transpose()?;
    let to = body
        .valid_to
        .as_deref()
        .map(|d| date_field("valid_to", d))
        .transpose()?;
    let mut tx = state.db.begin().await?;
    let items = partner::link_unit(
        &mut tx,
        &me.actor,
        id,
        unit,
        relation,
        (from, to),
        text(body.note),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(List {
            total: items.len() as i64,
            items,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PartnerMerge)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    into: Option<i64>,
}

/// Merges this partner into `into` and answers with the survivor.
#[utoipa::path(
    post,
    path = "/partners/{id}/merge",
    tag = "partners",
    summary = "Merge this partner into a survivor: links move, names become aliases, the old id points to the survivor (audited on both)",
    params(("id" = i64, Path)),
    request_body = MergeBody,
    responses((status = 200, description = "The survivor", body = Partner))
)]
async fn merge(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<Json<Partner>> {
    let into = body
        .into
        .ok_or_else(|| unprocessable("into", "name the surviving partner"))?;
    let mut tx = state.db.begin().await?;
    let survivor = partner::merge(&mut tx, &me.actor, id, into).await?;
    tx.commit().await?;
    Ok(Json(survivor))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    export_xlsx,
    create,
    show,
    timeline,
    update,
    units,
    link_unit,
    merge,
    import
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/partners", get(list).post(create))
        .route("/api/v1/partners/export.csv", get(export_csv))
        .route("/api/v1/partners/import", axum::routing::post(import))
        .route("/api/v1/partners/export.xlsx", get(export_xlsx))
        .route("/api/v1/partners/{id}", get(show).patch(update))
        .route("/api/v1/partners/{id}/units", get(units).post(link_unit))
        .route("/api/v1/partners/{id}/merge", axum::routing::post(merge))
        .route("/api/v1/partners/{id}/timeline", get(timeline))
}

/// The columns an import file may have (`kind` and one name are required per row).
pub(super) const IMPORT_COLUMNS: [&str; 12] = [
    "kind",
    "category",
    "country",
    "name_vi",
    "name_latin",
    "name_native",
    "acronyms",
    "aliases",
    "website",
    "address",
    "note",
    "founded",
];

/// One import row as a partner, with every problem under its column.
pub(super) fn parse_row(row: &import::Row) -> Result<PartnerSpec, amity_domain::error::Invalid> {
    PartnerDraft {
        kind: row.get("kind").to_owned(),
        category: row.get("category").to_owned(),
        country: row.get("country").to_owned(),
        name_vi: row.get("name_vi").to_owned(),
        name_latin: row.get("name_latin").to_owned(),
        name_native: row.get("name_native").to_owned(),
        acronyms: split_names(row.get("acronyms")),
        aliases: split_names(row.get("aliases")),
        website: row.get("website").to_owned(),
        address: row.get("address").to_owned(),
        note: row.get("note").to_owned(),
        founded: row.get("founded").to_owned(),
    }
    .parse()
}

/// `POST /api/v1/partners/import` with a CSV body: all rows or none; `?dry_run=true` previews.
#[utoipa::path(
    post,
    path = "/partners/import",
    tag = "partners",
    summary = "Import partners from CSV (columns: kind, category, country, name_vi, name_latin, name_native, acronyms, aliases, website, address, note, founded): every row or none",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, description = "Imported", body = ImportReport), (status = 200, description = "Dry-run report", body = ImportReport))
)]
async fn import(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let rows = import::rows(&body, &IMPORT_COLUMNS, parse_row)?;
    let mut tx = state.db.begin().await?;
    let mut duplicates = Vec::new();
    let mut seen: Vec<(usize, &PartnerSpec)> = Vec::new();
    let mut errors = Vec::new();
    for (line, input) in &rows {
        let existing = match partner::duplicates(&mut tx, input, None).await {
            Ok(found) => found,
            // A well-formed but unknown country code, found only against the database.
            Err(amity_store::Error::Invalid(invalid)) => {
                errors.extend(import::at_line(*line, invalid));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let mut candidates: Vec<String> = existing.into_iter().map(|p| p.name).collect();
        for (earlier, other) in &seen {
            if other.country == input.country && amity_store::partner::names_overlap(other, input) {
                candidates.push(format!("line {earlier}"));
            }
        }
        if !candidates.is_empty() {
            duplicates.push(DuplicateRow {
                line: *line,
                candidates,
            });
        }
        seen.push((*line, input));
    }
    import::reject(errors)?;
    if q.dry_run {
        return Ok((
            StatusCode::OK,
            Json(ImportReport {
                rows: rows.len(),
                created: 0,
                dry_run: true,
                duplicates,
            }),
        ));
    }
    if !duplicates.is_empty() && !q.confirm_duplicates {
        return Err(import::unconfirmed(&duplicates, "name_vi"));
    }
    for (_, input) in &rows {
        partner::create(&mut tx, &me.actor, input, None, true).await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportReport {
            rows: rows.len(),
            created: rows.len(),
            dry_run: false,
            duplicates,
        }),
    ))
}

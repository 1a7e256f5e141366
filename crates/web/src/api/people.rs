//! `/api/v1/people`: persons and their dated positions.

use amity_domain::error::Checker;
use amity_domain::partner::Vocabulary;
use amity_domain::person::{PersonDraft, PersonSpec};
use amity_store::person::{self, Organization, Person, Position};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::import::{self, DuplicateRow, ImportQuery, ImportReport};
use super::{List, date_field, text, unprocessable};
use crate::auth::Auth;
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
    /// People holding a position at this partner.
    partner: Option<i64>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/people",
    tag = "people",
    summary = "People, by name in Vietnamese order",
    params(ListQuery),
    responses((status = 200, description = "A page of people", body = List<Person>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Person>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &person::SORT_FIELDS)
        .map_err(|e| unprocessable("sort", e))?;
    let mut conn = state.db.conn().await?;
    let (items, total) = person::list(
        &mut conn,
        &me.actor,
        text(q.q).as_deref(),
        q.partner,
        sort,
        limit,
        offset,
    )
    .await?;
    Ok(Json(List { items, total }))
}

/// The list (same filters, every page) as a table; contacts only where the reader may see them.
async fn export_table(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    q: &ListQuery,
    (limit, offset): (u64, u64),
) -> Result<Table, ApiError> {
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &person::SORT_FIELDS)
        .map_err(|e| unprocessable("sort", e))?;
    let mut conn = state.db.conn().await?;
    let (people, _) = person::list(
        &mut conn,
        &me.actor,
        text(q.q.clone()).as_deref(),
        q.partner,
        sort,
        limit,
        offset,
    )
    .await?;
    Ok(Table {
        header: vec![
            "id",
            "name",
            "name_latin",
            "honorific",
            "gender",
            "nationality",
            "email",
            "phone",
            "owner_unit_id",
        ],
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

crate::export::downloads!(
    "people",
    "/people/export.csv",
    "/people/export.xlsx",
    "Cá nhân"
);

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = NewPerson)]
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

/// A person's details from text fields, with every problem under its field.
struct Fields {
    name: String,
    name_latin: Option<String>,
    honorific: Option<String>,
    gender: Option<String>,
    nationality: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    note: Option<String>,
}

impl Fields {
    fn input(self) -> Result<PersonSpec, amity_domain::error::Invalid> {
        PersonDraft {
            name: self.name,
            name_latin: self.name_latin.unwrap_or_default(),
            honorific: self.honorific.unwrap_or_default(),
            gender: self.gender.unwrap_or_default(),
            nationality: self.nationality.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
            note: self.note.unwrap_or_default(),
        }
        .parse()
    }
}

#[utoipa::path(
    post,
    path = "/people",
    tag = "people",
    summary = "Add a person (kept by the caller's unit by default)",
    request_body = CreateBody,
    responses((status = 201, description = "The person", body = Person))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let input = Fields {
        name: body.name,
        name_latin: body.name_latin,
        honorific: body.honorific,
        gender: body.gender,
        nationality: body.nationality,
        email: body.email,
        phone: body.phone,
        note: body.note,
    }
    .input()?;
    let mut tx = state.db.begin().await?;
    let created = person::create(&mut tx, &me.actor, &input, body.owner_unit_id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PersonPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    name_latin: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    honorific: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    nationality: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    note: Option<Option<String>>,
}

#[utoipa::path(
    patch,
    path = "/people/{id}",
    tag = "people",
    summary = "Change a person's details (the owner unit); only the given fields change",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The person", body = Person))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PatchBody>,
) -> ApiResult<Json<Person>> {
    let mut tx = state.db.begin().await?;
    let current = person::get(&mut tx, &me.actor, id).await?;
    // Only the owner unit edits, and it sees the contacts it carries over.
    me.actor
        .require(
            amity_domain::authz::Action::Write,
            Some(current.owner_unit_id),
        )
        .map_err(amity_store::Error::from)?;
    let input = Fields {
        name: b.name.unwrap_or(current.name),
        name_latin: b.name_latin.unwrap_or(current.name_latin),
        honorific: b.honorific.unwrap_or(current.honorific),
        gender: b
            .gender
            .unwrap_or(current.gender.map(|g| g.as_str().to_owned())),
        nationality: b.nationality.unwrap_or(current.nationality),
        email: b.email.unwrap_or(current.email),
        phone: b.phone.unwrap_or(current.phone),
        note: b.note.unwrap_or(current.note),
    }
    .input()?;
    let updated = person::update(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

/// The columns a people import file may have (`name` is required per row); a row may also
/// give one position: `position` with `partner_id` or `organization`, and its dates.
pub(super) const IMPORT_COLUMNS: [&str; 13] = [
    "name",
    "name_latin",
    "honorific",
    "gender",
    "nationality",
    "email",
    "phone",
    "note",
    "position",
    "partner_id",
    "organization",
    "position_from",
    "position_to",
];

/// A person to import and the position the row gives them, if any.
pub(super) struct ImportRow {
    input: PersonSpec,
    position: Option<(String, Organization, Option<NaiveDate>, Option<NaiveDate>)>,
}

pub(super) fn parse_row(row: &import::Row) -> Result<ImportRow, amity_domain::error::Invalid> {
    let fields = Fields {
        name: row.get("name").to_owned(),
        name_latin: row.text("name_latin"),
        honorific: row.text("honorific"),
        gender: row.text("gender"),
        nationality: row.text("nationality"),
        email: row.text("email"),
        phone: row.text("phone"),
        note: row.text("note"),
    };
    let mut check = Checker::new();
    let date = |check: &mut Checker, column: &str| match row.text(column) {
        None => Some(None),
        Some(d) => check.check(
            column,
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("“{d}” is not a date in YYYY-MM-DD form")),
        ),
    };
    let (from, to) = (
        date(&mut check, "position_from"),
        date(&mut check, "position_to"),
    );
    let at = match (row.text("partner_id"), row.text("organization")) {
        (None, None) => Some(None),
        (Some(p), None) => check.check(
            "partner_id",
            p.parse::<i64>()
                .map(|p| Some(Organization::Partner(p)))
                .map_err(|_| format!("“{p}” is not a partner id")),
        ),
        (None, Some(o)) => Some(Some(Organization::Named(o))),
        (Some(_), Some(_)) => {
            check.push(
                "organization",
                amity_domain::error::Rule::PartnerOrOrganization,
            );
            None
        }
    };
    let position = row.text("position");
    if position.is_none()
        && (!matches!(at, Some(None)) || !matches!(from, Some(None)) || !matches!(to, Some(None)))
    {
        check.push("position", amity_domain::error::Rule::NamePosition);
    }
    if position.is_some() && matches!(at, Some(None)) {
        check.push(
            "organization",
            "give partner_id or organization for the position",
        );
    }
    let input = fields.input();
    let mut problems = check.finish().err().map(|i| i.0).unwrap_or_default();
    if let Err(invalid) = &input {
        problems.extend(invalid.0.iter().cloned());
    }
    if !problems.is_empty() {
        return Err(amity_domain::error::Invalid(problems));
    }
    let (Ok(input), Some(at), Some(from), Some(to)) = (input, at, from, to) else {
        unreachable!("every problem was reported")
    };
    let position = position.zip(at).map(|(title, at)| (title, at, from, to));
    Ok(ImportRow { input, position })
}

/// `POST /api/v1/people/import` with a CSV body: all rows or none; `?dry_run=true` previews;
/// rows whose name (and nationality) match someone recorded need `confirm_duplicates=true`.
#[utoipa::path(
    post,
    path = "/people/import",
    tag = "people",
    summary = "Import people from CSV (columns: name, name_latin, honorific, gender, nationality, email, phone, note, and optionally one position: position, partner_id or organization, position_from, position_to): every row or none; same names (and nationality) as recorded people need confirm_duplicates=true",
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
    let folded = |n: &str| {
        amity_domain::text::fold(n)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (i, (line, row)) in rows.iter().enumerate() {
        let mut candidates: Vec<String> = person::duplicates(&mut tx, &me.actor, &row.input)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        for (earlier, other) in &rows[..i] {
            if folded(&other.input.name) == folded(&row.input.name)
                && (other.input.nationality == row.input.nationality)
            {
                candidates.push(format!("line {earlier}"));
            }
        }
        if !candidates.is_empty() {
            duplicates.push(DuplicateRow {
                line: *line,
                candidates,
            });
        }
    }
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
        return Err(import::unconfirmed(&duplicates, "name"));
    }
    let mut errors = Vec::new();
    for (line, row) in &rows {
        let created = match person::create(&mut tx, &me.actor, &row.input, None).await {
            Err(amity_store::Error::Invalid(invalid)) => {
                errors.extend(import::at_line(*line, invalid));
                continue;
            }
            other => other?,
        };
        if let Some((title, at, from, to)) = &row.position {
            match person::add_position(&mut tx, &me.actor, created.id, title, at, (*from, *to))
                .await
            {
                Err(amity_store::Error::Invalid(invalid)) => {
                    errors.extend(import::at_line(*line, invalid))
                }
                other => drop(other?),
            }
        }
    }
    import::reject(errors)?;
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

/// A person with their positions over time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct PersonDetail {
    #[serde(flatten)]
    person: Person,
    positions: Vec<Position>,
}

#[utoipa::path(
    get,
    path = "/people/{id}",
    tag = "people",
    summary = "A person with positions over time",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The person, with `positions`", body = PersonDetail))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<PersonDetail>> {
    let mut conn = state.db.conn().await?;
    let person = person::get(&mut conn, &me.actor, id).await?;
    let positions = person::positions(&mut conn, id).await?;
    Ok(Json(PersonDetail { person, positions }))
}

#[utoipa::path(
    get,
    path = "/people/{id}/positions",
    tag = "people",
    summary = "Positions, oldest first",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Positions", body = List<Position>))
)]
async fn positions(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<Position>>> {
    let mut conn = state.db.conn().await?;
    person::get(&mut conn, &me.actor, id).await?;
    let items = person::positions(&mut conn, id).await?;
    Ok(Json(List {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
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

#[utoipa::path(
    post,
    path = "/people/{id}/positions",
    tag = "people",
    summary = "Record a position (the owner unit's staff)",
    params(("id" = i64, Path)),
    request_body = PositionBody,
    responses((status = 201, description = "All positions", body = List<Position>))
)]
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
        _ => {
            return Err(unprocessable(
                "organization",
                "give exactly one of partner_id, unit_id or organization",
            ));
        }
    };
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
    let items = person::add_position(&mut tx, &me.actor, id, &body.title, &at, (from, to)).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(List {
            total: items.len() as i64,
            items,
        }),
    ))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    export_xlsx,
    create,
    update,
    import,
    show,
    positions,
    add_position
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/people", get(list).post(create))
        .route("/api/v1/people/export.csv", get(export_csv))
        .route("/api/v1/people/export.xlsx", get(export_xlsx))
        .route("/api/v1/people/import", axum::routing::post(import))
        .route("/api/v1/people/{id}", get(show).patch(update))
        .route(
            "/api/v1/people/{id}/positions",
            get(positions).post(add_position),
        )
}

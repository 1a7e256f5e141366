//! `/api/v1/users`: accounts, scoped on read and managed by system administrators.

use amity_domain::error::Checker;
use amity_domain::user::{Email, Password, Role};
use amity_store::user::{self, NewUser, User, UserPatch};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;

use super::List;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    summary = "Accounts in the caller's scope",
    params(ListQuery),
    responses((status = 200, description = "A page of accounts", body = List<User>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<User>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let mut conn = state.db.conn().await?;
    let sort = amity_store::parse_sort(q.sort.as_deref().unwrap_or("name"), &user::SORT_FIELDS)
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "sort", e))?;
    let (items, total) = user::list(&mut conn, &me.actor, sort, limit, offset).await?;
    Ok(Json(List { items, total }))
}

#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "users",
    summary = "An account in scope",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The account", body = User))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<User>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(user::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUserBody {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub password: String,
}

impl TryFrom<NewUserBody> for NewUser {
    type Error = amity_domain::error::Invalid;
    fn try_from(b: NewUserBody) -> Result<NewUser, Self::Error> {
        let mut check = Checker::new();
        let email = check.check("email", Email::parse(&b.email));
        let name = b.display_name.trim().to_owned();
        if name.is_empty() {
            check.push("display_name", amity_domain::error::Problem::Empty);
        }
        let role = check.check("role", b.role.parse::<Role>());
        let unit_id = check.check("unit_id", b.unit_id.ok_or_else(|| "is required".to_owned()));
        let password = check.check("password", Password::parse(&b.password));
        check.finish()?;
        match (email, role, unit_id, password) {
            (Some(email), Some(role), Some(unit_id), Some(password)) => Ok(NewUser {
                email,
                display_name: name,
                role,
                unit_id,
                password,
            }),
            _ => unreachable!("the checker reported every missing value"),
        }
    }
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    summary = "Create an account (system administrators)",
    request_body = NewUserBody,
    responses((status = 201, description = "The account", body = User))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(body): ApiJson<NewUserBody>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let new = NewUser::try_from(body)?;
    let mut tx = state.db.begin().await?;
    let created = user::create(&mut tx, &me.actor, &new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = UserPatch)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    display_name: Option<String>,
    role: Option<String>,
    unit_id: Option<i64>,
    active: Option<bool>,
    password: Option<String>,
}

impl TryFrom<PatchBody> for UserPatch {
    type Error = amity_domain::error::Invalid;
    fn try_from(b: PatchBody) -> Result<UserPatch, Self::Error> {
        let mut check = Checker::new();
        let display_name = b.display_name.map(|n| n.trim().to_owned());
        if display_name.as_deref() == Some("") {
            check.push("display_name", amity_domain::error::Problem::Empty);
        }
        let role = b.role.and_then(|r| check.check("role", r.parse::<Role>()));
        let password = b
            .password
            .and_then(|p| check.check("password", Password::parse(&p)));
        check.finish()?;
        Ok(UserPatch {
            display_name,
            role,
            unit_id: b.unit_id,
            active: b.active,
            password,
        })
    }
}

#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "users",
    summary = "Change an account (system administrators)",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "The account", body = User))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<User>> {
    let patch = UserPatch::try_from(body)?;
    let mut tx = state.db.begin().await?;
    let updated = user::update(&mut tx, &me.actor, id, &patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, show, create, update))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}", get(show).patch(update))
}

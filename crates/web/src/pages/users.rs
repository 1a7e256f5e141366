//! Account management pages (system administrators).

use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::user::{Password, Role};
use amity_store::org::{self, OrgUnit};
use amity_store::user::{self, NewUser, User, UserPatch};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;

use super::{PageResult, denied_page, render, save, store_error_page};
use crate::api::users::NewUserBody;
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    ctx: &'a PageCtx,
    users: Vec<User>,
    unit_names: std::collections::HashMap<i64, String>,
    total: i64,
    page: u64,
    pages: u64,
}

impl UsersPage<'_> {
    fn unit_name(&self, id: &i64) -> String {
        self.unit_names.get(id).cloned().unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<PageQuery>,
) -> PageResult {
    me.actor.require(Action::ManageUsers, None)?;
    let page = q.page.unwrap_or(1).max(1);

    let mut conn = state.db.conn().await?;
    let (users, total) = user::list(
        &mut conn,
        &me.actor,
        ("name", false),
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;
    let unit_names =
        org::latest_names(&mut conn, users.iter().map(|u| u.unit_id).collect()).await?;
    let (users, unit_names, total) = (users, unit_names, total);

    let pages = super::page_count(total, PER_PAGE);
    Ok(render(&UsersPage {
        ctx: &ctx,
        users,
        unit_names,
        total,
        page,
        pages,
    }))
}

#[derive(Debug, Default, Clone, Deserialize)]
struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    active: Option<String>,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage<'a> {
    ctx: &'a PageCtx,
    existing: Option<User>,
    form: UserForm,
    units: Vec<OrgUnit>,
    roles: Vec<Role>,
    errors: FormErrors,
}

/// Today's units, read on the request's one connection.
async fn units(conn: &mut amity_store::Conn) -> amity_store::Result<Vec<OrgUnit>> {
    org::all_as_of(conn, Utc::now().date_naive()).await
}

fn form_page<'a>(
    ctx: &'a PageCtx,
    existing: Option<User>,
    form: UserForm,
    units: Vec<OrgUnit>,
    errors: FormErrors,
) -> UserFormPage<'a> {
    UserFormPage {
        ctx,
        existing,
        form,
        units,
        roles: Role::ALL.to_vec(),
        errors,
    }
}

async fn new_form(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> Response {
    if let Err(d) = me.actor.require(Action::ManageUsers, None) {
        return denied_page(&ctx, d);
    }
    let units = async { units(&mut state.db.conn().await?).await }.await;
    match units {
        Ok(units) => render(&form_page(
            &ctx,
            None,
            UserForm {
                role: "union_staff".into(),
                ..Default::default()
            },
            units,
            FormErrors::default(),
        )),
        Err(e) => store_error_page(&ctx, e),
    }
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Form(form): Form<UserForm>,
) -> PageResult {
    let body = NewUserBody {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        unit_id: form.unit_id.trim().parse().ok(),
        password: form.password.clone(),
    };
    save(
        &state,
        &ctx,
        async |tx| {
            let new = NewUser::try_from(body)?;
            let created = user::create(tx, &me.actor, &new).await?;
            Ok(created)
        },
        |created: User| path::user(created.id),
        |errors| async {
            Ok(form_page(
                &ctx,
                None,
                UserForm {
                    password: String::new(),
                    ..form.clone()
                },
                units(&mut state.db.conn().await?).await?,
                errors,
            ))
        },
    )
    .await
}

async fn edit_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    me.actor.require(Action::ManageUsers, None)?;

    let mut conn = state.db.conn().await?;
    let existing = user::get(&mut conn, &me.actor, id).await?;
    let (existing, units) = (existing, units(&mut conn).await?);

    let form = UserForm {
        email: existing.email.clone(),
        display_name: existing.display_name.clone(),
        role: existing.role.as_str().into(),
        unit_id: existing.unit_id.to_string(),
        password: String::new(),
        active: existing.active.then(|| "on".into()),
    };
    Ok(render(&form_page(
        &ctx,
        Some(existing),
        form,
        units,
        FormErrors::default(),
    )))
}

async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let name = form.display_name.trim().to_owned();
            if name.is_empty() {
                check.push("display_name", amity_domain::error::Problem::Empty);
            }
            let role = check.check("role", form.role.parse::<Role>());
            let unit_id = check.check(
                "unit_id",
                form.unit_id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| "choose a unit from the list".to_owned()),
            );
            let password = match form.password.as_str() {
                "" => None,
                p => check.check("password", Password::parse(p)),
            };
            check.finish()?;
            let patch = UserPatch {
                display_name: Some(name),
                role,
                unit_id,
                active: Some(form.active.is_some()),
                password,
            };
            user::update(tx, &me.actor, id, &patch).await?;
            Ok(())
        },
        |()| path::user(id),
        |errors| async {
            let mut conn = state.db.conn().await?;
            let existing = user::get(&mut conn, &me.actor, id).await?;
            Ok(form_page(
                &ctx,
                Some(existing),
                UserForm {
                    password: String::new(),
                    ..form.clone()
                },
                units(&mut conn).await?,
                errors,
            ))
        },
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/admin/users", get(list))
        .route("/admin/users/new", get(new_form).post(create))
        .route("/admin/users/{id}", get(edit_form).post(update))
}

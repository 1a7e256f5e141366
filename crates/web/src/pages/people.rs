//! People pages: the list and a person's page with positions over time.

use std::collections::HashMap;

use amity_domain::authz::Actor;
use amity_domain::error::Checker;
use amity_domain::partner::{Gender, Vocabulary};
use amity_domain::person::{PersonDraft, PersonSpec};
use amity_store::Conn;
use amity_store::person::{self, Organization, Person, Position};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use serde::Deserialize;

use super::editing::{self, Edited};
use super::{PageResult, render, save};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "people.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    people: Vec<Person>,
    total: i64,
    page: u64,
    pages: u64,
    q: String,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);
    let words = Some(q.q.trim()).filter(|s| !s.is_empty());

    let mut conn = state.db.conn().await?;
    let (people, total) = person::list(
        &mut conn,
        &me.actor,
        words,
        None,
        ("name", false),
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;

    let pages = super::page_count(total, PER_PAGE);
    Ok(render(&ListPage {
        ctx: &ctx,
        people,
        total,
        page,
        pages,
        q: q.q,
    }))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    ctx: &'a PageCtx,
    person: Person,
    positions: Vec<Position>,
    can_edit: bool,
    /// Partners to choose from for a new position (only for those who may add one).
    partners: Vec<amity_store::partner::Partner>,
    errors: FormErrors,
}

async fn person_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &crate::auth::CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<PersonPage<'a>> {
    let mut conn = state.db.conn().await?;
    let person = person::get(&mut conn, &me.actor, id).await?;
    let positions = person::positions(&mut conn, id).await?;
    let can_edit = me.actor.may(
        amity_domain::authz::Action::Write,
        Some(person.owner_unit_id),
    );
    let partners = match can_edit {
        true => {
            amity_store::partner::list(&mut conn, &Default::default(), ("name", false), 10_000, 0)
                .await?
                .0
        }
        false => vec![],
    };
    Ok(PersonPage {
        ctx,
        person,
        positions,
        can_edit,
        partners,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &person_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
struct PositionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
}

async fn add_position(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<PositionForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let from = check.optional_date("valid_from", &form.valid_from);
            let to = check.optional_date("valid_to", &form.valid_to);
            let at = match (form.partner_id.trim(), super::field(&form.organization)) {
                ("", Some(o)) => Some(Organization::Named(o)),
                (p, None) if !p.is_empty() => check.check(
                    "partner_id",
                    p.parse::<i64>()
                        .map(Organization::Partner)
                        .map_err(|_| "choose a partner".to_owned()),
                ),
                ("", None) => {
                    check.push(
                        "partner_id",
                        amity_domain::error::Rule::ChoosePartnerOrOrganization,
                    );
                    None
                }
                _ => {
                    check.push(
                        "organization",
                        "choose a partner or name the organization, not both",
                    );
                    None
                }
            };
            check.finish()?;
            let (Some(from), Some(to), Some(at)) = (from, to, at) else {
                unreachable!("the checker reported every missing value")
            };
            person::add_position(tx, &me.actor, id, &form.title, &at, (from, to)).await?;
            Ok(())
        },
        |()| path::person(id),
        |errors| person_page(&state, &ctx, &me, id, errors),
    )
    .await
}

#[derive(Debug, Default, Clone, Deserialize)]
struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_latin: String,
    #[serde(default)]
    honorific: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    nationality: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    note: String,
    /// A first position: title and partner (optional).
    #[serde(default)]
    title: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    valid_from: String,
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    /// The person being edited, or `None` for a new one.
    existing: Option<Person>,
    form: PersonForm,
    partners: Vec<amity_store::partner::Partner>,
    genders: &'static [Gender],
    errors: FormErrors,
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    existing: Option<Person>,
    form: PersonForm,
    errors: FormErrors,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let partners = match existing {
        Some(_) => vec![],
        None => {
            amity_store::partner::list(&mut conn, &Default::default(), ("name", false), 10_000, 0)
                .await?
                .0
        }
    };
    Ok(FormPage {
        ctx,
        existing,
        form,
        partners,
        genders: Gender::ALL,
        errors,
    })
}

impl PersonForm {
    fn from_person(p: &Person) -> PersonForm {
        PersonForm {
            name: p.name.clone(),
            name_latin: p.name_latin.clone().unwrap_or_default(),
            honorific: p.honorific.clone().unwrap_or_default(),
            gender: p.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            nationality: p.nationality.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            note: p.note.clone().unwrap_or_default(),
            ..PersonForm::default()
        }
    }

    /// The person's details, with every problem under its field.
    fn input(&self, check: &mut Checker) -> Option<PersonSpec> {
        PersonDraft {
            name: self.name.clone(),
            name_latin: self.name_latin.clone(),
            honorific: self.honorific.clone(),
            gender: self.gender.clone(),
            nationality: self.nationality.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            note: self.note.clone(),
        }
        .parse_into(check)
    }
}

/// The person form pair (see [`editing`]).
struct People;

impl Edited for People {
    type Record = Person;
    type Form = PersonForm;
    type Page<'a> = FormPage<'a>;

    fn blank(_: &HashMap<String, String>) -> PersonForm {
        PersonForm::default()
    }

    fn form_of(p: &Person) -> PersonForm {
        PersonForm::from_person(p)
    }

    fn owner(p: &Person) -> i64 {
        p.owner_unit_id
    }

    fn path(p: &Person) -> String {
        path::person(p.id)
    }

    async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> amity_store::Result<Person> {
        person::get(conn, actor, id).await
    }

    /// A new person, and the position they hold at a partner when the form names one.
    async fn create(
        tx: &mut Conn,
        actor: &Actor,
        form: &PersonForm,
    ) -> amity_store::Result<Person> {
        let mut check = Checker::new();
        let input = form.input(&mut check);
        let partner = match form.partner_id.trim() {
            "" => Some(None),
            p => check.check(
                "partner_id",
                p.parse::<i64>()
                    .map(Some)
                    .map_err(|_| "choose a partner".to_owned()),
            ),
        };
        let from = check.optional_date("valid_from", &form.valid_from);
        if partner.flatten().is_some() && form.title.trim().is_empty() {
            check.push("title", amity_domain::error::Problem::Required);
        }
        check.finish()?;
        let (Some(input), Some(partner), Some(from)) = (input, partner, from) else {
            unreachable!("the checker reported every missing value")
        };
        let created = person::create(tx, actor, &input, None).await?;
        if let Some(title) = super::field(&form.title) {
            let at = match partner {
                Some(p) => Organization::Partner(p),
                None => {
                    return Err(amity_store::Error::invalid(
                        "partner_id",
                        amity_domain::error::said("choose-partner-position", []),
                    ));
                }
            };
            person::add_position(tx, actor, created.id, &title, &at, (from, None)).await?;
        }
        Ok(created)
    }

    async fn update(
        tx: &mut Conn,
        actor: &Actor,
        id: i64,
        form: &PersonForm,
    ) -> amity_store::Result<Person> {
        let mut check = Checker::new();
        let input = form.input(&mut check);
        check.finish()?;
        let Some(input) = input else {
            unreachable!("the checker reported every missing value")
        };
        person::update(tx, actor, id, &input).await
    }

    fn form_page<'a>(
        state: &'a AppState,
        ctx: &'a PageCtx,
        existing: Option<Person>,
        form: PersonForm,
        errors: FormErrors,
    ) -> impl Future<Output = amity_store::Result<FormPage<'a>>> + Send + 'a {
        form_page(state, ctx, existing, form, errors)
    }
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/people", get(list))
        .route(
            "/people/new",
            get(editing::new_form::<People>).post(editing::create::<People>),
        )
        .route("/people/{id}", get(show))
        .route(
            "/people/{id}/edit",
            get(editing::edit_form::<People>).post(editing::update::<People>),
        )
        .route("/people/{id}/positions", axum::routing::post(add_position))
}

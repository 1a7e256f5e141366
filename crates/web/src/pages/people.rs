//! People pages: the list and a person's page with positions over time.

use amity_domain::country::CountryCode;
use amity_domain::error::Checker;
use amity_domain::partner::{Gender, Vocabulary};
use amity_store::person::{self, Organization, Person, PersonInput, Position};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{after_post, render, store_error_page};
use crate::auth::Auth;
use crate::routes::RouteSet;
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

async fn list(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Query(q): Query<ListQuery>) -> Response {
    let page = q.page.unwrap_or(1).max(1);
    let words = Some(q.q.trim()).filter(|s| !s.is_empty());
    let result = async {
        let mut conn = state.db.conn().await?;
        person::list(&mut conn, &me.actor, words, None, ("name", false), PER_PAGE, (page - 1) * PER_PAGE).await
    }
    .await;
    match result {
        Ok((people, total)) => {
            let pages = super::page_count(total, PER_PAGE);
            render(&ListPage { ctx: &ctx, people, total, page, pages, q: q.q })
        }
        Err(e) => store_error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    ctx: &'a PageCtx,
    person: Person,
    positions: Vec<Position>,
}

async fn show(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Path(id): Path<i64>) -> Response {
    let result = async {
        let mut conn = state.db.conn().await?;
        let person = person::get(&mut conn, &me.actor, id).await?;
        let positions = person::positions(&mut conn, id).await?;
        Ok::<_, amity_store::Error>(PersonPage { ctx: &ctx, person, positions })
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => store_error_page(&ctx, e),
    }
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
    form: PersonForm,
    partners: Vec<amity_store::partner::Partner>,
    genders: &'static [Gender],
    errors: FormErrors,
}

async fn form_page<'a>(state: &AppState, ctx: &'a PageCtx, form: PersonForm, errors: FormErrors) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let (partners, _) = amity_store::partner::list(&mut conn, &Default::default(), ("name", false), 10_000, 0).await?;
    Ok(FormPage { ctx, form, partners, genders: Gender::ALL, errors })
}

async fn new_form(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> Response {
    if let Err(d) = me.actor.require(amity_domain::authz::Action::Write, me.actor.unit_id) {
        return super::denied_page(&ctx, d);
    }
    match form_page(&state, &ctx, PersonForm::default(), FormErrors::default()).await {
        Ok(page) => render(&page),
        Err(e) => store_error_page(&ctx, e),
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty())
}

async fn create(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Form(form): Form<PersonForm>) -> Response {
    let result = async {
        let mut check = Checker::new();
        let gender = match form.gender.as_str() {
            "" => Some(None),
            g => check.check("gender", g.parse::<Gender>().map(Some)),
        };
        let nationality = match form.nationality.trim() {
            "" => Some(None),
            n => check.check("nationality", CountryCode::parse(n).map(Some)),
        };
        let partner = match form.partner_id.trim() {
            "" => Some(None),
            p => check.check("partner_id", p.parse::<i64>().map(Some).map_err(|_| "choose a partner".to_owned())),
        };
        let from = match form.valid_from.trim() {
            "" => Some(None),
            d => check.check("valid_from", amity_domain::text::parse_date(d).map(Some)),
        };
        if partner.flatten().is_some() && form.title.trim().is_empty() {
            check.push("title", "give the position's title");
        }
        check.finish()?;
        let (Some(gender), Some(nationality), Some(partner), Some(from)) = (gender, nationality, partner, from) else {
            unreachable!("the checker reported every missing value")
        };
        let input = PersonInput {
            name: form.name.split_whitespace().collect::<Vec<_>>().join(" "),
            name_latin: opt(&form.name_latin),
            honorific: opt(&form.honorific),
            gender,
            nationality,
            email: opt(&form.email),
            phone: opt(&form.phone),
            note: None,
        };
        let mut tx = state.db.begin().await?;
        let created = person::create(&mut tx, &me.actor, &input, None).await?;
        if let Some(title) = opt(&form.title) {
            let at = match partner {
                Some(p) => Organization::Partner(p),
                None => return Err(amity_store::Error::invalid("partner_id", "choose the partner where the position is held")),
            };
            person::add_position(&mut tx, &me.actor, created.id, &title, &at, (from, None)).await?;
        }
        tx.commit().await?;
        Ok(created)
    }
    .await;
    after_post(&ctx, result, |p: Person| path::person(p.id), |errors| form_page(&state, &ctx, form.clone(), errors)).await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/people", get(list)).route("/people/new", get(new_form).post(create)).route("/people/{id}", get(show))
}

//! Partner pages: the registry list, the create form (with duplicate warnings), and a partner's
//! page with its identity, links to our units and the forms its keepers use.

use std::collections::HashMap;

use amity_domain::authz::{Action, Actor};
use amity_domain::country::CountryCode;
use amity_domain::error::Checker;
use amity_domain::partner::{
    AgreementStatus, PartnerKind, RelationshipCategory, TaskStatus, UnitRelation, Vocabulary,
    split_names,
};
use amity_store::Conn;
use amity_store::agreement::{self, AgreementDraft};
use amity_store::country::{self, Country, CountryFilter};
use amity_store::org::{self, OrgUnit};
use amity_store::partner::{self, Partner, PartnerDraft, PartnerFilter, PartnerSpec, UnitLink};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::editing::{self, Edited};
use super::{PageResult, after_post, render, render_status, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "partners.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    partners: Vec<Partner>,
    total: i64,
    page: u64,
    pages: u64,
    q: String,
    country: String,
    kind: String,
    kinds: &'static [PartnerKind],
    query: String,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    kind: String,
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    _: Auth,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);
    let filter = PartnerFilter {
        q: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
        country: CountryCode::parse(&q.country).ok(),
        kind: q.kind.parse().ok(),
        ..Default::default()
    };

    let mut conn = state.db.conn().await?;
    let (partners, total) = partner::list(
        &mut conn,
        &filter,
        ("name", false),
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;

    let pages = super::page_count(total, PER_PAGE);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("country", &q.country)
        .append_pair("kind", &q.kind)
        .finish();
    Ok(render(&ListPage {
        ctx: &ctx,
        partners,
        total,
        page,
        pages,
        q: q.q,
        country: q.country,
        kind: q.kind,
        kinds: PartnerKind::ALL,
        query,
    }))
}

/// The partner form's values, kept when it comes back with errors or a duplicate warning.
#[derive(Debug, Default, Clone, Deserialize)]
struct PartnerForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_latin: String,
    #[serde(default)]
    name_native: String,
    #[serde(default)]
    acronyms: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    founded: String,
    #[serde(default)]
    confirm_duplicate: Option<String>,
}

impl PartnerForm {
    fn from_partner(p: &Partner) -> PartnerForm {
        let d = partner::draft_of(p);
        PartnerForm {
            kind: d.kind,
            category: d.category,
            country: d.country,
            name_vi: d.name_vi,
            name_latin: d.name_latin,
            name_native: d.name_native,
            acronyms: d.acronyms.join("; "),
            aliases: d.aliases.join("; "),
            website: d.website,
            address: d.address,
            note: d.note,
            founded: d.founded,
            confirm_duplicate: None,
        }
    }

    fn parse(&self) -> Result<PartnerSpec, amity_domain::error::Invalid> {
        PartnerDraft {
            kind: self.kind.clone(),
            category: self.category.clone(),
            country: self.country.clone(),
            name_vi: self.name_vi.clone(),
            name_latin: self.name_latin.clone(),
            name_native: self.name_native.clone(),
            acronyms: split_names(&self.acronyms),
            aliases: split_names(&self.aliases),
            website: self.website.clone(),
            address: self.address.clone(),
            note: self.note.clone(),
            founded: self.founded.clone(),
        }
        .parse()
    }
}

#[derive(Template)]
#[template(path = "partner_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    existing: Option<Partner>,
    form: PartnerForm,
    countries: Vec<Country>,
    kinds: &'static [PartnerKind],
    categories: &'static [RelationshipCategory],
    errors: FormErrors,
    duplicates: Vec<serde_json::Value>,
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    existing: Option<Partner>,
    form: PartnerForm,
    errors: FormErrors,
    duplicates: Vec<serde_json::Value>,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let (countries, _) = country::list(
        &mut conn,
        &CountryFilter::default(),
        ("name", false),
        500,
        0,
    )
    .await?;
    Ok(FormPage {
        ctx,
        existing,
        form,
        countries,
        kinds: PartnerKind::ALL,
        categories: RelationshipCategory::ALL,
        errors,
        duplicates,
    })
}

/// The partner form pair (see [`editing`]); a new partner is created by [`create`], which
/// first shows the partners it resembles.
struct Partners;

impl Edited for Partners {
    type Record = Partner;
    type Form = PartnerForm;
    type Page<'a> = FormPage<'a>;

    fn blank(_: &HashMap<String, String>) -> PartnerForm {
        PartnerForm {
            kind: "political_party".into(),
            ..Default::default()
        }
    }

    fn form_of(p: &Partner) -> PartnerForm {
        PartnerForm::from_partner(p)
    }

    fn owner(p: &Partner) -> i64 {
        p.owner_unit_id
    }

    fn path(p: &Partner) -> String {
        path::partner(p.id)
    }

    /// Every signed-in user reads the partners.
    async fn get(conn: &mut Conn, _: &Actor, id: i64) -> amity_store::Result<Partner> {
        partner::get(conn, id).await
    }

    /// A new partner; one like an existing partner only once the form confirms it is another.
    async fn create(
        tx: &mut Conn,
        actor: &Actor,
        form: &PartnerForm,
    ) -> amity_store::Result<Partner> {
        let confirmed = form.confirm_duplicate.is_some();
        partner::create(tx, actor, &form.parse()?, None, confirmed).await
    }

    async fn update(
        tx: &mut Conn,
        actor: &Actor,
        id: i64,
        form: &PartnerForm,
    ) -> amity_store::Result<Partner> {
        partner::update(tx, actor, id, &form.parse()?).await
    }

    fn form_page<'a>(
        state: &'a AppState,
        ctx: &'a PageCtx,
        existing: Option<Partner>,
        form: PartnerForm,
        errors: FormErrors,
    ) -> impl Future<Output = amity_store::Result<FormPage<'a>>> + Send + 'a {
        form_page(state, ctx, existing, form, errors, vec![])
    }
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Form(form): Form<PartnerForm>,
) -> PageResult {
    let result = async {
        let mut tx = state.db.begin().await?;
        let created = Partners::create(&mut tx, &me.actor, &form).await?;
        tx.commit().await?;
        Ok::<_, amity_store::Error>(created)
    }
    .await;
    match result {
        // A likely duplicate: the form again, listing the partners it resembles, with a box to
        // confirm.
        Err(amity_store::Error::Duplicate { candidates, .. }) => {
            let page =
                form_page(&state, &ctx, None, form, FormErrors::default(), candidates).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        other => {
            after_post(
                &ctx,
                other,
                |p: Partner| Partners::path(&p),
                |errors| Partners::form_page(&state, &ctx, None, form.clone(), errors),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage<'a> {
    ctx: &'a PageCtx,
    partner: Partner,
    country: Option<Country>,
    survivor: Option<Partner>,
    links: Vec<UnitLink>,
    people: Vec<(amity_store::person::Person, amity_store::person::Position)>,
    agreements: Vec<amity_store::agreement::Agreement>,
    can_edit: bool,
    own_units: Vec<OrgUnit>,
    relations: &'static [UnitRelation],
    statuses: &'static [AgreementStatus],
    task_statuses: &'static [TaskStatus],
    timeline: amity_store::timeline::Timeline,
    /// The year the timeline shows, or all years.
    year: Option<i32>,
    errors: FormErrors,
}

impl PartnerPage<'_> {
    fn entry_when(&self, e: &amity_store::timeline::Entry) -> String {
        match e.precision {
            amity_domain::anniversary::Precision::Day => self.ctx.date(&e.date),
            amity_domain::anniversary::Precision::Month => e.date.format("%m/%Y").to_string(),
            amity_domain::anniversary::Precision::Year => e.date.format("%Y").to_string(),
        }
    }

    /// Whether the user keeps this agreement (and so may add tasks).
    fn keeps(&self, a: &amity_store::agreement::Agreement) -> bool {
        self.ctx
            .user
            .as_ref()
            .is_some_and(|u| u.actor.may(Action::Write, Some(a.owner_unit_id)))
    }

    /// Whether the user may record this task's progress (its owner unit or the keepers).
    fn works_on(
        &self,
        a: &amity_store::agreement::Agreement,
        t: &amity_store::agreement::Task,
    ) -> bool {
        self.keeps(a)
            || self
                .ctx
                .user
                .as_ref()
                .is_some_and(|u| u.actor.may(Action::Write, Some(t.owner_unit_id)))
    }
}

async fn partner_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    year: Option<i32>,
    errors: FormErrors,
) -> amity_store::Result<PartnerPage<'a>> {
    let mut conn = state.db.conn().await?;
    let partner = partner::get(&mut conn, id).await?;
    let country = match partner
        .country_code
        .as_deref()
        .and_then(|c| CountryCode::parse(c).ok())
    {
        Some(code) => Some(country::get(&mut conn, &code).await?),
        None => None,
    };
    let survivor = match partner.merged_into_id {
        Some(s) => Some(partner::get(&mut conn, s).await?),
        None => None,
    };
    let links = partner::unit_links(&mut conn, id).await?;
    let people = amity_store::person::at_partner(&mut conn, &me.actor, id).await?;
    let (agreements, _) = amity_store::agreement::list(
        &mut conn,
        &me.actor,
        &amity_store::agreement::AgreementFilter {
            partner: Some(id),
            ..Default::default()
        },
        100,
        0,
    )
    .await?;
    let timeline = amity_store::timeline::for_partner(&mut conn, &me.actor, id, year).await?;
    // Units the user may link: every unit it writes for, closed ones too (a merged union still
    // records the relations it had).
    let today = Utc::now().date_naive();
    let own_units = match &me.actor.write {
        amity_domain::authz::Scope::All => org::all_as_of(&mut conn, today).await?,
        amity_domain::authz::Scope::Units(ids) => {
            let mut units = Vec::new();
            for id in ids {
                units.push(org::get(&mut conn, *id, today).await?);
            }
            units.sort_by(|a, b| amity_domain::text::compare(a.label(), b.label()));
            units
        }
    };
    Ok(PartnerPage {
        ctx,
        can_edit: me.actor.may(Action::Write, Some(partner.owner_unit_id)),
        partner,
        country,
        survivor,
        links,
        people,
        agreements,
        own_units,
        relations: UnitRelation::ALL,
        statuses: AgreementStatus::SETTABLE,
        task_statuses: TaskStatus::ALL,
        timeline,
        year,
        errors,
    })
}

#[derive(Debug, Deserialize)]
struct TimelineQuery {
    year: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TimelineQuery>,
) -> PageResult {
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    Ok(render(
        &partner_page(&state, &ctx, &me, id, year, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct LinkForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
}

async fn link(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<LinkForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let unit = check.check(
                "unit_id",
                form.unit_id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| "choose a unit".to_owned()),
            );
            let relation = check.check("relation", form.relation.parse::<UnitRelation>());
            let date = |s: &str| {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    amity_domain::text::parse_date(s).map(Some)
                }
            };
            let from = check.check("valid_from", date(&form.valid_from));
            let to = check.check("valid_to", date(&form.valid_to));
            check.finish()?;
            let (Some(unit), Some(relation), Some(from), Some(to)) = (unit, relation, from, to)
            else {
                unreachable!("the checker reported every missing value")
            };
            partner::link_unit(tx, &me.actor, id, unit, relation, (from, to), None).await?;
            Ok(())
        },
        |()| path::partner(id),
        |errors| partner_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct AgreementForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    other_party: String,
}

/// Creates an agreement with this partner as a party, kept by the user's unit.
async fn add_agreement(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<AgreementForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let input = AgreementDraft {
                title: form.title.clone(),
                number: form.number.clone(),
                status: form.status.clone(),
                valid_from: form.valid_from.clone(),
                valid_to: form.valid_to.clone(),
                partners: vec![id.to_string()],
                named_parties: vec![form.other_party.clone()],
                ..Default::default()
            }
            .parse()?;
            agreement::create(tx, &me.actor, &input, None).await?;
            Ok(())
        },
        |()| path::partner(id),
        |errors| partner_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct TaskForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    evidence: String,
}

/// Adds a yearly task to one of the partner's agreements.
async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path((id, agreement_id)): Path<(i64, i64)>,
    Form(form): Form<TaskForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let year = check.check(
                "year",
                form.year
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| "write the year as four digits".to_owned()),
            );
            let status = check.check("status", form.status.parse::<TaskStatus>());
            check.finish()?;
            let (Some(year), Some(status)) = (year, status) else {
                unreachable!("the checker reported every missing value")
            };
            let owner = me.actor.unit_id.ok_or_else(|| {
                amity_store::Error::invalid(
                    "owner_unit_id",
                    amity_domain::error::said("no-unit", []),
                )
            })?;
            agreement::add_task(tx, &me.actor, agreement_id, year, &form.item, owner, status)
                .await?;
            Ok(())
        },
        |()| path::partner(id),
        |errors| partner_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

/// Records a task's status and evidence.
async fn update_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path((id, agreement_id, task)): Path<(i64, i64, i64)>,
    Form(form): Form<TaskForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let status = form
                .status
                .parse::<TaskStatus>()
                .map_err(|e| amity_store::Error::invalid("status", e))?;
            agreement::update_task(
                tx,
                &me.actor,
                agreement_id,
                task,
                status,
                super::field(&form.evidence),
            )
            .await?;
            Ok(())
        },
        |()| path::partner(id),
        |errors| partner_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

/// The merged partner's old address leads to the survivor.
async fn survivor_redirect(
    State(state): State<AppState>,
    _: Auth,
    Path(id): Path<i64>,
) -> PageResult {
    let mut conn = state.db.conn().await?;
    let p = partner::get(&mut conn, id).await?;
    Ok(Redirect::to(&path::partner(p.merged_into_id.unwrap_or(p.id))).into_response())
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/partners", get(list))
        .route(
            "/partners/new",
            get(editing::new_form::<Partners>).post(create),
        )
        .route(
            "/partners/{id}",
            get(show).post(editing::update::<Partners>),
        )
        .route("/partners/{id}/edit", get(editing::edit_form::<Partners>))
        .route("/partners/{id}/units", post(link))
        .route("/partners/{id}/current", get(survivor_redirect))
        .route("/partners/{id}/agreements", post(add_agreement))
        .route(
            "/partners/{id}/agreements/{agreement}/tasks",
            post(add_task),
        )
        .route(
            "/partners/{id}/agreements/{agreement}/tasks/{task}",
            post(update_task),
        )
}

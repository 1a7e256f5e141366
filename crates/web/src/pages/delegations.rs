//! Delegation pages: the list with its filters, the entry and edit form, and a delegation's
//! page with its workflow, members, itinerary, history and files.

use amity_domain::activity::{DelegationState, Direction, MemberRole};
use std::collections::HashMap;

use amity_domain::authz::{Action, Actor, delegation_move};
use amity_domain::delegation::{
    DelegationDraft, DelegationSpec, LegDraft, MemberDraft, MoneyDraft,
};
use amity_domain::partner::Vocabulary;
use amity_store::Conn;
use amity_store::attachment::{self, Attachment};
use amity_store::delegation::{self, Delegation};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};

use super::editing::{self, Edited};
use super::{MoveForm, PageResult, render, save, store_error_page};
use crate::api::delegations::Delegations as List;
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

/// The list's filters as a form sends them (empty means any).
#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct ListForm {
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub year: String,
    /// A date range (from a report's figure): records starting within it.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub q: String,
    /// A unit: its subtree's records.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub sort: String,
    #[serde(skip_serializing)]
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "delegations.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    delegations: Vec<Delegation>,
    total: i64,
    page: u64,
    pages: u64,
    form: ListForm,
    query: String,
    directions: &'static [Direction],
    states: &'static [DelegationState],
    /// Units the user reads, for the unit filter.
    units: Vec<amity_store::org::OrgUnit>,
    /// The country filter as the reader typed it, and the names to suggest.
    country_shown: String,
    country_names: Vec<(String, String)>,
    error: Option<String>,
}

/// The units open today that the user reads, for a list's unit filter.
pub(crate) async fn readable_units(
    conn: &mut amity_store::Conn,
    me: &CurrentUser,
) -> amity_store::Result<Vec<amity_store::org::OrgUnit>> {
    let units = amity_store::org::all_as_of(conn, chrono::Utc::now().date_naive()).await?;
    Ok(units
        .into_iter()
        .filter(|u| me.actor.may(Action::Read, Some(u.id)))
        .collect())
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(mut form): Query<ListForm>,
) -> Response {
    let page = form.page.unwrap_or(1).max(1);
    let (country_shown, country_names) =
        match super::country_filter(&state, &ctx, &mut form.country).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let rows = match super::activity_rows::<List>(
        &state,
        &ctx,
        &me,
        super::list_query(&form, (&form.year, &form.unit)),
        (page, PER_PAGE),
    )
    .await
    {
        Ok(rows) => rows,
        Err(page) => return page,
    };
    let query = super::filters_query(&form);
    render(&ListPage {
        ctx: &ctx,
        delegations: rows.records,
        total: rows.total,
        page,
        pages: super::page_count(rows.total, PER_PAGE),
        form,
        query,
        directions: Direction::ALL,
        states: DelegationState::ALL,
        units: rows.units,
        country_shown,
        country_names,
        error: rows.error,
    })
}

/// A delegation as the form edits it: dates `dd/mm/yyyy`, members by name, three itinerary rows.
#[derive(Debug, Default, Clone, Deserialize)]
struct DelegationForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    funding_source: String,
    #[serde(default)]
    budget_amount: String,
    #[serde(default)]
    budget_currency: String,
    #[serde(default)]
    rate_to_vnd: String,
    #[serde(default)]
    expected_outcomes: String,
    #[serde(default)]
    actual_outcomes: String,
    #[serde(default)]
    report: String,
    /// The head of delegation's name (found in the registry, or added to it).
    #[serde(default)]
    head: String,
    /// Other members, one name per line.
    #[serde(default)]
    members: String,
    #[serde(default)]
    leg_country: Vec<String>,
    #[serde(default)]
    leg_city: Vec<String>,
    #[serde(default)]
    leg_from: Vec<String>,
    #[serde(default)]
    leg_to: Vec<String>,
    #[serde(default)]
    partners: Vec<String>,
    /// Agreement tasks the delegation serves.
    #[serde(default)]
    tasks: Vec<String>,
}

const LEG_ROWS: usize = 3;

impl DelegationForm {
    fn from_delegation(d: &Delegation) -> DelegationForm {
        let draft = delegation::draft_of(d);
        let column =
            |f: fn(&LegDraft) -> &String| draft.legs.iter().map(|l| f(l).clone()).collect();
        DelegationForm {
            leg_country: column(|l| &l.country),
            leg_city: column(|l| &l.city),
            leg_from: column(|l| &l.from_on),
            leg_to: column(|l| &l.to_on),
            direction: draft.direction,
            title: draft.title,
            purpose: draft.purpose,
            start_on: draft.start_on,
            end_on: draft.end_on,
            funding_source: draft.funding_source,
            budget_amount: draft.budget.amount,
            budget_currency: draft.budget.currency,
            rate_to_vnd: draft.budget.rate_to_vnd,
            expected_outcomes: draft.expected_outcomes,
            actual_outcomes: draft.actual_outcomes,
            report: draft.report,
            // The form names people; the draft chooses them by id.
            head: d.head().map(|h| h.name.clone()).unwrap_or_default(),
            members: d
                .members
                .iter()
                .filter(|m| m.role != MemberRole::Head)
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            partners: draft.partners,
            tasks: draft.tasks,
        }
    }

    /// The itinerary rows to show: those filled in, then empty ones up to three.
    fn leg_rows(&self) -> Vec<(String, String, String, String)> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let n = self.leg_country.len().max(LEG_ROWS);
        (0..n)
            .map(|i| {
                (
                    at(&self.leg_country, i),
                    at(&self.leg_city, i),
                    at(&self.leg_from, i),
                    at(&self.leg_to, i),
                )
            })
            .collect()
    }

    /// The form with the itinerary's countries, typed by name, read as codes.
    async fn with_country_codes(&self, tx: &mut Conn) -> amity_store::Result<DelegationForm> {
        let mut form = self.clone();
        for country in &mut form.leg_country {
            *country = super::typed_countries(tx, country).await?;
        }
        Ok(form)
    }

    fn has_partner(&self, id: &i64) -> bool {
        self.partners.iter().any(|p| p == &id.to_string())
    }

    fn has_task(&self, id: &i64) -> bool {
        self.tasks.iter().any(|t| t == &id.to_string())
    }

    /// The form read into its spec; budget problems are shown beside the amount.
    fn spec(&self) -> Result<DelegationSpec, amity_domain::error::Invalid> {
        self.draft()
            .parse()
            .map_err(|e| e.renamed("budget", "budget_amount"))
    }

    /// The draft the form stands for: the head and one member per line, the itinerary rows.
    fn draft(&self) -> DelegationDraft {
        let named = |name: &str, role: MemberRole| MemberDraft {
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            ..Default::default()
        };
        let members = super::field(&self.head)
            .map(|head| named(&head, MemberRole::Head))
            .into_iter()
            .chain(
                self.members
                    .lines()
                    .filter_map(super::field)
                    .map(|name| named(&name, MemberRole::Member)),
            )
            .collect();
        DelegationDraft {
            direction: self.direction.clone(),
            title: self.title.clone(),
            purpose: self.purpose.clone(),
            start_on: self.start_on.clone(),
            end_on: self.end_on.clone(),
            funding_source: self.funding_source.clone(),
            budget: MoneyDraft {
                amount: super::aid::page_number(&self.budget_amount),
                currency: self.budget_currency.clone(),
                rate_to_vnd: super::aid::page_number(&self.rate_to_vnd),
            },
            expected_outcomes: self.expected_outcomes.clone(),
            actual_outcomes: self.actual_outcomes.clone(),
            report: self.report.clone(),
            members,
            legs: self
                .leg_rows()
                .into_iter()
                .map(|(country, city, from_on, to_on)| LegDraft {
                    country,
                    city,
                    from_on,
                    to_on,
                })
                .collect(),
            partners: self.partners.clone(),
            tasks: self.tasks.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "delegation_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    existing: Option<Delegation>,
    form: DelegationForm,
    partners: Vec<amity_store::partner::Partner>,
    /// Agreement tasks in the user's scope: (task id, label).
    tasks: Vec<(i64, String)>,
    directions: &'static [Direction],
    /// Suggested as one types a country: (code, name).
    country_names: Vec<(String, String)>,
    errors: FormErrors,
}

/// The tasks of agreements the user may read, newest years first, labelled for a select.
pub(crate) async fn task_choices(
    conn: &mut amity_store::Conn,
    actor: &amity_domain::authz::Actor,
) -> amity_store::Result<Vec<(i64, String)>> {
    let (agreements, _) =
        amity_store::agreement::list(conn, actor, &Default::default(), 500, 0).await?;
    let mut out: Vec<(i32, i64, String)> = agreements
        .iter()
        .flat_map(|a| {
            a.tasks.iter().map(move |t| {
                (
                    t.year,
                    t.id,
                    format!("{} · {}: {}", a.title, t.year, t.item),
                )
            })
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(out.into_iter().map(|(_, id, label)| (id, label)).collect())
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    existing: Option<Delegation>,
    form: DelegationForm,
    errors: FormErrors,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let (partners, _) =
        amity_store::partner::list(&mut conn, &Default::default(), ("name", false), 10_000, 0)
            .await?;
    let actor = ctx
        .user
        .as_ref()
        .map(|u| u.actor.clone())
        .ok_or(amity_store::Error::NotFound("session"))?;
    let tasks = task_choices(&mut conn, &actor).await?;
    let country_names = super::country_names(&mut conn, ctx).await?;
    let mut form = form;
    for country in &mut form.leg_country {
        *country = super::named_countries(country, &country_names);
    }
    Ok(FormPage {
        ctx,
        existing,
        form,
        country_names,
        partners,
        tasks,
        directions: Direction::ALL,
        errors,
    })
}

/// The delegation form pair (see [`editing`]).
struct Delegations;

impl Edited for Delegations {
    type Record = Delegation;
    type Form = DelegationForm;
    type Page<'a> = FormPage<'a>;

    fn blank(query: &HashMap<String, String>) -> DelegationForm {
        DelegationForm {
            direction: query
                .get("direction")
                .cloned()
                .unwrap_or_else(|| "outbound".into()),
            budget_currency: "VND".into(),
            ..Default::default()
        }
    }

    fn form_of(d: &Delegation) -> DelegationForm {
        DelegationForm::from_delegation(d)
    }

    fn owner(d: &Delegation) -> i64 {
        d.owner_unit_id
    }

    fn path(d: &Delegation) -> String {
        path::delegation(d.id)
    }

    async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> amity_store::Result<Delegation> {
        delegation::get(conn, actor, id).await
    }

    async fn create(
        tx: &mut Conn,
        actor: &Actor,
        form: &DelegationForm,
    ) -> amity_store::Result<Delegation> {
        let form = form.with_country_codes(tx).await?;
        delegation::create(tx, actor, &form.spec()?, None).await
    }

    async fn update(
        tx: &mut Conn,
        actor: &Actor,
        id: i64,
        form: &DelegationForm,
    ) -> amity_store::Result<Delegation> {
        let form = form.with_country_codes(tx).await?;
        delegation::update(tx, actor, id, &form.spec()?).await
    }

    fn form_page<'a>(
        state: &'a AppState,
        ctx: &'a PageCtx,
        existing: Option<Delegation>,
        form: DelegationForm,
        errors: FormErrors,
    ) -> impl Future<Output = amity_store::Result<FormPage<'a>>> + Send + 'a {
        form_page(state, ctx, existing, form, errors)
    }
}

#[derive(Template)]
#[template(path = "delegation.html")]
struct DelegationPage<'a> {
    ctx: &'a PageCtx,
    delegation: Delegation,
    /// The moves this user may make now.
    moves: Vec<DelegationState>,
    can_edit: bool,
    files: Vec<Attachment>,
    errors: FormErrors,
}

async fn delegation_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<DelegationPage<'a>> {
    let mut conn = state.db.conn().await?;
    let d = delegation::get(&mut conn, &me.actor, id).await?;
    let today = chrono::Utc::now().date_naive();
    let moves = DelegationState::ALL
        .iter()
        .copied()
        .filter(|to| {
            // A visit not yet begun cannot have been carried out.
            !(*to == DelegationState::Completed && d.start_on > today)
                && d.state.after(*to).is_ok()
                && me
                    .actor
                    .may(delegation_move(d.direction, *to), Some(d.owner_unit_id))
        })
        .collect();
    let files = attachment::of_record(&mut conn, "delegation", id).await?;
    let can_edit = me.actor.may(Action::Write, Some(d.owner_unit_id))
        && matches!(
            d.state,
            DelegationState::Draft
                | DelegationState::Approved
                | DelegationState::Completed
                | DelegationState::Reported
        );
    Ok(DelegationPage {
        ctx,
        delegation: d,
        moves,
        can_edit,
        files,
        errors,
    })
}

impl DelegationPage<'_> {
    /// The label key of a move's button.
    fn move_key(&self, to: &DelegationState) -> String {
        format!("move-{}", to.as_str())
    }

    fn needs_comment(&self, to: &DelegationState) -> bool {
        matches!(to, DelegationState::Returned | DelegationState::Rejected)
    }

    /// The question asked before a move that cannot be taken back, if any.
    fn confirm_key(&self, to: &DelegationState) -> Option<&'static str> {
        match to {
            DelegationState::Cancelled => Some("confirm-cancel"),
            DelegationState::Rejected => Some("confirm-reject"),
            _ => None,
        }
    }

    fn is_destructive(&self, to: &DelegationState) -> bool {
        matches!(
            to,
            DelegationState::Cancelled | DelegationState::Rejected | DelegationState::Returned
        )
    }
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &delegation_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let to = form
                .to
                .parse::<DelegationState>()
                .map_err(|e| amity_store::Error::invalid("to", e))?;
            if to == DelegationState::Reported
                && let Some(report) = &form.report
            {
                let outcomes = form.outcomes.as_deref().unwrap_or_default();
                delegation::write_report(tx, &me.actor, id, outcomes, report).await?;
            }
            delegation::transition(tx, &me.actor, id, to, Some(&form.comment)).await?;
            Ok(())
        },
        |()| path::delegation(id),
        |errors| delegation_page(&state, &ctx, &me, id, errors),
    )
    .await
}

/// Reads the one `file` field of an upload form.
pub(crate) async fn read_upload(form: Multipart) -> amity_store::Result<(String, Vec<u8>)> {
    match crate::api::activities::file_field(form).await {
        Ok(Some((name, bytes))) => Ok((name, bytes.to_vec())),
        Ok(None) => Err(amity_store::Error::invalid(
            "file",
            amity_domain::error::said("choose-file", []),
        )),
        Err(e) => Err(amity_store::Error::invalid("file", e.body_text())),
    }
}

async fn upload(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: Multipart,
) -> PageResult {
    let files = crate::api::activities::files(&state);
    super::save_with_files(
        &state,
        &ctx,
        &files,
        async |tx| {
            let (name, bytes) = read_upload(form).await?;
            amity_store::record_files::attach(
                tx,
                &me.actor,
                &files,
                "delegation",
                id,
                &name,
                &bytes,
            )
            .await?;
            Ok(())
        },
        |()| path::delegation(id),
        |errors| delegation_page(&state, &ctx, &me, id, errors),
    )
    .await
}

pub(crate) async fn remove_file(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(file): Path<i64>,
) -> Response {
    let result = async {
        let mut tx = state.db.begin().await?;
        let found = amity_store::record_files::detach(&mut tx, &me.actor, file).await?;
        tx.commit().await?;
        let mut conn = state.db.conn().await?;
        crate::api::activities::files(&state)
            .forget_unused(&mut conn, &found.sha256)
            .await?;
        Ok(found)
    }
    .await;
    match result {
        Ok(found) => {
            axum::response::Redirect::to(&path::record(&found.record_type, found.record_id, ""))
                .into_response()
        }
        Err(e) => store_error_page(&ctx, e),
    }
}

use axum::response::IntoResponse;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/delegations", get(list))
        .route(
            "/delegations/new",
            get(editing::new_form::<Delegations>).post(editing::create::<Delegations>),
        )
        .route("/delegations/{id}", get(show))
        .route(
            "/delegations/{id}/edit",
            get(editing::edit_form::<Delegations>).post(editing::update::<Delegations>),
        )
        .route("/delegations/{id}/transitions", post(transition))
        .route(
            "/delegations/{id}/files",
            post(upload).layer(crate::api::activities::upload_limit()),
        )
        .route("/files/{id}/delete", post(remove_file))
}

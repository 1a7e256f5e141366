//! Agreement pages: the list in the user's scope with its reminders, and one agreement's page
//! with its parties, documents, tasks, editing and renewal.

use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::partner::{AgreementStatus, Vocabulary};
use amity_store::agreement::{
    self, Agreement, AgreementDraft, AgreementFilter, AgreementSpec, Reminders,
};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::{PageResult, render, save, store_error_page};
use crate::auth::{Auth, CurrentUser};
use crate::i18n::Lang;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    agreements: Vec<Agreement>,
    total: i64,
    page: u64,
    pages: u64,
    form: ListQuery,
    /// The filters as a query string, for the pager and the exports.
    query: String,
    statuses: &'static [AgreementStatus],
    units: Vec<amity_store::org::OrgUnit>,
    reminders: Reminders,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    unit: String,
    /// In force on this day (dd/mm/yyyy or yyyy-mm-dd).
    #[serde(default)]
    in_force_on: String,
    page: Option<u64>,
}

impl ListQuery {
    /// The filter and the unit whose subtree it keeps, or every problem under its field.
    fn filter(&self, lang: Lang) -> Result<(AgreementFilter, Option<i64>), FormErrors> {
        let mut check = Checker::new();
        let status = match self.status.trim() {
            "" => None,
            s => check.check("status", s.parse::<AgreementStatus>()),
        };
        let unit = match self.unit.trim() {
            "" => None,
            u => check.check(
                "unit",
                u.parse::<i64>().map_err(|_| format!("“{u}” is not a unit")),
            ),
        };
        let in_force_on = match self.in_force_on.trim() {
            "" => None,
            d => check.check("in_force_on", amity_domain::text::parse_date(d)),
        };
        check
            .finish()
            .map_err(|e| FormErrors::from_fields(&e.0, lang))?;
        Ok((
            AgreementFilter {
                status,
                in_force_on,
                ..Default::default()
            },
            unit,
        ))
    }

    fn query_string(&self) -> String {
        let given = [
            ("status", &self.status),
            ("unit", &self.unit),
            ("in_force_on", &self.in_force_on),
        ];
        super::filter_query(given)
    }
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(form): Query<ListQuery>,
) -> Response {
    let page = form.page.unwrap_or(1).max(1);
    let (agreements, total, errors) = match form.filter(ctx.lang) {
        Ok((mut filter, unit)) => {
            let listed = async {
                let mut conn = state.db.conn().await?;
                if let Some(u) = unit {
                    filter.units =
                        Some(amity_store::org::structure_graph(&mut conn).await?.reach(u));
                }
                agreement::list(
                    &mut conn,
                    &me.actor,
                    &filter,
                    PER_PAGE,
                    (page - 1) * PER_PAGE,
                )
                .await
            };
            match listed.await {
                Ok((agreements, total)) => (agreements, total, FormErrors::default()),
                Err(e) => return store_error_page(&ctx, e),
            }
        }
        Err(errors) => (vec![], 0, errors),
    };
    let context = async {
        let mut conn = state.db.conn().await?;
        let reminders = agreement::reminders(&mut conn, &me.actor, Utc::now().date_naive()).await?;
        let units = super::delegations::readable_units(&mut conn, &me).await?;
        Ok::<_, amity_store::Error>((reminders, units))
    };
    let (reminders, units) = match context.await {
        Ok(c) => c,
        Err(e) => return store_error_page(&ctx, e),
    };
    let query = form.query_string();
    render(&ListPage {
        ctx: &ctx,
        agreements,
        total,
        page,
        pages: super::page_count(total, PER_PAGE),
        form,
        query,
        statuses: AgreementStatus::ALL,
        units,
        reminders,
        errors,
    })
}

/// An agreement's details as a form: dates as typed (`dd/mm/yyyy`), other parties named in
/// words one per line.
#[derive(Debug, Default, Clone, Deserialize)]
struct AgreementForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    signed_place: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    named_parties: String,
}

impl AgreementForm {
    fn from_agreement(a: &Agreement) -> AgreementForm {
        let d = agreement::draft_of(a);
        AgreementForm {
            title: d.title,
            number: d.number,
            status: d.status,
            signed_on: d.signed_on,
            signed_place: d.signed_place,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            note: d.note,
            named_parties: d.named_parties.join("\n"),
        }
    }

    /// The form's details with `current`'s partner and unit parties, every problem under its field.
    fn input(&self, current: &Agreement) -> Result<AgreementSpec, amity_domain::error::Invalid> {
        let stored = agreement::draft_of(current);
        AgreementDraft {
            title: self.title.clone(),
            number: self.number.clone(),
            status: self.status.clone(),
            signed_on: self.signed_on.clone(),
            signed_place: self.signed_place.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            note: self.note.clone(),
            named_parties: self.named_parties.lines().map(str::to_owned).collect(),
            ..stored
        }
        .parse()
    }
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage<'a> {
    ctx: &'a PageCtx,
    agreement: Agreement,
    can_edit: bool,
    /// The renewal form, prefilled from this agreement.
    renewal: AgreementForm,
    statuses: &'static [AgreementStatus],
    errors: FormErrors,
}

impl AgreementPage<'_> {
    /// Whether evidence text is an address to follow.
    fn is_link(&self, evidence: &str) -> bool {
        evidence.starts_with('/')
            || evidence.starts_with("http://")
            || evidence.starts_with("https://")
    }
}

async fn agreement_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    renewal: Option<AgreementForm>,
    errors: FormErrors,
) -> amity_store::Result<AgreementPage<'a>> {
    let mut conn = state.db.conn().await?;
    let agreement = agreement::get(&mut conn, &me.actor, id).await?;
    let renewal = renewal.unwrap_or_else(|| AgreementForm {
        status: AgreementStatus::InForce.as_str().into(),
        signed_on: String::new(),
        valid_from: String::new(),
        valid_to: String::new(),
        number: String::new(),
        ..AgreementForm::from_agreement(&agreement)
    });
    Ok(AgreementPage {
        ctx,
        can_edit: me.actor.may(Action::Write, Some(agreement.owner_unit_id)),
        agreement,
        renewal,
        statuses: AgreementStatus::SETTABLE,
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
        &agreement_page(&state, &ctx, &me, id, None, FormErrors::default()).await?,
    ))
}

#[derive(Template)]
#[template(path = "agreement_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    agreement: Agreement,
    form: AgreementForm,
    statuses: &'static [AgreementStatus],
    errors: FormErrors,
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    form: Option<AgreementForm>,
    errors: FormErrors,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let agreement = agreement::get(&mut conn, &me.actor, id).await?;
    me.actor
        .require(Action::Write, Some(agreement.owner_unit_id))?;
    let statuses = if agreement.status == AgreementStatus::Renewed {
        &[AgreementStatus::Renewed][..]
    } else {
        AgreementStatus::SETTABLE
    };
    let form = form.unwrap_or_else(|| AgreementForm::from_agreement(&agreement));
    Ok(FormPage {
        ctx,
        agreement,
        form,
        statuses,
        errors,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &form_page(&state, &ctx, &me, id, None, FormErrors::default()).await?,
    ))
}

async fn update(
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
            let current = agreement::get(tx, &me.actor, id).await?;
            let input = form.input(&current)?;
            agreement::update(tx, &me.actor, id, &input).await?;
            Ok(())
        },
        |()| path::agreement(id),
        |errors| form_page(&state, &ctx, &me, id, Some(form.clone()), errors),
    )
    .await
}

async fn renew(
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
            let current = agreement::get(tx, &me.actor, id).await?;
            let input = form.input(&current)?;
            let created = agreement::renew(tx, &me.actor, id, &input).await?;
            Ok(created)
        },
        |a: Agreement| path::agreement(a.id),
        |errors| agreement_page(&state, &ctx, &me, id, Some(form.clone()), errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct DocumentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

async fn add_document(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<DocumentForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            agreement::add_document(
                tx,
                &me.actor,
                id,
                &form.title,
                super::field(&form.url).as_deref(),
            )
            .await?;
            Ok(())
        },
        |()| path::agreement(id),
        |errors| agreement_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

async fn remove_document(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path((id, document)): Path<(i64, i64)>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            agreement::remove_document(tx, &me.actor, id, document).await?;
            Ok(())
        },
        |()| path::agreement(id),
        |errors| agreement_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/agreements", get(list))
        .route("/agreements/{id}", get(show))
        .route("/agreements/{id}/edit", get(edit_form).post(update))
        .route("/agreements/{id}/renew", post(renew))
        .route("/agreements/{id}/documents", post(add_document))
        .route(
            "/agreements/{id}/documents/{document}/delete",
            post(remove_document),
        )
}

//! Periodic report pages: the list with completeness, a report with its values, narrative and
//! approval steps, and the forms that write and move it.

use std::collections::BTreeMap;

use amity_domain::indicator::Period;
use amity_domain::partner::Vocabulary;
use amity_domain::report::ReportState;
use amity_store::periodic::{self, Completeness, Form, Listed, Report, ReportFilter, ReportInput};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::{MoveForm, PageResult, after_post, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    form: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    state: String,
    /// The completeness table's period (default: last year).
    #[serde(default)]
    period: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "reports_periodic.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    forms: Vec<Form>,
    reports: Vec<Listed>,
    total: i64,
    page: u64,
    pages: u64,
    form: ListForm,
    states: &'static [ReportState],
    /// Units the user may open a report for.
    units: Vec<amity_store::org::OrgUnit>,
    completeness: Option<Completeness>,
    /// The completeness table's form and period.
    shown_form: String,
    shown_period: String,
    new_period: String,
    errors: FormErrors,
}

impl ListPage<'_> {
    fn form_name(&self, f: &Form) -> String {
        format!("{} — {}", f.code, self.ctx.local(&f.name_vi, &f.name_en))
    }

    fn state_label(&self, s: &str) -> String {
        s.parse::<ReportState>()
            .map(|s| self.ctx.vocab(&s))
            .unwrap_or_else(|_| s.to_owned())
    }
}

async fn list_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    form: ListForm,
    errors: FormErrors,
) -> amity_store::Result<ListPage<'a>> {
    let mut conn = state.db.conn().await?;
    let forms = periodic::forms(&mut conn).await?;
    let last_year = Utc::now().year() - 1;
    let page = form.page.unwrap_or(1).max(1);
    let year = form.year.trim().parse::<i32>().ok();
    let filter = ReportFilter {
        form: Some(form.form.clone()).filter(|f| !f.is_empty()),
        year,
        state: form.state.parse().ok(),
        ..Default::default()
    };
    let (reports, total) = periodic::list(
        &mut conn,
        &me.actor,
        &filter,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;
    let shown_form = forms
        .iter()
        .find(|f| f.code == form.form)
        .or_else(|| forms.iter().find(|f| f.code == "BC-NAM"))
        .or(forms.first());
    let shown_period = match form.period.trim() {
        "" => shown_form
            .and_then(|f| {
                f.period_kind
                    .periods(year.unwrap_or(last_year))
                    .last()
                    .map(Period::label)
            })
            .unwrap_or_default(),
        p => p.to_owned(),
    };
    let completeness = match shown_form {
        Some(f) => match periodic::completeness(&mut conn, &me.actor, &f.code, &shown_period).await
        {
            Ok(c) => Some(c),
            Err(amity_store::Error::Invalid(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let mut units = Vec::new();
    if let Some(annual) = forms.iter().find(|f| f.code == "BC-NAM")
        && let Ok(p) = Period::parse(&last_year.to_string())
    {
        units = periodic::units_for(&mut conn, &me.actor, annual, &p).await?;
    }
    if let Some(own) = me.actor.unit_id
        && !units.iter().any(|u| u.id == own)
        && me.actor.may(amity_domain::authz::Action::Write, Some(own))
        && let Ok(u) = amity_store::org::get(&mut conn, own, Utc::now().date_naive()).await
    {
        units.insert(0, u);
    }
    Ok(ListPage {
        ctx,
        shown_form: shown_form.map(|f| f.code.clone()).unwrap_or_default(),
        shown_period,
        forms,
        reports,
        total,
        page,
        pages: (total as u64).div_ceil(PER_PAGE).max(1),
        form,
        states: ReportState::ALL,
        units,
        completeness,
        new_period: last_year.to_string(),
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(form): Query<ListForm>,
) -> PageResult {
    Ok(render(
        &list_page(&state, &ctx, &me, form, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct NewForm {
    #[serde(default)]
    form: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<NewForm>,
) -> PageResult {
    let result = async {
        let unit = match f.unit.trim() {
            "" => me.actor.unit_id.ok_or_else(|| {
                amity_store::Error::invalid("unit", amity_domain::error::said("choose-unit", []))
            })?,
            u => u.parse::<i64>().map_err(|_| {
                amity_store::Error::invalid("unit", amity_domain::error::said("choose-unit", []))
            })?,
        };
        let mut tx = state.db.begin().await?;
        let created = periodic::create(&mut tx, &me.actor, &f.form, unit, &f.period)
            .await
            .map_err(super::beside_field)?;
        tx.commit().await?;
        Ok(created.id)
    }
    .await;
    after_post(&ctx, result, path::report, |errors| {
        list_page(&state, &ctx, &me, ListForm::default(), errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    ctx: &'a PageCtx,
    report: Report,
    moves: Vec<ReportState>,
    can_edit: bool,
    errors: FormErrors,
}

impl ReportPage<'_> {
    fn move_key(&self, to: &ReportState) -> String {
        match (self.report.state, to) {
            (ReportState::Submitted, ReportState::Draft) => "report-move-return".into(),
            (ReportState::Approved, ReportState::Draft) => "report-move-reopen".into(),
            (ReportState::Submitted, ReportState::Approved)
                if self.report.awaiting == Some("cluster_lead") =>
            {
                "report-move-sign".into()
            }
            _ => format!("report-move-{}", to.as_str()),
        }
    }

    /// Whether the draft on the page may be submitted: its form's second button saves, then
    /// submits, so nothing typed is lost.
    fn may_submit(&self) -> bool {
        self.can_edit && self.moves.contains(&ReportState::Submitted)
    }

    /// The moves offered as buttons of their own (submitting is the form's).
    fn shown_moves(&self) -> Vec<ReportState> {
        self.moves
            .iter()
            .copied()
            .filter(|to| !(self.can_edit && *to == ReportState::Submitted))
            .collect()
    }

    fn needs_comment(&self, to: &ReportState) -> bool {
        *to == ReportState::Draft
    }

    /// The records behind a computed value: the unit's subtree's delegations or events in the
    /// period, or its agreements in force on the period's last day.
    fn records(&self, code: &str) -> Option<String> {
        let r = &self.report;
        let base = |list: &str, extra: &str| {
            format!(
                "{list}?unit={}&from={}&to={}{extra}",
                r.unit_id, r.start, r.end
            )
        };
        Some(match code {
            "delegations_out" => base(path::DELEGATIONS, "&direction=outbound"),
            "delegations_in" => base(path::DELEGATIONS, "&direction=inbound"),
            "events" | "participants" | "foreign_participants" | "countries_reached" => {
                base(path::EVENTS, "")
            }
            "events_friendship" => base(path::EVENTS, "&type=friendship_exchange"),
            "events_conference" => base(path::EVENTS, "&type=conference"),
            "events_humanitarian" => base(path::EVENTS, "&type=humanitarian_support"),
            "agreements_in_force" => format!(
                "{}?unit={}&in_force_on={}",
                path::AGREEMENTS,
                r.unit_id,
                r.end
            ),
            _ => return None,
        })
    }

    fn manual_value(&self, v: &Option<f64>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }

    /// The narrative sections: field name, label key, text.
    fn sections(&self) -> [(&'static str, &'static str, &str); 3] {
        let r = &self.report;
        [
            ("results", "report-results", &r.results),
            ("shortcomings", "report-shortcomings", &r.shortcomings),
            ("directions", "report-directions", &r.directions),
        ]
    }

    fn awaiting_key(&self) -> String {
        format!(
            "report-awaiting-{}",
            self.report.awaiting.unwrap_or("nobody").replace('_', "-")
        )
    }
}

async fn report_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<ReportPage<'a>> {
    let mut conn = state.db.conn().await?;
    let report = periodic::get(&mut conn, &me.actor, id).await?;
    let moves = periodic::allowed_moves(&mut conn, &me.actor, &report).await?;
    let can_edit = periodic::may_edit(&mut conn, &me.actor, &report).await?;
    Ok(ReportPage {
        ctx,
        report,
        moves,
        can_edit,
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
        &report_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

/// The draft's sections and one `value_<code>` field per manual indicator.
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(fields): PostForm<BTreeMap<String, String>>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut input = ReportInput {
                results: fields.get("results").cloned(),
                shortcomings: fields.get("shortcomings").cloned(),
                directions: fields.get("directions").cloned(),
                values: BTreeMap::new(),
            };
            let mut problems = amity_domain::error::Checker::new();
            for (key, raw) in &fields {
                let Some(code) = key.strip_prefix("value_") else {
                    continue;
                };
                let raw = super::aid::page_number(raw);
                let value = match raw.as_str() {
                    "" => None,
                    n => problems.check(
                        &format!("values.{code}"),
                        n.parse::<f64>().map_err(|_| "must be a number".to_owned()),
                    ),
                };
                input.values.insert(code.to_owned(), value);
            }
            problems.finish()?;
            periodic::update(tx, &me.actor, id, &input).await?;
            if fields.get("then").map(String::as_str) == Some("submitted") {
                periodic::transition(tx, &me.actor, id, ReportState::Submitted, None).await?;
            }
            Ok(())
        },
        |()| path::report(id),
        |errors| report_page(&state, &ctx, &me, id, errors),
    )
    .await
}

async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(form): PostForm<MoveForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let to = form
                .to
                .parse::<ReportState>()
                .map_err(|e| amity_store::Error::invalid("to", e))?;
            periodic::transition(tx, &me.actor, id, to, Some(&form.comment)).await?;
            Ok(())
        },
        |()| path::report(id),
        |errors| report_page(&state, &ctx, &me, id, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/reports/periodic", get(list).post(create))
        .route("/reports/{id}", get(show))
        .route("/reports/{id}/edit", post(update))
        .route("/reports/{id}/transitions", post(transition))
}

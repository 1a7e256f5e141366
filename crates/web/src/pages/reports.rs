//! The report summary page: a unit's indicators for a period, rolled up and compared, read as
//! organized then or restated to today's structure.

use amity_domain::authz::Action;
use amity_domain::indicator::Period;
use amity_store::report::{self, Reading, Summary};
use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

#[derive(Debug, Default, Deserialize)]
struct SummaryForm {
    unit: Option<i64>,
    #[serde(default)]
    period: String,
    #[serde(default)]
    structure: String,
}

#[derive(Template)]
#[template(path = "report_summary.html")]
struct SummaryPage<'a> {
    ctx: &'a PageCtx,
    units: Vec<amity_store::org::OrgUnit>,
    unit: i64,
    period: String,
    structure: String,
    summary: Option<Summary>,
    error: Option<String>,
}

impl SummaryPage<'_> {
    fn measure(&self, v: &amity_store::report::Value) -> &'static str {
        if self.ctx.lang.code() == "vi" {
            v.measure_vi
        } else {
            v.measure_en
        }
    }

    /// The indicators shown for each part.
    fn part_codes(&self) -> [&'static str; 5] {
        [
            "delegations_out",
            "delegations_in",
            "events",
            "participants",
            "foreign_participants",
        ]
    }

    fn indicator_label(&self, code: &str) -> &'static str {
        amity_domain::indicator::CATALOGUE
            .iter()
            .find(|i| i.code == code)
            .map(|i| self.ctx.local(i.name_vi, i.name_en))
            .unwrap_or_default()
    }

    fn part_value(&self, part: &amity_store::report::Part, code: &str) -> String {
        self.ctx
            .figure(&part.values.get(code).copied().unwrap_or_default())
    }

    fn pct(&self, share: &f64) -> String {
        self.ctx.figure(&(share * 100.0))
    }

    fn signed(&self, v: &f64) -> String {
        crate::view::signed(*v)
    }
}

async fn summary(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(form): Query<SummaryForm>,
) -> PageResult {
    let period = if form.period.trim().is_empty() {
        Utc::now().year().to_string()
    } else {
        form.period.trim().to_owned()
    };
    let mut conn = state.db.conn().await?;
    let today = Utc::now().date_naive();
    let units: Vec<_> = amity_store::org::all_as_of(&mut conn, today)
        .await?
        .into_iter()
        .filter(|u| me.actor.may(Action::Read, Some(u.id)))
        .collect();
    let unit = form.unit.or(me.actor.unit_id).unwrap_or_default();
    let mut units = units;
    if !units.iter().any(|u| u.id == unit)
        && let Ok(closed) = amity_store::org::get(&mut conn, unit, today).await
    {
        // A unit closed since (merged, split) stays choosable when asked for.
        units.insert(0, closed);
    }
    let mut structure = form.structure.clone();
    let (summary, error) = match Period::parse(&period) {
        Ok(p) => {
            let reading = match Reading::parse(&form.structure) {
                Ok(r) => r,
                // Unless asked, a unit formed after the period began is read restated.
                Err(_) => match amity_store::org::get(&mut conn, unit, p.end).await {
                    Ok(u) => Reading::default_for(&u, &p),
                    Err(_) => Reading::Then,
                },
            };
            structure = reading.as_str().to_owned();
            match report::summary(&mut conn, &me.actor, unit, &p, true, reading).await {
                Ok(s) => (Some(s), None),
                Err(amity_store::Error::NotFound(_)) => (None, Some(ctx.t("error-404-detail"))),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => (None, Some(format!("{}: {e}", ctx.t("report-period")))),
    };
    Ok(render(&Ok::<_, amity_store::Error>(SummaryPage {
        ctx: &ctx,
        units,
        unit,
        period: period.clone(),
        structure: structure.clone(),
        summary,
        error,
    })?))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/reports", get(summary))
}

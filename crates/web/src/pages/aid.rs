//! Aid pages: the year's foreign-NGO aid in the reader's scope, compared with the year before,
//! by province, sector and donor country (charts with their tables), the projects, and one
//! project with its money.

use amity_domain::money::format_amount;
use amity_store::aid::{self, Breakdown, Dashboard, Listed, Project, ProjectFilter, Sum};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use super::dashboard::{Figure, figure};
use super::page_or_error;
use crate::auth::Auth;
use crate::chart::Series;
use crate::routes::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "aid.html")]
struct AidPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    dashboard: Dashboard,
    figures: Vec<Figure>,
    projects: Vec<Listed>,
}

impl AidPage<'_> {
    fn vnd(&self, s: &Sum) -> String {
        format_amount(&s.vnd)
    }

    fn usd(&self, s: &Sum) -> String {
        format_amount(&s.usd)
    }

    /// The change from the year before, in percent, when there was something before.
    fn change(&self, now: &Sum, before: &Sum) -> String {
        if before.vnd.is_zero() {
            return "—".into();
        }
        let pct = ((now.vnd - before.vnd) * Decimal::ONE_HUNDRED / before.vnd).round_dp(1);
        format!("{}{} %", if pct.is_sign_positive() { "+" } else { "" }, format_amount(&pct))
    }
}

const GREEN: (u8, u8, u8) = (29, 122, 70);
const BLUE: (u8, u8, u8) = (11, 92, 173);

/// Committed and disbursed, in million đồng, for the first 15 of a breakdown.
fn breakdown_figure(ctx: &PageCtx, title_key: &str, list: &[Breakdown]) -> Result<Figure, amity_store::Error> {
    let top: Vec<&Breakdown> = list.iter().take(15).collect();
    let million = |d: Decimal| (d / Decimal::from(1_000_000)).to_f64().unwrap_or_default();
    figure(
        ctx.t(title_key),
        top.iter().map(|b| b.name.clone()).collect(),
        vec![
            Series { name: ctx.t("aid-committed-million"), color: BLUE, values: top.iter().map(|b| million(b.committed.vnd)).collect() },
            Series { name: ctx.t("aid-disbursed-million"), color: GREEN, values: top.iter().map(|b| million(b.disbursed.vnd)).collect() },
        ],
    )
}

async fn overview(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Query(q): Query<YearQuery>) -> Response {
    let year = q.year.unwrap_or_else(|| Utc::now().year());
    let result = async {
        let mut conn = state.db.conn().await?;
        let dashboard = aid::dashboard(&mut conn, &me.actor, None, year).await?;
        let (projects, _) = aid::list(&mut conn, &me.actor, &ProjectFilter { year: Some(year), ..Default::default() }, 500, 0).await?;
        let mut figures = Vec::new();
        for (key, list) in
            [("aid-by-unit", &dashboard.by_unit), ("aid-by-sector", &dashboard.by_sector), ("aid-by-country", &dashboard.by_country)]
        {
            if !list.is_empty() {
                figures.push(breakdown_figure(&ctx, key, list)?);
            }
        }
        Ok(AidPage { ctx: &ctx, year, dashboard, figures, projects })
    }
    .await;
    page_or_error(&ctx, result)
}

#[derive(Template)]
#[template(path = "aid_project.html")]
struct ProjectPage<'a> {
    ctx: &'a PageCtx,
    project: Project,
}

impl ProjectPage<'_> {
    fn amount(&self, d: &Decimal) -> String {
        format_amount(d)
    }
}

async fn project(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx, Path(id): Path<i64>) -> Response {
    let result = async {
        let mut conn = state.db.conn().await?;
        let project = aid::get(&mut conn, &me.actor, id).await?;
        Ok(ProjectPage { ctx: &ctx, project })
    }
    .await;
    page_or_error(&ctx, result)
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/aid", get(overview)).route("/aid/projects/{id}", get(project))
}

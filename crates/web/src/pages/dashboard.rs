//! The dashboard of the user's scope: activity per month, countries reached, the key
//! indicators against the year before, and the clusters side by side. Charts are SVG drawn on
//! the server; each has its numbers in a table beside it.

use std::collections::{BTreeMap, HashMap};

use amity_domain::authz::{Action, Scope};
use amity_domain::indicator::Period;
use amity_domain::org::OrgKind;
use amity_store::report::{self, Reading, Summary};
use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::chart::{self, Series};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

/// A chart and the table of its numbers.
pub(crate) struct Figure {
    pub title: String,
    pub svg: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    figures: Vec<Figure>,
    key: Option<Summary>,
    /// For each form, the latest period already due and the units in scope that have not
    /// submitted.
    missing: Vec<amity_store::periodic::Completeness>,
}

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

pub(crate) fn figure(
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
) -> Result<Figure, amity_store::Error> {
    let svg = chart::bars(&title, &labels, &series)
        .map_err(|e| amity_store::Error::Other(anyhow::anyhow!("drawing a chart: {e}")))?;
    let columns = series.iter().map(|s| s.name.clone()).collect();
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.clone(),
                series
                    .iter()
                    .map(|s| amity_domain::text::format_int(s.values[i].round() as i64))
                    .collect(),
            )
        })
        .collect();
    Ok(Figure {
        title,
        svg,
        columns,
        rows,
    })
}

/// Whether a live-total metric counts towards the catalogue's indicator `code`.
fn taken_by(code: &str, metric: &str) -> bool {
    amity_domain::indicator::CATALOGUE
        .iter()
        .any(|i| i.code == code && i.takes(metric))
}

const RED: (u8, u8, u8) = (179, 38, 30);
const GREEN: (u8, u8, u8) = (29, 122, 70);
const BLUE: (u8, u8, u8) = (11, 92, 173);

async fn dashboard(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let mut conn = state.db.conn().await?;
    let today = Utc::now().date_naive();
    let year = match q.year {
        Some(y) => y,
        // The latest year with something to show.
        None => super::latest_activity(&mut conn, &me.actor, today)
            .await?
            .map_or(today.year(), |d| d.year()),
    };
    let units: Option<Vec<i64>> = match &me.actor.read {
        Scope::All => None,
        Scope::Units(u) => Some(u.iter().copied().collect()),
    };
    let rows =
        amity_store::totals::read(&mut conn, units.as_deref(), (year, 1), (year, 12)).await?;
    let mut monthly: BTreeMap<(u32, &str), f64> = BTreeMap::new();
    let mut countries: HashMap<String, f64> = HashMap::new();
    for r in &rows {
        let series = ["delegations_out", "delegations_in", "events"]
            .into_iter()
            .find(|code| taken_by(code, &r.metric));
        if let Some(code) = r.metric.strip_prefix("country:") {
            *countries.entry(code.to_owned()).or_default() += r.value as f64;
        }
        if let Some(s) = series {
            *monthly.entry((r.month as u32, s)).or_default() += r.value as f64;
        }
    }
    let months: Vec<String> = (1..=12).map(|m| format!("{m}")).collect();
    let per_month = |s: &str| {
        (1..=12)
            .map(|m| monthly.get(&(m, s)).copied().unwrap_or(0.0))
            .collect::<Vec<_>>()
    };
    let mut figures = vec![figure(
        format!("{} {year}", ctx.t("dashboard-monthly")),
        months,
        vec![
            Series {
                name: ctx.t("vocab-direction-outbound"),
                color: RED,
                values: per_month("delegations_out"),
            },
            Series {
                name: ctx.t("vocab-direction-inbound"),
                color: GREEN,
                values: per_month("delegations_in"),
            },
            Series {
                name: ctx.t("nav-events"),
                color: BLUE,
                values: per_month("events"),
            },
        ],
    )?];
    let names: HashMap<String, String> = amity_store::country::all(&mut conn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name_vi))
        .collect();
    let mut top: Vec<(String, f64)> = countries.into_iter().filter(|(_, v)| *v > 0.0).collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(15);
    if !top.is_empty() {
        figures.push(figure(
            format!("{} {year}", ctx.t("dashboard-countries")),
            top.iter()
                .map(|(c, _)| names.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect(),
            vec![Series {
                name: ctx.t("dashboard-activities"),
                color: BLUE,
                values: top.iter().map(|(_, v)| *v).collect(),
            }],
        )?);
    }
    let period =
        Period::parse(&year.to_string()).map_err(|e| amity_store::Error::invalid("year", e))?;
    let mid = NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(period.start);
    let clusters: Vec<_> = amity_store::org::all_as_of(&mut conn, mid)
        .await?
        .into_iter()
        .filter(|u| u.kind == OrgKind::Cluster.as_str() && me.actor.may(Action::Read, Some(u.id)))
        .collect();
    if clusters.len() > 1 {
        let mut out = Vec::new();
        let mut events = Vec::new();
        for c in &clusters {
            let s =
                report::summary(&mut conn, &me.actor, c.id, &period, false, Reading::Then).await?;
            let value = |code: &str| {
                s.indicators
                    .iter()
                    .find(|i| i.code == code)
                    .map(|i| i.subtree)
                    .unwrap_or(0.0)
            };
            out.push(value("delegations_out") + value("delegations_in"));
            events.push(value("events"));
        }
        figures.push(figure(
            format!("{} {year}", ctx.t("dashboard-clusters")),
            clusters.iter().map(|c| c.label().to_owned()).collect(),
            vec![
                Series {
                    name: ctx.t("nav-delegations"),
                    color: RED,
                    values: out,
                },
                Series {
                    name: ctx.t("nav-events"),
                    color: BLUE,
                    values: events,
                },
            ],
        )?);
    }
    let key = match me.actor.unit_id {
        Some(u) => {
            let unit = amity_store::org::get(&mut conn, u, period.end).await?;
            let reading = Reading::default_for(&unit, &period);
            Some(report::summary(&mut conn, &me.actor, u, &period, true, reading).await?)
        }
        None => None,
    };
    let missing =
        amity_store::periodic::missing(&mut conn, &me.actor, chrono::Utc::now().date_naive())
            .await?;
    Ok(render(&Ok::<_, amity_store::Error>(DashboardPage {
        ctx: &ctx,
        year,
        figures,
        key,
        missing,
    })?))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/dashboard", get(dashboard))
}

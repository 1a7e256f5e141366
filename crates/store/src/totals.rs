//! Live activity totals: per unit and month, how many delegations (by direction and state) and
//! events (by type), how many participants, and which countries were reached. Every write to a
//! delegation or an event moves these numbers in the same transaction, so reports read them
//! without scanning records; [`crate::check_totals`] recomputes them from the records.
//!
//! Metrics are named: `delegations_out:<state>`, `delegations_in:<state>`, `events:<type>`,
//! `participants`, `foreign_participants`, `country:<ISO code>` (how many of the month's
//! records reached that country; the countries reached are those with a positive count),
//! `agreements_signed`, `tasks_done` (in December of the task's year), `partners_new`, and
//! foreign-NGO aid committed and disbursed (`aid_committed_vnd`, `aid_committed_usd_cents`,
//! `aid_disbursed_vnd`, `aid_disbursed_usd_cents`, to the project's unit in the transaction's
//! month).
//!
//! [`STOCKS`] are kept as their changes: `agreements_in_force` is +1 in the month an agreement
//! enters force and −1 in the first month it is no longer in force at the month's end;
//! `aid_projects_active` likewise over a project's planned dates while it is being implemented
//! or finalised. A
//! stock's value at a month's end is the sum of its changes up to that month ([`stocks_by_unit`]);
//! the windowed reads ([`read`], [`sum`], [`sum_by_unit`]) leave stocks out.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sea_query::{Cond, Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;

use crate::db::Conn;
use crate::error::Result;
use crate::schema::ActivityTotals;

/// Metrics kept as the changes of a stock (see the module's description).
pub const STOCKS: &[&str] = &["agreements_in_force", "aid_projects_active"];

/// (unit, year, month, metric)
pub type Key = (i64, i32, u32, String);

/// What one record adds to the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contribution(pub BTreeMap<Key, i64>);

impl Contribution {
    pub fn add(&mut self, unit: i64, date: NaiveDate, metric: impl Into<String>, value: i64) {
        if value != 0 {
            *self
                .0
                .entry((unit, date.year(), date.month(), metric.into()))
                .or_default() += value;
        }
    }

    /// One for each foreign country among `codes` (each counted once; Vietnam is not foreign).
    pub fn add_countries<'a>(
        &mut self,
        unit: i64,
        date: NaiveDate,
        codes: impl IntoIterator<Item = &'a str>,
    ) {
        let foreign: std::collections::BTreeSet<&str> =
            codes.into_iter().filter(|c| *c != "VN").collect();
        for code in foreign {
            self.add(unit, date, format!("country:{code}"), 1);
        }
    }

    pub(crate) fn merge(&mut self, other: &Contribution, sign: i64) {
        for (key, value) in &other.0 {
            *self.0.entry(key.clone()).or_default() += sign * value;
        }
    }
}

/// Moves the totals from what `before` contributed to what `after` contributes.
pub async fn apply(
    conn: &mut Conn,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> Result<()> {
    let mut delta = Contribution::default();
    if let Some(b) = before {
        delta.merge(b, -1);
    }
    if let Some(a) = after {
        delta.merge(a, 1);
    }
    for ((unit, year, month, metric), value) in delta.0 {
        if value == 0 {
            continue;
        }
        conn.execute(
            Query::insert()
                .into_table(ActivityTotals::Table)
                .columns([
                    ActivityTotals::UnitId,
                    ActivityTotals::Year,
                    ActivityTotals::Month,
                    ActivityTotals::Metric,
                    ActivityTotals::Value,
                ])
                .values_panic([
                    unit.into(),
                    year.into(),
                    (month as i32).into(),
                    metric.into(),
                    value.into(),
                ])
                .on_conflict(
                    OnConflict::columns([
                        ActivityTotals::UnitId,
                        ActivityTotals::Year,
                        ActivityTotals::Month,
                        ActivityTotals::Metric,
                    ])
                    .value(
                        ActivityTotals::Value,
                        Expr::cust("activity_totals.value + excluded.value"),
                    )
                    .to_owned(),
                ),
        )
        .await?;
    }
    Ok(())
}

/// One stored total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Total {
    pub unit_id: i64,
    pub year: i32,
    pub month: i32,
    pub metric: String,
    pub value: i64,
}

/// The stored totals of `units` (all when `None`) from `from` to `to` (months, inclusive).
pub async fn read(
    conn: &mut Conn,
    units: Option<&[i64]>,
    from: (i32, u32),
    to: (i32, u32),
) -> Result<Vec<Total>> {
    let cond = window(units, from, to).add(Expr::col(ActivityTotals::Value).ne(0));
    conn.fetch_all(
        Query::select()
            .columns([
                ActivityTotals::UnitId,
                ActivityTotals::Year,
                ActivityTotals::Month,
                ActivityTotals::Metric,
                ActivityTotals::Value,
            ])
            .from(ActivityTotals::Table)
            .cond_where(cond)
            .order_by(ActivityTotals::UnitId, Order::Asc)
            .order_by(ActivityTotals::Year, Order::Asc)
            .order_by(ActivityTotals::Month, Order::Asc)
            .order_by(ActivityTotals::Metric, Order::Asc),
    )
    .await
}

/// Rows of `units` (all when `None`) from `from` to `to` (months, inclusive), as row-value
/// comparisons on (year, month) that the (year, month) index answers and both planners estimate
/// well (PostgreSQL then hashes the groups instead of sorting them).
fn window(units: Option<&[i64]>, from: (i32, u32), to: (i32, u32)) -> Cond {
    let month = || {
        Expr::tuple([
            Expr::col(ActivityTotals::Year),
            Expr::col(ActivityTotals::Month),
        ])
    };
    let at = |(y, m): (i32, u32)| Expr::tuple([Expr::val(y), Expr::val(m as i32)]);
    let mut cond = Cond::all()
        .add(Expr::col(ActivityTotals::Year).between(from.0, to.0))
        .add(month().gte(at(from)))
        .add(month().lte(at(to)))
        .add(Expr::col(ActivityTotals::Metric).is_not_in(STOCKS.iter().copied()));
    if let Some(units) = units {
        cond = cond.add(Expr::col(ActivityTotals::UnitId).is_in(units.iter().copied()));
    }
    cond
}

/// The totals of `units` (all when `None`) from `from` to `to` (months, inclusive), summed by
/// metric in the database.
pub async fn sum(
    conn: &mut Conn,
    units: Option<&[i64]>,
    from: (i32, u32),
    to: (i32, u32),
) -> Result<Vec<Total>> {
    let rows: Vec<(String, i64)> = conn
        .fetch_all(
            Query::select()
                .column(ActivityTotals::Metric)
                .expr_as(
                    Expr::col(ActivityTotals::Value).sum().cast_as("bigint"),
                    "value",
                )
                .from(ActivityTotals::Table)
                .cond_where(window(units, from, to))
                .group_by_col(ActivityTotals::Metric)
                .order_by(ActivityTotals::Metric, Order::Asc),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, v)| *v != 0)
        .map(|(metric, value)| Total {
            unit_id: 0,
            year: from.0,
            month: from.1 as i32,
            metric,
            value,
        })
        .collect())
}

/// The same, summed by unit and metric: one row per unit and metric, dated `from`.
pub async fn sum_by_unit(
    conn: &mut Conn,
    units: Option<&[i64]>,
    from: (i32, u32),
    to: (i32, u32),
) -> Result<Vec<Total>> {
    let rows: Vec<(i64, String, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([ActivityTotals::UnitId, ActivityTotals::Metric])
                .expr_as(
                    Expr::col(ActivityTotals::Value).sum().cast_as("bigint"),
                    "value",
                )
                .from(ActivityTotals::Table)
                .cond_where(window(units, from, to))
                .group_by_columns([ActivityTotals::UnitId, ActivityTotals::Metric]),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, v)| *v != 0)
        .map(|(unit_id, metric, value)| Total {
            unit_id,
            year: from.0,
            month: from.1 as i32,
            metric,
            value,
        })
        .collect())
}

/// The [`STOCKS`] of `units` (all when `None`) at the end of the month `at`, by unit and
/// metric: every change up to that month, summed in the database. Rows are dated `at`.
pub async fn stocks_by_unit(
    conn: &mut Conn,
    units: Option<&[i64]>,
    at: (i32, u32),
) -> Result<Vec<Total>> {
    let month = Expr::tuple([
        Expr::col(ActivityTotals::Year),
        Expr::col(ActivityTotals::Month),
    ]);
    let mut cond = Cond::all()
        .add(Expr::col(ActivityTotals::Metric).is_in(STOCKS.iter().copied()))
        .add(month.lte(Expr::tuple([Expr::val(at.0), Expr::val(at.1 as i32)])));
    if let Some(units) = units {
        cond = cond.add(Expr::col(ActivityTotals::UnitId).is_in(units.iter().copied()));
    }
    let rows: Vec<(i64, String, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([ActivityTotals::UnitId, ActivityTotals::Metric])
                .expr_as(
                    Expr::col(ActivityTotals::Value).sum().cast_as("bigint"),
                    "value",
                )
                .from(ActivityTotals::Table)
                .cond_where(cond)
                .group_by_columns([ActivityTotals::UnitId, ActivityTotals::Metric]),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, v)| *v != 0)
        .map(|(unit_id, metric, value)| Total {
            unit_id,
            year: at.0,
            month: at.1 as i32,
            metric,
            value,
        })
        .collect())
}

/// Sums totals by metric; `countries_reached` is the number of distinct countries with a
/// positive count.
pub fn summarize(totals: &[Total]) -> (BTreeMap<String, i64>, usize) {
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for t in totals {
        *sums.entry(t.metric.clone()).or_default() += t.value;
    }
    let countries = sums
        .iter()
        .filter(|(m, v)| m.starts_with("country:") && **v > 0)
        .count();
    (sums, countries)
}

/// A stored total that differs from the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Difference {
    pub unit_id: i64,
    pub year: i32,
    pub month: u32,
    pub metric: String,
    pub stored: i64,
    pub computed: i64,
}

/// Replaces every stored total with `computed` (every record's contribution, summed; see
/// [`crate::rebuild_totals`]).
pub(crate) async fn replace_all(conn: &mut Conn, computed: &Contribution) -> Result<()> {
    conn.execute(Query::delete().from_table(ActivityTotals::Table))
        .await?;
    apply(conn, None, Some(computed)).await
}

/// Where the stored totals differ from `computed` (every record's contribution, summed; see
/// [`crate::check_totals`]).
pub(crate) async fn differences(
    conn: &mut Conn,
    computed: &Contribution,
) -> Result<Vec<Difference>> {
    let stored: Vec<Total> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ActivityTotals::UnitId,
                    ActivityTotals::Year,
                    ActivityTotals::Month,
                    ActivityTotals::Metric,
                    ActivityTotals::Value,
                ])
                .from(ActivityTotals::Table),
        )
        .await?;
    let mut stored_map: BTreeMap<Key, i64> = BTreeMap::new();
    for t in stored {
        stored_map.insert((t.unit_id, t.year, t.month as u32, t.metric), t.value);
    }
    let mut keys: Vec<&Key> = stored_map.keys().chain(computed.0.keys()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let (s, c) = (
                stored_map.get(k).copied().unwrap_or(0),
                computed.0.get(k).copied().unwrap_or(0),
            );
            (s != c).then(|| Difference {
                unit_id: k.0,
                year: k.1,
                month: k.2,
                metric: k.3.clone(),
                stored: s,
                computed: c,
            })
        })
        .collect())
}

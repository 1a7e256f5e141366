//! Roll-up and comparison of the computed indicators for any unit and period, read from the
//! live totals in two ways: *as organized then* (the units under it on the period's dates) and
//! *restated to today's structure* (each unit's values carried to the units it became, through
//! the merge and split lineage, splits by their recorded shares).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor};
use amity_domain::indicator::{Aggregation, CATALOGUE, Period};
use chrono::{NaiveDate, Utc};
use sea_query::Query;
use serde::Serialize;

use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{OrgEventLinks, OrgParents};
use crate::{org, totals};

/// Which structure the values are read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// The units under the unit on the period's dates.
    Then,
    /// Today's structure, earlier units' values carried to their successors.
    Current,
}

impl Reading {
    pub fn parse(s: &str) -> std::result::Result<Reading, String> {
        match s {
            "then" => Ok(Reading::Then),
            "current" => Ok(Reading::Current),
            other => Err(format!("unknown structure “{other}” (expected then or current)")),
        }
    }
}

/// One indicator's values in a summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measure_vi: &'static str,
    pub measure_en: &'static str,
    /// The unit's own records.
    pub own: f64,
    /// The unit and everything under it.
    pub subtree: f64,
    /// The subtree's value in the compared period.
    pub previous: Option<f64>,
    pub change: Option<f64>,
    /// Percent change; absent when the compared value is zero.
    pub change_pct: Option<f64>,
}

/// A unit's indicators for a period, with its year-over-year comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub structure: Reading,
    pub compared_with: Option<String>,
    /// The units whose records were counted (restated: the units whose values reached it).
    pub units_counted: usize,
    pub indicators: Vec<Value>,
}

/// Two decimals (restated values carry split shares); an empty sum's -0 reads as 0.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

/// Units under `root` (and `root`) through parent links valid at some time in `from..=to`.
async fn dated_subtree(conn: &mut Conn, root: i64, from: NaiveDate, to: NaiveDate) -> Result<BTreeSet<i64>> {
    let rows: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgParents::UnitId, OrgParents::ParentId, OrgParents::ValidFrom, OrgParents::ValidTo])
                .from(OrgParents::Table),
        )
        .await?;
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for (unit, parent, valid_from, valid_to) in rows {
        if valid_from <= to && valid_to.is_none_or(|t| t >= from) {
            children.entry(parent).or_default().push(unit);
        }
    }
    let mut seen = BTreeSet::from([root]);
    let mut stack = vec![root];
    while let Some(u) = stack.pop() {
        for c in children.get(&u).into_iter().flatten() {
            if seen.insert(*c) {
                stack.push(*c);
            }
        }
    }
    Ok(seen)
}

/// For every unit that has successors, the units it became and the share each took.
async fn successors(conn: &mut Conn) -> Result<HashMap<i64, Vec<(i64, f64)>>> {
    let links: Vec<(Option<i64>, Option<i64>, Option<f64>)> = conn
        .fetch_all(
            Query::select().columns([OrgEventLinks::FromUnitId, OrgEventLinks::ToUnitId, OrgEventLinks::Share]).from(OrgEventLinks::Table),
        )
        .await?;
    let mut out: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    for (from, to, share) in links {
        if let (Some(from), Some(to)) = (from, to)
            && from != to
        {
            out.entry(from).or_default().push((to, share.unwrap_or(1.0)));
        }
    }
    Ok(out)
}

/// Where a unit's values land in today's structure: itself if it has no successor, else its
/// successors' landing places weighted by their shares.
fn landing(unit: i64, successors: &HashMap<i64, Vec<(i64, f64)>>, depth: u32) -> Vec<(i64, f64)> {
    match successors.get(&unit) {
        Some(next) if depth < 32 => {
            next.iter().flat_map(|(to, share)| landing(*to, successors, depth + 1).into_iter().map(move |(u, w)| (u, w * share))).collect()
        }
        _ => vec![(unit, 1.0)],
    }
}

fn indicator_values(metrics: &BTreeMap<String, f64>) -> Vec<f64> {
    CATALOGUE
        .iter()
        .map(|i| {
            let taken = metrics.iter().filter(|(m, _)| i.takes(m));
            match i.aggregation {
                Aggregation::Sum => taken.map(|(_, v)| v).sum(),
                Aggregation::DistinctCount => taken.filter(|(_, v)| **v > 0.0).count() as f64,
            }
        })
        .collect()
}

/// The structure a reading needs: the units under the unit during each period (then), or
/// today's subtree and where every unit's values land (restated).
enum Structure {
    Then,
    Current { today_tree: BTreeSet<i64>, successors: HashMap<i64, Vec<(i64, f64)>> },
}

/// The metrics of the unit itself and of the set, for one period and reading.
async fn values(conn: &mut Conn, unit: i64, period: &Period, structure: &Structure) -> Result<(Vec<f64>, Vec<f64>, usize)> {
    let (from, to) = period.months();
    let mut own: BTreeMap<String, f64> = BTreeMap::new();
    let mut tree: BTreeMap<String, f64> = BTreeMap::new();
    let mut counted = BTreeSet::new();
    match structure {
        Structure::Then => {
            // Only the set's own totals are read.
            let set: Vec<i64> = dated_subtree(conn, unit, period.start, period.end).await?.into_iter().collect();
            for r in totals::read(conn, Some(&set), from, to).await? {
                *tree.entry(r.metric.clone()).or_default() += r.value as f64;
                if r.unit_id == unit {
                    *own.entry(r.metric.clone()).or_default() += r.value as f64;
                }
                counted.insert(r.unit_id);
            }
        }
        Structure::Current { today_tree, successors } => {
            let mut cache: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
            for r in &totals::read(conn, None, from, to).await? {
                let lands = cache.entry(r.unit_id).or_insert_with(|| landing(r.unit_id, successors, 0));
                for (target, weight) in lands.iter() {
                    if today_tree.contains(target) {
                        *tree.entry(r.metric.clone()).or_default() += r.value as f64 * weight;
                        counted.insert(r.unit_id);
                        if *target == unit {
                            *own.entry(r.metric.clone()).or_default() += r.value as f64 * weight;
                        }
                    }
                }
            }
        }
    }
    Ok((indicator_values(&own), indicator_values(&tree), counted.len()))
}

/// The computed indicators of `unit` for `period`, compared with the same period a year
/// earlier when `compare`. The actor must be able to read the unit.
pub async fn summary(conn: &mut Conn, actor: &Actor, unit: i64, period: &Period, compare: bool, reading: Reading) -> Result<Summary> {
    if !actor.may(Action::Read, Some(unit)) {
        return Err(Error::NotFound("unit"));
    }
    let today = Utc::now().date_naive();
    let name = org::unit_refs(conn, [unit].into()).await?.remove(&unit).ok_or(Error::NotFound("unit"))?.name;
    // The lineage and today's subtree are read once, for both periods.
    let structure = match reading {
        Reading::Then => Structure::Then,
        Reading::Current => {
            Structure::Current { today_tree: dated_subtree(conn, unit, today, today).await?, successors: successors(conn).await? }
        }
    };
    let (own, tree, counted) = values(conn, unit, period, &structure).await?;
    let previous_period = period.previous_year();
    let previous = match compare {
        true => Some(values(conn, unit, &previous_period, &structure).await?.1),
        false => None,
    };
    let indicators = CATALOGUE
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let before = previous.as_ref().map(|p| p[i]);
            Value {
                code: ind.code,
                name_vi: ind.name_vi,
                name_en: ind.name_en,
                measure_vi: ind.measure_vi,
                measure_en: ind.measure_en,
                own: round(own[i]),
                subtree: round(tree[i]),
                previous: before.map(round),
                change: before.map(|b| round(tree[i] - b)),
                change_pct: before.filter(|b| *b != 0.0).map(|b| round((tree[i] - b) / b * 100.0)),
            }
        })
        .collect();
    Ok(Summary {
        unit_id: unit,
        unit_name: name,
        period: period.label(),
        start: period.start,
        end: period.end,
        structure: reading,
        compared_with: compare.then(|| previous_period.label()),
        units_counted: counted,
        indicators,
    })
}

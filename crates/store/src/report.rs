//! Roll-up and comparison of the computed indicators for any unit and period, read from the
//! live totals in two ways: *as organized then* (the units under it on the period's dates) and
//! *restated to today's structure* (each unit's values carried to the units it became, through
//! the merge and split lineage, splits by their recorded shares).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor};
use amity_domain::indicator::{Aggregation, CATALOGUE, Period};
use chrono::{NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{OrgEventLinks, OrgParents, OrgUnits};
use crate::{org, totals};

/// Which structure the values are read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// The units under the unit on the period's dates.
    Then,
    /// Today's structure, earlier units' values carried to their successors.
    Current,
}

impl Reading {
    /// The reading a unit's figures for a period are shown in unless another is asked for:
    /// as organized then while the unit existed from the period's start, else restated, so a
    /// unit formed by a merger shows what the units it carries did (never a row of zeros).
    pub fn default_for(unit: &org::OrgUnit, period: &Period) -> Reading {
        if unit.is_open_on(period.start) {
            Reading::Then
        } else {
            Reading::Current
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reading::Then => "then",
            Reading::Current => "current",
        }
    }

    pub fn parse(s: &str) -> std::result::Result<Reading, String> {
        match s {
            "then" => Ok(Reading::Then),
            "current" => Ok(Reading::Current),
            other => Err(format!(
                "unknown structure “{other}” (expected then or current)"
            )),
        }
    }
}

/// One indicator's values in a summary.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// The units directly under it (then: during the period; restated: today), each with its
    /// subtree's values and, restated, the earlier units whose values it carries.
    pub parts: Vec<Part>,
    /// Restated: units whose values crossed the unit's boundary through a merge or split.
    pub notes: Vec<Note>,
}

/// An earlier unit whose values a part carries, and the share carried.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Carried {
    pub unit_id: i64,
    pub unit_name: String,
    pub share: f64,
}

/// A unit directly under the summarized unit, with its subtree's indicator values.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = SummaryPart)]
pub struct Part {
    pub unit_id: i64,
    pub unit_name: String,
    /// Indicator code → value, in the catalogue's order.
    pub values: BTreeMap<&'static str, f64>,
    /// Restated: the earlier units (existing during the period) whose values it now holds.
    pub carries: Vec<Carried>,
}

/// Why a restated figure differs from the organized-then one for a unit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = SummaryNote)]
pub struct Note {
    /// `joined`: a unit outside during the period whose values now count here (it merged into
    /// one of today's units); `left`: a unit inside during the period whose values now count
    /// elsewhere (it merged into a unit outside).
    pub kind: &'static str,
    pub unit_id: i64,
    pub unit_name: String,
    /// The share of its values concerned.
    pub share: f64,
    /// Where its values are counted today.
    pub now_in: Vec<Carried>,
}

/// Two decimals (restated values carry split shares); an empty sum's -0 reads as 0.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

/// Parent → children through links valid at some time in `from..=to`.
async fn dated_children(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    OrgParents::UnitId,
                    OrgParents::ParentId,
                    OrgParents::ValidFrom,
                    OrgParents::ValidTo,
                ])
                .from(OrgParents::Table),
        )
        .await?;
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for (unit, parent, valid_from, valid_to) in rows {
        if valid_from <= to && valid_to.is_none_or(|t| t >= from) {
            children.entry(parent).or_default().push(unit);
        }
    }
    Ok(children)
}

/// Units under `root` (and `root`) through parent links valid at some time in `from..=to`.
async fn dated_subtree(
    conn: &mut Conn,
    root: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeSet<i64>> {
    Ok(subtree_in(&dated_children(conn, from, to).await?, root))
}

fn subtree_in(children: &HashMap<i64, Vec<i64>>, root: i64) -> BTreeSet<i64> {
    let mut seen = BTreeSet::from([root]);
    let mut stack = vec![root];
    while let Some(u) = stack.pop() {
        for c in children.get(&u).into_iter().flatten() {
            if seen.insert(*c) {
                stack.push(*c);
            }
        }
    }
    seen
}

/// For every unit that has successors, the units it became and the share each took.
async fn successors(conn: &mut Conn) -> Result<HashMap<i64, Vec<(i64, f64)>>> {
    let links: Vec<(Option<i64>, Option<i64>, Option<f64>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    OrgEventLinks::FromUnitId,
                    OrgEventLinks::ToUnitId,
                    OrgEventLinks::Share,
                ])
                .from(OrgEventLinks::Table),
        )
        .await?;
    let mut out: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    for (from, to, share) in links {
        if let (Some(from), Some(to)) = (from, to)
            && from != to
        {
            out.entry(from)
                .or_default()
                .push((to, share.unwrap_or(1.0)));
        }
    }
    Ok(out)
}

/// Where a unit's values land in today's structure: itself if it has no successor, else its
/// successors' landing places weighted by their shares.
fn landing(unit: i64, successors: &HashMap<i64, Vec<(i64, f64)>>, depth: u32) -> Vec<(i64, f64)> {
    match successors.get(&unit) {
        Some(next) if depth < 32 => next
            .iter()
            .flat_map(|(to, share)| {
                landing(*to, successors, depth + 1)
                    .into_iter()
                    .map(move |(u, w)| (u, w * share))
            })
            .collect(),
        _ => vec![(unit, 1.0)],
    }
}

fn indicator_values(metrics: &BTreeMap<String, f64>) -> Vec<f64> {
    CATALOGUE
        .iter()
        .map(|i| {
            let taken = metrics.iter().filter(|(m, _)| i.takes(m));
            let value = match i.aggregation {
                Aggregation::Sum | Aggregation::Stock => taken.map(|(_, v)| v).sum(),
                Aggregation::DistinctCount => taken.filter(|(_, v)| **v > 0.0).count() as f64,
            };
            value / f64::from(i.divisor)
        })
        .collect()
}

/// The structure a reading needs: the units under the unit during each period (then), or
/// today's structure and where every unit's values land (restated).
enum Structure {
    Then,
    Current {
        today_children: HashMap<i64, Vec<i64>>,
        today_tree: BTreeSet<i64>,
        successors: HashMap<i64, Vec<(i64, f64)>>,
    },
}

/// One period's values under one reading.
struct Reckoning {
    own: Vec<f64>,
    tree: Vec<f64>,
    counted: usize,
    /// The direct parts, in order, with their subtrees' values.
    parts: Vec<(i64, Vec<f64>)>,
    /// Unit → the part it falls in.
    part_of: HashMap<i64, i64>,
}

/// Each direct child of `unit` and the part every unit under it falls in.
fn parts_of(children: &HashMap<i64, Vec<i64>>, unit: i64) -> (Vec<i64>, HashMap<i64, i64>) {
    let mut direct: Vec<i64> = children.get(&unit).cloned().unwrap_or_default();
    direct.sort_unstable();
    direct.dedup();
    let mut part_of = HashMap::new();
    for p in &direct {
        for u in subtree_in(children, *p) {
            part_of.entry(u).or_insert(*p);
        }
    }
    (direct, part_of)
}

/// The metrics of the unit itself, of the set and of each direct part, for one period and
/// reading: the flows summed over the period's months, the stocks at its last month's end.
async fn values(
    conn: &mut Conn,
    unit: i64,
    period: &Period,
    structure: &Structure,
) -> Result<Reckoning> {
    let (from, to) = period.months();
    let mut own: BTreeMap<String, f64> = BTreeMap::new();
    let mut tree: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_part: HashMap<i64, BTreeMap<String, f64>> = HashMap::new();
    let mut counted = BTreeSet::new();
    let (direct, part_of) = match structure {
        Structure::Then => {
            let children = dated_children(conn, period.start, period.end).await?;
            let (direct, part_of) = parts_of(&children, unit);
            // Only the set's own totals are read.
            let set: Vec<i64> = subtree_in(&children, unit).into_iter().collect();
            let mut rows = totals::sum_by_unit(conn, Some(&set), from, to).await?;
            rows.extend(totals::stocks_by_unit(conn, Some(&set), to).await?);
            for r in rows {
                *tree.entry(r.metric.clone()).or_default() += r.value as f64;
                if r.unit_id == unit {
                    *own.entry(r.metric.clone()).or_default() += r.value as f64;
                }
                if let Some(p) = part_of.get(&r.unit_id) {
                    *by_part
                        .entry(*p)
                        .or_default()
                        .entry(r.metric.clone())
                        .or_default() += r.value as f64;
                }
                counted.insert(r.unit_id);
            }
            (direct, part_of)
        }
        Structure::Current {
            today_children,
            today_tree,
            successors,
        } => {
            let (direct, part_of) = parts_of(today_children, unit);
            let mut cache: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
            let mut rows = totals::sum_by_unit(conn, None, from, to).await?;
            rows.extend(totals::stocks_by_unit(conn, None, to).await?);
            for r in &rows {
                let lands = cache
                    .entry(r.unit_id)
                    .or_insert_with(|| landing(r.unit_id, successors, 0));
                for (target, weight) in lands.iter() {
                    if today_tree.contains(target) {
                        let v = r.value as f64 * weight;
                        *tree.entry(r.metric.clone()).or_default() += v;
                        counted.insert(r.unit_id);
                        if *target == unit {
                            *own.entry(r.metric.clone()).or_default() += v;
                        }
                        if let Some(p) = part_of.get(target) {
                            *by_part
                                .entry(*p)
                                .or_default()
                                .entry(r.metric.clone())
                                .or_default() += v;
                        }
                    }
                }
            }
            (direct, part_of)
        }
    };
    let empty = BTreeMap::new();
    let parts = direct
        .iter()
        .map(|p| (*p, indicator_values(by_part.get(p).unwrap_or(&empty))))
        .collect();
    Ok(Reckoning {
        own: indicator_values(&own),
        tree: indicator_values(&tree),
        counted: counted.len(),
        parts,
        part_of,
    })
}

/// Units and the shares of a value they take.
type Landing = Vec<(i64, f64)>;
/// A unit's values crossing the boundary: kind, unit, share, where they count now.
type Crossing = (&'static str, i64, f64, Landing);

/// Restated: which earlier units (existing during the period) each part carries, and the
/// units whose values crossed the unit's boundary.
async fn lineage_notes(
    conn: &mut Conn,
    unit: i64,
    period: &Period,
    today_tree: &BTreeSet<i64>,
    successors: &HashMap<i64, Vec<(i64, f64)>>,
    part_of: &HashMap<i64, i64>,
) -> Result<(HashMap<i64, Landing>, Vec<Crossing>)> {
    let then_set = dated_subtree(conn, unit, period.start, period.end).await?;
    let lifetimes: Vec<(i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgUnits::Id, OrgUnits::ValidFrom, OrgUnits::ValidTo])
                .from(OrgUnits::Table)
                .and_where(Expr::col(OrgUnits::Id).is_in(successors.keys().copied())),
        )
        .await?;
    let mut carries: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut notes = Vec::new();
    for (u, valid_from, valid_to) in lifetimes {
        if valid_from > period.end || valid_to.is_some_and(|t| t < period.start) {
            continue;
        }
        let (inside, outside): (Landing, Landing) = landing(u, successors, 0)
            .into_iter()
            .partition(|(t, _)| today_tree.contains(t));
        for (target, w) in &inside {
            if let Some(p) = part_of.get(target) {
                let list = carries.entry(*p).or_default();
                match list.iter_mut().find(|(x, _)| *x == u) {
                    Some(entry) => entry.1 += w,
                    None => list.push((u, *w)),
                }
            }
        }
        let share = |l: &[(i64, f64)]| l.iter().map(|(_, w)| w).sum::<f64>();
        if then_set.contains(&u) && !outside.is_empty() {
            notes.push(("left", u, share(&outside), outside));
        } else if !then_set.contains(&u) && inside.iter().any(|(t, _)| *t != unit) {
            // Values landing in the unit itself are its own history (the units it was formed
            // from), not a crossing.
            notes.push(("joined", u, share(&inside), inside));
        }
    }
    Ok((carries, notes))
}

/// The computed indicators of `unit` for `period`, compared with the same period a year
/// earlier when `compare`. The actor must be able to read the unit.
pub async fn summary(
    conn: &mut Conn,
    actor: &Actor,
    unit: i64,
    period: &Period,
    compare: bool,
    reading: Reading,
) -> Result<Summary> {
    if !actor.may(Action::Read, Some(unit)) {
        return Err(Error::NotFound("unit"));
    }
    let today = Utc::now().date_naive();
    let name = org::unit_refs(conn, [unit].into())
        .await?
        .remove(&unit)
        .ok_or(Error::NotFound("unit"))?
        .name;
    // The lineage and today's subtree are read once, for both periods.
    let structure = match reading {
        Reading::Then => Structure::Then,
        Reading::Current => {
            let today_children = dated_children(conn, today, today).await?;
            let today_tree = subtree_in(&today_children, unit);
            Structure::Current {
                today_children,
                today_tree,
                successors: successors(conn).await?,
            }
        }
    };
    let Reckoning {
        own,
        tree,
        counted,
        parts,
        part_of,
    } = values(conn, unit, period, &structure).await?;
    let previous_period = period.previous_year();
    let previous = match compare {
        true => Some(values(conn, unit, &previous_period, &structure).await?.tree),
        false => None,
    };
    let (carries, notes) = match &structure {
        Structure::Then => (HashMap::new(), Vec::new()),
        Structure::Current {
            today_tree,
            successors,
            ..
        } => lineage_notes(conn, unit, period, today_tree, successors, &part_of).await?,
    };
    let mut ids: BTreeSet<i64> = parts.iter().map(|(p, _)| *p).collect();
    ids.extend(carries.values().flatten().map(|(u, _)| *u));
    ids.extend(
        notes.iter().flat_map(|(_, u, _, now_in)| {
            std::iter::once(*u).chain(now_in.iter().map(|(t, _)| *t))
        }),
    );
    let names = org::unit_refs(conn, ids).await?;
    let name_of = |id: i64| names.get(&id).map(|u| u.name.clone()).unwrap_or_default();
    let carried = |list: &[(i64, f64)]| -> Vec<Carried> {
        list.iter()
            .map(|(u, w)| Carried {
                unit_id: *u,
                unit_name: name_of(*u),
                share: round(*w),
            })
            .collect()
    };
    let parts = parts
        .into_iter()
        .map(|(p, v)| Part {
            unit_id: p,
            unit_name: name_of(p),
            values: CATALOGUE
                .iter()
                .zip(v)
                .map(|(i, v)| (i.code, round(v)))
                .collect(),
            carries: carried(carries.get(&p).map(Vec::as_slice).unwrap_or_default()),
        })
        .collect();
    let notes = notes
        .into_iter()
        .map(|(kind, u, share, now_in)| Note {
            kind,
            unit_id: u,
            unit_name: name_of(u),
            share: round(share),
            now_in: carried(&now_in),
        })
        .collect();
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
                change_pct: before
                    .filter(|b| *b != 0.0)
                    .map(|b| round((tree[i] - b) / b * 100.0)),
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
        parts,
        notes,
    })
}

//! Emulation within a cluster: weighted criteria for a year, scored from the members' approved
//! annual reports (and points entered for manual criteria), ranked with the breakdown shown.
//! The scoring rule is [`amity_domain::emulation`]'s.

use std::collections::HashMap;

use amity_domain::authz::{Action, Actor, Denied};
use amity_domain::emulation::{self as rule, Criterion as RuleCriterion, Points};
use amity_domain::indicator::CATALOGUE;
use amity_domain::partner::Vocabulary;
use amity_domain::report::{MANUAL, ReportState};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{EmulationCriteria, EmulationScores, ReportForms, ReportValues, Reports};
use crate::{org, periodic};

const ENTITY: &str = "emulation";
/// The report whose approved values are scored.
const ANNUAL_FORM: &str = "BC-NAM";

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Criterion {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The indicator read from approved reports; `None` for points entered by hand.
    pub indicator: Option<String>,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = RankingStanding)]
pub struct Standing {
    pub rank: usize,
    pub unit_id: i64,
    pub unit_name: String,
    pub score: f64,
    /// The member's approved annual report, if any (without one, indicator criteria give 0).
    pub report_id: Option<i64>,
    pub points: Vec<Points>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub cluster_id: i64,
    pub cluster_name: String,
    pub year: i32,
    pub criteria: Vec<Criterion>,
    /// The most points a member can get.
    pub total_weight: f64,
    pub standings: Vec<Standing>,
    /// Whether the reader may set criteria and enter points.
    pub editable: bool,
}

/// Whether the actor sets the cluster's criteria for the year: central staff, or the cluster's
/// lead union that year.
async fn may_manage(conn: &mut Conn, actor: &Actor, cluster: i64, year: i32) -> Result<bool> {
    if actor.may(Action::ApproveReport, Some(cluster)) {
        return Ok(true);
    }
    Ok(periodic::cluster_lead(conn, cluster, year)
        .await?
        .is_some_and(|lead| actor.may(Action::LeadCluster, Some(lead))))
}

async fn require_manage(conn: &mut Conn, actor: &Actor, cluster: i64, year: i32) -> Result<()> {
    if may_manage(conn, actor, cluster, year).await? {
        Ok(())
    } else {
        Err(Denied(
            "emulation criteria are set by central staff or the cluster's lead union for the year",
        )
        .into())
    }
}

async fn criteria(conn: &mut Conn, cluster: i64, year: i32) -> Result<Vec<Criterion>> {
    conn.fetch_all(
        Query::select()
            .columns([
                EmulationCriteria::Id,
                EmulationCriteria::Code,
                EmulationCriteria::Name,
                EmulationCriteria::Indicator,
                EmulationCriteria::Weight,
            ])
            .from(EmulationCriteria::Table)
            .and_where(Expr::col(EmulationCriteria::ClusterId).eq(cluster))
            .and_where(Expr::col(EmulationCriteria::Year).eq(year))
            .order_by(EmulationCriteria::Id, Order::Asc),
    )
    .await
}

/// The cluster's members for the year, ranked. Readable by whoever may read the cluster or
/// leads it that year.
pub async fn ranking(conn: &mut Conn, actor: &Actor, cluster: i64, year: i32) -> Result<Ranking> {
    let found = org::cluster_year(conn, cluster, year)
        .await
        .map_err(|_| Error::NotFound("cluster"))?;
    let editable = may_manage(conn, actor, cluster, year).await?;
    if !editable
        && !actor.may(Action::Read, Some(cluster))
        && !found
            .members
            .iter()
            .any(|m| actor.may(Action::Read, Some(m.id)))
    {
        return Err(Error::NotFound("cluster"));
    }
    let criteria = criteria(conn, cluster, year).await?;
    let members = found.members;
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    // (unit, report, kind, code, value) of the members' approved annual reports for the year.
    let rows: Vec<(i64, i64, String, String, f64)> = if ids.is_empty() {
        vec![]
    } else {
        conn.fetch_all(
            Query::select()
                .column((Reports::Table, Reports::UnitId))
                .column((Reports::Table, Reports::Id))
                .column((ReportValues::Table, ReportValues::Kind))
                .column((ReportValues::Table, ReportValues::Code))
                .column((ReportValues::Table, ReportValues::Value))
                .from(Reports::Table)
                .inner_join(
                    ReportForms::Table,
                    Expr::col((ReportForms::Table, ReportForms::Id))
                        .equals((Reports::Table, Reports::FormId)),
                )
                .inner_join(
                    ReportValues::Table,
                    Expr::col((ReportValues::Table, ReportValues::ReportId))
                        .equals((Reports::Table, Reports::Id)),
                )
                .and_where(Expr::col((ReportForms::Table, ReportForms::Code)).eq(ANNUAL_FORM))
                .and_where(Expr::col((Reports::Table, Reports::Period)).eq(year.to_string()))
                .and_where(
                    Expr::col((Reports::Table, Reports::State))
                        .is_in([ReportState::Approved.as_str(), ReportState::Locked.as_str()]),
                )
                .and_where(Expr::col((Reports::Table, Reports::UnitId)).is_in(ids.iter().copied())),
        )
        .await?
    };
    let mut reports: HashMap<i64, i64> = HashMap::new();
    let mut values: HashMap<(i64, String), f64> = HashMap::new();
    for (unit, report, kind, code, value) in rows {
        reports.insert(unit, report);
        if kind == "frozen" || kind == "manual" {
            values.insert((unit, code), value);
        }
    }
    let criterion_ids: Vec<i64> = criteria.iter().map(|c| c.id).collect();
    let entered: Vec<(i64, i64, f64)> = if criterion_ids.is_empty() {
        vec![]
    } else {
        conn.fetch_all(
            Query::select()
                .columns([
                    EmulationScores::CriterionId,
                    EmulationScores::UnitId,
                    EmulationScores::Points,
                ])
                .from(EmulationScores::Table)
                .and_where(Expr::col(EmulationScores::CriterionId).is_in(criterion_ids)),
        )
        .await?
    };
    let by_code: HashMap<i64, &str> = criteria.iter().map(|c| (c.id, c.code.as_str())).collect();
    let entered: HashMap<(i64, &str), f64> = entered
        .iter()
        .filter_map(|(c, u, p)| Some(((*u, *by_code.get(c)?), *p)))
        .collect();
    let rule_criteria: Vec<RuleCriterion> = criteria
        .iter()
        .map(|c| RuleCriterion {
            code: c.code.clone(),
            indicator: c.indicator.clone(),
            weight: c.weight,
        })
        .collect();
    let points = rule::score(
        &rule_criteria,
        members.len(),
        |m, code| values.get(&(ids[m], code.to_owned())).copied(),
        |m, code| entered.get(&(ids[m], code)).copied(),
    );
    let scores: Vec<f64> = points
        .iter()
        .map(|p| (p.iter().map(|p| p.points).sum::<f64>() * 100.0).round() / 100.0)
        .collect();
    let ranks = rule::ranks(&scores);
    let mut standings: Vec<Standing> = members
        .into_iter()
        .zip(points)
        .enumerate()
        .map(|(i, (m, points))| Standing {
            rank: ranks[i],
            report_id: reports.get(&m.id).copied(),
            unit_id: m.id,
            unit_name: m.name,
            score: scores[i],
            points,
        })
        .collect();
    standings.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| a.unit_name.cmp(&b.unit_name))
    });
    Ok(Ranking {
        cluster_id: cluster,
        cluster_name: found.cluster.name,
        year,
        total_weight: criteria.iter().map(|c| c.weight).sum(),
        criteria,
        standings,
        editable,
    })
}

/// A criterion as sent.
#[derive(Debug, Clone)]
pub struct CriterionInput {
    pub code: String,
    pub name: String,
    pub indicator: Option<String>,
    pub weight: f64,
}

/// Adds a criterion to the cluster's year.
pub async fn add_criterion(
    conn: &mut Conn,
    actor: &Actor,
    cluster: i64,
    year: i32,
    input: &CriterionInput,
) -> Result<Ranking> {
    org::cluster_year(conn, cluster, year).await.map_err(|_| {
        Error::invalid(
            "cluster",
            amity_domain::error::said(
                "not-cluster-in-year",
                [("id", cluster.to_string()), ("year", year.to_string())],
            ),
        )
    })?;
    require_manage(conn, actor, cluster, year).await?;
    let mut problems = amity_domain::error::Checker::new();
    let code = input.code.trim().to_lowercase();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        problems.push("code", "write letters, digits and _ only");
    }
    if input.name.trim().is_empty() {
        problems.push("name", amity_domain::error::Problem::Required);
    }
    if !(input.weight > 0.0 && input.weight <= 1000.0) {
        problems.push("weight", "must be more than 0 and at most 1000");
    }
    if let Some(i) = &input.indicator
        && !CATALOGUE.iter().chain(MANUAL).any(|k| k.code == i)
    {
        problems.push("indicator", format!("no indicator has code {i}"));
    }
    problems.finish()?;
    if criteria(conn, cluster, year)
        .await?
        .iter()
        .any(|c| c.code == code)
    {
        return Err(Error::conflict(
            "code",
            amity_domain::error::said(
                "criterion-exists",
                [("code", code.clone()), ("year", year.to_string())],
            ),
        ));
    }
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(EmulationCriteria::Table)
                .columns([
                    EmulationCriteria::ClusterId,
                    EmulationCriteria::Year,
                    EmulationCriteria::Code,
                    EmulationCriteria::Name,
                    EmulationCriteria::Indicator,
                    EmulationCriteria::Weight,
                ])
                .values_panic([
                    cluster.into(),
                    year.into(),
                    code.clone().into(),
                    input.name.trim().into(),
                    input.indicator.clone().into(),
                    input.weight.into(),
                ])
                .returning_col(EmulationCriteria::Id),
        )
        .await?;
    let after = serde_json::json!({ "year": year, "criterion": id, "code": code, "name": input.name.trim(), "indicator": input.indicator, "weight": input.weight });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: ENTITY,
            entity_id: cluster,
            unit_id: Some(cluster),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    ranking(conn, actor, cluster, year).await
}

/// Enters a member's points on a manual criterion (0 to the criterion's weight).
pub async fn enter_points(
    conn: &mut Conn,
    actor: &Actor,
    cluster: i64,
    year: i32,
    code: &str,
    unit: i64,
    points: f64,
) -> Result<Ranking> {
    let found = org::cluster_year(conn, cluster, year).await.map_err(|_| {
        Error::invalid(
            "cluster",
            amity_domain::error::said(
                "not-cluster-in-year",
                [("id", cluster.to_string()), ("year", year.to_string())],
            ),
        )
    })?;
    require_manage(conn, actor, cluster, year).await?;
    let criterion = criteria(conn, cluster, year)
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| {
            Error::invalid(
                "code",
                amity_domain::error::said(
                    "no-criterion",
                    [("code", code.to_string()), ("year", year.to_string())],
                ),
            )
        })?;
    if criterion.indicator.is_some() {
        return Err(Error::invalid(
            "code",
            amity_domain::error::said("criterion-from-reports", [("code", code.to_string())]),
        ));
    }
    if !found.members.iter().any(|m| m.id == unit) {
        return Err(Error::invalid(
            "unit_id",
            amity_domain::error::said(
                "not-member",
                [("id", unit.to_string()), ("year", year.to_string())],
            ),
        ));
    }
    if !(0.0..=criterion.weight).contains(&points) {
        return Err(Error::invalid(
            "points",
            amity_domain::error::said("points-range", [("max", criterion.weight.to_string())]),
        ));
    }
    let before: Option<(f64,)> = conn
        .fetch_optional(
            Query::select()
                .column(EmulationScores::Points)
                .from(EmulationScores::Table)
                .and_where(Expr::col(EmulationScores::CriterionId).eq(criterion.id))
                .and_where(Expr::col(EmulationScores::UnitId).eq(unit)),
        )
        .await?;
    conn.execute(
        Query::insert()
            .into_table(EmulationScores::Table)
            .columns([
                EmulationScores::CriterionId,
                EmulationScores::UnitId,
                EmulationScores::Points,
            ])
            .values_panic([criterion.id.into(), unit.into(), points.into()])
            .on_conflict(
                OnConflict::columns([EmulationScores::CriterionId, EmulationScores::UnitId])
                    .update_column(EmulationScores::Points)
                    .to_owned(),
            ),
    )
    .await?;
    let b = before.map(
        |(p,)| serde_json::json!({ "year": year, "criterion": code, "unit_id": unit, "points": p }),
    );
    let after =
        serde_json::json!({ "year": year, "criterion": code, "unit_id": unit, "points": points });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: cluster,
            unit_id: Some(cluster),
            before: b.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    ranking(conn, actor, cluster, year).await
}

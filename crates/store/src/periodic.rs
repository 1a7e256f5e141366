//! Periodic reports: a unit's report for a period on one of the federation's forms, prefilled
//! with its computed indicators, completed with its manual values and narrative, and moved
//! `draft → submitted → approved → locked` one level up. Approval freezes the computed values;
//! a later change to a record inside the period shows as "changed since approval".

use std::collections::{BTreeMap, BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor, report_move};
use amity_domain::error::said;
use amity_domain::indicator::{CATALOGUE, Indicator, Period};
use amity_domain::org::OrgKind;
use amity_domain::partner::Vocabulary;
use amity_domain::report::{FormSpec, PeriodKind, ReportState, manual_indicator};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result, stored};
use crate::schema::{ClusterRoles, ReportForms, ReportMoves, ReportValues, Reports};
use crate::{org, report};

const ENTITY: &str = "report";
/// The longest narrative section accepted, in characters.
const MAX_SECTION: usize = 20_000;

/// A report form: what a kind of unit reports for a kind of period, and by when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Form {
    pub id: i64,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub period_kind: PeriodKind,
    pub unit_kinds: Vec<String>,
    pub manual: Vec<String>,
    pub due_days: i64,
}

impl Form {
    /// The latest period (of this year or last) whose report was due before `today`.
    pub fn latest_due(&self, today: NaiveDate) -> Option<Period> {
        [today.year(), today.year() - 1]
            .into_iter()
            .flat_map(|y| self.period_kind.periods(y).into_iter().rev())
            .find(|p| self.due_on(p) < today)
    }

    /// The first period whose report falls due from `today` to `until`.
    pub fn next_due(&self, today: NaiveDate, until: NaiveDate) -> Option<Period> {
        [today.year() - 1, today.year()]
            .into_iter()
            .flat_map(|y| self.period_kind.periods(y))
            .find(|p| (today..=until).contains(&self.due_on(p)))
    }

    /// The day a report for `period` is due.
    pub fn due_on(&self, period: &Period) -> NaiveDate {
        period.end + Duration::days(self.due_days)
    }

    /// Parses a period this form is filed for (a quarter for a quarterly form…).
    pub fn period(&self, label: &str) -> Result<Period> {
        let period = Period::parse(label).map_err(|e| Error::invalid("period", e))?;
        if PeriodKind::of(&period) != self.period_kind {
            return Err(Error::invalid(
                "period",
                amity_domain::error::said(
                    "period-of-form",
                    [
                        ("form", self.code.clone()),
                        ("kind", self.period_kind.as_str().to_owned()),
                    ],
                ),
            ));
        }
        Ok(period)
    }
}

/// Whether a report first submitted at `submitted` came by its due date (`None` until submitted).
fn on_time(submitted: Option<DateTime<Utc>>, due_on: NaiveDate) -> Option<bool> {
    submitted.map(|at| at.date_naive() <= due_on)
}

type FormRow = (i64, String, String, String, String, String, String, i32);

fn form_of(row: FormRow) -> Result<Form> {
    let (id, code, name_vi, name_en, kind, kinds, manual, due) = row;
    let split = |s: &str| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(Form {
        id,
        code,
        name_vi,
        name_en,
        period_kind: stored(&kind)?,
        unit_kinds: split(&kinds),
        manual: split(&manual),
        due_days: due.into(),
    })
}

fn form_columns() -> [ReportForms; 8] {
    [
        ReportForms::Id,
        ReportForms::Code,
        ReportForms::NameVi,
        ReportForms::NameEn,
        ReportForms::PeriodKind,
        ReportForms::UnitKinds,
        ReportForms::ManualCodes,
        ReportForms::DueDays,
    ]
}

/// Every report form.
pub async fn forms(conn: &mut Conn) -> Result<Vec<Form>> {
    let rows: Vec<FormRow> = conn
        .fetch_all(
            Query::select()
                .columns(form_columns())
                .from(ReportForms::Table)
                .order_by(ReportForms::Id, Order::Asc),
        )
        .await?;
    rows.into_iter().map(form_of).collect()
}

/// A form by its code.
pub async fn form(conn: &mut Conn, code: &str) -> Result<Form> {
    forms(conn)
        .await?
        .into_iter()
        .find(|f| f.code == code)
        .ok_or_else(|| {
            Error::invalid(
                "form",
                amity_domain::error::said("no-report-form", [("value", code.to_string())]),
            )
        })
}

const FORM_ENTITY: &str = "report_form";

/// The reports filed on a form, and the manual indicator codes they hold values for.
async fn filed_on(conn: &mut Conn, form: i64) -> Result<(i64, BTreeSet<String>)> {
    let (count,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(Reports::Id).count())
                .from(Reports::Table)
                .and_where(Expr::col(Reports::FormId).eq(form)),
        )
        .await?;
    let entered: Vec<(String,)> = conn
        .fetch_all(
            Query::select()
                .distinct()
                .column(ReportValues::Code)
                .from(ReportValues::Table)
                .and_where(Expr::col(ReportValues::Kind).eq("manual"))
                .and_where(
                    Expr::col(ReportValues::ReportId).in_subquery(
                        Query::select()
                            .column(Reports::Id)
                            .from(Reports::Table)
                            .and_where(Expr::col(Reports::FormId).eq(form))
                            .to_owned(),
                    ),
                ),
        )
        .await?;
    Ok((count, entered.into_iter().map(|(c,)| c).collect()))
}

fn form_values(spec: &FormSpec) -> [sea_query::SimpleExpr; 6] {
    [
        spec.name_vi.clone().into(),
        spec.name_en.clone().into(),
        spec.period_kind.as_str().into(),
        spec.unit_kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
            .into(),
        spec.manual.join(",").into(),
        (spec.due_days as i32).into(),
    ]
}

async fn record_form(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    id: i64,
    before: Option<&Form>,
    after: Option<&Form>,
) -> Result<()> {
    let json = |f: Option<&Form>| {
        f.map(serde_json::to_value)
            .transpose()
            .map_err(|e| Error::Other(e.into()))
    };
    let (before, after) = (json(before)?, json(after)?);
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: FORM_ENTITY,
            entity_id: id,
            unit_id: None,
            before: before.as_ref(),
            after: after.as_ref(),
        },
    )
    .await
}

/// Adds a report form (central staff and administrators); its code must be new.
pub async fn create_form(conn: &mut Conn, actor: &Actor, spec: &FormSpec) -> Result<Form> {
    actor.require(Action::ManageReportForms, None)?;
    if forms(conn).await?.iter().any(|f| f.code == spec.code) {
        return Err(Error::conflict(
            "code",
            amity_domain::error::said("form-exists", [("form", spec.code.clone())]),
        ));
    }
    let [name_vi, name_en, kind, kinds, manual, due] = form_values(spec);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(ReportForms::Table)
                .columns([
                    ReportForms::Code,
                    ReportForms::NameVi,
                    ReportForms::NameEn,
                    ReportForms::PeriodKind,
                    ReportForms::UnitKinds,
                    ReportForms::ManualCodes,
                    ReportForms::DueDays,
                ])
                .values_panic([
                    spec.code.clone().into(),
                    name_vi,
                    name_en,
                    kind,
                    kinds,
                    manual,
                    due,
                ])
                .returning_col(ReportForms::Id),
        )
        .await?;
    let created = form(conn, &spec.code).await?;
    record_form(conn, actor, AuditAction::Create, id, None, Some(&created)).await?;
    Ok(created)
}

/// Changes a report form (central staff and administrators). Its code stays. Once reports are
/// filed on it, its period kind stays too, and a manual indicator some report holds a value
/// for stays on it, so no filed report loses what it says.
pub async fn update_form(
    conn: &mut Conn,
    actor: &Actor,
    code: &str,
    spec: &FormSpec,
) -> Result<Form> {
    actor.require(Action::ManageReportForms, None)?;
    let before = existing_form(conn, code).await?;
    if spec.code != before.code {
        return Err(Error::invalid(
            "code",
            amity_domain::error::said("form-code-fixed", []),
        ));
    }
    let (filed, entered) = filed_on(conn, before.id).await?;
    if filed > 0 && spec.period_kind != before.period_kind {
        return Err(Error::conflict(
            "period_kind",
            said("period-kind-kept", [("count", filed.to_string())]),
        ));
    }
    if let Some(kept) = entered.iter().find(|c| !spec.manual.contains(&c.as_str())) {
        return Err(Error::conflict(
            "manual",
            amity_domain::error::said("manual-kept", [("value", kept.to_string())]),
        ));
    }
    let [name_vi, name_en, kind, kinds, manual, due] = form_values(spec);
    conn.execute(
        Query::update()
            .table(ReportForms::Table)
            .values([
                (ReportForms::NameVi, name_vi),
                (ReportForms::NameEn, name_en),
                (ReportForms::PeriodKind, kind),
                (ReportForms::UnitKinds, kinds),
                (ReportForms::ManualCodes, manual),
                (ReportForms::DueDays, due),
            ])
            .and_where(Expr::col(ReportForms::Id).eq(before.id)),
    )
    .await?;
    let after = form(conn, code).await?;
    record_form(
        conn,
        actor,
        AuditAction::Update,
        before.id,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Removes a report form no report is filed on (central staff and administrators).
pub async fn delete_form(conn: &mut Conn, actor: &Actor, code: &str) -> Result<()> {
    actor.require(Action::ManageReportForms, None)?;
    let before = existing_form(conn, code).await?;
    let (filed, _) = filed_on(conn, before.id).await?;
    if filed > 0 {
        return Err(Error::conflict(
            "code",
            amity_domain::error::said("form-in-use", [("count", filed.to_string())]),
        ));
    }
    conn.execute(
        Query::delete()
            .from_table(ReportForms::Table)
            .and_where(Expr::col(ReportForms::Id).eq(before.id)),
    )
    .await?;
    record_form(
        conn,
        actor,
        AuditAction::Delete,
        before.id,
        Some(&before),
        None,
    )
    .await
}

/// A form by its code, 404 when there is none (where the code names the resource).
pub async fn existing_form(conn: &mut Conn, code: &str) -> Result<Form> {
    forms(conn)
        .await?
        .into_iter()
        .find(|f| f.code == code.trim().to_uppercase())
        .ok_or(Error::NotFound("report form"))
}

/// A computed indicator as the report shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComputedValue {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measure_vi: &'static str,
    pub measure_en: &'static str,
    /// The value the report carries: live while the report is open, frozen once approved.
    pub value: f64,
    /// The same period a year earlier.
    pub previous: Option<f64>,
    /// The value the records give today (differs from `value` when changed since approval).
    pub live: f64,
}

/// A manual indicator and the value the unit entered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ManualValue {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measure_vi: &'static str,
    pub measure_en: &'static str,
    pub value: Option<f64>,
}

/// A computed value that no longer matches what was approved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Change {
    pub code: &'static str,
    pub approved: f64,
    pub now: f64,
    pub difference: f64,
}

/// One move of a report, as kept in its history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportMove)]
pub struct Move {
    pub from: ReportState,
    pub to: ReportState,
    pub comment: Option<String>,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A periodic report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub form_code: String,
    pub form_name_vi: String,
    pub form_name_en: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due_on: NaiveDate,
    pub state: ReportState,
    pub results: String,
    pub shortcomings: String,
    pub directions: String,
    /// Why it was last returned or reopened.
    pub return_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether the first submission came by the due date (`None` until submitted).
    pub on_time: Option<bool>,
    pub cluster_signed_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub locked_at: Option<DateTime<Utc>>,
    /// Who must act next: `unit`, `cluster_lead`, `central`, or nobody.
    pub awaiting: Option<&'static str>,
    /// How the computed values are read: as organized then, or restated for a unit formed
    /// after the period began (it carries what the units it was formed from did).
    pub reading: report::Reading,
    pub computed: Vec<ComputedValue>,
    pub manual: Vec<ManualValue>,
    /// Computed values whose records changed after approval (empty unless approved or locked).
    pub changed_since_approval: Vec<Change>,
    pub moves: Vec<Move>,
}

impl Report {
    pub fn is_cluster(&self) -> bool {
        self.unit_kind == OrgKind::Cluster.as_str()
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    form_id: i64,
    unit_id: i64,
    period: String,
    state: String,
    results: String,
    shortcomings: String,
    directions: String,
    return_comment: Option<String>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    cluster_signed_at: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
    locked_at: Option<DateTime<Utc>>,
    due_on: Option<NaiveDate>,
}

fn row_columns() -> [Reports; 15] {
    [
        Reports::Id,
        Reports::FormId,
        Reports::UnitId,
        Reports::Period,
        Reports::State,
        Reports::Results,
        Reports::Shortcomings,
        Reports::Directions,
        Reports::ReturnComment,
        Reports::CreatedAt,
        Reports::SubmittedAt,
        Reports::ClusterSignedAt,
        Reports::ApprovedAt,
        Reports::LockedAt,
        Reports::DueOn,
    ]
}

async fn row(conn: &mut Conn, id: i64) -> Result<Row> {
    conn.fetch_optional(
        Query::select()
            .columns(row_columns())
            .from(Reports::Table)
            .and_where(Expr::col(Reports::Id).eq(id)),
    )
    .await?
    .ok_or(Error::NotFound("report"))
}

fn state_of(s: &str) -> Result<ReportState> {
    stored(s)
}

fn period_of(label: &str) -> Result<Period> {
    Period::parse(label).map_err(|e| Error::Other(anyhow::anyhow!(e)))
}

/// The union leading `cluster` in `year`, if one was chosen.
pub(crate) async fn cluster_lead(conn: &mut Conn, cluster: i64, year: i32) -> Result<Option<i64>> {
    let lead: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(ClusterRoles::LeadUnitId)
                .from(ClusterRoles::Table)
                .and_where(Expr::col(ClusterRoles::ClusterId).eq(cluster))
                .and_where(Expr::col(ClusterRoles::Year).eq(year)),
        )
        .await?;
    Ok(lead.map(|(l,)| l))
}

/// Asks [`report_move`] who may move a report from `from` to `to` and checks the actor: the
/// report's unit for its own staff and central staff, the cluster's lead union for the year
/// when the move belongs to the cluster lead.
async fn require_move(
    conn: &mut Conn,
    actor: &Actor,
    unit: i64,
    is_cluster: bool,
    year: i32,
    (from, to): (ReportState, ReportState),
    cluster_signed: bool,
) -> Result<()> {
    let action = report_move(is_cluster, from, to, cluster_signed);
    let on = match action {
        Action::LeadCluster => match cluster_lead(conn, unit, year).await? {
            Some(lead) => lead,
            // With no lead union chosen, only an administrator may act for the cluster.
            None => return Ok(actor.require(Action::ManageStructure, None)?),
        },
        _ => unit,
    };
    Ok(actor.require(action, Some(on))?)
}

/// Whether the actor may see a report of `unit`: the unit is in its scope, or it leads the
/// cluster the report is for.
async fn visible(
    conn: &mut Conn,
    actor: &Actor,
    unit: i64,
    is_cluster: bool,
    year: i32,
) -> Result<bool> {
    if actor.may(Action::Read, Some(unit)) {
        return Ok(true);
    }
    Ok(is_cluster
        && cluster_lead(conn, unit, year)
            .await?
            .is_some_and(|lead| actor.may(Action::LeadCluster, Some(lead))))
}

fn computed_value(ind: &Indicator, value: f64, previous: Option<f64>, live: f64) -> ComputedValue {
    ComputedValue {
        code: ind.code,
        name_vi: ind.name_vi,
        name_en: ind.name_en,
        measure_vi: ind.measure_vi,
        measure_en: ind.measure_en,
        value,
        previous,
        live,
    }
}

/// The report's computed indicators from the live totals: its unit's subtree as organized in
/// the period, with the year before.
async fn live_values(
    conn: &mut Conn,
    unit: i64,
    period: &Period,
    reading: report::Reading,
) -> Result<Vec<(f64, Option<f64>)>> {
    let summary = report::summary(conn, &Actor::system(), unit, period, true, reading).await?;
    Ok(summary
        .indicators
        .iter()
        .map(|v| (v.subtree, v.previous))
        .collect())
}

type MoveRow = (String, String, Option<String>, Option<i64>, DateTime<Utc>);

/// The report `r` of `unit` (as it stood at the period's end), with its values and moves.
async fn assemble(conn: &mut Conn, r: Row, unit: org::OrgUnit) -> Result<Report> {
    let form = forms(conn)
        .await?
        .into_iter()
        .find(|f| f.id == r.form_id)
        .ok_or(Error::NotFound("report form"))?;
    let period = period_of(&r.period)?;
    let state = state_of(&r.state)?;
    let values: Vec<(String, String, f64, Option<f64>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ReportValues::Kind,
                    ReportValues::Code,
                    ReportValues::Value,
                    ReportValues::Previous,
                ])
                .from(ReportValues::Table)
                .and_where(Expr::col(ReportValues::ReportId).eq(r.id)),
        )
        .await?;
    let frozen: HashMap<&str, (f64, Option<f64>)> = values
        .iter()
        .filter(|(k, ..)| k == "frozen")
        .map(|(_, c, v, p)| (c.as_str(), (*v, *p)))
        .collect();
    let entered: HashMap<&str, f64> = values
        .iter()
        .filter(|(k, ..)| k == "manual")
        .map(|(_, c, v, _)| (c.as_str(), *v))
        .collect();
    let reading = report::Reading::default_for(&unit, &period);
    let live = live_values(conn, r.unit_id, &period, reading).await?;
    let mut computed = Vec::new();
    let mut changed = Vec::new();
    for (ind, (now, previous)) in CATALOGUE.iter().zip(live) {
        match frozen.get(ind.code) {
            Some((approved, approved_previous)) if state.is_frozen() => {
                if (approved - now).abs() > 1e-9 {
                    changed.push(Change {
                        code: ind.code,
                        approved: *approved,
                        now,
                        difference: now - approved,
                    });
                }
                computed.push(computed_value(ind, *approved, *approved_previous, now));
            }
            _ => computed.push(computed_value(ind, now, previous, now)),
        }
    }
    let manual = form
        .manual
        .iter()
        .filter_map(|code| manual_indicator(code))
        .map(|i| ManualValue {
            code: i.code,
            name_vi: i.name_vi,
            name_en: i.name_en,
            measure_vi: i.measure_vi,
            measure_en: i.measure_en,
            value: entered.get(i.code).copied(),
        })
        .collect();
    let moves: Vec<MoveRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ReportMoves::FromState,
                    ReportMoves::ToState,
                    ReportMoves::Comment,
                    ReportMoves::UserId,
                    ReportMoves::At,
                ])
                .from(ReportMoves::Table)
                .and_where(Expr::col(ReportMoves::ReportId).eq(r.id))
                .order_by(ReportMoves::Id, Order::Asc),
        )
        .await?;
    let moves = moves
        .into_iter()
        .map(|(from, to, comment, user_id, at)| {
            Ok(Move {
                from: state_of(&from)?,
                to: state_of(&to)?,
                comment,
                user_id,
                at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let is_cluster = unit.kind == OrgKind::Cluster.as_str();
    let awaiting = match state {
        ReportState::Draft => Some("unit"),
        ReportState::Submitted if is_cluster && r.cluster_signed_at.is_none() => {
            Some("cluster_lead")
        }
        ReportState::Submitted => Some("central"),
        ReportState::Approved | ReportState::Locked => None,
    };
    let due_on = r.due_on.unwrap_or_else(|| form.due_on(&period));
    Ok(Report {
        id: r.id,
        form_code: form.code,
        form_name_vi: form.name_vi,
        form_name_en: form.name_en,
        unit_id: r.unit_id,
        unit_name: unit.name,
        unit_kind: unit.kind,
        period: r.period,
        start: period.start,
        end: period.end,
        due_on,
        state,
        results: r.results,
        shortcomings: r.shortcomings,
        directions: r.directions,
        return_comment: r.return_comment,
        created_at: r.created_at,
        submitted_at: r.submitted_at,
        on_time: on_time(r.submitted_at, due_on),
        cluster_signed_at: r.cluster_signed_at,
        approved_at: r.approved_at,
        locked_at: r.locked_at,
        awaiting,
        reading,
        computed,
        manual,
        changed_since_approval: changed,
        moves,
    })
}

/// A report the actor may see (404 otherwise).
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Report> {
    let r = row(conn, id).await?;
    let period = period_of(&r.period)?;
    let unit = org::get(conn, r.unit_id, period.end).await?;
    if !visible(
        conn,
        actor,
        r.unit_id,
        unit.kind == OrgKind::Cluster.as_str(),
        period.start.year(),
    )
    .await?
    {
        return Err(Error::NotFound("report"));
    }
    assemble(conn, r, unit).await
}

/// Whether `unit` files for `period`: it existed during it, or a unit it carries (one it was
/// formed from, recursively) did.
async fn files_for(
    conn: &mut Conn,
    graph: &amity_domain::authz::StructureGraph,
    unit: &org::OrgUnit,
    period: &Period,
) -> Result<bool> {
    let during = |u: &org::OrgUnit| {
        u.valid_from <= period.end && u.valid_to.is_none_or(|to| to >= period.start)
    };
    if during(unit) {
        return Ok(true);
    }
    for id in graph.carried(unit.id) {
        if id != unit.id && during(&org::get(conn, id, period.end).await?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Opens a draft report of `unit` for `period` on the form `form_code`.
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    form_code: &str,
    unit: i64,
    period: &str,
) -> Result<Report> {
    let form = form(conn, form_code).await?;
    let period = form.period(period)?;
    if period.start > Utc::now().date_naive() {
        return Err(Error::invalid(
            "period",
            amity_domain::error::Rule::PeriodNotBegun,
        ));
    }
    let found = org::get(conn, unit, period.end).await.map_err(|_| {
        Error::invalid(
            "unit",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: unit,
            },
        )
    })?;
    let graph = org::structure_graph(conn).await?;
    if !files_for(conn, &graph, &found, &period).await? {
        return Err(Error::invalid(
            "unit",
            said(
                "unit-not-in-period",
                [("unit", found.name.clone()), ("period", period.label())],
            ),
        ));
    }
    if !form.unit_kinds.contains(&found.kind) {
        return Err(Error::invalid(
            "unit",
            said("form-not-for-unit", [("form", form.code.clone())]),
        ));
    }
    let is_cluster = found.kind == OrgKind::Cluster.as_str();
    require_move(
        conn,
        actor,
        unit,
        is_cluster,
        period.start.year(),
        (ReportState::Draft, ReportState::Submitted),
        false,
    )
    .await?;
    // One report per period for a unit and the units it carries: a merged unit does not
    // file again what a unit it was formed from filed, nor the other way round.
    let filed: Vec<(i64, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([Reports::Id, Reports::UnitId])
                .from(Reports::Table)
                .and_where(Expr::col(Reports::FormId).eq(form.id))
                .and_where(Expr::col(Reports::Period).eq(period.label())),
        )
        .await?;
    let carried = graph.carried(unit);
    if let Some((id, by)) = filed
        .into_iter()
        .find(|(_, by)| carried.contains(by) || graph.carried(*by).contains(&unit))
    {
        let by = org::get(conn, by, period.end).await?;
        return Err(Error::conflict(
            "period",
            said(
                "report-exists",
                [
                    ("form", form.code.clone()),
                    ("period", period.label()),
                    ("unit", by.name),
                    ("id", id.to_string()),
                ],
            ),
        ));
    }
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Reports::Table)
                .columns([
                    Reports::FormId,
                    Reports::UnitId,
                    Reports::Period,
                    Reports::PeriodStart,
                    Reports::PeriodEnd,
                    Reports::State,
                    Reports::Results,
                    Reports::Shortcomings,
                    Reports::Directions,
                    Reports::CreatedAt,
                    Reports::UpdatedAt,
                ])
                .values_panic([
                    form.id.into(),
                    unit.into(),
                    period.label().into(),
                    period.start.into(),
                    period.end.into(),
                    ReportState::Draft.as_str().into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(Reports::Id),
        )
        .await?;
    let fresh = row(conn, id).await?;
    let created = assemble(conn, fresh, found).await?;
    let after = serde_json::json!({ "form": created.form_code, "unit_id": unit, "period": created.period, "state": "draft" });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(unit),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    Ok(created)
}

/// What a unit writes in its draft: any of the narrative sections, and manual values (a
/// `None` value clears it).
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub results: Option<String>,
    pub shortcomings: Option<String>,
    pub directions: Option<String>,
    pub values: BTreeMap<String, Option<f64>>,
}

fn editable_content(r: &Report) -> serde_json::Value {
    let manual: BTreeMap<&str, Option<f64>> = r.manual.iter().map(|m| (m.code, m.value)).collect();
    serde_json::json!({ "results": r.results, "shortcomings": r.shortcomings, "directions": r.directions, "values": manual })
}

/// Changes a draft's narrative and manual values (the unit's staff; for a cluster, its lead).
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    input: &ReportInput,
) -> Result<Report> {
    let before = get(conn, actor, id).await?;
    require_move(
        conn,
        actor,
        before.unit_id,
        before.is_cluster(),
        before.start.year(),
        (ReportState::Draft, ReportState::Submitted),
        false,
    )
    .await?;
    if !before.state.is_editable() {
        return Err(Error::conflict(
            "state",
            amity_domain::error::said(
                "report-locked",
                [("state", before.state.as_str().to_owned())],
            ),
        ));
    }
    let mut problems = amity_domain::error::Checker::new();
    for (field, text) in [
        ("results", &input.results),
        ("shortcomings", &input.shortcomings),
        ("directions", &input.directions),
    ] {
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_SECTION)
        {
            problems.push(field, format!("is longer than {MAX_SECTION} characters"));
        }
    }
    let asked: BTreeSet<&str> = before.manual.iter().map(|m| m.code).collect();
    for (code, value) in &input.values {
        let field = format!("values.{code}");
        if !asked.contains(code.as_str()) {
            problems.push(
                &field,
                format!(
                    "the form {} has no manual indicator “{code}”",
                    before.form_code
                ),
            );
        } else if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            problems.push(&field, "must be a number, zero or more");
        }
    }
    problems.finish()?;
    let mut update = Query::update();
    update
        .table(Reports::Table)
        .value(Reports::UpdatedAt, Utc::now());
    for (col, text) in [
        (Reports::Results, &input.results),
        (Reports::Shortcomings, &input.shortcomings),
        (Reports::Directions, &input.directions),
    ] {
        if let Some(text) = text {
            update.value(col, text.trim());
        }
    }
    conn.execute(update.and_where(Expr::col(Reports::Id).eq(id)))
        .await?;
    for (code, value) in &input.values {
        conn.execute(
            Query::delete()
                .from_table(ReportValues::Table)
                .and_where(Expr::col(ReportValues::ReportId).eq(id))
                .and_where(Expr::col(ReportValues::Kind).eq("manual"))
                .and_where(Expr::col(ReportValues::Code).eq(code.as_str())),
        )
        .await?;
        if let Some(v) = value {
            insert_value(conn, id, "manual", code, *v, None).await?;
        }
    }
    let after = get(conn, actor, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(after.unit_id),
            before: Some(&editable_content(&before)),
            after: Some(&editable_content(&after)),
        },
    )
    .await?;
    Ok(after)
}

async fn insert_value(
    conn: &mut Conn,
    report: i64,
    kind: &str,
    code: &str,
    value: f64,
    previous: Option<f64>,
) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(ReportValues::Table)
            .columns([
                ReportValues::ReportId,
                ReportValues::Kind,
                ReportValues::Code,
                ReportValues::Value,
                ReportValues::Previous,
            ])
            .values_panic([
                report.into(),
                kind.into(),
                code.into(),
                value.into(),
                previous.into(),
            ]),
    )
    .await?;
    Ok(())
}

async fn clear_frozen(conn: &mut Conn, report: i64) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(ReportValues::Table)
            .and_where(Expr::col(ReportValues::ReportId).eq(report))
            .and_where(Expr::col(ReportValues::Kind).eq("frozen")),
    )
    .await?;
    Ok(())
}

/// Moves a report (`POST /reports/{id}/transitions`). A return or a reopening needs a comment;
/// submitting needs the results written and every manual value entered. A cluster summary's
/// first approval is the cluster lead's signature; the second, central staff's, approves it.
pub async fn transition(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    to: ReportState,
    comment: Option<&str>,
) -> Result<Report> {
    let before = get(conn, actor, id).await?;
    before
        .state
        .after(to)
        .map_err(|e| Error::conflict("to", e))?;
    let signed = before.cluster_signed_at.is_some();
    require_move(
        conn,
        actor,
        before.unit_id,
        before.is_cluster(),
        before.start.year(),
        (before.state, to),
        signed,
    )
    .await?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let now = Utc::now();
    let mut update = Query::update();
    update.table(Reports::Table).value(Reports::UpdatedAt, now);
    let mut reached = to;
    match (before.state, to) {
        (ReportState::Draft, ReportState::Submitted) => {
            let mut problems = amity_domain::error::Checker::new();
            if before.results.trim().is_empty() {
                problems.push("results", "write the period's results before submitting");
            }
            for m in before.manual.iter().filter(|m| m.value.is_none()) {
                problems.push(
                    &format!("values.{}", m.code),
                    "enter a value (0 if there was none) before submitting",
                );
            }
            problems.finish()?;
            // Timeliness is judged once, against the due date of the first submission.
            if before.submitted_at.is_none() {
                update
                    .value(Reports::SubmittedAt, now)
                    .value(Reports::DueOn, before.due_on);
            }
            update.value(Reports::ReturnComment, Option::<String>::None);
        }
        (_, ReportState::Draft) => {
            let Some(comment) = comment else {
                return Err(Error::invalid(
                    "comment",
                    amity_domain::error::said("say-why", []),
                ));
            };
            update
                .value(Reports::ReturnComment, comment)
                .value(Reports::ClusterSignedAt, Option::<DateTime<Utc>>::None)
                .value(Reports::ClusterSignedBy, Option::<i64>::None)
                .value(Reports::ApprovedAt, Option::<DateTime<Utc>>::None)
                .value(Reports::ApprovedBy, Option::<i64>::None);
            clear_frozen(conn, id).await?;
        }
        (ReportState::Submitted, ReportState::Approved) if before.is_cluster() && !signed => {
            update
                .value(Reports::ClusterSignedAt, now)
                .value(Reports::ClusterSignedBy, actor.user_id);
            reached = ReportState::Submitted;
        }
        (ReportState::Submitted, ReportState::Approved) => {
            update
                .value(Reports::ApprovedAt, now)
                .value(Reports::ApprovedBy, actor.user_id);
            clear_frozen(conn, id).await?;
            for v in &before.computed {
                insert_value(conn, id, "frozen", v.code, v.live, v.previous).await?;
            }
        }
        (ReportState::Approved, ReportState::Locked) => {
            update.value(Reports::LockedAt, now);
        }
        _ => {}
    }
    update.value(Reports::State, reached.as_str());
    conn.execute(update.and_where(Expr::col(Reports::Id).eq(id)))
        .await?;
    conn.execute(
        Query::insert()
            .into_table(ReportMoves::Table)
            .columns([
                ReportMoves::ReportId,
                ReportMoves::FromState,
                ReportMoves::ToState,
                ReportMoves::Comment,
                ReportMoves::UserId,
                ReportMoves::At,
            ])
            .values_panic([
                id.into(),
                before.state.as_str().into(),
                to.as_str().into(),
                comment.map(str::to_owned).into(),
                actor.user_id.into(),
                now.into(),
            ]),
    )
    .await?;
    let after = get(conn, actor, id).await?;
    let frozen: BTreeMap<&str, f64> = match after.state.is_frozen() {
        true => after.computed.iter().map(|v| (v.code, v.value)).collect(),
        false => BTreeMap::new(),
    };
    let before_json =
        serde_json::json!({ "state": before.state.as_str(), "cluster_signed": signed });
    let after_json = serde_json::json!({
        "state": after.state.as_str(),
        "cluster_signed": after.cluster_signed_at.is_some(),
        "move": { "to": to.as_str(), "comment": comment },
        "frozen": frozen,
    });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Transition,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(after.unit_id),
            before: Some(&before_json),
            after: Some(&after_json),
        },
    )
    .await?;
    Ok(after)
}

/// The moves the actor may make on a report now (for the page's buttons).
pub async fn allowed_moves(conn: &mut Conn, actor: &Actor, r: &Report) -> Result<Vec<ReportState>> {
    let mut out = Vec::new();
    let signed = r.cluster_signed_at.is_some();
    for to in ReportState::ALL
        .iter()
        .copied()
        .filter(|to| r.state.after(*to).is_ok())
    {
        if require_move(
            conn,
            actor,
            r.unit_id,
            r.is_cluster(),
            r.start.year(),
            (r.state, to),
            signed,
        )
        .await
        .is_ok()
        {
            out.push(to);
        }
    }
    Ok(out)
}

/// Whether the actor may change the report's narrative and manual values now.
pub async fn may_edit(conn: &mut Conn, actor: &Actor, r: &Report) -> Result<bool> {
    Ok(r.state.is_editable()
        && require_move(
            conn,
            actor,
            r.unit_id,
            r.is_cluster(),
            r.start.year(),
            (ReportState::Draft, ReportState::Submitted),
            false,
        )
        .await
        .is_ok())
}

/// The units the actor may open a report for with a form: those in its write scope that file
/// it, and the clusters it leads. Today's units come first, each filing also for the units it
/// was formed from; a unit of the period's structure is offered only when no unit of today
/// carries it.
pub async fn units_for(
    conn: &mut Conn,
    actor: &Actor,
    form: &Form,
    period: &Period,
) -> Result<Vec<org::OrgUnit>> {
    let graph = org::structure_graph(conn).await?;
    let mut candidates = Vec::new();
    for u in org::all_as_of(conn, Utc::now().date_naive()).await? {
        if files_for(conn, &graph, &u, period).await? {
            candidates.push(u);
        }
    }
    let carried: BTreeSet<i64> = candidates
        .iter()
        .flat_map(|u| graph.carried(u.id))
        .collect();
    for u in org::all_as_of(conn, period.end).await? {
        if !carried.contains(&u.id) {
            candidates.push(u);
        }
    }
    let mut out = Vec::new();
    for u in candidates
        .into_iter()
        .filter(|u| form.unit_kinds.contains(&u.kind))
    {
        let is_cluster = u.kind == OrgKind::Cluster.as_str();
        let step = (ReportState::Draft, ReportState::Submitted);
        if require_move(
            conn,
            actor,
            u.id,
            is_cluster,
            period.start.year(),
            step,
            false,
        )
        .await
        .is_ok()
        {
            out.push(u);
        }
    }
    Ok(out)
}

/// A report in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = ListedReport)]
pub struct Listed {
    pub id: i64,
    pub form_id: i64,
    pub unit_id: i64,
    pub period: String,
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Fixed at the first submission; until then the form's.
    pub due_on: Option<NaiveDate>,
    #[sqlx(skip)]
    pub form_code: String,
    #[sqlx(skip)]
    pub unit_name: String,
    #[sqlx(skip)]
    pub on_time: Option<bool>,
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub form: Option<String>,
    pub period: Option<String>,
    /// A year: reports for periods inside it.
    pub year: Option<i32>,
    pub state: Option<ReportState>,
    pub units: Option<BTreeSet<i64>>,
}

/// The reports the actor may see, newest period first, then by unit.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &ReportFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Listed>, i64)> {
    let all_forms = forms(conn).await?;
    let mut select = Query::select();
    select.columns([
        Reports::Id,
        Reports::FormId,
        Reports::UnitId,
        Reports::Period,
        Reports::State,
        Reports::SubmittedAt,
        Reports::ApprovedAt,
        Reports::DueOn,
    ]);
    select.from(Reports::Table);
    if let Some(code) = &filter.form {
        let form = all_forms.iter().find(|f| &f.code == code).ok_or_else(|| {
            Error::invalid(
                "form",
                amity_domain::error::said("no-report-form", [("value", code.to_string())]),
            )
        })?;
        select.and_where(Expr::col(Reports::FormId).eq(form.id));
    }
    if let Some(p) = &filter.period {
        select.and_where(Expr::col(Reports::Period).eq(p.as_str()));
    }
    if let Some(year) = filter.year {
        let (from, to) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        );
        select
            .and_where(Expr::col(Reports::PeriodStart).gte(from))
            .and_where(Expr::col(Reports::PeriodEnd).lte(to));
    }
    if let Some(state) = filter.state {
        select.and_where(Expr::col(Reports::State).eq(state.as_str()));
    }
    if let Some(units) = &filter.units {
        select.and_where(Expr::col(Reports::UnitId).is_in(units.iter().copied()));
    }
    select
        .order_by(Reports::PeriodEnd, Order::Desc)
        .order_by(Reports::Id, Order::Asc);
    let rows: Vec<Listed> = conn.fetch_all(&select).await?;
    // Visibility includes cluster summaries for their lead: decided per row, then paged.
    let mut seen = Vec::new();
    let kinds = unit_kinds(conn, rows.iter().map(|r| r.unit_id).collect()).await?;
    for r in rows {
        let year = r.period.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        let is_cluster = kinds
            .get(&r.unit_id)
            .is_some_and(|k| k == OrgKind::Cluster.as_str());
        if visible(conn, actor, r.unit_id, is_cluster, year).await? {
            seen.push(r);
        }
    }
    let total = seen.len() as i64;
    let mut page: Vec<Listed> = seen
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let names = org::unit_refs(conn, page.iter().map(|r| r.unit_id).collect()).await?;
    for r in &mut page {
        let form = all_forms.iter().find(|f| f.id == r.form_id);
        r.form_code = form.map(|f| f.code.clone()).unwrap_or_default();
        r.unit_name = names
            .get(&r.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        r.due_on = r.due_on.or_else(|| {
            form.zip(Period::parse(&r.period).ok())
                .map(|(f, p)| f.due_on(&p))
        });
        r.on_time = r.due_on.and_then(|due| on_time(r.submitted_at, due));
    }
    Ok((page, total))
}

async fn unit_kinds(conn: &mut Conn, ids: BTreeSet<i64>) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = conn
        .fetch_all(
            Query::select()
                .columns([crate::schema::OrgUnits::Id, crate::schema::OrgUnits::Kind])
                .from(crate::schema::OrgUnits::Table)
                .and_where(Expr::col(crate::schema::OrgUnits::Id).is_in(ids)),
        )
        .await?;
    Ok(rows.into_iter().collect())
}

/// One expected unit's standing for a form and period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportStanding)]
pub struct Standing {
    pub unit_id: i64,
    pub unit_name: String,
    pub report_id: Option<i64>,
    pub state: Option<ReportState>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    /// Not submitted and past the due date.
    pub overdue: bool,
}

/// Which units filed a form's report for a period, on time or late.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Completeness {
    pub form: String,
    pub period: String,
    pub due_on: NaiveDate,
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    /// Submitted reports as a percentage of expected ones.
    pub completeness_pct: Option<f64>,
    /// On-time submissions as a percentage of expected ones.
    pub timeliness_pct: Option<f64>,
    pub units: Vec<Standing>,
}

/// A filed report as completeness reads it: id, unit, state, first submission, fixed due date.
type FiledRow = (i64, i64, String, Option<DateTime<Utc>>, Option<NaiveDate>);

/// Completeness and timeliness of a form's reports for a period, over the units in the
/// actor's scope that existed at the period's end and file that form.
pub async fn completeness(
    conn: &mut Conn,
    actor: &Actor,
    form_code: &str,
    period: &str,
) -> Result<Completeness> {
    let form = form(conn, form_code).await?;
    let period = form.period(period)?;
    let due_on = form.due_on(&period);
    let today = Utc::now().date_naive();
    let units: Vec<org::OrgUnit> = org::all_as_of(conn, period.end)
        .await?
        .into_iter()
        .filter(|u| form.unit_kinds.contains(&u.kind) && actor.may(Action::Read, Some(u.id)))
        .collect();
    let filed: Vec<FiledRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    Reports::Id,
                    Reports::UnitId,
                    Reports::State,
                    Reports::SubmittedAt,
                    Reports::DueOn,
                ])
                .from(Reports::Table)
                .and_where(Expr::col(Reports::FormId).eq(form.id))
                .and_where(Expr::col(Reports::Period).eq(period.label())),
        )
        .await?;
    // A report filed by a unit formed later covers the units it carries.
    let graph = org::structure_graph(conn).await?;
    let mut by_unit: HashMap<i64, FiledRow> = HashMap::new();
    for r in filed {
        for carried in graph.carried(r.1) {
            if carried != r.1 {
                by_unit.entry(carried).or_insert_with(|| r.clone());
            }
        }
        by_unit.insert(r.1, r);
    }
    let filed = by_unit;
    let mut standings = Vec::new();
    for u in units {
        let found = filed.get(&u.id);
        let state = found.map(|(_, _, s, ..)| state_of(s)).transpose()?;
        let submitted_at = found.and_then(|(_, _, _, at, _)| *at);
        // A submitted report keeps the due date it was judged against.
        let due_on = found.and_then(|(.., due)| *due).unwrap_or(due_on);
        standings.push(Standing {
            unit_id: u.id,
            unit_name: u.name,
            report_id: found.map(|(id, ..)| *id),
            state,
            submitted_at,
            on_time: on_time(submitted_at, due_on),
            overdue: submitted_at.is_none() && today > due_on,
        });
    }
    let expected = standings.len();
    let submitted = standings
        .iter()
        .filter(|s| s.submitted_at.is_some())
        .count();
    let on_time = standings.iter().filter(|s| s.on_time == Some(true)).count();
    let pct =
        |n: usize| (expected > 0).then(|| (n as f64 / expected as f64 * 1000.0).round() / 10.0);
    Ok(Completeness {
        form: form.code,
        period: period.label(),
        due_on,
        expected,
        submitted,
        approved: standings
            .iter()
            .filter(|s| s.state.is_some_and(ReportState::is_frozen))
            .count(),
        on_time,
        late: submitted - on_time,
        missing: expected - submitted,
        completeness_pct: pct(submitted),
        timeliness_pct: pct(on_time),
        units: standings,
    })
}

/// For each form, the latest period already due: the units in scope that have not submitted.
pub async fn missing(
    conn: &mut Conn,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<Completeness>> {
    let mut out = Vec::new();
    for form in forms(conn).await? {
        if let Some(period) = form.latest_due(today) {
            let mut c = completeness(conn, actor, &form.code, &period.label()).await?;
            c.units.retain(|s| s.submitted_at.is_none());
            if !c.units.is_empty() {
                out.push(c);
            }
        }
    }
    Ok(out)
}

//! Foreign-NGO aid: projects (a programme is a project others belong to), the NGOs in them,
//! their sectors and provinces with percentages, and their money.
//!
//! A project is a record of its Vietnamese partner unit: read within scope, written by its
//! staff. Amounts are decimals stored as text, summed exactly in Rust. The rule for totals:
//! a transaction's đồng are its amount times the rate it names, or else the rate table's rate
//! in force on its date, rounded to the đồng; its dollars are its amount when in USD, else its
//! đồng divided by the table's USD rate on its date, rounded to the cent. A programme's money
//! is its projects' (a project with projects under it takes no transactions), so nothing is
//! counted twice.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use amity_domain::aid::{
    OrgRole, ProjectDraft, ProjectOrg, ProjectResult, ProjectSpec, ProjectStatus, Share,
    TransactionDraft, TransactionKind,
};
use amity_domain::authz::{Action, Actor};
use amity_domain::money::{Currency, Money};
use amity_domain::partner::Vocabulary;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry, scope_cond};
use crate::db::Conn;
use crate::error::{Error, Result, stored};
use crate::org::{self, UnitRef};
use crate::partner;
use crate::schema::{
    AidProjectOrgs, AidProjectProvinces, AidProjectResults, AidProjectSectors, AidProjects,
    AidTransactions, Countries, ExchangeRates, Partners,
};
use crate::sector;
use crate::sets;
use crate::totals::{self, Contribution};

/// The audit trail's and attachments' name for a project.
pub const PROJECT: &str = "aid_project";
const TRANSACTION: &str = "aid_transaction";

fn decimal(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| Error::Other(anyhow::anyhow!("stored amount “{s}”: {e}")))
}

/// The rate table's đồng per unit of `currency` in force on `date` (1 for VND).
pub async fn rate_on(
    conn: &mut Conn,
    currency: &Currency,
    date: NaiveDate,
) -> Result<Option<Decimal>> {
    if currency.as_str() == "VND" {
        return Ok(Some(Decimal::ONE));
    }
    let row: Option<(String,)> = conn
        .fetch_optional(
            Query::select()
                .column(ExchangeRates::VndPerUnit)
                .from(ExchangeRates::Table)
                .and_where(Expr::col(ExchangeRates::Currency).eq(currency.as_str()))
                .and_where(Expr::col(ExchangeRates::ValidFrom).lte(date))
                .order_by(ExchangeRates::ValidFrom, Order::Desc)
                .limit(1),
        )
        .await?;
    row.map(|(r,)| decimal(&r)).transpose()
}

/// A rate of the table.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub currency: String,
    pub valid_from: NaiveDate,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub vnd_per_unit: Decimal,
}

/// The rate table, by currency and date.
pub async fn rates(conn: &mut Conn) -> Result<Vec<Rate>> {
    let rows: Vec<(String, NaiveDate, String)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ExchangeRates::Currency,
                    ExchangeRates::ValidFrom,
                    ExchangeRates::VndPerUnit,
                ])
                .from(ExchangeRates::Table)
                .order_by(ExchangeRates::Currency, Order::Asc)
                .order_by(ExchangeRates::ValidFrom, Order::Asc),
        )
        .await?;
    rows.into_iter()
        .map(|(currency, valid_from, r)| {
            Ok(Rate {
                currency,
                valid_from,
                vnd_per_unit: decimal(&r)?,
            })
        })
        .collect()
}

/// Sets the rate of `currency` from `valid_from` on (administrators), audited.
pub async fn set_rate(
    conn: &mut Conn,
    actor: &Actor,
    currency: &Currency,
    valid_from: NaiveDate,
    vnd_per_unit: Decimal,
) -> Result<Rate> {
    actor.require(Action::ManageReference, None)?;
    if currency.as_str() == "VND" || vnd_per_unit <= Decimal::ZERO {
        return Err(Error::invalid(
            if currency.as_str() == "VND" {
                "currency"
            } else {
                "vnd_per_unit"
            },
            "a positive rate of a foreign currency",
        ));
    }
    let before = rates(conn)
        .await?
        .into_iter()
        .find(|r| r.currency == currency.as_str() && r.valid_from == valid_from);
    conn.execute(
        Query::delete()
            .from_table(ExchangeRates::Table)
            .and_where(Expr::col(ExchangeRates::Currency).eq(currency.as_str()))
            .and_where(Expr::col(ExchangeRates::ValidFrom).eq(valid_from)),
    )
    .await?;
    conn.execute(
        Query::insert()
            .into_table(ExchangeRates::Table)
            .columns([
                ExchangeRates::Currency,
                ExchangeRates::ValidFrom,
                ExchangeRates::VndPerUnit,
            ])
            .values_panic([
                currency.as_str().into(),
                valid_from.into(),
                vnd_per_unit.normalize().to_string().into(),
            ]),
    )
    .await?;
    let rate = Rate {
        currency: currency.as_str().to_owned(),
        valid_from,
        vnd_per_unit: vnd_per_unit.normalize(),
    };
    let json = |r: &Rate| serde_json::json!({ "currency": r.currency, "valid_from": r.valid_from, "vnd_per_unit": r.vnd_per_unit.to_string() });
    audit::record(
        conn,
        actor,
        Entry {
            action: if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            entity_type: "exchange_rate",
            entity_id: 0,
            unit_id: None,
            before: before.as_ref().map(json).as_ref(),
            after: Some(&json(&rate)),
        },
    )
    .await?;
    Ok(rate)
}

/// One movement of a project's money.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Transaction {
    pub id: i64,
    pub kind: TransactionKind,
    pub date: NaiveDate,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub amount: Decimal,
    pub currency: String,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub rate_to_vnd: Decimal,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub amount_vnd: Decimal,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub amount_usd: Decimal,
    pub note: Option<String>,
}

/// A kind of transaction summed, in đồng and in dollars.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Sum {
    #[serde(with = "amity_domain::money::decimal_text")]
    pub vnd: Decimal,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub usd: Decimal,
}

/// An NGO in a project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organization {
    pub partner_id: i64,
    pub name: String,
    pub role: OrgRole,
}

/// A share of a project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectPart)]
pub struct Part<K> {
    pub key: K,
    pub name: String,
    #[serde(with = "amity_domain::money::decimal_text")]
    pub percent: Decimal,
}

/// A project with its NGOs, shares, money and totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Project {
    pub id: i64,
    pub code: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub programme_id: Option<i64>,
    pub unit: UnitRef,
    pub status: ProjectStatus,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub beneficiaries: Option<String>,
    pub description: Option<String>,
    pub organizations: Vec<Organization>,
    pub sectors: Vec<Part<String>>,
    pub provinces: Vec<Part<i64>>,
    pub results: Vec<ProjectResult>,
    /// The projects of this programme.
    pub projects: Vec<i64>,
    pub transactions: Vec<Transaction>,
    /// By kind of transaction (a programme's: its projects').
    pub totals: BTreeMap<&'static str, Sum>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// Its details as a draft, to be changed and saved again.
    pub fn draft(&self) -> ProjectDraft {
        ProjectDraft {
            code: Some(self.code.clone()),
            title_vi: Some(self.title_vi.clone()),
            title_en: self.title_en.clone(),
            programme_id: self.programme_id,
            unit_id: Some(self.unit.id),
            status: Some(self.status.as_str().to_owned()),
            planned_start: Some(self.planned_start),
            planned_end: Some(self.planned_end),
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            beneficiaries: self.beneficiaries.clone(),
            description: self.description.clone(),
            organizations: self
                .organizations
                .iter()
                .map(|o| ProjectOrg {
                    partner_id: o.partner_id,
                    role: o.role,
                })
                .collect(),
            sectors: self
                .sectors
                .iter()
                .map(|s| Share {
                    key: s.key.clone(),
                    percent: s.percent,
                })
                .collect(),
            provinces: self
                .provinces
                .iter()
                .map(|p| Share {
                    key: p.key,
                    percent: p.percent,
                })
                .collect(),
            results: self.results.iter().map(ProjectResult::draft).collect(),
        }
    }
}

type ProjectRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    i64,
    String,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

fn project_columns() -> [AidProjects; 14] {
    [
        AidProjects::Id,
        AidProjects::Code,
        AidProjects::TitleVi,
        AidProjects::TitleEn,
        AidProjects::ProgrammeId,
        AidProjects::UnitId,
        AidProjects::Status,
        AidProjects::PlannedStart,
        AidProjects::PlannedEnd,
        AidProjects::ActualStart,
        AidProjects::ActualEnd,
        AidProjects::Beneficiaries,
        AidProjects::Description,
        AidProjects::UpdatedAt,
    ]
}

type TransactionRow = (
    i64,
    String,
    NaiveDate,
    String,
    String,
    String,
    String,
    Option<String>,
);

async fn transactions_of(conn: &mut Conn, project: i64) -> Result<Vec<Transaction>> {
    let rows: Vec<TransactionRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AidTransactions::Id,
                    AidTransactions::Kind,
                    AidTransactions::Date,
                    AidTransactions::Amount,
                    AidTransactions::Currency,
                    AidTransactions::RateToVnd,
                    AidTransactions::AmountVnd,
                    AidTransactions::Note,
                ])
                .from(AidTransactions::Table)
                .and_where(Expr::col(AidTransactions::ProjectId).eq(project))
                .order_by(AidTransactions::Date, Order::Asc)
                .order_by(AidTransactions::Id, Order::Asc),
        )
        .await?;
    let usd = usd_rates(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, kind, date, amount, currency, rate, vnd, note) in rows {
        let (amount, amount_vnd) = (decimal(&amount)?, decimal(&vnd)?);
        let amount_usd = in_usd(&usd, amount, &currency, amount_vnd, date);
        out.push(Transaction {
            id,
            kind: stored(&kind)?,
            date,
            amount,
            currency,
            rate_to_vnd: decimal(&rate)?,
            amount_vnd,
            amount_usd,
            note,
        });
    }
    Ok(out)
}

/// The table's USD rates, oldest first, read once for all of a project's transactions.
async fn usd_rates(conn: &mut Conn) -> Result<Vec<(NaiveDate, Decimal)>> {
    Ok(rates(conn)
        .await?
        .into_iter()
        .filter(|r| r.currency == "USD")
        .map(|r| (r.valid_from, r.vnd_per_unit))
        .collect())
}

/// A transaction's dollars: its amount when in USD, else its đồng at the USD rate in force on
/// its date, to the cent (0 while the table has no USD rate for the date).
fn in_usd(
    usd_rates: &[(NaiveDate, Decimal)],
    amount: Decimal,
    currency: &str,
    amount_vnd: Decimal,
    date: NaiveDate,
) -> Decimal {
    if currency == "USD" {
        return amount;
    }
    let rate = usd_rates
        .iter()
        .rev()
        .find(|(from, _)| *from <= date)
        .map(|(_, r)| *r);
    rate.map_or(Decimal::ZERO, |r| (amount_vnd / r).round_dp(2))
}

fn add_up(
    totals: &mut BTreeMap<&'static str, Sum>,
    kind: TransactionKind,
    vnd: Decimal,
    usd: Decimal,
) {
    let sum = totals.entry(kind.as_str()).or_default();
    sum.vnd += vnd;
    sum.usd += usd;
}

/// The project's row, or 404 when it is outside the reader's scope.
async fn row(conn: &mut Conn, actor: &Actor, id: i64) -> Result<ProjectRow> {
    let row: ProjectRow = conn
        .fetch_optional(
            Query::select()
                .columns(project_columns())
                .from(AidProjects::Table)
                .and_where(Expr::col(AidProjects::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("project"))?;
    if !actor.may(Action::Read, Some(row.5)) {
        return Err(Error::NotFound("project"));
    }
    Ok(row)
}

async fn children(conn: &mut Conn, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = conn
        .fetch_all(
            Query::select()
                .column(AidProjects::Id)
                .from(AidProjects::Table)
                .and_where(Expr::col(AidProjects::ProgrammeId).eq(id))
                .order_by(AidProjects::Id, Order::Asc),
        )
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// The project with `code` (matched without regard to case), if the actor may read it.
pub async fn find(conn: &mut Conn, actor: &Actor, code: &str) -> Result<Option<i64>> {
    let found: Option<(i64, i64)> = conn
        .fetch_optional(
            Query::select()
                .columns([AidProjects::Id, AidProjects::UnitId])
                .from(AidProjects::Table)
                .and_where(Expr::col(AidProjects::Code).eq(code.trim().to_uppercase())),
        )
        .await?;
    Ok(found
        .filter(|(_, unit)| actor.may(Action::Read, Some(*unit)))
        .map(|(id, _)| id))
}

/// A project the actor may read (404 otherwise).
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Project> {
    let r = row(conn, actor, id).await?;
    let (
        id,
        code,
        title_vi,
        title_en,
        programme_id,
        unit_id,
        status,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        beneficiaries,
        description,
        updated_at,
    ) = r;
    let unit = org::unit_refs(conn, [unit_id].into())
        .await?
        .remove(&unit_id)
        .ok_or(Error::NotFound("unit"))?;
    let orgs: Vec<(i64, String)> = conn
        .fetch_all(
            Query::select()
                .columns([AidProjectOrgs::PartnerId, AidProjectOrgs::Role])
                .from(AidProjectOrgs::Table)
                .and_where(Expr::col(AidProjectOrgs::ProjectId).eq(id))
                .order_by(AidProjectOrgs::PartnerId, Order::Asc),
        )
        .await?;
    let mut organizations = Vec::new();
    for (partner_id, role) in orgs {
        let name = partner::get(conn, partner_id).await?.name;
        organizations.push(Organization {
            partner_id,
            name,
            role: stored(&role)?,
        });
    }
    let sector_rows: Vec<(String, String)> = conn
        .fetch_all(
            Query::select()
                .columns([AidProjectSectors::SectorCode, AidProjectSectors::Percent])
                .from(AidProjectSectors::Table)
                .and_where(Expr::col(AidProjectSectors::ProjectId).eq(id))
                .order_by(AidProjectSectors::SectorCode, Order::Asc),
        )
        .await?;
    let sectors = sector_rows
        .into_iter()
        .map(|(code, pct)| {
            Ok(Part {
                name: sector::get(&code)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                key: code,
                percent: decimal(&pct)?,
            })
        })
        .collect::<Result<_>>()?;
    let province_rows: Vec<(i64, String)> = conn
        .fetch_all(
            Query::select()
                .columns([AidProjectProvinces::UnitId, AidProjectProvinces::Percent])
                .from(AidProjectProvinces::Table)
                .and_where(Expr::col(AidProjectProvinces::ProjectId).eq(id))
                .order_by(AidProjectProvinces::UnitId, Order::Asc),
        )
        .await?;
    let names = org::unit_refs(conn, province_rows.iter().map(|(u, _)| *u).collect()).await?;
    let provinces = province_rows
        .into_iter()
        .map(|(u, pct)| {
            Ok(Part {
                key: u,
                name: names.get(&u).map(|r| r.name.clone()).unwrap_or_default(),
                percent: decimal(&pct)?,
            })
        })
        .collect::<Result<_>>()?;
    let results = results_of(conn, id).await?;
    let projects = children(conn, id).await?;
    let transactions = transactions_of(conn, id).await?;
    let mut totals = BTreeMap::new();
    for t in &transactions {
        add_up(&mut totals, t.kind, t.amount_vnd, t.amount_usd);
    }
    for child in &projects {
        for t in transactions_of(conn, *child).await? {
            add_up(&mut totals, t.kind, t.amount_vnd, t.amount_usd);
        }
    }
    Ok(Project {
        id,
        code,
        title_vi,
        title_en,
        programme_id,
        unit,
        status: stored(&status)?,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        beneficiaries,
        description,
        organizations,
        sectors,
        provinces,
        results,
        projects,
        transactions,
        totals,
        updated_at,
    })
}

type ResultRow = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
);

fn result_columns() -> [AidProjectResults; 9] {
    [
        AidProjectResults::Position,
        AidProjectResults::Kind,
        AidProjectResults::IndicatorVi,
        AidProjectResults::IndicatorEn,
        AidProjectResults::Measure,
        AidProjectResults::Baseline,
        AidProjectResults::BaselineYear,
        AidProjectResults::Target,
        AidProjectResults::Actual,
    ]
}

/// A project's results, in the order they were written.
async fn results_of(conn: &mut Conn, project: i64) -> Result<Vec<ProjectResult>> {
    let rows: Vec<ResultRow> = conn
        .fetch_all(
            Query::select()
                .columns(result_columns().into_iter().skip(1))
                .from(AidProjectResults::Table)
                .and_where(Expr::col(AidProjectResults::ProjectId).eq(project))
                .order_by(AidProjectResults::Position, Order::Asc),
        )
        .await?;
    let value = |v: Option<String>| v.as_deref().map(decimal).transpose();
    rows.into_iter()
        .map(
            |(
                kind,
                indicator_vi,
                indicator_en,
                measure,
                baseline,
                baseline_year,
                target,
                actual,
            )| {
                Ok(ProjectResult {
                    kind: stored(&kind)?,
                    indicator_vi,
                    indicator_en,
                    measure: stored(&measure)?,
                    baseline: value(baseline)?,
                    baseline_year,
                    target: value(target)?,
                    actual: value(actual)?,
                })
            },
        )
        .collect()
}

/// What a project's details must hold beyond their own rules: active DAC sectors, provincial
/// unions, partners of the registry (NGOs mostly; a friendship society may fund a project),
/// and a programme that exists, is visible and holds no money of its own.
async fn check_refs(conn: &mut Conn, actor: &Actor, spec: &ProjectSpec) -> Result<()> {
    if let Some(why) = sector::refuse_unknown(spec.sectors.iter().map(|s| &s.key)) {
        return Err(Error::invalid("sectors", why));
    }
    crate::ngo::check_provinces(
        conn,
        "provinces",
        &spec.provinces.iter().map(|p| p.key).collect::<Vec<_>>(),
    )
    .await?;
    for o in &spec.organizations {
        match partner::get(conn, o.partner_id).await {
            Ok(p) if p.merged_into_id.is_none() => {}
            Ok(_) => {
                return Err(Error::invalid(
                    "organizations",
                    amity_domain::error::said(
                        "partner-id-merged",
                        [("id", o.partner_id.to_string())],
                    ),
                ));
            }
            Err(_) => {
                return Err(Error::invalid(
                    "organizations",
                    amity_domain::error::said("no-partner", [("id", o.partner_id.to_string())]),
                ));
            }
        }
    }
    if let Some(programme) = spec.programme_id {
        row(conn, actor, programme).await.map_err(|_| {
            Error::invalid(
                "programme_id",
                amity_domain::error::said("no-programme", [("id", programme.to_string())]),
            )
        })?;
        if !transactions_of(conn, programme).await?.is_empty() {
            return Err(Error::conflict(
                "programme_id",
                amity_domain::error::said("programme-holds-money", []),
            ));
        }
    }
    Ok(())
}

async fn write_parts(conn: &mut Conn, id: i64, spec: &ProjectSpec) -> Result<()> {
    let orgs: BTreeSet<(i64, &str)> = spec
        .organizations
        .iter()
        .map(|o| (o.partner_id, o.role.as_str()))
        .collect();
    let orgs = orgs
        .into_iter()
        .map(|(partner, role)| [Expr::val(partner), Expr::val(role)])
        .collect();
    sets::replace(
        conn,
        AidProjectOrgs::Table,
        AidProjectOrgs::ProjectId,
        id,
        [AidProjectOrgs::PartnerId, AidProjectOrgs::Role],
        orgs,
    )
    .await?;
    let sectors = spec
        .sectors
        .iter()
        .map(|s| [Expr::val(s.key.clone()), Expr::val(s.percent.to_string())])
        .collect();
    let columns = [AidProjectSectors::SectorCode, AidProjectSectors::Percent];
    sets::replace(
        conn,
        AidProjectSectors::Table,
        AidProjectSectors::ProjectId,
        id,
        columns,
        sectors,
    )
    .await?;
    let provinces = spec
        .provinces
        .iter()
        .map(|p| [Expr::val(p.key), Expr::val(p.percent.to_string())])
        .collect();
    let columns = [AidProjectProvinces::UnitId, AidProjectProvinces::Percent];
    sets::replace(
        conn,
        AidProjectProvinces::Table,
        AidProjectProvinces::ProjectId,
        id,
        columns,
        provinces,
    )
    .await?;
    let text = |d: Option<Decimal>| Expr::val(d.map(|d| d.to_string()));
    let results = (spec.results.iter().zip(0i32..))
        .map(|(r, position)| {
            [
                Expr::val(position),
                Expr::val(r.kind.as_str()),
                Expr::val(r.indicator_vi.clone()),
                Expr::val(r.indicator_en.clone()),
                Expr::val(r.measure.as_str()),
                text(r.baseline),
                Expr::val(r.baseline_year),
                text(r.target),
                text(r.actual),
            ]
        })
        .collect();
    sets::replace(
        conn,
        AidProjectResults::Table,
        AidProjectResults::ProjectId,
        id,
        result_columns(),
        results,
    )
    .await
}

fn project_json(p: &Project) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for derived in ["transactions", "totals", "projects", "updated_at"] {
            o.remove(derived);
        }
    }
    v
}

/// A project's own columns, as checked.
fn details(spec: &ProjectSpec, unit: i64) -> [(AidProjects, sea_query::SimpleExpr); 12] {
    [
        (AidProjects::Code, spec.code.clone().into()),
        (AidProjects::TitleVi, spec.title_vi.clone().into()),
        (AidProjects::TitleEn, spec.title_en.clone().into()),
        (AidProjects::ProgrammeId, spec.programme_id.into()),
        (AidProjects::UnitId, unit.into()),
        (AidProjects::Status, spec.status.as_str().into()),
        (AidProjects::PlannedStart, spec.planned_start.into()),
        (AidProjects::PlannedEnd, spec.planned_end.into()),
        (AidProjects::ActualStart, spec.actual_start.into()),
        (AidProjects::ActualEnd, spec.actual_end.into()),
        (
            AidProjects::Beneficiaries,
            spec.beneficiaries.clone().into(),
        ),
        (AidProjects::Description, spec.description.clone().into()),
    ]
}

/// A code no other project has.
async fn check_code_free(conn: &mut Conn, code: &str, id: Option<i64>) -> Result<()> {
    let mut query = Query::select();
    query
        .column(AidProjects::Id)
        .from(AidProjects::Table)
        .and_where(Expr::col(AidProjects::Code).eq(code));
    if let Some(id) = id {
        query.and_where(Expr::col(AidProjects::Id).ne(id));
    }
    match conn.fetch_optional::<(i64,)>(&query).await? {
        Some((other,)) => Err(Error::conflict(
            "code",
            amity_domain::error::said(
                "project-code-used",
                [("id", other.to_string()), ("code", code.to_string())],
            ),
        )),
        None => Ok(()),
    }
}

/// The days a project's transactions may fall on: from the earlier of its planned and actual
/// starts to the later of its planned and actual ends.
fn window(
    planned: (NaiveDate, NaiveDate),
    actual: (Option<NaiveDate>, Option<NaiveDate>),
) -> (NaiveDate, NaiveDate) {
    (
        actual.0.map_or(planned.0, |a| Ord::min(a, planned.0)),
        actual.1.map_or(planned.1, |a| Ord::max(a, planned.1)),
    )
}

/// Records a project of `unit` (the actor's own by default); its code must be new.
pub async fn create(conn: &mut Conn, actor: &Actor, draft: &ProjectDraft) -> Result<Project> {
    let spec = draft.check()?;
    let unit = org::writing_unit(conn, actor, "unit_id", draft.unit_id).await?;
    check_refs(conn, actor, &spec).await?;
    check_code_free(conn, &spec.code, None).await?;
    let now = Utc::now();
    let (mut columns, mut values): (Vec<AidProjects>, Vec<sea_query::SimpleExpr>) =
        details(&spec, unit).into_iter().unzip();
    columns.extend([AidProjects::CreatedAt, AidProjects::UpdatedAt]);
    values.extend([now.into(), now.into()]);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(AidProjects::Table)
                .columns(columns)
                .values_panic(values)
                .returning_col(AidProjects::Id),
        )
        .await?;
    write_parts(conn, id, &spec).await?;
    totals::apply(
        conn,
        None,
        Some(&project_contribution(
            unit,
            spec.status,
            spec.planned_start,
            spec.planned_end,
        )),
    )
    .await?;
    let created = get(conn, actor, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: PROJECT,
            entity_id: id,
            unit_id: Some(unit),
            before: None,
            after: Some(&project_json(&created)),
        },
    )
    .await?;
    Ok(created)
}

/// Changes a project's details, NGOs and shares (its unit's staff; moving it to another unit
/// needs the right to write there too). Its code stays unique; its dates must still hold every
/// transaction recorded; a programme belongs to no other. The live totals move with its unit,
/// dates, status and funders.
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    draft: &ProjectDraft,
) -> Result<Project> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.unit.id))?;
    let spec = draft.check()?;
    let unit = draft.unit_id.unwrap_or(before.unit.id);
    if unit != before.unit.id {
        actor.require(Action::Write, Some(unit))?;
        org::require_known(conn, "unit_id", unit).await?;
    }
    if spec.programme_id == Some(id) {
        return Err(Error::invalid(
            "programme_id",
            amity_domain::error::Rule::NotOwnProgramme,
        ));
    }
    if spec.programme_id.is_some() && !before.projects.is_empty() {
        return Err(Error::conflict(
            "programme_id",
            amity_domain::error::said(
                "programme-of-projects",
                [("count", before.projects.len().to_string())],
            ),
        ));
    }
    check_refs(conn, actor, &spec).await?;
    check_code_free(conn, &spec.code, Some(id)).await?;
    let (start, end) = window(
        (spec.planned_start, spec.planned_end),
        (spec.actual_start, spec.actual_end),
    );
    if let Some(t) = before.transactions.iter().find(|t| t.date < start) {
        return Err(Error::invalid(
            "planned_start",
            amity_domain::error::said(
                "money-before-start",
                [
                    ("kind", t.kind.as_str().to_owned()),
                    ("date", amity_domain::text::format_date(t.date)),
                ],
            ),
        ));
    }
    if let Some(t) = before.transactions.iter().find(|t| t.date > end) {
        return Err(Error::invalid(
            "planned_end",
            amity_domain::error::said(
                "money-after-end",
                [
                    ("kind", t.kind.as_str().to_owned()),
                    ("date", amity_domain::text::format_date(t.date)),
                ],
            ),
        ));
    }
    let funders_before = funders_of(conn, id).await?;
    let mut update = Query::update();
    update
        .table(AidProjects::Table)
        .values(details(&spec, unit))
        .value(AidProjects::UpdatedAt, Utc::now());
    conn.execute(update.and_where(Expr::col(AidProjects::Id).eq(id)))
        .await?;
    write_parts(conn, id, &spec).await?;
    let funders = funders_of(conn, id).await?;
    let mut was = project_contribution(
        before.unit.id,
        before.status,
        before.planned_start,
        before.planned_end,
    );
    let mut is = project_contribution(unit, spec.status, spec.planned_start, spec.planned_end);
    for t in &before.transactions {
        was.merge(
            &transaction_contribution(
                before.unit.id,
                &funders_before,
                t.kind,
                t.date,
                t.amount_vnd,
                t.amount_usd,
            ),
            1,
        );
        is.merge(
            &transaction_contribution(unit, &funders, t.kind, t.date, t.amount_vnd, t.amount_usd),
            1,
        );
    }
    totals::apply(conn, Some(&was), Some(&is)).await?;
    let after = get(conn, actor, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: PROJECT,
            entity_id: id,
            unit_id: Some(unit),
            before: Some(&project_json(&before)),
            after: Some(&project_json(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// Records a transaction of a project (its unit's staff). A programme with projects takes
/// none; a currency with no rate in the table needs the rate used.
pub async fn add_transaction(
    conn: &mut Conn,
    actor: &Actor,
    project: i64,
    draft: &TransactionDraft,
) -> Result<Transaction> {
    let r = row(conn, actor, project).await?;
    let (unit, planned_start, planned_end, actual_start, actual_end) = (r.5, r.7, r.8, r.9, r.10);
    actor.require(Action::Write, Some(unit))?;
    if !children(conn, project).await?.is_empty() {
        return Err(Error::conflict(
            "project",
            amity_domain::error::said("programme-money-on-projects", []),
        ));
    }
    let spec = draft.check(window(
        (planned_start, planned_end),
        (actual_start, actual_end),
    ))?;
    let rate = match spec.rate_to_vnd {
        Some(r) => Some(r),
        None => rate_on(conn, &spec.currency, spec.date)
            .await?
            .map(Some)
            .ok_or_else(|| {
                Error::invalid(
                    "currency",
                    amity_domain::error::said(
                        "no-rate",
                        [
                            ("value", spec.currency.as_str().to_owned()),
                            ("date", amity_domain::text::format_date(spec.date)),
                        ],
                    ),
                )
            })?,
    };
    let money = Money::new(
        spec.amount,
        spec.currency.clone(),
        rate.filter(|_| spec.currency.as_str() != "VND"),
    )
    .map_err(|e| Error::invalid("rate_to_vnd", e))?;
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(AidTransactions::Table)
                .columns([
                    AidTransactions::ProjectId,
                    AidTransactions::Kind,
                    AidTransactions::Date,
                    AidTransactions::Amount,
                    AidTransactions::Currency,
                    AidTransactions::RateToVnd,
                    AidTransactions::AmountVnd,
                    AidTransactions::Note,
                    AidTransactions::CreatedAt,
                ])
                .values_panic([
                    project.into(),
                    spec.kind.as_str().into(),
                    spec.date.into(),
                    money.amount.normalize().to_string().into(),
                    money.currency.as_str().into(),
                    money.rate_to_vnd.normalize().to_string().into(),
                    money.in_vnd().normalize().to_string().into(),
                    spec.note.clone().into(),
                    Utc::now().into(),
                ])
                .returning_col(AidTransactions::Id),
        )
        .await?;
    conn.execute(
        Query::update()
            .table(AidProjects::Table)
            .value(AidProjects::UpdatedAt, Utc::now())
            .and_where(Expr::col(AidProjects::Id).eq(project)),
    )
    .await?;
    let after = serde_json::json!({
        "project_id": project, "kind": spec.kind.as_str(), "date": spec.date, "amount": money.amount.to_string(),
        "currency": money.currency.as_str(), "rate_to_vnd": money.rate_to_vnd.to_string(), "amount_vnd": money.in_vnd().to_string(),
    });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: TRANSACTION,
            entity_id: id,
            unit_id: Some(unit),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    let amount_usd = in_usd(
        &usd_rates(conn).await?,
        money.amount,
        money.currency.as_str(),
        money.in_vnd(),
        spec.date,
    );
    let funders = funders_of(conn, project).await?;
    let contribution = transaction_contribution(
        unit,
        &funders,
        spec.kind,
        spec.date,
        money.in_vnd(),
        amount_usd,
    );
    totals::apply(conn, None, Some(&contribution)).await?;
    Ok(Transaction {
        id,
        kind: spec.kind,
        date: spec.date,
        amount: money.amount,
        currency: money.currency.as_str().to_owned(),
        rate_to_vnd: money.rate_to_vnd,
        amount_vnd: money.in_vnd(),
        amount_usd,
        note: spec.note,
    })
}

/// What a project adds to the live totals: one project under way, to its unit, from the month
/// it is planned to start to the last month whose end it is planned to reach, while it is being
/// implemented or finalised.
fn project_contribution(
    unit: i64,
    status: ProjectStatus,
    start: NaiveDate,
    end: NaiveDate,
) -> Contribution {
    let mut c = Contribution::default();
    if status.is_active() && end >= start {
        c.add(unit, start, "aid_projects_active", 1);
        if let Some(gone) = end.succ_opt() {
            c.add(unit, gone, "aid_projects_active", -1);
        }
    }
    c
}

/// The partners funding a project.
async fn funders_of(conn: &mut Conn, project: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = conn
        .fetch_all(
            Query::select()
                .column(AidProjectOrgs::PartnerId)
                .from(AidProjectOrgs::Table)
                .and_where(Expr::col(AidProjectOrgs::ProjectId).eq(project))
                .and_where(Expr::col(AidProjectOrgs::Role).eq(OrgRole::Funding.as_str())),
        )
        .await?;
    Ok(rows.into_iter().map(|(p,)| p).collect())
}

/// What a transaction adds to the live totals: a commitment's or a disbursement's đồng and
/// cents, to the project's unit in the transaction's month, and its funders as NGOs giving aid
/// then (counted once each however many units they give to).
fn transaction_contribution(
    unit: i64,
    funders: &[i64],
    kind: TransactionKind,
    date: NaiveDate,
    vnd: Decimal,
    usd: Decimal,
) -> Contribution {
    let mut c = Contribution::default();
    let name = match kind {
        TransactionKind::Commitment => "committed",
        TransactionKind::Disbursement => "disbursed",
        TransactionKind::Pledge | TransactionKind::Expenditure => return c,
    };
    c.add(
        unit,
        date,
        format!("aid_{name}_vnd"),
        vnd.to_i64().unwrap_or(i64::MAX),
    );
    c.add(
        unit,
        date,
        format!("aid_{name}_usd_cents"),
        (usd * Decimal::ONE_HUNDRED)
            .round()
            .to_i64()
            .unwrap_or(i64::MAX),
    );
    for funder in funders {
        c.add(unit, date, format!("aid_ngo:{funder}"), 1);
    }
    c
}

/// Every project's and transaction's contribution, recomputed from the records.
pub(crate) async fn all_contributions(conn: &mut Conn) -> Result<Vec<Contribution>> {
    let projects: Vec<(i64, i64, String, NaiveDate, NaiveDate)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AidProjects::Id,
                    AidProjects::UnitId,
                    AidProjects::Status,
                    AidProjects::PlannedStart,
                    AidProjects::PlannedEnd,
                ])
                .from(AidProjects::Table),
        )
        .await?;
    let mut out = Vec::new();
    for (id, unit, status, start, end) in projects {
        out.push(project_contribution(unit, stored(&status)?, start, end));
        let funders = funders_of(conn, id).await?;
        for t in transactions_of(conn, id).await? {
            out.push(transaction_contribution(
                unit,
                &funders,
                t.kind,
                t.date,
                t.amount_vnd,
                t.amount_usd,
            ));
        }
    }
    Ok(out)
}

/// A project in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = ListedProject)]
pub struct Listed {
    pub id: i64,
    pub code: String,
    pub title_vi: String,
    pub unit_id: i64,
    pub status: String,
    pub programme_id: Option<i64>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
}

/// Which projects a list holds.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Kept by one of these units.
    pub units: Option<BTreeSet<i64>>,
    /// With this NGO in it.
    pub ngo: Option<i64>,
    pub status: Option<ProjectStatus>,
    /// Running at some time in this year.
    pub year: Option<i32>,
}

/// The projects in the reader's scope, by code.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &ProjectFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Listed>, i64)> {
    let mut cond = in_scope(actor, filter.units.as_ref());
    if let Some(ngo) = filter.ngo {
        let with = Query::select()
            .column(AidProjectOrgs::ProjectId)
            .from(AidProjectOrgs::Table)
            .and_where(Expr::col(AidProjectOrgs::PartnerId).eq(ngo))
            .to_owned();
        cond = cond.add(Expr::col(AidProjects::Id).in_subquery(with));
    }
    if let Some(status) = filter.status {
        cond = cond.add(Expr::col(AidProjects::Status).eq(status.as_str()));
    }
    if let Some(year) = filter.year
        && let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        )
    {
        cond = cond
            .add(Expr::col(AidProjects::PlannedStart).lte(last))
            .add(Expr::col(AidProjects::PlannedEnd).gte(first));
    }
    let (total,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(AidProjects::Id).count())
                .from(AidProjects::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let rows: Vec<Listed> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AidProjects::Id,
                    AidProjects::Code,
                    AidProjects::TitleVi,
                    AidProjects::UnitId,
                    AidProjects::Status,
                    AidProjects::ProgrammeId,
                    AidProjects::PlannedStart,
                    AidProjects::PlannedEnd,
                ])
                .from(AidProjects::Table)
                .cond_where(cond)
                .order_by(AidProjects::Code, Order::Asc)
                .limit(limit)
                .offset(offset),
        )
        .await?;
    Ok((rows, total))
}

/// A share of the year's money: a province (its union), a sector or a donor country.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    pub key: String,
    pub name: String,
    pub committed: Sum,
    pub disbursed: Sum,
}

/// The aid of a scope in a year, compared with the year before.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub year: i32,
    pub committed: Sum,
    pub disbursed: Sum,
    pub previous_committed: Sum,
    pub previous_disbursed: Sum,
    /// Projects being implemented or finalised at some time in the year.
    pub active_projects: usize,
    /// Partners taking part in those projects.
    pub active_partners: usize,
    /// By the project's unit, by sector (by its percentage), by the funding partners' country
    /// (shared equally among them); largest disbursement first.
    pub by_unit: Vec<Breakdown>,
    pub by_sector: Vec<Breakdown>,
    pub by_country: Vec<Breakdown>,
}

fn add_share(
    list: &mut BTreeMap<String, Breakdown>,
    key: &str,
    name: &str,
    kind: TransactionKind,
    vnd: Decimal,
    usd: Decimal,
    share: Decimal,
) {
    let entry = list.entry(key.to_owned()).or_insert_with(|| Breakdown {
        key: key.to_owned(),
        name: name.to_owned(),
        ..Default::default()
    });
    let sum = if kind == TransactionKind::Commitment {
        &mut entry.committed
    } else {
        &mut entry.disbursed
    };
    sum.vnd += vnd * share;
    sum.usd += usd * share;
}

fn ranked(list: BTreeMap<String, Breakdown>) -> Vec<Breakdown> {
    let mut out: Vec<Breakdown> = list
        .into_values()
        .map(|mut b| {
            for s in [&mut b.committed, &mut b.disbursed] {
                s.vnd = s.vnd.round_dp_with_strategy(
                    0,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                );
                s.usd = s.usd.round_dp(2);
            }
            b
        })
        .collect();
    out.sort_by(|a, b| {
        b.disbursed
            .vnd
            .cmp(&a.disbursed.vnd)
            .then(b.committed.vnd.cmp(&a.committed.vnd))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// The projects the actor may read (of `units` when given).
fn in_scope(actor: &Actor, units: Option<&BTreeSet<i64>>) -> Cond {
    let mut cond = Cond::all();
    if let Some(scoped) = scope_cond(
        &actor.read,
        Expr::col((AidProjects::Table, AidProjects::UnitId)),
    ) {
        cond = cond.add(scoped);
    }
    if let Some(units) = units {
        cond = cond
            .add(Expr::col((AidProjects::Table, AidProjects::UnitId)).is_in(units.iter().copied()));
    }
    cond
}

/// A commitment or disbursement with its project and the project's unit.
type MoneyRow = (i64, i64, String, NaiveDate, String, String, String);

/// The commitments and disbursements of the projects `cond` selects.
fn money_of(cond: Cond) -> sea_query::SelectStatement {
    Query::select()
        .column((AidTransactions::Table, AidTransactions::ProjectId))
        .column((AidProjects::Table, AidProjects::UnitId))
        .columns([
            (AidTransactions::Table, AidTransactions::Kind),
            (AidTransactions::Table, AidTransactions::Date),
            (AidTransactions::Table, AidTransactions::Amount),
            (AidTransactions::Table, AidTransactions::Currency),
            (AidTransactions::Table, AidTransactions::AmountVnd),
        ])
        .from(AidTransactions::Table)
        .inner_join(
            AidProjects::Table,
            Expr::col((AidProjects::Table, AidProjects::Id))
                .equals((AidTransactions::Table, AidTransactions::ProjectId)),
        )
        .cond_where(cond)
        .and_where(
            Expr::col((AidTransactions::Table, AidTransactions::Kind)).is_in([
                TransactionKind::Commitment.as_str(),
                TransactionKind::Disbursement.as_str(),
            ]),
        )
        .to_owned()
}

/// Whose aid [`overall`] adds up.
#[derive(Debug, Clone, Copy)]
pub enum Whose {
    /// The projects a unit keeps.
    Unit(i64),
    /// The projects a partner takes part in.
    Partner(i64),
}

/// A unit's or a partner's aid over all years, within the reader's scope.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Overall {
    pub projects: i64,
    pub committed: Sum,
    pub disbursed: Sum,
}

/// The projects and money of a unit or a partner that the actor may read, over all years.
pub async fn overall(conn: &mut Conn, actor: &Actor, whose: Whose) -> Result<Overall> {
    let mut cond = in_scope(actor, None);
    cond = match whose {
        Whose::Unit(unit) => {
            cond.add(Expr::col((AidProjects::Table, AidProjects::UnitId)).eq(unit))
        }
        Whose::Partner(partner) => cond.add(
            Expr::col((AidProjects::Table, AidProjects::Id)).in_subquery(
                Query::select()
                    .column(AidProjectOrgs::ProjectId)
                    .from(AidProjectOrgs::Table)
                    .and_where(Expr::col(AidProjectOrgs::PartnerId).eq(partner))
                    .to_owned(),
            ),
        ),
    };
    let (projects,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(AidProjects::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let rows: Vec<MoneyRow> = conn.fetch_all(&money_of(cond)).await?;
    let usd = usd_rates(conn).await?;
    let mut out = Overall {
        projects,
        ..Default::default()
    };
    for (_, _, kind, date, amount, currency, vnd) in rows {
        let vnd = decimal(&vnd)?;
        let sum = if stored::<TransactionKind>(&kind)? == TransactionKind::Commitment {
            &mut out.committed
        } else {
            &mut out.disbursed
        };
        sum.usd += in_usd(&usd, decimal(&amount)?, &currency, vnd, date);
        sum.vnd += vnd;
    }
    Ok(out)
}

/// The aid committed and disbursed in `year` by the projects the actor may read (of `units`
/// when given), with the year before and the breakdowns. Exact: every figure is a sum of the
/// transactions' own đồng and dollars. A handful of queries whatever the number of projects:
/// the two years' money, the shares of the projects that moved money, their funders' countries,
/// and the projects under way.
pub async fn dashboard(
    conn: &mut Conn,
    actor: &Actor,
    units: Option<BTreeSet<i64>>,
    year: i32,
) -> Result<Dashboard> {
    let (Some(first), Some(last), Some(before)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
        NaiveDate::from_ymd_opt(year - 1, 1, 1),
    ) else {
        return Err(Error::invalid(
            "year",
            amity_domain::error::said("year-out-of-range", [("value", year.to_string())]),
        ));
    };
    let scope = in_scope(actor, units.as_ref());
    let mut two_years = money_of(scope.clone());
    two_years
        .and_where(Expr::col((AidTransactions::Table, AidTransactions::Date)).gte(before))
        .and_where(Expr::col((AidTransactions::Table, AidTransactions::Date)).lte(last));
    let money: Vec<MoneyRow> = conn.fetch_all(&two_years).await?;
    // The projects that moved money this year: their shares and funders.
    let mut this_year = money_of(scope.clone());
    this_year
        .and_where(Expr::col((AidTransactions::Table, AidTransactions::Date)).gte(first))
        .and_where(Expr::col((AidTransactions::Table, AidTransactions::Date)).lte(last));
    let moved = Query::select()
        .distinct()
        .column(AidTransactions::ProjectId)
        .from_subquery(this_year, "moved")
        .to_owned();
    let sector_rows: Vec<(i64, String, String)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AidProjectSectors::ProjectId,
                    AidProjectSectors::SectorCode,
                    AidProjectSectors::Percent,
                ])
                .from(AidProjectSectors::Table)
                .and_where(Expr::col(AidProjectSectors::ProjectId).in_subquery(moved.clone())),
        )
        .await?;
    let funder_rows: Vec<(i64, Option<String>, Option<String>)> = conn
        .fetch_all(
            Query::select()
                .column((AidProjectOrgs::Table, AidProjectOrgs::ProjectId))
                .column((Countries::Table, Countries::Code))
                .column((Countries::Table, Countries::NameVi))
                .from(AidProjectOrgs::Table)
                .inner_join(
                    Partners::Table,
                    Expr::col((Partners::Table, Partners::Id))
                        .equals((AidProjectOrgs::Table, AidProjectOrgs::PartnerId)),
                )
                .left_join(
                    Countries::Table,
                    Expr::col((Countries::Table, Countries::Id))
                        .equals((Partners::Table, Partners::CountryId)),
                )
                .and_where(
                    Expr::col((AidProjectOrgs::Table, AidProjectOrgs::Role))
                        .eq(OrgRole::Funding.as_str()),
                )
                .and_where(
                    Expr::col((AidProjectOrgs::Table, AidProjectOrgs::ProjectId))
                        .in_subquery(moved),
                )
                .order_by(
                    (AidProjectOrgs::Table, AidProjectOrgs::ProjectId),
                    Order::Asc,
                )
                .order_by(
                    (AidProjectOrgs::Table, AidProjectOrgs::PartnerId),
                    Order::Asc,
                ),
        )
        .await?;
    // Projects being implemented or finalised at some time in the year, and their partners.
    let active = Query::select()
        .column((AidProjects::Table, AidProjects::Id))
        .from(AidProjects::Table)
        .cond_where(scope)
        .and_where(
            Expr::col((AidProjects::Table, AidProjects::Status)).is_in(
                ProjectStatus::ALL
                    .iter()
                    .filter(|s| s.is_active())
                    .map(|s| s.as_str()),
            ),
        )
        .and_where(Expr::col((AidProjects::Table, AidProjects::PlannedStart)).lte(last))
        .and_where(Expr::col((AidProjects::Table, AidProjects::PlannedEnd)).gte(first))
        .to_owned();
    let (active_projects,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from_subquery(active.clone(), "active"),
        )
        .await?;
    let (active_partners,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(AidProjectOrgs::PartnerId).count_distinct())
                .from(AidProjectOrgs::Table)
                .and_where(Expr::col(AidProjectOrgs::ProjectId).in_subquery(active)),
        )
        .await?;

    let usd = usd_rates(conn).await?;
    let mut sectors: BTreeMap<i64, Vec<(String, Decimal)>> = BTreeMap::new();
    for (project, code, pct) in sector_rows {
        sectors
            .entry(project)
            .or_default()
            .push((code, decimal(&pct)? / Decimal::ONE_HUNDRED));
    }
    let mut funders: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
    for (project, code, name) in funder_rows {
        let code = code.unwrap_or_default();
        funders
            .entry(project)
            .or_default()
            .push((code.clone(), name.unwrap_or(code)));
    }
    let unit_names = org::unit_refs(conn, money.iter().map(|m| m.1).collect()).await?;
    let mut d = Dashboard {
        year,
        active_projects: usize::try_from(active_projects).unwrap_or_default(),
        active_partners: usize::try_from(active_partners).unwrap_or_default(),
        ..Default::default()
    };
    let (mut by_unit, mut by_sector, mut by_country) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (project, unit, kind, date, amount, currency, vnd) in money {
        let kind: TransactionKind = stored(&kind)?;
        let vnd = decimal(&vnd)?;
        let usd = in_usd(&usd, decimal(&amount)?, &currency, vnd, date);
        let this_year = date.year() == year;
        let sum = match (kind, this_year) {
            (TransactionKind::Commitment, true) => &mut d.committed,
            (TransactionKind::Commitment, false) => &mut d.previous_committed,
            (_, true) => &mut d.disbursed,
            (_, false) => &mut d.previous_disbursed,
        };
        sum.vnd += vnd;
        sum.usd += usd;
        if !this_year {
            continue;
        }
        let unit_name = unit_names
            .get(&unit)
            .map(|u| u.name.as_str())
            .unwrap_or_default();
        add_share(
            &mut by_unit,
            &unit.to_string(),
            unit_name,
            kind,
            vnd,
            usd,
            Decimal::ONE,
        );
        for (code, share) in sectors.get(&project).into_iter().flatten() {
            let name = sector::get(code)
                .map(|s| s.name.as_str())
                .unwrap_or_default();
            add_share(&mut by_sector, code, name, kind, vnd, usd, *share);
        }
        let of_project = funders.get(&project).map(Vec::as_slice).unwrap_or_default();
        for (code, name) in of_project {
            add_share(
                &mut by_country,
                code,
                name,
                kind,
                vnd,
                usd,
                Decimal::ONE / Decimal::from(of_project.len()),
            );
        }
    }
    d.by_unit = ranked(by_unit);
    d.by_sector = ranked(by_sector);
    d.by_country = ranked(by_country);
    Ok(d)
}

//! The federation's organization structure, effective-dated.
//!
//! A unit's identity is its id. Its names, codes and parent links each live in their own table
//! with a validity period, so the tree can be read `as_of` any date; merges, splits, renames,
//! moves and closures are recorded as events with lineage links.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor};
use amity_domain::error::Checker;
use amity_domain::org::{ChangeKind, OrgCode, OrgKind, OrgName, Period};
use amity_domain::text::{compare, sort_key};
use chrono::{Datelike, Days, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Iden, Order, Query, SelectStatement};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{
    ClusterRoles, OrgCodes, OrgEventLinks, OrgEvents, OrgNames, OrgParents, OrgUnits,
};
use crate::search::{self, Doc};

const ENTITY: &str = "org_unit";

/// A unit as it stood on one date.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgUnit {
    pub id: i64,
    pub kind: String,
    pub code: Option<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub note: Option<String>,
}

impl OrgUnit {
    /// The short name where there is one (for lists and breadcrumbs), else the full name.
    pub fn label(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }

    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        Period {
            from: self.valid_from,
            to: self.valid_to,
        }
        .contains(date)
    }
}

/// A date after every real one, for "the newest state" (SQLite compares dates as text, so
/// this stays a four-digit year).
pub fn far_future() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("9999-12-31 is a valid date")
}

fn day_before(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(1)).unwrap_or(date)
}

/// Rows of `table` whose validity period contains `date`.
fn valid_at(table: impl Iden + Copy + 'static, date: NaiveDate) -> Cond {
    Cond::all()
        .add(Expr::col((table, "valid_from")).lte(date))
        .add(
            Cond::any()
                .add(Expr::col((table, "valid_to")).is_null())
                .add(Expr::col((table, "valid_to")).gte(date)),
        )
}

/// The select behind every read of units as of a date; callers add conditions.
fn units_as_of(date: NaiveDate) -> SelectStatement {
    Query::select()
        .columns([
            (OrgUnits::Table, OrgUnits::Id),
            (OrgUnits::Table, OrgUnits::Kind),
            (OrgUnits::Table, OrgUnits::ValidFrom),
            (OrgUnits::Table, OrgUnits::ValidTo),
            (OrgUnits::Table, OrgUnits::Address),
            (OrgUnits::Table, OrgUnits::Phone),
            (OrgUnits::Table, OrgUnits::Email),
            (OrgUnits::Table, OrgUnits::Website),
            (OrgUnits::Table, OrgUnits::Note),
        ])
        .column((OrgCodes::Table, OrgCodes::Code))
        .columns([
            (OrgNames::Table, OrgNames::Name),
            (OrgNames::Table, OrgNames::ShortName),
            (OrgNames::Table, OrgNames::NameEn),
        ])
        .column((OrgParents::Table, OrgParents::ParentId))
        .from(OrgUnits::Table)
        .inner_join(
            OrgNames::Table,
            Cond::all()
                .add(
                    Expr::col((OrgNames::Table, OrgNames::UnitId))
                        .equals((OrgUnits::Table, OrgUnits::Id)),
                )
                .add(valid_at(OrgNames::Table, date)),
        )
        .left_join(
            OrgCodes::Table,
            Cond::all()
                .add(
                    Expr::col((OrgCodes::Table, OrgCodes::UnitId))
                        .equals((OrgUnits::Table, OrgUnits::Id)),
                )
                .add(valid_at(OrgCodes::Table, date)),
        )
        .left_join(
            OrgParents::Table,
            Cond::all()
                .add(
                    Expr::col((OrgParents::Table, OrgParents::UnitId))
                        .equals((OrgUnits::Table, OrgUnits::Id)),
                )
                .add(valid_at(OrgParents::Table, date)),
        )
        .to_owned()
}

/// Sort orders a unit list accepts (`-field` for descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    Code,
    Kind,
    ValidFrom,
    Id,
}

impl SortField {
    /// Parses `name`, `-code`, …; `Err` names the accepted fields.
    pub fn parse(input: &str) -> Result<(SortField, bool), String> {
        let (field, descending) =
            crate::parse_sort(input, &["name", "code", "kind", "valid_from", "id"])?;
        let field = match field {
            "name" => SortField::Name,
            "code" => SortField::Code,
            "kind" => SortField::Kind,
            "valid_from" => SortField::ValidFrom,
            _ => SortField::Id,
        };
        Ok((field, descending))
    }
}

#[derive(Debug, Clone)]
pub struct UnitFilter {
    pub as_of: NaiveDate,
    pub kind: Option<OrgKind>,
    pub parent_id: Option<i64>,
    /// Words every listed unit's names or codes (any period) contain; diacritics ignored.
    pub q: Option<String>,
    pub sort: SortField,
    pub descending: bool,
}

impl UnitFilter {
    pub fn as_of(date: NaiveDate) -> Self {
        UnitFilter {
            as_of: date,
            kind: None,
            parent_id: None,
            q: None,
            sort: SortField::Name,
            descending: false,
        }
    }
}

/// Units existing on `filter.as_of`, sorted (names in Vietnamese order), with the total.
///
/// The structure is readable by every signed-in user; records owned by units are scoped.
pub async fn list(
    conn: &mut Conn,
    filter: &UnitFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<OrgUnit>, i64)> {
    let mut select = units_as_of(filter.as_of);
    select.cond_where(valid_at(OrgUnits::Table, filter.as_of));
    if let Some(kind) = filter.kind {
        select.and_where(Expr::col((OrgUnits::Table, OrgUnits::Kind)).eq(kind.as_str()));
    }
    if let Some(parent) = filter.parent_id {
        select.and_where(Expr::col((OrgParents::Table, OrgParents::ParentId)).eq(parent));
    }
    if let Some(q) = &filter.q {
        match search::matching_ids(conn.backend(), ENTITY, q) {
            Some(ids) => {
                select.and_where(Expr::col((OrgUnits::Table, OrgUnits::Id)).in_subquery(ids))
            }
            None => &mut select,
        };
    }
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(select.clone(), "listed")
        .to_owned();
    let (total,): (i64,) = conn.fetch_one(&count).await?;
    let order = if filter.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    match filter.sort {
        SortField::Name => select.order_by((OrgNames::Table, OrgNames::NameKey), order),
        SortField::Code => select.order_by((OrgCodes::Table, OrgCodes::Code), order),
        SortField::Kind => select.order_by((OrgUnits::Table, OrgUnits::Kind), order),
        SortField::ValidFrom => select.order_by((OrgUnits::Table, OrgUnits::ValidFrom), order),
        SortField::Id => select.order_by((OrgUnits::Table, OrgUnits::Id), order),
    };
    select
        .order_by((OrgUnits::Table, OrgUnits::Id), Order::Asc)
        .limit(limit)
        .offset(offset);
    Ok((conn.fetch_all(&select).await?, total))
}

/// Every unit existing on `date`, for trees and pickers.
pub async fn all_as_of(conn: &mut Conn, date: NaiveDate) -> Result<Vec<OrgUnit>> {
    let mut select = units_as_of(date);
    select
        .cond_where(valid_at(OrgUnits::Table, date))
        .order_by((OrgNames::Table, OrgNames::NameKey), Order::Asc);
    conn.fetch_all(&select).await
}

#[derive(Debug, sqlx::FromRow)]
struct Lifetime {
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// The unit a new record is kept by: the one given, or the actor's own. The actor must write
/// for it and it must exist; `field` names it in a refusal.
pub async fn writing_unit(
    conn: &mut Conn,
    actor: &Actor,
    field: &str,
    given: Option<i64>,
) -> Result<i64> {
    let unit = given
        .or(actor.unit_id)
        .ok_or_else(|| Error::invalid(field, amity_domain::error::Problem::Required))?;
    actor.require(Action::Write, Some(unit))?;
    require_known(conn, field, unit).await?;
    Ok(unit)
}

/// Refuses a record of `unit` starting (`start`) after the unit closed, under `start_on`.
pub async fn require_open_on(conn: &mut Conn, unit: i64, start: NaiveDate) -> Result<()> {
    let life: Option<Lifetime> = conn
        .fetch_optional(
            Query::select()
                .columns([OrgUnits::ValidFrom, OrgUnits::ValidTo])
                .from(OrgUnits::Table)
                .and_where(Expr::col(OrgUnits::Id).eq(unit)),
        )
        .await?;
    match life.and_then(|l| l.valid_to) {
        Some(closed) if start > closed => Err(Error::invalid(
            "start_on",
            amity_domain::error::said(
                "unit-closed",
                [("date", amity_domain::text::format_date(closed))],
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses, under `field`, a unit id that names no unit (whether or not it is still active).
pub async fn require_known(conn: &mut Conn, field: &str, id: i64) -> Result<()> {
    let found: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(OrgUnits::Id)
                .from(OrgUnits::Table)
                .and_where(Expr::col(OrgUnits::Id).eq(id)),
        )
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::invalid(
            field,
            amity_domain::error::Problem::NoSuchRecord { kind: "unit", id },
        )),
    }
}

/// A unit as of `date`; for a date outside its lifetime, as it stood at the nearest end.
pub async fn get(conn: &mut Conn, id: i64, date: NaiveDate) -> Result<OrgUnit> {
    let life: Lifetime = conn
        .fetch_optional(
            Query::select()
                .columns([OrgUnits::ValidFrom, OrgUnits::ValidTo])
                .from(OrgUnits::Table)
                .and_where(Expr::col(OrgUnits::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("organization unit"))?;
    let date = Ord::max(date, life.valid_from);
    let date = life.valid_to.map_or(date, |to| Ord::min(date, to));
    let mut select = units_as_of(date);
    select.and_where(Expr::col((OrgUnits::Table, OrgUnits::Id)).eq(id));
    conn.fetch_optional(&select)
        .await?
        .ok_or(Error::NotFound("organization unit"))
}

/// One dated value in a unit's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dated<T> {
    pub value: T,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NameRecord {
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
}

/// Everything a unit has been called, coded as and placed under, oldest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct History {
    pub names: Vec<Dated<NameRecord>>,
    pub codes: Vec<Dated<String>>,
    pub parents: Vec<Dated<UnitRef>>,
}

/// A reference to another unit with its latest name and its lifetime, for display (two units
/// may share a name: the Đà Nẵng union before and after 2025).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A unit's rows in one of the dated tables (names, codes, parents): the given value columns,
/// then `valid_from` and `valid_to`, oldest first.
fn dated_rows(
    table: impl Iden + Copy + 'static,
    values: &[&'static str],
    unit_id: i64,
) -> SelectStatement {
    Query::select()
        .columns(values.iter().copied().chain(["valid_from", "valid_to"]))
        .from(table)
        .and_where(Expr::col("unit_id").eq(unit_id))
        .order_by("valid_from", Order::Asc)
        .to_owned()
}

pub async fn history(conn: &mut Conn, id: i64) -> Result<History> {
    type NameRow = (
        String,
        Option<String>,
        Option<String>,
        NaiveDate,
        Option<NaiveDate>,
    );
    let names: Vec<NameRow> = conn
        .fetch_all(&dated_rows(
            OrgNames::Table,
            &["name", "short_name", "name_en"],
            id,
        ))
        .await?;
    let codes: Vec<(String, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(&dated_rows(OrgCodes::Table, &["code"], id))
        .await?;
    let parents: Vec<(i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(&dated_rows(OrgParents::Table, &["parent_id"], id))
        .await?;
    let parent_refs = unit_refs(conn, parents.iter().map(|p| p.0).collect()).await?;
    Ok(History {
        names: names
            .into_iter()
            .map(|(name, short_name, name_en, from, to)| Dated {
                value: NameRecord {
                    name,
                    short_name,
                    name_en,
                },
                valid_from: from,
                valid_to: to,
            })
            .collect(),
        codes: codes
            .into_iter()
            .map(|(code, from, to)| Dated {
                value: code,
                valid_from: from,
                valid_to: to,
            })
            .collect(),
        parents: parents
            .into_iter()
            .filter_map(|(pid, from, to)| {
                Some(Dated {
                    value: parent_refs.get(&pid)?.clone(),
                    valid_from: from,
                    valid_to: to,
                })
            })
            .collect(),
    })
}

/// The most recent name of each unit.
pub async fn latest_names(conn: &mut Conn, ids: BTreeSet<i64>) -> Result<HashMap<i64, String>> {
    Ok(unit_refs(conn, ids)
        .await?
        .into_iter()
        .map(|(id, r)| (id, r.name))
        .collect())
}

/// References (latest name, lifetime) to the given units.
pub async fn unit_refs(conn: &mut Conn, ids: BTreeSet<i64>) -> Result<HashMap<i64, UnitRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, NaiveDate, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    (OrgNames::Table, OrgNames::UnitId),
                    (OrgNames::Table, OrgNames::Name),
                    (OrgNames::Table, OrgNames::ValidFrom),
                ])
                .columns([
                    (OrgUnits::Table, OrgUnits::ValidFrom),
                    (OrgUnits::Table, OrgUnits::ValidTo),
                ])
                .from(OrgNames::Table)
                .inner_join(
                    OrgUnits::Table,
                    Expr::col((OrgUnits::Table, OrgUnits::Id))
                        .equals((OrgNames::Table, OrgNames::UnitId)),
                )
                .and_where(Expr::col((OrgNames::Table, OrgNames::UnitId)).is_in(ids))
                .order_by((OrgNames::Table, OrgNames::ValidFrom), Order::Asc),
        )
        .await?;
    // Later rows overwrite earlier ones: the newest name wins.
    Ok(rows
        .into_iter()
        .map(|(id, name, _, valid_from, valid_to)| {
            (
                id,
                UnitRef {
                    id,
                    name,
                    valid_from,
                    valid_to,
                },
            )
        })
        .collect())
}

/// A structural change with the units it linked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineageEvent {
    pub id: i64,
    pub kind: String,
    pub date: NaiveDate,
    pub note: Option<String>,
    pub links: Vec<LineageLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineageLink {
    pub from: Option<UnitRef>,
    pub to: Option<UnitRef>,
    pub share: Option<f64>,
}

#[derive(Debug, sqlx::FromRow)]
struct LinkRow {
    event_id: i64,
    kind: String,
    event_date: NaiveDate,
    note: Option<String>,
    from_unit_id: Option<i64>,
    to_unit_id: Option<i64>,
    share: Option<f64>,
}

/// The structural events a unit took part in (as source or result), oldest first.
pub async fn lineage(conn: &mut Conn, id: i64) -> Result<Vec<LineageEvent>> {
    let events = Query::select()
        .column(OrgEventLinks::EventId)
        .from(OrgEventLinks::Table)
        .cond_where(
            Cond::any()
                .add(Expr::col(OrgEventLinks::FromUnitId).eq(id))
                .add(Expr::col(OrgEventLinks::ToUnitId).eq(id)),
        )
        .to_owned();
    let rows: Vec<LinkRow> = conn
        .fetch_all(
            Query::select()
                .column(OrgEventLinks::EventId)
                .columns([
                    (OrgEvents::Table, OrgEvents::Kind),
                    (OrgEvents::Table, OrgEvents::EventDate),
                    (OrgEvents::Table, OrgEvents::Note),
                ])
                .columns([
                    OrgEventLinks::FromUnitId,
                    OrgEventLinks::ToUnitId,
                    OrgEventLinks::Share,
                ])
                .from(OrgEventLinks::Table)
                .inner_join(
                    OrgEvents::Table,
                    Expr::col((OrgEvents::Table, OrgEvents::Id))
                        .equals((OrgEventLinks::Table, OrgEventLinks::EventId)),
                )
                .and_where(Expr::col(OrgEventLinks::EventId).in_subquery(events))
                .order_by((OrgEvents::Table, OrgEvents::EventDate), Order::Asc)
                .order_by(OrgEventLinks::EventId, Order::Asc)
                .order_by((OrgEventLinks::Table, OrgEventLinks::Id), Order::Asc),
        )
        .await?;
    let ids = rows
        .iter()
        .flat_map(|r| [r.from_unit_id, r.to_unit_id])
        .flatten()
        .collect();
    let refs = unit_refs(conn, ids).await?;
    let unit_ref = |id: Option<i64>| id.and_then(|id| refs.get(&id).cloned());
    let mut out: Vec<LineageEvent> = Vec::new();
    for r in rows {
        let link = LineageLink {
            from: unit_ref(r.from_unit_id),
            to: unit_ref(r.to_unit_id),
            share: r.share,
        };
        match out.last_mut() {
            Some(last) if last.id == r.event_id => last.links.push(link),
            _ => out.push(LineageEvent {
                id: r.event_id,
                kind: r.kind,
                date: r.event_date,
                note: r.note,
                links: vec![link],
            }),
        }
    }
    Ok(out)
}

/// A cluster in one year: its members then, its lead and deputy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClusterYear {
    pub cluster: UnitRef,
    pub year: i32,
    pub lead: Option<UnitRef>,
    pub deputy: Option<UnitRef>,
    pub members: Vec<UnitRef>,
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::invalid("year", amity_domain::error::said("out-of-bounds", [])))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| Error::invalid("year", amity_domain::error::said("out-of-bounds", [])))?;
    Ok((start, end))
}

/// Units placed under the cluster at any time during `year`, in Vietnamese order.
pub async fn cluster_members(conn: &mut Conn, cluster_id: i64, year: i32) -> Result<Vec<UnitRef>> {
    let (start, end) = year_bounds(year)?;
    let ids: Vec<(i64,)> = conn
        .fetch_all(
            Query::select()
                .distinct()
                .column(OrgParents::UnitId)
                .from(OrgParents::Table)
                .and_where(Expr::col(OrgParents::ParentId).eq(cluster_id))
                .and_where(Expr::col(OrgParents::ValidFrom).lte(end))
                .cond_where(
                    Cond::any()
                        .add(Expr::col(OrgParents::ValidTo).is_null())
                        .add(Expr::col(OrgParents::ValidTo).gte(start)),
                ),
        )
        .await?;
    let mut members: Vec<UnitRef> = unit_refs(conn, ids.iter().map(|(id,)| *id).collect())
        .await?
        .into_values()
        .collect();
    members.sort_by(|a, b| compare(&a.name, &b.name));
    Ok(members)
}

pub async fn cluster_year(conn: &mut Conn, cluster_id: i64, year: i32) -> Result<ClusterYear> {
    let (start, _) = year_bounds(year)?;
    let cluster = get(conn, cluster_id, start).await?;
    if cluster.kind != OrgKind::Cluster.as_str() {
        return Err(Error::invalid("id", amity_domain::error::Rule::NotACluster));
    }
    let roles: Option<(i64, Option<i64>)> = conn
        .fetch_optional(
            Query::select()
                .columns([ClusterRoles::LeadUnitId, ClusterRoles::DeputyUnitId])
                .from(ClusterRoles::Table)
                .and_where(Expr::col(ClusterRoles::ClusterId).eq(cluster_id))
                .and_where(Expr::col(ClusterRoles::Year).eq(year)),
        )
        .await?;
    let members = cluster_members(conn, cluster_id, year).await?;
    let role_ids = roles
        .iter()
        .flat_map(|(l, d)| [Some(*l), *d])
        .flatten()
        .collect();
    let refs = unit_refs(conn, role_ids).await?;
    Ok(ClusterYear {
        cluster: UnitRef {
            id: cluster.id,
            name: cluster.name,
            valid_from: cluster.valid_from,
            valid_to: cluster.valid_to,
        },
        year,
        lead: roles.and_then(|(l, _)| refs.get(&l).cloned()),
        deputy: roles.and_then(|(_, d)| refs.get(&d?).cloned()),
        members,
    })
}

/// Sets a cluster's lead and deputy for a year (replacing any earlier choice). Both must be
/// members of the cluster that year.
pub async fn set_cluster_roles(
    conn: &mut Conn,
    actor: &Actor,
    cluster_id: i64,
    year: i32,
    lead: i64,
    deputy: Option<i64>,
) -> Result<ClusterYear> {
    actor.require(Action::ManageStructure, Some(cluster_id))?;
    let before = cluster_year(conn, cluster_id, year).await?;
    let member_ids: BTreeSet<i64> = before.members.iter().map(|m| m.id).collect();
    let mut check = Checker::new();
    if !member_ids.contains(&lead) {
        check.push(
            "lead",
            format!("unit {lead} is not a member of this cluster in {year}"),
        );
    }
    if let Some(d) = deputy {
        if !member_ids.contains(&d) {
            check.push(
                "deputy",
                format!("unit {d} is not a member of this cluster in {year}"),
            );
        } else if d == lead {
            check.push("deputy", amity_domain::error::Rule::DeputyDiffers);
        }
    }
    check.finish()?;
    conn.execute(
        Query::delete()
            .from_table(ClusterRoles::Table)
            .and_where(Expr::col(ClusterRoles::ClusterId).eq(cluster_id))
            .and_where(Expr::col(ClusterRoles::Year).eq(year)),
    )
    .await?;
    conn.execute(
        Query::insert()
            .into_table(ClusterRoles::Table)
            .columns([
                ClusterRoles::ClusterId,
                ClusterRoles::Year,
                ClusterRoles::LeadUnitId,
                ClusterRoles::DeputyUnitId,
            ])
            .values_panic([cluster_id.into(), year.into(), lead.into(), deputy.into()]),
    )
    .await?;
    let after = cluster_year(conn, cluster_id, year).await?;
    let json = |c: &ClusterYear| serde_json::json!({ "year": c.year, "lead": c.lead.as_ref().map(|u| u.id), "deputy": c.deputy.as_ref().map(|u| u.id) });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::SetClusterRoles,
            entity_type: ENTITY,
            entity_id: cluster_id,
            unit_id: Some(cluster_id),
            before: Some(&json(&before)),
            after: Some(&json(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// Contact details and notes: fields a unit's own staff may keep up to date.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub note: Option<String>,
}

/// A new unit, validated.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub kind: OrgKind,
    pub code: Option<OrgCode>,
    pub name: OrgName,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    pub parent_id: Option<i64>,
    pub period: Period,
    pub contact: Contact,
}

fn to_json(unit: &OrgUnit) -> Value {
    serde_json::to_value(unit).unwrap_or(Value::Null)
}

/// Fails with a 422 on `field` when another unit holds `code` during any part of `period`.
async fn ensure_code_free(
    conn: &mut Conn,
    code: &OrgCode,
    period: Period,
    except_unit: Option<i64>,
) -> Result<()> {
    let rows: Vec<(i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgCodes::UnitId, OrgCodes::ValidFrom, OrgCodes::ValidTo])
                .from(OrgCodes::Table)
                .and_where(Expr::col(OrgCodes::Code).eq(code.as_str())),
        )
        .await?;
    for (unit, from, to) in rows {
        if Some(unit) != except_unit && (Period { from, to }).overlaps(&period) {
            let date = amity_domain::text::format_date;
            let until = to.map(date).unwrap_or_default();
            return Err(Error::invalid(
                "code",
                amity_domain::error::said(
                    "code-used",
                    [
                        ("code", code.to_string()),
                        ("id", unit.to_string()),
                        ("from", date(from)),
                        ("until", until),
                    ],
                ),
            ));
        }
    }
    Ok(())
}

async fn ensure_parent_open(
    conn: &mut Conn,
    parent_id: i64,
    date: NaiveDate,
    field: &str,
) -> Result<()> {
    let parent = match get(conn, parent_id, date).await {
        Ok(p) => p,
        Err(Error::NotFound(_)) => {
            return Err(Error::invalid(
                field,
                amity_domain::error::Problem::NoSuchRecord {
                    kind: "unit",
                    id: parent_id,
                },
            ));
        }
        Err(e) => return Err(e),
    };
    if !parent.is_open_on(date) {
        return Err(Error::invalid(
            field,
            amity_domain::error::said(
                "no-unit-on",
                [
                    ("id", parent_id.to_string()),
                    ("date", amity_domain::text::format_date(date)),
                ],
            ),
        ));
    }
    Ok(())
}

async fn insert_unit_rows(conn: &mut Conn, unit: &NewUnit) -> Result<i64> {
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(OrgUnits::Table)
                .columns([
                    OrgUnits::Kind,
                    OrgUnits::ValidFrom,
                    OrgUnits::ValidTo,
                    OrgUnits::Address,
                    OrgUnits::Phone,
                    OrgUnits::Email,
                    OrgUnits::Website,
                    OrgUnits::Note,
                    OrgUnits::CreatedAt,
                    OrgUnits::UpdatedAt,
                ])
                .values_panic([
                    unit.kind.as_str().into(),
                    unit.period.from.into(),
                    unit.period.to.into(),
                    unit.contact.address.clone().into(),
                    unit.contact.phone.clone().into(),
                    unit.contact.email.clone().into(),
                    unit.contact.website.clone().into(),
                    unit.contact.note.clone().into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(OrgUnits::Id),
        )
        .await?;
    insert_name(
        conn,
        id,
        &unit.name,
        unit.short_name.clone(),
        unit.name_en.clone(),
        unit.period,
    )
    .await?;
    if let Some(code) = &unit.code {
        insert_code(conn, id, code, unit.period).await?;
    }
    if let Some(parent) = unit.parent_id {
        insert_parent(conn, id, parent, unit.period).await?;
    }
    Ok(id)
}

async fn insert_name(
    conn: &mut Conn,
    unit_id: i64,
    name: &OrgName,
    short: Option<String>,
    en: Option<String>,
    period: Period,
) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(OrgNames::Table)
            .columns([
                OrgNames::UnitId,
                OrgNames::Name,
                OrgNames::ShortName,
                OrgNames::NameEn,
                OrgNames::NameKey,
                OrgNames::ValidFrom,
                OrgNames::ValidTo,
            ])
            .values_panic([
                unit_id.into(),
                name.as_str().into(),
                short.clone().into(),
                en.into(),
                // Lists sort by the distinctive part: "Đà Nẵng", not "Liên hiệp … thành phố Đà Nẵng".
                sort_key(short.as_deref().unwrap_or(name.as_str())).into(),
                period.from.into(),
                period.to.into(),
            ]),
    )
    .await?;
    Ok(())
}

async fn insert_code(conn: &mut Conn, unit_id: i64, code: &OrgCode, period: Period) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(OrgCodes::Table)
            .columns([
                OrgCodes::UnitId,
                OrgCodes::Code,
                OrgCodes::ValidFrom,
                OrgCodes::ValidTo,
            ])
            .values_panic([
                unit_id.into(),
                code.as_str().into(),
                period.from.into(),
                period.to.into(),
            ]),
    )
    .await?;
    Ok(())
}

async fn insert_parent(
    conn: &mut Conn,
    unit_id: i64,
    parent_id: i64,
    period: Period,
) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(OrgParents::Table)
            .columns([
                OrgParents::UnitId,
                OrgParents::ParentId,
                OrgParents::ValidFrom,
                OrgParents::ValidTo,
            ])
            .values_panic([
                unit_id.into(),
                parent_id.into(),
                period.from.into(),
                period.to.into(),
            ]),
    )
    .await?;
    Ok(())
}

/// Re-indexes a unit for search under its newest name, with every name and code it has had.
async fn index(conn: &mut Conn, id: i64) -> Result<()> {
    let unit = get(conn, id, far_future()).await?;
    let history = history(conn, id).await?;
    let mut extra: Vec<String> = history.codes.iter().map(|c| c.value.clone()).collect();
    for n in &history.names {
        extra.push(n.value.name.clone());
        extra.extend(n.value.short_name.clone());
        extra.extend(n.value.name_en.clone());
    }
    let period = match unit.valid_to {
        Some(to) => format!("{}–{}", unit.valid_from.year(), to.year()),
        None => format!("{}–", unit.valid_from.year()),
    };
    search::put(
        conn,
        &Doc {
            entity_type: ENTITY,
            entity_id: id,
            unit_id: None,
            title: unit.name.clone(),
            subtitle: Some(format!(
                "{}{period}",
                unit.code
                    .as_deref()
                    .map(|c| format!("{c} · "))
                    .unwrap_or_default()
            )),
            key: String::new(),
            extra: extra.join(" "),
        },
    )
    .await
}

/// Appends the audit entry for a change to a unit (before → after) and re-indexes it for search:
/// the end of every write to a unit.
async fn record_change(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    before: Option<&OrgUnit>,
    after: Option<&OrgUnit>,
) -> Result<()> {
    let id = after
        .or(before)
        .map(|u| u.id)
        .ok_or(Error::NotFound("organization unit"))?;
    let (before, after) = (before.map(to_json), after.map(to_json));
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(id),
            before: before.as_ref(),
            after: after.as_ref(),
        },
    )
    .await?;
    index(conn, id).await
}

/// Creates a unit (system administrators only), audited and indexed.
pub async fn create(conn: &mut Conn, actor: &Actor, unit: &NewUnit) -> Result<OrgUnit> {
    actor.require(Action::ManageStructure, unit.parent_id)?;
    if let Some(parent) = unit.parent_id {
        ensure_parent_open(conn, parent, unit.period.from, "parent_id").await?;
    }
    if let Some(code) = &unit.code {
        ensure_code_free(conn, code, unit.period, None).await?;
    }
    let id = insert_unit_rows(conn, unit).await?;
    let created = get(conn, id, unit.period.from).await?;
    record_change(conn, actor, AuditAction::Create, None, Some(&created)).await?;
    Ok(created)
}

/// A change to a unit. Structural fields (names, code, parent) take effect from `effective`
/// and keep the earlier values in history; contact fields are simply corrected.
#[derive(Debug, Clone, Default)]
pub struct UnitPatch {
    pub name: Option<OrgName>,
    pub short_name: Option<Option<String>>,
    pub name_en: Option<Option<String>>,
    pub code: Option<OrgCode>,
    pub parent_id: Option<Option<i64>>,
    pub effective: Option<NaiveDate>,
    pub address: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub note: Option<Option<String>>,
}

impl UnitPatch {
    fn is_structural(&self) -> bool {
        self.name.is_some()
            || self.short_name.is_some()
            || self.name_en.is_some()
            || self.code.is_some()
            || self.parent_id.is_some()
    }
}

/// Ends the record of `table` open on `date` the day before it (or deletes it when it started
/// that day). Returns `Some(end it had)` when there was one, `None` when nothing was open.
async fn end_record(
    conn: &mut Conn,
    table: impl Iden + Copy + 'static,
    unit_id: i64,
    date: NaiveDate,
) -> Result<Option<Option<NaiveDate>>> {
    let open: Option<(i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_optional(
            Query::select()
                .columns(["id", "valid_from", "valid_to"])
                .from(table)
                .and_where(Expr::col("unit_id").eq(unit_id))
                .cond_where(valid_at(table, date)),
        )
        .await?;
    let Some((row, from, to)) = open else {
        return Ok(None);
    };
    if from >= date {
        conn.execute(
            Query::delete()
                .from_table(table)
                .and_where(Expr::col("id").eq(row)),
        )
        .await?;
    } else {
        conn.execute(
            Query::update()
                .table(table)
                .value("valid_to", day_before(date))
                .and_where(Expr::col("id").eq(row)),
        )
        .await?;
    }
    Ok(Some(to))
}

/// The first day a later record of `table` starts after `date`, if any: a change from `date` must
/// end before it, so periods never overlap.
async fn next_start(
    conn: &mut Conn,
    table: impl Iden + Copy + 'static,
    unit_id: i64,
    date: NaiveDate,
) -> Result<Option<NaiveDate>> {
    let next: Option<(NaiveDate,)> = conn
        .fetch_optional(
            Query::select()
                .column("valid_from")
                .from(table)
                .and_where(Expr::col("unit_id").eq(unit_id))
                .and_where(Expr::col("valid_from").gt(date))
                .order_by("valid_from", Order::Asc)
                .limit(1),
        )
        .await?;
    Ok(next.map(|(d,)| d))
}

/// Replaces, from `date`, the record of `table` valid then: the old one ends the day before and
/// the new one lasts until the old one would have ended (or the next record starts, or the unit
/// ends). Returns the new record's period.
async fn replace_from(
    conn: &mut Conn,
    table: impl Iden + Copy + 'static,
    unit: &OrgUnit,
    date: NaiveDate,
) -> Result<Period> {
    let to = match end_record(conn, table, unit.id, date).await? {
        Some(to) => to,
        None => next_start(conn, table, unit.id, date)
            .await?
            .map(day_before)
            .or(unit.valid_to),
    };
    Ok(Period { from: date, to })
}

/// Applies a patch; audited with before → after, re-indexed.
pub async fn update(conn: &mut Conn, actor: &Actor, id: i64, patch: &UnitPatch) -> Result<OrgUnit> {
    let today = Utc::now().date_naive();
    let effective = patch.effective.unwrap_or(today);
    let current = get(conn, id, effective).await?;
    if patch.is_structural() {
        actor.require(Action::ManageStructure, Some(id))?;
        if !current.is_open_on(effective) {
            return Err(Error::invalid(
                "effective",
                amity_domain::error::said(
                    "unit-not-on-date",
                    [("date", amity_domain::text::format_date(effective))],
                ),
            ));
        }
    } else {
        actor.require(Action::Write, Some(id))?;
    }
    let before = get(conn, id, today).await?;

    if patch.name.is_some() || patch.short_name.is_some() || patch.name_en.is_some() {
        let name = match &patch.name {
            Some(n) => n.clone(),
            None => OrgName::parse(&current.name).map_err(|e| Error::invalid("name", e))?,
        };
        let short = patch
            .short_name
            .clone()
            .unwrap_or(current.short_name.clone());
        let en = patch.name_en.clone().unwrap_or(current.name_en.clone());
        let period = replace_from(conn, OrgNames::Table, &current, effective).await?;
        insert_name(conn, id, &name, short, en, period).await?;
        if patch
            .name
            .as_ref()
            .is_some_and(|n| n.as_str() != current.name)
        {
            record_event(
                conn,
                ChangeKind::Rename,
                effective,
                None,
                &[(Some(id), Some(id), None)],
            )
            .await?;
        }
    }
    if let Some(code) = &patch.code
        && current.code.as_deref() != Some(code.as_str())
    {
        let period = replace_from(conn, OrgCodes::Table, &current, effective).await?;
        ensure_code_free(conn, code, period, Some(id)).await?;
        insert_code(conn, id, code, period).await?;
    }
    if let Some(parent) = patch.parent_id {
        if parent == Some(id) {
            return Err(Error::invalid(
                "parent_id",
                amity_domain::error::Rule::OwnParent,
            ));
        }
        if parent != current.parent_id {
            if let Some(p) = parent {
                ensure_parent_open(conn, p, effective, "parent_id").await?;
                if ancestors(conn, p, effective).await?.contains(&id) {
                    return Err(Error::invalid(
                        "parent_id",
                        amity_domain::error::Rule::ParentUnderUnit,
                    ));
                }
            }
            let period = replace_from(conn, OrgParents::Table, &current, effective).await?;
            if let Some(p) = parent {
                insert_parent(conn, id, p, period).await?;
            }
            record_event(
                conn,
                ChangeKind::Move,
                effective,
                None,
                &[(Some(id), Some(id), None)],
            )
            .await?;
        }
    }
    let mut update = Query::update();
    update
        .table(OrgUnits::Table)
        .value(OrgUnits::UpdatedAt, Utc::now())
        .and_where(Expr::col(OrgUnits::Id).eq(id));
    for (col, value) in [
        (OrgUnits::Address, &patch.address),
        (OrgUnits::Phone, &patch.phone),
        (OrgUnits::Email, &patch.email),
        (OrgUnits::Website, &patch.website),
        (OrgUnits::Note, &patch.note),
    ] {
        if let Some(v) = value {
            update.value(col, v.clone());
        }
    }
    conn.execute(&update).await?;
    let after = get(conn, id, today).await?;
    record_change(
        conn,
        actor,
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    get(conn, id, effective).await
}

/// The chain of parents above a unit on a date (nearest first), guarding against cycles.
pub async fn ancestors(conn: &mut Conn, id: i64, date: NaiveDate) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    let mut current = id;
    for _ in 0..64 {
        let parent: Option<(i64,)> = conn
            .fetch_optional(
                Query::select()
                    .column(OrgParents::ParentId)
                    .from(OrgParents::Table)
                    .and_where(Expr::col(OrgParents::UnitId).eq(current))
                    .cond_where(valid_at(OrgParents::Table, date)),
            )
            .await?;
        match parent {
            Some((p,)) if !out.contains(&p) && p != id => {
                out.push(p);
                current = p;
            }
            _ => break,
        }
    }
    Ok(out)
}

async fn record_event(
    conn: &mut Conn,
    kind: ChangeKind,
    date: NaiveDate,
    note: Option<&str>,
    links: &[(Option<i64>, Option<i64>, Option<f64>)],
) -> Result<i64> {
    let event = conn
        .insert_id(
            Query::insert()
                .into_table(OrgEvents::Table)
                .columns([
                    OrgEvents::Kind,
                    OrgEvents::EventDate,
                    OrgEvents::Note,
                    OrgEvents::CreatedAt,
                ])
                .values_panic([
                    kind.as_str().into(),
                    date.into(),
                    note.map(str::to_owned).into(),
                    Utc::now().into(),
                ])
                .returning_col(OrgEvents::Id),
        )
        .await?;
    for (from, to, share) in links {
        conn.execute(
            Query::insert()
                .into_table(OrgEventLinks::Table)
                .columns([
                    OrgEventLinks::EventId,
                    OrgEventLinks::FromUnitId,
                    OrgEventLinks::ToUnitId,
                    OrgEventLinks::Share,
                ])
                .values_panic([event.into(), (*from).into(), (*to).into(), (*share).into()]),
        )
        .await?;
    }
    Ok(event)
}

/// Ends a unit and everything open about it on the day before `date`.
async fn close_unit_rows(conn: &mut Conn, id: i64, date: NaiveDate) -> Result<()> {
    let last = day_before(date);
    close_open(conn, OrgNames::Table, id, last).await?;
    close_open(conn, OrgCodes::Table, id, last).await?;
    close_open(conn, OrgParents::Table, id, last).await?;
    conn.execute(
        Query::update()
            .table(OrgUnits::Table)
            .value(OrgUnits::ValidTo, last)
            .value(OrgUnits::UpdatedAt, Utc::now())
            .and_where(Expr::col(OrgUnits::Id).eq(id)),
    )
    .await?;
    Ok(())
}

async fn close_open<T: Iden + Copy + 'static>(
    conn: &mut Conn,
    table: T,
    id: i64,
    last: NaiveDate,
) -> Result<()> {
    conn.execute(
        Query::update()
            .table(table)
            .value("valid_to", last)
            .and_where(Expr::col("unit_id").eq(id))
            .cond_where(
                Cond::any()
                    .add(Expr::col("valid_to").is_null())
                    .add(Expr::col("valid_to").gt(last)),
            ),
    )
    .await?;
    Ok(())
}

/// Where merged or split units go: an existing unit, or one created by the change.
#[derive(Debug, Clone)]
pub enum Target {
    Existing(i64),
    New(Box<NewUnit>),
}

/// Many units becoming one on `date`: the sources close the day before; lineage links each to
/// the result.
#[derive(Debug, Clone)]
pub struct Merge {
    pub from: Vec<i64>,
    pub into: Target,
    pub date: NaiveDate,
    pub note: Option<String>,
}

async fn ensure_open_units(
    conn: &mut Conn,
    ids: &[i64],
    date: NaiveDate,
    field: &str,
) -> Result<Vec<OrgUnit>> {
    let mut units = Vec::new();
    for &id in ids {
        let unit = match get(conn, id, date).await {
            Ok(u) => u,
            Err(Error::NotFound(_)) => {
                return Err(Error::invalid(
                    field,
                    amity_domain::error::Problem::NoSuchRecord { kind: "unit", id },
                ));
            }
            Err(e) => return Err(e),
        };
        if !unit.is_open_on(day_before(date)) {
            return Err(Error::invalid(
                field,
                amity_domain::error::said(
                    "no-unit-named-on",
                    [
                        ("unit", unit.name.clone()),
                        ("date", amity_domain::text::format_date(day_before(date))),
                    ],
                ),
            ));
        }
        units.push(unit);
    }
    Ok(units)
}

async fn resolve_target(
    conn: &mut Conn,
    actor: &Actor,
    target: &Target,
    date: NaiveDate,
    field: &str,
) -> Result<i64> {
    match target {
        Target::Existing(id) => {
            let unit = match get(conn, *id, date).await {
                Ok(u) => u,
                Err(Error::NotFound(_)) => {
                    return Err(Error::invalid(
                        field,
                        amity_domain::error::Problem::NoSuchRecord {
                            kind: "unit",
                            id: *id,
                        },
                    ));
                }
                Err(e) => return Err(e),
            };
            if !unit.is_open_on(date) {
                return Err(Error::invalid(
                    field,
                    amity_domain::error::said(
                        "no-unit-on",
                        [
                            ("id", id.to_string()),
                            ("date", amity_domain::text::format_date(date)),
                        ],
                    ),
                ));
            }
            Ok(*id)
        }
        Target::New(unit) => {
            if unit.period.from != date {
                return Err(Error::invalid(
                    &format!("{field}.valid_from"),
                    amity_domain::error::Rule::StartsOnChangeDate,
                ));
            }
            Ok(create(conn, actor, unit).await?.id)
        }
    }
}

/// The federation's root stays: it is neither closed nor merged away.
fn refuse_root(units: &[&OrgUnit], field: &str) -> Result<()> {
    match units.iter().any(|u| u.parent_id.is_none()) {
        true => Err(Error::conflict(
            field,
            amity_domain::error::said("root-stays", []),
        )),
        false => Ok(()),
    }
}

pub async fn merge(conn: &mut Conn, actor: &Actor, merge: &Merge) -> Result<LineageEvent> {
    actor.require(Action::ManageStructure, None)?;
    let mut check = Checker::new();
    let distinct: BTreeSet<i64> = merge.from.iter().copied().collect();
    if merge.from.is_empty() {
        check.push("from", amity_domain::error::Rule::MergeNeedsUnits);
    } else if distinct.len() != merge.from.len() {
        check.push("from", amity_domain::error::Rule::UnitTwice);
    }
    if let Target::Existing(into) = merge.into {
        if distinct.contains(&into) {
            check.push("into", amity_domain::error::Rule::MergeIntoItself);
        }
    } else if merge.from.len() < 2 {
        check.push("from", amity_domain::error::Rule::MergeNeedsTwo);
    }
    check.finish()?;
    let sources = ensure_open_units(conn, &merge.from, merge.date, "from").await?;
    refuse_root(&sources.iter().collect::<Vec<_>>(), "from")?;
    let into = resolve_target(conn, actor, &merge.into, merge.date, "into").await?;
    for source in &sources {
        close_unit_rows(conn, source.id, merge.date).await?;
        let after = get(conn, source.id, merge.date).await?;
        record_change(conn, actor, AuditAction::Merge, Some(source), Some(&after)).await?;
    }
    let links: Vec<_> = sources
        .iter()
        .map(|s| (Some(s.id), Some(into), Some(1.0)))
        .collect();
    let event = record_event(
        conn,
        ChangeKind::Merge,
        merge.date,
        merge.note.as_deref(),
        &links,
    )
    .await?;
    event_of(conn, into, event).await
}

/// One unit becoming several on `date`, each result taking a share (shares sum to 1). The
/// source closes unless it is itself one of the results.
#[derive(Debug, Clone)]
pub struct Split {
    pub from: i64,
    pub into: Vec<(Target, f64)>,
    pub date: NaiveDate,
    pub note: Option<String>,
}

pub async fn split(conn: &mut Conn, actor: &Actor, split: &Split) -> Result<LineageEvent> {
    actor.require(Action::ManageStructure, None)?;
    let mut check = Checker::new();
    if split.into.len() < 2 {
        check.push("into", amity_domain::error::Rule::SplitNeedsTwo);
    }
    let total: f64 = split.into.iter().map(|(_, s)| *s).sum();
    if split.into.iter().any(|(_, s)| !(*s > 0.0 && *s <= 1.0)) {
        check.push("shares", amity_domain::error::Rule::ShareRange);
    } else if (total - 1.0).abs() > 1e-6 {
        check.push(
            "shares",
            amity_domain::error::said("shares-sum", [("value", total.to_string())]),
        );
    }
    check.finish()?;
    let source = ensure_open_units(conn, &[split.from], split.date, "from")
        .await?
        .remove(0);
    let mut results = Vec::new();
    for (i, (target, share)) in split.into.iter().enumerate() {
        let id = resolve_target(conn, actor, target, split.date, &format!("into[{i}]")).await?;
        results.push((id, *share));
    }
    let source_continues = results.iter().any(|(id, _)| *id == source.id);
    if !source_continues {
        close_unit_rows(conn, source.id, split.date).await?;
    }
    let after = get(conn, source.id, split.date).await?;
    record_change(conn, actor, AuditAction::Split, Some(&source), Some(&after)).await?;
    let links: Vec<_> = results
        .iter()
        .map(|(id, share)| (Some(source.id), Some(*id), Some(*share)))
        .collect();
    let event = record_event(
        conn,
        ChangeKind::Split,
        split.date,
        split.note.as_deref(),
        &links,
    )
    .await?;
    event_of(conn, source.id, event).await
}

/// Closes a unit: it exists until the day before `date`.
pub async fn close(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    date: NaiveDate,
    note: Option<&str>,
) -> Result<LineageEvent> {
    actor.require(Action::ManageStructure, Some(id))?;
    let unit = ensure_open_units(conn, &[id], date, "id").await?.remove(0);
    refuse_root(&[&unit], "id")?;
    if date <= unit.valid_from {
        return Err(Error::invalid(
            "date",
            amity_domain::error::said(
                "close-after-start",
                [("date", amity_domain::text::format_date(unit.valid_from))],
            ),
        ));
    }
    close_unit_rows(conn, id, date).await?;
    let after = get(conn, id, date).await?;
    record_change(conn, actor, AuditAction::Close, Some(&unit), Some(&after)).await?;
    let event = record_event(
        conn,
        ChangeKind::Close,
        date,
        note,
        &[(Some(id), None, None)],
    )
    .await?;
    event_of(conn, id, event).await
}

async fn event_of(conn: &mut Conn, unit: i64, event: i64) -> Result<LineageEvent> {
    lineage(conn, unit)
        .await?
        .into_iter()
        .find(|e| e.id == event)
        .ok_or(Error::NotFound("structural event"))
}

/// Plain inserts for bulk seeding (reference import, demo, generator): no checks, no audit
/// entries per row (the seeding writes one summary entry instead).
pub mod bulk {
    use super::*;

    pub async fn insert_unit(conn: &mut Conn, unit: &NewUnit) -> Result<i64> {
        let id = insert_unit_rows(conn, unit).await?;
        Ok(id)
    }

    pub async fn add_parent(
        conn: &mut Conn,
        unit_id: i64,
        parent_id: i64,
        period: Period,
    ) -> Result<()> {
        insert_parent(conn, unit_id, parent_id, period).await
    }

    pub async fn add_name(
        conn: &mut Conn,
        unit_id: i64,
        name: &OrgName,
        short: Option<String>,
        en: Option<String>,
        period: Period,
    ) -> Result<()> {
        insert_name(conn, unit_id, name, short, en, period).await
    }

    pub async fn end_name(conn: &mut Conn, unit_id: i64, date: NaiveDate) -> Result<()> {
        end_record(conn, OrgNames::Table, unit_id, date)
            .await
            .map(|_| ())
    }

    pub async fn event(
        conn: &mut Conn,
        kind: ChangeKind,
        date: NaiveDate,
        note: Option<&str>,
        links: &[(Option<i64>, Option<i64>, Option<f64>)],
    ) -> Result<i64> {
        record_event(conn, kind, date, note, links).await
    }

    pub async fn cluster_roles(
        conn: &mut Conn,
        cluster_id: i64,
        year: i32,
        lead: i64,
        deputy: Option<i64>,
    ) -> Result<()> {
        conn.execute(
            Query::insert()
                .into_table(ClusterRoles::Table)
                .columns([
                    ClusterRoles::ClusterId,
                    ClusterRoles::Year,
                    ClusterRoles::LeadUnitId,
                    ClusterRoles::DeputyUnitId,
                ])
                .values_panic([cluster_id.into(), year.into(), lead.into(), deputy.into()]),
        )
        .await?;
        Ok(())
    }

    pub async fn reindex(conn: &mut Conn, id: i64) -> Result<()> {
        index(conn, id).await
    }

    /// Finds the unit holding `code` on `date`.
    pub async fn by_code(conn: &mut Conn, code: &str, date: NaiveDate) -> Result<Option<i64>> {
        let row: Option<(i64,)> = conn
            .fetch_optional(
                Query::select()
                    .column(OrgCodes::UnitId)
                    .from(OrgCodes::Table)
                    .and_where(Expr::col(OrgCodes::Code).eq(code))
                    .cond_where(valid_at(OrgCodes::Table, date)),
            )
            .await?;
        Ok(row.map(|(id,)| id))
    }
}

/// Finds the unit holding `code` on `date` (codes are reused over time; ids are not).
pub async fn by_code(conn: &mut Conn, code: &str, date: NaiveDate) -> Result<Option<i64>> {
    bulk::by_code(conn, code, date).await
}

/// All parent links and lineage links, for computing scopes.
pub async fn structure_graph(conn: &mut Conn) -> Result<amity_domain::authz::StructureGraph> {
    let mut graph = amity_domain::authz::StructureGraph::default();
    let parents: Vec<(i64, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgParents::UnitId, OrgParents::ParentId])
                .from(OrgParents::Table),
        )
        .await?;
    let links: Vec<(Option<i64>, Option<i64>)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgEventLinks::FromUnitId, OrgEventLinks::ToUnitId])
                .from(OrgEventLinks::Table),
        )
        .await?;
    let units: Vec<(i64,)> = conn
        .fetch_all(Query::select().column(OrgUnits::Id).from(OrgUnits::Table))
        .await?;
    let has_parent: BTreeSet<i64> = parents.iter().map(|(c, _)| *c).collect();
    for (child, parent) in parents {
        graph.add_parent(child, parent);
    }
    for (from, to) in links {
        if let (Some(from), Some(to)) = (from, to)
            && from != to
        {
            graph.add_lineage(from, to);
        }
    }
    graph.roots = units
        .into_iter()
        .map(|(id,)| id)
        .filter(|id| !has_parent.contains(id))
        .collect();
    Ok(graph)
}

/// A year in which a unit led or deputized a cluster.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClusterRole {
    pub cluster: UnitRef,
    pub year: i32,
    /// `lead` or `deputy`.
    pub role: &'static str,
}

/// The cluster years in which any of `units` was lead or deputy, newest first.
pub async fn cluster_roles_of(conn: &mut Conn, units: &BTreeSet<i64>) -> Result<Vec<ClusterRole>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i32, i64, Option<i64>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ClusterRoles::ClusterId,
                    ClusterRoles::Year,
                    ClusterRoles::LeadUnitId,
                    ClusterRoles::DeputyUnitId,
                ])
                .from(ClusterRoles::Table)
                .cond_where(
                    Cond::any()
                        .add(Expr::col(ClusterRoles::LeadUnitId).is_in(units.iter().copied()))
                        .add(Expr::col(ClusterRoles::DeputyUnitId).is_in(units.iter().copied())),
                )
                .order_by(ClusterRoles::Year, Order::Desc),
        )
        .await?;
    let clusters = unit_refs(conn, rows.iter().map(|r| r.0).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(cluster, year, lead, _)| {
            let role = if units.contains(&lead) {
                "lead"
            } else {
                "deputy"
            };
            Some(ClusterRole {
                cluster: clusters.get(&cluster)?.clone(),
                year,
                role,
            })
        })
        .collect())
}

/// Members of the clusters `units` led, in the years they led them.
pub async fn led_cluster_members(
    conn: &mut Conn,
    units: &BTreeSet<i64>,
) -> Result<BTreeMap<i64, BTreeSet<i32>>> {
    if units.is_empty() {
        return Ok(BTreeMap::new());
    }
    let led: Vec<(i64, i32)> = conn
        .fetch_all(
            Query::select()
                .columns([ClusterRoles::ClusterId, ClusterRoles::Year])
                .from(ClusterRoles::Table)
                .and_where(Expr::col(ClusterRoles::LeadUnitId).is_in(units.iter().copied())),
        )
        .await?;
    let mut members: BTreeMap<i64, BTreeSet<i32>> = BTreeMap::new();
    for (cluster, year) in led {
        for m in cluster_members(conn, cluster, year).await? {
            members.entry(m.id).or_default().insert(year);
        }
    }
    Ok(members)
}

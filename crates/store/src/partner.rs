//! The partner registry: foreign and international organizations the federation works with.
//!
//! One shared registry: every signed-in user reads partners (identity is not private); a
//! partner is kept by its owner unit, whose write scope may change it. Links to our units are
//! dated and written by the linked unit.

use std::collections::BTreeSet;

use amity_domain::anniversary::{PartialDate, Precision};
use amity_domain::authz::{Action, Actor};
use amity_domain::country::CountryCode;
use amity_domain::partner::{
    PartnerKind, RelationshipCategory, UnitRelation, Vocabulary, split_names,
};
use amity_domain::text::{fold, sort_key};
use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{Countries, PartnerUnits, Partners, Positions};
use crate::search::{self, Doc};
use crate::{country, org};

const ENTITY: &str = "partner";

/// A partner as read back.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: i64,
    pub kind: PartnerKind,
    pub category: Option<RelationshipCategory>,
    pub country_code: Option<String>,
    /// The name in the partner's own script.
    pub name_native: Option<String>,
    pub name_latin: Option<String>,
    pub name_vi: Option<String>,
    /// The name to show: Vietnamese, else Latin-script, else native.
    pub name: String,
    pub acronyms: Vec<String>,
    pub aliases: Vec<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub owner_unit_id: i64,
    /// Set when this partner was merged into another.
    pub merged_into_id: Option<i64>,
    /// When it was founded, to the precision known (for its anniversaries).
    pub founded: Option<PartialDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    category: Option<String>,
    code: Option<String>,
    name_native: Option<String>,
    name_latin: Option<String>,
    name_vi: Option<String>,
    acronyms: String,
    aliases: String,
    website: Option<String>,
    address: Option<String>,
    note: Option<String>,
    owner_unit_id: i64,
    merged_into_id: Option<i64>,
    founded_on: Option<NaiveDate>,
    founded_precision: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn display_name(vi: &Option<String>, latin: &Option<String>, native: &Option<String>) -> String {
    vi.clone()
        .or_else(|| latin.clone())
        .or_else(|| native.clone())
        .unwrap_or_default()
}

impl TryFrom<Row> for Partner {
    type Error = Error;
    fn try_from(r: Row) -> Result<Partner> {
        let stored = |what: &str, e: amity_domain::error::Problem| {
            Error::Other(anyhow::anyhow!("stored {what} of partner {}: {e}", r.id))
        };
        Ok(Partner {
            id: r.id,
            kind: r.kind.parse().map_err(|e| stored("kind", e))?,
            category: r
                .category
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| stored("category", e))?,
            country_code: r.code,
            name: display_name(&r.name_vi, &r.name_latin, &r.name_native),
            name_native: r.name_native,
            name_latin: r.name_latin,
            name_vi: r.name_vi,
            acronyms: split_names(&r.acronyms),
            aliases: split_names(&r.aliases),
            website: r.website,
            address: r.address,
            note: r.note,
            owner_unit_id: r.owner_unit_id,
            merged_into_id: r.merged_into_id,
            founded: match (r.founded_on, r.founded_precision.as_deref()) {
                (Some(date), Some(p)) => Some(PartialDate {
                    date,
                    precision: Precision::parse(p)
                        .map_err(|e| stored("founding precision", e.into()))?,
                }),
                _ => None,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            (Partners::Table, Partners::Id),
            (Partners::Table, Partners::Kind),
            (Partners::Table, Partners::Category),
            (Partners::Table, Partners::NameNative),
            (Partners::Table, Partners::NameLatin),
            (Partners::Table, Partners::NameVi),
            (Partners::Table, Partners::Acronyms),
            (Partners::Table, Partners::Aliases),
            (Partners::Table, Partners::Website),
            (Partners::Table, Partners::Address),
            (Partners::Table, Partners::Note),
            (Partners::Table, Partners::OwnerUnitId),
            (Partners::Table, Partners::MergedIntoId),
            (Partners::Table, Partners::FoundedOn),
            (Partners::Table, Partners::FoundedPrecision),
            (Partners::Table, Partners::CreatedAt),
            (Partners::Table, Partners::UpdatedAt),
        ])
        .column((Countries::Table, Countries::Code))
        .from(Partners::Table)
        .left_join(
            Countries::Table,
            Expr::col((Countries::Table, Countries::Id))
                .equals((Partners::Table, Partners::CountryId)),
        )
        .to_owned()
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Partner> {
    let row: Row = conn
        .fetch_optional(select().and_where(Expr::col((Partners::Table, Partners::Id)).eq(id)))
        .await?
        .ok_or(Error::NotFound("partner"))?;
    row.try_into()
}

/// The partners merged into `id` (their last update is the merge).
pub async fn merged_into(conn: &mut Conn, id: i64) -> Result<Vec<Partner>> {
    let rows: Vec<Row> = conn
        .fetch_all(select().and_where(Expr::col((Partners::Table, Partners::MergedIntoId)).eq(id)))
        .await?;
    rows.into_iter().map(Partner::try_from).collect()
}

/// Active partners with a founding date, for the anniversary calendar.
pub async fn foundings(conn: &mut Conn) -> Result<Vec<(Partner, PartialDate)>> {
    let rows: Vec<Row> = conn
        .fetch_all(
            select()
                .and_where(Expr::col((Partners::Table, Partners::FoundedOn)).is_not_null())
                .and_where(Expr::col((Partners::Table, Partners::MergedIntoId)).is_null()),
        )
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let p = Partner::try_from(row)?;
        if let Some(f) = p.founded {
            out.push((p, f));
        }
    }
    Ok(out)
}

pub use amity_domain::partner::{PartnerDraft, PartnerSpec};

/// The draft a stored partner gives back: what its edit form starts from, and what an API
/// update changes only the named fields of.
pub fn draft_of(p: &Partner) -> PartnerDraft {
    PartnerDraft {
        kind: p.kind.as_str().into(),
        category: p
            .category
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        country: p.country_code.clone().unwrap_or_default(),
        name_vi: p.name_vi.clone().unwrap_or_default(),
        name_latin: p.name_latin.clone().unwrap_or_default(),
        name_native: p.name_native.clone().unwrap_or_default(),
        acronyms: p.acronyms.clone(),
        aliases: p.aliases.clone(),
        website: p.website.clone().unwrap_or_default(),
        address: p.address.clone().unwrap_or_default(),
        note: p.note.clone().unwrap_or_default(),
        founded: p.founded.map(|f| f.display()).unwrap_or_default(),
    }
}

/// The columns a partner's spec sets, with their values: one list for insert and update.
fn written(
    spec: &PartnerSpec,
    country: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<(Partners, SimpleExpr)> {
    let name = display_name(&spec.name_vi, &spec.name_latin, &spec.name_native);
    vec![
        (Partners::Kind, spec.kind.as_str().into()),
        (Partners::Category, spec.category.map(|c| c.as_str()).into()),
        (Partners::CountryId, country.into()),
        (Partners::NameNative, spec.name_native.clone().into()),
        (Partners::NameLatin, spec.name_latin.clone().into()),
        (Partners::NameVi, spec.name_vi.clone().into()),
        (Partners::NameKey, sort_key(&name).into()),
        (Partners::Acronyms, joined(&spec.acronyms).into()),
        (Partners::Aliases, joined(&spec.aliases).into()),
        (Partners::Website, spec.website.clone().into()),
        (Partners::Address, spec.address.clone().into()),
        (Partners::Note, spec.note.clone().into()),
        (Partners::FoundedOn, spec.founded.map(|f| f.date).into()),
        (
            Partners::FoundedPrecision,
            spec.founded.map(|f| f.precision.as_str()).into(),
        ),
        (Partners::UpdatedAt, now.into()),
    ]
}

/// Every name a partner as given goes by, folded for comparison.
fn folded_names_given(p: &PartnerSpec) -> BTreeSet<String> {
    folded_names(
        [&p.name_vi, &p.name_latin, &p.name_native],
        &p.acronyms,
        &p.aliases,
    )
}

fn folded_names(
    names: [&Option<String>; 3],
    acronyms: &[String],
    aliases: &[String],
) -> BTreeSet<String> {
    names
        .into_iter()
        .flatten()
        .chain(acronyms)
        .chain(aliases)
        .map(|n| fold(n).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Whether two partner entries share a folded name, alias or acronym.
pub fn names_overlap(a: &PartnerSpec, b: &PartnerSpec) -> bool {
    !folded_names_given(a).is_disjoint(&folded_names_given(b))
}

fn folded_names_of(p: &Partner) -> BTreeSet<String> {
    folded_names(
        [&p.name_vi, &p.name_latin, &p.name_native],
        &p.acronyms,
        &p.aliases,
    )
}

async fn country_id(conn: &mut Conn, code: Option<&CountryCode>) -> Result<Option<i64>> {
    match code {
        None => Ok(None),
        Some(code) => country::id_for(conn, "country", code).await.map(Some),
    }
}

/// Every active partner's folded names, acronyms and aliases, each with the partners it names:
/// read once for an import that names partners in its rows.
pub async fn name_index(conn: &mut Conn) -> Result<std::collections::HashMap<String, Vec<i64>>> {
    let mut select = select();
    select.and_where(Expr::col((Partners::Table, Partners::MergedIntoId)).is_null());
    let rows: Vec<Row> = conn.fetch_all(&select).await?;
    let mut index: std::collections::HashMap<String, Vec<i64>> = std::collections::HashMap::new();
    for row in rows {
        let p = Partner::try_from(row)?;
        for name in folded_names_of(&p) {
            index.entry(name).or_default().push(p.id);
        }
    }
    Ok(index)
}

/// A name folded as [`name_index`] keys it.
pub fn name_key(name: &str) -> String {
    fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Active partners in the same country (or likewise without one) sharing a folded name, alias
/// or acronym with `input`.
pub async fn duplicates(
    conn: &mut Conn,
    input: &PartnerSpec,
    except: Option<i64>,
) -> Result<Vec<Partner>> {
    let country = country_id(conn, input.country.as_ref()).await?;
    let mut select = select();
    select.and_where(Expr::col((Partners::Table, Partners::MergedIntoId)).is_null());
    match country {
        Some(id) => select.and_where(Expr::col((Partners::Table, Partners::CountryId)).eq(id)),
        None => select.and_where(Expr::col((Partners::Table, Partners::CountryId)).is_null()),
    };
    let rows: Vec<Row> = conn.fetch_all(&select).await?;
    let names = folded_names_given(input);
    let mut out = Vec::new();
    for row in rows {
        let p = Partner::try_from(row)?;
        if Some(p.id) != except && !folded_names_of(&p).is_disjoint(&names) {
            out.push(p);
        }
    }
    Ok(out)
}

fn joined(names: &[String]) -> String {
    names.join("; ")
}

fn to_json(p: &Partner) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

async fn index(conn: &mut Conn, p: &Partner) -> Result<()> {
    let mut extra: Vec<String> = p.acronyms.clone();
    extra.extend(p.aliases.iter().cloned());
    extra.extend(
        [&p.name_native, &p.name_latin, &p.name_vi]
            .into_iter()
            .flatten()
            .cloned(),
    );
    search::put(
        conn,
        &Doc {
            entity_type: ENTITY,
            entity_id: p.id,
            unit_id: None,
            title: p.name.clone(),
            subtitle: Some(
                [
                    Some(p.kind.as_str().to_owned()),
                    p.country_code.clone(),
                    p.acronyms.first().cloned(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            ),
            key: String::new(),
            extra: extra.join(" "),
        },
    )
    .await
}

/// Appends the audit entry for a change to a partner (before → after) and re-indexes it for
/// search: the end of every write to a partner's own record.
impl Partner {
    /// What the partner adds to the live totals: one new partner in its keeping unit, in the
    /// month it was recorded, unless it was merged into another.
    pub fn contribution(&self) -> crate::totals::Contribution {
        let mut c = crate::totals::Contribution::default();
        if self.merged_into_id.is_none() {
            c.add(
                self.owner_unit_id,
                self.created_at.date_naive(),
                "partners_new",
                1,
            );
        }
        c
    }
}

/// Every partner's contribution, recomputed from the records (for `amity check`).
pub(crate) async fn all_contributions(conn: &mut Conn) -> Result<Vec<crate::totals::Contribution>> {
    let rows: Vec<Row> = conn.fetch_all(&select()).await?;
    rows.into_iter()
        .map(|r| Partner::try_from(r).map(|p| p.contribution()))
        .collect()
}

async fn record_change(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    before: Option<&Partner>,
    after: &Partner,
) -> Result<()> {
    crate::totals::apply(
        conn,
        before.map(Partner::contribution).as_ref(),
        Some(&after.contribution()),
    )
    .await?;
    let before = before.map(to_json);
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: ENTITY,
            entity_id: after.id,
            unit_id: Some(after.owner_unit_id),
            before: before.as_ref(),
            after: Some(&to_json(after)),
        },
    )
    .await?;
    index(conn, after).await
}

/// Creates a partner kept by `owner_unit` (the actor's unit by default). A partner that looks
/// like an existing one is refused with [`Error::Duplicate`] unless `confirmed`.
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    input: &PartnerSpec,
    owner_unit: Option<i64>,
    confirmed: bool,
) -> Result<Partner> {
    let owner = org::writing_unit(conn, actor, "owner_unit_id", owner_unit).await?;
    input.check()?;
    let country = country_id(conn, input.country.as_ref()).await?;
    if !confirmed {
        let found = duplicates(conn, input, None).await?;
        if !found.is_empty() {
            return Err(Error::Duplicate {
                field: "name_vi".into(),
                candidates: found.iter().map(to_json).collect(),
            });
        }
    }
    let now = Utc::now();
    let (mut columns, mut values): (Vec<Partners>, Vec<SimpleExpr>) =
        written(input, country, now).into_iter().unzip();
    columns.extend([Partners::OwnerUnitId, Partners::CreatedAt]);
    values.extend([owner.into(), now.into()]);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Partners::Table)
                .columns(columns)
                .values_panic(values)
                .returning_col(Partners::Id),
        )
        .await?;
    let created = get(conn, id).await?;
    record_change(conn, actor, AuditAction::Create, None, &created).await?;
    Ok(created)
}

/// Replaces a partner's details (its owner unit's write scope), audited before → after.
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    input: &PartnerSpec,
) -> Result<Partner> {
    let before = get(conn, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    if before.merged_into_id.is_some() {
        return Err(Error::conflict(
            "id",
            amity_domain::error::said("partner-merged", []),
        ));
    }
    input.check()?;
    let country = country_id(conn, input.country.as_ref()).await?;
    conn.execute(
        Query::update()
            .table(Partners::Table)
            .values(written(input, country, Utc::now()))
            .and_where(Expr::col(Partners::Id).eq(id)),
    )
    .await?;
    let after = get(conn, id).await?;
    record_change(conn, actor, AuditAction::Update, Some(&before), &after).await?;
    Ok(after)
}

/// Filters for the partner list.
#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    pub q: Option<String>,
    pub country: Option<CountryCode>,
    pub kind: Option<PartnerKind>,
    pub category: Option<RelationshipCategory>,
    /// Partners linked to this unit (any relation, any period).
    pub unit_id: Option<i64>,
    /// Include partners merged into others.
    pub include_merged: bool,
    /// Only partners whose ids this query selects.
    pub within: Option<sea_query::SelectStatement>,
}

/// The sort fields of the partner list (`name` in Vietnamese order).
pub const SORT_FIELDS: [&str; 4] = ["name", "created_at", "updated_at", "id"];

pub async fn list(
    conn: &mut Conn,
    filter: &PartnerFilter,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<Partner>, i64)> {
    let mut cond = Cond::all();
    if !filter.include_merged {
        cond = cond.add(Expr::col((Partners::Table, Partners::MergedIntoId)).is_null());
    }
    if let Some(code) = &filter.country {
        cond = cond.add(Expr::col((Countries::Table, Countries::Code)).eq(code.as_str()));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(Expr::col((Partners::Table, Partners::Kind)).eq(kind.as_str()));
    }
    if let Some(category) = filter.category {
        cond = cond.add(Expr::col((Partners::Table, Partners::Category)).eq(category.as_str()));
    }
    if let Some(unit) = filter.unit_id {
        let linked = Query::select()
            .column(PartnerUnits::PartnerId)
            .from(PartnerUnits::Table)
            .and_where(Expr::col(PartnerUnits::UnitId).eq(unit))
            .to_owned();
        cond = cond.add(Expr::col((Partners::Table, Partners::Id)).in_subquery(linked));
    }
    if let Some(ids) = &filter.within {
        cond = cond.add(Expr::col((Partners::Table, Partners::Id)).in_subquery(ids.clone()));
    }
    if let Some(q) = &filter.q
        && let Some(ids) = search::matching_ids(conn.backend(), ENTITY, q)
    {
        cond = cond.add(Expr::col((Partners::Table, Partners::Id)).in_subquery(ids));
    }
    let mut select = select();
    select.cond_where(cond);
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(select.clone(), "listed")
        .to_owned();
    let (total,): (i64,) = conn.fetch_one(&count).await?;
    let order = if sort.1 { Order::Desc } else { Order::Asc };
    let column = match sort.0 {
        "created_at" => Partners::CreatedAt,
        "updated_at" => Partners::UpdatedAt,
        "id" => Partners::Id,
        _ => Partners::NameKey,
    };
    select
        .order_by((Partners::Table, column), order)
        .order_by((Partners::Table, Partners::Id), Order::Asc)
        .limit(limit)
        .offset(offset);
    let rows: Vec<Row> = conn.fetch_all(&select).await?;
    Ok((
        rows.into_iter()
            .map(Partner::try_from)
            .collect::<Result<_>>()?,
        total,
    ))
}

/// A reference to a partner for display elsewhere (its name; merged partners point onwards).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartnerRef {
    pub id: i64,
    pub name: String,
    pub merged_into_id: Option<i64>,
}

pub async fn reference(conn: &mut Conn, id: i64) -> Result<PartnerRef> {
    let p = get(conn, id).await?;
    Ok(PartnerRef {
        id: p.id,
        name: p.name,
        merged_into_id: p.merged_into_id,
    })
}

/// A dated link between one of our units and a partner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitLink {
    pub id: i64,
    pub unit: org::UnitRef,
    pub relation: UnitRelation,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
}

pub async fn unit_links(conn: &mut Conn, partner_id: i64) -> Result<Vec<UnitLink>> {
    type LinkRow = (
        i64,
        i64,
        String,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<String>,
    );
    let rows: Vec<LinkRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    PartnerUnits::Id,
                    PartnerUnits::UnitId,
                    PartnerUnits::Relation,
                    PartnerUnits::ValidFrom,
                    PartnerUnits::ValidTo,
                    PartnerUnits::Note,
                ])
                .from(PartnerUnits::Table)
                .and_where(Expr::col(PartnerUnits::PartnerId).eq(partner_id))
                .order_by(PartnerUnits::ValidFrom, Order::Asc)
                .order_by(PartnerUnits::Id, Order::Asc),
        )
        .await?;
    let refs = org::unit_refs(conn, rows.iter().map(|r| r.1).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, unit, relation, valid_from, valid_to, note)| {
            Some(UnitLink {
                id,
                unit: refs.get(&unit)?.clone(),
                relation: relation.parse().ok()?,
                valid_from,
                valid_to,
                note,
            })
        })
        .collect())
}

/// Links one of our units to a partner over a period (the unit's write scope), audited on the
/// partner.
pub async fn link_unit(
    conn: &mut Conn,
    actor: &Actor,
    partner_id: i64,
    unit_id: i64,
    relation: UnitRelation,
    period: (Option<NaiveDate>, Option<NaiveDate>),
    note: Option<String>,
) -> Result<Vec<UnitLink>> {
    actor.require(Action::Write, Some(unit_id))?;
    let partner = get(conn, partner_id).await?;
    if let (Some(from), Some(to)) = period
        && to < from
    {
        return Err(Error::invalid(
            "valid_to",
            amity_domain::error::Problem::EndsBeforeStart,
        ));
    }
    if org::get(conn, unit_id, Utc::now().date_naive())
        .await
        .is_err()
    {
        return Err(Error::invalid(
            "unit_id",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: unit_id,
            },
        ));
    }
    let before = unit_links(conn, partner_id).await?;
    conn.execute(
        Query::insert()
            .into_table(PartnerUnits::Table)
            .columns([
                PartnerUnits::PartnerId,
                PartnerUnits::UnitId,
                PartnerUnits::Relation,
                PartnerUnits::ValidFrom,
                PartnerUnits::ValidTo,
                PartnerUnits::Note,
            ])
            .values_panic([
                partner_id.into(),
                unit_id.into(),
                relation.as_str().into(),
                period.0.into(),
                period.1.into(),
                note.into(),
            ]),
    )
    .await?;
    let after = unit_links(conn, partner_id).await?;
    let as_json = |links: &[UnitLink]| serde_json::json!({ "units": serde_json::to_value(links).unwrap_or(Value::Null) });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: partner.id,
            unit_id: Some(unit_id),
            before: Some(&as_json(&before)),
            after: Some(&as_json(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// Merges partner `id` into `into`: the survivor takes its links to our units and keeps its
/// names and acronyms (as aliases and acronyms); the merged partner stays, marked with the
/// survivor, so its old id still answers and the audit shows both sides before → after.
pub async fn merge(conn: &mut Conn, actor: &Actor, id: i64, into: i64) -> Result<Partner> {
    if id == into {
        return Err(Error::invalid(
            "into",
            amity_domain::error::said("partner-into-itself", []),
        ));
    }
    let absorbed = get(conn, id).await?;
    let survivor = match get(conn, into).await {
        Ok(p) => p,
        Err(Error::NotFound(_)) => {
            return Err(Error::invalid(
                "into",
                amity_domain::error::Problem::NoSuchRecord {
                    kind: "partner",
                    id: into,
                },
            ));
        }
        Err(e) => return Err(e),
    };
    actor.require(Action::Write, Some(absorbed.owner_unit_id))?;
    actor.require(Action::Write, Some(survivor.owner_unit_id))?;
    if absorbed.merged_into_id.is_some() {
        return Err(Error::conflict(
            "id",
            amity_domain::error::said("partner-merged-already", []),
        ));
    }
    if survivor.merged_into_id.is_some() {
        return Err(Error::invalid(
            "into",
            amity_domain::error::said("survivor-merged", []),
        ));
    }
    conn.execute(
        Query::update()
            .table(PartnerUnits::Table)
            .value(PartnerUnits::PartnerId, into)
            .and_where(Expr::col(PartnerUnits::PartnerId).eq(id)),
    )
    .await?;
    // Agreements the merged partner was party to now name the survivor.
    conn.execute(
        Query::update()
            .table(crate::schema::AgreementParties::Table)
            .value(crate::schema::AgreementParties::PartnerId, into)
            .and_where(Expr::col(crate::schema::AgreementParties::PartnerId).eq(id)),
    )
    .await?;
    // People's positions at the merged partner now name the survivor.
    conn.execute(
        Query::update()
            .table(Positions::Table)
            .value(Positions::PartnerId, into)
            .and_where(Expr::col(Positions::PartnerId).eq(id)),
    )
    .await?;
    // The survivor keeps every name the merged partner went by.
    let known: BTreeSet<String> = folded_names_of(&survivor);
    let mut aliases = survivor.aliases.clone();
    for name in [
        &absorbed.name_vi,
        &absorbed.name_latin,
        &absorbed.name_native,
    ]
    .into_iter()
    .flatten()
    .chain(absorbed.aliases.iter())
    {
        if !known.contains(&fold(name)) && !aliases.iter().any(|a| fold(a) == fold(name)) {
            aliases.push(name.clone());
        }
    }
    let mut acronyms = survivor.acronyms.clone();
    for a in &absorbed.acronyms {
        if !acronyms.iter().any(|x| fold(x) == fold(a)) {
            acronyms.push(a.clone());
        }
    }
    conn.execute(
        Query::update()
            .table(Partners::Table)
            .value(Partners::Aliases, joined(&aliases))
            .value(Partners::Acronyms, joined(&acronyms))
            .value(Partners::UpdatedAt, Utc::now())
            .and_where(Expr::col(Partners::Id).eq(into)),
    )
    .await?;
    conn.execute(
        Query::update()
            .table(Partners::Table)
            .value(Partners::MergedIntoId, into)
            .value(Partners::UpdatedAt, Utc::now())
            .and_where(Expr::col(Partners::Id).eq(id)),
    )
    .await?;
    let absorbed_after = get(conn, id).await?;
    let survivor_after = get(conn, into).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Merge,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(absorbed.owner_unit_id),
            before: Some(&to_json(&absorbed)),
            after: Some(&to_json(&absorbed_after)),
        },
    )
    .await?;
    search::remove(conn, ENTITY, id).await?;
    crate::totals::apply(
        conn,
        Some(&absorbed.contribution()),
        Some(&absorbed_after.contribution()),
    )
    .await?;
    record_change(
        conn,
        actor,
        AuditAction::Update,
        Some(&survivor),
        &survivor_after,
    )
    .await?;
    Ok(survivor_after)
}

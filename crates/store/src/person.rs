//! People: foreign and Vietnamese persons, with dated positions in partners or our units.
//!
//! Names and positions are shared like the partner registry; contact details (email, phone)
//! are shown only to readers of the owner unit.

use amity_domain::authz::{Action, Actor};
use amity_domain::country::CountryCode;
use amity_domain::error::Checker;
use amity_domain::partner::{Gender, Vocabulary};
use amity_domain::text::{fold, sort_key};
use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{Countries, People, Positions};
use crate::search::{self, Doc};
use crate::{country, org, partner};
use amity_domain::person::PersonSpec;

const ENTITY: &str = "person";

/// A person as a reader sees them: contact details only within the owner unit's scope.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    /// The name as written (in its own script or Vietnamese).
    pub name: String,
    pub name_latin: Option<String>,
    pub honorific: Option<String>,
    pub gender: Option<Gender>,
    pub nationality: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Whether contact details were withheld from this reader.
    pub contact_hidden: bool,
    pub note: Option<String>,
    pub owner_unit_id: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    name_latin: Option<String>,
    honorific: Option<String>,
    gender: Option<String>,
    code: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    note: Option<String>,
    owner_unit_id: i64,
    created_at: DateTime<Utc>,
}

fn to_person(r: Row, actor: &Actor) -> Person {
    let visible = actor.may(Action::Read, Some(r.owner_unit_id));
    let has_contact = r.email.is_some() || r.phone.is_some();
    Person {
        id: r.id,
        name: r.name,
        name_latin: r.name_latin,
        honorific: r.honorific,
        gender: r.gender.as_deref().and_then(|g| g.parse().ok()),
        nationality: r.code,
        email: if visible { r.email } else { None },
        phone: if visible { r.phone } else { None },
        contact_hidden: !visible && has_contact,
        note: r.note,
        owner_unit_id: r.owner_unit_id,
        created_at: r.created_at,
    }
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            (People::Table, People::Id),
            (People::Table, People::Name),
            (People::Table, People::NameLatin),
            (People::Table, People::Honorific),
            (People::Table, People::Gender),
            (People::Table, People::Email),
            (People::Table, People::Phone),
            (People::Table, People::Note),
            (People::Table, People::OwnerUnitId),
            (People::Table, People::CreatedAt),
        ])
        .column((Countries::Table, Countries::Code))
        .from(People::Table)
        .left_join(
            Countries::Table,
            Expr::col((Countries::Table, Countries::Id))
                .equals((People::Table, People::NationalityId)),
        )
        .to_owned()
}

pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Person> {
    let row: Row = conn
        .fetch_optional(select().and_where(Expr::col((People::Table, People::Id)).eq(id)))
        .await?
        .ok_or(Error::NotFound("person"))?;
    Ok(to_person(row, actor))
}

async fn nationality_id(conn: &mut Conn, code: Option<&CountryCode>) -> Result<Option<i64>> {
    match code {
        None => Ok(None),
        Some(code) => country::id_for(conn, "nationality", code).await.map(Some),
    }
}

fn to_json(p: &Person) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

async fn index(conn: &mut Conn, p: &Person) -> Result<()> {
    search::put(
        conn,
        &Doc {
            entity_type: ENTITY,
            entity_id: p.id,
            unit_id: None,
            title: p.name.clone(),
            subtitle: p.honorific.clone(),
            key: String::new(),
            extra: p.name_latin.clone().unwrap_or_default(),
        },
    )
    .await
}

/// Adds a person kept by the actor's unit (or `owner_unit`), audited.
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    input: &PersonSpec,
    owner_unit: Option<i64>,
) -> Result<Person> {
    let owner = org::writing_unit(conn, actor, "owner_unit_id", owner_unit).await?;
    input.check()?;
    let nationality = nationality_id(conn, input.nationality.as_ref()).await?;
    let now = Utc::now();
    let (mut columns, mut values): (Vec<People>, Vec<SimpleExpr>) =
        written(input, nationality, now).into_iter().unzip();
    columns.extend([People::OwnerUnitId, People::CreatedAt]);
    values.extend([owner.into(), now.into()]);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(People::Table)
                .columns(columns)
                .values_panic(values)
                .returning_col(People::Id),
        )
        .await?;
    let created = get(conn, actor, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(owner),
            before: None,
            after: Some(&to_json(&created)),
        },
    )
    .await?;
    index(conn, &created).await?;
    Ok(created)
}

/// The columns a person's spec sets, with their values: one list for insert and update.
fn written(
    spec: &PersonSpec,
    nationality: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<(People, SimpleExpr)> {
    vec![
        (People::Name, spec.name.trim().into()),
        (People::NameLatin, spec.name_latin.clone().into()),
        (People::NameKey, sort_key(spec.name.trim()).into()),
        (People::Honorific, spec.honorific.clone().into()),
        (People::Gender, spec.gender.map(|g| g.as_str()).into()),
        (People::NationalityId, nationality.into()),
        (People::Email, spec.email.clone().into()),
        (People::Phone, spec.phone.clone().into()),
        (People::Note, spec.note.clone().into()),
        (People::UpdatedAt, now.into()),
    ]
}

/// Replaces a person's details (the owner unit's write scope), audited before → after.
pub async fn update(conn: &mut Conn, actor: &Actor, id: i64, input: &PersonSpec) -> Result<Person> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    input.check()?;
    let nationality = nationality_id(conn, input.nationality.as_ref()).await?;
    conn.execute(
        Query::update()
            .table(People::Table)
            .values(written(input, nationality, Utc::now()))
            .and_where(Expr::col(People::Id).eq(id)),
    )
    .await?;
    let after = get(conn, actor, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(after.owner_unit_id),
            before: Some(&to_json(&before)),
            after: Some(&to_json(&after)),
        },
    )
    .await?;
    index(conn, &after).await?;
    Ok(after)
}

/// People already recorded with the same folded name (and the same nationality when both
/// have one): the candidates an import or a new entry may duplicate.
pub async fn duplicates(conn: &mut Conn, actor: &Actor, input: &PersonSpec) -> Result<Vec<Person>> {
    let Some(ids) = search::matching_ids(conn.backend(), ENTITY, &input.name) else {
        return Ok(vec![]);
    };
    let rows: Vec<Row> = conn
        .fetch_all(select().and_where(Expr::col((People::Table, People::Id)).in_subquery(ids)))
        .await?;
    let folded = |n: &str| fold(n).split_whitespace().collect::<Vec<_>>().join(" ");
    let name = folded(&input.name);
    let wanted = input.nationality.as_ref().map(|c| c.as_str().to_owned());
    Ok(rows
        .into_iter()
        .map(|r| to_person(r, actor))
        .filter(|p| {
            folded(&p.name) == name || p.name_latin.as_deref().is_some_and(|l| folded(l) == name)
        })
        .filter(|p| wanted.is_none() || p.nationality.is_none() || p.nationality == wanted)
        .collect())
}

/// The person a record names by name (a delegation's member): the one already recorded with that
/// name (and nationality, when both have one), or a new entry kept by `owner`. The API and the
/// pages both resolve names through here, so the same name never makes two people.
pub async fn find_or_create(
    conn: &mut Conn,
    actor: &Actor,
    input: &PersonSpec,
    owner: Option<i64>,
) -> Result<i64> {
    if let Some(found) = duplicates(conn, actor, input).await?.first() {
        return Ok(found.id);
    }
    Ok(create(conn, actor, input, owner).await?.id)
}

/// The sort fields of the people list (`name` in Vietnamese order).
pub const SORT_FIELDS: [&str; 3] = ["name", "created_at", "id"];

/// People whose name contains `q` (diacritics ignored), or who hold a position at `partner`.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    q: Option<&str>,
    partner: Option<i64>,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<Person>, i64)> {
    let mut select = select();
    if let Some(q) = q
        && let Some(ids) = search::matching_ids(conn.backend(), ENTITY, q)
    {
        select.and_where(Expr::col((People::Table, People::Id)).in_subquery(ids));
    }
    if let Some(p) = partner {
        let holders = Query::select()
            .column(Positions::PersonId)
            .from(Positions::Table)
            .and_where(Expr::col(Positions::PartnerId).eq(p))
            .to_owned();
        select.and_where(Expr::col((People::Table, People::Id)).in_subquery(holders));
    }
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(select.clone(), "listed")
        .to_owned();
    let (total,): (i64,) = conn.fetch_one(&count).await?;
    let order = if sort.1 { Order::Desc } else { Order::Asc };
    let column = match sort.0 {
        "created_at" => People::CreatedAt,
        "id" => People::Id,
        _ => People::NameKey,
    };
    select
        .order_by((People::Table, column), order)
        .order_by((People::Table, People::Id), Order::Asc)
        .limit(limit)
        .offset(offset);
    let rows: Vec<Row> = conn.fetch_all(&select).await?;
    Ok((
        rows.into_iter().map(|r| to_person(r, actor)).collect(),
        total,
    ))
}

/// A position held over a period: a title at a partner, at one of our units, or at another
/// organization named in words.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Position {
    pub id: i64,
    pub title: String,
    pub partner: Option<partner::PartnerRef>,
    pub unit: Option<org::UnitRef>,
    pub organization: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, sqlx::FromRow)]
struct PositionRow {
    id: i64,
    title: String,
    partner_id: Option<i64>,
    unit_id: Option<i64>,
    organization: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

/// A person's positions, oldest first.
pub async fn positions(conn: &mut Conn, person: i64) -> Result<Vec<Position>> {
    let rows: Vec<PositionRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    Positions::Id,
                    Positions::Title,
                    Positions::PartnerId,
                    Positions::UnitId,
                    Positions::Organization,
                    Positions::ValidFrom,
                    Positions::ValidTo,
                ])
                .from(Positions::Table)
                .and_where(Expr::col(Positions::PersonId).eq(person))
                .order_by(Positions::ValidFrom, Order::Asc)
                .order_by(Positions::Id, Order::Asc),
        )
        .await?;
    let units = org::unit_refs(conn, rows.iter().filter_map(|r| r.unit_id).collect()).await?;
    let mut out = Vec::new();
    for r in rows {
        let partner = match r.partner_id {
            Some(p) => Some(partner::reference(conn, p).await?),
            None => None,
        };
        out.push(Position {
            id: r.id,
            title: r.title,
            partner,
            unit: r.unit_id.and_then(|u| units.get(&u).cloned()),
            organization: r.organization,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        });
    }
    Ok(out)
}

/// Where a position is held.
#[derive(Debug, Clone)]
pub enum Organization {
    Partner(i64),
    Unit(i64),
    Named(String),
}

/// Records a position (the person's owner unit's staff), audited on the person.
pub async fn add_position(
    conn: &mut Conn,
    actor: &Actor,
    person: i64,
    title: &str,
    at: &Organization,
    period: (Option<NaiveDate>, Option<NaiveDate>),
) -> Result<Vec<Position>> {
    let subject = get(conn, actor, person).await?;
    actor.require(Action::Write, Some(subject.owner_unit_id))?;
    let mut check = Checker::new();
    if title.trim().is_empty() {
        check.push("title", amity_domain::error::Problem::Empty);
    }
    if let (Some(from), Some(to)) = period
        && to < from
    {
        check.push("valid_to", amity_domain::error::Problem::EndsBeforeStart);
    }
    check.finish()?;
    let (partner_id, unit_id, organization) = match at {
        Organization::Partner(p) => match partner::get(conn, *p).await {
            Ok(_) => (Some(*p), None, None),
            Err(Error::NotFound(_)) => {
                return Err(Error::invalid(
                    "partner_id",
                    amity_domain::error::Problem::NoSuchRecord {
                        kind: "partner",
                        id: *p,
                    },
                ));
            }
            Err(e) => return Err(e),
        },
        Organization::Unit(u) => match org::get(conn, *u, Utc::now().date_naive()).await {
            Ok(_) => (None, Some(*u), None),
            Err(Error::NotFound(_)) => {
                return Err(Error::invalid(
                    "unit_id",
                    amity_domain::error::Problem::NoSuchRecord {
                        kind: "unit",
                        id: *u,
                    },
                ));
            }
            Err(e) => return Err(e),
        },
        Organization::Named(name) if name.trim().is_empty() => {
            return Err(Error::invalid(
                "organization",
                amity_domain::error::Problem::Required,
            ));
        }
        Organization::Named(name) => (None, None, Some(name.trim().to_owned())),
    };
    let before = positions(conn, person).await?;
    conn.execute(
        Query::insert()
            .into_table(Positions::Table)
            .columns([
                Positions::PersonId,
                Positions::Title,
                Positions::PartnerId,
                Positions::UnitId,
                Positions::Organization,
                Positions::ValidFrom,
                Positions::ValidTo,
            ])
            .values_panic([
                person.into(),
                title.trim().into(),
                partner_id.into(),
                unit_id.into(),
                organization.into(),
                period.0.into(),
                period.1.into(),
            ]),
    )
    .await?;
    let after = positions(conn, person).await?;
    let as_json = |p: &[Position]| serde_json::json!({ "positions": serde_json::to_value(p).unwrap_or(Value::Null) });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: person,
            unit_id: Some(subject.owner_unit_id),
            before: Some(&as_json(&before)),
            after: Some(&as_json(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// People holding a position at a partner, with that position (for the partner's page).
pub async fn at_partner(
    conn: &mut Conn,
    actor: &Actor,
    partner_id: i64,
) -> Result<Vec<(Person, Position)>> {
    let holders: Vec<(i64,)> = conn
        .fetch_all(
            Query::select()
                .distinct()
                .column(Positions::PersonId)
                .from(Positions::Table)
                .and_where(Expr::col(Positions::PartnerId).eq(partner_id)),
        )
        .await?;
    let mut out = Vec::new();
    for (id,) in holders {
        let person = get(conn, actor, id).await?;
        for position in positions(conn, id)
            .await?
            .into_iter()
            .filter(|p| p.partner.as_ref().is_some_and(|r| r.id == partner_id))
        {
            out.push((person.clone(), position));
        }
    }
    out.sort_by_key(|(_, position)| std::cmp::Reverse(position.valid_from));
    Ok(out)
}

//! Cooperation agreements: parties (our units, partners, or bodies named in words), validity,
//! status, and the yearly tasks agreed, each with an owner unit, a status and evidence.
//!
//! Agreements are records of their owner unit: read within scope, changed by its staff.

use std::collections::BTreeSet;

use amity_domain::authz::{Action, Actor};
use amity_domain::error::Checker;
use amity_domain::partner::{AgreementStatus, TaskStatus, Vocabulary, in_force_span};
use amity_domain::text::sort_key;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Func, Order, Query, SimpleExpr};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, AuditAction, Entry, scope_cond};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{AgreementDocuments, AgreementParties, AgreementTasks, Agreements};
use crate::search::{self, Doc};
use crate::{org, partner};

const ENTITY: &str = "agreement";

/// A party to an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Party {
    pub partner: Option<partner::PartnerRef>,
    pub unit: Option<org::UnitRef>,
    /// A body named in words (e.g. a central commission that is neither a unit nor a partner).
    pub name: Option<String>,
}

/// A yearly task of an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = AgreementTask)]
pub struct Task {
    pub id: i64,
    pub year: i32,
    pub item: String,
    pub owner_unit_id: i64,
    #[sqlx(try_from = "String")]
    pub status: TaskStatusText,
    pub evidence: Option<String>,
    /// Delegations and events recorded as serving this task (those the reader may see).
    #[sqlx(skip)]
    pub served_by: Vec<crate::activity::RecordRef>,
}

/// A task status as stored (always one of [`TaskStatus`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TaskStatusText(pub TaskStatus);

impl TryFrom<String> for TaskStatusText {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse().map(TaskStatusText).map_err(String::from)
    }
}

/// An agreement with its parties and tasks.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub owner_unit_id: i64,
    pub title: String,
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signed_place: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub status: AgreementStatus,
    pub renewed_by_id: Option<i64>,
    /// The earlier agreement this one renewed.
    pub renews_id: Option<i64>,
    pub note: Option<String>,
    pub parties: Vec<Party>,
    pub tasks: Vec<Task>,
    pub documents: Vec<Document>,
    pub updated_at: DateTime<Utc>,
}

/// A document of an agreement: the signed text, an annex, a translation.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Document {
    pub id: i64,
    pub title: String,
    /// Where it is kept (an address), when known.
    pub url: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    owner_unit_id: i64,
    title: String,
    number: Option<String>,
    signed_on: Option<NaiveDate>,
    signed_place: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    status: String,
    renewed_by_id: Option<i64>,
    note: Option<String>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: [Agreements; 12] = [
    Agreements::Id,
    Agreements::OwnerUnitId,
    Agreements::Title,
    Agreements::Number,
    Agreements::SignedOn,
    Agreements::SignedPlace,
    Agreements::ValidFrom,
    Agreements::ValidTo,
    Agreements::Status,
    Agreements::RenewedById,
    Agreements::Note,
    Agreements::UpdatedAt,
];

async fn load(conn: &mut Conn, actor: &Actor, row: Row) -> Result<Agreement> {
    let status = row.status.parse().map_err(|e| {
        Error::Other(anyhow::anyhow!(
            "stored status of agreement {}: {e}",
            row.id
        ))
    })?;
    let party_rows: Vec<(Option<i64>, Option<i64>, Option<String>)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AgreementParties::PartnerId,
                    AgreementParties::UnitId,
                    AgreementParties::Name,
                ])
                .from(AgreementParties::Table)
                .and_where(Expr::col(AgreementParties::AgreementId).eq(row.id))
                .order_by(AgreementParties::Id, Order::Asc),
        )
        .await?;
    let units = org::unit_refs(conn, party_rows.iter().filter_map(|p| p.1).collect()).await?;
    let mut parties = Vec::new();
    for (partner_id, unit_id, name) in party_rows {
        let partner = match partner_id {
            Some(p) => Some(partner::reference(conn, p).await?),
            None => None,
        };
        parties.push(Party {
            partner,
            unit: unit_id.and_then(|u| units.get(&u).cloned()),
            name,
        });
    }
    let mut tasks: Vec<Task> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AgreementTasks::Id,
                    AgreementTasks::Year,
                    AgreementTasks::Item,
                    AgreementTasks::OwnerUnitId,
                    AgreementTasks::Status,
                    AgreementTasks::Evidence,
                ])
                .from(AgreementTasks::Table)
                .and_where(Expr::col(AgreementTasks::AgreementId).eq(row.id))
                .order_by(AgreementTasks::Year, Order::Asc)
                .order_by(AgreementTasks::Id, Order::Asc),
        )
        .await?;
    let mut served =
        crate::activity::served_by(conn, &tasks.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
    for t in &mut tasks {
        t.served_by = served
            .remove(&t.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| actor.may(Action::Read, Some(r.owner_unit_id)))
            .collect();
    }
    let documents: Vec<Document> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AgreementDocuments::Id,
                    AgreementDocuments::Title,
                    AgreementDocuments::Url,
                ])
                .from(AgreementDocuments::Table)
                .and_where(Expr::col(AgreementDocuments::AgreementId).eq(row.id))
                .order_by(AgreementDocuments::Id, Order::Asc),
        )
        .await?;
    let renews: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(Agreements::Id)
                .from(Agreements::Table)
                .and_where(Expr::col(Agreements::RenewedById).eq(row.id)),
        )
        .await?;
    Ok(Agreement {
        id: row.id,
        owner_unit_id: row.owner_unit_id,
        title: row.title,
        number: row.number,
        signed_on: row.signed_on,
        signed_place: row.signed_place,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
        status,
        renewed_by_id: row.renewed_by_id,
        renews_id: renews.map(|(id,)| id),
        note: row.note,
        parties,
        tasks,
        documents,
        updated_at: row.updated_at,
    })
}

/// An agreement the actor may read; others are reported as not found.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Agreement> {
    let row: Row = conn
        .fetch_optional(
            Query::select()
                .columns(COLUMNS)
                .from(Agreements::Table)
                .and_where(Expr::col(Agreements::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("agreement"))?;
    if !actor.may(Action::Read, Some(row.owner_unit_id)) {
        return Err(Error::NotFound("agreement"));
    }
    load(conn, actor, row).await
}

pub use amity_domain::agreement::{AgreementDraft, AgreementSpec};

/// The draft a stored agreement gives back: what its edit form starts from, and what an API
/// update changes only the named fields of.
pub fn draft_of(a: &Agreement) -> AgreementDraft {
    let date = |d: Option<NaiveDate>| d.map(amity_domain::text::format_date).unwrap_or_default();
    let ids = |ids: &mut dyn Iterator<Item = i64>| ids.map(|id| id.to_string()).collect();
    AgreementDraft {
        title: a.title.clone(),
        number: a.number.clone().unwrap_or_default(),
        status: a.status.as_str().into(),
        signed_on: date(a.signed_on),
        signed_place: a.signed_place.clone().unwrap_or_default(),
        valid_from: date(a.valid_from),
        valid_to: date(a.valid_to),
        note: a.note.clone().unwrap_or_default(),
        partners: ids(&mut a
            .parties
            .iter()
            .filter_map(|p| p.partner.as_ref().map(|r| r.id))),
        units: ids(&mut a
            .parties
            .iter()
            .filter_map(|p| p.unit.as_ref().map(|u| u.id))),
        named_parties: a.parties.iter().filter_map(|p| p.name.clone()).collect(),
    }
}

/// The columns an agreement's spec sets, with their values: one list for insert and update.
fn written(spec: &AgreementSpec) -> Vec<(Agreements, SimpleExpr)> {
    vec![
        (Agreements::Title, spec.title.as_str().into()),
        (Agreements::TitleKey, sort_key(&spec.title).into()),
        (Agreements::Number, spec.number.clone().into()),
        (Agreements::SignedOn, spec.signed_on.into()),
        (Agreements::SignedPlace, spec.signed_place.clone().into()),
        (Agreements::ValidFrom, spec.valid_from.into()),
        (Agreements::ValidTo, spec.valid_to.into()),
        (Agreements::Status, spec.status.as_str().into()),
        (Agreements::Note, spec.note.clone().into()),
    ]
}

fn to_json(a: &Agreement) -> Value {
    serde_json::to_value(a).unwrap_or(Value::Null)
}

/// Creates an agreement kept by `owner_unit` (default: the actor's unit), audited and indexed.
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    input: &AgreementSpec,
    owner_unit: Option<i64>,
) -> Result<Agreement> {
    let owner = org::writing_unit(conn, actor, "owner_unit_id", owner_unit).await?;
    check(conn, input, None).await?;
    let now = Utc::now();
    let (mut columns, mut values): (Vec<Agreements>, Vec<SimpleExpr>) =
        written(input).into_iter().unzip();
    columns.extend([
        Agreements::OwnerUnitId,
        Agreements::CreatedAt,
        Agreements::UpdatedAt,
    ]);
    values.extend([owner.into(), now.into(), now.into()]);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Agreements::Table)
                .columns(columns)
                .values_panic(values)
                .returning_col(Agreements::Id),
        )
        .await?;
    insert_parties(conn, id, input).await?;
    let created = get(conn, &Actor::system(), id).await?;
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
    crate::totals::apply(conn, None, Some(&created.contribution())).await?;
    index(conn, &created).await?;
    Ok(created)
}

/// What an agreement needs beyond its types: a title, a period in order, a party that exists,
/// and no “renewed” status unless it already was (`was`).
async fn check(conn: &mut Conn, input: &AgreementSpec, was: Option<AgreementStatus>) -> Result<()> {
    input.check()?;
    if input.status == AgreementStatus::Renewed && was != Some(AgreementStatus::Renewed) {
        return Err(Error::invalid(
            "status",
            amity_domain::error::said("renew-by-recording", []),
        ));
    }
    for p in &input.partners {
        if partner::get(conn, *p).await.is_err() {
            return Err(Error::invalid(
                "partners",
                amity_domain::error::Problem::NoSuchRecord {
                    kind: "partner",
                    id: *p,
                },
            ));
        }
    }
    for u in &input.units {
        org::require_known(conn, "units", *u).await?;
    }
    Ok(())
}

async fn insert_parties(conn: &mut Conn, id: i64, input: &AgreementSpec) -> Result<()> {
    let parties = input
        .partners
        .iter()
        .map(|p| (Some(*p), None, None))
        .chain(input.units.iter().map(|u| (None, Some(*u), None)))
        .chain(
            input
                .named_parties
                .iter()
                .map(|n| (None, None, Some(n.clone()))),
        );
    for (partner_id, unit_id, name) in parties {
        conn.execute(
            Query::insert()
                .into_table(AgreementParties::Table)
                .columns([
                    AgreementParties::AgreementId,
                    AgreementParties::PartnerId,
                    AgreementParties::UnitId,
                    AgreementParties::Name,
                ])
                .values_panic([id.into(), partner_id.into(), unit_id.into(), name.into()]),
        )
        .await?;
    }
    Ok(())
}

async fn index(conn: &mut Conn, a: &Agreement) -> Result<()> {
    search::put(
        conn,
        &Doc {
            entity_type: ENTITY,
            entity_id: a.id,
            unit_id: Some(a.owner_unit_id),
            title: a.title.clone(),
            subtitle: a.number.clone(),
            key: String::new(),
            extra: a
                .parties
                .iter()
                .filter_map(|p| {
                    p.partner
                        .as_ref()
                        .map(|r| r.name.clone())
                        .or(p.name.clone())
                })
                .collect::<Vec<_>>()
                .join(" "),
        },
    )
    .await
}

/// Replaces an agreement's details and parties (its keepers), audited before → after.
/// A renewed agreement keeps its status: it changes only through [`renew`].
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    input: &AgreementSpec,
) -> Result<Agreement> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    if before.status == AgreementStatus::Renewed && input.status != AgreementStatus::Renewed {
        return Err(Error::conflict(
            "status",
            amity_domain::error::said("agreement-renewed", []),
        ));
    }
    check(conn, input, Some(before.status)).await?;
    conn.execute(
        Query::update()
            .table(Agreements::Table)
            .values(written(input))
            .value(Agreements::UpdatedAt, Utc::now())
            .and_where(Expr::col(Agreements::Id).eq(id)),
    )
    .await?;
    conn.execute(
        Query::delete()
            .from_table(AgreementParties::Table)
            .and_where(Expr::col(AgreementParties::AgreementId).eq(id)),
    )
    .await?;
    insert_parties(conn, id, input).await?;
    let after = get(conn, actor, id).await?;
    record(conn, actor, &before, &after).await?;
    index(conn, &after).await?;
    Ok(after)
}

/// Records that `id` was renewed by a new agreement with `input`'s details, kept by the same
/// unit: the new one is created, the old one becomes `renewed` and points to it. Both audited.
pub async fn renew(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    input: &AgreementSpec,
) -> Result<Agreement> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    if let Some(by) = before.renewed_by_id {
        return Err(Error::conflict(
            "id",
            amity_domain::error::said("renewed-already", [("id", by.to_string())]),
        ));
    }
    let created = create(conn, actor, input, Some(before.owner_unit_id)).await?;
    conn.execute(
        Query::update()
            .table(Agreements::Table)
            .value(Agreements::Status, AgreementStatus::Renewed.as_str())
            .value(Agreements::RenewedById, created.id)
            .and_where(Expr::col(Agreements::Id).eq(id)),
    )
    .await?;
    let after = get(conn, actor, id).await?;
    record(conn, actor, &before, &after).await?;
    get(conn, actor, created.id).await
}

/// Adds a document reference to an agreement (its keepers), audited.
pub async fn add_document(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    title: &str,
    url: Option<&str>,
) -> Result<Agreement> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    let mut check = Checker::new();
    if title.trim().is_empty() {
        check.push("title", amity_domain::error::Problem::Empty);
    }
    if let Some(u) = url
        && !(u.starts_with("http://") || u.starts_with("https://") || u.starts_with('/'))
    {
        check.push(
            "url",
            "must start with http://, https:// or / (a page of Amity)",
        );
    }
    check.finish()?;
    conn.execute(
        Query::insert()
            .into_table(AgreementDocuments::Table)
            .columns([
                AgreementDocuments::AgreementId,
                AgreementDocuments::Title,
                AgreementDocuments::Url,
                AgreementDocuments::AddedAt,
            ])
            .values_panic([
                id.into(),
                title.trim().into(),
                url.map(str::to_owned).into(),
                Utc::now().into(),
            ]),
    )
    .await?;
    let after = get(conn, actor, id).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

/// Removes a document reference (its keepers); the audit keeps what it was.
pub async fn remove_document(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    document: i64,
) -> Result<Agreement> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    if !before.documents.iter().any(|d| d.id == document) {
        return Err(Error::NotFound("document"));
    }
    conn.execute(
        Query::delete()
            .from_table(AgreementDocuments::Table)
            .and_where(Expr::col(AgreementDocuments::Id).eq(document)),
    )
    .await?;
    let after = get(conn, actor, id).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

/// Agreements the actor may read, optionally with one partner as a party, newest first.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &AgreementFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Agreement>, i64)> {
    let mut cond = Cond::all();
    if let Some(scoped) = scope_cond(&actor.read, Expr::col(Agreements::OwnerUnitId)) {
        cond = cond.add(scoped);
    }
    if let Some(units) = &filter.units {
        cond = cond.add(Expr::col(Agreements::OwnerUnitId).is_in(units.iter().copied()));
    }
    if let Some(day) = filter.in_force_on {
        // The rule of `in_force_span`, which the live totals count by.
        let start = Func::coalesce([
            Expr::col(Agreements::ValidFrom),
            Expr::col(Agreements::SignedOn),
        ]);
        cond = cond
            .add(
                Expr::col(Agreements::Status)
                    .is_in(AgreementStatus::RAN_BY_ITS_DATES.iter().map(|s| s.as_str())),
            )
            .add(Expr::expr(start).lte(day))
            .add(
                Expr::col(Agreements::ValidTo)
                    .is_null()
                    .or(Expr::col(Agreements::ValidTo).gte(day)),
            );
    }
    if let Some(p) = filter.partner {
        let with = Query::select()
            .column(AgreementParties::AgreementId)
            .from(AgreementParties::Table)
            .and_where(Expr::col(AgreementParties::PartnerId).eq(p))
            .to_owned();
        cond = cond.add(Expr::col(Agreements::Id).in_subquery(with));
    }
    if let Some(s) = filter.status {
        cond = cond.add(Expr::col(Agreements::Status).eq(s.as_str()));
    }
    let (total,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(Agreements::Id).count())
                .from(Agreements::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let rows: Vec<Row> = conn
        .fetch_all(
            Query::select()
                .columns(COLUMNS)
                .from(Agreements::Table)
                .cond_where(cond)
                .order_by(Agreements::ValidFrom, Order::Desc)
                .order_by(Agreements::Id, Order::Desc)
                .limit(limit)
                .offset(offset),
        )
        .await?;
    let mut out = Vec::new();
    for row in rows {
        out.push(load(conn, actor, row).await?);
    }
    Ok((out, total))
}

/// Which agreements a list holds (all the reader may see when empty).
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// With this partner among the parties.
    pub partner: Option<i64>,
    pub status: Option<AgreementStatus>,
    /// Kept by one of these units.
    pub units: Option<BTreeSet<i64>>,
    /// In force on this day, by the rule the indicator “agreements in force” counts by.
    pub in_force_on: Option<NaiveDate>,
}

/// A signed agreement, for the anniversary calendar.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Signing {
    pub id: i64,
    pub title: String,
    pub signed_on: NaiveDate,
}

/// Agreements in the actor's read scope with a signing date.
pub async fn signings(conn: &mut Conn, actor: &Actor) -> Result<Vec<Signing>> {
    let mut cond = Cond::all().add(Expr::col(Agreements::SignedOn).is_not_null());
    if let Some(scoped) = scope_cond(&actor.read, Expr::col(Agreements::OwnerUnitId)) {
        cond = cond.add(scoped);
    }
    conn.fetch_all(
        Query::select()
            .columns([Agreements::Id, Agreements::Title, Agreements::SignedOn])
            .from(Agreements::Table)
            .cond_where(cond),
    )
    .await
}

/// Adds a yearly task (the agreement's keepers), audited on the agreement.
pub async fn add_task(
    conn: &mut Conn,
    actor: &Actor,
    agreement: i64,
    year: i32,
    item: &str,
    owner_unit: i64,
    status: TaskStatus,
) -> Result<Agreement> {
    let before = get(conn, actor, agreement).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    let mut check = Checker::new();
    if item.trim().is_empty() {
        check.push("item", amity_domain::error::Problem::Empty);
    }
    if !(1950..=2200).contains(&year) {
        check.push(
            "year",
            amity_domain::error::Problem::OutOfRange {
                min: 1950,
                max: 2200,
            },
        );
    }
    check.finish()?;
    org::require_known(conn, "owner_unit_id", owner_unit).await?;
    conn.execute(
        Query::insert()
            .into_table(AgreementTasks::Table)
            .columns([
                AgreementTasks::AgreementId,
                AgreementTasks::Year,
                AgreementTasks::Item,
                AgreementTasks::OwnerUnitId,
                AgreementTasks::Status,
            ])
            .values_panic([
                agreement.into(),
                year.into(),
                item.trim().into(),
                owner_unit.into(),
                status.as_str().into(),
            ]),
    )
    .await?;
    let after = get(conn, actor, agreement).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

/// Moves a task to a status and records its evidence (the task's owner unit, or the
/// agreement's keepers), audited.
pub async fn update_task(
    conn: &mut Conn,
    actor: &Actor,
    agreement: i64,
    task: i64,
    status: TaskStatus,
    evidence: Option<String>,
) -> Result<Agreement> {
    let before = get(conn, actor, agreement).await?;
    let current = before
        .tasks
        .iter()
        .find(|t| t.id == task)
        .ok_or(Error::NotFound("task"))?;
    if !actor.may(Action::Write, Some(current.owner_unit_id)) {
        actor.require(Action::Write, Some(before.owner_unit_id))?;
    }
    conn.execute(
        Query::update()
            .table(AgreementTasks::Table)
            .value(AgreementTasks::Status, status.as_str())
            .value(AgreementTasks::Evidence, evidence)
            .and_where(Expr::col(AgreementTasks::Id).eq(task)),
    )
    .await?;
    let after = get(conn, actor, agreement).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

impl Agreement {
    /// What the agreement adds to the live totals: one signed agreement in its keeping unit in
    /// the month of signing (once signed); one agreement in force from the month it enters
    /// force to the last month it is in force at the month's end (see
    /// [`amity_domain::partner::in_force_span`]); and each task done to its owner unit in
    /// December of the task's year.
    pub fn contribution(&self) -> crate::totals::Contribution {
        let mut c = crate::totals::Contribution::default();
        if let Some(signed) = self.signed_on
            && self.status != AgreementStatus::Draft
        {
            c.add(self.owner_unit_id, signed, "agreements_signed", 1);
        }
        if let Some((start, end)) =
            in_force_span(self.status, self.signed_on, self.valid_from, self.valid_to)
        {
            c.add(self.owner_unit_id, start, "agreements_in_force", 1);
            // In force at a month's end while the month's last day is within its validity.
            if let Some(gone) = end.and_then(|e| e.succ_opt()) {
                c.add(self.owner_unit_id, gone, "agreements_in_force", -1);
            }
        }
        for t in self.tasks.iter().filter(|t| t.status.0 == TaskStatus::Done) {
            if let Some(december) = NaiveDate::from_ymd_opt(t.year, 12, 1) {
                c.add(t.owner_unit_id, december, "tasks_done", 1);
            }
        }
        c
    }
}

/// Every agreement's contribution, recomputed from the records (for `amity check`).
pub(crate) async fn all_contributions(conn: &mut Conn) -> Result<Vec<crate::totals::Contribution>> {
    let rows: Vec<Row> = conn
        .fetch_all(Query::select().columns(COLUMNS).from(Agreements::Table))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(load(conn, &Actor::system(), row).await?.contribution());
    }
    Ok(out)
}

async fn record(
    conn: &mut Conn,
    actor: &Actor,
    before: &Agreement,
    after: &Agreement,
) -> Result<()> {
    crate::totals::apply(
        conn,
        Some(&before.contribution()),
        Some(&after.contribution()),
    )
    .await?;
    conn.execute(
        Query::update()
            .table(Agreements::Table)
            .value(Agreements::UpdatedAt, Utc::now())
            .and_where(Expr::col(Agreements::Id).eq(after.id)),
    )
    .await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: after.id,
            unit_id: Some(after.owner_unit_id),
            before: Some(&to_json(before)),
            after: Some(&to_json(after)),
        },
    )
    .await
}

/// What needs attention: agreements in force ending within 90 days, and this year's tasks with
/// no evidence yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reminders {
    pub expiring: Vec<Agreement>,
    pub tasks_without_evidence: Vec<(i64, String, Task)>,
}

pub async fn reminders(conn: &mut Conn, actor: &Actor, today: NaiveDate) -> Result<Reminders> {
    let (all, _) = list(conn, actor, &AgreementFilter::default(), 10_000, 0).await?;
    let horizon = today.checked_add_days(Days::new(90)).unwrap_or(today);
    let mut out = Reminders {
        expiring: vec![],
        tasks_without_evidence: vec![],
    };
    for a in all {
        let open = matches!(a.status, AgreementStatus::Signed | AgreementStatus::InForce);
        if open && a.valid_to.is_some_and(|to| today <= to && to <= horizon) {
            out.expiring.push(a.clone());
        }
        for t in &a.tasks {
            let pending = matches!(t.status.0, TaskStatus::Planned | TaskStatus::InProgress);
            let no_evidence =
                t.evidence.as_deref().is_none_or(|e| e.trim().is_empty()) && t.served_by.is_empty();
            if t.year == today.year() && pending && no_evidence {
                out.tasks_without_evidence
                    .push((a.id, a.title.clone(), t.clone()));
            }
        }
    }
    Ok(out)
}

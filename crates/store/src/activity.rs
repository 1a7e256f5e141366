//! What delegations and events share: their links to partners, countries, co-organizing units
//! and agreement tasks, kept in one table by record type.

use std::collections::{BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor};
use amity_domain::country::CountryCode;
use chrono::{Datelike, NaiveDate};
use sea_query::{Cond, Expr, ExprTrait, Iden, Order, Query, SimpleExpr};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry, dated_scope_cond};
use crate::db::{Conn, Record};
use crate::error::{Error, Result};
use crate::schema::{ActivityLinks, AgreementTasks, Agreements, Delegations, Events};
use crate::totals::{self, Contribution};

/// What a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkType {
    Partner,
    Country,
    Unit,
    Task,
}

impl LinkType {
    fn as_str(self) -> &'static str {
        match self {
            LinkType::Partner => "partner",
            LinkType::Country => "country",
            LinkType::Unit => "unit",
            LinkType::Task => "task",
        }
    }
}

/// The targets of one kind of link from each of several records, in the order they were given.
pub(crate) async fn targets_of_many(
    conn: &mut Conn,
    record_type: &str,
    record_ids: &[i64],
    link: LinkType,
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if record_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([ActivityLinks::RecordId, ActivityLinks::TargetId])
                .from(ActivityLinks::Table)
                .and_where(Expr::col(ActivityLinks::RecordType).eq(record_type))
                .and_where(Expr::col(ActivityLinks::RecordId).is_in(record_ids.iter().copied()))
                .and_where(Expr::col(ActivityLinks::LinkType).eq(link.as_str()))
                .order_by(ActivityLinks::Id, Order::Asc),
        )
        .await?;
    for (record, target) in rows {
        out.entry(record).or_default().push(target);
    }
    Ok(out)
}

/// Replaces a record's links of one kind (duplicates dropped).
pub(crate) async fn set_targets(
    conn: &mut Conn,
    record_type: &str,
    record_id: i64,
    link: LinkType,
    ids: &[i64],
) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(ActivityLinks::Table)
            .and_where(Expr::col(ActivityLinks::RecordType).eq(record_type))
            .and_where(Expr::col(ActivityLinks::RecordId).eq(record_id))
            .and_where(Expr::col(ActivityLinks::LinkType).eq(link.as_str())),
    )
    .await?;
    let mut seen = BTreeSet::new();
    for id in ids.iter().filter(|id| seen.insert(**id)) {
        conn.execute(
            Query::insert()
                .into_table(ActivityLinks::Table)
                .columns([
                    ActivityLinks::RecordType,
                    ActivityLinks::RecordId,
                    ActivityLinks::LinkType,
                    ActivityLinks::TargetId,
                ])
                .values_panic([
                    record_type.into(),
                    record_id.into(),
                    link.as_str().into(),
                    (*id).into(),
                ]),
        )
        .await?;
    }
    Ok(())
}

/// Ids of records of `record_type` linked to `target`.
pub(crate) fn linked_to(
    record_type: &str,
    link: LinkType,
    target: i64,
) -> sea_query::SelectStatement {
    Query::select()
        .column(ActivityLinks::RecordId)
        .from(ActivityLinks::Table)
        .and_where(Expr::col(ActivityLinks::RecordType).eq(record_type))
        .and_where(Expr::col(ActivityLinks::LinkType).eq(link.as_str()))
        .and_where(Expr::col(ActivityLinks::TargetId).eq(target))
        .to_owned()
}

/// What every activity list filters on besides its own fields.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Starting within this period (inclusive).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Kept by these units (a unit's subtree, resolved by the caller).
    pub units: Option<BTreeSet<i64>>,
    /// Concerning this country (each kind of record says how).
    pub country: Option<CountryCode>,
    pub partner: Option<i64>,
    pub q: Option<String>,
}

/// An activity table as its list reads it: the record kind and the columns the shared filters,
/// the count and the page need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListTable<T> {
    pub entity: &'static str,
    pub table: T,
    pub id: T,
    pub owner: T,
    pub start: T,
}

impl<T: Iden + Copy + 'static> ListTable<T> {
    /// The reader's scope and the shared filters, as one condition to which a list adds its own.
    pub(crate) fn shared_cond(&self, conn: &Conn, actor: &Actor, f: &ActivityFilter) -> Cond {
        let mut cond = Cond::all();
        if let Some(scoped) = dated_scope_cond(actor, Expr::col(self.owner), Expr::col(self.start))
        {
            cond = cond.add(scoped);
        }
        if let Some(from) = f.from {
            cond = cond.add(Expr::col(self.start).gte(from));
        }
        if let Some(to) = f.to {
            cond = cond.add(Expr::col(self.start).lte(to));
        }
        if let Some(units) = &f.units {
            cond = cond.add(Expr::col(self.owner).is_in(units.iter().copied()));
        }
        if let Some(p) = f.partner {
            cond = cond.add(Expr::col(self.id).in_subquery(linked_to(
                self.entity,
                LinkType::Partner,
                p,
            )));
        }
        if let Some(q) = &f.q
            && let Some(ids) = crate::search::matching_ids(conn.backend(), self.entity, q)
        {
            cond = cond.add(Expr::col(self.id).in_subquery(ids));
        }
        cond
    }

    /// One record's row by id; a missing one is not found (named by the record kind).
    pub(crate) async fn row<R: Record>(
        &self,
        conn: &mut Conn,
        columns: impl IntoIterator<Item = T>,
        id: i64,
    ) -> Result<R> {
        conn.fetch_optional(
            Query::select()
                .columns(columns)
                .from(self.table)
                .and_where(Expr::col(self.id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound(self.entity))
    }

    /// One record by id, loaded with its details by `load_many`.
    pub(crate) async fn fetch<R: Record, A>(
        &self,
        conn: &mut Conn,
        columns: impl IntoIterator<Item = T>,
        id: i64,
        load_many: impl AsyncFn(&mut Conn, Vec<R>) -> Result<Vec<A>>,
    ) -> Result<A> {
        let row: R = self.row(conn, columns, id).await?;
        load_many(conn, vec![row])
            .await?
            .pop()
            .ok_or(Error::NotFound(self.entity))
    }

    /// One record the actor may read; others are reported as not found.
    pub(crate) async fn get<R: Record, A: Activity>(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        columns: impl IntoIterator<Item = T>,
        id: i64,
        load_many: impl AsyncFn(&mut Conn, Vec<R>) -> Result<Vec<A>>,
    ) -> Result<A> {
        let record = self.fetch(conn, columns, id, load_many).await?;
        if actor.may_read_dated(Some(record.owner_unit_id()), record.start_on().year()) {
            Ok(record)
        } else {
            Err(Error::NotFound(self.entity))
        }
    }

    /// Inserts a row of these columns and values and returns its id.
    pub(crate) async fn insert(
        &self,
        conn: &mut Conn,
        (columns, values): (Vec<T>, Vec<SimpleExpr>),
    ) -> Result<i64> {
        conn.insert_id(
            Query::insert()
                .into_table(self.table)
                .columns(columns)
                .values_panic(values)
                .returning_col(self.id),
        )
        .await
    }

    /// Writes these columns of the record `id`.
    pub(crate) async fn update(
        &self,
        conn: &mut Conn,
        id: i64,
        values: impl IntoIterator<Item = (T, SimpleExpr)>,
    ) -> Result<()> {
        conn.execute(
            Query::update()
                .table(self.table)
                .values(values)
                .and_where(Expr::col(self.id).eq(id)),
        )
        .await?;
        Ok(())
    }

    /// Deletes the record `id`, with its links and attachments.
    pub(crate) async fn delete(&self, conn: &mut Conn, id: i64) -> Result<()> {
        clear(conn, self.entity, id).await?;
        crate::attachment::detach_all(conn, self.entity, id).await?;
        conn.execute(
            Query::delete()
                .from_table(self.table)
                .and_where(Expr::col(self.id).eq(id)),
        )
        .await?;
        Ok(())
    }

    /// Every record's contribution, recomputed from all the rows (for `amity check`); loaded
    /// 500 at a time so the id lists of the details stay well under the databases' parameter
    /// limits.
    pub(crate) async fn contributions<R: Record, A: Activity>(
        &self,
        conn: &mut Conn,
        columns: impl IntoIterator<Item = T>,
        load_many: impl AsyncFn(&mut Conn, Vec<R>) -> Result<Vec<A>>,
    ) -> Result<Vec<Contribution>> {
        let rows: Vec<R> = conn
            .fetch_all(Query::select().columns(columns).from(self.table))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<R> = rows.by_ref().take(500).collect();
            out.extend(load_many(conn, chunk).await?.iter().map(A::contribution));
        }
        Ok(out)
    }

    /// How many rows match `cond`, and the page of them ordered by `by` (then by id, the same
    /// way).
    pub(crate) async fn page<R: Record>(
        &self,
        conn: &mut Conn,
        columns: impl IntoIterator<Item = T>,
        cond: Cond,
        (by, descending): (T, bool),
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<R>, i64)> {
        let (total,): (i64,) = conn
            .fetch_one(
                Query::select()
                    .expr(Expr::col(self.id).count())
                    .from(self.table)
                    .cond_where(cond.clone()),
            )
            .await?;
        let order = if descending { Order::Desc } else { Order::Asc };
        let rows = conn
            .fetch_all(
                Query::select()
                    .columns(columns)
                    .from(self.table)
                    .cond_where(cond)
                    .order_by(by, order.clone())
                    .order_by(self.id, order)
                    .limit(limit)
                    .offset(offset),
            )
            .await?;
        Ok((rows, total))
    }
}

/// An agreement task a delegation or an event served.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TaskRef {
    pub id: i64,
    pub agreement_id: i64,
    pub agreement_title: String,
    pub year: i32,
    pub item: String,
}

pub(crate) async fn task_refs(conn: &mut Conn, ids: &[i64]) -> Result<Vec<TaskRef>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    conn.fetch_all(
        Query::select()
            .column((AgreementTasks::Table, AgreementTasks::Id))
            .column((AgreementTasks::Table, AgreementTasks::AgreementId))
            .expr_as(
                Expr::col((Agreements::Table, Agreements::Title)),
                "agreement_title",
            )
            .column((AgreementTasks::Table, AgreementTasks::Year))
            .column((AgreementTasks::Table, AgreementTasks::Item))
            .from(AgreementTasks::Table)
            .inner_join(
                Agreements::Table,
                Expr::col((Agreements::Table, Agreements::Id))
                    .equals((AgreementTasks::Table, AgreementTasks::AgreementId)),
            )
            .and_where(
                Expr::col((AgreementTasks::Table, AgreementTasks::Id)).is_in(ids.iter().copied()),
            )
            .order_by((AgreementTasks::Table, AgreementTasks::Year), Order::Asc),
    )
    .await
}

/// Checks that every task exists and belongs to an agreement the actor may read (or to
/// tasks its own units carry out).
pub(crate) async fn check_tasks(conn: &mut Conn, actor: &Actor, ids: &[i64]) -> Result<()> {
    for id in ids {
        let owners: Option<(i64, i64)> = conn
            .fetch_optional(
                Query::select()
                    .column((Agreements::Table, Agreements::OwnerUnitId))
                    .column((AgreementTasks::Table, AgreementTasks::OwnerUnitId))
                    .from(AgreementTasks::Table)
                    .inner_join(
                        Agreements::Table,
                        Expr::col((Agreements::Table, Agreements::Id))
                            .equals((AgreementTasks::Table, AgreementTasks::AgreementId)),
                    )
                    .and_where(Expr::col((AgreementTasks::Table, AgreementTasks::Id)).eq(*id)),
            )
            .await?;
        match owners {
            Some((agreement_owner, task_owner))
                if actor.may(Action::Read, Some(agreement_owner))
                    || actor.may(Action::Read, Some(task_owner)) => {}
            _ => {
                return Err(Error::invalid(
                    "tasks",
                    amity_domain::error::said("no-agreement-task", [("id", id.to_string())]),
                ));
            }
        }
    }
    Ok(())
}

/// Removes every link of a record (when it is deleted).
pub(crate) async fn clear(conn: &mut Conn, record_type: &str, record_id: i64) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(ActivityLinks::Table)
            .and_where(Expr::col(ActivityLinks::RecordType).eq(record_type))
            .and_where(Expr::col(ActivityLinks::RecordId).eq(record_id)),
    )
    .await
    .map(|_| ())
}

/// A delegation or an event, as other records refer to it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RecordRef {
    /// `delegation` or `event`.
    pub record_type: String,
    pub id: i64,
    pub title: String,
    pub start_on: NaiveDate,
    pub owner_unit_id: i64,
    /// The record's page.
    pub link: String,
}

/// The delegations and events linked to each of `tasks`, oldest first.
pub(crate) async fn served_by(
    conn: &mut Conn,
    tasks: &[i64],
) -> Result<HashMap<i64, Vec<RecordRef>>> {
    let mut out: HashMap<i64, Vec<RecordRef>> = HashMap::new();
    if tasks.is_empty() {
        return Ok(out);
    }
    let links: Vec<(String, i64, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ActivityLinks::RecordType,
                    ActivityLinks::RecordId,
                    ActivityLinks::TargetId,
                ])
                .from(ActivityLinks::Table)
                .and_where(Expr::col(ActivityLinks::LinkType).eq(LinkType::Task.as_str()))
                .and_where(Expr::col(ActivityLinks::TargetId).is_in(tasks.iter().copied())),
        )
        .await?;
    for (record_type, record_id, task) in links {
        let found: Option<(String, NaiveDate, i64)> = match record_type.as_str() {
            "delegation" => {
                conn.fetch_optional(
                    Query::select()
                        .columns([
                            Delegations::Title,
                            Delegations::StartOn,
                            Delegations::OwnerUnitId,
                        ])
                        .from(Delegations::Table)
                        .and_where(Expr::col(Delegations::Id).eq(record_id)),
                )
                .await?
            }
            _ => {
                conn.fetch_optional(
                    Query::select()
                        .columns([Events::Title, Events::StartOn, Events::OwnerUnitId])
                        .from(Events::Table)
                        .and_where(Expr::col(Events::Id).eq(record_id)),
                )
                .await?
            }
        };
        if let Some((title, start_on, owner_unit_id)) = found {
            let link = format!("/{record_type}s/{record_id}");
            out.entry(task).or_default().push(RecordRef {
                record_type,
                id: record_id,
                title,
                start_on,
                owner_unit_id,
                link,
            });
        }
    }
    for refs in out.values_mut() {
        refs.sort_by_key(|r| r.start_on);
    }
    Ok(out)
}

/// A delegation or an event, as its writes are recorded.
pub(crate) trait Activity: Serialize {
    const ENTITY: &'static str;
    fn id(&self) -> i64;
    fn owner_unit_id(&self) -> i64;
    /// The day it starts: the year a cluster lead's reading of it is decided by.
    fn start_on(&self) -> NaiveDate;
    /// What the audit keeps of it.
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
    fn contribution(&self) -> Contribution;
    /// What the search index keeps of it.
    fn search_doc(&self) -> crate::search::Doc;
}

/// A record's search entry: its title, its unit's name beside it, and the `extra` words.
pub(crate) fn search_doc(
    entity_type: &'static str,
    (id, unit_id): (i64, i64),
    title: &str,
    unit_name: &str,
    extra: impl IntoIterator<Item = String>,
) -> crate::search::Doc {
    crate::search::Doc {
        entity_type,
        entity_id: id,
        unit_id: Some(unit_id),
        title: title.to_owned(),
        subtitle: Some(unit_name.to_owned()),
        key: String::new(),
        extra: extra.into_iter().collect::<Vec<_>>().join(" "),
    }
}

/// The audit entry of a write (before → after), the move of the live totals from what `before`
/// contributed to what `after` contributes, and the search entry (kept, or gone with the record),
/// in the caller's transaction.
pub(crate) async fn record<T: Activity>(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let Some(subject) = after.or(before) else {
        return Ok(());
    };
    let (before_json, after_json) = (before.map(T::to_json), after.map(T::to_json));
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: T::ENTITY,
            entity_id: subject.id(),
            unit_id: Some(subject.owner_unit_id()),
            before: before_json.as_ref(),
            after: after_json.as_ref(),
        },
    )
    .await?;
    totals::apply(
        conn,
        before.map(T::contribution).as_ref(),
        after.map(T::contribution).as_ref(),
    )
    .await?;
    match after {
        Some(after) => crate::search::put(conn, &after.search_doc()).await,
        None => crate::search::remove(conn, T::ENTITY, subject.id()).await,
    }
}

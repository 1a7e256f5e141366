//! Work plans: a unit's numbered priorities for a year and their tasks, each with the records
//! that show the work, and the plan set against what was done.

use std::collections::HashMap;

use amity_domain::authz::{Action, Actor};
use amity_domain::partner::Vocabulary;
use amity_domain::plan::{EvidenceKind, TaskSpec, TaskStatus};
use chrono::{Datelike, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Order, Query, SimpleExpr};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{PlanEvidence, PlanPriorities, PlanTasks, WorkPlans};
use crate::{agreement, delegation, event, org};

pub(crate) const ENTITY: &str = "work_plan";

/// A record a task points to, with what a reader needs to follow the link.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub id: i64,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PlanTask)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub owner_unit_id: i64,
    pub owner_unit_name: String,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    pub progress: i64,
    pub done_on: Option<NaiveDate>,
    pub on_time: bool,
    pub overdue: bool,
    /// The records behind the task that the reader may see.
    pub evidence: Vec<Evidence>,
}

/// Planned against done, for a priority or the whole plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub tasks: usize,
    pub done: usize,
    pub done_on_time: usize,
    pub in_progress: usize,
    pub overdue: usize,
    pub cancelled: usize,
    /// Mean progress of the tasks not cancelled, in per cent.
    pub progress: f64,
    pub with_evidence: usize,
}

impl Tally {
    fn of<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Tally {
        let mut t = Tally::default();
        let mut sum = 0;
        for task in tasks {
            t.tasks += 1;
            match task.status {
                TaskStatus::Done => t.done += 1,
                TaskStatus::InProgress => t.in_progress += 1,
                TaskStatus::Cancelled => t.cancelled += 1,
                TaskStatus::Planned => {}
            }
            if task.status != TaskStatus::Cancelled {
                sum += task.progress;
            }
            t.done_on_time += usize::from(task.on_time);
            t.overdue += usize::from(task.overdue);
            t.with_evidence += usize::from(!task.evidence.is_empty());
        }
        let counted = t.tasks - t.cancelled;
        t.progress = if counted == 0 {
            0.0
        } else {
            (sum as f64 / counted as f64 * 10.0).round() / 10.0
        };
        t
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Priority {
    pub id: i64,
    pub number: i32,
    pub title: String,
    pub tasks: Vec<Task>,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    pub title: String,
    pub priorities: Vec<Priority>,
    /// The whole plan, planned against done.
    pub tally: Tally,
    /// Whether the reader may change the plan (add priorities and tasks).
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ListedPlan)]
pub struct Listed {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    pub title: String,
    pub priorities: i64,
    pub tasks: i64,
    pub done: i64,
}

#[derive(Clone, sqlx::FromRow)]
struct PlanRow {
    id: i64,
    unit_id: i64,
    year: i32,
    title: String,
}

async fn plan_row(conn: &mut Conn, id: i64) -> Result<PlanRow> {
    conn.fetch_optional(
        Query::select()
            .columns([
                WorkPlans::Id,
                WorkPlans::UnitId,
                WorkPlans::Year,
                WorkPlans::Title,
            ])
            .from(WorkPlans::Table)
            .and_where(Expr::col(WorkPlans::Id).eq(id)),
    )
    .await?
    .ok_or(Error::NotFound("work plan"))
}

/// The plan, if the actor may read its unit's records.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Plan> {
    let row = readable(conn, actor, id).await?;
    assemble(conn, actor, row).await
}

/// The plan's row, if it exists for the actor (its unit is within the actor's read scope).
async fn readable(conn: &mut Conn, actor: &Actor, id: i64) -> Result<PlanRow> {
    let row = plan_row(conn, id).await?;
    if !actor.may(Action::Read, Some(row.unit_id)) {
        return Err(Error::NotFound("work plan"));
    }
    Ok(row)
}

async fn assemble(conn: &mut Conn, actor: &Actor, row: PlanRow) -> Result<Plan> {
    let priorities: Vec<(i64, i32, String)> = conn
        .fetch_all(
            Query::select()
                .columns([
                    PlanPriorities::Id,
                    PlanPriorities::Number,
                    PlanPriorities::Title,
                ])
                .from(PlanPriorities::Table)
                .and_where(Expr::col(PlanPriorities::PlanId).eq(row.id))
                .order_by(PlanPriorities::Number, Order::Asc),
        )
        .await?;
    type TaskRow = (
        i64,
        i64,
        String,
        i64,
        Option<NaiveDate>,
        String,
        i32,
        Option<NaiveDate>,
    );
    let task_rows: Vec<TaskRow> = if priorities.is_empty() {
        vec![]
    } else {
        conn.fetch_all(
            Query::select()
                .columns([
                    PlanTasks::Id,
                    PlanTasks::PriorityId,
                    PlanTasks::Title,
                    PlanTasks::OwnerUnitId,
                    PlanTasks::Deadline,
                    PlanTasks::Status,
                    PlanTasks::Progress,
                    PlanTasks::DoneOn,
                ])
                .from(PlanTasks::Table)
                .and_where(Expr::col(PlanTasks::PriorityId).is_in(priorities.iter().map(|p| p.0)))
                .order_by(PlanTasks::Id, Order::Asc),
        )
        .await?
    };
    let evidence_rows: Vec<(i64, String, i64)> = if task_rows.is_empty() {
        vec![]
    } else {
        conn.fetch_all(
            Query::select()
                .columns([
                    PlanEvidence::TaskId,
                    PlanEvidence::Kind,
                    PlanEvidence::RecordId,
                ])
                .from(PlanEvidence::Table)
                .and_where(Expr::col(PlanEvidence::TaskId).is_in(task_rows.iter().map(|t| t.0)))
                .order_by(PlanEvidence::Kind, Order::Asc)
                .order_by(PlanEvidence::RecordId, Order::Asc),
        )
        .await?
    };
    let mut evidence: HashMap<i64, Vec<Evidence>> = HashMap::new();
    for (task, kind, record) in evidence_rows {
        let kind: EvidenceKind = kind
            .parse()
            .map_err(|e| Error::Other(anyhow::anyhow!("stored evidence of task {task}: {e}")))?;
        // Evidence the reader may not see is left out, as elsewhere.
        if let Ok(e) = resolve(conn, actor, kind, record).await {
            evidence.entry(task).or_default().push(e);
        }
    }
    let units = org::unit_refs(
        conn,
        task_rows.iter().map(|t| t.3).chain([row.unit_id]).collect(),
    )
    .await?;
    let name = |id: i64| units.get(&id).map(|u| u.name.clone()).unwrap_or_default();
    let today = Utc::now().date_naive();
    let mut by_priority: HashMap<i64, Vec<Task>> = HashMap::new();
    for (id, priority, title, owner, deadline, status, progress, done_on) in task_rows {
        let status: TaskStatus = status
            .parse()
            .map_err(|e| Error::Other(anyhow::anyhow!("stored status of task {id}: {e}")))?;
        let draft = TaskSpec {
            priority: 0,
            owner_unit_id: Some(owner),
            title: title.clone(),
            deadline,
            status,
            progress: i64::from(progress),
            done_on,
            evidence: vec![],
        };
        by_priority.entry(priority).or_default().push(Task {
            id,
            title,
            owner_unit_id: owner,
            owner_unit_name: name(owner),
            deadline,
            status,
            progress: i64::from(progress),
            done_on,
            on_time: draft.on_time(),
            overdue: draft.overdue(today),
            evidence: evidence.remove(&id).unwrap_or_default(),
        });
    }
    let priorities: Vec<Priority> = priorities
        .into_iter()
        .map(|(id, number, title)| {
            let tasks = by_priority.remove(&id).unwrap_or_default();
            Priority {
                id,
                number,
                title,
                tally: Tally::of(&tasks),
                tasks,
            }
        })
        .collect();
    Ok(Plan {
        id: row.id,
        unit_id: row.unit_id,
        unit_name: name(row.unit_id),
        year: row.year,
        title: row.title,
        tally: Tally::of(priorities.iter().flat_map(|p| &p.tasks)),
        priorities,
        editable: actor.may(Action::Write, Some(row.unit_id)),
    })
}

/// The record behind a piece of evidence, if it exists and the actor may read it.
async fn resolve(conn: &mut Conn, actor: &Actor, kind: EvidenceKind, id: i64) -> Result<Evidence> {
    let (title, url) = match kind {
        EvidenceKind::Delegation => (
            delegation::get(conn, actor, id).await?.title,
            format!("/delegations/{id}"),
        ),
        EvidenceKind::Event => (
            event::get(conn, actor, id).await?.title,
            format!("/events/{id}"),
        ),
        EvidenceKind::AgreementTask => {
            let task = crate::activity::task_refs(conn, &[id])
                .await?
                .pop()
                .ok_or(Error::NotFound("agreement task"))?;
            let agreement = agreement::get(conn, actor, task.agreement_id).await?;
            (
                format!("{} ({}, {})", task.item, agreement.title, task.year),
                format!("/agreements/{}", task.agreement_id),
            )
        }
    };
    Ok(Evidence {
        kind,
        id,
        title,
        url,
    })
}

/// The plans the actor may read, newest year first.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    year: Option<i32>,
    unit: Option<i64>,
) -> Result<Vec<Listed>> {
    let mut q = Query::select();
    q.columns([
        WorkPlans::Id,
        WorkPlans::UnitId,
        WorkPlans::Year,
        WorkPlans::Title,
    ])
    .from(WorkPlans::Table)
    .order_by(WorkPlans::Year, Order::Desc)
    .order_by(WorkPlans::Id, Order::Asc);
    if let Some(y) = year {
        q.and_where(Expr::col(WorkPlans::Year).eq(y));
    }
    if let Some(u) = unit {
        q.and_where(Expr::col(WorkPlans::UnitId).eq(u));
    }
    let rows: Vec<PlanRow> = conn.fetch_all(&q).await?;
    let rows: Vec<PlanRow> = rows
        .into_iter()
        .filter(|r| actor.may(Action::Read, Some(r.unit_id)))
        .collect();
    let units = org::unit_refs(conn, rows.iter().map(|r| r.unit_id).collect()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // (plan, priority, status) of every task, and the plans' priorities.
    let priorities: Vec<(i64, i64)> = conn
        .fetch_all(
            Query::select()
                .columns([PlanPriorities::PlanId, PlanPriorities::Id])
                .from(PlanPriorities::Table)
                .and_where(Expr::col(PlanPriorities::PlanId).is_in(ids.iter().copied())),
        )
        .await?;
    let statuses: Vec<(i64, String)> = conn
        .fetch_all(
            Query::select()
                .column((PlanPriorities::Table, PlanPriorities::PlanId))
                .column((PlanTasks::Table, PlanTasks::Status))
                .from(PlanTasks::Table)
                .inner_join(
                    PlanPriorities::Table,
                    Expr::col((PlanPriorities::Table, PlanPriorities::Id))
                        .equals((PlanTasks::Table, PlanTasks::PriorityId)),
                )
                .and_where(
                    Expr::col((PlanPriorities::Table, PlanPriorities::PlanId))
                        .is_in(ids.iter().copied()),
                ),
        )
        .await?;
    let out = rows
        .into_iter()
        .map(|r| Listed {
            id: r.id,
            unit_id: r.unit_id,
            unit_name: units
                .get(&r.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            year: r.year,
            priorities: priorities.iter().filter(|p| p.0 == r.id).count() as i64,
            tasks: statuses.iter().filter(|t| t.0 == r.id).count() as i64,
            done: statuses
                .iter()
                .filter(|t| t.0 == r.id && t.1 == TaskStatus::Done.as_str())
                .count() as i64,
            title: r.title,
        })
        .collect();
    Ok(out)
}

async fn record(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    plan: &PlanRow,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: ENTITY,
            entity_id: plan.id,
            unit_id: Some(plan.unit_id),
            before,
            after,
        },
    )
    .await
}

/// Opens `unit`'s plan for `year` (its staff).
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    unit: i64,
    year: i32,
    title: &str,
) -> Result<Plan> {
    let this_year = Utc::now().year();
    if !(2000..=this_year + 1).contains(&year) {
        return Err(Error::invalid(
            "year",
            amity_domain::error::said(
                "plan-year",
                [
                    ("value", year.to_string()),
                    ("max", (this_year + 1).to_string()),
                ],
            ),
        ));
    }
    let title = amity_domain::plan::title(title).map_err(|e| Error::invalid("title", e))?;
    let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let found = org::get(conn, unit, day).await.map_err(|_| {
        Error::invalid(
            "unit_id",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: unit,
            },
        )
    })?;
    actor.require(Action::Write, Some(unit))?;
    let existing: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(WorkPlans::Id)
                .from(WorkPlans::Table)
                .and_where(Expr::col(WorkPlans::UnitId).eq(unit))
                .and_where(Expr::col(WorkPlans::Year).eq(year)),
        )
        .await?;
    if let Some((id,)) = existing {
        return Err(Error::conflict(
            "year",
            amity_domain::error::said(
                "plan-exists",
                [
                    ("unit", found.name.clone()),
                    ("year", year.to_string()),
                    ("id", id.to_string()),
                ],
            ),
        ));
    }
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(WorkPlans::Table)
                .columns([
                    WorkPlans::UnitId,
                    WorkPlans::Year,
                    WorkPlans::Title,
                    WorkPlans::CreatedAt,
                    WorkPlans::UpdatedAt,
                ])
                .values_panic([
                    unit.into(),
                    year.into(),
                    title.clone().into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(WorkPlans::Id),
        )
        .await?;
    let row = PlanRow {
        id,
        unit_id: unit,
        year,
        title: title.clone(),
    };
    record(
        conn,
        actor,
        AuditAction::Create,
        &row,
        None,
        Some(&serde_json::json!({ "unit_id": unit, "year": year, "title": title })),
    )
    .await?;
    assemble(conn, actor, row).await
}

/// Adds the next numbered priority.
pub async fn add_priority(conn: &mut Conn, actor: &Actor, plan: i64, title: &str) -> Result<Plan> {
    let row = writable(conn, actor, plan).await?;
    let title = amity_domain::plan::title(title).map_err(|e| Error::invalid("title", e))?;
    let (last,): (Option<i32>,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(PlanPriorities::Number).max())
                .from(PlanPriorities::Table)
                .and_where(Expr::col(PlanPriorities::PlanId).eq(plan)),
        )
        .await?;
    let number = last.unwrap_or(0) + 1;
    conn.execute(
        Query::insert()
            .into_table(PlanPriorities::Table)
            .columns([
                PlanPriorities::PlanId,
                PlanPriorities::Number,
                PlanPriorities::Title,
            ])
            .values_panic([plan.into(), number.into(), title.clone().into()]),
    )
    .await?;
    record(
        conn,
        actor,
        AuditAction::Update,
        &row,
        None,
        Some(&serde_json::json!({ "priority": number, "title": title })),
    )
    .await?;
    assemble(conn, actor, row).await
}

/// The plan, if it exists for the actor and the actor may change it.
async fn writable(conn: &mut Conn, actor: &Actor, plan: i64) -> Result<PlanRow> {
    let row = readable(conn, actor, plan).await?;
    actor.require(Action::Write, Some(row.unit_id))?;
    Ok(row)
}

/// Checks a task's fields, its owner and its evidence; the priority's id.
async fn checked(
    conn: &mut Conn,
    actor: &Actor,
    plan: &PlanRow,
    input: &TaskSpec,
) -> Result<(i64, TaskSpec, i64)> {
    let draft = input.clone().settle(plan.year, Utc::now().date_naive())?;
    let priority: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(PlanPriorities::Id)
                .from(PlanPriorities::Table)
                .and_where(Expr::col(PlanPriorities::PlanId).eq(plan.id))
                .and_where(Expr::col(PlanPriorities::Number).eq(input.priority)),
        )
        .await?;
    let (priority,) = priority.ok_or_else(|| {
        Error::invalid(
            "priority",
            amity_domain::error::said("no-priority", [("value", input.priority.to_string())]),
        )
    })?;
    let owner = input.owner_unit_id.unwrap_or(plan.unit_id);
    let day = NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or_default();
    org::get(conn, owner, day).await.map_err(|_| {
        Error::invalid(
            "owner_unit_id",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: owner,
            },
        )
    })?;
    for (i, (kind, id)) in input.evidence.iter().enumerate() {
        if resolve(conn, actor, *kind, *id).await.is_err() {
            return Err(Error::invalid(
                &format!("evidence[{i}]"),
                amity_domain::error::said("no-evidence-record", [("id", id.to_string())]),
            ));
        }
    }
    Ok((priority, draft, owner))
}

async fn write_evidence(
    conn: &mut Conn,
    task: i64,
    evidence: &[(EvidenceKind, i64)],
) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(PlanEvidence::Table)
            .and_where(Expr::col(PlanEvidence::TaskId).eq(task)),
    )
    .await?;
    let mut seen = std::collections::BTreeSet::new();
    for (kind, id) in evidence.iter().filter(|e| seen.insert(**e)) {
        conn.execute(
            Query::insert()
                .into_table(PlanEvidence::Table)
                .columns([
                    PlanEvidence::TaskId,
                    PlanEvidence::Kind,
                    PlanEvidence::RecordId,
                ])
                .values_panic([task.into(), kind.as_str().into(), (*id).into()]),
        )
        .await?;
    }
    Ok(())
}

fn task_json(
    priority: i32,
    owner: i64,
    d: &TaskSpec,
    evidence: &[(EvidenceKind, i64)],
) -> serde_json::Value {
    serde_json::json!({
        "priority": priority, "title": d.title, "owner_unit_id": owner, "deadline": d.deadline,
        "status": d.status.as_str(), "progress": d.progress, "done_on": d.done_on,
        "evidence": evidence.iter().map(|(k, id)| format!("{}:{id}", k.as_str())).collect::<Vec<_>>(),
    })
}

/// The columns a settled task sets, with their values: one list for insert and update.
fn written(priority: i64, owner: i64, d: &TaskSpec) -> Vec<(PlanTasks, SimpleExpr)> {
    vec![
        (PlanTasks::PriorityId, priority.into()),
        (PlanTasks::Title, d.title.clone().into()),
        (PlanTasks::OwnerUnitId, owner.into()),
        (PlanTasks::Deadline, d.deadline.into()),
        (PlanTasks::Status, d.status.as_str().into()),
        (PlanTasks::Progress, (d.progress as i32).into()),
        (PlanTasks::DoneOn, d.done_on.into()),
        (PlanTasks::UpdatedAt, Utc::now().into()),
    ]
}

/// Adds a task under one of the plan's priorities (the plan unit's staff).
pub async fn add_task(conn: &mut Conn, actor: &Actor, plan: i64, input: &TaskSpec) -> Result<Plan> {
    let row = writable(conn, actor, plan).await?;
    let (priority, d, owner) = checked(conn, actor, &row, input).await?;
    let (columns, values): (Vec<PlanTasks>, Vec<SimpleExpr>) =
        written(priority, owner, &d).into_iter().unzip();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(PlanTasks::Table)
                .columns(columns)
                .values_panic(values)
                .returning_col(PlanTasks::Id),
        )
        .await?;
    write_evidence(conn, id, &input.evidence).await?;
    let after = serde_json::json!({ "task": id, "added": task_json(input.priority, owner, &d, &input.evidence) });
    record(conn, actor, AuditAction::Update, &row, None, Some(&after)).await?;
    assemble(conn, actor, row).await
}

/// Changes a task: its plan unit's staff, or the staff of the unit that owns it.
pub async fn update_task(
    conn: &mut Conn,
    actor: &Actor,
    plan: i64,
    task: i64,
    input: &TaskSpec,
) -> Result<Plan> {
    let row = readable(conn, actor, plan).await?;
    let before = assemble(conn, actor, row.clone()).await?;
    let (number, old) = before
        .priorities
        .iter()
        .find_map(|p| p.tasks.iter().find(|t| t.id == task).map(|t| (p.number, t)))
        .ok_or(Error::NotFound("task"))?;
    if !actor.may(Action::Write, Some(row.unit_id)) {
        actor.require(Action::Write, Some(old.owner_unit_id))?;
        if input.owner_unit_id.is_some_and(|o| o != old.owner_unit_id) {
            return Err(Error::invalid(
                "owner_unit_id",
                amity_domain::error::said("plan-unit-hands-tasks", []),
            ));
        }
    }
    let old_json = task_json(
        number,
        old.owner_unit_id,
        &TaskSpec {
            priority: number,
            owner_unit_id: Some(old.owner_unit_id),
            title: old.title.clone(),
            deadline: old.deadline,
            status: old.status,
            progress: old.progress,
            done_on: old.done_on,
            evidence: vec![],
        },
        &old.evidence
            .iter()
            .map(|e| (e.kind, e.id))
            .collect::<Vec<_>>(),
    );
    let input = TaskSpec {
        owner_unit_id: input.owner_unit_id.or(Some(old.owner_unit_id)),
        ..input.clone()
    };
    let (priority, d, owner) = checked(conn, actor, &row, &input).await?;
    conn.execute(
        Query::update()
            .table(PlanTasks::Table)
            .values(written(priority, owner, &d))
            .and_where(Expr::col(PlanTasks::Id).eq(task)),
    )
    .await?;
    write_evidence(conn, task, &input.evidence).await?;
    let before_json = serde_json::json!({ "task": task, "was": old_json });
    let after = serde_json::json!({ "task": task, "was": task_json(input.priority, owner, &d, &input.evidence) });
    record(
        conn,
        actor,
        AuditAction::Update,
        &row,
        Some(&before_json),
        Some(&after),
    )
    .await?;
    assemble(conn, actor, row).await
}

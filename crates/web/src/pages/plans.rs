//! Work plan pages: the plans in scope, one plan with its numbered priorities and tasks set
//! against what was done, and the forms that add priorities and tasks and move tasks on.

use amity_domain::partner::Vocabulary;
use amity_domain::plan::{TaskDraft, TaskStatus};
use amity_store::plan::{self, Listed, Plan};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

fn plan_path(id: i64) -> String {
    crate::view::path::plan(id)
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    plans: Vec<Listed>,
    year: String,
    /// Whether the reader may open a plan for their own unit.
    can_create: bool,
    next_year: i32,
    errors: FormErrors,
}

async fn list_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    year: String,
    errors: FormErrors,
) -> amity_store::Result<ListPage<'a>> {
    let mut conn = state.db.conn().await?;
    let plans = plan::list(&mut conn, &me.actor, year.trim().parse().ok(), None).await?;
    let can_create = me
        .actor
        .unit_id
        .is_some_and(|u| me.actor.may(amity_domain::authz::Action::Write, Some(u)));
    Ok(ListPage {
        ctx,
        plans,
        year,
        can_create,
        next_year: Utc::now().year(),
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(f): Query<ListForm>,
) -> PageResult {
    Ok(render(
        &list_page(&state, &ctx, &me, f.year, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct NewPlan {
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<NewPlan>,
) -> PageResult {
    let result = async {
        let unit = me.actor.unit_id.ok_or_else(|| {
            amity_store::Error::invalid("unit_id", amity_domain::error::said("no-unit", []))
        })?;
        let year = f.year.trim().parse::<i32>().map_err(|_| {
            amity_store::Error::invalid("year", amity_domain::error::said("write-year", []))
        })?;
        let mut tx = state.db.begin().await?;
        let created = plan::create(&mut tx, &me.actor, unit, year, &f.title).await?;
        tx.commit().await?;
        Ok(created.id)
    }
    .await;
    after_post(&ctx, result, plan_path, |errors| {
        list_page(&state, &ctx, &me, String::new(), errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage<'a> {
    ctx: &'a PageCtx,
    plan: Plan,
    statuses: &'static [TaskStatus],
    /// The records a task may show as its evidence: the unit's delegations and events of the
    /// plan's year, as (`kind:id`, label).
    candidates: Vec<(String, String)>,
    errors: FormErrors,
}

impl PlanPage<'_> {
    fn percent(&self, done: &usize, of: &usize) -> String {
        if *of == 0 {
            "—".into()
        } else {
            format!("{:.0} %", *done as f64 * 100.0 / *of as f64)
        }
    }

    /// Whether the task shows `key` (`kind:id`) as evidence.
    fn has_evidence(&self, task: &amity_store::plan::Task, key: &str) -> bool {
        task.evidence
            .iter()
            .any(|e| format!("{}:{}", e.kind.as_str(), e.id) == key)
    }

    /// Candidates first, then any evidence of the task's outside them (kept when saved).
    fn evidence_choices(&self, task: &amity_store::plan::Task) -> Vec<(String, String)> {
        let mut out = self.candidates.clone();
        for e in &task.evidence {
            let key = format!("{}:{}", e.kind.as_str(), e.id);
            if !out.iter().any(|(k, _)| *k == key) {
                out.push((key, format!("{}: {}", self.ctx.vocab(&e.kind), e.title)));
            }
        }
        out
    }
}

async fn plan_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<PlanPage<'a>> {
    let mut conn = state.db.conn().await?;
    let plan = plan::get(&mut conn, &me.actor, id).await?;
    let candidates = if plan.editable {
        evidence_candidates(&mut conn, ctx, me, &plan).await?
    } else {
        Vec::new()
    };
    Ok(PlanPage {
        ctx,
        plan,
        statuses: TaskStatus::ALL,
        candidates,
        errors,
    })
}

/// The most records offered as evidence of each kind.
const CANDIDATES: u64 = 100;

/// The plan unit's delegations and events of the plan's year, newest first.
async fn evidence_candidates(
    conn: &mut amity_store::Conn,
    ctx: &PageCtx,
    me: &CurrentUser,
    plan: &Plan,
) -> amity_store::Result<Vec<(String, String)>> {
    use amity_domain::plan::EvidenceKind;
    use amity_store::activity::ActivityFilter;
    let shared = ActivityFilter {
        from: chrono::NaiveDate::from_ymd_opt(plan.year, 1, 1),
        to: chrono::NaiveDate::from_ymd_opt(plan.year, 12, 31),
        units: Some([plan.unit_id].into()),
        ..Default::default()
    };
    let filter = amity_store::delegation::DelegationFilter {
        shared: shared.clone(),
        ..Default::default()
    };
    let (delegations, _) =
        amity_store::delegation::list(conn, &me.actor, &filter, ("start_on", true), CANDIDATES, 0)
            .await?;
    let filter = amity_store::event::EventFilter {
        shared,
        ..Default::default()
    };
    let (events, _) =
        amity_store::event::list(conn, &me.actor, &filter, ("start_on", true), CANDIDATES, 0)
            .await?;
    let label = |kind: EvidenceKind, title: &str, on: chrono::NaiveDate| {
        format!("{}: {title} ({})", ctx.vocab(&kind), ctx.date(&on))
    };
    Ok(delegations
        .iter()
        .map(|d| {
            (
                format!("delegation:{}", d.id),
                label(EvidenceKind::Delegation, &d.title, d.start_on),
            )
        })
        .chain(events.iter().map(|e| {
            (
                format!("event:{}", e.id),
                label(EvidenceKind::Event, &e.title, e.start_on),
            )
        }))
        .collect())
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &plan_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct NewPriority {
    #[serde(default)]
    title: String,
}

async fn add_priority(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<NewPriority>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            plan::add_priority(tx, &me.actor, id, &f.title).await?;
            Ok(())
        },
        |()| plan_path(id),
        |errors| plan_page(&state, &ctx, &me, id, errors),
    )
    .await
}

/// A task as the page's forms send it; each evidence ticked is `kind:id`.
#[derive(Debug, Deserialize)]
struct TaskForm {
    #[serde(default)]
    priority: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    evidence: Vec<String>,
}

impl TaskForm {
    /// The draft the form stands for; its owner is the plan's unit, or the task's on a change.
    fn draft(&self) -> TaskDraft {
        TaskDraft {
            priority: self.priority.clone(),
            title: self.title.clone(),
            owner_unit_id: String::new(),
            deadline: self.deadline.clone(),
            status: self.status.clone(),
            progress: self.progress.clone(),
            done_on: self.done_on.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<TaskForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let input = f.draft().parse()?;
            plan::add_task(tx, &me.actor, id, &input).await?;
            Ok(())
        },
        |()| plan_path(id),
        |errors| plan_page(&state, &ctx, &me, id, errors),
    )
    .await
}

async fn update_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path((id, task)): Path<(i64, i64)>,
    PostForm(f): PostForm<TaskForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let input = f.draft().parse()?;
            plan::update_task(tx, &me.actor, id, task, &input).await?;
            Ok(())
        },
        |()| plan_path(id),
        |errors| plan_page(&state, &ctx, &me, id, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/plans", get(list).post(create))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/priorities", post(add_priority))
        .route("/plans/{id}/tasks", post(add_task))
        .route("/plans/{id}/tasks/{task}", post(update_task))
}

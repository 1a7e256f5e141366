//! Work plan pages: the plans in scope, one plan with its numbered priorities and tasks set
//! against what was done, and the forms that add priorities and tasks and move tasks on.

use amity_domain::error::Checker;
use amity_domain::partner::Vocabulary;
use amity_domain::plan::{EvidenceKind, TaskDraft, TaskStatus};
use amity_store::plan::{self, Listed, Plan, TaskInput};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, optional_date, render};
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
            amity_store::Error::invalid("unit_id", "your account belongs to no unit")
        })?;
        let year = f
            .year
            .trim()
            .parse::<i32>()
            .map_err(|_| amity_store::Error::invalid("year", "write a year, such as 2026"))?;
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

    fn evidence_text(&self, task: &amity_store::plan::Task) -> String {
        task.evidence
            .iter()
            .map(|e| format!("{}:{}", e.kind.as_str(), e.id))
            .collect::<Vec<_>>()
            .join(" ")
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
    Ok(PlanPage {
        ctx,
        plan,
        statuses: TaskStatus::ALL,
        errors,
    })
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
    let result = async {
        let mut tx = state.db.begin().await?;
        plan::add_priority(&mut tx, &me.actor, id, &f.title).await?;
        tx.commit().await
    }
    .await;
    after_post(
        &ctx,
        result,
        |()| plan_path(id),
        |errors| plan_page(&state, &ctx, &me, id, errors),
    )
    .await
}

/// A task as the page's forms send it; evidence is written `delegation:12 event:5`.
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
    evidence: String,
}

impl TaskForm {
    fn input(&self, owner: Option<i64>) -> amity_store::Result<TaskInput> {
        let mut c = Checker::new();
        let priority = c.check(
            "priority",
            self.priority
                .trim()
                .parse::<i32>()
                .map_err(|_| "choose a priority".to_owned()),
        );
        let status = c.check("status", self.status.parse::<TaskStatus>());
        let progress = match self.progress.trim().trim_end_matches('%').trim() {
            "" => Some(0),
            p => c.check(
                "progress",
                p.parse::<i64>()
                    .map_err(|_| "must be a whole number from 0 to 100".to_owned()),
            ),
        };
        let deadline = optional_date("deadline", &self.deadline, &mut c);
        let done_on = optional_date("done_on", &self.done_on, &mut c);
        let mut evidence = Vec::new();
        for item in self
            .evidence
            .split([',', ' ', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let parsed = item.split_once(':').and_then(|(k, id)| {
                Some((
                    k.parse::<EvidenceKind>().ok()?,
                    id.trim().parse::<i64>().ok()?,
                ))
            });
            match parsed {
                Some(e) => evidence.push(e),
                None => c.push(
                    "evidence",
                    format!(
                        "“{item}” is not kind:number (delegation:12, event:5 or agreement_task:3)"
                    ),
                ),
            }
        }
        c.finish()?;
        Ok(TaskInput {
            priority: priority.unwrap_or_default(),
            owner_unit_id: owner,
            draft: TaskDraft {
                title: self.title.clone(),
                deadline: deadline.flatten(),
                status: status.unwrap_or(TaskStatus::Planned),
                progress: progress.unwrap_or_default(),
                done_on: done_on.flatten(),
            },
            evidence,
        })
    }
}

async fn add_task(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<TaskForm>,
) -> PageResult {
    let result = async {
        let input = f.input(None)?;
        let mut tx = state.db.begin().await?;
        plan::add_task(&mut tx, &me.actor, id, &input).await?;
        tx.commit().await
    }
    .await;
    after_post(
        &ctx,
        result,
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
    let result = async {
        let input = f.input(None)?;
        let mut tx = state.db.begin().await?;
        plan::update_task(&mut tx, &me.actor, id, task, &input).await?;
        tx.commit().await
    }
    .await;
    after_post(
        &ctx,
        result,
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

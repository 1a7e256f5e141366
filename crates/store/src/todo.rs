//! What waits for someone, for the home page: their units' drafts and what came back to them,
//! the decisions that are theirs to take, reports due and overdue, and (for the NGO office and
//! applicants) permits and applications near their dates, and agreements' reminders.

use std::collections::BTreeSet;

use amity_domain::activity::DelegationState;
use amity_domain::application::ApplicationState;
use amity_domain::authz::{Action, Actor};
use amity_domain::partner::Vocabulary;
use amity_domain::report::ReportState;
use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::activity::ActivityFilter;
use crate::db::Conn;
use crate::delegation::{self, DelegationFilter};
use crate::error::Result;
use crate::ngo::{self, NgoFilter, Warning};
use crate::periodic::{self, ReportFilter};
use crate::{agreement, application};

/// How far ahead a report due, an application's deadline or a permit's end shows.
const REPORT_HORIZON_DAYS: u64 = 30;
const APPLICATION_HORIZON_DAYS: u64 = 14;
/// At most this many of each kind, so the page stays short and the work bounded.
const MOST: usize = 20;

/// One thing to do, named so a page can link to it and say it in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Item {
    /// The record kind: `delegation`, `report`, `report_due`, `application`, `ngo`,
    /// `agreement` or `agreement_task`.
    pub kind: &'static str,
    /// The record's id (the agreement's, for a task; none for a report not yet opened).
    pub id: Option<i64>,
    pub title: String,
    /// The title in English, where the record keeps one (a report form's name).
    pub title_en: Option<String>,
    /// The unit it concerns (empty when several, or none).
    pub unit: String,
    /// How many units have not yet filed a report due (when several).
    pub units_waiting: Option<usize>,
    /// A report's form code, for a report not yet opened.
    pub form: Option<String>,
    /// A report's period (`2026-Q3`).
    pub period: Option<String>,
    /// Its date that matters: a deadline, a due date, a start, an end.
    pub date: Option<NaiveDate>,
    /// Past its date and still waiting.
    pub overdue: bool,
    /// What else names it: a reviewer's comment on what came back, an application's
    /// procedure, a permit's number, an agreement task's item.
    pub note: Option<String>,
}

/// The to-do list of one reader.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Todo {
    /// Drafts of the reader's units not yet submitted.
    pub drafts: Vec<Item>,
    /// Drafts that came back with a reviewer's comment.
    pub returned: Vec<Item>,
    /// Submitted records the reader decides on.
    pub decisions: Vec<Item>,
    /// Reports of the reader's units due soon or overdue, not yet submitted.
    pub reports_due: Vec<Item>,
    /// Open applications near or past their deadline; for an applicant, those asking for
    /// more information.
    pub applications: Vec<Item>,
    /// NGO permits ending soon (the NGO office).
    pub permits: Vec<Item>,
    /// Agreements ending soon and this year's tasks with no evidence yet.
    pub agreements: Vec<Item>,
}

impl Todo {
    pub fn is_empty(&self) -> bool {
        [
            &self.drafts,
            &self.returned,
            &self.decisions,
            &self.reports_due,
            &self.applications,
            &self.permits,
            &self.agreements,
        ]
        .iter()
        .all(|items| items.is_empty())
    }
}

/// The reader's to-do list on `today`; `own` is their unit and the units it carries (those
/// it was formed from).
pub async fn of(
    conn: &mut Conn,
    actor: &Actor,
    own: &BTreeSet<i64>,
    today: NaiveDate,
) -> Result<Todo> {
    let mut todo = Todo::default();
    delegations(conn, actor, own, &mut todo).await?;
    reports(conn, actor, own, &mut todo).await?;
    reports_due(conn, actor, own, today, &mut todo).await?;
    applications(conn, actor, today, &mut todo).await?;
    if actor.may(Action::ManageNgos, None) {
        permits(conn, today, &mut todo).await?;
    }
    agreements(conn, actor, own, today, &mut todo).await?;
    for items in [
        &mut todo.drafts,
        &mut todo.returned,
        &mut todo.decisions,
        &mut todo.reports_due,
        &mut todo.applications,
        &mut todo.permits,
        &mut todo.agreements,
    ] {
        items.truncate(MOST);
    }
    Ok(todo)
}

async fn delegations(
    conn: &mut Conn,
    actor: &Actor,
    own: &BTreeSet<i64>,
    todo: &mut Todo,
) -> Result<()> {
    let drafts = DelegationFilter {
        state: Some(DelegationState::Draft),
        shared: ActivityFilter {
            units: Some(own.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let (drafts, _) =
        delegation::list(conn, actor, &drafts, ("start_on", false), MOST as u64, 0).await?;
    for d in drafts {
        let item = delegation_item(d);
        match item.note {
            Some(_) => todo.returned.push(item),
            None => todo.drafts.push(item),
        }
    }
    for d in delegation::awaiting_decision(conn, actor).await? {
        todo.decisions.push(delegation_item(d));
    }
    Ok(())
}

/// A delegation as an item, with the reviewer's comment when it came back.
fn delegation_item(d: delegation::Delegation) -> Item {
    Item {
        kind: "delegation",
        id: Some(d.id),
        title: d.title,
        unit: d.owner_unit_name,
        date: Some(d.start_on),
        note: d.review_comment,
        ..Default::default()
    }
}

/// Periodic reports: the own units' drafts (returned ones with their comment), and submitted
/// reports the reader may approve.
async fn reports(
    conn: &mut Conn,
    actor: &Actor,
    own: &BTreeSet<i64>,
    todo: &mut Todo,
) -> Result<()> {
    let drafts = ReportFilter {
        state: Some(ReportState::Draft),
        units: Some(own.clone()),
        ..Default::default()
    };
    let (drafts, _) = periodic::list(conn, actor, &drafts, MOST as u64, 0).await?;
    for listed in drafts {
        let r = periodic::get(conn, actor, listed.id).await?;
        let returned = r.return_comment.is_some();
        let item = report_item(&r);
        if returned {
            todo.returned.push(Item {
                note: r.return_comment,
                ..item
            });
        } else {
            todo.drafts.push(item);
        }
    }
    let submitted = ReportFilter {
        state: Some(ReportState::Submitted),
        ..Default::default()
    };
    let (submitted, _) = periodic::list(conn, actor, &submitted, 200, 0).await?;
    for listed in submitted {
        if todo.decisions.len() >= MOST {
            break;
        }
        let r = periodic::get(conn, actor, listed.id).await?;
        if periodic::allowed_moves(conn, actor, &r)
            .await?
            .contains(&ReportState::Approved)
        {
            todo.decisions.push(report_item(&r));
        }
    }
    Ok(())
}

fn report_item(r: &periodic::Report) -> Item {
    Item {
        kind: "report",
        id: Some(r.id),
        title: r.form_name_vi.clone(),
        title_en: Some(r.form_name_en.clone()),
        unit: r.unit_name.clone(),
        period: Some(r.period.clone()),
        date: Some(r.due_on),
        ..Default::default()
    }
}

/// For each report form, its latest period already due and its next one due within
/// [`REPORT_HORIZON_DAYS`]: the reader's units that have not submitted it.
async fn reports_due(
    conn: &mut Conn,
    actor: &Actor,
    own: &BTreeSet<i64>,
    today: NaiveDate,
    todo: &mut Todo,
) -> Result<()> {
    let horizon = today
        .checked_add_days(Days::new(REPORT_HORIZON_DAYS))
        .unwrap_or(today);
    for form in periodic::forms(conn).await? {
        let overdue = form.latest_due(today);
        let upcoming = form.next_due(today, horizon);
        for period in overdue.into_iter().chain(upcoming) {
            let label = period.label();
            let standing = periodic::completeness(conn, actor, &form.code, &label).await?;
            let waiting: Vec<_> = standing
                .units
                .iter()
                .filter(|s| s.submitted_at.is_none() && own.contains(&s.unit_id))
                .collect();
            let Some(first) = waiting.first() else {
                continue;
            };
            todo.reports_due.push(Item {
                kind: "report_due",
                id: first.report_id.filter(|_| waiting.len() == 1),
                title: form.name_vi.clone(),
                title_en: Some(form.name_en.clone()),
                unit: match waiting.len() {
                    1 => first.unit_name.clone(),
                    _ => String::new(),
                },
                units_waiting: Some(waiting.len()).filter(|n| *n > 1),
                form: Some(form.code.clone()),
                period: Some(label),
                date: Some(standing.due_on),
                overdue: standing.due_on < today,
                ..Default::default()
            });
        }
    }
    Ok(())
}

/// The office's open applications due within [`APPLICATION_HORIZON_DAYS`] or overdue; an
/// applicant's applications asking for more information.
async fn applications(
    conn: &mut Conn,
    actor: &Actor,
    today: NaiveDate,
    todo: &mut Todo,
) -> Result<()> {
    let office = actor.may(Action::ManageNgos, None);
    let horizon = today
        .checked_add_days(Days::new(APPLICATION_HORIZON_DAYS))
        .unwrap_or(today);
    for a in application::list(conn, actor, None, today).await? {
        let waiting = if office {
            !a.state.is_final()
                && a.state != ApplicationState::InfoRequested
                && a.deadline <= horizon
        } else {
            a.state == ApplicationState::InfoRequested
        };
        if waiting {
            todo.applications.push(Item {
                kind: "application",
                id: Some(a.id),
                title: a.partner_name.clone(),
                date: Some(a.deadline),
                overdue: a.deadline < today,
                note: Some(a.procedure.as_str().to_owned()),
                ..Default::default()
            });
        }
    }
    Ok(())
}

async fn permits(conn: &mut Conn, today: NaiveDate, todo: &mut Todo) -> Result<()> {
    let filter = NgoFilter {
        needs_attention: true,
        ..Default::default()
    };
    let (ngos, _) = ngo::list(conn, &filter, MOST as u64, 0, today).await?;
    for n in ngos {
        for w in &n.warnings {
            if let Warning::Expiring {
                number, valid_to, ..
            } = w
            {
                todo.permits.push(Item {
                    kind: "ngo",
                    id: Some(n.id),
                    title: n.name.clone(),
                    date: Some(*valid_to),
                    note: Some(number.clone()),
                    ..Default::default()
                });
            }
        }
    }
    todo.permits.sort_by_key(|i| i.date);
    Ok(())
}

/// The own units' agreements ending soon and this year's tasks with no evidence yet.
async fn agreements(
    conn: &mut Conn,
    actor: &Actor,
    own: &BTreeSet<i64>,
    today: NaiveDate,
    todo: &mut Todo,
) -> Result<()> {
    let reminders = agreement::reminders(conn, actor, today).await?;
    for a in reminders.expiring {
        if own.contains(&a.owner_unit_id) {
            todo.agreements.push(Item {
                kind: "agreement",
                id: Some(a.id),
                title: a.title,
                date: a.valid_to,
                ..Default::default()
            });
        }
    }
    for (agreement_id, title, task) in reminders.tasks_without_evidence {
        if own.contains(&task.owner_unit_id) {
            todo.agreements.push(Item {
                kind: "agreement_task",
                id: Some(agreement_id),
                title,
                note: Some(task.item),
                ..Default::default()
            });
        }
    }
    Ok(())
}

//! Work plans: a unit's numbered priorities for a year, each with tasks that carry an owner, a
//! deadline, a status, a progress and the records that show the work was done.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::error::{Checker, Invalid};
use crate::partner::{Vocabulary, parse_vocabulary};

vocabulary!(
    /// Where a task stands.
    TaskStatus, "status", { Planned => "planned", InProgress => "in_progress", Done => "done", Cancelled => "cancelled" }
);

vocabulary!(
    /// The kind of record a task's evidence points to.
    EvidenceKind, "kind", { Delegation => "delegation", Event => "event", AgreementTask => "agreement_task" }
);

/// The title of a plan, a priority or a task: trimmed, required, at most 500 characters.
pub fn title(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("is required".into());
    }
    if t.chars().count() > 500 {
        return Err("is longer than 500 characters".into());
    }
    Ok(t.to_owned())
}

/// A task as written: every field checked by [`TaskDraft::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDraft {
    pub title: String,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    /// Per cent, 0–100; a done task is at 100.
    pub progress: i64,
    pub done_on: Option<NaiveDate>,
}

impl TaskDraft {
    /// Checks the fields together and settles what follows from the status: a done task is at
    /// 100 % and has a completion date (`today` unless given); any other task has none.
    pub fn check(mut self, year: i32, today: NaiveDate) -> Result<TaskDraft, Invalid> {
        let mut c = Checker::new();
        if let Some(t) = c.check("title", title(&self.title)) {
            self.title = t;
        }
        if !(0..=100).contains(&self.progress) {
            c.push(
                "progress",
                format!("{} is not a percentage (0–100)", self.progress),
            );
        }
        if let Some(d) = self.deadline
            && !(year - 1..=year + 1).contains(&chrono::Datelike::year(&d))
        {
            c.push(
                "deadline",
                format!("{d} is far from the plan's year {year}"),
            );
        }
        match self.status {
            TaskStatus::Done => {
                self.progress = 100;
                let done = self.done_on.unwrap_or(today);
                if done > today {
                    c.push("done_on", "cannot be in the future");
                }
                self.done_on = Some(done);
            }
            _ if self.done_on.is_some() => {
                c.push("done_on", "only a done task has a completion date")
            }
            _ => {}
        }
        c.finish()?;
        Ok(self)
    }

    /// Done by its deadline (a task without a deadline is on time when done).
    pub fn on_time(&self) -> bool {
        match (self.done_on, self.deadline) {
            (Some(done), Some(deadline)) => done <= deadline,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Not done, not cancelled and past its deadline on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status, TaskStatus::Planned | TaskStatus::InProgress)
            && self.deadline.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn draft(status: TaskStatus, progress: i64) -> TaskDraft {
        TaskDraft {
            title: " Chuẩn hóa cơ sở dữ liệu ".into(),
            deadline: Some(d("2022-06-30")),
            status,
            progress,
            done_on: None,
        }
    }

    #[test]
    fn a_done_task_is_complete_and_dated() {
        let t = draft(TaskStatus::Done, 40)
            .check(2022, d("2022-05-01"))
            .expect("valid");
        assert_eq!(
            (t.progress, t.done_on, t.title.as_str()),
            (100, Some(d("2022-05-01")), "Chuẩn hóa cơ sở dữ liệu")
        );
        assert!(t.on_time());
        let late = TaskDraft {
            done_on: Some(d("2022-07-15")),
            ..draft(TaskStatus::Done, 100)
        }
        .check(2022, d("2022-12-31"))
        .expect("valid");
        assert!(!late.on_time());
    }

    #[test]
    fn bad_fields_are_named() {
        let err = TaskDraft {
            title: "  ".into(),
            progress: 140,
            ..draft(TaskStatus::InProgress, 0)
        }
        .check(2022, d("2022-05-01"));
        let fields: Vec<String> = err
            .expect_err("invalid")
            .0
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(fields, ["title", "progress"]);
        let err = TaskDraft {
            done_on: Some(d("2022-03-01")),
            ..draft(TaskStatus::Planned, 0)
        }
        .check(2022, d("2022-05-01"));
        assert_eq!(err.expect_err("invalid").0[0].field, "done_on");
        let err = TaskDraft {
            deadline: Some(d("2030-01-01")),
            ..draft(TaskStatus::Planned, 0)
        }
        .check(2022, d("2022-05-01"));
        assert_eq!(err.expect_err("invalid").0[0].field, "deadline");
    }

    #[test]
    fn overdue_means_open_and_past_the_deadline() {
        let t = draft(TaskStatus::InProgress, 50);
        assert!(t.overdue(d("2022-07-01")));
        assert!(!t.overdue(d("2022-06-30")));
        assert!(!draft(TaskStatus::Cancelled, 0).overdue(d("2022-12-31")));
    }
}

//! Work plans: a unit's numbered priorities for a year, each with tasks that carry an owner, a
//! deadline, a status, a progress and the records that show the work was done.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::error::{Checker, Invalid, Problem};
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
pub fn title(s: &str) -> Result<String, crate::error::Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Err(crate::error::Problem::Required);
    }
    if t.chars().count() > 500 {
        return Err(crate::error::said("too-long", [("max", "500".into())]));
    }
    Ok(t.to_owned())
}

/// A task as given, every value as typed: what the plan page's forms and the API body become.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct TaskDraft {
    /// The priority's number in the plan.
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub title: String,
    /// Blank: the plan's unit.
    #[serde(default)]
    pub owner_unit_id: String,
    #[serde(default)]
    pub deadline: String,
    /// Blank means planned.
    #[serde(default)]
    pub status: String,
    /// Per cent, 0–100 (a trailing % is allowed); blank is 0.
    #[serde(default)]
    pub progress: String,
    #[serde(default)]
    pub done_on: String,
    /// Records that show the work, each `kind:id` (`delegation:12`, `event:5`,
    /// `agreement_task:3`).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A task, its values typed; [`TaskSpec::settle`] checks it against its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    /// The priority's number in the plan.
    pub priority: i32,
    /// `None`: the plan's unit (or, on a change, the unit that has it now).
    pub owner_unit_id: Option<i64>,
    pub title: String,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    /// Per cent, 0–100; a done task is at 100.
    pub progress: i64,
    pub done_on: Option<NaiveDate>,
    pub evidence: Vec<(EvidenceKind, i64)>,
}

impl TaskDraft {
    /// Reads every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<TaskSpec, Invalid> {
        let mut c = Checker::new();
        let priority = c.required("priority", Some(self.priority.trim()), |p| {
            p.parse::<i32>().map_err(|_| Problem::NotANumber {
                value: p.to_owned(),
            })
        });
        let owner_unit_id = match self.owner_unit_id.trim() {
            "" => Some(None),
            o => c.check(
                "owner_unit_id",
                o.parse::<i64>().map(Some).map_err(|_| Problem::NotARecord {
                    value: o.to_owned(),
                }),
            ),
        };
        let status = match self.status.trim() {
            "" => Some(TaskStatus::Planned),
            s => c.check("status", s.parse()),
        };
        let progress = match self.progress.trim().trim_end_matches('%').trim() {
            "" => Some(0),
            p => c.check(
                "progress",
                p.parse::<i64>().map_err(|_| Problem::NotANumber {
                    value: p.to_owned(),
                }),
            ),
        };
        let deadline = c.optional_date("deadline", &self.deadline);
        let done_on = c.optional_date("done_on", &self.done_on);
        let mut evidence = Vec::new();
        for item in self
            .evidence
            .iter()
            .flat_map(|e| e.split([',', ' ', ';', '\n']))
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
                    Problem::NotEvidence {
                        value: item.to_owned(),
                    },
                ),
            }
        }
        c.finish()?;
        let (
            Some(priority),
            Some(owner_unit_id),
            Some(status),
            Some(progress),
            Some(deadline),
            Some(done_on),
        ) = (priority, owner_unit_id, status, progress, deadline, done_on)
        else {
            unreachable!("the checker reported every missing value")
        };
        Ok(TaskSpec {
            priority,
            owner_unit_id,
            title: self.title.clone(),
            deadline,
            status,
            progress,
            done_on,
            evidence,
        })
    }
}

impl TaskSpec {
    /// Checks the fields together and settles what follows from the status: a done task is at
    /// 100 % and has a completion date (`today` unless given); any other task has none.
    pub fn settle(mut self, year: i32, today: NaiveDate) -> Result<TaskSpec, Invalid> {
        let mut c = Checker::new();
        if let Some(t) = c.check("title", title(&self.title)) {
            self.title = t;
        }
        if !(0..=100).contains(&self.progress) {
            c.push("progress", Problem::OutOfRange { min: 0, max: 100 });
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
                    c.push("done_on", crate::error::Rule::NotInFuture);
                }
                self.done_on = Some(done);
            }
            _ if self.done_on.is_some() => c.push("done_on", crate::error::Rule::OnlyDoneHasDate),
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

    fn draft(status: TaskStatus, progress: i64) -> TaskSpec {
        TaskSpec {
            priority: 5,
            owner_unit_id: None,
            title: " Chuẩn hóa cơ sở dữ liệu ".into(),
            deadline: Some(d("2022-06-30")),
            status,
            progress,
            done_on: None,
            evidence: vec![],
        }
    }

    #[test]
    fn a_done_task_is_complete_and_dated() {
        let t = draft(TaskStatus::Done, 40)
            .settle(2022, d("2022-05-01"))
            .expect("valid");
        assert_eq!(
            (t.progress, t.done_on, t.title.as_str()),
            (100, Some(d("2022-05-01")), "Chuẩn hóa cơ sở dữ liệu")
        );
        assert!(t.on_time());
        let late = TaskSpec {
            done_on: Some(d("2022-07-15")),
            ..draft(TaskStatus::Done, 100)
        }
        .settle(2022, d("2022-12-31"))
        .expect("valid");
        assert!(!late.on_time());
    }

    #[test]
    fn bad_fields_are_named() {
        let err = TaskSpec {
            title: "  ".into(),
            progress: 140,
            ..draft(TaskStatus::InProgress, 0)
        }
        .settle(2022, d("2022-05-01"));
        let fields: Vec<String> = err
            .expect_err("invalid")
            .0
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(fields, ["title", "progress"]);
        let err = TaskSpec {
            done_on: Some(d("2022-03-01")),
            ..draft(TaskStatus::Planned, 0)
        }
        .settle(2022, d("2022-05-01"));
        assert_eq!(err.expect_err("invalid").0[0].field, "done_on");
        let err = TaskSpec {
            deadline: Some(d("2030-01-01")),
            ..draft(TaskStatus::Planned, 0)
        }
        .settle(2022, d("2022-05-01"));
        assert_eq!(err.expect_err("invalid").0[0].field, "deadline");
    }

    #[test]
    fn a_task_as_typed_is_read_with_its_evidence() {
        let spec = TaskDraft {
            priority: " 3 ".into(),
            title: "Tập huấn".into(),
            progress: "40 %".into(),
            deadline: "30/06/2022".into(),
            evidence: vec!["delegation:12 event:5".into()],
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!((spec.priority, spec.progress), (3, 40));
        assert_eq!(spec.status, TaskStatus::Planned, "blank is planned");
        assert_eq!(
            spec.evidence,
            [(EvidenceKind::Delegation, 12), (EvidenceKind::Event, 5)]
        );
        let e = TaskDraft {
            progress: "nhiều".into(),
            evidence: vec!["report:3".into()],
            ..Default::default()
        }
        .parse()
        .expect_err("refused");
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["priority", "progress", "evidence"]);
    }

    #[test]
    fn overdue_means_open_and_past_the_deadline() {
        let t = draft(TaskStatus::InProgress, 50);
        assert!(t.overdue(d("2022-07-01")));
        assert!(!t.overdue(d("2022-06-30")));
        assert!(!draft(TaskStatus::Cancelled, 0).overdue(d("2022-12-31")));
    }
}

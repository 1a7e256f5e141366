//! Periodic reports: their workflow, period kinds and the indicators units enter themselves.
//!
//! Which moves exist is decided here; who may make each one is decided in [`crate::authz`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::indicator::{Aggregation, Indicator, Period, Source};
use crate::partner::{Vocabulary, parse_vocabulary};

vocabulary!(
    /// Where a periodic report stands: written, sent up, approved (values frozen), locked.
    ReportState, "state", { Draft => "draft", Submitted => "submitted", Approved => "approved", Locked => "locked" }
);

vocabulary!(
    /// How long a report form's period is.
    PeriodKind, "period_kind", { Quarter => "quarter", HalfYear => "half_year", Year => "year" }
);

impl ReportState {
    /// The state a move to `to` leads to, or why no such move exists. A submitted report may
    /// be returned to draft; an approved one reopened to draft (to re-approve after a change)
    /// or locked, which is final.
    pub fn after(self, to: ReportState) -> Result<ReportState, String> {
        use ReportState::*;
        match (self, to) {
            (Draft, Submitted) | (Submitted, Approved) | (Submitted, Draft) | (Approved, Locked) | (Approved, Draft) => Ok(to),
            _ => Err(format!("a report cannot move from {} to {}", self.as_str(), to.as_str())),
        }
    }

    /// Whether the narrative and manual values may still be changed.
    pub fn is_editable(self) -> bool {
        self == ReportState::Draft
    }

    /// Whether the computed values are frozen (approved or locked).
    pub fn is_frozen(self) -> bool {
        matches!(self, ReportState::Approved | ReportState::Locked)
    }
}

impl PeriodKind {
    /// The kind of a period (a year, a half-year or a quarter).
    pub fn of(period: &Period) -> PeriodKind {
        match period.label().len() {
            4 => PeriodKind::Year,
            _ if period.label().contains('H') => PeriodKind::HalfYear,
            _ => PeriodKind::Quarter,
        }
    }

    /// The periods of this kind in a year, in order.
    pub fn periods(self, year: i32) -> Vec<Period> {
        let labels: Vec<String> = match self {
            PeriodKind::Year => vec![year.to_string()],
            PeriodKind::HalfYear => (1..=2).map(|h| format!("{year}-H{h}")).collect(),
            PeriodKind::Quarter => (1..=4).map(|q| format!("{year}-Q{q}")).collect(),
        };
        labels.iter().filter_map(|l| Period::parse(l).ok()).collect()
    }
}

const fn manual(code: &'static str, name_vi: &'static str, name_en: &'static str, measure: (&'static str, &'static str)) -> Indicator {
    Indicator {
        code,
        name_vi,
        name_en,
        measure_vi: measure.0,
        measure_en: measure.1,
        aggregation: Aggregation::Sum,
        source: Source::Manual,
        metrics: &[],
    }
}

/// The indicators a unit enters in its report, because no record holds them.
pub const MANUAL: &[Indicator] = &[
    manual("members_new", "Số hội viên, tổ chức thành viên mới kết nạp", "New members admitted", ("hội viên", "members")),
    manual("funds_mobilized", "Kinh phí, hiện vật vận động được", "Funds and goods mobilized", ("đồng", "đồng")),
    manual("media_items", "Số tin, bài tuyên truyền đối ngoại", "News items and articles published", ("tin, bài", "items")),
    manual("trainings", "Số lớp tập huấn, bồi dưỡng nghiệp vụ", "Training courses held", ("lớp", "courses")),
];

/// A manual indicator by code.
pub fn manual_indicator(code: &str) -> Option<&'static Indicator> {
    MANUAL.iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportState::*;

    #[test]
    fn reports_move_up_the_chain_and_lock_for_good() {
        assert_eq!(Draft.after(Submitted), Ok(Submitted));
        assert_eq!(Submitted.after(Approved), Ok(Approved));
        assert_eq!(Submitted.after(Draft), Ok(Draft), "returned");
        assert_eq!(Approved.after(Draft), Ok(Draft), "reopened");
        assert_eq!(Approved.after(Locked), Ok(Locked));
        for (from, to) in
            [(Draft, Approved), (Draft, Locked), (Submitted, Locked), (Locked, Draft), (Locked, Approved), (Approved, Submitted)]
        {
            assert!(from.after(to).is_err(), "{from:?} → {to:?}");
        }
        assert!(Draft.is_editable() && !Submitted.is_editable() && Locked.is_frozen() && !Submitted.is_frozen());
    }

    #[test]
    fn period_kinds_name_their_periods() {
        assert_eq!(PeriodKind::of(&Period::parse("2024").expect("y")), PeriodKind::Year);
        assert_eq!(PeriodKind::of(&Period::parse("2024-H2").expect("h")), PeriodKind::HalfYear);
        assert_eq!(PeriodKind::of(&Period::parse("2024-Q3").expect("q")), PeriodKind::Quarter);
        let quarters: Vec<String> = PeriodKind::Quarter.periods(2025).iter().map(Period::label).collect();
        assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
        assert_eq!("half_year".parse::<PeriodKind>(), Ok(PeriodKind::HalfYear));
        assert!(MANUAL.iter().all(|i| i.source == Source::Manual && manual_indicator(i.code).is_some()));
    }
}

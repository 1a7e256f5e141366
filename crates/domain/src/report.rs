//! Periodic reports: their workflow, period kinds and the indicators units enter themselves.
//!
//! Which moves exist is decided here; who may make each one is decided in [`crate::authz`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::error::{Checker, Invalid};
use crate::indicator::{Aggregation, Indicator, Period, Source};
use crate::org::OrgKind;
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
    pub fn after(self, to: ReportState) -> Result<ReportState, crate::error::Problem> {
        use ReportState::*;
        match (self, to) {
            (Draft, Submitted)
            | (Submitted, Approved)
            | (Submitted, Draft)
            | (Approved, Locked)
            | (Approved, Draft) => Ok(to),
            _ => Err(crate::error::said("cannot-move", [])),
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
        labels
            .iter()
            .filter_map(|l| Period::parse(l).ok())
            .collect()
    }
}

const fn manual(
    code: &'static str,
    name_vi: &'static str,
    name_en: &'static str,
    measure: (&'static str, &'static str),
) -> Indicator {
    Indicator {
        code,
        name_vi,
        name_en,
        measure_vi: measure.0,
        measure_en: measure.1,
        aggregation: Aggregation::Sum,
        source: Source::Manual,
        metrics: &[],
        divisor: 1,
    }
}

/// The indicators a unit enters in its report, because no record holds them.
pub const MANUAL: &[Indicator] = &[
    manual(
        "members_new",
        "Số hội viên, tổ chức thành viên mới kết nạp",
        "New members admitted",
        ("hội viên", "members"),
    ),
    manual(
        "funds_mobilized",
        "Kinh phí, hiện vật vận động được",
        "Funds and goods mobilized",
        ("đồng", "đồng"),
    ),
    manual(
        "media_items",
        "Số tin, bài tuyên truyền đối ngoại",
        "News items and articles published",
        ("tin, bài", "items"),
    ),
    manual(
        "trainings",
        "Số lớp tập huấn, bồi dưỡng nghiệp vụ",
        "Training courses held",
        ("lớp", "courses"),
    ),
];

/// A manual indicator by code.
pub fn manual_indicator(code: &str) -> Option<&'static Indicator> {
    MANUAL.iter().find(|i| i.code == code)
}

/// The longest form name accepted, in characters.
const MAX_FORM_NAME: usize = 200;
/// The latest a report may be due, in days after its period ends.
pub const MAX_DUE_DAYS: i64 = 180;

/// A report form as its editor wrote it, before it is checked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormDraft {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub period_kind: String,
    #[serde(default)]
    pub unit_kinds: Vec<String>,
    #[serde(default)]
    pub manual: Vec<String>,
    pub due_days: Option<i64>,
}

/// A checked report form: what a kind of unit reports for a kind of period, and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSpec {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub period_kind: PeriodKind,
    pub unit_kinds: Vec<OrgKind>,
    /// Manual indicator codes, in the catalogue's order.
    pub manual: Vec<&'static str>,
    pub due_days: i64,
}

impl FormDraft {
    /// Checks every field and reports every problem at once. The code is upper-cased; unit
    /// kinds and manual indicators are kept once each, in their catalogues' order.
    pub fn check(&self) -> Result<FormSpec, Invalid> {
        let mut check = Checker::new();
        let code = self.code.trim().to_uppercase();
        let code_ok = (2..=20).contains(&code.chars().count())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && code
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if !code_ok {
            check.push("code", crate::error::Rule::FormCode);
        }
        let name = |field: &str, value: &str, check: &mut Checker| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if value.is_empty() {
                check.push(field, crate::error::Problem::Empty);
            } else if value.chars().count() > MAX_FORM_NAME {
                check.push(field, format!("must be at most {MAX_FORM_NAME} characters"));
            }
            value
        };
        let name_vi = name("name_vi", &self.name_vi, &mut check);
        let name_en = name("name_en", &self.name_en, &mut check);
        let period_kind = check.check("period_kind", self.period_kind.trim().parse::<PeriodKind>());
        let mut kinds = Vec::new();
        for k in self
            .unit_kinds
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
        {
            if let Some(kind) = check.check("unit_kinds", k.parse::<OrgKind>()) {
                kinds.push(kind);
            }
        }
        if self.unit_kinds.iter().all(|k| k.trim().is_empty()) {
            check.push(
                "unit_kinds",
                "name at least one kind of unit that files this form",
            );
        }
        let unit_kinds: Vec<OrgKind> = OrgKind::ALL
            .into_iter()
            .filter(|k| kinds.contains(k))
            .collect();
        for m in self
            .manual
            .iter()
            .map(|m| m.trim())
            .filter(|m| !m.is_empty())
        {
            if manual_indicator(m).is_none() {
                let known = MANUAL.iter().map(|i| i.code).collect::<Vec<_>>().join(", ");
                check.push(
                    "manual",
                    format!("no manual indicator “{m}” (known: {known})"),
                );
            }
        }
        let manual = MANUAL
            .iter()
            .map(|i| i.code)
            .filter(|c| self.manual.iter().any(|m| m.trim() == *c))
            .collect();
        let due_days = match self.due_days {
            Some(d) if (0..=MAX_DUE_DAYS).contains(&d) => d,
            Some(_) => {
                check.push(
                    "due_days",
                    format!("must be between 0 and {MAX_DUE_DAYS} days after the period ends"),
                );
                0
            }
            None => {
                check.push("due_days", crate::error::Problem::Required);
                0
            }
        };
        check.finish()?;
        let period_kind = period_kind
            .ok_or_else(|| Invalid::field("period_kind", crate::error::Problem::Required))?;
        Ok(FormSpec {
            code,
            name_vi,
            name_en,
            period_kind,
            unit_kinds,
            manual,
            due_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_draft_is_checked_field_by_field() {
        let draft = FormDraft {
            code: " bc-quy ".into(),
            name_vi: "Báo cáo  quý".into(),
            name_en: "Quarterly report".into(),
            period_kind: "quarter".into(),
            unit_kinds: vec![
                "association".into(),
                "province_union".into(),
                "association".into(),
            ],
            manual: vec!["trainings".into(), "members_new".into()],
            due_days: Some(15),
        };
        let spec = draft.check().expect("valid");
        assert_eq!(
            (spec.code.as_str(), spec.name_vi.as_str()),
            ("BC-QUY", "Báo cáo quý")
        );
        assert_eq!(
            spec.unit_kinds,
            vec![OrgKind::ProvinceUnion, OrgKind::Association],
            "once each, in the catalogue's order"
        );
        assert_eq!(spec.manual, vec!["members_new", "trainings"]);
        let bad = FormDraft {
            code: "-X".into(),
            name_vi: " ".into(),
            name_en: "x".repeat(201),
            period_kind: "month".into(),
            unit_kinds: vec!["ministry".into()],
            manual: vec!["guesses".into()],
            due_days: Some(181),
        };
        let fields: Vec<String> = bad
            .check()
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "name_vi",
                "name_en",
                "period_kind",
                "unit_kinds",
                "manual",
                "due_days"
            ]
        );
        let empty = FormDraft {
            due_days: None,
            unit_kinds: vec![],
            ..draft
        };
        let fields: Vec<String> = empty
            .check()
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["unit_kinds", "due_days"]);
    }
    use ReportState::*;

    #[test]
    fn reports_move_up_the_chain_and_lock_for_good() {
        assert_eq!(Draft.after(Submitted), Ok(Submitted));
        assert_eq!(Submitted.after(Approved), Ok(Approved));
        assert_eq!(Submitted.after(Draft), Ok(Draft), "returned");
        assert_eq!(Approved.after(Draft), Ok(Draft), "reopened");
        assert_eq!(Approved.after(Locked), Ok(Locked));
        for (from, to) in [
            (Draft, Approved),
            (Draft, Locked),
            (Submitted, Locked),
            (Locked, Draft),
            (Locked, Approved),
            (Approved, Submitted),
        ] {
            assert!(from.after(to).is_err(), "{from:?} → {to:?}");
        }
        assert!(
            Draft.is_editable()
                && !Submitted.is_editable()
                && Locked.is_frozen()
                && !Submitted.is_frozen()
        );
    }

    #[test]
    fn period_kinds_name_their_periods() {
        assert_eq!(
            PeriodKind::of(&Period::parse("2024").expect("y")),
            PeriodKind::Year
        );
        assert_eq!(
            PeriodKind::of(&Period::parse("2024-H2").expect("h")),
            PeriodKind::HalfYear
        );
        assert_eq!(
            PeriodKind::of(&Period::parse("2024-Q3").expect("q")),
            PeriodKind::Quarter
        );
        let quarters: Vec<String> = PeriodKind::Quarter
            .periods(2025)
            .iter()
            .map(Period::label)
            .collect();
        assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
        assert_eq!("half_year".parse::<PeriodKind>(), Ok(PeriodKind::HalfYear));
        assert!(
            MANUAL
                .iter()
                .all(|i| i.source == Source::Manual && manual_indicator(i.code).is_some())
        );
    }
}

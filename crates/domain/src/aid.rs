//! Foreign-NGO aid: projects (and the programmes that group them), the NGOs in them and their
//! roles, their sectors and provinces with percentages, and their money.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::error::{Checker, Invalid};
use crate::money::{Currency, parse_amount};
use crate::partner::{Vocabulary, parse_vocabulary};

vocabulary!(
    /// Where a project stands (IATI ActivityStatus 1–6).
    ProjectStatus, "project_status", {
        Pipeline => "pipeline",
        Implementation => "implementation",
        Finalisation => "finalisation",
        Closed => "closed",
        Cancelled => "cancelled",
        Suspended => "suspended",
    }
);

vocabulary!(
    /// What an NGO does in a project (IATI OrganisationRole 1–4).
    OrgRole, "role", { Funding => "funding", Accountable => "accountable", Extending => "extending", Implementing => "implementing" }
);

vocabulary!(
    /// A movement of a project's money: a pledge, a commitment, a disbursement or an expenditure.
    TransactionKind, "kind", { Pledge => "pledge", Commitment => "commitment", Disbursement => "disbursement", Expenditure => "expenditure" }
);

vocabulary!(
    /// What level of change a result records (IATI ResultType 1–3).
    ResultKind, "result_kind", { Output => "output", Outcome => "outcome", Impact => "impact" }
);

vocabulary!(
    /// How an indicator is counted (IATI IndicatorMeasure 1–2): in units (scholarships, wells)
    /// or as a percentage.
    Measure, "measure", { Unit => "unit", Percentage => "percentage" }
);

impl ResultKind {
    /// The IATI ResultType code.
    pub fn iati_code(self) -> u8 {
        self as u8 + 1
    }
}

impl Measure {
    /// The IATI IndicatorMeasure code.
    pub fn iati_code(self) -> u8 {
        self as u8 + 1
    }
}

impl ProjectStatus {
    /// The IATI ActivityStatus code.
    pub fn iati_code(self) -> u8 {
        self as u8 + 1
    }

    /// Whether the project counts as active (being implemented or finalised).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ProjectStatus::Implementation | ProjectStatus::Finalisation
        )
    }
}

impl OrgRole {
    /// The IATI OrganisationRole code.
    pub fn iati_code(self) -> u8 {
        self as u8 + 1
    }
}

impl TransactionKind {
    /// The IATI TransactionType code: money the project receives is pledged (13, incoming
    /// pledge) and committed (11, incoming commitment); it is disbursed (3) and spent (4).
    pub fn iati_code(self) -> u8 {
        match self {
            TransactionKind::Pledge => 13,
            TransactionKind::Commitment => 11,
            TransactionKind::Disbursement => 3,
            TransactionKind::Expenditure => 4,
        }
    }
}

/// A share of a project (a sector's or a province's), in percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Share<K> {
    pub key: K,
    #[serde(with = "crate::money::decimal_text")]
    pub percent: Decimal,
}

/// The shares must each be above 0 and sum to exactly 100 (or be absent).
fn check_shares<K: PartialEq + std::fmt::Debug>(
    field: &str,
    shares: &[Share<K>],
    check: &mut Checker,
) {
    if shares.is_empty() {
        return;
    }
    if shares
        .iter()
        .any(|s| s.percent <= Decimal::ZERO || s.percent > Decimal::ONE_HUNDRED)
    {
        check.push(field, "each percentage is above 0 and at most 100");
        return;
    }
    if shares
        .iter()
        .enumerate()
        .any(|(i, s)| shares[..i].iter().any(|t| t.key == s.key))
    {
        check.push(field, "each is named once");
        return;
    }
    let sum: Decimal = shares.iter().map(|s| s.percent).sum();
    if sum != Decimal::ONE_HUNDRED {
        check.push(
            field,
            format!("the percentages sum to {}, not 100", sum.normalize()),
        );
    }
}

/// A project as written, before it is checked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectDraft {
    pub code: Option<String>,
    pub title_vi: Option<String>,
    pub title_en: Option<String>,
    /// The programme it belongs to.
    pub programme_id: Option<i64>,
    /// The Vietnamese partner unit that keeps it.
    pub unit_id: Option<i64>,
    pub status: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub beneficiaries: Option<String>,
    pub description: Option<String>,
    /// NGOs (partners) and their roles.
    #[serde(default)]
    pub organizations: Vec<ProjectOrg>,
    #[serde(default)]
    pub sectors: Vec<Share<String>>,
    /// Provincial unions and the share of the project in their province.
    #[serde(default)]
    pub provinces: Vec<Share<i64>>,
    /// What it sets out to change, each with its indicator, baseline, target and actual.
    #[serde(default)]
    pub results: Vec<ResultDraft>,
}

/// A result as written: an indicator with its baseline, target and what has been achieved.
/// Values are digits with `.` for decimals.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultDraft {
    pub kind: Option<String>,
    pub indicator_vi: Option<String>,
    pub indicator_en: Option<String>,
    /// `unit` when not given.
    pub measure: Option<String>,
    pub baseline: Option<String>,
    /// The year the baseline was measured; given with the baseline.
    pub baseline_year: Option<i32>,
    pub target: Option<String>,
    pub actual: Option<String>,
}

/// A checked result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProjectResult {
    pub kind: ResultKind,
    pub indicator_vi: String,
    pub indicator_en: Option<String>,
    pub measure: Measure,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub baseline: Option<Decimal>,
    pub baseline_year: Option<i32>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub target: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub actual: Option<Decimal>,
}

impl ProjectResult {
    /// Back to a draft, to be changed and saved again.
    pub fn draft(&self) -> ResultDraft {
        let written = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
        ResultDraft {
            kind: Some(self.kind.as_str().to_owned()),
            indicator_vi: Some(self.indicator_vi.clone()),
            indicator_en: self.indicator_en.clone(),
            measure: Some(self.measure.as_str().to_owned()),
            baseline: written(self.baseline),
            baseline_year: self.baseline_year,
            target: written(self.target),
            actual: written(self.actual),
        }
    }
}

/// The most results a project records.
pub const MAX_RESULTS: usize = 30;

impl ResultDraft {
    /// Whether nothing was written (an unused row of a form).
    pub fn is_blank(&self) -> bool {
        [
            &self.kind,
            &self.indicator_vi,
            &self.indicator_en,
            &self.baseline,
            &self.target,
            &self.actual,
        ]
        .iter()
        .all(|v| text(v).is_none())
            && self.baseline_year.is_none()
    }

    /// Checks the fields, naming them `{prefix}.field`; a baseline is measured no later than
    /// `last_year` (the project's planned end).
    fn check(
        &self,
        prefix: &str,
        last_year: Option<i32>,
        check: &mut Checker,
    ) -> Option<ProjectResult> {
        let field = |name: &str| format!("{prefix}.{name}");
        let kind = check.required(
            &field("kind"),
            self.kind.as_deref().map(str::trim),
            str::parse::<ResultKind>,
        );
        let indicator_vi = text(&self.indicator_vi);
        match &indicator_vi {
            None => check.push(&field("indicator_vi"), crate::error::Problem::Required),
            Some(t) if t.chars().count() > 300 => {
                check.push(&field("indicator_vi"), "write at most 300 characters")
            }
            Some(_) => {}
        }
        let measure = match self.measure.as_deref().map(str::trim) {
            None | Some("") => Some(Measure::Unit),
            Some(m) => check.check(&field("measure"), m.parse::<Measure>()),
        };
        let mut value = |name: &str, v: &Option<String>| -> Option<Decimal> {
            let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            let parsed = check.check(&field(name), parse_amount(v))?;
            if measure == Some(Measure::Percentage) && parsed > Decimal::ONE_HUNDRED {
                check.push(&field(name), "a percentage is at most 100");
                return None;
            }
            Some(parsed.normalize())
        };
        let baseline = value("baseline", &self.baseline);
        let target = value("target", &self.target);
        let actual = value("actual", &self.actual);
        if target.is_none() && text(&self.target).is_none() {
            check.push(&field("target"), crate::error::Problem::Required);
        }
        match (text(&self.baseline), self.baseline_year) {
            (Some(_), None) => check.push(
                &field("baseline_year"),
                "give the year the baseline was measured",
            ),
            (None, Some(_)) => {
                check.push(&field("baseline"), "give the baseline measured that year")
            }
            (_, Some(y)) if !(1945..=2100).contains(&y) => {
                check.push(&field("baseline_year"), "write a year from 1945 to 2100")
            }
            (_, Some(y)) if last_year.is_some_and(|last| y > last) => {
                check.push(&field("baseline_year"), "is after the project ends")
            }
            _ => {}
        }
        Some(ProjectResult {
            kind: kind?,
            indicator_vi: indicator_vi?,
            indicator_en: text(&self.indicator_en),
            measure: measure?,
            baseline,
            baseline_year: self.baseline_year,
            target: Some(target?),
            actual,
        })
    }
}

/// An NGO in a project, and what it does there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectOrg {
    pub partner_id: i64,
    pub role: OrgRole,
}

/// A checked project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    pub code: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub programme_id: Option<i64>,
    pub status: ProjectStatus,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub beneficiaries: Option<String>,
    pub description: Option<String>,
    pub organizations: Vec<ProjectOrg>,
    pub sectors: Vec<Share<String>>,
    pub provinces: Vec<Share<i64>>,
    pub results: Vec<ProjectResult>,
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
}

impl ProjectDraft {
    /// Checks every field at once; sector codes and units are checked against their lists by
    /// the store.
    pub fn check(&self) -> Result<ProjectSpec, Invalid> {
        let mut check = Checker::new();
        let code = text(&self.code).map(|c| c.to_uppercase());
        match &code {
            None => check.push("code", crate::error::Problem::Required),
            Some(c)
                if c.chars().count() > 40
                    || !c
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "-_./".contains(ch)) =>
            {
                check.push("code", crate::error::Rule::ProjectCode)
            }
            Some(_) => {}
        }
        let title_vi = text(&self.title_vi);
        if title_vi.is_none() {
            check.push("title_vi", crate::error::Problem::Required);
        }
        let status = check.required(
            "status",
            self.status.as_deref(),
            str::parse::<ProjectStatus>,
        );
        for (field, value) in [
            ("planned_start", self.planned_start),
            ("planned_end", self.planned_end),
        ] {
            if value.is_none() {
                check.push(field, crate::error::Problem::Required);
            }
        }
        if let (Some(s), Some(e)) = (self.planned_start, self.planned_end)
            && e < s
        {
            check.push("planned_end", crate::error::Problem::EndsBeforeStart);
        }
        if let (Some(s), Some(e)) = (self.actual_start, self.actual_end)
            && e < s
        {
            check.push("actual_end", crate::error::Problem::EndsBeforeStart);
        }
        if !self
            .organizations
            .iter()
            .any(|o| o.role == OrgRole::Funding)
        {
            check.push("organizations", crate::error::Rule::NameFunder);
        }
        check_shares("sectors", &self.sectors, &mut check);
        check_shares("provinces", &self.provinces, &mut check);
        if self.results.len() > MAX_RESULTS {
            check.push("results", format!("record at most {MAX_RESULTS} results"));
        }
        let last_year = self.planned_end.map(|d| d.year());
        let results: Vec<Option<ProjectResult>> = self
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| r.check(&format!("results[{i}]"), last_year, &mut check))
            .collect();
        check.finish()?;
        let (Some(code), Some(title_vi), Some(status), Some(planned_start), Some(planned_end)) =
            (code, title_vi, status, self.planned_start, self.planned_end)
        else {
            return Err(Invalid::field("code", crate::error::Problem::Required));
        };
        Ok(ProjectSpec {
            code,
            title_vi,
            title_en: text(&self.title_en),
            programme_id: self.programme_id,
            status,
            planned_start,
            planned_end,
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            beneficiaries: text(&self.beneficiaries),
            description: text(&self.description),
            organizations: self.organizations.clone(),
            sectors: self
                .sectors
                .iter()
                .map(|s| Share {
                    key: s.key.trim().to_owned(),
                    percent: s.percent.normalize(),
                })
                .collect(),
            provinces: self
                .provinces
                .iter()
                .map(|s| Share {
                    key: s.key,
                    percent: s.percent.normalize(),
                })
                .collect(),
            results: results.into_iter().flatten().collect(),
        })
    }
}

/// A transaction as written.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionDraft {
    pub kind: Option<String>,
    pub date: Option<NaiveDate>,
    /// Digits with `.` for decimals.
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// Đồng per unit, when the rate used differs from the rate table's for the date.
    pub rate_to_vnd: Option<String>,
    pub note: Option<String>,
}

/// A checked transaction (its rate is settled by the store, from the rate table when not given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSpec {
    pub kind: TransactionKind,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
    pub rate_to_vnd: Option<Decimal>,
    pub note: Option<String>,
}

impl TransactionDraft {
    /// Checks the fields at once; the date against the project's `span`.
    pub fn check(&self, span: (NaiveDate, NaiveDate)) -> Result<TransactionSpec, Invalid> {
        let mut check = Checker::new();
        let kind = check.required("kind", self.kind.as_deref(), str::parse::<TransactionKind>);
        match self.date {
            None => check.push("date", crate::error::Problem::Required),
            Some(d) if d < span.0 || d > span.1 => check.push(
                "date",
                format!("falls outside the project ({} – {})", span.0, span.1),
            ),
            Some(_) => {}
        }
        let amount = check.required("amount", self.amount.as_deref(), |a| {
            parse_amount(a).and_then(|a| {
                if a.is_zero() {
                    Err(crate::error::said("must-be-positive", []))
                } else {
                    Ok(a)
                }
            })
        });
        let currency = check.check(
            "currency",
            Currency::parse(self.currency.as_deref().unwrap_or("VND")),
        );
        let rate = match self
            .rate_to_vnd
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => None,
            Some(r) => check.check(
                "rate_to_vnd",
                parse_amount(r).and_then(|r| {
                    if r.is_zero() {
                        Err(crate::error::said("must-be-positive", []))
                    } else {
                        Ok(r)
                    }
                }),
            ),
        };
        check.finish()?;
        let (Some(kind), Some(date), Some(amount), Some(currency)) =
            (kind, self.date, amount, currency)
        else {
            return Err(Invalid::field("kind", crate::error::Problem::Required));
        };
        Ok(TransactionSpec {
            kind,
            date,
            amount,
            currency,
            rate_to_vnd: rate,
            note: text(&self.note),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn draft() -> ProjectDraft {
        ProjectDraft {
            code: Some("jvpf-bg-2022".into()),
            title_vi: Some("Học bổng JVPF tại Bắc Giang".into()),
            status: Some("implementation".into()),
            planned_start: Some(d("2022-01-01")),
            planned_end: Some(d("2022-12-31")),
            organizations: vec![ProjectOrg {
                partner_id: 1,
                role: OrgRole::Funding,
            }],
            sectors: vec![
                Share {
                    key: "11220".into(),
                    percent: Decimal::new(600, 1),
                },
                Share {
                    key: "11320".into(),
                    percent: Decimal::new(40, 0),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn shares_sum_to_exactly_one_hundred() {
        assert_eq!(draft().check().expect("valid").code, "JVPF-BG-2022");
        let off = ProjectDraft {
            sectors: vec![Share {
                key: "11220".into(),
                percent: Decimal::new(9999, 2),
            }],
            ..draft()
        };
        let e = off.check().expect_err("99.99");
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].detail().as_str()),
            ("sectors", "the percentages sum to 99.99, not 100")
        );
        let twice = ProjectDraft {
            provinces: vec![
                Share {
                    key: 3,
                    percent: Decimal::new(50, 0),
                },
                Share {
                    key: 3,
                    percent: Decimal::new(50, 0),
                },
            ],
            ..draft()
        };
        assert_eq!(twice.check().expect_err("twice").0[0].field, "provinces");
        let fields: Vec<String> = ProjectDraft::default()
            .check()
            .expect_err("empty")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "title_vi",
                "status",
                "planned_start",
                "planned_end",
                "organizations"
            ]
        );
    }

    #[test]
    fn results_name_the_field_of_the_row_that_is_wrong() {
        let scholarships = ResultDraft {
            kind: Some("output".into()),
            indicator_vi: Some("Số suất học bổng trao cho học sinh nghèo".into()),
            baseline: Some("0".into()),
            baseline_year: Some(2022),
            target: Some("20".into()),
            actual: Some("20".into()),
            ..Default::default()
        };
        let rate = ResultDraft {
            kind: Some("outcome".into()),
            indicator_vi: Some("Tỷ lệ học sinh được nhận học bổng tiếp tục đi học".into()),
            measure: Some("percentage".into()),
            target: Some("95.50".into()),
            ..Default::default()
        };
        let spec = ProjectDraft {
            results: vec![scholarships.clone(), rate.clone()],
            ..draft()
        }
        .check()
        .expect("valid");
        assert_eq!(spec.results.len(), 2);
        assert_eq!(
            (spec.results[0].measure, spec.results[0].target),
            (Measure::Unit, Some(Decimal::new(20, 0)))
        );
        assert_eq!(
            (
                spec.results[1].kind.iati_code(),
                spec.results[1].measure.iati_code()
            ),
            (2, 2)
        );
        assert_eq!(
            spec.results[1].target.map(|t| t.to_string()),
            Some("95.5".into())
        );
        assert_eq!(spec.results[1].draft().target.as_deref(), Some("95.5"));

        let wrong = ProjectDraft {
            results: vec![
                scholarships.clone(),
                ResultDraft {
                    target: Some("120".into()),
                    baseline: Some("10".into()),
                    ..rate.clone()
                },
                ResultDraft {
                    kind: Some("effect".into()),
                    indicator_vi: None,
                    target: None,
                    ..scholarships.clone()
                },
                ResultDraft {
                    baseline_year: Some(2023),
                    actual: Some("-1".into()),
                    ..scholarships
                },
            ],
            ..draft()
        };
        let fields: Vec<String> = wrong
            .check()
            .expect_err("wrong rows")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "results[1].target",
                "results[1].baseline_year",
                "results[2].kind",
                "results[2].indicator_vi",
                "results[2].target",
                "results[3].actual",
                "results[3].baseline_year",
            ]
        );
        assert!(
            ResultDraft {
                measure: Some("unit".into()),
                ..Default::default()
            }
            .is_blank()
        );
        assert!(!rate.is_blank());
    }

    #[test]
    fn a_transaction_falls_inside_its_project() {
        let span = (d("2022-01-01"), d("2022-12-31"));
        let t = TransactionDraft {
            kind: Some("disbursement".into()),
            date: Some(d("2022-06-01")),
            amount: Some("60000000".into()),
            currency: None,
            ..Default::default()
        };
        assert_eq!(t.check(span).expect("valid").currency, Currency::vnd());
        let late = TransactionDraft {
            date: Some(d("2023-01-01")),
            ..t.clone()
        };
        assert_eq!(late.check(span).expect_err("late").0[0].field, "date");
        let bad = TransactionDraft {
            amount: Some("1,5".into()),
            currency: Some("dollars".into()),
            ..t
        };
        let fields: Vec<String> = bad
            .check(span)
            .expect_err("bad")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["amount", "currency"]);
        assert_eq!(
            (
                TransactionKind::Pledge.iati_code(),
                ProjectStatus::Closed.iati_code(),
                OrgRole::Implementing.iati_code()
            ),
            (13, 4, 4)
        );
    }
}

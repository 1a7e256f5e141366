//! The indicator catalogue and reporting periods.
//!
//! Computed indicators are read from the live activity totals (metric names as in the store's
//! `totals` module): flows summed over the period's months, stocks (agreements in force) taken
//! at the period's last day. Manual ones are entered by the units in their reports.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// How an indicator's values combine across units and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    /// Distinct values counted over the whole set (countries reached).
    DistinctCount,
    /// A stock counted on the period's last day, summed over units (agreements in force).
    Stock,
}

/// Where an indicator's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the records, through the live totals.
    Computed,
    /// Entered by the unit.
    Manual,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    /// The unit of measure.
    pub measure_vi: &'static str,
    pub measure_en: &'static str,
    pub aggregation: Aggregation,
    pub source: Source,
    /// The live-total metrics it sums (exact names, or prefixes ending in `:`).
    #[serde(skip)]
    pub metrics: &'static [&'static str],
    /// What the summed metrics are divided by (100 for dollars kept in cents).
    #[serde(skip)]
    pub divisor: u32,
}

impl Indicator {
    /// Whether a live-total metric counts towards this indicator.
    pub fn takes(&self, metric: &str) -> bool {
        self.metrics.iter().any(|m| {
            if m.ends_with(':') {
                metric.starts_with(m)
            } else {
                metric == *m
            }
        })
    }
}

const fn computed(
    code: &'static str,
    name_vi: &'static str,
    name_en: &'static str,
    measure: (&'static str, &'static str),
    metrics: &'static [&'static str],
) -> Indicator {
    Indicator {
        code,
        name_vi,
        name_en,
        measure_vi: measure.0,
        measure_en: measure.1,
        aggregation: Aggregation::Sum,
        source: Source::Computed,
        metrics,
        divisor: 1,
    }
}

/// The indicators computed from delegations and events. Delegations count once approved
/// (approved, completed or reported); requests still open or refused do not.
pub const CATALOGUE: &[Indicator] = &[
    computed(
        "delegations_out",
        "Số đoàn ra",
        "Outbound delegations",
        ("đoàn", "delegations"),
        &[
            "delegations_out:approved",
            "delegations_out:completed",
            "delegations_out:reported",
        ],
    ),
    computed(
        "delegations_in",
        "Số đoàn vào",
        "Inbound delegations",
        ("đoàn", "delegations"),
        &[
            "delegations_in:approved",
            "delegations_in:completed",
            "delegations_in:reported",
        ],
    ),
    computed(
        "events",
        "Số sự kiện, hoạt động",
        "Events",
        ("sự kiện", "events"),
        &["events:"],
    ),
    computed(
        "events_friendship",
        "Giao lưu hữu nghị",
        "Friendship exchanges",
        ("sự kiện", "events"),
        &["events:friendship_exchange"],
    ),
    computed(
        "events_conference",
        "Hội nghị, hội thảo, diễn đàn",
        "Conferences, seminars, forums",
        ("sự kiện", "events"),
        &["events:conference"],
    ),
    computed(
        "events_humanitarian",
        "Hỗ trợ nhân đạo, trao tặng",
        "Humanitarian support and donations",
        ("sự kiện", "events"),
        &["events:humanitarian_support"],
    ),
    computed(
        "participants",
        "Số người tham dự",
        "Participants",
        ("lượt người", "people"),
        &["participants"],
    ),
    computed(
        "foreign_participants",
        "Số người nước ngoài tham dự",
        "Foreign participants",
        ("lượt người", "people"),
        &["foreign_participants"],
    ),
    computed(
        "agreements_signed",
        "Số thỏa thuận hợp tác được ký",
        "Cooperation agreements signed",
        ("thỏa thuận", "agreements"),
        &["agreements_signed"],
    ),
    Indicator {
        code: "agreements_in_force",
        name_vi: "Số thỏa thuận hợp tác còn hiệu lực",
        name_en: "Cooperation agreements in force",
        measure_vi: "thỏa thuận",
        measure_en: "agreements",
        aggregation: Aggregation::Stock,
        source: Source::Computed,
        metrics: &["agreements_in_force"],
        divisor: 1,
    },
    computed(
        "tasks_done",
        "Nhiệm vụ theo thỏa thuận đã hoàn thành",
        "Agreement tasks done",
        ("nhiệm vụ", "tasks"),
        &["tasks_done"],
    ),
    computed(
        "partners_new",
        "Số đối tác mới",
        "New partners",
        ("đối tác", "partners"),
        &["partners_new"],
    ),
    Indicator {
        code: "countries_reached",
        name_vi: "Số quốc gia có hoạt động",
        name_en: "Countries reached",
        measure_vi: "quốc gia",
        measure_en: "countries",
        aggregation: Aggregation::DistinctCount,
        source: Source::Computed,
        metrics: &["country:"],
        divisor: 1,
    },
    computed(
        "aid_committed_vnd",
        "Viện trợ PCPNN cam kết",
        "Foreign-NGO aid committed",
        ("đồng", "đồng"),
        &["aid_committed_vnd"],
    ),
    Indicator {
        divisor: 100,
        ..computed(
            "aid_committed_usd",
            "Viện trợ PCPNN cam kết (USD)",
            "Foreign-NGO aid committed (USD)",
            ("USD", "USD"),
            &["aid_committed_usd_cents"],
        )
    },
    computed(
        "aid_disbursed_vnd",
        "Viện trợ PCPNN giải ngân",
        "Foreign-NGO aid disbursed",
        ("đồng", "đồng"),
        &["aid_disbursed_vnd"],
    ),
    Indicator {
        divisor: 100,
        ..computed(
            "aid_disbursed_usd",
            "Viện trợ PCPNN giải ngân (USD)",
            "Foreign-NGO aid disbursed (USD)",
            ("USD", "USD"),
            &["aid_disbursed_usd_cents"],
        )
    },
    Indicator {
        aggregation: Aggregation::Stock,
        ..computed(
            "aid_projects_active",
            "Số dự án PCPNN đang thực hiện",
            "Foreign-NGO projects under way",
            ("dự án", "projects"),
            &["aid_projects_active"],
        )
    },
    Indicator {
        code: "aid_ngos_active",
        name_vi: "Số tổ chức PCPNN có viện trợ",
        name_en: "Foreign NGOs giving aid",
        measure_vi: "tổ chức",
        measure_en: "NGOs",
        aggregation: Aggregation::DistinctCount,
        source: Source::Computed,
        metrics: &["aid_ngo:"],
        divisor: 1,
    },
];

/// A reporting period: a year, a half-year or a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ReportPeriod)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Parses `2024`, `2024-H1`/`2024-H2` or `2024-Q1`…`2024-Q4`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let bad = || format!("“{s}” is not a period (write 2024, 2024-H1 or 2024-Q3)");
        let (year, part) = s.split_once('-').map_or((s, None), |(y, p)| (y, Some(p)));
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(1950..=2200).contains(&year) {
            return Err(bad());
        }
        let (first, months) = match part.map(|p| p.to_ascii_uppercase()) {
            None => (1, 12),
            Some(p) if p == "H1" => (1, 6),
            Some(p) if p == "H2" => (7, 6),
            Some(p) if p.len() == 2 && p.starts_with('Q') => match p[1..].parse::<u32>() {
                Ok(q @ 1..=4) => (3 * q - 2, 3),
                _ => return Err(bad()),
            },
            Some(_) => return Err(bad()),
        };
        let start = NaiveDate::from_ymd_opt(year, first, 1).ok_or_else(bad)?;
        let end = start
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .ok_or_else(bad)?;
        Ok(Period { start, end })
    }

    /// The same period a year earlier.
    pub fn previous_year(&self) -> Period {
        let back = |d: NaiveDate| d.with_year(d.year() - 1).unwrap_or(d);
        Period {
            start: back(self.start),
            end: back(self.end.succ_opt().unwrap_or(self.end))
                .pred_opt()
                .unwrap_or(self.end),
        }
    }

    /// The label the period was written with.
    pub fn label(&self) -> String {
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
            - self.start.month() as i32
            + 1;
        match months {
            12 => self.start.year().to_string(),
            6 => format!(
                "{}-H{}",
                self.start.year(),
                if self.start.month() == 1 { 1 } else { 2 }
            ),
            _ => format!(
                "{}-Q{}",
                self.start.year(),
                (self.start.month() - 1) / 3 + 1
            ),
        }
    }

    /// The first and last months, as (year, month).
    pub fn months(&self) -> ((i32, u32), (i32, u32)) {
        (
            (self.start.year(), self.start.month()),
            (self.end.year(), self.end.month()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn periods_parse_and_step_back_a_year() {
        let q = Period::parse("2024-Q1").expect("quarter");
        assert_eq!((q.start, q.end), (d("2024-01-01"), d("2024-03-31")));
        assert_eq!(
            q.previous_year(),
            Period {
                start: d("2023-01-01"),
                end: d("2023-03-31")
            }
        );
        assert_eq!(Period::parse("2024-h2").expect("half").end, d("2024-12-31"));
        assert_eq!(Period::parse("2025").expect("year").label(), "2025");
        assert_eq!(Period::parse("2025-Q3").expect("q").label(), "2025-Q3");
        for bad in ["", "24", "2024-Q5", "2024-H3", "2024-06", "year"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let leap = Period::parse("2024-Q1").expect("q");
        assert_eq!(leap.previous_year().end, d("2023-03-31"));
    }

    #[test]
    fn indicators_take_their_metrics() {
        let out = CATALOGUE
            .iter()
            .find(|i| i.code == "delegations_out")
            .expect("out");
        assert!(
            out.takes("delegations_out:reported")
                && !out.takes("delegations_out:submitted")
                && !out.takes("delegations_in:reported")
        );
        let events = CATALOGUE
            .iter()
            .find(|i| i.code == "events")
            .expect("events");
        assert!(events.takes("events:contest") && !events.takes("participants"));
    }
}

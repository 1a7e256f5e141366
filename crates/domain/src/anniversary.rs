//! Round-year anniversaries of dated facts (diplomatic relations, foundings, signings).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How much of a date is known: sources often give only the year ("1972").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Result<Precision, String> {
        match s {
            "day" => Ok(Precision::Day),
            "month" => Ok(Precision::Month),
            "year" => Ok(Precision::Year),
            other => Err(format!(
                "unknown precision “{other}” (expected day, month or year)"
            )),
        }
    }
}

/// A date known to the day, or only to the month or the year (then stored as the first day of
/// that month or year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartialDate {
    pub date: NaiveDate,
    pub precision: Precision,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD`, `dd/mm/yyyy`, a month `YYYY-MM` or `mm/yyyy`, or a bare year `YYYY`.
    pub fn parse(input: &str) -> Result<PartialDate, String> {
        let input = input.trim();
        let month = input
            .split_once('-')
            .filter(|(y, m)| y.len() == 4 && m.len() == 2)
            .or_else(|| {
                input
                    .split_once('/')
                    .filter(|(m, y)| y.len() == 4 && m.len() == 2)
                    .map(|(m, y)| (y, m))
            });
        if let Some((y, m)) = month {
            let date = y
                .parse()
                .ok()
                .zip(m.parse().ok())
                .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1));
            return date
                .map(|date| PartialDate {
                    date,
                    precision: Precision::Month,
                })
                .ok_or_else(|| format!("“{input}” is not a month"));
        }
        if input.len() == 4 && input.chars().all(|c| c.is_ascii_digit()) {
            let year: i32 = input
                .parse()
                .map_err(|_| format!("“{input}” is not a year"))?;
            let date = NaiveDate::from_ymd_opt(year, 1, 1)
                .ok_or_else(|| format!("“{input}” is not a year"))?;
            return Ok(PartialDate {
                date,
                precision: Precision::Year,
            });
        }
        crate::text::parse_historic_date(input)
            .map(|date| PartialDate {
                date,
                precision: Precision::Day,
            })
            .map_err(|_| {
                format!("“{input}” is not a date (use yyyy-mm-dd, dd/mm/yyyy, or a year alone)")
            })
    }

    pub fn from_parts(date: NaiveDate, precision: Precision) -> PartialDate {
        PartialDate { date, precision }
    }

    /// `18/01/1950`, `05/2008` when only the month is known, `1972` when only the year.
    pub fn display(&self) -> String {
        match self.precision {
            Precision::Day => crate::text::format_date(self.date),
            Precision::Month => self.date.format("%m/%Y").to_string(),
            Precision::Year => self.date.year().to_string(),
        }
    }
}

/// Whether an anniversary is marked major: every tenth year and every twenty-fifth
/// (10, 20, 25, 30, …, 50, …, 75, …).
pub fn is_major(years: u32) -> bool {
    years > 0 && (years.is_multiple_of(10) || years.is_multiple_of(25))
}

/// One round-year anniversary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Anniversary {
    /// The day it falls on; for a year-only origin, 1 January of the anniversary year.
    pub date: NaiveDate,
    pub precision: Precision,
    pub years: u32,
    pub major: bool,
}

/// Every fifth-year anniversary of `origin` that falls within `from..=to` (by day, or by year
/// when only the year is known). A 29 February origin is kept on 28 February in common years.
pub fn round_anniversaries(
    origin: PartialDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Anniversary> {
    let mut out = Vec::new();
    for year in from.year()..=to.year() {
        let years = year - origin.date.year();
        if years <= 0 || years % 5 != 0 {
            continue;
        }
        let years = years.unsigned_abs();
        let date = match origin.precision {
            Precision::Year => NaiveDate::from_ymd_opt(year, 1, 1),
            Precision::Month => NaiveDate::from_ymd_opt(year, origin.date.month(), 1),
            Precision::Day => NaiveDate::from_ymd_opt(year, origin.date.month(), origin.date.day())
                .or_else(|| {
                    NaiveDate::from_ymd_opt(year, origin.date.month(), origin.date.day() - 1)
                }),
        };
        let Some(date) = date else { continue };
        let inside = match origin.precision {
            Precision::Day => from <= date && date <= to,
            // A month-only anniversary counts when the range touches its month.
            Precision::Month => from <= month_end(date) && date <= to,
            // A year-only anniversary belongs to the whole year: it counts when the range touches it.
            Precision::Year => true,
        };
        if inside {
            out.push(Anniversary {
                date,
                precision: origin.precision,
                years,
                major: is_major(years),
            });
        }
    }
    out
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn china_1950_has_its_75th_in_2025_marked_major() {
        let origin = PartialDate::parse("1950-01-18").expect("date");
        let found = round_anniversaries(origin, d("2025-01-01"), d("2025-12-31"));
        assert_eq!(
            found,
            vec![Anniversary {
                date: d("2025-01-18"),
                precision: Precision::Day,
                years: 75,
                major: true
            }]
        );
        assert!(
            round_anniversaries(origin, d("2026-01-01"), d("2026-12-31")).is_empty(),
            "76 is no round year"
        );
        assert!(
            round_anniversaries(origin, d("2025-01-19"), d("2025-12-31")).is_empty(),
            "the day is outside the range"
        );
    }

    #[test]
    fn major_years_are_tens_and_quarter_centuries() {
        let major: Vec<u32> = (1..=100).filter(|y| is_major(*y)).collect();
        assert_eq!(major, vec![10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100]);
        assert!(!is_major(5) && !is_major(15) && !is_major(0));
    }

    #[test]
    fn year_only_origins_give_year_only_anniversaries() {
        let origin = PartialDate::parse("1972").expect("year");
        assert_eq!(origin.display(), "1972");
        let found = round_anniversaries(origin, d("2022-06-01"), d("2022-06-30"));
        assert_eq!(
            found,
            vec![Anniversary {
                date: d("2022-01-01"),
                precision: Precision::Year,
                years: 50,
                major: true
            }]
        );
    }

    #[test]
    fn month_only_origins_count_when_the_range_touches_the_month() {
        let origin = PartialDate::parse("2008-05").expect("month");
        assert_eq!(
            round_anniversaries(origin, d("2028-05-31"), d("2028-06-30")).len(),
            1
        );
        assert!(round_anniversaries(origin, d("2028-06-01"), d("2028-06-30")).is_empty());
    }

    #[test]
    fn leap_day_origins_fall_on_the_28th_in_common_years() {
        let origin = PartialDate::parse("2004-02-29").expect("date");
        let found = round_anniversaries(origin, d("2009-01-01"), d("2009-12-31"));
        assert_eq!(found[0].date, d("2009-02-28"));
    }

    #[test]
    fn partial_dates_parse_every_written_form() {
        assert_eq!(
            PartialDate::parse("18/01/1950").map(|p| p.date),
            Ok(d("1950-01-18"))
        );
        assert_eq!(
            PartialDate::parse("2010").map(|p| p.precision),
            Ok(Precision::Year)
        );
        assert!(PartialDate::parse("19x0").is_err());
        assert_eq!(
            PartialDate::parse("1950-01-18").map(|p| p.display()),
            Ok("18/01/1950".to_owned())
        );
        assert_eq!(
            PartialDate::parse("2008-05").map(|p| (p.display(), p.precision)),
            Ok(("05/2008".to_owned(), Precision::Month))
        );
        assert_eq!(
            PartialDate::parse("05/2008").map(|p| p.date),
            Ok(d("2008-05-01"))
        );
        assert!(PartialDate::parse("2008-13").is_err());
    }
}

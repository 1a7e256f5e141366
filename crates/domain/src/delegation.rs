//! A delegation as people and programs give it: the draft that the page form and the API body
//! both become, and the checked spec that storage writes.
//!
//! Members may be named rather than chosen: the spec keeps the name (a [`Who::Named`]) and
//! storage finds the person in the registry or adds them, in the same transaction as the
//! delegation, for the API and the pages alike.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::activity::{Direction, MemberRole};
use crate::country::CountryCode;
use crate::error::{Checker, Invalid, Problem};
use crate::money::{Currency, Money, parse_amount};
use crate::person::PersonSpec;
use crate::text::{line, paragraphs, parse_date};

/// A delegation as given, every value as typed.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct DelegationDraft {
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub start_on: String,
    #[serde(default)]
    pub end_on: String,
    #[serde(default)]
    pub funding_source: String,
    #[serde(default)]
    pub budget: MoneyDraft,
    #[serde(default)]
    pub expected_outcomes: String,
    #[serde(default)]
    pub actual_outcomes: String,
    #[serde(default)]
    pub report: String,
    #[serde(default)]
    pub members: Vec<MemberDraft>,
    #[serde(default)]
    pub legs: Vec<LegDraft>,
    /// Partner ids.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Agreement task ids.
    #[serde(default)]
    pub tasks: Vec<String>,
}

/// An amount as typed: blank for none; a currency other than đồng needs the rate used.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct MoneyDraft {
    #[serde(default)]
    pub amount: String,
    /// Blank means VND.
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub rate_to_vnd: String,
}

/// A member: a person of the registry by id, or a name (with what else is known of them).
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct MemberDraft {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_latin: String,
    #[serde(default)]
    pub nationality: String,
    /// Blank means a member.
    #[serde(default)]
    pub role: String,
}

/// A leg of the itinerary as typed; a row left wholly blank is no leg.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct LegDraft {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub from_on: String,
    #[serde(default)]
    pub to_on: String,
}

/// A delegation's details, checked: what storage writes.
#[derive(Debug, Clone, PartialEq)]
pub struct DelegationSpec {
    pub direction: Direction,
    pub title: String,
    pub purpose: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub funding_source: Option<String>,
    pub budget: Option<Money>,
    pub expected_outcomes: Option<String>,
    pub actual_outcomes: Option<String>,
    pub report: Option<String>,
    pub members: Vec<Member>,
    pub legs: Vec<Leg>,
    pub partners: Vec<i64>,
    pub tasks: Vec<i64>,
}

/// One member and their part.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub who: Who,
    pub role: MemberRole,
}

/// Who a member is: a person of the registry, or one to find or add by name.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    Person(i64),
    Named(PersonSpec),
}

/// A leg of the itinerary.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    pub country: CountryCode,
    pub city: Option<String>,
    pub from_on: NaiveDate,
    pub to_on: NaiveDate,
}

impl MoneyDraft {
    fn parse(&self) -> Result<Option<Money>, Problem> {
        let amount = self.amount.trim();
        if amount.is_empty() {
            return Ok(None);
        }
        let currency = Some(self.currency.trim())
            .filter(|c| !c.is_empty())
            .unwrap_or("VND");
        let rate = Some(self.rate_to_vnd.trim())
            .filter(|r| !r.is_empty())
            .map(parse_amount)
            .transpose()?;
        Ok(Some(Money::new(
            parse_amount(amount)?,
            Currency::parse(currency)?,
            rate,
        )?))
    }
}

impl MemberDraft {
    fn parse(&self) -> Result<Member, Problem> {
        let role = match self.role.trim() {
            "" => MemberRole::Member,
            r => r.parse()?,
        };
        let who = match (self.person_id.trim(), line(&self.name)) {
            ("", Some(name)) => Who::Named(PersonSpec {
                name,
                name_latin: line(&self.name_latin),
                nationality: match self.nationality.trim() {
                    "" => None,
                    n => Some(CountryCode::parse(n)?),
                },
                ..Default::default()
            }),
            (id, None) if !id.is_empty() => {
                Who::Person(id.parse().map_err(|_| Problem::NotARecord {
                    value: id.to_owned(),
                })?)
            }
            _ => return Err(Problem::PersonIdOrName),
        };
        Ok(Member { who, role })
    }
}

impl LegDraft {
    fn is_blank(&self) -> bool {
        [&self.country, &self.city, &self.from_on, &self.to_on]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    fn parse(&self) -> Result<Leg, Problem> {
        Ok(Leg {
            country: CountryCode::parse(self.country.trim())?,
            city: line(&self.city),
            from_on: parse_date(&self.from_on)?,
            to_on: parse_date(&self.to_on)?,
        })
    }
}

impl DelegationDraft {
    /// Checks every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<DelegationSpec, Invalid> {
        let mut check = Checker::new();
        let direction = check.required("direction", Some(self.direction.trim()), str::parse);
        let title = line(&self.title);
        if title.is_none() {
            check.push("title", Problem::Required);
        }
        let start_on = check.required("start_on", Some(self.start_on.trim()), parse_date);
        let end_on = check.required("end_on", Some(self.end_on.trim()), parse_date);
        if let (Some(start), Some(end)) = (start_on, end_on)
            && end < start
        {
            check.push("end_on", Problem::EndsBeforeStart);
        }
        let budget = check.check("budget", self.budget.parse());
        let members: Vec<Member> = self
            .members
            .iter()
            .filter_map(|m| check.check("members", m.parse()))
            .collect();
        if members
            .iter()
            .filter(|m| m.role == MemberRole::Head)
            .count()
            > 1
        {
            check.push("members", Problem::OneHead);
        }
        let chosen: Vec<i64> = members
            .iter()
            .filter_map(|m| match m.who {
                Who::Person(id) => Some(id),
                Who::Named(_) => None,
            })
            .collect();
        if chosen.iter().collect::<BTreeSet<_>>().len() != chosen.len() {
            check.push("members", Problem::PersonTwice);
        }
        let mut legs = Vec::new();
        for (i, draft) in self.legs.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
            let leg = i + 1;
            match draft.parse() {
                Err(problem) => check.push(
                    "legs",
                    Problem::InLeg {
                        leg,
                        problem: Box::new(problem),
                    },
                ),
                Ok(l) if l.to_on < l.from_on => {
                    check.push("legs", Problem::LegEndsBeforeStart { leg })
                }
                Ok(l) => {
                    if let (Some(start), Some(end)) = (start_on, end_on)
                        && (l.from_on < start || l.to_on > end)
                    {
                        check.push("legs", Problem::LegOutsideDates { leg });
                    }
                    legs.push(l);
                }
            }
        }
        let partners = check.record_ids("partners", &self.partners);
        let tasks = check.record_ids("tasks", &self.tasks);
        check.finish()?;
        let (Some(direction), Some(title), Some(start_on), Some(end_on), Some(budget)) =
            (direction, title, start_on, end_on, budget)
        else {
            unreachable!("the checker reported every missing value")
        };
        Ok(DelegationSpec {
            direction,
            title,
            purpose: paragraphs(&self.purpose),
            start_on,
            end_on,
            funding_source: line(&self.funding_source),
            budget,
            expected_outcomes: paragraphs(&self.expected_outcomes),
            actual_outcomes: paragraphs(&self.actual_outcomes),
            report: paragraphs(&self.report),
            members,
            legs,
            partners,
            tasks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> DelegationDraft {
        DelegationDraft {
            direction: "outbound".into(),
            title: "  Đoàn   thăm Lào ".into(),
            start_on: "10/03/2026".into(),
            end_on: "2026-03-15".into(),
            members: vec![
                MemberDraft {
                    name: "Nguyễn Văn Trưởng".into(),
                    role: "head".into(),
                    ..Default::default()
                },
                MemberDraft {
                    person_id: "7".into(),
                    ..Default::default()
                },
            ],
            legs: vec![
                LegDraft {
                    country: "LA".into(),
                    city: "Viêng Chăn".into(),
                    from_on: "10/03/2026".into(),
                    to_on: "15/03/2026".into(),
                },
                LegDraft::default(),
            ],
            ..Default::default()
        }
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_draft_becomes_its_spec_with_named_and_chosen_members() {
        let spec = draft().parse().expect("valid");
        assert_eq!(spec.title, "Đoàn thăm Lào");
        assert_eq!(spec.legs.len(), 1, "a blank itinerary row is no leg");
        assert!(matches!(&spec.members[0].who, Who::Named(p) if p.name == "Nguyễn Văn Trưởng"));
        assert_eq!(spec.members[1].who, Who::Person(7));
        assert_eq!(
            spec.members[1].role,
            MemberRole::Member,
            "blank is a member"
        );
        assert_eq!(spec.budget, None);
    }

    #[test]
    fn a_foreign_budget_needs_its_rate() {
        let mut d = draft();
        d.budget = MoneyDraft {
            amount: "5000".into(),
            currency: "USD".into(),
            rate_to_vnd: String::new(),
        };
        assert_eq!(fields(d.parse().expect_err("refused")), ["budget"]);
        d.budget.rate_to_vnd = "25400".into();
        let budget = d.parse().expect("valid").budget.expect("a budget");
        assert_eq!(budget.in_vnd().to_string(), "127000000");
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut d = draft();
        d.title = " ".into();
        d.end_on = "01/03/2026".into();
        d.members.push(MemberDraft {
            name: "Lê Văn B".into(),
            role: "head".into(),
            ..Default::default()
        });
        d.legs.push(LegDraft {
            country: "Lào".into(),
            from_on: "10/03/2026".into(),
            to_on: "11/03/2026".into(),
            ..Default::default()
        });
        d.partners = vec!["x".into()];
        // Leg 1 now falls outside the dates; leg 3 names its country in words.
        assert_eq!(
            fields(d.parse().expect_err("refused")),
            ["title", "end_on", "members", "legs", "legs", "partners"]
        );
    }

    #[test]
    fn a_member_is_a_person_or_a_name_and_appears_once() {
        let mut d = draft();
        d.members[1].name = "Trần Thị A".into();
        assert_eq!(fields(d.parse().expect_err("both")), ["members"]);
        let mut d = draft();
        d.members.push(MemberDraft {
            person_id: "7".into(),
            role: "deputy".into(),
            ..Default::default()
        });
        assert_eq!(fields(d.parse().expect_err("twice")), ["members"]);
    }

    #[test]
    fn a_leg_outside_the_dates_is_named_by_its_row() {
        let mut d = draft();
        d.legs[0].to_on = "20/03/2026".into();
        let e = d.parse().expect_err("refused");
        assert_eq!(e.0[0].problem, Problem::LegOutsideDates { leg: 1 });
    }
}

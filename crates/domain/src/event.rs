//! An event as people and programs give it: the draft that the page form and the API body both
//! become, and the checked spec that storage writes.
//!
//! Adding a field to events means: a field here in [`EventDraft`] and [`EventSpec`] with its rule
//! in [`EventDraft::parse`]; its column (the table enum, the store's column list and read-back,
//! a migration); its place on the form and the event's page with its label in both languages.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::activity::{Channel, EventType};
use crate::country::CountryCode;
use crate::error::{Checker, Invalid, Problem};
use crate::text::{line, paragraphs, parse_date};

/// The most connected sites (*điểm cầu*) an event may name.
pub const MAX_CONNECTED_SITES: i64 = 10_000;

/// An event as given, every value as typed. The page form deserializes into it directly; the API
/// body becomes one over the stored event's draft (so a PATCH changes only what it names).
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct EventDraft {
    #[serde(default, rename = "type")]
    pub event_type: String,
    /// In person, online or hybrid; blank means in person.
    #[serde(default)]
    pub channel: String,
    /// How many sites an online or hybrid event connected (*điểm cầu*); blank when not known.
    #[serde(default)]
    pub connected_sites: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub start_on: String,
    /// Blank for a one-day event.
    #[serde(default)]
    pub end_on: String,
    #[serde(default)]
    pub place_country: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub foreign_participants: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub results: String,
    /// ISO codes of the countries concerned; an item may hold several, separated by commas,
    /// semicolons or spaces (the form's one text box).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Partner ids.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Agreement task ids.
    #[serde(default)]
    pub tasks: Vec<String>,
    /// Co-organizing unit ids.
    #[serde(default)]
    pub co_organizers: Vec<String>,
}

/// An event's details, checked: what storage writes.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    pub event_type: EventType,
    pub channel: Channel,
    pub connected_sites: Option<i64>,
    pub title: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub place_country: Option<CountryCode>,
    pub place: Option<String>,
    pub participants: i64,
    pub foreign_participants: i64,
    pub description: Option<String>,
    pub results: Option<String>,
    pub co_organizers: Vec<i64>,
    pub partners: Vec<i64>,
    pub countries: Vec<CountryCode>,
    pub tasks: Vec<i64>,
}

/// A count of people: blank is 0.
fn count(check: &mut Checker, field: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => Some(0),
        n => match check.check(
            field,
            n.parse::<i64>().map_err(|_| Problem::NotANumber {
                value: n.to_owned(),
            }),
        ) {
            Some(v) if v < 0 => {
                check.push(field, Problem::Negative);
                None
            }
            v => v,
        },
    }
}

impl EventDraft {
    /// Checks every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<EventSpec, Invalid> {
        let mut check = Checker::new();
        let event_type = check.required("type", Some(self.event_type.trim()), str::parse);
        let channel = match self.channel.trim() {
            "" => Some(Channel::InPerson),
            c => check.check("channel", c.parse::<Channel>()),
        };
        let connected_sites = match self.connected_sites.trim() {
            "" => Some(None),
            n => match n.parse::<i64>() {
                Ok(n) if (1..=MAX_CONNECTED_SITES).contains(&n) => Some(Some(n)),
                _ => {
                    check.push(
                        "connected_sites",
                        Problem::OutOfRange {
                            min: 1,
                            max: MAX_CONNECTED_SITES,
                        },
                    );
                    None
                }
            },
        };
        if channel == Some(Channel::InPerson) && matches!(connected_sites, Some(Some(_))) {
            check.push("connected_sites", Problem::SitesNeedOnline);
        }
        let title = line(&self.title);
        if title.is_none() {
            check.push("title", Problem::Required);
        }
        let start_on = check.required("start_on", Some(self.start_on.trim()), parse_date);
        let end_on = match self.end_on.trim() {
            "" => start_on,
            e => check.check("end_on", parse_date(e)),
        };
        if let (Some(start), Some(end)) = (start_on, end_on)
            && end < start
        {
            check.push("end_on", Problem::EndsBeforeStart);
        }
        let place_country = match self.place_country.trim() {
            "" => Some(None),
            c => check.check("place_country", CountryCode::parse(c).map(Some)),
        };
        let participants = count(&mut check, "participants", &self.participants);
        let foreign_participants = count(
            &mut check,
            "foreign_participants",
            &self.foreign_participants,
        );
        if let (Some(all), Some(foreign)) = (participants, foreign_participants)
            && foreign > all
        {
            check.push("foreign_participants", Problem::ExceedsParticipants);
        }
        let countries: Vec<CountryCode> = self
            .countries
            .iter()
            .flat_map(|item| item.split([',', ';', ' ']))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .filter_map(|c| check.check("countries", CountryCode::parse(c)))
            .collect();
        let partners = check.record_ids("partners", &self.partners);
        let tasks = check.record_ids("tasks", &self.tasks);
        let co_organizers = check.record_ids("co_organizers", &self.co_organizers);
        check.finish()?;
        let (
            Some(event_type),
            Some(channel),
            Some(connected_sites),
            Some(title),
            Some(start_on),
            Some(end_on),
            Some(place_country),
            Some(participants),
            Some(foreign_participants),
        ) = (
            event_type,
            channel,
            connected_sites,
            title,
            start_on,
            end_on,
            place_country,
            participants,
            foreign_participants,
        )
        else {
            unreachable!("the checker reported every missing value")
        };
        Ok(EventSpec {
            event_type,
            channel,
            connected_sites,
            title,
            start_on,
            end_on,
            place_country,
            place: line(&self.place),
            participants,
            foreign_participants,
            description: paragraphs(&self.description),
            results: paragraphs(&self.results),
            co_organizers,
            partners,
            countries,
            tasks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> EventDraft {
        EventDraft {
            event_type: "conference".into(),
            title: "  Hội nghị   tổng kết Cụm 3 ".into(),
            start_on: "11/01/2022".into(),
            ..Default::default()
        }
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_minimal_draft_takes_the_defaults_people_expect() {
        let spec = draft().parse().expect("valid");
        assert_eq!(spec.title, "Hội nghị tổng kết Cụm 3");
        assert_eq!(spec.channel, Channel::InPerson);
        assert_eq!(spec.end_on, spec.start_on, "a one-day event");
        assert_eq!((spec.participants, spec.connected_sites), (0, None));
    }

    #[test]
    fn a_hybrid_event_counts_its_connected_sites() {
        let spec = EventDraft {
            channel: "hybrid".into(),
            connected_sites: " 34 ".into(),
            ..draft()
        }
        .parse()
        .expect("valid");
        assert_eq!(spec.connected_sites, Some(34));
    }

    #[test]
    fn connected_sites_belong_to_online_events_and_are_counted_from_one() {
        for (channel, sites) in [("in_person", "3"), ("online", "0"), ("hybrid", "nhiều")] {
            let e = EventDraft {
                channel: channel.into(),
                connected_sites: sites.into(),
                ..draft()
            }
            .parse()
            .expect_err("refused");
            assert_eq!(fields(e), ["connected_sites"], "{channel} with {sites}");
        }
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = EventDraft {
            event_type: String::new(),
            title: " ".into(),
            start_on: "2022-01-11".into(),
            end_on: "10/01/2022".into(),
            participants: "12".into(),
            foreign_participants: "13".into(),
            countries: vec!["LA, Lào".into()],
            partners: vec!["x".into()],
            ..Default::default()
        }
        .parse()
        .expect_err("refused");
        assert_eq!(
            fields(e),
            [
                "type",
                "title",
                "end_on",
                "foreign_participants",
                "countries",
                "partners"
            ]
        );
    }
}

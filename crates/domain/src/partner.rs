//! Foreign and international partners: kinds, relationship categories, links to our units.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::anniversary::PartialDate;
use crate::country::CountryCode;
use crate::error::{Checker, Invalid, Problem};
use crate::text::line;

/// A closed list of values with snake_case names, as stored and as the API speaks them.
pub trait Vocabulary: Copy + 'static {
    const ALL: &'static [Self];
    /// What a value is called in error messages ("kind", "category").
    const WHAT: &'static str;
    fn as_str(self) -> &'static str;
}

/// Finds the value named `s`, or says which names exist.
pub fn parse_vocabulary<T: Vocabulary>(s: &str) -> Result<T, Problem> {
    T::ALL
        .iter()
        .copied()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| Problem::NotAChoice {
            what: T::WHAT,
            value: s.to_owned(),
            expected: T::ALL.iter().map(|v| v.as_str()).collect(),
        })
}

/// What kind of organization a partner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    PoliticalParty,
    FrontOrMassOrganization,
    Ngo,
    FriendshipSociety,
    LocalGovernment,
    EmbassyOrConsulate,
    InternationalOrganization,
    Business,
    Academic,
    OverseasVietnameseAssociation,
    Other,
}

impl Vocabulary for PartnerKind {
    const ALL: &'static [PartnerKind] = &[
        PartnerKind::PoliticalParty,
        PartnerKind::FrontOrMassOrganization,
        PartnerKind::Ngo,
        PartnerKind::FriendshipSociety,
        PartnerKind::LocalGovernment,
        PartnerKind::EmbassyOrConsulate,
        PartnerKind::InternationalOrganization,
        PartnerKind::Business,
        PartnerKind::Academic,
        PartnerKind::OverseasVietnameseAssociation,
        PartnerKind::Other,
    ];
    const WHAT: &'static str = "kind";

    fn as_str(self) -> &'static str {
        match self {
            PartnerKind::PoliticalParty => "political_party",
            PartnerKind::FrontOrMassOrganization => "front_or_mass_organization",
            PartnerKind::Ngo => "ngo",
            PartnerKind::FriendshipSociety => "friendship_society",
            PartnerKind::LocalGovernment => "local_government",
            PartnerKind::EmbassyOrConsulate => "embassy_or_consulate",
            PartnerKind::InternationalOrganization => "international_organization",
            PartnerKind::Business => "business",
            PartnerKind::Academic => "academic",
            PartnerKind::OverseasVietnameseAssociation => "overseas_vietnamese_association",
            PartnerKind::Other => "other",
        }
    }
}

impl FromStr for PartnerKind {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// How the federation regards a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipCategory {
    Neighbour,
    MajorPower,
    StrategicPartner,
    TraditionalFriend,
    DemocraticOrPeaceOrganization,
    DevelopmentPartner,
}

impl Vocabulary for RelationshipCategory {
    const ALL: &'static [RelationshipCategory] = &[
        RelationshipCategory::Neighbour,
        RelationshipCategory::MajorPower,
        RelationshipCategory::StrategicPartner,
        RelationshipCategory::TraditionalFriend,
        RelationshipCategory::DemocraticOrPeaceOrganization,
        RelationshipCategory::DevelopmentPartner,
    ];
    const WHAT: &'static str = "category";

    fn as_str(self) -> &'static str {
        match self {
            RelationshipCategory::Neighbour => "neighbour",
            RelationshipCategory::MajorPower => "major_power",
            RelationshipCategory::StrategicPartner => "strategic_partner",
            RelationshipCategory::TraditionalFriend => "traditional_friend",
            RelationshipCategory::DemocraticOrPeaceOrganization => {
                "democratic_or_peace_organization"
            }
            RelationshipCategory::DevelopmentPartner => "development_partner",
        }
    }
}

impl FromStr for RelationshipCategory {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// How one of our units relates to a partner, over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitRelation {
    CounterpartOf,
    MemberOf,
    FundedBy,
    PartnerOf,
}

impl Vocabulary for UnitRelation {
    const ALL: &'static [UnitRelation] = &[
        UnitRelation::CounterpartOf,
        UnitRelation::MemberOf,
        UnitRelation::FundedBy,
        UnitRelation::PartnerOf,
    ];
    const WHAT: &'static str = "relation";

    fn as_str(self) -> &'static str {
        match self {
            UnitRelation::CounterpartOf => "counterpart_of",
            UnitRelation::MemberOf => "member_of",
            UnitRelation::FundedBy => "funded_by",
            UnitRelation::PartnerOf => "partner_of",
        }
    }
}

impl FromStr for UnitRelation {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// A person's gender, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
}

impl Vocabulary for Gender {
    const ALL: &'static [Gender] = &[Gender::Female, Gender::Male, Gender::Other];
    const WHAT: &'static str = "gender";

    fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }
}

impl FromStr for Gender {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// Where a cooperation agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Draft,
    Signed,
    InForce,
    Expired,
    Terminated,
    Renewed,
}

impl AgreementStatus {
    /// The statuses a user sets directly; “renewed” comes only from recording a renewal.
    pub const SETTABLE: &'static [AgreementStatus] = &[
        AgreementStatus::Draft,
        AgreementStatus::Signed,
        AgreementStatus::InForce,
        AgreementStatus::Expired,
        AgreementStatus::Terminated,
    ];

    /// The statuses of an agreement that was signed and ran its course by its dates: it is in
    /// force on the days of its validity. A draft never was; a terminated one is counted on no
    /// day, since the day it ended is not recorded.
    pub const RAN_BY_ITS_DATES: &'static [AgreementStatus] = &[
        AgreementStatus::Signed,
        AgreementStatus::InForce,
        AgreementStatus::Expired,
        AgreementStatus::Renewed,
    ];
}

/// The days an agreement is in force: from its validity's start (its signing, when no start is
/// recorded) to its validity's end, inclusive (`None`: open-ended). `None` when it is never
/// counted in force: its status is not one of [`AgreementStatus::RAN_BY_ITS_DATES`], no day is
/// known to start from, or it ends before it starts.
pub fn in_force_span(
    status: AgreementStatus,
    signed_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let start = valid_from.or(signed_on)?;
    let ran = AgreementStatus::RAN_BY_ITS_DATES.contains(&status)
        && valid_to.is_none_or(|end| end >= start);
    ran.then_some((start, valid_to))
}

impl Vocabulary for AgreementStatus {
    const ALL: &'static [AgreementStatus] = &[
        AgreementStatus::Draft,
        AgreementStatus::Signed,
        AgreementStatus::InForce,
        AgreementStatus::Expired,
        AgreementStatus::Terminated,
        AgreementStatus::Renewed,
    ];
    const WHAT: &'static str = "status";

    fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::Signed => "signed",
            AgreementStatus::InForce => "in_force",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Terminated => "terminated",
            AgreementStatus::Renewed => "renewed",
        }
    }
}

impl FromStr for AgreementStatus {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// Where one of an agreement's yearly tasks stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = AgreementTaskStatus)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl Vocabulary for TaskStatus {
    const ALL: &'static [TaskStatus] = &[
        TaskStatus::Planned,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::Dropped,
    ];
    const WHAT: &'static str = "task_status";

    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Planned => "planned",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Dropped => "dropped",
        }
    }
}

impl FromStr for TaskStatus {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        parse_vocabulary(s)
    }
}

/// A partner as given, every value as typed: what the page form, the API body and an import
/// row become.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct PartnerDraft {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_latin: String,
    #[serde(default)]
    pub name_native: String,
    #[serde(default)]
    pub acronyms: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    #[serde(default)]
    pub founded: String,
}

/// A partner's details, checked: what storage writes.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerSpec {
    pub kind: PartnerKind,
    pub category: Option<RelationshipCategory>,
    pub country: Option<CountryCode>,
    pub name_native: Option<String>,
    pub name_latin: Option<String>,
    pub name_vi: Option<String>,
    pub acronyms: Vec<String>,
    pub aliases: Vec<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub founded: Option<PartialDate>,
}

impl PartnerDraft {
    /// Checks every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<PartnerSpec, Invalid> {
        let mut check = Checker::new();
        let kind = check.required("kind", Some(self.kind.trim()), str::parse::<PartnerKind>);
        let category = match self.category.trim() {
            "" => Some(None),
            c => check.check("category", c.parse().map(Some)),
        };
        let country = match self.country.trim() {
            "" => Some(None),
            c => check.check("country", CountryCode::parse(c).map(Some)),
        };
        let founded = match self.founded.trim() {
            "" => Some(None),
            f => check.check("founded", PartialDate::parse(f).map(Some)),
        };
        check.finish()?;
        let (Some(kind), Some(category), Some(country), Some(founded)) =
            (kind, category, country, founded)
        else {
            unreachable!("the checker reported every missing value")
        };
        let names = |items: &[String]| items.iter().filter_map(|n| line(n)).collect();
        let spec = PartnerSpec {
            kind,
            category,
            country,
            name_native: line(&self.name_native),
            name_latin: line(&self.name_latin),
            name_vi: line(&self.name_vi),
            acronyms: names(&self.acronyms),
            aliases: names(&self.aliases),
            website: line(&self.website),
            address: line(&self.address),
            note: line(&self.note),
            founded,
        };
        spec.check()?;
        Ok(spec)
    }
}

impl PartnerSpec {
    /// What a partner needs beyond its types: at least one name, and a web address that is one.
    /// Storage checks it again, for specs built in code.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut check = Checker::new();
        if [&self.name_vi, &self.name_latin, &self.name_native]
            .iter()
            .all(|n| n.as_deref().is_none_or(|n| n.trim().is_empty()))
        {
            check.push("name_vi", Problem::PartnerNeedsName);
        }
        if let Some(w) = &self.website
            && !(w.starts_with("http://") || w.starts_with("https://"))
        {
            check.push("website", Problem::NotAWebAddress);
        }
        check.finish()
    }
}

/// Splits a list of acronyms or aliases as written ("MPLA; MPLA-PT, Movimento…").
pub fn split_names(input: &str) -> Vec<String> {
    input
        .split([';', ',', '\n'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_name_the_choices() {
        for k in PartnerKind::ALL {
            assert_eq!(k.as_str().parse::<PartnerKind>(), Ok(*k));
        }
        let err = "party"
            .parse::<PartnerKind>()
            .expect_err("unknown")
            .to_string();
        assert!(err.contains("political_party"), "{err}");
        assert_eq!(
            "traditional_friend".parse::<RelationshipCategory>(),
            Ok(RelationshipCategory::TraditionalFriend)
        );
        assert_eq!(
            "funded_by".parse::<UnitRelation>(),
            Ok(UnitRelation::FundedBy)
        );
    }

    #[test]
    fn name_lists_split_on_separators() {
        assert_eq!(
            split_names(" MPLA ;  MPLA-PT,\nMovimento  Popular "),
            vec!["MPLA", "MPLA-PT", "Movimento Popular"]
        );
        assert!(split_names(" ; ").is_empty());
    }
}

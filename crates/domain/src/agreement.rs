//! An agreement as people and programs give it: the draft that the forms, the API body and its
//! PATCH become, and the checked spec that storage writes.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Checker, Invalid, Problem};
use crate::partner::AgreementStatus;
use crate::text::line;

/// An agreement as given, every value as typed.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct AgreementDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub number: String,
    /// Blank means a draft.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub signed_place: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub note: String,
    /// Partner ids.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Unit ids.
    #[serde(default)]
    pub units: Vec<String>,
    /// Other parties, named in words.
    #[serde(default)]
    pub named_parties: Vec<String>,
}

/// An agreement's details, checked: what storage writes.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementSpec {
    pub title: String,
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signed_place: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub status: AgreementStatus,
    pub note: Option<String>,
    pub partners: Vec<i64>,
    pub units: Vec<i64>,
    pub named_parties: Vec<String>,
}

impl AgreementDraft {
    /// Checks every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<AgreementSpec, Invalid> {
        let mut check = Checker::new();
        let status = match self.status.trim() {
            "" => Some(AgreementStatus::Draft),
            s => check.check("status", s.parse()),
        };
        let signed_on = check.optional_date("signed_on", &self.signed_on);
        let valid_from = check.optional_date("valid_from", &self.valid_from);
        let valid_to = check.optional_date("valid_to", &self.valid_to);
        let partners = check.record_ids("partners", &self.partners);
        let units = check.record_ids("units", &self.units);
        check.finish()?;
        let (Some(status), Some(signed_on), Some(valid_from), Some(valid_to)) =
            (status, signed_on, valid_from, valid_to)
        else {
            unreachable!("the checker reported every missing value")
        };
        let spec = AgreementSpec {
            title: line(&self.title).unwrap_or_default(),
            number: line(&self.number),
            signed_on,
            signed_place: line(&self.signed_place),
            valid_from,
            valid_to,
            status,
            note: line(&self.note),
            partners,
            units,
            named_parties: self.named_parties.iter().filter_map(|n| line(n)).collect(),
        };
        spec.check()?;
        Ok(spec)
    }
}

impl AgreementSpec {
    /// What an agreement needs beyond its types: a title, a period in order and a party.
    /// Storage checks it again, for specs built in code.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut check = Checker::new();
        if self.title.trim().is_empty() {
            check.push("title", Problem::Empty);
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            check.push("valid_to", Problem::EndsBeforeStart);
        }
        if self.partners.is_empty() && self.units.is_empty() && self.named_parties.is_empty() {
            check.push("partners", Problem::NoParty);
        }
        check.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_draft_with_a_named_party_is_an_agreement_in_draft() {
        let spec = AgreementDraft {
            title: " Thỏa thuận  hợp tác ".into(),
            valid_from: "01/01/2024".into(),
            valid_to: "2028-12-31".into(),
            named_parties: vec![" Hội Hữu nghị Lào – Việt Nam ".into(), " ".into()],
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(spec.title, "Thỏa thuận hợp tác");
        assert_eq!(spec.status, AgreementStatus::Draft);
        assert_eq!(spec.named_parties, ["Hội Hữu nghị Lào – Việt Nam"]);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = AgreementDraft {
            status: "sealed".into(),
            valid_from: "31/12/2024".into(),
            valid_to: "mai".into(),
            partners: vec!["x".into()],
            ..Default::default()
        }
        .parse()
        .expect_err("refused");
        assert_eq!(fields(e), ["status", "valid_to", "partners"]);
        let e = AgreementDraft {
            valid_from: "31/12/2024".into(),
            valid_to: "01/01/2024".into(),
            ..Default::default()
        }
        .parse()
        .expect_err("refused");
        assert_eq!(fields(e), ["title", "valid_to", "partners"]);
    }
}

//! A person as people and programs give them: the draft the page form and the API body both
//! become, and the checked spec that storage writes.

use serde::Deserialize;

use crate::country::CountryCode;
use crate::error::{Checker, Invalid, Problem};
use crate::partner::Gender;
use crate::text::line;
use crate::user::Email;

/// A person's details as typed (every value a string; blank is none).
#[derive(Debug, Default, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct PersonDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_latin: String,
    #[serde(default)]
    pub honorific: String,
    #[serde(default)]
    pub gender: String,
    /// A country's two-letter code.
    #[serde(default)]
    pub nationality: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub note: String,
}

/// A person's details, checked: what storage writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonSpec {
    pub name: String,
    pub name_latin: Option<String>,
    pub honorific: Option<String>,
    pub gender: Option<Gender>,
    pub nationality: Option<CountryCode>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
}

impl PersonDraft {
    /// Checks every value into `check` (beside a form's other fields) and gives the spec when
    /// this part holds.
    pub fn parse_into(&self, check: &mut Checker) -> Option<PersonSpec> {
        let gender = match self.gender.trim() {
            "" => Some(None),
            g => check.check("gender", g.parse::<Gender>().map(Some)),
        };
        let nationality = match self.nationality.trim() {
            "" => Some(None),
            n => check.check("nationality", CountryCode::parse(n).map(Some)),
        };
        let name = line(&self.name).unwrap_or_default();
        let email = line(&self.email);
        rules(check, &name, email.as_deref());
        Some(PersonSpec {
            name,
            name_latin: line(&self.name_latin),
            honorific: line(&self.honorific),
            gender: gender?,
            nationality: nationality?,
            email,
            phone: line(&self.phone),
            note: line(&self.note),
        })
    }

    /// Checks every value, reporting each problem under its field, and gives the spec.
    pub fn parse(&self) -> Result<PersonSpec, Invalid> {
        let mut check = Checker::new();
        let spec = self.parse_into(&mut check);
        check.finish()?;
        Ok(spec.expect("the checker reported every missing value"))
    }
}

/// What every person holds to: a name, and an email address that is one.
fn rules(check: &mut Checker, name: &str, email: Option<&str>) {
    if name.trim().is_empty() {
        check.push("name", Problem::Empty);
    }
    if let Some(email) = email
        && Email::parse(email).is_err()
    {
        check.push("email", crate::error::Rule::NotAnEmail);
    }
}

impl PersonSpec {
    /// The rules every person holds to, however it was made (a form, an import, a name on a
    /// delegation).
    pub fn check(&self) -> Result<(), Invalid> {
        let mut check = Checker::new();
        rules(&mut check, &self.name, self.email.as_deref());
        check.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_names_each_wrong_field_and_tidies_the_rest() {
        let e = PersonDraft {
            name: " ".into(),
            gender: "x".into(),
            nationality: "Lào".into(),
            email: "not-an-address".into(),
            ..Default::default()
        }
        .parse()
        .expect_err("refused");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["gender", "nationality", "name", "email"]);
        let spec = PersonDraft {
            name: "  Kawaji   Takashi ".into(),
            nationality: "jp".into(),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(spec.name, "Kawaji Takashi");
        assert_eq!(
            spec.nationality.map(|c| c.as_str().to_owned()),
            Some("JP".into())
        );
    }
}

//! Countries and Vietnam's partnership levels with them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A level of Vietnam's bilateral partnership framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnershipLevel {
    SpecialRelationship,
    ComprehensiveStrategic,
    Strategic,
    Comprehensive,
}

impl PartnershipLevel {
    pub const ALL: [PartnershipLevel; 4] = [
        PartnershipLevel::SpecialRelationship,
        PartnershipLevel::ComprehensiveStrategic,
        PartnershipLevel::Strategic,
        PartnershipLevel::Comprehensive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartnershipLevel::SpecialRelationship => "special_relationship",
            PartnershipLevel::ComprehensiveStrategic => "comprehensive_strategic",
            PartnershipLevel::Strategic => "strategic",
            PartnershipLevel::Comprehensive => "comprehensive",
        }
    }
}

impl FromStr for PartnershipLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PartnershipLevel::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| {
            format!("unknown partnership level “{s}” (expected special_relationship, comprehensive_strategic, strategic or comprehensive)")
        })
    }
}

impl fmt::Display for PartnershipLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISO 3166 alpha-2 code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> Result<CountryCode, crate::error::Problem> {
        let code = input.trim().to_uppercase();
        if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(CountryCode(code))
        } else {
            Err(crate::error::Problem::NotACountry {
                value: input.to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_codes_parse() {
        for l in PartnershipLevel::ALL {
            assert_eq!(l.as_str().parse::<PartnershipLevel>(), Ok(l));
        }
        assert!("friend".parse::<PartnershipLevel>().is_err());
        assert_eq!(CountryCode::parse(" cn ").map(|c| c.0), Ok("CN".into()));
        assert!(CountryCode::parse("CHN").is_err());
        assert!(CountryCode::parse("C1").is_err());
    }
}

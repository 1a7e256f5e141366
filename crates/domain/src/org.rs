//! The federation's organization structure: kinds of unit, codes, names and validity periods.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an organization unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Central,
    MemberOrg,
    Cluster,
    ProvinceUnion,
    Association,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::Central,
        OrgKind::MemberOrg,
        OrgKind::Cluster,
        OrgKind::ProvinceUnion,
        OrgKind::Association,
        OrgKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Central => "central",
            OrgKind::MemberOrg => "member_org",
            OrgKind::Cluster => "cluster",
            OrgKind::ProvinceUnion => "province_union",
            OrgKind::Association => "association",
            OrgKind::Other => "other",
        }
    }
}

impl FromStr for OrgKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            format!("unknown kind “{s}” (expected one of: central, member_org, cluster, province_union, association, other)")
        })
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit code: letters, digits, `-` and `_`, 1–32 characters, kept as written (upper case).
///
/// Codes are not identities: after 2025-07-01 code `44` names the new Quảng Trị, before it named
/// Quảng Bình. The stable identity is the unit's internal id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(input: &str) -> Result<Self, crate::error::Problem> {
        use crate::error::{Problem, said};
        let code = input.trim().to_uppercase();
        if code.is_empty() {
            return Err(Problem::Empty);
        }
        if code.chars().count() > 32 {
            return Err(said("too-long", [("max", "32".into())]));
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(said("code-letters", []));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit's display name: trimmed, not empty, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(input: &str) -> Result<Self, crate::error::Problem> {
        use crate::error::{Problem, said};
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Problem::Empty);
        }
        if name.chars().count() > 200 {
            return Err(said("too-long", [("max", "200".into())]));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validity period, both ends inclusive; an open end (`to = None`) lasts until changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DatedPeriod)]
pub struct Period {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Period {
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self, crate::error::Problem> {
        match to {
            Some(to) if to < from => Err(crate::error::Problem::EndsBeforeStart),
            _ => Ok(Self { from, to }),
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        let self_ends_before = self.to.is_some_and(|to| to < other.from);
        let other_ends_before = other.to.is_some_and(|to| to < self.from);
        !self_ends_before && !other_ends_before
    }
}

/// Kinds of structural change recorded with lineage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Merge,
    Split,
    Rename,
    Move,
    Close,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Merge => "merge",
            ChangeKind::Split => "split",
            ChangeKind::Rename => "rename",
            ChangeKind::Move => "move",
            ChangeKind::Close => "close",
        }
    }
}

impl FromStr for ChangeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            ChangeKind::Create,
            ChangeKind::Merge,
            ChangeKind::Split,
            ChangeKind::Rename,
            ChangeKind::Move,
            ChangeKind::Close,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("unknown change “{s}”"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn codes_are_normalized_and_checked() {
        assert_eq!(OrgCode::parse(" vufo ").map(|c| c.0), Ok("VUFO".into()));
        assert!(OrgCode::parse("").is_err());
        assert!(OrgCode::parse("a b").is_err());
        assert!(OrgCode::parse(&"X".repeat(33)).is_err());
    }

    #[test]
    fn names_collapse_spaces_and_refuse_empty() {
        assert_eq!(
            OrgName::parse("  Liên hiệp   Khánh Hòa ").map(|n| n.0),
            Ok("Liên hiệp Khánh Hòa".into())
        );
        assert!(OrgName::parse("   ").is_err());
    }

    #[test]
    fn periods_are_inclusive_and_detect_overlap() {
        let before = Period::new(d("2008-08-01"), Some(d("2025-06-30"))).expect("valid");
        let after = Period::new(d("2025-07-01"), None).expect("valid");
        assert!(before.contains(d("2025-06-30")));
        assert!(!before.contains(d("2025-07-01")));
        assert!(after.contains(d("2099-01-01")));
        assert!(!before.overlaps(&after));
        let touching = Period::new(d("2025-06-30"), None).expect("valid");
        assert!(before.overlaps(&touching));
        assert!(Period::new(d("2025-07-01"), Some(d("2025-06-30"))).is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(k.as_str().parse::<OrgKind>(), Ok(k));
        }
        assert!("province".parse::<OrgKind>().is_err());
    }
}

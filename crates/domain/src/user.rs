//! Accounts: emails, roles and passwords as validated values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A lower-cased email address with one `@`, a local part and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, crate::error::Problem> {
        let email = input.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err(crate::error::Rule::NotAnEmail.into());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty()
            || !domain_ok
            || email.len() > 254
            || email.chars().any(char::is_whitespace)
        {
            return Err(crate::error::Rule::NotAnEmail.into());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: at least 10 characters. Never logged: `Debug` prints a placeholder.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, crate::error::Problem> {
        use crate::error::said;
        if input.chars().count() < 10 {
            return Err(said("password-short", [("min", "10".into())]));
        }
        if input.len() > 1024 {
            return Err(said("too-long", [("max", "1024".into())]));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a user may do; the scope unit says where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    CentralStaff,
    ClusterLead,
    UnionStaff,
    AssociationStaff,
    /// The head of a unit: its staff's rights, and decisions on the delegations it hosts.
    UnitHead,
    Viewer,
    /// A foreign NGO's applicant: files and follows their own NGO's applications, and sees
    /// nothing else.
    NgoApplicant,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::SystemAdmin,
        Role::CentralStaff,
        Role::ClusterLead,
        Role::UnionStaff,
        Role::AssociationStaff,
        Role::UnitHead,
        Role::Viewer,
        Role::NgoApplicant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::CentralStaff => "central_staff",
            Role::ClusterLead => "cluster_lead",
            Role::UnionStaff => "union_staff",
            Role::AssociationStaff => "association_staff",
            Role::UnitHead => "unit_head",
            Role::Viewer => "viewer",
            Role::NgoApplicant => "ngo_applicant",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            format!(
                "unknown role “{s}” (expected one of: system_admin, central_staff, cluster_lead, union_staff, association_staff, unit_head, viewer, ngo_applicant)"
            )
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Admin@Demo.Amity ").map(|e| e.0),
            Ok("admin@demo.amity".into())
        );
        for bad in ["", "no-at", "a@b", "@demo.amity", "a@.x", "a b@c.d"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_never_show_in_debug() {
        let p = Password::parse("amity-demo-secret").expect("long enough");
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert!(Password::parse("short").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
    }
}

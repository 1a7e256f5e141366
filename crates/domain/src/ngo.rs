//! Foreign non-governmental organizations: their permits to work in Viet Nam, what a permit is
//! on a given day, and the rules a permit's details must keep.

use std::str::FromStr;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::error::{Checker, Invalid};
use crate::partner::{Vocabulary, parse_vocabulary};

/// How many days before its end a permit is shown as expiring.
pub const EXPIRY_WARNING_DAYS: u64 = 90;

vocabulary!(
    /// What a permit allows: registering the NGO's operation, a project office, or a
    /// representative office.
    PermitKind, "kind", {
        OperationRegistration => "operation_registration",
        ProjectOffice => "project_office",
        RepresentativeOffice => "representative_office",
    }
);

vocabulary!(
    /// What the issuing body last decided about a permit; expiry follows from its dates.
    PermitStanding, "standing", { Valid => "valid", Suspended => "suspended", Revoked => "revoked" }
);

vocabulary!(
    /// What a permit is on a given day.
    PermitState, "state", {
        Valid => "valid",
        Expiring => "expiring",
        Expired => "expired",
        Suspended => "suspended",
        Revoked => "revoked",
    }
);

vocabulary!(
    /// A step in a permit's history.
    PermitChange, "change", {
        Issued => "issued",
        Extended => "extended",
        Amended => "amended",
        Reissued => "reissued",
        Suspended => "suspended",
        Revoked => "revoked",
        Reinstated => "reinstated",
    }
);

impl PermitState {
    /// The permit's state on `today`: a decision to suspend or revoke stands over its dates; a
    /// valid one has expired after its last day, and is expiring within
    /// [`EXPIRY_WARNING_DAYS`] of it.
    pub fn on(standing: PermitStanding, valid_to: NaiveDate, today: NaiveDate) -> PermitState {
        match standing {
            PermitStanding::Suspended => PermitState::Suspended,
            PermitStanding::Revoked => PermitState::Revoked,
            PermitStanding::Valid if valid_to < today => PermitState::Expired,
            PermitStanding::Valid
                if today
                    .checked_add_days(Days::new(EXPIRY_WARNING_DAYS))
                    .is_some_and(|h| valid_to <= h) =>
            {
                PermitState::Expiring
            }
            PermitStanding::Valid => PermitState::Valid,
        }
    }

    /// Whether the permit lets the NGO work today (an expiring permit still does).
    pub fn allows_work(self) -> bool {
        matches!(self, PermitState::Valid | PermitState::Expiring)
    }
}

impl PermitChange {
    /// The standing a change leads to from `from`, or why it cannot be made. Extending,
    /// amending and re-issuing keep a valid permit valid; a suspended one may be reinstated or
    /// revoked; a revoked one is final.
    pub fn after(self, from: PermitStanding) -> Result<PermitStanding, crate::error::Problem> {
        use crate::error::said;
        use PermitStanding as S;
        match (self, from) {
            (PermitChange::Issued, _) => Err(said("permit-issued-once", [])),
            (_, S::Revoked) => Err(said("permit-revoked", [])),
            (PermitChange::Extended | PermitChange::Amended | PermitChange::Reissued, S::Valid) => {
                Ok(S::Valid)
            }
            (PermitChange::Suspended, S::Valid) => Ok(S::Suspended),
            (PermitChange::Revoked, S::Valid | S::Suspended) => Ok(S::Revoked),
            (PermitChange::Reinstated, S::Suspended) => Ok(S::Valid),
            (_, _) => Err(said("cannot-move", [])),
        }
    }
}

/// A permit's details as written, before they are checked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermitDraft {
    pub kind: Option<String>,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// The provincial unions whose provinces the permit covers.
    #[serde(default)]
    pub provinces: Vec<i64>,
    /// DAC 5-digit sector codes allowed.
    #[serde(default)]
    pub sectors: Vec<String>,
    pub note: Option<String>,
}

/// Checked permit details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PermitSpec {
    pub kind: PermitKind,
    pub number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub provinces: Vec<i64>,
    pub sectors: Vec<String>,
    pub note: Option<String>,
}

fn words(s: &Option<String>) -> String {
    s.as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl PermitDraft {
    /// Checks every field at once. Sector codes are checked for their form here and against
    /// the codelist by the store.
    pub fn check(&self) -> Result<PermitSpec, Invalid> {
        let mut check = Checker::new();
        let kind = check.required(
            "kind",
            self.kind.as_deref().map(str::trim),
            str::parse::<PermitKind>,
        );
        let (number, issuer) = (words(&self.number), words(&self.issuer));
        for (field, value) in [("number", &number), ("issuer", &issuer)] {
            if value.is_empty() {
                check.push(field, crate::error::Problem::Required);
            } else if value.chars().count() > 200 {
                check.push(field, "must be at most 200 characters");
            }
        }
        for (field, value) in [
            ("issued_on", self.issued_on),
            ("valid_from", self.valid_from),
            ("valid_to", self.valid_to),
        ] {
            if value.is_none() {
                check.push(field, crate::error::Problem::Required);
            }
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            check.push("valid_to", crate::error::Problem::EndsBeforeStart);
        }
        if let (Some(issued), Some(to)) = (self.issued_on, self.valid_to)
            && to < issued
        {
            check.push("valid_to", crate::error::Problem::EndsBeforeStart);
        }
        if self.provinces.is_empty() {
            check.push("provinces", crate::error::Rule::NameProvince);
        }
        let mut sectors: Vec<String> = self
            .sectors
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if let Some(bad) = sectors
            .iter()
            .find(|s| s.len() != 5 || !s.chars().all(|c| c.is_ascii_digit()))
        {
            check.push(
                "sectors",
                format!("“{bad}” is not a 5-digit DAC sector code"),
            );
        }
        sectors.sort();
        sectors.dedup();
        let mut provinces = self.provinces.clone();
        provinces.sort_unstable();
        provinces.dedup();
        check.finish()?;
        let (Some(kind), Some(issued_on), Some(valid_from), Some(valid_to)) =
            (kind, self.issued_on, self.valid_from, self.valid_to)
        else {
            return Err(Invalid::field("kind", crate::error::Problem::Required));
        };
        let note = Some(words(&self.note)).filter(|n| !n.is_empty());
        Ok(PermitSpec {
            kind,
            number,
            issuer,
            issued_on,
            valid_from,
            valid_to,
            provinces,
            sectors,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_permits_state_follows_its_decision_then_its_dates() {
        let today = d("2026-11-23");
        assert_eq!(
            PermitState::on(PermitStanding::Valid, d("2027-06-30"), today),
            PermitState::Valid
        );
        assert_eq!(
            PermitState::on(PermitStanding::Valid, d("2027-02-21"), today),
            PermitState::Expiring,
            "90 days ahead"
        );
        assert_eq!(
            PermitState::on(PermitStanding::Valid, d("2027-02-22"), today),
            PermitState::Valid,
            "91 days ahead"
        );
        assert_eq!(
            PermitState::on(PermitStanding::Valid, d("2026-11-23"), today),
            PermitState::Expiring,
            "its last day"
        );
        assert_eq!(
            PermitState::on(PermitStanding::Valid, d("2026-11-22"), today),
            PermitState::Expired
        );
        assert_eq!(
            PermitState::on(PermitStanding::Suspended, d("2030-01-01"), today),
            PermitState::Suspended
        );
        assert!(PermitState::Expiring.allows_work() && !PermitState::Suspended.allows_work());
    }

    #[test]
    fn permit_changes_keep_to_their_order() {
        assert_eq!(
            PermitChange::Suspended.after(PermitStanding::Valid),
            Ok(PermitStanding::Suspended)
        );
        assert_eq!(
            PermitChange::Reinstated.after(PermitStanding::Suspended),
            Ok(PermitStanding::Valid)
        );
        assert_eq!(
            PermitChange::Revoked.after(PermitStanding::Suspended),
            Ok(PermitStanding::Revoked)
        );
        assert!(
            PermitChange::Extended
                .after(PermitStanding::Revoked)
                .is_err()
        );
        assert!(
            PermitChange::Reinstated
                .after(PermitStanding::Valid)
                .is_err()
        );
        assert!(
            PermitChange::Extended
                .after(PermitStanding::Suspended)
                .is_err()
        );
        assert!(PermitChange::Issued.after(PermitStanding::Valid).is_err());
    }

    #[test]
    fn a_permit_draft_names_every_bad_field() {
        let bad = PermitDraft {
            kind: Some("embassy".into()),
            valid_from: Some(d("2026-01-01")),
            valid_to: Some(d("2025-12-31")),
            sectors: vec!["1511".into()],
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .check()
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "kind",
                "number",
                "issuer",
                "issued_on",
                "valid_to",
                "provinces",
                "sectors"
            ]
        );
        let good = PermitDraft {
            kind: Some("operation_registration".into()),
            number: Some(" 123/GĐK-BNG ".into()),
            issuer: Some("Bộ Ngoại giao".into()),
            issued_on: Some(d("2024-03-01")),
            valid_from: Some(d("2024-03-01")),
            valid_to: Some(d("2029-02-28")),
            provinces: vec![7, 3, 7],
            sectors: vec!["15150".into(), "11110".into(), "15150".into()],
            note: Some("  ".into()),
        };
        let spec = good.check().expect("valid");
        assert_eq!(
            (
                spec.number.as_str(),
                spec.provinces,
                spec.sectors,
                spec.note
            ),
            (
                "123/GĐK-BNG",
                vec![3, 7],
                vec!["11110".into(), "15150".into()],
                None
            )
        );
    }
}

//! Delegations and events: their vocabularies and the delegation workflow.
//!
//! Which transitions exist is decided here; who may make each one is decided in
//! [`crate::authz`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::partner::{Vocabulary, parse_vocabulary};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = $crate::error::Problem;
            fn from_str(s: &str) -> Result<Self, $crate::error::Problem> {
                parse_vocabulary(s)
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// Outbound (*đoàn ra*) or inbound (*đoàn vào*).
    Direction, "direction", { Outbound => "outbound", Inbound => "inbound" }
);

vocabulary!(
    /// Where a delegation stands in its workflow.
    DelegationState, "state", {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
        Returned => "returned",
        Rejected => "rejected",
        Completed => "completed",
        Reported => "reported",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// A member's part in a delegation.
    MemberRole, "role", { Head => "head", Deputy => "deputy", Member => "member", Interpreter => "interpreter", Secretary => "secretary" }
);

vocabulary!(
    /// What kind of event.
    EventType, "type", {
        FriendshipExchange => "friendship_exchange",
        AnniversaryCelebration => "anniversary_celebration",
        Conference => "conference",
        Contest => "contest",
        HumanitarianSupport => "humanitarian_support",
        AwardCeremony => "award_ceremony",
        Training => "training",
        CulturalExchange => "cultural_exchange",
        Memorial => "memorial",
        Other => "other",
    }
);

vocabulary!(
    /// How an event was held.
    Channel, "channel", { InPerson => "in_person", Online => "online", Hybrid => "hybrid" }
);

impl DelegationState {
    /// States from which a delegation may still be cancelled.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            DelegationState::Draft | DelegationState::Submitted | DelegationState::Approved
        )
    }

    /// Whether the record's details may still be changed (before submission, or after a return).
    pub fn is_editable(self) -> bool {
        matches!(self, DelegationState::Draft)
    }

    /// The state a move to `to` leads to, or why no such move exists from here. A return sends
    /// the delegation back to draft (the reviewer's comment is kept with the move).
    pub fn after(self, to: DelegationState) -> Result<DelegationState, crate::error::Problem> {
        use DelegationState::*;
        let allowed = match (self, to) {
            (Draft, Submitted) => true,
            (Submitted, Approved | Returned | Rejected) => true,
            (Approved, Completed) => true,
            (Completed, Reported) => true,
            (from, Cancelled) => from.is_open(),
            _ => false,
        };
        if !allowed {
            return Err(crate::error::said("cannot-move", []));
        }
        Ok(if to == Returned { Draft } else { to })
    }

    /// The moves that decide on a submitted request (approval, return, rejection).
    pub fn is_decision(to: DelegationState) -> bool {
        matches!(
            to,
            DelegationState::Approved | DelegationState::Returned | DelegationState::Rejected
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DelegationState::*;

    #[test]
    fn the_workflow_moves_forward_and_cancels_only_while_open() {
        assert_eq!(Draft.after(Submitted), Ok(Submitted));
        assert_eq!(
            Submitted.after(Returned),
            Ok(Draft),
            "a return sends it back to draft"
        );
        assert_eq!(Submitted.after(Approved), Ok(Approved));
        assert_eq!(Approved.after(Completed), Ok(Completed));
        assert_eq!(Completed.after(Reported), Ok(Reported));
        for open in [Draft, Submitted, Approved] {
            assert_eq!(open.after(Cancelled), Ok(Cancelled));
        }
        for (from, to) in [
            (Draft, Approved),
            (Rejected, Submitted),
            (Completed, Cancelled),
            (Reported, Draft),
            (Cancelled, Draft),
            (Submitted, Reported),
        ] {
            assert!(from.after(to).is_err(), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn vocabularies_round_trip() {
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>(), Ok(*t));
        }
        assert!(
            "party"
                .parse::<EventType>()
                .expect_err("not a type")
                .to_string()
                .contains("friendship_exchange")
        );
    }
}

//! Emulation (*thi đua*) and awards: criteria with weights for a cluster and year, scored from
//! approved report values, and the register of awards with its proposals.
//!
//! Scoring rule: a criterion read from an indicator gives each member
//! `weight × value ÷ the best value among the cluster's members` (nothing when no member has
//! any); a manual criterion gives the points entered for the member, at most its weight. A
//! member's score is the sum; members are ranked by score, ties sharing a rank.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::partner::{Vocabulary, parse_vocabulary};

vocabulary!(
    /// The federation's forms of recognition.
    AwardType, "award_type", {
        Medal => "medal",
        Certificate => "certificate",
        EmulationFlag => "emulation_flag",
        Other => "other",
    }
);

vocabulary!(
    /// Where an award proposal stands: written, sent up, decided (with its decision number),
    /// or refused.
    AwardState, "state", { Proposed => "proposed", Submitted => "submitted", Approved => "approved", Refused => "refused" }
);

impl AwardState {
    /// The state a move to `to` leads to, or why there is no such move. A submitted proposal
    /// may also go back to the proposer (to `proposed`).
    pub fn after(self, to: AwardState) -> Result<AwardState, crate::error::Problem> {
        use AwardState::*;
        match (self, to) {
            (Proposed, Submitted)
            | (Submitted, Approved)
            | (Submitted, Refused)
            | (Submitted, Proposed) => Ok(to),
            _ => Err(crate::error::said("cannot-move", [])),
        }
    }

    /// Whether moving to `to` decides the proposal (central staff), as against the proposing
    /// unit sending it up: every move out of `submitted` is a decision, including sending it
    /// back.
    pub fn is_decision(self, to: AwardState) -> bool {
        self == AwardState::Submitted && to != AwardState::Submitted
    }
}

/// One criterion's points for one member.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Points {
    pub criterion: String,
    /// The value the points come from (an indicator value or the entered points).
    pub value: f64,
    pub points: f64,
}

/// A criterion as scored: an indicator code, or none for a manual criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub code: String,
    pub indicator: Option<String>,
    pub weight: f64,
}

/// The points of each member (in the order given) for each criterion: `values(member,
/// indicator)` reads an approved value, `entered(member, criterion)` a manual score.
pub fn score(
    criteria: &[Criterion],
    members: usize,
    values: impl Fn(usize, &str) -> Option<f64>,
    entered: impl Fn(usize, &str) -> Option<f64>,
) -> Vec<Vec<Points>> {
    let mut out = vec![Vec::with_capacity(criteria.len()); members];
    for c in criteria {
        let raw: Vec<f64> = (0..members)
            .map(|m| match &c.indicator {
                Some(code) => values(m, code).unwrap_or(0.0).max(0.0),
                None => entered(m, &c.code).unwrap_or(0.0).clamp(0.0, c.weight),
            })
            .collect();
        let best = raw.iter().copied().fold(0.0, f64::max);
        for (m, value) in raw.into_iter().enumerate() {
            let points = match &c.indicator {
                Some(_) if best > 0.0 => c.weight * value / best,
                Some(_) => 0.0,
                None => value,
            };
            out[m].push(Points {
                criterion: c.code.clone(),
                value,
                points: (points * 100.0).round() / 100.0,
            });
        }
    }
    out
}

/// Ranks by score, highest first; equal scores share a rank (1, 2, 2, 4).
pub fn ranks(scores: &[f64]) -> Vec<usize> {
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|o| *o > s).count())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_criteria_scale_to_the_best_member_and_manual_ones_are_capped() {
        let criteria = [
            Criterion {
                code: "events".into(),
                indicator: Some("events".into()),
                weight: 40.0,
            },
            Criterion {
                code: "coordination".into(),
                indicator: None,
                weight: 20.0,
            },
        ];
        let events = [Some(10.0), Some(5.0), None];
        let entered = [Some(15.0), Some(25.0), None];
        let s = score(&criteria, 3, |m, _| events[m], |m, _| entered[m]);
        let totals: Vec<f64> = s.iter().map(|p| p.iter().map(|p| p.points).sum()).collect();
        assert_eq!(
            totals,
            [55.0, 40.0, 0.0],
            "40 + 15; 20 + 20 (25 capped at the weight); nothing"
        );
        assert_eq!(ranks(&totals), [1, 2, 3]);
        assert_eq!(ranks(&[5.0, 7.0, 5.0, 1.0]), [2, 1, 2, 4]);
    }

    #[test]
    fn nobody_scores_on_an_indicator_no_member_has() {
        let criteria = [Criterion {
            code: "trainings".into(),
            indicator: Some("trainings".into()),
            weight: 10.0,
        }];
        let s = score(&criteria, 2, |_, _| Some(0.0), |_, _| None);
        assert_eq!((s[0][0].points, s[1][0].points), (0.0, 0.0));
    }

    #[test]
    fn proposals_move_through_the_chain() {
        use AwardState::*;
        assert_eq!(Proposed.after(Submitted), Ok(Submitted));
        assert_eq!(Submitted.after(Approved), Ok(Approved));
        assert!(
            Proposed.after(Approved).is_err(),
            "nothing is decided before it is sent up"
        );
        assert!(Approved.after(Proposed).is_err(), "a decision stands");
        assert!(Submitted.is_decision(Refused) && !Proposed.is_decision(Submitted));
    }
}

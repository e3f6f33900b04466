//! Levels (weak, developing, strong) and their cut points, on mean scores and on ability.
//!
//! On scores (one attempt's scorecard): strong ≥ 0.75, developing ≥ 0.5, weak below;
//! not enough evidence under 2 graded answers in a topic, 3 in an area.
//!
//! On ability (logits, see [`crate::learner::model`]): levels from ability (documented in the README) match the score thresholds on a question
//! of medium difficulty (b = 0, a = 1, no guessing), whose chance of a right answer is
//! 1 / (1 + e^(−θ)):
//! - strong: θ ≥ ln 3 ≈ 1.10 (at least a 75% chance on a medium question);
//! - developing: 0 ≤ θ < ln 3 (50% to 75%);
//! - weak: θ < 0 (under 50%);
//! - not enough evidence: fewer than [`MIN_AREA_EVIDENCE`] graded answers.

use crate::irt::{Estimate, inside_one_band};
use serde::{Deserialize, Serialize};

/// Mean score at or above which a topic or area is strong.
pub const STRONG: f64 = 0.75;
/// Mean score at or above which a topic or area is developing (below: weak).
pub const DEVELOPING: f64 = 0.5;
/// Graded answers a topic needs before it gets a level.
pub const MIN_TOPIC_EVIDENCE: usize = 2;
/// Graded answers an area needs before it gets a level.
pub const MIN_AREA_EVIDENCE: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Weak,
    Developing,
    Strong,
    NotEnoughEvidence,
}

impl Level {
    /// The level of a mean `score` over `answered` answers, needing `min` answers.
    pub fn of(score: f64, answered: usize, min: usize) -> Level {
        Level::banded(score, answered, min, DEVELOPING, STRONG)
    }

    /// The band `value` falls in, given the cut points `developing` < `strong`; not
    /// enough evidence below `min` answers.
    pub fn banded(value: f64, answered: usize, min: usize, developing: f64, strong: f64) -> Level {
        if answered < min {
            Level::NotEnoughEvidence
        } else if value >= strong {
            Level::Strong
        } else if value >= developing {
            Level::Developing
        } else {
            Level::Weak
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Weak => "weak",
            Level::Developing => "developing",
            Level::Strong => "strong",
            Level::NotEnoughEvidence => "not enough evidence",
        }
    }
}

/// Ability at or above which an area is strong: ln 3.
pub const STRONG_THETA: f64 = 1.098_612_288_668_109_8;
/// Ability at or above which an area is developing (below: weak).
pub const DEVELOPING_THETA: f64 = 0.0;
/// The cut points between level bands, ascending.
pub const LEVEL_CUTS: [f64; 2] = [DEVELOPING_THETA, STRONG_THETA];
/// Half-width, in standard errors, of the interval that must lie in one band for a
/// verdict to be settled (95%).
pub const Z_95: f64 = 1.96;

/// The level of ability `theta` after `answered` graded answers.
pub fn level_of_theta(theta: f64, answered: usize) -> Level {
    Level::banded(
        theta,
        answered,
        MIN_AREA_EVIDENCE,
        DEVELOPING_THETA,
        STRONG_THETA,
    )
}

/// True when the 95% interval θ ± 1.96·SE lies inside one level band: more questions
/// would not change the verdict.
pub fn settled(est: Estimate) -> bool {
    inside_one_band(est, Z_95, &LEVEL_CUTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theta_levels_match_the_score_thresholds_on_a_medium_question() {
        let p = |t: f64| 1.0 / (1.0 + (-t).exp());
        assert!((p(STRONG_THETA) - STRONG).abs() < 1e-12);
        assert!((p(DEVELOPING_THETA) - DEVELOPING).abs() < 1e-12);
        assert_eq!(level_of_theta(1.2, 5), Level::Strong);
        assert_eq!(level_of_theta(0.3, 5), Level::Developing);
        assert_eq!(level_of_theta(-0.1, 5), Level::Weak);
        assert_eq!(level_of_theta(2.0, 2), Level::NotEnoughEvidence);
    }

    #[test]
    fn settled_only_when_the_interval_misses_every_cut() {
        assert!(settled(Estimate {
            theta: -1.5,
            se: 0.5
        }));
        assert!(!settled(Estimate {
            theta: 0.5,
            se: 0.5
        }));
        assert!(settled(Estimate {
            theta: 2.5,
            se: 0.6
        }));
    }
}

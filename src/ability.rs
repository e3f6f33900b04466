//! Per-area ability (θ ± SE) from graded responses, and levels derived from it.
//!
//! Each area has one ability on the logit scale. It is the EAP estimate under a N(0, 1)
//! prior from the area's graded answers (right = fully right; a skip is wrong), with each
//! question's item parameters ([`crate::irt::item_of`]).
//!
//! Levels from ability (documented in the README) match the score thresholds on a question
//! of medium difficulty (b = 0, a = 1, no guessing), whose chance of a right answer is
//! 1 / (1 + e^(−θ)):
//! - strong: θ ≥ ln 3 ≈ 1.10 (at least a 75% chance on a medium question);
//! - developing: 0 ≤ θ < ln 3 (50% to 75%);
//! - weak: θ < 0 (under 50%);
//! - not enough evidence: fewer than [`crate::score::MIN_AREA_EVIDENCE`] graded answers.

use crate::bank::Catalog;
use crate::irt::{Estimate, Grid, Posterior, inside_one_band, item_of};
use crate::quiz::Response;
use crate::score::{Level, MIN_AREA_EVIDENCE};

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

/// The EAP ability of `area` from the graded responses to its questions that the catalog
/// knows.
pub fn area_ability(catalog: &Catalog, responses: &[Response], area: &str) -> Estimate {
    let mut post = Posterior::new(&Grid::default());
    for r in responses.iter().filter(|r| r.graded && r.area == area) {
        if let Some(q) = catalog.question(&r.id) {
            post.update(&item_of(q), r.correct);
        }
    }
    post.estimate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theta_levels_match_the_score_thresholds_on_a_medium_question() {
        let p = |t: f64| 1.0 / (1.0 + (-t).exp());
        assert!((p(STRONG_THETA) - crate::score::STRONG).abs() < 1e-12);
        assert!((p(DEVELOPING_THETA) - crate::score::DEVELOPING).abs() < 1e-12);
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

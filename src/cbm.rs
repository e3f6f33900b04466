//! Certainty-based marking (CBM), with Moodle's rules exactly (`question_cbm` and
//! `qbehaviour_deferredcbm_type` in Moodle's question engine).
//!
//! After each answer the learner says how sure they are: 1 (unsure), 2 (mid) or 3 (quite
//! sure). A right answer earns 1, 2 or 3 marks, a wrong one 0, −2 or −6; partial credit
//! scales the right mark. The best certainty to give is 1 when the chance of being right is
//! under 2/3, 2 from 2/3 to 80%, 3 above 80%. Per certainty level the accuracy is compared
//! with that optimal range, and Moodle's judgement says whether the learner was over- or
//! under-confident there, "a bit" when (accuracy − limit)² · answers ≤ 0.5.

use crate::evidence::Response;
use serde::{Deserialize, Serialize};

/// Marks for a right answer at certainty 1, 2, 3.
pub const RIGHT: [f64; 3] = [1.0, 2.0, 3.0];
/// Marks for a wrong answer at certainty 1, 2, 3.
pub const WRONG: [f64; 3] = [0.0, -2.0, -6.0];
/// The optimal range of the chance of being right for certainty 1, 2, 3.
pub const OPTIMAL: [(f64, f64); 3] = [
    (0.0, 0.666_666_666_666_667),
    (0.666_666_666_666_667, 0.8),
    (0.8, 1.0),
];
/// The certainty assumed when none is given (Moodle's default).
pub const DEFAULT_CERTAINTY: u8 = 1;
/// A fraction at or below this is wrong (Moodle's `question_utils::MARK_TOLERANCE`).
const MARK_TOLERANCE: f64 = 0.000_000_05;

/// The CBM mark of an answer with raw score `fraction` in [0, 1] at certainty `c` (1–3).
pub fn mark(fraction: f64, c: u8) -> f64 {
    let i = usize::from(c.clamp(1, 3) - 1);
    if fraction <= MARK_TOLERANCE {
        WRONG[i]
    } else {
        RIGHT[i] * fraction
    }
}

/// Moodle's judgement of one certainty level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Overconfident,
    SlightlyOverconfident,
    About,
    SlightlyUnderconfident,
    Underconfident,
}

impl Judgement {
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Overconfident => "over-confident",
            Judgement::SlightlyOverconfident => "a bit over-confident",
            Judgement::About => "about right",
            Judgement::SlightlyUnderconfident => "a bit under-confident",
            Judgement::Underconfident => "under-confident",
        }
    }
}

/// The judgement for `answers` answers at certainty `c` whose mean raw score is `accuracy`.
pub fn judge(c: u8, accuracy: f64, answers: usize) -> Judgement {
    let (lo, hi) = OPTIMAL[usize::from(c.clamp(1, 3) - 1)];
    let n = answers as f64;
    if accuracy < lo - 0.000_000_5 {
        if (accuracy - lo).powi(2) * n > 0.5 {
            Judgement::Overconfident
        } else {
            Judgement::SlightlyOverconfident
        }
    } else if accuracy > hi + 0.000_000_5 {
        if (accuracy - hi).powi(2) * n > 0.5 {
            Judgement::Underconfident
        } else {
            Judgement::SlightlyUnderconfident
        }
    } else {
        Judgement::About
    }
}

/// The 95% Wilson score interval of a proportion `p` over `n` trials.
pub fn wilson(p: f64, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054;
    let n = n as f64;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// One certainty level of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub certainty: u8,
    pub answers: usize,
    /// Mean raw score of those answers (Moodle's accuracy at this level); `None` with none.
    pub accuracy: Option<f64>,
    /// 95% Wilson interval of `accuracy`.
    pub interval: Option<(f64, f64)>,
    /// The optimal range for this certainty.
    pub optimal: (f64, f64),
    pub judgement: Option<Judgement>,
}

/// What certainty-based marking says about a set of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Graded questions in all, answered with a certainty or skipped.
    pub questions: usize,
    /// Mean raw score over all of them (skips count 0).
    pub accuracy: f64,
    /// Mean CBM mark over all of them (skips count 0), in [−6, 3].
    pub average_mark: f64,
    /// 0.1 × (average mark − the best mark expected for this accuracy).
    pub bonus: f64,
    pub accuracy_plus_bonus: f64,
    /// Certainty 1, 2 and 3.
    pub levels: Vec<Level>,
}

/// Moodle's CBM bonus for an average mark `average` at accuracy `accuracy`.
pub fn bonus(average: f64, accuracy: f64) -> f64 {
    let expected = (0..3)
        .map(|i| accuracy * RIGHT[i] + (1.0 - accuracy) * WRONG[i])
        .fold(f64::NEG_INFINITY, f64::max);
    0.1 * (average - expected)
}

/// The summary of graded `responses` (a skip counts as not answered); `None` when none
/// has a certainty.
pub fn summarise(responses: &[Response]) -> Option<Summary> {
    let graded: Vec<&Response> = responses.iter().filter(|r| r.graded).collect();
    if !graded.iter().any(|r| r.certainty.is_some()) {
        return None;
    }
    let mut count = [0usize; 3];
    let mut raw = [0.0f64; 3];
    let mut cbm = [0.0f64; 3];
    for r in graded.iter().filter(|r| !r.skipped()) {
        let c = r.certainty.unwrap_or(DEFAULT_CERTAINTY).clamp(1, 3);
        let i = usize::from(c - 1);
        count[i] += 1;
        raw[i] += r.score;
        cbm[i] += mark(r.score, c);
    }
    let n = graded.len() as f64;
    let accuracy = raw.iter().sum::<f64>() / n;
    let average_mark = cbm.iter().sum::<f64>() / n;
    let b = bonus(average_mark, accuracy);
    let levels = (0..3)
        .map(|i| {
            let c = i as u8 + 1;
            let acc = (count[i] > 0).then(|| raw[i] / count[i] as f64);
            Level {
                certainty: c,
                answers: count[i],
                accuracy: acc,
                interval: acc.map(|p| wilson(p, count[i])),
                optimal: OPTIMAL[i],
                judgement: acc.map(|p| judge(c, p, count[i])),
            }
        })
        .collect();
    Some(Summary {
        questions: graded.len(),
        accuracy,
        average_mark,
        bonus: b,
        accuracy_plus_bonus: accuracy + b,
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_moodles_table() {
        assert_eq!([mark(1.0, 1), mark(1.0, 2), mark(1.0, 3)], [1.0, 2.0, 3.0]);
        assert_eq!(
            [mark(0.0, 1), mark(0.0, 2), mark(0.0, 3)],
            [0.0, -2.0, -6.0]
        );
        // Partial credit scales the right mark.
        assert_eq!(mark(0.5, 3), 1.5);
    }

    #[test]
    fn the_judgement_uses_moodles_significance_rule() {
        // Certainty 3, 60% right over 10 answers: (0.6 − 0.8)² · 10 = 0.4 ≤ 0.5.
        assert_eq!(judge(3, 0.6, 10), Judgement::SlightlyOverconfident);
        // Over 20 answers: 0.8 > 0.5.
        assert_eq!(judge(3, 0.6, 20), Judgement::Overconfident);
        assert_eq!(judge(2, 0.75, 5), Judgement::About);
        // Certainty 1, all 4 right: (1 − 2/3)² · 4 = 0.44.
        assert_eq!(judge(1, 1.0, 4), Judgement::SlightlyUnderconfident);
        assert_eq!(judge(1, 1.0, 5), Judgement::Underconfident);
    }

    #[test]
    fn bonus_and_wilson_known_values() {
        // All right at C=3: average 3, accuracy 1; the best expected mark at accuracy 1 is 3.
        assert!((bonus(3.0, 1.0)).abs() < 1e-12);
        // All right at C=1: 0.1 × (1 − 3) = −0.2.
        assert!((bonus(1.0, 1.0) + 0.2).abs() < 1e-12);
        // Wilson, 8 of 10: (0.4902, 0.9433).
        let (lo, hi) = wilson(0.8, 10);
        assert!(
            (lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4,
            "{lo} {hi}"
        );
    }
}

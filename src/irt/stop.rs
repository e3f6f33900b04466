//! Stopping: when one ability has been measured well enough.

use super::estimate::Estimate;

/// Why a test stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The standard error reached the target.
    Precise,
    /// The confidence interval lies inside one level band: the verdict cannot change.
    Decided,
    /// The item budget is spent.
    Budget,
    /// No item is left to ask.
    Exhausted,
}

/// A stopping rule; any one condition stops the test.
#[derive(Debug, Clone, PartialEq)]
pub struct StopRule {
    /// Stop when SE ≤ this (logits). `None`: never on precision.
    pub se_target: Option<f64>,
    /// Stop after this many items.
    pub max_items: usize,
    /// Inner cut points between level bands (ascending, logits). Empty: no band rule.
    pub bands: Vec<f64>,
    /// Half-width of the confidence interval in SEs (1.96 for 95%).
    pub z: f64,
}

impl Default for StopRule {
    /// SE ≤ 0.35, at most 40 items, no band rule, 95% intervals.
    fn default() -> Self {
        StopRule {
            se_target: Some(0.35),
            max_items: 40,
            bands: Vec::new(),
            z: 1.96,
        }
    }
}

/// True when the interval [θ̂ − z·SE, θ̂ + z·SE] contains none of the `cuts`, so it lies
/// inside one band.
pub fn inside_one_band(est: Estimate, z: f64, cuts: &[f64]) -> bool {
    let (lo, hi) = (est.theta - z * est.se, est.theta + z * est.se);
    !cuts.iter().any(|&c| lo < c && c < hi)
}

impl StopRule {
    /// Whether to stop after `given` items with estimate `est`.
    pub fn check(&self, est: Estimate, given: usize) -> Option<StopReason> {
        if given >= self.max_items {
            return Some(StopReason::Budget);
        }
        if given > 0 && self.se_target.is_some_and(|t| est.se <= t) {
            return Some(StopReason::Precise);
        }
        if given > 0 && !self.bands.is_empty() && inside_one_band(est, self.z, &self.bands) {
            return Some(StopReason::Decided);
        }
        None
    }
}

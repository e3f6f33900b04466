//! Ability estimation: expected a posteriori (EAP) on a fixed quadrature grid.
//!
//! The posterior over θ after responses u₁…uₙ to items 1…n is
//! π(θ | u) ∝ φ(θ) · Πᵢ Pᵢ(θ)^uᵢ (1 − Pᵢ(θ))^(1−uᵢ), with φ the standard normal prior.
//! On grid points θₖ with weights wₖ = π(θₖ | u) (normalised), the estimate is the posterior
//! mean θ̂ = Σ wₖ θₖ and its standard error the posterior standard deviation
//! SE = √(Σ wₖ (θₖ − θ̂)²). Both are finite for every response pattern (the prior keeps
//! all-right and all-wrong patterns in bounds), and SE ≤ 1 (the prior's own SD) in practice.
//!
//! [`Posterior`] keeps the normalised weights, so one answer costs one pass over the grid.

use super::model::{Item, log_likelihood};
use std::sync::{Arc, OnceLock};

/// An ability estimate with its standard error, both in logits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub theta: f64,
    pub se: f64,
}

/// Quadrature points with the log of the standard-normal prior at each, and the prior's
/// normalised weights and estimate (computed once, so a new [`Posterior`] costs a copy).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    points: Arc<[f64]>,
    log_prior: Arc<[f64]>,
    prior_weights: Vec<f64>,
    prior_estimate: Estimate,
}

impl Grid {
    /// `n` ≥ 2 equally spaced points on [`lo`, `hi`] (`lo` < `hi`, both finite), prior N(0, 1).
    pub fn new(n: usize, lo: f64, hi: f64) -> Grid {
        assert!(n >= 2 && lo.is_finite() && hi.is_finite() && lo < hi);
        let step = (hi - lo) / (n - 1) as f64;
        let points: Vec<f64> = (0..n).map(|k| lo + step * k as f64).collect();
        let log_prior: Vec<f64> = points.iter().map(|t| -0.5 * t * t).collect();
        let prior_estimate = eap(&points, &log_prior);
        let max = log_prior.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut prior_weights: Vec<f64> = log_prior.iter().map(|l| (l - max).exp()).collect();
        let sum: f64 = prior_weights.iter().sum();
        prior_weights.iter_mut().for_each(|w| *w /= sum);
        Grid {
            points: points.into(),
            log_prior: log_prior.into(),
            prior_weights,
            prior_estimate,
        }
    }

    pub fn points(&self) -> &[f64] {
        &self.points
    }
}

impl Default for Grid {
    /// 81 points on [−4, 4] (step 0.1).
    fn default() -> Self {
        Grid::new(81, -4.0, 4.0)
    }
}

/// The running posterior of one ability.
///
/// Weights are kept normalised in plain space (one exp per grid point per answer, no
/// log); if a pathological item (say a = 1000) ever underflows every weight, the
/// posterior is rebuilt in log space from the stored responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// Posterior weight per grid point, summing to 1.
    weights: Vec<f64>,
    /// The grid's, shared.
    points: Arc<[f64]>,
    log_prior: Arc<[f64]>,
    responses: Vec<(Item, bool)>,
    estimate: Estimate,
}

impl Posterior {
    /// The prior alone: θ̂ = 0 (on a symmetric grid), SE ≈ 1.
    pub fn new(grid: &Grid) -> Posterior {
        Posterior {
            weights: grid.prior_weights.clone(),
            points: grid.points.clone(),
            log_prior: grid.log_prior.clone(),
            responses: Vec::new(),
            estimate: grid.prior_estimate,
        }
    }

    /// Adds one response: wₖ ← wₖ · P(θₖ)^u (1 − P(θₖ))^(1−u), renormalised.
    pub fn update(&mut self, item: &Item, correct: bool) {
        self.responses.push((*item, correct));
        let (mut sw, mut swt, mut swtt) = (0.0, 0.0, 0.0);
        for (w, &t) in self.weights.iter_mut().zip(self.points.iter()) {
            let p = super::model::probability(t, item);
            *w *= if correct { p } else { 1.0 - p };
            sw += *w;
            swt += *w * t;
            swtt += *w * t * t;
        }
        self.finish_update(sw, swt, swtt);
    }

    /// [`Posterior::update`] with P(θₖ) of `item` already computed at every grid point
    /// (`curve`, one [`Curves::row`]): the same result, bit for bit, without the
    /// exponentials. `curve` must come from the same grid and item.
    pub fn update_with_curve(&mut self, item: &Item, curve: &[f64], correct: bool) {
        assert_eq!(curve.len(), self.weights.len(), "a curve of another grid");
        self.responses.push((*item, correct));
        let (mut sw, mut swt, mut swtt) = (0.0, 0.0, 0.0);
        for ((w, &t), &p) in self.weights.iter_mut().zip(self.points.iter()).zip(curve) {
            *w *= if correct { p } else { 1.0 - p };
            sw += *w;
            swt += *w * t;
            swtt += *w * t * t;
        }
        self.finish_update(sw, swt, swtt);
    }

    /// Renormalises after an update whose weight sums were `sw`, Σwθ and Σwθ².
    fn finish_update(&mut self, sw: f64, swt: f64, swtt: f64) {
        if !(sw.is_normal() && sw > 1e-250) {
            self.rebuild();
            return;
        }
        let inv = 1.0 / sw;
        self.weights.iter_mut().for_each(|w| *w *= inv);
        let theta = swt * inv;
        self.estimate = Estimate {
            theta,
            se: (swtt * inv - theta * theta).max(0.0).sqrt(),
        };
    }

    /// Recomputes the weights in log space from every stored response.
    fn rebuild(&mut self) {
        let mut log_post = self.log_prior.to_vec();
        for (item, correct) in &self.responses {
            for (lp, &t) in log_post.iter_mut().zip(self.points.iter()) {
                *lp += log_likelihood(t, item, *correct);
            }
        }
        self.estimate = eap(&self.points, &log_post);
        let max = log_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for (w, lp) in self.weights.iter_mut().zip(&log_post) {
            *w = (lp - max).exp();
        }
        let sum: f64 = self.weights.iter().sum();
        self.weights.iter_mut().for_each(|w| *w /= sum);
    }

    /// Number of responses added.
    pub fn answered(&self) -> usize {
        self.responses.len()
    }

    /// The predictive probability of a right answer to `item`: Σ wₖ P(θₖ), the
    /// posterior-weighted mean of P.
    pub fn predictive(&self, item: &Item) -> f64 {
        self.points
            .iter()
            .zip(&self.weights)
            .map(|(&t, w)| w * super::model::probability(t, item))
            .sum()
    }

    /// The EAP estimate and posterior SD (kept up to date by [`Posterior::update`]).
    pub fn estimate(&self) -> Estimate {
        self.estimate
    }
}

/// The response probability of each item at every point of one grid, computed the first
/// time the item is answered and kept, so that each later answer's posterior update is
/// multiplications only ([`Posterior::update_with_curve`]). Shared by threads; memory:
/// 8 bytes × grid points per item answered at least once.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    points: Arc<[f64]>,
    items: Vec<Item>,
    rows: Vec<OnceLock<Box<[f64]>>>,
}

impl Curves {
    /// The curves of `items` on `grid` (none computed yet).
    pub fn new(grid: &Grid, items: &[Item]) -> Curves {
        Curves {
            points: grid.points.clone(),
            items: items.to_vec(),
            rows: (0..items.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Item `i`'s probabilities P(θₖ) at the grid points, in grid order (computed by
    /// [`probability`](super::model::probability), so the same doubles).
    pub fn row(&self, i: usize) -> &[f64] {
        self.rows[i].get_or_init(|| {
            let item = &self.items[i];
            self.points
                .iter()
                .map(|&t| super::model::probability(t, item))
                .collect()
        })
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// EAP from unnormalised log posterior values at `points`: mean and SD of the
/// normalised weights wₖ = e^(lₖ − max l) / Σ e^(lⱼ − max l).
pub fn eap(points: &[f64], log_post: &[f64]) -> Estimate {
    let max = log_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut sw, mut swt, mut swtt) = (0.0, 0.0, 0.0);
    for (&t, &lp) in points.iter().zip(log_post) {
        let w = (lp - max).exp();
        sw += w;
        swt += w * t;
        swtt += w * t * t;
    }
    let theta = swt / sw;
    let var = (swtt / sw - theta * theta).max(0.0);
    Estimate {
        theta,
        se: var.sqrt(),
    }
}

/// EAP for a whole response pattern on `grid` (the same as updating a [`Posterior`]).
pub fn eap_of(grid: &Grid, responses: &[(Item, bool)]) -> Estimate {
    let mut p = Posterior::new(grid);
    for (item, correct) in responses {
        p.update(item, *correct);
    }
    p.estimate()
}

/// Maximum-likelihood estimate by bisection on the score function
/// S(θ) = Σ ∂/∂θ ln L, bounded to [`lo`, `hi`]; all-right or all-wrong patterns return
/// the bound (the MLE does not exist for them). SE = 1/√I(θ̂). For comparison with EAP.
pub fn mle(responses: &[(Item, bool)], lo: f64, hi: f64) -> Estimate {
    use super::model::information;
    let score = |theta: f64| -> f64 {
        let h = 1e-6;
        responses
            .iter()
            .map(|(it, u)| {
                (log_likelihood(theta + h, it, *u) - log_likelihood(theta - h, it, *u)) / (2.0 * h)
            })
            .sum()
    };
    let (mut a, mut b) = (lo, hi);
    let theta = if score(a) <= 0.0 {
        a
    } else if score(b) >= 0.0 {
        b
    } else {
        for _ in 0..100 {
            let m = 0.5 * (a + b);
            if score(m) > 0.0 {
                a = m;
            } else {
                b = m;
            }
        }
        0.5 * (a + b)
    };
    let info: f64 = responses.iter().map(|(it, _)| information(theta, it)).sum();
    Estimate {
        theta,
        se: if info > 0.0 {
            1.0 / info.sqrt()
        } else {
            f64::INFINITY
        },
    }
}

//! Item calibration: marginal maximum likelihood (MML) estimates of item parameters from
//! responses, by the EM algorithm of Bock and Aitkin (1981).
//!
//! Ability θ is integrated out over a fixed quadrature: `points` equally spaced θ_q on
//! [−limit, limit] with weights φ(θ_q; μ, σ) normalised to sum 1 (μ = 0, σ = 1 unless
//! items are anchored, see below). Items are written in slope–intercept form,
//! P(θ) = c + (1 − c) σ(aθ + d), so that the difficulty is b = −d/a.
//!
//! - **E-step**: for each response pattern p (identical patterns are collapsed and
//!   weighted by their count w_p) the posterior over the quadrature is
//!   π_p(q) ∝ φ_q Π_j P_j(θ_q)^u (1 − P_j(θ_q))^(1−u), the product running over the items
//!   the person saw (sparse data: adaptive quizzes, forms). Expected counts per item and
//!   point, r_jq(u) = Σ_p w_p π_p(q) [u_pj = u], follow.
//! - **M-step**: each item maximises the sum over q of
//!   r_jq(1) ln P_j(θ_q) + r_jq(0) ln(1 − P_j(θ_q)), plus the log prior, by Fisher scoring with step halving. Rasch items share one slope, fitted
//!   after their intercepts.
//! - Cycles stop when the largest change of any a, d, c (and μ, σ) is under `tolerance`,
//!   or at `max_cycles`; both are reported.
//!
//! Models: Rasch (one slope shared by the free items; on the N(0, 1) scale this is the
//! Rasch model with an estimated ability variance, σ_θ = a), 2PL (optional prior
//! ln a ~ N(0, s_a²)), 3PL (ln a ~ N(0, s_a²), logit c ~ N(logit g, s_c²) where g is the
//! item's guessing rate; items where guessing is hopeless, g = 0, are fitted as 2PL).
//!
//! **Anchored** items keep the parameters they are given; the population mean μ and
//! standard deviation σ are then estimated too (updated from the posterior each cycle), so
//! the free items land on the anchors' scale.
//!
//! Standard errors come from the empirical cross-product of the per-pattern score vectors
//! (mirt's `SE.type = "crossprod"`) plus the priors' curvature, inverted as one matrix
//! over every free parameter; b's and c's follow by the delta method. Item fit is the
//! root mean squared deviation between the posterior-expected proportion right and the
//! model curve over the quadrature, weighted by the posterior population (the RMSD of
//! PISA's scaling, flagged over 0.12 there).

// Index loops mirror the formulas' subscripts.
#![allow(clippy::needless_range_loop)]

mod linalg;

use super::model::{Item, logistic, softplus};
use std::collections::HashMap;

pub use linalg::spd_inverse;

/// The item response model to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Rasch,
    #[serde(rename = "2pl")]
    TwoPl,
    #[serde(rename = "3pl")]
    ThreePl,
}

impl Model {
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Rasch => "Rasch",
            Model::TwoPl => "2PL",
            Model::ThreePl => "3PL",
        }
    }
}

/// How one item takes part in a calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// Estimated. `guess` in [0, 1) is the chance of a blind guess being right (1/k for k
    /// choices, 1/2 for true/false, 0 where guessing is hopeless); under the 3PL it centres
    /// the prior of c, and an item with `guess` 0 is fitted with c = 0.
    Free { guess: f64 },
    /// Kept at these parameters (anchored calibration); `d` must be 1.
    Anchored(Item),
}

/// Why data or a calibration was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    #[error("item {item} is out of range: there are {items} items")]
    ItemOutOfRange { item: usize, items: usize },
    #[error("item {item} is answered twice in one response pattern")]
    AnsweredTwice { item: usize },
    #[error("a pattern's weight must be finite and > 0, not {weight}")]
    BadWeight { weight: f64 },
    #[error("there are {roles} item roles for {items} items")]
    RoleCount { roles: usize, items: usize },
    #[error("no item is free to estimate")]
    NoFreeItems,
    #[error("item {item} is free but nobody answered it")]
    NoResponses { item: usize },
    #[error("item {item} was answered {which} by everyone: it has no maximum likelihood estimate")]
    NoVariation { item: usize, which: &'static str },
    #[error("anchored item {item} has invalid parameters")]
    BadAnchor { item: usize },
    #[error("invalid configuration: {0}")]
    BadConfig(&'static str),
}

/// Response data with identical patterns collapsed. Build with [`DataBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    items: usize,
    /// Pattern p's codes are `codes[offsets[p]..offsets[p + 1]]`; a code is 2·item + u.
    offsets: Vec<usize>,
    codes: Vec<u32>,
    weights: Vec<f64>,
}

impl Data {
    pub fn items(&self) -> usize {
        self.items
    }

    /// Distinct response patterns.
    pub fn patterns(&self) -> usize {
        self.weights.len()
    }

    /// Persons (the sum of the pattern weights).
    pub fn persons(&self) -> f64 {
        self.weights.iter().sum()
    }

    fn pattern(&self, p: usize) -> &[u32] {
        &self.codes[self.offsets[p]..self.offsets[p + 1]]
    }

    /// Pattern `p` (in `0..patterns()`) as (item, right) answers in item order, and its
    /// weight (the persons who gave it); `None` out of range. For writing the data out,
    /// e.g. to fit it with another program.
    pub fn pattern_answers(&self, p: usize) -> Option<(Vec<(usize, bool)>, f64)> {
        let w = *self.weights.get(p)?;
        let answers = self
            .pattern(p)
            .iter()
            .map(|&code| ((code / 2) as usize, code % 2 == 1))
            .collect();
        Some((answers, w))
    }

    /// The data on items `keep` only (item `keep[k]` becomes item k; indices out of
    /// range are ignored), patterns collapsed again.
    pub fn select(&self, keep: &[usize]) -> Data {
        let mut map = vec![usize::MAX; self.items];
        for (k, &j) in keep.iter().enumerate() {
            if j < self.items {
                map[j] = k;
            }
        }
        let mut b = DataBuilder::new(keep.len());
        let mut answers = Vec::new();
        for p in 0..self.patterns() {
            answers.clear();
            for &code in self.pattern(p) {
                let k = map[(code / 2) as usize];
                if k != usize::MAX {
                    answers.push((k, code % 2 == 1));
                }
            }
            // In range, distinct (a pattern holds each item once) and a valid weight.
            let _ = b.add(&answers, self.weights[p]);
        }
        b.build()
    }

    /// Per item: (persons who answered it, of whom right), weighted.
    pub fn counts(&self) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); self.items];
        for p in 0..self.patterns() {
            let w = self.weights[p];
            for &code in self.pattern(p) {
                let e = &mut out[(code / 2) as usize];
                e.0 += w;
                if code % 2 == 1 {
                    e.1 += w;
                }
            }
        }
        out
    }
}

/// Collects persons' responses into [`Data`].
#[derive(Debug, Clone)]
pub struct DataBuilder {
    items: usize,
    patterns: HashMap<Vec<u32>, f64>,
}

impl DataBuilder {
    /// Data on `items` items (indices 0..items).
    pub fn new(items: usize) -> DataBuilder {
        DataBuilder {
            items,
            patterns: HashMap::new(),
        }
    }

    /// Adds `weight` persons who answered `answers` (item index, right); the items they
    /// did not see are simply absent. A person who saw no item is ignored.
    pub fn add(&mut self, answers: &[(usize, bool)], weight: f64) -> Result<(), CalibrateError> {
        if !(weight.is_finite() && weight > 0.0) {
            return Err(CalibrateError::BadWeight { weight });
        }
        let mut codes = Vec::with_capacity(answers.len());
        for &(item, right) in answers {
            if item >= self.items {
                return Err(CalibrateError::ItemOutOfRange {
                    item,
                    items: self.items,
                });
            }
            codes.push((2 * item + usize::from(right)) as u32);
        }
        codes.sort_unstable();
        if let Some(w) = codes.windows(2).find(|w| w[0] / 2 == w[1] / 2) {
            return Err(CalibrateError::AnsweredTwice {
                item: (w[0] / 2) as usize,
            });
        }
        if !codes.is_empty() {
            *self.patterns.entry(codes).or_insert(0.0) += weight;
        }
        Ok(())
    }

    pub fn build(self) -> Data {
        // Sorted, so that sums run in the same order on every run.
        let mut patterns: Vec<(Vec<u32>, f64)> = self.patterns.into_iter().collect();
        patterns.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        let mut offsets = Vec::with_capacity(patterns.len() + 1);
        let mut codes = Vec::new();
        let mut weights = Vec::with_capacity(patterns.len());
        offsets.push(0);
        for (c, w) in patterns {
            codes.extend_from_slice(&c);
            offsets.push(codes.len());
            weights.push(w);
        }
        Data {
            items: self.items,
            offsets,
            codes,
            weights,
        }
    }
}

/// How to calibrate. [`EmConfig::new`] gives the defaults for a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmConfig {
    pub model: Model,
    /// Quadrature points (≥ 5); 61 by default.
    pub points: usize,
    /// The quadrature spans [−limit, limit] (> 0); 6 by default.
    pub limit: f64,
    /// Convergence: the largest parameter change in a cycle is under this (> 0); 1e-4.
    pub tolerance: f64,
    /// The most EM cycles (≥ 1); 500.
    pub max_cycles: usize,
    /// Prior ln a ~ N(0, s²) with s this (> 0); 0.5 for the 3PL, none otherwise. Not used
    /// by the Rasch model.
    pub a_prior: Option<f64>,
    /// Prior logit c ~ N(logit g, s²) with s this (> 0), 3PL only; 0.5.
    pub c_prior: f64,
    /// Compute standard errors (one more pass and a matrix inverse).
    pub standard_errors: bool,
}

impl EmConfig {
    pub fn new(model: Model) -> EmConfig {
        EmConfig {
            model,
            points: 61,
            limit: 6.0,
            tolerance: 1e-4,
            max_cycles: 500,
            a_prior: (model == Model::ThreePl).then_some(0.5),
            c_prior: 0.5,
            standard_errors: true,
        }
    }

    fn check(&self) -> Result<(), CalibrateError> {
        if self.points < 5 {
            return Err(CalibrateError::BadConfig("at least 5 quadrature points"));
        }
        if !(self.limit.is_finite() && self.limit > 0.0) {
            return Err(CalibrateError::BadConfig(
                "the quadrature limit must be > 0",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(CalibrateError::BadConfig("the tolerance must be > 0"));
        }
        if self.max_cycles == 0 {
            return Err(CalibrateError::BadConfig("at least one cycle"));
        }
        if self.a_prior.is_some_and(|s| !(s.is_finite() && s > 0.0))
            || !(self.c_prior.is_finite() && self.c_prior > 0.0)
        {
            return Err(CalibrateError::BadConfig(
                "prior standard deviations must be > 0",
            ));
        }
        Ok(())
    }
}

/// Standard errors of one item's parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct StandardErrors {
    pub a: f64,
    pub b: f64,
    /// `None` when c was not estimated.
    pub c: Option<f64>,
    /// Of the intercept.
    pub intercept: f64,
}

/// One item's fitted parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ItemFit {
    pub anchored: bool,
    /// Discrimination (slope).
    pub a: f64,
    /// Difficulty b = −intercept/a.
    pub b: f64,
    /// Guessing (lower asymptote).
    pub c: f64,
    /// Intercept d = −ab of the slope–intercept form aθ + d (not [`Item::d`], the upper
    /// asymptote, which is 1 here).
    pub intercept: f64,
    /// `None` for anchored items, or when the information matrix was not positive definite.
    pub se: Option<StandardErrors>,
    /// Posterior root mean squared deviation of the observed from the model proportion
    /// right, in [0, 1].
    pub rmsd: f64,
    /// Persons who answered (weighted).
    pub answered: f64,
    /// Of whom right.
    pub right: f64,
}

impl ItemFit {
    /// The fitted parameters as a model item (`d` = 1 upper asymptote).
    pub fn item(&self) -> Item {
        Item {
            a: self.a,
            b: self.b,
            c: self.c,
            d: 1.0,
        }
    }
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Calibration {
    pub model: Model,
    pub items: Vec<ItemFit>,
    /// EM cycles run.
    pub cycles: usize,
    /// Whether the largest change fell under the tolerance before the cycle cap.
    pub converged: bool,
    /// The largest parameter change in the last cycle.
    pub max_change: f64,
    /// Marginal log-likelihood at the estimates (priors not included).
    pub log_likelihood: f64,
    /// Population mean and standard deviation of θ (0 and 1 unless items are anchored).
    pub mean: f64,
    pub sd: f64,
    pub persons: f64,
    pub patterns: usize,
}

/// Per item: what is estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Fixed,
    /// Intercept only; the slope is the shared Rasch slope.
    Rasch,
    /// a and d, c = 0.
    TwoPl,
    /// a, d and g = logit c.
    ThreePl {
        g_mean: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    a: f64,
    d: f64,
    /// logit c for a 3PL item; c is stored as well.
    g: f64,
    c: f64,
}

/// Priors in the M-step.
#[derive(Debug, Clone, Copy)]
struct Priors {
    a_sd: Option<f64>,
    c_sd: f64,
}

/// ln P and ln(1 − P) for P = c + (1 − c) σ(z), finite for every z.
fn log_p(z: f64, c: f64) -> (f64, f64) {
    if c == 0.0 {
        (-softplus(-z), -softplus(z))
    } else {
        (
            (c + (1.0 - c) * logistic(z)).ln(),
            (1.0 - c).ln() - softplus(z),
        )
    }
}

/// The M-step objective of one item: value, gradient and Fisher information with respect
/// to (a, d, g), over the expected counts `r0`, `r1` at points `theta`, priors included.
fn objective(
    x: &Params,
    kind: Kind,
    pri: Priors,
    theta: &[f64],
    r0: &[f64],
    r1: &[f64],
) -> (f64, [f64; 3], [[f64; 3]; 3]) {
    let mut f = 0.0;
    let mut g = [0.0; 3];
    let mut h = [[0.0; 3]; 3];
    let three = matches!(kind, Kind::ThreePl { .. });
    let c = if three { x.c } else { 0.0 };
    for q in 0..theta.len() {
        let (n0, n1) = (r0[q], r1[q]);
        let n = n0 + n1;
        if n <= 0.0 {
            continue;
        }
        let t = theta[q];
        let z = x.a * t + x.d;
        let l = logistic(z);
        let (lp, lq) = log_p(z, c);
        f += n1 * lp + n0 * lq;
        if !three {
            let e = n1 - n * l;
            let w = n * l * (1.0 - l);
            g[0] += e * t;
            g[1] += e;
            h[0][0] += w * t * t;
            h[0][1] += w * t;
            h[1][1] += w;
        } else {
            let p = c + (1.0 - c) * l;
            let pq = (p * (1.0 - p)).max(1e-300);
            let dz = (1.0 - c) * l * (1.0 - l);
            let dg = (1.0 - l) * c * (1.0 - c);
            let k = (n1 - n * p) / pq;
            let v = [dz * t, dz, dg];
            let w = n / pq;
            for i in 0..3 {
                g[i] += k * v[i];
                for j in i..3 {
                    h[i][j] += w * v[i] * v[j];
                }
            }
        }
    }
    if let (Some(s), Kind::TwoPl | Kind::ThreePl { .. }) = (pri.a_sd, kind) {
        // ln p(a) = −ln a − (ln a)² / (2s²) (lognormal density, constant dropped)
        let la = x.a.max(1e-300).ln();
        f += -la - la * la / (2.0 * s * s);
        g[0] += -(1.0 + la / (s * s)) / x.a;
        h[0][0] += 1.0 / (s * s * x.a * x.a);
    }
    if let Kind::ThreePl { g_mean } = kind {
        let s = pri.c_sd;
        f += -(x.g - g_mean).powi(2) / (2.0 * s * s);
        g[2] += -(x.g - g_mean) / (s * s);
        h[2][2] += 1.0 / (s * s);
    }
    (h[1][0], h[2][0], h[2][1]) = (h[0][1], h[0][2], h[1][2]);
    (f, g, h)
}

fn with_step(x: &Params, free: [bool; 3], delta: &[f64; 3], step: f64) -> Params {
    let mut y = *x;
    if free[0] {
        y.a += step * delta[0];
    }
    if free[1] {
        y.d += step * delta[1];
    }
    if free[2] {
        y.g += step * delta[2];
        y.c = logistic(y.g);
    }
    y
}

/// Fisher scoring with step halving on the free parameters among (a, d, g).
fn maximise(x: &mut Params, kind: Kind, pri: Priors, theta: &[f64], r0: &[f64], r1: &[f64]) {
    let free = match kind {
        Kind::Fixed => return,
        Kind::Rasch => [false, true, false],
        Kind::TwoPl => [true, true, false],
        Kind::ThreePl { .. } => [true, true, true],
    };
    let needs_positive_a = pri.a_sd.is_some() && kind != Kind::Rasch;
    for _ in 0..25 {
        let (f, g, h) = objective(x, kind, pri, theta, r0, r1);
        let Some(delta) = newton_delta(free, &g, &h) else {
            return;
        };
        let mut step = 1.0;
        let mut moved = false;
        for _ in 0..30 {
            let y = with_step(x, free, &delta, step);
            if !(needs_positive_a && y.a <= 0.0) {
                let (fy, _, _) = objective(&y, kind, pri, theta, r0, r1);
                if fy.is_finite() && fy >= f - 1e-12 * f.abs() {
                    *x = y;
                    moved = true;
                    break;
                }
            }
            step *= 0.5;
        }
        let size = delta.iter().fold(0.0f64, |m, v| m.max(v.abs())) * step;
        if !moved || size < 1e-10 {
            return;
        }
    }
}

/// Solves H δ = g over the free coordinates; a small ridge is added if H is not positive
/// definite.
fn newton_delta(free: [bool; 3], g: &[f64; 3], h: &[[f64; 3]; 3]) -> Option<[f64; 3]> {
    let idx: Vec<usize> = (0..3).filter(|&i| free[i]).collect();
    let n = idx.len();
    let mut ridge = 0.0;
    for _ in 0..20 {
        let mut m = [0.0; 9];
        for (r, &i) in idx.iter().enumerate() {
            for (c, &j) in idx.iter().enumerate() {
                m[r * n + c] = h[i][j] + if r == c { ridge } else { 0.0 };
            }
        }
        if linalg::cholesky(&mut m[..n * n], n) {
            let mut b = [0.0; 3];
            for (r, &i) in idx.iter().enumerate() {
                b[r] = g[i];
            }
            linalg::cholesky_solve(&m[..n * n], n, &mut b[..n]);
            let mut out = [0.0; 3];
            for (r, &i) in idx.iter().enumerate() {
                out[i] = b[r];
            }
            return out.iter().all(|v| v.is_finite()).then_some(out);
        }
        ridge = if ridge == 0.0 { 1e-6 } else { ridge * 10.0 };
    }
    None
}

/// The shared Rasch slope: Fisher scoring on a with every Rasch item's intercept fixed.
fn maximise_rasch_slope(
    params: &mut [Params],
    kinds: &[Kind],
    pri: Priors,
    theta: &[f64],
    counts: &[f64],
) {
    let nq = theta.len();
    // No prior on the Rasch slope.
    let pri = Priors { a_sd: None, ..pri };
    let total = |ps: &[Params]| {
        let mut f = 0.0;
        let mut g = 0.0;
        let mut h = 0.0;
        for (j, kind) in kinds.iter().enumerate() {
            if *kind == Kind::Rasch {
                let r0 = &counts[2 * j * nq..(2 * j + 1) * nq];
                let r1 = &counts[(2 * j + 1) * nq..(2 * j + 2) * nq];
                let (fj, gj, hj) = objective(&ps[j], Kind::TwoPl, pri, theta, r0, r1);
                f += fj;
                g += gj[0];
                h += hj[0][0];
            }
        }
        (f, g, h)
    };
    for _ in 0..25 {
        let (f, g, h) = total(params);
        if h.is_nan() || h <= 0.0 {
            return;
        }
        let delta = g / h;
        let mut step = 1.0;
        let mut moved = false;
        let old: Vec<f64> = params.iter().map(|p| p.a).collect();
        for _ in 0..30 {
            for (j, p) in params.iter_mut().enumerate() {
                if kinds[j] == Kind::Rasch {
                    p.a = old[j] + step * delta;
                }
            }
            let (fy, _, _) = total(params);
            if fy.is_finite() && fy >= f - 1e-12 * f.abs() {
                moved = true;
                break;
            }
            step *= 0.5;
        }
        if !moved {
            for (j, p) in params.iter_mut().enumerate() {
                p.a = old[j];
            }
            return;
        }
        if (delta * step).abs() < 1e-10 {
            return;
        }
    }
}

/// Workspace of the E-step, allocated once.
struct Tables {
    theta: Vec<f64>,
    log_prior: Vec<f64>,
    /// ln P(u | θ_q) at `(2j + u)·Q + q`.
    log_p: Vec<f64>,
    /// Expected counts r_jq(u), same layout.
    counts: Vec<f64>,
    /// Σ_p w_p π_p(q).
    population: Vec<f64>,
    post: Vec<f64>,
    /// For patterns that answer every item (full forms), the E-step touches only the
    /// items of the less common answer: ln P(1) − ln P(0) per item, and Σ_j ln P(0) and
    /// Σ_j ln P(1) per point.
    diff: Vec<f64>,
    base0: Vec<f64>,
    base1: Vec<f64>,
    /// Expected counts stored by full patterns: of right answers by those that store
    /// right answers (`acc1`), of wrong ones by those that store wrong ones (`acc0`), and
    /// each group's total posterior.
    acc0: Vec<f64>,
    acc1: Vec<f64>,
    pop0: Vec<f64>,
    pop1: Vec<f64>,
}

impl Tables {
    fn set_prior(&mut self, mean: f64, sd: f64) {
        for (lp, t) in self.log_prior.iter_mut().zip(&self.theta) {
            let z = (t - mean) / sd;
            *lp = -0.5 * z * z;
        }
        let m = self
            .log_prior
            .iter()
            .fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let s: f64 = self.log_prior.iter().map(|v| (v - m).exp()).sum();
        let norm = m + s.ln();
        self.log_prior.iter_mut().for_each(|v| *v -= norm);
    }

    fn set_item(&mut self, j: usize, p: &Params, c: f64) {
        let nq = self.theta.len();
        for q in 0..nq {
            let (lp, lq) = log_p(p.a * self.theta[q] + p.d, c);
            self.log_p[2 * j * nq + q] = lq;
            self.log_p[(2 * j + 1) * nq + q] = lp;
        }
    }

    /// Writes pattern `p`'s posterior (summing to 1) into `self.post`; returns the log of
    /// its marginal likelihood.
    fn posterior(&mut self, codes: &[u32]) -> f64 {
        let nq = self.theta.len();
        let post = &mut self.post;
        post.copy_from_slice(&self.log_prior);
        for &code in codes {
            let row = &self.log_p[code as usize * nq..(code as usize + 1) * nq];
            for (a, l) in post.iter_mut().zip(row) {
                *a += l;
            }
        }
        self.normalise()
    }

    /// Normalises `self.post` (log-posterior up to a constant) in place; returns the log
    /// of its sum.
    fn normalise(&mut self) -> f64 {
        let post = &mut self.post;
        let m = post.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let mut s = 0.0;
        for a in post.iter_mut() {
            *a = (*a - m).exp();
            s += *a;
        }
        let inv = 1.0 / s;
        post.iter_mut().for_each(|a| *a *= inv);
        m + s.ln()
    }

    /// One E-step over `data`: fills the expected counts; returns the log-likelihood.
    fn e_step(&mut self, data: &Data) -> f64 {
        let nq = self.theta.len();
        let items = data.items;
        self.counts.iter_mut().for_each(|v| *v = 0.0);
        self.population.iter_mut().for_each(|v| *v = 0.0);
        for v in [
            &mut self.acc0,
            &mut self.acc1,
            &mut self.pop0,
            &mut self.pop1,
            &mut self.base0,
            &mut self.base1,
        ] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        for j in 0..items {
            for q in 0..nq {
                let (l0, l1) = (self.log_p[2 * j * nq + q], self.log_p[(2 * j + 1) * nq + q]);
                self.diff[j * nq + q] = l1 - l0;
                self.base0[q] += l0;
                self.base1[q] += l1;
            }
        }
        let mut ll = 0.0;
        for p in 0..data.patterns() {
            let w = data.weights[p];
            let codes = data.pattern(p);
            if codes.len() == items && items > 1 {
                // A full pattern: start from "all wrong" and add the right answers, or from
                // "all right" and take away the wrong ones, whichever touches fewer items.
                let ones = codes.iter().filter(|&&c| c % 2 == 1).count();
                let store_ones = 2 * ones <= items;
                let want = u32::from(store_ones);
                if store_ones {
                    self.post.copy_from_slice(&self.base0);
                } else {
                    self.post.copy_from_slice(&self.base1);
                }
                for (a, l) in self.post.iter_mut().zip(&self.log_prior) {
                    *a += l;
                }
                for &code in codes.iter().filter(|&&c| c % 2 == want) {
                    let j = (code / 2) as usize;
                    let row = &self.diff[j * nq..(j + 1) * nq];
                    if store_ones {
                        for (a, d) in self.post.iter_mut().zip(row) {
                            *a += d;
                        }
                    } else {
                        for (a, d) in self.post.iter_mut().zip(row) {
                            *a -= d;
                        }
                    }
                }
                ll += w * self.normalise();
                let (acc, pop) = if store_ones {
                    (&mut self.acc1, &mut self.pop1)
                } else {
                    (&mut self.acc0, &mut self.pop0)
                };
                for (n, a) in pop.iter_mut().zip(&self.post) {
                    *n += w * a;
                }
                for &code in codes.iter().filter(|&&c| c % 2 == want) {
                    let j = (code / 2) as usize;
                    let row = &mut acc[j * nq..(j + 1) * nq];
                    for (r, a) in row.iter_mut().zip(&self.post) {
                        *r += w * a;
                    }
                }
                continue;
            }
            ll += w * self.posterior(codes);
            for (n, a) in self.population.iter_mut().zip(&self.post) {
                *n += w * a;
            }
            for &code in codes {
                let row = &mut self.counts[code as usize * nq..(code as usize + 1) * nq];
                for (r, a) in row.iter_mut().zip(&self.post) {
                    *r += w * a;
                }
            }
        }
        // Full patterns' counts: what each group stored, and the rest of its posterior.
        for j in 0..items {
            for q in 0..nq {
                let (a0, a1) = (self.acc0[j * nq + q], self.acc1[j * nq + q]);
                self.counts[(2 * j + 1) * nq + q] += a1 + (self.pop0[q] - a0);
                self.counts[2 * j * nq + q] += a0 + (self.pop1[q] - a1);
            }
        }
        for q in 0..nq {
            self.population[q] += self.pop0[q] + self.pop1[q];
        }
        ll
    }
}

/// What the EM iterates: the item parameters and the population's mean and SD.
#[derive(Debug, Clone)]
struct State {
    params: Vec<Params>,
    mean: f64,
    sd: f64,
}

impl State {
    /// a, d, logit c of every item, then mean and SD (fixed items and unused entries do not
    /// move, so they never count as changes).
    fn pack(&self) -> Vec<f64> {
        let mut x = Vec::with_capacity(3 * self.params.len() + 2);
        for p in &self.params {
            x.extend_from_slice(&[p.a, p.d, p.g]);
        }
        x.extend_from_slice(&[self.mean, self.sd]);
        x
    }

    fn unpack(&mut self, x: &[f64]) {
        for (j, p) in self.params.iter_mut().enumerate() {
            p.a = x[3 * j];
            p.d = x[3 * j + 1];
            if p.g != x[3 * j + 2] {
                p.g = x[3 * j + 2];
                p.c = logistic(p.g);
            }
        }
        let n = x.len();
        self.mean = x[n - 2];
        self.sd = x[n - 1];
    }
}

/// The fixed parts of one calibration's EM cycles.
struct Run<'a> {
    data: &'a Data,
    kinds: &'a [Kind],
    pri: Priors,
    rasch: bool,
    anchored: bool,
}

impl Run<'_> {
    /// Sets the tables to `state`.
    fn set_tables(&self, t: &mut Tables, state: &State) {
        t.set_prior(state.mean, state.sd);
        for (j, p) in state.params.iter().enumerate() {
            if self.kinds[j] != Kind::Fixed {
                t.set_item(j, p, p.c);
            }
        }
    }

    /// Whether an extrapolated point is one the model can take.
    fn admissible(&self, state: &State, x: &[f64]) -> bool {
        if !x.iter().all(|v| v.is_finite()) {
            return false;
        }
        let n = x.len();
        if x[n - 1] < 0.05 {
            return false;
        }
        (0..state.params.len()).all(|j| {
            let a = x[3 * j];
            match self.kinds[j] {
                Kind::Fixed => true,
                Kind::Rasch => a > 0.0,
                Kind::TwoPl => a.abs() < 50.0 && (self.pri.a_sd.is_none() || a > 0.0),
                Kind::ThreePl { .. } => a > 0.0 && a < 50.0,
            }
        })
    }

    /// The log priors of the free items.
    fn log_prior(&self, state: &State) -> f64 {
        let mut s = 0.0;
        for (p, kind) in state.params.iter().zip(self.kinds) {
            if let (Some(sd), Kind::TwoPl | Kind::ThreePl { .. }) = (self.pri.a_sd, kind) {
                let la = p.a.max(1e-300).ln();
                s += -la - la * la / (2.0 * sd * sd);
            }
            if let Kind::ThreePl { g_mean } = kind {
                s += -(p.g - g_mean).powi(2) / (2.0 * self.pri.c_sd * self.pri.c_sd);
            }
        }
        s
    }

    /// One EM cycle from `state`, whose tables `t` holds; leaves the tables set to the
    /// new state. Returns the penalised log-likelihood at the start.
    fn cycle(&self, t: &mut Tables, state: &mut State) -> f64 {
        let nq = t.theta.len();
        let ll = t.e_step(self.data) + self.log_prior(state);
        for (j, p) in state.params.iter_mut().enumerate() {
            let r0 = &t.counts[2 * j * nq..(2 * j + 1) * nq];
            let r1 = &t.counts[(2 * j + 1) * nq..(2 * j + 2) * nq];
            maximise(p, self.kinds[j], self.pri, &t.theta, r0, r1);
        }
        if self.rasch {
            maximise_rasch_slope(&mut state.params, self.kinds, self.pri, &t.theta, &t.counts);
        }
        if self.anchored {
            let n: f64 = t.population.iter().sum();
            let m = t
                .population
                .iter()
                .zip(&t.theta)
                .map(|(w, x)| w * x)
                .sum::<f64>()
                / n;
            let v = t
                .population
                .iter()
                .zip(&t.theta)
                .map(|(w, x)| w * (x - m) * (x - m))
                .sum::<f64>()
                / n;
            state.mean = m;
            state.sd = v.sqrt().max(0.05);
        }
        self.set_tables(t, state);
        ll
    }
}

/// Calibrates the items of `data` with roles `roles` (one per item). `progress` is
/// called after each cycle with the cycle number and the largest parameter change.
pub fn calibrate(
    data: &Data,
    roles: &[Role],
    config: &EmConfig,
    mut progress: impl FnMut(usize, f64),
) -> Result<Calibration, CalibrateError> {
    config.check()?;
    let items = data.items();
    if roles.len() != items {
        return Err(CalibrateError::RoleCount {
            roles: roles.len(),
            items,
        });
    }
    let counts = data.counts();
    let pri = Priors {
        a_sd: config.a_prior,
        c_sd: config.c_prior,
    };
    let mut kinds = Vec::with_capacity(items);
    let mut params = Vec::with_capacity(items);
    for (j, role) in roles.iter().enumerate() {
        let (n, right) = counts[j];
        match *role {
            Role::Anchored(it) => {
                if Item::new(it.a, it.b, it.c, 1.0).is_err() || it.d != 1.0 {
                    return Err(CalibrateError::BadAnchor { item: j });
                }
                kinds.push(Kind::Fixed);
                params.push(Params {
                    a: it.a,
                    d: -it.a * it.b,
                    g: 0.0,
                    c: it.c,
                });
            }
            Role::Free { guess } => {
                if n <= 0.0 {
                    return Err(CalibrateError::NoResponses { item: j });
                }
                if right <= 0.0 || right >= n {
                    let which = if right <= 0.0 { "wrong" } else { "right" };
                    return Err(CalibrateError::NoVariation { item: j, which });
                }
                let p = right / n;
                let three = config.model == Model::ThreePl && guess > 0.0 && guess < 1.0;
                if three {
                    let pp = ((p - guess) / (1.0 - guess)).clamp(0.05, 0.95);
                    let g = (guess / (1.0 - guess)).ln();
                    kinds.push(Kind::ThreePl { g_mean: g });
                    params.push(Params {
                        a: 1.0,
                        d: (pp / (1.0 - pp)).ln(),
                        g,
                        c: guess,
                    });
                } else {
                    let pp = p.clamp(0.02, 0.98);
                    kinds.push(if config.model == Model::Rasch {
                        Kind::Rasch
                    } else {
                        Kind::TwoPl
                    });
                    params.push(Params {
                        a: 1.0,
                        d: (pp / (1.0 - pp)).ln(),
                        g: 0.0,
                        c: 0.0,
                    });
                }
            }
        }
    }
    if kinds.iter().all(|k| *k == Kind::Fixed) {
        return Err(CalibrateError::NoFreeItems);
    }
    let anchored = kinds.contains(&Kind::Fixed);
    let nq = config.points;
    let step = 2.0 * config.limit / (nq - 1) as f64;
    let theta: Vec<f64> = (0..nq).map(|q| -config.limit + step * q as f64).collect();
    let mut t = Tables {
        theta,
        log_prior: vec![0.0; nq],
        log_p: vec![0.0; 2 * items * nq],
        counts: vec![0.0; 2 * items * nq],
        population: vec![0.0; nq],
        post: vec![0.0; nq],
        diff: vec![0.0; items * nq],
        base0: vec![0.0; nq],
        base1: vec![0.0; nq],
        acc0: vec![0.0; items * nq],
        acc1: vec![0.0; items * nq],
        pop0: vec![0.0; nq],
        pop1: vec![0.0; nq],
    };
    let (mean, sd) = (0.0, 1.0);
    t.set_prior(mean, sd);
    for (j, p) in params.iter().enumerate() {
        t.set_item(j, p, p.c);
    }
    let mut state = State { params, mean, sd };
    let run = Run {
        data,
        kinds: &kinds,
        pri,
        rasch: config.model == Model::Rasch,
        anchored,
    };
    let mut cycles = 0;
    let mut max_change = f64::INFINITY;
    let mut converged = false;
    // One EM cycle from `state` (whose tables are set): the penalised log-likelihood at
    // the start and the largest change.
    let mut step = |t: &mut Tables, state: &mut State, cycles: &mut usize| {
        let old = state.pack();
        let ll = run.cycle(t, state);
        *cycles += 1;
        let change = state
            .pack()
            .iter()
            .zip(&old)
            .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
        progress(*cycles, change);
        (ll, change)
    };
    // SQUAREM (Varadhan and Roland 2008): two EM cycles, an extrapolation along them, one
    // more cycle from there; back to plain EM when the extrapolation lowers the
    // likelihood or leaves the parameter space. Convergence is judged on plain cycles.
    'outer: while cycles < config.max_cycles {
        let x0 = state.pack();
        let (_, c1) = step(&mut t, &mut state, &mut cycles);
        max_change = c1;
        if !c1.is_finite() {
            break;
        }
        if c1 < config.tolerance {
            converged = true;
            break;
        }
        if cycles >= config.max_cycles {
            break;
        }
        let x1 = state.pack();
        let (ll1, c2) = step(&mut t, &mut state, &mut cycles);
        max_change = c2;
        if !c2.is_finite() {
            break;
        }
        if c2 < config.tolerance {
            converged = true;
            break;
        }
        if cycles >= config.max_cycles {
            break;
        }
        let x2 = state.pack();
        let (mut rr, mut vv) = (0.0, 0.0);
        for k in 0..x0.len() {
            let r = x1[k] - x0[k];
            let v = x2[k] - 2.0 * x1[k] + x0[k];
            rr += r * r;
            vv += v * v;
        }
        if vv.is_nan() || vv <= 0.0 || !rr.is_finite() {
            continue;
        }
        let alpha = (-(rr / vv).sqrt()).min(-1.0);
        let x: Vec<f64> = (0..x0.len())
            .map(|k| {
                let r = x1[k] - x0[k];
                let v = x2[k] - 2.0 * x1[k] + x0[k];
                x0[k] - 2.0 * alpha * r + alpha * alpha * v
            })
            .collect();
        if !run.admissible(&state, &x) {
            continue;
        }
        state.unpack(&x);
        run.set_tables(&mut t, &state);
        let (ll, c) = step(&mut t, &mut state, &mut cycles);
        max_change = c;
        if !(ll.is_finite() && ll >= ll1) {
            // Worse than plain EM: start again from the second cycle's estimate.
            state.unpack(&x2);
            run.set_tables(&mut t, &state);
            continue 'outer;
        }
        if c < config.tolerance {
            converged = true;
            break;
        }
    }
    let State { params, mean, sd } = state;
    // A last E-step at the estimates: the log-likelihood, the fit and the errors.
    let log_likelihood = t.e_step(data);
    let ses = if config.standard_errors {
        standard_errors(data, &mut t, &params, &kinds, pri)
    } else {
        vec![None; items]
    };
    let fits = (0..items)
        .map(|j| {
            let p = &params[j];
            let r0 = &t.counts[2 * j * nq..(2 * j + 1) * nq];
            let r1 = &t.counts[(2 * j + 1) * nq..(2 * j + 2) * nq];
            ItemFit {
                anchored: kinds[j] == Kind::Fixed,
                a: p.a,
                b: -p.d / p.a,
                c: p.c,
                intercept: p.d,
                se: ses[j],
                rmsd: rmsd(p, &t.theta, r0, r1),
                answered: counts[j].0,
                right: counts[j].1,
            }
        })
        .collect();
    Ok(Calibration {
        model: config.model,
        items: fits,
        cycles,
        converged,
        max_change,
        log_likelihood,
        mean,
        sd,
        persons: data.persons(),
        patterns: data.patterns(),
    })
}

/// RMSD = √(Σ_q f_q (r_q(1)/n_q − P(θ_q))²), f_q = n_q / Σ n.
fn rmsd(p: &Params, theta: &[f64], r0: &[f64], r1: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut s = 0.0;
    for q in 0..theta.len() {
        let n = r0[q] + r1[q];
        if n <= 1e-12 {
            continue;
        }
        let model = p.c + (1.0 - p.c) * logistic(p.a * theta[q] + p.d);
        s += n * (r1[q] / n - model).powi(2);
        total += n;
    }
    if total > 0.0 { (s / total).sqrt() } else { 0.0 }
}

/// Index of each free parameter in the information matrix.
#[derive(Debug, Clone, Copy)]
struct Slots {
    a: Option<usize>,
    d: Option<usize>,
    g: Option<usize>,
}

/// Dense score vectors added to the information matrix at a time.
const BLOCK: usize = 16;

/// info[i][j] += Σ_b ws_b[i] · s_b[j] for j ≥ i, over the first `n` vectors of a block.
fn add_block(info: &mut [f64], size: usize, s: &[f64], ws: &[f64], n: usize) {
    for i in 0..size {
        let wi = &ws[i * BLOCK..i * BLOCK + n];
        if wi.iter().all(|&v| v == 0.0) {
            continue;
        }
        for j in i..size {
            let sj = &s[j * BLOCK..j * BLOCK + n];
            let dot: f64 = wi.iter().zip(sj).map(|(x, y)| x * y).sum();
            info[i * size + j] += dot;
        }
    }
}

fn standard_errors(
    data: &Data,
    t: &mut Tables,
    params: &[Params],
    kinds: &[Kind],
    pri: Priors,
) -> Vec<Option<StandardErrors>> {
    let items = params.len();
    let nq = t.theta.len();
    let mut k = 0;
    let mut take = || {
        k += 1;
        Some(k - 1)
    };
    let mut slots = Vec::with_capacity(items);
    for kind in kinds {
        slots.push(match kind {
            Kind::Fixed => Slots {
                a: None,
                d: None,
                g: None,
            },
            Kind::Rasch => Slots {
                a: None,
                d: take(),
                g: None,
            },
            Kind::TwoPl => Slots {
                a: take(),
                d: take(),
                g: None,
            },
            Kind::ThreePl { .. } => Slots {
                a: take(),
                d: take(),
                g: take(),
            },
        });
    }
    let rasch_a = kinds.contains(&Kind::Rasch).then(&mut take).flatten();
    for (s, kind) in slots.iter_mut().zip(kinds) {
        if *kind == Kind::Rasch {
            s.a = rasch_a;
        }
    }
    let size = k;
    // ∂ ln p(u | θ_q) / ∂z and / ∂g at (2j + u)·Q + q.
    let mut hz = vec![0.0; 2 * items * nq];
    let mut hg = vec![0.0; 2 * items * nq];
    for j in 0..items {
        let p = &params[j];
        for q in 0..nq {
            let l = logistic(p.a * t.theta[q] + p.d);
            let c = p.c;
            let prob = c + (1.0 - c) * l;
            for u in 0..2 {
                let i = (2 * j + u) * nq + q;
                let uf = u as f64;
                if let Kind::ThreePl { .. } = kinds[j] {
                    let kk = (uf - prob) / (prob * (1.0 - prob)).max(1e-300);
                    hz[i] = kk * (1.0 - c) * l * (1.0 - l);
                    hg[i] = kk * (1.0 - l) * c * (1.0 - c);
                } else {
                    hz[i] = uf - l;
                }
            }
        }
    }
    let mut info = vec![0.0; size * size];
    let mut score: Vec<(usize, f64)> = Vec::with_capacity(3 * items + 1);
    // Score vectors of dense patterns, parameter-major: `block_s[i·BLOCK + b]` is pattern
    // b's score for parameter i, `block_ws` the same times the pattern's weight.
    let mut block_s = vec![0.0; size * BLOCK];
    let mut block_ws = vec![0.0; size * BLOCK];
    let mut filled = 0;
    for pat in 0..data.patterns() {
        let w = data.weights[pat];
        let codes = data.pattern(pat);
        t.posterior(codes);
        score.clear();
        let mut shared_a = 0.0;
        for &code in codes {
            let j = (code / 2) as usize;
            let s = slots[j];
            if s.d.is_none() {
                continue;
            }
            let base = code as usize * nq;
            let (mut sa, mut sd, mut sg) = (0.0, 0.0, 0.0);
            for q in 0..nq {
                let pq = t.post[q];
                sd += pq * hz[base + q];
                sa += pq * hz[base + q] * t.theta[q];
                sg += pq * hg[base + q];
            }
            if let Some(i) = s.d {
                score.push((i, sd));
            }
            if kinds[j] == Kind::Rasch {
                shared_a += sa;
            } else if let Some(i) = s.a {
                score.push((i, sa));
            }
            if let Some(i) = s.g {
                score.push((i, sg));
            }
        }
        if let Some(i) = rasch_a {
            score.push((i, shared_a));
        }
        if 2 * score.len() >= size {
            // A pattern that touches most parameters joins a block of BLOCK dense score
            // vectors, added to the matrix together (one pass over it per block).
            for &(i, x) in &score {
                block_s[i * BLOCK + filled] = x;
                block_ws[i * BLOCK + filled] = w * x;
            }
            filled += 1;
            if filled == BLOCK {
                add_block(&mut info, size, &block_s, &block_ws, filled);
                block_s.iter_mut().for_each(|v| *v = 0.0);
                block_ws.iter_mut().for_each(|v| *v = 0.0);
                filled = 0;
            }
        } else {
            for &(i, x) in &score {
                for &(j, y) in &score {
                    if j >= i {
                        info[i * size + j] += w * x * y;
                    }
                }
            }
        }
    }
    if filled > 0 {
        add_block(&mut info, size, &block_s, &block_ws, filled);
    }
    for i in 0..size {
        for j in 0..i {
            info[i * size + j] = info[j * size + i];
        }
    }
    // The priors' curvature: −d² ln p / dθ².
    for (j, kind) in kinds.iter().enumerate() {
        let s = slots[j];
        if let (Some(sd), Some(i), Kind::TwoPl | Kind::ThreePl { .. }) = (pri.a_sd, s.a, kind) {
            let a = params[j].a;
            let la = a.ln();
            info[i * size + i] += (1.0 - la) / (sd * sd * a * a) - 1.0 / (a * a);
        }
        if let (Some(i), Kind::ThreePl { .. }) = (s.g, kind) {
            info[i * size + i] += 1.0 / (pri.c_sd * pri.c_sd);
        }
    }
    let Some(cov) = spd_inverse(&info, size) else {
        return vec![None; items];
    };
    let var = |i: usize, j: usize| cov[i * size + j];
    (0..items)
        .map(|j| {
            let s = slots[j];
            let (ia, id) = (s.a?, s.d?);
            let p = &params[j];
            let (va, vd, cad) = (var(ia, ia), var(id, id), var(ia, id));
            // b = −d/a: ∂b/∂d = −1/a, ∂b/∂a = d/a².
            let vb =
                vd / (p.a * p.a) + p.d * p.d * va / p.a.powi(4) - 2.0 * p.d * cad / p.a.powi(3);
            let c =
                s.g.map(|ig| (var(ig, ig).max(0.0)).sqrt() * p.c * (1.0 - p.c));
            Some(StandardErrors {
                a: va.max(0.0).sqrt(),
                b: vb.max(0.0).sqrt(),
                c,
                intercept: vd.max(0.0).sqrt(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;

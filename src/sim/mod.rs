//! Simulated adaptive tests: examinees with known ability answer from the model, and the
//! estimates are compared with the truth (RMSE, bias, mean standard error, test length).
//!
//! The design is nested, like catsim's reference run: each simulee's test runs to the
//! longest length asked for, and the estimate after k items is read off on the way, which
//! is exactly what a k-item test gives (no piece looks at the planned length). The answer
//! at position k is right when P(θ, item) ≥ u_k, with u_k read from a table or drawn from
//! the simulee's own random stream (seed, simulee index), so results do not depend on the
//! number of threads. The library reads no clock: callers time the run.

pub mod calibration;
pub mod csv;
pub mod sessions;

use crate::irt::{Cat, Curves, Estimate, Grid, Index, Item, Pool, Selector, StopRule, probability};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The item bank of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimBank {
    pub items: Vec<Item>,
    /// Dense topic index per item; empty = one topic.
    pub topics: Vec<usize>,
    pub n_topics: usize,
}

/// The examinees: true abilities and, optionally, the uniform number for each position.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulees {
    pub thetas: Vec<f64>,
    /// `uniforms[i][k]` decides simulee i's answer at position k + 1; `None`: drawn.
    pub uniforms: Option<Vec<Vec<f64>>>,
}

/// How to run the simulation.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub selector: Selector,
    /// The test length (with `se_target`: the most items a test may have).
    pub max_items: usize,
    /// Variable length: stop each test when SE ≤ this.
    pub se_target: Option<f64>,
    /// Lengths at which to report the fixed-length figures (each ≤ `max_items`).
    pub report_at: Vec<usize>,
    pub seed: u64,
    /// Ability used to pick the first item.
    pub start: f64,
    pub grid: Grid,
    /// Worker threads (≥ 1).
    pub threads: usize,
}

/// Figures over all simulees for tests of one length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LengthStats {
    pub length: usize,
    pub rmse: f64,
    pub bias: f64,
    pub mean_se: f64,
}

/// Figures for the variable-length rule "stop when SE ≤ target".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableStats {
    pub se_target: f64,
    pub max_items: usize,
    pub mean_length: f64,
    pub median_length: f64,
    /// Share of simulees (percent) whose SE reached the target within `max_items`.
    pub pct_reached: f64,
    pub rmse: f64,
    pub bias: f64,
    pub mean_se: f64,
}

/// What a simulation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    pub simulees: usize,
    pub bank_items: usize,
    pub at_length: Vec<LengthStats>,
    pub variable: Option<VariableStats>,
    /// Mean number of items each simulee was given.
    pub mean_length: f64,
    /// Largest share of simulees who saw any one item.
    pub max_exposure: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    #[error("the item bank is empty")]
    EmptyBank,
    #[error("there are no simulees")]
    NoSimulees,
    #[error("a test length must be at least 1")]
    ZeroLength,
    #[error("length {length} is more than the {items} items in the bank")]
    LongerThanBank { length: usize, items: usize },
    #[error("--report-at {length} is more than the test length {max}")]
    ReportBeyondLength { length: usize, max: usize },
    #[error("the uniforms give {have} positions per simulee but the test may need {need}")]
    TooFewUniforms { have: usize, need: usize },
    #[error("there are {have} rows of uniforms for {need} simulees")]
    TooFewUniformRows { have: usize, need: usize },
    #[error("the SE target must be a number > 0, not {0}")]
    BadTarget(f64),
}

/// One simulee's trajectory.
#[derive(Debug, Clone)]
struct Outcome {
    /// Estimate at each report length.
    at: Vec<Estimate>,
    /// (length, estimate, reached) under the SE rule.
    stop: Option<(usize, Estimate, bool)>,
    items: Vec<usize>,
}

/// `n` abilities from N(0, 1), by Box–Muller from `seed`.
pub fn draw_thetas(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
            let u2: f64 = rng.random::<f64>();
            (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        })
        .collect()
}

fn check(bank: &SimBank, people: &Simulees, cfg: &SimConfig) -> Result<(), SimError> {
    if bank.items.is_empty() {
        return Err(SimError::EmptyBank);
    }
    if people.thetas.is_empty() {
        return Err(SimError::NoSimulees);
    }
    if cfg.max_items == 0 || cfg.report_at.contains(&0) {
        return Err(SimError::ZeroLength);
    }
    if cfg.max_items > bank.items.len() {
        return Err(SimError::LongerThanBank {
            length: cfg.max_items,
            items: bank.items.len(),
        });
    }
    if let Some(&l) = cfg.report_at.iter().find(|&&l| l > cfg.max_items) {
        return Err(SimError::ReportBeyondLength {
            length: l,
            max: cfg.max_items,
        });
    }
    if let Some(t) = cfg.se_target.filter(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(SimError::BadTarget(t));
    }
    if let Some(us) = &people.uniforms {
        if us.len() < people.thetas.len() {
            return Err(SimError::TooFewUniformRows {
                have: us.len(),
                need: people.thetas.len(),
            });
        }
        let have = us.iter().map(Vec::len).min().unwrap_or(0);
        if have < cfg.max_items {
            return Err(SimError::TooFewUniforms {
                have,
                need: cfg.max_items,
            });
        }
    }
    Ok(())
}

/// The largest bank × grid whose response curves are kept for the posterior updates
/// (at 8 bytes a value, at most 32 MB); a larger one computes them at each answer.
const MAX_CURVE_POINTS: usize = 1 << 22;

/// Simulees a worker takes at a time: small, so that a worker on a busy core does less
/// of the run instead of holding up its end (the results do not depend on who ran what).
const CHUNK: usize = 8;

/// Runs one simulee's test.
fn run_one(pool: Pool, cfg: &SimConfig, i: usize, theta: f64, uniforms: Option<&[f64]>) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(i as u64 + 1);
    let items = pool.items;
    let never = StopRule {
        se_target: None,
        max_items: cfg.max_items,
        bands: Vec::new(),
        z: 1.96,
    };
    let mut cat = Cat::new(pool, &cfg.grid, cfg.selector, never, cfg.start);
    let last_report = cfg.report_at.iter().copied().max().unwrap_or(0);
    let mut out = Outcome {
        at: Vec::with_capacity(cfg.report_at.len()),
        stop: None,
        items: Vec::with_capacity(cfg.max_items),
    };
    let mut at = vec![None; cfg.report_at.len()];
    for k in 0..cfg.max_items {
        let Some(j) = cat.next(&mut rng) else { break };
        let u = match uniforms {
            Some(us) => us[k],
            None => rng.random::<f64>(),
        };
        cat.record(j, probability(theta, &items[j]) >= u);
        out.items.push(j);
        let n = k + 1;
        let est = cat.estimate();
        for (slot, &l) in at.iter_mut().zip(&cfg.report_at) {
            if l == n {
                *slot = Some(est);
            }
        }
        if let Some(t) = cfg.se_target
            && out.stop.is_none()
            && est.se <= t
        {
            out.stop = Some((n, est, true));
        }
        if out.stop.is_some() && n >= last_report {
            break;
        }
    }
    let last = cat.estimate();
    if cfg.se_target.is_some() && out.stop.is_none() {
        out.stop = Some((out.items.len(), last, false));
    }
    out.at = at.into_iter().map(|e| e.unwrap_or(last)).collect();
    out
}

fn stats(pairs: impl Iterator<Item = (f64, Estimate)>) -> (f64, f64, f64) {
    let (mut n, mut se2, mut err, mut se) = (0.0, 0.0, 0.0, 0.0);
    for (truth, e) in pairs {
        let d = e.theta - truth;
        n += 1.0;
        se2 += d * d;
        err += d;
        se += e.se;
    }
    ((se2 / n).sqrt(), err / n, se / n)
}

/// Runs the simulation. `progress` is called with the number of simulees done so far
/// (from worker threads; calls may arrive out of order).
pub fn simulate(
    bank: &SimBank,
    people: &Simulees,
    cfg: &SimConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SimReport, SimError> {
    check(bank, people, cfg)?;
    let n = people.thetas.len();
    let threads = cfg.threads.clamp(1, n);
    let done = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let index = Index::new(&bank.items);
    let curves = (bank.items.len().saturating_mul(cfg.grid.points().len()) <= MAX_CURVE_POINTS)
        .then(|| Curves::new(&cfg.grid, &bank.items));
    let pool = Pool {
        items: &bank.items,
        topics: &bank.topics,
        n_topics: bank.n_topics,
        by_a: &[],
        index: Some(&index),
        curves: curves.as_ref(),
    };
    let work = || {
        let mut mine: Vec<(usize, Outcome)> = Vec::new();
        loop {
            let lo = next.fetch_add(CHUNK, Ordering::Relaxed);
            if lo >= n {
                return mine;
            }
            for i in lo..(lo + CHUNK).min(n) {
                let us = people.uniforms.as_ref().map(|u| u[i].as_slice());
                mine.push((i, run_one(pool, cfg, i, people.thetas[i], us)));
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            }
        }
    };
    let mut slots: Vec<Option<Outcome>> = vec![None; n];
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let own = work();
        for (i, o) in own {
            slots[i] = Some(o);
        }
        for h in helpers {
            // A worker only panics on a bug; re-raise it rather than hide it.
            for (i, o) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                slots[i] = Some(o);
            }
        }
    });
    let outcomes: Vec<Outcome> = slots
        .into_iter()
        .map(|o| o.expect("every simulee is run once"))
        .collect();
    let truth = &people.thetas;
    let at_length = cfg
        .report_at
        .iter()
        .enumerate()
        .map(|(r, &length)| {
            let (rmse, bias, mean_se) =
                stats(truth.iter().zip(&outcomes).map(|(&t, o)| (t, o.at[r])));
            LengthStats {
                length,
                rmse,
                bias,
                mean_se,
            }
        })
        .collect();
    let variable = cfg.se_target.map(|target| {
        let stops: Vec<(usize, Estimate, bool)> = outcomes
            .iter()
            .map(|o| o.stop.expect("set with se_target"))
            .collect();
        let (rmse, bias, mean_se) = stats(truth.iter().zip(&stops).map(|(&t, s)| (t, s.1)));
        let mut lens: Vec<usize> = stops.iter().map(|s| s.0).collect();
        lens.sort_unstable();
        let median_length = if n % 2 == 1 {
            lens[n / 2] as f64
        } else {
            (lens[n / 2 - 1] + lens[n / 2]) as f64 / 2.0
        };
        VariableStats {
            se_target: target,
            max_items: cfg.max_items,
            mean_length: lens.iter().sum::<usize>() as f64 / n as f64,
            median_length,
            pct_reached: 100.0 * stops.iter().filter(|s| s.2).count() as f64 / n as f64,
            rmse,
            bias,
            mean_se,
        }
    });
    let mut exposure = vec![0usize; bank.items.len()];
    for o in &outcomes {
        for &j in &o.items {
            exposure[j] += 1;
        }
    }
    Ok(SimReport {
        simulees: n,
        bank_items: bank.items.len(),
        at_length,
        variable,
        mean_length: outcomes.iter().map(|o| o.items.len()).sum::<usize>() as f64 / n as f64,
        max_exposure: exposure.iter().copied().max().unwrap_or(0) as f64 / n as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::Method;

    /// Work is handed out in chunks to whichever thread asks first; each simulee's answers
    /// and random choices come from its own stream, so the figures are the same whatever
    /// the number of threads (and a simulee count that is no multiple of the chunk).
    #[test]
    fn figures_do_not_depend_on_the_number_of_threads() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let items: Vec<Item> = (0..90)
            .map(|i| {
                let a = if i % 3 == 0 {
                    1.0
                } else {
                    rng.random_range(0.5..2.5)
                };
                Item::new(a, rng.random_range(-2.0..2.0), [0.0, 0.25][i % 2], 1.0).unwrap()
            })
            .collect();
        let bank = SimBank {
            topics: (0..items.len()).map(|i| i % 4).collect(),
            n_topics: 4,
            items,
        };
        let people = Simulees {
            thetas: draw_thetas(61, 3),
            uniforms: None,
        };
        for (method, top_k, balance) in [
            (Method::MaxInfo, 1, false),
            (Method::MaxInfo, 4, true),
            (Method::Random, 1, true),
        ] {
            let run = |threads| {
                let cfg = SimConfig {
                    selector: Selector {
                        method,
                        top_k,
                        balance,
                    },
                    max_items: 15,
                    se_target: Some(0.45),
                    report_at: vec![5, 15],
                    seed: 9,
                    start: 0.0,
                    grid: Grid::default(),
                    threads,
                };
                simulate(&bank, &people, &cfg, &|_| {}).unwrap()
            };
            let one = run(1);
            for threads in [2, 3, 8] {
                assert_eq!(
                    run(threads),
                    one,
                    "{method:?} top {top_k}, {threads} threads"
                );
            }
        }
    }
}

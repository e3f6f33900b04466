//! Simulated response data for calibration studies: items with known parameters, persons
//! with known ability, answers drawn from the model, on full forms or adaptive quizzes.

use crate::irt::calibrate::{Data, DataBuilder};
use crate::irt::{Cat, Grid, Item, Pool, Selector, StopRule, order_by_discrimination, probability};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `n` items with a ~ lognormal(0, 0.3), b ~ N(0, 1) and c ~ U(lo, hi) for
/// `guessing = Some((lo, hi))` (else 0): the design of the calibration issue's bars.
pub fn draw_calibration_items(n: usize, guessing: Option<(f64, f64)>, seed: u64) -> Vec<Item> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let a = (0.3 * normal(&mut rng)).exp();
            let b = normal(&mut rng);
            let c = guessing.map_or(0.0, |(lo, hi)| lo + (hi - lo) * rng.random::<f64>());
            Item { a, b, c, d: 1.0 }
        })
        .collect()
}

/// `persons` persons with θ ~ N(0, 1), each answering every item of `items`.
pub fn simulate_full_forms(items: &[Item], persons: usize, seed: u64) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = DataBuilder::new(items.len());
    let mut answers = Vec::with_capacity(items.len());
    for _ in 0..persons {
        let theta = normal(&mut rng);
        answers.clear();
        for (j, it) in items.iter().enumerate() {
            answers.push((j, rng.random::<f64>() < probability(theta, it)));
        }
        // Indices are in range and distinct by construction.
        let _ = b.add(&answers, 1.0);
    }
    b.build()
}

/// `persons` persons with θ ~ N(0, 1), each taking an adaptive quiz of `length` items
/// from `items` (maximum information at the EAP estimate, randomesque among the best
/// `top_k`), as the engine would run it with the parameters `believed` (the bank's
/// current guesses) while answers follow the true `items`.
pub fn simulate_adaptive(
    items: &[Item],
    believed: &[Item],
    persons: usize,
    length: usize,
    top_k: usize,
    seed: u64,
) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let order = order_by_discrimination(believed);
    let pool = Pool {
        by_a: &order,
        ..Pool::new(believed)
    };
    let selector = Selector {
        top_k: top_k.max(1),
        ..Selector::default()
    };
    let stop = StopRule {
        se_target: None,
        max_items: length,
        bands: Vec::new(),
        z: 1.96,
    };
    let grid = Grid::default();
    let mut b = DataBuilder::new(items.len());
    for _ in 0..persons {
        let theta = normal(&mut rng);
        let mut cat = Cat::new(pool, &grid, selector, stop.clone(), 0.0);
        while let Some(i) = cat.next(&mut rng) {
            let right = rng.random::<f64>() < probability(theta, &items[i]);
            cat.record(i, right);
        }
        let _ = b.add(cat.given(), 1.0);
    }
    b.build()
}

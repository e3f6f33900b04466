//! The calibration issue's bars, measured: parameter recovery on simulated data (20
//! replications per cell), recovery from adaptive quizzes, and the speed of a 2PL fit.
//!
//! ```sh
//! cargo run --release --example calibrate_recovery            # everything
//! cargo run --release --example calibrate_recovery -- speed   # or recovery, adaptive
//! ```

use skillquiz::irt::Item;
use skillquiz::irt::calibrate::{Data, EmConfig, Model, Role, calibrate};
use skillquiz::{draw_calibration_items, simulate_adaptive, simulate_full_forms};
use std::time::Instant;

struct Errors {
    a: f64,
    b: f64,
    c: f64,
    n: f64,
}

impl Errors {
    fn add(&mut self, fit: &Item, truth: &Item) {
        self.a += (fit.a - truth.a).powi(2);
        self.b += (fit.b - truth.b).powi(2);
        self.c += (fit.c - truth.c).powi(2);
        self.n += 1.0;
    }
    fn rmse(&self) -> (f64, f64, f64) {
        (
            (self.a / self.n).sqrt(),
            (self.b / self.n).sqrt(),
            (self.c / self.n).sqrt(),
        )
    }
}

fn recovery() {
    println!(
        "RMSE pooled over the 20 × 20 item estimates [mean of the 20 replications' RMSE ± its standard error]"
    );
    println!(
        "| cell | replications converged | RMSE(a) | RMSE(b) | RMSE(c) | RMS of the SEs (a / b) | mean cycles |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (model, persons) in [
        (Model::TwoPl, 500),
        (Model::TwoPl, 1000),
        (Model::ThreePl, 500),
    ] {
        let guessing = (model == Model::ThreePl).then_some((0.1, 0.3));
        let mut e = Errors {
            a: 0.0,
            b: 0.0,
            c: 0.0,
            n: 0.0,
        };
        let (mut converged, mut cycles) = (0, 0);
        let mut per_rep: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        // Σ SE² of a and b, and the count: the model's own expected RMSE.
        let mut se_sum = (0.0, 0.0, 0.0);
        for rep in 0..20u64 {
            let truth = draw_calibration_items(20, guessing, 1000 + rep);
            let data = simulate_full_forms(&truth, persons, 2000 + rep);
            let guess = if guessing.is_some() { 0.2 } else { 0.0 };
            let roles = vec![Role::Free { guess }; 20];
            let cfg = EmConfig::new(model);
            match calibrate(&data, &roles, &cfg, |_, _| {}) {
                Ok(fit) => {
                    converged += usize::from(fit.converged);
                    cycles += fit.cycles;
                    let mut one = Errors {
                        a: 0.0,
                        b: 0.0,
                        c: 0.0,
                        n: 0.0,
                    };
                    for (f, t) in fit.items.iter().zip(&truth) {
                        e.add(&f.item(), t);
                        one.add(&f.item(), t);
                        if let Some(se) = f.se {
                            se_sum.0 += se.a * se.a;
                            se_sum.1 += se.b * se.b;
                            se_sum.2 += 1.0;
                        }
                    }
                    let (ra, rb, rc) = one.rmse();
                    per_rep[0].push(ra);
                    per_rep[1].push(rb);
                    per_rep[2].push(rc);
                }
                Err(err) => println!("replication {rep}: {err}"),
            }
        }
        let (ra, rb, rc) = e.rmse();
        // Mean of the replications' RMSE ± its standard error.
        let mean_se = |xs: &[f64]| {
            let n = xs.len() as f64;
            let m = xs.iter().sum::<f64>() / n;
            let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
            format!("{m:.3} ± {:.3}", (v / n).sqrt())
        };
        let c = if guessing.is_some() {
            format!("{rc:.3} [{}]", mean_se(&per_rep[2]))
        } else {
            "—".into()
        };
        println!(
            "| {} {persons} × 20 | {converged}/20 | {ra:.3} [{}] | {rb:.3} [{}] | {c} | {:.3} / {:.3} | {:.0} |",
            model.as_str(),
            mean_se(&per_rep[0]),
            mean_se(&per_rep[1]),
            (se_sum.0 / se_sum.2).sqrt(),
            (se_sum.1 / se_sum.2).sqrt(),
            cycles as f64 / 20.0
        );
    }
}

fn adaptive() {
    // A 200-item bank whose parameters the engine believes are the difficulty label's
    // (a = 1, b = −1, 0 or +1), as today's banks; answers follow the true parameters.
    let truth = draw_calibration_items(200, None, 77);
    let believed: Vec<Item> = truth
        .iter()
        .map(|t| Item::two_pl(1.0, t.b.round().clamp(-1.0, 1.0)))
        .collect();
    for length in [20, 40] {
        let all = simulate_adaptive(&truth, &believed, 1000, length, 5, 78);
        // The guard rail of `skillquiz calibrate`: the 2PL takes questions with 200
        // responses or more (and not all right or all wrong).
        let keep: Vec<usize> = all
            .counts()
            .iter()
            .enumerate()
            .filter(|(_, (n, r))| *r > 0.0 && r < n && *n >= 200.0)
            .map(|(j, _)| j)
            .collect();
        let answered = all.counts().iter().filter(|(n, _)| *n > 0.0).count();
        let data = all.select(&keep);
        let truth: Vec<Item> = keep.iter().map(|&j| truth[j]).collect();
        let counts = data.counts();
        let roles = vec![Role::Free { guess: 0.0 }; keep.len()];
        let fit = calibrate(&data, &roles, &EmConfig::new(Model::TwoPl), |_, _| {});
        let fit = match fit {
            Ok(f) => f,
            Err(e) => {
                println!("adaptive, {length} items: {e}");
                continue;
            }
        };
        println!(
            "adaptive quizzes of {length} items, 1000 persons, 200-item bank: {answered} items ever asked, {} with 200 responses or more, {} patterns, converged {} in {} cycles",
            keep.len(),
            data.patterns(),
            fit.converged,
            fit.cycles
        );
        println!("| responses per item | items | RMSE(a) | RMSE(b) |");
        println!("|---|---|---|---|");
        for (lo, hi) in [
            (200.0, 400.0),
            (400.0, 700.0),
            (700.0, f64::INFINITY),
            (200.0, f64::INFINITY),
        ] {
            let mut e = Errors {
                a: 0.0,
                b: 0.0,
                c: 0.0,
                n: 0.0,
            };
            for j in 0..keep.len() {
                if counts[j].0 >= lo && counts[j].0 < hi {
                    e.add(&fit.items[j].item(), &truth[j]);
                }
            }
            let (ra, rb, _) = e.rmse();
            let hi = if hi.is_finite() {
                format!("{}", hi - 1.0)
            } else {
                "…".into()
            };
            if e.n > 0.0 {
                println!("| {lo}–{hi} | {} | {ra:.3} | {rb:.3} |", e.n);
            } else {
                println!("| {lo}–{hi} | 0 | — | — |");
            }
        }
    }
}

/// Seconds this thread has run on a CPU (Linux: /proc/thread-self/schedstat), so that
/// the figure holds on a machine busy with other work; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Best of 5 runs: (wall seconds, CPU seconds, cycles).
fn time(data: &Data, items: usize, standard_errors: bool) -> (f64, f64, usize) {
    let roles = vec![Role::Free { guess: 0.0 }; items];
    let cfg = EmConfig {
        standard_errors,
        ..EmConfig::new(Model::TwoPl)
    };
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    let mut cycles = 0;
    for _ in 0..5 {
        let c = cpu_seconds();
        let t = Instant::now();
        let fit = calibrate(data, &roles, &cfg, |_, _| {}).expect("simulated data calibrate");
        best = best.min(t.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c, cpu_seconds()) {
            best_cpu = best_cpu.min(c1 - c0);
        }
        cycles = fit.cycles;
    }
    (best, best_cpu, cycles)
}

fn speed() {
    println!("best of 5 runs, wall clock (CPU time of the thread in brackets)");
    println!("| 2PL | patterns | cycles | fit | fit with standard errors |");
    println!("|---|---|---|---|---|");
    for (persons, items) in [(1000, 50), (20_000, 100)] {
        let truth = draw_calibration_items(items, None, 5);
        let data = simulate_full_forms(&truth, persons, 6);
        let (t, cpu, cycles) = time(&data, items, false);
        let (t_se, cpu_se, _) = time(&data, items, true);
        println!(
            "| {persons} × {items} | {} | {cycles} | {:.1} ms ({:.1} ms) | {:.1} ms ({:.1} ms) |",
            data.patterns(),
            t * 1e3,
            cpu * 1e3,
            t_se * 1e3,
            cpu_se * 1e3
        );
    }
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    if what.is_empty() || what == "speed" {
        speed();
    }
    if what.is_empty() || what == "recovery" {
        recovery();
    }
    if what.is_empty() || what == "adaptive" {
        adaptive();
    }
}

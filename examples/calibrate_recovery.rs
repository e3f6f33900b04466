//! The calibration issue's bars, measured: parameter recovery on simulated data (20
//! replications per cell), recovery from adaptive quizzes, and the speed of a 2PL fit.
//!
//! ```sh
//! cargo run --release --example calibrate_recovery            # everything
//! cargo run --release --example calibrate_recovery -- speed   # or recovery, adaptive
//! # recovery with other EM settings, writing every simulated data set out as CSV
//! # (responses, true parameters and our estimates) to fit with another program:
//! cargo run --release --example calibrate_recovery -- recovery \
//!     --tolerance 1e-6 --points 121 --limit 6 --dump /tmp/recovery
//! # the same design with more replications (and the spread of batches of 20):
//! cargo run --release --example calibrate_recovery -- recovery --replications 500
//! ```

use skillquiz::irt::Item;
use skillquiz::irt::calibrate::{Data, EmConfig, Model, Role, calibrate};
use skillquiz::{draw_calibration_items, simulate_adaptive, simulate_full_forms};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of the recovery study (`recovery [--tolerance X] [--points N] [--limit L]
/// [--dump DIR]`).
struct Opts {
    tolerance: f64,
    points: usize,
    limit: f64,
    dump: Option<PathBuf>,
    /// Replications per cell (the bars are for 20); at most 1000, so that the seeds of
    /// items (1000 + r) and of persons (2000 + r) never meet.
    replications: u64,
}

impl Opts {
    fn parse(args: &[String]) -> Result<Opts, String> {
        let d = EmConfig::new(Model::TwoPl);
        let mut o = Opts {
            tolerance: d.tolerance,
            points: d.points,
            limit: d.limit,
            dump: None,
            replications: 20,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("{flag} needs a value"));
            let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
            match flag.as_str() {
                "--tolerance" => o.tolerance = value()?.parse().map_err(|e| bad(&e))?,
                "--points" => o.points = value()?.parse().map_err(|e| bad(&e))?,
                "--limit" => o.limit = value()?.parse().map_err(|e| bad(&e))?,
                "--dump" => o.dump = Some(PathBuf::from(value()?)),
                "--replications" => o.replications = value()?.parse().map_err(|e| bad(&e))?,
                other => return Err(format!("unknown option {other}")),
            }
        }
        if !(2..=1000).contains(&o.replications) {
            return Err("--replications: from 2 to 1000".into());
        }
        Ok(o)
    }
}

/// Writes one replication: `PREFIX_responses.csv` (one row per person, one 0/1 column
/// per item, header i1…), `PREFIX_truth.csv` and, when it fitted, `PREFIX_ours.csv`
/// (item, a, b, c).
fn dump(dir: &Path, prefix: &str, data: &Data, truth: &[Item], fit: Option<&[Item]>) {
    let write = |name: String, text: String| {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
        }
    };
    let mut csv: String = (1..=data.items())
        .map(|j| format!("i{j}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    for p in 0..data.patterns() {
        let Some((answers, w)) = data.pattern_answers(p) else {
            continue;
        };
        let mut row = vec!["NA"; data.items()];
        for (j, right) in answers {
            row[j] = if right { "1" } else { "0" };
        }
        let row = row.join(",");
        for _ in 0..w.round() as usize {
            csv.push_str(&row);
            csv.push('\n');
        }
    }
    write(format!("{prefix}_responses.csv"), csv);
    let params = |items: &[Item]| {
        let mut s = String::from("item,a,b,c\n");
        for (j, it) in items.iter().enumerate() {
            s.push_str(&format!(
                "{},{:.17},{:.17},{:.17}\n",
                j + 1,
                it.a,
                it.b,
                it.c
            ));
        }
        s
    };
    write(format!("{prefix}_truth.csv"), params(truth));
    if let Some(fit) = fit {
        write(format!("{prefix}_ours.csv"), params(fit));
    }
}

/// Running sums of errors over item estimates.
#[derive(Default)]
struct Errors {
    /// Σ (fit − truth) and Σ (fit − truth)² of a, b, c.
    sum: [f64; 3],
    sq: [f64; 3],
    n: f64,
}

impl Errors {
    fn add(&mut self, fit: &Item, truth: &Item) {
        for (k, e) in [fit.a - truth.a, fit.b - truth.b, fit.c - truth.c]
            .into_iter()
            .enumerate()
        {
            self.sum[k] += e;
            self.sq[k] += e * e;
        }
        self.n += 1.0;
    }
    fn rmse(&self) -> [f64; 3] {
        self.sq.map(|s| (s / self.n).sqrt())
    }
    fn bias(&self) -> [f64; 3] {
        self.sum.map(|s| s / self.n)
    }
}

/// Mean of `xs` ± its standard error.
fn mean_se(xs: &[f64]) -> String {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    format!("{m:.3} ± {:.3}", (v / n).sqrt())
}

fn recovery(opts: &Opts) {
    println!(
        "EM: {} quadrature points on [−{l}, {l}], tolerance {:e}; {r} replications per cell",
        opts.points,
        opts.tolerance,
        l = opts.limit,
        r = opts.replications
    );
    println!(
        "RMSE pooled over the {r} × 20 item estimates [mean of the {r} replications' RMSE ± its standard error]; bias = mean(fit − truth)",
        r = opts.replications
    );
    println!(
        "| cell | converged | RMSE(a) | RMSE(b) | RMSE(c) | bias a / b / c | RMS of the SEs (a / b) | mean cycles | left out: abs(b) > 10 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    if let Some(dir) = &opts.dump
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("{}: {e}", dir.display());
    }
    // Per cell, with 40 replications or more: the pooled RMSE of (a, b, c) of each
    // disjoint batch of 20 replications, as the bars count them.
    let mut batches: Vec<(String, [f64; 3], Vec<[f64; 3]>)> = Vec::new();
    // (label, model, ln a prior SD, persons); the data of a (model's guessing, persons)
    // pair are the same whatever the prior.
    for (label, model, a_prior, persons) in [
        ("2pl", Model::TwoPl, None, 500),
        ("2pl", Model::TwoPl, None, 1000),
        ("2pl-aprior", Model::TwoPl, Some(0.5), 500),
        ("2pl-aprior", Model::TwoPl, Some(0.5), 1000),
        ("3pl", Model::ThreePl, Some(0.5), 500),
    ] {
        let guessing = (model == Model::ThreePl).then_some((0.1, 0.3));
        let mut e = Errors::default();
        let (mut converged, mut cycles) = (0, 0);
        let mut per_rep: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        // Σ SE² of a and b, and the count: the model's own expected RMSE.
        let mut se_sum = (0.0, 0.0, 0.0);
        let mut batch = Errors::default();
        let mut off_range = 0;
        let mut batch_rmse = Vec::new();
        for rep in 0..opts.replications {
            let truth = draw_calibration_items(20, guessing, 1000 + rep);
            let data = simulate_full_forms(&truth, persons, 2000 + rep);
            let guess = if guessing.is_some() { 0.2 } else { 0.0 };
            let roles = vec![Role::Free { guess }; 20];
            let cfg = EmConfig {
                points: opts.points,
                limit: opts.limit,
                tolerance: opts.tolerance,
                // A tight tolerance needs more cycles than the default cap.
                max_cycles: 5000,
                a_prior,
                ..EmConfig::new(model)
            };
            let fit = calibrate(&data, &roles, &cfg, |_, _| {});
            let fitted: Option<Vec<Item>> = fit
                .as_ref()
                .ok()
                .map(|f| f.items.iter().map(|i| i.item()).collect());
            if let Some(dir) = &opts.dump {
                let prefix = format!("{label}_{persons}_rep{rep:03}");
                dump(dir, &prefix, &data, &truth, fitted.as_deref());
            }
            match fit {
                Ok(fit) => {
                    converged += usize::from(fit.converged);
                    cycles += fit.cycles;
                    let mut one = Errors::default();
                    for (f, t) in fit.items.iter().zip(&truth) {
                        // A 3PL item answered right about as often as its guessing rate
                        // can have no finite estimate of b (the likelihood keeps rising
                        // as b → ∞); `calibrate` flags it out of range and never writes
                        // it. Counted apart, so that one does not swamp the RMSE.
                        if f.b.abs() > 10.0 {
                            off_range += 1;
                            continue;
                        }
                        e.add(&f.item(), t);
                        one.add(&f.item(), t);
                        batch.add(&f.item(), t);
                        if let Some(se) = f.se {
                            se_sum.0 += se.a * se.a;
                            se_sum.1 += se.b * se.b;
                            se_sum.2 += 1.0;
                        }
                    }
                    for (k, r) in one.rmse().into_iter().enumerate() {
                        per_rep[k].push(r);
                    }
                }
                Err(err) => println!("replication {rep}: {err}"),
            }
            if rep % 20 == 19 {
                batch_rmse.push(batch.rmse());
                batch = Errors::default();
            }
        }
        let [ra, rb, rc] = e.rmse();
        let [ba, bb, bc] = e.bias();
        let (c, bc) = if guessing.is_some() {
            (
                format!("{rc:.3} [{}]", mean_se(&per_rep[2])),
                format!("{bc:+.3}"),
            )
        } else {
            ("—".into(), "—".into())
        };
        let prior = if a_prior.is_some() && model == Model::TwoPl {
            " with ln a ~ N(0, 0.5²)"
        } else {
            ""
        };
        let name = format!("{}{prior} {persons} × 20", model.as_str());
        println!(
            "| {name} | {converged}/{} | {ra:.3} [{}] | {rb:.3} [{}] | {c} | {ba:+.3} / {bb:+.3} / {bc} | {:.3} / {:.3} | {:.0} | {off_range} |",
            opts.replications,
            mean_se(&per_rep[0]),
            mean_se(&per_rep[1]),
            (se_sum.0 / se_sum.2).sqrt(),
            (se_sum.1 / se_sum.2).sqrt(),
            cycles as f64 / opts.replications as f64
        );
        // The issue's bars (mirt's figures) on RMSE a, b, c for this cell.
        let bars = match (model, persons) {
            (Model::ThreePl, _) => [0.23, 0.29, 0.06],
            (_, 500) => [0.16, 0.19, f64::INFINITY],
            _ => [0.11, 0.12, f64::INFINITY],
        };
        batches.push((name, bars, batch_rmse));
    }
    if opts.replications >= 40 {
        println!();
        println!(
            "pooled RMSE of each disjoint batch of 20 replications: smallest, median, largest"
        );
        println!(
            "| cell | batches | RMSE(a) | RMSE(b) | RMSE(c) | batches meeting the bar of a / b / c / all |"
        );
        println!("|---|---|---|---|---|---|");
        for (name, bars, rs) in &batches {
            let meet = |k: usize| rs.iter().filter(|r| r[k] <= bars[k]).count();
            let all = rs
                .iter()
                .filter(|r| (0..3).all(|k| r[k] <= bars[k]))
                .count();
            let spread = |k: usize| {
                let mut v: Vec<f64> = rs.iter().map(|r| r[k]).collect();
                v.sort_by(f64::total_cmp);
                format!("{:.3}, {:.3}, {:.3}", v[0], v[v.len() / 2], v[v.len() - 1])
            };
            let c = if name.starts_with("3PL") {
                spread(2)
            } else {
                "—".into()
            };
            println!(
                "| {name} | {} | {} | {} | {c} | {} / {} / {} / {all} |",
                rs.len(),
                spread(0),
                spread(1),
                meet(0),
                meet(1),
                if name.starts_with("3PL") {
                    meet(2).to_string()
                } else {
                    "—".into()
                }
            );
        }
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
            let mut e = Errors::default();
            for j in 0..keep.len() {
                if counts[j].0 >= lo && counts[j].0 < hi {
                    e.add(&fit.items[j].item(), &truth[j]);
                }
            }
            let [ra, rb, _] = e.rmse();
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

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().cloned().unwrap_or_default();
    let opts = match Opts::parse(args.get(1..).unwrap_or_default()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    if what.is_empty() || what == "speed" {
        speed();
    }
    if what.is_empty() || what == "recovery" {
        recovery(&opts);
    }
    if what.is_empty() || what == "adaptive" {
        adaptive();
    }
    std::process::ExitCode::SUCCESS
}

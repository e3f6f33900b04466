//! 2PL calibration by EM on simulated full forms, 1000 persons × 50 items and 20,000 × 100
//! (the calibration issue's speed bars), without and with standard errors.
//! Run: `cargo bench --bench calibrate`.

use criterion::{Criterion, criterion_group, criterion_main};
use skillquiz::irt::calibrate::{EmConfig, Model, Role, calibrate};
use skillquiz::{draw_calibration_items, simulate_full_forms};
use std::hint::black_box;
use std::time::Duration;

fn em(c: &mut Criterion) {
    let mut g = c.benchmark_group("calibrate_2pl");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for (persons, items) in [(1000, 50), (20_000, 100)] {
        let truth = draw_calibration_items(items, None, 5);
        let data = simulate_full_forms(&truth, persons, 6);
        let roles = vec![Role::Free { guess: 0.0 }; items];
        for se in [false, true] {
            let cfg = EmConfig {
                standard_errors: se,
                ..EmConfig::new(Model::TwoPl)
            };
            let name = format!("{persons}x{items}{}", if se { "_with_se" } else { "" });
            g.bench_function(&name, |b| {
                b.iter(|| black_box(calibrate(&data, &roles, &cfg, |_, _| {}).unwrap()))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, em);
criterion_main!(benches);

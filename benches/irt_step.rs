//! One select-and-update step of an adaptive test (maximum information, EAP update) on
//! 500- and 10,000-item 2PL banks, after 10 answers. Run: `cargo bench --bench irt_step`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skillquiz::irt::{Cat, Grid, Item, Pool, Selector, StopRule, order_by_discrimination};
use std::hint::black_box;

fn bank(n: usize) -> Vec<Item> {
    let mut rng = ChaCha8Rng::seed_from_u64(20251127);
    (0..n)
        .map(|_| Item::two_pl(rng.random_range(0.5..2.5), rng.random_range(-2.5..2.5)))
        .collect()
}

fn step(c: &mut Criterion) {
    for n in [500, 10_000] {
        let items = bank(n);
        let order = order_by_discrimination(&items);
        let pool = Pool {
            by_a: &order,
            ..Pool::new(&items)
        };
        let rule = StopRule {
            se_target: None,
            max_items: n,
            bands: Vec::new(),
            z: 1.96,
        };
        for (name, selector) in [
            ("max_info", Selector::default()),
            (
                "randomesque_top5",
                Selector {
                    top_k: 5,
                    ..Selector::default()
                },
            ),
        ] {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut cat = Cat::new(pool, &Grid::default(), selector, rule.clone(), 0.0);
            for k in 0..10 {
                let i = cat.next(&mut rng).unwrap();
                cat.record(i, k % 3 != 0);
            }
            c.bench_function(&format!("select_and_update/{name}/{n}_items"), |b| {
                b.iter_batched(
                    || (cat.clone(), ChaCha8Rng::seed_from_u64(2)),
                    |(mut cat, mut rng)| {
                        let i = cat.next(&mut rng).unwrap();
                        cat.record(i, true);
                        black_box(cat.estimate())
                    },
                    BatchSize::SmallInput,
                )
            });
        }
    }
}

criterion_group!(benches, step);
criterion_main!(benches);

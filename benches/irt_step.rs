//! The adaptive-testing kernel, on 2PL banks of 500 and 10,000 items (a ~ U(0.5, 2.5),
//! b ~ U(−2.5, 2.5)) and on the built-in banks' graded questions, after 10 answers:
//!
//! - `select_and_update/…`: one whole step (choose the next item, record the answer,
//!   update the EAP) as `simulate` runs it, through the selection index and the response
//!   curves; `select_and_update_scan/…` the same step through the plain scan by
//!   discrimination and an EAP update with exponentials (what `simulate` did before);
//! - `select/{index,scan}/…`: one maximum-information selection alone;
//! - `eap_update/{curve,exp}`: one EAP update alone on the 81-point grid.
//!
//! Run: `cargo bench --bench irt_step`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skillquiz::irt::{
    Cat, Curves, Grid, Index, Item, Pool, Posterior, Selector, StopRule, item_of,
    order_by_discrimination,
};
use std::hint::black_box;

fn bank(n: usize) -> Vec<Item> {
    let mut rng = ChaCha8Rng::seed_from_u64(20251127);
    (0..n)
        .map(|_| Item::two_pl(rng.random_range(0.5..2.5), rng.random_range(-2.5..2.5)))
        .collect()
}

/// The graded questions of the built-in banks, as `simulate` without `--items-csv` uses them.
fn built_in() -> Vec<Item> {
    let catalog = skillquiz::Catalog::builtin().expect("the built-in banks are valid");
    catalog
        .questions
        .iter()
        .filter(|q| q.kind.is_graded())
        .map(item_of)
        .collect()
}

fn banks() -> Vec<(String, Vec<Item>)> {
    vec![
        ("500_items".into(), bank(500)),
        ("10000_items".into(), bank(10_000)),
        ("built_in".into(), built_in()),
    ]
}

fn rule(n: usize) -> StopRule {
    StopRule {
        se_target: None,
        max_items: n,
        bands: Vec::new(),
        z: 1.96,
    }
}

/// A test after 10 answers (every third one wrong).
fn after_ten<'a>(pool: Pool<'a>, grid: &Grid, selector: Selector) -> Cat<'a> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut cat = Cat::new(pool, grid, selector, rule(pool.items.len()), 0.0);
    for k in 0..10 {
        let i = cat.next(&mut rng).unwrap();
        cat.record(i, k % 3 != 0);
    }
    cat
}

fn step(c: &mut Criterion) {
    let grid = Grid::default();
    for (name, items) in banks() {
        let order = order_by_discrimination(&items);
        let index = Index::new(&items);
        let curves = Curves::new(&grid, &items);
        let scan = Pool {
            by_a: &order,
            ..Pool::new(&items)
        };
        let fast = Pool {
            index: Some(&index),
            curves: Some(&curves),
            ..scan
        };
        for (sel_name, selector) in [
            ("max_info", Selector::default()),
            (
                "randomesque_top5",
                Selector {
                    top_k: 5,
                    ..Selector::default()
                },
            ),
        ] {
            for (group, pool) in [
                ("select_and_update", fast),
                ("select_and_update_scan", scan),
            ] {
                let cat = after_ten(pool, &grid, selector);
                c.bench_function(&format!("{group}/{sel_name}/{name}"), |b| {
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
        // Selection alone, at the estimate after ten answers.
        for (group, pool) in [("select/index", fast), ("select/scan", scan)] {
            let cat = after_ten(pool, &grid, Selector::default());
            let mut rng = ChaCha8Rng::seed_from_u64(2);
            c.bench_function(&format!("{group}/max_info/{name}"), |b| {
                b.iter(|| black_box(cat.next(&mut rng)))
            });
        }
    }
}

fn eap_update(c: &mut Criterion) {
    let grid = Grid::default();
    let items = bank(500);
    let curves = Curves::new(&grid, &items);
    let mut post = Posterior::new(&grid);
    for (k, item) in items.iter().take(10).enumerate() {
        post.update(item, k % 3 != 0);
    }
    let (item, curve) = (&items[10], curves.row(10));
    c.bench_function("eap_update/curve", |b| {
        b.iter_batched_ref(
            || post.clone(),
            |p| {
                p.update_with_curve(item, curve, true);
                black_box(p.estimate())
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("eap_update/exp", |b| {
        b.iter_batched_ref(
            || post.clone(),
            |p| {
                p.update(item, true);
                black_box(p.estimate())
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, step, eap_update);
criterion_main!(benches);

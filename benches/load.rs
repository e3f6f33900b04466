//! Loading and linting the built-in banks (388 questions in six files):
//!
//! - `load/checked_at_build`: `Catalog::builtin()` as `take` starts, from the catalog the
//!   build checked (`src/bank/snapshot.rs`);
//! - `load/from_text`: the same files given as text, parsed, outlined and checked as any
//!   bank a teacher writes;
//! - `lint/built_in`: every lint (`validate`'s warnings) over the loaded catalog.
//!
//! Run: `cargo bench --bench load`. Larger collections are measured with the release
//! binary and `examples/bank_scale.rs` (BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use skillquiz::{BUILTIN_BANKS, Catalog, CatalogBuilder, Source};
use std::hint::black_box;

fn from_text() -> CatalogBuilder {
    let mut b = CatalogBuilder::roadmap_only();
    for (file, text) in BUILTIN_BANKS {
        b.add_source(Source {
            name: format!("question_banks/{file}"),
            text: text.to_string().into(),
            builtin: false,
        });
    }
    b
}

fn load(c: &mut Criterion) {
    c.bench_function("load/checked_at_build", |b| {
        b.iter(|| black_box(Catalog::builtin().expect("the built-in banks load")))
    });
    let builder = from_text();
    c.bench_function("load/from_text", |b| {
        b.iter(|| black_box(builder.build().expect("the built-in banks load")))
    });
}

fn lint(c: &mut Criterion) {
    let cat = Catalog::builtin().expect("the built-in banks load");
    c.bench_function("lint/built_in", |b| {
        b.iter(|| black_box(skillquiz::lint(&cat, None)))
    });
}

criterion_group!(benches, load, lint);
criterion_main!(benches);

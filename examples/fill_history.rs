//! Fills a history database with simulated attempts, for the scale figures in
//! BENCHMARKS.md (take's start, progress, recording an answer with 10,000 attempts).
//!
//! cargo run --release --example fill_history -- DIR [ATTEMPTS] [ANSWERS_PER_ATTEMPT]
//!
//! Each attempt is one day after the previous one and answers graded questions of the
//! built-in banks at random (seeded), so the file looks like years of use.

use rand::{RngExt, SeedableRng};
use skillquiz::history::{Attempt, AttemptInfo, Recorded, Store};
use skillquiz::{Answer, AttemptSpec, BankRef, Catalog, Ended, Mode, Response};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: fill_history DIR [ATTEMPTS] [ANSWERS]");
    let attempts: usize = args.next().map_or(10_000, |a| a.parse().expect("a number"));
    let answers: usize = args.next().map_or(20, |a| a.parse().expect("a number"));
    let catalog = Catalog::builtin().expect("the built-in banks are valid");
    let graded: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| q.kind.is_graded())
        .collect();
    let mut store = Store::open_dir(std::path::Path::new(&dir)).expect("a writable directory");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    // The last attempt is on 2026-11-30, so every answer is in the past.
    let start = 1_796_000_000i64 - 86_400 * attempts as i64;
    for a in 0..attempts {
        let t0 = start + 86_400 * a as i64;
        let responses = (0..answers)
            .map(|k| {
                let q = graded[rng.random_range(0..graded.len())];
                let correct = rng.random::<f64>() < 0.6;
                let bank = &catalog.banks[q.bank];
                Recorded {
                    response: Response {
                        id: q.id.to_string(),
                        topic: q.topic.to_string(),
                        area: q.area.to_string(),
                        answer: Answer::Skip,
                        score: if correct { 1.0 } else { 0.0 },
                        correct,
                        graded: true,
                        order: Vec::new(),
                        seconds: 10.0,
                        certainty: None,
                    },
                    bank: bank.name.clone(),
                    bank_version: bank.version.clone(),
                    answered_at: t0 + 10 * k as i64,
                }
            })
            .collect();
        let attempt = Attempt {
            info: AttemptInfo {
                id: format!("{a:032x}"),
                started_at: t0,
                ended_at: Some(t0 + 10 * answers as i64),
                skillquiz_version: env!("CARGO_PKG_VERSION").into(),
                mode: Mode::Adaptive,
                seed: a as u64,
                spec: AttemptSpec {
                    count: answers,
                    target_se: Some(0.35),
                    ..AttemptSpec::default()
                },
                banks: BankRef::all(&catalog),
                ended: Some(Ended::Completed),
            },
            responses,
        };
        store.import(&attempt).expect("the attempt is written");
    }
    println!("{attempts} attempts of {answers} answers in {dir}");
}

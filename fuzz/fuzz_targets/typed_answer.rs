//! Typed answers: parsing never panics for any kind, and a parsed answer grades to a
//! finite score in [0, 1].
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillquiz::{Catalog, grade, parse_answer};
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().unwrap());

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(typed) = std::str::from_utf8(rest) else {
        return;
    };
    let q = &CATALOG.questions[pick as usize * 7 % CATALOG.questions.len()];
    let n = q.kind.choices().map_or(0, <[_]>::len);
    let order: Vec<usize> = (0..n).rev().collect();
    if let Ok(answer) = parse_answer(q, &order, typed) {
        let g = grade(q, &answer);
        assert!(
            g.score.is_finite() && (0.0..=1.0).contains(&g.score),
            "{g:?}"
        );
    }
});

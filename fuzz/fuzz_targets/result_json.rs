//! Saved results (also every line of a history export): reading never panics, and a result
//! that reads is re-graded against the built-in banks to scores in [0, 1].
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillquiz::{Catalog, QuizResult};
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(result) = QuizResult::from_json("f.json", text) else {
        return;
    };
    if let Ok(r) = result.regraded(&CATALOG, "f.json") {
        for q in &r.questions {
            assert!(
                q.response.score.is_finite() && (0.0..=1.0).contains(&q.response.score),
                "{q:?}"
            );
        }
    }
});

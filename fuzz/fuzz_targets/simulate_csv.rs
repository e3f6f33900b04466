//! The CSV files of `simulate`: parsing never panics, and item tables that parse hold
//! finite parameters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillquiz::{parse_items, parse_thetas, parse_uniforms};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = parse_items("f.csv", text) {
        for i in &t.items {
            assert!(
                i.a.is_finite() && i.b.is_finite() && i.c.is_finite(),
                "{i:?}"
            );
        }
    }
    if let Ok(t) = parse_thetas("f.csv", text) {
        assert!(t.iter().all(|(_, x)| x.is_finite()));
    }
    if let Ok(u) = parse_uniforms("f.csv", text) {
        assert!(u.iter().all(|(_, xs)| xs.iter().all(|x| x.is_finite())));
    }
});

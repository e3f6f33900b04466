//! GIFT files: reading never panics, issues point at lines of the file, and whatever is
//! imported serializes to RON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillquiz::{Catalog, GiftImportOptions, import_gift};
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = GiftImportOptions {
        area: "fuzzed".into(),
        difficulty: skillquiz::Difficulty::Medium,
        step: Some(2),
    };
    // A file with only CR line ends is read as such (old Mac files), so count both.
    let lines = text.matches('\n').count().max(text.matches('\r').count()) + 1;
    let got = import_gift(&[("f.gift".into(), text.to_string())], &opts, &CATALOG);
    for i in &got.issues {
        assert!(
            i.line <= lines + 1,
            "issue at line {} of {lines}: {i:?}",
            i.line
        );
    }
});

//! Bank files: loading never panics, every diagnostic points inside the text, a bank that
//! loads passes the lints without panicking, and its GIFT export imports back whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillquiz::{CatalogBuilder, GiftImportOptions, Source, export_gift, import_gift, lint};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source {
        name: "fuzz.ron".into(),
        text: text.to_string().into(),
        builtin: false,
    };
    let lines = text.split('\n').count();
    match CatalogBuilder::roadmap_only().add_source(source).build() {
        Err(e) => {
            for d in e.diagnostics.iter().filter(|d| d.file == "fuzz.ron") {
                assert!(d.line <= lines, "line {} of {lines}: {d:?}", d.line);
                if d.line > 0 {
                    let len = text.split('\n').nth(d.line - 1).unwrap().chars().count();
                    assert!(
                        d.col >= 1 && d.col <= len + 1,
                        "column {} of {len}: {d:?}",
                        d.col
                    );
                }
            }
        }
        Ok(cat) => {
            let _ = lint(&cat, None);
            let questions: Vec<_> = cat.questions.iter().collect();
            let exported = export_gift(&questions, &cat);
            let written: usize = exported.written.values().sum();
            let Some(area) = cat.areas.first() else {
                return;
            };
            let opts = GiftImportOptions {
                area: area.id.clone(),
                difficulty: skillquiz::Difficulty::Medium,
                step: None,
            };
            let back = import_gift(&[("x.gift".into(), exported.text)], &opts, &cat);
            assert_eq!(back.errors().count(), 0, "{:?}", back.issues);
            assert_eq!(back.questions.len(), written);
        }
    }
});

//! Hostile input never panics: mangled bank files, arbitrary GIFT text and arbitrary typed
//! answers each give a value or a clear error. Property tests (proptest) with a fixed case
//! count, so the suite stays quick.

use proptest::prelude::*;
use skillquiz::{
    Catalog, CatalogBuilder, Difficulty, GiftImportOptions, Severity, Source, import_gift,
    parse_answer,
};
use std::sync::LazyLock;

const KINDS: &str = include_str!("fixtures/good/kinds.ron");

/// Loaded once: the built-in banks (for GIFT ids) and the fixture with every kind.
static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().unwrap());
static KINDS_CATALOG: LazyLock<Catalog> = LazyLock::new(|| load(KINDS).unwrap());

fn load(text: &str) -> Result<Catalog, skillquiz::BankErrors> {
    let mut b = CatalogBuilder::roadmap_only();
    b.add_source(Source {
        name: "mangled.ron".into(),
        text: text.to_string().into(),
        builtin: false,
    });
    b.build()
}

/// A text edit: delete a run of characters, or insert some, at a position.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            any::<usize>(),
            "[(){}\\[\\],:\"a-z0-9 \\n\\\\é\u{1b}-]{1,12}"
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Delete(at, n) => {
                let at = at % chars.len().max(1);
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A mangled bank loads or reports errors, each placed inside the file.
    #[test]
    fn mangled_banks_load_or_report(edits in proptest::collection::vec(edit(), 1..4)) {
        let text = apply(KINDS, &edits);
        let lines = text.lines().count().max(1);
        if let Err(e) = load(&text) {
            prop_assert!(e.errors().count() > 0);
            for d in &e.diagnostics {
                prop_assert!(d.line <= lines + 1, "line {} of {}", d.line, lines);
                prop_assert!(!d.problem.to_string().is_empty());
                if d.severity == Severity::Error {
                    prop_assert!(d.hint().is_some() || d.line > 0 || d.col == 0);
                }
            }
        }
    }

    /// Arbitrary text is never a panic for the GIFT reader.
    #[test]
    fn gift_reader_never_panics(text in "[::~=#{}\\[\\]%$A-Za-z0-9 .\\-\\\\\\n\\r/]{0,300}") {
        let cat = &*BUILTIN;
        let opts = GiftImportOptions {
            area: "fuzz".into(),
            difficulty: Difficulty::Medium,
            step: Some(2),
        };
        let out = import_gift(&[("fuzz.gift".into(), text)], &opts, cat);
        for issue in &out.issues {
            prop_assert!(issue.line >= 1);
        }
    }

    /// Arbitrary text, and XML-shaped text around Moodle's elements, is never a panic for
    /// the Moodle XML reader; every finding has a line.
    #[test]
    fn moodle_xml_reader_never_panics(
        parts in prop::collection::vec(prop::sample::select(vec![
            "<quiz>", "</quiz>", "<question type=\"multichoice\">", "<question type=\"numerical\">",
            "<question type=\"category\">", "</question>", "<answer fraction=\"50\">", "</answer>",
            "<text>", "</text>", "<category>", "</category>", "<![CDATA[<b>x</b> <img src=a>]]>",
            "&amp;", "&#0;", "&bogus;", "x", "1e999", "<single>false</single>", "<name>",
            "</name>", "<questiontext format=\"html\">", "</questiontext>", "<tolerance>-1</tolerance>",
        ]), 0..60),
        noise in "\\PC{0,40}",
    ) {
        let cat = &*BUILTIN;
        let opts = GiftImportOptions {
            area: "fuzz".into(),
            difficulty: Difficulty::Medium,
            step: Some(2),
        };
        for text in [parts.concat(), noise.clone(), format!("{}{noise}", parts.concat())] {
            let out = skillquiz::import_moodle_xml(&[("fuzz.xml".into(), text)], &opts, cat);
            for issue in &out.issues {
                prop_assert!(issue.line >= 1);
            }
        }
    }

    /// Any typed line is an answer or a hint, for every kind of question.
    #[test]
    fn typed_answers_never_panic(input in "\\PC{0,20}") {
        for q in &KINDS_CATALOG.questions {
            let order: Vec<usize> = (0..q.kind.choices().map_or(0, |c| c.len())).collect();
            match parse_answer(q, &order, &input) {
                Ok(a) => {
                    let g = skillquiz::grade(q, &a);
                    prop_assert!((0.0..=1.0).contains(&g.score));
                }
                Err(e) => prop_assert!(!e.hint.is_empty()),
            }
        }
    }
}

//! Moodle interop: GIFT and Moodle XML fixtures with the bank expected, export → import
//! round trips (the built-in banks, from the binary's embedded copy, and random banks),
//! the XML export checked against what Moodle's importer reads, and the CLI's reporting.

mod common;

use common::{Env, fixture, json};
use proptest::prelude::*;
use skillquiz::raw::{RawBank, RawChoice, RawKind, RawQuestion, RawTopic, Tolerance};
use skillquiz::{
    BUILTIN_BANKS, Catalog, CatalogBuilder, Difficulty, GiftImport, GiftImportOptions,
    GiftIssueKind, Source, export_gift, export_moodle_xml, import_gift, import_moodle_xml,
};

fn opts(area: &str, step: Option<u8>) -> GiftImportOptions {
    GiftImportOptions {
        area: area.into(),
        difficulty: Difficulty::Medium,
        step,
    }
}

fn roadmap() -> Catalog {
    CatalogBuilder::roadmap_only().build().unwrap()
}

fn read(rel: &str) -> (String, String) {
    let p = fixture(rel);
    (rel.to_string(), std::fs::read_to_string(p).unwrap())
}

fn q<'a>(im: &'a GiftImport, id: &str) -> &'a RawQuestion {
    im.questions.iter().find(|q| q.id == id).unwrap_or_else(|| {
        panic!(
            "no {id} in {:?}",
            im.questions.iter().map(|q| &q.id).collect::<Vec<_>>()
        )
    })
}

fn notes(im: &GiftImport) -> Vec<String> {
    im.issues
        .iter()
        .filter(|i| i.kind == GiftIssueKind::Note)
        .map(|i| i.message.clone())
        .collect()
}

fn choices(k: &RawKind) -> Vec<&str> {
    match k {
        RawKind::SingleChoice { choices, .. } | RawKind::MultipleSelect { choices, .. } => {
            choices.iter().map(|c| c.text.as_str()).collect()
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn gift_fixture_reads_every_rule_of_issue_12() {
    let im = import_gift(
        &[read("gift/moodle_rules.gift")],
        &opts("mdl", Some(2)),
        &roadmap(),
    );
    assert_eq!(im.errors().count(), 0, "{:?}", im.issues);
    // HTML through a real tokenizer: image placeholder and note, powers, signs, entities,
    // comments with tags inside (also in the general feedback).
    let img = q(&im, "mdl.image");
    assert_eq!(img.prompt, "What does the graph show? [image: graph 1.png]");
    assert_eq!(img.tags, ["images", "unit 1"]);
    assert!(
        notes(&im)
            .iter()
            .any(|n| n.contains("mdl.image") && n.contains("graph 1.png"))
    );
    assert_eq!(q(&im, "mdl.power").prompt, "Expand (x+1)^2.");
    assert_eq!(
        choices(&q(&im, "mdl.power").kind),
        ["x^2 + 2x + 1", "x^2 + 1"]
    );
    assert_eq!(q(&im, "mdl.signs").prompt, "Is 3 < 5 and 5 > 3?");
    assert_eq!(q(&im, "mdl.entities").prompt, "Café owner’s choice?");
    assert_eq!(q(&im, "mdl.comment").prompt, "Pick one.");
    assert_eq!(q(&im, "mdl.comment").explanation, "Because one is first.");
    // A line holding a no-break space does not end the question.
    assert!(q(&im, "mdl.nbsp").prompt.ends_with("second line"));
    // An unclosed ::title is dropped; the question goes untitled (id from its text).
    let untitled = im
        .questions
        .iter()
        .find(|q| q.prompt == "Unclosed title")
        .unwrap();
    assert!(untitled.id.starts_with("mdl.q_"));
    // Categories: `//` is a slash in a name; same last segment, different paths, two
    // topics; `$course$/top` is the top, not a topic.
    let topic = |id: &str| im.topics.iter().find(|t| t.id == q(&im, id).topic).unwrap();
    assert_eq!(topic("mdl.slash").title, "Unit 1/2");
    assert_ne!(q(&im, "mdl.basics_a").topic, q(&im, "mdl.basics_b").topic);
    assert_eq!(topic("mdl.basics_a").title, "Maths / Basics");
    assert_eq!(topic("mdl.basics_b").title, "Physics / Basics");
    assert_eq!(q(&im, "mdl.top").topic, "mdl.general");
    assert!(im.topics.iter().all(|t| !t.title.contains('$')));
    // {=*} accepts anything: skipped with a reason, never taken literally.
    assert!(im.questions.iter().all(|q| q.id != "mdl.any"));
    assert!(
        im.issues
            .iter()
            .any(|i| matches!(i.kind, GiftIssueKind::Skipped(_)) && i.message.contains('*'))
    );
    // Weights kept: picking all four of Grant's tomb scores 100% as in Moodle.
    match &q(&im, "mdl.weights").kind {
        RawKind::MultipleSelect {
            answers, weights, ..
        } => {
            assert_eq!(answers, &[0, 1]);
            assert_eq!(weights, &[0.5, 0.5, 0.0, 0.0]);
        }
        k => panic!("{k:?}"),
    }
    // A negative weight in a single-answer question is noted.
    assert!(
        notes(&im)
            .iter()
            .any(|n| n.contains("mdl.negative") && n.contains("took away 50%"))
    );
    // Missing-word questions: the blank as `_____`, also with only a full stop after.
    assert_eq!(
        q(&im, "mdl.missing").prompt,
        "The _____ is robust to outliers."
    );
    assert_eq!(
        q(&im, "mdl.missing_dot").prompt,
        "Paris is the capital of _____."
    );
    assert!(matches!(q(&im, "mdl.zero").kind, RawKind::Numeric { answer, .. } if answer == 0.0));
}

#[test]
fn moodle_xml_fixture_reads_every_kind_and_reports_the_rest_by_line() {
    let im = import_moodle_xml(
        &[read("moodle_xml/all_kinds.xml")],
        &opts("stx", Some(1)),
        &roadmap(),
    );
    assert_eq!(im.errors().count(), 0, "{:?}", im.issues);
    let imported = im.imported();
    assert_eq!(imported.values().sum::<usize>(), 9, "{imported:?}");
    // Kinds skillquiz lacks: one skip each, at the line and column of <question>.
    let skipped: Vec<(usize, Option<usize>, String)> = im
        .issues
        .iter()
        .filter(|i| matches!(i.kind, GiftIssueKind::Skipped(_)))
        .map(|i| (i.line, i.col, i.message.clone()))
        .collect();
    assert_eq!(skipped.len(), 9, "{skipped:?}");
    assert_eq!(skipped[0].0, 103);
    assert_eq!(skipped[0].1, Some(3));
    // idnumber → id, tags, html made plain, per-answer feedback, general feedback.
    let m = q(&im, "stx.median_robust");
    assert_eq!(m.prompt, "Which is robust to outliers & skew?");
    assert_eq!(m.explanation, "The median ignores extremes.");
    assert_eq!(m.tags, ["robust", "week 1"]);
    assert_eq!(m.topic, "stx.statistics_basics");
    match &m.kind {
        RawKind::SingleChoice {
            choices,
            answer: 0,
            fixed_order: false,
        } => {
            assert_eq!(
                choices[1].feedback.as_deref(),
                Some("The mean moves with every value.")
            );
        }
        k => panic!("{k:?}"),
    }
    assert!(
        notes(&im)
            .iter()
            .any(|n| n.contains("median_robust") && n.contains("took away 33.33333%"))
    );
    // Multiple answers with Moodle's weights, shuffling off.
    assert!(matches!(&q(&im, "stx.grant").kind,
        RawKind::MultipleSelect { weights, fixed_order: true, .. } if weights == &[0.5, 0.5, 0.0, 0.0]));
    // True/false: feedback on each side kept on fixed True/False choices; auto-format
    // line breaks kept.
    let z = q(&im, "stx.zero_even");
    assert_eq!(z.prompt, "Zero is even.\nThink about it.");
    assert!(matches!(
        &z.kind,
        RawKind::SingleChoice {
            answer: 0,
            fixed_order: true,
            ..
        }
    ));
    assert!(matches!(
        q(&im, "stx.pi_rational").kind,
        RawKind::TrueFalse { answer: false }
    ));
    assert_eq!(q(&im, "stx.pi_rational").prompt, "Is π rational?");
    // Short answer: case sensitivity and the partial answer are noted, not silent.
    assert!(
        matches!(&q(&im, "stx.capital").kind, RawKind::ShortText { accepted } if accepted == &["Paris"])
    );
    assert!(
        notes(&im)
            .iter()
            .any(|n| n.contains("capital") && n.contains("case"))
    );
    // Numerical: tolerance, unit, image placeholder with a note; zero.
    let g = q(&im, "stx.gravity");
    assert_eq!(g.prompt, "g at the surface? [image: earth.png]");
    assert!(
        matches!(&g.kind, RawKind::Numeric { answer, tolerance: Tolerance::Absolute(t), unit: Some(u) }
        if *answer == 9.81 && *t == 0.05 && u == "m/s^2")
    );
    assert!(
        notes(&im)
            .iter()
            .any(|n| n.contains("gravity") && n.contains("earth.png"))
    );
    // Code blocks: a final <pre> in HTML and a fenced block in Markdown.
    assert_eq!(
        q(&im, "stx.code").code.as_deref(),
        Some("for i in range(2):\n    print(i < 1)")
    );
    assert_eq!(q(&im, "stx.markdown").code.as_deref(), Some("print(1 + 1)"));
    assert_eq!(q(&im, "stx.markdown").prompt, "What does this print?");
}

#[test]
fn malformed_moodle_xml_is_one_error_at_file_line_and_column() {
    let text = "<quiz>\n  <question type=\"truefalse\">\n    <name><text>x</name>\n</quiz>\n";
    let im = import_moodle_xml(
        &[("bad.xml".into(), text.into())],
        &opts("maths", None),
        &roadmap(),
    );
    let e: Vec<_> = im.errors().collect();
    assert_eq!(e.len(), 1, "{:?}", im.issues);
    assert_eq!((e[0].file.as_str(), e[0].line), ("bad.xml", 3));
    assert!(e[0].col.is_some());
    assert!(e[0].to_string().starts_with("bad.xml:3:"), "{}", e[0]);
    // Not a quiz at all, and not XML at all.
    for text in ["<html></html>", "just text", ""] {
        let im = import_moodle_xml(
            &[("f.xml".into(), text.into())],
            &opts("maths", None),
            &roadmap(),
        );
        assert!(im.questions.is_empty());
        assert_eq!(im.errors().count(), 1, "{text:?}: {:?}", im.issues);
    }
}

/// What a format is documented (README) to lose, taken out of a question before comparing.
fn comparable(q: &RawQuestion, gift: bool) -> serde_json::Value {
    let mut q = q.clone();
    q.difficulty = Difficulty::Medium;
    q.params = None;
    q.resources.clear();
    q.related.clear();
    match &mut q.kind {
        RawKind::SingleChoice {
            choices,
            fixed_order,
            ..
        } => {
            let tf = choices.len() == 2
                && choices[0].text == "True"
                && choices[1].text == "False"
                && choices.iter().any(|c| c.feedback.is_some());
            if gift && !tf {
                *fixed_order = false;
            }
            choices.iter_mut().for_each(|c| c.resource = None);
        }
        RawKind::MultipleSelect {
            choices,
            fixed_order,
            weights,
            answers,
        } => {
            if gift {
                *fixed_order = false;
            }
            // Weights that equal the even marks are the same marks written out.
            let (n, k) = (choices.len(), answers.len());
            let even = weights.iter().enumerate().all(|(i, w)| {
                let e = if answers.contains(&i) {
                    1.0 / k as f64
                } else {
                    -1.0 / (n - k) as f64
                };
                (w - e).abs() < 1e-5
            });
            if even {
                weights.clear();
            }
            // Moodle keeps 5 decimals of a percentage.
            weights
                .iter_mut()
                .for_each(|w| *w = (*w * 1e5).round() / 1e5);
            choices.iter_mut().for_each(|c| c.resource = None);
        }
        RawKind::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            if let Tolerance::Relative(r) = tolerance {
                *tolerance = Tolerance::Absolute(*r * answer.abs());
            }
            if gift {
                *unit = None;
            }
        }
        _ => {}
    }
    serde_json::to_value(q).unwrap()
}

/// Exports `questions` (loaded in `cat`) and imports them back into `area` next to the
/// roadmap only; returns the import (its errors and skips included).
fn round_trip(cat: &Catalog, ids: &[&str], area: &str, gift: bool) -> GiftImport {
    let qs: Vec<&skillquiz::Question> = ids.iter().map(|id| cat.question(id).unwrap()).collect();
    if gift {
        let ex = export_gift(&qs, cat);
        import_gift(
            &[("out.gift".into(), ex.text)],
            &opts(area, Some(1)),
            &roadmap(),
        )
    } else {
        let ex = export_moodle_xml(&qs, cat);
        import_moodle_xml(
            &[("out.xml".into(), ex.text)],
            &opts(area, Some(1)),
            &roadmap(),
        )
    }
}

#[test]
fn built_in_banks_round_trip_through_both_formats() {
    let cat = Catalog::builtin().unwrap();
    for (name, text) in BUILTIN_BANKS {
        let raw: RawBank = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let graded: Vec<&RawQuestion> = raw
            .questions
            .iter()
            .filter(|q| !matches!(q.kind, RawKind::SelfRating))
            .collect();
        if graded.is_empty() {
            continue;
        }
        let area = graded[0].topic.split('.').next().unwrap();
        let ids: Vec<&str> = graded.iter().map(|q| q.id.as_str()).collect();
        for gift in [true, false] {
            let im = round_trip(&cat, &ids, area, gift);
            let fmt = if gift { "GIFT" } else { "Moodle XML" };
            assert_eq!(im.errors().count(), 0, "{name} {fmt}: {:?}", im.issues);
            assert_eq!(
                im.questions.len(),
                graded.len(),
                "{name} {fmt}: {:?}",
                im.issues
            );
            for (a, b) in graded.iter().zip(&im.questions) {
                assert_eq!(comparable(a, gift), comparable(b, gift), "{name} {fmt}");
            }
            // And the result loads as a bank.
            let bank = RawBank {
                questions: im.questions.clone(),
                topics: im.topics.clone(),
                areas: Vec::new(),
                ..raw.clone()
            };
            let text = skillquiz::bank_to_ron(&bank, "").unwrap();
            let mut b = CatalogBuilder::roadmap_only();
            b.add_source(Source {
                name: "back.ron".into(),
                text: text.into(),
                builtin: false,
            });
            b.build()
                .unwrap_or_else(|e| panic!("{name} {fmt}: {:?}", e.diagnostics));
        }
    }
}

/// Moodle's XML importer: what `question/format/xml/format.php` reads and what
/// `qformat_default::importprocess` checks with its default settings.
fn check_moodle_structure(xml: &str) -> usize {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    // A flat walk is enough: record, per question, its type, its children and answers.
    #[derive(Default, Debug)]
    struct Q {
        kind: String,
        children: Vec<String>,
        fractions: Vec<f64>,
        formats: Vec<String>,
        answer_texts: Vec<String>,
    }
    let mut r = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut qs: Vec<Q> = Vec::new();
    let mut text = String::new();
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(t) | Event::Empty(t) if false => drop(t),
            Event::Start(t) => {
                let name = t.name().as_ref().to_string();
                let attr = |k: &str| {
                    t.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| a.value.to_string())
                };
                if path.is_empty() {
                    assert_eq!(name, "quiz", "the root is <quiz>");
                }
                if name == "question" {
                    assert_eq!(path, ["quiz"], "questions sit directly in <quiz>");
                    qs.push(Q {
                        kind: attr("type").expect("type attribute"),
                        ..Q::default()
                    });
                } else if path.len() == 2 {
                    qs.last_mut().unwrap().children.push(name.clone());
                }
                if let Some(f) = attr("format") {
                    qs.last_mut().unwrap().formats.push(f);
                }
                if name == "answer" && path.len() == 2 {
                    let f: f64 = attr("fraction").expect("fraction").parse().unwrap();
                    qs.last_mut().unwrap().fractions.push(f);
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(_) => text.push('&'),
            Event::End(_) => {
                if path.len() == 4 && path[2] == "answer" && path[3] == "text" {
                    qs.last_mut()
                        .unwrap()
                        .answer_texts
                        .push(text.trim().to_string());
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let grades = skillquiz::interop::MOODLE_FRACTIONS;
    for q in &qs {
        let has = |c: &str| q.children.iter().any(|x| x == c);
        if q.kind == "category" {
            assert!(has("category"), "{q:?}");
            continue;
        }
        assert!(
            ["multichoice", "truefalse", "shortanswer", "numerical"].contains(&q.kind.as_str()),
            "{q:?}"
        );
        // import_headers: a name is required; questiontext and generalfeedback with formats.
        assert!(
            has("name") && has("questiontext") && has("generalfeedback"),
            "{q:?}"
        );
        for f in &q.formats {
            assert!(
                ["html", "moodle_auto_format", "plain_text", "markdown"].contains(&f.as_str()),
                "{q:?}"
            );
        }
        // "error if grade not listed": every fraction is in the list (or its negative).
        for f in &q.fractions {
            assert!(
                grades.iter().any(|g| (f.abs() - g).abs() < 0.001),
                "fraction {f} in {q:?}"
            );
        }
        match q.kind.as_str() {
            "multichoice" => {
                assert!(
                    has("single") && has("shuffleanswers") && has("answernumbering"),
                    "{q:?}"
                );
                assert!(q.fractions.len() >= 2);
                let positive: f64 = q.fractions.iter().filter(|f| **f > 0.0).sum();
                let best = q.fractions.iter().cloned().fold(f64::MIN, f64::max);
                // single: one answer at 100%; multiple: the positive grades add up to 100%.
                assert!(
                    (best - 100.0).abs() < 1e-3 || (positive - 100.0).abs() < 1e-3,
                    "{q:?}"
                );
            }
            "truefalse" => {
                assert_eq!(q.answer_texts, ["true", "false"], "{q:?}");
                let mut f = q.fractions.clone();
                f.sort_by(f64::total_cmp);
                assert_eq!(f, [0.0, 100.0]);
            }
            "numerical" => {
                // Moodle takes a bare "0" for an empty answer.
                assert!(
                    q.answer_texts.iter().all(|t| t != "0" && !t.is_empty()),
                    "{q:?}"
                );
                assert!(has("answer"));
            }
            "shortanswer" => assert!(has("usecase") && has("answer"), "{q:?}"),
            _ => unreachable!(),
        }
    }
    qs.iter().filter(|q| q.kind != "category").count()
}

#[test]
fn moodle_xml_export_has_the_structure_moodles_importer_reads() {
    let cat = Catalog::builtin().unwrap();
    let qs: Vec<&skillquiz::Question> = cat.questions.iter().collect();
    let ex = export_moodle_xml(&qs, &cat);
    let written = check_moodle_structure(&ex.text);
    assert_eq!(written, ex.written.values().sum::<usize>());
    assert_eq!(written + ex.skipped.len(), qs.len());
    // Only the self-ratings are left out.
    assert!(
        ex.skipped
            .iter()
            .all(|(id, _)| cat.question(id).is_some_and(|q| !q.kind.is_graded()))
    );
}

/// Every weight in a GIFT export is one of Moodle's grades, and no numeric answer is a bare
/// `{#0}`, which Moodle refuses.
#[test]
fn gift_export_of_the_built_in_banks_uses_only_moodles_grades() {
    let cat = Catalog::builtin().unwrap();
    let qs: Vec<&skillquiz::Question> = cat.questions.iter().collect();
    let text = export_gift(&qs, &cat).text;
    let grades = skillquiz::interop::MOODLE_FRACTIONS;
    let mut weights = 0;
    for part in text.split("~%").skip(1) {
        let w: f64 = part.split('%').next().unwrap().parse().unwrap();
        assert!(
            grades.iter().any(|g| (w.abs() - g).abs() < 1e-3),
            "weight {w}"
        );
        weights += 1;
    }
    assert!(weights > 20, "{weights} weights");
    assert!(!text.contains("{#0}") && !text.contains("{#0####"));
}

#[test]
fn marks_moodle_has_no_grade_for_are_reported_not_rounded() {
    // 2 right of 13: a wrong pick costs 1/11 = 9.09091%, not in Moodle's list.
    let choices: String = (0..13).map(|i| format!("(text: \"c{i}\"),")).collect();
    let text = format!(
        "(format_version: 1, name: \"w\", version: \"1\", areas: [(id: \"wx\", title: \"W\")],
         topics: [(id: \"wx.t\", title: \"T\", step: 1)],
         questions: [
           (id: \"wx.wide\", topic: \"wx.t\", difficulty: Easy, prompt: \"Pick\", explanation: \"e\",
            kind: MultipleSelect(choices: [{choices}], answers: [0, 1])),
           (id: \"wx.zero\", topic: \"wx.t\", difficulty: Easy, prompt: \"0?\", explanation: \"e\",
            kind: Numeric(answer: 0.0)),
         ])"
    );
    let mut b = CatalogBuilder::roadmap_only();
    b.add_source(Source {
        name: "w.ron".into(),
        text: text.into(),
        builtin: false,
    });
    let cat = b.build().unwrap();
    let qs: Vec<&skillquiz::Question> = cat.questions.iter().collect();
    let gift = export_gift(&qs, &cat);
    assert_eq!(gift.skipped.len(), 1);
    assert!(gift.skipped[0].1.contains("9.09091"), "{:?}", gift.skipped);
    assert!(!gift.text.contains("9.09"));
    // A zero key is written with its tolerance, which Moodle reads as a number.
    assert!(gift.text.contains("{#0:0####"), "{}", gift.text);
    let xml = export_moodle_xml(&qs, &cat);
    assert_eq!(xml.skipped.len(), 1);
    assert_eq!(check_moodle_structure(&xml.text), 1);
}

#[test]
fn gift_export_escapes_texts_that_would_read_as_weights_or_markers() {
    let text = r#"(format_version: 1, name: "e", version: "1", areas: [(id: "ex", title: "E")],
        topics: [(id: "ex.t", title: "Unit 1/2: basics", step: 1)],
        questions: [
          (id: "ex.q", topic: "ex.t", difficulty: Easy, prompt: "[html] is literal here", explanation: "e",
           tags: ["a]b", "c"],
           kind: SingleChoice(choices: [(text: "%50%off"), (text: "[html]<b>"), (text: "[markdown]x", feedback: "[plain]fb")], answer: 0)),
        ])"#;
    let mut b = CatalogBuilder::roadmap_only();
    b.add_source(Source {
        name: "e.ron".into(),
        text: text.into(),
        builtin: false,
    });
    let cat = b.build().unwrap();
    let ids = ["ex.q"];
    for gift in [true, false] {
        let im = round_trip(&cat, &ids, "ex", gift);
        assert_eq!(im.errors().count(), 0, "{:?}", im.issues);
        let q = &im.questions[0];
        assert_eq!(q.prompt, "[html] is literal here");
        assert_eq!(choices(&q.kind), ["%50%off", "[html]<b>", "[markdown]x"]);
        assert!(
            matches!(&q.kind, RawKind::SingleChoice { choices, .. } if choices[2].feedback.as_deref() == Some("[plain]fb"))
        );
        assert_eq!(q.tags, ["a]b", "c"]);
        // The topic keeps its id and its title.
        assert_eq!(q.topic, "ex.t");
        assert_eq!(im.topics[0].title, "Unit 1/2: basics");
    }
}

fn word() -> impl Strategy<Value = String> {
    // Letters and every character either format reserves (no `*`: a wildcard in Moodle).
    "[a-zA-Z0-9~=#{}:%<>&/\\\\\\[\\].,!?'\"-]{1,7}"
}

fn text(max_words: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(word(), 1..max_words), 1..3).prop_map(|lines| {
        lines
            .iter()
            .map(|l| l.join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn choice_list() -> impl Strategy<Value = Vec<RawChoice>> {
    let choice = (text(4), prop::option::of(text(4))).prop_map(|(text, feedback)| RawChoice {
        text,
        feedback,
        resource: None,
    });
    prop::collection::vec(choice, 2..6).prop_map(|mut cs| {
        // Distinct texts, as a valid bank has.
        for (i, c) in cs.iter_mut().enumerate() {
            c.text = format!("{}{i}", c.text);
        }
        cs
    })
}

fn kind() -> impl Strategy<Value = RawKind> {
    prop_oneof![
        (choice_list(), any::<prop::sample::Index>(), any::<bool>()).prop_map(
            |(choices, i, fixed)| {
                let answer = i.index(choices.len());
                RawKind::SingleChoice {
                    choices,
                    answer,
                    fixed_order: fixed,
                }
            }
        ),
        (
            choice_list(),
            1usize..4,
            any::<bool>(),
            prop::sample::select(vec![0.0, -0.5, -1.0, -0.25])
        )
            .prop_map(|(choices, k, weighted, wrong)| {
                let k = k.min(choices.len());
                let answers: Vec<usize> = (0..k).collect();
                let weights = if weighted {
                    (0..choices.len())
                        .map(|i| if i < k { 1.0 / k as f64 } else { wrong })
                        .collect()
                } else {
                    Vec::new()
                };
                RawKind::MultipleSelect {
                    choices,
                    answers,
                    weights,
                    fixed_order: false,
                }
            }),
        any::<bool>().prop_map(|answer| RawKind::TrueFalse { answer }),
        (
            -100_000i64..100_000,
            0i64..1000,
            prop::option::of("[a-z]{1,3}")
        )
            .prop_map(|(a, t, unit)| RawKind::Numeric {
                answer: a as f64 / 100.0,
                tolerance: Tolerance::Absolute(t as f64 / 1000.0),
                unit,
            }),
        prop::collection::vec(word(), 1..3).prop_map(|mut accepted| {
            for (i, a) in accepted.iter_mut().enumerate() {
                a.push_str(&format!("w{i}"));
            }
            RawKind::ShortText { accepted }
        }),
    ]
}

fn question() -> impl Strategy<Value = RawQuestion> {
    (
        text(8),
        prop::option::of(prop::collection::vec("[a-z]{1,6}( [a-z]{1,6})?", 1..4)),
        text(6),
        prop::collection::vec("[a-z0-9_]{1,8}", 0..3),
        kind(),
        0usize..2,
    )
        .prop_map(|(prompt, code, explanation, tags, kind, topic)| {
            let mut tags = tags;
            tags.sort();
            tags.dedup();
            RawQuestion {
                id: String::new(),
                topic: format!("pt.t{topic}"),
                difficulty: Difficulty::Medium,
                prompt,
                code: code.map(|lines| lines.join("\n")),
                kind,
                explanation,
                params: None,
                resources: Vec::new(),
                tags,
                related: Vec::new(),
                status: Default::default(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Exporting any valid bank gives a file that imports back to the same questions
    /// (less what the README lists as lost), in both formats.
    #[test]
    fn any_valid_bank_round_trips(questions in prop::collection::vec(question(), 1..6),
                                  titles in ("[A-Za-z/: ]{1,12}", "[A-Za-z/: ]{1,12}")) {
        let mut questions = questions;
        for (i, q) in questions.iter_mut().enumerate() {
            q.id = format!("pt.q{i}");
        }
        let topics = vec![
            RawTopic { id: "pt.t0".into(), title: titles.0.trim().to_string() + "x", step: 1, resources: Vec::new() },
            RawTopic { id: "pt.t1".into(), title: titles.1.trim().to_string() + "y", step: 1, resources: Vec::new() },
        ];
        let bank = RawBank {
            format_version: 1,
            name: "pt".into(),
            version: "1".into(),
            author: String::new(),
            licence: String::new(),
            description: String::new(),
            areas: vec![skillquiz::raw::RawArea { id: "pt".into(), title: "PT".into(), self_rated: false }],
            topics,
            questions: questions.clone(),
        };
        let text = skillquiz::bank_to_ron(&bank, "Written by a test.").unwrap();
        // The text reads back as the value it was written from, so an import may check
        // the value (`CatalogBuilder::add_parsed`) instead of parsing what it writes.
        let back: RawBank = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(format!("{back:?}"), format!("{bank:?}"));
        let mut b = CatalogBuilder::roadmap_only();
        b.add_source(Source { name: "pt.ron".into(), text: text.into(), builtin: false });
        // The generator makes only valid banks.
        let cat = b
            .build()
            .map_err(|e| TestCaseError::fail(format!("{:?}", e.diagnostics)))?;
        let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        for gift in [true, false] {
            let im = round_trip(&cat, &ids, "pt", gift);
            prop_assert_eq!(im.errors().count(), 0, "{:?}", im.issues);
            // GIFT cannot write a short answer holding `->` (Moodle reads it as matching):
            // the export skips exactly those.
            let expected: Vec<&RawQuestion> = questions
                .iter()
                .filter(|q| !gift || !matches!(&q.kind, RawKind::ShortText { accepted } if accepted.iter().any(|a| a.contains("->"))))
                .collect();
            prop_assert_eq!(im.questions.len(), expected.len(), "{:?}", im.issues);
            // The export groups questions by topic; compare them by id.
            for a in expected {
                let b = im.questions.iter().find(|b| b.id == a.id);
                prop_assert!(b.is_some(), "{} missing", a.id);
                prop_assert_eq!(comparable(a, gift), comparable(b.unwrap(), gift));
            }
            for t in &im.topics {
                let orig = bank.topics.iter().find(|o| o.id == t.id).unwrap();
                prop_assert_eq!(&orig.title, &t.title);
            }
        }
    }
}

#[test]
fn a_short_answer_with_an_arrow_is_skipped_by_gift_and_kept_by_moodle_xml() {
    let text = r#"(format_version: 1, name: "pt", version: "1", author: "", licence: "", description: "",
        areas: [(id: "pt", title: "PT", self_rated: false)],
        topics: [(id: "pt.t0", title: "T", step: 1)],
        questions: [(id: "pt.q0", topic: "pt.t0", difficulty: Medium, prompt: "Which token comes before a Rust function's return type?",
            kind: ShortText(accepted: ["->"]), explanation: "The return type follows `->`.")])"#;
    let mut b = CatalogBuilder::roadmap_only();
    b.add_source(Source {
        name: "pt.ron".into(),
        text: text.into(),
        builtin: false,
    });
    let cat = b.build().unwrap();
    let q = cat.question("pt.q0").unwrap();
    let ex = export_gift(&[q], &cat);
    assert_eq!(ex.skipped.len(), 1, "{:?}", ex.skipped);
    assert!(ex.skipped[0].1.contains("matching"), "{:?}", ex.skipped);
    assert!(!ex.text.contains("->"));
    let im = round_trip(&cat, &["pt.q0"], "pt", false);
    assert_eq!(im.questions.len(), 1, "{:?}", im.issues);
}

#[test]
fn skip_invalid_skips_what_the_bank_check_refuses_at_its_gift_line() {
    let env = Env::new();
    let args = ["--area", "mdl", "--step", "2", "--out", "i.ron", "--json"];
    // Without --skip-invalid: exit 2, errors at the GIFT line, the JSON summary anyway.
    let out = env
        .cmd()
        .args(["import", "gift"])
        .arg(fixture("gift/invalid.gift"))
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid.gift:5: error: question `mdl.dup`"),
        "{err}"
    );
    assert!(
        err.contains("invalid.gift:7: error: question `mdl.ctrl`"),
        "{err}"
    );
    assert!(!err.contains("i.ron:"), "{err}");
    let v = json(&out.stdout);
    assert_eq!(v["written"], false);
    assert!(!env.dir.path().join("i.ron").exists());
    // With it: the two valid questions, the two invalid ones counted and named.
    let out = env
        .cmd()
        .args(["import", "gift", "--skip-invalid"])
        .arg(fixture("gift/invalid.gift"))
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    let v = json(&out.stdout);
    assert_eq!(v["written"], true);
    assert_eq!(v["imported_total"], 2);
    assert_eq!(v["skipped_invalid"], 2);
    env.cmd().args(["validate", "i.ron"]).assert().success();
}

#[test]
fn moodle_xml_commands_round_trip_a_bank() {
    let env = Env::new();
    env.cmd()
        .args(["import", "moodle-xml"])
        .arg(fixture("moodle_xml/all_kinds.xml"))
        .args(["--area", "stx", "--step", "1", "--out", "stx.ron"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "wrote stx.ron: 9 questions imported",
        ))
        .stderr(predicates::str::contains(
            "all_kinds.xml:103:3: skipped description",
        ));
    env.cmd()
        .args(["export", "moodle-xml", "stx.ron", "--out", "stx.xml"])
        .assert()
        .success()
        .stdout(predicates::str::contains("wrote stx.xml: 9 questions"));
    let xml = std::fs::read_to_string(env.dir.path().join("stx.xml")).unwrap();
    assert_eq!(check_moodle_structure(&xml), 9);
    env.cmd()
        .args([
            "import",
            "moodle-xml",
            "stx.xml",
            "--area",
            "stx",
            "--step",
            "1",
            "--out",
            "back.ron",
        ])
        .assert()
        .success();
    let read = |n: &str| -> RawBank {
        let t = std::fs::read_to_string(env.dir.path().join(n)).unwrap();
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&t)
            .unwrap()
    };
    let (a, b) = (read("stx.ron"), read("back.ron"));
    assert_eq!(a.questions.len(), b.questions.len());
    for (x, y) in a.questions.iter().zip(&b.questions) {
        assert_eq!(comparable(x, false), comparable(y, false));
    }
    // Malformed XML: file, line and column, exit 2, nothing written.
    env.write(
        "bad.xml",
        "<quiz>\n<question type=\"truefalse\">\n</quiz>\n",
    );
    env.cmd()
        .args([
            "import",
            "moodle-xml",
            "bad.xml",
            "--area",
            "stx",
            "--step",
            "1",
            "--out",
            "bad.ron",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.xml:3:"));
}

/// Found by fuzzing (fuzz/seeds/gift_import/cr_only_lines.gift): a file whose lines end in
/// CR alone is read line by line, so its issues name those lines.
#[test]
fn issues_in_a_file_with_cr_line_ends_name_its_lines() {
    let text = "// old Mac file\r\rA description, no answer.\r\rQ2 {T}\r";
    let im = import_gift(
        &[("mac.gift".into(), text.into())],
        &opts("macs", Some(2)),
        &roadmap(),
    );
    let lines: Vec<usize> = im.issues.iter().map(|i| i.line).collect();
    assert!(lines.contains(&3), "{:?}", im.issues);
    assert!(
        lines.iter().all(|&l| (1..=6).contains(&l)),
        "{:?}",
        im.issues
    );
    assert_eq!(im.questions.len(), 1);
}

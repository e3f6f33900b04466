//! Teacher commands run through the real binary: new bank, validate, stats, GIFT import
//! and export, analyze.

mod common;

use common::{find, fixture, json, skillquiz as sq, strings};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

#[test]
fn new_bank_template_validates_strictly_as_written() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .args(["new", "bank", "nlp.ron", "--area", "nlp"])
        .assert()
        .success()
        .stdout(predicate::str::contains("skillquiz validate nlp.ron"));
    // No warnings either: --strict would fail on one.
    let out = sq(dir.path())
        .args(["validate", "--strict", "--json", "nlp.ron"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 0);
    // One question of every kind.
    let out = sq(dir.path())
        .args(["stats", "--json", "--bank", "nlp.ron"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let kinds: Vec<&str> = strings(&v, "kinds", "kind");
    for k in [
        "single_choice",
        "multiple_select",
        "true_false",
        "numeric",
        "short_text",
        "self_rating",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    // The new topic carries its step and a resource, and a learner can take the bank.
    let text = std::fs::read_to_string(dir.path().join("nlp.ron")).unwrap();
    assert!(text.contains("step: 2") && text.contains("url: \"https://"));
    sq(dir.path())
        .args([
            "take", "--bank", "nlp.ron", "--area", "nlp", "--count", "5", "--seed", "1",
        ])
        .args(["--answers", "-", "--json"])
        .write_stdin("skip\nskip\nskip\nskip\nskip\n")
        .assert()
        .success();
}

#[test]
fn new_bank_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.ron");
    std::fs::write(&file, "keep me").unwrap();
    sq(dir.path())
        .args(["new", "bank", "mine.ron", "--area", "nlp"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    sq(dir.path())
        .args(["new", "bank", "mine.ron", "--area", "nlp", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("nlp.basics")
    );
    // Nothing else (no temporary file) is left in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn new_bank_rejects_a_bad_area_id() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .args(["new", "bank", "x.ron", "--area", "Natural Language"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid area id"));
    assert!(!dir.path().join("x.ron").exists());
}

#[test]
fn validate_strict_turns_warnings_into_failure_and_json_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let bank = fixture("teach/lints.ron");
    sq(dir.path()).arg("validate").arg(&bank).assert().success();
    let out = sq(dir.path())
        .args(["validate", "--strict", "--json"])
        .arg(&bank)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 0);
    let codes: Vec<&str> = strings(&v, "diagnostics", "code");
    for c in [
        "missing-explanation",
        "few-questions",
        "duplicate-prompt",
        "similar-prompt",
        "long-right-choice",
        "above-choice",
    ] {
        assert!(codes.contains(&c), "{c} not in {codes:?}");
    }
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(d["line"].as_u64().unwrap() > 0, "{d}");
        assert!(d["column"].as_u64().unwrap() > 0, "{d}");
        assert!(d["hint"].is_string(), "{d}");
    }
}

#[test]
fn validate_shows_the_line_a_caret_and_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .arg("validate")
        .arg(fixture("teach/lints.ron"))
        .assert()
        .success()
        .stderr(
            predicate::str::contains("lints.ron:")
                .and(predicate::str::contains(
                    "warning: question `lintz.basics.no_expl`",
                ))
                .and(predicate::str::contains(
                    "|             id: \"lintz.basics.no_expl\",",
                ))
                .and(predicate::str::contains("^"))
                .and(predicate::str::contains("hint:")),
        );
}

#[test]
fn validate_rejects_an_unknown_step_and_a_plain_http_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = sq(dir.path())
        .args(["validate", "--json"])
        .arg(fixture("teach/bad_step.ron"))
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let codes: Vec<&str> = strings(&v, "diagnostics", "code");
    assert!(codes.contains(&"bad-step"), "{codes:?}");
    assert!(codes.contains(&"not-https"), "{codes:?}");
}

#[test]
fn stats_counts_topics_difficulties_kinds_and_steps() {
    let dir = tempfile::tempdir().unwrap();
    let out = sq(dir.path())
        .args(["stats", "--json", "--min", "4", "--bank"])
        .arg(fixture("teach/lints.ron"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["banks"], serde_json::json!(["lintz"]));
    assert_eq!(v["questions"], 6);
    let basics = &v["topics"][0];
    assert_eq!(basics["topic"], "lintz.basics");
    assert_eq!(basics["questions"], 4);
    assert_eq!(
        (
            basics["easy"].as_u64(),
            basics["medium"].as_u64(),
            basics["hard"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    let step2 = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == 2)
        .unwrap();
    assert_eq!(step2["questions"], 4);
    // With --min 4, lintz.basics (4 questions) is fine and lintz.extra (2) is thin.
    assert_eq!(v["below_min"], serde_json::json!(["lintz.extra"]));
    sq(dir.path())
        .args(["stats", "--bank"])
        .arg(fixture("teach/lints.ron"))
        .assert()
        .success()
        .stdout(predicate::str::contains("lintz.basics").and(predicate::str::contains("Thin:")));
}

fn read_bank(path: &Path) -> skillquiz::raw::RawBank {
    let text = std::fs::read_to_string(path).unwrap();
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn question<'a>(bank: &'a skillquiz::raw::RawBank, id: &str) -> &'a skillquiz::raw::RawQuestion {
    bank.questions
        .iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn import_all_kinds(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = sq(dir)
        .args(["import", "gift"])
        .arg(fixture("gift/all_kinds.gift"))
        .args(["--area", "mlx", "--step", "2", "--out", "mlx.ron", "--json"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json(&out)
}

#[test]
fn gift_import_reads_every_rule_and_reports_what_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    let v = import_all_kinds(dir.path(), &[]);
    assert_eq!(
        v["imported"],
        serde_json::json!({"multiple_select": 1, "numeric": 5, "short_text": 3,
            "single_choice": 4, "true_false": 5})
    );
    assert_eq!(
        v["skipped"],
        serde_json::json!({"matching": 1, "essay": 1, "description": 1,
            "cloze": 1, "not representable": 1})
    );
    // Skipped questions are named by line.
    let skipped: Vec<(u64, &str)> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "skipped")
        .map(|i| (i["line"].as_u64().unwrap(), i["what"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            (72, "matching"),
            (78, "essay"),
            (80, "description"),
            (84, "cloze"),
            (86, "unrepresentable")
        ]
    );
    // The written bank validates with no errors.
    sq(dir.path())
        .args(["validate", "mlx.ron"])
        .assert()
        .success();

    let b = read_bank(&dir.path().join("mlx.ron"));
    use skillquiz::raw::{RawKind, Tolerance};
    // ::title:: → id; questions before any category → <area>.general.
    let q = question(&b, "mlx.grant_s_tomb");
    assert_eq!(q.topic, "mlx.general");
    assert_eq!(q.prompt, "Who is buried in Grant's tomb?");
    assert_eq!(
        q.explanation,
        "Grant and his wife are entombed above ground."
    );
    match &q.kind {
        RawKind::SingleChoice {
            choices, answer, ..
        } => {
            assert_eq!(*answer, 1);
            assert_eq!(
                choices[0].feedback.as_deref(),
                Some("No: he is entombed, not buried.")
            );
            assert_eq!(choices[2].feedback, None);
        }
        k => panic!("{k:?}"),
    }
    // $CATEGORY's path below `$course$/top` → topic; weights without "=" → multiple select.
    let q = question(&b, "mlx.metrics");
    assert_eq!(q.topic, "mlx.default_for_ml_model_evaluation");
    let t = b.topics.iter().find(|t| t.id == q.topic).unwrap();
    assert_eq!(t.title, "Default for ML / Model evaluation");
    assert!(matches!(&q.kind, RawKind::MultipleSelect { answers, .. } if answers == &[0, 1]));
    // T, TRUE, F, FALSE; feedback on each side becomes a fixed True/False choice.
    assert!(matches!(
        question(&b, "mlx.tf_t").kind,
        RawKind::TrueFalse { answer: true }
    ));
    assert!(matches!(
        question(&b, "mlx.tf_true").kind,
        RawKind::TrueFalse { answer: true }
    ));
    assert!(matches!(
        question(&b, "mlx.tf_false").kind,
        RawKind::TrueFalse { answer: false }
    ));
    assert_eq!(
        question(&b, "mlx.tf_false").prompt,
        "Accuracy is a good metric for fraud detection"
    );
    match &question(&b, "mlx.tf_f").kind {
        RawKind::SingleChoice {
            choices,
            answer,
            fixed_order,
        } => {
            assert_eq!((*answer, *fixed_order), (1, true));
            // {F#wrong#right}: "wrong" is shown to whoever answers true.
            assert_eq!(
                choices[0].feedback.as_deref(),
                Some("Too high a rate diverges.")
            );
            assert_eq!(
                choices[1].feedback.as_deref(),
                Some("Right: it can overshoot and diverge.")
            );
        }
        k => panic!("{k:?}"),
    }
    // Short answers: every full-credit answer; the 50% one is left out with a note.
    assert!(matches!(&question(&b, "mlx.short").kind,
        RawKind::ShortText { accepted } if accepted == &["receiver", "Receiver"]));
    assert!(matches!(&question(&b, "mlx.short_plain").kind,
        RawKind::ShortText { accepted } if accepted == &["pandas"]));
    // Numbers: #v, #v:tol, #min..max, several overlapping answers merged, negatives.
    let num = |id: &str| match &question(&b, id).kind {
        RawKind::Numeric {
            answer,
            tolerance: Tolerance::Absolute(t),
            ..
        } => (*answer, *t),
        k => panic!("{k:?}"),
    };
    assert_eq!(num("mlx.num_exact"), (4.0, 0.0));
    assert_eq!(num("mlx.num_tol"), (1.62, 0.005));
    assert_eq!(num("mlx.num_range"), (1994.5, 4.5));
    assert_eq!(num("mlx.num_several"), (1.4, 0.05));
    assert_eq!(num("mlx.num_negative"), (-7.0, 0.0));
    // Escapes, in titles and texts; \n is a line break.
    let q = question(&b, "mlx.escapes_all_of_them");
    assert_eq!(
        q.prompt,
        "Which is the set notation {1, 2} for\nthe elements 1 = one and 2 ~ two, with a # and a \\?"
    );
    match &q.kind {
        RawKind::SingleChoice { choices, .. } => {
            assert_eq!(choices[0].text, "{1, 2}");
            assert_eq!(
                choices[0].feedback.as_deref(),
                Some("Escaped braces : fine.")
            );
            assert_eq!(choices[1].text, "1 \\ 2");
        }
        k => panic!("{k:?}"),
    }
    // Text after the braces: a missing-word question, the blank shown as Moodle shows it.
    let q = question(&b, "mlx.missing_word");
    assert_eq!(q.prompt, "The _____ is robust to outliers.");
    assert!(matches!(&q.kind, RawKind::SingleChoice { answer: 1, .. }));
    // Format markers: HTML made plain, a Markdown code fence becomes `code`.
    assert_eq!(question(&b, "mlx.html").prompt, "Is 5 < 7?");
    assert_eq!(
        question(&b, "mlx.markdown").code.as_deref(),
        Some("print(1 + 1)")
    );
    // Partial credit in a single-answer question is reported, not silently dropped.
    let notes: Vec<&str> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "note")
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("mlx.partial") && n.contains("50% credit")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("mlx.short") && n.contains("radio")),
        "{notes:?}"
    );
    // Every imported question has the default difficulty.
    assert!(
        b.questions
            .iter()
            .all(|q| q.difficulty == skillquiz::Difficulty::Medium)
    );
}

#[test]
fn gift_import_reads_crlf_bom_and_no_final_newline_like_lf() {
    let dir = tempfile::tempdir().unwrap();
    // The fixture is committed with CRLF, a BOM and no final newline.
    let raw = std::fs::read(fixture("gift/crlf.gift")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF") && raw.windows(2).any(|w| w == b"\r\n"));
    assert!(!raw.ends_with(b"\n"));
    sq(dir.path())
        .args(["import", "gift"])
        .arg(fixture("gift/crlf.gift"))
        .args(["--area", "maths", "--out", "crlf.ron"])
        .assert()
        .success();
    let lf = String::from_utf8(raw).unwrap().replace("\r\n", "\n");
    std::fs::write(
        dir.path().join("lf.gift"),
        lf.trim_start_matches('\u{FEFF}'),
    )
    .unwrap();
    sq(dir.path())
        .args([
            "import", "gift", "lf.gift", "--area", "maths", "--out", "lf.ron",
        ])
        .assert()
        .success();
    let a = read_bank(&dir.path().join("crlf.ron"));
    let b = read_bank(&dir.path().join("lf.ron"));
    assert_eq!(
        serde_json::to_value(&a.questions).unwrap(),
        serde_json::to_value(&b.questions).unwrap()
    );
    assert_eq!(a.questions.len(), 3);
    // An existing area: no new area, and new topics borrow its step.
    assert!(a.areas.is_empty());
    assert_eq!(a.topics[0].step, 1);
    assert!(matches!(&question(&a, "maths.crlf_mc").kind,
        skillquiz::raw::RawKind::SingleChoice { answer: 1, choices, .. }
            if choices[1].feedback.as_deref() == Some("Right")));
}

#[test]
fn gift_import_of_a_malformed_file_names_lines_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .args(["import", "gift"])
        .arg(fixture("gift/malformed.gift"))
        .args(["--area", "bad", "--step", "1", "--out", "bad.ron"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("malformed.gift:4: error:")
                .and(predicate::str::contains("malformed.gift:6: error:"))
                .and(predicate::str::contains("malformed.gift:8: error:"))
                .and(predicate::str::contains("`four` is not a number"))
                .and(predicate::str::contains("nothing was written")),
        );
    assert!(!dir.path().join("bad.ron").exists());
    let out = sq(dir.path())
        .args(["import", "gift"])
        .arg(fixture("gift/malformed.gift"))
        .args([
            "--area",
            "bad",
            "--step",
            "1",
            "--out",
            "bad.ron",
            "--skip-invalid",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["imported_total"], 2);
    assert_eq!(v["skipped_invalid"], 3);
    assert_eq!(read_bank(&dir.path().join("bad.ron")).questions.len(), 2);
}

#[test]
fn gift_import_needs_a_step_for_a_new_area_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .args(["import", "gift"])
        .arg(fixture("gift/crlf.gift"))
        .args(["--area", "brandnew", "--out", "x.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "area `brandnew` is new: pass --step N",
        ));
    // --skip-invalid does not make the step up either.
    sq(dir.path())
        .args(["import", "gift", "--skip-invalid"])
        .arg(fixture("gift/crlf.gift"))
        .args(["--area", "brandnew", "--out", "x.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--step N"));
    assert!(!dir.path().join("x.ron").exists());
    std::fs::write(dir.path().join("x.ron"), "keep").unwrap();
    sq(dir.path())
        .args(["import", "gift"])
        .arg(fixture("gift/crlf.gift"))
        .args(["--area", "brandnew", "--step", "3", "--out", "x.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.ron")).unwrap(),
        "keep"
    );
}

/// Export then import: the same questions (GIFT keeps no difficulty, so all are Medium here).
#[test]
fn gift_export_then_import_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    import_all_kinds(dir.path(), &[]);
    sq(dir.path())
        .args(["export", "gift", "mlx.ron", "--out", "mlx.gift"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote mlx.gift: 18 questions"));
    sq(dir.path())
        .args([
            "import",
            "gift",
            "mlx.gift",
            "--area",
            "mlx",
            "--step",
            "2",
            "--out",
            "again.ron",
        ])
        .assert()
        .success();
    let a = read_bank(&dir.path().join("mlx.ron"));
    let b = read_bank(&dir.path().join("again.ron"));
    for (x, y) in a.questions.iter().zip(&b.questions) {
        assert_eq!(
            serde_json::to_value(x).unwrap(),
            serde_json::to_value(y).unwrap()
        );
    }
    assert_eq!(a.questions.len(), b.questions.len());
    let ids =
        |b: &skillquiz::raw::RawBank| b.topics.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
}

/// The template's graded questions survive export and import (all but what GIFT has no
/// place for: difficulty); its self-rating is reported as not exportable.
#[test]
fn gift_export_of_the_template_round_trips_every_gradable_kind() {
    let dir = tempfile::tempdir().unwrap();
    sq(dir.path())
        .args(["new", "bank", "nlp.ron", "--area", "nlp"])
        .assert()
        .success();
    sq(dir.path())
        .args(["export", "gift", "nlp.ron", "--out", "nlp.gift"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("wrote nlp.gift: 5 questions")
                .and(predicate::str::contains("GIFT has no self-rating")),
        );
    // Imported next to the original bank, ids stay unique by taking a suffix, and the
    // existing topic is reused rather than defined again.
    sq(dir.path())
        .args([
            "import",
            "gift",
            "nlp.gift",
            "--area",
            "nlp",
            "--out",
            "beside.ron",
        ])
        .args(["--bank", "nlp.ron", "--name", "nlp_beside"])
        .assert()
        .success();
    let beside = read_bank(&dir.path().join("beside.ron"));
    assert!(beside.topics.is_empty() && beside.areas.is_empty());
    assert!(
        beside.questions.iter().all(|q| q.id.ends_with("_2")),
        "{:?}",
        beside.questions.iter().map(|q| &q.id).collect::<Vec<_>>()
    );
    sq(dir.path())
        .args([
            "import", "gift", "nlp.gift", "--area", "nlp", "--out", "back.ron", "--step", "2",
        ])
        .assert()
        .success();
    let a = read_bank(&dir.path().join("nlp.ron"));
    let b = read_bank(&dir.path().join("back.ron"));
    let graded: Vec<_> = a
        .questions
        .iter()
        .filter(|q| !matches!(q.kind, skillquiz::raw::RawKind::SelfRating))
        .collect();
    assert_eq!(graded.len(), b.questions.len());
    for (x, y) in graded.iter().zip(&b.questions) {
        assert_eq!(x.id, y.id);
        assert_eq!(x.topic, y.topic);
        assert_eq!(x.prompt, y.prompt);
        assert_eq!(x.code, y.code);
        assert_eq!(x.explanation, y.explanation);
        assert_eq!(
            serde_json::to_value(&x.kind).unwrap(),
            serde_json::to_value(&y.kind).unwrap()
        );
    }
}

/// One student's picks for cls.q1..q4 (see tests/fixtures/teach/class.ron for the keys).
#[derive(Clone, Copy)]
enum Pick {
    Choice(usize),
    Bool(bool),
    Skip,
}

/// Saves one result per student in `dir/results`, made from a real `take --json` result
/// whose answers are replaced by `picks` (one row per student: q1, q2, q3, q4).
fn class_results(dir: &Path, picks: &[[Pick; 4]]) -> PathBuf {
    let bank = fixture("teach/class.ron");
    let out = sq(dir)
        .args([
            "take",
            "--mode",
            "fixed",
            "--area",
            "cls",
            "--count",
            "4",
            "--seed",
            "1",
            "--answers",
            "-",
        ])
        .args(["--json", "--bank"])
        .arg(&bank)
        .write_stdin("skip\nskip\nskip\nskip\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let base = json(&out);
    let keys = [
        Pick::Choice(0),
        Pick::Choice(2),
        Pick::Bool(true),
        Pick::Choice(1),
    ];
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    for (n, row) in picks.iter().enumerate() {
        let mut r = base.clone();
        // Each student's own attempt (the base was recorded in a history).
        if r["attempt"].is_object() {
            r["attempt"]["id"] = serde_json::json!(format!("attempt-of-student{}", n + 1));
        }
        for q in r["questions"].as_array_mut().unwrap() {
            let i = ["cls.q1", "cls.q2", "cls.q3", "cls.q4"]
                .iter()
                .position(|id| q["id"] == *id)
                .unwrap();
            let (answer, right) = match (row[i], keys[i]) {
                (Pick::Choice(c), Pick::Choice(k)) => (serde_json::json!({"choice": c}), c == k),
                (Pick::Bool(b), Pick::Bool(k)) => (serde_json::json!({"bool": b}), b == k),
                (Pick::Skip, _) => (serde_json::json!("skip"), false),
                _ => panic!("pick of the wrong kind"),
            };
            q["answer"] = answer;
            q["score"] = serde_json::json!(if right { 1.0 } else { 0.0 });
            q["correct"] = serde_json::json!(right);
            q["skipped"] = serde_json::json!(matches!(row[i], Pick::Skip));
        }
        std::fs::write(
            results.join(format!("student{}.json", n + 1)),
            serde_json::to_string_pretty(&r).unwrap(),
        )
        .unwrap();
    }
    results
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

/// Five students, four questions, checked against Moodle's formulas worked by hand.
///
/// Marks (1 = right):      q1 q2 q3 q4 | total X
///   student1               1  1  1  0 |  3
///   student2               1  1  1  1 |  4
///   student3               1  1  0  0 |  2
///   student4               1  0  0  1 |  2
///   student5               0  0  0  1 |  1   (skips q2)
/// X̄ = 12/5 = 2.4; Σ(X − X̄)² = 0.36 + 2.56 + 0.16 + 0.16 + 1.96 = 5.2; var X = 5.2/4 = 1.3.
#[test]
fn analyze_matches_moodles_formulas_on_a_small_class() {
    use Pick::*;
    let dir = tempfile::tempdir().unwrap();
    let results = class_results(
        dir.path(),
        &[
            [Choice(0), Choice(2), Bool(true), Choice(0)],
            [Choice(0), Choice(2), Bool(true), Choice(1)],
            [Choice(0), Choice(2), Bool(false), Choice(2)],
            [Choice(0), Choice(0), Bool(false), Choice(1)],
            [Choice(1), Skip, Bool(false), Choice(1)],
        ],
    );
    let out = sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .args(["--json", "--bank"])
        .arg(fixture("teach/class.ron"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let q = |id: &str| find(&v, "questions", "id", id).clone();
    // q1: x = 1,1,1,1,0 → facility 4/5; Σ(x − 0.8)² = 4·0.04 + 0.64 = 0.8, var 0.8/4 = 0.2,
    // SD √0.2. Rest X − x = 2,3,1,1,1 (mean 1.6): Σ(r − 1.6)² = 0.16+1.96+0.36+0.36+0.36 = 3.2,
    // var 0.8. Σ(x − 0.8)(r − 1.6) = 0.2(0.4+1.4−0.6−0.6) + (−0.8)(−0.6) = 0.12 + 0.48 = 0.6,
    // cov 0.15. DI = 0.15 / √(0.2·0.8) = 0.15/0.4 = 0.375. Sorted pairs (0,1)(1,1)(1,1)(1,2)
    // (1,3) give the same cross products, so cov_max = 0.15 and DE = 1.
    let q1 = q("cls.q1");
    close(&q1["facility"], 0.8);
    close(&q1["sd"], 0.2f64.sqrt());
    close(&q1["discrimination_index"], 0.375);
    close(&q1["discriminative_efficiency"], 1.0);
    // q2: x = 1,1,1,0,0 → facility 0.6, var (3·0.16 + 2·0.36)/4 = 0.3. Rest = 2,3,1,2,1
    // (mean 1.8), var (0.04+1.44+0.64+0.04+0.64)/4 = 0.7. Σ(x−0.6)(r−1.8) = 0.4(0.2+1.2−0.8)
    // − 0.6(0.2−0.8) = 0.24 + 0.36 = 0.6, cov 0.15; DI = 0.15/√0.21 = 0.3273268…
    // Sorted: x 0,0,1,1,1 with r 1,1,2,2,3: Σ = −0.6(−0.8−0.8) + 0.4(0.2+0.2+1.2) = 1.6,
    // cov_max 0.4, DE = 0.15/0.4 = 0.375.
    let q2 = q("cls.q2");
    close(&q2["facility"], 0.6);
    close(&q2["sd"], 0.3f64.sqrt());
    close(&q2["discrimination_index"], 0.15 / 0.21f64.sqrt());
    close(&q2["discriminative_efficiency"], 0.375);
    assert_eq!(q2["skipped"], 1);
    // q3: x = 1,1,0,0,0 → facility 0.4, var 0.3. Rest = 2,3,2,2,1 (mean 2), var 0.5.
    // Σ(x−0.4)(r−2) = 0.6(0+1) − 0.4(0+0−1) = 1.0, cov 0.25; DI = 0.25/√0.15 = 0.6454972…
    // Sorted: x 0,0,0,1,1 with r 1,2,2,2,3: Σ = −0.4(−1+0+0) + 0.6(0+1) = 1.0, DE = 1.
    let q3 = q("cls.q3");
    close(&q3["facility"], 0.4);
    close(&q3["discrimination_index"], 0.25 / 0.15f64.sqrt());
    close(&q3["discriminative_efficiency"], 1.0);
    // q4: x = 0,1,0,1,1 → facility 0.6, var 0.3. Rest = 3,3,2,1,0 (mean 1.8), var
    // (1.44+1.44+0.04+0.64+3.24)/4 = 1.7. Σ(x−0.6)(r−1.8) = −0.6(1.2+0.2) + 0.4(1.2−0.8−1.8)
    // = −0.84 − 0.56 = −1.4, cov −0.35; DI = −0.35/√0.51 = −0.4900980…
    // Sorted: x 0,0,1,1,1 with r 0,1,2,3,3: Σ = −0.6(−1.8−0.8) + 0.4(0.2+1.2+1.2) = 2.6,
    // cov_max 0.65, DE = −0.35/0.65 = −7/13.
    let q4 = q("cls.q4");
    close(&q4["discrimination_index"], -0.35 / 0.51f64.sqrt());
    close(&q4["discriminative_efficiency"], -7.0 / 13.0);
    // Whole test: mean 2.4 of 4 (60%), SD √1.3. α = 4/3 · (1 − (0.2+0.3+0.3+0.3)/1.3)
    // = 4/3 · 0.2/1.3 = 8/39; error ratio √(1 − 8/39) = √(31/39); SEM = √1.3 · √(31/39).
    let t = &v["test"];
    assert_eq!(
        (t["results"].as_u64(), t["questions"].as_u64()),
        (Some(5), Some(4))
    );
    close(&t["mean"], 2.4);
    close(&t["mean_fraction"], 0.6);
    close(&t["sd"], 1.3f64.sqrt());
    close(&t["alpha"], 8.0 / 39.0);
    close(&t["error_ratio"], (31.0f64 / 39.0).sqrt());
    close(
        &t["standard_error"],
        1.3f64.sqrt() * (31.0f64 / 39.0).sqrt(),
    );
    // Choice counts and flags, each with a reason.
    let picked: Vec<u64> = q2["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["picked"].as_u64().unwrap())
        .collect();
    assert_eq!(picked, [1, 0, 3, 0]);
    let codes = |q: &serde_json::Value| -> Vec<String> {
        strings(q, "flags", "code")
            .into_iter()
            .map(String::from)
            .collect()
    };
    assert_eq!(codes(&q1), ["unused-distractor"]); // PCA never picked
    assert_eq!(codes(&q2), ["unused-distractor", "unused-distractor"]);
    assert!(codes(&q3).is_empty());
    assert_eq!(codes(&q4), ["negative-discrimination"]);
    assert!(
        q4["flags"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("check the key")
    );
    // The text report shows the same figures as percentages, like Moodle.
    sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .arg("--bank")
        .arg(fixture("teach/class.ron"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("20.5%") // α = 8/39
                .and(predicate::str::contains("37.5%")) // q1's discrimination
                .and(predicate::str::contains("check the key")),
        );
}

#[test]
fn analyze_of_one_result_says_why_and_prints_no_nan() {
    use Pick::*;
    let dir = tempfile::tempdir().unwrap();
    let results = class_results(dir.path(), &[[Choice(0), Choice(2), Bool(true), Choice(1)]]);
    for json_flag in [true, false] {
        let mut c = sq(dir.path());
        c.arg("analyze")
            .arg(&results)
            .arg("--bank")
            .arg(fixture("teach/class.ron"));
        if json_flag {
            c.arg("--json");
        }
        let out = c.assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.to_lowercase().contains("nan"), "{text}");
        assert!(text.contains("at least 2 results"), "{text}");
    }
}

#[test]
fn analyze_refuses_results_from_different_bank_versions() {
    use Pick::*;
    let dir = tempfile::tempdir().unwrap();
    let results = class_results(
        dir.path(),
        &[
            [Choice(0), Choice(2), Bool(true), Choice(1)],
            [Choice(1), Choice(2), Bool(true), Choice(1)],
        ],
    );
    let f = results.join("student2.json");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("\"1.0.0\"", "\"1.1.0\"");
    std::fs::write(&f, text).unwrap();
    sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .arg("--bank")
        .arg(fixture("teach/class.ron"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("student2.json: bank `class` was version 1.1.0")
                .and(predicate::str::contains("loaded bank is version 1.0.0"))
                .and(predicate::str::contains("each version separately")),
        );
    // Without the class bank loaded its questions are unknown: said plainly.
    sq(dir.path())
        .arg("analyze")
        .arg(results.join("student1.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass its bank with --bank"));
    // An empty folder and a file that is not a result.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    sq(dir.path())
        .args(["analyze", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .json result files"));
    std::fs::write(dir.path().join("junk.json"), "{\"hello\": 1}").unwrap();
    sq(dir.path())
        .args(["analyze", "junk.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a skillquiz result"));
}

/// With certainty-based marking, analyze gives per question the share of answers at
/// certainty 3 and the share wrong at certainty 3.
#[test]
fn analyze_reports_confident_answers_and_confident_misconceptions() {
    use Pick::*;
    let dir = tempfile::tempdir().unwrap();
    let results = class_results(
        dir.path(),
        &[
            [Choice(0), Choice(2), Bool(true), Choice(1)],
            [Choice(1), Choice(2), Bool(true), Choice(1)],
            [Choice(1), Choice(0), Bool(false), Choice(1)],
            [Choice(0), Choice(0), Bool(false), Choice(1)],
        ],
    );
    // Students 1-3 were quite sure of every answer, student 4 unsure.
    for n in 1..=4 {
        let f = results.join(format!("student{n}.json"));
        let mut r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for q in r["questions"].as_array_mut().unwrap() {
            q["certainty"] = serde_json::json!(if n < 4 { 3 } else { 1 });
        }
        std::fs::write(&f, serde_json::to_string(&r).unwrap()).unwrap();
    }
    let out = sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .args(["--json", "--bank"])
        .arg(fixture("teach/class.ron"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let q1 = find(&v, "questions", "id", "cls.q1");
    close(&q1["certainty_3"], 0.75);
    // Students 2 and 3 picked the wrong choice for q1 at certainty 3: 2 of 4 answers.
    close(&q1["confidently_wrong"], 0.5);
    let q4 = find(&v, "questions", "id", "cls.q4");
    close(&q4["confidently_wrong"], 0.0);
}

/// Numeric ranges at the edges of f64 (near the largest number, or subnormal) import as
/// finite keys or are refused at their GIFT line, never as NaN or infinity.
#[test]
fn gift_numbers_at_the_edges_of_the_range_stay_finite() {
    let dir = tempfile::tempdir().unwrap();
    let gift = dir.path().join("edge.gift");
    std::fs::write(
        &gift,
        "::big:: Huge range? {#1e308..1.7e308}\n\n::tiny:: Tiny range? {#1e-320..3e-320}\n\n::wide:: Over the top {#=1.7e308:1e308 =1.6e308:1e308}\n",
    )
    .unwrap();
    let out = sq(dir.path())
        .args(["import", "gift"])
        .arg(&gift)
        .args([
            "--area",
            "edge",
            "--step",
            "1",
            "--out",
            "edge.ron",
            "--skip-invalid",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("edge.gift:5: error"), "{err}");
    assert!(err.contains("out of the range of numbers"), "{err}");
    let bank = std::fs::read_to_string(dir.path().join("edge.ron")).unwrap();
    assert!(!bank.contains("NaN") && !bank.contains("inf"), "{bank}");
    sq(dir.path())
        .args(["validate", "edge.ron"])
        .assert()
        .success();
}

#[test]
fn validate_finds_the_cues_a_guesser_exploits_and_unmarked_related_questions() {
    let dir = tempfile::tempdir().unwrap();
    let out = sq(dir.path())
        .args(["validate", "--strict", "--json"])
        .arg(fixture("teach/cues.ron"))
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let codes: Vec<&str> = strings(&v, "diagnostics", "code");
    for c in [
        "true-false-balance",
        "key-length-cue",
        "multi-select-first-choices",
        "multi-select-same-count",
        "fixed-order-keys",
        "gives-away",
        "unknown-related",
        "related-to-itself",
    ] {
        assert!(codes.contains(&c), "{c} not in {codes:?}");
    }
    let about = |code: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .filter(|d| d["message"].as_str().unwrap().contains("`cues.basics.f1`"))
            .map(|d| d["question"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // The undeclared give-away of the bank's own F1 question is found; the declared one
    // is not reported. (Both also give away the built-in F1 question, which they do not
    // declare.)
    assert_eq!(about("gives-away"), ["cues.basics.tells_f1"]);
    let message = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "true-false-balance")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("3 of this bank's 11"), "{message}");
}

/// A GIFT file of `n` distinct questions from `first` on, each with a prompt of about
/// `words` words.
fn long_gift(first: usize, n: usize, words: usize) -> String {
    let mut out = String::from("$CATEGORY: $course$/top/Big\n\n");
    for i in first..first + n {
        let prompt: Vec<String> = (0..words).map(|j| format!("w{i}x{j}")).collect();
        out.push_str(&format!(
            "::Q{i}::Which holds for {}?{{=right ~wrong}}\n\n",
            prompt.join(" ")
        ));
    }
    out
}

#[test]
fn an_import_over_the_size_of_a_bank_file_is_written_in_parts_that_load_together() {
    let dir = tempfile::tempdir().unwrap();
    // 2,400 questions of about 3.7 KB each: about 9 MB of RON, over the 8 MiB of a bank
    // file, from two GIFT files each under it.
    std::fs::write(dir.path().join("a.gift"), long_gift(0, 1200, 400)).unwrap();
    std::fs::write(dir.path().join("b.gift"), long_gift(1200, 1200, 400)).unwrap();
    let import = || {
        let mut c = sq(dir.path());
        c.args([
            "import", "gift", "a.gift", "b.gift", "--area", "bigx", "--step", "2", "--out",
            "big.ron", "--json",
        ]);
        c
    };
    let out = import().assert().success().get_output().stdout.clone();
    let v = json(&out);
    assert_eq!(v["files"], serde_json::json!(["big-1.ron", "big-2.ron"]));
    assert_eq!(v["imported_total"], 2400);
    assert!(!dir.path().join("big.ron").exists());
    let parts: Vec<PathBuf> = ["big-1.ron", "big-2.ron"]
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    let banks: Vec<skillquiz::raw::RawBank> = parts.iter().map(|p| read_bank(p)).collect();
    for p in &parts {
        let len = std::fs::metadata(p).unwrap().len();
        assert!(
            len <= skillquiz::MAX_FILE_BYTES,
            "{} is {len} bytes",
            p.display()
        );
    }
    // The area and the new topic are in the first part only, the questions split evenly.
    assert_eq!(banks[0].areas.len(), 1);
    assert!(!banks[0].topics.is_empty() && banks[1].topics.is_empty());
    assert!(banks[1].areas.is_empty());
    assert_eq!(
        (banks[0].questions.len(), banks[1].questions.len()),
        (1200, 1200)
    );
    assert_eq!(banks[0].name, "big (part 1 of 2)");
    // Together they load, and strictly.
    sq(dir.path())
        .args(["validate", "big-1.ron", "big-2.ron"])
        .assert()
        .success();
    // Run again, without --force: the first part that exists is named, and nothing is
    // written over it.
    let before = std::fs::read(&parts[1]).unwrap();
    std::fs::write(&parts[0], "kept").unwrap();
    import()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("big-1.ron already exists"));
    assert_eq!(std::fs::read(&parts[0]).unwrap(), b"kept");
    assert_eq!(std::fs::read(&parts[1]).unwrap(), before);
}

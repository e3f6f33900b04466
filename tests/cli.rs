//! Runs the real `skillquiz` binary, hermetically: a fresh temp dir per test as the working
//! directory, the project's environment variables cleared, fixtures from tests/fixtures.

mod common;

use assert_cmd::Command;
use common::{Env, find, fixture, json, strings};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn kinds_take(env: &Env) -> Command {
    let mut c = env.cmd();
    c.args([
        "take",
        "--no-history",
        "--mode",
        "fixed",
        "--area",
        "demo",
        "--count",
        "6",
        "--seed",
        "11",
        "--json",
    ])
    .arg("--bank")
    .arg(fixture("good/kinds.ron"));
    c
}

/// The questions in the order this seed asks them (learned from a run of six skips).
fn asked_order(env: &Env) -> Vec<String> {
    let skips = env.write("skips.txt", "\n\n\n\n\n\n");
    let out = kinds_take(env)
        .arg("--answers")
        .arg(&skips)
        .output()
        .unwrap();
    strings(&json(&out.stdout), "questions", "id")
        .into_iter()
        .map(String::from)
        .collect()
}

/// Runs the fixed quiz on the kinds fixture, answering each question from `key` (id →
/// answer) in the order the seed asks them.
fn take_kinds_with(env: &Env, key: &[(&str, &str)]) -> std::process::Output {
    let answers: String = asked_order(env)
        .iter()
        .map(|id| key.iter().find(|(k, _)| k == id).unwrap().1.to_string() + "\n")
        .collect();
    let file = env.write("answers.txt", answers);
    kinds_take(env)
        .arg("--answers")
        .arg(&file)
        .output()
        .unwrap()
}

/// Three right, one half right, two wrong: area 3.5/6, basics 2.5/3, advanced 1/3.
const MIXED: [(&str, &str); 6] = [
    ("demo.single", "b"),      // right: 1
    ("demo.multi", "a"),       // one of two right picks: 0.5
    ("demo.tf", "t"),          // right: 1
    ("demo.num", "0.5"),       // wrong: 0
    ("demo.rel", "86400"),     // right: 1
    ("demo.text", "underfit"), // wrong: 0
];

#[test]
fn scripted_quiz_gives_expected_scores_and_plan() {
    let env = Env::new();
    assert_eq!(asked_order(&env).len(), 6);
    let out = take_kinds_with(&env, &MIXED);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "completed");
    assert_eq!(r["seed"], 11);
    assert_eq!(r["banks"][0]["name"], "fixture-kinds");
    assert_eq!(r["banks"][0]["version"], "1.2.0");
    // Area: (1 + 0.5 + 1 + 0 + 1 + 0) / 6.
    let area = &r["areas"][0];
    assert_eq!(area["area"], "demo");
    assert!((area["score"].as_f64().unwrap() - 3.5 / 6.0).abs() < 1e-9);
    assert_eq!(area["answered"], 6);
    assert_eq!(area["level"], "developing");
    let topic = |id: &str| find(&r, "topics", "topic", id).clone();
    let basics = topic("demo.basics");
    assert!((basics["score"].as_f64().unwrap() - 2.5 / 3.0).abs() < 1e-9);
    assert_eq!(basics["level"], "strong");
    assert_eq!(basics["step"], 1);
    let adv = topic("demo.advanced");
    assert!((adv["score"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(adv["level"], "weak");
    // The learner model (this quiz alone): the half-right answer counts as wrong, so
    // both topics have 2 of 3 or fewer fully right and neither is most likely strong.
    let learner = &r["learner"];
    assert_eq!(learner["attempts"], 1);
    let adv_v = find(learner, "topics", "id", "demo.advanced");
    assert_eq!(adv_v["answered"], 3);
    assert_eq!(adv_v["correct"], 1);
    let p = adv_v["probability"].as_f64().unwrap();
    assert!((1.0 / 3.0..1.0).contains(&p), "{p}");
    // Plan: each topic under its step, foundations first, with its resource.
    let recs = r["recommendations"].as_array().unwrap();
    assert_eq!(
        strings(&r, "recommendations", "title"),
        [
            "Foundations: mathematics and programming",
            "Core machine learning"
        ]
    );
    assert_eq!(recs[1]["step"], 2);
    assert_eq!(recs[1]["topics"], serde_json::json!(["demo.advanced"]));
    assert_eq!(recs[1]["entries"][0]["level"], adv_v["level"]);
    assert_eq!(
        recs[1]["resources"][0]["url"],
        "https://example.org/advanced"
    );
    // Per question: correctness and score.
    let q = |id: &str| find(&r, "questions", "id", id).clone();
    assert_eq!(q("demo.multi")["score"], 0.5);
    assert_eq!(q("demo.multi")["correct"], false);
    assert_eq!(q("demo.rel")["correct"], true);
    assert_eq!(r["missed"].as_array().unwrap().len(), 3);
}

#[test]
fn same_seed_same_quiz_and_text_report_has_plan() {
    let env = Env::new();
    assert_eq!(asked_order(&env), asked_order(&env));
    let file = env.write("a.txt", "skip\nskip\nskip\n");
    env.cmd()
        .args(["take", "--area", "demo", "--seed", "3", "--answers"])
        .arg(&file)
        .arg("--bank")
        .arg(fixture("good/kinds.ron"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Your results"))
        .stdout(predicate::str::contains("Next steps"))
        .stdout(predicate::str::contains("Questions to review"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn wrong_choice_feedback_and_resource_reach_the_report() {
    let env = Env::new();
    let out = take_kinds_with(
        &env,
        &[
            ("demo.single", "a"), // 3: wrong, its feedback and resource apply
            ("demo.multi", "b"),
            ("demo.tf", "f"),
            ("demo.num", "1"),
            ("demo.rel", "1"),
            ("demo.text", "x"),
        ],
    );
    let r = json(&out.stdout);
    let missed = r["missed"].as_array().unwrap();
    let single = missed.iter().find(|m| m["id"] == "demo.single").unwrap();
    assert_eq!(
        single["feedback"][0],
        "3 leaves remainder 1 when divided by 2."
    );
    assert_eq!(single["right_answer"], "B) 4");
    let step1 = r["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == 1)
        .unwrap();
    // The misconception's resource comes before the topic's own.
    assert_eq!(
        step1["entries"][0]["resources"][0]["url"],
        "https://example.org/parity"
    );
    assert_eq!(
        step1["entries"][0]["resources"][1]["url"],
        "https://example.org/basics"
    );
}

#[test]
fn interactive_stdin_reasks_typos_skips_and_quits() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["take", "--seed", "5", "--json", "--bank"])
        .arg(fixture("good/choices.ron"))
        .args(["--area", "quiz"])
        .write_stdin("zz\ne\n\na\ns\nq\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let ui = String::from_utf8(out.stderr).unwrap();
    assert!(ui.contains("`zz` is not a single letter"), "{ui}");
    assert!(ui.contains("`e` is not one of the choices"), "{ui}");
    assert!(ui.contains("type one letter from A to C"), "{ui}");
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "quit");
    let qs = r["questions"].as_array().unwrap();
    assert_eq!(
        qs.len(),
        2,
        "the typos never scored; the quit question is not counted"
    );
    assert_eq!(qs[0]["answer"], serde_json::json!({"choice": 0}));
    assert_eq!(qs[1]["answer"], "skip");
    assert_eq!(qs[1]["skipped"], true);
    assert_eq!(r["areas"][0]["answered"], 2);
}

#[test]
fn interactive_help_and_end_of_input_scores_what_was_answered() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "take",
            "--mode",
            "fixed",
            "--seed",
            "5",
            "--feedback",
            "end",
            "--area",
            "quiz",
            "--bank",
        ])
        .arg(fixture("good/choices.ron"))
        .write_stdin("?\nb\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Type your answer and press Enter"), "{text}");
    assert!(text.contains("input ended early"), "{text}");
    assert!(text.contains("1 graded answer of 3 questions"), "{text}");
}

#[test]
fn truncated_answers_file_scores_what_was_answered() {
    let env = Env::new();
    let file = env.write("answers.txt", "a\nb");
    let out = env
        .cmd()
        .args(["take", "--seed", "1", "--json", "--area", "quiz", "--bank"])
        .arg(fixture("good/choices.ron"))
        .arg("--answers")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "input_ended");
    assert_eq!(r["questions"].as_array().unwrap().len(), 2);
    assert_eq!(r["asked"], 3);
}

#[test]
fn answer_that_does_not_fit_names_the_line() {
    let env = Env::new();
    let file = env.write("answers.txt", "a\n7\nb\n");
    env.cmd()
        .args(["take", "--seed", "1", "--area", "quiz", "--bank"])
        .arg(fixture("good/choices.ron"))
        .arg("--answers")
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "answers.txt:2: answer `7` does not fit question",
        ))
        .stderr(predicate::str::contains("type one letter from A to C"));
}

#[test]
fn answers_from_stdin_dash() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "take",
            "--seed",
            "1",
            "--json",
            "--area",
            "quiz",
            "--answers",
            "-",
            "--bank",
        ])
        .arg(fixture("good/choices.ron"))
        .write_stdin("a\na\na\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["ended"], "completed");
}

#[test]
fn invalid_utf8_answers_file_is_an_input_error() {
    let env = Env::new();
    let file = env.write("answers.txt", b"a\n\xff\xfe\n");
    env.cmd()
        .args(["take", "--seed", "1", "--area", "quiz", "--bank"])
        .arg(fixture("good/choices.ron"))
        .arg("--answers")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("answers.txt"));
}

#[test]
fn unknown_area_and_topic_are_usage_errors() {
    let env = Env::new();
    env.cmd()
        .args(["take", "--area", "astrology"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown area `astrology`"))
        .stderr(predicate::str::contains("maths"));
    env.cmd()
        .args(["take", "--topic", "maths.probabilty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `maths.probability`"));
    env.cmd().args(["take", "--count", "0"]).assert().code(2);
    env.cmd().args(["take", "--bogus"]).assert().code(2);
}

/// Each class of broken bank: its own message, at its line and column, exit 3.
#[test]
fn broken_banks_are_reported_with_line_and_column() {
    let cases = [
        ("syntax.ron", "11:13", "syntax", "Expected comma"),
        (
            "unknown_field.ron",
            "13:13",
            "unknown-field",
            "unknown field `colour`",
        ),
        (
            "unknown_topic.ron",
            "8:13",
            "unknown-topic",
            "did you mean `maths.probability`",
        ),
        (
            "duplicate_id.ron",
            "7:14",
            "duplicate-id",
            "first defined at",
        ),
        (
            "answer_out_of_range.ron",
            "11:69",
            "answer-out-of-range",
            "answer index 2",
        ),
        (
            "no_correct_choice.ron",
            "11:71",
            "no-correct-choice",
            "no correct choice",
        ),
        (
            "negative_tolerance.ron",
            "11:40",
            "negative-tolerance",
            "tolerance -0.5",
        ),
        (
            "empty_prompt.ron",
            "10:13",
            "empty-prompt",
            "prompt is empty",
        ),
        (
            "empty_choices.ron",
            "11:32",
            "too-few-choices",
            "at least 2 choices",
        ),
        (
            "not_https.ron",
            "13:46",
            "not-https",
            "`http://example.org/sums` is not https",
        ),
        (
            "control_character.ron",
            "10:13",
            "control-character",
            "U+001B",
        ),
        (
            "future_version.ron",
            "2:5",
            "unsupported-format",
            "format_version 99",
        ),
    ];
    let env = Env::new();
    for (file, at, code, text) in cases {
        let path = fixture(&format!("bad/{file}"));
        let out = env.cmd().arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{file}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(&format!("{file}:{at}: error")),
            "{file}: {err}"
        );
        assert!(err.contains(&format!("[{code}]")), "{file}: {err}");
        assert!(err.contains(text), "{file}: {err}");
        assert!(err.contains("hint:"), "{file}: {err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
    }
}

#[test]
fn every_error_is_listed_not_just_the_first() {
    let env = Env::new();
    env.cmd()
        .arg("validate")
        .arg(fixture("bad/many_errors.ron"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "many_errors.ron:6:27: error: question `maths.one`: unknown topic",
        ))
        .stderr(predicate::str::contains(
            "many_errors.ron:7:145: error: question `maths.two`",
        ))
        .stderr(predicate::str::contains(
            "many_errors.ron:8:120: error: question `maths.three`",
        ))
        .stderr(predicate::str::contains("3 errors"));
}

#[test]
fn duplicate_ids_across_files_are_found() {
    let env = Env::new();
    env.cmd()
        .arg("validate")
        .arg(fixture("bad/across"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "b.ron:4:14: error: question `maths.shared`: duplicate id",
        ))
        .stderr(predicate::str::contains("a.ron:4:14"));
}

#[test]
fn a_bad_bank_stops_take_with_exit_3() {
    let env = Env::new();
    env.cmd()
        .arg("take")
        .arg("--bank")
        .arg(fixture("bad/unknown_topic.ron"))
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("unknown topic"));
}

#[test]
fn hostile_files_never_panic() {
    let env = Env::new();
    let utf8 = env.write("latin1.ron", b"(format_version: 1, name: \"caf\xe9\")");
    env.cmd()
        .arg("validate")
        .arg(&utf8)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "latin1.ron:1:31: error: the file is not valid UTF-8",
        ));
    for (name, text) in [
        ("deep.ron", "[".repeat(100_000)),
        (
            "deep_value.ron",
            format!("(format_version: 1, name: {}", "(".repeat(100_000)),
        ),
    ] {
        let deep = env.write(name, text);
        let out = env.cmd().arg("validate").arg(&deep).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("[syntax]"), "{err}");
        assert!(
            err.len() < 1_000,
            "a huge line is shown as a short window: {err}"
        );
    }
    let huge = env.write("huge.ron", vec![b' '; 9 * 1024 * 1024]);
    env.cmd()
        .arg("validate")
        .arg(&huge)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("limit for a bank"));
    let missing = env.dir.path().join("nope.ron");
    env.cmd()
        .arg("validate")
        .arg(&missing)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot read the file"));
    let empty = env.write("empty.ron", "");
    env.cmd().arg("validate").arg(&empty).assert().code(3);
}

#[test]
fn validate_good_fixtures_and_json() {
    let env = Env::new();
    env.cmd()
        .arg("validate")
        .arg(fixture("good"))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors"));
    let out = env
        .cmd()
        .args(["validate", "--json"])
        .arg(fixture("bad/many_errors.ron"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out.stdout);
    assert_eq!(v["errors"], 3);
    assert_eq!(v["diagnostics"][0]["line"], 6);
    assert_eq!(v["diagnostics"][0]["code"], "unknown-topic");
}

#[test]
fn list_json_counts_questions() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["list", "--json", "--bank"])
        .arg(fixture("good/kinds.ron"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json(&out.stdout);
    let demo = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "demo")
        .unwrap();
    assert_eq!(demo["questions"], 6);
    let basics = v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["topic"] == "demo.basics")
        .unwrap();
    assert_eq!(basics["questions"], 3);
    assert_eq!(basics["step"], 1);
    assert!(
        v["banks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "maths" && b["builtin"] == true)
    );
}

#[test]
fn roadmap_shows_seven_steps() {
    let env = Env::new();
    let out = env.cmd().arg("roadmap").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for n in 1..=7 {
        assert!(text.contains(&format!("Step {n}")), "{text}");
    }
    assert!(text.contains("https://www.coursera.org/"));
}

#[test]
fn recommend_rerenders_a_saved_result() {
    let env = Env::new();
    let out = take_kinds_with(&env, &MIXED);
    let saved = env.write("result.json", &out.stdout);
    let again = env
        .cmd()
        .args(["recommend", "--json", "--from"])
        .arg(&saved)
        .arg("--bank")
        .arg(fixture("good/kinds.ron"))
        .output()
        .unwrap();
    assert!(again.status.success());
    let (a, b) = (json(&out.stdout), json(&again.stdout));
    assert_eq!(a["recommendations"], b["recommendations"]);
    assert_eq!(a["areas"], b["areas"]);
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&saved)
        .arg("--bank")
        .arg(fixture("good/kinds.ron"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Step 2 Core machine learning"))
        .stdout(predicate::str::contains("Advanced"));
    // Without the bank, its questions are unknown: say so.
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&saved)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass its bank with --bank"));
    let newer = env.write(
        "newer.json",
        String::from_utf8(out.stdout.clone()).unwrap().replacen(
            "\"format_version\": 1",
            "\"format_version\": 7",
            1,
        ),
    );
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&newer)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newer than this skillquiz"));
    let junk = env.write("junk.json", "not json");
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&junk)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a skillquiz result"));
}

#[test]
fn help_lists_the_commands() {
    let env = Env::new();
    env.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("take"))
        .stdout(predicate::str::contains("validate"))
        .stdout(predicate::str::contains("recommend"));
}

#[test]
fn builtin_quiz_runs_from_any_directory() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["take", "--seed", "2", "--json", "--answers", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "input_ended");
    assert_eq!(r["mode"], "adaptive");
    assert_eq!(
        r["asked"], 1,
        "the first question was shown, then input ended"
    );
}

fn adaptive_take(env: &Env, answer: &str, extra: &[&str]) -> Value {
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--seed",
            "9",
            "--json",
            "--count",
            "10",
            "--answers",
            "-",
            "--bank",
        ])
        .arg(fixture("good/adaptive.ron"))
        .args(["--area", "adapt"])
        .args(extra)
        .write_stdin(format!("{answer}\n").repeat(30))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout)
}

fn difficulties(r: &Value) -> Vec<String> {
    strings(r, "questions", "difficulty")
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn adaptive_take_climbs_for_a_strong_learner_and_reports_ability() {
    let env = Env::new();
    let r = adaptive_take(&env, "t", &["--target-se", "0.01"]);
    assert_eq!(r["mode"], "adaptive");
    let area = &r["areas"][0];
    let (theta, se) = (
        area["theta"].as_f64().unwrap(),
        area["se"].as_f64().unwrap(),
    );
    // True/false questions are half guessable, so ten right answers are modest evidence.
    assert!(theta > 0.8, "all right: theta {theta}");
    assert!(se > 0.0 && se < 0.9, "below the prior SD of 1: {se}");
    let verdict = &r["learner"]["areas"][0];
    assert_eq!(verdict["level"], "strong", "{verdict}");
    assert!(verdict["probabilities"]["weak"].as_f64().unwrap() < 0.2);
    let d = difficulties(&r);
    assert_eq!(
        d.len(),
        10,
        "the SE target is out of reach, so the budget is spent"
    );
    // After right answers, the most informative questions are the harder ones: no easy
    // question late in the quiz, and more hard ones in the second half than the first.
    assert!(d[d.len() - 4..].iter().all(|x| x != "easy"), "{d:?}");
    let hard = |s: &[String]| s.iter().filter(|x| *x == "hard").count();
    assert!(hard(&d[5..]) > hard(&d[..5]), "{d:?}");
    // Content balancing alternates the two topics.
    let topics: Vec<&str> = strings(&r, "questions", "topic");
    let first = topics.iter().filter(|t| **t == "adapt.first").count();
    assert!((4..=6).contains(&first), "{topics:?}");
    // The text report shows ability with its standard error.
    env.cmd()
        .args([
            "take",
            "--seed",
            "9",
            "--count",
            "10",
            "--answers",
            "-",
            "--area",
            "adapt",
            "--bank",
        ])
        .arg(fixture("good/adaptive.ron"))
        .write_stdin("t\n".repeat(30))
        .assert()
        .success()
        .stdout(predicate::str::contains("ability +"))
        .stdout(predicate::str::contains(" ± "));
}

#[test]
fn adaptive_take_descends_for_a_weak_learner_and_plans() {
    let env = Env::new();
    let r = adaptive_take(&env, "f", &["--target-se", "0.01"]);
    let area = &r["areas"][0];
    assert!(area["theta"].as_f64().unwrap() < 0.0);
    assert_eq!(area["level"], "weak");
    let d = difficulties(&r);
    // After wrong answers the most informative questions are the easy ones.
    assert!(d[1..].iter().all(|x| x != "hard"), "{d:?}");
    assert!(
        d.iter().filter(|x| *x == "easy").count() * 2 >= d.len(),
        "{d:?}"
    );
    assert_eq!(r["learner"]["areas"][0]["level"], "weak");
    assert_eq!(r["recommendations"][0]["step"], 2);
}

#[test]
fn adaptive_take_stops_when_the_verdict_is_settled() {
    let env = Env::new();
    // All wrong: both topics are soon at least 95% sure to be weak, and the quiz stops.
    let r = adaptive_take(&env, "f", &[]);
    let n = r["questions"].as_array().unwrap().len();
    assert!(n < 10, "stopped early after {n}");
    assert_eq!(r["ended"], "completed");
    for t in r["learner"]["topics"].as_array().unwrap() {
        assert_eq!(t["settled"], true, "{t}");
        assert_eq!(t["level"], "weak");
    }
    // The same seed and answers give the same quiz.
    assert_eq!(adaptive_take(&env, "f", &[])["questions"], r["questions"]);
}

#[test]
fn the_guide_s_bank_validates_and_takes() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/teach.md"))
            .unwrap();
    let start = readme
        .find("```ron\n")
        .expect("docs/teach.md has a RON example")
        + "```ron\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let env = Env::new();
    let bank = env.write("readme_bank.ron", &readme[start..end]);
    env.cmd()
        .args(["validate", "--strict"])
        .arg(&bank)
        .assert()
        .success();
    env.cmd()
        .args([
            "take",
            "--area",
            "demo",
            "--seed",
            "1",
            "--answers",
            "-",
            "--bank",
        ])
        .arg(&bank)
        .write_stdin("skip\n")
        .assert()
        .success();
}

#[test]
fn the_readme_script_example_runs() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("printf '") && l.contains("| skillquiz take"))
        .expect("README has a scripted example");
    let input = line["printf '".len()..line.find("' |").unwrap()].replace("\\n", "\n");
    let args: Vec<&str> = line[line.find("skillquiz ").unwrap() + "skillquiz ".len()..]
        .split_whitespace()
        .collect();
    let env = Env::new();
    let out = env.cmd().args(&args).write_stdin(input).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "completed");
    assert_eq!(r["questions"].as_array().unwrap().len(), 4);
}

/// A reader that closes the pipe early (`| head -1`) is not an error: exit 0, every time.
#[test]
fn json_to_a_closed_pipe_exits_0() {
    use std::io::Read;
    let env = Env::new();
    for args in [
        &["list", "--json"][..],
        &["validate", "--json", "question_banks"][..],
        &["stats", "--json"][..],
    ] {
        for _ in 0..8 {
            let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skillquiz"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env_clear()
                .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"))
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = [0u8; 1];
            child.stdout.take().unwrap().read_exact(&mut first).unwrap();
            // The read end is dropped here: the rest of the output meets a closed pipe.
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {:?} {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn slips_and_near_misses_get_clear_messages() {
    let env = Env::new();
    // `A,,C` is asked again at the prompt, and refused (naming the line) in a script.
    let order = asked_order(&env);
    let pos = order.iter().position(|id| id == "demo.multi").unwrap();
    let mut lines: Vec<&str> = vec!["skip"; pos];
    lines.push("A,,C");
    let out = kinds_take(&env)
        .write_stdin(lines.join("\n") + "\nq\n")
        .output()
        .unwrap();
    let ui = String::from_utf8_lossy(&out.stderr);
    assert!(ui.contains("empty place between separators"), "{ui}");
    assert_eq!(
        json(&out.stdout)["questions"].as_array().unwrap().len(),
        pos
    );
    let file = env.write("slip.txt", lines.join("\n") + "\n");
    kinds_take(&env)
        .arg("--answers")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("slip.txt:{}", pos + 1)))
        .stderr(predicate::str::contains("empty place between separators"));
    env.cmd()
        .args(["take", "--no-history", "--area", "math", "--answers", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `maths`?"));
    env.cmd()
        .args([
            "take",
            "--no-history",
            "--target-se",
            "-1",
            "--answers",
            "-",
        ])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--target-se must be a positive number",
        ));
    // Quitting before any answer: no plan, and the report says why.
    env.cmd()
        .args(["take", "--no-history", "--seed", "1"])
        .write_stdin("q\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Nothing was answered"));
}

#[test]
fn an_empty_folder_is_an_error_naming_it() {
    let env = Env::new();
    let empty = env.dir.path().join("nothing_here");
    std::fs::create_dir(&empty).unwrap();
    env.cmd()
        .arg("validate")
        .arg(&empty)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("nothing_here"))
        .stderr(predicate::str::contains("no .ron files in this folder"));
    env.cmd()
        .args(["take", "--no-history", "--answers", "-", "--bank"])
        .arg(&empty)
        .write_stdin("")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no .ron files"));
}

/// `take > report.txt` at a terminal: the quiz reaches the person, only the report the file.
/// Runs the binary in a pseudo-terminal with util-linux `script`.
#[test]
fn a_redirected_report_does_not_blind_the_quiz() {
    let env = Env::new();
    let out_file = env.dir.path().join("report.txt");
    let inner = format!(
        "{} --data-dir {} take --no-history --seed 1 > {}",
        assert_cmd::cargo::cargo_bin("skillquiz").display(),
        env.dir.path().join("data").display(),
        out_file.display()
    );
    let run = std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = run else {
        panic!("util-linux `script` is needed for the terminal tests");
    };
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"s\nq\n").unwrap();
    let screen = String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned();
    let report = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        screen.contains("Question 1"),
        "the quiz reached the terminal: {screen}"
    );
    assert!(!report.contains("Question 1"), "{report}");
    assert!(report.contains("Your results"), "{report}");
}

#[test]
fn counts_say_what_the_quiz_holds() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["take", "--no-history", "--count", "2", "--seed", "1"])
        .write_stdin("s\n".repeat(8))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("An adaptive quiz of at most 2 questions, then 4 practice self-ratings"),
        "{text}"
    );
    assert!(text.contains("Question 2 of at most 2"), "{text}");
    assert!(text.contains("Self-rating 4 of 4"), "{text}");
    assert!(!text.contains("(s)"), "{text}");
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--mode",
            "fixed",
            "--count",
            "1",
            "--seed",
            "1",
        ])
        .write_stdin("s\n".repeat(8))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("A quiz of 1 question, then 4 practice self-ratings."),
        "{text}"
    );
}

#[test]
fn completions_and_manual_page() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("skillquiz") && text.contains("progress"),
            "{shell}: {text}"
        );
    }
    env.cmd()
        .arg("manpage")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH skillquiz 1"))
        .stdout(predicate::str::contains("history"));
}

/// At a terminal the prompt is a line editor: arrow keys move, Delete deletes, and no
/// escape byte reaches the answer; Ctrl-C (in the editor, a key) ends the quiz like q.
#[test]
fn the_prompt_edits_lines_in_a_terminal() {
    use expectrl::{Expect, Session};
    let env = Env::new();
    let json_file = env.dir.path().join("result.json");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "exec '{}' take --no-history --mode fixed --area demo --seed 11 --bank '{}' --json > '{}'",
            assert_cmd::cargo::cargo_bin("skillquiz").display(),
            fixture("good/kinds.ron").display(),
            json_file.display()
        ))
        .current_dir(env.dir.path())
        .env_clear()
        .env("TERM", "xterm")
        .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"));
    let mut p = Session::spawn(cmd).expect("a pseudo-terminal");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    p.expect("answer (t/f").unwrap();
    // Type f, move left over it, Delete it, type t: the answer is `t`.
    p.send("f\x1b[D\x1b[3~t\r").unwrap();
    p.expect("Right.").unwrap();
    p.expect("answer (").unwrap();
    p.send("\x03").unwrap();
    p.expect(expectrl::Eof).unwrap();
    let r = json(&std::fs::read(&json_file).unwrap());
    assert_eq!(r["ended"], "interrupted");
    assert_eq!(
        r["questions"][0]["answer"],
        serde_json::json!({"bool": true})
    );
    assert_eq!(r["questions"].as_array().unwrap().len(), 1);
}

/// A report taller than the terminal goes through $PAGER; `--no-pager` prints it as is.
#[test]
fn a_tall_report_is_paged_at_a_terminal() {
    use expectrl::{Expect, Session};
    let env = Env::new();
    for (extra, paged) in [("", true), ("--no-pager", false)] {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("skillquiz"));
        cmd.args([
            "take",
            "--no-history",
            "--mode",
            "fixed",
            "--area",
            "demo",
            "--seed",
            "11",
        ])
        .args(["--feedback", "end", "--bank"])
        .arg(fixture("good/kinds.ron"))
        .args(if extra.is_empty() {
            vec![]
        } else {
            vec![extra]
        })
        .current_dir(env.dir.path())
        .env_clear()
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("PAGER", "sed s/^/PAGED:/")
        .env("PATH", "/usr/bin:/bin")
        .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"));
        let mut p = Session::spawn(cmd).expect("a pseudo-terminal");
        p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        for _ in 0..6 {
            p.expect("answer (").unwrap();
            p.send("s\r").unwrap();
        }
        if paged {
            p.expect("PAGED:Your results").unwrap();
        } else {
            let found = p.expect("Your results").unwrap();
            assert!(!String::from_utf8_lossy(found.before()).ends_with("PAGED:"));
            // No UTF-8 locale in this terminal: the bars fall back to ASCII.
            p.expect("This quiz").unwrap();
            let rest = p.expect("right").unwrap();
            let row = String::from_utf8_lossy(rest.before()).into_owned();
            assert!(
                row.contains("--------------------") && !row.contains('░'),
                "{row}"
            );
        }
        p.expect(expectrl::Eof).unwrap();
    }
}

#[test]
fn a_duplicate_id_is_listed_even_when_its_first_copy_has_errors() {
    let env = Env::new();
    let bank = env.write(
        "dup.ron",
        r#"(
    format_version: 1,
    name: "dup",
    version: "1",
    questions: [
        (id: "maths.dup_one", topic: "maths.nope", difficulty: Easy, prompt: "Is 2 even?", kind: TrueFalse(answer: true), explanation: "Yes."),
        (id: "maths.dup_one", topic: "maths.probability", difficulty: Easy, prompt: "Is 3 odd?", kind: TrueFalse(answer: true), explanation: "Yes."),
    ],
)"#,
    );
    env.cmd()
        .arg("validate")
        .arg(&bank)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown topic `maths.nope`"))
        .stderr(predicate::str::contains(
            "dup.ron:7:14: error: question `maths.dup_one`: duplicate id",
        ));
}

/// The report opens with the verdict per area, one line each, within the first screen of
/// an 80×24 terminal.
#[test]
fn the_verdict_fits_the_first_screen() {
    let env = Env::new();
    let out = env
        .cmd()
        .env("COLUMNS", "80")
        .args([
            "take",
            "--no-history",
            "--seed",
            "3",
            "--feedback",
            "none",
            "--answers",
            "-",
        ])
        .write_stdin("skip\n".repeat(30))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first: Vec<&str> = text.lines().take(24).collect();
    let verdict_start = first
        .iter()
        .position(|l| l.starts_with("Where you stand"))
        .unwrap();
    for area in [
        "Mathematics",
        "Programming",
        "ML fundamentals",
        "Tooling",
        "Deployment",
    ] {
        let line = first[verdict_start..]
            .iter()
            .find(|l| l.trim_start().starts_with(area))
            .unwrap_or_else(|| panic!("{area} not on the first screen:\n{text}"));
        assert!(line.contains("% sure") && line.contains("weak"), "{line}");
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(first.iter().any(|l| l.starts_with("Next steps")), "{text}");
}

#[test]
fn practice_alone_is_a_checklist_that_reaches_every_topic() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--area",
            "practice",
            "--count",
            "8",
            "--json",
            "--answers",
            "-",
        ])
        .write_stdin("3\n".repeat(30))
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = json(&out.stdout);
    let topics: std::collections::BTreeSet<&str> =
        strings(&r, "questions", "topic").into_iter().collect();
    assert_eq!(topics.len(), 4, "{topics:?}");
    assert_eq!(r["questions"].as_array().unwrap().len(), 8);
    env.cmd()
        .args(["take", "--no-history", "--area", "practice"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("A checklist of 20 practice items"));
}

/// Certainty-based marking with Moodle's table, from an answers file with ` cN` endings.
#[test]
fn certainty_based_marking_reports_calibration() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--certainty",
            "--mode",
            "fixed",
            "--area",
            "adapt",
        ])
        .args([
            "--count",
            "5",
            "--seed",
            "1",
            "--json",
            "--answers",
            "-",
            "--bank",
        ])
        .arg(fixture("good/adaptive.ron"))
        // Every statement is true: f is wrong, t right.
        .write_stdin("f c3\nt c1\nt c2\nf C3\nt\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out.stdout);
    let c = &r["calibration"];
    // Marks: −6 + 1 + 2 − 6 + 1 (no ending: certainty 1) = −8 over 5.
    assert!(
        (c["average_mark"].as_f64().unwrap() + 1.6).abs() < 1e-9,
        "{c}"
    );
    assert!((c["accuracy"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    // Bonus 0.1 × (−1.6 − max(0.6, 0.4, −0.6)) = −0.22.
    assert!((c["bonus"].as_f64().unwrap() + 0.22).abs() < 1e-9);
    let levels = c["levels"].as_array().unwrap();
    assert_eq!(levels[0]["answers"], 2);
    assert_eq!(levels[0]["judgement"], "slightly_underconfident");
    assert_eq!(levels[2]["answers"], 2);
    assert_eq!(levels[2]["accuracy"], 0.0);
    assert_eq!(levels[2]["judgement"], "overconfident");
    assert_eq!(r["questions"][0]["certainty"], 3);
    // Confidently wrong answers lead the plan.
    let first = &r["recommendations"][0]["entries"][0];
    assert_eq!(
        first["confidently_wrong"].as_array().unwrap().len(),
        2,
        "{first}"
    );
    // Without --certainty a ` c3` ending is not part of any answer.
    env.cmd()
        .args([
            "take",
            "--no-history",
            "--mode",
            "fixed",
            "--area",
            "adapt",
            "--count",
            "1",
        ])
        .args(["--seed", "1", "--answers", "-", "--bank"])
        .arg(fixture("good/adaptive.ron"))
        .write_stdin("t c3\n")
        .assert()
        .code(2);
    // The text report shows the calibration.
    env.cmd()
        .args([
            "take",
            "--no-history",
            "--certainty",
            "--mode",
            "fixed",
            "--area",
            "adapt",
        ])
        .args(["--count", "5", "--seed", "1", "--answers", "-", "--bank"])
        .arg(fixture("good/adaptive.ron"))
        .write_stdin("f c3\nt c1\nt c2\nf c3\nt\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("How sure were you?"))
        .stdout(predicate::str::contains("over-confident"))
        .stdout(predicate::str::contains(
            "You were quite sure of a wrong answer",
        ));
}

#[test]
fn the_prompt_asks_how_sure_after_each_answer() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--certainty",
            "--mode",
            "fixed",
            "--area",
            "adapt",
        ])
        .args(["--count", "3", "--seed", "1", "--json", "--bank"])
        .arg(fixture("good/adaptive.ron"))
        // t, then an invalid certainty (asked again), 3; s (a skip: not asked); t, Enter (1).
        .write_stdin("t\n7\n3\ns\nt\n\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ui = String::from_utf8_lossy(&out.stderr);
    assert!(ui.contains("how sure?"), "{ui}");
    assert!(ui.contains("type 1, 2 or 3"), "{ui}");
    let r = json(&out.stdout);
    let c: Vec<&Value> = r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| &q["certainty"])
        .collect();
    assert_eq!(
        c,
        [&serde_json::json!(3), &Value::Null, &serde_json::json!(1)]
    );
}

/// Endless or odd inputs: each line is bounded, a device is not a file, CR line endings
/// count.
#[test]
fn endless_and_odd_inputs_are_refused_or_read_right() {
    let env = Env::new();
    env.cmd()
        .args(["take", "--no-history", "--answers", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("longer than 4096 bytes"));
    env.cmd()
        .args(["take", "--no-history", "--answers", "-"])
        .write_stdin(vec![b'a'; 10_000])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("longer than 4096 bytes"));
    for args in [
        &["recommend", "--from", "/dev/zero"][..],
        &["history", "import", "/dev/zero"][..],
        &["analyze", "/dev/zero"][..],
    ] {
        env.cmd()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
    }
    // Old Mac line endings: three answers, not one.
    let file = env.write("cr.txt", "t\rt\rt\r");
    let out = env
        .cmd()
        .args([
            "take",
            "--no-history",
            "--mode",
            "fixed",
            "--area",
            "adapt",
            "--count",
            "3",
            "--seed",
            "1",
            "--json",
            "--answers",
        ])
        .arg(&file)
        .arg("--bank")
        .arg(fixture("good/adaptive.ron"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "completed");
    assert_eq!(r["score"], 1.0);
}

/// A saved result is evidence only through its answers: edited scores are graded again,
/// and impossible files are refused.
#[test]
fn a_forged_result_is_graded_again_not_believed() {
    let env = Env::new();
    let out = kinds_take(&env)
        .arg("--answers")
        .arg(env.write("skips.txt", "\n\n\n\n\n\n"))
        .output()
        .unwrap();
    let mut r = json(&out.stdout);
    assert_eq!(r["score"], 0.0);
    for q in r["questions"].as_array_mut().unwrap() {
        q["score"] = serde_json::json!(1.0);
        q["correct"] = serde_json::json!(true);
        q["topic"] = serde_json::json!("maths.probability");
    }
    let forged = env.write("forged.json", serde_json::to_string(&r).unwrap());
    let again = env
        .cmd()
        .args(["recommend", "--json", "--from"])
        .arg(&forged)
        .arg("--bank")
        .arg(fixture("good/kinds.ron"))
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let v = json(&again.stdout);
    assert_eq!(v["score"], 0.0, "six skips stay six skips");
    assert!(
        strings(&v, "questions", "topic")
            .iter()
            .all(|t| t.starts_with("demo."))
    );
    // The same question twice, and an absurd version, are refused clearly.
    let mut dup = r.clone();
    let first = dup["questions"][0].clone();
    dup["questions"].as_array_mut().unwrap().push(first);
    let dup_file = env.write("dup.json", serde_json::to_string(&dup).unwrap());
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&dup_file)
        .arg("--bank")
        .arg(fixture("good/kinds.ron"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("answered more than once"));
    let mut newer = r.clone();
    newer["format_version"] = serde_json::json!(4_294_967_297u64);
    let newer_file = env.write("newer.json", serde_json::to_string(&newer).unwrap());
    env.cmd()
        .args(["recommend", "--from"])
        .arg(&newer_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("format_version 4294967297"));
}

#[test]
fn banks_cannot_hold_more_choices_than_letters_or_absurd_parameters() {
    let env = Env::new();
    let choices: Vec<String> = (0..27).map(|i| format!("(text: \"option {i}\")")).collect();
    let bank = env.write(
        "wide.ron",
        format!(
            r#"(format_version: 1, name: "wide", version: "1", questions: [
    (id: "maths.wide", topic: "maths.probability", difficulty: Easy, prompt: "Pick one.",
     kind: SingleChoice(choices: [{}], answer: 26), explanation: "The last."),
    (id: "maths.extreme", topic: "maths.probability", difficulty: Easy, prompt: "Is it?",
     kind: TrueFalse(answer: true), explanation: "Yes.", params: (a: 1.0, b: 1e308, c: 0.0)),
])"#,
            choices.join(", ")
        ),
    );
    env.cmd()
        .arg("validate")
        .arg(&bank)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("at most 26 choices"))
        .stderr(predicate::str::contains("bad-params"));
}

/// Escape sequences typed or piped to the prompt never reach the screen or the JSON, and
/// a URL with one in it does not validate.
#[test]
fn escape_sequences_never_pass_through() {
    let env = Env::new();
    let out = kinds_take(&env)
        .write_stdin("\u{1b}]0;PWNED\u{7}\n\u{1b}[2J\u{1b}[31m\nq\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !out.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.contains(&0x1b));
    assert!(String::from_utf8_lossy(&out.stderr).contains("control or invisible character"));
    // C1 controls (U+0080–U+009F) in a typed short answer are refused as well.
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{9b}'));
    let bank = env.write(
        "osc.ron",
        "(format_version: 1, name: \"osc\", version: \"1\", topics: [(id: \"maths.osc\", title: \"OSC\", step: 1, resources: [(title: \"Link\", url: \"https://example.org/\\u{1b}]8;;https://evil.example\\u{7}x\", kind: Docs)])], questions: [])",
    );
    env.cmd()
        .arg("validate")
        .arg(&bank)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("resource url"));
    let blue = env.write(
        "blue.ron",
        "(format_version: 1, name: \"blue\", version: \"1\", questions: [(id: \"maths.blue\", topic: \"maths.probability\", difficulty: Easy, prompt: \"Which?\", kind: SingleChoice(choices: [(text: \"Blue\"), (text: \"Bl\\u{200B}ue\")], answer: 0), explanation: \"Blue.\")])",
    );
    env.cmd()
        .arg("validate")
        .arg(&blue)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("(U+200B)"));
}

/// Writes never replace an input bank or a device, a FIFO is never read as a bank, and a
/// huge simulation is refused up front.
#[test]
fn outputs_and_inputs_that_are_not_what_they_seem() {
    let env = Env::new();
    let bank = env.write(
        "mine.ron",
        std::fs::read_to_string(fixture("good/kinds.ron")).unwrap(),
    );
    let before = std::fs::read(&bank).unwrap();
    env.cmd()
        .args(["export", "gift"])
        .arg(&bank)
        .arg("--out")
        .arg(&bank)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an input bank"));
    assert_eq!(std::fs::read(&bank).unwrap(), before);
    let fifo = env.dir.path().join("pipe.ron");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    env.cmd()
        .args(["export", "gift"])
        .arg(&bank)
        .arg("--out")
        .arg(&fifo)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
    // As a bank, and inside a bank folder: refused or skipped, never waited on.
    env.cmd()
        .args(["validate"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not a regular file"));
    env.cmd()
        .args(["validate"])
        .arg(env.dir.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success();
    env.cmd()
        .args(["simulate", "--simulees", "1000000000000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than 10000000"));
}

#[test]
fn a_bank_folder_too_deep_is_said_not_skipped() {
    let env = Env::new();
    let mut deep = env.dir.path().join("banks");
    for i in 0..10 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::copy(fixture("good/kinds.ron"), deep.join("kinds.ron")).unwrap();
    env.cmd()
        .arg("validate")
        .arg(env.dir.path().join("banks"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("folders deep"));
}

#[test]
fn a_bank_folder_has_a_total_size_limit() {
    let env = Env::new();
    let dir = env.dir.path().join("many");
    std::fs::create_dir(&dir).unwrap();
    // Sparse files: nothing is written, but their sizes add up past 64 MiB.
    for i in 0..9 {
        let f = std::fs::File::create(dir.join(format!("b{i}.ron"))).unwrap();
        f.set_len(8 * 1024 * 1024).unwrap();
    }
    env.cmd()
        .arg("validate")
        .arg(&dir)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("more than 67108864 bytes in all"));
}

/// Runs the binary under a limit on its address space (`ulimit -v`, KiB).
#[cfg(unix)]
fn under_memory_limit(kib: u64, args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("skillquiz");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kib} && exec '{}' {args}",
            bin.display()
        ))
        .env_remove("SKILLQUIZ_DATA_DIR")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn running_out_of_memory_ends_in_one_sentence_and_exit_5() {
    // The smallest limit the program starts under, in steps of 4 MiB.
    let base = (2..100u64)
        .map(|k| k * 4096)
        .find(|&kib| under_memory_limit(kib, "--version").status.success())
        .expect("skillquiz starts under some limit below 400 MiB");
    // A bank within the size limit that needs far more than 16 MiB more to load.
    let dir = tempfile::tempdir().unwrap();
    let explanation = "Words that make the file large. ".repeat(100);
    let questions: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "(id: \"big.t.q{i}\", topic: \"big.t\", difficulty: Easy, prompt: \"Question {i}?\", kind: TrueFalse(answer: true), explanation: \"{explanation}\")"
            )
        })
        .collect();
    let bank = dir.path().join("big.ron");
    std::fs::write(
        &bank,
        format!(
            "(format_version: 1, name: \"big\", version: \"1.0.0\", areas: [(id: \"big\", title: \"Big\")], topics: [(id: \"big.t\", title: \"T\", step: 2)], questions: [{}])",
            questions.join(",\n")
        ),
    )
    .unwrap();
    let out = under_memory_limit(
        base + 16 * 1024,
        &format!("validate --no-pager '{}'", bank.display()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("skillquiz: out of memory"), "{stderr}");
}

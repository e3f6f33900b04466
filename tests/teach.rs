//! Teacher commands run through the real binary: new bank, validate, stats, GIFT import
//! and export, analyze.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The binary with a clean environment, run in `dir`.
fn sq(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("skillquiz").unwrap();
    c.current_dir(dir).env_clear().env("NO_COLOR", "1");
    c
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is JSON")
}

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
    let kinds: Vec<&str> = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
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
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
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
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
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

//! `skillquiz calibrate`: item parameters from a class's saved results, and `--write`.

mod common;

use common::{fixture, json, skillquiz as sq};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

/// True (a, b) of form.q1 … form.q6; q4's are the ones written in the bank.
const TRUTH: [(f64, f64); 6] = [
    (1.0, -1.0),
    (1.5, 0.0),
    (0.8, 0.3),
    (1.2, 0.8),
    (1.0, 1.2),
    (2.0, -0.5),
];

/// Copies the form bank into `dir` (calibrate --write edits it).
fn bank(dir: &Path) -> PathBuf {
    let to = dir.join("form.ron");
    std::fs::copy(fixture("calibrate/form.ron"), &to).unwrap();
    to
}

/// Saves `n` results in `dir/results`, from a real `take --json` result whose answers are
/// drawn from the 2PL with [`TRUTH`] for students with θ ~ N(0, 1).
fn class(dir: &Path, bank: &Path, n: usize, seed: u64) -> PathBuf {
    let out = sq(dir)
        .args(["take", "--mode", "fixed", "--area", "form", "--count", "6"])
        .args([
            "--seed",
            "1",
            "--answers",
            "-",
            "--json",
            "--no-history",
            "--bank",
        ])
        .arg(bank)
        .write_stdin("skip\n".repeat(6))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let base = json(&out);
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for s in 0..n {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        let theta = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let mut r = base.clone();
        for q in r["questions"].as_array_mut().unwrap() {
            let i = q["id"].as_str().unwrap()[6..].parse::<usize>().unwrap() - 1;
            let (a, b) = TRUTH[i];
            let p = 1.0 / (1.0 + (-a * (theta - b)).exp());
            let right = rng.random::<f64>() < p;
            q["answer"] = serde_json::json!({ "bool": right });
            q["skipped"] = serde_json::json!(false);
        }
        std::fs::write(
            results.join(format!("s{s:04}.json")),
            serde_json::to_string(&r).unwrap(),
        )
        .unwrap();
    }
    results
}

fn calibrate(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = sq(dir)
        .arg("calibrate")
        .args(args)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json(&out)
}

#[test]
fn a_class_of_400_calibrates_and_write_keeps_every_comment() {
    let env = tempfile::tempdir().unwrap();
    let dir = env.path();
    let bank = bank(dir);
    let results = class(dir, &bank, 400, 1);
    let r = results.to_str().unwrap();
    let b = bank.to_str().unwrap();
    let before = std::fs::read_to_string(&bank).unwrap();
    let doc = calibrate(dir, &[r, "--bank", b]);
    let cal = &doc["calibration"];
    assert_eq!(cal["persons"], 400);
    assert_eq!(cal["areas"][0]["converged"], true);
    let qs = cal["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 6);
    for (i, q) in qs.iter().enumerate() {
        assert_eq!(q["status"], "calibrated", "{q}");
        assert_eq!(q["answered"], 400);
        let (a, b) = TRUTH[i];
        // 400 students: a within 0.5, b within 0.35 of the truth.
        assert!((q["a"].as_f64().unwrap() - a).abs() < 0.5, "{q}");
        assert!((q["b"].as_f64().unwrap() - b).abs() < 0.35, "{q}");
        assert!(q["se"]["a"].as_f64().unwrap() > 0.0);
    }
    // The report, for 80 columns, pinned (paths relative to the working folder).
    let text = sq(dir)
        .args(["calibrate", "results", "--bank", "form.ron"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    insta::assert_snapshot!("calibrate_report", text);
    // Without --write nothing changes.
    assert_eq!(std::fs::read_to_string(&bank).unwrap(), before);
    assert_eq!(doc["written"], serde_json::json!([]));

    let doc = calibrate(dir, &[r, "--bank", b, "--write"]);
    assert_eq!(doc["written"], serde_json::json!([b]));
    let after = std::fs::read_to_string(&bank).unwrap();
    // Every comment and line of the original is still there, in order: the lines a
    // line diff finds removed are q4's old params, q3's one-line record (now with params)
    // and q5's last field (now with a comma); every added line carries params.
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(
        removed,
        [
            "        (id: \"form.q3\", topic: \"form.t\", difficulty: Medium, prompt: \"Statement three is true.\", kind: TrueFalse(answer: true), explanation: \"By construction.\"),",
            "            params: (a: 1.2, b: 0.8, c: 0.0),",
            "            explanation: \"By construction.\"",
        ]
    );
    assert_eq!(added.len(), 7, "{added:?}");
    for line in &added {
        assert!(
            line.contains("params: (a: ")
                || line == "            explanation: \"By construction.\",",
            "{line:?}"
        );
    }
    for id in [
        "form.q1", "form.q2", "form.q3", "form.q4", "form.q5", "form.q6",
    ] {
        assert!(after.contains(id));
    }
    // Six written, and the one inside q2's raw string left alone.
    assert_eq!(after.matches("params: (a: ").count(), 7, "{after}");
    assert!(after.contains(r#"(params: (a: 9.0, b: 9.0) is text)"#));
    // The edited bank loads, and the engine now uses the written parameters.
    sq(dir).arg("validate").arg(&bank).assert().success();
    let q1 = qs[0]["a"].as_f64().unwrap();
    assert!(after.contains(&format!("params: (a: {q1:.3}, ")), "{after}");
}

#[test]
fn guard_rails_refuse_a_small_class_unless_forced_and_anchors_stay_put() {
    let env = tempfile::tempdir().unwrap();
    let dir = env.path();
    let bank = bank(dir);
    let results = class(dir, &bank, 120, 2);
    let r = results.to_str().unwrap();
    let b = bank.to_str().unwrap();
    let doc = calibrate(dir, &[r, "--bank", b]);
    for q in doc["calibration"]["questions"].as_array().unwrap() {
        assert_eq!(q["status"], "refused");
        assert_eq!(q["reason"], "too_few");
        assert_eq!(q["needed"], 200);
    }
    let text = sq(dir)
        .args(["calibrate", r, "--bank", b])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("form.q1: 120 people answered it; the 2PL needs 200"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // Rasch needs 30; with the one calibrated question anchored.
    let doc = calibrate(dir, &[r, "--bank", b, "--model", "rasch", "--anchor"]);
    let qs = doc["calibration"]["questions"].as_array().unwrap();
    assert_eq!(qs[3]["status"], "anchored");
    assert!(qs.iter().filter(|q| q["status"] == "calibrated").count() == 5);
    assert_eq!(doc["calibration"]["areas"][0]["anchored"], 1);
    // --force calibrates the 2PL anyway and says so.
    let doc = calibrate(dir, &[r, "--bank", b, "--force"]);
    for q in doc["calibration"]["questions"].as_array().unwrap() {
        assert_eq!(q["status"], "calibrated");
        assert!(q["flags"].as_array().unwrap().contains(&"forced".into()));
    }
    // Without --bank there is nothing to calibrate.
    sq(dir)
        .args(["calibrate", r])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("calibrate needs --bank BANK"));
    // An anchor without params is an input error naming it.
    sq(dir)
        .args(["calibrate", r, "--bank", b, "--anchor=form.q1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`form.q1`, which has no params"));
}

/// Lines of `old` and of `new` outside their longest common subsequence.
fn line_diff(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut l = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            l[i][j] = if a[i] == b[j] {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || l[i][j + 1] >= l[i + 1][j]) {
            added.push(b[j].to_string());
            j += 1;
        } else {
            removed.push(a[i].to_string());
            i += 1;
        }
    }
    (removed, added)
}

#[test]
fn history_attempts_count_as_persons_once_each() {
    let env = tempfile::tempdir().unwrap();
    let dir = env.path();
    let bank = bank(dir);
    let b = bank.to_str().unwrap();
    for answers in [
        "t\nt\nf\nt\nf\nt\n",
        "f\nt\nf\nf\nf\nt\n",
        "t\nf\nt\nt\nt\nf\n",
    ] {
        sq(dir)
            .args(["take", "--mode", "fixed", "--area", "form", "--count", "6"])
            .args(["--seed", "1", "--answers", "-", "--bank", b])
            .write_stdin(answers)
            .assert()
            .success();
    }
    let doc = calibrate(
        dir,
        &["--history", "--bank", b, "--model", "rasch", "--force"],
    );
    let cal = &doc["calibration"];
    assert_eq!(cal["persons"], 3);
    for q in cal["questions"].as_array().unwrap() {
        assert_eq!(q["answered"], 3, "{q}");
    }
    // With nothing to read, calibrate says so (exit 2).
    let empty = tempfile::tempdir().unwrap();
    let bank2 = self::bank(empty.path());
    sq(empty.path())
        .args(["calibrate", "--history", "--bank"])
        .arg(&bank2)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no responses to calibrate from"));
}

#[test]
fn pretest_questions_are_asked_never_scored_and_ready_once_answered_enough() {
    let env = tempfile::tempdir().unwrap();
    let dir = env.path();
    let bank = dir.join("pretest.ron");
    std::fs::copy(fixture("calibrate/pretest.ron"), &bank).unwrap();
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for s in 0..80u64 {
        // A student of ability θ ~ N(0, 1) answers right with probability σ(θ).
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        let theta = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let p = 1.0 / (1.0 + (-theta).exp());
        let answers: String = (0..20)
            .map(|_| {
                if rng.random::<f64>() < p {
                    "t\n"
                } else {
                    "f\n"
                }
            })
            .collect();
        let out = sq(dir)
            .args([
                "take",
                "--area",
                "pre",
                "--count",
                "12",
                "--target-se",
                "0.01",
            ])
            .args(["--answers", "-"])
            .args(["--json", "--no-history", "--seed"])
            .arg(s.to_string())
            .arg("--bank")
            .arg(&bank)
            .write_stdin(answers)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let r = json(&out);
        // One pretest question after every 5 scored ones, at most 2, never two in a row;
        // kept ungraded, and the area counts the scored ones only.
        let qs = r["questions"].as_array().unwrap();
        let mut scored = 0;
        let mut seeded = 0;
        let mut last_pretest = false;
        for q in qs {
            let pretest = q["id"].as_str().unwrap().starts_with("pre.new");
            if pretest {
                seeded += 1;
                assert!(scored >= 5 * seeded && !last_pretest, "{qs:?}");
                assert_eq!(q["graded"], false);
                *seen.entry(q["id"].as_str().unwrap().into()).or_default() += 1;
            } else {
                assert_eq!(q["graded"], true);
                scored += 1;
            }
            last_pretest = pretest;
        }
        assert!(seeded <= 2);
        assert_eq!(r["areas"][0]["answered"], scored);
        std::fs::write(results.join(format!("r{s:02}.json")), out).unwrap();
    }
    let r = results.to_str().unwrap();
    let b = bank.to_str().unwrap();
    let doc = calibrate(dir, &[r, "--bank", b, "--model", "rasch"]);
    for q in doc["calibration"]["questions"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        if id.starts_with("pre.new") {
            assert_eq!(q["pretest"], true);
            assert_eq!(q["answered"], seen[id], "{q}");
        }
    }
    let text = sq(dir)
        .args(["calibrate", r, "--bank", b, "--model", "rasch"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(seen.values().any(|&n| n >= 30), "{seen:?}");
    for (id, &n) in &seen {
        let want = if n >= 30 {
            format!("{id}: ready ({n} responses)")
        } else {
            format!("{id}: not ready ({n} of the 30 responses the Rasch needs)")
        };
        assert!(text.contains(&want), "{want} in {text}");
    }
    // The 2PL needs 200: not ready.
    let text = sq(dir)
        .args(["calibrate", r, "--bank", b])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    let n = seen["pre.new2"];
    assert!(
        text.contains(&format!(
            "pre.new2: not ready ({n} of the 200 responses the 2PL needs)"
        )),
        "{text}"
    );
}

/// `--a-prior` puts ln a ~ N(0, 0.5²) on the 2PL's slopes: the steepest question's slope
/// (form.q6, true a = 2) is pulled down, every question still calibrates, and a
/// standard error comes with each slope.
#[test]
fn the_a_prior_of_the_two_pl_shrinks_the_steepest_slope() {
    let env = tempfile::tempdir().unwrap();
    let dir = env.path();
    let bank = bank(dir);
    let results = class(dir, &bank, 300, 5);
    let r = results.to_str().unwrap();
    let b = bank.to_str().unwrap();
    let slopes = |args: &[&str]| -> Vec<f64> {
        let doc = calibrate(dir, &[&[r, "--bank", b, "--model", "2pl"], args].concat());
        let cal = &doc["calibration"];
        assert_eq!(cal["areas"][0]["converged"], true);
        cal["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                assert_eq!(q["status"], "calibrated", "{q}");
                assert!(q["se"]["a"].as_f64().unwrap() > 0.0, "{q}");
                q["a"].as_f64().unwrap()
            })
            .collect()
    };
    let ml = slopes(&[]);
    let map = slopes(&["--a-prior"]);
    assert!(map[5] < ml[5], "{map:?} against {ml:?}");
    assert_ne!(map, ml);
}

//! The history and the learner model through the real binary: quizzes on different days,
//! progress, resume after Ctrl-C, kill -9, two terminals at once, and files that must be
//! refused untouched. Every test keeps its history in its own temp dir.

mod common;

use common::{Env, assert_ok, fixture, json};
use predicates::prelude::*;
use rand::{RngExt, SeedableRng};
use serde_json::Value;
use skillquiz::history::Store;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

fn db(env: &Env) -> std::path::PathBuf {
    env.dir.path().join("data").join("history.sqlite3")
}

/// A scripted default quiz on the built-in banks on `day` (2026-11-DD), all skips.
fn take_on(env: &Env, day: u32, seed: u64) -> Value {
    let out = env
        .cmd()
        .env("SKILLQUIZ_NOW", format!("2026-11-{day:02}T09:00:00Z"))
        .args(["take", "--json", "--answers", "-", "--seed"])
        .arg(seed.to_string())
        .write_stdin(answers_for_builtin())
        .output()
        .unwrap();
    assert_ok(&out);
    json(&out.stdout)
}

/// Skips fit every question; a few right-looking answers would not.
fn answers_for_builtin() -> String {
    "skip\n".repeat(40)
}

#[test]
fn three_quizzes_on_different_days_then_progress() {
    let env = Env::new();
    let first = take_on(&env, 1, 1);
    let second = take_on(&env, 8, 2);
    let third = take_on(&env, 15, 3);
    assert_eq!(first["learner"]["attempts"], 1);
    assert_eq!(third["learner"]["attempts"], 3);
    // The evidence accumulates: the verdict on an area rests on more answers each time.
    let answered = |r: &Value| -> u64 {
        r["learner"]["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["answered"].as_u64().unwrap())
            .sum()
    };
    assert!(answered(&second) > answered(&first));
    assert!(answered(&third) > answered(&second));
    // The second quiz avoids the first one's questions (self-ratings aside).
    let ids = |r: &Value| -> Vec<String> {
        r["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["graded"] == true)
            .map(|q| q["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (a, b) = (ids(&first), ids(&second));
    let repeated = b.iter().filter(|id| a.contains(id)).count();
    assert_eq!(repeated, 0, "{b:?} repeats from {a:?}");
    // Every attempt has its id, times and spec.
    assert!(first["attempt"]["id"].as_str().unwrap().len() == 32);
    assert_eq!(first["attempt"]["started_at"], 1_793_523_600i64);
    let out = env.cmd().args(["progress", "--json"]).output().unwrap();
    assert_ok(&out);
    let p = json(&out.stdout);
    assert_eq!(p["attempts"], 3);
    let areas = p["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 5);
    for a in areas {
        assert_eq!(a["points"].as_array().unwrap().len(), 3, "{a}");
        assert!(a["since_first"]["delta"].is_f64());
        assert!(a["since_previous"]["beyond_noise"].is_boolean());
        // All wrong: the ability only goes down and gets surer.
        let se: Vec<f64> = a["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["se"].as_f64().unwrap())
            .collect();
        assert!(se[2] < se[0], "{se:?}");
    }
    assert!(
        p["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["before"].is_object())
    );
    let steps: Vec<u64> = p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, [1, 2, 3]);
    // The text forms.
    // The text report of a quiz shows the trend once there is history.
    env.cmd()
        .env("SKILLQUIZ_NOW", "2026-11-22T09:00:00Z")
        .args(["take", "--seed", "9", "--answers", "-"])
        .write_stdin(answers_for_builtin())
        .assert()
        .success()
        .stdout(predicate::str::contains("Your trend · over 4 quizzes"));
    env.cmd()
        .arg("progress")
        .assert()
        .success()
        .stdout(predicate::str::contains("Progress over 4 quizzes"))
        .stdout(predicate::str::contains("since the first quiz"));
    env.cmd()
        .arg("history")
        .assert()
        .success()
        .stdout(predicate::str::contains("2026-11-08 09:00"));
    env.cmd()
        .arg("recommend")
        .assert()
        .success()
        .stdout(predicate::str::contains("Where you stand · from 4 quizzes"))
        .stdout(predicate::str::contains("Next steps"));
}

#[test]
fn history_show_export_import_forget() {
    let env = Env::new();
    let r = take_on(&env, 1, 4);
    take_on(&env, 2, 5);
    let id = r["attempt"]["id"].as_str().unwrap().to_string();
    let out = env
        .cmd()
        .args(["history", "show", &id[..8], "--json"])
        .output()
        .unwrap();
    assert_ok(&out);
    let shown = json(&out.stdout);
    assert_eq!(
        shown["questions"].as_array().unwrap().len(),
        r["questions"].as_array().unwrap().len()
    );
    assert_eq!(shown["attempt"]["id"], r["attempt"]["id"]);
    let out = env.cmd().args(["history", "export"]).output().unwrap();
    assert!(out.status.success());
    let export = String::from_utf8(out.stdout).unwrap();
    assert_eq!(export.lines().count(), 2);
    // Into another data directory, twice: the second import adds nothing.
    let file = env.write("export.jsonl", &export);
    let other = Env::new();
    for added in [2, 0] {
        other
            .cmd()
            .args(["history", "import"])
            .arg(&file)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "imported {added} attempts"
            )));
    }
    let out = other.cmd().args(["history", "--json"]).output().unwrap();
    let list = json(&out.stdout);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // The same answers, the same times.
    let a = Store::open(&db(&env)).unwrap().attempt(&id).unwrap();
    let b = Store::open(&db(&other)).unwrap().attempt(&id).unwrap();
    assert_eq!(a, b);
    // A bad line is refused with its line number, and nothing is imported.
    let bad = env.write(
        "bad.jsonl",
        format!("{}\nnot json\n", export.lines().next().unwrap()),
    );
    let third = Env::new();
    third
        .cmd()
        .args(["history", "import"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.jsonl:2"));
    env.cmd()
        .args(["history", "forget", &id])
        .assert()
        .success();
    env.cmd()
        .args(["history", "show", &id])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no attempt"));
}

/// The adaptive fixture, answered from a fixed pattern: the path depends on the answers.
const PATTERN: [&str; 10] = ["t", "f", "t", "t", "f", "t", "f", "f", "t", "t"];

fn adaptive_args() -> Vec<String> {
    let mut a: Vec<String> = [
        "take", "--seed", "21", "--count", "10", "--area", "adapt", "--bank",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.push(fixture("good/adaptive.ron").display().to_string());
    a
}

fn spawn(env: &Env, args: &[String]) -> Child {
    Process::new(assert_cmd::cargo::cargo_bin("skillquiz"))
        .current_dir(env.dir.path())
        .env_clear()
        .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the history holds `n` answers in all (at most 20 s).
fn wait_for_answers(env: &Env, n: usize) {
    let start = Instant::now();
    loop {
        // Read-only, so that the test never creates or upgrades the file itself.
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        if let Ok(conn) = rusqlite::Connection::open_with_flags(db(env), flags)
            && let Ok(count) =
                conn.query_row("SELECT COUNT(*) FROM responses", [], |r| r.get::<_, i64>(0))
            && count as usize >= n
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "answers never arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn questions_of(r: &Value) -> Vec<(String, Value)> {
    r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["id"].as_str().unwrap().to_string(), q["answer"].clone()))
        .collect()
}

#[test]
fn ctrl_c_then_resume_equals_an_uninterrupted_quiz() {
    // Uninterrupted, in a history of its own.
    let whole = Env::new();
    let out = whole
        .cmd()
        .args(adaptive_args())
        .args(["--json", "--answers", "-"])
        .write_stdin(PATTERN.join("\n") + "\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let expected = questions_of(&json(&out.stdout));
    assert_eq!(expected.len(), 10);
    // Interrupted after four answers at the prompt (stdin a pipe), with SIGINT.
    let env = Env::new();
    let mut child = spawn(&env, &adaptive_args());
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all((PATTERN[..4].join("\n") + "\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    wait_for_answers(&env, 4);
    let status = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "Ctrl-C ends like q: {:?} {stderr}",
        out.status
    );
    assert!(stderr.contains("skillquiz take --resume"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Your results"));
    // Resume with the rest.
    let out = env
        .cmd()
        .args(["take", "--resume", "--json", "--answers", "-"])
        .write_stdin(PATTERN[4..].join("\n") + "\n")
        .output()
        .unwrap();
    assert_ok(&out);
    let resumed = json(&out.stdout);
    assert_eq!(questions_of(&resumed), expected);
    assert_eq!(resumed["ended"], "completed");
    // Nothing left to resume now.
    env.cmd()
        .args(["take", "--resume", "--answers", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no unfinished quiz"));
}

/// Kills a quiz at a random moment `rounds` times; every acknowledged answer must be in
/// a database that passes `PRAGMA integrity_check`. `SKILLQUIZ_KILL_ROUNDS` raises the
/// count (the documented long run uses 200).
#[test]
fn kill_9_loses_no_acknowledged_answer() {
    let rounds: usize = std::env::var("SKILLQUIZ_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let env = Env::new();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let args: Vec<String> = [
        "take", "--mode", "fixed", "--count", "30", "--area", "maths",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut total_acked = 0;
    for _ in 0..rounds {
        let mut child = spawn(&env, &args);
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        // Count acknowledgements (the feedback line printed after each saved answer), and
        // say when the first question is on screen, so that the kill lands in the quiz
        // however slowly the program starts on a loaded machine.
        let (shown_tx, shown_rx) = std::sync::mpsc::channel();
        let acks = std::thread::spawn(move || {
            let mut n = 0;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Question 1 of") {
                    let _ = shown_tx.send(());
                }
                if line.contains("– Skipped.") {
                    n += 1;
                }
            }
            n
        });
        let writer = std::thread::spawn(move || {
            for _ in 0..30 {
                if stdin.write_all(b"s\n").is_err() {
                    return;
                }
                let _ = stdin.flush();
                std::thread::sleep(Duration::from_millis(3));
            }
        });
        let _ = shown_rx.recv_timeout(Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(rng.random_range(0..100)));
        let _ = child.kill();
        let _ = child.wait();
        let acked = acks.join().unwrap();
        let _ = writer.join();
        total_acked += acked;
        let conn = rusqlite::Connection::open(db(&env)).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let stored: usize = conn
            .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get::<_, i64>(0))
            .unwrap() as usize;
        assert!(
            stored >= total_acked,
            "{stored} stored, {total_acked} acknowledged"
        );
    }
    assert!(total_acked > 0, "no kill landed after an answer");
}

#[test]
fn two_quizzes_and_progress_at_once_lose_nothing() {
    let env = Env::new();
    // Both quizzes create the database at the same moment.
    let answers = env.write("skips.txt", "skip\n".repeat(120));
    let quiz = |seed: &str| {
        Process::new(assert_cmd::cargo::cargo_bin("skillquiz"))
            .current_dir(env.dir.path())
            .env_clear()
            .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"))
            .args([
                "take",
                "--mode",
                "fixed",
                "--count",
                "110",
                "--json",
                "--seed",
                seed,
                "--answers",
            ])
            .arg(&answers)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (quiz("1"), quiz("2"));
    let mut readers = 0;
    for _ in 0..5 {
        let out = env.cmd().args(["progress", "--json"]).output().unwrap();
        assert_ok(&out);
        readers += 1;
    }
    for c in [a, b] {
        let out = c.wait_with_output().unwrap();
        assert_ok(&out);
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(readers, 5);
    let store = Store::open(&db(&env)).unwrap();
    let list = store.attempts().unwrap();
    assert_eq!(list.len(), 2);
    // 110 graded questions and the practice self-ratings in each.
    let stored: usize = list
        .iter()
        .map(|s| store.responses(&s.info.id).unwrap().len())
        .sum();
    assert!(stored >= 220, "{stored}");
    assert!(list.iter().all(|s| s.graded == 110));
}

#[test]
fn a_corrupt_or_newer_database_is_refused_and_left_untouched() {
    let env = Env::new();
    std::fs::create_dir_all(env.dir.path().join("data")).unwrap();
    let junk: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(db(&env), &junk).unwrap();
    env.cmd()
        .args(["take", "--answers", "-"])
        .write_stdin("skip\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("history.sqlite3"))
        .stderr(predicate::str::contains("corrupt"))
        .stderr(predicate::str::contains("left as it is"));
    assert_eq!(std::fs::read(db(&env)).unwrap(), junk);
    // --no-history still works.
    env.cmd()
        .args(["take", "--no-history", "--answers", "-"])
        .write_stdin("skip\n")
        .assert()
        .success();
    let newer = Env::new();
    std::fs::create_dir_all(newer.dir.path().join("data")).unwrap();
    {
        let c = rusqlite::Connection::open(db(&newer)).unwrap();
        c.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 42;")
            .unwrap();
    }
    let before = std::fs::read(db(&newer)).unwrap();
    newer
        .cmd()
        .arg("progress")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("schema version 42"))
        .stderr(predicate::str::contains("upgrade skillquiz"));
    assert_eq!(std::fs::read(db(&newer)).unwrap(), before);
}

#[test]
fn a_data_directory_that_cannot_be_written_suggests_the_way_out() {
    let env = Env::new();
    // Root may write anywhere on a normal file system; /proc refuses everyone.
    let dir = if is_root() {
        std::path::PathBuf::from("/proc/self/skillquiz-data")
    } else {
        let d = env.dir.path().join("ro");
        std::fs::create_dir(&d).unwrap();
        let mut perm = std::fs::metadata(&d).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
        std::fs::set_permissions(&d, perm).unwrap();
        d
    };
    env.cmd()
        .arg("--data-dir")
        .arg(&dir)
        .args(["take", "--answers", "-"])
        .write_stdin("skip\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("--data-dir"))
        .stderr(predicate::str::contains("--no-history"));
}

fn is_root() -> bool {
    Process::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A history longer than the chart: the text (computed from the evidence totals, last 40
/// attempts) must agree with the JSON (every attempt replayed from its answers).
#[test]
fn progress_on_a_long_history_agrees_with_the_full_replay() {
    use skillquiz::history::{Attempt, AttemptInfo, Recorded};
    use skillquiz::{Answer, AttemptSpec, Catalog, Ended, Mode, Response};
    let env = Env::new();
    std::fs::create_dir_all(env.dir.path().join("data")).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let graded: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| q.kind.is_graded())
        .collect();
    let mut store = Store::open(&db(&env)).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    for a in 0..60i64 {
        let t0 = 1_790_000_000 + a * 3 * 86_400;
        let responses = (0..12)
            .map(|k| {
                let q = graded[rng.random_range(0..graded.len())];
                // Better and better: the chance of a right answer grows with the attempt.
                let correct = rng.random::<f64>() < 0.2 + 0.01 * a as f64;
                Recorded {
                    response: Response {
                        id: q.id.to_string(),
                        topic: q.topic.to_string(),
                        area: q.area.to_string(),
                        answer: Answer::Skip,
                        score: f64::from(u8::from(correct)),
                        correct,
                        graded: true,
                        order: Vec::new(),
                        seconds: 1.0,
                        certainty: None,
                    },
                    bank: "b".into(),
                    bank_version: "1".into(),
                    answered_at: t0 + k,
                }
            })
            .collect();
        store
            .import(&Attempt {
                info: AttemptInfo {
                    id: format!("{a:032x}"),
                    started_at: t0,
                    ended_at: Some(t0 + 100),
                    skillquiz_version: "0.1.0".into(),
                    mode: Mode::Adaptive,
                    seed: 1,
                    spec: AttemptSpec::default(),
                    banks: Vec::new(),
                    ended: Some(Ended::Completed),
                },
                responses,
            })
            .unwrap();
    }
    drop(store);
    let out = env.cmd().args(["progress", "--json"]).output().unwrap();
    assert_ok(&out);
    let full = json(&out.stdout);
    let text = env
        .cmd()
        .arg("progress")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Progress over 60 quizzes"), "{text}");
    for a in full["areas"].as_array().unwrap() {
        let points = a["points"].as_array().unwrap();
        assert_eq!(points.len(), 60);
        let last = points.last().unwrap();
        let now = format!(
            "ability {:+.2} ± {:.2}",
            last["theta"].as_f64().unwrap(),
            last["se"].as_f64().unwrap()
        );
        assert!(text.contains(&now), "{now} not in\n{text}");
        let since_first = format!(
            "since the first quiz {:+.2}",
            a["since_first"]["delta"].as_f64().unwrap()
        );
        assert!(text.contains(&since_first), "{since_first} not in\n{text}");
        // The plain chart lists the last 40 values.
        let tail: Vec<String> = points[20..]
            .iter()
            .map(|p| format!("{:+.2}", p["theta"].as_f64().unwrap()))
            .collect();
        let line = tail.join(" ");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&line), "{line} not in\n{text}");
    }
}

#[test]
fn ctrl_c_ends_a_scripted_quiz_like_q_too() {
    let env = Env::new();
    let mut args = adaptive_args();
    args.extend(["--json", "--answers", "-"].map(String::from));
    let mut child = spawn(&env, &args);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"t\nf\n").unwrap();
    stdin.flush().unwrap();
    wait_for_answers(&env, 2);
    Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_ok(&out);
    let r = json(&out.stdout);
    assert_eq!(r["ended"], "interrupted");
    assert_eq!(r["questions"].as_array().unwrap().len(), 2);
}

/// At a terminal, a quiz left unfinished in the last 24 hours is offered for resuming;
/// Enter accepts, and the quiz goes on from the next question.
#[test]
fn an_unfinished_quiz_is_offered_at_the_terminal() {
    use expectrl::{Expect, Session};
    let env = Env::new();
    let start = |extra: &[&str]| {
        let mut cmd = Process::new(assert_cmd::cargo::cargo_bin("skillquiz"));
        cmd.args(adaptive_args())
            .args(extra)
            .current_dir(env.dir.path())
            .env_clear()
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("SKILLQUIZ_DATA_DIR", env.dir.path().join("data"));
        let mut p = Session::spawn(cmd).expect("a pseudo-terminal");
        p.set_expect_timeout(Some(Duration::from_secs(20)));
        p
    };
    let mut p = start(&["--no-pager"]);
    p.expect("answer (").unwrap();
    p.send("t\r").unwrap();
    p.expect("answer (").unwrap();
    p.send("\x03").unwrap();
    p.expect("skillquiz take --resume").unwrap();
    p.expect(expectrl::Eof).unwrap();
    let mut p = start(&["--no-pager"]);
    p.expect("You have an unfinished quiz from just now (1 answered)")
        .unwrap();
    p.send("\r").unwrap();
    p.expect("Resuming quiz").unwrap();
    p.expect("Question 2 of at most 10").unwrap();
    p.send("q\r").unwrap();
    p.expect(expectrl::Eof).unwrap();
    let store = Store::open(&db(&env)).unwrap();
    assert_eq!(
        store.attempt_count().unwrap(),
        1,
        "the same attempt went on"
    );
}

/// Missed questions come back the next day; right answers space them out; a review does
/// not touch the evidence behind the verdicts.
#[test]
fn missed_questions_are_reviewed_on_a_spaced_schedule() {
    let env = Env::new();
    let at = |day: u32| format!("2026-11-{day:02}T09:00:00Z");
    let quiz = env
        .cmd()
        .env("SKILLQUIZ_NOW", at(1))
        .args([
            "take", "--mode", "fixed", "--area", "adapt", "--count", "4", "--seed", "3",
        ])
        .args(["--json", "--answers", "-", "--bank"])
        .arg(fixture("good/adaptive.ron"))
        .write_stdin("f\nf\nf\nf\n")
        .output()
        .unwrap();
    assert_ok(&quiz);
    let r = json(&quiz.stdout);
    assert_eq!(r["review"]["due_now"], 0);
    let review = |day: u32, answers: &str| {
        let out = env
            .cmd()
            .env("SKILLQUIZ_NOW", at(day))
            .args(["review", "--json", "--answers", "-", "--bank"])
            .arg(fixture("good/adaptive.ron"))
            .write_stdin(answers.to_string())
            .output()
            .unwrap();
        assert_ok(&out);
        json(&out.stdout)
    };
    // The same day: nothing due yet, four tomorrow.
    let none = review(1, "");
    assert_eq!(none["reviewed"].as_array().unwrap().len(), 0);
    assert_eq!(none["next_count"], 4);
    env.cmd()
        .env("SKILLQUIZ_NOW", at(1))
        .arg("review")
        .assert()
        .success()
        .stdout(predicate::str::contains("Nothing is due for review today"))
        .stdout(predicate::str::contains("4 questions come up tomorrow"));
    let before = Store::open(&db(&env)).unwrap().totals().unwrap();
    // Day 2: all four right (every statement of the fixture is true).
    let day2 = review(2, "t\nt\nt\nt\n");
    let first: Vec<f64> = day2["reviewed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["interval_days"].as_f64().unwrap())
        .collect();
    assert_eq!(first.len(), 4);
    assert!(
        day2["reviewed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["grade"] == "good")
    );
    // Reviewed again when due, right again: the interval grows.
    let next_day = 2 + first[0] as u32;
    let again = review(next_day, "t\nt\nt\nt\n");
    let second = again["reviewed"][0]["interval_days"].as_f64().unwrap();
    assert!(second > first[0], "{second} after {first:?}");
    // A miss brings it back sooner.
    let day = next_day + second as u32;
    let missed = review(day, "f\nt\nt\nt\n");
    assert_eq!(missed["reviewed"][0]["grade"], "again");
    assert!(missed["reviewed"][0]["interval_days"].as_f64().unwrap() < second);
    // Reviews are logged but are not evidence of ability.
    let store = Store::open(&db(&env)).unwrap();
    assert_eq!(store.review_log_len().unwrap(), 12);
    assert_eq!(store.totals().unwrap(), before);
    env.cmd()
        .env("SKILLQUIZ_NOW", at(day))
        .args(["review", "--due"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 questions due for review today"));
    // Right and sure (certainty 3) is Easy.
    let out = env
        .cmd()
        .env("SKILLQUIZ_NOW", "2027-02-01T09:00:00Z")
        .args([
            "review",
            "--certainty",
            "--json",
            "--limit",
            "1",
            "--answers",
            "-",
            "--bank",
        ])
        .arg(fixture("good/adaptive.ron"))
        .write_stdin("t c3\n")
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(json(&out.stdout)["reviewed"][0]["grade"], "easy");
    env.cmd()
        .args(["review", "--retention", "0.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("between 0.7 and 0.97"));
}

/// A database another program holds a write lock on past the busy timeout is an error
/// naming the file (exit 4); nothing is lost once the lock goes.
#[test]
fn a_database_locked_past_the_timeout_is_a_clear_error() {
    let env = Env::new();
    env.cmd().arg("history").assert().success();
    let holder = rusqlite::Connection::open(db(&env)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    env.cmd()
        .args(["take", "--answers", "-"])
        .write_stdin("skip\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("history.sqlite3"))
        .stderr(predicate::str::contains("locked"));
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    env.cmd()
        .args(["take", "--answers", "-"])
        .write_stdin("skip\n")
        .assert()
        .success();
}

//! `analyze` on real saved results: Moodle's statistics checked against an independent
//! computation, marks that differ by floating-point noise, results that cannot be
//! trusted, the teacher's reading aids, and a class of 5000 on counts.

mod common;

use common::{find, fixture, json, skillquiz as sq, strings};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The partial fixture's questions, in the order a row of answers gives them.
const IDS: [&str; 5] = ["prt.ms", "prt.sc", "prt.tf", "prt.num", "prt.txt"];

/// Each student takes the partial fixture's fixed form (`count` questions) with `take`,
/// answering from their row (answers as typed, in `IDS` order), and saves the result as
/// `dir/results/studentN.json`, as a class would.
fn class(dir: &Path, rows: &[[&str; 5]], count: usize) -> PathBuf {
    let bank = fixture("teach/partial.ron");
    let take = |input: String| {
        sq(dir)
            .args(["take", "--mode", "fixed", "--area", "prt", "--seed", "1"])
            .args(["--count", &count.to_string(), "--answers", "-", "--json"])
            .arg("--bank")
            .arg(&bank)
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    // The form's order, from a first run.
    let first = json(&take("skip\n".repeat(count)));
    let order: Vec<usize> = strings(&first, "questions", "id")
        .iter()
        .map(|id| IDS.iter().position(|x| x == id).unwrap())
        .collect();
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    for (n, row) in rows.iter().enumerate() {
        let input: String = order.iter().map(|&i| format!("{}\n", row[i])).collect();
        std::fs::write(results.join(format!("student{}.json", n + 1)), take(input)).unwrap();
    }
    results
}

fn analyze_json(dir: &Path, args: &[&Path]) -> serde_json::Value {
    let mut c = sq(dir);
    c.arg("analyze").args(args).args(["--json", "--bank"]);
    c.arg(fixture("teach/partial.ron"));
    json(&c.assert().success().get_output().stdout.clone())
}

fn notes(v: &serde_json::Value) -> String {
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn close(v: &serde_json::Value, want: f64, tol: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((got - want).abs() < tol, "got {got}, want {want}");
}

/// Eight students, five questions of every graded kind, partial credit on the multiple
/// select question earned several ways. The expected figures are printed by
/// tests/fixtures/teach/moodle_stats.py, which computes Moodle's formulas with exact
/// fractions on the same marks (stored to 7 decimals, as Moodle does).
#[test]
fn moodle_statistics_with_partial_credit_match_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let results = class(
        dir.path(),
        &[
            ["A,B,C", "A", "true", "2.5", "bias"],
            ["A,B", "A", "true", "2.5", "skip"],
            ["A", "B", "true", "3", "bias"],
            ["A,B,D", "A", "false", "2.5", "variance"],
            ["A,B,C,D", "C", "true", "skip", "bias"],
            ["D", "D", "false", "1", "no idea"],
            ["skip", "A", "false", "2.5", "bias"],
            ["A,B,C,D,E", "B", "true", "3", "skip"],
        ],
        5,
    );
    let v = analyze_json(dir.path(), &[&results]);
    let expected: [(&str, [f64; 4]); 5] = [
        (
            "prt.ms",
            [
                0.4166666625,
                0.3450327900221615,
                0.6366820166410968,
                0.6571428654693876,
            ],
        ),
        (
            "prt.sc",
            [
                0.5,
                0.5345224838248488,
                0.41253223078261464,
                0.5238095210884354,
            ],
        ),
        (
            "prt.tf",
            [
                0.625,
                0.5175491695067657,
                0.08494120232358789,
                0.10204082007496872,
            ],
        ),
        (
            "prt.num",
            [
                0.5,
                0.5345224838248488,
                0.41253223078261464,
                0.5238095210884354,
            ],
        ),
        (
            "prt.txt",
            [
                0.5,
                0.5345224838248488,
                0.1709963942941442,
                0.21739130775047258,
            ],
        ),
    ];
    for (id, [facility, sd, di, de]) in expected {
        let q = find(&v, "questions", "id", id);
        close(&q["facility"], facility, 1e-12);
        close(&q["sd"], sd, 1e-12);
        close(&q["discrimination_index"], di, 1e-12);
        close(&q["discriminative_efficiency"], de, 1e-12);
        assert_eq!(q["attempts"], 8, "{id}");
    }
    let t = &v["test"];
    close(&t["mean"], 2.5416666625, 1e-12);
    close(&t["sd"], 1.4900463491512768, 1e-12);
    close(&t["alpha"], 0.5495978598441013, 1e-12);
    close(&t["error_ratio"], 0.6711200638901349, 1e-12);
    close(&t["standard_error"], 1.0000000010416672, 1e-12);
    // α 55%: under Moodle's 64%.
    assert_eq!(t["alpha_reading"], "unsatisfactory");
    // Skips for every kind, not only choices.
    let skipped = |id: &str| find(&v, "questions", "id", id)["skipped"].clone();
    assert_eq!(
        [
            skipped("prt.ms"),
            skipped("prt.num"),
            skipped("prt.txt"),
            skipped("prt.sc")
        ],
        [1, 1, 2, 0]
    );
    let notes = notes(&v);
    assert!(notes.contains("fewer than about 20 students"), "{notes}");
    // The text report: questions to fix first, α's reading, a skip column.
    let out = sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .arg("--bank")
        .arg(fixture("teach/partial.ron"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[2], "Questions to fix first", "{text}");
    assert!(
        text.contains("55.0%  unsatisfactory (Moodle: under 64%"),
        "{text}"
    );
    assert!(text.contains(" skip  facil."), "{text}");
    assert!(
        text.contains("prt.txt                             8    2"),
        "{text}"
    );
    // A teacher reads it in an 80-column terminal.
    for l in &lines {
        assert!(
            l.chars().count() <= 80,
            "{} columns: {l}",
            l.chars().count()
        );
    }
}

/// The same partial mark earned two ways (A, B: 2/3; A, B, C, D: 1 − 1/3) differs in the
/// last bit as a float. Rounded to 7 decimals it is one mark: SD 0, no discrimination,
/// and a class with equal totals has no α (it came out over 100% before).
#[test]
fn the_same_mark_earned_two_ways_is_one_mark() {
    let dir = tempfile::tempdir().unwrap();
    let results = class(
        dir.path(),
        &[
            ["A,B", "A", "true", "2.5", "bias"],
            ["A,B,C,D", "A", "false", "2.5", "no"],
            ["A,B", "B", "true", "1", "bias"],
            ["A,B,C,D", "A", "true", "2.5", "bias"],
            ["A,B", "C", "false", "1", "no"],
            ["A,B,C,D", "A", "true", "1", "bias"],
        ],
        5,
    );
    // The floats in the files do differ.
    let s1 = std::fs::read_to_string(results.join("student1.json")).unwrap();
    let s2 = std::fs::read_to_string(results.join("student2.json")).unwrap();
    assert!(s1.contains("0.6666666666666666") && s2.contains("0.6666666666666667"));
    let v = analyze_json(dir.path(), &[&results]);
    let ms = find(&v, "questions", "id", "prt.ms");
    assert_eq!(ms["sd"], 0.0);
    assert!(ms["discrimination_index"].is_null());
    assert!(ms["discriminative_efficiency"].is_null());
    let codes = strings(ms, "flags", "code");
    assert!(
        !codes.iter().any(|c| c.ends_with("discrimination")),
        "{codes:?}"
    );

    // Everyone the same total (2/3 + 1 + 1 + 1 + 1), two ways.
    let dir = tempfile::tempdir().unwrap();
    let row = |ms| [ms, "A", "true", "2.5", "bias"];
    let results = class(
        dir.path(),
        &[row("A,B"), row("A,B,C,D"), row("A,B"), row("A,B,C,D")],
        5,
    );
    let v = analyze_json(dir.path(), &[&results]);
    assert!(v["test"]["alpha"].is_null(), "{}", v["test"]);
    assert!(v["test"]["error_ratio"].is_null());
    assert_eq!(v["test"]["sd"], 0.0);
    let notes = notes(&v);
    assert!(notes.contains("same test mark"), "{notes}");
}

fn edit(file: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    f(&mut r);
    std::fs::write(file, serde_json::to_string_pretty(&r).unwrap()).unwrap();
}

fn question<'a>(r: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    r["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == id)
        .unwrap()
}

fn refused(dir: &Path, results: &Path, wanted: &[&str]) {
    let out = sq(dir)
        .arg("analyze")
        .arg(results)
        .arg("--bank")
        .arg(fixture("teach/partial.ron"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    for w in wanted {
        assert!(err.contains(w), "`{w}` not in: {err}");
    }
}

/// Stored scores are checked against a fresh grading, never used: an edited score, a
/// score that contradicts its answer and a choice that does not exist are refused,
/// naming the file and the question.
#[test]
fn results_that_disagree_with_their_answers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ["A,B,C", "A", "true", "2.5", "bias"],
        ["A", "B", "false", "1", "no"],
        ["A,B", "A", "true", "2.5", "skip"],
    ];
    let results = class(dir.path(), &rows, 5);
    let f = results.join("student2.json");
    let original = std::fs::read_to_string(&f).unwrap();
    // A facility of 262.5% came from this once.
    edit(&f, |r| {
        question(r, "prt.sc")["score"] = serde_json::json!(8.5)
    });
    refused(dir.path(), &results, &["student2.json", "`prt.sc`", "8.5"]);
    // Right, says the file; the answer (B) is wrong.
    std::fs::write(&f, &original).unwrap();
    edit(&f, |r| {
        let q = question(r, "prt.sc");
        q["score"] = serde_json::json!(1.0);
        q["correct"] = serde_json::json!(true);
    });
    refused(
        dir.path(),
        &results,
        &["student2.json", "`prt.sc`", "edited"],
    );
    // Choice 9 of four.
    std::fs::write(&f, &original).unwrap();
    edit(&f, |r| {
        question(r, "prt.sc")["answer"] = serde_json::json!({"choice": 9})
    });
    refused(
        dir.path(),
        &results,
        &["student2.json", "`prt.sc`", "choice 9", "does not exist"],
    );
    // An answer of another kind.
    std::fs::write(&f, &original).unwrap();
    edit(&f, |r| {
        question(r, "prt.num")["answer"] = serde_json::json!({"bool": true})
    });
    refused(
        dir.path(),
        &results,
        &["student2.json", "`prt.num`", "not of its kind"],
    );
    // recommend --from grades through the same check.
    sq(dir.path())
        .args(["recommend", "--from"])
        .arg(&f)
        .arg("--bank")
        .arg(fixture("teach/partial.ron"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("student2.json")
                .and(predicate::str::contains("not of its kind")),
        );
    // A newer format is named as such, not as a malformed file.
    std::fs::write(&f, &original).unwrap();
    edit(&f, |r| {
        r["format_version"] = serde_json::json!(4_294_967_297u64)
    });
    refused(
        dir.path(),
        &results,
        &["student2.json", "format_version 4294967297", "upgrade"],
    );
    std::fs::write(&f, &original).unwrap();
    assert_eq!(analyze_json(dir.path(), &[&results])["test"]["results"], 3);
}

/// Each attempt counts once: the same file named twice, a copy of an attempt; two files
/// with one attempt and different answers are refused. `.JSON` and a byte-order mark
/// are read.
#[test]
fn each_attempt_counts_once_and_files_are_read_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ["A,B,C", "A", "true", "2.5", "bias"],
        ["A", "B", "false", "1", "no"],
        ["A,B", "A", "true", "2.5", "skip"],
        ["D", "A", "false", "2.5", "bias"],
    ];
    let results = class(dir.path(), &rows, 5);
    let one = results.join("student1.json");
    let v = analyze_json(dir.path(), &[&results, &one]);
    assert_eq!(v["test"]["results"], 4);
    assert_eq!(v["duplicates"][0]["why"], "same-file");
    assert_eq!(find(&v, "questions", "id", "prt.sc")["attempts"], 4);
    // A copy under another name is the same attempt.
    let copy = results.join("copy.json");
    std::fs::copy(&one, &copy).unwrap();
    let v = analyze_json(dir.path(), &[&results]);
    assert_eq!(v["test"]["results"], 4);
    assert_eq!(v["duplicates"][0]["why"], "same-attempt");
    assert!(
        v["duplicates"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("student1.json")
    );
    // The same attempt with other answers: which one is true?
    edit(&copy, |r| {
        let q = question(r, "prt.sc");
        q["answer"] = serde_json::json!({"choice": 1});
        q["score"] = serde_json::json!(0.0);
        q["correct"] = serde_json::json!(false);
    });
    refused(
        dir.path(),
        &results,
        &["copy.json", "student1.json", "different answers"],
    );
    std::fs::remove_file(&copy).unwrap();
    // Upper-case extension, and a byte-order mark.
    std::fs::rename(results.join("student3.json"), results.join("STUDENT3.JSON")).unwrap();
    let f = results.join("student4.json");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("\u{feff}{text}")).unwrap();
    let v = analyze_json(dir.path(), &[&results]);
    assert_eq!(v["test"]["results"], 4);
    assert!(v["duplicates"].as_array().unwrap().is_empty());
}

/// A wrong key shows as a wrong choice picked by the strongest students; a hard question
/// does not (its wrong choice draws the weaker ones). The wrong key comes first among
/// the questions to fix.
#[test]
fn a_wrong_key_is_told_from_a_hard_question() {
    let dir = tempfile::tempdir().unwrap();
    // The bank says A for prt.sc; the strong students all pick B. Only the two strongest
    // get prt.tf (true) right.
    let results = class(
        dir.path(),
        &[
            ["A,B,C", "B", "true", "2.5", "bias"],
            ["A,B,C", "B", "true", "2.5", "variance"],
            ["A,B,C", "B", "false", "2.5", "bias"],
            ["A,B,C", "B", "false", "2.5", "variance"],
            ["A,B", "B", "false", "2.5", "variance"],
            ["A", "A", "false", "1", "no"],
            ["D", "A", "false", "1", "no"],
            ["skip", "A", "false", "1", "skip"],
            ["D", "A", "false", "2.5", "no"],
            ["A", "C", "false", "1", "no"],
        ],
        5,
    );
    let v = analyze_json(dir.path(), &[&results]);
    let sc = find(&v, "questions", "id", "prt.sc");
    let b = &sc["choices"][1];
    assert_eq!(b["picked"], 5);
    // Rests of B's pickers: 4, 3, 3, 2, 1 + 2/3; of A's: 1/3, 0, 0, 1.
    close(&b["rest_mean"], (13.0 + 2.0 / 3.0) / 5.0, 1e-6);
    close(&sc["choices"][0]["rest_mean"], (4.0 / 3.0) / 4.0, 1e-6);
    assert!(sc["choices"][3]["rest_mean"].is_null()); // never picked
    let codes = strings(sc, "flags", "code");
    assert_eq!(codes[0], "likely-wrong-key", "{codes:?}");
    assert!(codes.contains(&"negative-discrimination"));
    assert_eq!(v["fix_first"][0], "prt.sc");
    // prt.tf is hard (20%) and sound: its wrong choice drew weaker students.
    let tf = find(&v, "questions", "id", "prt.tf");
    close(&tf["facility"], 0.2, 1e-12);
    assert!(!strings(tf, "flags", "code").contains(&"likely-wrong-key"));
    assert!(tf["discrimination_index"].as_f64().unwrap() > 0.2);
}

/// A question of the bank that nobody was asked is listed, with no statistics.
#[test]
fn questions_nobody_reached_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let results = class(
        dir.path(),
        &[
            ["A,B,C", "A", "true", "2.5", "bias"],
            ["A", "B", "false", "1", "no"],
        ],
        4,
    );
    let v = analyze_json(dir.path(), &[&results]);
    assert_eq!(v["test"]["questions"], 4);
    let missing = v["not_reached"].as_array().unwrap();
    assert_eq!(missing.len(), 1);
    let id = missing[0].as_str().unwrap();
    assert!(IDS.contains(&id));
    assert!(
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["id"] != id)
    );
    let out = sq(dir.path())
        .arg("analyze")
        .arg(&results)
        .arg("--bank")
        .arg(fixture("teach/partial.ron"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // The note wraps at 80 columns: compare with the line breaks folded.
    let text = String::from_utf8(out).unwrap();
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        folded.contains(&format!(
            "1 question of the banks used was asked to nobody, so it has no statistics: {id}"
        )),
        "{text}"
    );
}

/// 5000 results through the library: every one counted, and what is kept does not grow
/// with the number of results (the same distinct marks after 1000 and after 5000).
#[test]
fn five_thousand_results_are_counted_in_bounded_memory() {
    use skillquiz::{Answer, CatalogBuilder, ClassAnalysis, SavedAnswer, SavedResult, grade};
    let mut b = CatalogBuilder::builtin();
    b.add_path(&fixture("teach/partial.ron"));
    let cat = b.build().unwrap();
    let answers = |n: usize| -> [Answer; 5] {
        [
            [
                Answer::Choices(vec![0, 1, 2]),
                Answer::Choices(vec![0]),
                Answer::Skip,
            ][n % 3]
                .clone(),
            Answer::Choice(n % 4),
            Answer::Bool(n % 5 < 3),
            Answer::Number(if n % 7 < 4 { 2.5 } else { 1.0 }),
            Answer::Text(if n.is_multiple_of(2) { "bias" } else { "no" }.into()),
        ]
    };
    let result = |n: usize| SavedResult {
        format_version: 1,
        attempt: None,
        mode: skillquiz::Mode::Fixed,
        questions: IDS
            .iter()
            .zip(answers(n))
            .map(|(id, answer)| {
                let g = grade(cat.question(id).unwrap(), &answer);
                SavedAnswer {
                    id: id.to_string(),
                    answer,
                    score: g.score,
                    correct: g.correct,
                    graded: true,
                    order: if *id == "prt.ms" || *id == "prt.sc" {
                        (0..if *id == "prt.ms" { 6 } else { 4 }).collect()
                    } else {
                        Vec::new()
                    },
                    certainty: None,
                    bank: "partial".into(),
                    bank_version: "1.0.0".into(),
                }
            })
            .collect(),
    };
    let mut class = ClassAnalysis::new(&cat);
    let mut right_sc = 0;
    let mut held_at_1000 = 0;
    for n in 0..5000 {
        class.add(&format!("r{n}.json"), &result(n)).unwrap();
        right_sc += usize::from(n.is_multiple_of(4));
        if n == 999 {
            held_at_1000 = class.distinct_values();
        }
    }
    assert_eq!(class.distinct_values(), held_at_1000);
    assert!(held_at_1000 < 100, "{held_at_1000}");
    let a = class.finish().unwrap();
    assert_eq!(a.test.results, 5000);
    assert_eq!(a.files.len(), 5000);
    let sc = a.questions.iter().find(|q| q.id == "prt.sc").unwrap();
    assert_eq!(sc.attempts, 5000);
    assert!((sc.facility - right_sc as f64 / 5000.0).abs() < 1e-15);
    assert_eq!(sc.choices.iter().map(|c| c.picked).sum::<usize>(), 5000);
    assert_eq!(
        a.questions
            .iter()
            .find(|q| q.id == "prt.ms")
            .unwrap()
            .skipped,
        (0..5000).filter(|n| n % 3 == 2).count()
    );
}

/// Random classes of the partial fixture, against the slow float formulas (the public
/// `mean`, `variance`, `correlation` and `cronbach_alpha`, applied to every mark): the
/// same figures to 1e-9, and α never above 1, r in [−1, 1], efficiency at most 1.
#[test]
fn random_classes_match_the_slow_formulas() {
    use rand::{RngExt, SeedableRng};
    use skillquiz::{
        Answer, CatalogBuilder, ClassAnalysis, SavedAnswer, SavedResult, correlation,
        cronbach_alpha, grade, mark_units, mean, variance,
    };
    let mut b = CatalogBuilder::builtin();
    b.add_path(&fixture("teach/partial.ron"));
    let cat = b.build().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let (mut compared, mut alphas) = (0, 0);
    for _ in 0..200 {
        let students = rng.random_range(5..40);
        let mut class = ClassAnalysis::new(&cat);
        let mut marks: Vec<[f64; 5]> = Vec::new();
        for s in 0..students {
            let picks: Vec<usize> = (0..6).filter(|_| rng.random::<f64>() < 0.5).collect();
            let answers = [
                Answer::Choices(picks),
                Answer::Choice(rng.random_range(0..4)),
                Answer::Bool(rng.random()),
                Answer::Number(if rng.random() { 2.5 } else { 0.0 }),
                if rng.random::<f64>() < 0.2 {
                    Answer::Skip
                } else {
                    Answer::Text("bias".into())
                },
            ];
            let mut row = [0.0; 5];
            let questions = IDS
                .iter()
                .zip(answers)
                .enumerate()
                .map(|(i, (id, answer))| {
                    let g = grade(cat.question(id).unwrap(), &answer);
                    row[i] = mark_units(g.score) as f64 / 1e7;
                    SavedAnswer {
                        id: id.to_string(),
                        answer,
                        score: g.score,
                        correct: g.correct,
                        graded: true,
                        order: Vec::new(),
                        certainty: None,
                        bank: "partial".into(),
                        bank_version: "1.0.0".into(),
                    }
                })
                .collect();
            marks.push(row);
            let r = SavedResult {
                format_version: 1,
                attempt: None,
                mode: skillquiz::Mode::Fixed,
                questions,
            };
            class.add(&format!("s{s}.json"), &r).unwrap();
        }
        let a = class.finish().unwrap();
        let totals: Vec<f64> = marks.iter().map(|r| r.iter().sum()).collect();
        let mut sum_var = 0.0;
        for (i, id) in IDS.iter().enumerate() {
            let x: Vec<f64> = marks.iter().map(|r| r[i]).collect();
            let rest: Vec<f64> = totals.iter().zip(&x).map(|(t, x)| t - x).collect();
            sum_var += variance(&x).unwrap();
            let q = a.questions.iter().find(|q| q.id == *id).unwrap();
            assert!((q.facility - mean(&x).unwrap()).abs() < 1e-9);
            assert!((q.sd.unwrap() - variance(&x).unwrap().sqrt()).abs() < 1e-9);
            if let Some(d) = q.discrimination_index {
                assert!((-1.0..=1.0).contains(&d));
                assert!((d - correlation(&x, &rest).unwrap()).abs() < 1e-9);
                compared += 1;
            }
            if let Some(e) = q.discriminative_efficiency {
                assert!(e <= 1.0);
            }
        }
        if let Some(alpha) = a.test.alpha {
            assert!(alpha <= 1.0);
            let slow = cronbach_alpha(5, sum_var, variance(&totals).unwrap()).unwrap();
            assert!((alpha - slow.min(1.0)).abs() < 1e-9, "{alpha} {slow}");
            alphas += 1;
        }
    }
    assert!(compared > 900 && alphas > 190, "{compared} {alphas}");
}

//! `skillquiz simulate` end to end, on small generated files in a fresh temp dir.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::PathBuf;

/// A temp dir to run `skillquiz simulate` in, with generated input files.
struct Env(common::Env);

impl Env {
    fn new() -> Env {
        Env(common::Env::new())
    }

    fn cmd(&self) -> Command {
        let mut c = self.0.cmd();
        c.arg("simulate");
        c
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        self.0.write(name, content)
    }

    /// 60 2PL items spread over difficulties and discriminations.
    fn items(&self) -> PathBuf {
        let mut s = String::from("item,a,b,c,d\n");
        for i in 0..60 {
            let a = 0.8 + (i % 7) as f64 * 0.2;
            let b = -2.5 + (i as f64) * 5.0 / 59.0;
            writeln!(s, "{i},{a},{b},0,1").unwrap();
        }
        self.write("items.csv", &s)
    }
}

fn json(c: &mut Command) -> Value {
    let out = c.arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn reports_figures_at_each_length_and_is_repeatable() {
    let env = Env::new();
    let items = env.items();
    let run = || {
        let mut c = env.cmd();
        c.arg("--items-csv").arg(&items);
        c.args(["--simulees", "200", "--seed", "5", "--length", "15"]);
        c.args(["--report-at", "5,15", "--stop-se", "0.45"]);
        json(&mut c)
    };
    let mut a = run();
    let mut b = run();
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("wall_seconds");
    }
    assert_eq!(a, b, "same seed, same figures");
    let rows = a["at_length"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["length"], 15);
    let (r5, r15) = (
        rows[0]["rmse"].as_f64().unwrap(),
        rows[1]["rmse"].as_f64().unwrap(),
    );
    assert!(r15 < r5 && r15 < 0.5, "{rows:?}");
    assert_eq!(a["simulees"], 200);
    assert_eq!(a["bank_items"], 60);
    assert!(a["variable"]["mean_length"].as_f64().unwrap() <= 15.0);
}

#[test]
fn text_output_names_the_figures() {
    let env = Env::new();
    let items = env.items();
    env.cmd()
        .arg("--items-csv")
        .arg(&items)
        .args(["--simulees", "50", "--length", "10", "--method", "random"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("RMSE")
                .and(predicate::str::contains("bias"))
                .and(predicate::str::contains("mean SE"))
                .and(predicate::str::contains("mean test length 10.00"))
                .and(predicate::str::contains("wall time")),
        );
}

#[test]
fn uniforms_fix_every_answer() {
    // Every u = 1.0 except where P reaches 1: all answers wrong, estimates fall.
    let env = Env::new();
    let items = env.items();
    let thetas = env.write("t.csv", "simulee,theta\n0,0.5\n1,-0.5\n");
    let ones = "1.0,".repeat(9) + "1.0";
    let head: Vec<String> = (1..=10).map(|k| format!("u{k}")).collect();
    let uniforms = env.write(
        "u.csv",
        &format!("simulee,{}\n0,{ones}\n1,{ones}\n", head.join(",")),
    );
    let v = json(
        env.cmd()
            .arg("--items-csv")
            .arg(&items)
            .arg("--thetas-csv")
            .arg(&thetas)
            .arg("--uniforms-csv")
            .arg(&uniforms)
            .args(["--length", "10"]),
    );
    assert_eq!(v["simulees"], 2);
    // bias = mean(θ̂ − θ) with θ̂ far below both abilities.
    assert!(v["at_length"][0]["bias"].as_f64().unwrap() < -1.0, "{v}");
}

#[test]
fn exposure_control_and_balancing_run() {
    let env = Env::new();
    let items = env.items();
    let v = json(
        env.cmd()
            .arg("--items-csv")
            .arg(&items)
            .args(["--simulees", "100", "--length", "10", "--exposure", "on"])
            .args(["--top-k", "4", "--balance", "on", "--topics", "3"]),
    );
    assert_eq!(v["exposure_top_k"], 4);
    assert_eq!(v["balance"], true);
    assert!(v["max_exposure"].as_f64().unwrap() < 1.0);
}

#[test]
fn runs_on_the_built_in_banks() {
    let env = Env::new();
    let v = json(
        env.cmd()
            .args(["--area", "maths", "--simulees", "50", "--length", "8"]),
    );
    assert_eq!(v["bank"], "question banks");
    assert!(v["bank_items"].as_u64().unwrap() >= 8);
}

#[test]
fn bad_inputs_name_file_line_and_column_and_exit_2() {
    let env = Env::new();
    let bad = env.write("bad.csv", "item,a,b\n0,1.0,0\n1,x,0\n");
    env.cmd()
        .arg("--items-csv")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.csv:3: column 2 (`a`): `x` is not a finite number",
        ));
    let items = env.items();
    let short = env.write("u.csv", "simulee,u1,u2\n0,0.1,0.2\n");
    let thetas = env.write("t.csv", "theta\n0.1\n");
    env.cmd()
        .arg("--items-csv")
        .arg(&items)
        .arg("--thetas-csv")
        .arg(&thetas)
        .arg("--uniforms-csv")
        .arg(&short)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "u.csv: simulee 0 has 2 uniforms but tests may run to 20 items",
        ));
    env.cmd()
        .args(["--items-csv", "missing.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.csv: cannot read"));
    env.cmd()
        .arg("--items-csv")
        .arg(&items)
        .args(["--length", "61"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "length 61 is more than the 60 items",
        ));
    env.cmd()
        .arg("--items-csv")
        .arg(&items)
        .args(["--report-at", "30", "--length", "20"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--report-at 30"));
    let nohead = env.write("t2.csv", "x,y\n1,2\n");
    env.cmd()
        .arg("--items-csv")
        .arg(&items)
        .arg("--thetas-csv")
        .arg(&nohead)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("t2.csv:1: no `theta` column"));
}

//! Rendered output pinned by snapshots (insta): a change to what people see shows in review.
//! Update with `INSTA_UPDATE=always cargo test --test golden` and review the diff.

use assert_cmd::Command;
use std::path::Path;

fn skillquiz() -> Command {
    let mut c = Command::cargo_bin("skillquiz").unwrap();
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .env_remove("SKILLQUIZ_NOW")
        .env_remove("SKILLQUIZ_DATA_DIR")
        .arg("--data-dir")
        .arg(DATA.path());
    c
}

/// One history for the whole test binary, outside the repository.
static DATA: std::sync::LazyLock<tempfile::TempDir> =
    std::sync::LazyLock::new(|| tempfile::tempdir().unwrap());

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_text() {
    insta::assert_snapshot!("help", stdout(skillquiz().arg("--help")));
    insta::assert_snapshot!("take_help", stdout(skillquiz().args(["take", "--help"])));
    insta::assert_snapshot!(
        "calibrate_help",
        stdout(skillquiz().args(["calibrate", "--help"]))
    );
}

/// The report at three terminal widths (`COLUMNS`): it wraps to the width, at most 100.
#[test]
fn report_text() {
    for columns in [60, 80, 120] {
        let text = stdout(
            skillquiz()
                .env("COLUMNS", columns.to_string())
                .args([
                    "take",
                    "--no-history",
                    "--mode",
                    "fixed",
                    "--area",
                    "demo",
                    "--seed",
                    "11",
                ])
                .args(["--answers", "-"])
                .args(["--bank", "tests/fixtures/good/kinds.ron"])
                .write_stdin("t\na\na\n1/3\n9e4\nunderfit\n"),
        );
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest <= columns.min(100),
            "{widest} columns at {columns}:\n{text}"
        );
        insta::assert_snapshot!(format!("report_{columns}"), text);
    }
}

#[test]
fn diagnostics_text() {
    let out = skillquiz()
        .args(["validate", "tests/fixtures/bad/many_errors.ron"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!("diagnostics", String::from_utf8(out.stderr).unwrap());
}

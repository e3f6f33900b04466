//! Helpers shared by the integration tests: the real binary run hermetically (cleared
//! environment, a fresh temp dir as working directory) and the fixtures.
// Each test binary uses only some of these.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A file under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is JSON")
}

/// The binary with an empty environment, run in `dir`, keeping its history in
/// `dir/data` (never in the real data directory).
pub fn skillquiz(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("skillquiz").unwrap();
    c.current_dir(dir)
        .env_clear()
        .env("SKILLQUIZ_DATA_DIR", dir.join("data"));
    c
}

/// A fresh temp dir to run in and write files to.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn cmd(&self) -> Command {
        skillquiz(self.dir.path())
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

/// The element of the array `v[list]` whose `key` equals `id`; panics (failing the test)
/// when there is none.
pub fn find<'a>(
    v: &'a serde_json::Value,
    list: &str,
    key: &str,
    id: &str,
) -> &'a serde_json::Value {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("`{list}` is not an array"))
        .iter()
        .find(|x| x[key] == id)
        .unwrap_or_else(|| panic!("no {list} entry with {key} = {id}"))
}

/// The string field `key` of every element of the array `v[list]`, in order.
pub fn strings<'a>(v: &'a serde_json::Value, list: &str, key: &str) -> Vec<&'a str> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("`{list}` is not an array"))
        .iter()
        .map(|x| {
            x[key]
                .as_str()
                .unwrap_or_else(|| panic!("{list}[].{key} is not a string"))
        })
        .collect()
}

/// Fails the test with the command's stderr unless it exited 0.
pub fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

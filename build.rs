//! Reads the shipped banks and roadmap once, at build time, into the compact snapshot the
//! program starts from (see `src/bank/snapshot.rs`); a file that does not read is left out
//! and read from its text at run time, with the loader's diagnostics.

#[path = "src/bank/outline.rs"]
#[allow(dead_code)]
mod outline;
#[path = "src/bank/raw.rs"]
#[allow(dead_code)]
mod raw;
#[path = "src/bank/snapshot.rs"]
mod snapshot;

use snapshot::{Snapshot, SnapshotFile, SnapshotValue};

/// As `bank::source::MAX_NESTING`; a unit test checks the two agree.
const MAX_NESTING: usize = 64;

/// The RON options of the loader (`Checker::parse`).
fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

fn main() {
    println!("cargo::rerun-if-changed=question_banks");
    println!("cargo::rerun-if-changed=src/bank/raw.rs");
    println!("cargo::rerun-if-changed=src/bank/outline.rs");
    println!("cargo::rerun-if-changed=src/bank/snapshot.rs");
    let dir = std::path::Path::new("question_banks");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("question_banks is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    let texts: Vec<(String, String)> = names
        .into_iter()
        .filter_map(|n| std::fs::read_to_string(dir.join(&n)).ok().map(|t| (n, t)))
        .collect();
    let mut files = Vec::new();
    for (name, text) in &texts {
        let Some(light) = outline::outline_light(text, MAX_NESTING) else {
            continue;
        };
        let value = if name == "roadmap.ron" {
            match options().from_str::<raw::RawRoadmap>(text) {
                Ok(r) if r.format_version == raw::FORMAT_VERSION => SnapshotValue::Roadmap(r),
                _ => continue,
            }
        } else {
            match options().from_str::<raw::RawBank>(text) {
                Ok(b) if b.format_version == raw::FORMAT_VERSION => SnapshotValue::Bank(b),
                _ => continue,
            }
        };
        files.push(SnapshotFile {
            name: name.clone(),
            len: text.len(),
            value,
            light,
        });
    }
    let bytes = rmp_serde::to_vec_named(&Snapshot { files }).expect("the snapshot encodes");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin.snapshot"), bytes).expect("the snapshot is written");
}

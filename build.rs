//! Reads the shipped banks and roadmap once, at build time, into the compact snapshots the
//! program starts from (see `src/bank/snapshot.rs`): each file as parsed, and the catalog
//! the loader makes of them all. A file that does not read is left out of the first and
//! read from its text at run time; when the shipped files do not load, there is no
//! catalog, and the program reports their diagnostics as it starts.

#[path = "src/text.rs"]
#[allow(dead_code)]
mod text;

/// The loader's own modules (see `src/bank/mod.rs`), without the lints; `builtin` stands
/// in for the snapshots this script is making, so the loader reads the shipped files'
/// text.
#[path = "src/bank"]
#[allow(dead_code)]
mod bank {
    mod diagnostic;
    pub mod load;
    pub mod model;
    pub mod outline;
    pub mod raw;
    pub mod snapshot;
    pub mod source;
    mod builtin {
        pub const BUILTIN_SNAPSHOT: &[u8] = &[];
        pub const BUILTIN_CATALOG: &[u8] = &[];
    }
}

use bank::{outline, raw, snapshot};
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
    println!("cargo::rerun-if-changed=src/bank");
    println!("cargo::rerun-if-changed=src/text.rs");
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
    let catalog = bank::load::CatalogBuilder::builtin()
        .build()
        .map(|cat| snapshot::encode_catalog(&cat))
        .unwrap_or_default();
    std::fs::write(out.join("builtin.catalog"), catalog).expect("the catalog is written");
}

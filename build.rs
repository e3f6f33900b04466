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
        pub const BUILTIN_TEXTS: &str = "";
    }
}

use bank::load::ron_options;
use bank::source::{BUILTIN_BANKS, BUILTIN_ROADMAP, MAX_NESTING};
use bank::{outline, raw, snapshot};
use snapshot::{Snapshot, SnapshotFile, SnapshotValue};

fn main() {
    println!("cargo::rerun-if-changed=question_banks");
    println!("cargo::rerun-if-changed=src/bank");
    println!("cargo::rerun-if-changed=src/text.rs");
    // The shipped files as the program holds them (`include_str!` in `source.rs`).
    let texts = std::iter::once(&BUILTIN_ROADMAP).chain(BUILTIN_BANKS);
    let mut files = Vec::new();
    for &(name, text) in texts {
        let Some(light) = outline::outline_light(text, MAX_NESTING) else {
            continue;
        };
        let value = if name == "roadmap.ron" {
            match ron_options().from_str::<raw::RawRoadmap>(text) {
                Ok(r) if r.format_version == raw::FORMAT_VERSION => SnapshotValue::Roadmap(r),
                _ => continue,
            }
        } else {
            match ron_options().from_str::<raw::RawBank>(text) {
                Ok(b) if b.format_version == raw::FORMAT_VERSION => SnapshotValue::Bank(b),
                _ => continue,
            }
        };
        files.push(SnapshotFile {
            name: name.to_string(),
            len: text.len(),
            value,
            light,
        });
    }
    let bytes = rmp_serde::to_vec_named(&Snapshot { files }).expect("the snapshot encodes");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin.snapshot"), bytes).expect("the snapshot is written");
    let (catalog, texts) = bank::load::CatalogBuilder::builtin()
        .build()
        .map(|cat| snapshot::encode_catalog(&cat))
        .unwrap_or_default();
    std::fs::write(out.join("builtin.catalog"), catalog).expect("the catalog is written");
    std::fs::write(out.join("builtin.texts"), texts).expect("the texts are written");
}

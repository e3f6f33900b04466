//! The built-in banks and roadmap, read once at build time (`build.rs`) into a compact
//! form that starts the program without parsing RON or outlining the text.
//!
//! The build script reads each shipped file exactly as [`super::CatalogBuilder`] would
//! (the same RON options, the same light outline) and writes what it read as MessagePack;
//! at run time the loader takes a built-in file's parsed value and light outline from here
//! and checks it like any other bank. A file the build script could not read (a broken
//! shipped file, a wrong `format_version`) is left out, and is then read from its text at
//! run time, with the usual diagnostics.
//!
//! The build script also checks the shipped files with the loader itself and keeps the
//! [`Catalog`] it makes ([`encode_catalog`]): `take` on the built-in banks
//! starts from that, without parsing or checking anything. This module is shared with
//! `build.rs`, which compiles the loader's modules too.

use super::model::{Catalog, pool};
use super::outline::Node;
use super::raw::{RawBank, RawRoadmap};
use super::source::{BUILTIN_BANKS, BUILTIN_ROADMAP};
use serde::{Deserialize, Serialize};

/// What the build script read, file by file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot<'a> {
    #[serde(borrow)]
    pub files: Vec<SnapshotFile<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SnapshotFile<'a> {
    /// The file's name in `question_banks/`, e.g. `maths.ron`.
    pub name: String,
    /// The length of the text it was read from, so that a snapshot is never used for
    /// another text.
    pub len: usize,
    pub value: SnapshotValue,
    /// The light outline of the text (see [`super::outline::outline_light`]).
    #[serde(borrow)]
    pub light: Node<'a>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum SnapshotValue {
    Bank(RawBank),
    Roadmap(RawRoadmap),
}

/// The shipped files' names and the lengths of their texts, roadmap first: what the
/// catalog in [`encode_catalog`] was made from.
pub fn builtin_files() -> Vec<(String, usize)> {
    std::iter::once(&BUILTIN_ROADMAP)
        .chain(BUILTIN_BANKS)
        .map(|(f, t)| (f.to_string(), t.len()))
        .collect()
}

/// The catalog of the shipped files, checked at build time, as postcard (the files it
/// was made from, [`builtin_files`], then the catalog), and the pool of its texts (see
/// [`super::model::pool`]).
#[allow(
    dead_code,
    reason = "build.rs writes the catalog, the program reads it"
)]
pub fn encode_catalog(cat: &Catalog) -> (Vec<u8>, String) {
    let mut bytes = postcard::to_allocvec(&builtin_files()).expect("names encode");
    let (encoded, texts) = pool::write(|| postcard::to_allocvec(cat).expect("a catalog encodes"));
    bytes.extend(encoded);
    (bytes, texts)
}

/// The catalog [`encode_catalog`] wrote, with its pool of texts, when it was made from
/// the files this program holds (its indexes are rebuilt by the caller).
pub fn decode_catalog(bytes: &'static [u8], texts: &'static str) -> Option<Catalog> {
    let (files, rest) = postcard::take_from_bytes::<Vec<(String, usize)>>(bytes).ok()?;
    if files != builtin_files() {
        return None;
    }
    pool::read(texts, || postcard::from_bytes(rest).ok())
}

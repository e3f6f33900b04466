//! The built-in banks and roadmap, read once at build time (`build.rs`) into a compact
//! form that starts the program without parsing RON or outlining the text.
//!
//! The build script reads each shipped file exactly as [`super::CatalogBuilder`] would
//! (the same RON options, the same light outline) and writes what it read as MessagePack;
//! at run time the loader takes a built-in file's parsed value and light outline from here
//! and checks it like any other bank. A file the build script could not read (a broken
//! shipped file, a wrong `format_version`) is left out, and is then read from its text at
//! run time, with the usual diagnostics. This module is shared with `build.rs`, so it
//! depends on nothing but serde and the modules `raw` and `outline`.

use super::outline::Node;
use super::raw::{RawBank, RawRoadmap};
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

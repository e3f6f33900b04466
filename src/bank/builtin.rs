//! What `build.rs` made of the shipped files (see [`super::snapshot`]). The build script
//! compiles the loader itself, with this module replaced by empty snapshots, so that it
//! reads the shipped files from their text.

/// Each shipped file as parsed, with its light outline (MessagePack).
pub const BUILTIN_SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.snapshot"));

/// The checked catalog of the shipped files (postcard), or nothing when they do not load.
pub const BUILTIN_CATALOG: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.catalog"));

/// The texts of that catalog, one after another (see [`super::model::pool`]).
pub const BUILTIN_TEXTS: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin.texts"));

//! Moodle's GIFT format: import into a RON bank and export from one.
//!
//! The reader follows Moodle's own importer (`question/format/gift/format.php`): questions
//! are separated by blank lines; lines starting with `//` are comments; `::title::` names a
//! question; `$CATEGORY:` starts a category (here, a topic); `[html]`, `[markdown]`,
//! `[plain]` and `[moodle]` mark a text's format; `\~ \= \# \{ \} \: \\ \n` are escapes.
//! The kind is decided as Moodle decides it: no braces is a description, empty braces an
//! essay, `#` first numerical, any `~` multiple choice, `=` with `->` matching, `T`/`TRUE`/
//! `F`/`FALSE` true/false, anything else short answer.
//!
//! What skillquiz cannot hold is never dropped silently: unsupported kinds become
//! [`Issue`]s of kind [`IssueKind::Skipped`], and details that do not survive the
//! conversion (a partial-credit weight, per-answer feedback on a short answer) become
//! [`IssueKind::Note`]s.

mod read;
mod write;

pub use read::{ImportOptions, Imported, import_gift};
pub use write::{Exported, export_gift};

/// GIFT question kinds skillquiz has no equivalent for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unsupported {
    Matching,
    Essay,
    Description,
    /// Missing word: text continues after the answer braces.
    MissingWord,
    /// Embedded answers: several answer blocks, or `{1:MULTICHOICE:...}`.
    Cloze,
    /// A kind skillquiz has, used in a way it cannot hold (say, two separate right numbers).
    Unrepresentable,
}

impl Unsupported {
    pub fn as_str(self) -> &'static str {
        match self {
            Unsupported::Matching => "matching",
            Unsupported::Essay => "essay",
            Unsupported::Description => "description",
            Unsupported::MissingWord => "missing word",
            Unsupported::Cloze => "cloze",
            Unsupported::Unrepresentable => "not representable",
        }
    }
}

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "what")]
pub enum IssueKind {
    /// The question is malformed; nothing is imported unless the caller skips invalid ones.
    Error,
    /// A well-formed question of a kind skillquiz does not have; skipped.
    Skipped(Unsupported),
    /// Imported, but something in it was not kept.
    Note,
}

/// One finding about a GIFT file, placed by file and 1-based line.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Issue {
    pub file: String,
    pub line: usize,
    #[serde(flatten)]
    pub kind: IssueKind,
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            IssueKind::Error => "error".to_string(),
            IssueKind::Skipped(u) => format!("skipped {}", u.as_str()),
            IssueKind::Note => "note".to_string(),
        };
        write!(f, "{}:{}: {what}: {}", self.file, self.line, self.message)
    }
}

/// 64-bit FNV-1a: a hash that stays the same across platforms and Rust versions, so ids
/// made from it are stable.
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A bank as pretty RON text under a comment `header` (each line gets `// `), ready to
/// write to disk and load back.
pub fn bank_to_ron(bank: &crate::bank::raw::RawBank, header: &str) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let body = ron::ser::to_string_pretty(bank, config)?;
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_published_vectors() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }
}

//! Bank sources (built in or on disk) and finding positions in their text.
//!
//! serde gives no positions once a file has parsed; validation errors are placed with the
//! file's outline (`outline.rs`) and turned into lines and columns here.

use super::diagnostic::{Diagnostic, Problem, Severity};
use std::path::{Path, PathBuf};

/// Bank files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The most bank text one folder given on the command line may hold, all files together.
pub const MAX_FOLDER_BYTES: u64 = 64 * 1024 * 1024;
/// How deep folders are searched for banks.
pub const MAX_FOLDER_DEPTH: usize = 8;
/// RON nesting deeper than this is refused (a bank needs about 6 levels).
pub const MAX_NESTING: usize = 64;

/// The built-in roadmap, embedded in the binary.
pub const BUILTIN_ROADMAP: (&str, &str) = (
    "roadmap.ron",
    include_str!("../../question_banks/roadmap.ron"),
);

/// The built-in banks, embedded in the binary. A test checks this lists every shipped file.
pub const BUILTIN_BANKS: &[(&str, &str)] = &[
    ("maths.ron", include_str!("../../question_banks/maths.ron")),
    (
        "programming.ron",
        include_str!("../../question_banks/programming.ron"),
    ),
    (
        "ml_fundamentals.ron",
        include_str!("../../question_banks/ml_fundamentals.ron"),
    ),
    (
        "tooling.ron",
        include_str!("../../question_banks/tooling.ron"),
    ),
    (
        "deployment.ron",
        include_str!("../../question_banks/deployment.ron"),
    ),
    (
        "practice.ron",
        include_str!("../../question_banks/practice.ron"),
    ),
];

/// The text of one bank or roadmap file and the name to show for it.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// Borrowed for a built-in file (its text is in the binary), owned for one read.
    pub text: std::borrow::Cow<'static, str>,
    pub builtin: bool,
}

impl Source {
    /// The name shown for built-in file `file` (e.g. `maths.ron`).
    pub fn builtin_name(file: &str) -> String {
        format!("question_banks/{file} (built in)")
    }

    pub fn builtin(file: &str, text: &'static str) -> Self {
        Source {
            name: Self::builtin_name(file),
            text: std::borrow::Cow::Borrowed(text),
            builtin: true,
        }
    }

    /// Reads a file, refusing oversized and non-UTF-8 files with a diagnostic.
    pub fn read(path: &Path) -> Result<Source, Box<Diagnostic>> {
        let name = path.display().to_string();
        let whole_file = |problem| {
            Box::new(Diagnostic {
                severity: Severity::Error,
                file: name.clone(),
                line: 0,
                col: 0,
                question: None,
                problem,
            })
        };
        let size = std::fs::metadata(path)
            .map_err(|e| whole_file(Problem::Unreadable(e.to_string())))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(whole_file(Problem::TooLarge {
                size,
                limit: MAX_FILE_BYTES,
            }));
        }
        let bytes =
            std::fs::read(path).map_err(|e| whole_file(Problem::Unreadable(e.to_string())))?;
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source {
                name,
                text: text.into(),
                builtin: false,
            }),
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                // The valid prefix is UTF-8, so this cannot fail; positions count characters.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                let (line, col) = Locator::new(prefix).position(prefix.len());
                let mut d = whole_file(Problem::InvalidUtf8);
                (d.line, d.col) = (line, col);
                Err(d)
            }
        }
    }
}

/// The `.ron` files a path names: the file itself, or every `.ron` file under a folder
/// (sorted, so loading order and messages are stable).
pub fn ron_files(path: &Path) -> Result<Vec<PathBuf>, Box<Diagnostic>> {
    let err = |problem| {
        Box::new(Diagnostic {
            severity: Severity::Error,
            file: path.display().to_string(),
            line: 0,
            col: 0,
            question: None,
            problem,
        })
    };
    let meta = std::fs::metadata(path).map_err(|e| err(Problem::Unreadable(e.to_string())))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        // A FIFO would block forever, a device read for ever.
        return Err(err(Problem::Unreadable(
            "not a regular file or a folder".into(),
        )));
    }
    let mut out = Vec::new();
    let mut total: u64 = 0;
    let mut stack = vec![(path.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| err(Problem::Unreadable(e.to_string())))?;
        for entry in entries.flatten() {
            let p = entry.path();
            // Follows links to files and folders, but reads only regular files.
            let meta = std::fs::metadata(&p);
            let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
            let is_file = meta.as_ref().is_ok_and(|m| m.is_file());
            if is_dir && depth < MAX_FOLDER_DEPTH {
                stack.push((p, depth + 1));
            } else if is_dir {
                // Said, not skipped in silence.
                return Err(err(Problem::TooDeep {
                    folder: p.display().to_string(),
                    depth: MAX_FOLDER_DEPTH,
                }));
            } else if is_file && p.extension().is_some_and(|e| e == "ron") {
                total += meta.map_or(0, |m| m.len());
                if total > MAX_FOLDER_BYTES {
                    return Err(err(Problem::FolderTooLarge {
                        limit: MAX_FOLDER_BYTES,
                    }));
                }
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        return Err(err(Problem::EmptyFolder));
    }
    out.sort();
    Ok(out)
}

/// Turns byte offsets in a text into 1-based line and column (in characters).
///
/// A column is counted from the last position asked on the same line when that is
/// earlier, so that asking positions in file order costs one pass over each line, even
/// when a whole bank is written on one line.
pub struct Locator<'a> {
    text: &'a str,
    /// Byte offsets of line starts, as `u32`: half the memory of `usize`, and a source is
    /// at most [`MAX_FILE_BYTES`] long (a longer text is indexed up to its 4 GiB-th byte,
    /// and the lines after that are counted as one).
    line_starts: Vec<u32>,
    /// The last position asked: (byte offset, its column), kept only when the offset is
    /// on a character boundary.
    last: std::cell::Cell<(usize, usize)>,
}

#[cfg(test)]
thread_local! {
    /// Bytes scanned to count columns on this thread (what resuming keeps small).
    pub(crate) static COLUMN_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes()).map_while(|i| u32::try_from(i + 1).ok()),
        );
        Locator {
            text,
            line_starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s as usize <= offset);
        let start = self.line_starts[line - 1] as usize;
        let (last, last_col) = self.last.get();
        let (from, col) = if (start..=offset).contains(&last) {
            (last, last_col)
        } else {
            (start, 1)
        };
        // `from` is a line start or a remembered offset, both character boundaries, so
        // this fails only for an offset inside a character: column 1, nothing remembered.
        let Some(between) = self.text.get(from..offset) else {
            return (line, 1);
        };
        #[cfg(test)]
        COLUMN_BYTES.with(|c| c.set(c.get() + between.len()));
        let col = col + between.chars().count();
        self.last.set((offset, col));
        (line, col)
    }

    /// The offset of `field:` between `start` and `end`.
    pub fn find_field(&self, field: &str, start: usize, end: usize) -> Option<usize> {
        let hay = self.text.get(start..end.min(self.text.len()))?;
        let mut from = 0;
        while let Some(i) = hay[from..].find(field) {
            let at = from + i;
            let before_ok = at == 0
                || !hay[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after = hay[at + field.len()..].trim_start();
            if before_ok && after.starts_with(':') {
                return Some(start + at);
            }
            from = at + field.len();
        }
        None
    }

    /// The source line (without its newline) that holds `line` (1-based).
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let start = start as usize;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let l = Locator::new("ab\né x\n");
        assert_eq!(l.position(0), (1, 1));
        assert_eq!(l.position(3), (2, 1));
        assert_eq!(l.position(6), (2, 3));
        assert_eq!(l.line_text(2), "é x");
    }

    #[test]
    fn positions_asked_in_any_order_are_the_same() {
        let text = "é(a: 1)\nxyz é é\n\nlast";
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .collect();
        let fresh = |o| Locator::new(text).position(o);
        let l = Locator::new(text);
        for &o in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(l.position(o), fresh(o), "offset {o}");
        }
    }

    #[test]
    fn finds_fields_by_whole_name() {
        let text = "(answers: [1], answer: 2)";
        let l = Locator::new(text);
        assert_eq!(l.find_field("answer", 0, text.len()), Some(15));
        assert_eq!(l.find_field("answers", 0, text.len()), Some(1));
    }
}

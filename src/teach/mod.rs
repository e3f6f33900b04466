//! Tools for teachers: a bank template, bank statistics and atomic file writing.

pub mod calibrate;
pub mod ron_edit;
mod stats;

pub use stats::{AreaCount, BankStats, KindCount, StepCount, TopicStats, bank_stats};

use crate::bank::valid_id;
use std::io::{self, Write};
use std::path::Path;

const TEMPLATE: &str = include_str!("template.ron");

/// Why a template could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    #[error(
        "`{area}` is not a valid area id: use lower-case letters, digits, `_` and `-`, without dots"
    )]
    BadArea { area: String },
}

/// A commented bank for area `area` (titled `title`, or the id with its first letter
/// capitalised) holding one question of every kind and a new topic with its step and a
/// resource. It validates as written: a test loads it.
pub fn bank_template(area: &str, title: Option<&str>) -> Result<String, TemplateError> {
    if !valid_id(area) || area.contains('.') {
        return Err(TemplateError::BadArea { area: area.into() });
    }
    let title = match title {
        Some(t) => t.to_string(),
        None => title_from_id(area),
    };
    // The title lands inside RON strings.
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    Ok(TEMPLATE
        .replace("{{AREA}}", area)
        .replace("{{TITLE}}", &title))
}

const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file older than this is left over from a writer that was killed.
pub const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes temporary files with `prefix` in `dir` that no running write can own any more.
fn remove_stale_temps(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(prefix) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let stale = e
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP);
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An I/O error in words, without the OS error number: "No such file or directory".
fn plain(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "the folder does not exist".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Writes `contents` to `path` atomically: to a temporary file in the same folder, then
/// renamed over `path`, so a reader sees the old file or the new one, never half of one.
/// Without `overwrite`, an existing `path` is left alone and the error kind is
/// [`io::ErrorKind::AlreadyExists`].
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !overwrite && path.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", path.display()),
        ));
    }
    // Replacing a device or a FIFO with a regular file (`--out /dev/null --force` as
    // root) is never what was meant.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} exists and is not a regular file", path.display()),
        ));
    }
    // The temporary file is named after the target, so that one left by a process killed
    // between writing and renaming is found and removed by the next write.
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.skillquiz-");
    remove_stale_temps(dir, &prefix);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        // tempfile's own message names the temporary path, which means nothing to a user.
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), plain(&e)),
            )
        })?;
    tmp.write_all(contents)?;
    // Keep the mode of the file replaced; a new file gets the usual 0644 (a temp file is
    // created 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    if overwrite {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        // Fails, rather than replacing, if the file appeared meanwhile.
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_refuses_bad_area_ids() {
        assert!(bank_template("Bad Area", None).is_err());
        assert!(bank_template("a.b", None).is_err());
        assert!(bank_template("", None).is_err());
    }

    #[test]
    fn template_titles_are_escaped() {
        let t = bank_template("nlp", Some("Say \"hi\"")).unwrap();
        assert!(t.contains(r#"title: "Say \"hi\"""#));
        let t = bank_template("deep_learning", None).unwrap();
        assert!(t.contains(r#"title: "Deep learning""#));
    }

    #[test]
    fn atomic_write_removes_a_stale_temp_file_and_keeps_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".x.ron.skillquiz-AbC123.tmp");
        let fresh = dir.path().join(".x.ron.skillquiz-XyZ789.tmp");
        let other = dir.path().join(".y.ron.skillquiz-AbC123.tmp");
        for p in [&stale, &fresh, &other] {
            std::fs::write(p, "half").unwrap();
        }
        let old = std::time::SystemTime::now() - 2 * STALE_TEMP;
        for p in [&stale, &other] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write_atomic(&dir.path().join("x.ron"), b"one", false).unwrap();
        assert!(!stale.exists());
        // A younger one may belong to a write in progress; another target's is not ours.
        assert!(fresh.exists() && other.exists());
    }

    #[test]
    fn a_missing_folder_is_named_not_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(&dir.path().join("no/such/x.ron"), b"one", false).unwrap_err();
        let message = e.to_string();
        assert!(message.contains("no/such"), "{message}");
        assert!(message.contains("does not exist"), "{message}");
        assert!(!message.contains("skillquiz-"), "{message}");
    }

    #[test]
    fn atomic_write_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ron");
        write_atomic(&p, b"one", false).unwrap();
        let e = write_atomic(&p, b"two", false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

/// A readable title guessed from an area id: words split at `_` and `-`; words of one or
/// two letters, or of up to four without a vowel, are taken for acronyms (`nlp` → "NLP",
/// `ml_ops` → "ML ops"), and
/// the first word is capitalised (`computer_vision` → "Computer vision").
pub fn title_from_id(id: &str) -> String {
    id.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let letters = w.chars().all(|c| c.is_ascii_alphabetic());
            let vowels = w.chars().any(|c| "aeiouAEIOU".contains(c));
            if letters && (w.len() <= 2 || (w.len() <= 4 && !vowels)) {
                w.to_ascii_uppercase()
            } else if i == 0 {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod title_tests {
    #[test]
    fn titles_from_ids() {
        assert_eq!(super::title_from_id("nlp"), "NLP");
        assert_eq!(super::title_from_id("computer_vision"), "Computer vision");
        assert_eq!(super::title_from_id("ml-ops"), "ML ops");
    }
}

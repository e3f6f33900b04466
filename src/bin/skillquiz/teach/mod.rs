//! Teacher commands: `new bank`, `stats`, `import gift|moodle-xml`, `export gift|moodle-xml`,
//! `analyze`.
//!
//! Flags are defined here (not in cli.rs) so the teacher commands stay in one place.

mod calibrate;
mod render;

pub use calibrate::{CalibrateArgs, calibrate};

use super::{Failure, load, stdout_theme};
use crate::cli::BankArgs;
use clap::{Args, Subcommand};
use skillquiz::raw::{Difficulty, FORMAT_VERSION, RawArea, RawBank};
use skillquiz::{
    CatalogBuilder, GiftImport, GiftImportOptions, Severity, bank_stats, bank_template,
    bank_to_ron, export_gift, export_moodle_xml, import_gift, import_moodle_xml, write_atomic,
};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write a commented template bank: one question of every kind and a new topic.
    Bank(NewBankArgs),
}

#[derive(Debug, Args)]
pub struct NewBankArgs {
    /// The bank file to create, e.g. nlp.ron.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The id of the bank's area (lower case, no dots), e.g. nlp.
    #[arg(long, value_name = "A")]
    pub area: String,
    /// The area's title (default: the id, capitalised).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Topics with fewer graded questions than this are listed as thin.
    #[arg(long, value_name = "N", default_value_t = skillquiz::MIN_QUESTIONS_PER_TOPIC)]
    pub min: usize,
    #[command(flatten)]
    pub bank: BankArgs,
}

/// Creates or replaces `path` atomically; exit 2 when it exists and `force` is off.
pub(crate) fn write_new(path: &Path, contents: &[u8], force: bool) -> Result<(), Failure> {
    write_atomic(path, contents, force).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            already_exists(path)
        } else {
            Failure::Usage(format!("cannot write {}: {e}", path.display()))
        }
    })
}

fn already_exists(path: &Path) -> Failure {
    Failure::Usage(format!(
        "{} already exists; nothing was written (use --force to replace it)",
        path.display()
    ))
}

pub fn new(cmd: NewCommand) -> Result<ExitCode, Failure> {
    let NewCommand::Bank(args) = cmd;
    let text = bank_template(&args.area, args.title.as_deref())
        .map_err(|e| Failure::Usage(e.to_string()))?;
    // The template must load alongside the built-in banks (an area that clashes with a
    // built-in one, say, is caught here rather than at the teacher's first validate).
    let mut b = CatalogBuilder::builtin();
    b.add_source(skillquiz::Source {
        name: args.file.display().to_string(),
        text: text.clone().into(),
        builtin: false,
    });
    b.build()?;
    write_new(&args.file, text.as_bytes(), args.force)?;
    let f = args.file.display();
    writeln!(
        io::stdout(),
        "wrote {f}: a template bank for area `{}` with one question of every kind.\n\
         Edit it, then check it with: skillquiz validate {f}",
        args.area
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn stats(args: StatsArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    let files: Vec<String> = {
        let mut b = CatalogBuilder::roadmap_only();
        for p in &args.bank.banks {
            b.add_path(p);
        }
        b.added_files()
    };
    let scope = (!args.bank.banks.is_empty()).then_some(files.as_slice());
    let stats = bank_stats(&cat, scope, args.min);
    let mut out = io::stdout().lock();
    if args.json {
        crate::write_json(&mut out, &stats)?;
    } else {
        write!(out, "{}", render::stats(&stdout_theme(), &stats))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Read Moodle GIFT files into a new RON bank.
    Gift(ImportGiftArgs),
    /// Read Moodle XML files into a new RON bank.
    MoodleXml(ImportGiftArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write a bank's questions as a Moodle GIFT file.
    Gift(ExportGiftArgs),
    /// Write a bank's questions as a Moodle XML file.
    MoodleXml(ExportGiftArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DifficultyArg {
    Easy,
    Medium,
    Hard,
}

#[derive(Debug, Args)]
pub struct ImportGiftArgs {
    /// Files to read (Moodle: Question bank → Export → GIFT or Moodle XML format).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The area the questions belong to; topic and question ids start with it.
    #[arg(long, value_name = "A")]
    pub area: String,
    /// The bank file to write.
    #[arg(long, value_name = "BANK.ron")]
    pub out: PathBuf,
    /// The bank's name (default: the output file's name without .ron).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The roadmap step (1-7) of new topics (default: the step of the area's first topic).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7))]
    pub step: Option<u8>,
    /// The difficulty every imported question gets; adjust each one afterwards.
    #[arg(long, value_enum, default_value_t = DifficultyArg::Medium)]
    pub difficulty: DifficultyArg,
    /// Import the valid questions even when others are malformed or would not pass the
    /// bank's checks (they are listed at their line and skipped).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Args)]
pub struct ExportGiftArgs {
    /// The bank file to export.
    #[arg(value_name = "BANK.ron")]
    pub bank_file: PathBuf,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

pub fn import(cmd: ImportCommand) -> Result<ExitCode, Failure> {
    let (args, format) = match cmd {
        ImportCommand::Gift(a) => (a, "gift"),
        ImportCommand::MoodleXml(a) => (a, "moodle-xml"),
    };
    if !skillquiz::valid_id(&args.area) || args.area.contains('.') {
        return Err(Failure::Usage(format!(
            "`{}` is not a valid area id: use lower-case letters, digits, `_` and `-`, without dots",
            args.area
        )));
    }
    let mut files = Vec::new();
    for f in &args.files {
        files.push((f.display().to_string(), crate::read_text(f)?));
    }
    let cat = load(&args.bank)?;
    // A new area's topics need a roadmap step, and it is never guessed.
    if args.step.is_none() && cat.topics_of(&args.area).next().is_none() {
        return Err(Failure::Usage(format!(
            "area `{}` is new: pass --step N (1 to 7), the roadmap step its topics belong to (`skillquiz roadmap` lists them); nothing was written",
            args.area
        )));
    }
    let opts = GiftImportOptions {
        area: args.area.clone(),
        difficulty: match args.difficulty {
            DifficultyArg::Easy => Difficulty::Easy,
            DifficultyArg::Medium => Difficulty::Medium,
            DifficultyArg::Hard => Difficulty::Hard,
        },
        step: args.step,
    };
    let mut imported = match format {
        "gift" => import_gift(&files, &opts, &cat),
        _ => import_moodle_xml(&files, &opts, &cat),
    };
    let sources: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    // The bank is checked as it will be loaded; a question that fails is reported at the
    // line it was read from (and skipped with --skip-invalid), never at the unwritten bank.
    let mut unplaced: Vec<String> = Vec::new();
    // Each round that goes on has dropped a question, so this ends.
    let parts = loop {
        let mut b = CatalogBuilder::builtin();
        for p in &args.bank.banks {
            b.add_path(p);
        }
        let parts: Vec<Part> = bank_parts(&args, &cat, &imported, &sources, format, &opts)?
            .into_iter()
            .map(|(part, bank)| {
                b.add_parsed(part.path.display().to_string(), bank);
                part
            })
            .collect();
        // The banks are moved into the check's catalog; made again only if a file with
        // text had a diagnostic to place (bank_parts gives the same banks every time).
        let again = || {
            bank_parts(&args, &cat, &imported, &sources, format, &opts)
                .map(|parts| parts.into_iter().map(|(_, bank)| bank).collect())
                .unwrap_or_default()
        };
        let errs = match b.build_once(again) {
            Ok(cat) => {
                // Freeing the check's catalog, one string at a time, would cost a tenth
                // of the run: it lives to its end.
                std::mem::forget(cat);
                break parts;
            }
            Err(errs) => errs,
        };
        let mut rejected = false;
        unplaced.clear();
        for d in errs
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            let message = match d.hint() {
                Some(h) => format!("{} ({h})", d.problem),
                None => d.problem.to_string(),
            };
            let placed = d
                .question
                .as_deref()
                .is_some_and(|id| imported.reject(id, &message, args.skip_invalid));
            if placed {
                rejected = true;
            } else {
                unplaced.push(format!("{}: {message}", d.file));
            }
        }
        imported.drop_unused_topics();
        if !args.skip_invalid || !rejected || !unplaced.is_empty() {
            break parts;
        }
    };
    let errors = imported.errors().count();
    let theme = crate::render::Theme::for_stream(io::IsTerminal::is_terminal(&io::stderr()));
    {
        let mut err = io::stderr().lock();
        for i in &imported.issues {
            writeln!(err, "{}", render::issue(&theme, i))?;
        }
        for u in &unplaced {
            writeln!(err, "{}", crate::render::clean(u))?;
        }
    }
    let failure = if !unplaced.is_empty() {
        Some(format!(
            "the imported bank does not load ({}); nothing was written",
            crate::render::count(unplaced.len(), "error", "errors")
        ))
    } else if errors > 0 && !args.skip_invalid {
        Some(format!(
            "{} malformed; nothing was written (fix them, or pass --skip-invalid to import the rest)",
            crate::render::count(errors, "question is", "questions are")
        ))
    } else if imported.questions.is_empty() {
        Some("no question could be imported; nothing was written".into())
    } else {
        None
    };
    let files: Vec<String> = parts.iter().map(|p| p.path.display().to_string()).collect();
    let skipped_invalid = if args.skip_invalid { errors } else { 0 };
    let summary = |written: bool| {
        serde_json::json!({
            "out": args.out.display().to_string(),
            "files": files,
            "written": written,
            "imported": imported.imported(),
            "imported_total": imported.questions.len(),
            "skipped": imported.skipped.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "skipped_invalid": skipped_invalid,
            "new_topics": imported.topics.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
            "issues": imported.issues,
        })
    };
    if let Some(why) = failure {
        if args.json {
            crate::write_json(&mut io::stdout().lock(), &summary(false))?;
        }
        return Err(Failure::Usage(why));
    }
    // Every part is new (or --force): a clash is found before anything is written.
    if !args.force
        && let Some(p) = parts.iter().find(|p| p.path.exists())
    {
        if args.json {
            crate::write_json(&mut io::stdout().lock(), &summary(false))?;
        }
        return Err(already_exists(&p.path));
    }
    for p in &parts {
        write_new(&p.path, p.text.as_bytes(), args.force)?;
    }
    let mut out = io::stdout().lock();
    if args.json {
        crate::write_json(&mut out, &summary(true))?;
    } else {
        write!(
            out,
            "{}",
            render::import_summary(&imported, &files, skipped_invalid)
        )?;
    }
    // As the check's catalog: the imported questions live to the end of the process.
    std::mem::forget(imported);
    Ok(ExitCode::SUCCESS)
}

/// One bank file the import writes.
struct Part {
    path: PathBuf,
    text: String,
}

/// The imported questions as RON bank files: one file, `--out`, when it fits under the
/// size limit of a bank file; otherwise as few parts as fit, `STEM-1.ron`, `STEM-2.ron`, …
/// beside it, the area and new topics in the first (a bank may use the topics of another).
fn bank_parts(
    args: &ImportGiftArgs,
    cat: &skillquiz::Catalog,
    imported: &GiftImport,
    sources: &[String],
    format: &str,
    opts: &GiftImportOptions,
) -> Result<Vec<(Part, RawBank)>, Failure> {
    let stem = args
        .out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.area.clone());
    let name = args.name.clone().unwrap_or_else(|| stem.clone());
    let areas = if cat.area(&args.area).is_some() {
        Vec::new()
    } else {
        vec![RawArea {
            id: args.area.clone(),
            title: skillquiz::title_from_id(&args.area),
            self_rated: false,
        }]
    };
    let path = |part: usize, of: usize| {
        if of == 1 {
            args.out.clone()
        } else {
            let width = of.to_string().len();
            args.out
                .with_file_name(format!("{stem}-{part:0width$}.ron"))
        }
    };
    let render = |part: usize, of: usize, range: std::ops::Range<usize>| {
        let (name, line) = if of == 1 {
            (name.clone(), String::new())
        } else {
            (
                format!("{name} (part {part} of {of})"),
                format!(" (part {part} of {of})"),
            )
        };
        let first = part == 1;
        let bank = RawBank {
            format_version: FORMAT_VERSION,
            name,
            version: "0.1.0".into(),
            author: String::new(),
            licence: String::new(),
            description: format!("Imported from {}{line}.", sources.join(", ")),
            areas: if first { areas.clone() } else { Vec::new() },
            topics: if first {
                imported.topics.clone()
            } else {
                Vec::new()
            },
            questions: imported.questions[range].to_vec(),
        };
        let header = format!(
            "Imported by `skillquiz import {format}` from {}{line}.\n\
             Every question got difficulty {:?}: adjust each one, add explanations where missing,\n\
             then check the bank with `skillquiz validate {}`.",
            sources.join(", "),
            opts.difficulty,
            (1..=of)
                .map(|k| path(k, of).display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        bank_to_ron(&bank, &header)
            .map(|text| (text, bank))
            .map_err(|e| Failure::Usage(format!("cannot write the bank as RON: {e}")))
    };
    let size = |(text, _): &(String, RawBank)| text.len() as u64;
    let texts = split_under(imported.questions.len(), skillquiz::MAX_FILE_BYTES, render, size)?
        .ok_or_else(|| {
            Failure::Usage(format!(
                "a single imported question is more than the {}-byte limit of a bank file; nothing was written",
                skillquiz::MAX_FILE_BYTES
            ))
        })?;
    let of = texts.len();
    Ok(texts
        .into_iter()
        .enumerate()
        .map(|(k, (text, bank))| {
            let path = path(k + 1, of);
            (Part { path, text }, bank)
        })
        .collect())
}

/// Cuts `n` items into as few consecutive parts as `render(part, of, range)` (parts
/// numbered from 1) makes texts of at most `limit` bytes each, as `size` measures what
/// it makes; `None` when one item alone is over the limit. Parts hold equal counts (±1).
/// The first count of parts is estimated from the size of no items and of the first
/// [`SAMPLE`] items, a little high, so that a big import is usually rendered once (at
/// worst in one part more than would fit); a count that overflows is raised by what its
/// largest part overflows. Parts are rendered on every core.
fn split_under<T: Send, E: Send>(
    n: usize,
    limit: u64,
    render: impl Fn(usize, usize, std::ops::Range<usize>) -> Result<T, E> + Sync,
    size: impl Fn(&T) -> u64,
) -> Result<Option<Vec<T>>, E> {
    let mut of = 1usize;
    if n > 2 * SAMPLE {
        // What the first part holds besides its items (the new topics) is counted in
        // every part, which is a little high too.
        let base = size(&render(1, 1, 0..0)?) as f64;
        let sample = size(&render(1, 1, 0..SAMPLE)?) as f64;
        // 3% high, so that an estimate a little low does not cost a second round.
        let items = (sample - base) * (n as f64 / SAMPLE as f64) * 1.03;
        of = ((items / (limit as f64 - base).max(1.0)).ceil() as usize).clamp(1, n);
    }
    loop {
        let texts = render_parts(n, of, &render)?;
        let largest = texts.iter().map(&size).max().unwrap_or(0);
        if largest <= limit {
            return Ok(Some(texts));
        }
        if of >= n.max(1) {
            return Ok(None);
        }
        // Aim 5% under the limit so that one more round is rare.
        let need = (of as u64 * largest).div_ceil(limit - limit / 20);
        of = (need as usize).clamp(of + 1, n);
    }
}

/// How many items [`split_under`] renders to estimate the size of the whole.
const SAMPLE: usize = 500;

/// The `of` parts of `n` items, rendered in order, on every core.
fn render_parts<T: Send, E: Send>(
    n: usize,
    of: usize,
    render: &(impl Fn(usize, usize, std::ops::Range<usize>) -> Result<T, E> + Sync),
) -> Result<Vec<T>, E> {
    use rayon::prelude::*;
    (0..of)
        .into_par_iter()
        .map(|k| render(k + 1, of, k * n / of..(k + 1) * n / of))
        .collect()
}

pub fn export(cmd: ExportCommand) -> Result<ExitCode, Failure> {
    let (args, format) = match cmd {
        ExportCommand::Gift(a) => (a, "GIFT"),
        ExportCommand::MoodleXml(a) => (a, "Moodle XML"),
    };
    let mut b = CatalogBuilder::builtin();
    for p in &args.bank.banks {
        b.add_path(p);
    }
    b.add_path(&args.bank_file);
    let cat = b.build()?;
    let file = args.bank_file.display().to_string();
    let questions: Vec<&skillquiz::Question> = cat
        .questions
        .iter()
        .filter(|q| q.origin.file == file)
        .collect();
    if questions.is_empty() {
        return Err(Failure::Usage(format!(
            "{file} holds no questions to export"
        )));
    }
    let ex = if format == "GIFT" {
        let e = export_gift(&questions, &cat);
        render::Exported {
            text: e.text,
            written: e.written,
            skipped: e.skipped,
            notes: e.notes,
        }
    } else {
        let e = export_moodle_xml(&questions, &cat);
        render::Exported {
            text: e.text,
            written: e.written,
            skipped: e.skipped,
            notes: e.notes,
        }
    };
    // The file keeps less than a bank: never write it over the bank it came from.
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(x, y)| x == y)
    };
    if same(&args.out, &args.bank_file) || args.bank.banks.iter().any(|b| same(&args.out, b)) {
        return Err(Failure::Usage(format!(
            "--out {} is an input bank; {format} keeps less than a bank, so write it elsewhere",
            args.out.display()
        )));
    }
    write_new(&args.out, ex.text.as_bytes(), args.force)?;
    write!(
        io::stdout(),
        "{}",
        render::export_summary(&ex, &args.out.display().to_string(), format)
    )?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Results saved with `skillquiz take --json > FILE.json`, one per student, or folders
    /// of them (every .json or .JSON file inside). A file given twice counts once.
    #[arg(required = true, value_name = "RESULTS")]
    pub results: Vec<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

/// The result files a path names: itself, or the .json files in a folder (any case:
/// `.JSON` too), sorted.
fn result_files(path: &Path) -> Result<Vec<PathBuf>, Failure> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Failure::Usage(format!("cannot read folder {}: {e}", path.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                && p.is_file()
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(Failure::Usage(format!(
            "{} holds no .json result files",
            path.display()
        )));
    }
    Ok(out)
}

/// Results read and parsed together, on several threads, then added in file order (so
/// the first refusal is the first bad file's); memory holds one batch at a time.
const ANALYZE_BATCH: usize = 256;

/// Reads and parses one result file; the error is the message for exit 2.
fn read_saved(path: &Path, name: &str) -> Result<skillquiz::SavedResult, String> {
    let text = crate::read_text(path).map_err(|e| match e {
        Failure::Usage(m) => m,
        _ => format!("cannot read {name}"),
    })?;
    skillquiz::read_result(name, &text).map_err(|e| e.to_string())
}

/// `read_saved` over `files`, split across up to `threads` threads, in order.
fn read_batch(
    files: &[(PathBuf, String)],
    threads: usize,
) -> Vec<Result<skillquiz::SavedResult, String>> {
    let chunk = files.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|(p, n)| read_saved(p, n))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("a result could not be read".into())])
            })
            .collect()
    })
}

pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    let mut class = skillquiz::ClassAnalysis::new(&cat);
    // Each file once, however it was named: canonical path → the name counted.
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut files = Vec::new();
    for p in &args.results {
        for f in result_files(p)? {
            let name = f.display().to_string();
            match std::fs::canonicalize(&f).ok().map(|c| seen.entry(c)) {
                Some(Entry::Occupied(first)) => {
                    class.same_file(&name, first.get());
                    continue;
                }
                Some(Entry::Vacant(v)) => {
                    v.insert(name.clone());
                }
                None => {}
            }
            files.push((f, name));
        }
    }
    drop(seen);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    for batch in files.chunks(ANALYZE_BATCH) {
        for ((_, name), r) in batch.iter().zip(read_batch(batch, threads)) {
            let r = r.map_err(Failure::Usage)?;
            class
                .add(name, &r)
                .map_err(|e| Failure::Usage(e.to_string()))?;
        }
    }
    let a = class.finish().map_err(|e| Failure::Usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    if args.json {
        crate::write_json(&mut out, &a)?;
    } else {
        write!(out, "{}", render::analysis(&stdout_theme(), &a))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::split_under;

    /// Texts of `sizes[i]` bytes per item plus a 10-byte header per part.
    fn split(sizes: &[usize], limit: u64) -> (Option<Vec<usize>>, usize) {
        let (texts, rounds, _) = split_counted(sizes, limit);
        (texts, rounds)
    }

    /// As `split`, with the number of renders and of items rendered.
    fn split_counted(sizes: &[usize], limit: u64) -> (Option<Vec<usize>>, usize, usize) {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let (rounds, items) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let texts = split_under::<String, ()>(
            sizes.len(),
            limit,
            |_, _, r| {
                rounds.fetch_add(1, Relaxed);
                items.fetch_add(r.len(), Relaxed);
                Ok("x".repeat(10 + sizes[r].iter().sum::<usize>()))
            },
            |t| t.len() as u64,
        )
        .unwrap();
        let lens = texts.map(|t| t.iter().map(String::len).collect());
        (lens, rounds.into_inner(), items.into_inner())
    }

    #[test]
    fn a_big_import_is_rendered_about_once() {
        // 100,000 items of 1 to 3 bytes under a limit of 21,000: the first 500 items
        // estimate the count of parts, so the items are rendered about once, not once to
        // measure the whole and again in parts.
        let sizes: Vec<usize> = (0..100_000).map(|i| 1 + i % 3).collect();
        let (parts, _, items) = split_counted(&sizes, 21_000);
        let parts = parts.unwrap();
        assert!(parts.iter().all(|&n| n <= 21_000), "{parts:?}");
        assert_eq!(parts.len(), 10, "{parts:?}");
        assert!(items <= 500 + 2 * sizes.len(), "{items} items rendered");
        assert!(
            items <= 500 + sizes.len(),
            "{items} items rendered, more than one round"
        );
    }

    #[test]
    fn a_text_that_fits_is_one_part() {
        assert_eq!(split(&[5; 10], 100), (Some(vec![60]), 1));
        assert_eq!(split(&[], 100), (Some(vec![10]), 1));
    }

    #[test]
    fn a_text_over_the_limit_is_cut_into_as_few_parts_as_fit() {
        // 1,000 bytes of items under a limit of 100: at least 11 parts (90 bytes of items
        // and a 10-byte header each); the count is found in two rounds, not one per count.
        let (parts, rounds) = split(&[1; 1000], 100);
        let parts = parts.unwrap();
        assert!(parts.iter().all(|&n| n <= 100), "{parts:?}");
        assert!((11..=13).contains(&parts.len()), "{}", parts.len());
        assert_eq!(parts.iter().sum::<usize>(), 1000 + 10 * parts.len());
        assert!(rounds <= 1 + 2 * 13, "{rounds} renders");
    }

    #[test]
    fn an_item_over_the_limit_alone_is_refused() {
        assert_eq!(split(&[10, 200, 10], 100).0, None);
    }
}

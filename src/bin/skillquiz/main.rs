//! The skillquiz command: flags in, library calls, rendered output and an exit code.
//!
//! Exit codes (README, "Exit codes"): 0 done; 1 output could not be written; 2 usage or
//! input error; 3 invalid bank files; 4 history unusable; 5 out of memory; 101 internal
//! error (a bug).

mod cli;
mod html;
mod learn;
mod oom;
mod prompt;
mod render;
mod review;
mod simulate;
mod take;
mod teach;

use clap::Parser;
use cli::{Cli, Command};
use rayon::prelude::*;
use render::Theme;
use skillquiz::{
    BUILTIN_BANKS, BUILTIN_ROADMAP, BankErrors, Catalog, CatalogBuilder, Diagnostic, Locator,
    MAX_FILE_BYTES, QuizResult, Severity,
};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Everything that can stop a command, mapped to a message and an exit code in one place.
enum Failure {
    /// Bad flags or input: exit 2.
    Usage(String),
    /// Invalid banks: exit 3, every diagnostic printed.
    Banks(BankErrors),
    /// Writing output failed (not a closed pipe): exit 1.
    Output(io::Error),
    /// The history database cannot be used: exit 4.
    History(skillquiz::history::HistoryError),
}

impl From<prompt::ScriptError> for Failure {
    fn from(e: prompt::ScriptError) -> Self {
        match e {
            prompt::ScriptError::Bad(b) => Failure::Usage(format!(
                "{}:{}: answer `{}` does not fit question `{}`: {}; {}",
                b.source, b.line, b.text, b.question, b.reason, b.hint
            )),
            prompt::ScriptError::Io { source, err } => {
                Failure::Usage(format!("cannot read answers from {source}: {err}"))
            }
            prompt::ScriptError::Record(e) => Failure::History(e),
        }
    }
}

impl From<prompt::PromptError> for Failure {
    fn from(e: prompt::PromptError) -> Self {
        match e {
            prompt::PromptError::Input(e) => {
                Failure::Usage(format!("cannot read answers from stdin: {e}"))
            }
            prompt::PromptError::Io(e) => Failure::Output(e),
            prompt::PromptError::Record(e) => Failure::History(e),
        }
    }
}

impl From<skillquiz::history::HistoryError> for Failure {
    fn from(e: skillquiz::history::HistoryError) -> Self {
        Failure::History(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

impl From<BankErrors> for Failure {
    fn from(e: BankErrors) -> Self {
        Failure::Banks(e)
    }
}

#[global_allocator]
static ALLOCATOR: oom::Guarded = oom::Guarded;

const EXIT_OUTPUT: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_BANKS: u8 = 3;
const EXIT_HISTORY: u8 = 4;

fn main() -> ExitCode {
    // A bug must still end in one plain sentence, not a Rust panic message or trace.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "skillquiz: internal error{place}; this is a bug, please report it with the command you ran"
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let err_theme = Theme::for_stream(io::stderr().is_terminal());
    match run(cli) {
        Ok(code) => code,
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            eprintln!("skillquiz: could not write output: {e}");
            ExitCode::from(EXIT_OUTPUT)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("{} {}", err_theme.bad("error:"), render::clean(&msg));
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::History(e)) => {
            eprintln!(
                "{} {}\n  {}",
                err_theme.bad("error:"),
                render::clean(&e.to_string()),
                history_hint(&e)
            );
            ExitCode::from(EXIT_HISTORY)
        }
        Err(Failure::Banks(errs)) => {
            let mut e = io::stderr().lock();
            let _ = write_diagnostics(&mut e, &err_theme, &errs.diagnostics);
            let n = errs.errors().count();
            let _ = writeln!(
                e,
                "{} {} in the question banks; nothing was run",
                err_theme.bad("error:"),
                render::count(n, "error", "errors")
            );
            ExitCode::from(EXIT_BANKS)
        }
    }
}

/// What to do about a history error, for people.
fn history_hint(e: &skillquiz::history::HistoryError) -> &'static str {
    use skillquiz::history::HistoryError as H;
    match e {
        H::DataDir { .. } => {
            "hint: pass --data-dir DIR (or set SKILLQUIZ_DATA_DIR) to keep the history elsewhere, or --no-history to take a quiz without one"
        }
        H::Corrupt { .. } => {
            "hint: the file was left as it is; move it away to start a new history, or pass --data-dir DIR"
        }
        H::Locked { .. } => {
            "hint: another program (a sqlite3 shell?) holds a long write lock; close it and try again"
        }
        H::TooNew { .. } => {
            "hint: a newer skillquiz wrote it and the file was left as it is; upgrade skillquiz, or pass --data-dir DIR"
        }
        H::NoSuchAttempt(_) | H::Ambiguous { .. } => {
            "hint: `skillquiz history` lists the attempts with their ids"
        }
        _ => {
            "hint: the file was left as it is; pass --data-dir DIR or --no-history to go on without it"
        }
    }
}

/// Writes the HTML page to `--html FILE` atomically (an existing file only with
/// `--force`); nothing without `--html`.
pub(crate) fn write_html(
    html: &cli::HtmlArgs,
    result: Option<&QuizResult>,
    progress: Option<&learn::Progress>,
) -> Result<(), Failure> {
    match &html.file {
        Some(path) => teach::write_new(path, html::page(result, progress).as_bytes(), html.force),
        None => Ok(()),
    }
}

/// Set once from `--no-pager`.
static NO_PAGER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Writes a report: through a pager (`$PAGER`, else `less -FRX`) when stdout is a
/// terminal and the text is taller than it, as git and bat do; straight out otherwise, or
/// when the pager cannot start.
pub(crate) fn page(out: &mut impl Write, text: &str) -> io::Result<()> {
    let rows = terminal_size::terminal_size().map(|(_, h)| usize::from(h.0));
    let tall = rows.is_some_and(|h| text.lines().count() + 1 > h);
    let off = NO_PAGER.get().copied().unwrap_or(false);
    if off || !tall || !io::stdout().is_terminal() {
        return out.write_all(text.as_bytes());
    }
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less -FRX".into());
    let mut words = pager.split_whitespace();
    let Some(program) = words.next() else {
        return out.write_all(text.as_bytes());
    };
    let child = std::process::Command::new(program)
        .args(words)
        .env("LESSCHARSET", "utf-8")
        .stdin(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return out.write_all(text.as_bytes());
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A pager quit early (q in less) closes the pipe: that is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    child.wait()?;
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let _ = NO_PAGER.set(cli.no_pager);
    let data = cli.data;
    match cli.command {
        Command::Take(args) => take::take(args, &data),
        Command::Validate(args) => validate(args),
        Command::List(args) => list(args),
        Command::Roadmap(args) => roadmap(args),
        Command::Recommend(args) => learn::recommend(args, &data),
        Command::Progress(args) => learn::progress(args, &data),
        Command::History(args) => learn::history(args, &data),
        Command::Review(args) => review::run(args, &data),
        Command::New(cmd) => teach::new(cmd),
        Command::Stats(args) => teach::stats(args),
        Command::Import(cmd) => teach::import(cmd),
        Command::Export(cmd) => teach::export(cmd),
        Command::Analyze(args) => teach::analyze(args),
        Command::Calibrate(args) => teach::calibrate(args, &data),
        Command::Simulate(args) => simulate::run(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cmd, "skillquiz", &mut text);
            io::stdout().lock().write_all(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Manpage => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut text)?;
            io::stdout().lock().write_all(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(banks: &cli::BankArgs) -> Result<Catalog, Failure> {
    load_with(&banks.banks)
}

/// The built-in banks plus those at `paths`.
fn load_with(paths: &[std::path::PathBuf]) -> Result<Catalog, Failure> {
    let mut b = CatalogBuilder::builtin();
    b.add_paths(paths);
    Ok(b.build()?)
}

fn stdout_theme() -> Theme {
    Theme::for_stream(io::stdout().is_terminal())
}

/// Reads a text file given on the command line (GIFT, results), refusing huge and non-UTF-8
/// files with a usage error (exit 2).
/// Only a regular file is read (a device like `/dev/zero` or a FIFO is refused), and
/// never more than the limit, whatever its metadata says.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    let name = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| Failure::Usage(format!("cannot read {name}: {e}")))?;
    if !meta.is_file() {
        return Err(Failure::Usage(format!(
            "{name} is not a regular file; give a file's path"
        )));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::Usage(format!("cannot read {name}: {e}")))?;
    read_bounded(file, &name.to_string())
}

/// Reads at most `MAX_FILE_BYTES` of text from `input` (a file or stdin).
pub(crate) fn read_bounded(input: impl io::Read, name: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut input.take(MAX_FILE_BYTES + 1), &mut bytes)
        .map_err(|e| Failure::Usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Failure::Usage(format!(
            "{name} is more than the {MAX_FILE_BYTES}-byte limit"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::Usage(format!(
            "{name}: not UTF-8 text (first bad byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Writes `value` as pretty JSON and a newline: every `--json` output goes through here.
/// The JSON is made in memory first, so that a closed pipe surfaces as the write's own
/// `BrokenPipe` (exit 0), not as a serializer error wrapping it (which was exit 1).
pub(crate) fn write_json<T: serde::Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    out.write_all(text.as_bytes())
}

/// The text of a bank file a diagnostic names, as loaded (read at most once per file).
fn source_text(file: &str) -> Option<String> {
    #[cfg(test)]
    tests::READ.lock().unwrap().push(file.to_string());
    let builtin = skillquiz::Source::builtin_name;
    let text = if file == builtin(BUILTIN_ROADMAP.0) {
        BUILTIN_ROADMAP.1.to_string()
    } else if let Some((_, t)) = BUILTIN_BANKS.iter().find(|(n, _)| builtin(n) == file) {
        t.to_string()
    } else {
        // Only a regular file, and only as much as a bank may hold: a diagnostic about a
        // FIFO or a device must not wait on it or read it for ever.
        let path = Path::new(file);
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize);
        io::Read::read_to_end(
            &mut io::Read::take(std::fs::File::open(path).ok()?, MAX_FILE_BYTES),
            &mut bytes,
        )
        .ok()?;
        // Kept as read when it is UTF-8 (a copy otherwise, with U+FFFD for what is not).
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    };
    Some(text)
}

/// Renders diagnostics with their source lines. Each file is read once, however many
/// diagnostics it has, and not at all for diagnostics about a whole file (line 0); the
/// files are read on every core, and only the lines shown are kept.
fn write_diagnostics(w: &mut dyn Write, theme: &Theme, diags: &[Diagnostic]) -> io::Result<()> {
    let mut wanted: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for d in diags.iter().filter(|d| d.line > 0) {
        wanted.entry(d.file.as_str()).or_default().push(d.line);
    }
    let lines: std::collections::HashMap<(&str, usize), String> = wanted
        .into_par_iter()
        .flat_map_iter(|(file, mut lines)| {
            lines.sort_unstable();
            lines.dedup();
            let text = source_text(file);
            let locator = text.as_deref().map(Locator::new);
            let shown: Vec<((&str, usize), String)> = locator
                .map(|l| {
                    lines
                        .iter()
                        .map(|&n| ((file, n), l.line_text(n).to_string()))
                        .collect()
                })
                .unwrap_or_default();
            shown
        })
        .collect();
    for d in diags {
        let line = lines.get(&(d.file.as_str(), d.line)).map(String::as_str);
        write!(w, "{}", render::diagnostic(theme, d, line))?;
    }
    Ok(())
}

fn validate(args: cli::ValidateArgs) -> Result<ExitCode, Failure> {
    let mut b = CatalogBuilder::builtin();
    b.add_paths(&args.paths);
    let files = b.added_files();
    let built = b.build();
    // The catalog owns what it needs: the texts of the files (as big as the banks) are
    // freed before the lints run, which would otherwise hold them at their peak.
    drop(b);
    let diags: Vec<Diagnostic> = match built {
        Ok(cat) => {
            // As in `take`: freeing a big catalog's strings one by one as the process
            // ends costs a twentieth of the run, for nothing.
            let cat = std::mem::ManuallyDrop::new(cat);
            skillquiz::lint(&cat, Some(&files))
        }
        Err(e) => e.diagnostics,
    };
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let failed = errors > 0 || (args.strict && warnings > 0);
    if args.json {
        let items: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                serde_json::json!({
                    "severity": d.severity,
                    "code": d.code(),
                    "file": d.file,
                    "line": d.line,
                    "column": d.col,
                    "question": d.question,
                    "message": d.problem.to_string(),
                    "hint": d.hint(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "files": files,
            "errors": errors,
            "warnings": warnings,
            "ok": !failed,
            "diagnostics": items,
        });
        let mut out = io::stdout().lock();
        write_json(&mut out, &doc)?;
    } else {
        let theme = Theme::for_stream(io::stderr().is_terminal());
        let mut err = io::stderr().lock();
        write_diagnostics(&mut err, &theme, &diags)?;
        let summary = format!(
            "{} checked: {}, {}",
            render::count(files.len(), "file", "files"),
            render::count(errors, "error", "errors"),
            render::count(warnings, "warning", "warnings")
        );
        if failed {
            writeln!(err, "{} {summary}", theme.bad("failed:"))?;
        } else {
            writeln!(io::stdout(), "ok: {summary}")?;
        }
    }
    Ok(if failed {
        ExitCode::from(EXIT_BANKS)
    } else {
        ExitCode::SUCCESS
    })
}

fn list(args: cli::ListArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    // Counted in one pass: a scan per topic or bank is quadratic with many of them.
    let mut per_topic: std::collections::HashMap<&str, usize> = Default::default();
    let mut per_area: std::collections::HashMap<&str, usize> = Default::default();
    let mut per_bank = vec![0usize; cat.banks.len()];
    for q in &cat.questions {
        *per_topic.entry(q.topic.as_ref()).or_default() += 1;
        *per_area.entry(q.area.as_ref()).or_default() += 1;
        if let Some(n) = per_bank.get_mut(q.bank) {
            *n += 1;
        }
    }
    let count_topic = |t: &str| per_topic.get(t).copied().unwrap_or(0);
    let count_area = |a: &str| per_area.get(a).copied().unwrap_or(0);
    let mut out = io::stdout().lock();
    if args.json {
        let doc = serde_json::json!({
            "questions": cat.questions.len(),
            "areas": cat.areas.iter().map(|a| serde_json::json!({
                "area": a.id, "title": a.title, "self_rated": a.self_rated,
                "questions": count_area(&a.id),
            })).collect::<Vec<_>>(),
            "topics": cat.topics.iter().map(|t| serde_json::json!({
                "topic": t.id, "title": t.title, "area": t.area, "step": t.step,
                "questions": count_topic(&t.id),
            })).collect::<Vec<_>>(),
            "banks": cat.banks.iter().enumerate().map(|(i, b)| serde_json::json!({
                "name": b.name, "version": b.version, "author": b.author,
                "licence": b.licence, "file": b.file, "builtin": b.builtin,
                "questions": per_bank[i],
            })).collect::<Vec<_>>(),
        });
        write_json(&mut out, &doc)?;
        return Ok(ExitCode::SUCCESS);
    }
    let t = stdout_theme();
    writeln!(out, "{}", t.bold("Areas and topics"))?;
    for a in &cat.areas {
        let kind = if a.self_rated { ", self-rated" } else { "" };
        writeln!(
            out,
            "\n  {} {}",
            t.bold(&render::clean(&a.title)),
            t.dim(&format!(
                "({}: {} questions{kind})",
                a.id,
                count_area(&a.id)
            ))
        )?;
        for tp in cat.topics_of(&a.id) {
            writeln!(
                out,
                "    {:<44} {:>4}  {}",
                tp.id,
                count_topic(&tp.id),
                t.dim(&format!("step {} · {}", tp.step, render::clean(&tp.title)))
            )?;
        }
    }
    writeln!(out, "\n{}", t.bold("Banks"))?;
    for (i, b) in cat.banks.iter().enumerate() {
        writeln!(
            out,
            "  {:<18} {:<8} {:>4} questions  {}",
            render::clean(&b.name),
            render::clean(&b.version),
            per_bank[i],
            t.dim(&if b.builtin {
                "built in".to_string()
            } else {
                render::clean(&b.file)
            })
        )?;
    }
    writeln!(out, "\n  {} questions in all", cat.questions.len())?;
    Ok(ExitCode::SUCCESS)
}

fn roadmap(args: cli::BankArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args)?;
    let t = stdout_theme();
    let mut out = io::stdout().lock();
    writeln!(out, "{}", t.bold("The road to Machine Learning Engineer"))?;
    for s in &cat.steps {
        writeln!(
            out,
            "\n{} {}",
            t.accent(&format!("Step {}", s.number)),
            t.bold(&render::clean(&s.title))
        )?;
        writeln!(out, "{}", render::wrap(&s.summary, render::width(), "  "))?;
        for r in &s.resources {
            write!(
                out,
                "{}",
                render::resource(&t, &r.title, r.kind.as_str(), &r.url, "    ")
            )?;
        }
        let topics: Vec<String> = cat
            .topics
            .iter()
            .filter(|tp| tp.step == s.number)
            .map(|tp| render::clean(&tp.title))
            .collect();
        if !topics.is_empty() {
            writeln!(
                out,
                "{}",
                t.dim(&render::wrap(
                    &format!("Topics: {}", topics.join(", ")),
                    render::width(),
                    "  "
                ))
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillquiz::{Diagnostic, Problem, Severity};

    /// The files `source_text` was asked for, in order (every test of this binary).
    pub(super) static READ: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

    /// Diagnostics used to re-read their file one diagnostic at a time (N errors in an
    /// S-byte file cost N·S of reading); each file is read once now, and a file named only
    /// by whole-file diagnostics (line 0) is not read at all.
    #[test]
    fn each_file_is_read_once_however_many_diagnostics_it_has() {
        let dir = tempfile::tempdir().unwrap();
        let bank = dir.path().join("many.ron");
        std::fs::write(&bank, "first line\nsecond line\nthird line\n").unwrap();
        let bank = bank.display().to_string();
        let whole = dir.path().join("never-read.ron").display().to_string();
        let diag = |file: &str, line: usize, n: usize| Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            col: usize::from(line > 0),
            question: None,
            problem: Problem::UnknownTopic {
                topic: format!("t{n}"),
                suggestion: None,
            },
        };
        let mut diags: Vec<Diagnostic> = (0..3000).map(|n| diag(&bank, 1 + n % 3, n)).collect();
        diags.extend((0..5).map(|n| diag(&whole, 0, n)));
        let mut out = Vec::new();
        let theme = Theme {
            color: false,
            blocks: false,
        };
        write_diagnostics(&mut out, &theme, &diags).unwrap();
        let read = READ.lock().unwrap();
        let times = |file: &str| read.iter().filter(|f| *f == file).count();
        assert_eq!((times(&bank), times(&whole)), (1, 0), "reads of each file");
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.matches("unknown topic").count(), 3005);
        for line in ["first line", "second line", "third line"] {
            assert_eq!(out.matches(line).count(), 1000, "{line}");
        }
    }
}

//! Teacher commands: `new bank`, `stats`, `import gift`, `export gift`, `analyze`.
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
    CatalogBuilder, GiftImportOptions, Source, bank_stats, bank_template, bank_to_ron, export_gift,
    import_gift, write_atomic,
};
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
            Failure::Usage(format!(
                "{} already exists; nothing was written (use --force to replace it)",
                path.display()
            ))
        } else {
            Failure::Usage(format!("cannot write {}: {e}", path.display()))
        }
    })
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
        text: text.clone(),
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
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write a bank's questions as a Moodle GIFT file.
    Gift(ExportGiftArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DifficultyArg {
    Easy,
    Medium,
    Hard,
}

#[derive(Debug, Args)]
pub struct ImportGiftArgs {
    /// GIFT files to read (Moodle: Question bank → Export → GIFT format).
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
    /// Import the valid questions even when others are malformed (they are listed).
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
    /// The GIFT file to write.
    #[arg(long, value_name = "FILE.gift")]
    pub out: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

pub fn import(cmd: ImportCommand) -> Result<ExitCode, Failure> {
    let ImportCommand::Gift(args) = cmd;
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
    let imported = import_gift(&files, &opts, &cat);
    let errors = imported.errors().count();
    let theme = crate::render::Theme::for_stream(io::IsTerminal::is_terminal(&io::stderr()));
    {
        let mut err = io::stderr().lock();
        for i in &imported.issues {
            writeln!(err, "{}", render::issue(&theme, i))?;
        }
    }
    if errors > 0 && !args.skip_invalid {
        return Err(Failure::Usage(format!(
            "{} malformed; nothing was written (fix them, or pass --skip-invalid to import the rest)",
            crate::render::count(errors, "question is", "questions are")
        )));
    }
    if imported.questions.is_empty() {
        return Err(Failure::Usage(
            "no question could be imported; nothing was written".into(),
        ));
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| args.area.clone())
    });
    let areas = if cat.area(&args.area).is_some() {
        Vec::new()
    } else {
        vec![RawArea {
            id: args.area.clone(),
            title: skillquiz::title_from_id(&args.area),
            self_rated: false,
        }]
    };
    let sources: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let bank = RawBank {
        format_version: FORMAT_VERSION,
        name,
        version: "0.1.0".into(),
        author: String::new(),
        licence: String::new(),
        description: format!("Imported from {}.", sources.join(", ")),
        areas,
        topics: imported.topics.clone(),
        questions: imported.questions.clone(),
    };
    let header = format!(
        "Imported by `skillquiz import gift` from {}.\n\
         Every question got difficulty {:?}: adjust each one, add explanations where missing,\n\
         then check the bank with `skillquiz validate {}`.",
        sources.join(", "),
        opts.difficulty,
        args.out.display()
    );
    let text = bank_to_ron(&bank, &header)
        .map_err(|e| Failure::Usage(format!("cannot write the bank as RON: {e}")))?;
    // The bank must load before it is written.
    let mut b = CatalogBuilder::builtin();
    for p in &args.bank.banks {
        b.add_path(p);
    }
    b.add_source(Source {
        name: args.out.display().to_string(),
        text: text.clone(),
        builtin: false,
    });
    b.build()?;
    write_new(&args.out, text.as_bytes(), args.force)?;
    let skipped_invalid = if args.skip_invalid { errors } else { 0 };
    let mut out = io::stdout().lock();
    if args.json {
        let doc = serde_json::json!({
            "out": args.out.display().to_string(),
            "imported": imported.imported,
            "imported_total": imported.questions.len(),
            "skipped": imported.skipped.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "skipped_invalid": skipped_invalid,
            "new_topics": imported.topics.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
            "issues": imported.issues,
        });
        crate::write_json(&mut out, &doc)?;
    } else {
        write!(
            out,
            "{}",
            render::import_summary(&imported, &args.out.display().to_string(), skipped_invalid)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(cmd: ExportCommand) -> Result<ExitCode, Failure> {
    let ExportCommand::Gift(args) = cmd;
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
    let ex = export_gift(&questions, &cat);
    // GIFT keeps less than a bank: never write it over the bank it came from.
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(x, y)| x == y)
    };
    if same(&args.out, &args.bank_file) || args.bank.banks.iter().any(|b| same(&args.out, b)) {
        return Err(Failure::Usage(format!(
            "--out {} is an input bank; GIFT keeps less than a bank, so write it elsewhere",
            args.out.display()
        )));
    }
    write_new(&args.out, ex.text.as_bytes(), args.force)?;
    write!(
        io::stdout(),
        "{}",
        render::export_summary(&ex, &args.out.display().to_string())
    )?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Results saved with `skillquiz take --json > FILE.json`, one per student, or folders
    /// of them (every .json file inside).
    #[arg(required = true, value_name = "RESULTS")]
    pub results: Vec<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

/// The result files a path names: itself, or the .json files in a folder, sorted.
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
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
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

pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    let mut results = Vec::new();
    for p in &args.results {
        for f in result_files(p)? {
            let name = f.display().to_string();
            let text = crate::read_text(&f)?;
            let r = skillquiz::QuizResult::from_json(&name, &text)
                .map_err(|e| Failure::Usage(e.to_string()))?;
            // Scores are graded again from the answers, never taken from the file; a
            // question the banks do not know is left for analyze to report with the banks.
            let r = match r.regraded(&cat, &name) {
                Ok(r) => r,
                Err(skillquiz::ResultError::UnknownQuestion { .. }) => r,
                Err(e) => return Err(Failure::Usage(e.to_string())),
            };
            results.push((name, r));
        }
    }
    let a = skillquiz::analyze(&results, &cat).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    if args.json {
        crate::write_json(&mut out, &a)?;
    } else {
        write!(out, "{}", render::analysis(&stdout_theme(), &a))?;
    }
    Ok(ExitCode::SUCCESS)
}

//! Teacher commands: `new bank`, `stats`, `import gift`, `export gift`, `analyze`.
//!
//! Flags are defined here (not in cli.rs) so the teacher commands stay in one place.

mod render;

use super::{Failure, load, stdout_theme};
use crate::cli::BankArgs;
use clap::{Args, Subcommand};
use skillquiz::{CatalogBuilder, bank_stats, bank_template, write_atomic};
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
fn write_new(path: &Path, contents: &[u8], force: bool) -> Result<(), Failure> {
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
        serde_json::to_writer_pretty(&mut out, &stats).map_err(io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::stats(&stdout_theme(), &stats))?;
    }
    Ok(ExitCode::SUCCESS)
}

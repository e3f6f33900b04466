//! Command-line definitions (clap) and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Skill self-assessment for the road to Machine Learning Engineer.
///
/// Take a quiz on the built-in banks (maths, programming, ML fundamentals, tooling,
/// deployment) and get next steps on the seven-step roadmap.
#[derive(Debug, Parser)]
#[command(
    name = "skillquiz",
    version,
    max_term_width = 100,
    after_help = "Examples:
  skillquiz take                         a quiz on every area; your answers are kept
  skillquiz take --topic maths.probability --count 10
  skillquiz progress                     how you have moved, quiz after quiz
  skillquiz recommend                    where you stand and what to study next
  skillquiz validate my_bank.ron         check a teacher's bank"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub data: DataArgs,
    /// Never page long reports (by default a report taller than the terminal goes through
    /// $PAGER, or `less -FRX`).
    #[arg(long, global = true)]
    pub no_pager: bool,
}

/// Where the history database lives.
#[derive(Debug, Args, Clone, Default)]
pub struct DataArgs {
    /// Keep the history database (history.sqlite3) in DIR instead of the platform data
    /// directory (~/.local/share/skillquiz on Linux).
    #[arg(long, global = true, env = "SKILLQUIZ_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Take a quiz and get a report with next steps.
    Take(TakeArgs),
    /// Check bank files: every error with file, line and column, then advice.
    Validate(ValidateArgs),
    /// List areas, topics and banks with question counts.
    List(ListArgs),
    /// Show the seven roadmap steps and their resources.
    Roadmap(BankArgs),
    /// The plan from everything you have answered (or from a saved `take --json` result).
    Recommend(RecommendArgs),
    /// How your ability has moved, attempt by attempt, per area; topic levels and steps.
    Progress(ProgressArgs),
    /// List past attempts; show, export, import or forget them.
    History(HistoryArgs),
    /// Review the questions you missed, on a spaced schedule (FSRS).
    Review(crate::review::ReviewArgs),
    /// Create files for teachers: `new bank FILE --area A` writes a template bank.
    #[command(subcommand)]
    New(crate::teach::NewCommand),
    /// Questions per area, topic, difficulty, kind and roadmap step.
    Stats(crate::teach::StatsArgs),
    /// Import questions from another format: `import gift FILE... --area A --out BANK.ron`.
    #[command(subcommand)]
    Import(crate::teach::ImportCommand),
    /// Export a bank to another format: `export gift BANK.ron --out FILE.gift`.
    #[command(subcommand)]
    Export(crate::teach::ExportCommand),
    /// Item analysis of a class's saved results (Moodle's quiz statistics).
    Analyze(crate::teach::AnalyzeArgs),
    /// Item parameters (IRT) from a class's results; --write puts them into the bank.
    Calibrate(crate::teach::CalibrateArgs),
    /// Simulate adaptive tests on examinees of known ability (RMSE, bias, SE, length).
    Simulate(crate::simulate::SimulateArgs),
    /// Print a shell completion script: `skillquiz completions bash > ~/.local/share/bash-completion/completions/skillquiz`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `skillquiz manpage > skillquiz.1; man ./skillquiz.1`.
    Manpage,
}

/// `--html FILE` and `--force`, for the commands that render a report.
#[derive(Debug, Args, Clone, Default)]
pub struct HtmlArgs {
    /// Also write the report as one self-contained HTML page (charts included) to FILE.
    #[arg(long = "html", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Replace the --html file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct BankArgs {
    /// Add a bank file, or every .ron file in a folder (repeatable). A bank with the
    /// name of a built-in bank replaces it.
    #[arg(long = "bank", value_name = "PATH")]
    pub banks: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "At the prompt: a letter (B), several letters for select-all questions (A,C),
t or f, a number (0.25, 1/4, 1e-3) or a word. s skips (counts as \"don't know\"),
? shows help, q ends the quiz and scores what you answered (Ctrl-C does the same);
`skillquiz take --resume` continues it.

Examples:
  skillquiz take --area maths --area tooling
  skillquiz take --mode fixed --seed 42 --json > result.json
  printf 'b\\n0.25\\nskip\\n' | skillquiz take --mode fixed --seed 7 --answers -"
)]
pub struct TakeArgs {
    /// Only this area (repeatable), e.g. maths, tooling.
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// Only this topic (repeatable), e.g. maths.probability.
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Number of graded questions (adaptive: the most it asks).
    #[arg(
        long,
        visible_alias = "max-items",
        default_value_t = 20,
        value_name = "N"
    )]
    pub count: usize,
    /// How questions are chosen.
    #[arg(long, value_enum, default_value_t = ModeArg::Adaptive)]
    pub mode: ModeArg,
    /// Adaptive: stop asking in an area once its standard error (logits) is at most this.
    #[arg(
        long,
        default_value_t = 0.35,
        value_name = "SE",
        allow_negative_numbers = true
    )]
    pub target_se: f64,
    /// Seed for question choice and choice order; the same seed gives the same quiz.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Read answers from FILE (or - for stdin), one per line; an empty line or `skip` skips.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the result as JSON on stdout (nothing else goes to stdout).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub html: HtmlArgs,
    /// Certainty-based marking: after each answer say how sure you are (1, 2 or 3; in
    /// --answers, end a line with ` c1`, ` c2` or ` c3`). The report adds how well your
    /// certainty matched your accuracy.
    #[arg(long)]
    pub certainty: bool,
    /// Do not record this quiz in the history (the report covers this quiz alone).
    #[arg(long, conflicts_with = "resume")]
    pub no_history: bool,
    /// Continue the latest unfinished quiz: same questions, same order, from where it stopped.
    #[arg(long)]
    pub resume: bool,
    /// When to show right answers and explanations.
    #[arg(long, value_enum, default_value_t = Feedback::Immediate)]
    pub feedback: Feedback,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Each question chosen from the answers so far, per area, until the verdict is
    /// precise enough (item response theory).
    Adaptive,
    /// A fixed form chosen up front, areas and topics covered evenly.
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Feedback {
    /// After each answer.
    Immediate,
    /// In the report, after the last question.
    End,
    /// Never (scores and plan only).
    None,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Bank files or folders to check (with the built-in roadmap and banks).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print the diagnostics as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// A result saved from `skillquiz take --json` (or - for stdin). Without it, the plan
    /// comes from the history.
    #[arg(long, value_name = "RESULT.json")]
    pub from: Option<PathBuf>,
    /// Show every plan entry (the text shows the first few).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub html: HtmlArgs,

    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub html: HtmlArgs,

    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Re-render one attempt's report (ID or the start of it).
    Show {
        id: String,
        /// Print as JSON (the shape of `take --json`).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        html: HtmlArgs,
        #[command(flatten)]
        bank: BankArgs,
    },
    /// Write every attempt as JSON lines (one `take --json` object per line).
    Export {
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        bank: BankArgs,
    },
    /// Add the attempts of an export (attempts already there are skipped).
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Delete one attempt and its answers.
    Forget { id: String },
}

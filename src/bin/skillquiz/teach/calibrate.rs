//! `skillquiz calibrate`: item parameters from a class's results, shown, and with
//! `--write` put into the bank files.

use super::result_files;
use crate::cli::BankArgs;
use crate::render::{Theme, clean, count, wrap};
use crate::{Failure, stdout_theme};
use clap::{Args, ValueEnum};
use skillquiz::calibration::{
    Anchor, CalibrateOptions, CalibrationReport, ItemFlag, Outcome, Quality, QuestionCalibration,
    Refusal, calibrate_questions,
};
use skillquiz::irt::calibrate::Model;
use skillquiz::ron_edit::{NewParams, set_params};
use skillquiz::{CatalogBuilder, Response, Source, write_atomic};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Rasch,
    #[value(name = "2pl")]
    TwoPl,
    #[value(name = "3pl")]
    ThreePl,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  skillquiz calibrate results/ --bank nlp.ron                  what the class's answers say
  skillquiz calibrate results/ --bank nlp.ron --write          put the parameters into nlp.ron
  skillquiz calibrate results/ --bank nlp.ron --anchor --write keep calibrated questions fixed

Details, and how to read the output: docs/calibration.md.")]
pub struct CalibrateArgs {
    /// Results saved with `skillquiz take --json > FILE.json`, one per student, or folders
    /// of them (every .json file inside).
    #[arg(value_name = "RESULTS", required_unless_present = "history")]
    pub results: Vec<PathBuf>,
    /// The item response model.
    #[arg(long, value_enum, default_value_t = ModelArg::TwoPl)]
    pub model: ModelArg,
    /// With the 2PL: a prior ln a ~ N(0, 0.5²) on discrimination (the 3PL always has it).
    #[arg(long)]
    pub a_prior: bool,
    /// Keep the parameters already written in the bank fixed and put the others on their
    /// scale: every question with `params` (bare --anchor), or --anchor=ID,ID.
    #[arg(long, value_name = "ID", num_args = 0..=1, require_equals = true, value_delimiter = ',')]
    pub anchor: Option<Vec<String>>,
    /// Calibrate questions with fewer responses than the model needs, and write even when
    /// the calibration did not converge.
    #[arg(long)]
    pub force: bool,
    /// Write the parameters into the bank files (atomically, comments kept).
    #[arg(long)]
    pub write: bool,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also take every attempt in the history database (each attempt counts as a person).
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

/// Each person's responses from the result files (graded again against the banks) and,
/// with `--history`, the history's attempts; the same attempt is taken once.
fn persons(
    args: &CalibrateArgs,
    cat: &skillquiz::Catalog,
    data: &crate::cli::DataArgs,
) -> Result<Vec<(String, Vec<Response>)>, Failure> {
    let mut out = Vec::new();
    let mut attempts: HashMap<String, String> = HashMap::new();
    for p in &args.results {
        for f in result_files(p)? {
            let name = f.display().to_string();
            let text = crate::read_text(&f)?;
            let r = skillquiz::QuizResult::from_json(&name, &text)
                .map_err(|e| Failure::Usage(e.to_string()))?;
            // As analyze: scores are graded again; a question the banks do not know is
            // outside the calibration anyway.
            let r = match r.regraded(cat, &name) {
                Ok(r) => r,
                Err(skillquiz::ResultError::UnknownQuestion { .. }) => r,
                Err(e) => return Err(Failure::Usage(e.to_string())),
            };
            if let Some(a) = &r.attempt
                && let Some(first) = attempts.insert(a.id.clone(), name.clone())
            {
                return Err(Failure::Usage(format!(
                    "{name} and {first} hold the same attempt ({}); give each once",
                    crate::learn::short_id(&a.id)
                )));
            }
            out.push((name, r.questions.into_iter().map(|q| q.response).collect()));
        }
    }
    if args.history {
        let store = crate::learn::open_store(data)?;
        for s in store.attempts()? {
            if attempts.contains_key(&s.info.id) {
                continue;
            }
            let a = store.attempt(&s.info.id)?;
            let name = format!("history attempt {}", crate::learn::short_id(&s.info.id));
            out.push((name, a.responses.into_iter().map(|r| r.response).collect()));
        }
    }
    Ok(out)
}

pub fn calibrate(args: CalibrateArgs, data: &crate::cli::DataArgs) -> Result<ExitCode, Failure> {
    if args.bank.banks.is_empty() {
        return Err(Failure::Usage(
            "calibrate needs --bank BANK: the bank whose questions to calibrate".into(),
        ));
    }
    let cat = crate::load(&args.bank)?;
    let files = {
        let mut b = CatalogBuilder::roadmap_only();
        for p in &args.bank.banks {
            b.add_path(p);
        }
        b.added_files()
    };
    let people = persons(&args, &cat, data)?;
    let model = match args.model {
        ModelArg::Rasch => Model::Rasch,
        ModelArg::TwoPl => Model::TwoPl,
        ModelArg::ThreePl => Model::ThreePl,
    };
    let options = CalibrateOptions {
        model,
        a_prior: args.a_prior,
        anchor: match &args.anchor {
            None => Anchor::None,
            Some(ids) if ids.is_empty() => Anchor::Written,
            Some(ids) => Anchor::Ids(ids.clone()),
        },
        force: args.force,
    };
    let report = calibrate_questions(&cat, &files, &people, &options)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let edits = edits(&report);
    let written = if args.write {
        if report.unconverged && !args.force {
            return Err(Failure::Usage(
                "the calibration did not converge (see above with --json, or without --write); nothing was written (--force writes anyway)".into(),
            ));
        }
        write(&files, &edits)?
    } else {
        Vec::new()
    };
    let mut out = io::stdout().lock();
    if args.json {
        let doc = serde_json::json!({
            "calibration": report,
            "written": written,
        });
        crate::write_json(&mut out, &doc)?;
    } else {
        let t = stdout_theme();
        write!(out, "{}", render(&t, &report))?;
        write!(
            out,
            "{}",
            render_changes(&t, &report, &edits, args.write, &cat)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Per bank file, the questions whose parameters would be written.
fn edits(report: &CalibrationReport) -> BTreeMap<String, Vec<(String, NewParams)>> {
    let mut out: BTreeMap<String, Vec<(String, NewParams)>> = BTreeMap::new();
    for q in &report.questions {
        if let Outcome::Calibrated(f) = &q.outcome {
            let p = NewParams {
                a: f.a,
                b: f.b,
                c: f.c,
            }
            .rounded();
            if skillquiz::ItemParams::new(p.a, p.b, p.c).is_some() {
                out.entry(q.file.clone())
                    .or_default()
                    .push((q.id.clone(), p));
            }
        }
    }
    out
}

/// Edits each bank file's text, checks that every bank still loads with the new texts,
/// then replaces the files; returns the files written.
fn write(
    files: &[String],
    edits: &BTreeMap<String, Vec<(String, NewParams)>>,
) -> Result<Vec<String>, Failure> {
    let mut texts: BTreeMap<&str, String> = BTreeMap::new();
    for (file, list) in edits {
        let old = crate::read_text(std::path::Path::new(file))?;
        let new = set_params(&old, list).map_err(|e| {
            Failure::Usage(format!(
                "{file}: cannot edit the bank: {e}; nothing was written"
            ))
        })?;
        texts.insert(file, new);
    }
    let mut b = CatalogBuilder::builtin();
    for f in files {
        match texts.get(f.as_str()) {
            Some(text) => {
                b.add_source(Source {
                    name: f.clone(),
                    text: text.clone().into(),
                    builtin: false,
                });
            }
            None => {
                b.add_path(std::path::Path::new(f));
            }
        }
    }
    b.build().map_err(|e| {
        Failure::Usage(format!(
            "the edited banks do not load, so nothing was written:\n{e}"
        ))
    })?;
    let mut written = Vec::new();
    for (file, text) in texts {
        write_atomic(std::path::Path::new(file), text.as_bytes(), true)
            .map_err(|e| Failure::Usage(format!("cannot write {file}: {e}")))?;
        written.push(file.to_string());
    }
    Ok(written)
}

/// `  1.23 (0.15)`, 13 columns while the SE is under 10.
fn fmt_se(x: f64, se: Option<f64>) -> String {
    match se {
        Some(s) => format!("{x:>6.2} ({s:.2})"),
        None => format!("{x:>6.2} (  — )"),
    }
}

fn quality_word(t: &Theme, q: Quality) -> String {
    match q {
        Quality::Sharp => t.good("sharp"),
        Quality::Fair => "fair".into(),
        Quality::Vague => t.warn("vague"),
        Quality::Broken => t.bad("broken"),
    }
}

fn refusal(q: &QuestionCalibration, r: &Refusal, model: Model) -> String {
    match r {
        Refusal::TooFew { needed } => format!(
            "{} answered it; the {} needs {needed} (--force calibrates it anyway)",
            count(q.answered, "person", "people"),
            model.as_str()
        ),
        Refusal::AllRight => format!(
            "all {} who answered it were right: nothing to estimate",
            q.answered
        ),
        Refusal::AllWrong => format!(
            "all {} who answered it were wrong: nothing to estimate (check the key)",
            q.answered
        ),
        Refusal::NotAnswered => "nobody answered it".into(),
        Refusal::Failed { message } => format!("the calibration failed: {message}"),
    }
}

fn flag_text(q: &QuestionCalibration, f: ItemFlag) -> String {
    let pct = q.facility().unwrap_or(0.0) * 100.0;
    match f {
        ItemFlag::TooEasy => format!("{pct:.0}% right: too easy to tell students apart"),
        ItemFlag::AtGuessRate => format!(
            "{pct:.0}% right, no better than guessing ({:.0}%): too hard, or a wrong key",
            q.guess_rate * 100.0
        ),
        ItemFlag::Misfit => "the model does not fit its answers (RMSD over 0.12)".into(),
        ItemFlag::NegativeDiscrimination => {
            "stronger students do worse on it: check the key (not written)".into()
        }
        ItemFlag::OutOfRange => "parameters outside what a bank accepts (not written)".into(),
        ItemFlag::Forced => "fewer responses than the model needs (--force)".into(),
    }
}

/// The report, for 80 columns.
pub fn render(t: &Theme, r: &CalibrationReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} from {}; the {} needs {} responses per question.",
        t.bold("Calibration:"),
        r.model.as_str(),
        count(r.persons, "person", "people"),
        r.model.as_str(),
        r.minimum
    );
    for a in &r.areas {
        let conv = if a.converged {
            format!("Converged in {} EM cycles", a.cycles)
        } else {
            t.bad(&format!(
                "Did NOT converge in {} EM cycles (largest change {:.1e}); --write refuses it",
                a.cycles, a.max_change
            ))
        };
        let _ = writeln!(o, "\n{} {}", t.bold("Area"), t.bold(&clean(&a.area)));
        let line = format!(
            "{} from {} ({} distinct answer patterns); log-likelihood {:.1}.",
            count(a.calibrated, "question", "questions"),
            count(a.persons, "person", "people"),
            a.patterns,
            a.log_likelihood
        );
        let _ = writeln!(o, "{}", wrap(&line, 80, "  "));
        let _ = writeln!(o, "  {conv}.");
        if a.anchored > 0 {
            let _ = writeln!(
                o,
                "  {} anchored; the class's ability on their scale: mean {:.2}, SD {:.2}.",
                count(a.anchored, "question", "questions"),
                a.mean,
                a.sd
            );
        }
        let _ = writeln!(
            o,
            "  {:<22} {:>4} {:>5} {:>13} {:>13} {:>4} {:>4}",
            "question", "n", "right", "a (SE)", "b (SE)", "c", "RMSD"
        );
        for q in r.questions.iter().filter(|q| q.area == a.area) {
            let Outcome::Calibrated(f) = &q.outcome else {
                continue;
            };
            // A long id stands on its own line above its figures.
            let id = clean(&q.id);
            if id.chars().count() > 22 {
                let _ = writeln!(o, "  {id}");
            }
            let shown = if id.chars().count() > 22 { "" } else { &id };
            let _ = writeln!(
                o,
                "  {shown:<22} {:>4} {:>4.0}% {} {} {:>4.2} {:>4.2} {}",
                q.answered,
                q.facility().unwrap_or(0.0) * 100.0,
                fmt_se(f.a, f.se.map(|s| s.a)),
                fmt_se(f.b, f.se.map(|s| s.b)),
                f.c,
                f.rmsd,
                quality_word(t, f.quality)
            );
        }
    }
    let flagged: Vec<(&QuestionCalibration, ItemFlag)> = r
        .questions
        .iter()
        .filter_map(|q| match &q.outcome {
            Outcome::Calibrated(f) => Some(f.flags.iter().map(move |&fl| (q, fl))),
            _ => None,
        })
        .flatten()
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(o, "\n{}", t.bold("To look at"));
        for (q, f) in flagged {
            let line = format!("{}: {}", q.id, flag_text(q, f));
            let _ = writeln!(o, "{}", wrap(&line, 80, "  "));
        }
    }
    let refused: Vec<&QuestionCalibration> = r
        .questions
        .iter()
        .filter(|q| matches!(q.outcome, Outcome::Refused(_)))
        .collect();
    if !refused.is_empty() {
        let _ = writeln!(o, "\n{}", t.bold("Not calibrated"));
        for q in refused {
            if let Outcome::Refused(why) = &q.outcome {
                let line = format!("{}: {}", q.id, refusal(q, why, r.model));
                let _ = writeln!(o, "{}", wrap(&line, 80, "  "));
            }
        }
    }
    let pretest: Vec<&QuestionCalibration> = r.questions.iter().filter(|q| q.pretest).collect();
    if !pretest.is_empty() {
        let _ = writeln!(o, "\n{}", t.bold("Pretest questions"));
        for q in pretest {
            let line = match &q.outcome {
                Outcome::Calibrated(f) if f.flags.contains(&ItemFlag::Forced) => format!(
                    "{}: not ready ({} of the {} responses the {} needs; calibrated only because of --force)",
                    q.id,
                    q.answered,
                    r.minimum,
                    r.model.as_str()
                ),
                Outcome::Calibrated(f) if !f.writable() => format!(
                    "{}: calibrated, but its parameters cannot go into a bank (see above)",
                    q.id
                ),
                Outcome::Calibrated(_) => format!(
                    "{}: ready ({} responses): write its params, then remove `status: Pretest` so that it counts",
                    q.id, q.answered
                ),
                Outcome::Anchored => format!("{}: anchored", q.id),
                Outcome::Refused(Refusal::TooFew { .. }) => format!(
                    "{}: not ready ({} of the {} responses the {} needs)",
                    q.id,
                    q.answered,
                    r.minimum,
                    r.model.as_str()
                ),
                Outcome::Refused(why) => format!("{}: {}", q.id, refusal(q, why, r.model)),
            };
            let _ = writeln!(o, "{}", wrap(&line, 80, "  "));
        }
    }
    let _ = writeln!(
        o,
        "\nsharp: a ≥ 1.35, fair: a ≥ 0.65, vague: below; broken: a ≤ 0 or RMSD > 0.12.\n\
         Partial credit counts as wrong, as a skip does. Details: docs/calibration.md."
    );
    o
}

fn render_changes(
    t: &Theme,
    r: &CalibrationReport,
    edits: &BTreeMap<String, Vec<(String, NewParams)>>,
    wrote: bool,
    cat: &skillquiz::Catalog,
) -> String {
    let mut o = String::new();
    if edits.is_empty() {
        let _ = writeln!(o, "\nNo parameters to write.");
        return o;
    }
    let head = if wrote {
        "Written"
    } else {
        "Would change (--write writes it)"
    };
    let _ = writeln!(o, "\n{}", t.bold(head));
    for (file, list) in edits {
        let _ = writeln!(o, "  {}", clean(file));
        for (id, p) in list {
            let old = r
                .questions
                .iter()
                .find(|q| &q.id == id)
                .and_then(|q| q.written)
                .map_or("no params".to_string(), |w| {
                    format!("(a: {:.3}, b: {:.3}, c: {:.3})", w.a, w.b, w.c)
                });
            let line = format!("{id}: {old} → {}", p.to_ron());
            let _ = writeln!(o, "{}", wrap(&line, 80, "    "));
        }
        if let Some(bank) = cat.banks.iter().find(|b| &b.file == file) {
            let line = format!(
                "{} bank `{}` is still version {}: change its `version`, so that results \
                 taken before and after can be told apart.",
                if wrote { "Now" } else { "Then" },
                bank.name,
                bank.version
            );
            let _ = writeln!(o, "{}", wrap(&line, 80, "  "));
        }
    }
    o
}

//! `skillquiz review`: the missed questions that are due, asked again and rescheduled with
//! FSRS; `review --due` says how many are due and when the next ones are.

use super::{Failure, load, stdout_theme, write_json};
use crate::cli::{BankArgs, DataArgs};
use crate::learn::{self, Clock};
use crate::prompt;
use crate::render;
use clap::Args;
use serde::Serialize;
use skillquiz::history::ReviewRecord;
use skillquiz::review::{self, Card, DEFAULT_RETENTION, Grade, ReviewSession};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Only say how many questions are due now and when the next ones are.
    #[arg(long)]
    pub due: bool,
    /// Review at most N questions (the longest overdue first).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Desired retention: the chance of still knowing an answer when it comes back
    /// (0.7 to 0.97; higher means more frequent reviews).
    #[arg(long, default_value_t = DEFAULT_RETENTION, value_name = "R")]
    pub retention: f64,
    /// Read answers from FILE (or - for stdin), one per line, as `take --answers`.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Seed for the order of the choices.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Ask how sure you are after each answer (1, 2 or 3; in --answers, end a line with
    /// ` c1`, ` c2` or ` c3`): a right answer at 3 is graded Easy.
    #[arg(long)]
    pub certainty: bool,
    /// Print what was reviewed as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Debug, Serialize)]
struct Reviewed {
    id: String,
    grade: Grade,
    score: f64,
    correct: bool,
    interval_days: f64,
    /// Unix seconds.
    due_at: i64,
}

#[derive(Debug, Serialize)]
struct Summary {
    reviewed: Vec<Reviewed>,
    /// Still due after this review.
    due_now: usize,
    /// The next card after now, and how many are due within a day of it.
    next_due_at: Option<i64>,
    next_count: usize,
    /// Cards whose question is not in the loaded banks.
    unknown: Vec<String>,
}

/// "5 questions due for review"-style words for the next due time.
fn next_words(now: i64, next: Option<(i64, usize)>) -> String {
    match next {
        Some((t, n)) => format!(
            "{} come up {} ({})",
            render::count(n, "question", "questions"),
            in_days(t - now),
            learn::date(t)
        ),
        None => "no other question is scheduled".into(),
    }
}

/// "tomorrow", "in 4 days".
pub fn in_days(seconds: i64) -> String {
    let days = (seconds as f64 / 86_400.0).ceil().max(0.0) as i64;
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        d => format!("in {d} days"),
    }
}

pub fn run(args: ReviewArgs, data: &DataArgs) -> Result<ExitCode, Failure> {
    review::check_retention(args.retention)
        .map_err(|e| Failure::Usage(format!("--retention: {e}")))?;
    let clock = Clock::from_env()?;
    let now = clock.now();
    let store = learn::open_store(data)?;
    if args.due {
        let (due, next) = store.review_counts(skillquiz::review::end_of_day(now))?;
        let mut out = io::stdout().lock();
        if args.json {
            write_json(
                &mut out,
                &serde_json::json!({
                    "due_now": due,
                    "next_due_at": next.map(|n| n.0),
                    "next_count": next.map_or(0, |n| n.1),
                }),
            )?;
        } else {
            writeln!(
                out,
                "{} due for review today; {}.",
                render::count(due, "question", "questions"),
                next_words(now, next)
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let cards = store.due_cards(skillquiz::review::end_of_day(now), args.limit)?;
    let catalog = load(&args.bank)?;
    let seed = args
        .seed
        .unwrap_or_else(|| rand::random::<u64>() % 1_000_000);
    let mut session = ReviewSession::new(&catalog, &cards, seed);
    let known: Vec<&Card> = cards
        .iter()
        .filter(|c| !session.unknown.contains(&c.question))
        .collect();
    if session.is_empty() {
        let (_, next) = store.review_counts(skillquiz::review::end_of_day(now))?;
        let mut out = io::stdout().lock();
        if args.json {
            write_json(
                &mut out,
                &Summary {
                    reviewed: Vec::new(),
                    due_now: 0,
                    next_due_at: next.map(|n| n.0),
                    next_count: next.map_or(0, |n| n.1),
                    unknown: session.unknown.clone(),
                },
            )?;
        } else {
            writeln!(
                out,
                "Nothing is due for review today; {}.",
                next_words(now, next)
            )?;
            if next.is_none() {
                writeln!(
                    out,
                    "Questions you miss in a quiz come up for review the day after."
                )?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let stdin_is_terminal = io::stdin().is_terminal();
    let lines = prompt::answer_lines(args.answers.as_deref(), stdin_is_terminal)?;
    let mut reviewed: Vec<Reviewed> = Vec::new();
    let retention = args.retention;
    let mut record = |seq: usize, r: &skillquiz::Response| {
        let card = known[seq];
        let grade = Grade::of(r, r.certainty == Some(3));
        let (next, days) = review::schedule(card, grade, clock.now(), retention).map_err(|e| {
            skillquiz::history::HistoryError::Sql {
                path: store.path().to_path_buf(),
                operation: "scheduling a review",
                reason: e.to_string(),
            }
        })?;
        store.save_review(
            &next,
            &ReviewRecord {
                at: clock.now(),
                grade,
                answer: r.answer.clone(),
                score: r.score,
                seconds: r.seconds,
                interval_days: days,
            },
        )?;
        reviewed.push(Reviewed {
            id: r.id.clone(),
            grade,
            score: r.score,
            correct: r.correct,
            interval_days: days,
            due_at: next.due_at,
        });
        Ok(())
    };
    let running = prompt::QuizRunning::start();
    let result = match &args.answers {
        Some(path) => {
            let name = prompt::source_name(path);
            prompt::scripted(&mut session, &lines, &name, args.certainty, &mut record)
                .map_err(Failure::from)
        }
        None => {
            let (mut ui, theme) = prompt::ui_stream(args.json, stdin_is_terminal);
            writeln!(
                ui,
                "{}",
                theme.bold(&format!(
                    "Review: {} you missed before, the longest overdue first.",
                    render::count(session.len(), "question", "questions")
                ))
            )?;
            let opts = prompt::PromptOptions {
                theme,
                show: prompt::ShowFeedback::Now,
                progress: false,
                echo: !stdin_is_terminal,
                certainty: args.certainty,
            };
            prompt::interactive(&mut session, &catalog, &lines, &mut ui, &opts, &mut record)
                .map_err(Failure::from)
        }
    };
    drop(running);
    result?;
    let now = clock.now();
    let (due, next) = store.review_counts(skillquiz::review::end_of_day(now))?;
    let mut out = io::stdout().lock();
    if args.json {
        write_json(
            &mut out,
            &Summary {
                reviewed,
                due_now: due,
                next_due_at: next.map(|n| n.0),
                next_count: next.map_or(0, |n| n.1),
                unknown: session.unknown.clone(),
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let t = stdout_theme();
    let right = reviewed.iter().filter(|r| r.correct).count();
    writeln!(
        out,
        "\n{} {}",
        t.bold("Reviewed"),
        t.dim(&format!(
            "{}, {right} right",
            render::count(reviewed.len(), "question", "questions")
        ))
    )?;
    for r in &reviewed {
        let mark = if r.correct {
            t.good("✓")
        } else {
            t.bad("✗")
        };
        writeln!(
            out,
            "  {mark} {:<44} {:<5}  next {}",
            render::clean(&r.id),
            r.grade.as_str(),
            in_days(r.due_at - now)
        )?;
        // A script saw no feedback on the way: the explanation comes here.
        if args.answers.is_some()
            && !r.correct
            && let Some(q) = catalog.question(&r.id)
        {
            if let Some(code) = &q.code {
                for line in render::clean(code).lines() {
                    writeln!(out, "      {} {}", t.dim("│"), t.accent(line))?;
                }
            }
            if !q.explanation.is_empty() {
                writeln!(
                    out,
                    "{}",
                    t.dim(&render::wrap(&q.explanation, render::width(), "      "))
                )?;
            }
        }
    }
    writeln!(
        out,
        "{}",
        render::wrap(
            &format!(
                "{} still due today; {}. Reviews do not change your ability estimates: a question seen again measures your memory of it, not the area.",
                render::count(due, "question", "questions"),
                next_words(now, next)
            ),
            render::width(),
            "  "
        )
    )?;
    Ok(ExitCode::SUCCESS)
}

//! `skillquiz take`: a quiz from flags (or from an unfinished attempt), every answer
//! recorded in the history as it is given, then the report from everything known.

use super::{Failure, load_with, stdout_theme, write_json};
use crate::cli::{self, DataArgs, Feedback};
use crate::learn::{self, Clock};
use crate::prompt::{self, Input, Lines};
use crate::render;
use skillquiz::history::{AttemptInfo, Recorded, Store};
use skillquiz::{
    AttemptFacts, AttemptRef, AttemptSpec, BankRef, Catalog, Ended, Learner, LearnerModel, Mode,
    Prior, Quiz, QuizResult, QuizSpec, RECENT_ATTEMPTS,
};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// An unfinished attempt younger than this is offered for resuming at an interactive take.
const OFFER_RESUME_WITHIN: i64 = 24 * 3600;

fn quiz_spec(spec: &AttemptSpec, mode: Mode) -> QuizSpec {
    QuizSpec {
        areas: spec.areas.clone(),
        topics: spec.topics.clone(),
        count: spec.count,
        adaptive: (mode == Mode::Adaptive).then(|| skillquiz::AdaptiveSpec {
            se_target: spec.target_se.unwrap_or(0.35),
            ..skillquiz::AdaptiveSpec::default()
        }),
    }
}

/// What the history knew when an attempt that started at `started_at` began.
fn prior_at(store: Option<&Store>, catalog: &Catalog, started_at: i64) -> Result<Prior, Failure> {
    let Some(store) = store else {
        return Ok(Prior::none(catalog));
    };
    let totals = store.totals_before(started_at)?;
    Ok(Prior {
        model: LearnerModel::from_totals(catalog, &totals, started_at),
        recent: store.recent_questions(RECENT_ATTEMPTS, Some(started_at))?,
    })
}

pub fn take(args: cli::TakeArgs, data: &DataArgs) -> Result<ExitCode, Failure> {
    if !(args.target_se.is_finite() && args.target_se > 0.0) {
        return Err(Failure::Usage(format!(
            "--target-se must be a positive number, not {}",
            args.target_se
        )));
    }
    let clock = Clock::from_env()?;
    let store = if args.no_history {
        None
    } else {
        Some(learn::open_store(data)?)
    };
    let interactive = args.answers.is_none();
    let stdin_is_terminal = io::stdin().is_terminal();
    let lines = prompt::answer_lines(args.answers.as_deref(), stdin_is_terminal)?;
    // The attempt to continue: asked for, or offered at an interactive terminal.
    let mut resume: Option<AttemptInfo> = None;
    if let Some(store) = &store {
        let unfinished = store.latest_unfinished()?;
        if args.resume {
            resume =
                Some(unfinished.ok_or_else(|| {
                    Failure::Usage("there is no unfinished quiz to resume".into())
                })?);
        } else if let (Some(info), true) = (unfinished, interactive && stdin_is_terminal)
            && clock.now() - info.started_at <= OFFER_RESUME_WITHIN
        {
            let answered = store.responses(&info.id)?.len();
            if answered > 0 && offer_resume(&info, answered, &lines, &clock)? {
                resume = Some(info);
            }
        }
    }
    let (info, catalog, replay) = match resume {
        Some(info) => {
            let banks = if args.bank.banks.is_empty() {
                info.spec.bank_paths.iter().map(Into::into).collect()
            } else {
                args.bank.banks.clone()
            };
            let catalog = load_with(&banks)?;
            check_banks(&catalog, &info.banks)?;
            let store = store.as_ref().expect("resume needs the history");
            let replay = store.responses(&info.id)?;
            (info, catalog, replay)
        }
        None => {
            let catalog = load_with(&args.bank.banks)?;
            let mode = if args.mode == cli::ModeArg::Adaptive {
                Mode::Adaptive
            } else {
                Mode::Fixed
            };
            let info = AttemptInfo {
                id: learn::new_attempt_id(),
                started_at: clock.now(),
                ended_at: None,
                skillquiz_version: env!("CARGO_PKG_VERSION").into(),
                mode,
                seed: args
                    .seed
                    .unwrap_or_else(|| rand::random::<u64>() % 1_000_000),
                spec: AttemptSpec {
                    areas: args.areas.clone(),
                    topics: args.topics.clone(),
                    count: args.count,
                    target_se: (mode == Mode::Adaptive).then_some(args.target_se),
                    certainty: args.certainty,
                    bank_paths: args
                        .bank
                        .banks
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                },
                banks: BankRef::all(&catalog),
                ended: None,
            };
            (info, catalog, Vec::new())
        }
    };
    // The catalog lives as long as the process: freeing its thousands of strings as the
    // quiz ends would cost a tenth of the start's time, for nothing.
    let catalog = std::mem::ManuallyDrop::new(catalog);
    let spec = quiz_spec(&info.spec, info.mode);
    let prior = prior_at(store.as_ref(), &catalog, info.started_at)?;
    let mut quiz = Quiz::with_prior(&catalog, &spec, info.seed, &prior)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(store) = &store {
        if replay.is_empty() && info.ended.is_none() && !args.resume {
            store.begin(&info)?;
        } else {
            replay_into(&mut quiz, &replay)?;
            store.reopen(&info.id)?;
            eprintln!(
                "Resuming quiz {} ({} answered); question {} comes next.",
                learn::short_id(&info.id),
                replay.len(),
                replay.len() + 1
            );
        }
    }
    let mut record =
        |seq: usize, r: &skillquiz::Response| -> Result<(), skillquiz::history::HistoryError> {
            let Some(store) = &store else {
                return Ok(());
            };
            let (bank, bank_version) = catalog
                .question(&r.id)
                .map(|q| &catalog.banks[q.bank])
                .map(|b| (b.name.clone(), b.version.clone()))
                .unwrap_or_default();
            store.record(
                &info.id,
                seq,
                &Recorded {
                    response: r.clone(),
                    bank,
                    bank_version,
                    answered_at: clock.now(),
                },
            )
        };
    let running = prompt::QuizRunning::start();
    let ended = match &args.answers {
        Some(path) => {
            let name = prompt::source_name(path);
            prompt::scripted(&mut quiz, &lines, &name, info.spec.certainty, &mut record)
                .map_err(Failure::from)?
        }
        None => {
            // Questions go to stdout, or to stderr when stdout carries the JSON or is
            // not the person's terminal (`take > report.txt`: the quiz stays visible).
            let (mut ui, theme) = prompt::ui_stream(args.json, stdin_is_terminal);
            let show = if args.feedback == Feedback::Immediate {
                prompt::ShowFeedback::Now
            } else {
                prompt::ShowFeedback::Later
            };
            let progress = stdin_is_terminal && io::stderr().is_terminal();
            if replay.is_empty() {
                write!(ui, "{}", render::intro(&theme, &quiz))?;
            }
            let opts = prompt::PromptOptions {
                theme,
                show,
                progress,
                echo: !stdin_is_terminal,
                certainty: info.spec.certainty,
            };
            prompt::interactive(&mut quiz, &catalog, &lines, &mut ui, &opts, &mut record)
                .map_err(Failure::from)?
        }
    };
    drop(running);
    let now = clock.now();
    let learner = match &store {
        Some(store) => {
            store.finish(&info.id, ended, now)?;
            learn::learner(store, &catalog, now)?
        }
        None => Learner::from_responses(&catalog, quiz.responses(), now),
    };
    let mut result = QuizResult::new(
        &catalog,
        quiz.responses(),
        AttemptFacts {
            seed: info.seed,
            mode: info.mode,
            ended,
            asked: quiz.asked(),
        },
        &learner,
    );
    if let Some(store) = &store {
        let recorded = store.responses(&info.id)?;
        for (q, r) in result.questions.iter_mut().zip(&recorded) {
            q.answered_at = Some(r.answered_at);
        }
        let (due_now, next) = store.review_counts(skillquiz::review::end_of_day(now))?;
        result.review = Some(skillquiz::ReviewDue {
            due_now,
            next_due_at: next.map(|n| n.0),
        });
        result.attempt = Some(AttemptRef {
            id: info.id.clone(),
            started_at: info.started_at,
            ended_at: Some(now),
            spec: info.spec.clone(),
        });
    }
    // The progress once: every attempt for the HTML page, else the first and last ones
    // (quick at any length) for the text report's trend.
    let html = args.html.file.is_some();
    let trend = match &store {
        Some(store) if html || !args.json => Some(learn::compute_progress(store, &catalog, html)?),
        _ => None,
    };
    crate::write_html(&args.html, Some(&result), trend.as_ref())?;
    let mut out = io::stdout().lock();
    if args.json {
        write_json(&mut out, &result)?;
    } else {
        let show_missed = args.feedback != Feedback::None;
        crate::page(
            &mut out,
            &render::report(&stdout_theme(), &result, show_missed, false, trend.as_ref()),
        )?;
    }
    if store.is_some() && ended != Ended::Completed && quiz.current().is_some() {
        eprintln!("Your answers are saved. Continue this quiz with: skillquiz take --resume");
    }
    Ok(ExitCode::SUCCESS)
}

/// Answers the quiz with the saved responses, checking that it asks the same questions.
fn replay_into(quiz: &mut Quiz, replay: &[Recorded]) -> Result<(), Failure> {
    for (i, r) in replay.iter().enumerate() {
        let Some(item) = quiz.current() else {
            return Err(Failure::Usage(format!(
                "cannot resume: the quiz now ends before answer {}; the banks or skillquiz changed since it started",
                i + 1
            )));
        };
        if item.question.id != r.response.id || item.order != r.response.order.as_slice() {
            return Err(Failure::Usage(format!(
                "cannot resume: question {} is now `{}`, but `{}` was asked; the banks or skillquiz changed since it started",
                i + 1,
                item.question.id,
                r.response.id
            )));
        }
        quiz.answer(r.response.answer.clone(), r.response.seconds);
    }
    Ok(())
}

/// Refuses to resume on banks other than the ones the attempt started with.
fn check_banks(catalog: &Catalog, banks: &[BankRef]) -> Result<(), Failure> {
    for b in banks {
        match catalog.banks.iter().find(|x| x.name == b.name) {
            Some(x) if x.version == b.version => {}
            Some(x) => {
                return Err(Failure::Usage(format!(
                    "cannot resume: bank `{}` was version {} when the quiz started and is {} now",
                    b.name, b.version, x.version
                )));
            }
            None => {
                return Err(Failure::Usage(format!(
                    "cannot resume: bank `{}` is not loaded; pass it with --bank",
                    b.name
                )));
            }
        }
    }
    Ok(())
}

/// Asks whether to continue an unfinished attempt; Enter or `y` says yes.
fn offer_resume(
    info: &AttemptInfo,
    answered: usize,
    lines: &Lines,
    clock: &Clock,
) -> Result<bool, Failure> {
    let mut err = io::stderr();
    write!(
        err,
        "You have an unfinished quiz from {} ({answered} answered). {}",
        learn::ago(clock.now() - info.started_at),
        if lines.edits() {
            "\n"
        } else {
            "Continue it? [Y/n] "
        }
    )?;
    err.flush()?;
    Ok(
        match lines.next_after("Continue it? [Y/n] ", "Continue it? [Y/n] ") {
            Input::Line(l) => {
                let l = l.trim().to_ascii_lowercase();
                l.is_empty() || l == "y" || l == "yes"
            }
            _ => false,
        },
    )
}

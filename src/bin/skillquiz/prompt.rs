//! Reading answers: from a person at the prompt, or from a script's answers file.
//!
//! Both drive the same [`Quiz`]; they differ only in what a bad line means. A person is
//! re-asked with a hint (a typo never scores); a script gets an error naming the line.

use crate::render::{self, Theme};
use skillquiz::{Answer, Catalog, Ended, Quiz, parse_answer};
use std::io::{BufRead, Write};
use std::time::Instant;

/// A line of an answers file that does not fit its question.
#[derive(Debug)]
pub struct BadAnswerLine {
    pub source: String,
    pub line: usize,
    pub question: String,
    pub text: String,
    pub reason: String,
    pub hint: String,
}

/// When to show each answer's feedback.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ShowFeedback {
    Now,
    Later,
}

/// How the prompt looks and behaves.
pub struct PromptOptions {
    pub theme: Theme,
    pub show: ShowFeedback,
    /// Draw a progress bar before each question (only on a terminal).
    pub progress: bool,
    /// Repeat each line read, for input that is not a terminal.
    pub echo: bool,
}

/// Runs the quiz at a prompt: questions and feedback to `ui`, answers from `input`.
/// Ends at the last question, on `q`, or when input ends.
pub fn interactive(
    quiz: &mut Quiz,
    catalog: &Catalog,
    input: &mut dyn BufRead,
    ui: &mut dyn Write,
    opts: &PromptOptions,
) -> std::io::Result<Ended> {
    let PromptOptions {
        theme,
        show,
        progress,
        echo,
    } = opts;
    let (show, progress, echo) = (*show, *progress, *echo);
    while let Some(item) = quiz.current() {
        if progress {
            let pb = indicatif::ProgressBar::new(item.total as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("━━─"),
            );
            ui.flush()?;
            pb.set_position(item.number as u64 - 1);
            pb.abandon();
        }
        write!(ui, "{}", render::question(theme, catalog, &item))?;
        let started = Instant::now();
        let answer = loop {
            write!(ui, "{}", render::prompt_line(theme, &item))?;
            ui.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(ui)?;
                return Ok(Ended::InputEnded);
            }
            let text = line.trim();
            if echo {
                // Input from a pipe is not echoed by a terminal: show it, so a transcript reads well.
                writeln!(ui, "{}", crate::render::clean(text))?;
            }
            match text.to_ascii_lowercase().as_str() {
                "q" | "quit" => return Ok(Ended::Quit),
                "?" | "h" | "help" => {
                    write!(ui, "{}", render::help())?;
                    continue;
                }
                "s" | "skip" => break Answer::Skip,
                "" => {
                    writeln!(
                        ui,
                        "  {}",
                        theme.warn(&skillquiz::hint(item.question, item.order))
                    )?;
                    continue;
                }
                _ => {}
            }
            match parse_answer(item.question, item.order, text) {
                Ok(a) => break a,
                Err(e) => {
                    writeln!(ui, "  {} {}", theme.warn(&format!("{}:", e.reason)), e.hint)?;
                }
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        let response = quiz.answer(answer, seconds).cloned();
        if let (Some(r), ShowFeedback::Now) = (response, show) {
            write!(ui, "{}", render::feedback(theme, catalog, &r))?;
        }
    }
    Ok(Ended::Completed)
}

/// Runs the quiz from a script's answers, one per line; an empty line or `skip` skips.
/// A line that does not fit its question is an error; running out of lines ends the quiz.
pub fn scripted(
    quiz: &mut Quiz,
    input: &mut dyn BufRead,
    source: &str,
) -> Result<Ended, ScriptError> {
    let mut number = 0;
    while let Some(item) = quiz.current() {
        let mut line = String::new();
        let n = input.read_line(&mut line).map_err(|e| ScriptError::Io {
            source: source.into(),
            err: e,
        })?;
        if n == 0 {
            return Ok(Ended::InputEnded);
        }
        number += 1;
        let text = line.trim();
        let answer = if text.is_empty() {
            Answer::Skip
        } else {
            parse_answer(item.question, item.order, text).map_err(|e| {
                ScriptError::Bad(Box::new(BadAnswerLine {
                    source: source.into(),
                    line: number,
                    question: item.question.id.clone(),
                    text: text.into(),
                    reason: e.reason,
                    hint: e.hint,
                }))
            })?
        };
        quiz.answer(answer, 0.0);
    }
    Ok(Ended::Completed)
}

#[derive(Debug)]
pub enum ScriptError {
    Bad(Box<BadAnswerLine>),
    Io { source: String, err: std::io::Error },
}

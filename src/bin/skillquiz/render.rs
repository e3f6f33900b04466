//! Every byte the terminal sees: colours, bars, widths and JSON.

use console::Style;
use skillquiz::{
    Catalog, Diagnostic, Item, Kind, Level, QuizResult, Recommendation, Response, Severity,
    describe_key, letter,
};
use std::fmt::Write as _;

/// Styles for one output stream; all plain when colour is off.
#[derive(Clone)]
pub struct Theme {
    pub color: bool,
    /// Block characters (bars, sparklines) can be shown; else plain ASCII.
    pub blocks: bool,
}

impl Theme {
    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty.
    pub fn for_stream(is_terminal: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: is_terminal && !no_color,
            blocks: !is_terminal || utf8_locale(),
        }
    }

    /// Bars of `width` cells for a share in [0, 1].
    pub fn bar(&self, score: f64, width: usize) -> String {
        let (full, empty) = if self.blocks {
            ("█", "░")
        } else {
            ("#", "-")
        };
        let filled = (score.clamp(0.0, 1.0) * width as f64).round() as usize;
        format!("{}{}", full.repeat(filled), empty.repeat(width - filled))
    }

    /// A sparkline of abilities on a −3…+3 scale.
    pub fn sparkline(&self, thetas: &[f64]) -> String {
        const ASCII: [char; 8] = ['_', '.', '-', '~', '=', '+', '*', '#'];
        thetas
            .iter()
            .map(|th| {
                let x = ((th + 3.0) / 6.0 * 8.0).floor().clamp(0.0, 7.0) as usize;
                if self.blocks { SPARKS[x] } else { ASCII[x] }
            })
            .collect()
    }

    fn paint(&self, s: &str, style: Style) -> String {
        if self.color {
            style.force_styling(true).apply_to(s).to_string()
        } else {
            s.to_string()
        }
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint(s, Style::new().bold())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, Style::new().dim())
    }
    pub fn good(&self, s: &str) -> String {
        self.paint(s, Style::new().green())
    }
    pub fn bad(&self, s: &str) -> String {
        self.paint(s, Style::new().red())
    }
    pub fn warn(&self, s: &str) -> String {
        self.paint(s, Style::new().yellow())
    }
    pub fn accent(&self, s: &str) -> String {
        self.paint(s, Style::new().cyan())
    }

    /// The level's name padded to `width` columns (padding outside the colour codes).
    pub fn level_padded(&self, level: Level, width: usize) -> String {
        let pad = width.saturating_sub(level.as_str().chars().count());
        format!("{}{}", self.level(level), " ".repeat(pad))
    }

    pub fn level(&self, level: Level) -> String {
        let s = level.as_str();
        match level {
            Level::Strong => self.good(s),
            Level::Developing => self.warn(s),
            Level::Weak => self.bad(s),
            Level::NotEnoughEvidence => self.dim(s),
        }
    }
}

/// Removes terminal control characters from text that came from a file.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| c != '\r' && !skillquiz::is_unsafe_char(c))
        .collect()
}

/// Wraps text to `width` columns, indenting every line by `indent`; words are never
/// broken (a word longer than the line, say a URL, stands on a line of its own). Line
/// breaks in the text are kept.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    wrap_hanging(text, width, indent, indent)
}

/// [`wrap`] with the first line of each paragraph indented by `first` and the others by
/// `rest` (a hanging indent).
pub fn wrap_hanging(text: &str, width: usize, first: &str, rest: &str) -> String {
    let opts = textwrap::Options::new(width.max(first.len().max(rest.len()) + 10))
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    clean(text)
        .split('\n')
        .map(|para| {
            if para.trim().is_empty() {
                rest.trim_end().to_string()
            } else {
                textwrap::fill(para.trim_end(), &opts)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Columns to wrap to: the terminal's width (or `COLUMNS`), at most 100 for reading
/// comfort and at least 40; 80 when the output is not a terminal.
pub fn width() -> usize {
    static WIDTH: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WIDTH.get_or_init(|| {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .or_else(|| {
                terminal_size::terminal_size()
                    .or_else(|| terminal_size::terminal_size_of(std::io::stderr()))
                    .map(|(w, _)| usize::from(w.0))
            })
            .unwrap_or(80);
        columns.clamp(40, 100)
    })
}

/// True when the locale (LC_ALL, LC_CTYPE or LANG, the first one set) is UTF-8: the
/// terminal can then show block characters.
fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

fn pct(x: Option<f64>) -> String {
    x.map_or("  –".into(), |x| format!("{:>3.0}%", x * 100.0))
}

/// A question as shown at the prompt.
pub fn question(t: &Theme, catalog: &Catalog, item: &Item) -> String {
    let q = item.question;
    let mut s = String::new();
    let topic = catalog
        .topic(&q.topic)
        .map_or(q.topic.as_ref(), |t| &t.title);
    let area = catalog.area(&q.area).map_or(q.area.as_ref(), |a| &a.title);
    let head = if item.review {
        format!("Review {} of {}", item.place, item.total)
    } else if !q.kind.is_graded() {
        format!("Self-rating {} of {}", item.place, item.practice_total)
    } else if item.adaptive {
        format!("Question {} of at most {}", item.place, item.graded_total)
    } else {
        format!("Question {} of {}", item.place, item.graded_total)
    };
    let rest = if q.kind.is_graded() {
        format!("· {area} · {topic} · {}", q.difficulty.as_str())
    } else {
        format!("· {topic} · not graded")
    };
    // Wrapped plain, then styled (wrapping cleans control characters away).
    let line = wrap(&format!("{head} {rest}"), width(), "");
    let (first, more) = line.split_at(head.len().min(line.len()));
    let _ = writeln!(s, "\n{}{}", t.bold(first), t.dim(more));
    let _ = writeln!(s, "\n{}", wrap(&q.prompt, width(), "  "));
    if let Some(code) = &q.code {
        s.push('\n');
        s.push_str(&code_block(t, code, "    "));
    }
    s.push('\n');
    match &q.kind {
        Kind::SingleChoice { choices, .. } | Kind::MultipleSelect { choices, .. } => {
            for (pos, &i) in item.order.iter().enumerate() {
                let label = t.bold(&format!("{})", letter(pos)));
                let text = wrap(&choices[i].text, width(), "      ");
                let _ = writeln!(s, "  {label} {}", text.trim_start());
            }
            if matches!(q.kind, Kind::MultipleSelect { .. }) {
                let _ = writeln!(s, "  {}", t.dim("(select every right choice)"));
            }
        }
        Kind::TrueFalse { .. } => {
            let _ = writeln!(s, "  {}", t.dim("True or false?"));
        }
        Kind::Numeric { unit, .. } => {
            let unit = unit
                .as_deref()
                .map(|u| format!(" (in {})", clean(u)))
                .unwrap_or_default();
            let _ = writeln!(s, "  {}", t.dim(&format!("Type a number{unit}.")));
        }
        Kind::ShortText { .. } => {
            let _ = writeln!(s, "  {}", t.dim("Type a word or short phrase."));
        }
        Kind::SelfRating => {
            let _ = writeln!(
                s,
                "  {}",
                t.dim("Rate yourself: 1 never done this · 2 once, with help · 3 a few times · 4 regularly · 5 could teach it")
            );
        }
    }
    s
}

/// The line before the first question: what kind of quiz this is and how to answer.
pub fn intro(t: &Theme, quiz: &skillquiz::Quiz) -> String {
    let (graded, practice) = (quiz.graded_len(), quiz.practice_len());
    let then = if practice > 0 {
        format!(
            ", then {}",
            count(practice, "practice self-rating", "practice self-ratings")
        )
    } else {
        String::new()
    };
    let what = if graded == 0 {
        format!(
            "A checklist of {} to rate yourself on (not graded).",
            count(practice, "practice item", "practice items")
        )
    } else if quiz.is_adaptive() {
        format!(
            "An adaptive quiz of at most {}{then}: each question is chosen from what is known about you, where your level is least certain, and the quiz ends early once the verdicts are clear.",
            count(graded, "question", "questions")
        )
    } else {
        format!(
            "A quiz of {}{then}.",
            count(graded, "question", "questions")
        )
    };
    format!(
        "{}\n{}\n",
        t.bold("skillquiz"),
        t.dim(&wrap(
            &format!("{what} Type ? at the prompt for help, s to skip (counts as \"don't know\"), q to stop and see your results."),
            width(),
            ""
        ))
    )
}

pub fn prompt_line(t: &Theme, item: &Item) -> String {
    let what = match &item.question.kind {
        Kind::SingleChoice { .. } => {
            format!("A-{}", letter(item.order.len().saturating_sub(1)))
        }
        Kind::MultipleSelect { .. } => "letters".into(),
        Kind::TrueFalse { .. } => "t/f".into(),
        Kind::Numeric { .. } => "number".into(),
        Kind::ShortText { .. } => "text".into(),
        Kind::SelfRating => "1-5".into(),
    };
    let raw = format!("answer ({what}; s skip, ? help, q quit) >");
    format!("{} ", t.accent(&raw))
}

/// The prompt without colour, for the line editor (which needs its plain width).
pub fn prompt_plain(item: &Item) -> String {
    let t = Theme {
        color: false,
        blocks: true,
    };
    prompt_line(&t, item)
}

pub fn help() -> String {
    "  Type your answer and press Enter.\n\
     \x20 Choices: a letter (B); several for select-all questions (A,C or AC).\n\
     \x20 True/false: t or f.  Numbers: 0.25, -3, 1e-3 or 1/4.\n\
     \x20 s skips (counts as \"don't know\"), q ends the quiz and scores what you answered.\n"
        .into()
}

/// What a learner sees right after answering, with immediate feedback.
pub fn feedback(t: &Theme, catalog: &Catalog, r: &Response) -> String {
    let Some(q) = catalog.question(&r.id) else {
        return String::new();
    };
    let mut s = String::new();
    // A pretest answer gets the usual feedback: only the score ignores it.
    if !r.graded && !q.pretest {
        let note = match r.answer {
            skillquiz::Answer::Rating(n) => format!("Noted: {n}/5."),
            _ => "Not rated.".into(),
        };
        let _ = writeln!(s, "  {}", t.dim(&note));
        return s;
    }
    // The lead is coloured after wrapping (wrapping cleans control characters away).
    let (plain, lead) = if r.correct {
        ("✓ Right.".to_string(), t.good("✓ Right."))
    } else if r.score > 0.0 {
        let p = format!("◐ Partly right ({:.0}%).", r.score * 100.0);
        let l = t.warn(&p);
        (p, l)
    } else if r.skipped() {
        ("– Skipped.".to_string(), t.bad("– Skipped."))
    } else {
        ("✗ Not quite.".to_string(), t.bad("✗ Not quite."))
    };
    let picked: Vec<usize> = match &r.answer {
        skillquiz::Answer::Choice(c) => vec![*c],
        skillquiz::Answer::Choices(cs) => cs.clone(),
        _ => vec![],
    };
    match &q.kind {
        // Every choice in the order shown, the right ones marked, each picked choice's
        // feedback under it.
        Kind::MultipleSelect {
            choices, answers, ..
        } if !r.correct => {
            let _ = writeln!(s, "  {lead} The right choices are marked ✓:");
            for (pos, &i) in r.order.iter().enumerate() {
                let mark = if answers.contains(&i) { "✓" } else { " " };
                let mine = if picked.contains(&i) {
                    " (your pick)"
                } else {
                    ""
                };
                let line = wrap(
                    &format!("{}) {}{mine}", letter(pos), choices[i].text),
                    width(),
                    "      ",
                );
                let _ = writeln!(s, "    {mark} {}", line.trim_start());
                if let (true, Some(f)) = (picked.contains(&i), &choices[i].feedback) {
                    let _ = writeln!(s, "{}", t.warn(&wrap(f, width(), "        ")));
                }
            }
        }
        _ if r.correct => {
            let _ = writeln!(s, "  {lead}");
        }
        _ => {
            let key = format!("The answer is {}.", describe_key(q, &r.order));
            let line = wrap(&format!("{plain} {key}"), width(), "  ");
            let _ = writeln!(s, "{}", line.replacen(&plain, &lead, 1));
            if let (Some(choices), [p]) = (q.kind.choices(), picked.as_slice())
                && let Some(f) = choices.get(*p).and_then(|c| c.feedback.as_ref())
            {
                let pos = r.order.iter().position(|o| o == p).map_or('?', letter);
                let _ = writeln!(
                    s,
                    "{}",
                    t.warn(&wrap(&format!("You picked {pos}): {f}"), width(), "  "))
                );
            }
        }
    }
    if !q.explanation.is_empty() {
        let _ = writeln!(s, "{}", wrap(&q.explanation, width(), "  "));
    }
    s
}

/// The end-of-quiz report.
pub fn report(
    t: &Theme,
    r: &QuizResult,
    show_missed: bool,
    all: bool,
    trend: Option<&crate::learn::Progress>,
) -> String {
    let mut s = String::new();
    let answered = r.questions.iter().filter(|q| q.response.graded).count();
    let ended = match r.ended {
        skillquiz::Ended::Completed => String::new(),
        skillquiz::Ended::Quit | skillquiz::Ended::Interrupted => " (ended early)".into(),
        skillquiz::Ended::InputEnded => " (input ended early)".into(),
    };
    let _ = writeln!(
        s,
        "\n{}{}",
        t.bold("Your results"),
        t.dim(&format!(
            " · {} of {}{ended} · overall {}",
            count(answered, "graded answer", "graded answers"),
            count(r.asked, "question", "questions"),
            pct(r.score).trim()
        ))
    );
    // First screen: where the learner stands, per area, then the plan.
    if r.learner.areas.is_empty() {
        let _ = writeln!(
            s,
            "\n  No graded answers, so there is nothing to score yet."
        );
    }
    s.push_str(&learner_areas(t, &r.learner));
    if let Some(p) = trend.filter(|p| p.attempts >= 2) {
        s.push_str(&trend_lines(t, p));
    }
    let known: usize = r.learner.areas.iter().map(|a| a.answered).sum::<usize>() + r.practice.len();
    s.push_str(&plan(
        t,
        &r.recommendations,
        (!all).then_some(PLAN_SHOWN),
        known,
    ));
    s.push_str(&review_line(t, r));
    // Then the detail: topics, this quiz's own figures, self-ratings.
    s.push_str(&learner_topics(t, &r.learner));
    if !r.areas.is_empty() {
        let _ = writeln!(s, "\n{}", t.bold("This quiz"));
        for a in &r.areas {
            let _ = writeln!(
                s,
                "  {:<20}  {}  {}  {}",
                clip(&clean(&a.title), 20),
                t.accent(&t.bar(a.score.unwrap_or(0.0), if width() < 80 { 8 } else { 20 })),
                pct(a.score),
                t.dim(&format!("{} of {} right", a.correct, a.answered)),
            );
        }
        let partly = r
            .questions
            .iter()
            .filter(|q| q.response.graded && q.response.score > 0.0 && !q.response.correct)
            .count();
        if partly > 0 {
            let _ = writeln!(
                s,
                "{}",
                t.dim(&wrap(
                    &format!(
                        "{} partly right: {} in the score above, but as wrong for the verdict and ability, which only count fully right answers.",
                        count(partly, "answer was", "answers were"),
                        if partly == 1 { "it counts" } else { "they count" }
                    ),
                    width(),
                    "  "
                ))
            );
        }
    }
    if let Some(c) = &r.calibration {
        s.push_str(&calibration(t, c));
    }
    if !r.practice.is_empty() {
        let _ = writeln!(s, "\n{}", t.bold("Practice (self-rated, not graded)"));
        let w = r
            .practice
            .iter()
            .map(|x| clean(&x.title).chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for x in &r.practice {
            let mean = 1.0 + 4.0 * x.score.unwrap_or(0.0);
            let _ = writeln!(s, "  {:<w$}  {:.1}/5", clip(&clean(&x.title), 40), mean);
        }
    }
    if show_missed && !r.missed.is_empty() {
        let _ = writeln!(s, "\n{}", t.bold("Questions to review"));
        for (i, m) in r.missed.iter().enumerate() {
            let number = format!("{}.", i + 1);
            let head = wrap(
                &format!("{number} {} [{}]", m.prompt, m.id),
                width(),
                "     ",
            );
            let _ = writeln!(s, "\n  {}", head.trim_start());
            if let Some(code) = &m.code {
                s.push_str(&code_block(t, code, "       "));
            }
            for (label, text, paint) in [
                (
                    "Your answer:",
                    &m.your_answer,
                    Theme::bad as fn(&Theme, &str) -> String,
                ),
                ("Right answer:", &m.right_answer, Theme::good),
            ] {
                let line = wrap(&format!("{label} {text}"), width(), "       ");
                let _ = writeln!(
                    s,
                    "     {}",
                    line.trim_start().replacen(label, &paint(t, label), 1)
                );
            }
            for f in &m.feedback {
                let _ = writeln!(s, "{}", t.warn(&wrap(f, width(), "     ")));
            }
            if !m.explanation.is_empty() {
                let _ = writeln!(s, "{}", wrap(&m.explanation, width(), "     "));
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{}",
        t.dim(&wrap(&if r.attempt.is_some() {
            format!(
                "Seed {}: the same seed and the same answers give the same quiz. Saved in your history: `skillquiz progress` shows the trend.",
                r.seed
            )
        } else {
            format!(
                "Seed {}: the same seed and the same answers give the same quiz. Not saved (--no-history); --json prints the result to keep.",
                r.seed
            )
        }, width(), ""))
    );
    s
}

/// A code snippet set apart by a bar, lines as written (code is never wrapped).
fn code_block(t: &Theme, code: &str, indent: &str) -> String {
    clean(code)
        .lines()
        .map(|line| format!("{indent}{} {}\n", t.dim("│"), t.accent(line)))
        .collect()
}

/// "72% sure".
fn sure(p: f64) -> String {
    format!("{:>3.0}% sure", (p * 100.0).floor())
}

/// The learner model's verdicts, short: one line per area and a legend (the first
/// screen of the report).
pub fn learner_areas(t: &Theme, l: &skillquiz::LearnerResult) -> String {
    let mut s = String::new();
    if l.areas.is_empty() {
        return s;
    }
    let answers: usize = l.areas.iter().map(|a| a.answered).sum();
    let _ = writeln!(
        s,
        "\n{}{}",
        t.bold("Where you stand"),
        t.dim(&format!(
            " · from {}, {}",
            count(l.attempts, "quiz", "quizzes"),
            count(answers, "graded answer", "graded answers")
        ))
    );
    for a in &l.areas {
        let ability = t.dim(&format!(
            "ability {:+.2} ± {:.2} · {}",
            a.theta,
            a.se,
            count(a.answered, "answer", "answers")
        ));
        // 46 columns before the ability: at 80 columns the row fits up to 9,999 answers;
        // narrower, the ability goes on a line of its own.
        let sep = if width() < 80 { "\n      " } else { "  " };
        let head = format!(
            "  {:<20} {} {} {}",
            clip(&clean(&a.title), 20),
            t.level_padded(a.level, 10),
            sure(a.probability),
            settled_mark(t, a.settled),
        );
        // Trailing blanks go only when the ability moves to the next line (they align it).
        let head = if width() < 80 {
            head.trim_end()
        } else {
            head.as_str()
        };
        let _ = writeln!(s, "{head}{sep}{ability}");
    }
    let _ = writeln!(
        s,
        "{}",
        t.dim(&wrap(
            "\"72% sure\": the chance that the level is right, given every answer so far (older ones count less); ✓ settled (95% or more). Ability 0 = even odds on a medium question; strong from +1.10.",
            width(),
            "  "
        ))
    );
    s
}

/// Every answered topic's verdict, area by area.
pub fn learner_topics(t: &Theme, l: &skillquiz::LearnerResult) -> String {
    let mut s = String::new();
    if l.areas.is_empty() {
        return s;
    }
    let _ = writeln!(s, "\n{}", t.bold("By topic"));
    // 42 columns besides the title, which gets the rest (at most 28).
    let tw = width().saturating_sub(42).clamp(12, 28);
    for a in &l.areas {
        let _ = writeln!(s, "  {}", t.bold(&clean(&a.title)));
        let topics: Vec<_> = l.topics.iter().filter(|x| x.area == a.id).collect();
        let unasked = topics.iter().filter(|x| x.answered == 0).count();
        for x in topics.iter().filter(|x| x.answered > 0) {
            let _ = writeln!(
                s,
                "    {:<tw$} {} {} {}  {}",
                clip(&clean(&x.title), tw),
                t.level_padded(x.level, 10),
                sure(x.probability),
                settled_mark(t, x.settled),
                t.dim(&format!("{} of {} right", x.correct, x.answered)),
            );
        }
        if unasked > 0 {
            let _ = writeln!(
                s,
                "    {}",
                t.dim(&format!(
                    "{unasked} {} not asked yet: judged from the rest of the area",
                    plural(unasked, "topic", "topics")
                ))
            );
        }
    }
    s
}

/// Certainty-based marking: per certainty, how often right against the optimal range,
/// and Moodle's judgement; then the marks.
fn calibration(t: &Theme, c: &skillquiz::cbm::Summary) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{}",
        t.bold("How sure were you? (certainty-based marking)")
    );
    let pc = |x: f64| format!("{:.0}%", 100.0 * x);
    for l in &c.levels {
        let name = ["1 unsure", "2 mid", "3 quite sure"][usize::from(l.certainty - 1)];
        let range = format!("best {}–{}", pc(l.optimal.0), pc(l.optimal.1));
        match (l.accuracy, l.interval, l.judgement) {
            (Some(a), Some((lo, hi)), Some(j)) => {
                let judged = match j {
                    skillquiz::cbm::Judgement::About => t.good(j.as_str()),
                    skillquiz::cbm::Judgement::Overconfident
                    | skillquiz::cbm::Judgement::SlightlyOverconfident => t.bad(j.as_str()),
                    _ => t.warn(j.as_str()),
                };
                let _ = writeln!(
                    s,
                    "  {:<13} {:>3} {}  {:>4} right {:<11}  {:<13}  {judged}",
                    name,
                    l.answers,
                    plural(l.answers, "answer ", "answers"),
                    pc(a),
                    format!("({}–{})", pc(lo), pc(hi)),
                    range
                );
            }
            _ => {
                let _ = writeln!(s, "  {:<13}   {}  {range}", name, t.dim("no answers"));
            }
        }
    }
    let _ = writeln!(
        s,
        "{}",
        t.dim(&wrap(
            &format!(
                "Average CBM mark {:.2} (from −6 to 3) · accuracy {} · CBM bonus {:+.1}% · accuracy + bonus {}. Marks: right 1 / 2 / 3, wrong 0 / −2 / −6 at certainty 1 / 2 / 3 (Moodle's).",
                c.average_mark,
                pc(c.accuracy),
                100.0 * c.bonus,
                pc(c.accuracy_plus_bonus)
            ),
            width(),
            "  "
        ))
    );
    s
}

/// Per area, the ability after each quiz as a sparkline (the last 30) and the change
/// since the first quiz: one line each, within 80 columns.
fn trend_lines(t: &Theme, p: &crate::learn::Progress) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{}{}",
        t.bold("Your trend"),
        t.dim(&format!(
            " · over {} (−3 to +3; `skillquiz progress` has more)",
            count(p.attempts, "quiz", "quizzes")
        ))
    );
    for a in &p.areas {
        let thetas: Vec<f64> = a.points.iter().map(|pt| pt.theta).collect();
        let shown = &thetas[thetas.len().saturating_sub(30)..];
        let change = a.since_first.as_ref().map_or(String::new(), |c| {
            format!(
                "{:+.2} since the first{}",
                c.delta,
                if c.beyond_noise { "" } else { " (noise)" }
            )
        });
        let _ = writeln!(
            s,
            "  {:<20}  {:<30}  {}",
            clip(&clean(&a.title), 20),
            t.accent(&t.sparkline(shown)),
            t.dim(&change)
        );
    }
    s
}

/// What the spaced review holds, in one line after the plan.
fn review_line(t: &Theme, r: &QuizResult) -> String {
    let Some(review) = r.review else {
        return String::new();
    };
    let text = if review.due_now > 0 {
        format!(
            "{} you missed {} due for review: `skillquiz review`.",
            count(review.due_now, "question", "questions"),
            plural(review.due_now, "is", "are")
        )
    } else if let Some(next) = review.next_due_at {
        format!(
            "The questions you missed come up for review from {} (`skillquiz review`).",
            crate::learn::date(next)
        )
    } else {
        return String::new();
    };
    format!("\n{}\n", t.accent(&wrap(&text, width(), "  ")))
}

/// "1 quiz", "3 quizzes".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// `one` for 1, else `many`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn settled_mark(t: &Theme, settled: bool) -> String {
    if settled { t.good("✓") } else { " ".into() }
}

/// `s` cut to `width` characters, with an ellipsis when cut.
fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(width.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

/// `recommend` without a result: where the learner stands and the plan.
pub fn standing(t: &Theme, r: &QuizResult, all: bool) -> String {
    let mut s = learner_areas(t, &r.learner);
    let known: usize = r.learner.areas.iter().map(|a| a.answered).sum();
    s.push_str(&plan(
        t,
        &r.recommendations,
        (!all).then_some(PLAN_SHOWN),
        known,
    ));
    s.push_str(&review_line(t, r));
    s.push_str(&learner_topics(t, &r.learner));
    s
}

/// What `history` and `progress` say before the first quiz.
const NO_HISTORY: &str = "No quizzes in the history yet: `skillquiz take` starts one.";

/// `history`: one line per attempt.
pub fn history_list(t: &Theme, list: &[skillquiz::history::AttemptSummary]) -> String {
    let mut s = String::new();
    if list.is_empty() {
        let _ = writeln!(s, "{NO_HISTORY}");
        return s;
    }
    let _ = writeln!(
        s,
        "{}",
        t.bold(&format!(
            "{:<8}  {:<16}  {:<8}  {:>9}  {:>5}  {}",
            "id", "started (UTC)", "mode", "questions", "score", "areas"
        ))
    );
    for a in list {
        let i = &a.info;
        let areas = if i.spec.areas.is_empty() && i.spec.topics.is_empty() {
            "all".to_string()
        } else {
            i.spec
                .areas
                .iter()
                .chain(&i.spec.topics)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ended = match i.ended {
            Some(skillquiz::Ended::Completed) => "",
            None => " (unfinished)",
            Some(_) => " (ended early)",
        };
        let score = if a.graded > 0 {
            format!("{:.0}%", 100.0 * a.score_sum / a.graded as f64)
        } else {
            "–".into()
        };
        let mode = match i.mode {
            skillquiz::Mode::Adaptive => "adaptive",
            skillquiz::Mode::Fixed => "fixed",
        };
        let _ = writeln!(
            s,
            "{:<8}  {:<16}  {:<8}  {:>9}  {:>5}  {}{}",
            crate::learn::short_id(&i.id),
            crate::learn::date(i.started_at),
            mode,
            a.graded,
            score,
            clip(&clean(&areas), 20),
            t.dim(ended)
        );
    }
    let _ = writeln!(
        s,
        "{}",
        t.dim("`skillquiz history show ID` shows one; `skillquiz progress` shows the trend.")
    );
    s
}

/// Sparkline characters, low to high.
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `progress`: per area a sparkline of ability (on a terminal) or the values (plain), the
/// change since the first and the previous attempt, topic levels now against before, and
/// the roadmap steps.
pub fn progress(t: &Theme, p: &crate::learn::Progress) -> String {
    let mut s = String::new();
    if p.attempts == 0 {
        let _ = writeln!(s, "{NO_HISTORY}");
        return s;
    }
    let _ = writeln!(
        s,
        "{}",
        t.bold(&format!(
            "Progress over {}",
            count(p.attempts, "quiz", "quizzes")
        ))
    );
    for a in &p.areas {
        let last = a.points.last().expect("areas with points only");
        let _ = writeln!(
            s,
            "\n  {:<26} {}  {}  {}",
            clip(&clean(&a.title), 26),
            t.level_padded(last.level, 10),
            sure(last.probability),
            t.dim(&format!("ability {:+.2} ± {:.2}", last.theta, last.se))
        );
        // The last 40 attempts fit an 80-column line.
        let shown = &a.points[a.points.len().saturating_sub(40)..];
        if t.color {
            let thetas: Vec<f64> = shown.iter().map(|pt| pt.theta).collect();
            let line = t.sparkline(&thetas);
            let _ = writeln!(
                s,
                "    {}  {}",
                t.accent(&line),
                t.dim("ability after each quiz, −3 to +3")
            );
        } else {
            let vals: Vec<String> = shown.iter().map(|pt| format!("{:+.2}", pt.theta)).collect();
            let _ = writeln!(
                s,
                "{}",
                wrap(
                    &format!("ability after each quiz: {}", vals.join(" ")),
                    80,
                    "    "
                )
            );
        }
        let _ = writeln!(
            s,
            "    {}",
            t.dim(&format!(
                "since the first quiz {} · since the previous {}",
                crate::learn::Change::describe(a.since_first.as_ref()),
                crate::learn::Change::describe(a.since_previous.as_ref())
            ))
        );
    }
    let changed: Vec<_> = p
        .topics
        .iter()
        .filter(|x| x.before.as_ref().is_some_and(|b| b.level != x.now.level))
        .collect();
    let _ = writeln!(
        s,
        "\n  {}",
        t.bold("Topics whose level changed in the latest quiz")
    );
    if changed.is_empty() {
        let _ = writeln!(s, "    {}", t.dim("none"));
    }
    for x in changed {
        let b = x.before.as_ref().expect("filtered");
        let _ = writeln!(
            s,
            "    {:<30} {} → {}  {}",
            clip(&clean(&x.title), 30),
            t.level(b.level),
            t.level(x.now.level),
            t.dim(&sure(x.now.probability))
        );
    }
    let _ = writeln!(
        s,
        "\n  {}",
        t.bold("Roadmap steps: topics most likely strong")
    );
    for st in &p.steps {
        let _ = writeln!(
            s,
            "    Step {} {:<36} {} of {}",
            st.step,
            clip(&clean(&st.title), 36),
            st.strong,
            st.topics
        );
    }
    let _ = writeln!(
        s,
        "{}",
        t.dim(&wrap(
            "A change is real when it is larger than 1.96 times the combined standard error of the two estimates; smaller changes may be noise.",
            80,
            "  "
        ))
    );
    s
}

/// A resource: its title and kind, wrapped, then its URL on a line of its own (a URL is
/// never broken, so that a terminal can still open it).
pub fn resource(t: &Theme, title: &str, kind: &str, url: &str, indent: &str) -> String {
    format!(
        "{}\n{indent}  {}\n",
        wrap(&format!("{} ({kind})", clean(title)), width(), indent),
        t.dim(&clean(url))
    )
}

/// The next-steps plan.
/// Plan entries shown before "and N more" (`--all` shows every one).
pub const PLAN_SHOWN: usize = 6;

/// The next-steps plan: the first `limit` entries (foundations first), or all.
pub fn plan(t: &Theme, recs: &[Recommendation], limit: Option<usize>, answered: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\n{}", t.bold("Next steps"));
    if recs.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            wrap(
                if answered == 0 {
                    "Nothing was answered, so there is no plan yet: take a quiz to get one."
                } else {
                    "Nothing stands out as weak. Answer more questions (--count) for a sharper picture."
                },
                width(),
                "  "
            )
        );
        return s;
    }
    let total: usize = recs.iter().map(|r| r.entries.len()).sum();
    let limit = limit.unwrap_or(usize::MAX);
    let mut shown = 0;
    for rec in recs {
        if shown >= limit {
            break;
        }
        let _ = writeln!(
            s,
            "\n  {} {}",
            t.accent(&format!("Step {}", rec.step)),
            t.bold(&clean(&rec.title))
        );
        for e in &rec.entries {
            if shown >= limit {
                break;
            }
            let evidence = if e.self_rated {
                match e.score {
                    Some(x) => format!("you rated yourself {:.1}/5", 1.0 + 4.0 * x),
                    None => "not rated yet".into(),
                }
            } else {
                format!("{} of {} right", e.correct, e.answered)
            };
            let level = match e.probability {
                Some(p) if !e.self_rated => {
                    format!("{} ({}) · ", e.level.as_str(), sure(p).trim())
                }
                _ => String::new(),
            };
            // Wrapped plain, then coloured (wrapping cleans control characters away).
            let title = clean(&e.title);
            let line = wrap(&format!("• {title} — {level}{evidence}"), width(), "      ");
            let line = line
                .trim_start()
                .replacen(&title, &t.bold(&title), 1)
                .replacen(
                    &format!("— {}", e.level.as_str()),
                    &format!("— {}", t.level(e.level)),
                    usize::from(!e.self_rated),
                );
            let _ = writeln!(s, "    {line}");
            shown += 1;
            for l in &e.resources {
                s.push_str(&resource(t, &l.title, &l.kind, &l.url, "        "));
            }
            if !e.confidently_wrong.is_empty() {
                let _ = writeln!(
                    s,
                    "{}",
                    t.bad(&wrap(
                        &format!(
                            "You were quite sure of a wrong answer ({}): a misconception to fix first.",
                            e.confidently_wrong.join(", ")
                        ),
                        width(),
                        "        "
                    ))
                );
                for m in &e.misconceptions {
                    let _ = writeln!(s, "{}", t.warn(&wrap(m, width(), "        ")));
                }
            }
            if !e.self_rated {
                let _ = writeln!(
                    s,
                    "        {}",
                    t.dim(&format!(
                        "practise it: skillquiz take --topic {}",
                        clean(&e.topic)
                    ))
                );
            }
        }
    }
    if total > shown {
        let more = total - shown;
        let _ = writeln!(
            s,
            "\n  {}",
            t.dim(&format!(
                "… and {more} more {} to work on: `skillquiz recommend --all` lists every one.",
                plural(more, "topic", "topics")
            ))
        );
    }
    s
}

/// `file:line:col: error: message`, the source line, a caret and the hint.
pub fn diagnostic(t: &Theme, d: &Diagnostic, source_line: Option<&str>) -> String {
    let mut s = String::new();
    let sev = match d.severity {
        Severity::Error => t.bad("error"),
        Severity::Warning => t.warn("warning"),
    };
    let place = if d.line > 0 {
        format!("{}:{}:{}", d.file, d.line, d.col)
    } else {
        d.file.clone()
    };
    let q = d
        .question
        .as_ref()
        .map(|q| format!("question `{q}`: "))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}: {sev}: {}{} {}",
        t.bold(&clean(&place)),
        clean(&q),
        clean(&d.problem.to_string()),
        t.dim(&format!("[{}]", d.code()))
    );
    if let Some(line) = source_line.filter(|_| d.line > 0) {
        let chars: Vec<char> = clean(line).replace('\t', " ").chars().collect();
        // Show at most a window of the line around the column, so a huge line stays short.
        const SHOWN: usize = 100;
        let col = d.col.saturating_sub(1).min(chars.len());
        let start = col.saturating_sub(SHOWN / 2);
        let end = (start + SHOWN).min(chars.len());
        let mut line: String = chars[start..end].iter().collect();
        let mut caret_at = col - start;
        if start > 0 {
            line.insert(0, '…');
            caret_at += 1;
        }
        if end < chars.len() {
            line.push('…');
        }
        let num = d.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(s, "  {pad} {}", t.dim("|"));
        let _ = writeln!(s, "  {} {} {line}", t.dim(&num), t.dim("|"));
        let _ = writeln!(
            s,
            "  {pad} {} {}{}",
            t.dim("|"),
            " ".repeat(caret_at),
            t.bad("^")
        );
    }
    if let Some(h) = d.hint() {
        let _ = writeln!(s, "  {} {}", t.accent("hint:"), clean(&h));
    }
    s
}

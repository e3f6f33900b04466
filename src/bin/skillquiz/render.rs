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
}

impl Theme {
    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty.
    pub fn for_stream(is_terminal: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: is_terminal && !no_color,
        }
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

/// Wraps text to `width` columns, indenting every line by `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for (i, para) in clean(text).split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
                let _ = writeln!(out, "{indent}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = write!(out, "{indent}{line}");
    }
    out
}

const WIDTH: usize = 88;

pub fn bar(score: f64, width: usize) -> String {
    let filled = (score.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
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
        .map_or(q.topic.as_str(), |t| &t.title);
    let area = catalog.area(&q.area).map_or(q.area.as_str(), |a| &a.title);
    let _ = writeln!(
        s,
        "\n{} {}",
        t.bold(&if item.adaptive {
            format!("Question {} of at most {}", item.number, item.total)
        } else {
            format!("Question {} of {}", item.number, item.total)
        }),
        t.dim(&format!("· {area} · {topic} · {}", q.difficulty.as_str()))
    );
    let _ = writeln!(s, "\n{}", wrap(&q.prompt, WIDTH, "  "));
    if let Some(code) = &q.code {
        s.push('\n');
        for line in clean(code).lines() {
            let _ = writeln!(s, "    {} {}", t.dim("│"), t.accent(line));
        }
    }
    s.push('\n');
    match &q.kind {
        Kind::SingleChoice { choices, .. } | Kind::MultipleSelect { choices, .. } => {
            for (pos, &i) in item.order.iter().enumerate() {
                let label = t.bold(&format!("{})", letter(pos)));
                let text = wrap(&choices[i].text, WIDTH, "      ");
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
    let what = if quiz.is_adaptive() {
        format!(
            "An adaptive quiz of at most {} questions: each one is chosen from your answers so far, and an area ends once its verdict is clear.",
            quiz.len()
        )
    } else {
        format!("A quiz of {} questions.", quiz.len())
    };
    format!(
        "{}\n{}\n",
        t.bold("skillquiz"),
        t.dim(&wrap(
            &format!("{what} Type ? at the prompt for help, s to skip (counts as \"don't know\"), q to stop and see your results."),
            WIDTH,
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
    format!(
        "{} ",
        t.accent(&format!("answer ({what}; s skip, ? help, q quit) >"))
    )
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
    if !r.graded {
        let _ = writeln!(s, "  {}", t.dim("Noted."));
        return s;
    }
    if r.correct {
        let _ = writeln!(s, "  {}", t.good("✓ Right."));
    } else if r.score > 0.0 {
        let _ = writeln!(
            s,
            "  {} {}",
            t.warn(&format!("◐ Partly right ({:.0}%).", r.score * 100.0)),
            clean(&format!("The answer is {}.", describe_key(q, &r.order)))
        );
    } else {
        let lead = if r.skipped() {
            "– Skipped."
        } else {
            "✗ Not quite."
        };
        let _ = writeln!(
            s,
            "  {} {}",
            t.bad(lead),
            clean(&format!("The answer is {}.", describe_key(q, &r.order)))
        );
    }
    if let Some(choices) = q.kind.choices() {
        let picked: Vec<usize> = match &r.answer {
            skillquiz::Answer::Choice(c) => vec![*c],
            skillquiz::Answer::Choices(cs) => cs.clone(),
            _ => vec![],
        };
        for p in picked {
            if let Some(f) = choices.get(p).and_then(|c| c.feedback.as_ref()) {
                let _ = writeln!(s, "{}", t.warn(&wrap(f, WIDTH, "  ")));
            }
        }
    }
    if !q.explanation.is_empty() {
        let _ = writeln!(s, "{}", wrap(&q.explanation, WIDTH, "  "));
    }
    s
}

/// The end-of-quiz report.
pub fn report(t: &Theme, r: &QuizResult, show_missed: bool) -> String {
    let mut s = String::new();
    let answered = r.questions.iter().filter(|q| q.response.graded).count();
    let ended = match r.ended {
        skillquiz::Ended::Completed => String::new(),
        skillquiz::Ended::Quit => " (ended early)".into(),
        skillquiz::Ended::InputEnded => " (input ended early)".into(),
    };
    let _ = writeln!(
        s,
        "\n{}{}",
        t.bold("Your results"),
        t.dim(&format!(
            " · {answered} graded answer(s) of {} question(s){ended} · overall {}",
            r.asked,
            pct(r.score).trim()
        ))
    );
    if r.areas.is_empty() {
        let _ = writeln!(
            s,
            "\n  No graded answers, so there is nothing to score yet."
        );
    } else {
        s.push('\n');
        let w = r
            .areas
            .iter()
            .map(|a| a.title.chars().count())
            .max()
            .unwrap_or(0);
        let adaptive = r.mode == skillquiz::Mode::Adaptive;
        for a in &r.areas {
            let ability = match (a.theta, a.se) {
                (Some(theta), Some(se)) => format!("ability {theta:+.2} ± {se:.2}"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {:<w$}  {}  {}  {:<19}  {}  {}",
                clean(&a.title),
                t.accent(&bar(a.score.unwrap_or(0.0), 20)),
                pct(a.score),
                t.level(a.level),
                ability,
                t.dim(&format!("{} of {} right", a.correct, a.answered)),
            );
        }
        let thin: Vec<&str> = r
            .areas
            .iter()
            .filter(|a| a.level == Level::NotEnoughEvidence || (adaptive && !a.settled))
            .map(|a| a.title.as_str())
            .collect();
        let _ = writeln!(
            s,
            "{}",
            t.dim(&wrap(
                &format!(
                    "Ability is on a logit scale (0 = even odds on a medium question), ± one standard error.{}{}",
                    if adaptive {
                        " Levels come from ability: weak below 0, strong from 1.10."
                    } else {
                        " Levels come from the mean score."
                    },
                    if thin.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " The evidence is still thin for {}: more questions would sharpen the verdict.",
                            thin.iter().map(|x| clean(x)).collect::<Vec<_>>().join(", ")
                        )
                    }
                ),
                WIDTH,
                "  "
            ))
        );
        s.push('\n');
        let _ = writeln!(s, "  {}", t.bold("By topic"));
        let w = r
            .topics
            .iter()
            .map(|x| x.title.chars().count())
            .max()
            .unwrap_or(0);
        for x in &r.topics {
            let _ = writeln!(
                s,
                "    {:<w$}  {}  {}  {}",
                clean(&x.title),
                pct(x.score),
                t.level(x.level),
                t.dim(&format!("{} of {} right", x.correct, x.answered)),
            );
        }
    }
    if !r.practice.is_empty() {
        let _ = writeln!(s, "\n  {}", t.bold("Practice (self-rated, not graded)"));
        for x in &r.practice {
            let mean = 1.0 + 4.0 * x.score.unwrap_or(0.0);
            let _ = writeln!(s, "    {}  {:.1}/5", clean(&x.title), mean);
        }
    }
    s.push_str(&plan(t, &r.recommendations));
    if show_missed && !r.missed.is_empty() {
        let _ = writeln!(s, "\n{}", t.bold("Questions to review"));
        for (i, m) in r.missed.iter().enumerate() {
            let _ = writeln!(
                s,
                "\n  {}. {} {}",
                i + 1,
                wrap(&m.prompt, WIDTH, "     ").trim_start(),
                t.dim(&format!("[{}]", m.id))
            );
            let _ = writeln!(
                s,
                "     {} {}",
                t.bad("Your answer:"),
                clean(&m.your_answer)
            );
            let _ = writeln!(
                s,
                "     {} {}",
                t.good("Right answer:"),
                clean(&m.right_answer)
            );
            for f in &m.feedback {
                let _ = writeln!(s, "{}", t.warn(&wrap(f, WIDTH, "     ")));
            }
            if !m.explanation.is_empty() {
                let _ = writeln!(s, "{}", wrap(&m.explanation, WIDTH, "     "));
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{}",
        t.dim(&format!(
            "Seed {} · run again with --seed {} for the same quiz · save with --json > result.json",
            r.seed, r.seed
        ))
    );
    s
}

/// The next-steps plan.
pub fn plan(t: &Theme, recs: &[Recommendation]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\n{}", t.bold("Next steps"));
    if recs.is_empty() {
        let _ = writeln!(
            s,
            "  Nothing stands out as weak. Answer more questions (--count) for a sharper picture."
        );
        return s;
    }
    for rec in recs {
        let _ = writeln!(
            s,
            "\n  {} {}",
            t.accent(&format!("Step {}", rec.step)),
            t.bold(&clean(&rec.title))
        );
        for e in &rec.entries {
            let evidence = if e.self_rated {
                match e.score {
                    Some(x) => format!("you rated yourself {:.1}/5", 1.0 + 4.0 * x),
                    None => "not rated yet".into(),
                }
            } else {
                let right = e.answered - e.missed.len();
                let mut ev = format!("{right} of {} right", e.answered);
                if e.level == Level::NotEnoughEvidence {
                    ev.push_str(", little evidence so far");
                }
                ev
            };
            let level = if e.self_rated {
                String::new()
            } else {
                format!("{} · ", t.level(e.level))
            };
            let _ = writeln!(
                s,
                "    • {} — {level}{}",
                t.bold(&clean(&e.title)),
                evidence
            );
            for l in &e.resources {
                let _ = writeln!(
                    s,
                    "        {} {}",
                    clean(&l.title),
                    t.dim(&format!("({}) {}", l.kind, clean(&l.url)))
                );
            }
        }
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

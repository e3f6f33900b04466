//! Bank questions → GIFT text that Moodle and [`super::import_gift`] read back.

use crate::bank::{Catalog, Kind, Question, Tolerance};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// GIFT text and what did not fit in it.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    pub text: String,
    /// Questions written, per skillquiz kind.
    pub written: BTreeMap<&'static str, usize>,
    /// (question id, why) for questions GIFT cannot express (self-ratings).
    pub skipped: Vec<(String, String)>,
    /// (question id, what was lost) for details GIFT has no place for.
    pub notes: Vec<(String, String)>,
}

/// Moodle's `repchar`: escapes the characters GIFT reserves and writes line breaks as `\n`.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '#' | '=' | '~' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A weight as Moodle writes it: up to 5 decimals, no trailing zeros.
fn pct(w: f64) -> String {
    let s = format!("{w:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn feedback(fb: &Option<String>) -> String {
    match fb {
        Some(f) if !f.trim().is_empty() => format!("#{}", esc(f)),
        _ => String::new(),
    }
}

fn general(explanation: &str) -> String {
    if explanation.trim().is_empty() {
        String::new()
    } else {
        format!("####{}", esc(explanation))
    }
}

fn question_text(q: &Question) -> String {
    match &q.code {
        Some(code) => format!(
            "[markdown]{}",
            esc(&format!("{}\n\n```\n{code}\n```", q.prompt))
        ),
        // A text that starts with `[` would read as a format marker.
        None if q.prompt.trim_start().starts_with('[') => format!("[moodle]{}", esc(&q.prompt)),
        None => esc(&q.prompt),
    }
}

/// Writes `questions` as GIFT, grouped under a `$CATEGORY:` per topic (the topic id, which
/// the importer maps back to the same topic) and titled with their ids.
pub fn export_gift(questions: &[&Question], cat: &Catalog) -> Exported {
    let mut ex = Exported::default();
    let mut topics: Vec<&str> = Vec::new();
    for q in questions {
        if matches!(q.kind, Kind::SelfRating) {
            ex.skipped
                .push((q.id.clone(), "GIFT has no self-rating questions".into()));
            continue;
        }
        if !topics.contains(&q.topic.as_str()) {
            topics.push(&q.topic);
        }
    }
    let _ = writeln!(
        ex.text,
        "// Exported by skillquiz {}. GIFT has no place for difficulty, item parameters,\n// tags, resources or units.\n",
        env!("CARGO_PKG_VERSION")
    );
    for topic in topics {
        let title = cat.topic(topic).map(|t| t.title.as_str()).unwrap_or(topic);
        let _ = writeln!(
            ex.text,
            "// topic: {}\n$CATEGORY: {}\n",
            title.replace('\n', " "),
            topic
        );
        for q in questions.iter().filter(|q| q.topic == topic) {
            write_question(&mut ex, q);
        }
    }
    ex
}

fn write_question(ex: &mut Exported, q: &Question) {
    let mut lost: Vec<&str> = Vec::new();
    if q.params.is_some() {
        lost.push("item parameters");
    }
    if !q.tags.is_empty() {
        lost.push("tags");
    }
    if !q.resources.is_empty() {
        lost.push("resources");
    }
    let head = format!("::{}::{}", esc(&q.id), question_text(q));
    let gfb = general(&q.explanation);
    let body = match &q.kind {
        Kind::SingleChoice {
            choices,
            answer,
            fixed_order,
        } => {
            let tf = *fixed_order
                && choices.len() == 2
                && choices[0].text == "True"
                && choices[1].text == "False"
                && choices
                    .iter()
                    .any(|c| c.feedback.as_ref().is_some_and(|f| !f.trim().is_empty()));
            if tf {
                // True/false with feedback for each side: {TRUE#wrong#right}.
                let (key, right, wrong) = if *answer == 0 {
                    ("TRUE", &choices[0].feedback, &choices[1].feedback)
                } else {
                    ("FALSE", &choices[1].feedback, &choices[0].feedback)
                };
                let text = |f: &Option<String>| f.as_deref().map(esc).unwrap_or_default();
                format!("{{{key}#{}#{}{gfb}}}", text(wrong), text(right))
            } else {
                if *fixed_order {
                    lost.push("fixed choice order");
                }
                let mut s = String::from("{\n");
                for (i, c) in choices.iter().enumerate() {
                    let mark = if i == *answer { "=" } else { "~" };
                    let _ = writeln!(s, "\t{mark}{}{}", esc(&c.text), feedback(&c.feedback));
                }
                if !gfb.is_empty() {
                    let _ = writeln!(s, "\t{gfb}");
                }
                s.push('}');
                s
            }
        }
        Kind::MultipleSelect {
            choices,
            answers,
            fixed_order,
        } => {
            if *fixed_order {
                lost.push("fixed choice order");
            }
            // Each right pick earns 1/k and each wrong pick costs 1/(n − k), as skillquiz grades.
            let k = answers.len() as f64;
            let wrong = (choices.len() - answers.len()).max(1) as f64;
            let mut s = String::from("{\n");
            for (i, c) in choices.iter().enumerate() {
                let w = if answers.contains(&i) {
                    100.0 / k
                } else {
                    -100.0 / wrong
                };
                let _ = writeln!(
                    s,
                    "\t~%{}%{}{}",
                    pct(w),
                    esc(&c.text),
                    feedback(&c.feedback)
                );
            }
            if !gfb.is_empty() {
                let _ = writeln!(s, "\t{gfb}");
            }
            s.push('}');
            s
        }
        Kind::TrueFalse { answer } => {
            format!("{{{}{gfb}}}", if *answer { "TRUE" } else { "FALSE" })
        }
        Kind::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            if unit.is_some() {
                lost.push("unit");
            }
            let t = match tolerance {
                Tolerance::Absolute(t) => *t,
                Tolerance::Relative(r) => {
                    lost.push("relative tolerance (written as the same absolute range)");
                    r * answer.abs()
                }
            };
            if t == 0.0 {
                format!("{{#{answer}{gfb}}}")
            } else {
                format!("{{#{answer}:{t}{gfb}}}")
            }
        }
        Kind::ShortText { display, .. } => {
            let mut s = String::from("{\n");
            for a in display {
                let _ = writeln!(s, "\t={}", esc(a));
            }
            if !gfb.is_empty() {
                let _ = writeln!(s, "\t{gfb}");
            }
            s.push('}');
            s
        }
        Kind::SelfRating => return, // reported by export_gift
    };
    let _ = writeln!(ex.text, "{head}{body}\n");
    let kind = match &q.kind {
        Kind::SingleChoice {
            fixed_order: true,
            choices,
            ..
        } if choices.len() == 2 && choices[0].text == "True" && choices[1].text == "False" => {
            "true_false"
        }
        k => k.name(),
    };
    *ex.written.entry(kind).or_insert(0) += 1;
    if !lost.is_empty() {
        ex.notes.push((q.id.clone(), lost.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_reserved_character() {
        assert_eq!(esc("a:b#c=d~e{f}g\\h\ni\r"), r"a\:b\#c\=d\~e\{f\}g\\h\ni");
    }

    #[test]
    fn weights_are_short() {
        assert_eq!(pct(50.0), "50");
        assert_eq!(pct(100.0 / 3.0), "33.33333");
        assert_eq!(pct(-100.0), "-100");
    }
}

//! Bank questions → GIFT text that Moodle and [`super::import_gift`] read back.

use crate::bank::{Catalog, Kind, Question, Tolerance};
use crate::interop::build::escape_wildcard;
use crate::interop::{category_segment, moodle_weights, pct};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// GIFT text and what did not fit in it.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    pub text: String,
    /// Questions written, per skillquiz kind.
    pub written: BTreeMap<&'static str, usize>,
    /// (question id, why) for questions GIFT cannot express (self-ratings, marks Moodle
    /// has no grades for).
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

/// An answer or feedback text: escaped, and behind a `[moodle]` marker when it starts
/// with `[` or `%`, which would otherwise read as a format marker or a weight.
fn answer_text(text: &str) -> String {
    let t = esc(text);
    if t.starts_with(['[', '%']) {
        format!("[moodle]{t}")
    } else {
        t
    }
}

/// A `[key:value]` comment value, `]` written `\]`.
fn comment_value(v: &str) -> String {
    v.replace(']', "\\]").replace('\n', " ")
}

fn feedback(fb: Option<&str>) -> String {
    match fb {
        Some(f) if !f.trim().is_empty() => format!("#{}", answer_text(f)),
        _ => String::new(),
    }
}

fn general(explanation: &str) -> String {
    if explanation.trim().is_empty() {
        String::new()
    } else {
        format!("####{}", answer_text(explanation))
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
                .push((q.id.to_string(), "GIFT has no self-rating questions".into()));
            continue;
        }
        if !topics.contains(&q.topic.as_ref()) {
            topics.push(&q.topic);
        }
    }
    let _ = writeln!(
        ex.text,
        "// Exported by skillquiz {}. GIFT has no place for difficulty, item parameters,\n// resources, units or a fixed choice order.\n",
        env!("CARGO_PKG_VERSION")
    );
    for topic in topics {
        let title = cat.topic(topic).map(|t| t.title.as_ref()).unwrap_or(topic);
        // The title is the category Moodle shows (`/` in a name is written `//`); the id
        // rides along in a comment, which skillquiz reads back and Moodle ignores.
        let _ = writeln!(
            ex.text,
            "// [id:{}]\n$CATEGORY: {}\n",
            comment_value(topic),
            // Moodle does not undo escapes in a category name: write it as it is.
            category_segment(title)
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
    if !q.resources.is_empty() {
        lost.push("resources");
    }
    let mut head = format!("// [id:{}]", comment_value(&q.id));
    for t in &q.tags {
        let _ = write!(head, " [tag:{}]", comment_value(t));
    }
    let _ = write!(head, "\n::{}::{}", esc(&q.id), question_text(q));
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
                let text = |f: &Option<crate::bank::Text>| {
                    f.as_deref().map(answer_text).unwrap_or_default()
                };
                format!("{{{key}#{}#{}{gfb}}}", text(wrong), text(right))
            } else {
                if *fixed_order {
                    lost.push("fixed choice order");
                }
                let mut s = String::from("{\n");
                for (i, c) in choices.iter().enumerate() {
                    let mark = if i == *answer { "=" } else { "~" };
                    let _ = writeln!(
                        s,
                        "\t{mark}{}{}",
                        answer_text(&c.text),
                        feedback(c.feedback.as_deref())
                    );
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
            marks,
            fixed_order,
        } => {
            if *fixed_order {
                lost.push("fixed choice order");
            }
            // Only weights from Moodle's list: its importer refuses the file otherwise.
            let weights = match moodle_weights(choices.len(), answers, marks) {
                Ok(w) => w,
                Err(why) => {
                    ex.skipped.push((q.id.to_string(), why));
                    return;
                }
            };
            let mut s = String::from("{\n");
            for (c, w) in choices.iter().zip(weights) {
                let _ = writeln!(
                    s,
                    "\t~%{}%{}{}",
                    pct(w),
                    answer_text(&c.text),
                    feedback(c.feedback.as_deref())
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
            // Always with a tolerance: Moodle reads a bare `{#0}` as an empty answer.
            format!("{{#{answer}:{t}{gfb}}}")
        }
        Kind::ShortText { display, .. } => {
            // Moodle's importer reads an answer block of `=` answers holding `->` as a
            // matching question, and GIFT has no escape for `-` or `>`.
            if display.iter().any(|a| a.contains("->")) {
                ex.skipped.push((
                    q.id.to_string(),
                    "an accepted answer contains `->`, which Moodle's GIFT importer reads as a matching question (use Moodle XML)".into(),
                ));
                return;
            }
            let mut s = String::from("{\n");
            for a in display {
                // Moodle reads `*` as a wildcard; `\*` is a literal star.
                let _ = writeln!(s, "\t={}", answer_text(&escape_wildcard(a)));
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
        ex.notes.push((q.id.to_string(), lost.join(", ")));
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
    fn texts_that_would_read_as_markers_are_escaped() {
        assert_eq!(answer_text("%50%x"), "[moodle]%50%x");
        assert_eq!(answer_text("[html]<b>"), "[moodle][html]<b>");
        assert_eq!(answer_text("plain"), "plain");
        assert_eq!(comment_value("a]b"), r"a\]b");
    }
}

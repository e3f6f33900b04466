//! Bank questions → Moodle XML that Moodle's importer takes with its default settings,
//! and that [`super::import_moodle_xml`] reads back to the same questions.

use crate::bank::{Catalog, Choice, Kind, Question, Tolerance};
use crate::interop::build::escape_wildcard;
use crate::interop::{category_segment, html, moodle_weights, pct};
use quick_xml::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Moodle XML text and what did not fit in it.
#[derive(Debug, Clone, Default)]
pub struct MoodleXmlExport {
    pub text: String,
    /// Questions written, per skillquiz kind.
    pub written: BTreeMap<&'static str, usize>,
    /// (question id, why) for questions Moodle cannot hold (self-ratings, marks Moodle has
    /// no grades for).
    pub skipped: Vec<(String, String)>,
    /// (question id, what was lost) for details Moodle XML has no place for.
    pub notes: Vec<(String, String)>,
}

/// A text as HTML: escaped, line breaks as `<br>`, runs of spaces kept with `&nbsp;`.
fn html_text(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>\n");
        }
        let mut prev_space = true; // a space at the start of a line would be dropped
        for c in line.chars() {
            if c == ' ' && prev_space {
                out.push_str("&nbsp;");
            } else {
                out.push_str(&html::escape(&c.to_string()));
            }
            prev_space = c == ' ';
        }
    }
    out
}

/// `<tag format="html"><text>...</text></tag>` with `html` as the text.
fn html_field(o: &mut String, indent: &str, tag: &str, html: &str) {
    let _ = writeln!(
        o,
        "{indent}<{tag} format=\"html\">\n{indent}  <text>{}</text>\n{indent}</{tag}>",
        escape(html)
    );
}

fn question_html(q: &Question) -> String {
    let mut s = format!("<p>{}</p>", html_text(&q.prompt));
    if let Some(code) = &q.code {
        let _ = write!(
            s,
            "\n<pre><code>{}</code></pre>",
            html::escape(code).replace("<br>\n", "\n")
        );
    }
    s
}

fn feedback(o: &mut String, c: Option<&str>) {
    let text = c.map(html_text).unwrap_or_default();
    html_field(o, "      ", "feedback", &text);
}

fn choice_answer(o: &mut String, c: &Choice, fraction: f64) {
    let _ = writeln!(
        o,
        "    <answer fraction=\"{}\" format=\"html\">\n      <text>{}</text>",
        pct(fraction),
        escape(html_text(&c.text))
    );
    feedback(o, c.feedback.as_deref());
    o.push_str("    </answer>\n");
}

/// A number as Moodle reads it; zero is written `0.0` because Moodle takes a bare `0`
/// for an empty answer.
fn number(x: f64) -> String {
    if x == 0.0 {
        "0.0".into()
    } else {
        format!("{x}")
    }
}

/// Writes `questions` as Moodle XML, one category per topic (the topic's title as the
/// category, its id as the category's `idnumber`).
pub fn export_moodle_xml(questions: &[&Question], cat: &Catalog) -> MoodleXmlExport {
    let mut ex = MoodleXmlExport::default();
    let mut topics: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for q in questions {
        if seen.insert(q.topic.as_ref()) {
            topics.push(&q.topic);
        }
    }
    let _ = writeln!(
        ex.text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Exported by skillquiz {}. Moodle XML has no place for difficulty, item parameters or resources. -->\n<quiz>",
        env!("CARGO_PKG_VERSION")
    );
    for topic in topics {
        let title = cat.topic(topic).map(|t| t.title.as_ref()).unwrap_or(topic);
        let path = format!("$course$/top/{}", category_segment(title));
        let _ = writeln!(
            ex.text,
            "  <question type=\"category\">\n    <category>\n      <text>{}</text>\n    </category>\n    <info format=\"moodle_auto_format\">\n      <text></text>\n    </info>\n    <idnumber>{}</idnumber>\n  </question>",
            escape(&path),
            escape(topic)
        );
        for q in questions.iter().filter(|q| q.topic == topic) {
            write_question(&mut ex, q);
        }
    }
    ex.text.push_str("</quiz>\n");
    ex
}

fn write_question(ex: &mut MoodleXmlExport, q: &Question) {
    let mut lost: Vec<&str> = Vec::new();
    if q.params.is_some() {
        lost.push("item parameters");
    }
    if !q.resources.is_empty() {
        lost.push("resources");
    }
    if q.kind
        .choices()
        .is_some_and(|cs| cs.iter().any(|c| c.resource.is_some()))
    {
        lost.push("choice resources");
    }
    let tf_choices = match &q.kind {
        Kind::SingleChoice {
            choices,
            fixed_order: true,
            ..
        } => {
            // True/false with feedback on a side (how the readers keep that feedback).
            choices.len() == 2
                && choices[0].text == "True"
                && choices[1].text == "False"
                && choices
                    .iter()
                    .any(|c| c.feedback.as_ref().is_some_and(|f| !f.trim().is_empty()))
        }
        _ => false,
    };
    let (qtype, kind_name) = match &q.kind {
        Kind::SingleChoice { .. } if tf_choices => ("truefalse", "true_false"),
        Kind::SingleChoice { .. } | Kind::MultipleSelect { .. } => ("multichoice", q.kind.name()),
        Kind::TrueFalse { .. } => ("truefalse", "true_false"),
        Kind::Numeric { .. } => ("numerical", "numeric"),
        Kind::ShortText { .. } => ("shortanswer", "short_text"),
        Kind::SelfRating => {
            ex.skipped.push((
                q.id.to_string(),
                "Moodle has no self-rating questions".into(),
            ));
            return;
        }
    };
    let weights = match &q.kind {
        Kind::MultipleSelect {
            choices,
            answers,
            marks,
            ..
        } => match moodle_weights(choices.len(), answers, marks) {
            Ok(w) => Some(w),
            Err(why) => {
                ex.skipped.push((q.id.to_string(), why));
                return;
            }
        },
        _ => None,
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "  <question type=\"{qtype}\">\n    <name>\n      <text>{}</text>\n    </name>",
        escape(&*q.id)
    );
    html_field(&mut o, "    ", "questiontext", &question_html(q));
    html_field(
        &mut o,
        "    ",
        "generalfeedback",
        &html_text(&q.explanation),
    );
    let penalty = if qtype == "truefalse" {
        "1"
    } else {
        "0.3333333"
    };
    let _ = writeln!(
        o,
        "    <defaultgrade>1</defaultgrade>\n    <penalty>{penalty}</penalty>\n    <hidden>0</hidden>\n    <idnumber>{}</idnumber>",
        escape(&*q.id)
    );
    match &q.kind {
        Kind::SingleChoice {
            choices, answer, ..
        } if tf_choices => {
            let right_true = *answer == 0;
            for (text, c, right) in [
                ("true", &choices[0], right_true),
                ("false", &choices[1], !right_true),
            ] {
                let _ = writeln!(
                    o,
                    "    <answer fraction=\"{}\" format=\"moodle_auto_format\">\n      <text>{text}</text>",
                    if right { 100 } else { 0 }
                );
                feedback(&mut o, c.feedback.as_deref());
                o.push_str("    </answer>\n");
            }
        }
        Kind::SingleChoice {
            choices,
            answer,
            fixed_order,
        } => {
            multichoice_head(&mut o, true, *fixed_order);
            for (i, c) in choices.iter().enumerate() {
                choice_answer(&mut o, c, if i == *answer { 100.0 } else { 0.0 });
            }
        }
        Kind::MultipleSelect {
            choices,
            fixed_order,
            ..
        } => {
            multichoice_head(&mut o, false, *fixed_order);
            for (c, w) in choices.iter().zip(weights.unwrap_or_default()) {
                choice_answer(&mut o, c, w);
            }
        }
        Kind::TrueFalse { answer } => {
            for (text, right) in [("true", *answer), ("false", !*answer)] {
                let _ = writeln!(
                    o,
                    "    <answer fraction=\"{}\" format=\"moodle_auto_format\">\n      <text>{text}</text>",
                    if right { 100 } else { 0 }
                );
                feedback(&mut o, None);
                o.push_str("    </answer>\n");
            }
        }
        Kind::ShortText { display, .. } => {
            // skillquiz folds case, so Moodle should too.
            o.push_str("    <usecase>0</usecase>\n");
            for a in display {
                let _ = writeln!(
                    o,
                    "    <answer fraction=\"100\" format=\"moodle_auto_format\">\n      <text>{}</text>",
                    // Moodle reads `*` as a wildcard; `\*` is a literal star.
                    escape(escape_wildcard(a))
                );
                feedback(&mut o, None);
                o.push_str("    </answer>\n");
            }
        }
        Kind::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            let t = match tolerance {
                Tolerance::Absolute(t) => *t,
                Tolerance::Relative(r) => {
                    lost.push("relative tolerance (written as the same absolute range)");
                    r * answer.abs()
                }
            };
            let _ = writeln!(
                o,
                "    <answer fraction=\"100\" format=\"moodle_auto_format\">\n      <text>{}</text>",
                number(*answer)
            );
            feedback(&mut o, None);
            let _ = writeln!(
                o,
                "      <tolerance>{}</tolerance>\n    </answer>",
                number(t)
            );
            match unit {
                // The unit is shown and optional, never graded: as skillquiz uses it.
                Some(u) => {
                    let _ = writeln!(
                        o,
                        "    <units>\n      <unit>\n        <multiplier>1</multiplier>\n        <unit_name>{}</unit_name>\n      </unit>\n    </units>\n    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    <showunits>0</showunits>\n    <unitsleft>0</unitsleft>",
                        escape(u)
                    );
                }
                None => o.push_str(
                    "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    <showunits>3</showunits>\n    <unitsleft>0</unitsleft>\n",
                ),
            }
        }
        Kind::SelfRating => return, // reported above
    }
    if !q.tags.is_empty() {
        o.push_str("    <tags>\n");
        for t in &q.tags {
            let _ = writeln!(
                o,
                "      <tag>\n        <text>{}</text>\n      </tag>",
                escape(t)
            );
        }
        o.push_str("    </tags>\n");
    }
    o.push_str("  </question>\n");
    ex.text.push_str(&o);
    *ex.written.entry(kind_name).or_insert(0) += 1;
    if !lost.is_empty() {
        ex.notes.push((q.id.to_string(), lost.join(", ")));
    }
}

fn multichoice_head(o: &mut String, single: bool, fixed_order: bool) {
    let _ = writeln!(
        o,
        "    <single>{single}</single>\n    <shuffleanswers>{}</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n    <showstandardinstruction>0</showstandardinstruction>",
        !fixed_order
    );
    for tag in [
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
    ] {
        html_field(o, "    ", tag, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_keeps_spaces_and_breaks() {
        assert_eq!(html_text("a  b\n c<d"), "a &nbsp;b<br>\n&nbsp;c&lt;d");
        let back = html::to_text(&html_text("a  b\n  c & <d>")).text;
        assert_eq!(back, "a  b\n  c & <d>");
    }

    #[test]
    fn zero_is_not_empty() {
        assert_eq!(number(0.0), "0.0");
        assert_eq!(number(-0.0), "0.0");
        assert_eq!(number(2.5), "2.5");
    }
}

//! Moodle interop: GIFT and Moodle XML, each read into a RON bank and written from one.
//!
//! Both readers follow Moodle's own importers (`question/format/gift/format.php` and
//! `question/format/xml/format.php`) and hand what they parse to one builder
//! ([`build`]), which turns categories into topics, names into ids and answers into
//! skillquiz kinds. What skillquiz cannot hold is never dropped silently: unsupported
//! kinds become [`Issue`]s of kind [`IssueKind::Skipped`], and details that do not
//! survive the conversion become [`IssueKind::Note`]s. Multiple-answer weights are kept
//! as [`crate::bank::Marks::Weighted`], so a question scores the same here as in Moodle.
//!
//! Both writers give only weights from Moodle's list of grades
//! ([`MOODLE_FRACTIONS`]), so Moodle's importer takes the file with its default setting
//! ("error if grade not listed").

mod build;
pub mod gift;
mod html;
pub mod moodle_xml;

pub use build::{ImportOptions, Imported, Place};

/// Question kinds skillquiz has no equivalent for, in either format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unsupported {
    Matching,
    Essay,
    Description,
    /// Embedded answers: several answer blocks, `{1:MULTICHOICE:...}` or Moodle's
    /// `multianswer`.
    Cloze,
    /// Moodle's calculated kinds (`calculated`, `calculatedsimple`, `calculatedmulti`).
    Calculated,
    /// Drag and drop and select-missing-words kinds (`ddwtos`, `gapselect`, `ddimageortext`,
    /// `ddmarker`).
    DragDrop,
    Ordering,
    /// Moodle's `random` placeholder (a question drawn from a category at quiz time).
    Random,
    /// Another Moodle question type, by name in the message.
    Other,
    /// A kind skillquiz has, used in a way it cannot hold (say, two separate right numbers,
    /// or a short answer that accepts anything).
    Unrepresentable,
}

impl Unsupported {
    pub fn as_str(self) -> &'static str {
        match self {
            Unsupported::Matching => "matching",
            Unsupported::Essay => "essay",
            Unsupported::Description => "description",
            Unsupported::Cloze => "cloze",
            Unsupported::Calculated => "calculated",
            Unsupported::DragDrop => "drag and drop",
            Unsupported::Ordering => "ordering",
            Unsupported::Random => "random",
            Unsupported::Other => "other kind",
            Unsupported::Unrepresentable => "not representable",
        }
    }
}

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "what")]
pub enum IssueKind {
    /// The question is malformed; nothing is imported unless the caller skips invalid ones.
    Error,
    /// A well-formed question of a kind skillquiz does not have; skipped.
    Skipped(Unsupported),
    /// Imported, but something in it was not kept.
    Note,
}

/// One finding about an imported file, placed by file, 1-based line and (where the format
/// gives one) 1-based column.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Issue {
    pub file: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<usize>,
    #[serde(flatten)]
    pub kind: IssueKind,
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            IssueKind::Error => "error".to_string(),
            IssueKind::Skipped(u) => format!("skipped {}", u.as_str()),
            IssueKind::Note => "note".to_string(),
        };
        match self.col {
            Some(c) => write!(
                f,
                "{}:{}:{c}: {what}: {}",
                self.file, self.line, self.message
            ),
            None => write!(f, "{}:{}: {what}: {}", self.file, self.line, self.message),
        }
    }
}

/// The grades Moodle accepts for an answer, as percentages (`question_bank::fraction_options_full`
/// without the negatives, which are accepted too). Moodle matches a grade to this list to
/// within 0.00001 of a fraction and refuses the file otherwise.
pub const MOODLE_FRACTIONS: [f64; 21] = [
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
    20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
];

/// The grade in Moodle's list that `fraction` (1 is the whole mark, negative takes marks
/// away) matches, as a percentage, or `None` when Moodle would refuse it.
pub fn moodle_grade(fraction: f64) -> Option<f64> {
    let sign = if fraction < 0.0 { -1.0 } else { 1.0 };
    MOODLE_FRACTIONS
        .iter()
        .find(|&&g| (fraction.abs() - g / 100.0).abs() < 0.00001)
        .map(|g| sign * g)
}

/// A percentage as Moodle writes it: up to 5 decimals, no trailing zeros.
pub(crate) fn pct(w: f64) -> String {
    let s = format!("{w:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The weights a multiple-select question gives in Moodle, as percentages from
/// [`MOODLE_FRACTIONS`], or why Moodle cannot hold its marks.
pub(crate) fn moodle_weights(
    choices: usize,
    answers: &[usize],
    marks: &crate::bank::Marks,
) -> Result<Vec<f64>, String> {
    (0..choices)
        .map(|i| {
            let w = marks.weight(i, choices, answers.len(), answers.contains(&i));
            moodle_grade(w).ok_or_else(|| {
                format!(
                    "choice {} weighs {}%, which is not one of Moodle's grades, and no other weight gives the same marks; give the question `weights` from Moodle's list (100, 50, 33.33333, 25, 20, ...)",
                    i + 1,
                    pct(w * 100.0)
                )
            })
        })
        .collect()
}

/// A topic title as one segment of a Moodle category path: `/` doubled, and spaced off
/// the separators when it starts or ends the title (Moodle splits on a `/` with no `/`
/// beside it, and trims each segment).
pub(crate) fn category_segment(title: &str) -> String {
    let s = title.replace('\n', " ").replace('/', "//");
    if s.starts_with('/') || s.ends_with('/') {
        format!(" {s} ")
    } else {
        s
    }
}

/// 64-bit FNV-1a: a hash that stays the same across platforms and Rust versions, so ids
/// made from it are stable.
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A bank as pretty RON text under a comment `header` (each line gets `// `), ready to
/// write to disk and load back.
pub fn bank_to_ron(bank: &crate::bank::raw::RawBank, header: &str) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    // Made about as long as it will be, so that it is not copied as it grows (a bank of
    // 100,000 questions is about 40 MB of RON).
    // Each line of the header gains `// ` and a newline.
    let mut out = String::with_capacity(header.len() + 3 * header.lines().count() + ron_len(bank));
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    ron::ser::to_writer_pretty(&mut out, bank, config)?;
    out.push('\n');
    Ok(out)
}

/// About how long `bank` is as pretty RON: its questions' texts, and for each question and
/// choice the field names and indentation around them.
fn ron_len(bank: &crate::bank::raw::RawBank) -> usize {
    use crate::bank::raw::RawKind;
    let header = 1024 + 128 * (bank.topics.len() + bank.areas.len());
    let question = |q: &crate::bank::raw::RawQuestion| {
        let choices = match &q.kind {
            RawKind::SingleChoice { choices, .. } | RawKind::MultipleSelect { choices, .. } => {
                choices
                    .iter()
                    .map(|c| 32 + c.text.len() + c.feedback.as_ref().map_or(0, |f| 16 + f.len()))
                    .sum()
            }
            RawKind::ShortText { accepted } => accepted.iter().map(|a| 4 + a.len()).sum(),
            _ => 0,
        };
        192 + q.id.len()
            + q.topic.len()
            + q.prompt.len()
            + q.explanation.len()
            + q.code.as_ref().map_or(0, |c| 16 + c.len())
            + choices
    };
    header + bank.questions.iter().map(question).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Marks;

    #[test]
    fn fnv1a_matches_published_vectors() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn grades_match_moodles_list_to_its_tolerance() {
        assert_eq!(moodle_grade(1.0 / 3.0), Some(33.33333));
        assert_eq!(moodle_grade(-1.0 / 7.0), Some(-14.28571));
        assert_eq!(moodle_grade(-1.0 / 11.0), None);
        assert_eq!(moodle_grade(0.0), Some(0.0));
        assert_eq!(pct(-0.0), "0");
        assert_eq!(pct(100.0 / 3.0), "33.33333");
    }

    #[test]
    fn even_marks_beyond_moodles_list_are_refused_not_rounded() {
        // 2 right of 13: a wrong pick costs 1/11, which Moodle has no grade for.
        let answers = [0, 1];
        assert!(moodle_weights(13, &answers, &Marks::Even).is_err());
        let w = moodle_weights(4, &answers, &Marks::Even).unwrap();
        assert_eq!(w, vec![50.0, 50.0, -50.0, -50.0]);
    }
}

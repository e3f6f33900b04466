//! The serde mirror of the RON files, exactly as a person writes them.
//!
//! Nothing here is trusted: [`super::load`] turns these structs into the validated model,
//! and no other code reads them.

use serde::{Deserialize, Serialize};

/// The bank file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBank {
    pub format_version: u32,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<RawArea>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<RawTopic>,
    #[serde(deserialize_with = "questions_sized")]
    pub questions: Vec<RawQuestion>,
}

thread_local! {
    /// How many questions the bank being parsed on this thread holds, as its outline
    /// counted them (0: not known); see [`with_questions_expected`].
    static EXPECTED_QUESTIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `parse` with the questions' list made `n` long at once, instead of grown by
/// doubling (which leaves it up to twice too long, and holds both while it grows).
pub fn with_questions_expected<T>(n: usize, parse: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            EXPECTED_QUESTIONS.set(0);
        }
    }
    let _reset = Reset;
    EXPECTED_QUESTIONS.set(n);
    parse()
}

fn questions_sized<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RawQuestion>, D::Error> {
    struct Sized(usize);
    impl<'de> serde::de::Visitor<'de> for Sized {
        type Value = Vec<RawQuestion>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(self.0);
            while let Some(q) = seq.next_element()? {
                out.push(q);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Sized(EXPECTED_QUESTIONS.take()))
}

/// A short list, kept no longer than it is: a list read without a length grows to room for
/// four, then eight (a question's five choices would keep room for eight), and a loaded
/// bank holds such lists for every question while it is checked.
fn exact<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let mut v = Vec::<T>::deserialize(d)?;
    v.shrink_to_fit();
    Ok(v)
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawArea {
    pub id: String,
    pub title: String,
    /// Self-rated areas hold practice items that are not graded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_rated: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub id: String,
    pub title: String,
    pub step: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<RawResource>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawResource {
    pub title: String,
    pub url: String,
    pub kind: ResourceKind,
}

/// What sort of thing a resource is; shown beside its title.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "PascalCase")]
pub enum ResourceKind {
    Docs,
    Course,
    Book,
    Video,
    Community,
    Certification,
    Article,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Docs => "docs",
            ResourceKind::Course => "course",
            ResourceKind::Book => "book",
            ResourceKind::Video => "video",
            ResourceKind::Community => "community",
            ResourceKind::Certification => "certification",
            ResourceKind::Article => "article",
        }
    }
}

/// How hard a question is meant to be; also the fallback for item parameters.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "PascalCase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub kind: RawKind,
    #[serde(default)]
    pub explanation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<RawParams>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<RawResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Ids of questions that must not be asked in the same quiz as this one (one answers
    /// the other, or both test the same fact). The relation is symmetric: declaring it on
    /// either question is enough.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// `Pretest`: asked now and then in adaptive quizzes to collect answers for
    /// calibration, never scored.
    #[serde(default, skip_serializing_if = "Status::is_live")]
    pub status: Status,
}

/// Whether a question counts.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Status {
    /// Scored and used for ability (the default).
    #[default]
    Live,
    /// Asked now and then in adaptive quizzes (one after every
    /// [`crate::PRETEST_EVERY`] scored questions, at most
    /// [`crate::MAX_PRETEST`] per quiz), never scored nor used for ability, so that
    /// `calibrate` can estimate its parameters before it counts.
    Pretest,
}

impl Status {
    pub fn is_live(&self) -> bool {
        *self == Status::Live
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum RawKind {
    SingleChoice {
        #[serde(deserialize_with = "exact")]
        choices: Vec<RawChoice>,
        answer: usize,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed_order: bool,
    },
    MultipleSelect {
        #[serde(deserialize_with = "exact")]
        choices: Vec<RawChoice>,
        #[serde(deserialize_with = "exact")]
        answers: Vec<usize>,
        /// The share of the mark each choice gives when picked, one per choice, as
        /// fractions (0.5 is half the mark, −1 takes the whole mark away), the way Moodle
        /// weighs a multiple-answer question. Empty: each right pick earns 1/k and each
        /// wrong pick costs 1/(n − k). When given, the positive weights are exactly the
        /// `answers` and add up to 1.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        weights: Vec<f64>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed_order: bool,
    },
    TrueFalse {
        answer: bool,
    },
    Numeric {
        answer: f64,
        #[serde(default)]
        tolerance: Tolerance,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    ShortText {
        #[serde(deserialize_with = "exact")]
        accepted: Vec<String>,
    },
    SelfRating,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub text: String,
    /// Why a learner might pick this and why it is wrong (or, for a right choice, why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// Boxed, as in the checked model: few choices have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Box<RawResource>>,
}

/// How far a numeric answer may be from the key and still count as right.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
pub enum Tolerance {
    /// |given − answer| ≤ t
    Absolute(f64),
    /// |given − answer| ≤ t·|answer|
    Relative(f64),
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::Absolute(0.0)
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawParams {
    pub a: f64,
    pub b: f64,
    #[serde(default)]
    pub c: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoadmap {
    pub format_version: u32,
    pub steps: Vec<RawStep>,
    pub areas: Vec<RawArea>,
    pub topics: Vec<RawTopic>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub number: u8,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub resources: Vec<RawResource>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_questions_list_is_made_as_long_as_the_outline_counted() {
        let mut text =
            String::from("(format_version: 1, name: \"n\", version: \"1\", questions: [");
        for i in 0..100 {
            text.push_str(&format!(
                "(id: \"n.q{i}\", topic: \"n.t\", difficulty: Easy, prompt: \"P\", kind: TrueFalse(answer: true)),"
            ));
        }
        text.push_str("])");
        let parse = || {
            crate::bank::load::ron_options()
                .from_str::<RawBank>(&text)
                .unwrap()
        };
        let sized = with_questions_expected(100, parse);
        assert_eq!(
            (sized.questions.len(), sized.questions.capacity()),
            (100, 100)
        );
        // Without a count the list grows as usual, and the count is used once only.
        let grown = parse();
        assert_eq!(grown.questions.len(), 100);
        assert!(grown.questions.capacity() > 100);
        assert_eq!(EXPECTED_QUESTIONS.get(), 0);
    }

    #[test]
    fn a_question_keeps_its_short_lists_no_longer_than_they_are() {
        let kind = |text: &str| {
            crate::bank::load::ron_options()
                .from_str::<RawKind>(text)
                .unwrap()
        };
        let five = "[(text: \"a\"), (text: \"b\"), (text: \"c\"), (text: \"d\"), (text: \"e\")]";
        let RawKind::MultipleSelect {
            choices, answers, ..
        } = kind(&format!(
            "MultipleSelect(choices: {five}, answers: [0, 2, 4])"
        ))
        else {
            panic!("a multiple-select question")
        };
        assert_eq!((choices.len(), choices.capacity()), (5, 5));
        assert_eq!((answers.len(), answers.capacity()), (3, 3));
        let RawKind::SingleChoice { choices, .. } =
            kind(&format!("SingleChoice(choices: {five}, answer: 1)"))
        else {
            panic!("a single-choice question")
        };
        assert_eq!((choices.len(), choices.capacity()), (5, 5));
        let RawKind::ShortText { accepted } = kind("ShortText(accepted: [\"x\", \"y\"])") else {
            panic!("a short-text question")
        };
        assert_eq!((accepted.len(), accepted.capacity()), (2, 2));
    }
}

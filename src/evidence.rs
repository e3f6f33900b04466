//! A graded response: the unit of evidence every layer above the quiz agrees on (the
//! scorecard, the learner model, the history store, the report).

use serde::{Deserialize, Serialize};

/// An answer to one question. Choice indices are the file's (not the shuffled display order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choice(usize),
    Choices(Vec<usize>),
    Bool(bool),
    Number(f64),
    Text(String),
    Rating(u8),
    /// "I don't know": counts as a miss.
    Skip,
}

/// One graded answer, as saved in a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The question's id.
    pub id: String,
    pub topic: String,
    pub area: String,
    pub answer: Answer,
    /// In [0, 1].
    pub score: f64,
    pub correct: bool,
    /// False for self-ratings, which are reported but never graded.
    pub graded: bool,
    /// Display position → file index of the choices as shown (empty for other kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<usize>,
    /// Seconds the person took; 0 when not timed (scripts).
    pub seconds: f64,
    /// How sure the person said they were (1–3, certainty-based marking); `None` when
    /// not asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certainty: Option<u8>,
}

impl Response {
    pub fn skipped(&self) -> bool {
        self.answer == Answer::Skip
    }

    /// Keeps how sure the person said they were (1–3), for a graded answer that is not a
    /// skip only.
    pub fn set_certainty(&mut self, certainty: Option<u8>) {
        self.certainty = certainty.filter(|_| self.graded && !self.skipped());
    }
}

/// How the questions were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A fixed form chosen up front; area levels come from mean scores.
    Fixed,
    /// Chosen one by one from the answers; area levels come from ability (θ).
    Adaptive,
}

/// How the quiz ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// Every question was answered or skipped.
    Completed,
    /// The person quit early (`q`).
    Quit,
    /// The person pressed Ctrl-C (or the terminal was closed): ended like `q`.
    Interrupted,
    /// Input (stdin or the answers file) ended before the quiz did.
    InputEnded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankRef {
    pub name: String,
    pub version: String,
}

impl BankRef {
    /// Every bank of `catalog`, in load order.
    pub fn all(catalog: &crate::bank::Catalog) -> Vec<BankRef> {
        catalog
            .banks
            .iter()
            .map(|b| BankRef {
                name: b.name.clone(),
                version: b.version.clone(),
            })
            .collect()
    }
}

/// What a quiz was asked to be, kept so that it can be resumed exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AttemptSpec {
    pub areas: Vec<String>,
    pub topics: Vec<String>,
    pub count: usize,
    /// Adaptive quizzes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_se: Option<f64>,
    /// Certainty-based marking was asked for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub certainty: bool,
    /// The `--bank` paths given, as typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bank_paths: Vec<String>,
}

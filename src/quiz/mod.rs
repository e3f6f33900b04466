//! A quiz session: which questions, in which order, and the graded responses.
//!
//! The same session runs a person at a terminal and a script with `--answers`: the caller
//! shows [`Quiz::current`], reads an answer however it likes and hands it to
//! [`Quiz::answer`]. Randomness comes from the seed the caller passes in.

mod answer;
mod select;

pub use answer::{
    Answer, AnswerError, Graded, describe_answer, describe_key, grade, hint, letter, parse_answer,
};

use crate::bank::{Catalog, Question};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// What the caller asks for. Empty `areas` and `topics` mean every knowledge area, plus
/// one self-rating item per practice topic at the end.
#[derive(Debug, Clone)]
pub struct QuizSpec {
    pub areas: Vec<String>,
    pub topics: Vec<String>,
    /// How many graded questions to ask.
    pub count: usize,
}

impl Default for QuizSpec {
    fn default() -> Self {
        QuizSpec {
            areas: Vec::new(),
            topics: Vec::new(),
            count: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QuizError {
    #[error("unknown area `{area}` (known areas: {})", known.join(", "))]
    UnknownArea { area: String, known: Vec<String> },
    #[error("unknown topic `{topic}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownTopic {
        topic: String,
        suggestion: Option<String>,
    },
    #[error("no questions match the chosen areas and topics")]
    NoQuestions,
    #[error("--count must be at least 1")]
    ZeroCount,
}

/// The question being asked, with its choices in the order shown.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub question: &'a Question,
    /// Display position → index of the choice in the file. Empty for non-choice kinds.
    pub order: &'a [usize],
    /// 1-based position in the quiz.
    pub number: usize,
    pub total: usize,
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
}

impl Response {
    pub fn skipped(&self) -> bool {
        self.answer == Answer::Skip
    }
}

#[derive(Debug, Clone)]
struct Slot {
    question: usize,
    order: Vec<usize>,
}

/// A quiz in progress.
#[derive(Debug, Clone)]
pub struct Quiz<'c> {
    catalog: &'c Catalog,
    slots: Vec<Slot>,
    responses: Vec<Response>,
    seed: u64,
}

impl<'c> Quiz<'c> {
    /// Picks the questions for `spec`, shuffling choices, all from `seed`.
    pub fn new(catalog: &'c Catalog, spec: &QuizSpec, seed: u64) -> Result<Self, QuizError> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let picked = select::pick(catalog, spec, &mut rng)?;
        let slots = picked
            .into_iter()
            .map(|qi| {
                let q = &catalog.questions[qi];
                let order = match &q.kind {
                    crate::bank::Kind::SingleChoice {
                        choices,
                        fixed_order,
                        ..
                    }
                    | crate::bank::Kind::MultipleSelect {
                        choices,
                        fixed_order,
                        ..
                    } => {
                        let mut o: Vec<usize> = (0..choices.len()).collect();
                        if !fixed_order {
                            o.shuffle(&mut rng);
                        }
                        o
                    }
                    _ => Vec::new(),
                };
                Slot {
                    question: qi,
                    order,
                }
            })
            .collect();
        Ok(Quiz {
            catalog,
            slots,
            responses: Vec::new(),
            seed,
        })
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many questions the quiz has in all.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The question to ask now, or `None` when the quiz is over.
    pub fn current(&self) -> Option<Item<'_>> {
        let i = self.responses.len();
        self.slots.get(i).map(|slot| Item {
            question: &self.catalog.questions[slot.question],
            order: &slot.order,
            number: i + 1,
            total: self.slots.len(),
        })
    }

    /// Grades `answer` for the current question and moves on. Returns the response, or
    /// `None` when the quiz was already over.
    pub fn answer(&mut self, answer: Answer, seconds: f64) -> Option<&Response> {
        let slot = self.slots.get(self.responses.len())?;
        let q = &self.catalog.questions[slot.question];
        let g = grade(q, &answer);
        self.responses.push(Response {
            id: q.id.clone(),
            topic: q.topic.clone(),
            area: q.area.clone(),
            answer,
            score: g.score,
            correct: g.correct,
            graded: q.kind.is_graded(),
            order: slot.order.clone(),
            seconds,
        });
        self.responses.last()
    }

    /// The responses so far, in the order asked.
    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.catalog
    }
}

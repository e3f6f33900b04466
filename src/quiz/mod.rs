//! A quiz session: which questions, in which order, and the graded responses.
//!
//! The same session runs a person at a terminal and a script with `--answers`: the caller
//! shows [`Quiz::current`], reads an answer however it likes and hands it to
//! [`Quiz::answer`]. Randomness comes from the seed the caller passes in.

mod adaptive;
mod answer;
mod select;

pub use adaptive::AdaptiveSpec;

pub use crate::evidence::Response;
pub use answer::{
    Answer, AnswerError, Graded, allowed_error, describe_answer, describe_key, grade, hint,
    in_shown_order, letter, parse_answer,
};

use crate::bank::{Catalog, Kind, Question};
use crate::learner::model::LearnerModel;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashSet, VecDeque};

/// What the caller asks for. Empty `areas` and `topics` mean every knowledge area, plus
/// one self-rating item per practice topic at the end.
#[derive(Debug, Clone)]
pub struct QuizSpec {
    pub areas: Vec<String>,
    pub topics: Vec<String>,
    /// How many graded questions to ask (adaptive: at most).
    pub count: usize,
    /// `Some`: choose each question adaptively; `None`: a fixed form chosen up front.
    pub adaptive: Option<AdaptiveSpec>,
}

impl Default for QuizSpec {
    /// Every area, 20 questions, adaptive.
    fn default() -> Self {
        QuizSpec {
            areas: Vec::new(),
            topics: Vec::new(),
            count: 20,
            adaptive: Some(AdaptiveSpec::default()),
        }
    }
}

/// What history brings to a new quiz: the learner model at the quiz's start, and the
/// questions asked in recent attempts (asked again only when a topic has no others).
#[derive(Debug, Clone)]
pub struct Prior {
    pub model: LearnerModel,
    pub recent: HashSet<String>,
}

impl Prior {
    /// No history: every area at its prior, nothing recent.
    pub fn none(catalog: &Catalog) -> Prior {
        Prior {
            model: LearnerModel::empty(catalog, 0),
            recent: HashSet::new(),
        }
    }
}

/// The graded response to `answer` for question `q` shown with `order`.
pub(crate) fn response_of(q: &Question, answer: Answer, order: &[usize], seconds: f64) -> Response {
    let g = grade(q, &answer);
    Response {
        id: q.id.to_string(),
        topic: q.topic.to_string(),
        area: q.area.to_string(),
        answer,
        score: g.score,
        correct: g.correct,
        graded: q.kind.is_graded() && !q.pretest,
        order: order.to_vec(),
        seconds,
        certainty: None,
    }
}

/// An adaptive quiz asks one pretest question (`status: Pretest` in the bank) after every
/// this many scored questions ...
pub const PRETEST_EVERY: usize = 5;
/// ... and at most this many in one quiz. Pretest answers are kept in the result and the
/// history (with `graded: false`) for `calibrate`, never scored nor used for ability.
pub const MAX_PRETEST: usize = 2;

/// How many past attempts count as recent for [`Prior::recent`].
pub const RECENT_ATTEMPTS: usize = 3;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QuizError {
    #[error("unknown area `{area}`{} (known areas: {})", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default(), known.join(", "))]
    UnknownArea {
        area: String,
        known: Vec<String>,
        suggestion: Option<String>,
    },
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
    /// Questions in the quiz; in an adaptive quiz, the most it may have.
    pub total: usize,
    /// True when the quiz is adaptive (it may end before `total`).
    pub adaptive: bool,
    /// Graded questions in the quiz (adaptive: at most), and this one's place among
    /// them; for a practice self-rating, its place among the self-ratings instead.
    pub graded_total: usize,
    pub practice_total: usize,
    /// 1-based: the n-th graded question, or the n-th self-rating.
    pub place: usize,
    /// A spaced review, not a quiz ([`crate::review`]).
    pub review: bool,
}

#[derive(Debug, Clone)]
struct Slot {
    question: usize,
    order: Vec<usize>,
}

/// The display order of question `qi`'s choices: shuffled from `rng` (or the file's, when
/// the bank fixes it); empty for kinds without choices.
pub(crate) fn choice_order(catalog: &Catalog, qi: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    Slot::new(catalog, qi, rng).order
}

impl Slot {
    /// Question `qi` with its choices in a shuffled (or the file's fixed) order.
    fn new(catalog: &Catalog, qi: usize, rng: &mut ChaCha8Rng) -> Slot {
        let order = match &catalog.questions[qi].kind {
            Kind::SingleChoice {
                choices,
                fixed_order,
                ..
            }
            | Kind::MultipleSelect {
                choices,
                fixed_order,
                ..
            } => {
                let mut o: Vec<usize> = (0..choices.len()).collect();
                if !fixed_order {
                    o.shuffle(rng);
                }
                o
            }
            _ => Vec::new(),
        };
        Slot {
            question: qi,
            order,
        }
    }
}

/// A quiz in progress.
#[derive(Debug, Clone)]
pub struct Quiz<'c> {
    catalog: &'c Catalog,
    slots: Vec<Slot>,
    responses: Vec<Response>,
    seed: u64,
    rng: ChaCha8Rng,
    /// Adaptive selection; `None` for a fixed form (all slots chosen up front).
    adaptive: Option<adaptive::Adaptive>,
    /// Practice self-ratings still to ask after the adaptive part.
    practice: VecDeque<usize>,
    practice_total: usize,
    /// Pretest questions still to seed into the adaptive part, in a random order.
    pretest: VecDeque<usize>,
    /// How many the quiz will seed at most.
    pretest_planned: usize,
}

impl<'c> Quiz<'c> {
    /// Sets up the quiz for `spec` with no history; every random choice comes from `seed`.
    pub fn new(catalog: &'c Catalog, spec: &QuizSpec, seed: u64) -> Result<Self, QuizError> {
        Quiz::with_prior(catalog, spec, seed, &Prior::none(catalog))
    }

    /// Sets up the quiz for `spec`, an adaptive one starting from what `prior` knows. The
    /// same catalog, spec, seed, prior and answers give the same quiz, question by question.
    pub fn with_prior(
        catalog: &'c Catalog,
        spec: &QuizSpec,
        seed: u64,
        prior: &Prior,
    ) -> Result<Self, QuizError> {
        select::check(catalog, spec)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (slots, adaptive, practice) = match &spec.adaptive {
            None => {
                let mut picked = select::fixed(catalog, spec, &mut rng);
                picked.extend(select::practice(catalog, spec, &mut rng));
                let slots = picked
                    .into_iter()
                    .map(|qi| Slot::new(catalog, qi, &mut rng))
                    .collect();
                (slots, None, VecDeque::new())
            }
            Some(a) => {
                let eligible = select::eligible(catalog, spec);
                let adaptive = adaptive::Adaptive::new(catalog, &eligible, a, spec.count, prior);
                let practice = select::practice(catalog, spec, &mut rng).into();
                (Vec::new(), Some(adaptive), practice)
            }
        };
        let mut pretest = Vec::new();
        if let Some(ad) = &adaptive {
            pretest = select::pretest(catalog, spec);
            // Drawn only when there is something to draw, so that banks without pretest
            // questions give the same quizzes as before.
            if !pretest.is_empty() {
                pretest.shuffle(&mut rng);
            }
            let room = ad.max_items().saturating_sub(1) / PRETEST_EVERY;
            pretest.truncate(MAX_PRETEST.min(room));
        }
        let mut quiz = Quiz {
            catalog,
            slots,
            responses: Vec::new(),
            seed,
            rng,
            adaptive,
            practice_total: practice.len(),
            practice,
            pretest_planned: pretest.len(),
            pretest: pretest.into(),
        };
        // An adaptive quiz picks its first question now; a fixed form has them all.
        quiz.advance();
        if quiz.slots.is_empty() {
            return Err(QuizError::NoQuestions);
        }
        Ok(quiz)
    }

    /// Adaptive quizzes: picks the next question (or practice item) and adds its slot.
    fn advance(&mut self) {
        if self.adaptive.is_none() {
            return;
        }
        // A pretest question after every PRETEST_EVERY scored ones, never two in a row.
        let scored = self.responses.iter().filter(|r| r.graded).count();
        let seeded = self.pretest_planned - self.pretest.len();
        let last_was_pretest = self
            .slots
            .last()
            .is_some_and(|s| self.catalog.questions[s.question].pretest);
        if scored >= PRETEST_EVERY * (seeded + 1)
            && !last_was_pretest
            && let Some(qi) = self.pretest.pop_front()
        {
            let slot = Slot::new(self.catalog, qi, &mut self.rng);
            self.slots.push(slot);
            return;
        }
        let Some(ad) = &mut self.adaptive else {
            return;
        };
        let next = ad.next(&mut self.rng).or_else(|| self.practice.pop_front());
        if let Some(qi) = next {
            let slot = Slot::new(self.catalog, qi, &mut self.rng);
            self.slots.push(slot);
        }
    }

    /// Questions in the quiz so far: a fixed form's whole list, or the questions an
    /// adaptive quiz has shown (answered or not).
    pub fn asked(&self) -> usize {
        self.slots.len()
    }

    /// True when questions are chosen adaptively.
    pub fn is_adaptive(&self) -> bool {
        self.adaptive.is_some()
    }

    /// The current ability estimate of each area an adaptive quiz covers.
    pub fn estimates(&self) -> Vec<(&str, crate::irt::Estimate)> {
        self.adaptive
            .as_ref()
            .map(|a| a.estimates())
            .unwrap_or_default()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many questions the quiz has in all; for an adaptive quiz, the most it may have.
    pub fn len(&self) -> usize {
        match &self.adaptive {
            Some(a) => a.max_items() + self.pretest_planned + self.practice_total,
            None => self.slots.len(),
        }
    }

    /// Graded questions: a fixed form's, or the most an adaptive quiz asks.
    pub fn graded_len(&self) -> usize {
        match &self.adaptive {
            Some(a) => a.max_items() + self.pretest_planned,
            None => self.len() - self.practice_len(),
        }
    }

    /// Practice self-ratings asked after the graded questions.
    pub fn practice_len(&self) -> usize {
        match &self.adaptive {
            Some(_) => self.practice_total,
            None => self
                .slots
                .iter()
                .filter(|s| !self.catalog.questions[s.question].kind.is_graded())
                .count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The question to ask now, or `None` when the quiz is over.
    pub fn current(&self) -> Option<Item<'_>> {
        let i = self.responses.len();
        // Pretest questions are numbered with the scored ones (the person is not told).
        let graded_done = self
            .responses
            .iter()
            .filter(|r| r.graded || self.catalog.question(&r.id).is_some_and(|q| q.pretest))
            .count();
        self.slots.get(i).map(|slot| {
            let question = &self.catalog.questions[slot.question];
            Item {
                question,
                order: &slot.order,
                number: i + 1,
                total: self.len(),
                adaptive: self.is_adaptive(),
                graded_total: self.graded_len(),
                practice_total: self.practice_len(),
                place: if question.kind.is_graded() {
                    graded_done + 1
                } else {
                    i - graded_done + 1
                },
                review: false,
            }
        })
    }

    /// Grades `answer` for the current question and moves on. Returns the response, or
    /// `None` when the quiz was already over.
    pub fn answer(&mut self, answer: Answer, seconds: f64) -> Option<&Response> {
        let slot = self.slots.get(self.responses.len())?;
        let q = &self.catalog.questions[slot.question];
        let response = response_of(q, answer, &slot.order, seconds);
        let correct = response.correct;
        self.responses.push(response);
        let question = slot.question;
        if let Some(ad) = &mut self.adaptive {
            if q.kind.is_graded() && !q.pretest {
                ad.record(question, correct);
            }
            self.advance();
        }
        self.responses.last()
    }

    /// [`Quiz::answer`] with how sure the person said they were (1–3; kept only for a
    /// graded answer that is not a skip).
    pub fn answer_with(
        &mut self,
        answer: Answer,
        seconds: f64,
        certainty: Option<u8>,
    ) -> Option<&Response> {
        self.answer(answer, seconds)?;
        self.responses.last_mut()?.set_certainty(certainty);
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

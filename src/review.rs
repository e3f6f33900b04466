//! Spaced review of missed questions, scheduled with FSRS (the `fsrs` crate, as in Anki).
//!
//! Every question missed or partly right in a quiz gets a card, due a day later. A review
//! grades the answer (wrong → Again, partly right → Hard, right → Good, right and sure →
//! Easy) and FSRS gives the next interval for the desired retention (0.9 by default: the
//! chance of still knowing the answer when it comes back). Reviews are kept apart from
//! quiz answers and never change ability estimates: a question seen again measures memory
//! of that question, not the area. Time is passed in; nothing here reads a clock.

use crate::bank::Catalog;
use crate::evidence::{Answer, Response};
use crate::quiz::Item;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

/// Desired retention when none is given.
pub const DEFAULT_RETENTION: f64 = 0.9;
/// The retentions accepted: below 0.7 reviews come too rarely to help, above 0.97 too
/// often to be worth it (FSRS's own guidance).
pub const RETENTION_RANGE: std::ops::RangeInclusive<f64> = 0.7..=0.97;
/// A new card is due this long after the miss (seconds): the next day.
pub const FIRST_DELAY: i64 = 86_400;

const DAY: f64 = 86_400.0;

/// The last second of the UTC day of `now`: a card is due on a day, not at a minute, so
/// everything due today can be reviewed now.
pub fn end_of_day(now: i64) -> i64 {
    now.div_euclid(86_400) * 86_400 + 86_399
}

/// How a review went, in FSRS's four grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Again,
    Hard,
    Good,
    Easy,
}

impl Grade {
    /// Wrong → Again, partly right → Hard, right → Good; right and sure (certainty 3) →
    /// Easy.
    pub fn of(response: &Response, sure: bool) -> Grade {
        if response.correct {
            if sure { Grade::Easy } else { Grade::Good }
        } else if response.score > 0.0 {
            Grade::Hard
        } else {
            Grade::Again
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Again => "again",
            Grade::Hard => "hard",
            Grade::Good => "good",
            Grade::Easy => "easy",
        }
    }

    pub fn parse(s: &str) -> Option<Grade> {
        Some(match s {
            "again" => Grade::Again,
            "hard" => Grade::Hard,
            "good" => Grade::Good,
            "easy" => Grade::Easy,
            _ => return None,
        })
    }
}

/// One question's review schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub question: String,
    /// Unix seconds.
    pub created_at: i64,
    pub due_at: i64,
    /// FSRS memory state (stability in days, difficulty 1–10); `None` before the first
    /// review.
    pub memory: Option<(f32, f32)>,
    pub last_review: Option<i64>,
    pub reviews: u32,
    pub lapses: u32,
}

/// Why a review could not be scheduled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    #[error("desired retention must be between 0.7 and 0.97, not {0}")]
    Retention(f64),
    #[error("the FSRS scheduler refused the review: {0}")]
    Scheduler(String),
}

/// Checks a desired retention.
pub fn check_retention(r: f64) -> Result<f64, ReviewError> {
    if RETENTION_RANGE.contains(&r) {
        Ok(r)
    } else {
        Err(ReviewError::Retention(r))
    }
}

/// The card after a review with `grade` at time `now`, and the interval in days until the
/// next review (at least one day).
pub fn schedule(
    card: &Card,
    grade: Grade,
    now: i64,
    retention: f64,
) -> Result<(Card, f64), ReviewError> {
    let retention = check_retention(retention)?;
    let fsrs = fsrs::FSRS::new(&fsrs::DEFAULT_PARAMETERS)
        .map_err(|e| ReviewError::Scheduler(e.to_string()))?;
    let memory = card
        .memory
        .map(|(stability, difficulty)| fsrs::MemoryState {
            stability,
            difficulty,
        });
    let elapsed = card
        .last_review
        .map_or(0, |t| ((now - t).max(0) as f64 / DAY).floor() as u32);
    let next = fsrs
        .next_states(memory, retention as f32, elapsed)
        .map_err(|e| ReviewError::Scheduler(e.to_string()))?;
    let state = match grade {
        Grade::Again => next.again,
        Grade::Hard => next.hard,
        Grade::Good => next.good,
        Grade::Easy => next.easy,
    };
    // Whole days, at least one: a review is a thing of another day.
    let days = f64::from(state.interval).round().max(1.0);
    Ok((
        Card {
            due_at: now + (days * DAY) as i64,
            memory: Some((state.memory.stability, state.memory.difficulty)),
            last_review: Some(now),
            reviews: card.reviews + 1,
            lapses: card.lapses + u32::from(grade == Grade::Again && card.memory.is_some()),
            ..card.clone()
        },
        days,
    ))
}

/// A review in progress: the due questions in order, each with its choices shuffled.
#[derive(Debug, Clone)]
pub struct ReviewSession<'c> {
    catalog: &'c Catalog,
    /// (catalog index, display order).
    items: Vec<(usize, Vec<usize>)>,
    responses: Vec<Response>,
    /// Cards whose question is not in the loaded banks (left for when they are).
    pub unknown: Vec<String>,
}

impl<'c> ReviewSession<'c> {
    /// The questions of `cards`, in that order; every choice order comes from `seed`.
    pub fn new(catalog: &'c Catalog, cards: &[Card], seed: u64) -> ReviewSession<'c> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut items = Vec::new();
        let mut unknown = Vec::new();
        for c in cards {
            match catalog.question_index.get(c.question.as_str()) {
                Some(&qi) => items.push((qi, crate::quiz::choice_order(catalog, qi, &mut rng))),
                None => unknown.push(c.question.clone()),
            }
        }
        ReviewSession {
            catalog,
            items,
            responses: Vec::new(),
            unknown,
        }
    }

    /// Questions in the review.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The question to review now, or `None` when the review is over.
    pub fn current(&self) -> Option<Item<'_>> {
        let i = self.responses.len();
        self.items.get(i).map(|(qi, order)| Item {
            question: &self.catalog.questions[*qi],
            order,
            number: i + 1,
            total: self.items.len(),
            adaptive: false,
            graded_total: self.items.len(),
            practice_total: 0,
            place: i + 1,
            review: true,
        })
    }

    /// Grades `answer` for the current question and moves on.
    pub fn answer(&mut self, answer: Answer, seconds: f64) -> Option<&Response> {
        let (qi, order) = self.items.get(self.responses.len())?;
        let q = &self.catalog.questions[*qi];
        self.responses
            .push(crate::quiz::response_of(q, answer, order, seconds));
        self.responses.last()
    }

    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    /// [`ReviewSession::answer`] with how sure the person said they were (1–3).
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_card() -> Card {
        Card {
            question: "q".into(),
            created_at: 0,
            due_at: FIRST_DELAY,
            memory: None,
            last_review: None,
            reviews: 0,
            lapses: 0,
        }
    }

    #[test]
    fn right_answers_space_the_reviews_out_and_a_miss_brings_it_back() {
        let mut card = new_card();
        let mut now = card.due_at;
        let mut gaps = Vec::new();
        for _ in 0..4 {
            let (next, days) = schedule(&card, Grade::Good, now, DEFAULT_RETENTION).unwrap();
            gaps.push(days);
            now = next.due_at;
            card = next;
        }
        assert!(gaps.windows(2).all(|w| w[1] > w[0]), "{gaps:?}");
        let (missed, days) = schedule(&card, Grade::Again, now, DEFAULT_RETENTION).unwrap();
        assert!(days < gaps[3], "{days} after {gaps:?}");
        assert_eq!(missed.lapses, 1);
        assert_eq!(missed.reviews, 5);
        // Higher retention, shorter intervals.
        let (_, low) = schedule(&card, Grade::Good, now, 0.8).unwrap();
        let (_, high) = schedule(&card, Grade::Good, now, 0.95).unwrap();
        assert!(high < low, "{high} vs {low}");
        assert!(schedule(&card, Grade::Good, now, 0.5).is_err());
    }

    #[test]
    fn grades_follow_the_answer() {
        let r = |score: f64, correct: bool| Response {
            id: "q".into(),
            topic: "t".into(),
            area: "a".into(),
            answer: crate::evidence::Answer::Skip,
            score,
            correct,
            graded: true,
            order: vec![],
            seconds: 0.0,
            certainty: None,
        };
        assert_eq!(Grade::of(&r(0.0, false), false), Grade::Again);
        assert_eq!(Grade::of(&r(0.5, false), true), Grade::Hard);
        assert_eq!(Grade::of(&r(1.0, true), false), Grade::Good);
        assert_eq!(Grade::of(&r(1.0, true), true), Grade::Easy);
    }
}

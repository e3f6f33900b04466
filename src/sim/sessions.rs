//! Simulated learners over several sessions, through the real quiz and learner model.
//!
//! Each learner has a true ability per knowledge area drawn from N(0, 1) and a true offset
//! per topic drawn from N(0, τ²) with the model's own spread τ; optionally every area
//! grows by `growth` logits between sessions. Session k is a default adaptive quiz
//! ([`crate::Quiz::with_prior`]) starting from what the earlier sessions left in the
//! learner's history, `days_between` days after the previous one; answers come from the
//! 3PL with each question's item parameters. After every session the figures compare the
//! most likely level of each area and topic with the true one. In the same run:
//! - `alone`: each session's quiz with no history (the model of that quiz alone);
//! - `long`: one adaptive quiz as long as all sessions together;
//! - `scores`: per-topic mean scores of the history, without borrowing (the scorecard's
//!   levels; a topic with no answer counts as a miss).
//!
//! Every learner has its own random stream (seed, learner index), so results do not
//! depend on the number of threads.

use crate::bank::Catalog;
use crate::evidence::Answer;
use crate::irt::{item_of, probability};
use crate::learner::level::{Level, level_of_theta};
use crate::learner::model::{Evidence, LearnerModel, TOPIC_SPREAD};
use crate::quiz::{Prior, Quiz, QuizSpec};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How to run the learner simulation.
#[derive(Debug, Clone)]
pub struct SessionsConfig {
    pub learners: usize,
    pub sessions: usize,
    /// Graded questions per session (the quiz's `--count`).
    pub count: usize,
    /// Growth of every true area ability between sessions (logits).
    pub growth: f64,
    pub days_between: f64,
    pub seed: u64,
    pub threads: usize,
}

/// Calibration of the level probabilities: one bin per tenth of probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// The bin is [lo, lo + 0.1).
    pub lo: f64,
    pub count: usize,
    /// Mean probability said, and share of those verdicts that were right.
    pub said: f64,
    pub right: f64,
}

/// Figures after one session (or after the one long quiz).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Share of areas whose most likely level is the true one.
    pub area_accuracy: f64,
    pub topic_accuracy: f64,
    /// Share of verdicts settled (≥ 95%), and of those, the share right.
    pub area_settled: f64,
    pub topic_settled: f64,
    pub settled_right: f64,
    /// Graded questions asked per learner, mean.
    pub questions: f64,
    /// Areas and topics together.
    pub calibration: Vec<CalibrationBin>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionsReport {
    pub learners: usize,
    pub sessions: usize,
    pub count: usize,
    pub growth: f64,
    pub days_between: f64,
    /// After each session, with history.
    pub with_history: Vec<Figures>,
    /// Each session's quiz alone.
    pub alone: Vec<Figures>,
    /// Per-topic mean scores of the history after each session, without borrowing.
    pub scores_topic_accuracy: Vec<f64>,
    /// One quiz of `sessions × count` questions.
    pub long: Figures,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SessionsError {
    #[error("--sessions, --simulees and --length must each be at least 1")]
    Zero,
    #[error("the banks have no knowledge area with graded questions")]
    NoQuestions,
}

/// Sums from which [`Figures`] are made.
#[derive(Debug, Clone, Default)]
struct Tally {
    areas: usize,
    areas_right: usize,
    areas_settled: usize,
    topics: usize,
    topics_right: usize,
    topics_settled: usize,
    settled_right: usize,
    questions: usize,
    runs: usize,
    bins: [(f64, usize, usize); 10],
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.areas += other.areas;
        self.areas_right += other.areas_right;
        self.areas_settled += other.areas_settled;
        self.topics += other.topics;
        self.topics_right += other.topics_right;
        self.topics_settled += other.topics_settled;
        self.settled_right += other.settled_right;
        self.questions += other.questions;
        self.runs += other.runs;
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            a.0 += b.0;
            a.1 += b.1;
            a.2 += b.2;
        }
    }

    fn verdict(&mut self, probability: f64, right: bool, settled: bool) {
        let b = ((probability * 10.0) as usize).min(9);
        self.bins[b].0 += probability;
        self.bins[b].1 += 1;
        self.bins[b].2 += usize::from(right);
        if settled {
            self.settled_right += usize::from(right);
        }
    }

    /// Scores the model against the truth.
    fn score(&mut self, model: &LearnerModel, truth: &Truth, questions: usize) {
        self.runs += 1;
        self.questions += questions;
        for (a, (_, v)) in model.verdicts().into_iter().enumerate() {
            let right = v.area.level == level_of_theta(truth.areas[a], usize::MAX);
            self.areas += 1;
            self.areas_right += usize::from(right);
            self.areas_settled += usize::from(v.area.settled);
            self.verdict(v.area.probability, right, v.area.settled);
            for (t, tv) in v.topics.iter().enumerate() {
                let right = tv.level == level_of_theta(truth.topic(a, t), usize::MAX);
                self.topics += 1;
                self.topics_right += usize::from(right);
                self.topics_settled += usize::from(tv.settled);
                self.verdict(tv.probability, right, tv.settled);
            }
        }
    }

    fn figures(&self) -> Figures {
        let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Figures {
            area_accuracy: share(self.areas_right, self.areas),
            topic_accuracy: share(self.topics_right, self.topics),
            area_settled: share(self.areas_settled, self.areas),
            topic_settled: share(self.topics_settled, self.topics),
            settled_right: share(self.settled_right, self.areas_settled + self.topics_settled),
            questions: share(self.questions, self.runs),
            calibration: self
                .bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.1 > 0)
                .map(|(i, b)| CalibrationBin {
                    lo: i as f64 / 10.0,
                    count: b.1,
                    said: b.0 / b.1 as f64,
                    right: b.2 as f64 / b.1 as f64,
                })
                .collect(),
        }
    }
}

/// One learner's true abilities, in the model's area and topic order.
struct Truth {
    areas: Vec<f64>,
    offsets: Vec<Vec<f64>>,
}

impl Truth {
    fn topic(&self, a: usize, t: usize) -> f64 {
        self.areas[a] + self.offsets[a][t]
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Tallies of one learner: per session with history, per session alone, per-topic
/// scores (right, total) per session, and the long quiz.
struct LearnerTallies {
    with_history: Vec<Tally>,
    alone: Vec<Tally>,
    scores: Vec<(usize, usize)>,
    long: Tally,
}

const DAY: f64 = 86_400.0;

/// Runs one quiz for the learner whose true abilities are `truth` (areas and topics in the
/// order of `model`); returns the graded evidence it produced, given at time `at`.
fn run_quiz(
    catalog: &Catalog,
    (spec, prior, seed): (&QuizSpec, &Prior, u64),
    (truth, model): (&Truth, &LearnerModel),
    at: i64,
    rng: &mut ChaCha8Rng,
) -> Vec<Evidence> {
    let mut quiz = Quiz::with_prior(catalog, spec, seed, prior).expect("checked: questions exist");
    let mut out = Vec::new();
    while let Some(item) = quiz.current() {
        let id = item.question.id.clone();
        let q = catalog
            .question(&id)
            .expect("the quiz asks the catalog's questions");
        let a = model.areas.iter().position(|m| m.area == q.area);
        let t = a.and_then(|a| model.areas[a].topics.iter().position(|t| *t == q.topic));
        let (Some(a), Some(t)) = (a, t) else {
            quiz.answer(Answer::Skip, 0.0);
            continue;
        };
        let right = rng.random::<f64>() < probability(truth.topic(a, t), &item_of(q));
        // The grade only needs right or wrong: a right answer is the key, a wrong one a skip.
        let answer = if right { key(q) } else { Answer::Skip };
        quiz.answer(answer, 0.0);
        out.push(Evidence {
            question: q.id.to_string(),
            correct: right,
            at,
        });
    }
    out
}

/// The answer that is fully right.
fn key(q: &crate::bank::Question) -> Answer {
    use crate::bank::Kind;
    match &q.kind {
        Kind::SingleChoice { answer, .. } => Answer::Choice(*answer),
        Kind::MultipleSelect { answers, .. } => Answer::Choices(answers.clone()),
        Kind::TrueFalse { answer } => Answer::Bool(*answer),
        Kind::Numeric { answer, .. } => Answer::Number(*answer),
        Kind::ShortText { accepted, .. } => Answer::Text(accepted[0].clone()),
        Kind::SelfRating => Answer::Rating(3),
    }
}

fn one_learner(catalog: &Catalog, cfg: &SessionsConfig, i: usize) -> LearnerTallies {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(i as u64 + 1);
    let empty = LearnerModel::empty(catalog, 0);
    let mut truth = Truth {
        areas: empty.areas.iter().map(|_| normal(&mut rng)).collect(),
        offsets: empty
            .areas
            .iter()
            .map(|a| {
                a.topics
                    .iter()
                    .map(|_| TOPIC_SPREAD * normal(&mut rng))
                    .collect()
            })
            .collect(),
    };
    let spec = QuizSpec {
        areas: empty.areas.iter().map(|a| a.area.clone()).collect(),
        count: cfg.count,
        ..QuizSpec::default()
    };
    let mut history: Vec<Evidence> = Vec::new();
    let mut recent: Vec<HashSet<String>> = Vec::new();
    let mut out = LearnerTallies {
        with_history: Vec::new(),
        alone: Vec::new(),
        scores: Vec::new(),
        long: Tally::default(),
    };
    let truth_at_start = Truth {
        areas: truth.areas.clone(),
        offsets: truth.offsets.clone(),
    };
    for s in 0..cfg.sessions {
        if s > 0 {
            truth.areas.iter_mut().for_each(|a| *a += cfg.growth);
        }
        let at = (s as f64 * cfg.days_between * DAY) as i64;
        let seed = rng.random::<u64>();
        let prior = Prior {
            model: LearnerModel::new(catalog, &history, at),
            recent: recent
                .iter()
                .rev()
                .take(crate::quiz::RECENT_ATTEMPTS)
                .flatten()
                .cloned()
                .collect(),
        };
        let mut answer_rng = ChaCha8Rng::seed_from_u64(rng.random::<u64>());
        let mut alone_rng = answer_rng.clone();
        let given = run_quiz(
            catalog,
            (&spec, &prior, seed),
            (&truth, &empty),
            at,
            &mut answer_rng,
        );
        recent.push(given.iter().map(|e| e.question.clone()).collect());
        history.extend(given.iter().cloned());
        let mut t = Tally::default();
        t.score(
            &LearnerModel::new(catalog, &history, at),
            &truth,
            given.len(),
        );
        out.with_history.push(t);
        // The same session's quiz, alone.
        let none = Prior::none(catalog);
        let ev = run_quiz(
            catalog,
            (&spec, &none, seed),
            (&truth, &empty),
            at,
            &mut alone_rng,
        );
        let mut t = Tally::default();
        t.score(&LearnerModel::new(catalog, &ev, at), &truth, ev.len());
        out.alone.push(t);
        // Per-topic mean scores of the history, no borrowing.
        let (mut right, mut total) = (0, 0);
        for (a, m) in empty.areas.iter().enumerate() {
            for (ti, topic) in m.topics.iter().enumerate() {
                let answers: Vec<bool> = history
                    .iter()
                    .filter(|e| {
                        catalog
                            .question(&e.question)
                            .is_some_and(|q| q.topic == *topic)
                    })
                    .map(|e| e.correct)
                    .collect();
                let n = answers.len();
                let score = answers.iter().filter(|&&x| x).count() as f64 / n.max(1) as f64;
                let level = Level::of(score, n, 1);
                total += 1;
                right += usize::from(level == level_of_theta(truth.topic(a, ti), usize::MAX));
            }
        }
        out.scores.push((right, total));
    }
    // One long quiz, as long as all sessions together, on the learner as they started
    // (with growth, on the final abilities: the long quiz is taken at the end).
    let long_truth = if cfg.growth == 0.0 {
        truth_at_start
    } else {
        truth
    };
    let long_spec = QuizSpec {
        count: cfg.count * cfg.sessions,
        ..spec
    };
    let seed = rng.random::<u64>();
    let none = Prior::none(catalog);
    let ev = run_quiz(
        catalog,
        (&long_spec, &none, seed),
        (&long_truth, &empty),
        0,
        &mut rng,
    );
    out.long
        .score(&LearnerModel::new(catalog, &ev, 0), &long_truth, ev.len());
    out
}

/// Runs the simulation; `progress` is called with the number of learners done.
pub fn simulate_sessions(
    catalog: &Catalog,
    cfg: &SessionsConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SessionsReport, SessionsError> {
    if cfg.sessions == 0 || cfg.learners == 0 || cfg.count == 0 {
        return Err(SessionsError::Zero);
    }
    if LearnerModel::empty(catalog, 0).areas.is_empty()
        || !catalog.questions.iter().any(|q| q.kind.is_graded())
    {
        return Err(SessionsError::NoQuestions);
    }
    let threads = cfg.threads.clamp(1, cfg.learners);
    let done = AtomicUsize::new(0);
    let parts: Vec<LearnerTallies> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|w| {
                let done = &done;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in (w..cfg.learners).step_by(threads) {
                        mine.push((i, one_learner(catalog, cfg, i)));
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<(usize, LearnerTallies)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker panicked"))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, t)| t).collect()
    });
    let mut with_history = vec![Tally::default(); cfg.sessions];
    let mut alone = vec![Tally::default(); cfg.sessions];
    let mut scores = vec![(0usize, 0usize); cfg.sessions];
    let mut long = Tally::default();
    for p in &parts {
        for s in 0..cfg.sessions {
            with_history[s].add(&p.with_history[s]);
            alone[s].add(&p.alone[s]);
            scores[s].0 += p.scores[s].0;
            scores[s].1 += p.scores[s].1;
        }
        long.add(&p.long);
    }
    Ok(SessionsReport {
        learners: cfg.learners,
        sessions: cfg.sessions,
        count: cfg.count,
        growth: cfg.growth,
        days_between: cfg.days_between,
        with_history: with_history.iter().map(Tally::figures).collect(),
        alone: alone.iter().map(Tally::figures).collect(),
        scores_topic_accuracy: scores
            .iter()
            .map(|(r, t)| *r as f64 / (*t).max(1) as f64)
            .collect(),
        long: long.figures(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_beats_one_quiz_and_the_figures_are_shares() {
        let cat = Catalog::builtin().unwrap();
        let cfg = SessionsConfig {
            learners: 24,
            sessions: 2,
            count: 10,
            growth: 0.0,
            days_between: 7.0,
            seed: 3,
            threads: 2,
        };
        let r = simulate_sessions(&cat, &cfg, &|_| {}).unwrap();
        assert_eq!(r.with_history.len(), 2);
        for f in r.with_history.iter().chain(&r.alone).chain([&r.long]) {
            for x in [
                f.area_accuracy,
                f.topic_accuracy,
                f.area_settled,
                f.topic_settled,
            ] {
                assert!((0.0..=1.0).contains(&x));
            }
            let n: usize = f.calibration.iter().map(|b| b.count).sum();
            // One verdict per knowledge area and per topic of those areas, per learner.
            let m = LearnerModel::empty(&cat, 0);
            let per = m.areas.len() + m.areas.iter().map(|a| a.topics.len()).sum::<usize>();
            assert_eq!(n, 24 * per);
        }
        // The first session with history is the same quiz as alone.
        assert_eq!(r.with_history[0], r.alone[0]);
        // Threads do not change the results.
        let one = simulate_sessions(&cat, &SessionsConfig { threads: 1, ..cfg }, &|_| {}).unwrap();
        assert_eq!(one, r);
    }
}

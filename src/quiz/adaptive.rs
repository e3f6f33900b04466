//! Adaptive selection for a quiz, driven by the learner model: the next question goes to
//! the topic whose verdict is least settled, and within it to the most informative
//! question at the topic's current ability.
//!
//! The roles are those of [`crate::irt`]:
//! - start: the learner model as history left it (no history: every area at its prior);
//! - select: the open area whose level is least certain (1 − the probability of its most
//!   likely level; ties at random), then its open topic whose level is least certain, then
//!   the question with the most Fisher information at the topic's current ability, chosen
//!   at random among the `top_k` best for exposure control; questions asked in recent
//!   attempts only when the topic has no others. (BENCHMARKS.md measures this against
//!   choosing the topic first.)
//! - estimate: the hierarchical model ([`crate::learner::model`]) after every answer;
//! - stop: a topic closes when its verdict becomes settled (95%) during the quiz or its SE
//!   reaches the target (a topic settled before the quiz began stays open, asked last, so
//!   that a returning learner is checked again);
//!   an area when all its topics have closed or it has no questions left; the quiz at its
//!   item budget.

use super::Prior;
use crate::bank::Catalog;
use crate::irt::{Estimate, Item, information, item_of};
use crate::learner::model::{AreaModel, AreaVerdicts};
use foldhash::HashMap;
use rand::{Rng, RngExt};

/// How an adaptive quiz chooses and stops.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveSpec {
    /// A topic stops being asked once its standard error is at or below this (logits).
    pub se_target: f64,
    /// Randomesque exposure control: choose among this many most informative questions.
    pub top_k: usize,
}

impl Default for AdaptiveSpec {
    /// SE target 0.35, top 3.
    fn default() -> Self {
        AdaptiveSpec {
            se_target: 0.35,
            top_k: 3,
        }
    }
}

/// One area's part of the quiz.
#[derive(Debug, Clone)]
struct AreaCat {
    model: AreaModel,
    verdicts: AreaVerdicts,
    /// Catalog indices of the area's eligible questions.
    questions: Vec<usize>,
    items: Vec<Item>,
    /// Index into `model.topics` of each question.
    topic_of: Vec<usize>,
    available: Vec<bool>,
    /// Asked in a recent attempt.
    recent: Vec<bool>,
    /// Topics whose verdict was already settled when the quiz began: they are checked
    /// again (last, having the least uncertainty), since the learner may have changed.
    settled_at_start: Vec<bool>,
}

impl AreaCat {
    fn topic_open(&self, t: usize, se_target: f64) -> bool {
        let v = &self.verdicts.topics[t];
        (!v.settled || self.settled_at_start[t])
            && v.se > se_target
            && (0..self.questions.len()).any(|i| self.available[i] && self.topic_of[i] == t)
    }
}

/// The adaptive part of a quiz in progress.
#[derive(Debug, Clone)]
pub(super) struct Adaptive {
    areas: Vec<AreaCat>,
    /// Where each catalog question sits, by catalog index: (area, index in the area's
    /// pool), or `None` outside the pools.
    place: Vec<Option<(usize, usize)>>,
    /// For each pooled catalog question, the pooled questions related to it: asking one
    /// withdraws the others.
    related: HashMap<usize, Vec<usize>>,
    spec: AdaptiveSpec,
    max_items: usize,
    asked: usize,
}

impl Adaptive {
    /// Pools per area from the eligible graded questions (catalog indices, any order),
    /// starting from `prior`.
    pub(super) fn new(
        catalog: &Catalog,
        eligible: &[usize],
        spec: &AdaptiveSpec,
        max_items: usize,
        prior: &Prior,
    ) -> Adaptive {
        let mut areas = Vec::new();
        for model in &prior.model.areas {
            let questions: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|&i| catalog.questions[i].area == model.area)
                .collect();
            if questions.is_empty() {
                continue;
            }
            let topic_of = questions
                .iter()
                .map(|&i| {
                    model
                        .topics
                        .iter()
                        .position(|t| *t == catalog.questions[i].topic)
                        .unwrap_or(0)
                })
                .collect();
            let items = questions
                .iter()
                .map(|&i| item_of(&catalog.questions[i]))
                .collect();
            let recent = questions
                .iter()
                .map(|&i| prior.recent.contains(&*catalog.questions[i].id))
                .collect();
            let verdicts = model.verdicts();
            areas.push(AreaCat {
                settled_at_start: verdicts.topics.iter().map(|v| v.settled).collect(),
                verdicts,
                model: model.clone(),
                available: vec![true; questions.len()],
                questions,
                items,
                topic_of,
                recent,
            });
        }
        // The budget can never exceed the questions there are.
        let max_items = max_items.min(areas.iter().map(|a| a.questions.len()).sum());
        let mut place = vec![None; catalog.questions.len()];
        for (a, area) in areas.iter().enumerate() {
            for (i, &q) in area.questions.iter().enumerate() {
                place[q] = Some((a, i));
            }
        }
        let related = areas
            .iter()
            .flat_map(|area| &area.questions)
            .filter(|&&q| !catalog.related(q).is_empty())
            .map(|&q| (q, catalog.related(q).to_vec()))
            .collect();
        Adaptive {
            areas,
            place,
            related,
            spec: AdaptiveSpec {
                top_k: spec.top_k.max(1),
                ..spec.clone()
            },
            max_items,
            asked: 0,
        }
    }

    /// The next question (catalog index), or `None` when the budget is spent or every
    /// topic has closed.
    pub(super) fn next<R: Rng>(&mut self, rng: &mut R) -> Option<usize> {
        if self.asked >= self.max_items {
            return None;
        }
        let target = self.spec.se_target;
        // The open area whose level is least certain (ties at random) ...
        let open_areas: Vec<(usize, f64)> = self
            .areas
            .iter()
            .enumerate()
            .filter(|(_, area)| (0..area.verdicts.topics.len()).any(|t| area.topic_open(t, target)))
            .map(|(a, area)| (a, area.verdicts.area.uncertainty()))
            .collect();
        let a = pick_most_uncertain(&open_areas, rng)?;
        // ... then its open topic whose level is least certain ...
        let area = &self.areas[a];
        let open_topics: Vec<(usize, f64)> = (0..area.verdicts.topics.len())
            .filter(|&t| area.topic_open(t, target))
            .map(|t| (t, area.verdicts.topics[t].uncertainty()))
            .collect();
        let t = pick_most_uncertain(&open_topics, rng)?;
        // ... then the question most informative at the topic's ability.
        let theta = area.verdicts.topics[t].theta;
        let in_topic = |i: usize| area.available[i] && area.topic_of[i] == t;
        let fresh = (0..area.questions.len()).any(|i| in_topic(i) && !area.recent[i]);
        let mut best: Vec<(f64, usize)> = (0..area.questions.len())
            .filter(|&i| in_topic(i) && (!fresh || !area.recent[i]))
            .map(|i| (information(theta, &area.items[i]), i))
            .collect();
        best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        best.truncate(self.spec.top_k);
        let (_, i) = best[rng.random_range(0..best.len())];
        let area = &mut self.areas[a];
        area.available[i] = false;
        let question = area.questions[i];
        for r in self.related.get(&question).into_iter().flatten() {
            if let Some(&Some((ra, ri))) = self.place.get(*r) {
                self.areas[ra].available[ri] = false;
            }
        }
        self.asked += 1;
        Some(question)
    }

    /// Records the answer to catalog question `question`.
    pub(super) fn record(&mut self, question: usize, correct: bool) {
        if let Some(&Some((a, i))) = self.place.get(question) {
            let area = &mut self.areas[a];
            area.model
                .observe(area.topic_of[i], &area.items[i], correct, 1.0);
            area.verdicts = area.model.verdicts();
        }
    }

    /// The current estimate of each area that has a pool, by area id.
    pub(super) fn estimates(&self) -> Vec<(&str, Estimate)> {
        self.areas
            .iter()
            .map(|a| {
                let v = a.verdicts.area;
                (
                    a.model.area.as_str(),
                    Estimate {
                        theta: v.theta,
                        se: v.se,
                    },
                )
            })
            .collect()
    }

    pub(super) fn max_items(&self) -> usize {
        self.max_items
    }
}

/// The candidate with the largest uncertainty; ties (within 1e-9) at random. `None` when
/// there is no candidate.
fn pick_most_uncertain<R: Rng>(candidates: &[(usize, f64)], rng: &mut R) -> Option<usize> {
    let top = candidates
        .iter()
        .map(|c| c.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let ties: Vec<usize> = candidates
        .iter()
        .filter(|c| c.1 >= top - 1e-9)
        .map(|c| c.0)
        .collect();
    (!ties.is_empty()).then(|| ties[rng.random_range(0..ties.len())])
}

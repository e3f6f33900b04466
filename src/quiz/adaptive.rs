//! Adaptive selection for a quiz: one ability per area, the next question asked where the
//! standard error is largest, each area stopping on its own.
//!
//! The roles are those of [`crate::irt`]: start at θ = 0; select by maximum information
//! with randomesque exposure control and content balancing across the area's topics;
//! estimate by EAP; stop an area when its SE reaches the target, when its 95% interval lies
//! inside one level band, or when nothing is left; stop the quiz at its item budget.

use crate::bank::Catalog;
use crate::irt::{
    Estimate, Grid, Item, Method, Pool, Posterior, Selector, StopRule, item_of,
    order_by_discrimination,
};
use crate::learner::level::{LEVEL_CUTS, Z_95};
use rand::Rng;

/// How an adaptive quiz chooses and stops.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveSpec {
    /// An area stops once its standard error is at or below this (logits).
    pub se_target: f64,
    /// Randomesque exposure control: choose among this many most informative questions.
    pub top_k: usize,
    /// Balance each area's questions across its topics.
    pub balance: bool,
}

impl Default for AdaptiveSpec {
    /// SE target 0.35, top 3, balanced.
    fn default() -> Self {
        AdaptiveSpec {
            se_target: 0.35,
            top_k: 3,
            balance: true,
        }
    }
}

/// One area's adaptive test.
#[derive(Debug, Clone)]
struct AreaCat {
    /// Catalog indices of the area's eligible questions (the pool, in this order).
    questions: Vec<usize>,
    items: Vec<Item>,
    topics: Vec<usize>,
    n_topics: usize,
    by_a: Vec<usize>,
    available: Vec<bool>,
    given_per_topic: Vec<usize>,
    posterior: Posterior,
    given: usize,
    stop: StopRule,
}

impl AreaCat {
    fn open(&self) -> bool {
        self.available.iter().any(|&a| a)
            && self
                .stop
                .check(self.posterior.estimate(), self.given)
                .is_none()
    }

    fn pool(&self) -> Pool<'_> {
        Pool {
            items: &self.items,
            topics: &self.topics,
            n_topics: self.n_topics,
            by_a: &self.by_a,
        }
    }
}

/// The adaptive part of a quiz in progress.
#[derive(Debug, Clone)]
pub(super) struct Adaptive {
    areas: Vec<AreaCat>,
    selector: Selector,
    max_items: usize,
    asked: usize,
}

impl Adaptive {
    /// Pools per area from the eligible graded questions (catalog indices, any order).
    pub(super) fn new(
        catalog: &Catalog,
        eligible: &[usize],
        spec: &AdaptiveSpec,
        max_items: usize,
    ) -> Adaptive {
        let grid = Grid::default();
        let mut areas = Vec::new();
        for area in catalog.areas.iter().filter(|a| !a.self_rated) {
            let questions: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|&i| catalog.questions[i].area == area.id)
                .collect();
            if questions.is_empty() {
                continue;
            }
            let topic_ids: Vec<&str> = catalog.topics_of(&area.id).map(|t| t.id.as_str()).collect();
            let topics: Vec<usize> = questions
                .iter()
                .map(|&i| {
                    topic_ids
                        .iter()
                        .position(|t| *t == catalog.questions[i].topic)
                        .unwrap_or(0)
                })
                .collect();
            let items: Vec<Item> = questions
                .iter()
                .map(|&i| item_of(&catalog.questions[i]))
                .collect();
            let by_a = order_by_discrimination(&items);
            let n = questions.len();
            areas.push(AreaCat {
                questions,
                items,
                topics,
                n_topics: topic_ids.len().max(1),
                by_a,
                available: vec![true; n],
                given_per_topic: vec![0; topic_ids.len().max(1)],
                posterior: Posterior::new(&grid),
                given: 0,
                stop: StopRule {
                    se_target: Some(spec.se_target),
                    max_items,
                    bands: LEVEL_CUTS.to_vec(),
                    z: Z_95,
                },
            });
        }
        // The budget can never exceed the questions there are.
        let max_items = max_items.min(areas.iter().map(|a| a.questions.len()).sum());
        Adaptive {
            areas,
            selector: Selector {
                method: Method::MaxInfo,
                top_k: spec.top_k.max(1),
                balance: spec.balance,
            },
            max_items,
            asked: 0,
        }
    }

    /// The next question (catalog index), or `None` when the budget is spent or every
    /// area has stopped. Asks in the open area with the largest SE (ties: at random).
    pub(super) fn next<R: Rng>(&mut self, rng: &mut R) -> Option<usize> {
        use rand::RngExt;
        loop {
            if self.asked >= self.max_items {
                return None;
            }
            let open: Vec<usize> = (0..self.areas.len())
                .filter(|&a| self.areas[a].open())
                .collect();
            let widest = open
                .iter()
                .map(|&a| self.areas[a].posterior.estimate().se)
                .fold(f64::NEG_INFINITY, f64::max);
            let ties: Vec<usize> = open
                .into_iter()
                .filter(|&a| self.areas[a].posterior.estimate().se >= widest - 1e-12)
                .collect();
            if ties.is_empty() {
                return None;
            }
            let a = ties[rng.random_range(0..ties.len())];
            let area = &self.areas[a];
            let theta = area.posterior.estimate().theta;
            let pick = self.selector.select(
                &area.pool(),
                &area.available,
                &area.given_per_topic,
                theta,
                rng,
            );
            match pick {
                Some(i) => {
                    let area = &mut self.areas[a];
                    area.available[i] = false;
                    self.asked += 1;
                    return Some(area.questions[i]);
                }
                // Nothing selectable: close this area and look again.
                None => self.areas[a].available.iter_mut().for_each(|x| *x = false),
            }
        }
    }

    /// Records the answer to catalog question `question`.
    pub(super) fn record(&mut self, question: usize, correct: bool) {
        for area in &mut self.areas {
            if let Some(i) = area.questions.iter().position(|&q| q == question) {
                area.posterior.update(&area.items[i], correct);
                area.given += 1;
                let t = area.topics[i];
                area.given_per_topic[t] += 1;
                return;
            }
        }
    }

    /// The current estimate of each area that has a pool, by area id.
    pub(super) fn estimates<'c>(&self, catalog: &'c Catalog) -> Vec<(&'c str, Estimate)> {
        self.areas
            .iter()
            .map(|a| {
                let q = &catalog.questions[a.questions[0]];
                (q.area.as_str(), a.posterior.estimate())
            })
            .collect()
    }

    pub(super) fn max_items(&self) -> usize {
        self.max_items
    }
}

//! One computerized adaptive test of one ability: start, select, estimate, stop.

use super::estimate::{Estimate, Grid, Posterior};
use super::select::{Pool, Selector};
use super::stop::{StopReason, StopRule};
use rand::Rng;

/// An adaptive test in progress over one pool of items.
#[derive(Debug, Clone)]
pub struct Cat<'a> {
    pool: Pool<'a>,
    selector: Selector,
    stop: StopRule,
    /// The ability used to choose the first item (the start role).
    start: f64,
    posterior: Posterior,
    available: Vec<bool>,
    /// Items still available (the `true`s in `available`).
    left: usize,
    given_per_topic: Vec<usize>,
    given: Vec<(usize, bool)>,
}

impl<'a> Cat<'a> {
    /// A fresh test: every item available, the prior as the posterior, the first item
    /// chosen for ability `start`.
    pub fn new(
        pool: Pool<'a>,
        grid: &Grid,
        selector: Selector,
        stop: StopRule,
        start: f64,
    ) -> Self {
        let n = pool.items.len();
        let topics = pool.n_topics.max(1);
        Cat {
            pool,
            selector,
            stop,
            start,
            posterior: Posterior::new(grid),
            available: vec![true; n],
            left: n,
            given_per_topic: vec![0; topics],
            given: Vec::new(),
        }
    }

    /// The ability the next item is chosen for: `start` before any answer, then the EAP.
    pub fn selection_theta(&self) -> f64 {
        if self.given.is_empty() {
            self.start
        } else {
            self.posterior.estimate().theta
        }
    }

    /// The current estimate (the prior's before any answer).
    pub fn estimate(&self) -> Estimate {
        self.posterior.estimate()
    }

    /// Why the test is over, or `None` while it goes on.
    pub fn stopped(&self) -> Option<StopReason> {
        if let Some(r) = self.stop.check(self.estimate(), self.given.len()) {
            return Some(r);
        }
        (self.left == 0).then_some(StopReason::Exhausted)
    }

    /// The item to give next (index into the pool), or `None` when the test is over.
    /// Calling it again before [`Cat::record`] may give another item when selection is
    /// random.
    pub fn next<R: Rng>(&self, rng: &mut R) -> Option<usize> {
        if self.stopped().is_some() {
            return None;
        }
        self.next_ignoring_stop(rng)
    }

    /// The next item, ignoring the stopping rule (for nested designs that read the
    /// estimate at several lengths); `None` only when nothing is left.
    pub fn next_ignoring_stop<R: Rng>(&self, rng: &mut R) -> Option<usize> {
        self.selector.select(
            &self.pool,
            &self.available,
            &self.given_per_topic,
            self.selection_theta(),
            rng,
        )
    }

    /// Records the answer to item `i`: updates the estimate, takes the item out of the pool.
    pub fn record(&mut self, i: usize, correct: bool) {
        let item = &self.pool.items[i];
        match self.pool.curves {
            Some(curves) => self
                .posterior
                .update_with_curve(item, curves.row(i), correct),
            None => self.posterior.update(item, correct),
        }
        self.take_out(i);
        let t = self.pool.topics.get(i).copied().unwrap_or(0);
        if let Some(c) = self.given_per_topic.get_mut(t) {
            *c += 1;
        }
        self.given.push((i, correct));
    }

    /// Takes item `i` out of the pool without an answer (e.g. the person skipped it and
    /// the caller scores skips elsewhere).
    pub fn withdraw(&mut self, i: usize) {
        self.take_out(i);
    }

    fn take_out(&mut self, i: usize) {
        if std::mem::replace(&mut self.available[i], false) {
            self.left -= 1;
        }
    }

    /// Items answered, in order, with their correctness.
    pub fn given(&self) -> &[(usize, bool)] {
        &self.given
    }

    pub fn stop_rule(&self) -> &StopRule {
        &self.stop
    }
}

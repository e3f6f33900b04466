//! Item selection: which item to give next, or "nothing left".
//!
//! Three pieces, combined by [`Selector`]:
//! - the rule: maximum Fisher information at the current estimate, or uniform random;
//! - exposure control (randomesque, Kingsbury & Zara 1989): pick uniformly among the
//!   `top_k` most informative items, so the same few items are not shown to everybody;
//! - content balancing: first choose the topic furthest behind its share of the test
//!   (equal shares among topics that still have items), then the item within it.

use super::model::{Item, information};
use rand::{Rng, RngExt};

/// How the next item is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Maximum information at the current estimate.
    MaxInfo,
    /// Uniformly at random (the non-adaptive baseline).
    Random,
}

/// A selection rule. `top_k = 1` means no exposure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selector {
    pub method: Method,
    /// Randomesque exposure control: choose among this many best items (≥ 1).
    pub top_k: usize,
    /// Balance the test across topics.
    pub balance: bool,
}

impl Default for Selector {
    /// Maximum information, no exposure control, no content balancing.
    fn default() -> Self {
        Selector {
            method: Method::MaxInfo,
            top_k: 1,
            balance: false,
        }
    }
}

/// The items one test draws from: parameters, topic of each item (0-based, dense), and
/// optionally the items sorted by discrimination, which lets maximum-information selection
/// stop scanning early (no item can give more than a²/4).
#[derive(Debug, Clone, Copy)]
pub struct Pool<'a> {
    pub items: &'a [Item],
    /// `topics[i]` is item i's topic, < `n_topics`. Empty means one topic for all.
    pub topics: &'a [usize],
    pub n_topics: usize,
    /// Item indices by decreasing `a` (see [`order_by_discrimination`]); empty: scan all.
    pub by_a: &'a [usize],
}

/// Item indices sorted by decreasing discrimination `a` (ties by index), for [`Pool::by_a`].
pub fn order_by_discrimination(items: &[Item]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&x, &y| items[y].a.total_cmp(&items[x].a).then(x.cmp(&y)));
    order
}

impl<'a> Pool<'a> {
    /// All of `items` in one topic, scanned in index order.
    pub fn new(items: &'a [Item]) -> Pool<'a> {
        Pool {
            items,
            topics: &[],
            n_topics: 1,
            by_a: &[],
        }
    }

    fn topic(&self, i: usize) -> usize {
        self.topics.get(i).copied().unwrap_or(0)
    }
}

/// The topic content balancing asks for next: among topics with items left, the one
/// with the largest deficit (its equal share of n + 1 items minus the items it got);
/// ties go to the lowest index. `None` when no item is left.
pub fn behind_topic(pool: &Pool, available: &[bool], given_per_topic: &[usize]) -> Option<usize> {
    let n_topics = pool.n_topics.max(1);
    let mut open = vec![false; n_topics];
    for (i, &ok) in available.iter().enumerate() {
        if ok {
            open[pool.topic(i)] = true;
        }
    }
    let n_open = open.iter().filter(|&&o| o).count();
    if n_open == 0 {
        return None;
    }
    let given: usize = (0..n_topics)
        .filter(|&t| open[t])
        .map(|t| given_per_topic.get(t).copied().unwrap_or(0))
        .sum();
    let share = (given + 1) as f64 / n_open as f64;
    (0..n_topics)
        .filter(|&t| open[t])
        .map(|t| {
            (
                t,
                share - given_per_topic.get(t).copied().unwrap_or(0) as f64,
            )
        })
        .fold(None, |best: Option<(usize, f64)>, (t, d)| match best {
            Some((_, bd)) if bd >= d => best,
            _ => Some((t, d)),
        })
        .map(|(t, _)| t)
}

impl Selector {
    /// The next item's index in `pool.items`, or `None` when nothing is left.
    /// `theta` is the current estimate; `given_per_topic` counts items given per topic.
    pub fn select<R: Rng>(
        &self,
        pool: &Pool,
        available: &[bool],
        given_per_topic: &[usize],
        theta: f64,
        rng: &mut R,
    ) -> Option<usize> {
        let topic = if self.balance && pool.n_topics > 1 {
            Some(behind_topic(pool, available, given_per_topic)?)
        } else {
            None
        };
        let eligible = |i: usize| available[i] && topic.is_none_or(|t| pool.topic(i) == t);
        match self.method {
            Method::Random => {
                let n = (0..pool.items.len()).filter(|&i| eligible(i)).count();
                if n == 0 {
                    return None;
                }
                let pick = rng.random_range(0..n);
                (0..pool.items.len()).filter(|&i| eligible(i)).nth(pick)
            }
            Method::MaxInfo => {
                let best =
                    top_by_information(pool.items, pool.by_a, theta, self.top_k.max(1), eligible);
                match best.len() {
                    0 => None,
                    1 => Some(best[0].1),
                    n => Some(best[rng.random_range(0..n)].1),
                }
            }
        }
    }
}

/// The `k` eligible items with the largest information at `theta`, best first, as
/// (information, index). `by_a` (if not empty) must list every item by decreasing `a`:
/// the scan then stops once a²/4, the most any later item can give (I(θ) ≤ a² L(1 − L)
/// ≤ a²/4 for every c and d), cannot beat the k-th best so far.
pub fn top_by_information(
    items: &[Item],
    by_a: &[usize],
    theta: f64,
    k: usize,
    eligible: impl Fn(usize) -> bool,
) -> Vec<(f64, usize)> {
    let mut best: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    let consider = |i: usize, best: &mut Vec<(f64, usize)>| {
        if !eligible(i) {
            return;
        }
        let info = information(theta, &items[i]);
        if best.len() == k && info <= best[k - 1].0 {
            return;
        }
        let at = best.partition_point(|&(v, _)| v >= info);
        best.insert(at, (info, i));
        best.truncate(k);
    };
    if by_a.is_empty() {
        for i in 0..items.len() {
            consider(i, &mut best);
        }
    } else {
        for &i in by_a {
            let a = items[i].a;
            if best.len() == k && a * a / 4.0 <= best[k - 1].0 {
                break;
            }
            consider(i, &mut best);
        }
    }
    best
}

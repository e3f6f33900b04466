//! Item selection: which item to give next, or "nothing left".
//!
//! Three pieces, combined by [`Selector`]:
//! - the rule: maximum Fisher information at the current estimate, or uniform random;
//! - exposure control (randomesque, Kingsbury & Zara 1989): pick uniformly among the
//!   `top_k` most informative items, so the same few items are not shown to everybody;
//! - content balancing: first choose the topic furthest behind its share of the test
//!   (equal shares among topics that still have items), then the item within it.
//!
//! Maximum information keeps the `top_k` best items by (information, descending; position
//! in [`order_by_discrimination`], ascending). A plain scan finds them; an [`Index`] built
//! once per bank finds the same items while evaluating only a few (see its docs).

use super::estimate::Curves;
use super::model::{Item, information};
use rand::{Rng, RngExt};
use std::collections::HashMap;

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
/// optionally what a bank can compute once for all its tests: the items sorted by
/// discrimination (maximum-information selection stops scanning when no item can give more
/// than a²/4), a selection [`Index`], and the items' [`Curves`] on the estimation grid.
#[derive(Debug, Clone, Copy)]
pub struct Pool<'a> {
    pub items: &'a [Item],
    /// `topics[i]` is item i's topic, < `n_topics`. Empty means one topic for all.
    pub topics: &'a [usize],
    pub n_topics: usize,
    /// Item indices by decreasing `a` (see [`order_by_discrimination`]); empty: scan all.
    pub by_a: &'a [usize],
    /// Built from `items` with [`Index::new`]; used instead of `by_a` when present, with
    /// the same result.
    pub index: Option<&'a Index>,
    /// `items`' probabilities on the grid the test estimates on ([`Curves::new`]); when
    /// present, each answer updates the posterior without exponentials, bit for bit the same.
    pub curves: Option<&'a Curves>,
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
            index: None,
            curves: None,
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
                if let Some(index) = pool.index {
                    let mut best = TopK::new(self.top_k.max(1));
                    index.top(theta, &mut best, eligible);
                    let best = best.as_slice();
                    return match best.len() {
                        0 => None,
                        1 => Some(best[0].item),
                        n => Some(best[rng.random_range(0..n)].item),
                    };
                }
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

/// One candidate of maximum-information selection.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    info: f64,
    /// Rank in [`order_by_discrimination`]: breaks ties in information, lower first.
    pos: usize,
    item: usize,
}

impl Candidate {
    fn beats(&self, other: &Candidate) -> bool {
        self.info > other.info || (self.info == other.info && self.pos < other.pos)
    }
}

/// The `k` best candidates so far, best first; on the stack for small `k` (no allocation
/// per selection).
struct TopK {
    k: usize,
    len: usize,
    inline: [Candidate; 8],
    heap: Vec<Candidate>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        let none = Candidate {
            info: f64::NEG_INFINITY,
            pos: usize::MAX,
            item: usize::MAX,
        };
        TopK {
            k,
            len: 0,
            inline: [none; 8],
            heap: if k > 8 { vec![none; k] } else { Vec::new() },
        }
    }

    fn buf(&mut self) -> &mut [Candidate] {
        if self.k > 8 {
            &mut self.heap
        } else {
            &mut self.inline[..self.k]
        }
    }

    fn as_slice(&self) -> &[Candidate] {
        if self.k > 8 {
            &self.heap[..self.len]
        } else {
            &self.inline[..self.len]
        }
    }

    /// The information a candidate must reach to enter (−∞ while not full).
    fn bar(&self) -> f64 {
        if self.len < self.k {
            f64::NEG_INFINITY
        } else {
            self.as_slice()[self.k - 1].info
        }
    }

    /// Adds `c` if it beats the k-th best; false if it does not enter.
    #[inline(always)]
    fn insert(&mut self, c: Candidate) -> bool {
        let (k, len) = (self.k, self.len);
        let buf = self.buf();
        if len == k && !c.beats(&buf[k - 1]) {
            return false;
        }
        let at = buf[..len].partition_point(|x| x.beats(&c));
        let end = len.min(k - 1);
        buf.copy_within(at..end, at + 1);
        buf[at] = c;
        self.len = (len + 1).min(k);
        true
    }
}

/// A band of classes with discriminations in [`a_min`, `a_max`], sorted by `b`.
#[derive(Debug, Clone, PartialEq)]
struct Band {
    start: usize,
    end: usize,
    a_min: f64,
    a_max: f64,
}

/// Relative slack on every bound, far above the rounding of `information` (a few ulps),
/// so that pruning never drops an item the plain scan would keep.
const SLACK: f64 = 1e-9;

/// A bank arranged for maximum-information selection: finds the same `k` best items as
/// the plain scan ([`top_by_information`] over [`order_by_discrimination`]), ties included,
/// while evaluating only the items near θ that can still win.
///
/// Items with identical parameters form one class, evaluated once (the built-in banks
/// have a handful of distinct (a, b, c) for hundreds of questions); within a class the
/// lower position wins ties. Classes are cut into bands by decreasing `a` and sorted by `b`
/// within a band. Every item's information satisfies I(θ) ≤ a² g(a(θ − b)) with
/// g(x) = σ(x)(1 − σ(x)) (for every c and d, since P(1 − P) ≥ (d − c)² L(1 − L)), which
/// is falling in |x|. So a band whose a_max²/4 cannot beat the k-th best is skipped with
/// all later ones, and inside a band the scan walks outwards from θ and stops at the
/// distance |θ − b| beyond which a_max² g(a_min |θ − b|) falls below the k-th best.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    items: usize,
    /// One item per class, band by band.
    class_item: Vec<Item>,
    /// `class_item[c].b`, contiguous for the search by b.
    class_b: Vec<f64>,
    /// Class c's members are `members[member_start[c]..member_start[c + 1]]`, as
    /// (position in the discrimination order, item index), by position.
    member_start: Vec<usize>,
    members: Vec<(usize, usize)>,
    bands: Vec<Band>,
}

impl Index {
    /// Arranges `items` (any number, any valid parameters).
    pub fn new(items: &[Item]) -> Index {
        let order = order_by_discrimination(items);
        let mut class_of: HashMap<[u64; 4], usize> = HashMap::new();
        let mut classes: Vec<(Item, Vec<(usize, usize)>)> = Vec::new();
        for (pos, &i) in order.iter().enumerate() {
            let it = items[i];
            let key = [it.a, it.b, it.c, it.d].map(f64::to_bits);
            let c = *class_of.entry(key).or_insert_with(|| {
                classes.push((it, Vec::new()));
                classes.len() - 1
            });
            classes[c].1.push((pos, i));
        }
        classes.sort_by(|x, y| y.0.a.total_cmp(&x.0.a).then(x.0.b.total_cmp(&y.0.b)));
        let per_band = classes.len().isqrt().max(16);
        let mut index = Index {
            items: items.len(),
            class_item: Vec::with_capacity(classes.len()),
            class_b: Vec::with_capacity(classes.len()),
            member_start: Vec::with_capacity(classes.len() + 1),
            members: Vec::with_capacity(items.len()),
            bands: Vec::new(),
        };
        for chunk in classes.chunks_mut(per_band) {
            chunk.sort_by(|x, y| x.0.b.total_cmp(&y.0.b));
            let start = index.class_item.len();
            let (mut a_min, mut a_max) = (f64::INFINITY, f64::NEG_INFINITY);
            for (it, members) in chunk.iter() {
                a_min = a_min.min(it.a);
                a_max = a_max.max(it.a);
                index.class_item.push(*it);
                index.class_b.push(it.b);
                index.member_start.push(index.members.len());
                index.members.extend_from_slice(members);
            }
            index.bands.push(Band {
                start,
                end: index.class_item.len(),
                a_min,
                a_max,
            });
        }
        index.member_start.push(index.members.len());
        index
    }

    /// Number of items indexed.
    pub fn len(&self) -> usize {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// The `k` eligible items with the largest information at `theta`, best first, as
    /// (information, index): the same list as [`top_by_information`] with the
    /// discrimination order.
    pub fn top_by_information(
        &self,
        theta: f64,
        k: usize,
        eligible: impl Fn(usize) -> bool,
    ) -> Vec<(f64, usize)> {
        let mut best = TopK::new(k.max(1));
        self.top(theta, &mut best, eligible);
        best.as_slice().iter().map(|c| (c.info, c.item)).collect()
    }

    /// Like [`Index::top_by_information`], also counting the classes whose information was
    /// computed (for tests and benchmarks of the pruning).
    pub fn evaluations(&self, theta: f64, k: usize, eligible: impl Fn(usize) -> bool) -> usize {
        let mut best = TopK::new(k.max(1));
        self.top(theta, &mut best, eligible)
    }

    /// Fills `best`; returns the number of classes evaluated.
    fn top(&self, theta: f64, best: &mut TopK, eligible: impl Fn(usize) -> bool) -> usize {
        let mut evaluated = 0;
        if !theta.is_finite() {
            // Nothing to prune by: every class, as the plain scan would.
            for c in 0..self.class_item.len() {
                evaluated += usize::from(self.consider(c, theta, best, &eligible).0);
            }
            return evaluated;
        }
        for band in &self.bands {
            let bar = best.bar();
            if band.a_max * band.a_max * 0.25 * (1.0 + SLACK) < bar {
                break;
            }
            let bs = &self.class_b[band.start..band.end];
            let mid = bs.partition_point(|&b| b < theta);
            // Classes [l, r) are done; dl and dr are the distances to the next ones.
            let (mut l, mut r) = (mid, mid);
            let left = |l: usize| {
                if l > 0 {
                    theta - bs[l - 1]
                } else {
                    f64::INFINITY
                }
            };
            let right = |r: usize| bs.get(r).map_or(f64::INFINITY, |&b| b - theta);
            let (mut dl, mut dr) = (left(l), right(r));
            let mut far = reach(bar, band);
            loop {
                let c = if dl <= dr {
                    if dl > far || dl == f64::INFINITY {
                        break;
                    }
                    l -= 1;
                    dl = left(l);
                    l
                } else {
                    if dr > far {
                        break;
                    }
                    r += 1;
                    dr = right(r);
                    r - 1
                };
                let (computed, entered) = self.consider(band.start + c, theta, best, &eligible);
                evaluated += usize::from(computed);
                if entered {
                    far = far.min(reach(best.bar(), band));
                }
            }
        }
        evaluated
    }

    /// Offers class `c`'s eligible members to `best`: (whether its information was
    /// computed, whether a member entered).
    #[inline(always)]
    fn consider(
        &self,
        c: usize,
        theta: f64,
        best: &mut TopK,
        eligible: &impl Fn(usize) -> bool,
    ) -> (bool, bool) {
        let (mut info, mut entered) = (None, false);
        for &(pos, item) in &self.members[self.member_start[c]..self.member_start[c + 1]] {
            if !eligible(item) {
                continue;
            }
            let info = *info.get_or_insert_with(|| information(theta, &self.class_item[c]));
            // Members share the information and come by position: once one is refused,
            // so are the rest.
            if !best.insert(Candidate { info, pos, item }) {
                break;
            }
            entered = true;
        }
        (info.is_some(), entered)
    }
}

/// The distance |θ − b| beyond which no item of `band` can reach information `bar`:
/// the x with a_max² g(x) = bar, divided by a_min (with slack). Infinite while any item
/// can enter.
fn reach(bar: f64, band: &Band) -> f64 {
    let y = bar / (band.a_max * band.a_max * (1.0 + SLACK));
    if y.is_nan() || y <= 0.0 {
        return f64::INFINITY;
    }
    if y >= 0.25 {
        return SLACK;
    }
    // g(x) = y at σ(x) = (1 + s)/2, s = √(1 − 4y): x = ln(σ / (1 − σ)) = ln((1 + s)² / 4y).
    let s = (1.0 - 4.0 * y).sqrt();
    let x = ln_above((1.0 + s) * (1.0 + s) / (4.0 * y));
    x / band.a_min * (1.0 + SLACK) + SLACK
}

/// A cheap upper bound on ln z for z ≥ 1, at most 3·10⁻⁴ above it (a bound only needs
/// to be safe; libm's `ln` costs as much as evaluating an item). With z = 2^e · m,
/// m in [1, 2) and u = (m − 1)/(m + 1) < 1/3: ln m = 2(u + u³/3 + u⁵/5 + …), and the
/// terms after u⁵/5 add less than 2u⁷/(7(1 − u²)) < 1.5·10⁻⁴.
fn ln_above(z: f64) -> f64 {
    if !(z.is_finite() && z >= 1.0) {
        return if z < 1.0 { 0.0 } else { f64::INFINITY };
    }
    let bits = z.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    let u = (m - 1.0) / (m + 1.0);
    let u2 = u * u;
    e as f64 * std::f64::consts::LN_2 + 2.0 * u * (1.0 + u2 * (1.0 / 3.0 + u2 * 0.2)) + 2e-4
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ln_above_is_a_close_upper_bound() {
        let mut z = 1.0f64;
        while z < 1e300 {
            for f in [1.0, 1.1, 1.37, 1.5, 1.9, 1.999_999] {
                let x = z * f;
                let (fast, exact) = (ln_above(x), x.ln());
                assert!(
                    fast >= exact && fast <= exact + 3e-4,
                    "{x}: {fast} vs {exact}"
                );
            }
            z *= 3.7;
        }
        assert_eq!(ln_above(f64::INFINITY), f64::INFINITY);
    }

    /// Banks with continuous parameters, and banks like the built-in ones: a few distinct
    /// (a, b, c) shared by many items, where ties decide.
    fn banks() -> Vec<Vec<Item>> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out = Vec::new();
        for n in [1, 7, 60, 500] {
            out.push(
                (0..n)
                    .map(|_| {
                        let c = if rng.random_bool(0.3) {
                            rng.random_range(0.0..0.4)
                        } else {
                            0.0
                        };
                        Item::new(
                            rng.random_range(0.3..2.8),
                            rng.random_range(-3.0..3.0),
                            c,
                            1.0,
                        )
                        .unwrap()
                    })
                    .collect(),
            );
        }
        for n in [30, 360] {
            out.push(
                (0..n)
                    .map(|i| {
                        let a = [1.0, 1.0, 1.0, 1.4][i % 4];
                        let b = [-1.0, 0.0, 1.0][(i / 4) % 3];
                        let c = [0.0, 0.25, 0.5, 0.2][(i / 12) % 4];
                        Item::new(a, b, c, 1.0).unwrap()
                    })
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn index_finds_what_the_plain_scan_finds_ties_included() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for items in banks() {
            let order = order_by_discrimination(&items);
            let index = Index::new(&items);
            assert_eq!(index.len(), items.len());
            for round in 0..300 {
                let theta = match round % 5 {
                    0 => [0.0, -1.0, 1.0, 4.0, -6.0, f64::INFINITY, -f64::INFINITY][round / 5 % 7],
                    _ => rng.random_range(-5.0..5.0),
                };
                let k = [1, 2, 3, 5, 12][round % 5];
                let avail: Vec<bool> = (0..items.len()).map(|_| rng.random_bool(0.7)).collect();
                let topic = (round % 3 == 0).then(|| rng.random_range(0..3usize));
                let eligible = |i: usize| avail[i] && topic.is_none_or(|t| i % 3 == t);
                let plain = top_by_information(&items, &order, theta, k, eligible);
                assert_eq!(index.top_by_information(theta, k, eligible), plain);
                assert_eq!(
                    top_by_information(&items, &[], theta, k, eligible).len(),
                    plain.len()
                );
            }
        }
    }

    #[test]
    fn selection_through_the_index_matches_the_scan() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for items in banks() {
            let order = order_by_discrimination(&items);
            let index = Index::new(&items);
            let topics: Vec<usize> = (0..items.len()).map(|i| i % 3).collect();
            let plain = Pool {
                topics: &topics,
                n_topics: 3,
                by_a: &order,
                ..Pool::new(&items)
            };
            let fast = Pool {
                index: Some(&index),
                ..plain
            };
            for top_k in [1, 4] {
                for balance in [false, true] {
                    let sel = Selector {
                        method: Method::MaxInfo,
                        top_k,
                        balance,
                    };
                    let avail: Vec<bool> = (0..items.len()).map(|_| rng.random_bool(0.8)).collect();
                    let given = [2, 0, 1];
                    let theta = rng.random_range(-3.0..3.0);
                    let (mut r1, mut r2) =
                        (ChaCha8Rng::seed_from_u64(9), ChaCha8Rng::seed_from_u64(9));
                    assert_eq!(
                        sel.select(&fast, &avail, &given, theta, &mut r1),
                        sel.select(&plain, &avail, &given, theta, &mut r2)
                    );
                }
            }
        }
    }

    /// The pruning at work, counted: a 500-item bank like catsim's evaluates a few items
    /// per selection; a bank of 360 items with 24 distinct parameter sets never more than 24.
    #[test]
    fn index_evaluates_few_items() {
        let banks = banks();
        let (wide, built_in_like) = (&banks[3], &banks[5]);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let index = Index::new(wide);
        let mut total = 0;
        for _ in 0..1000 {
            let theta = rng.random_range(-2.5..2.5);
            let avail: Vec<bool> = (0..wide.len()).map(|_| rng.random_bool(0.96)).collect();
            total += index.evaluations(theta, 1, |i| avail[i]);
        }
        assert!(
            total < 1000 * 25,
            "{} evaluations per selection",
            total as f64 / 1000.0
        );
        let index = Index::new(built_in_like);
        for theta in [-2.0, -1.0, -0.3, 0.0, 0.4, 1.0, 2.5] {
            assert!(index.evaluations(theta, 1, |_| true) <= 24);
            assert!(index.evaluations(theta, 3, |i| i % 2 == 0) <= 24);
        }
    }
}

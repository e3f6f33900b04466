//! The learner model: every graded answer in history combined into one verdict per area
//! and per topic, each with how sure it is.
//!
//! The model (documented for learners in `docs/learner-model.md`):
//! - Each knowledge area has an ability θ_A (logits) with prior N(0, 1).
//! - Each topic's ability is its area's plus an offset: θ_T = θ_A + δ_T, with
//!   δ_T ~ N(0, τ²), τ = [`TOPIC_SPREAD`]. A topic with few answers so borrows strength from
//!   the rest of its area; one with many answers is judged mostly on its own.
//! - A question answered is evidence about its topic's ability through the question's item
//!   parameters (3PL, [`crate::irt::item_of`]); partly right counts as wrong, as in the quiz.
//! - Older evidence counts less: an answer given `d` days before the time the model is
//!   read at enters with weight 2^(−d / [`HALF_LIFE_DAYS`]) on its log-likelihood
//!   (exponential forgetting, a power prior). Its effect is the same as a random-walk
//!   drift of the ability: the posterior widens as time passes without new evidence, so
//!   learning shows up instead of being outvoted by old answers.
//!
//! Everything is computed exactly on grids: θ_A on 81 points over [−4, 4] (step 0.1),
//! δ on 31 points over ±3τ (same step), θ_T on the 111 points they add up to. The area's
//! posterior is its prior times, for each topic, the topic's likelihood averaged over the
//! offset; a topic's posterior is its likelihood times the area posterior without that
//! topic's own evidence (the cavity), convolved with the offset prior. Each verdict is the
//! posterior mass in each level band (cells split linearly at the cut points).

use crate::bank::Catalog;
use crate::irt::{Item, item_of, log_likelihood};
use crate::learner::level::{DEVELOPING_THETA, Level, STRONG_THETA};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Spread τ (SD, logits) of a topic's ability around its area's.
pub const TOPIC_SPREAD: f64 = 0.5;
/// Evidence this many days old counts half.
pub const HALF_LIFE_DAYS: f64 = 90.0;
/// A verdict is settled when its most likely level has at least this probability.
pub const SETTLED_PROBABILITY: f64 = 0.95;

const STEP: f64 = 0.1;
/// Area grid: θ_A = −4 + STEP·i, i < N_AREA.
const N_AREA: usize = 81;
const AREA_LO: f64 = -4.0;
/// Offsets δ = STEP·(j − J), j ≤ 2J: ±3τ.
const J: usize = 15;
/// Topic grid: θ_T = AREA_LO − J·STEP + STEP·k, k < N_TOPIC.
const N_TOPIC: usize = N_AREA + 2 * J;

fn area_point(i: usize) -> f64 {
    AREA_LO + STEP * i as f64
}

fn topic_point(k: usize) -> f64 {
    AREA_LO - STEP * J as f64 + STEP * k as f64
}

/// Seconds in a day, for the half-life.
const DAY: f64 = 86_400.0;

/// The weight of evidence `age_seconds` old: 2^(−age / half-life), at most 1.
pub fn decay(age_seconds: f64) -> f64 {
    if age_seconds <= 0.0 {
        1.0
    } else {
        0.5f64.powf(age_seconds / (HALF_LIFE_DAYS * DAY))
    }
}

/// The reference time for [`reference_weight`]: 2020-01-01T00:00:00Z (Unix seconds).
pub const REFERENCE_TIME: i64 = 1_577_836_800;

/// The weight of evidence given at `at`, relative to [`REFERENCE_TIME`]:
/// 2^((at − T₀) / half-life). The weight read at time `now` is this divided by
/// `reference_weight(now)` (see [`weight_at`]), so the history can keep sums of reference
/// weights as answers come in and the model can read them at any later time without the
/// answers. Finite for any date before the year 2300.
pub fn reference_weight(at: i64) -> f64 {
    2f64.powf((at - REFERENCE_TIME) as f64 / (HALF_LIFE_DAYS * DAY))
}

/// A sum of reference weights read at `now` (answers after `now` are not expected).
pub fn weight_at(reference: f64, now: i64) -> f64 {
    reference / reference_weight(now)
}

/// All answers to one question with one outcome, summed: what the history keeps for the
/// model (see [`reference_weight`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub question: String,
    pub correct: bool,
    /// How many answers.
    pub answers: usize,
    /// The sum of their reference weights.
    pub weight: f64,
}

/// One graded answer as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub question: String,
    /// Fully right (partly right counts as wrong).
    pub correct: bool,
    /// When it was given: Unix time in seconds.
    pub at: i64,
}

/// What the model says about one area or topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The most likely level: weak, developing or strong (never "not enough evidence").
    pub level: Level,
    /// Its probability, in [1/3, 1].
    pub probability: f64,
    /// Probability of weak, developing and strong, summing to 1.
    pub probabilities: [f64; 3],
    /// `probability` ≥ [`SETTLED_PROBABILITY`].
    pub settled: bool,
    /// Posterior mean ability (logits) and its SD.
    pub theta: f64,
    pub se: f64,
    /// Graded answers behind it (all time, not weighted).
    pub answered: usize,
    /// Of which fully right.
    pub correct: usize,
}

impl Verdict {
    /// 1 − probability of the most likely level: 0 when settled for sure, 2/3 at most.
    pub fn uncertainty(&self) -> f64 {
        1.0 - self.probability
    }

    fn from_weights(
        points: impl Fn(usize) -> f64,
        w: &[f64],
        answered: usize,
        correct: usize,
    ) -> Verdict {
        let (mut sw, mut swt, mut swtt) = (0.0, 0.0, 0.0);
        let mut bands = [0.0; 3];
        for (k, &wk) in w.iter().enumerate() {
            let t = points(k);
            sw += wk;
            swt += wk * t;
            swtt += wk * t * t;
            // The cell [t − h/2, t + h/2] is split linearly at each cut point.
            let (b_dev, b_strong) = (below(DEVELOPING_THETA, t), below(STRONG_THETA, t));
            bands[0] += wk * b_dev;
            bands[1] += wk * (b_strong - b_dev);
            bands[2] += wk * (1.0 - b_strong);
        }
        let theta = swt / sw;
        let se = (swtt / sw - theta * theta).max(0.0).sqrt();
        bands.iter_mut().for_each(|b| *b /= sw);
        let (best, &probability) = bands
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .expect("three bands");
        Verdict {
            level: [Level::Weak, Level::Developing, Level::Strong][best],
            probability,
            probabilities: bands,
            settled: probability >= SETTLED_PROBABILITY,
            theta,
            se,
            answered,
            correct,
        }
    }
}

/// Evidence about one topic, as a weighted log-likelihood on the topic grid.
#[derive(Debug, Clone)]
struct TopicEvidence {
    loglik: Vec<f64>,
    answered: usize,
    correct: usize,
}

impl TopicEvidence {
    fn new() -> TopicEvidence {
        TopicEvidence {
            loglik: vec![0.0; N_TOPIC],
            answered: 0,
            correct: 0,
        }
    }

    /// log m(θ_A) = log Σ_δ L(θ_A + δ) φ_τ(δ) on the area grid.
    fn log_marginal(&self, offsets: &[f64]) -> Vec<f64> {
        if self.answered == 0 {
            return vec![0.0; N_AREA];
        }
        let max = self
            .loglik
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let lik: Vec<f64> = self.loglik.iter().map(|l| (l - max).exp()).collect();
        (0..N_AREA)
            .map(|i| {
                let s: f64 = offsets
                    .iter()
                    .zip(&lik[i..i + 2 * J + 1])
                    .map(|(w, l)| w * l)
                    .sum();
                max + s.max(f64::MIN_POSITIVE).ln()
            })
            .collect()
    }
}

/// The log-likelihood of one answer to `item` at every point of the topic grid.
fn item_loglik(item: &Item, correct: bool) -> Vec<f64> {
    (0..N_TOPIC)
        .map(|k| log_likelihood(topic_point(k), item, correct))
        .collect()
}

/// Log-likelihood vectors by question and outcome, computed once and reused when the same
/// totals are read many times (`progress`).
#[derive(Debug, Default)]
pub struct LoglikCache {
    /// (question, correct) → (area, topic, log-likelihood on the topic grid); `None` for
    /// questions the model does not place.
    map: HashMap<(String, bool), Option<Placed>>,
}

/// Where an answer goes in the model (area, topic) and its log-likelihood on the grid.
type Placed = (usize, usize, Vec<f64>);

/// One area: its topics' evidence and the posterior read from it.
#[derive(Debug, Clone)]
pub struct AreaModel {
    pub area: String,
    /// Topic ids, in catalog order.
    pub topics: Vec<String>,
    evidence: Vec<TopicEvidence>,
    /// [`AreaModel::verdicts`] of `evidence`, worked out when first asked for and
    /// forgotten when the evidence changes (a quiz and its report ask several times).
    verdicts: std::sync::OnceLock<AreaVerdicts>,
}

/// The offset prior φ_τ(δ_j), normalised over the 2J + 1 offsets.
fn offset_weights() -> Vec<f64> {
    let w: Vec<f64> = (0..=2 * J)
        .map(|j| {
            let d = STEP * (j as f64 - J as f64) / TOPIC_SPREAD;
            (-0.5 * d * d).exp()
        })
        .collect();
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

/// The area's verdict and each topic's, computed together.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaVerdicts {
    pub area: Verdict,
    /// In the order of [`AreaModel::topics`].
    pub topics: Vec<Verdict>,
}

/// The share of a grid cell centred on `t` that lies below the cut point `c`.
fn below(c: f64, t: f64) -> f64 {
    ((c - (t - STEP / 2.0)) / STEP).clamp(0.0, 1.0)
}

impl AreaModel {
    fn new(area: &str, topics: Vec<String>) -> AreaModel {
        let evidence = topics.iter().map(|_| TopicEvidence::new()).collect();
        AreaModel {
            area: area.to_string(),
            topics,
            evidence,
            verdicts: std::sync::OnceLock::new(),
        }
    }

    /// Adds one answer to topic `topic` (index into `topics`) with `weight` in (0, 1].
    pub fn observe(&mut self, topic: usize, item: &Item, correct: bool, weight: f64) {
        self.observe_many(topic, item, correct, weight, 1);
    }

    /// Adds `count` answers with the same outcome to the same question, whose weights sum
    /// to `weight`: the same as adding them one by one.
    pub fn observe_many(
        &mut self,
        topic: usize,
        item: &Item,
        correct: bool,
        weight: f64,
        count: usize,
    ) {
        let ll = item_loglik(item, correct);
        self.add_loglik(topic, &ll, correct, weight, count);
    }

    /// Adds `count` answers whose log-likelihood on the topic grid is `ll`, with weights
    /// summing to `weight`.
    fn add_loglik(&mut self, topic: usize, ll: &[f64], correct: bool, weight: f64, count: usize) {
        self.verdicts.take();
        let e = &mut self.evidence[topic];
        for (l, x) in e.loglik.iter_mut().zip(ll) {
            *l += weight * x;
        }
        e.answered += count;
        e.correct += if correct { count } else { 0 };
    }

    /// Multiplies the weight of all evidence so far by `factor` (forgetting).
    fn fade(&mut self, factor: f64) {
        self.verdicts.take();
        for e in &mut self.evidence {
            e.loglik.iter_mut().for_each(|l| *l *= factor);
        }
    }

    /// Graded answers in the area.
    pub fn answered(&self) -> usize {
        self.evidence.iter().map(|e| e.answered).sum()
    }

    fn marginals(&self, offsets: &[f64]) -> Vec<Vec<f64>> {
        self.evidence
            .iter()
            .map(|e| e.log_marginal(offsets))
            .collect()
    }

    /// The area's verdict alone (cheaper than [`AreaModel::verdicts`]).
    pub fn area_verdict(&self) -> Verdict {
        self.area_posterior(&self.marginals(&offset_weights())).0
    }

    /// The area's verdict, its log posterior (max 0) and its posterior weights.
    fn area_posterior(&self, marginals: &[Vec<f64>]) -> (Verdict, Vec<f64>, Vec<f64>) {
        let mut log_post: Vec<f64> = (0..N_AREA)
            .map(|i| {
                let t = area_point(i);
                -0.5 * t * t + marginals.iter().map(|m| m[i]).sum::<f64>()
            })
            .collect();
        let max = log_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        log_post.iter_mut().for_each(|l| *l -= max);
        let post: Vec<f64> = log_post.iter().map(|l| l.exp()).collect();
        let answered = self.answered();
        let correct = self.evidence.iter().map(|e| e.correct).sum();
        let area = Verdict::from_weights(area_point, &post, answered, correct);
        (area, log_post, post)
    }

    /// The posterior of the area and of every topic.
    pub fn verdicts(&self) -> AreaVerdicts {
        self.verdicts
            .get_or_init(|| self.work_out_verdicts())
            .clone()
    }

    fn work_out_verdicts(&self) -> AreaVerdicts {
        let offsets = offset_weights();
        let marginals = self.marginals(&offsets);
        let (area, log_post, post) = self.area_posterior(&marginals);
        // Every topic without evidence has the same verdict: the area's posterior spread
        // by the topic offsets. It is worked out once.
        let mut unanswered: Option<Verdict> = None;
        let topics = self
            .evidence
            .iter()
            .zip(&marginals)
            .map(|(e, m)| {
                let fresh = e.answered == 0 && e.loglik.iter().all(|&l| l == 0.0);
                if let (true, Some(v)) = (fresh, unanswered) {
                    return v;
                }
                // The cavity: the area posterior without this topic's own evidence.
                let cavity: Vec<f64> = if e.answered == 0 {
                    post.clone()
                } else {
                    let c: Vec<f64> = log_post.iter().zip(m).map(|(l, mi)| l - mi).collect();
                    let cmax = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    c.iter().map(|x| (x - cmax).exp()).collect()
                };
                let lmax = e.loglik.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut w = vec![0.0; N_TOPIC];
                for (i, &ci) in cavity.iter().enumerate() {
                    if ci < 1e-300 {
                        continue;
                    }
                    for (j, &oj) in offsets.iter().enumerate() {
                        w[i + j] += ci * oj;
                    }
                }
                for (wk, l) in w.iter_mut().zip(&e.loglik) {
                    *wk *= (l - lmax).exp();
                }
                let v = Verdict::from_weights(topic_point, &w, e.answered, e.correct);
                if fresh {
                    unanswered = Some(v);
                }
                v
            })
            .collect();
        AreaVerdicts { area, topics }
    }
}

/// Every knowledge area's model, read at one point in time.
#[derive(Debug, Clone)]
pub struct LearnerModel {
    pub areas: Vec<AreaModel>,
    /// The time (Unix seconds) the weights are relative to.
    as_of: i64,
}

impl LearnerModel {
    /// A model with no evidence over the catalog's knowledge areas, read at `now`.
    pub fn empty(catalog: &Catalog, now: i64) -> LearnerModel {
        let areas = catalog
            .areas
            .iter()
            .filter(|a| !a.self_rated)
            .map(|a| {
                AreaModel::new(
                    &a.id,
                    catalog.topics_of(&a.id).map(|t| t.id.clone()).collect(),
                )
            })
            .collect();
        LearnerModel { areas, as_of: now }
    }

    /// The model of `evidence` (any order) read at `now` (or at the latest answer, if that
    /// is later). Answers to questions the catalog does not know, or to self-ratings, are
    /// left out.
    pub fn new(catalog: &Catalog, evidence: &[Evidence], now: i64) -> LearnerModel {
        let last = evidence.iter().map(|e| e.at).fold(now, i64::max);
        // Answers to the same question with the same outcome add up before the (costly)
        // log-likelihood is evaluated.
        let mut sums: HashMap<(&str, bool), (f64, usize)> = HashMap::new();
        for e in evidence {
            let s = sums.entry((e.question.as_str(), e.correct)).or_default();
            s.0 += decay((last - e.at) as f64);
            s.1 += 1;
        }
        let mut keyed: Vec<_> = sums.into_iter().collect();
        keyed.sort_by(|x, y| x.0.cmp(&y.0));
        let mut m = LearnerModel::empty(catalog, last);
        for ((question, correct), (weight, count)) in keyed {
            if let Some((a, t, item)) = m.place(catalog, question) {
                m.areas[a].observe_many(t, &item, correct, weight, count);
            }
        }
        m
    }

    /// The model of the history's totals (see [`Total`]) read at `now`, none of whose
    /// answers is after `now`.
    pub fn from_totals(catalog: &Catalog, totals: &[Total], now: i64) -> LearnerModel {
        LearnerModel::from_totals_cached(catalog, totals, now, &mut LoglikCache::default())
    }

    /// [`LearnerModel::from_totals`], reusing the log-likelihoods in `cache`.
    pub fn from_totals_cached(
        catalog: &Catalog,
        totals: &[Total],
        now: i64,
        cache: &mut LoglikCache,
    ) -> LearnerModel {
        let mut m = LearnerModel::empty(catalog, now);
        for t in totals {
            // A weight never exceeds 1 an answer, even with a clock set back.
            let weight = weight_at(t.weight, now).min(t.answers as f64);
            let entry = cache
                .map
                .entry((t.question.clone(), t.correct))
                .or_insert_with(|| {
                    m.place(catalog, &t.question)
                        .map(|(a, topic, item)| (a, topic, item_loglik(&item, t.correct)))
                });
            if let Some((a, topic, ll)) = entry {
                m.areas[*a].add_loglik(*topic, ll, t.correct, weight, t.answers);
            }
        }
        m
    }

    /// Area index, topic index and item of a graded question of a knowledge area.
    fn place(&self, catalog: &Catalog, question: &str) -> Option<(usize, usize, Item)> {
        let q = catalog.question(question)?;
        if !q.kind.is_graded() {
            return None;
        }
        let a = self.areas.iter().position(|a| a.area == q.area)?;
        let t = self.areas[a].topics.iter().position(|t| *t == q.topic)?;
        Some((a, t, item_of(q)))
    }

    /// The time the model is read at.
    pub fn as_of(&self) -> i64 {
        self.as_of
    }

    /// Moves the reading time forward to `now`, fading all evidence so far; an earlier
    /// `now` is ignored.
    pub fn advance_to(&mut self, now: i64) {
        if now > self.as_of {
            let f = decay((now - self.as_of) as f64);
            self.areas.iter_mut().for_each(|a| a.fade(f));
            self.as_of = now;
        }
    }

    /// Adds one answer, weighted by its age at the reading time (an answer after the
    /// reading time moves it forward). Returns false when the question is not a graded
    /// question of a knowledge area in `catalog`.
    pub fn observe(&mut self, catalog: &Catalog, e: &Evidence) -> bool {
        let Some((a, t, item)) = self.place(catalog, &e.question) else {
            return false;
        };
        self.advance_to(e.at);
        let weight = decay((self.as_of - e.at) as f64);
        self.areas[a].observe(t, &item, e.correct, weight);
        true
    }

    pub fn area(&self, id: &str) -> Option<&AreaModel> {
        self.areas.iter().find(|a| a.area == id)
    }

    /// Every area's verdicts, in catalog order.
    pub fn verdicts(&self) -> Vec<(&str, AreaVerdicts)> {
        self.areas
            .iter()
            .map(|a| (a.area.as_str(), a.verdicts()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::probability;
    use rand::{RngExt, SeedableRng};

    fn medium() -> Item {
        Item::two_pl(1.0, 0.0)
    }

    #[test]
    fn verdicts_read_between_answers_follow_the_evidence() {
        // The verdicts are kept once worked out: every change of the evidence (an answer,
        // the fading of time) must drop them.
        let topics = vec!["a.x".to_string(), "a.y".to_string()];
        let mut m = AreaModel::new("a", topics.clone());
        let mut fresh = AreaModel::new("a", topics);
        let before = m.verdicts();
        m.observe(0, &medium(), true, 1.0);
        fresh.observe(0, &medium(), true, 1.0);
        assert_ne!(m.verdicts(), before);
        assert_eq!(m.verdicts(), fresh.work_out_verdicts());
        m.fade(0.5);
        fresh.fade(0.5);
        assert_eq!(m.verdicts(), fresh.work_out_verdicts());
        let mut copy = m.clone();
        copy.observe(1, &medium(), false, 1.0);
        assert_ne!(copy.verdicts(), m.verdicts());
    }

    #[test]
    fn no_evidence_is_the_prior() {
        let m = AreaModel::new("a", vec!["a.x".into(), "a.y".into()]);
        let v = m.verdicts();
        assert!(v.area.theta.abs() < 1e-9);
        // The prior SD is 1 (grid truncation at ±4 takes a little).
        assert!((v.area.se - 1.0).abs() < 0.01, "{}", v.area.se);
        // P(θ < 0) = 0.5 under N(0, 1); P(θ ≥ ln 3) = 1 − Φ(1.0986) = 0.1360.
        assert!((v.area.probabilities[0] - 0.5).abs() < 0.005);
        assert!((v.area.probabilities[2] - 0.1360).abs() < 0.005);
        // A topic's prior is N(0, 1 + τ²).
        let sd = (1.0 + TOPIC_SPREAD * TOPIC_SPREAD).sqrt();
        assert!((v.topics[0].se - sd).abs() < 0.01, "{}", v.topics[0].se);
        assert_eq!(v.area.answered, 0);
        assert!(!v.area.settled);
    }

    /// Slow reference: the joint posterior of (θ_A, δ_x, δ_y) by brute force on the same
    /// grids, for two topics.
    fn brute(evidence: &[(usize, Item, bool)]) -> (f64, f64, f64) {
        let off = offset_weights();
        let (mut z, mut sa, mut sx) = (0.0, 0.0, 0.0);
        for i in 0..N_AREA {
            let ta = area_point(i);
            for (jx, wx) in off.iter().enumerate() {
                for (jy, wy) in off.iter().enumerate() {
                    let d = [STEP * (jx as f64 - J as f64), STEP * (jy as f64 - J as f64)];
                    let mut lp = -0.5 * ta * ta;
                    for (t, item, u) in evidence {
                        lp += log_likelihood(ta + d[*t], item, *u);
                    }
                    let w = lp.exp() * wx * wy;
                    z += w;
                    sa += w * ta;
                    sx += w * (ta + d[0]);
                }
            }
        }
        (sa / z, sx / z, z)
    }

    #[test]
    fn matches_a_brute_force_joint_posterior() {
        let hard = Item::new(1.3, 0.8, 0.2, 1.0).unwrap();
        let ev = vec![
            (0, medium(), true),
            (0, hard, true),
            (1, medium(), false),
            (1, hard, false),
            (0, hard, false),
        ];
        let mut m = AreaModel::new("a", vec!["a.x".into(), "a.y".into()]);
        for (t, item, u) in &ev {
            m.observe(*t, item, *u, 1.0);
        }
        let v = m.verdicts();
        let (ta, tx, _) = brute(&ev);
        assert!((v.area.theta - ta).abs() < 1e-9, "{} vs {ta}", v.area.theta);
        assert!(
            (v.topics[0].theta - tx).abs() < 1e-9,
            "{} vs {tx}",
            v.topics[0].theta
        );
    }

    #[test]
    fn a_topic_borrows_from_its_area() {
        let mut m = AreaModel::new("a", vec!["a.x".into(), "a.y".into(), "a.z".into()]);
        for _ in 0..12 {
            m.observe(0, &medium(), true, 1.0);
            m.observe(1, &medium(), true, 1.0);
        }
        m.observe(2, &medium(), true, 1.0);
        let v = m.verdicts();
        // One right answer alone would give about +0.4; the area's strength pulls it up.
        assert!(v.topics[2].theta > 1.0, "{}", v.topics[2].theta);
        // It stays less sure than the topics with many answers.
        assert!(v.topics[2].se > v.topics[0].se);
        assert_eq!(v.topics[2].level, Level::Strong);
        assert_eq!(v.topics[2].answered, 1);
    }

    #[test]
    fn evidence_fades_with_time() {
        assert_eq!(decay(0.0), 1.0);
        assert!((decay(HALF_LIFE_DAYS * DAY) - 0.5).abs() < 1e-12);
        let cat = crate::bank::Catalog::builtin().unwrap();
        let q = cat
            .questions
            .iter()
            .find(|q| q.area == "maths" && q.kind.is_graded())
            .unwrap();
        let ev: Vec<Evidence> = (0..8)
            .map(|_| Evidence {
                question: q.id.to_string(),
                correct: false,
                at: 0,
            })
            .collect();
        let now = LearnerModel::new(&cat, &ev, 0);
        let later = LearnerModel::new(&cat, &ev, (365.0 * DAY) as i64);
        let se_now = now.area("maths").unwrap().verdicts().area.se;
        let se_later = later.area("maths").unwrap().verdicts().area.se;
        assert!(se_later > se_now + 0.1, "{se_now} then {se_later}");
        // Reading the same evidence incrementally gives the same model.
        let mut inc = LearnerModel::empty(&cat, 0);
        for e in &ev {
            inc.observe(&cat, e);
        }
        inc.advance_to((365.0 * DAY) as i64);
        let a = inc.area("maths").unwrap().verdicts().area;
        assert!((a.se - se_later).abs() < 1e-9 && a.answered == 8);
    }

    #[test]
    fn totals_give_the_same_model_as_the_answers() {
        let cat = crate::bank::Catalog::builtin().unwrap();
        let qs: Vec<_> = cat
            .questions
            .iter()
            .filter(|q| q.kind.is_graded())
            .take(40)
            .collect();
        let day = DAY as i64;
        let ev: Vec<Evidence> = (0..200)
            .map(|i| Evidence {
                question: qs[i % 40].id.to_string(),
                correct: i % 3 != 0,
                at: REFERENCE_TIME + 400 * day + (i as i64) * day / 2,
            })
            .collect();
        let now = REFERENCE_TIME + 600 * day;
        let mut totals: Vec<Total> = Vec::new();
        for e in &ev {
            match totals
                .iter_mut()
                .find(|t| t.question == e.question && t.correct == e.correct)
            {
                Some(t) => {
                    t.answers += 1;
                    t.weight += reference_weight(e.at);
                }
                None => totals.push(Total {
                    question: e.question.clone(),
                    correct: e.correct,
                    answers: 1,
                    weight: reference_weight(e.at),
                }),
            }
        }
        let a = LearnerModel::new(&cat, &ev, now);
        let b = LearnerModel::from_totals(&cat, &totals, now);
        let mut c = LearnerModel::empty(&cat, ev[0].at);
        for e in &ev {
            c.observe(&cat, e);
        }
        c.advance_to(now);
        for ((x, y), z) in a.verdicts().iter().zip(b.verdicts()).zip(c.verdicts()) {
            assert!((x.1.area.theta - y.1.area.theta).abs() < 1e-9);
            assert!((x.1.area.se - z.1.area.se).abs() < 1e-9);
            assert_eq!(x.1.area.answered, y.1.area.answered);
            for (p, q) in x.1.topics.iter().zip(&y.1.topics) {
                assert!((p.probability - q.probability).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn level_probabilities_are_calibrated_in_simulation() {
        // True abilities from the model's own prior; answers from the 3PL.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let items = [
            Item::two_pl(1.0, -1.0),
            Item::two_pl(1.2, 0.0),
            Item::new(1.0, 1.0, 0.25, 1.0).unwrap(),
        ];
        let mut bins = [(0.0f64, 0.0f64, 0usize); 10];
        for _ in 0..400 {
            let theta_a: f64 = normal(&mut rng);
            let mut m = AreaModel::new("a", vec!["a.x".into(), "a.y".into(), "a.z".into()]);
            let truth: Vec<f64> = (0..3)
                .map(|_| theta_a + TOPIC_SPREAD * normal(&mut rng))
                .collect();
            for (t, &th) in truth.iter().enumerate() {
                for item in items.iter().take(1 + t) {
                    let u = rng.random::<f64>() < probability(th, item);
                    m.observe(t, item, u, 1.0);
                }
            }
            let v = m.verdicts();
            for (t, &th) in truth.iter().enumerate() {
                let lv = v.topics[t];
                let right = lv.level == crate::learner::level::level_of_theta(th, 99);
                let b = ((lv.probability * 10.0) as usize).min(9);
                bins[b].0 += lv.probability;
                bins[b].1 += f64::from(u8::from(right));
                bins[b].2 += 1;
            }
        }
        for (p, r, n) in bins.iter().filter(|b| b.2 >= 100) {
            let (p, r) = (p / *n as f64, r / *n as f64);
            // 3 SE of a proportion near 0.5 over ≥ 100 cases is 0.15; calibration should be
            // much tighter than that, so 0.1 is a real check.
            assert!((p - r).abs() < 0.1, "said {p:.2}, right {r:.2} over {n}");
        }
    }

    fn normal(rng: &mut impl rand::Rng) -> f64 {
        let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

//! The IRT maths, three ways: properties, a slow reference for EAP, and a seeded
//! simulation whose precision must stay within a bound.

use proptest::prelude::*;
use rand::SeedableRng;
use skillquiz::irt::{
    self, Cat, Estimate, Grid, Item, Method, Pool, Selector, StopReason, StopRule, eap_of,
    information, probability,
};
use skillquiz::{SimBank, SimConfig, Simulees, simulate};

fn item() -> impl Strategy<Value = Item> {
    (0.3f64..3.0, -3.0f64..3.0, 0.0f64..0.4).prop_map(|(a, b, c)| Item::new(a, b, c, 1.0).unwrap())
}

fn two_pl() -> impl Strategy<Value = Item> {
    (0.3f64..3.0, -3.0f64..3.0).prop_map(|(a, b)| Item::two_pl(a, b))
}

/// The obviously-right EAP: posterior ∝ φ(θ) Π P^u (1−P)^(1−u), integrated by the
/// trapezoid rule on 40,001 points over [−10, 10], in plain (not log) space.
fn reference_eap(responses: &[(Item, bool)]) -> Estimate {
    let n = 40_000;
    let (lo, hi) = (-10.0, 10.0);
    let h = (hi - lo) / n as f64;
    let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
    for k in 0..=n {
        let t = lo + h * k as f64;
        let mut f = (-0.5 * t * t).exp();
        for (it, u) in responses {
            let p = probability(t, it);
            f *= if *u { p } else { 1.0 - p };
        }
        let w = if k == 0 || k == n { 0.5 } else { 1.0 };
        z += w * f;
        m1 += w * f * t;
        m2 += w * f * t * t;
    }
    let theta = m1 / z;
    Estimate {
        theta,
        se: (m2 / z - theta * theta).sqrt(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn probability_rises_with_ability(it in item(), t in -5.0f64..5.0, dt in 0.01f64..3.0) {
        let (p0, p1) = (probability(t, &it), probability(t + dt, &it));
        prop_assert!(p1 > p0, "P({t}) = {p0}, P({}) = {p1}", t + dt);
        prop_assert!((it.c..=it.d).contains(&p0));
    }

    /// Birnbaum: the 3PL information peaks at θ* = b + ln((1 + √(1 + 8c)) / 2) / a, which is
    /// b itself for the 2PL and never more than ln 2 / a above it.
    #[test]
    fn information_peaks_near_difficulty(it in item()) {
        let peak = (0..=8000)
            .map(|k| it.b - 4.0 + k as f64 * 0.001)
            .max_by(|x, y| information(*x, &it).total_cmp(&information(*y, &it)))
            .unwrap();
        let expected = it.b + ((1.0 + (1.0 + 8.0 * it.c).sqrt()) / 2.0).ln() / it.a;
        prop_assert!((peak - expected).abs() < 2e-3, "peak {peak}, expected {expected}");
        prop_assert!(peak >= it.b - 1e-3 && peak <= it.b + 2f64.ln() / it.a + 1e-3);
    }

    /// The standard error shrinks as answers arrive: in expectation over the next answer
    /// (law of total variance: E[Var(θ | u)] ≤ Var(θ)), for any item and any history.
    /// (One surprising answer may widen the posterior a little, so this is not per answer.)
    #[test]
    fn standard_error_shrinks_as_answers_arrive(
        rs in prop::collection::vec((item(), any::<bool>()), 0..30), next in item()
    ) {
        let mut post = irt::Posterior::new(&Grid::default());
        for (it, u) in &rs {
            post.update(it, *u);
        }
        let var = post.estimate().se.powi(2);
        let p = post.predictive(&next);
        let (mut right, mut wrong) = (post.clone(), post.clone());
        right.update(&next, true);
        wrong.update(&next, false);
        let expected = p * right.estimate().se.powi(2) + (1.0 - p) * wrong.estimate().se.powi(2);
        prop_assert!(expected <= var + 1e-12, "E[Var] {expected} > Var {var}");
    }

    /// With 2PL items (log-concave likelihoods) and the N(0, 1) prior, the posterior is
    /// never wider than the prior (Brascamp–Lieb), and a test's SE falls overall.
    #[test]
    fn standard_error_never_exceeds_the_prior_for_2pl(
        rs in prop::collection::vec((two_pl(), any::<bool>()), 1..30)
    ) {
        let prior = irt::Posterior::new(&Grid::default()).estimate().se;
        let mut post = irt::Posterior::new(&Grid::default());
        for (it, u) in &rs {
            post.update(it, *u);
            prop_assert!(post.estimate().se <= prior + 1e-9);
        }
    }

    #[test]
    fn estimates_stay_finite_for_all_right_and_all_wrong(
        items in prop::collection::vec(item(), 1..60), right in any::<bool>()
    ) {
        let rs: Vec<(Item, bool)> = items.into_iter().map(|it| (it, right)).collect();
        let e = eap_of(&Grid::default(), &rs);
        prop_assert!(e.theta.is_finite() && e.se.is_finite() && e.se > 0.0);
        prop_assert!(e.theta.abs() <= 4.0);
        let up = e.theta > 0.0;
        prop_assert_eq!(up, right);
    }

    /// The fast EAP (81 points on [−4, 4], log space) matches the slow reference.
    #[test]
    fn eap_matches_the_slow_reference(rs in prop::collection::vec((item(), any::<bool>()), 0..15)) {
        let fast = eap_of(&Grid::default(), &rs);
        let slow = reference_eap(&rs);
        // The default grid ends at ±4, which cuts a little of a heavy tail (3PL wrong
        // answers leave the prior's tail untouched); where the posterior lies well inside,
        // the two agree to 0.005 logits.
        if slow.theta.abs() + 4.0 * slow.se < 4.0 {
            prop_assert!((fast.theta - slow.theta).abs() < 5e-3, "{fast:?} vs {slow:?}");
            prop_assert!((fast.se - slow.se).abs() < 5e-3, "{fast:?} vs {slow:?}");
        }
        // A wide grid agrees everywhere.
        let wide = eap_of(&Grid::new(241, -10.0, 10.0), &rs);
        prop_assert!((wide.theta - slow.theta).abs() < 1e-4, "{wide:?} vs {slow:?}");
        prop_assert!((wide.se - slow.se).abs() < 1e-4, "{wide:?} vs {slow:?}");
    }
}

#[test]
fn eap_known_values() {
    // No answers: the prior, mean 0 and SD 1 (up to the grid's truncation at ±4).
    let e = eap_of(&Grid::default(), &[]);
    assert!(e.theta.abs() < 1e-12);
    assert!((e.se - 1.0).abs() < 2e-3, "{e:?}");
    // One right answer to a 2PL item at b = 0 moves the estimate up by symmetry.
    let r = eap_of(&Grid::default(), &[(Item::two_pl(1.0, 0.0), true)]);
    let w = eap_of(&Grid::default(), &[(Item::two_pl(1.0, 0.0), false)]);
    assert!(r.theta > 0.0 && (r.theta + w.theta).abs() < 1e-12 && (r.se - w.se).abs() < 1e-12);
}

#[test]
fn mle_agrees_with_eap_on_a_long_test() {
    let rs: Vec<(Item, bool)> = (0..200)
        .map(|k| (Item::two_pl(1.5, -2.0 + 0.02 * k as f64), k % 3 != 0))
        .collect();
    let e = eap_of(&Grid::default(), &rs);
    let m = irt::mle(&rs, -6.0, 6.0);
    assert!((e.theta - m.theta).abs() < 0.02, "{e:?} {m:?}");
    assert!((e.se - m.se).abs() < 0.01, "{e:?} {m:?}");
}

fn small_bank(n: usize, seed: u64) -> Vec<Item> {
    use rand::RngExt;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| Item::two_pl(rng.random_range(0.8..2.0), rng.random_range(-2.5..2.5)))
        .collect()
}

#[test]
fn selector_says_nothing_left_and_balances_topics() {
    let items = small_bank(6, 3);
    let topics = [0, 0, 0, 0, 1, 2];
    let order = irt::order_by_discrimination(&items);
    let pool = Pool {
        topics: &topics,
        n_topics: 3,
        by_a: &order,
        ..Pool::new(&items)
    };
    let sel = Selector {
        balance: true,
        ..Selector::default()
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut cat = Cat::new(
        pool,
        &Grid::default(),
        sel,
        StopRule {
            se_target: None,
            max_items: 99,
            bands: vec![],
            z: 1.96,
        },
        0.0,
    );
    let mut seen_topics = Vec::new();
    while let Some(i) = cat.next(&mut rng) {
        seen_topics.push(topics[i]);
        cat.record(i, i % 2 == 0);
    }
    // The first three items cover the three topics; then topic 0's rest.
    let mut first: Vec<usize> = seen_topics[..3].to_vec();
    first.sort();
    assert_eq!(first, vec![0, 1, 2]);
    assert_eq!(seen_topics.len(), 6);
    assert_eq!(cat.stopped(), Some(StopReason::Exhausted));
    let none = Selector::default().select(&cat_pool(&items), &[false; 6], &[0], 0.0, &mut rng);
    assert_eq!(none, None);
}

fn cat_pool(items: &[Item]) -> Pool<'_> {
    Pool::new(items)
}

#[test]
fn max_information_picks_the_best_item_and_exposure_control_spreads_choices() {
    let items = small_bank(50, 9);
    let pool = cat_pool(&items);
    let avail = vec![true; items.len()];
    let best = (0..items.len())
        .max_by(|&x, &y| information(0.3, &items[x]).total_cmp(&information(0.3, &items[y])))
        .unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    assert_eq!(
        Selector::default().select(&pool, &avail, &[0], 0.3, &mut rng),
        Some(best)
    );
    let rq = Selector {
        top_k: 5,
        ..Selector::default()
    };
    let order = irt::order_by_discrimination(&items);
    let pruned = irt::top_by_information(&items, &order, 0.3, 5, |_| true);
    assert_eq!(
        pruned,
        irt::top_by_information(&items, &[], 0.3, 5, |_| true)
    );
    let top5: Vec<usize> = pruned.into_iter().map(|(_, i)| i).collect();
    let mut chosen = std::collections::HashSet::new();
    for _ in 0..200 {
        let i = rq.select(&pool, &avail, &[0], 0.3, &mut rng).unwrap();
        assert!(top5.contains(&i));
        chosen.insert(i);
    }
    assert_eq!(chosen.len(), 5);
}

#[test]
fn stop_rule_reasons() {
    let rule = StopRule {
        se_target: Some(0.35),
        max_items: 10,
        bands: vec![-0.5, 0.5],
        z: 1.96,
    };
    let e = |theta, se| Estimate { theta, se };
    assert_eq!(rule.check(e(0.0, 1.0), 0), None);
    assert_eq!(rule.check(e(0.0, 0.3), 3), Some(StopReason::Precise));
    assert_eq!(rule.check(e(2.0, 0.6), 3), Some(StopReason::Decided));
    assert_eq!(rule.check(e(0.0, 0.6), 3), None);
    assert_eq!(rule.check(e(0.0, 0.6), 10), Some(StopReason::Budget));
}

fn sim_cfg(method: Method, seed: u64, threads: usize) -> SimConfig {
    SimConfig {
        selector: Selector {
            method,
            top_k: 1,
            balance: false,
        },
        max_items: 20,
        se_target: Some(0.4),
        report_at: vec![5, 20],
        seed,
        start: 0.0,
        grid: Grid::default(),
        threads,
    }
}

#[test]
fn seeded_simulation_is_precise_and_repeatable() {
    let bank = SimBank {
        items: small_bank(120, 11),
        topics: vec![],
        n_topics: 1,
    };
    let people = Simulees {
        thetas: skillquiz::draw_thetas(300, 4),
        uniforms: None,
    };
    let cat = simulate(&bank, &people, &sim_cfg(Method::MaxInfo, 8, 2), &|_| {}).unwrap();
    let rnd = simulate(&bank, &people, &sim_cfg(Method::Random, 8, 2), &|_| {}).unwrap();
    let (c5, c20) = (&cat.at_length[0], &cat.at_length[1]);
    assert!(c20.rmse < 0.33, "CAT-20 RMSE {}", c20.rmse);
    assert!(c20.rmse < c5.rmse && c20.mean_se < c5.mean_se);
    assert!(
        c20.rmse < rnd.at_length[1].rmse,
        "CAT beats random at equal length"
    );
    let v = cat.variable.as_ref().unwrap();
    assert!(v.mean_length < rnd.variable.as_ref().unwrap().mean_length);
    assert!(
        (c20.mean_se - c20.rmse).abs() < 0.08,
        "SE is honest: {c20:?}"
    );
    // Same seed, same figures, whatever the number of threads.
    let again = simulate(&bank, &people, &sim_cfg(Method::MaxInfo, 8, 1), &|_| {}).unwrap();
    assert_eq!(cat, again);
}

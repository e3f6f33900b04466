use super::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// LSAT7 (Bock and Lieberman 1970): frequencies of the patterns 00000 … 11111, item 1
/// the leftmost digit.
const LSAT7: [f64; 32] = [
    12.0, 19.0, 1.0, 7.0, 3.0, 19.0, 3.0, 17.0, 10.0, 5.0, 3.0, 7.0, 7.0, 23.0, 8.0, 28.0, 7.0,
    39.0, 11.0, 34.0, 14.0, 51.0, 15.0, 90.0, 6.0, 25.0, 7.0, 35.0, 18.0, 136.0, 32.0, 308.0,
];

fn lsat7() -> Data {
    let mut b = DataBuilder::new(5);
    for (k, &w) in LSAT7.iter().enumerate() {
        let answers: Vec<(usize, bool)> = (0..5).map(|j| (j, (k >> (4 - j)) & 1 == 1)).collect();
        b.add(&answers, w).unwrap();
    }
    b.build()
}

fn tight(model: Model) -> EmConfig {
    EmConfig {
        tolerance: 1e-7,
        max_cycles: 5000,
        ..EmConfig::new(model)
    }
}

#[test]
fn lsat7_two_pl_matches_the_reference() {
    let data = lsat7();
    assert_eq!(data.patterns(), 32);
    assert_eq!(data.persons(), 1000.0);
    let a = [0.9876, 1.0808, 1.7075, 0.7650, 0.7357];
    let d = [1.8559, 0.8080, 1.8052, 0.4860, 1.8545];
    two_pl_matches(&data, &tight(Model::TwoPl), &a, &d, -2658.805);
}

/// Fits the 2PL to `data` with `cfg` and checks each slope, intercept and the
/// log-likelihood to 1e-3, and that every item has standard errors.
fn two_pl_matches(data: &Data, cfg: &EmConfig, a: &[f64], d: &[f64], log_likelihood: f64) {
    let roles = vec![Role::Free { guess: 0.0 }; a.len()];
    let fit = calibrate(data, &roles, cfg, |_, _| {}).unwrap();
    assert!(fit.converged, "{fit:?}");
    for (j, it) in fit.items.iter().enumerate() {
        assert!((it.a - a[j]).abs() < 1e-3, "a{j} = {}", it.a);
        assert!(
            (it.intercept - d[j]).abs() < 1e-3,
            "d{j} = {}",
            it.intercept
        );
        assert!(it.se.is_some());
    }
    assert!(
        (fit.log_likelihood - log_likelihood).abs() < 1e-3,
        "{}",
        fit.log_likelihood
    );
}

/// The 2PL with the optional prior ln a ~ N(0, 0.5²) (`calibrate --model 2pl --a-prior`)
/// is the posterior mode: LSAT7's values from an independent fit (scipy's L-BFGS-B on the
/// marginal log-likelihood plus the lognormal log-density, 61 points on [−6, 6]). The
/// prior pulls the largest slope (item 3, 1.71 by maximum likelihood) down to 1.57.
#[test]
fn lsat7_two_pl_with_the_a_prior_is_the_posterior_mode() {
    let cfg = EmConfig {
        a_prior: Some(0.5),
        ..tight(Model::TwoPl)
    };
    let a = [0.98801, 1.05392, 1.56662, 0.78080, 0.74973];
    let d = [1.85741, 0.80180, 1.73087, 0.48822, 1.86161];
    // The log-likelihood (prior not included) is below the maximum likelihood's −2658.805.
    two_pl_matches(&lsat7(), &cfg, &a, &d, -2658.942);
}

#[test]
fn lsat7_rasch_matches_the_reference() {
    let data = lsat7();
    let roles = [Role::Free { guess: 0.0 }; 5];
    let fit = calibrate(&data, &roles, &tight(Model::Rasch), |_, _| {}).unwrap();
    assert!(fit.converged);
    // The reference has a = 1 and an estimated ability variance: its b is −d.
    let b = [-1.868, -0.791, -1.461, -0.521, -1.993];
    let a = fit.items[0].a;
    for (j, it) in fit.items.iter().enumerate() {
        assert_eq!(it.a, a, "one shared slope");
        assert!(
            (-it.intercept - b[j]).abs() < 1e-3,
            "b{j} = {}",
            -it.intercept
        );
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Items a ~ lognormal(0, 0.3), b ~ N(0, 1), c from `c`; persons θ ~ N(mean, 1); each
/// person sees each item with probability `seen`.
fn simulate(
    items: usize,
    persons: usize,
    c: impl Fn(&mut ChaCha8Rng) -> f64,
    mean: f64,
    seen: f64,
    seed: u64,
) -> (Vec<Item>, Data) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let truth: Vec<Item> = (0..items)
        .map(|_| Item {
            a: (0.3 * normal(&mut rng)).exp(),
            b: normal(&mut rng),
            c: c(&mut rng),
            d: 1.0,
        })
        .collect();
    let mut b = DataBuilder::new(items);
    let mut answers = Vec::new();
    for _ in 0..persons {
        let theta = mean + normal(&mut rng);
        answers.clear();
        for (j, it) in truth.iter().enumerate() {
            if rng.random::<f64>() < seen {
                let p = crate::irt::probability(theta, it);
                answers.push((j, rng.random::<f64>() < p));
            }
        }
        b.add(&answers, 1.0).unwrap();
    }
    (truth, b.build())
}

fn rmse(xs: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for (x, y) in xs {
        s += (x - y) * (x - y);
        n += 1.0;
    }
    (s / n).sqrt()
}

#[test]
fn two_pl_recovers_simulated_parameters() {
    let (truth, data) = simulate(20, 1000, |_| 0.0, 0.0, 1.0, 11);
    let roles = vec![Role::Free { guess: 0.0 }; 20];
    let fit = calibrate(&data, &roles, &EmConfig::new(Model::TwoPl), |_, _| {}).unwrap();
    assert!(fit.converged);
    let ra = rmse(fit.items.iter().zip(&truth).map(|(f, t)| (f.a, t.a)));
    let rb = rmse(fit.items.iter().zip(&truth).map(|(f, t)| (f.b, t.b)));
    // One replication (mirt's mean over 20 on this design: 0.11 and 0.12; the
    // benchmark in examples/calibrate_recovery.rs runs the 20).
    assert!(ra < 0.2, "RMSE(a) = {ra}");
    assert!(rb < 0.2, "RMSE(b) = {rb}");
    // Standard errors are about the size of the errors.
    let mean_se_a = fit.items.iter().map(|f| f.se.unwrap().a).sum::<f64>() / 20.0;
    assert!(
        mean_se_a > 0.5 * ra && mean_se_a < 2.0 * ra,
        "{mean_se_a} vs {ra}"
    );
}

#[test]
fn sparse_data_sums_over_the_questions_each_person_saw() {
    // Each person sees about 40% of the items.
    let (truth, data) = simulate(15, 2500, |_| 0.0, 0.0, 0.4, 5);
    let roles = vec![Role::Free { guess: 0.0 }; 15];
    let fit = calibrate(&data, &roles, &EmConfig::new(Model::TwoPl), |_, _| {}).unwrap();
    assert!(fit.converged);
    let rb = rmse(fit.items.iter().zip(&truth).map(|(f, t)| (f.b, t.b)));
    assert!(rb < 0.15, "RMSE(b) = {rb}");
    assert!(fit.items.iter().all(|f| f.answered < 1200.0));
}

#[test]
fn anchors_put_new_items_on_their_scale() {
    // The class is half a logit above the anchors' population: with the first 10 items
    // anchored at their true values, the other 10 come out on the true scale and the
    // class mean is found.
    let (truth, data) = simulate(20, 2000, |_| 0.0, 0.5, 1.0, 8);
    let roles: Vec<Role> = (0..20)
        .map(|j| {
            if j < 10 {
                Role::Anchored(truth[j])
            } else {
                Role::Free { guess: 0.0 }
            }
        })
        .collect();
    let fit = calibrate(&data, &roles, &EmConfig::new(Model::TwoPl), |_, _| {}).unwrap();
    assert!(fit.converged);
    assert!((fit.mean - 0.5).abs() < 0.1, "mean {}", fit.mean);
    assert!((fit.sd - 1.0).abs() < 0.1, "sd {}", fit.sd);
    for j in 0..10 {
        assert_eq!(fit.items[j].a, truth[j].a);
        assert!(fit.items[j].anchored && fit.items[j].se.is_none());
    }
    let rb = rmse((10..20).map(|j| (fit.items[j].b, truth[j].b)));
    assert!(rb < 0.15, "RMSE(b) = {rb}");
    // Without anchors the same items would sit half a logit low.
    let free = vec![Role::Free { guess: 0.0 }; 20];
    let loose = calibrate(&data, &free, &EmConfig::new(Model::TwoPl), |_, _| {}).unwrap();
    let shift: f64 = (10..20).map(|j| truth[j].b - loose.items[j].b).sum::<f64>() / 10.0;
    assert!(shift > 0.3, "shift {shift}");
}

#[test]
fn three_pl_with_priors_converges_and_keeps_c_near_its_prior() {
    let (truth, data) = simulate(20, 1000, |r| 0.1 + 0.2 * r.random::<f64>(), 0.0, 1.0, 3);
    let roles = vec![Role::Free { guess: 0.2 }; 20];
    let fit = calibrate(&data, &roles, &EmConfig::new(Model::ThreePl), |_, _| {}).unwrap();
    assert!(fit.converged, "{} cycles", fit.cycles);
    let rc = rmse(fit.items.iter().zip(&truth).map(|(f, t)| (f.c, t.c)));
    let rb = rmse(fit.items.iter().zip(&truth).map(|(f, t)| (f.b, t.b)));
    assert!(rc < 0.08, "RMSE(c) = {rc}");
    assert!(rb < 0.35, "RMSE(b) = {rb}");
    assert!(
        fit.items
            .iter()
            .all(|f| f.se.is_some_and(|s| s.c.is_some()))
    );
}

/// The obviously right, slow marginal log-likelihood: for each person, the sum over the
/// quadrature of the prior times the product of the item probabilities.
fn brute_log_likelihood(data: &Data, items: &[Item], points: usize, limit: f64) -> f64 {
    let theta: Vec<f64> = (0..points)
        .map(|q| -limit + 2.0 * limit * q as f64 / (points - 1) as f64)
        .collect();
    let prior: Vec<f64> = theta.iter().map(|t| (-0.5 * t * t).exp()).collect();
    let total: f64 = prior.iter().sum();
    let mut ll = 0.0;
    for p in 0..data.patterns() {
        let mut s = 0.0;
        for q in 0..points {
            let mut l = prior[q] / total;
            for &code in data.pattern(p) {
                let pr = crate::irt::probability(theta[q], &items[(code / 2) as usize]);
                l *= if code % 2 == 1 { pr } else { 1.0 - pr };
            }
            s += l;
        }
        ll += data.weights[p] * s.ln();
    }
    ll
}

#[test]
fn the_estimate_is_a_maximum_of_the_brute_force_likelihood() {
    let (_, data) = simulate(6, 400, |_| 0.0, 0.0, 0.7, 21);
    let roles = vec![Role::Free { guess: 0.0 }; 6];
    let cfg = tight(Model::TwoPl);
    let fit = calibrate(&data, &roles, &cfg, |_, _| {}).unwrap();
    let items: Vec<Item> = fit.items.iter().map(|f| f.item()).collect();
    let ll = brute_log_likelihood(&data, &items, cfg.points, cfg.limit);
    assert!(
        (ll - fit.log_likelihood).abs() < 1e-9,
        "{ll} vs {}",
        fit.log_likelihood
    );
    // Every nudge of a or b lowers it.
    for j in 0..6 {
        for (da, db) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
            let mut moved = items.clone();
            moved[j].a += da;
            moved[j].b += db;
            assert!(brute_log_likelihood(&data, &moved, cfg.points, cfg.limit) < ll);
        }
    }
}

#[test]
fn bad_input_is_refused() {
    let mut b = DataBuilder::new(2);
    assert_eq!(
        b.add(&[(2, true)], 1.0),
        Err(CalibrateError::ItemOutOfRange { item: 2, items: 2 })
    );
    assert_eq!(
        b.add(&[(1, true), (1, false)], 1.0),
        Err(CalibrateError::AnsweredTwice { item: 1 })
    );
    assert!(b.add(&[(0, true)], f64::NAN).is_err());
    b.add(&[(0, true), (1, false)], 3.0).unwrap();
    b.add(&[(0, true)], 2.0).unwrap();
    let data = b.build();
    let free = [Role::Free { guess: 0.0 }; 2];
    let cfg = EmConfig::new(Model::TwoPl);
    assert_eq!(
        calibrate(&data, &free, &cfg, |_, _| {}),
        Err(CalibrateError::NoVariation {
            item: 0,
            which: "right"
        })
    );
    assert_eq!(
        calibrate(&data, &free[..1], &cfg, |_, _| {}),
        Err(CalibrateError::RoleCount { roles: 1, items: 2 })
    );
    let fixed = [Role::Anchored(Item::two_pl(1.0, 0.0)); 2];
    assert_eq!(
        calibrate(&data, &fixed, &cfg, |_, _| {}),
        Err(CalibrateError::NoFreeItems)
    );
}

#[test]
fn standard_errors_agree_with_the_observed_information_of_the_brute_force_likelihood() {
    // The cross-product information and the observed information (the negative Hessian
    // of the likelihood, here by central differences of the slow likelihood) estimate the
    // same matrix; on 1500 persons their standard errors agree within 15%.
    let (_, data) = simulate(5, 1500, |_| 0.0, 0.0, 1.0, 4);
    let roles = vec![Role::Free { guess: 0.0 }; 5];
    let cfg = tight(Model::TwoPl);
    let fit = calibrate(&data, &roles, &cfg, |_, _| {}).unwrap();
    // Parameters (a_j, d_j) in slope–intercept form.
    let mut x: Vec<f64> = fit.items.iter().flat_map(|f| [f.a, f.intercept]).collect();
    let ll = |x: &[f64]| {
        let items: Vec<Item> = (0..5)
            .map(|j| Item::two_pl(x[2 * j], -x[2 * j + 1] / x[2 * j]))
            .collect();
        brute_log_likelihood(&data, &items, cfg.points, cfg.limit)
    };
    let n = x.len();
    let h = 1e-3;
    let mut hess = vec![0.0; n * n];
    for i in 0..n {
        for j in i..n {
            let mut f = [0.0; 4];
            for (k, (si, sj)) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)]
                .iter()
                .enumerate()
            {
                x[i] += si * h;
                x[j] += sj * h;
                f[k] = ll(&x);
                x[i] -= si * h;
                x[j] -= sj * h;
            }
            let v = -(f[0] - f[1] - f[2] + f[3]) / (4.0 * h * h);
            hess[i * n + j] = v;
            hess[j * n + i] = v;
        }
    }
    let cov = spd_inverse(&hess, n).expect("observed information is positive definite");
    for (j, it) in fit.items.iter().enumerate() {
        let se = it.se.unwrap();
        let (oa, od) = (
            cov[2 * j * n + 2 * j].sqrt(),
            cov[(2 * j + 1) * n + 2 * j + 1].sqrt(),
        );
        assert!((se.a / oa - 1.0).abs() < 0.15, "a{j}: {} vs {oa}", se.a);
        assert!(
            (se.intercept / od - 1.0).abs() < 0.15,
            "d{j}: {} vs {od}",
            se.intercept
        );
    }
}

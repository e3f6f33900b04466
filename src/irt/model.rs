//! The item response model: response probability and Fisher information.
//!
//! One formula covers every case: the four-parameter logistic (4PL) model with the upper
//! asymptote `d` fixed at 1 gives the 3PL, `c = 0` as well gives the 2PL, and `a = 1` on
//! top gives the 1PL (Rasch). `theta` and `b` are on the same logit scale (a standard
//! normal population has mean 0 and standard deviation 1).

/// Parameters of one item. Build with [`Item::new`] (checked) or [`Item::two_pl`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    /// Discrimination: slope at the inflection point, finite and > 0.
    pub a: f64,
    /// Difficulty: the ability where P is halfway between `c` and `d`, finite.
    pub b: f64,
    /// Guessing: lower asymptote, in [0, 1).
    pub c: f64,
    /// Upper asymptote (1 − slip), in (c, 1].
    pub d: f64,
}

/// Why item parameters were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemError {
    #[error("discrimination a must be a finite number > 0")]
    A,
    #[error("difficulty b must be a finite number")]
    B,
    #[error("guessing c must be in [0, 1)")]
    C,
    #[error("upper asymptote d must be in (c, 1]")]
    D,
}

impl Item {
    /// Checks the ranges documented on the fields.
    pub fn new(a: f64, b: f64, c: f64, d: f64) -> Result<Item, ItemError> {
        if !(a.is_finite() && a > 0.0) {
            return Err(ItemError::A);
        }
        if !b.is_finite() {
            return Err(ItemError::B);
        }
        if !(0.0..1.0).contains(&c) {
            return Err(ItemError::C);
        }
        if !(d > c && d <= 1.0) {
            return Err(ItemError::D);
        }
        Ok(Item { a, b, c, d })
    }

    /// A 2PL item (`c = 0`, `d = 1`); `a` > 0 and `b` finite are the caller's promise.
    pub fn two_pl(a: f64, b: f64) -> Item {
        Item {
            a,
            b,
            c: 0.0,
            d: 1.0,
        }
    }
}

/// The logistic function σ(x) = 1 / (1 + e^(−x)), in [0, 1].
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// softplus(x) = ln(1 + e^x), computed without overflow; −ln σ(x) = softplus(−x).
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Probability of a right answer at ability `theta`:
/// P(θ) = c + (d − c) / (1 + e^(−a(θ − b))), in [c, d].
pub fn probability(theta: f64, item: &Item) -> f64 {
    item.c + (item.d - item.c) * logistic(item.a * (theta - item.b))
}

/// Fisher information of the item at `theta` (units: 1 / logit²):
/// I(θ) = a² (P − c)² (d − P)² / ((d − c)² P (1 − P)).
/// For the 2PL this is a² P (1 − P), largest (a²/4) at θ = b; for c > 0 the peak moves
/// slightly above b. Always ≥ 0 and finite.
pub fn information(theta: f64, item: &Item) -> f64 {
    let l = logistic(item.a * (theta - item.b));
    if item.c == 0.0 && item.d == 1.0 {
        return item.a * item.a * l * (1.0 - l);
    }
    let p = item.c + (item.d - item.c) * l;
    let pq = p * (1.0 - p);
    if pq <= 0.0 {
        return 0.0;
    }
    let span = item.d - item.c;
    item.a * item.a * span * span * l * l * (1.0 - l) * (1.0 - l) / pq
}

/// Log-likelihood of one response at `theta`: ln P(θ) if `correct`, else ln(1 − P(θ)).
/// Computed through softplus so that it stays finite far from `b` (≤ 0).
pub fn log_likelihood(theta: f64, item: &Item, correct: bool) -> f64 {
    let x = item.a * (theta - item.b);
    if correct {
        if item.c == 0.0 {
            item.d.ln() - softplus(-x)
        } else {
            (item.c + (item.d - item.c) * logistic(x)).ln()
        }
    } else if item.d == 1.0 {
        (1.0 - item.c).ln() - softplus(x)
    } else {
        ((1.0 - item.d) + (item.d - item.c) * (1.0 - logistic(x))).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let it = Item::two_pl(1.0, 0.0);
        assert!((probability(0.0, &it) - 0.5).abs() < 1e-15);
        assert!((information(0.0, &it) - 0.25).abs() < 1e-15);
        // 3PL at θ = b: P = c + (1 − c)/2.
        let g = Item::new(1.5, 0.3, 0.25, 1.0).unwrap();
        assert!((probability(0.3, &g) - 0.625).abs() < 1e-15);
        // I = a² (P−c)² (1−P) / ((1−c)² P) = 2.25 · 0.140625 · 0.375 / (0.5625 · 0.625)
        assert!((information(0.3, &g) - 0.3375).abs() < 1e-12);
        assert!((log_likelihood(0.0, &it, true) - 0.5f64.ln()).abs() < 1e-15);
        assert!((log_likelihood(0.3, &g, false) - 0.375f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn tails_stay_finite() {
        let it = Item::two_pl(2.5, 0.0);
        for theta in [-1000.0, -40.0, 40.0, 1000.0] {
            assert!(information(theta, &it).is_finite());
            assert!(log_likelihood(theta, &it, true).is_finite());
            assert!(log_likelihood(theta, &it, false).is_finite());
        }
    }

    #[test]
    fn item_ranges_are_checked() {
        assert_eq!(Item::new(0.0, 0.0, 0.0, 1.0), Err(ItemError::A));
        assert_eq!(Item::new(1.0, f64::NAN, 0.0, 1.0), Err(ItemError::B));
        assert_eq!(Item::new(1.0, 0.0, 1.0, 1.0), Err(ItemError::C));
        assert_eq!(Item::new(1.0, 0.0, 0.5, 0.4), Err(ItemError::D));
        assert!(Item::new(1.0, 0.0, 0.2, 0.95).is_ok());
    }
}

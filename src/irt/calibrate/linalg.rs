//! The little dense linear algebra calibration needs: a Cholesky factorisation of a
//! symmetric positive definite matrix, solving with it, and inverting with it.
//!
//! Matrices are row-major `n × n` slices.

/// Factorises `m` (symmetric positive definite, row-major `n × n`) in place into its lower
/// Cholesky factor L (m = L Lᵀ); the upper triangle is left as it was. `false` when `m` is
/// not positive definite (a pivot ≤ `1e-300` or not finite), with `m` half-overwritten.
pub fn cholesky(m: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut s = m[j * n + j];
        for k in 0..j {
            s -= m[j * n + k] * m[j * n + k];
        }
        if !(s.is_finite() && s > 1e-300) {
            return false;
        }
        let d = s.sqrt();
        m[j * n + j] = d;
        for i in j + 1..n {
            let mut s = m[i * n + j];
            for k in 0..j {
                s -= m[i * n + k] * m[j * n + k];
            }
            m[i * n + j] = s / d;
        }
    }
    true
}

/// Solves L Lᵀ x = b in place (`b` becomes x), `l` from [`cholesky`].
pub fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// The inverse of a symmetric positive definite `m` (row-major `n × n`); `None` when it is
/// not positive definite.
pub fn spd_inverse(m: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = m.to_vec();
    if !cholesky(&mut l, n) {
        return None;
    }
    let mut inv = vec![0.0; n * n];
    let mut col = vec![0.0; n];
    for j in 0..n {
        col.iter_mut().for_each(|x| *x = 0.0);
        col[j] = 1.0;
        cholesky_solve(&l, n, &mut col);
        for i in 0..n {
            inv[i * n + j] = col[i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8
        let inv = spd_inverse(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        let want = [0.375, -0.25, -0.25, 0.5];
        for (x, w) in inv.iter().zip(want) {
            assert!((x - w).abs() < 1e-15);
        }
    }

    #[test]
    fn not_positive_definite_is_refused() {
        assert!(spd_inverse(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        assert!(spd_inverse(&[0.0], 1).is_none());
    }
}

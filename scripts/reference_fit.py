"""REFERENCE ONLY, not part of skillquiz: independent fits of the recovery data sets, to
compare skillquiz's calibration with other implementations on identical data.

    cargo run --release --example calibrate_recovery -- recovery --dump /tmp/recovery
    python3 -m venv /tmp/girth && /tmp/girth/bin/pip install girth "numpy<2" "scipy<1.14"
    /tmp/girth/bin/python -W ignore scripts/reference_fit.py /tmp/recovery [CELL...]

CELL is a file prefix of the dump: 2pl_500, 2pl_1000, 2pl-aprior_500, 2pl-aprior_1000,
3pl_500 (all by default). girth 0.8.0 (PyPI) needs numpy < 2: its threepl_mml fails
under numpy 2 ("setting an array element with a sequence").

Two fits, neither of them skillquiz's code:
  * girth: twopl_mml and threepl_mml with their defaults (41 points on [-4.5, 4.5]; the
    3PL without priors, a in [0.25, 4], c in [0, 0.33]); not run on the a-prior cells.
  * mml: this script's direct maximisation of the marginal log-likelihood (plus the log
    priors) with scipy's L-BFGS-B, gradient by Fisher's identity, 61 points on [-6, 6]
    under N(0, 1), the issue's priors (2PL optionally ln a ~ N(0, .5^2); 3PL
    ln a ~ N(0, .5^2), logit c ~ N(logit .2, .5^2)). Not EM, so it shares no code path
    with skillquiz's. On LSAT7 it gives the published 2PL solution (log-lik -2658.805).
Prints per cell the pooled RMSE and bias of ours, mml and girth; per replication (on
stderr) the largest difference between our estimates and mml's.
"""
import glob, os, sys, time
import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logsumexp


def load(prefix):
    X = np.loadtxt(prefix + "_responses.csv", delimiter=",", skiprows=1)
    truth = np.loadtxt(prefix + "_truth.csv", delimiter=",", skiprows=1)[:, 1:]
    ours = np.loadtxt(prefix + "_ours.csv", delimiter=",", skiprows=1)[:, 1:]
    return X, truth, ours


def mml(X, three, a_sd, c_sd=0.5, guess=0.2, points=61, limit=6.0):
    pats, w = np.unique(X, axis=0, return_counts=True)
    w = w.astype(float)
    J = X.shape[1]
    theta = np.linspace(-limit, limit, points)
    logphi = -0.5 * theta**2
    logphi -= logsumexp(logphi)
    gm = np.log(guess / (1 - guess))
    p = X.mean(0).clip(0.02, 0.98)
    x0 = np.concatenate([np.ones(J), np.log(p / (1 - p))] + ([np.full(J, gm)] if three else []))

    def unpack(x):
        a, d = x[:J], x[J:2 * J]
        g = x[2 * J:] if three else None
        return a, d, g

    def f(x):
        a, d, g = unpack(x)
        z = np.outer(theta, a) + d  # Q x J
        l = expit(z)
        c = expit(g) if three else np.zeros(J)
        P = c + (1 - c) * l
        P = P.clip(1e-300, 1 - 1e-16)
        lp, lq = np.log(P), np.log1p(-P)
        ll = pats @ lp.T + (1 - pats) @ lq.T + logphi  # Pt x Q
        m = logsumexp(ll, axis=1)
        post = np.exp(ll - m[:, None]) * w[:, None]
        n = post.sum(0)  # Q
        r1 = post.T @ pats  # Q x J
        k = (r1 - n[:, None] * P) / (P * (1 - P))
        dz = (1 - c) * l * (1 - l)
        ga = (k * dz * theta[:, None]).sum(0)
        gd = (k * dz).sum(0)
        val = w @ m
        grads = [ga, gd]
        if a_sd is not None:
            la = np.log(a)
            val += np.sum(-la - la**2 / (2 * a_sd**2))
            grads[0] = ga - (1 + la / a_sd**2) / a
        if three:
            gg = (k * (1 - l) * c * (1 - c)).sum(0)
            val += np.sum(-(g - gm) ** 2 / (2 * c_sd**2))
            grads.append(gg - (g - gm) / c_sd**2)
        return -val, -np.concatenate(grads)

    bounds = [(1e-3, 50) if a_sd is not None else (-50, 50)] * J + [(-50, 50)] * J
    if three:
        bounds += [(-15, 15)] * J
    r = minimize(f, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(maxiter=5000, ftol=1e-15, gtol=1e-7, maxcor=30))
    a, d, g = unpack(r.x)
    c = expit(g) if three else np.zeros(J)
    return np.column_stack([a, -d / a, c]), r


def girth_fit(X, three):
    from girth import twopl_mml, threepl_mml
    data = X.T.astype(int)
    if three:
        r = threepl_mml(data)
        return np.column_stack([r["Discrimination"], r["Difficulty"], r["Guessing"]])
    r = twopl_mml(data)
    return np.column_stack([r["Discrimination"], r["Difficulty"], np.zeros(X.shape[1])])


def main(dir_, cells):
    for cell in cells:
        files = sorted(glob.glob(os.path.join(dir_, cell + "_rep*_truth.csv")))
        if not files:
            continue
        three = cell.startswith("3pl")
        a_sd = 0.5 if (three or "aprior" in cell) else None
        err = {k: [] for k in ("ours", "mml", "girth")}
        grad_ok, t0 = 0, time.time()
        for fpath in files:
            prefix = fpath[: -len("_truth.csv")]
            X, truth, ours = load(prefix)
            ref, res = mml(X, three, a_sd)
            # L-BFGS-B stopped on its gradient test (else: a line-search stop)
            grad_ok += int(res.success)
            err["ours"].append(ours - truth)
            err["mml"].append(ref - truth)
            if "aprior" not in cell:
                err["girth"].append(girth_fit(X, three) - truth)
            # agreement of the two like-for-like MML fits
            dmax = np.abs(ours - ref).max()
            print(f"  {os.path.basename(prefix)}: max |ours - mml| = {dmax:.2e}", file=sys.stderr)
        print(f"{cell}: {len(files)} replications, L-BFGS-B success {grad_ok}/{len(files)}, {time.time()-t0:.0f} s")
        for k, es in err.items():
            if not es:
                continue
            e = np.concatenate(es)
            rmse = np.sqrt((e**2).mean(0))
            bias = e.mean(0)
            per = np.array([np.sqrt((x**2).mean(0)) for x in es])
            se = per.std(0, ddof=1) / np.sqrt(len(es))
            cs = f"{rmse[2]:.3f}" if three else "-"
            print(f"  {k:6s} RMSE a {rmse[0]:.3f} b {rmse[1]:.3f} c {cs} | bias a {bias[0]:+.3f} b {bias[1]:+.3f} c {bias[2]:+.3f}"
                  f" | mean per-rep RMSE a {per[:,0].mean():.3f}±{se[0]:.3f} b {per[:,1].mean():.3f}±{se[1]:.3f}")


if __name__ == "__main__":
    d = sys.argv[1]
    cells = sys.argv[2:] or ["2pl_500", "2pl_1000", "2pl-aprior_500", "2pl-aprior_1000", "3pl_500"]
    main(d, cells)

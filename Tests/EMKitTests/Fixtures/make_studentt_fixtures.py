#!/usr/bin/env python3
"""Independent reference fixtures for EMKit's multivariate Student-t mixture (ECM).

Writes, next to this file:
  studentt.csv             408 rows (x1,x2): 400 rows from a 2-component bivariate t mixture
                           (rows 0..239 component 0, rows 240..399 component 1, not shuffled)
                           followed by 8 gross outliers (rows 400..407)
  studentt_fixtures.json   ECM results from fixed initial parameters after 1, 2, 5 and 30
                           iterations, plus the mean log-likelihood trace for 0..30 iterations

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_studentt_fixtures.py

The script runs inside <repo>/.venv-fixtures (see fixture_venv.py); if that environment is
missing or lacks the pinned numpy/scipy below it is created / completed with pip and the
script re-executes itself inside it.

The ECM algorithm (Peel & McLachlan 2000) is written directly from the mathematics with numpy;
it does not use EMKit. Each iteration: one E-step with the current parameters (tau_ik, u_ik),
CM-step 1 (weights, means, covariances), CM-step 2 (each nu_k by brentq on [1e-3, 1e4] using
the same E-step tau/u and the old nu_k). The log-likelihood trace is checked never to decrease
and one log-density is cross-checked against scipy.stats.multivariate_t to 1e-12.
"""

import sys
import fixture_venv  # beside this script
REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1"]
if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)

from pathlib import Path

HERE = Path(__file__).resolve().parent

SEED = 20261126
RECORD = [1, 2, 5, 30]
TRACE_LENGTH = 30
NU_BOUNDS = (1e-3, 1e4)


def main():
    import json
    import platform

    import numpy as np
    import scipy
    from scipy import stats
    from scipy.optimize import brentq
    from scipy.special import digamma, gammaln, logsumexp

    d = 2

    # ---------------- data ----------------
    rng = np.random.default_rng(SEED)
    true_weights = [0.6, 0.4]
    true_means = [np.array([0.0, 0.0]), np.array([4.0, 2.0])]
    true_covs = [np.array([[1.0, 0.5], [0.5, 1.5]]),
                 np.array([[2.0, -0.6], [-0.6, 0.8]])]
    true_dofs = [4.0, 10.0]
    counts = [240, 160]  # 400 * (0.6, 0.4), component 0 first
    blocks = []
    for mu, cov, nu, m in zip(true_means, true_covs, true_dofs, counts):
        z = rng.standard_normal((m, d)) @ np.linalg.cholesky(cov).T
        w = rng.chisquare(nu, size=m) / nu
        blocks.append(mu + z / np.sqrt(w)[:, None])
    outliers = rng.uniform(-20.0, 20.0, size=(8, d))
    X = np.vstack(blocks + [outliers])
    n = X.shape[0]
    assert n == 408

    csv_path = HERE / "studentt.csv"
    with open(csv_path, "w") as fh:
        fh.write("x1,x2\n")
        for row in X:
            fh.write(f"{float(row[0])!r},{float(row[1])!r}\n")
    # Read back exactly what Swift will read.
    X = np.loadtxt(csv_path, delimiter=",", skiprows=1)

    # ---------------- model ----------------
    def log_t(X, mu, cov, nu):
        """log t(x; mu, cov, nu) for each row of X, and the Mahalanobis distances."""
        L = np.linalg.cholesky(cov)
        diff = X - mu
        sol = np.linalg.solve(L, diff.T)
        delta = np.sum(sol * sol, axis=0)
        logdet = 2.0 * np.sum(np.log(np.diag(L)))
        lp = (gammaln((nu + d) / 2.0) - gammaln(nu / 2.0)
              - 0.5 * d * np.log(nu * np.pi) - 0.5 * logdet
              - 0.5 * (nu + d) * np.log1p(delta / nu))
        return lp, delta

    def e_step(theta):
        weights, means, covs, dofs = theta
        K = len(weights)
        logp = np.empty((n, K))
        deltas = np.empty((n, K))
        for k in range(K):
            lp, delta = log_t(X, means[k], covs[k], dofs[k])
            logp[:, k] = np.log(weights[k]) + lp
            deltas[:, k] = delta
        row_ll = logsumexp(logp, axis=1)
        tau = np.exp(logp - row_ll[:, None])
        u = (np.asarray(dofs)[None, :] + d) / (np.asarray(dofs)[None, :] + deltas)
        return tau, u, float(np.mean(row_ll))

    def solve_nu(nk, s, nu_old):
        """Root of -psi(v/2) + log(v/2) + 1 + s/nk + psi((nu_old+d)/2) - log((nu_old+d)/2)."""
        c = 1.0 + s / nk + digamma((nu_old + d) / 2.0) - np.log((nu_old + d) / 2.0)

        def f(v):
            return -digamma(v / 2.0) + np.log(v / 2.0) + c

        lo, hi = NU_BOUNDS
        flo, fhi = f(lo), f(hi)
        if flo * fhi > 0:
            # f decreases in v: both positive -> root beyond hi; both negative -> below lo.
            return hi if flo > 0 else lo
        return brentq(f, lo, hi, xtol=1e-14, rtol=8.9e-16, maxiter=500)

    def ecm_step(theta):
        weights, means, covs, dofs = theta
        tau, u, _ = e_step(theta)
        K = len(weights)
        new_w, new_m, new_c, new_nu = [], [], [], []
        for k in range(K):
            t = tau[:, k]
            tu = t * u[:, k]
            nk = t.sum()
            new_w.append(nk / n)
            mu = (tu[:, None] * X).sum(axis=0) / tu.sum()
            diff = X - mu
            cov = (tu[:, None] * diff).T @ diff / nk
            cov = 0.5 * (cov + cov.T)
            new_m.append(mu)
            new_c.append(cov)
            s = float(np.sum(t * (np.log(u[:, k]) - u[:, k])))
            new_nu.append(solve_nu(nk, s, dofs[k]))
        return (np.array(new_w), new_m, new_c, np.array(new_nu))

    def to_json(theta):
        weights, means, covs, dofs = theta
        return {"weights": [float(v) for v in weights],
                "means": [[float(v) for v in m] for m in means],
                "covariances": [[[float(v) for v in r] for r in c] for c in covs],
                "dofs": [float(v) for v in dofs]}

    # ---------------- scipy cross-check ----------------
    ck_mu, ck_cov, ck_nu = np.array([0.3, -0.2]), np.array([[1.7, 0.4], [0.4, 0.9]]), 3.5
    mine, _ = log_t(X[:5], ck_mu, ck_cov, ck_nu)
    ref = stats.multivariate_t(loc=ck_mu, shape=ck_cov, df=ck_nu).logpdf(X[:5])
    assert np.max(np.abs(mine - ref)) < 1e-12, (mine, ref)

    # ---------------- ECM ----------------
    init_rows = [0, 399]  # row 0 from component 0, row 399 from component 1
    theta = (np.array([0.5, 0.5]), [X[i].copy() for i in init_rows],
             [2.0 * np.eye(d), 2.0 * np.eye(d)], np.array([20.0, 20.0]))
    initial = to_json(theta)

    trace = [e_step(theta)[2]]
    iterations = []
    for it in range(1, TRACE_LENGTH + 1):
        theta = ecm_step(theta)
        ll = e_step(theta)[2]
        trace.append(ll)
        if it in RECORD:
            rec = {"iterations": it}
            rec.update(to_json(theta))
            rec["meanLogLikelihood"] = ll
            iterations.append(rec)
    for a, b in zip(trace, trace[1:]):
        assert b >= a - 1e-12, (a, b)

    generator = {
        "script": "Tests/EMKitTests/Fixtures/make_studentt_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "dataset": {
            "file": "studentt.csv",
            "seed": SEED,
            "rows": n,
            "weights": true_weights,
            "counts": counts,
            "means": [m.tolist() for m in true_means],
            "covariances": [c.tolist() for c in true_covs],
            "dofs": true_dofs,
            "outliers": "rows 400..407, uniform in [-20, 20]^2",
            "layout": "rows 0..239 component 0, rows 240..399 component 1 (not shuffled)",
        },
        "initialRows": init_rows,
        "nuBounds": list(NU_BOUNDS),
        "notes": (
            "Independent numpy ECM reference (Peel & McLachlan 2000), not EMKit. One iteration "
            "= E-step with current parameters (tau_ik normalised pi_k t_k(x_i); u_ik = "
            "(nu_k+d)/(nu_k+delta_ik)), CM-step 1 (pi_k = n_k/n; mu_k = sum tau u x / sum tau u; "
            "Sigma_k = sum tau u (x-mu)(x-mu)^T / n_k), CM-step 2 (nu_k by brentq on "
            "[1e-3, 1e4] of -psi(v/2)+log(v/2)+1+(1/n_k) sum tau (log u - u)"
            "+psi((nu_old+d)/2)-log((nu_old+d)/2), clamped to the bound if no sign change), "
            "using the same E-step tau/u. Initial means are rows 0 and 399 of the CSV. "
            "meanLogLikelihood = (1/n) sum_i log sum_k pi_k t(x_i) of the listed parameters; "
            "trace[j] is that after j iterations (j = 0..30), checked non-decreasing. "
            "Log-density checked against scipy.stats.multivariate_t to 1e-12."),
    }
    out_path = HERE / "studentt_fixtures.json"
    with open(out_path, "w") as fh:
        json.dump({"generator": generator, "initial": initial, "iterations": iterations,
                   "trace": trace, "rows": n}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {csv_path} and {out_path} ({out_path.stat().st_size} bytes)")
    for rec in iterations:
        print(rec["iterations"], rec["meanLogLikelihood"], rec["weights"], rec["dofs"])
    print("trace diffs min", min(b - a for a, b in zip(trace, trace[1:])))


if __name__ == "__main__":
    main()

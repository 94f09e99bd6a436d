#!/usr/bin/env python3
"""Independent reference fixtures for EMKit's discrete mixture models.

Writes, next to this file:
  binomial.csv             400 rows (heads,tosses) from a 3-component binomial mixture
  bernoulli.csv            500 rows (f1..f8) of binary features, 3 components
  categorical.csv          400 rows (c1..c5) of category counts, 3 components
  poisson.csv              500 rows (x1..x3) of counts, 2 independent-Poisson components
  discrete_fixtures.json   EM results from fixed initial parameters after 1, 2, 5 and 20
                           iterations (soft EM for every family, plus classification /
                           "hard" EM on the binomial data for 1, 2 and 5 iterations), and
                           the Dempster-Laird-Rubin genetic linkage example

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_discrete_fixtures.py

The script runs inside <repo>/.venv-fixtures (the environment make_gmm_fixtures.py
creates). If that environment is missing, or lacks the pinned numpy/scipy below, it is
created / completed with pip (needs PyPI) and the script re-executes itself inside it.

The EM here is written directly from the model definitions with numpy, in the log domain;
it does not use EMKit. Every mean log-likelihood is cross-checked against scipy.stats
(binom, multinomial, poisson logpmf) and soft EM is checked to never decrease it.
The outputs are deterministic for fixed numpy/scipy versions.
"""

import os
import subprocess
import sys

import fixture_venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV = REPO / ".venv-fixtures"
REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1"]


# ---------------------------------------------------------------------------
# Everything below runs inside the virtual environment
# ---------------------------------------------------------------------------

SOFT_ITERATIONS = [1, 2, 5, 20]
HARD_ITERATIONS = [1, 2, 5]
SCIPY_TOLERANCE = 1e-10


def main():
    import json
    import platform

    import numpy as np
    import scipy
    from scipy import stats
    from scipy.special import gammaln, logsumexp

    # ---------------- helpers ----------------

    def write_int_csv(path, header, rows):
        rows = np.asarray(rows)
        assert np.all(rows == np.round(rows)) and np.all(rows >= 0)
        with open(path, "w", newline="\n") as fh:
            fh.write(",".join(header) + "\n")
            for row in rows:
                fh.write(",".join(str(int(v)) for v in row) + "\n")

    def read_int_csv(path):
        with open(path) as fh:
            header = fh.readline().strip().split(",")
            rows = [[int(c) for c in line.strip().split(",")] for line in fh if line.strip()]
        return header, np.array(rows, dtype=np.float64)

    # ---------------- component log-densities, log f_k(x_i) as an N x K matrix ----------------
    # params is always K x P: binomial P = 1 (p_k), bernoulli/categorical P = D (p_kj),
    # poisson P = D (lambda_kj). All coefficients (binomial, multinomial, x!) are included.

    def log_f_binomial(X, params):
        s = X[:, 0:1]
        n = X[:, 1:2]
        p = params[:, 0][None, :]
        log_coef = gammaln(n + 1) - gammaln(s + 1) - gammaln(n - s + 1)
        return log_coef + s * np.log(p) + (n - s) * np.log1p(-p)

    def log_f_bernoulli(X, params):
        return X @ np.log(params).T + (1.0 - X) @ np.log1p(-params).T

    def log_f_categorical(X, params):
        n = X.sum(axis=1, keepdims=True)
        log_coef = gammaln(n + 1) - gammaln(X + 1).sum(axis=1, keepdims=True)
        return log_coef + X @ np.log(params).T

    def log_f_poisson(X, params):
        log_fact = gammaln(X + 1).sum(axis=1, keepdims=True)
        return X @ np.log(params).T - params.sum(axis=1)[None, :] - log_fact

    # ---------------- M-steps: new component parameters from responsibilities R (N x K) ----------------

    def m_binomial(X, R):
        s = X[:, 0]
        n = X[:, 1]
        return ((R.T @ s) / (R.T @ n))[:, None]

    def m_bernoulli(X, R):
        return (R.T @ X) / R.sum(axis=0)[:, None]

    def m_categorical(X, R):
        totals = R.T @ X
        return totals / totals.sum(axis=1, keepdims=True)

    def m_poisson(X, R):
        return (R.T @ X) / R.sum(axis=0)[:, None]

    FAMILIES = {
        "binomial": (log_f_binomial, m_binomial),
        "bernoulli": (log_f_bernoulli, m_bernoulli),
        "categorical": (log_f_categorical, m_categorical),
        "poisson": (log_f_poisson, m_poisson),
    }

    def check_params(family, params):
        assert np.all(np.isfinite(params)), params
        if family == "poisson":
            assert np.all(params > 0), params
        else:
            assert np.all(params > 0) and np.all(params < 1), params
        if family == "categorical":
            assert np.allclose(params.sum(axis=1), 1.0, rtol=0, atol=1e-14)

    def log_joint(family, X, weights, params):
        log_f, _ = FAMILIES[family]
        return np.log(weights)[None, :] + log_f(X, params)

    def mean_log_likelihood(family, X, weights, params):
        return float(np.mean(logsumexp(log_joint(family, X, weights, params), axis=1)))

    def classification_log_likelihood(family, X, weights, params):
        return float(np.mean(np.max(log_joint(family, X, weights, params), axis=1)))

    def em_step(family, X, weights, params, assignment):
        """One E-step with the current parameters followed by one M-step."""
        _, m_step = FAMILIES[family]
        lj = log_joint(family, X, weights, params)
        if assignment == "soft":
            R = np.exp(lj - logsumexp(lj, axis=1, keepdims=True))
        else:
            # classification EM: all of each row's mass on its most probable component,
            # ties to the lowest index (np.argmax returns the first maximum)
            R = np.zeros_like(lj)
            R[np.arange(lj.shape[0]), np.argmax(lj, axis=1)] = 1.0
            assert np.all(R.sum(axis=0) > 0), "empty component in classification EM"
        new_weights = R.sum(axis=0) / X.shape[0]
        new_params = m_step(X, R)
        check_params(family, new_params)
        return new_weights, new_params

    # ---------------- independent cross-check with scipy.stats ----------------

    def scipy_mean_log_likelihood(family, X, weights, params):
        K = len(weights)
        cols = []
        for k in range(K):
            if family == "binomial":
                lf = stats.binom.logpmf(X[:, 0].astype(int), X[:, 1].astype(int), params[k, 0])
            elif family == "bernoulli":
                lf = stats.binom.logpmf(X.astype(int), 1, params[k][None, :]).sum(axis=1)
            elif family == "categorical":
                Xi = X.astype(int)
                lf = stats.multinomial.logpmf(Xi, Xi.sum(axis=1), params[k])
            elif family == "poisson":
                lf = stats.poisson.logpmf(X.astype(int), params[k][None, :]).sum(axis=1)
            else:
                raise ValueError(family)
            cols.append(np.log(weights[k]) + lf)
        return float(np.mean(logsumexp(np.column_stack(cols), axis=1)))

    def run_case(name, family, csv_name, X, weights0, params0, assignment, recorded):
        check_params(family, params0)
        assert abs(weights0.sum() - 1.0) < 1e-15
        weights, params = weights0.copy(), params0.copy()
        ll0 = mean_log_likelihood(family, X, weights, params)
        prev_ll = ll0
        prev_cll = classification_log_likelihood(family, X, weights, params)
        out = []
        for it in range(1, max(recorded) + 1):
            weights, params = em_step(family, X, weights, params, assignment)
            ll = mean_log_likelihood(family, X, weights, params)
            cll = classification_log_likelihood(family, X, weights, params)
            if assignment == "soft":
                # EM never decreases the observed-data likelihood
                assert ll >= prev_ll - 1e-12, (name, it, prev_ll, ll)
            else:
                # classification EM never decreases the classification likelihood
                assert cll >= prev_cll - 1e-12, (name, it, prev_cll, cll)
            prev_ll, prev_cll = ll, cll
            if it in recorded:
                ref = scipy_mean_log_likelihood(family, X, weights, params)
                assert abs(ref - ll) <= SCIPY_TOLERANCE, (name, it, ll, ref)
                entry = {
                    "iterations": it,
                    "weights": weights.tolist(),
                    "parameters": params.tolist(),
                    "meanLogLikelihood": ll,
                }
                if assignment == "hard":
                    entry["classificationLogLikelihood"] = cll
                out.append(entry)
        ref0 = scipy_mean_log_likelihood(family, X, weights0, params0)
        assert abs(ref0 - ll0) <= SCIPY_TOLERANCE, (name, ll0, ref0)
        return {
            "name": name,
            "family": family,
            "data": csv_name,
            "components": int(len(weights0)),
            "assignment": assignment,
            "initial": {
                "weights": weights0.tolist(),
                "parameters": params0.tolist(),
                "meanLogLikelihood": ll0,
            },
            "iterations": out,
        }

    # ---------------- data sets ----------------

    datasets = {}

    # binomial: 400 rows, weights .5/.3/.2, p .2/.5/.85, tosses uniform on 5..30
    seed = 20261201
    rng = np.random.default_rng(seed)
    w_true = np.array([0.5, 0.3, 0.2])
    p_true = np.array([0.2, 0.5, 0.85])
    z = rng.choice(3, size=400, p=w_true)
    tosses = rng.integers(5, 31, size=400)
    heads = rng.binomial(tosses, p_true[z])
    write_int_csv(HERE / "binomial.csv", ["heads", "tosses"], np.column_stack([heads, tosses]))
    datasets["binomial.csv"] = {"seed": seed, "rows": 400, "weights": w_true.tolist(),
                                "p": p_true.tolist(), "tosses": "uniform integers 5..30"}

    # bernoulli: 500 rows, D = 8, p drawn uniformly from (0.05, 0.95)
    seed = 20261202
    rng = np.random.default_rng(seed)
    w_true = np.array([0.4, 0.35, 0.25])
    p_true = rng.uniform(0.05, 0.95, size=(3, 8))
    z = rng.choice(3, size=500, p=w_true)
    bits = (rng.random((500, 8)) < p_true[z]).astype(int)
    write_int_csv(HERE / "bernoulli.csv", [f"f{j}" for j in range(1, 9)], bits)
    datasets["bernoulli.csv"] = {"seed": seed, "rows": 500, "weights": w_true.tolist(),
                                 "p": p_true.tolist()}

    # categorical: 400 rows, D = 5, each row the counts of 10..20 draws
    seed = 20261203
    rng = np.random.default_rng(seed)
    w_true = np.array([0.45, 0.35, 0.2])
    p_true = np.array([[0.40, 0.30, 0.15, 0.10, 0.05],
                       [0.05, 0.10, 0.20, 0.30, 0.35],
                       [0.20, 0.05, 0.50, 0.05, 0.20]])
    z = rng.choice(3, size=400, p=w_true)
    draws = rng.integers(10, 21, size=400)
    counts = np.array([rng.multinomial(draws[i], p_true[z[i]]) for i in range(400)])
    assert np.all(counts.sum(axis=1) == draws)
    write_int_csv(HERE / "categorical.csv", [f"c{j}" for j in range(1, 6)], counts)
    datasets["categorical.csv"] = {"seed": seed, "rows": 400, "weights": w_true.tolist(),
                                   "p": p_true.tolist(), "draws": "uniform integers 10..20"}

    # poisson: 500 rows, D = 3, rates (2,5,1) and (9,3,6)
    seed = 20261204
    rng = np.random.default_rng(seed)
    w_true = np.array([0.6, 0.4])
    lam_true = np.array([[2.0, 5.0, 1.0], [9.0, 3.0, 6.0]])
    z = rng.choice(2, size=500, p=w_true)
    pois = rng.poisson(lam_true[z])
    write_int_csv(HERE / "poisson.csv", [f"x{j}" for j in range(1, 4)], pois)
    datasets["poisson.csv"] = {"seed": seed, "rows": 500, "weights": w_true.tolist(),
                               "rates": lam_true.tolist()}

    # Read the CSVs back so the fits use exactly what the Swift tests will read.
    data = {name: read_int_csv(HERE / name)[1] for name in datasets}
    assert data["binomial.csv"].shape == (400, 2)
    assert data["bernoulli.csv"].shape == (500, 8)
    assert data["categorical.csv"].shape == (400, 5)
    assert data["poisson.csv"].shape == (500, 3)

    # ---------------- initial parameters (uniform weights, rng(7) parameters) ----------------

    init_seed = 7
    irng = np.random.default_rng(init_seed)
    init_binomial = irng.uniform(0.2, 0.8, size=(3, 1))
    init_bernoulli = irng.uniform(0.25, 0.75, size=(3, 8))
    raw = irng.uniform(0.5, 1.5, size=(3, 5))
    init_categorical = raw / raw.sum(axis=1, keepdims=True)
    init_poisson = data["poisson.csv"].mean(axis=0)[None, :] * irng.uniform(0.5, 1.5, size=(2, 3))

    def uniform(k):
        return np.full(k, 1.0 / k)

    cases = [
        run_case("binomial", "binomial", "binomial.csv", data["binomial.csv"],
                 uniform(3), init_binomial, "soft", SOFT_ITERATIONS),
        run_case("binomial-hard", "binomial", "binomial.csv", data["binomial.csv"],
                 uniform(3), init_binomial, "hard", HARD_ITERATIONS),
        run_case("bernoulli", "bernoulli", "bernoulli.csv", data["bernoulli.csv"],
                 uniform(3), init_bernoulli, "soft", SOFT_ITERATIONS),
        run_case("categorical", "categorical", "categorical.csv", data["categorical.csv"],
                 uniform(3), init_categorical, "soft", SOFT_ITERATIONS),
        run_case("poisson", "poisson", "poisson.csv", data["poisson.csv"],
                 uniform(2), init_poisson, "soft", SOFT_ITERATIONS),
    ]

    # ---------------- Dempster, Laird & Rubin (1977) genetic linkage ----------------
    # Cell probabilities (1/2 + t/4, (1-t)/4, (1-t)/4, t/4); the first cell is split into
    # a 1/2 part and a t/4 part, whose expected count is the E-step.

    y1, y2, y3, y4 = 125.0, 18.0, 20.0, 34.0

    def linkage_step(t):
        x_hidden = y1 * (t / 4.0) / (0.5 + t / 4.0)
        return (x_hidden + y4) / (x_hidden + y2 + y3 + y4)

    t = 0.5
    from_half = []
    for it in range(1, 1001):
        t_new = linkage_step(t)
        if it <= 8:
            from_half.append(t_new)
        done = abs(t_new - t) < 1e-16
        t = t_new
        if done and it >= 8:
            break
    # Stationary point of the observed log-likelihood: 197 t^2 - 15 t - 68 = 0.
    t_closed = (15.0 + np.sqrt(15.0 ** 2 + 4.0 * 197.0 * 68.0)) / (2.0 * 197.0)
    assert abs(t - t_closed) < 1e-12, (t, t_closed)
    assert abs(t - 0.626821497871) < 1e-12, t
    genetic = {"counts": [125, 18, 20, 34], "theta": float(t),
               "iterationsFromHalf": [float(v) for v in from_half]}

    # ---------------- write ----------------

    generator = {
        "script": "Tests/EMKitTests/Fixtures/make_discrete_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "datasets": datasets,
        "initialSeed": init_seed,
        "notes": (
            "Independent numpy reference (log domain), not EMKit. Each iteration is one "
            "E-step with the current parameters followed by one M-step, starting from "
            "'initial'. parameters is K lists: binomial [p_k], bernoulli/categorical "
            "[p_k1..p_kD], poisson [lambda_k1..lambda_kD]. meanLogLikelihood = (1/N) sum_i "
            "log sum_k pi_k f_k(x_i) of the listed parameters, including binomial/multinomial "
            "coefficients and x! terms; checked against scipy.stats to 1e-10. 'hard' is "
            "classification EM (argmax, ties to lowest k, weights = counts / N); its "
            "classificationLogLikelihood = (1/N) sum_i max_k log pi_k f_k(x_i)."),
    }
    out_path = HERE / "discrete_fixtures.json"
    with open(out_path, "w") as fh:
        json.dump({"generator": generator, "cases": cases, "geneticLinkage": genetic},
                  fh, indent=1)
        fh.write("\n")
    size = out_path.stat().st_size
    assert size < 200_000, size
    print(f"wrote {out_path} ({size} bytes)")


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

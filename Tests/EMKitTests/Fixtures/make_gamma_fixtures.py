#!/usr/bin/env python3
"""Reference maximum-likelihood fits of gamma mixtures, for EMKit's EM-gradient tests.

Writes, next to this file:
  gamma.csv            600 draws from 0.4 Gamma(2, rate 1) + 0.6 Gamma(9, rate 1.5)
                       (numpy default_rng(20261202)), one column `x`
  gamma_fixtures.json  for gamma.csv and for Old Faithful's `waiting` column (faithful.csv),
                       K = 2: the maximum-likelihood weights, shapes, rates and total
                       log-likelihood

The maximum is found without EM: BFGS (scipy.optimize.minimize) on the observed-data
log-likelihood in unconstrained coordinates (log-odds of the weights, log shapes, log rates),
from several starts, then polished by Newton's method (analytic gradient by Fisher's identity, its Jacobian by
central differences) until the gradient is below 1e-8. EMKit's EM-gradient must reach the same point.

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_gamma_fixtures.py

The first run creates <repo>/.venv-fixtures (see fixture_venv.py).
"""

import fixture_venv  # beside this script

REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1"]


def main():
    import csv
    import json
    import platform
    from pathlib import Path

    import numpy as np
    import scipy
    from scipy.optimize import minimize
    from scipy.special import gammaln, logsumexp

    here = Path(__file__).resolve().parent

    rng = np.random.default_rng(20261202)
    n = 600
    first = rng.random(n) < 0.4
    x = np.where(first, rng.gamma(2.0, 1 / 1.0, n), rng.gamma(9.0, 1 / 1.5, n))
    with open(here / "gamma.csv", "w", newline="\n") as fh:
        fh.write("x\n")
        for v in x:
            fh.write(repr(float(v)) + "\n")
    with open(here / "gamma.csv") as fh:
        synthetic = np.array([float(r["x"]) for r in csv.DictReader(fh)])
    with open(here / "faithful.csv") as fh:
        waiting = np.array([float(r["waiting"]) for r in csv.DictReader(fh)])

    def unpack(theta):
        logits = np.append(theta[:1], 0.0)
        weights = np.exp(logits - logsumexp(logits))
        return weights, np.exp(theta[1:3]), np.exp(theta[3:5])

    def log_likelihood(theta, data):
        w, a, b = unpack(theta)
        lx = np.log(data)
        comp = (np.log(w) + a * np.log(b) - gammaln(a))[None, :] + (a - 1)[None, :] * lx[:, None] - b[None, :] * data[:, None]
        return float(np.sum(logsumexp(comp, axis=1)))

    def fit(data):
        lo, hi = np.quantile(data, [0.25, 0.75])
        best = None
        for split in (0.3, 0.5, 0.7):
            cut = np.quantile(data, split)
            parts = [data[data <= cut], data[data > cut]]
            means = np.array([p.mean() for p in parts])
            variances = np.array([p.var() for p in parts])
            theta = np.concatenate([[np.log(len(parts[0]) / len(parts[1]))],
                                    np.log(means ** 2 / variances), np.log(means / variances)])
            result = minimize(lambda t: -log_likelihood(t, data), theta, method="BFGS",
                              options={"gtol": 1e-10, "maxiter": 10000})
            if best is None or result.fun < best.fun:
                best = result
        theta = best.x
        # Newton polish: the analytic gradient (Fisher's identity: the expected complete-data score
        # under the responsibilities), its Jacobian by central differences.
        from scipy.special import digamma

        def grad(t):
            w, a, b = unpack(t)
            lx = np.log(data)
            comp = (np.log(w) + a * np.log(b) - gammaln(a))[None, :] + (a - 1)[None, :] * lx[:, None] - b[None, :] * data[:, None]
            r = np.exp(comp - logsumexp(comp, axis=1)[:, None])
            nk = r.sum(axis=0)
            return np.array([
                nk[0] - len(data) * w[0],
                *(a * (nk * (np.log(b) - digamma(a)) + r.T @ lx)),
                *(b * (nk * a / b - r.T @ data)),
            ])
        for _ in range(20):
            g = grad(theta)
            hess = np.array([(grad(theta + 1e-4 * e) - grad(theta - 1e-4 * e)) / 2e-4 for e in np.eye(len(theta))])
            hess = (hess + hess.T) / 2
            step = np.linalg.solve(hess, g)
            theta = theta - step
            if np.max(np.abs(step)) < 1e-12:
                break
        g = grad(theta)
        assert np.max(np.abs(g)) < 1e-8, g
        w, a, b = unpack(theta)
        order = np.argsort(a / b)
        return {
            "weights": [float(v) for v in w[order]],
            "shapes": [float(v) for v in a[order]],
            "rates": [float(v) for v in b[order]],
            "logLikelihood": log_likelihood(theta, data),
            "gradientMaxAbs": float(np.max(np.abs(g))),
        }

    out = {
        "generator": {
            "script": "Tests/EMKitTests/Fixtures/make_gamma_fixtures.py",
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "notes": "Maximum-likelihood K = 2 gamma mixtures by BFGS + Newton on the observed log-likelihood "
                     "(no EM). Components ordered by mean shape/rate. rates are inverse scales.",
        },
        "cases": [
            dict(name="synthetic", file="gamma.csv", column="x", **fit(synthetic)),
            dict(name="faithful-waiting", file="faithful.csv", column="waiting", **fit(waiting)),
        ],
    }
    with open(here / "gamma_fixtures.json", "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    for case in out["cases"]:
        print(case["name"], case["weights"], case["shapes"], case["rates"], case["logLikelihood"], case["gradientMaxAbs"])


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

#!/usr/bin/env python3
"""Reference fixtures for EMKit's variational Bayesian Gaussian mixture, computed with
scikit-learn's BayesianGaussianMixture.

Writes, next to this file:
  vb_fixtures.json  17 cases: {faithful, synthetic} x {full, diagonal, spherical, tied} x
                    {Dirichlet process (stick-breaking), Dirichlet distribution} with K = 5 and
                    every prior at scikit-learn's default, plus one case (faithful, full,
                    Dirichlet process) with weight concentration prior 10. Each case holds the
                    fixed initial labels, the resolved priors, the variational lower bound after
                    each of iterations 1..30, and the variational parameters right after the
                    initialisation (iteration 0) and after iteration 30.

Reads faithful.csv (eruptions, waiting) and synthetic.csv (x0, x1, x2), both written by
make_gmm_fixtures.py; every column of both is a feature.

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_vb_fixtures.py

The script runs inside <repo>/.venv-fixtures (see fixture_venv.py); if that environment is
missing or lacks the pinned packages below it is created / completed with pip and the script
re-executes itself inside it. The output is deterministic for fixed versions.

How the start is fixed: the initial labels are KMeans(n_clusters=5, n_init=1, random_state=0)
on the data (stored 0-based in the fixture). A subclass of BayesianGaussianMixture replaces
scikit-learn's initialisation so that `_initialize(X, resp)` receives exactly one-hot(labels);
the subclass checks that it does. (With random_state=0 scikit-learn's own 'kmeans' start gives
the same labels; the script checks that too.) One iteration is one E-step followed by one M-step;
the lower bound of iteration t combines the responsibilities of that E-step (made with the
parameters of iteration t-1) with the parameters that M-step produces. The trace comes from one
continuous fit with max_iter=30 and tol=0 (its `lower_bounds_`), and the script checks it is
bit-for-bit the trace of 30 warm-started fits of one iteration each.
"""

import fixture_venv  # beside this script

REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1", "scikit-learn==1.9.1"]
if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)

from pathlib import Path

HERE = Path(__file__).resolve().parent

COMPONENTS = 5
ITERATIONS = 30
REG = 1e-6
SK_TYPES = ["full", "diag", "spherical", "tied"]
JSON_TYPE = {"full": "full", "diag": "diagonal", "spherical": "spherical", "tied": "tied"}
WEIGHT_PRIORS = ["dirichlet_process", "dirichlet_distribution"]
JSON_WEIGHT = {"dirichlet_process": "dirichletProcess",
               "dirichlet_distribution": "dirichletDistribution"}


def main():
    import json
    import platform
    import warnings

    import numpy as np
    import scipy
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import BayesianGaussianMixture

    warnings.simplefilter("ignore", ConvergenceWarning)

    def read_csv(path):
        with open(path) as fh:
            header = fh.readline().strip().split(",")
            rows = [[float(c) for c in line.strip().split(",")] for line in fh if line.strip()]
        return header, np.array(rows, dtype=np.float64)

    class FixedStart(BayesianGaussianMixture):
        """BayesianGaussianMixture whose initialisation is one-hot(`fixed_labels`).

        `fixed_labels` is set as an attribute after construction (not a constructor
        parameter, so scikit-learn's parameter handling is untouched). Every E-step's mean
        log-normaliser is appended to `e_step_log_norms`.
        """

        def _initialize_parameters(self, X, random_state, xp=None):
            n = X.shape[0]
            resp = np.zeros((n, self.n_components), dtype=X.dtype)
            resp[np.arange(n), self.fixed_labels] = 1.0
            self._expected_resp = resp.copy()
            self._initialize(X, resp)

        def _initialize(self, X, resp):
            assert np.array_equal(resp, self._expected_resp)
            assert np.all(resp.sum(axis=1) == 1.0)
            self.initialize_calls = getattr(self, "initialize_calls", 0) + 1
            super()._initialize(X, resp)

        def _e_step(self, X, xp=None):
            log_prob_norm, log_resp = super()._e_step(X, xp=xp)
            self.e_step_log_norms = getattr(self, "e_step_log_norms", [])
            self.e_step_log_norms.append(float(log_prob_norm))
            return log_prob_norm, log_resp

    def make(sk_type, weight_type, labels, concentration, **kwargs):
        model = FixedStart(n_components=COMPONENTS, covariance_type=sk_type,
                           weight_concentration_prior_type=weight_type,
                           weight_concentration_prior=concentration,
                           reg_covar=REG, tol=0.0, n_init=1, **kwargs)
        model.fixed_labels = labels
        return model

    # ---------------- expansions to uniform shapes ----------------

    from sklearn_shapes import covariances_to_full as expand_cov

    def expand_prior_cov(cov, sk_type, d):
        """sklearn's resolved covariance prior -> D x D."""
        cov = np.asarray(cov, dtype=np.float64)
        if sk_type in ("full", "tied"):
            return cov.reshape(d, d)
        if sk_type == "diag":
            return np.diag(cov)
        return np.eye(d) * float(cov)

    def raw(a):
        a = np.asarray(a, dtype=np.float64)
        return a.tolist() if a.ndim else float(a)

    def snapshot(model, iteration, sk_type, weight_type, k, d):
        wc = model.weight_concentration_
        if weight_type == "dirichlet_process":
            concentration = [np.asarray(wc[0]).tolist(), np.asarray(wc[1]).tolist()]
        else:
            concentration = [np.asarray(wc).tolist()]
        dof = np.asarray(model.degrees_of_freedom_, dtype=np.float64)
        return {
            "iteration": iteration,
            "weightConcentration": concentration,
            "meanPrecision": np.asarray(model.mean_precision_).tolist(),
            "means": np.asarray(model.means_).tolist(),
            "degreesOfFreedom": np.broadcast_to(dof.reshape(-1), (k,)).tolist(),
            "degreesOfFreedomRaw": raw(dof),
            "covariances": expand_cov(model.covariances_, sk_type, k, d).tolist(),
            "covariancesRaw": raw(model.covariances_),
            "precisionsCholeskyRaw": raw(model.precisions_cholesky_),
            "weights": np.asarray(model.weights_).tolist(),
        }

    def scalar(v):
        """A lower bound as a float ('tied' makes it a 1-element array)."""
        v = np.asarray(v, dtype=np.float64)
        assert v.size == 1
        return float(v.reshape(()))

    def arrays_equal(a, b):
        if isinstance(a, tuple):
            return all(np.array_equal(x, y) for x, y in zip(a, b))
        return np.array_equal(a, b)

    # ---------------- data sets ----------------

    datasets = {}
    for name in ["faithful", "synthetic"]:
        header, X = read_csv(HERE / f"{name}.csv")
        labels = KMeans(n_clusters=COMPONENTS, n_init=1, random_state=0).fit(X).labels_
        labels = np.asarray(labels, dtype=np.int64)
        assert sorted(set(labels.tolist())) == list(range(COMPONENTS)), name
        datasets[name] = (header, X, labels)
    assert datasets["faithful"][1].shape == (272, 2)
    assert datasets["synthetic"][1].shape == (300, 3)

    specs = [(name, sk_type, weight_type, None)
             for name in datasets for sk_type in SK_TYPES for weight_type in WEIGHT_PRIORS]
    specs.append(("faithful", "full", "dirichlet_process", 10.0))

    cases = []
    for name, sk_type, weight_type, concentration in specs:
        header, X, labels = datasets[name]
        n, d = X.shape
        k = COMPONENTS

        # Iteration 0: the parameters straight from the initialisation (max_iter=0 runs no
        # E/M step; fit then sets weights_ from the concentration parameters).
        start = make(sk_type, weight_type, labels, concentration, max_iter=0).fit(X)
        assert start.initialize_calls == 1 and start.n_iter_ == 0

        # Iterations 1..30 in one continuous run.
        run = make(sk_type, weight_type, labels, concentration, max_iter=ITERATIONS).fit(X)
        assert run.initialize_calls == 1 and run.n_iter_ == ITERATIONS
        bounds = [scalar(v) for v in run.lower_bounds_]
        assert len(bounds) == ITERATIONS and bounds[-1] == scalar(run.lower_bound_)
        # fit() runs one more E-step after the loop (for its labels): drop it.
        log_norms = run.e_step_log_norms[:ITERATIONS]
        assert len(run.e_step_log_norms) == ITERATIONS + 1
        # The variational lower bound must not decrease (up to rounding).
        for a, b in zip(bounds, bounds[1:]):
            assert b >= a - 1e-9 * abs(a), (name, sk_type, weight_type, a, b)

        # The same 30 iterations as 30 warm-started fits of one iteration each.
        warm = make(sk_type, weight_type, labels, concentration, max_iter=1, warm_start=True)
        warm_bounds = []
        for _ in range(ITERATIONS):
            warm.fit(X)
            warm_bounds.append(scalar(warm.lower_bound_))
        assert warm.initialize_calls == 1
        assert warm_bounds == bounds, (name, sk_type, weight_type)
        for a, b in zip(warm._get_parameters(), run._get_parameters()):
            assert arrays_equal(a, b)

        # scikit-learn's own k-means start with random_state=0 begins from the same labels.
        if concentration is None:
            own = BayesianGaussianMixture(
                n_components=k, covariance_type=sk_type,
                weight_concentration_prior_type=weight_type, reg_covar=REG, tol=0.0,
                n_init=1, max_iter=ITERATIONS, random_state=0).fit(X)
            assert [scalar(v) for v in own.lower_bounds_] == bounds

        covariance_prior = start.covariance_prior_
        cases.append({
            "name": f"{name}-{JSON_TYPE[sk_type]}-{JSON_WEIGHT[weight_type]}"
                    + ("" if concentration is None else f"-concentration{concentration:g}"),
            "dataset": name,
            "columns": header,
            "covarianceType": JSON_TYPE[sk_type],
            "sklearnCovarianceType": sk_type,
            "weightPrior": JSON_WEIGHT[weight_type],
            "sklearnWeightPriorType": weight_type,
            "components": k,
            "regularization": REG,
            "iterations": ITERATIONS,
            "initialLabels": [int(v) for v in labels],
            "priors": {
                "weightConcentration": float(start.weight_concentration_prior_),
                "meanPrecision": float(start.mean_precision_prior_),
                "mean": np.asarray(start.mean_prior_).tolist(),
                "degreesOfFreedom": float(start.degrees_of_freedom_prior_),
                "covariance": expand_prior_cov(covariance_prior, sk_type, d).tolist(),
                "covarianceRaw": raw(covariance_prior),
                "weightConcentrationGiven": concentration,
            },
            "lowerBounds": bounds,
            "meanLogProbNorm": log_norms,
            "initial": snapshot(start, 0, sk_type, weight_type, k, d),
            "final": snapshot(run, ITERATIONS, sk_type, weight_type, k, d),
        })

    generator = {
        "script": "Tests/EMKitTests/Fixtures/make_vb_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "notes": (
            "sklearn.mixture.BayesianGaussianMixture, K = 5, reg_covar = 1e-6, priors at their "
            "defaults unless priors.weightConcentrationGiven is set. Start: one-hot of "
            "initialLabels (0-based KMeans(n_clusters=5, n_init=1, random_state=0) labels) passed "
            "to _initialize. lowerBounds[t-1] = lower bound after iteration t (one E-step with "
            "the parameters of iteration t-1, then one M-step; the bound combines that E-step's "
            "responsibilities with the new parameters). meanLogProbNorm[t-1] = mean over rows "
            "of logsumexp_k(E[log pi_k] + expected log density) in that E-step (not part of the "
            "bound). 'initial' = parameters after the initialisation (iteration 0), 'final' = "
            "after iteration 30. weightConcentration is [alpha] (1 x K) for the Dirichlet "
            "distribution and [a, b] (2 x K, Beta parameters of the sticks) for the Dirichlet "
            "process. covariances are sklearn's covariances_ (the Wishart scale inverse divided "
            "by the degrees of freedom) expanded to K x D x D; *Raw fields keep sklearn's "
            "per-type shapes (tied: D x D and a scalar degreesOfFreedomRaw; diag: K x D; "
            "spherical: K). priors.covariance is D x D (covarianceRaw: D x D, D, or a scalar)."),
    }
    with open(HERE / "vb_fixtures.json", "w") as fh:
        json.dump({"generator": generator, "cases": cases}, fh, indent=1)
        fh.write("\n")

    print(f"sklearn {sklearn.__version__}, numpy {np.__version__}: "
          f"wrote {len(cases)} variational GMM cases to {HERE / 'vb_fixtures.json'}")


if __name__ == "__main__":
    main()

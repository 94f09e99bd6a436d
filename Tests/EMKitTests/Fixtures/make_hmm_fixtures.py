#!/usr/bin/env python3
"""Reference fixtures for EMKit's hidden Markov models (Baum-Welch, Viterbi, posteriors).

Writes, next to this file:
  hmm_gaussian.csv           3 sequences (lengths 120, 80, 100) of 2-D observations from a
                             3-state Gaussian HMM; header x1,x2,sequence (sequence = 0, 1, 2)
  hmm_gaussian_lengths.txt   the three sequence lengths, one per line
  hmm_casino.csv             600 rolls of the "occasionally dishonest casino"; header roll,
                             values 0..5 (face - 1)
  hmm_poisson.csv            2 sequences of 150 counts from a 2-state Poisson HMM (rates 2
                             and 9); header count,sequence
  hmm_fixtures.json          Baum-Welch results from fixed initial parameters after 1, 2, 5
                             and 20 iterations (hmmlearn, set up for pure maximum likelihood),
                             Viterbi and posterior-argmax paths, and a textbook forward check

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_hmm_fixtures.py

The script runs inside <repo>/.venv-fixtures (the environment make_gmm_fixtures.py creates).
If that environment is missing, or lacks the pinned packages below, it is created / completed
with pip (needs PyPI) and the script re-executes itself inside it.

How the numbers are made. The data are drawn with numpy's default_rng(20261124), one
generator used in turn for the Gaussian, casino and Poisson data; every observation is written
with 10 significant digits and the values are read back from the CSV before fitting, so the
Swift tests see exactly the numbers that were fitted. Each case is fitted with hmmlearn
(implementation "log", tol=-inf, init_params="", all parameters updated) with every prior
switched off, so that the M-step is the plain maximum-likelihood one (see MSTEP_NOTES below,
which is also written into the JSON). An independent Baum-Welch written here with numpy
(scaled forward-backward, the M-step in its textbook "weighted scatter about the new mean"
form, a log-domain Viterbi) must agree with hmmlearn's "log" and "scaling" implementations
to 1e-10 (relative to max(1, |value|)) in every parameter, in every per-iteration
log-likelihood, and exactly in the Viterbi and posterior-argmax paths; otherwise the
script stops. The largest discrepancies seen are written to generator.verification.
Outputs are deterministic for fixed package versions.
"""

import os
import subprocess
import sys

import fixture_venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV = REPO / ".venv-fixtures"
REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1", "scikit-learn==1.9.1", "hmmlearn==0.3.3"]


# ---------------------------------------------------------------------------
# Everything below runs inside the virtual environment
# ---------------------------------------------------------------------------

SEED = 20261124
RECORDED_ITERATIONS = [1, 2, 5, 20]
TOLERANCE = 1e-10          # numpy vs hmmlearn, relative to max(1, |value|)
POSTERIOR_MARGIN = 1e-6    # smallest gap between the two largest posteriors we accept

# hmmlearn 0.3.3 settings for pure maximum likelihood, and what its M-step does with them.
HMMLEARN_SETTINGS = {
    "common": {"tol": "-inf (see mstepNotes.stopping)", "init_params": "", "implementation": "log (also checked: scaling)",
               "startprob_prior": 1.0, "transmat_prior": 1.0},
    "GaussianHMM": {"params": "stmc", "min_covar": 0.0, "means_prior": 0.0, "means_weight": 0.0,
                    "covars_prior": 0.0, "covars_weight": 0.0},
    "CategoricalHMM": {"params": "ste", "emissionprob_prior": 1.0, "n_features": 6},
    "PoissonHMM": {"params": "stl", "lambdas_prior": 0.0, "lambdas_weight": 0.0},
}

MSTEP_NOTES = {
    "summary": (
        "With the settings in hmmlearnSettings every hmmlearn 0.3.3 M-step below is the plain "
        "maximum-likelihood Baum-Welch update; no pseudo-count, prior or covariance floor is active "
        "on this data. gamma_t(i) = P(state i at t | sequence), xi_t(i,j) = P(i at t, j at t+1 | "
        "sequence); sums over t run over every sequence (xi only within a sequence)."),
    "startProbabilities": (
        "pi_i <- max(startprob_prior - 1 + sum_seq gamma_1(i), 0), then set to 0 wherever the old "
        "pi_i was exactly 0, then normalised. With startprob_prior = 1: sum_seq gamma_1(i) / "
        "number_of_sequences."),
    "transitionMatrix": (
        "a_ij <- max(transmat_prior - 1 + sum_seq sum_{t<T} xi_t(i,j), 0), set to 0 wherever the old "
        "a_ij was exactly 0 (a forbidden transition stays forbidden), each row normalised (a row "
        "summing to 0 is left at 0). With transmat_prior = 1: sum xi(i,j) / sum_{t<T} gamma_t(i)."),
    "means": (
        "mu_k <- (means_weight * means_prior + sum_t gamma_t(k) x_t) / (means_weight + sum_t "
        "gamma_t(k)). With means_weight = 0: the gamma-weighted mean."),
    "covarianceFull": (
        "Sigma_k <- (covars_prior + C_k) / (max(covars_weight - D, 0) + sum_t gamma_t(k)), with "
        "C_k = means_weight (mu_k - means_prior)(mu_k - means_prior)^T + sum_t gamma_t(k) x_t x_t^T "
        "- s_k mu_k^T - mu_k s_k^T + N_k mu_k mu_k^T, s_k = sum_t gamma_t(k) x_t, N_k = sum_t "
        "gamma_t(k), mu_k the NEW mean. covars_prior is added to every entry (a scalar broadcast, "
        "not a multiple of I). With covars_prior = 0, covars_weight <= D, means_weight = 0: "
        "sum_t gamma_t(k) (x_t - mu_k)(x_t - mu_k)^T / N_k, computed in the expanded form above."),
    "covarianceTied": (
        "Sigma <- (covars_prior + sum_k C_k) / (max(covars_weight - D, 0) + sum_k N_k). With the ML "
        "settings: sum_k sum_t gamma_t(k) (x_t - mu_k)(x_t - mu_k)^T / (total number of "
        "observations)."),
    "covarianceDiagonal": (
        "sigma2_kd <- (covars_prior + c_kd) / max(max(covars_weight - 1, 0) + N_k, 1e-5), with "
        "c_kd = means_weight (mu_kd - means_prior)^2 + sum_t gamma_t(k) x_td^2 - 2 mu_kd s_kd + "
        "mu_kd^2 N_k. With covars_prior = 0, covars_weight <= 1, means_weight = 0: "
        "sum_t gamma_t(k) (x_td - mu_kd)^2 / N_k (the 1e-5 floor on the denominator only matters "
        "for a state with N_k < 1e-5)."),
    "covarianceSpherical": (
        "The diagonal update above, then averaged over the D features: sigma2_k <- (1/D) sum_d "
        "sigma2_kd = trace(S_k) / D with S_k the full weighted scatter / N_k."),
    "minCovar": (
        "GaussianHMM.min_covar is not used by the M-step at all in 0.3.3: only when init_params "
        "contains 'c' (np.cov(X) + min_covar I). Separately, the full/tied log-density retries a "
        "failed Cholesky with a fixed 1e-7 I added (not min_covar), and the diagonal/spherical "
        "log-density clamps variances below at the smallest positive double."),
    "categorical": (
        "b_im <- max(emissionprob_prior - 1 + sum_{t: x_t = m} gamma_t(i), 0), rows normalised. "
        "With emissionprob_prior = 1: the gamma-weighted symbol frequencies."),
    "poisson": (
        "lambda_kd <- (lambdas_prior + n * ybar_kd) / (lambdas_weight + n) with ybar_kd = sum_t "
        "gamma_t(k) x_td / N_k and n = sum_k N_k (the TOTAL posterior mass, i.e. the number of "
        "observations, not N_k). With lambdas_prior = lambdas_weight = 0: ybar_kd, the "
        "gamma-weighted mean count."),
    "logLikelihood": (
        "model.score(X, lengths) = sum over sequences of log P(sequence | parameters), at the "
        "parameters after the recorded number of iterations (one more E-step than the fit "
        "itself ran). monitor_.history[k] is the E-step log-likelihood of iteration k+1, i.e. of "
        "the parameters after k iterations: logLikelihoodTrace[k] for k < n."),
    "stopping": (
        "hmmlearn stops when history[-1] - history[-2] < tol. With tol = 0 it therefore stops at "
        "the first rounding-size DECREASE of the log-likelihood once EM has converged (the "
        "gaussian-full case here would stop after about a dozen iterations), so the fixtures use "
        "tol = -inf; every recorded fit was checked to run exactly the requested number of "
        "iterations (monitor_.iter)."),
    "viterbi": (
        "decode(X, lengths, algorithm='viterbi') returns the JOINT log P(path, X) of the most "
        "probable path, summed over sequences, and the paths concatenated in sequence order."),
    "posteriorPath": "argmax_i gamma_t(i) from predict_proba(X, lengths), concatenated.",
    "sphericalCovarsBug": (
        "In hmmlearn 0.3.3 the spherical M-step stores _covars_ with shape (S, D) (the per-state "
        "variance repeated D times), so the public covars_ property returns S*D matrices after a "
        "fit; the fixtures read _covars_[:, 0] instead. Likelihoods are unaffected."),
}


def main():
    import json
    import platform
    from importlib import metadata

    import numpy as np
    import scipy
    import sklearn
    from hmmlearn import hmm as hl
    from scipy.special import gammaln

    rng = np.random.default_rng(SEED)
    discrepancy = {}

    def note_gap(kind, a, b):
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        assert a.shape == b.shape, (kind, a.shape, b.shape)
        gap = float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0
        discrepancy[kind] = max(discrepancy.get(kind, 0.0), gap)
        if not gap <= TOLERANCE:
            raise SystemExit(f"numpy and hmmlearn disagree on {kind}: relative gap {gap:.3e}\n"
                             f"numpy:    {a}\nhmmlearn: {b}")

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------

    def sample_states(length, start, trans):
        states = np.empty(length, dtype=int)
        states[0] = rng.choice(len(start), p=start)
        for t in range(1, length):
            states[t] = rng.choice(len(start), p=trans[states[t - 1]])
        return states

    def fmt(v):
        return format(float(v), ".10g")

    # (1) Gaussian: 3 states, 2-D, distinct means, correlated covariances, sticky transitions
    g_start = np.array([0.5, 0.3, 0.2])
    g_trans = np.array([[0.92, 0.05, 0.03],
                        [0.04, 0.90, 0.06],
                        [0.05, 0.05, 0.90]])
    g_means = np.array([[0.0, 0.0], [2.5, 1.0], [0.5, 2.5]])
    g_covs = np.array([[[1.0, 0.5], [0.5, 0.8]],
                       [[0.7, -0.3], [-0.3, 1.2]],
                       [[1.5, 0.6], [0.6, 0.6]]])
    g_lengths = [120, 80, 100]
    lines = ["x1,x2,sequence"]
    for s, length in enumerate(g_lengths):
        states = sample_states(length, g_start, g_trans)
        for k in states:
            x = rng.multivariate_normal(g_means[k], g_covs[k], method="cholesky")
            lines.append(f"{fmt(x[0])},{fmt(x[1])},{s}")
    (HERE / "hmm_gaussian.csv").write_text("\n".join(lines) + "\n")
    (HERE / "hmm_gaussian_lengths.txt").write_text("".join(f"{n}\n" for n in g_lengths))

    # (2) the occasionally dishonest casino
    c_start = np.array([0.5, 0.5])
    c_trans = np.array([[0.95, 0.05], [0.10, 0.90]])
    c_emis = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])
    c_states = sample_states(600, c_start, c_trans)
    rolls = [int(rng.choice(6, p=c_emis[k])) for k in c_states]
    (HERE / "hmm_casino.csv").write_text("roll\n" + "".join(f"{r}\n" for r in rolls))

    # (3) Poisson: 2 states, rates 2 and 9
    p_start = np.array([0.5, 0.5])
    p_trans = np.array([[0.95, 0.05], [0.08, 0.92]])
    p_rates = np.array([2.0, 9.0])
    p_lengths = [150, 150]
    lines = ["count,sequence"]
    for s, length in enumerate(p_lengths):
        for k in sample_states(length, p_start, p_trans):
            lines.append(f"{int(rng.poisson(p_rates[k]))},{s}")
    (HERE / "hmm_poisson.csv").write_text("\n".join(lines) + "\n")

    def read_csv(name):
        with open(HERE / name) as fh:
            header = fh.readline().strip().split(",")
            rows = [line.strip().split(",") for line in fh if line.strip()]
        return header, rows

    _, rows = read_csv("hmm_gaussian.csv")
    X_gauss = np.array([[float(r[0]), float(r[1])] for r in rows])
    seq = [int(r[2]) for r in rows]
    assert [seq.count(s) for s in range(3)] == g_lengths and seq == sorted(seq)
    _, rows = read_csv("hmm_casino.csv")
    X_casino = np.array([[int(r[0])] for r in rows], dtype=np.int64)
    _, rows = read_csv("hmm_poisson.csv")
    X_pois = np.array([[int(r[0])] for r in rows], dtype=np.int64)
    assert [int(r[1]) for r in rows] == [0] * 150 + [1] * 150

    # ------------------------------------------------------------------
    # Independent numpy Baum-Welch
    # ------------------------------------------------------------------

    def split(X, lengths):
        out, start = [], 0
        for n in lengths:
            out.append(X[start:start + n])
            start += n
        return out

    def log_emission(model, X):
        """T x S matrix of log p(x_t | state)."""
        kind = model["kind"]
        if kind == "gaussian":
            D = X.shape[1]
            cols = []
            for mu, cov in zip(model["means"], model["covariances"]):
                diff = X - mu
                sign, logdet = np.linalg.slogdet(cov)
                assert sign > 0
                maha = np.einsum("ti,ti->t", diff, np.linalg.solve(cov, diff.T).T)
                cols.append(-0.5 * (D * np.log(2 * np.pi) + logdet + maha))
            return np.column_stack(cols)
        if kind == "categorical":
            with np.errstate(divide="ignore"):
                return np.log(model["emission"][:, X[:, 0]].T)
        if kind == "poisson":
            lam = model["rates"]
            x = X.astype(float)
            return x @ np.log(lam).T - lam.sum(axis=1)[None, :] - gammaln(x + 1).sum(axis=1)[:, None]
        raise ValueError(kind)

    def forward_backward(model, X):
        """Scaled forward-backward. Returns (log-likelihood, gamma T x S, sum_t xi_t S x S)."""
        logB = log_emission(model, X)
        shift = logB.max(axis=1)
        B = np.exp(logB - shift[:, None])          # each row's largest entry is 1
        A, pi = model["trans"], model["start"]
        T, S = B.shape
        alpha = np.empty((T, S))
        c = np.empty(T)
        a = pi * B[0]
        c[0] = a.sum()
        alpha[0] = a / c[0]
        for t in range(1, T):
            a = (alpha[t - 1] @ A) * B[t]
            c[t] = a.sum()
            alpha[t] = a / c[t]
        beta = np.empty((T, S))
        beta[T - 1] = 1.0
        for t in range(T - 2, -1, -1):
            beta[t] = (A @ (B[t + 1] * beta[t + 1])) / c[t + 1]
        gamma = alpha * beta
        gamma /= gamma.sum(axis=1, keepdims=True)
        xi = np.zeros((S, S))
        for t in range(T - 1):
            xi += alpha[t][:, None] * A * (B[t + 1] * beta[t + 1])[None, :] / c[t + 1]
        return float(np.sum(np.log(c)) + np.sum(shift)), gamma, xi

    def e_step(model, X, lengths):
        ll, gammas, xis, firsts = 0.0, [], [], []
        for part in split(X, lengths):
            l, g, x = forward_backward(model, part)
            ll += l
            gammas.append(g)
            xis.append(x)
            firsts.append(g[0])
        return ll, np.vstack(gammas), sum(xis), np.array(firsts)

    def m_step(model, X, gamma, xi, firsts):
        new = dict(model)
        new["start"] = firsts.sum(axis=0) / firsts.shape[0]
        new["trans"] = xi / xi.sum(axis=1, keepdims=True)
        Nk = gamma.sum(axis=0)
        kind = model["kind"]
        if kind == "gaussian":
            Xf = X.astype(float)
            means = (gamma.T @ Xf) / Nk[:, None]
            scatter = np.array([((gamma[:, k:k + 1] * (Xf - means[k])).T @ (Xf - means[k])) / Nk[k]
                                for k in range(len(Nk))])
            ctype = model["covarianceType"]
            D = Xf.shape[1]
            if ctype == "full":
                covs = scatter
            elif ctype == "diag":
                covs = np.array([np.diag(np.diag(s)) for s in scatter])
            elif ctype == "spherical":
                covs = np.array([np.eye(D) * np.trace(s) / D for s in scatter])
            elif ctype == "tied":
                pooled = sum(s * n for s, n in zip(scatter, Nk)) / Nk.sum()
                covs = np.array([pooled] * len(Nk))
            new["means"], new["covariances"] = means, covs
        elif kind == "categorical":
            counts = np.zeros_like(model["emission"])
            for m in range(counts.shape[1]):
                counts[:, m] = gamma[X[:, 0] == m].sum(axis=0)
            new["emission"] = counts / counts.sum(axis=1, keepdims=True)
        elif kind == "poisson":
            new["rates"] = (gamma.T @ X.astype(float)) / Nk[:, None]
        return new

    def numpy_fit(model, X, lengths, n):
        """Parameters after 0..n iterations and log-likelihood of each."""
        snapshots, trace = [model], []
        for _ in range(n):
            ll, gamma, xi, firsts = e_step(model, X, lengths)
            trace.append(ll)
            model = m_step(model, X, gamma, xi, firsts)
            snapshots.append(model)
        trace.append(e_step(model, X, lengths)[0])
        return snapshots, trace

    def numpy_viterbi(model, X, lengths):
        with np.errstate(divide="ignore"):
            logA, logpi = np.log(model["trans"]), np.log(model["start"])
        total, paths = 0.0, []
        for part in split(X, lengths):
            logB = log_emission(model, part)
            T, S = logB.shape
            delta = logpi + logB[0]
            back = np.zeros((T, S), dtype=int)
            for t in range(1, T):
                scores = delta[:, None] + logA
                back[t] = np.argmax(scores, axis=0)
                delta = scores[back[t], np.arange(S)] + logB[t]
            path = np.empty(T, dtype=int)
            path[-1] = int(np.argmax(delta))
            total += float(delta[path[-1]])
            for t in range(T - 1, 0, -1):
                path[t - 1] = back[t, path[t]]
            paths.append(path)
        return total, np.concatenate(paths)

    # ------------------------------------------------------------------
    # hmmlearn side
    # ------------------------------------------------------------------

    def hmmlearn_model(model, n_iter, implementation="log"):
        common = dict(n_components=len(model["start"]), n_iter=n_iter, tol=-np.inf, init_params="",
                      startprob_prior=1.0, transmat_prior=1.0, implementation=implementation)
        kind = model["kind"]
        if kind == "gaussian":
            ctype = model["covarianceType"]
            m = hl.GaussianHMM(covariance_type=ctype, params="stmc", min_covar=0.0,
                               means_prior=0.0, means_weight=0.0,
                               covars_prior=0.0, covars_weight=0.0, **common)
            m.means_ = model["means"].copy()
            full = model["covariances"]
            if ctype == "full":
                m.covars_ = full.copy()
            elif ctype == "diag":
                m.covars_ = np.array([np.diag(c) for c in full])
            elif ctype == "spherical":
                m.covars_ = full[:, 0, 0].copy()
            else:
                m.covars_ = full[0].copy()
        elif kind == "categorical":
            m = hl.CategoricalHMM(params="ste", emissionprob_prior=1.0,
                                  n_features=model["emission"].shape[1], **common)
            m.emissionprob_ = model["emission"].copy()
        else:
            m = hl.PoissonHMM(params="stl", lambdas_prior=0.0, lambdas_weight=0.0, **common)
            m.lambdas_ = model["rates"].copy()
        m.startprob_ = model["start"].copy()
        m.transmat_ = model["trans"].copy()
        return m

    def from_hmmlearn(m, template):
        out = dict(template)
        out["start"] = np.array(m.startprob_, dtype=float)
        out["trans"] = np.array(m.transmat_, dtype=float)
        kind = template["kind"]
        if kind == "gaussian":
            S, D = m.means_.shape
            out["means"] = np.array(m.means_, dtype=float)
            ctype = template["covarianceType"]
            raw = np.asarray(m._covars_, dtype=float)
            if ctype == "full":
                covs = raw
            elif ctype == "diag":
                covs = np.array([np.diag(v) for v in raw])
            elif ctype == "spherical":
                # see MSTEP_NOTES["sphericalCovarsBug"]: raw is (S,) before a fit, (S, D) after
                covs = np.array([np.eye(D) * v for v in raw.reshape(S, -1)[:, 0]])
            else:
                covs = np.array([raw] * S)
            out["covariances"] = covs
        elif kind == "categorical":
            out["emission"] = np.array(m.emissionprob_, dtype=float)
        else:
            out["rates"] = np.array(m.lambdas_, dtype=float)
        return out

    def compare_models(tag, ours, theirs):
        note_gap(f"{tag}.startProbabilities", ours["start"], theirs["start"])
        note_gap(f"{tag}.transitionMatrix", ours["trans"], theirs["trans"])
        for key in ("means", "covariances", "emission", "rates"):
            if key in ours:
                note_gap(f"{tag}.{key}", ours[key], theirs[key])

    def to_json_params(model):
        out = {"startProbabilities": model["start"].tolist(),
               "transitionMatrix": model["trans"].tolist()}
        if model["kind"] == "gaussian":
            out["means"] = model["means"].tolist()
            out["covariances"] = model["covariances"].tolist()
        elif model["kind"] == "categorical":
            out["emissionProbabilities"] = model["emission"].tolist()
        else:
            out["rates"] = model["rates"].tolist()
        return out

    def run_case(name, model, X, lengths, data_file, true_model=None):
        kind = model["kind"]
        total = int(sum(lengths))
        n_max = max(RECORDED_ITERATIONS)
        snapshots, trace = numpy_fit(model, X, lengths, n_max)
        zero_mask = model["trans"] == 0
        tag = kind + (f"-{model['covarianceType']}" if kind == "gaussian" else "")

        # hmmlearn, both implementations: one fit of n_max iterations for the history, and one
        # fit per recorded n for the parameters
        for implementation in ("log", "scaling"):
            m = hmmlearn_model(model, n_max, implementation)
            m.fit(X, lengths)
            assert m.monitor_.iter == n_max, (name, m.monitor_.iter, np.diff(list(m.monitor_.history)))
            note_gap(f"{tag}.logLikelihoodTrace.{implementation}",
                     np.array(trace[:n_max]), np.array(list(m.monitor_.history)))
            note_gap(f"{tag}.logLikelihoodTrace.{implementation}", trace[n_max], m.score(X, lengths))
        records, fitted = [], None
        for n in RECORDED_ITERATIONS:
            per_impl = {}
            for implementation in ("log", "scaling"):
                m = hmmlearn_model(model, n, implementation)
                m.fit(X, lengths)
                assert m.monitor_.iter == n
                theirs = from_hmmlearn(m, model)
                compare_models(f"{tag}.parameters.{implementation}", snapshots[n], theirs)
                assert np.all(theirs["trans"][zero_mask] == 0) and np.all(snapshots[n]["trans"][zero_mask] == 0)
                per_impl[implementation] = (m, theirs, float(m.score(X, lengths)))
            m, theirs, ll = per_impl["log"]
            note_gap(f"{tag}.logLikelihood", trace[n], ll)
            record = {"iterations": n}
            record.update(to_json_params(theirs))
            record["logLikelihood"] = ll
            record["meanLogLikelihood"] = ll / total
            records.append(record)
            fitted = m

        # decoding at the final parameters
        v_logprob, v_path = fitted.decode(X, lengths, algorithm="viterbi")
        o_logprob, o_path = numpy_viterbi(snapshots[n_max], X, lengths)
        assert np.array_equal(v_path, o_path), f"{name}: Viterbi paths differ"
        note_gap(f"{tag}.viterbiLogProbability", o_logprob, v_logprob)
        post = fitted.predict_proba(X, lengths)
        ours_post = e_step(snapshots[n_max], X, lengths)[1]
        note_gap(f"{tag}.posteriors", ours_post, post)
        ranked = np.sort(post, axis=1)
        margin = float(np.min(ranked[:, -1] - ranked[:, -2]))
        assert margin > POSTERIOR_MARGIN, f"{name}: near-tie in the posterior argmax ({margin})"
        assert np.array_equal(np.argmax(post, axis=1), np.argmax(ours_post, axis=1))

        case = {"name": name, "emission": kind}
        if kind == "gaussian":
            case["covarianceType"] = {"diag": "diagonal"}.get(model["covarianceType"],
                                                              model["covarianceType"])
        case.update({
            "data": data_file, "lengths": [int(n) for n in lengths], "states": len(model["start"]),
            "initial": to_json_params(model),
            "iterations": records,
            "logLikelihoodTrace": [float(v) for v in trace],
            "viterbi": {"path": [int(s) for s in v_path], "logProbability": float(v_logprob)},
            "posteriorPath": [int(s) for s in np.argmax(post, axis=1)],
            "posteriorMinimumMargin": margin,
        })
        if true_model is not None:
            t_model = hmmlearn_model(true_model, 1)
            t_logprob, t_path = t_model.decode(X, lengths, algorithm="viterbi")
            o_logprob, o_path = numpy_viterbi(true_model, X, lengths)
            assert np.array_equal(t_path, o_path)
            note_gap(f"{tag}.trueViterbiLogProbability", o_logprob, t_logprob)
            case["trueParameters"] = to_json_params(true_model)
            case["trueViterbi"] = {"path": [int(s) for s in t_path], "logProbability": float(t_logprob)}
        return case

    # ------------------------------------------------------------------
    # Cases
    # ------------------------------------------------------------------

    cases = []
    g_init_start = np.array([0.4, 0.35, 0.25])
    g_init_trans = np.array([[0.80, 0.10, 0.10],
                             [0.10, 0.80, 0.10],
                             [0.15, 0.15, 0.70]])
    g_init_trans_full = np.array([[0.85, 0.15, 0.00],   # state 0 -> 2 forbidden
                                  [0.10, 0.80, 0.10],
                                  [0.15, 0.15, 0.70]])
    g_init_means = np.array([[0.5, -0.5], [2.0, 1.5], [1.0, 1.5]])
    g_init_covs = {
        "full": np.array([[[1.0, 0.2], [0.2, 1.0]],
                          [[1.0, -0.1], [-0.1, 1.0]],
                          [[1.2, 0.3], [0.3, 0.8]]]),
        "diag": np.array([np.diag([1.0, 0.8]), np.diag([0.9, 1.1]), np.diag([1.3, 0.7])]),
        "spherical": np.array([np.eye(2) * v for v in (1.0, 0.9, 1.2)]),
        "tied": np.array([[[1.0, 0.25], [0.25, 1.0]]] * 3),
    }
    for ctype in ("full", "diag", "spherical", "tied"):
        model = {"kind": "gaussian", "covarianceType": ctype, "start": g_init_start.copy(),
                 "trans": (g_init_trans_full if ctype == "full" else g_init_trans).copy(),
                 "means": g_init_means.copy(), "covariances": g_init_covs[ctype].copy()}
        label = {"diag": "diagonal"}.get(ctype, ctype)
        cases.append(run_case(f"gaussian-{label}", model, X_gauss, g_lengths, "hmm_gaussian.csv"))

    c_init = {"kind": "categorical", "start": np.array([0.5, 0.5]),
              "trans": np.array([[0.9, 0.1], [0.2, 0.8]]),
              "emission": np.array([[0.17, 0.16, 0.17, 0.16, 0.17, 0.17],
                                    [0.12, 0.10, 0.08, 0.10, 0.10, 0.50]])}
    c_true = {"kind": "categorical", "start": c_start, "trans": c_trans, "emission": c_emis}
    cases.append(run_case("casino", c_init, X_casino, [600], "hmm_casino.csv", true_model=c_true))

    p_init = {"kind": "poisson", "start": np.array([0.6, 0.4]),
              "trans": np.array([[0.8, 0.2], [0.3, 0.7]]),
              "rates": np.array([[3.0], [7.0]])}
    cases.append(run_case("poisson", p_init, X_pois, p_lengths, "hmm_poisson.csv"))

    # ------------------------------------------------------------------
    # Textbook forward check (2 states H, C; 3 symbols 0, 1, 2; O = 0, 1, 0, 2)
    # ------------------------------------------------------------------
    # pi = (0.6, 0.4), A = [[0.7, 0.3], [0.4, 0.6]], B = [[0.1, 0.4, 0.5], [0.7, 0.2, 0.1]]
    # Forward, alpha_t(i) = (sum_j alpha_{t-1}(j) a_ji) b_i(o_t):
    #   t=1: H 0.6*0.1 = 0.06                       C 0.4*0.7 = 0.28
    #   t=2: H (0.06*0.7+0.28*0.4)*0.4 = 0.0616     C (0.06*0.3+0.28*0.6)*0.2 = 0.0372
    #   t=3: H (0.0616*0.7+0.0372*0.4)*0.1 = 0.0058 C (0.0616*0.3+0.0372*0.6)*0.7 = 0.02856
    #   t=4: H (0.0058*0.7+0.02856*0.4)*0.5 = 0.007742
    #        C (0.0058*0.3+0.02856*0.6)*0.1 = 0.0018876
    #   P(O) = 0.007742 + 0.0018876 = 0.0096296, log P(O) = -4.6429136...
    # Viterbi, delta_t(i) = max_j delta_{t-1}(j) a_ji b_i(o_t):
    #   t=1: H 0.06, C 0.28
    #   t=2: H max(0.042, 0.112)*0.4 = 0.0448 (from C)   C max(0.018, 0.168)*0.2 = 0.0336 (from C)
    #   t=3: H max(0.03136, 0.01344)*0.1 = 0.003136 (H)  C max(0.01344, 0.02016)*0.7 = 0.014112 (C)
    #   t=4: H max(0.0021952, 0.0056448)*0.5 = 0.0028224 (C)
    #        C max(0.0009408, 0.0084672)*0.1 = 0.00084672 (C)
    #   best path C, C, C, H = states 1, 1, 1, 0 with joint probability 0.0028224
    tb = {"kind": "categorical", "start": np.array([0.6, 0.4]),
          "trans": np.array([[0.7, 0.3], [0.4, 0.6]]),
          "emission": np.array([[0.1, 0.4, 0.5], [0.7, 0.2, 0.1]])}
    tb_obs = np.array([[0], [1], [0], [2]], dtype=np.int64)
    tb_ll, tb_gamma, _, _ = e_step(tb, tb_obs, [4])
    hand_probability = 0.0096296
    assert abs(np.exp(tb_ll) - hand_probability) < 1e-15, np.exp(tb_ll)
    tb_model = hmmlearn_model(tb, 1)
    tb_hl = float(tb_model.score(tb_obs))
    note_gap("textbook.logLikelihood", tb_ll, tb_hl)
    tb_v_logprob, tb_v_path = tb_model.decode(tb_obs, algorithm="viterbi")
    assert [int(s) for s in tb_v_path] == [1, 1, 1, 0]
    assert abs(np.exp(tb_v_logprob) - 0.0028224) < 1e-15
    alpha_hand = [[0.06, 0.28], [0.0616, 0.0372], [0.0058, 0.02856], [0.007742, 0.0018876]]
    textbook = {
        "description": ("2 states (0 = hot, 1 = cold), 3 symbols; forward algorithm worked by "
                        "hand (unscaled alphas) in make_hmm_fixtures.py"),
        "startProbabilities": tb["start"].tolist(),
        "transitionMatrix": tb["trans"].tolist(),
        "emissionProbabilities": tb["emission"].tolist(),
        "observations": [0, 1, 0, 2],
        "forwardByHand": alpha_hand,
        "probabilityByHand": hand_probability,
        "logLikelihoodNumpy": tb_ll,
        "logLikelihoodHmmlearn": tb_hl,
        "posteriors": tb_gamma.tolist(),
        "viterbi": {"path": [int(s) for s in tb_v_path], "probabilityByHand": 0.0028224,
                    "logProbability": float(tb_v_logprob)},
    }

    out = {
        "generator": {
            "script": "Tests/EMKitTests/Fixtures/make_hmm_fixtures.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "hmmlearn": metadata.version("hmmlearn"),
            "seed": SEED,
            "recordedIterations": RECORDED_ITERATIONS,
            "hmmlearnSettings": HMMLEARN_SETTINGS,
            "mstepNotes": MSTEP_NOTES,
            "conventions": (
                "Parameters are hmmlearn's (implementation 'log') after n Baum-Welch iterations "
                "from 'initial'. covariances are always full D x D per state (diagonal: zeros off "
                "the diagonal; spherical: v*I; tied: the same matrix for every state). "
                "logLikelihood is the total log P(all sequences) at the recorded parameters, "
                "meanLogLikelihood = logLikelihood / total number of observations. "
                "logLikelihoodTrace[k] is the total log-likelihood after k iterations, k = 0..20. "
                "viterbi and posteriorPath use the 20-iteration parameters; viterbi.logProbability "
                "is the joint log P(path, X) summed over sequences. trueViterbi (casino) uses "
                "trueParameters. posteriorMinimumMargin is the smallest gap between the largest "
                "and second-largest state posterior (ties would make the argmax fragile). "
                "Categorical observations are symbol indices 0..M-1; Poisson log-pmfs include "
                "-log(x!)."),
            "verification": {
                "tolerance": TOLERANCE,
                "maxRelativeDiscrepancy": {k: discrepancy[k] for k in sorted(discrepancy)},
            },
        },
        "cases": cases,
        "textbook": textbook,
    }
    text = json.dumps(out, indent=1) + "\n"
    path = HERE / "hmm_fixtures.json"
    path.write_text(text)
    size = len(text.encode())
    assert size < 400_000, size
    worst = max(discrepancy.values())
    print(f"wrote {path.relative_to(REPO)} ({size / 1024:.1f} KiB), {len(cases)} cases; "
          f"largest numpy/hmmlearn discrepancy {worst:.2e}")
    for case in cases:
        lls = [r["meanLogLikelihood"] for r in case["iterations"]]
        print(f"  {case['name']:<20} mean log-likelihood after {RECORDED_ITERATIONS}: "
              + ", ".join(f"{v:.6f}" for v in lls))


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

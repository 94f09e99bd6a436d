#!/usr/bin/env python3
"""Reference fixtures for EMKit's Gaussian-mixture hidden Markov model (Baum-Welch, Viterbi).

Writes, next to this file:
  gmmhmm.csv             2 sequences (lengths 150, 100) of 2-D observations from a 2-state
                         HMM whose emissions are 2-component Gaussian mixtures; header
                         x1,x2,sequence (sequence = 0, 1)
  gmmhmm_fixtures.json   pure maximum-likelihood Baum-Welch results from fixed initial
                         parameters after 1, 2, 5 and 15 iterations, for full and diagonal
                         component covariances, the log-likelihood after every iteration
                         0..15, and the Viterbi path at the 15-iteration parameters

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_gmmhmm_fixtures.py

The script runs inside <repo>/.venv-fixtures (the environment make_gmm_fixtures.py creates).
If that environment is missing, or lacks the pinned packages below, it is created / completed
with pip (needs PyPI) and the script re-executes itself inside it.

How the numbers are made. The data are drawn with numpy's default_rng(20261125); every
observation is written with 10 significant digits and the values are read back from the CSV
before fitting, so the Swift tests see exactly the numbers that were fitted.

The reference is the numpy Baum-Welch written below (scaled forward-backward, mixture
responsibilities, the textbook maximum-likelihood M-step with the covariance taken about the
NEW component mean). hmmlearn 0.3.3's GMMHMM cannot reproduce that M-step: it accumulates
the covariance statistic sum_t gamma r (x_t - mu)(x_t - mu)^T about the OLD means (the means
before the M-step), so its covariance exceeds the ML one by (mu_new - mu_old)(mu_new -
mu_old)^T (diagonal: the squared differences) and its log-likelihood is not guaranteed to
increase. The script therefore checks the numpy code against hmmlearn in three ways and stops
if any check misses by more than 1e-10 (relative to max(1, |value|)):
  1. a second numpy M-step that centres the covariance about the old means ("hmmlearn
     variant") must reproduce hmmlearn's fitted parameters and per-iteration log-likelihoods
     after 1, 2, 5 and 15 iterations (implementations "log" and "scaling") -- this exercises
     the E-step, the responsibilities and the start / transition / weight / mean updates;
  2. after ONE iteration the start, transition, weight and mean updates of the ML reference
     must equal hmmlearn's (they share the E-step at the initial parameters);
  3. hmmlearn's score() and decode() evaluated AT the numpy ML parameters must give the same
     log-likelihoods, the same Viterbi log-probability and exactly the same Viterbi path.
The largest discrepancies are written to generator.verification, and the gap between the
ML reference and hmmlearn's own fit to generator.hmmlearnCovarianceGap.
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

SEED = 20261125
LENGTHS = [150, 100]
RECORDED_ITERATIONS = [1, 2, 5, 15]
TOLERANCE = 1e-10          # numpy vs hmmlearn, relative to max(1, |value|)
MONOTONE_SLACK = 1e-9      # allowed rounding-size decrease of the ML log-likelihood

# hmmlearn 0.3.3 GMMHMM settings that switch every prior off (see MSTEP_NOTES).
HMMLEARN_SETTINGS = {
    "common": {"n_components": 2, "n_mix": 2, "tol": "-inf", "init_params": "",
               "params": "stmcw", "implementation": "log (also checked: scaling)",
               "min_covar": 0.0, "startprob_prior": 1.0, "transmat_prior": 1.0,
               "weights_prior": 1.0, "means_prior": 0.0, "means_weight": 0.0},
    "full": {"covars_prior": 0.0, "covars_weight": -4.0},
    "diag": {"covars_prior": -1.5, "covars_weight": 0.0},
}

MSTEP_NOTES = {
    "estep": (
        "b_s(x) = sum_m w_sm N(x | mu_sm, Sigma_sm); gamma_t(s) from scaled forward-backward; "
        "r_t(s,m) = w_sm N(x_t | mu_sm, Sigma_sm) / b_s(x_t); component weight "
        "g_t(s,m) = gamma_t(s) r_t(s,m); xi_t(i,j) within each sequence. Sums over t run over "
        "both sequences."),
    "reference": (
        "N_sm = sum_t g_t(s,m); w_sm = N_sm / sum_m N_sm; mu_sm = sum_t g x_t / N_sm; "
        "Sigma_sm = sum_t g (x_t - mu_sm)(x_t - mu_sm)^T / N_sm with the NEW mu_sm (diagonal: "
        "only the diagonal of that matrix); pi_s = sum_seq gamma_1(s) / number of sequences; "
        "a_ij = sum xi(i,j) / sum_{t<T} gamma_t(i). No pseudo-counts, priors or floors."),
    "hmmlearnWeights": (
        "w_sm <- (N_sm + weights_prior - 1) / (sum_m N_sm + sum_m (weights_prior - 1)); "
        "weights_prior = 1 gives the ML update."),
    "hmmlearnMeans": (
        "mu_sm <- (means_weight * means_prior + sum_t g x_t) / (N_sm + means_weight); "
        "means_weight = 0 gives the ML update."),
    "hmmlearnCovarianceFull": (
        "Sigma_sm <- (covars_prior^T + means_weight (mu_sm - means_prior)(...)^T + C_sm) / "
        "(N_sm + 1 + covars_weight + D + 1) with C_sm = sum_t g (x_t - mu_OLD)(x_t - mu_OLD)^T. "
        "covars_prior = 0 and covars_weight = -(D + 2) = -4 (also hmmlearn's default) make "
        "the denominator N_sm, but the scatter is about the OLD means, so this is NOT the ML "
        "update (hmmlearn issue #78 / PR #516 discuss this code)."),
    "hmmlearnCovarianceDiag": (
        "sigma2_smd <- (means_weight (mu - means_prior)^2 + 2 covars_weight + c_smd) / "
        "(N_sm + 1 + 2 (covars_prior + 1)) with c_smd = sum_t g (x_td - mu_OLD,d)^2. "
        "covars_prior = -1.5 (the 'alpha', hmmlearn's default) and covars_weight = 0 (the "
        "'beta') make the denominator N_sm; the scatter is again about the OLD means."),
    "minCovar": "GMMHMM.min_covar is only used by _init (init_params contains 'c'); set to 0.",
    "logLikelihood": (
        "Total log P(both sequences) at the recorded parameters; logLikelihoodTrace[k] is "
        "that value after k iterations, k = 0..15 (entry 0 = the initial parameters)."),
    "viterbi": (
        "Most probable state path at the 15-iteration parameters, sequences concatenated; "
        "logProbability is the JOINT log P(path, X) summed over the two sequences."),
}


def main():
    import json
    import platform
    from importlib import metadata

    import numpy as np
    import scipy
    import sklearn
    from hmmlearn import hmm as hl

    rng = np.random.default_rng(SEED)
    discrepancy = {}

    def gap(a, b):
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        assert a.shape == b.shape, (a.shape, b.shape)
        return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0

    def note_gap(kind, a, b):
        g = gap(a, b)
        discrepancy[kind] = max(discrepancy.get(kind, 0.0), g)
        if not g <= TOLERANCE:
            raise SystemExit(f"numpy and hmmlearn disagree on {kind}: relative gap {g:.3e}\n"
                             f"numpy:    {np.asarray(a)}\nhmmlearn: {np.asarray(b)}")

    def fmt(v):
        return format(float(v), ".10g")

    # ------------------------------------------------------------------
    # Data: 2 states, 2 components each, 2-D, sticky transitions
    # ------------------------------------------------------------------

    t_start = np.array([0.6, 0.4])
    t_trans = np.array([[0.93, 0.07],
                        [0.10, 0.90]])
    t_weights = np.array([[0.6, 0.4],
                          [0.45, 0.55]])
    t_means = np.array([[[0.0, 0.0], [2.0, -1.0]],
                        [[3.0, 2.5], [0.5, 3.0]]])
    t_covs = np.array([[[[0.8, 0.3], [0.3, 0.6]], [[0.5, -0.2], [-0.2, 0.7]]],
                       [[[0.7, 0.25], [0.25, 0.9]], [[0.6, 0.0], [0.0, 0.5]]]])

    lines = ["x1,x2,sequence"]
    for s, length in enumerate(LENGTHS):
        k = rng.choice(2, p=t_start)
        for t in range(length):
            if t > 0:
                k = rng.choice(2, p=t_trans[k])
            m = rng.choice(2, p=t_weights[k])
            x = rng.multivariate_normal(t_means[k, m], t_covs[k, m], method="cholesky")
            lines.append(f"{fmt(x[0])},{fmt(x[1])},{s}")
    (HERE / "gmmhmm.csv").write_text("\n".join(lines) + "\n")

    with open(HERE / "gmmhmm.csv") as fh:
        assert fh.readline().strip() == "x1,x2,sequence"
        rows = [line.strip().split(",") for line in fh if line.strip()]
    X = np.array([[float(r[0]), float(r[1])] for r in rows])
    seq = [int(r[2]) for r in rows]
    assert [seq.count(s) for s in range(len(LENGTHS))] == LENGTHS and seq == sorted(seq)
    total = int(sum(LENGTHS))

    # ------------------------------------------------------------------
    # Independent numpy Baum-Welch for the Gaussian-mixture HMM
    # ------------------------------------------------------------------

    def split(Xall):
        out, start = [], 0
        for n in LENGTHS:
            out.append(Xall[start:start + n])
            start += n
        return out

    def log_normal(Xs, mean, cov):
        # log N(x | mean, cov) through a Cholesky factor
        D = len(mean)
        L = np.linalg.cholesky(cov)
        z = np.linalg.solve(L, (Xs - mean).T)
        return (-0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diag(L)))
                - 0.5 * D * np.log(2.0 * np.pi))

    def emissions(model, Xs):
        """b (T, S) and responsibilities r (T, S, M)."""
        S, M = model["weights"].shape
        logc = np.empty((len(Xs), S, M))
        for s in range(S):
            for m in range(M):
                logc[:, s, m] = np.log(model["weights"][s, m]) + log_normal(
                    Xs, model["means"][s, m], model["covariances"][s, m])
        top = logc.max(axis=2, keepdims=True)
        comp = np.exp(logc - top)
        b_scaled = comp.sum(axis=2)
        r = comp / b_scaled[:, :, None]
        b = b_scaled * np.exp(top[:, :, 0])
        return b, r

    def forward_backward(model, Xs):
        b, r = emissions(model, Xs)
        T, S = b.shape
        A = model["trans"]
        alpha = np.empty((T, S))
        c = np.empty(T)
        a = model["start"] * b[0]
        c[0] = a.sum()
        alpha[0] = a / c[0]
        for t in range(1, T):
            a = (alpha[t - 1] @ A) * b[t]
            c[t] = a.sum()
            alpha[t] = a / c[t]
        beta = np.empty((T, S))
        beta[-1] = 1.0
        for t in range(T - 2, -1, -1):
            beta[t] = (A @ (b[t + 1] * beta[t + 1])) / c[t + 1]
        gamma = alpha * beta
        xi = np.zeros((S, S))
        for t in range(T - 1):
            xi += np.outer(alpha[t], b[t + 1] * beta[t + 1]) * A / c[t + 1]
        return float(np.sum(np.log(c))), gamma, xi, r

    def e_step(model, Xall):
        ll, out = 0.0, []
        for Xs in split(Xall):
            l, gamma, xi, r = forward_backward(model, Xs)
            ll += l
            out.append((Xs, gamma, xi, r))
        return ll, out

    def m_step(model, stats, centre):
        """centre = 'new' (maximum likelihood) or 'old' (what hmmlearn 0.3.3 does)."""
        S, M = model["weights"].shape
        D = model["means"].shape[2]
        start = sum(gamma[0] for _, gamma, _, _ in stats) / len(stats)
        xi = sum(x for _, _, x, _ in stats)
        trans = xi / xi.sum(axis=1, keepdims=True)
        Xc = np.concatenate([Xs for Xs, _, _, _ in stats])
        g = np.concatenate([gamma[:, :, None] * r for _, gamma, _, r in stats])  # (N, S, M)
        Nsm = g.sum(axis=0)
        weights = Nsm / Nsm.sum(axis=1, keepdims=True)
        means = np.einsum("tsm,td->smd", g, Xc) / Nsm[:, :, None]
        covs = np.empty((S, M, D, D))
        for s in range(S):
            for m in range(M):
                mu = means[s, m] if centre == "new" else model["means"][s, m]
                dx = Xc - mu
                cov = (g[:, s, m, None] * dx).T @ dx / Nsm[s, m]
                if model["covarianceType"] == "diag":
                    cov = np.diag(np.diag(cov))
                covs[s, m] = cov
        out = dict(model)
        out.update(start=start, trans=trans, weights=weights, means=means, covariances=covs)
        return out

    def numpy_fit(model, n_iter, centre):
        snapshots, trace = {0: model}, []
        current = model
        for k in range(n_iter):
            ll, stats = e_step(current, X)
            trace.append(ll)
            current = m_step(current, stats, centre)
            snapshots[k + 1] = current
        trace.append(e_step(current, X)[0])
        return snapshots, trace

    def numpy_viterbi(model, Xall):
        total_lp, path = 0.0, []
        logA = np.log(model["trans"])
        for Xs in split(Xall):
            logb = np.log(emissions(model, Xs)[0])
            T, S = logb.shape
            delta = np.log(model["start"]) + logb[0]
            back = np.zeros((T, S), dtype=int)
            for t in range(1, T):
                cand = delta[:, None] + logA
                back[t] = np.argmax(cand, axis=0)
                delta = cand[back[t], np.arange(S)] + logb[t]
            states = [int(np.argmax(delta))]
            total_lp += float(np.max(delta))
            for t in range(T - 1, 0, -1):
                states.append(int(back[t, states[-1]]))
            path.extend(states[::-1])
        return total_lp, np.array(path)

    # ------------------------------------------------------------------
    # hmmlearn
    # ------------------------------------------------------------------

    def hmmlearn_model(model, n_iter, implementation="log"):
        ctype = model["covarianceType"]
        common = {k: v for k, v in HMMLEARN_SETTINGS["common"].items()
                  if k not in ("tol", "implementation")}
        m = hl.GMMHMM(covariance_type=ctype, tol=-np.inf, n_iter=n_iter,
                      implementation=implementation, random_state=0,
                      **common, **HMMLEARN_SETTINGS[ctype])
        m.startprob_ = model["start"].copy()
        m.transmat_ = model["trans"].copy()
        m.weights_ = model["weights"].copy()
        m.means_ = model["means"].copy()
        if ctype == "full":
            m.covars_ = model["covariances"].copy()
        else:
            m.covars_ = np.array([[np.diag(c) for c in row] for row in model["covariances"]])
        return m

    def from_hmmlearn(m, template):
        out = dict(template)
        out["start"] = np.array(m.startprob_, dtype=float)
        out["trans"] = np.array(m.transmat_, dtype=float)
        out["weights"] = np.array(m.weights_, dtype=float)
        out["means"] = np.array(m.means_, dtype=float)
        raw = np.asarray(m.covars_, dtype=float)
        if template["covarianceType"] == "full":
            out["covariances"] = raw
        else:
            out["covariances"] = np.array([[np.diag(v) for v in row] for row in raw])
        return out

    def to_json_params(model):
        return {"startProbabilities": model["start"].tolist(),
                "transitionMatrix": model["trans"].tolist(),
                "weights": model["weights"].tolist(),
                "means": model["means"].tolist(),
                "covariances": model["covariances"].tolist()}

    hmmlearn_gap = {}

    def run_case(name, model):
        ctype = model["covarianceType"]
        n_max = max(RECORDED_ITERATIONS)
        ml, ml_trace = numpy_fit(model, n_max, "new")
        old, old_trace = numpy_fit(model, n_max, "old")

        # (1) hmmlearn reproduces the old-mean variant
        for implementation in ("log", "scaling"):
            for n in RECORDED_ITERATIONS:
                m = hmmlearn_model(model, n, implementation)
                m.fit(X, LENGTHS)
                assert m.monitor_.iter == n, (name, n, m.monitor_.iter)
                theirs = from_hmmlearn(m, model)
                for key in ("start", "trans", "weights", "means", "covariances"):
                    note_gap(f"{ctype}.oldMeanVariant.{key}", old[n][key], theirs[key])
                note_gap(f"{ctype}.oldMeanVariant.logLikelihoodTrace",
                         old_trace[:n], list(m.monitor_.history))
                note_gap(f"{ctype}.oldMeanVariant.logLikelihoodTrace",
                         old_trace[n], m.score(X, LENGTHS))
                if n == 1:
                    # (2) the updates that do not involve the covariance agree with ML
                    for key in ("start", "trans", "weights", "means"):
                        note_gap(f"{ctype}.mlIteration1.{key}", ml[1][key], theirs[key])
                if n == n_max and implementation == "log":
                    hmmlearn_gap[ctype] = {
                        "afterIterations": n,
                        "maxRelativeParameterGap": max(
                            gap(ml[n][k], theirs[k])
                            for k in ("start", "trans", "weights", "means", "covariances")),
                        "covarianceGapAfter1": gap(ml[1]["covariances"],
                                                   from_hmmlearn(_fit1(model), model)["covariances"]),
                        "logLikelihoodReference": ml_trace[n],
                        "logLikelihoodHmmlearn": float(m.score(X, LENGTHS)),
                    }

        # (3) hmmlearn evaluates the ML parameters identically
        for k in range(n_max + 1):
            note_gap(f"{ctype}.ml.logLikelihood(score)", ml_trace[k],
                     hmmlearn_model(ml[k], 1).score(X, LENGTHS))
        v_lp, v_path = numpy_viterbi(ml[n_max], X)
        h_lp, h_path = hmmlearn_model(ml[n_max], 1).decode(X, LENGTHS, algorithm="viterbi")
        assert np.array_equal(v_path, h_path), f"{name}: Viterbi paths differ"
        note_gap(f"{ctype}.ml.viterbiLogProbability", v_lp, h_lp)

        diffs = np.diff(ml_trace)
        assert np.all(diffs >= -MONOTONE_SLACK), (name, diffs)

        records = []
        for n in RECORDED_ITERATIONS:
            record = {"iterations": n}
            record.update(to_json_params(ml[n]))
            record["logLikelihood"] = ml_trace[n]
            record["meanLogLikelihood"] = ml_trace[n] / total
            records.append(record)
        return {
            "name": name,
            "covarianceType": {"diag": "diagonal"}.get(ctype, ctype),
            "data": "gmmhmm.csv",
            "lengths": LENGTHS,
            "states": 2,
            "mixtureComponents": 2,
            "initial": to_json_params(model),
            "iterations": records,
            "logLikelihoodTrace": [float(v) for v in ml_trace],
            "viterbi": {"path": [int(s) for s in v_path], "logProbability": float(v_lp)},
            "reference": "numpy",
        }, float(np.min(diffs))

    def _fit1(model):
        m = hmmlearn_model(model, 1)
        m.fit(X, LENGTHS)
        return m

    # ------------------------------------------------------------------
    # Cases
    # ------------------------------------------------------------------

    init_start = np.array([0.5, 0.5])
    init_trans = np.array([[0.85, 0.15],
                           [0.20, 0.80]])
    init_weights = np.array([[0.5, 0.5],
                             [0.5, 0.5]])
    init_means = np.array([[[0.5, 0.5], [1.5, -0.5]],
                           [[2.5, 2.0], [1.0, 2.5]]])
    init_covs = {
        "full": np.array([[[[1.0, 0.2], [0.2, 1.0]], [[1.0, -0.1], [-0.1, 1.0]]],
                          [[[1.0, 0.1], [0.1, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]]),
        "diag": np.array([[np.diag([1.0, 0.8]), np.diag([0.9, 1.0])],
                          [np.diag([1.0, 1.1]), np.diag([0.8, 0.9])]]),
    }
    cases, min_steps = [], {}
    for ctype in ("full", "diag"):
        model = {"covarianceType": ctype, "start": init_start.copy(), "trans": init_trans.copy(),
                 "weights": init_weights.copy(), "means": init_means.copy(),
                 "covariances": init_covs[ctype].copy()}
        label = {"diag": "diagonal"}.get(ctype, ctype)
        case, min_steps[label] = run_case(f"gmmhmm-{label}", model)
        cases.append(case)

    out = {
        "generator": {
            "script": "Tests/EMKitTests/Fixtures/make_gmmhmm_fixtures.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "hmmlearn": metadata.version("hmmlearn"),
            "seed": SEED,
            "recordedIterations": RECORDED_ITERATIONS,
            "trueParameters": {"startProbabilities": t_start.tolist(),
                               "transitionMatrix": t_trans.tolist(),
                               "weights": t_weights.tolist(),
                               "means": t_means.tolist(),
                               "covariances": t_covs.tolist()},
            "hmmlearnSettings": HMMLEARN_SETTINGS,
            "mstepNotes": MSTEP_NOTES,
            "conventions": (
                "Parameters are the numpy maximum-likelihood reference after n Baum-Welch "
                "iterations from 'initial' (reference = 'numpy'). weights are S x M, means "
                "S x M x D, covariances always full S x M x D x D matrices (diagonal: zeros off "
                "the diagonal). logLikelihood is the total log P(both sequences), "
                "meanLogLikelihood = logLikelihood / 250. logLikelihoodTrace[k] is the total "
                "log-likelihood after k iterations, k = 0..15; it never decreases (smallest "
                "step in generator.smallestLogLikelihoodStep). viterbi uses the 15-iteration "
                "parameters; its logProbability is the joint log P(path, X) summed over "
                "sequences."),
            "smallestLogLikelihoodStep": min_steps,
            "verification": {
                "tolerance": TOLERANCE,
                "maxRelativeDiscrepancy": {k: discrepancy[k] for k in sorted(discrepancy)},
            },
            "hmmlearnCovarianceGap": hmmlearn_gap,
        },
        "cases": cases,
    }
    text = json.dumps(out, indent=1) + "\n"
    path = HERE / "gmmhmm_fixtures.json"
    path.write_text(text)
    worst = max(discrepancy.values())
    print(f"wrote {path.relative_to(REPO)} ({len(text.encode()) / 1024:.1f} KiB), "
          f"{len(cases)} cases; largest numpy/hmmlearn discrepancy {worst:.2e}")
    for case in cases:
        lls = [r["meanLogLikelihood"] for r in case["iterations"]]
        print(f"  {case['name']:<16} mean log-likelihood after {RECORDED_ITERATIONS}: "
              + ", ".join(f"{v:.6f}" for v in lls)
              + f"; smallest step {min_steps[case['covarianceType']]:.3e}")
    print("  hmmlearn vs ML reference: " + json.dumps(hmmlearn_gap))


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

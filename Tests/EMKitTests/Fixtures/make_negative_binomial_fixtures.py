#!/usr/bin/env python3
"""Reference EM for negative binomial mixtures and HMMs, for EMKit's NegativeBinomial tests.

Writes, next to this file:
  negative_binomial.csv             500 rows of two over-dispersed count columns `a`, `b` from
                                    0.35 NB(mean 2, 4; size 1.5, 3) + 0.65 NB(mean 12, 20; size 4, 2.5)
                                    (numpy default_rng(20261206))
  hmm_negative_binomial.csv         three sequences (`sequence` 0, 1, 2) of 200 counts `count` from
                                    a 2-state HMM, NB(mean 3, size 2) and NB(mean 25, size 5)
  negative_binomial_fixtures.json   from fixed initial parameters: the parameters and mean
                                    log-likelihood after n EM iterations (mixtures: 1, 5, 25 and
                                    2000; the HMM: 1, 5, 25 and 1000)

The reference is written here from the textbook equations, independently of EMKit: densities
log Gamma(x + r) - log Gamma(r) - log x! + r log(r / (r + mean)) + x log(mean / (r + mean)), with the
first difference summed term by term (checked against scipy.stats.nbinom.logpmf at small sizes,
where scipy's lgamma difference is accurate); the M-step's mean in closed form and its
size as the root of the profile score
    sum_x w(x) [digamma(x + r) - digamma(r)] + W log(r / (r + mean)) = 0
by scipy.optimize.brentq on r in [1e-10, 1e8] (r = 1e8 when the score is still positive there:
no over-dispersion); the HMM's E-step by the scaled forward-backward recursions.

Run from the repository root:

    python3 Tests/EMKitTests/Fixtures/make_negative_binomial_fixtures.py

The first run creates <repo>/.venv-fixtures (see fixture_venv.py).
"""

import fixture_venv  # beside this script

REQUIREMENTS = ["numpy==2.4.6", "scipy==1.17.1"]
MAXIMUM_SIZE = 1e8


def main():
    import json
    import platform
    from pathlib import Path

    import numpy as np
    import scipy
    from scipy.optimize import brentq
    from scipy.special import gammaln, logsumexp, xlogy
    from scipy.stats import nbinom

    here = Path(__file__).resolve().parent
    rng = np.random.default_rng(20261206)

    def draw(mean, size, n):
        return rng.negative_binomial(size, size / (size + mean), n)

    # Mixture data.
    n = 500
    first = rng.random(n) < 0.35
    a = np.where(first, draw(2.0, 1.5, n), draw(12.0, 4.0, n))
    b = np.where(first, draw(4.0, 3.0, n), draw(20.0, 2.5, n))
    with open(here / "negative_binomial.csv", "w", newline="\n") as fh:
        fh.write("a,b\n")
        for u, v in zip(a, b):
            fh.write(f"{int(u)},{int(v)}\n")
    mixture_data = np.loadtxt(here / "negative_binomial.csv", delimiter=",", skiprows=1).reshape(-1, 2)

    # HMM data.
    transition = np.array([[0.9, 0.1], [0.15, 0.85]])
    emission_means, emission_sizes = [3.0, 25.0], [2.0, 5.0]
    rows = []
    for sequence in range(3):
        state = rng.integers(2)
        for _ in range(200):
            rows.append((int(draw(emission_means[state], emission_sizes[state], 1)[0]), sequence))
            state = rng.choice(2, p=transition[state])
    with open(here / "hmm_negative_binomial.csv", "w", newline="\n") as fh:
        fh.write("count,sequence\n")
        for count, sequence in rows:
            fh.write(f"{count},{sequence}\n")
    hmm_counts = np.array([float(c) for c, _ in rows])
    lengths = [200, 200, 200]

    def rising(r, x):
        """log Gamma(x + r) - log Gamma(r) and digamma(x + r) - digamma(r) for whole x >= 0, by their
        definitions as sums over i < x of log(r + i) and 1 / (r + i) (lgamma and digamma
        differences lose ~1e-7 to cancellation at r = 1e8)."""
        top = int(np.max(x)) if len(x) else 0
        terms = r + np.arange(top)
        logs = np.concatenate([[0.0], np.cumsum(np.log(terms))])
        inverses = np.concatenate([[0.0], np.cumsum(1.0 / terms)])
        index = x.astype(int)
        return logs[index], inverses[index]

    def log_density(x, means, sizes):
        """log p(x_i | component), x: N x d, means/sizes: K x d -> N x K."""
        out = np.zeros((x.shape[0], means.shape[0]))
        for k in range(means.shape[0]):
            for j in range(x.shape[1]):
                mu, r, xs = means[k, j], sizes[k, j], x[:, j]
                out[:, k] += rising(r, xs)[0] - gammaln(xs + 1) - r * np.log1p(mu / r) + xlogy(xs, mu / (r + mu))
        return out

    def check_against_scipy(x, mu, r):
        """The density above is scipy.stats.nbinom's where scipy is accurate (small r)."""
        ours = log_density(x[:, None], np.array([[mu]]), np.array([[r]]))[:, 0]
        assert np.max(np.abs(ours - nbinom.logpmf(x, r, r / (r + mu)))) < 1e-10

    def fit_feature(x, w):
        total = w.sum()
        mean = float(np.sum(w * x) / total)
        if mean <= 0:
            return 0.0, MAXIMUM_SIZE
        variance = float(np.sum(w * (x - mean) ** 2) / total)
        if variance <= mean:
            return mean, MAXIMUM_SIZE

        def score(r):
            return float(np.sum(w * rising(r, x)[1]) - total * np.log1p(mean / r))

        if score(MAXIMUM_SIZE) >= 0:
            return mean, MAXIMUM_SIZE
        return mean, brentq(score, 1e-10, MAXIMUM_SIZE, xtol=1e-300, rtol=1e-15, maxiter=1000)

    def m_step(x, resp):
        means = np.zeros((resp.shape[1], x.shape[1]))
        sizes = np.zeros_like(means)
        for k in range(resp.shape[1]):
            for j in range(x.shape[1]):
                means[k, j], sizes[k, j] = fit_feature(x[:, j], resp[:, k])
        return means, sizes

    def mixture_em(x, weights, means, sizes, checkpoints):
        weights, means, sizes = np.array(weights), np.array(means), np.array(sizes)
        out = []
        for it in range(1, max(checkpoints) + 1):
            logp = np.log(weights)[None, :] + log_density(x, means, sizes)
            resp = np.exp(logp - logsumexp(logp, axis=1)[:, None])
            weights = resp.sum(axis=0) / x.shape[0]
            means, sizes = m_step(x, resp)
            if it in checkpoints:
                logp = np.log(weights)[None, :] + log_density(x, means, sizes)
                out.append({
                    "iterations": it,
                    "weights": [float(v) for v in weights],
                    "parameters": [[float(v) for v in np.concatenate([means[k], sizes[k]])] for k in range(len(weights))],
                    "meanLogLikelihood": float(np.mean(logsumexp(logp, axis=1))),
                })
        return out

    def forward_backward(logb, start, transition):
        t_count, s = logb.shape
        b = np.exp(logb - logb.max(axis=1, keepdims=True))
        alpha = np.zeros((t_count, s))
        scale = np.zeros(t_count)
        alpha[0] = start * b[0]
        scale[0] = alpha[0].sum()
        alpha[0] /= scale[0]
        for t in range(1, t_count):
            alpha[t] = (alpha[t - 1] @ transition) * b[t]
            scale[t] = alpha[t].sum()
            alpha[t] /= scale[t]
        beta = np.ones((t_count, s))
        for t in range(t_count - 2, -1, -1):
            beta[t] = transition @ (b[t + 1] * beta[t + 1]) / scale[t + 1]
        gamma = alpha * beta
        xi = np.zeros((s, s))
        for t in range(t_count - 1):
            xi += transition * np.outer(alpha[t], b[t + 1] * beta[t + 1]) / scale[t + 1]
        log_likelihood = float(np.sum(np.log(scale)) + np.sum(logb.max(axis=1)))
        return gamma, xi, log_likelihood

    def hmm_em(x, lengths, start, transition, means, sizes, checkpoints):
        start, transition = np.array(start), np.array(transition)
        means, sizes = np.array(means), np.array(sizes)
        bounds = np.cumsum([0] + lengths)

        def e_step():
            logb = log_density(x, means, sizes)
            gammas, start_counts, xis, total = [], np.zeros_like(start), np.zeros_like(transition), 0.0
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                gamma, xi, ll = forward_backward(logb[lo:hi], start, transition)
                gammas.append(gamma)
                start_counts += gamma[0]
                xis += xi
                total += ll
            return np.vstack(gammas), start_counts, xis, total

        out = []
        for it in range(1, max(checkpoints) + 1):
            gamma, start_counts, xis, _ = e_step()
            start = start_counts / start_counts.sum()
            transition = xis / xis.sum(axis=1, keepdims=True)
            means, sizes = m_step(x, gamma)
            if it in checkpoints:
                _, _, _, total = e_step()
                out.append({
                    "iterations": it,
                    "startProbabilities": [float(v) for v in start],
                    "transitionMatrix": [[float(v) for v in row] for row in transition],
                    "parameters": [[float(v) for v in np.concatenate([means[k], sizes[k]])] for k in range(len(start))],
                    "meanLogLikelihood": total / x.shape[0],
                })
        return out

    for mu, r in ((2.0, 1.5), (12.0, 4.0), (25.0, 0.7)):
        check_against_scipy(mixture_data[:, 0], mu, r)

    mixture_initial = {"weights": [0.5, 0.5], "parameters": [[3.0, 6.0, 1.0, 1.0], [10.0, 15.0, 1.0, 1.0]]}
    one_column_initial = {"weights": [0.4, 0.6], "parameters": [[1.0, 2.0], [8.0, 2.0]]}
    cases = []
    for name, columns, initial in (("two columns, K = 2", [0, 1], mixture_initial),
                                   ("column a, K = 2", [0], one_column_initial)):
        d = len(columns)
        p = np.array(initial["parameters"])
        cases.append({
            "name": name, "family": "negative-binomial", "data": "negative_binomial.csv",
            "columns": ["a", "b"][:d], "components": 2, "assignment": "soft", "initial": initial,
            "iterations": mixture_em(mixture_data[:, columns], initial["weights"], p[:, :d], p[:, d:], {1, 5, 25, 2000}),
        })

    hmm_initial = {
        "startProbabilities": [0.5, 0.5], "transitionMatrix": [[0.8, 0.2], [0.2, 0.8]],
        "parameters": [[5.0, 1.0], [15.0, 1.0]],
    }
    p = np.array(hmm_initial["parameters"])
    hmm = {
        "data": "hmm_negative_binomial.csv", "lengths": lengths, "states": 2, "initial": hmm_initial,
        "iterations": hmm_em(hmm_counts[:, None], lengths, hmm_initial["startProbabilities"],
                             hmm_initial["transitionMatrix"], p[:, :1], p[:, 1:], {1, 5, 25, 1000}),
    }

    out = {
        "generator": {
            "script": "Tests/EMKitTests/Fixtures/make_negative_binomial_fixtures.py",
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "notes": "Plain EM from the given initial parameters. Component parameters are d means then d sizes.",
        },
        "mixtures": cases,
        "hmm": hmm,
    }
    with open(here / "negative_binomial_fixtures.json", "w", newline="\n") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    fixture_venv.ensure(REQUIREMENTS, __file__)
    main()

"""Where each tool's default options stop, and what they cost.

For the slow cases of issue 12 (Old Faithful with K = 3 from seed 1, its waiting times with K = 2,
MAP-EM under mclust's prior, variational Bayes with K = 8, a Student-t mixture, the dishonest
casino HMM, Iris with 20% of its cells missing) this runs, in one go on one machine:

- emkit with its defaults (the estimated-gap rule at 1e-8 and SQUAREM wherever it applies),
- emkit with the defaults it had before (a change below 1e-3 nats per sample, 100 iterations,
  plain EM),
- scikit-learn's GaussianMixture and BayesianGaussianMixture, and hmmlearn's CategoricalHMM,
  with their defaults, and R's mclust (`me()` with `emControl()`) where R and mclust are
  installed (`convergence_mclust.R`),

and measures each against the same tool from the same start run to convergence (tolerance
1e-14, 100 000 iterations): how far below that optimum it stops (relative), the iterations, and
the seconds (median of --repeats runs). A second table times emkit's old and new defaults on the
data of docs/benchmarks.md (`compare_sklearn.py --prepare` writes them), from the same initial
parameters.

    swift build -c release
    python3 bench/convergence_defaults.py [--repeats 3] [--skip-large] [--markdown FILE]
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import ensure_venv, note, numpy_environment, write_atomically

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DATA = BENCH / "data" / "convergence"
FIXTURES = REPO / "Tests" / "EMKitTests" / "Fixtures"
EMKIT = REPO / ".build" / "release" / "emkit"
SCRIPT = Path(__file__).resolve()
REQUIREMENTS = ["numpy==2.4.6", "scikit-learn==1.9.1", "threadpoolctl", "hmmlearn==0.3.3"]

OLD_DEFAULTS = ["--stopping-rule", "objective-change", "--tolerance", "1e-3", "--max-iterations", "100", "--accelerate", "none"]
STRICT = ["--tolerance", "1e-14", "--max-iterations", "100000", "--accelerate", "none"]


def timed(run, repeats):
    """The result of `run()` and the median of its wall-clock seconds over `repeats` runs."""
    seconds = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds)


def emkit(arguments):
    """Runs emkit; returns (standard output, standard error)."""
    completed = subprocess.run([str(EMKIT), *arguments], capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"emkit {' '.join(arguments)} failed: {completed.stderr.strip()}")
    return completed.stdout, completed.stderr


def emkit_fit(arguments):
    """A model-writing emkit run with --format json: (objective per sample, iterations, converged)."""
    out, _ = emkit([*arguments, "--format", "json", "--quiet"])
    record = json.loads(out)["fit"]
    return record["history"][-1], record["iterations"], record["converged"]


def emkit_impute(arguments):
    """emkit impute: (observed-data log-likelihood per row, iterations, converged) from its summary."""
    _, err = emkit([*arguments, "--quiet"])
    likelihood = float(re.search(r"log-likelihood (-?[0-9.e+-]+) per row", err).group(1))
    converged = "converged after" in err
    iterations = int(re.search(r"after (\d+) iterations", err).group(1)) if converged else None
    return likelihood, iterations, converged


def shortfall(value, reference):
    return (reference - value) / abs(reference)


def prepare_data():
    import numpy as np

    DATA.mkdir(parents=True, exist_ok=True)
    casino = DATA / "casino.csv"
    if not casino.exists():
        rng = np.random.default_rng(2026)
        transition = np.array([[0.95, 0.05], [0.1, 0.9]])
        emission = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])
        rows = []
        for sequence in range(5):
            state = rng.integers(2)
            for _ in range(300):
                rows.append((rng.choice(6, p=emission[state]), sequence))
                state = rng.choice(2, p=transition[state])
        write_atomically(casino, lambda s: s.write(("roll,sequence\n" + "".join(f"{r},{q}\n" for r, q in rows)).encode()))
    holes = DATA / "iris-mcar.csv"
    if not holes.exists():
        iris = np.loadtxt(FIXTURES / "iris.csv", delimiter=",", skiprows=1, usecols=(1, 2, 3, 4))
        rng = np.random.default_rng(12)
        mask = rng.random(iris.shape) < 0.2
        lines = ["sepal_length,sepal_width,petal_length,petal_width"]
        for row, missing in zip(iris, mask):
            lines.append(",".join("" if m else f"{v:g}" for v, m in zip(row, missing)))
        write_atomically(holes, lambda s: s.write(("\n".join(lines) + "\n").encode()))
    return casino, holes


def emkit_cases(casino, holes):
    faithful = str(FIXTURES / "faithful.csv")
    return [
        ("faithful K=3, seed 1", ["fit", faithful, "-k", "3", "--seed", "1"], emkit_fit),
        ("waiting K=2", ["fit", faithful, "--columns", "waiting", "-k", "2"], emkit_fit),
        ("faithful K=3, --prior default", ["fit", faithful, "-k", "3", "--prior", "default"], emkit_fit),
        ("faithful K=8, vb-gaussian", ["fit", faithful, "-k", "8", "--model", "vb-gaussian"], emkit_fit),
        ("faithful K=2, student-t", ["fit", faithful, "-k", "2", "--model", "student-t"], emkit_fit),
        ("casino HMM, 5×300 rolls", ["hmm", "fit", str(casino), "--columns", "roll", "--sequence-column", "sequence",
                                      "--states", "2", "--emission", "categorical"], emkit_fit),
        ("impute Iris 20% MCAR, K=3", ["impute", str(holes), "-k", "3", "-o", str(DATA / "imputed.csv")], emkit_impute),
    ]


def peer_cases(casino):
    """The peers' defaults and their strict runs from the same random_state: (name, tool, default fn, strict fn)."""
    import numpy as np
    from hmmlearn.hmm import CategoricalHMM
    from sklearn.mixture import BayesianGaussianMixture, GaussianMixture

    faithful = np.loadtxt(FIXTURES / "faithful.csv", delimiter=",", skiprows=1)
    waiting = faithful[:, 1:2]
    rolls = np.loadtxt(casino, delimiter=",", skiprows=1, dtype=int)
    lengths = [300] * 5

    def gm(x, k, strict):
        extra = dict(tol=1e-14, max_iter=100000) if strict else {}
        model = GaussianMixture(k, random_state=1, **extra).fit(x)
        return model.score(x), model.n_iter_, model.converged_

    def bgm(strict):
        extra = dict(tol=1e-14, max_iter=100000) if strict else {}
        model = BayesianGaussianMixture(n_components=8, random_state=0, **extra).fit(faithful)
        return model.lower_bound_ / len(faithful), model.n_iter_, model.converged_

    def casino_hmm(strict):
        extra = dict(n_iter=100000, tol=1e-14) if strict else {}
        model = CategoricalHMM(n_components=2, n_features=6, random_state=0, **extra).fit(rolls[:, :1], lengths)
        return model.score(rolls[:, :1], lengths) / len(rolls), model.monitor_.iter, model.monitor_.converged

    return [
        ("faithful K=3, seed 1", "scikit-learn GaussianMixture", lambda s: gm(faithful, 3, s)),
        ("waiting K=2", "scikit-learn GaussianMixture", lambda s: gm(waiting, 2, s)),
        ("faithful K=8, vb-gaussian", "scikit-learn BayesianGaussianMixture", bgm),
        ("casino HMM, 5×300 rolls", "hmmlearn CategoricalHMM", casino_hmm),
    ]


def mclust_case(repeats):
    """mclust's me() with emControl() defaults, from its hierarchical start, when R and mclust are
    installed (Debian: r-base-core r-cran-mclust); else None."""
    import shutil

    if shutil.which("Rscript") is None:
        note("Rscript not found: no mclust row (apt-get install r-base-core r-cran-mclust)")
        return None
    completed = subprocess.run(["Rscript", str(BENCH / "convergence_mclust.R"), str(FIXTURES / "faithful.csv"), str(repeats)],
                               capture_output=True, text=True)
    if completed.returncode != 0:
        note(f"mclust failed, no mclust row: {completed.stderr.strip()[-300:]}")
        return None
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    default = result["default"]
    return (f"| faithful K=3 (VVV, mclust's hierarchical start) | mclust me() defaults | {default['iterations']} | yes | "
            f"{shortfall(default['logLikelihood'], result['strict']['logLikelihood']):.1e} | {default['seconds']:.3f} (in R) |")


def benchmark_cases(skip_large):
    """The docs/benchmarks.md data sets, prepared by compare_sklearn.py."""
    names = ["10k-2d", "200k-8d", "image-321x481", "50k-64d"] + ([] if skip_large else ["1m-16d"])
    cases = []
    for name in names:
        completed = subprocess.run([sys.executable, str(BENCH / "compare_sklearn.py"), "--prepare", name],
                                   capture_output=True, text=True, env=numpy_environment())
        if completed.returncode != 0:
            raise RuntimeError(f"preparing {name} failed: {completed.stderr.strip()}")
        info = json.loads(completed.stdout.strip().splitlines()[-1])
        for covariance, init in info["inits"].items():
            cases.append((f"{name} {covariance}", info["npy"], init, covariance, info["k"], info["n"]))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true", help="leave out the 1m-16d case")
    parser.add_argument("--markdown", metavar="FILE")
    args = parser.parse_args()
    ensure_venv(REQUIREMENTS, SCRIPT, "convergence_defaults")
    if not EMKIT.exists():
        note(f"{EMKIT} is missing: run 'swift build -c release' first")
        sys.exit(2)
    casino, holes = prepare_data()
    lines = ["## Where the defaults stop", "",
             "| case | tool and options | iterations | converged? | below its optimum (relative) | seconds |",
             "|---|---|---:|---|---:|---:|"]
    for name, arguments, run in emkit_cases(casino, holes):
        note(f"{name} ...")
        reference = run([*arguments, *STRICT])[0]
        for label, extra in [("emkit defaults", []), ("emkit, old defaults", OLD_DEFAULTS)]:
            (value, iterations, converged), seconds = timed(lambda: run([*arguments, *extra]), args.repeats)
            lines.append(f"| {name} | {label} | {iterations if iterations is not None else '—'} | "
                         f"{'yes' if converged else 'no'} | {shortfall(value, reference):.1e} | {seconds:.3f} |")
    mclust = mclust_case(args.repeats)
    if mclust:
        lines.append(mclust)
    for name, tool, run in peer_cases(casino):
        note(f"{name}, {tool} ...")
        reference = run(True)[0]
        (value, iterations, converged), seconds = timed(lambda: run(False), args.repeats)
        lines.append(f"| {name} | {tool} defaults | {iterations} | {'yes' if converged else 'no'} | "
                     f"{shortfall(value, reference):.1e} | {seconds:.3f} |")
    lines += ["", "## Time of the defaults on the benchmark data (same initial parameters)", "",
              "| case | old defaults: s | iterations | new defaults: s | cycles (E-steps) | new/old time | old below optimum | new below optimum |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, data, init, covariance, k, n in benchmark_cases(args.skip_large):
        note(f"{name} ...")
        base = ["fit", data, "-k", str(k), "--covariance", covariance, "--init-from", init]
        reference = None
        if n <= 200_000:
            reference = emkit_fit([*base, "--tolerance", "1e-14", "--max-iterations", "100000"])[0]
        (old, old_seconds) = timed(lambda: emkit_fit([*base, *OLD_DEFAULTS]), args.repeats)
        out, _ = emkit([*base, "--format", "json", "--quiet"])
        new_iterations = json.loads(out)["fit"]["iterations"]
        (new, new_seconds) = timed(lambda: emkit_fit(base), args.repeats)
        steps = re.search(r"(\d+) E-steps", emkit([*base, "--quiet"])[0])
        gap = (lambda v: f"{shortfall(v, reference):.1e}") if reference is not None else (lambda v: "—")
        lines.append(f"| {name} | {old_seconds:.3f} | {old[1]} | {new_seconds:.3f} | {new_iterations} "
                     f"({steps.group(1) if steps else new_iterations + 1}) | {new_seconds / old_seconds:.2f}× | "
                     f"{gap(old[0])} | {gap(new[0])} |")
    processor = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                      if l.startswith("model name")), "unknown CPU")
    lines += ["", f"Machine: {processor}; medians of {args.repeats} runs. "
              f"Command: python3 bench/convergence_defaults.py {' '.join(sys.argv[1:])}".rstrip()]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        write_atomically(Path(args.markdown), lambda s: s.write((text + "\n").encode()))


if __name__ == "__main__":
    main()

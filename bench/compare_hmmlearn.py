#!/usr/bin/env python3
# compare_hmmlearn.py: time `emkit hmm fit` against hmmlearn's GaussianHMM, side by side.
#
# One case: 50 sequences of 2,000 steps from a seeded 4-state hidden Markov model with 3-D
# Gaussian emissions, fitted with covariance 'full' and 'diagonal'. Every tool starts from the
# same parameters (an EMKit model file, init.json) and runs a fixed number of Baum-Welch
# iterations. hmmlearn runs twice, with implementation="log" and with implementation="scaling",
# both set up for plain maximum likelihood (no priors, no covariance floor). Each fit runs in its
# own child process; the script reports seconds per iteration, each child's peak resident memory,
# which hmmlearn implementation is faster, and whether emkit's final mean log-likelihood agrees
# with hmmlearn's within 1e-6 relative (the script exits non-zero if a comparison fails).
#
# If .build/release/emkit is missing or has no `hmm fit` subcommand yet, the hmmlearn rows are
# still measured and emkit's rows say "emkit: not available".
#
# Run from anywhere:
#     python3 bench/compare_hmmlearn.py                # 10 iterations, 3 repeats
#     python3 bench/compare_hmmlearn.py --quick        # sequences of 200 steps, 1 repeat: a smoke test
#     python3 bench/compare_hmmlearn.py --repeats 5 --markdown out.md
#     python3 bench/compare_hmmlearn.py --build        # first `swift build -c release --product emkit`
#
# The first run installs pinned numpy, scikit-learn, threadpoolctl and hmmlearn into bench/.venv
# (shared with compare_sklearn.py; a stamp file of its own keeps later runs from reinstalling),
# then re-executes itself there. Data are written to bench/data/ (ignored by git) and reused while
# the generator version is unchanged. See bench/README.md.

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import (
    inside_venv, last_json_line, mib, note, numpy_environment, per_iteration, self_peak_bytes, tail,
    write_atomically,
)
from bench_common import ensure_venv as shared_ensure_venv

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
VENV = BENCH / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".compare_hmmlearn-requirements"
DATA = BENCH / "data"
EMKIT = REPO / ".build" / "release" / "emkit"
SCRIPT = Path(__file__).resolve()

REQUIREMENTS = ["numpy==2.4.6", "scikit-learn==1.9.1", "threadpoolctl", "hmmlearn==0.3.3"]

# Bump when the data or the initial parameters would come out differently.
GENERATOR_VERSION = 1
BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

CASE_NAME = "hmm-50x2000-3d"
SEQUENCES = 50
STEPS = 2000            # per sequence; --quick uses STEPS // 10
STATES = 4
DIMENSION = 3
COVARIANCE_TYPES = ["full", "diagonal"]
ITERATIONS = 10
SEED = 20271
HMMLEARN_TYPES = {"full": "full", "diagonal": "diag"}
IMPLEMENTATIONS = ("log", "scaling")
TOOLS = ("hmmlearn-log", "hmmlearn-scaling", "emkit")
AGREEMENT = 1e-6        # emkit against hmmlearn, relative
IMPLEMENTATION_AGREEMENT = 1e-9  # hmmlearn log against scaling, relative


def fail_setup(message):
    print(f"compare_hmmlearn.py: {message}", file=sys.stderr)
    sys.exit(2)


# ----------------------------------------------------------------------------------------------
# The virtual environment


def ensure_venv():
    """Creates bench/.venv, installs the pinned packages once, and re-executes inside it."""
    shared_ensure_venv(REQUIREMENTS, SCRIPT, "compare_hmmlearn")


# ----------------------------------------------------------------------------------------------
# Data and initial parameters (the --prepare child; the parent never imports numpy, so it stays
# small and cannot inflate the peak memory its children report)


def spd_matrix(rng, d):
    """A random covariance with standard deviations 0.5 to 1.2 along random axes."""
    import numpy as np

    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q = q * np.sign(np.diag(r))
    return (q * rng.uniform(0.5, 1.2, size=d) ** 2) @ q.T


def simulate(rng, sequences, steps):
    """Draws `sequences` sequences of `steps` observations from a sticky 4-state Gaussian HMM."""
    import numpy as np

    k, d = STATES, DIMENSION
    means = rng.uniform(-3.0, 3.0, size=(k, d))
    covariances = np.array([spd_matrix(rng, d) for _ in range(k)])
    stay = rng.uniform(0.85, 0.95, size=k)
    transitions = np.empty((k, k))
    for i in range(k):
        leave = rng.dirichlet(np.ones(k - 1)) * (1.0 - stay[i])
        transitions[i] = np.insert(leave, i, stay[i])
    start = rng.dirichlet(np.ones(k))
    # all sequences advance together: one vectorised draw per time step
    cumulative = np.cumsum(transitions, axis=1)
    states = np.empty((sequences, steps), dtype=np.int64)
    states[:, 0] = np.minimum(np.searchsorted(np.cumsum(start), rng.random(sequences), side="right"), k - 1)
    for t in range(1, steps):
        u = rng.random(sequences)[:, None]
        states[:, t] = np.minimum((u >= cumulative[states[:, t - 1]]).sum(axis=1), k - 1)
    flat = states.reshape(-1)
    noise = rng.standard_normal((flat.size, d))
    factors = np.linalg.cholesky(covariances)
    x = means[flat] + np.einsum("nij,nj->ni", factors[flat], noise)
    return np.ascontiguousarray(x, dtype=np.float64)


def initial_model(x, covariance_type):
    """The EMKit model file every tool starts from: k-means++ means, the data's covariance."""
    import numpy as np
    from sklearn.cluster import kmeans_plusplus

    k, d = STATES, DIMENSION
    means, _ = kmeans_plusplus(x, n_clusters=k, random_state=0)
    covariance = np.cov(x, rowvar=False, bias=True)
    covariance = (covariance + covariance.T) / 2
    if covariance_type == "diagonal":
        covariance = np.diag(np.diag(covariance))
    off = 0.3 / (k - 1)
    transitions = np.full((k, k), off)
    np.fill_diagonal(transitions, 0.7)
    return {
        "format": "emkit-model",
        "formatVersion": 1,
        "kind": "hmm",
        "emission": "gaussian",
        "covarianceType": covariance_type,
        "stateCount": k,
        "dimension": d,
        "startProbabilities": [1.0 / k] * k,
        "transitionMatrix": transitions.tolist(),
        "means": means.tolist(),
        "covariances": [covariance.tolist() for _ in range(k)],
        "regularization": 0,
    }


def prepare(quick):
    """Writes (or reuses) the .npy, lengths, .csv and init files; prints a JSON summary."""
    import numpy as np

    steps = STEPS // 10 if quick else STEPS
    folder = DATA / ("quick" if quick else "full")
    meta_path = folder / f"{CASE_NAME}.meta.json"
    paths = {
        "npy": folder / f"{CASE_NAME}.npy",
        "lengths": folder / f"{CASE_NAME}.lengths.json",
        "csv": folder / f"{CASE_NAME}.csv",
        "inits": {t: folder / f"{CASE_NAME}.init-{t}.json" for t in COVARIANCE_TYPES},
    }
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    fresh = (meta is not None and meta.get("generatorVersion") == GENERATOR_VERSION
             and all(p.exists() for key, p in paths.items() if key != "inits")
             and all(p.exists() for p in paths["inits"].values()))
    if not fresh:
        note(f"  generating {CASE_NAME}{' (quick)' if quick else ''} ...")
        rng = np.random.default_rng(SEED)
        x = simulate(rng, SEQUENCES, steps)
        lengths = [steps] * SEQUENCES
        sequence = np.repeat(np.arange(SEQUENCES), steps)
        write_atomically(paths["npy"], lambda s: np.save(s, x, allow_pickle=False))
        write_atomically(paths["lengths"], lambda s: s.write((json.dumps(lengths) + "\n").encode()))

        def write_csv(stream):
            stream.write(b"x1,x2,x3,sequence\n")
            for row, label in zip(x.tolist(), sequence.tolist()):
                stream.write(("%.17g,%.17g,%.17g,%d\n" % (row[0], row[1], row[2], label)).encode())

        write_atomically(paths["csv"], write_csv)
        for covariance_type, path in paths["inits"].items():
            model = initial_model(x, covariance_type)
            write_atomically(path, lambda s: s.write((json.dumps(model) + "\n").encode()))
        meta = {"generatorVersion": GENERATOR_VERSION, "sequences": SEQUENCES, "steps": steps,
                "n": int(x.shape[0]), "d": DIMENSION, "k": STATES, "seed": SEED,
                "source": f"synthetic: random sticky {STATES}-state Gaussian HMM, seed {SEED}"}
        write_atomically(meta_path, lambda s: s.write((json.dumps(meta, indent=1) + "\n").encode()))
    print(json.dumps({
        "n": meta["n"], "sequences": meta["sequences"], "steps": meta["steps"], "source": meta["source"],
        "reused": fresh, "npy": str(paths["npy"]), "lengths": str(paths["lengths"]),
        "csv": str(paths["csv"]), "inits": {t: str(p) for t, p in paths["inits"].items()},
    }))


# ----------------------------------------------------------------------------------------------
# The hmmlearn worker (the --worker child)


def hmmlearn_worker(data_path, lengths_path, init_path, iterations, implementation, threads=None):
    from importlib import metadata

    import numpy as np
    import threadpoolctl
    from hmmlearn.hmm import GaussianHMM

    x = np.load(data_path)
    lengths = np.array(json.loads(Path(lengths_path).read_text()), dtype=np.int64)
    init = json.loads(Path(init_path).read_text())
    covariance_type = init["covarianceType"]
    covariances = np.array(init["covariances"], dtype=np.float64)
    # Plain maximum likelihood: no Dirichlet pseudo-counts (priors 1), no normal or inverse-
    # Wishart / inverse-gamma prior (weights and priors 0; covars_weight 0 <= 1 and <= D), and
    # tol = -inf so that exactly `iterations` iterations run (with tol = 0 hmmlearn stops at the
    # first rounding-size decrease of the log-likelihood). min_covar is not used by the M-step.
    model = GaussianHMM(
        n_components=init["stateCount"], covariance_type=HMMLEARN_TYPES[covariance_type],
        min_covar=0.0, startprob_prior=1.0, transmat_prior=1.0, means_prior=0.0, means_weight=0.0,
        covars_prior=0.0, covars_weight=0.0, n_iter=iterations, tol=-np.inf, params="stmc",
        init_params="", implementation=implementation)
    model.startprob_ = np.array(init["startProbabilities"], dtype=np.float64)
    model.transmat_ = np.array(init["transitionMatrix"], dtype=np.float64)
    model.means_ = np.array(init["means"], dtype=np.float64)
    if covariance_type == "full":
        model.covars_ = covariances
    else:
        model.covars_ = np.diagonal(covariances, axis1=1, axis2=2).copy()
    with threadpoolctl.threadpool_limits(limits=threads):
        started = time.perf_counter()
        model.fit(x, lengths)
        seconds = time.perf_counter() - started
        pools = [{key: pool.get(key) for key in ("user_api", "internal_api", "version", "architecture",
                                                  "num_threads", "filepath")}
                 for pool in threadpoolctl.threadpool_info()]
        total = float(model.score(x, lengths))
    print(json.dumps({
        "seconds": seconds, "score": total / x.shape[0], "iterations": int(model.monitor_.iter),
        "selfPeakBytes": self_peak_bytes(), "numpy": np.__version__,
        "hmmlearn": metadata.version("hmmlearn"), "threadpools": pools,
    }))


# ----------------------------------------------------------------------------------------------
# Running children


def run_child(argv, env):
    """Runs argv with stdout and stderr in files; returns (exit code, stdout, stderr, peak bytes, wall s).

    fork + exec (not posix_spawn or vfork, whose child would inherit the parent's peak) and
    os.wait4 on that one pid: ru_maxrss is then the child's own peak (or, if larger, the small
    parent's resident size at the fork).
    """
    with tempfile.TemporaryDirectory(prefix="compare_hmmlearn.") as folder:
        out_path, err_path = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.dup2(out, 1)
                os.dup2(err, 2)
                os.closerange(3, 256)
                os.execve(argv[0], argv, env)
            except BaseException as error:  # noqa: BLE001
                os.write(2, f"cannot run {argv[0]}: {error}\n".encode())
            finally:
                os._exit(127)
        os.close(out)
        os.close(err)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        with open(out_path, encoding="utf-8", errors="replace") as stream:
            stdout = stream.read()
        with open(err_path, encoding="utf-8", errors="replace") as stream:
            stderr = stream.read()
    return code, stdout, stderr, usage.ru_maxrss * 1024, wall


class RunError(Exception):
    pass


def run_hmmlearn(info, covariance_type, implementation, iterations, threads=None):
    argv = [sys.executable, str(SCRIPT), "--worker", "--data", info["npy"], "--lengths", info["lengths"],
            "--init", info["inits"][covariance_type], "--iterations", str(iterations),
            "--implementation", implementation]
    if threads is not None:
        argv += ["--hmmlearn-threads", str(threads)]
    code, stdout, stderr, peak, _ = run_child(argv, numpy_environment())
    result = last_json_line(stdout, "seconds")
    if code != 0 or result is None:
        raise RunError(f"hmmlearn worker exited {code}: {tail(stderr)}")
    result["peakBytes"] = peak
    return result


def run_emkit(info, covariance_type, iterations):
    argv = [str(EMKIT), "hmm", "fit", info["csv"], "--states", str(STATES), "--emission", "gaussian",
            "--covariance", covariance_type, "--sequence-column", "sequence",
            "--init-from", info["inits"][covariance_type], "--tolerance", "0",
            "--max-iterations", str(iterations), "--format", "json", "--report-timing", "--quiet"]
    code, stdout, stderr, peak, _ = run_child(argv, dict(os.environ))
    if code != 0:
        raise RunError(f"emkit exited {code}: {tail(stderr)}")
    timing = last_json_line(stderr, "fitSeconds")
    if timing is None:
        raise RunError(f"emkit printed no timing line on standard error: {tail(stderr)}")
    try:
        model = json.loads(stdout)
        fit = model["fit"]
        score = float(fit["logLikelihood"])
    except (ValueError, KeyError, TypeError) as error:
        raise RunError(f"emkit's standard output is not an HMM model file with fit.logLikelihood: "
                       f"{error!r}") from None
    return {"seconds": float(timing["fitSeconds"]), "score": score,
            "iterations": int(fit.get("iterations", timing.get("iterations", -1))),
            "threads": timing.get("threads"),
            "selfPeakBytes": int(timing.get("peakResidentBytes", 0)), "peakBytes": peak}


def emkit_status(build):
    """None if `emkit hmm fit` can be run, otherwise why not."""
    if build:
        note("building: swift build -c release --product emkit ...")
        result = subprocess.run(["swift", "build", "-c", "release", "--product", "emkit"], cwd=REPO,
                                stdout=sys.stderr)
        if result.returncode != 0:
            return "swift build -c release --product emkit failed"
    if not os.access(EMKIT, os.X_OK):
        return f"no binary at {EMKIT} (pass --build or run `swift build -c release`)"
    try:
        probe = subprocess.run([str(EMKIT), "hmm", "fit", "--help"], capture_output=True, text=True,
                               timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`emkit hmm fit --help` failed: {error}"
    text = probe.stdout + probe.stderr
    missing = [flag for flag in ("--sequence-column", "--init-from", "--report-timing") if flag not in text]
    if probe.returncode != 0 or missing:
        return "this build has no `emkit hmm fit`" + (f" with {', '.join(missing)}" if missing else "")
    return None


# ----------------------------------------------------------------------------------------------
# The benchmark


def machine_description():
    model, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    simd = ", ".join(f for f in ("avx2", "fma", "avx512f") if f in flags) or "no AVX2"
    return f"{model}, {os.cpu_count()} cores ({simd})"


def blas_description(pools):
    blas = [p for p in pools if p.get("user_api") == "blas"]
    if not blas:
        return "no BLAS found by threadpoolctl"

    def owner(pool):
        path = str(pool.get("filepath") or "")
        return next((f"{name}'s " for name in ("numpy", "scipy", "sklearn") if f"{name}.libs" in path
                     or f"/{name}/" in path), "")
    return "; ".join(f"{owner(p)}{p.get('internal_api')} {p.get('version')}, kernel "
                     f"'{p.get('architecture')}', {p.get('num_threads')} threads" for p in blas)


def seconds_text(value):
    return "n/a" if value is None else f"{value:.4g}"


def benchmark(covariance_type, info, repeats, iterations, emkit_reason, threads):
    """Measures every tool for one covariance type; returns one row per tool."""
    tools = [t for t in TOOLS if t != "emkit" or emkit_reason is None]
    runs = {tool: {iterations: [], 1: []} for tool in tools}
    errors = {}
    for repeat in range(repeats):
        order = tools if repeat % 2 == 0 else list(reversed(tools))
        for count in (iterations, 1):
            for tool in order:
                if tool in errors:
                    continue
                note(f"  {covariance_type}: {tool}, {count} iteration{'s' if count > 1 else ''} "
                     f"(repeat {repeat + 1}/{repeats})")
                try:
                    if tool == "emkit":
                        result = run_emkit(info, covariance_type, count)
                    else:
                        result = run_hmmlearn(info, covariance_type, tool.split("-")[1], count, threads)
                except RunError as error:
                    note(f"  FAIL: {error}")
                    errors[tool] = str(error)
                    continue
                runs[tool][count].append(result)

    rows = {}
    for tool in TOOLS:
        row = {"tool": tool, "covariance": covariance_type, "iterations": iterations}
        if tool == "emkit" and emkit_reason is not None:
            row["status"] = f"emkit: not available ({emkit_reason})"
        elif tool in errors:
            row["status"] = f"FAIL: {errors[tool]}"
        else:
            full = runs[tool][iterations]
            row["perIteration"] = per_iteration([r["seconds"] for r in full],
                                                [r["seconds"] for r in runs[tool][1]], iterations)
            row["peak"] = statistics.median(r["peakBytes"] for r in full)
            row["selfPeak"] = statistics.median(r["selfPeakBytes"] for r in full)
            row["score"] = full[0]["score"]
            row["ran"] = sorted({r["iterations"] for r in full})
            row["info"] = full[0]
            problems = []
            if row["ran"] != [iterations]:
                problems.append(f"ran {row['ran']} iterations, not {iterations}")
            scores = [r["score"] for r in full]
            if len(set(scores)) > 1:
                note(f"  note: {tool}'s log-likelihood varied by {max(scores) - min(scores):.3g} across repeats")
            row["problems"] = problems
        rows[tool] = row

    reference = rows["hmmlearn-log"].get("score")
    for tool, row in rows.items():
        if "score" not in row:
            continue
        if reference is not None and tool != "hmmlearn-log":
            row["relDiff"] = abs(row["score"] - reference) / max(abs(reference), 1e-300)
            limit = IMPLEMENTATION_AGREEMENT if tool == "hmmlearn-scaling" else AGREEMENT
            if row["relDiff"] > limit:
                row["problems"].append(f"log-likelihood differs from hmmlearn-log by more than {limit:g}")
        row["status"] = "PASS" if not row["problems"] else "FAIL: " + "; ".join(row["problems"])
    return [rows[t] for t in TOOLS]


def table(rows, info):
    header = ["case", "covariance", "tool", "s/iter", "vs fastest hmmlearn", "peak MiB", "data MiB",
              "mean log-likelihood", "rel. diff vs hmmlearn-log", "status"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 3 + ["---:"] * 6 + ["---"]) + "|"]
    data_mib = mib(info["n"] * DIMENSION * 8) if info else "n/a"
    case = f"{CASE_NAME} ({info['sequences']}x{info['steps']})" if info else CASE_NAME
    for covariance_type in COVARIANCE_TYPES:
        group = [r for r in rows if r["covariance"] == covariance_type]
        hmm_times = [r["perIteration"] for r in group
                     if r["tool"].startswith("hmmlearn") and r.get("perIteration", 0) > 0]
        fastest = min(hmm_times) if hmm_times else None
        for r in group:
            t = r.get("perIteration")
            ratio = f"{fastest / t:.2f}x speed-up" if fastest and t and t > 0 else "n/a"
            if r["tool"].startswith("hmmlearn") and t is not None and fastest is not None:
                ratio = "fastest" if t == fastest else f"{t / fastest:.2f}x slower"
            cells = [case, covariance_type, r["tool"], seconds_text(t), ratio,
                     mib(r["peak"]) if "peak" in r else "n/a", data_mib,
                     f"{r['score']:.10g}" if "score" in r else "n/a",
                     f"{r['relDiff']:.2e}" if "relDiff" in r else ("reference" if "score" in r else "n/a"),
                     r["status"]]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return lines


def main():
    global EMKIT
    parser = argparse.ArgumentParser(
        description="Time `emkit hmm fit` against hmmlearn's GaussianHMM (log and scaling) from identical starts.")
    parser.add_argument("--quick", action="store_true",
                        help=f"sequences of {STEPS // 10} steps instead of {STEPS}, and 1 repeat (smoke test)")
    parser.add_argument("--repeats", type=int, help="runs per measurement; medians are reported (default 3)")
    parser.add_argument("--iterations", type=int, default=ITERATIONS,
                        help=f"Baum-Welch iterations n in (t_n - t_1)/(n - 1) (default {ITERATIONS})")
    parser.add_argument("--covariance", help="comma-separated subset of: " + ", ".join(COVARIANCE_TYPES))
    parser.add_argument("--build", action="store_true", help="run `swift build -c release --product emkit` first")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table and machine lines to FILE")
    parser.add_argument("--emkit", metavar="PATH", help=f"the emkit binary (default {os.path.relpath(EMKIT, REPO)})")
    parser.add_argument("--hmmlearn-threads", type=int, metavar="T",
                        help="cap hmmlearn's BLAS and OpenMP threads with threadpoolctl (default: no cap)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--lengths", help=argparse.SUPPRESS)
    parser.add_argument("--init", help=argparse.SUPPRESS)
    parser.add_argument("--implementation", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        return hmmlearn_worker(args.data, args.lengths, args.init, args.iterations, args.implementation,
                               args.hmmlearn_threads)
    if args.prepare:
        return prepare(args.quick)

    ensure_venv()
    if args.emkit:
        EMKIT = Path(args.emkit).resolve()
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    if repeats < 1:
        fail_setup("--repeats must be at least 1")
    if args.iterations < 2:
        fail_setup("--iterations must be at least 2 (seconds per iteration come from t_n - t_1)")
    types = COVARIANCE_TYPES
    if args.covariance:
        types = [t.strip() for t in args.covariance.split(",") if t.strip()]
        unknown = [t for t in types if t not in COVARIANCE_TYPES]
        if unknown:
            fail_setup(f"unknown covariance type(s) {', '.join(unknown)}; choose from {', '.join(COVARIANCE_TYPES)}")
    emkit_reason = emkit_status(args.build)
    if emkit_reason:
        note(f"emkit: not available ({emkit_reason}); measuring hmmlearn only")

    typed = os.environ.get("COMPARE_HMMLEARN_ARGV0") or os.path.relpath(SCRIPT, Path.cwd())
    command = " ".join(["python3", shlex.quote(typed)] + [shlex.quote(a) for a in sys.argv[1:]])
    load_before = os.getloadavg()[0]
    started = time.perf_counter()

    note(f"{CASE_NAME}: preparing data and initial parameters")
    argv = [sys.executable, str(SCRIPT), "--prepare"] + (["--quick"] if args.quick else [])
    code, stdout, stderr, _, wall = run_child(argv, numpy_environment())
    info = last_json_line(stdout, "npy")
    rows = []
    if code != 0 or info is None:
        for covariance_type in types:
            for tool in TOOLS:
                rows.append({"tool": tool, "covariance": covariance_type,
                             "status": f"FAIL: data preparation failed: {tail(stderr)}"})
    else:
        note(f"  {'reused' if info['reused'] else 'wrote'} {info['csv']} ({info['source']}; {wall:.1f} s)")
        for covariance_type in types:
            rows.extend(benchmark(covariance_type, info, repeats, args.iterations, emkit_reason,
                                  args.hmmlearn_threads))
    elapsed = time.perf_counter() - started

    lines = table(rows, info)
    lines.append("")
    for covariance_type in types:
        group = {r["tool"]: r for r in rows if r["covariance"] == covariance_type}
        log_t = group.get("hmmlearn-log", {}).get("perIteration")
        scaling_t = group.get("hmmlearn-scaling", {}).get("perIteration")
        if log_t and scaling_t and log_t > 0 and scaling_t > 0:
            faster, slower = ("scaling", "log") if scaling_t < log_t else ("log", "scaling")
            lines.append(f"{covariance_type}: hmmlearn implementation=\"{faster}\" is faster, "
                         f"{max(log_t, scaling_t) / min(log_t, scaling_t):.2f}x \"{slower}\" "
                         f"({seconds_text(log_t)} s/iter log, {seconds_text(scaling_t)} s/iter scaling).")
    lines.append(f"Machine: {machine_description()}; Python {sys.version.split()[0]}; 1-minute load average "
                 f"{load_before:.2f} before the run (other work on the machine skews the timings).")
    done = [r for r in rows if "info" in r and r["tool"].startswith("hmmlearn")]
    if done:
        hl = done[0]["info"]
        were = ", ".join(f"{v}={os.environ[v]}" for v in BLAS_VARIABLES if v in os.environ) or "neither was set"
        lines.append(f"hmmlearn {hl['hmmlearn']}, numpy {hl['numpy']}; BLAS: {blas_description(hl['threadpools'])} "
                     f"(OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the worker; {were}"
                     + (f"; capped at {args.hmmlearn_threads} by --hmmlearn-threads" if args.hmmlearn_threads else "")
                     + "). hmmlearn: GaussianHMM, pure maximum likelihood (priors off, covars_weight 0, "
                     "tol -inf so exactly n iterations), fit(X, lengths) timed with time.perf_counter(); "
                     "log-likelihood = score(X, lengths) / N after the fit.")
    emkit_rows = [r for r in rows if r["tool"] == "emkit" and "info" in r]
    if emkit_rows:
        lines.append(f"emkit: {os.path.relpath(EMKIT, REPO)} hmm fit, {emkit_rows[0]['info'].get('threads')} "
                     f"threads; time = fitSeconds from --report-timing; log-likelihood = fit.logLikelihood.")
    elif emkit_reason:
        lines.append(f"emkit: not available ({emkit_reason}).")
    lines.append(f"Seconds per iteration = (median t_n - median t_1) / (n - 1), n = {args.iterations}; "
                 f"{repeats} repeat(s); peak MiB = median of the n-iteration children's ru_maxrss (os.wait4).")
    if info:
        lines.append(f"Data: {info['source']}; {info['sequences']} sequences x {info['steps']} steps, "
                     f"D = {DIMENSION}, K = {STATES}; initial means by k-means++ (seed 0), uniform start "
                     f"probabilities, transitions 0.7 on the diagonal, the data's covariance (its diagonal "
                     f"for 'diagonal').")
    lines.append(f"Command: {command}  (took {elapsed:.0f} s)")
    output = "\n".join(lines) + "\n"
    sys.stdout.write(output)
    if args.markdown:
        Path(args.markdown).write_text(output)
    failures = [r for r in rows if r["status"].startswith("FAIL")]
    if failures:
        note(f"{len(failures)} row(s) FAILED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main() or 0)

#!/usr/bin/env python3
# compare_sklearn.py: time `emkit fit` against scikit-learn's GaussianMixture, side by side.
#
# For every case (a seeded synthetic mixture, or a 321x481 photograph as RGB pixels) and
# covariance type, both tools start from the same parameters (k-means++ means, uniform
# weights, the data's covariance) and run a fixed number of EM iterations with tolerance 0.
# Each fit runs in its own child process; the script reports seconds per iteration, each
# child's peak resident memory and whether the two final mean log-likelihoods agree within
# 1e-6 relative (the script exits non-zero if any case does not).
#
# Run from anywhere:
#     python3 bench/compare_sklearn.py                 # every case, 3 repeats (several minutes)
#     python3 bench/compare_sklearn.py --quick         # N/10 and 1 repeat: a smoke test
#     python3 bench/compare_sklearn.py --cases 10k-2d,200k-8d --repeats 5 --markdown out.md
#     python3 bench/compare_sklearn.py --build         # first `swift build -c release --product emkit`
#
# The first run creates bench/.venv and installs pinned numpy, scikit-learn, threadpoolctl and
# scikit-image into it (a stamp file keeps later runs from reinstalling), then re-executes itself
# there. Data sets are written to bench/data/ (ignored by git) and reused while the generator
# version is unchanged. Without --build the script uses .build/release/emkit as it is.
# See bench/README.md for what is measured and how.

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
STAMP = VENV / ".compare_sklearn-requirements"
DATA = BENCH / "data"
EMKIT = REPO / ".build" / "release" / "emkit"
SCRIPT = Path(__file__).resolve()

REQUIREMENTS = ["numpy==2.4.6", "scikit-learn==1.9.1", "threadpoolctl", "scikit-image==0.26.0"]

# Bump when the data or the initial parameters would come out differently.
GENERATOR_VERSION = 1
REGULARIZATION = 1e-6
KMEANS_PLUSPLUS_STATE = 0
FLOOR_GFLOPS = 90.0  # an AVX2+FMA floor for the 1m-16d case, GFLOP/s
BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# name, N, D, K, covariance types, EM iterations timed, data seed (None: the photograph)
CASES = [
    ("10k-2d", 10_000, 2, 3, ["full"], 100, 20261),  # many iterations: one takes well under a millisecond
    ("200k-8d", 200_000, 8, 8, ["full", "diagonal", "spherical", "tied"], 10, 20262),
    ("1m-16d", 1_000_000, 16, 16, ["full"], 6, 20263),
    ("50k-64d", 50_000, 64, 8, ["full"], 10, 20264),
    ("image-321x481", 321 * 481, 3, 4, ["full"], 10, None),
] + [
    # Segmenting the photograph (seed 000's job) with K = 2…8: run with --cases segment-k2,...
    (f"segment-k{k}", 321 * 481, 3, k, ["full"], 10, None) for k in range(2, 9)
]
DEFAULT_CASES = ["10k-2d", "200k-8d", "1m-16d", "50k-64d", "image-321x481"]
CSV_LIMIT = 200_000
SKLEARN_TYPES = {"full": "full", "diagonal": "diag", "spherical": "spherical", "tied": "tied"}


def fail_setup(message):
    print(f"compare_sklearn.py: {message}", file=sys.stderr)
    sys.exit(2)


# ----------------------------------------------------------------------------------------------
# The virtual environment


def ensure_venv():
    """Creates bench/.venv, installs the pinned packages once, and re-executes inside it."""
    shared_ensure_venv(REQUIREMENTS, SCRIPT, "compare_sklearn")


# ----------------------------------------------------------------------------------------------
# Data sets and initial parameters (the --prepare child; the parent never imports numpy, so it
# stays small and cannot inflate the peak memory its children report)


def random_spd(rng, d):
    import numpy as np

    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q = q * np.sign(np.diag(r))
    eigenvalues = rng.uniform(0.25, 1.0, size=d)  # standard deviations 0.5 to 1 along each axis
    return (q * eigenvalues) @ q.T


def random_means(rng, k, d):
    """K means, each 3 to 5 units (3 to 10 standard deviations) from a previous one, none closer than 3."""
    import numpy as np

    means = [np.zeros(d)]
    while len(means) < k:
        parent = means[rng.integers(len(means))]
        direction = rng.standard_normal(d)
        candidate = parent + direction / np.linalg.norm(direction) * rng.uniform(3.0, 5.0)
        if min(np.linalg.norm(candidate - m) for m in means) >= 3.0:
            means.append(candidate)
    return np.array(means) + rng.uniform(-10, 10, size=d)


def synthetic_mixture(n, d, k, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    means = random_means(rng, k, d)
    covariances = [random_spd(rng, d) for _ in range(k)]
    weights = rng.dirichlet(np.full(k, 5.0))
    counts = rng.multinomial(n, weights)
    parts = []
    for mean, covariance, count in zip(means, covariances, counts):
        factor = np.linalg.cholesky(covariance)
        parts.append(rng.standard_normal((count, d)) @ factor.T + mean)
    x = np.concatenate(parts)
    return np.ascontiguousarray(x[rng.permutation(n)], dtype=np.float64)


def photograph():
    """scikit-image's coffee photograph (400x600, shipped in the wheel), centre-cropped to 321x481."""
    import numpy as np

    try:
        import skimage.data
        import skimage.io

        path = Path(skimage.data.__file__).parent / "coffee.png"
        if not path.exists():  # never fetched from the network
            return None
        image = np.asarray(skimage.io.imread(path))
    except Exception as error:  # noqa: BLE001 - any failure means: use the synthetic image
        note(f"  (no photograph: {error})")
        return None
    if image.ndim != 3 or image.shape[0] < 321 or image.shape[1] < 481:
        return None
    top, left = (image.shape[0] - 321) // 2, (image.shape[1] - 481) // 2
    return image[top:top + 321, left:left + 481, :3]


def synthetic_image(seed=20265):
    """A smooth 321x481 RGB scene: sky gradient, two hills, a disc, plus noise, in 0-255."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:321, 0:481].astype(np.float64)
    image = np.empty((321, 481, 3))
    image[:] = np.array([110.0, 160.0, 225.0]) + (rows / 321.0)[..., None] * np.array([60.0, 50.0, 20.0])
    far_hill = rows > 180 + 35 * np.sin(cols / 70.0)
    image[far_hill] = np.array([70.0, 120.0, 60.0]) + 20 * np.sin(cols[far_hill] / 30.0)[:, None]
    near_hill = rows > 250 + 20 * np.cos(cols / 45.0)
    image[near_hill] = np.array([150.0, 115.0, 70.0])
    disc = (rows - 80) ** 2 + (cols - 360) ** 2 < 40 ** 2
    image[disc] = np.array([245.0, 220.0, 120.0])
    image += rng.normal(0, 8, size=image.shape)
    return np.clip(np.round(image), 0, 255)


def initial_model(x, k, covariance_type):
    """The EMKit model file both tools start from."""
    import numpy as np
    from sklearn.cluster import kmeans_plusplus

    d = x.shape[1]
    means, _ = kmeans_plusplus(x, n_clusters=k, random_state=KMEANS_PLUSPLUS_STATE)
    data_covariance = np.atleast_2d(np.cov(x, rowvar=False, bias=True))
    if covariance_type in ("full", "tied"):
        shared = (data_covariance + data_covariance.T) / 2
    elif covariance_type == "diagonal":
        shared = np.diag(np.diag(data_covariance))
    else:
        shared = np.eye(d) * np.mean(np.diag(data_covariance))
    return {
        "format": "emkit-model",
        "formatVersion": 1,
        "kind": "gaussian-mixture",
        "covarianceType": covariance_type,
        "componentCount": k,
        "dimension": d,
        "weights": [1.0 / k] * k,
        "means": means.tolist(),
        "covariances": [shared.tolist() for _ in range(k)],
        "regularization": REGULARIZATION,
    }


def prepare(name, quick):
    """Writes (or reuses) the case's .npy, .csv, init files and metadata; prints a JSON summary."""
    import numpy as np

    _, n, d, k, types, _, seed = case_by_name(name)
    folder = DATA / ("quick" if quick else "full")
    meta_path = folder / f"{name}.meta.json"
    paths = {
        "npy": folder / f"{name}.npy",
        "csv": folder / f"{name}.csv",
        "inits": {t: folder / f"{name}.init-{t}.json" for t in types},
    }
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    fresh = (
        meta is not None
        and meta.get("generatorVersion") == GENERATOR_VERSION
        and paths["npy"].exists()
        and (n > CSV_LIMIT or paths["csv"].exists())
        and all(p.exists() for p in paths["inits"].values())
    )
    if not fresh:
        note(f"  generating {name}{' (quick)' if quick else ''} ...")
        if seed is None:
            pixels = photograph()
            source = "photograph: scikit-image coffee, centre-cropped to 321x481"
            if pixels is None:
                pixels = synthetic_image()
                source = "SYNTHETIC image (no photograph shipped offline): smooth regions plus noise"
            x = np.ascontiguousarray(pixels.reshape(-1, 3), dtype=np.float64)
            if quick:
                x = np.ascontiguousarray(x[::10])
            header = "red,green,blue"
        else:
            x = synthetic_mixture(n // 10 if quick else n, d, k, seed)
            source = f"synthetic: random {k}-component Gaussian mixture, seed {seed}"
            header = ",".join(f"x{j + 1}" for j in range(d))
        assert x.dtype == np.float64 and x.flags["C_CONTIGUOUS"] and x.shape[1] == d
        write_atomically(paths["npy"], lambda s: np.save(s, x, allow_pickle=False))
        if n <= CSV_LIMIT:  # the case's N, so --quick writes the same kinds of file
            write_atomically(
                paths["csv"],
                lambda s: np.savetxt(s, x, fmt="%.17g", delimiter=",", header=header, comments=""))
        elif paths["csv"].exists():
            paths["csv"].unlink()
        for covariance_type, path in paths["inits"].items():
            model = initial_model(x, k, covariance_type)
            write_atomically(path, lambda s: s.write((json.dumps(model) + "\n").encode()))
        meta = {"generatorVersion": GENERATOR_VERSION, "n": int(x.shape[0]), "d": d, "k": k,
                "seed": seed, "source": source}
        write_atomically(meta_path, lambda s: s.write((json.dumps(meta, indent=1) + "\n").encode()))
    print(json.dumps({
        "n": meta["n"], "d": meta["d"], "k": meta["k"], "source": meta["source"], "reused": fresh,
        "npy": str(paths["npy"]), "inits": {t: str(p) for t, p in paths["inits"].items()},
    }))


# ----------------------------------------------------------------------------------------------
# The scikit-learn worker (the --worker child)


def sklearn_worker(data_path, init_path, iterations, threads=None):
    import warnings

    import numpy as np
    import sklearn
    import threadpoolctl
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    x = np.load(data_path)
    init = json.loads(Path(init_path).read_text())
    covariance_type = init["covarianceType"]
    covariances = np.array(init["covariances"], dtype=np.float64)
    if covariance_type == "full":
        precisions = np.linalg.inv(covariances)
        precisions = (precisions + np.swapaxes(precisions, 1, 2)) / 2
    elif covariance_type == "tied":
        precisions = np.linalg.inv(covariances[0])
        precisions = (precisions + precisions.T) / 2
    elif covariance_type == "diagonal":
        precisions = 1.0 / np.diagonal(covariances, axis1=1, axis2=2)
    else:
        precisions = 1.0 / covariances[:, 0, 0]
    gmm = GaussianMixture(
        n_components=init["componentCount"], covariance_type=SKLEARN_TYPES[covariance_type],
        tol=0.0, reg_covar=REGULARIZATION, max_iter=iterations, n_init=1,
        init_params="random_from_data", random_state=0,
        weights_init=np.array(init["weights"]), means_init=np.array(init["means"]),
        precisions_init=precisions)
    with warnings.catch_warnings(), threadpoolctl.threadpool_limits(limits=threads):
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        gmm.fit(x)
        seconds = time.perf_counter() - started
        pools = [{key: pool.get(key) for key in ("user_api", "internal_api", "version", "architecture",
                                                  "num_threads", "threading_layer", "filepath")}
                 for pool in threadpoolctl.threadpool_info()]
    score = float(gmm.score(x))
    print(json.dumps({
        "seconds": seconds, "score": score, "iterations": int(gmm.n_iter_),
        "lowerBound": float(gmm.lower_bound_), "selfPeakBytes": self_peak_bytes(),
        "numpy": np.__version__, "sklearn": sklearn.__version__, "threadpools": pools,
    }))


# ----------------------------------------------------------------------------------------------
# Running children


def run_child(argv, env, timeout_note=""):
    """Runs argv with stdout and stderr in files; returns (exit code, stdout, stderr, peak bytes, wall s).

    fork + exec (not vfork or posix_spawn, whose child inherits the parent's peak), and os.wait4 on
    that one pid, so the peak is this child's own: the kernel reports the larger of the child's
    peak and this small parent's resident size at the fork.
    """
    with tempfile.TemporaryDirectory(prefix="compare_sklearn.") as folder:
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


def run_sklearn(data_path, init_path, iterations, threads=None):
    argv = [sys.executable, str(SCRIPT), "--worker", "--data", data_path, "--init", init_path,
            "--iterations", str(iterations)]
    if threads is not None:
        argv += ["--sklearn-threads", str(threads)]
    code, stdout, stderr, peak, _ = run_child(argv, numpy_environment())
    result = last_json_line(stdout, "seconds")
    if code != 0 or result is None:
        raise RunError(f"scikit-learn worker exited {code}: {tail(stderr)}")
    result["peakBytes"] = peak
    return result


def run_emkit(data_path, init_path, covariance_type, k, iterations):
    argv = [str(EMKIT), "fit", data_path, "-k", str(k), "--covariance", covariance_type,
            "--init-from", init_path, "--tolerance", "0", "--max-iterations", str(iterations),
            "--format", "json", "--report-timing", "--quiet"]
    code, stdout, stderr, peak, _ = run_child(argv, dict(os.environ))
    if code != 0:
        raise RunError(f"emkit exited {code}: {tail(stderr)}")
    timing = last_json_line(stderr, "fitSeconds")
    if timing is None:
        raise RunError(f"emkit printed no timing line on standard error: {tail(stderr)}")
    try:
        model = json.loads(stdout)
    except ValueError as error:
        raise RunError(f"emkit's standard output is not a model file: {error}") from None
    fit = model.get("fit", {})
    return {"seconds": float(timing["fitSeconds"]), "score": float(fit["logLikelihood"]),
            "iterations": int(fit.get("iterations", timing.get("iterations", -1))),
            "threads": timing.get("threads"), "kernel": timing.get("kernel"),
            "selfPeakBytes": int(timing.get("peakResidentBytes", 0)), "peakBytes": peak}


# ----------------------------------------------------------------------------------------------
# The benchmark


def case_by_name(name):
    for case in CASES:
        if case[0] == name:
            return case
    raise KeyError(name)


def check_emkit(build):
    if build:
        note("building: swift build -c release --product emkit ...")
        result = subprocess.run(["swift", "build", "-c", "release", "--product", "emkit"], cwd=REPO,
                                stdout=sys.stderr)
        if result.returncode != 0:
            fail_setup("swift build -c release --product emkit failed")
    if not os.access(EMKIT, os.X_OK):
        fail_setup(f"no emkit binary at {EMKIT}.\n  Pass --build, or run `swift build -c release` "
                   f"in {REPO} first.")
    help_text = subprocess.run([str(EMKIT), "fit", "--help"], capture_output=True, text=True).stdout
    if "--report-timing" not in help_text:
        fail_setup(f"{EMKIT} has no `fit --report-timing` (an older build?).\n  Pass --build, or run "
                   f"`swift build -c release` in {REPO} first.")


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
    return f"{model}, {os.cpu_count()} cores ({simd})", flags


def emkit_kernel(flags, reported):
    if reported:
        return str(reported)
    binary = EMKIT.read_bytes()
    if b"emk_kernels_use_avx2" not in binary:
        return "unknown"
    if {"avx2", "fma"} <= flags:
        return "AVX2+FMA C kernels (run-time dispatch; inferred from the CPU's avx2 and fma flags)"
    return "portable C kernels (run-time dispatch; the CPU lacks avx2 or fma)"


def blas_description(pools):
    blas = [p for p in pools if p.get("user_api") == "blas"]
    if not blas:
        return "no BLAS found by threadpoolctl"
    def owner(pool):  # which wheel ships this copy: numpy's does the matrix products
        path = str(pool.get("filepath") or "")
        return next((f"{name}'s " for name in ("numpy", "scipy", "sklearn") if f"{name}.libs" in path
                     or f"/{name}/" in path), "")
    return "; ".join(
        f"{owner(p)}{p.get('internal_api')} {p.get('version')}, kernel '{p.get('architecture')}', "
        f"{p.get('num_threads')} threads" for p in blas)


def seconds_text(value):
    if value is None:
        return "n/a"
    return f"{value:.4g}"


def benchmark_case(case, covariance_type, info, repeats, sklearn_threads):
    name, _, d, k, _, iterations, _ = case
    data_path, init_path = info["npy"], info["inits"][covariance_type]
    runs = {"sklearn": {iterations: [], 1: []}, "emkit": {iterations: [], 1: []}}
    for repeat in range(repeats):
        order = ["sklearn", "emkit"] if repeat % 2 == 0 else ["emkit", "sklearn"]
        for count in (iterations, 1):
            for tool in order:
                note(f"  {name} {covariance_type}: {tool}, {count} iteration{'s' if count > 1 else ''} "
                     f"(repeat {repeat + 1}/{repeats})")
                if tool == "sklearn":
                    result = run_sklearn(data_path, init_path, count, sklearn_threads)
                else:
                    result = run_emkit(data_path, init_path, covariance_type, k, count)
                runs[tool][count].append(result)
    row = {"case": name, "covariance": covariance_type, "n": info["n"], "d": d, "k": k,
           "iterations": iterations, "dataBytes": info["n"] * d * 8}
    for tool in ("sklearn", "emkit"):
        full = runs[tool][iterations]
        row[f"{tool}PerIteration"] = per_iteration(
            [r["seconds"] for r in full], [r["seconds"] for r in runs[tool][1]], iterations)
        row[f"{tool}Peak"] = statistics.median(r["peakBytes"] for r in full)
        row[f"{tool}SelfPeak"] = statistics.median(r["selfPeakBytes"] for r in full)
        row[f"{tool}Score"] = full[0]["score"]
        row[f"{tool}Iterations"] = [r["iterations"] for r in full]
        row[f"{tool}Scores"] = [r["score"] for r in full]
    row["sklearnInfo"] = runs["sklearn"][iterations][0]
    row["emkitInfo"] = runs["emkit"][iterations][0]
    a, b = row["sklearnScore"], row["emkitScore"]
    row["relDiff"] = abs(a - b) / max(abs(a), 1e-300)
    problems = []
    if row["relDiff"] > 1e-6:
        problems.append("log-likelihoods differ")
    for tool in ("sklearn", "emkit"):
        if any(i != iterations for i in row[f"{tool}Iterations"]):
            problems.append(f"{tool} ran {row[f'{tool}Iterations']} iterations, not {iterations}")
        if len(set(row[f"{tool}Scores"])) > 1:
            spread = max(row[f"{tool}Scores"]) - min(row[f"{tool}Scores"])
            note(f"  note: {tool}'s log-likelihood varied by {spread:.3g} across repeats")
    row["status"] = "PASS" if not problems else "FAIL: " + "; ".join(problems)
    if row["relDiff"] > 1e-6:
        lower = row["sklearnInfo"]["lowerBound"]
        if abs(lower - b) / max(abs(lower), 1e-300) <= 1e-6:
            note(f"  note: emkit's log-likelihood matches scikit-learn's lower_bound_ (the E-step before "
                 f"the last M-step), not score(X) after it")
    return row


def failed_row(case, covariance_type, info, error):
    name, _, d, k, _, iterations, _ = case
    n = info["n"] if info else case[1]
    return {"case": name, "covariance": covariance_type, "n": n, "d": d, "k": k,
            "iterations": iterations, "dataBytes": n * d * 8, "status": f"FAIL: {error}"}


def table(rows):
    header = ["case", "covariance", "N", "D", "K", "scikit-learn s/iter", "emkit s/iter",
              "speed-up (sklearn/emkit)", "scikit-learn peak MiB", "emkit peak MiB", "data MiB",
              "log-likelihood rel. diff", "status"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 10 + ["---"]) + "|"]
    for r in rows:
        sk, em = r.get("sklearnPerIteration"), r.get("emkitPerIteration")
        speedup = f"{sk / em:.2f}x" if sk and em and em > 0 and sk > 0 else "n/a"
        cells = [r["case"], r["covariance"], str(r["n"]), str(r["d"]), str(r["k"]), seconds_text(sk),
                 seconds_text(em), speedup,
                 mib(r["sklearnPeak"]) if "sklearnPeak" in r else "n/a",
                 mib(r["emkitPeak"]) if "emkitPeak" in r else "n/a",
                 mib(r["dataBytes"]),
                 f"{r['relDiff']:.2e}" if "relDiff" in r else "n/a", r["status"]]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def main():
    parser = argparse.ArgumentParser(
        description="Time `emkit fit` against scikit-learn's GaussianMixture from identical starts.")
    parser.add_argument("--quick", action="store_true", help="divide every N by 10 and run 1 repeat (smoke test)")
    parser.add_argument("--cases", help="comma-separated case names (default: all): "
                        + ", ".join(c[0] for c in CASES))
    parser.add_argument("--repeats", type=int, help="runs per measurement; medians are reported (default 3)")
    parser.add_argument("--build", action="store_true", help="run `swift build -c release --product emkit` first")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table and machine lines to FILE")
    parser.add_argument("--sklearn-threads", type=int, metavar="T",
                        help="cap scikit-learn's BLAS and OpenMP threads with threadpoolctl (default: no cap)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", metavar="CASE", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--init", help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        return sklearn_worker(args.data, args.init, args.iterations, args.sklearn_threads)
    if args.prepare:
        return prepare(args.prepare, args.quick)

    ensure_venv()
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    if repeats < 1:
        fail_setup("--repeats must be at least 1")
    cases = [c for c in CASES if c[0] in DEFAULT_CASES]
    if args.cases:
        names = [n.strip() for n in args.cases.split(",") if n.strip()]
        unknown = [n for n in names if n not in {c[0] for c in CASES}]
        if unknown:
            fail_setup(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(c[0] for c in CASES)}")
        cases = [c for c in CASES if c[0] in names]
    check_emkit(args.build)

    typed = os.environ.get("COMPARE_SKLEARN_ARGV0") or os.path.relpath(SCRIPT, Path.cwd())
    command = " ".join(["python3", shlex.quote(typed)] + [shlex.quote(a) for a in sys.argv[1:]])
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    rows, sources = [], []
    for case in cases:
        name = case[0]
        note(f"{name}: preparing data and initial parameters")
        argv = [sys.executable, str(SCRIPT), "--prepare", name] + (["--quick"] if args.quick else [])
        code, stdout, stderr, _, wall = run_child(argv, numpy_environment())
        info = last_json_line(stdout, "npy")
        if code != 0 or info is None:
            for covariance_type in case[4]:
                rows.append(failed_row(case, covariance_type, None, f"data preparation failed: {tail(stderr)}"))
            continue
        note(f"  {'reused' if info['reused'] else 'wrote'} {info['npy']} ({info['source']}; {wall:.1f} s)")
        sources.append(f"{name}: {info['source']}")
        for covariance_type in case[4]:
            try:
                rows.append(benchmark_case(case, covariance_type, info, repeats, args.sklearn_threads))
            except RunError as error:
                note(f"  FAIL: {error}")
                rows.append(failed_row(case, covariance_type, info, error))
    elapsed = time.perf_counter() - started

    machine, flags = machine_description()
    done = [r for r in rows if "sklearnInfo" in r]
    lines = table(rows)
    lines.append("")
    lines.append(f"Machine: {machine}; Python {sys.version.split()[0]}; 1-minute load average "
                 f"{load_before:.2f} before the run (other work on the machine skews the timings).")
    if done:
        sk = done[0]["sklearnInfo"]
        em = done[0]["emkitInfo"]
        were = ", ".join(f"{v}={os.environ[v]}" for v in BLAS_VARIABLES if v in os.environ) or "neither was set"
        lines.append(f"scikit-learn {sk['sklearn']}, numpy {sk['numpy']}; BLAS: {blas_description(sk['threadpools'])} "
                     f"(OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the worker; {were}"
                     + (f"; capped at {args.sklearn_threads} by --sklearn-threads" if args.sklearn_threads else "")
                     + ").")
        lines.append(f"emkit: {os.path.relpath(EMKIT, REPO)}, {em.get('threads')} threads, "
                     f"{emkit_kernel(flags, em.get('kernel'))}.")
    lines.append(f"Seconds per iteration = (median t_n - median t_1) / (n - 1), n = "
                 f"{', '.join(sorted({f'{c[5]} ({c[0]})' for c in cases}))}; {repeats} repeat(s); "
                 f"peak MiB = median of the n-iteration children's ru_maxrss (os.wait4).")
    lines.extend(f"Data: {s}." for s in sources)
    if done:
        # ru_maxrss against the peak each child reports itself (its VmHWM): they should agree, but
        # emkit reads its own when the fit ends, before it encodes and prints the model.
        gaps = [(abs(r[f"{t}Peak"] - r[f"{t}SelfPeak"]) / r[f"{t}SelfPeak"], r["case"], r["covariance"], t)
                for r in done for t in ("sklearn", "emkit") if r[f"{t}SelfPeak"]]
        if gaps:
            gap, case_name, covariance_type, tool = max(gaps)
            lines.append(f"Memory cross-check: ru_maxrss against each child's own VmHWM (emkit's read at the "
                         f"end of the fit, before it writes the model): largest gap {100 * gap:.1f}% "
                         f"({tool}, {case_name} {covariance_type}).")
    for r in done:
        if r["case"] == "1m-16d":
            flops = r["n"] * r["k"] * (2 * r["d"] ** 2 + 8 * r["d"])
            floor = flops / (FLOOR_GFLOPS * 1e9)
            em_rate = flops / r["emkitPerIteration"] / 1e9 if r["emkitPerIteration"] > 0 else float("nan")
            sk_rate = flops / r["sklearnPerIteration"] / 1e9 if r["sklearnPerIteration"] > 0 else float("nan")
            lines.append(
                f"1m-16d ({r['covariance']}, N={r['n']}): N·K·(2D²+8D) = {flops / 1e9:.3f} GFLOP per iteration; "
                f"emkit {em_rate:.1f} GFLOP/s (scikit-learn {sk_rate:.1f}); AVX2+FMA floor at "
                f"{FLOOR_GFLOPS:.0f} GFLOP/s = {floor:.4f} s/iter, emkit takes "
                f"{r['emkitPerIteration'] / floor:.2f}x the floor.")
    lines.append(f"Command: {command}  (took {elapsed:.0f} s)")
    output = "\n".join(lines) + "\n"
    sys.stdout.write(output)
    if args.markdown:
        Path(args.markdown).write_text(output)
    failures = [r for r in rows if r["status"] != "PASS"]
    if failures:
        note(f"{len(failures)} case(s) FAILED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main() or 0)

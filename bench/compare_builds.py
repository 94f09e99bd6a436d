#!/usr/bin/env python3
"""Two builds of emkit side by side: seconds per EM iteration of `emkit bench`, for refactors
that must not slow anything down.

    swift build -c release --product emkit                      # the new build
    git worktree add /tmp/old-emkit <commit> && (cd /tmp/old-emkit && swift build -c release --product emkit)
    python3 bench/compare_builds.py /tmp/old-emkit/.build/release/emkit .build/release/emkit

Each case runs `emkit bench --iterations 5` five times per build, alternating the builds so that
the machine's drift falls on both, and prints a Markdown table of the medians, their ratio and
whether the two builds' final log-likelihoods are equal (bit for bit). Needs only Python 3.
"""

import argparse
import json
import statistics
import subprocess

CASES = [(200_000, 8, 8, c) for c in ("full", "diagonal", "spherical", "tied")] + [
    (50_000, 64, 8, "full"),
    (154_401, 3, 4, "full"),
]


def run(executable, n, d, k, covariance):
    out = subprocess.run(
        [executable, "bench", "-n", str(n), "-d", str(d), "-k", str(k), "--covariance", covariance,
         "--iterations", "5", "--format", "json"],
        capture_output=True, text=True, check=True).stdout
    record = json.loads(out.strip().splitlines()[-1])
    return record["secondsPerIteration"], record["logLikelihood"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", help="the reference emkit executable")
    parser.add_argument("new", help="the emkit executable to compare")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| case | old s/iter | new s/iter | new/old | log-likelihood equal |")
    print("|---|---:|---:|---:|---|")
    for n, d, k, covariance in CASES:
        times = {"old": [], "new": []}
        results = {}
        for repeat in range(args.repeats):
            order = [("old", args.old), ("new", args.new)]
            for name, executable in order if repeat % 2 == 0 else reversed(order):
                seconds, log_likelihood = run(executable, n, d, k, covariance)
                times[name].append(seconds)
                results[name] = log_likelihood
        old, new = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"| {n}×{d}, K={k}, {covariance} | {old:.4f} | {new:.4f} | {new / old:.2f} | "
              f"{results['old'] == results['new']} |", flush=True)


if __name__ == "__main__":
    main()

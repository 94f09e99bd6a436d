#!/usr/bin/env bash
# Builds EMKit's fuzz targets with libFuzzer and AddressSanitizer and runs each for a while.
#
#   fuzz/run.sh                 # every target, 60 s each
#   fuzz/run.sh 600 FuzzCSV     # one target, 10 minutes
#   FUZZ_RUNS=1000000 fuzz/run.sh 0   # every target for exactly 10^6 executions
#   FUZZ_RUNS=20000 FUZZ_SEED=1 fuzz/run.sh 0   # what CI runs: repeatable, from the seed corpus only
#
# Corpora grow in fuzz/.corpus/TARGET (ignored by git), seeded from fuzz/corpus/TARGET; crashes
# are written to fuzz/findings/ and the run fails. A finding's input becomes a regression test
# (Tests/EMKitTests/HostileInputTests.swift) before it is fixed.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=(FuzzCSV FuzzNumpy FuzzModelFiles FuzzImages FuzzCoinRounds FuzzArguments FuzzSequenceLengths FuzzStatisticsArchive); fi

# The parsers run under AddressSanitizer. The argument layer (FuzzArguments) holds no unsafe code
# and spends its time in ArgumentParser's reflection, which ASan slows threefold: it is built
# optimised and without ASan, so that 10^6 executions take an hour; a trap is still a finding.
flags() {
    if [ "$1" = FuzzArguments ]; then
        echo -c release --scratch-path .build-fuzz-release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library \
            -Xcc -fsanitize=fuzzer-no-link
    else
        echo -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
            -Xcc -fsanitize=fuzzer-no-link -Xcc -fsanitize=address
    fi
}
for target in "${targets[@]}"; do
    # shellcheck disable=SC2046
    swift build $(flags "$target") --product "$target" >&2
done
mkdir -p findings
status=0
for target in "${targets[@]}"; do
    corpus=".corpus/$target"
    limit=(-max_total_time="$seconds")
    if [ "$seconds" = 0 ]; then limit=(-runs="${FUZZ_RUNS:-1000000}"); fi
    if [ -n "${FUZZ_SEED:-}" ]; then
        # Repeatable: a fixed seed and a fresh working corpus grown from the committed seeds only.
        corpus="$(mktemp -d)"
        limit+=(-seed="$FUZZ_SEED")
    fi
    mkdir -p "$corpus"
    echo "== $target (${limit[*]})" >&2
    # shellcheck disable=SC2046
    bin="$(swift build $(flags "$target") --show-bin-path)"
    if ! ASAN_OPTIONS=detect_leaks=1 "$bin/$target" "${limit[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -dict=emkit.dict -artifact_prefix="findings/$target-" -print_final_stats=1 "$corpus" "corpus/$target" 2>"findings/$target.log"; then
        echo "$target: FINDING (see fuzz/findings/$target.log)" >&2
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov: " "findings/$target.log" | tail -3 >&2 || true
done
exit $status

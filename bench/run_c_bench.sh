#!/usr/bin/env bash
# Runs the C push/pop benchmark (wall-clock figures) and, when valgrind is there, counts the
# instructions per pair of each loop with callgrind (stable on a noisy machine).
# usage: bench/run_c_bench.sh [build-dir]
set -euo pipefail
build=${1:-build-bench}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$build" -DTIMEMORY_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target bench_push_pop bench_hwcounters >/dev/null
"$build/bench_push_pop"
# one hardware-counter sample (perf_event/PAPI read) beside clock_gettime; n/a rows where this
# machine cannot count the events
"$build/bench_hwcounters" || true
if command -v valgrind >/dev/null; then
    n=200000
    echo "callgrind instructions per pair ($n pairs):"
    for fn in loop_clock_reads loop_push_pop_id loop_push_pop_two loop_push_pop_region loop_push_pop_timeline loop_paused loop_paused_inline \
              loop_paused_in_region loop_paused_inline_in_region loop_paused_region_in_region; do
        out=$(mktemp)
        valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$fn" \
            "$build/bench_push_pop" "$n" 1 >/dev/null 2>&1 || true
        ir=$(grep -E '^(summary|totals):' "$out" | head -1 | awk '{print $2}')
        rm -f "$out"
        awk -v fn="$fn" -v ir="$ir" -v n="$n" 'BEGIN{printf "  %-24s %8.1f instructions/pair\n", fn, ir/n}'
    done
fi

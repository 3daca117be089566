#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (-DTIMEMORY_BUILD_FUZZ=ON, folder
# build-fuzz) and runs each for SECONDS seconds (default 60), starting from the committed seeds
# in fuzz/corpus/<target>/ and keeping what it finds in build-fuzz/corpus-<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 300 fuzz_json_reader
# A crash leaves its input as build-fuzz/crash-* and the script exits non-zero; add the input
# to fuzz/corpus/<name>/ once fixed, so that the C test runner replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-60}
shift || true
cc=${CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz.sh: unavailable: '$cc' not found; libFuzzer needs clang (apt-get install clang)" >&2
    exit 2
fi

build="$root/build-fuzz"
CC="$cc" cmake -S . -B "$build" -DTIMEMORY_BUILD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for src in fuzz/*.c; do targets+=("$(basename "$src" .c)"); done
fi
cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null

status=0
for target in "${targets[@]}"; do
    name=${target#fuzz_}
    seeds="$root/fuzz/corpus/$name"
    found="$build/corpus-$name"
    log="$build/$target.log"
    mkdir -p "$found"
    echo "== $target for ${seconds}s (seeds: fuzz/corpus/$name, log: $log)"
    # stdout of the library (console lines) is closed; stderr (warnings, reports) goes to the log
    if (cd "$build" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "./$target" -max_total_time="$seconds" -close_fd_mask=1 -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 "$found" "$seeds" >"$log" 2>&1); then
        grep -E "^Done|#[0-9]+.*DONE" "$log" | tail -1 || true
    else
        status=1
        echo "$target FAILED; the end of $log:" >&2
        tail -40 "$log" >&2
    fi
done
exit $status

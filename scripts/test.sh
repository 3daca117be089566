#!/usr/bin/env bash
# Installs everything and runs every test: the C tests (plain, then under AddressSanitizer and
# UndefinedBehaviorSanitizer; the MPI side under mpirun -np 4), ruff, pytest (which also
# builds the C examples against the installed library with pkg-config -- the MPI one with
# mpicc -- and checks their files; tests/python/test_mpi.py runs mpirun -np 4 with mpi4py),
# then mypy and stubtest on the type stubs.
# .ci/run calls this script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}
venv=${VENV:-$root/.venv-test}

if [ "$(id -u)" = 0 ]; then bash scripts/install-deps.sh; fi

echo "== python environment ($venv)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q ".[test]"

echo "== C tests"
cmake -S . -B build-tests -DTIMEMORY_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-tests -j2 >/dev/null
(cd build-tests && TIMEMORY_OUTPUT_PATH="$root/build-tests/out" ./timemory_c_tests)

# MPI: CMake found it (always in CI: install-deps.sh installs OpenMPI) -> the plugin and the
# MPI-side C test, run under mpirun with 4 ranks
mpirun_flags=(-np 4)
if mpirun --version 2>/dev/null | grep -q "Open MPI"; then
    mpirun_flags+=(--oversubscribe)
    if [ "$(id -u)" = 0 ]; then mpirun_flags+=(--allow-run-as-root); fi
fi
if [ -x build-tests/timemory_mpi_tests ]; then
    echo "== C MPI tests (mpirun ${mpirun_flags[*]})"
    (cd build-tests && mpirun "${mpirun_flags[@]}" ./timemory_mpi_tests)
elif [ "${CI:-}" = true ]; then
    echo "CI: CMake did not find MPI (scripts/install-deps.sh installs OpenMPI)" >&2
    exit 1
else
    echo "== C MPI tests: skipped, CMake did not find MPI"
fi

echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DTIMEMORY_BUILD_TESTS=ON -DTIMEMORY_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j2 --target timemory_c_tests >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    TIMEMORY_OUTPUT_PATH="$root/build-asan/out" ./timemory_c_tests)
if [ -x build-tests/timemory_mpi_tests ]; then
    # leaks not checked: Open MPI's own allocations outlive MPI_Finalize
    cmake --build build-asan -j2 --target timemory_mpi_tests >/dev/null
    (cd build-asan && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
        mpirun "${mpirun_flags[@]}" ./timemory_mpi_tests)
fi

# ThreadSanitizer: the C tests (threads recording, results read while they record, finished
# threads compacted, files made on two threads) and the extension's thread tests (8 threads x
# 10^5 markers exact, get() during a run), which must report no race. Signal handlers that
# fork a writer and a writer stuck on a lock on purpose are what those tests are about:
# TSan's signal-safety and deadlock reports are off for them.
echo "== C tests and the extension's thread tests under ThreadSanitizer"
tsan_options="halt_on_error=1 exitcode=66 report_signal_unsafe=0 detect_deadlocks=0"
cmake -S . -B build-tsan -DTIMEMORY_BUILD_TESTS=ON -DTIMEMORY_SANITIZE_THREAD=ON \
    -DTIMEMORY_BUILD_PYTHON=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-tsan -j2 --target timemory_c_tests >/dev/null
(cd build-tsan && TSAN_OPTIONS="$tsan_options" TIMEMORY_OUTPUT_PATH="$root/build-tsan/out" \
    ./timemory_c_tests)
gcc -std=c11 -D_GNU_SOURCE -DTIMEMORY_BUILDING_LIBRARY -O1 -g -fsanitize=thread \
    -Wall -Wextra -Werror -Iinclude -Ibuild-tests/include -Isrc src/*.c \
    tests/tsan/get_while_recording.c -lpthread -lm -ldl -o build-tsan/get_while_recording
TSAN_OPTIONS="$tsan_options" build-tsan/get_while_recording
tvenv="$root/.venv-tsan"
[ -x "$tvenv/bin/python" ] || "$python" -m venv "$tvenv"
"$tvenv/bin/python" -m pip install -q --upgrade pip
"$tvenv/bin/python" -m pip install -q pytest
"$tvenv/bin/python" -m pip install -q --no-deps -Ccmake.build-type=RelWithDebInfo \
    -Ccmake.define.TIMEMORY_SANITIZE_THREAD=ON -Cbuild-dir=build-py-tsan .
(cd tests/python && TSAN_OPTIONS="$tsan_options" \
    LD_PRELOAD="$(gcc -print-file-name=libtsan.so)" "$tvenv/bin/python" -m pytest -q \
    -p no:cacheprovider test_threads.py test_ext.py test_ext_components.py test_profiler.py \
    test_trace.py -k thread)

# The extension (profiler, tracer, markers) under the same sanitizers, on this Python: the
# library is preloaded into an uninstrumented interpreter, leaks (CPython's own) not checked.
echo "== the extension under AddressSanitizer + UndefinedBehaviorSanitizer"
avenv="$root/.venv-asan"
[ -x "$avenv/bin/python" ] || "$python" -m venv "$avenv"
"$avenv/bin/python" -m pip install -q --upgrade pip
"$avenv/bin/python" -m pip install -q pytest numpy bytecode
"$avenv/bin/python" -m pip install -q --no-deps -Ccmake.build-type=Debug \
    -Ccmake.define.TIMEMORY_SANITIZE=ON -Cbuild-dir=build-py-asan .
(cd tests/python && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    LD_PRELOAD="$(gcc -print-file-name=libasan.so)" "$avenv/bin/python" -m pytest -q \
    -p no:cacheprovider test_ext.py test_ext_components.py test_profiler.py test_trace.py \
    test_hot_path.py test_line_profiler.py test_line_rewrite.py \
    test_session.py)

# A component added the way docs/adding-a-component.md says (one table row, one sampler): the
# build option TIMEMORY_TEST_COMPONENT compiles in the test row (id 65, beyond the seed's 64);
# the C tests and the Python side (class, lookup, markers, get()) check its exact values.
echo "== a component added by one row (TIMEMORY_TEST_COMPONENT)"
cmake -S . -B build-added -DTIMEMORY_BUILD_TESTS=ON -DTIMEMORY_TEST_COMPONENT=ON \
    -DTIMEMORY_BUILD_PYTHON=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-added -j2 --target timemory_c_tests >/dev/null
(cd build-added && TIMEMORY_OUTPUT_PATH="$root/build-added/out" ./timemory_c_tests)
"$avenv/bin/python" -m pip install -q --no-deps -Ccmake.define.TIMEMORY_TEST_COMPONENT=ON \
    -Cbuild-dir=build-py-added .
(cd tests/python && "$avenv/bin/python" -m pytest -q -p no:cacheprovider \
    test_component_added.py test_component.py)

echo "== the wheel repaired by auditwheel keeps one engine"
bash scripts/check_wheel_repair.sh "$python"

echo "== ruff"
"$venv/bin/python" -m ruff check python tests bench examples

# The C sources follow the committed .clang-format (clang-format 14, Debian's; install-deps.sh)
echo "== clang-format"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z '*.c' '*.h'
else
    find src ext include plugins tools tests bench fuzz examples -name '*.[ch]' -print0
fi | xargs -0 clang-format --dry-run --Werror

# The other CPython versions this machine has (pyenv): build, install and run the tests of
# the extension, the profiler and the tracer on each. TIMEMORY_TEST_VERSIONS="" skips this.
versions=${TIMEMORY_TEST_VERSIONS-3.9 3.10 3.12 3.13}
for v in $versions; do
    py=$(ls -d /root/.pyenv/versions/$v.*/bin/python 2>/dev/null | tail -1 || true)
    [ -n "$py" ] || { echo "== Python $v: not installed here, skipped"; continue; }
    echo "== Python $v ($py)"
    vvenv="$root/.venv-test-$v"
    [ -x "$vvenv/bin/python" ] || "$py" -m venv "$vvenv"
    "$vvenv/bin/python" -m pip install -q --upgrade pip
    "$vvenv/bin/python" -m pip install -q ".[test]"
    (cd tests/python && "$vvenv/bin/python" -m pytest -q -p no:cacheprovider \
        test_ext.py test_ext_components.py test_package.py test_util.py test_hot_path.py \
        test_session.py \
        $(ls test_profiler*.py test_trace*.py 2>/dev/null))
done

echo "== pytest (Python $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])'))"
(cd tests/python && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

# The type stubs (tests/typing/): a script using the documented API passes mypy --strict; its
# negative twin fails with exactly the error codes it marks; stubtest compares every stub with
# the installed package (the allow-list names what a stub cannot express, each with why).
echo "== typing: mypy --strict, the negative check, stubtest"
"$venv/bin/python" -m mypy --strict tests/typing/use_api.py
"$venv/bin/python" tests/typing/check_errors.py
"$venv/bin/python" -m mypy.stubtest --mypy-config-file pyproject.toml \
    --allowlist tests/typing/stubtest-allowlist.txt timemory

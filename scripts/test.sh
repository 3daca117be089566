#!/usr/bin/env bash
# Installs everything and runs every test: the C tests (plain, then under AddressSanitizer and
# UndefinedBehaviorSanitizer), ruff, and pytest (which also builds the C example against the
# installed library with pkg-config and checks its files). .ci/run calls this script.
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

echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DTIMEMORY_BUILD_TESTS=ON -DTIMEMORY_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j2 --target timemory_c_tests >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    TIMEMORY_OUTPUT_PATH="$root/build-asan/out" ./timemory_c_tests)

echo "== ruff"
"$venv/bin/python" -m ruff check python tests bench examples

echo "== pytest"
cd tests/python
"$venv/bin/python" -m pytest -q -p no:cacheprovider .

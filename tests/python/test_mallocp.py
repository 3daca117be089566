"""Memory allocations per region (malloc_gotcha): start_mallocp/stop_mallocp, the Python
allocators' hooks (ext/mallocp.c) with exact bytes for known allocations, and the C interposer
libtimemory-mallocp on a C program of known allocations (tests/c-mallocp/mallocp_check.c),
preloaded and linked, in subprocesses."""

import ctypes
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import timemory
from timemory import component
from timemory.libs import libpytimemory as lib

ROOT = Path(__file__).resolve().parents[2]
PREFIX_LIB = Path(sys.prefix) / "lib"
INTERPOSER = PREFIX_LIB / "libtimemory-mallocp.so"
N = 100000
BYTES_SIZE = sys.getsizeof(b"") + N  # bytes(N) is one calloc of the whole object
WALL = 1 << int(component.wall_clock)


def _entries():
    data = timemory.get(components=["malloc_gotcha"])["timemory"]
    if "malloc_gotcha" not in data:
        return {}
    graph = data["malloc_gotcha"]["ranks"][0]["graph"]
    return {e["prefix"]: e["entry"] for e in graph}


def _region(name, body):
    key = lib.add_hash_id(name)
    lib.push(key, WALL)
    try:
        body()
    finally:
        lib.pop(key)


@pytest.fixture
def mallocp(clean_data):
    ids = []
    yield ids
    for idx in ids:
        timemory.stop_mallocp(idx)
    assert lib._mallocp_stats()["active"] == 0


def test_start_stop_counts_and_hooks(mallocp):
    assert lib._mallocp_stats() == {
        "active": 0, "tracked": 0, "untracked": 0, "installed": False
    }  # fmt: skip
    a = timemory.start_mallocp()
    b = timemory.start_mallocp()
    assert a > 0 and b > 0 and a != b
    assert lib._mallocp_stats()["installed"] is True
    assert timemory.stop_mallocp(a) == 1
    assert timemory.stop_mallocp(a) == 1  # stopped already
    assert timemory.stop_mallocp(b) == 0
    assert lib._mallocp_stats()["installed"] is False
    with pytest.raises(TypeError, match="stop_mallocp"):
        timemory.stop_mallocp("x")


def test_exact_bytes_of_python_objects(mallocp):
    keep = [None] * 10  # allocated before the start: its array's free is not recorded

    def alloc():
        for i in range(10):
            keep[i] = bytes(N)

    mallocp.append(timemory.start_mallocp())
    _region("py-alloc", alloc)
    _region("py-release", keep.clear)
    assert timemory.stop_mallocp(mallocp.pop()) == 0
    entries = _entries()
    assert entries[">>> py-alloc"]["laps"] == 0  # the region: an empty record on the path
    calloc = entries[">>> |_calloc"]
    assert (calloc["laps"], calloc["value"]) == (10, 10 * BYTES_SIZE)
    assert ">>> py-release" in entries
    # the first "free" child after py-alloc's is py-release's: exactly the ten objects
    graph = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
    rows = graph["ranks"][0]["graph"]
    at = [r["prefix"] for r in rows].index(">>> py-release")
    free = rows[at + 1]
    assert free["prefix"] == ">>> |_free"
    assert (free["entry"]["laps"], free["entry"]["value"]) == (10, 10 * BYTES_SIZE)


def test_realloc_and_calloc_through_pymem(mallocp):
    api = ctypes.pythonapi
    api.PyMem_Malloc.restype = api.PyMem_Realloc.restype = api.PyMem_Calloc.restype = (
        ctypes.c_void_p
    )
    api.PyMem_Malloc.argtypes = [ctypes.c_size_t]
    api.PyMem_Realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    api.PyMem_Calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    api.PyMem_Free.argtypes = [ctypes.c_void_p]
    held = {}

    def grow():
        held["p"] = api.PyMem_Realloc(held["p"], 5000)
        held["c"] = api.PyMem_Calloc(10, 100)

    def release():
        api.PyMem_Free(held["p"])
        api.PyMem_Free(held["c"])

    mallocp.append(timemory.start_mallocp())
    held["p"] = api.PyMem_Malloc(1000)
    _region("pymem-grow", grow)
    _region("pymem-release", release)
    timemory.stop_mallocp(mallocp.pop())
    rows = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
    rows = rows["ranks"][0]["graph"]
    prefixes = [r["prefix"] for r in rows]
    grow_at, release_at = prefixes.index(">>> pymem-grow"), prefixes.index(">>> pymem-release")
    grow_rows = {r["prefix"]: r["entry"] for r in rows[grow_at + 1 : release_at]}
    release_rows = {r["prefix"]: r["entry"] for r in rows[release_at + 1 :] if r["depth"] == 1}
    assert (grow_rows[">>> |_realloc"]["laps"], grow_rows[">>> |_realloc"]["value"]) == (1, 5000)
    assert (grow_rows[">>> |_calloc"]["laps"], grow_rows[">>> |_calloc"]["value"]) == (1, 1000)
    # free: the sizes of the blocks as they were allocated (5000 after the realloc, 1000);
    # ctypes frees objects of its own there too, so the two blocks are at least these
    free = release_rows[">>> |_free"]
    assert free["laps"] >= 2 and free["value"] >= 6000


def test_nothing_recorded_after_stop(mallocp):
    mallocp.append(timemory.start_mallocp())
    assert timemory.stop_mallocp(mallocp.pop()) == 0
    timemory.clear()  # what the calls between start and stop allocated
    keep = []
    _region("after-stop", lambda: keep.append(bytes(N)))
    assert _entries() == {}
    assert lib._mallocp_stats()["tracked"] == 0


def test_paused_records_nothing(mallocp):
    mallocp.append(timemory.start_mallocp())
    keep = []
    timemory.region.pause()
    try:
        keep.append(bytes(N))
    finally:
        timemory.region.resume()
    timemory.stop_mallocp(mallocp.pop())
    assert not any(e["value"] >= N for e in _entries().values())


def test_threads(mallocp):
    def work():
        keep = []
        _region("mp-thread", lambda: keep.extend(bytes(N) for _ in range(5)))

    mallocp.append(timemory.start_mallocp())
    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timemory.stop_mallocp(mallocp.pop())
    entries = _entries()
    calloc = entries[">>> |_calloc"]
    assert (calloc["laps"], calloc["value"]) == (15, 15 * BYTES_SIZE)


def test_json_units_and_storage(mallocp):
    keep = []
    mallocp.append(timemory.start_mallocp())
    _region("units", lambda: keep.extend(bytes(N) for _ in range(2)))
    timemory.stop_mallocp(mallocp.pop())
    data = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
    cls = component.MallocGotcha
    assert cls.available is True
    assert data["unit_value"] == cls.unit() == 1e6
    assert data["unit_repr"] == cls.display_unit().upper() == "MB"
    results = timemory.storage.MallocGotchaStorage.get()
    calloc = [r for r in results if r.prefix() == ">>> |_calloc"]
    assert calloc and calloc[0].data().laps() == 2
    assert calloc[0].data().get_raw() == 2 * BYTES_SIZE  # bytes
    assert calloc[0].data().get() == pytest.approx(2 * BYTES_SIZE / 1e6)  # MB
    assert any(name in r.prefix() for r in results for name in ("malloc", "calloc", "free"))


def test_function_wrappers(mallocp):
    ids = timemory.start_function_wrappers("Malloc")
    assert ids[:3] == [0, 0, 0] and ids[3] > 0
    assert lib._mallocp_stats()["active"] == 1
    assert timemory.stop_function_wrappers(ids) == [0, 0, 0, 0]
    ids = timemory.start_function_wrappers(memory=True, mpip=False)
    assert ids[3] > 0
    assert timemory.stop_function_wrappers(ids)[3] == 0
    with pytest.raises(RuntimeError, match="mallocp, malloc, memory"):
        timemory.start_function_wrappers("gotcha")


# ---- the C interposer, in subprocesses (no sanitizer here: ASan would interpose malloc) ----


def _pkg_config(*args):
    env = dict(os.environ, PKG_CONFIG_PATH=str(PREFIX_LIB / "pkgconfig"))
    out = subprocess.run(
        ["pkg-config", *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


@pytest.fixture(scope="module")
def check_programs(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or not shutil.which("pkg-config"):
        pytest.skip("a C compiler and pkg-config are needed to build the C program")
    assert INTERPOSER.exists(), "pip install puts libtimemory-mallocp.so beside libtimemory"
    work = tmp_path_factory.mktemp("mallocp_c")
    source = str(ROOT / "tests" / "c-mallocp" / "mallocp_check.c")
    flags = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2", "-pthread"]
    plain, linked = work / "mallocp_check_plain", work / "mallocp_check_linked"
    subprocess.run(
        [cc, *flags, source, *_pkg_config("--cflags", "--libs", "timemory"), "-o", str(plain)],
        check=True,
    )
    subprocess.run(
        [cc, *flags, source, *_pkg_config("--cflags", "--libs", "timemory-mallocp"), "-o",
         str(linked)],
        check=True,
    )  # fmt: skip
    return plain, linked


def _run_check(program, tmp_path, extra):
    from conftest import clean_environment

    out = tmp_path / "out"
    env = clean_environment({"TIMEMORY_OUTPUT_PATH": str(out), **extra})
    result = subprocess.run(
        [str(program)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    freed = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:1] == ["freed"]:
            freed[words[1]] = int(words[2])
        elif words[:1] == ["active"]:
            freed["active"] = int(words[1])
    return out, freed


def _check_output(out, freed):
    data = json.loads((out / "malloc_gotcha.json").read_text())["timemory"]["malloc_gotcha"]
    assert data["unit_value"] == 1e6 and data["unit_repr"] == "MB"
    rows = data["ranks"][0]["graph"]
    prefixes = [r["prefix"] for r in rows]

    def children(region):
        at = prefixes.index(f">>> {region}")
        got = {}
        for row in rows[at + 1 :]:
            if row["depth"] == 0:
                break
            got[row["prefix"].split("_", 1)[1]] = (row["entry"]["laps"], row["entry"]["value"])
        return got

    work = children("alloc-work")
    assert work["malloc"] == (10, 10000)
    assert work["calloc"] == (1, 1000)
    assert work["realloc"] == (1, 5000)
    assert work["free"] == (11, freed["alloc-work"])  # the usable sizes the program printed
    thread = children("alloc-thread")
    assert thread == {"malloc": (5, 5 * 2048), "free": (5, freed["alloc-thread"])}


def test_interposer_preloaded(check_programs, tmp_path):
    plain, _ = check_programs
    out, freed = _run_check(plain, tmp_path, {"LD_PRELOAD": str(INTERPOSER)})
    assert freed["active"] == 1  # started when loaded
    _check_output(out, freed)


def test_interposer_linked(check_programs, tmp_path):
    _, linked = check_programs
    out, freed = _run_check(linked, tmp_path, {})
    assert freed["active"] == 1
    _check_output(out, freed)


def test_interposer_autostart_off(check_programs, tmp_path):
    plain, _ = check_programs
    out, freed = _run_check(
        plain, tmp_path, {"LD_PRELOAD": str(INTERPOSER), "TIMEMORY_MALLOCP_AUTOSTART": "OFF"}
    )
    assert freed["active"] == 0
    assert not (out / "malloc_gotcha.json").exists()


def test_python_under_the_interposer_counts_once(run_python):
    """Preloaded into Python with start_mallocp: a large object is one calloc of the object
    allocator's hook, not a second malloc of the interposer below it."""
    code = f"""
import json, timemory
from timemory.libs import libpytimemory as lib
keep = []
idx = timemory.start_mallocp()
key = lib.add_hash_id("big")
lib.push(key, {WALL})
for _ in range(4):
    keep.append(bytes({N}))
lib.pop(key)
assert timemory.stop_mallocp(idx) == 0
rows = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
rows = rows["ranks"][0]["graph"]
at = [r["prefix"] for r in rows].index(">>> big")
out = {{}}
for r in rows[at + 1:]:
    if r["depth"] == 0:
        break
    out[r["prefix"]] = (r["entry"]["laps"], r["entry"]["value"])
print(json.dumps(out))
"""
    env = {
        "LD_PRELOAD": str(INTERPOSER),
        "TIMEMORY_MALLOCP_AUTOSTART": "OFF",
        "TIMEMORY_AUTO_OUTPUT": "OFF",
    }
    result = run_python(code, env=env, check=True)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out[">>> |_calloc"] == [4, 4 * BYTES_SIZE]
    assert all(value < N for _, value in (v for k, v in out.items() if k != ">>> |_calloc"))


def test_profiler_with_malloc_gotcha(mallocp):
    """malloc_gotcha among the Profiler's components: allocations while it runs go under the
    profiled functions; tracking stops with the session."""
    from timemory.profiler import Profiler

    def make_three():
        return [bytes(N) for _ in range(3)]

    with Profiler(["wall_clock", "malloc_gotcha"]):
        assert lib._mallocp_stats()["active"] == 1
        make_three()
    assert lib._mallocp_stats()["active"] == 0
    rows = timemory.get(components=["malloc_gotcha"])["timemory"]["malloc_gotcha"]
    rows = rows["ranks"][0]["graph"]
    prefixes = [r["prefix"] for r in rows]
    at = next(i for i, p in enumerate(prefixes) if "make_three" in p)
    below = {}
    for row in rows[at + 1 :]:
        if row["depth"] <= rows[at]["depth"]:
            break
        below[row["prefix"].rsplit("_", 1)[-1]] = row["entry"]
    assert (below["calloc"]["laps"], below["calloc"]["value"]) == (3, 3 * BYTES_SIZE)


def test_preloaded_interposer_tracks_python_from_import(run_python, tmp_path):
    """LD_PRELOAD of libtimemory-mallocp (started at load) into Python: the extension installs
    its hooks at import, so Python objects are recorded too, and the table is written at exit."""
    code = f"""
from timemory.libs import libpytimemory as lib
assert lib._mallocp_stats()["installed"] is True
keep = []
key = lib.add_hash_id("py-preloaded")
lib.push(key, {WALL})
for _ in range(4):
    keep.append(bytes({N}))
lib.pop(key)
"""
    out = tmp_path / "out"
    env = {"LD_PRELOAD": str(INTERPOSER), "TIMEMORY_OUTPUT_PATH": str(out)}
    run_python(code, env=env, check=True)
    data = json.loads((out / "malloc_gotcha.json").read_text())["timemory"]["malloc_gotcha"]
    rows = data["ranks"][0]["graph"]
    at = [r["prefix"] for r in rows].index(">>> py-preloaded")
    children = {}
    for row in rows[at + 1 :]:
        if row["depth"] == 0:
            break
        children[row["prefix"]] = (row["entry"]["laps"], row["entry"]["value"])
    assert children[">>> |_calloc"] == (4, 4 * BYTES_SIZE)

"""mpip: MPI calls timed through libtimemory-mpip (PMPI wrappers), from Python with mpi4py and
from C (linked, and preloaded), under ``mpirun -np 4``.

Each rank makes known MPI calls inside regions named after its rank ("rank-<r>", ...) and
writes what it reads back (``timemory.get(hierarchy=True)`` / ``timemory_get_json``) to
<dir>/rank-<r>.json. The counts of the MPI_* nodes under every region are exact per rank: they
stay exact whether a file holds one rank's data or (once ranks are aggregated) every rank's,
since no two ranks share a region name.

Skipped only when mpirun or mpi4py is absent, or timemory was built without MPI; with CI=true
these fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_environment

ROOT = Path(__file__).resolve().parents[2]
NP = 4
PKGCONFIG = Path(sys.prefix) / "lib" / "pkgconfig"

# rank-<r>: what tests/c-mpi/mpip_check.c and SCRIPT below both do
MAIN_CALLS = {
    "MPI_Barrier": 3,
    "MPI_Allreduce": 2,
    "MPI_Send": 1,
    "MPI_Recv": 1,
    "MPI_Irecv": 1,
    "MPI_Isend": 1,
    "MPI_Waitall": 1,
    "MPI_Bcast": 1,
    "MPI_Reduce": 1,
    "MPI_Gather": 1,
    "MPI_Scatter": 1,
    "MPI_Alltoall": 1,
    "MPI_Sendrecv": 1,
    "MPI_Ibarrier": 1,
    "MPI_Wait": 1,
}


def _missing(what: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} (CI=true: MPI support must be tested)")
    pytest.skip(what)


def _mpip_library() -> Path:
    from timemory.mpi_support import _mpip

    for d in _mpip._candidate_dirs():
        path = Path(d) / _mpip.LIBRARY
        if path.exists():
            return path
    _missing("timemory was built without MPI: no libtimemory-mpip.so")


def _mpirun() -> list[str]:
    exe = shutil.which("mpirun") or shutil.which("mpiexec")
    if not exe:
        _missing("mpirun is not installed")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    command = [exe, "-np", str(NP)]
    if "Open MPI" in version or "OpenRTE" in version:
        command.append("--oversubscribe")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-run-as-root")
    return command


def _run(command, cwd, env=None):
    result = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment({"TIMEMORY_AUTO_OUTPUT": "OFF", **(env or {})}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result


def _name(prefix: str) -> str:
    """A node's own key, without any hierarchy or rank/thread decoration."""
    return re.split(r">>> |\|_|\|", prefix)[-1].strip()


def _walk(node, found):
    """Every region "rank-..." in a tree: {region: [descendants {path: laps}, ...]}."""
    if isinstance(node, dict):
        if "node" in node and isinstance(node["node"], dict) and "prefix" in node["node"]:
            name = _name(node["node"]["prefix"])
            if name.startswith("rank-"):
                below = {}
                _descendants(node.get("children", []), "", below)
                found.setdefault(name, []).append(below)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def _descendants(children, path, out):
    for child in children:
        key = path + _name(child["node"]["prefix"])
        out[key] = out.get(key, 0) + child["node"]["inclusive"]["entry"]["laps"]
        _descendants(child.get("children", []), key + "/", out)


def _regions(folder: Path) -> dict:
    files = sorted(folder.glob("rank-*.json"))
    assert files, f"no rank-*.json in {folder}"
    found = {}
    for path in files:
        _walk(json.loads(path.read_text()), found)
    return found


def _check(found: dict, expected: dict):
    """Each rank's region holds exactly the expected MPI nodes, wherever it was found."""
    for rank in range(NP):
        for suffix, calls in expected.items():
            region = f"rank-{rank}{suffix}"
            assert region in found, f"{region} is in no rank's results: {sorted(found)}"
            for below in found[region]:
                assert below == calls, region


# ---- Python (mpi4py) -------------------------------------------------------------------------

SCRIPT = r"""
import json
import sys

import numpy as np

import timemory
from timemory import mpi_support
from timemory.util import marker

order, out = sys.argv[1], sys.argv[2]
if order == "after":
    from mpi4py import MPI  # bound to the MPI library before the wrappers are loaded
idx = mpi_support.enable_mpip()
if order == "before":
    from mpi4py import MPI  # binds to the wrappers (loaded RTLD_GLOBAL)

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
nxt, prv = (rank + 1) % size, (rank - 1) % size
a, b = np.full(1, float(rank)), np.zeros(1)
many, more = np.zeros(size), np.zeros(size)


def region(suffix):
    return marker(["wall_clock"], key=f"rank-{rank}{suffix}")


def check(what, ok):
    if not ok:
        print(f"rank {rank}: {what}", file=sys.stderr)
        sys.exit(1)


with region(""):
    for _ in range(3):
        comm.Barrier()
    comm.Allreduce(a, b)
    comm.Allreduce(a, b)
    if rank % 2 == 0:
        comm.Send(a, dest=nxt, tag=1)
        comm.Recv(b, source=prv, tag=1)
    else:
        comm.Recv(b, source=prv, tag=1)
        comm.Send(a, dest=nxt, tag=1)
    reqs = [comm.Irecv(b, source=prv, tag=2), comm.Isend(a, dest=nxt, tag=2)]
    MPI.Request.Waitall(reqs)
    comm.Bcast(a, root=0)
    comm.Reduce(a, b, op=MPI.SUM, root=0)
    comm.Gather(a, many, root=0)
    comm.Scatter(many, b, root=0)
    comm.Alltoall(many, more)
    comm.Sendrecv(a, dest=nxt, sendtag=3, recvbuf=b, source=prv, recvtag=3)
    comm.Ibarrier().Wait()

with region("-stopped"):
    check("stop_mpip left starts", timemory.stop_mpip(idx) == 0)
    check("recording while stopped", not mpi_support._mpip.is_recording("MPI_Barrier"))
    comm.Barrier()
    idx = timemory.start_mpip()
    check("start_mpip returned 0", idx > 0)
    comm.Barrier()
    comm.Barrier()

mpi_support.stop_mpip(idx)
idx = mpi_support.enable_mpip(permit=["MPI_Allreduce", "bcast"])
check("permit list", not mpi_support._mpip.is_recording("barrier"))
with region("-permit"):
    comm.Barrier()
    comm.Allreduce(a, b)
    comm.Bcast(a, root=0)

mpi_support.stop_mpip(idx)
idx = mpi_support.enable_mpip(reject="MPI_Barrier")
with region("-reject"):
    comm.Barrier()
    comm.Barrier()
    comm.Allreduce(a, b)

mpi_support.stop_mpip(idx)
idx = mpi_support.enable_mpip()
with region("-nested"):
    comm.Barrier()
    with marker(["wall_clock"], key="inner"):
        comm.Barrier()
check("stop_mpip of an unknown id", mpi_support.stop_mpip(idx + 100) == 1)
check("last stop_mpip", mpi_support.stop_mpip(idx) == 0)
comm.Barrier()  # not recorded

with open(f"{out}/rank-{rank}.json", "w") as handle:
    json.dump(timemory.get(hierarchy=True, components=["wall_clock"]), handle)
"""

PYTHON_EXPECTED = {
    "": MAIN_CALLS,
    "-stopped": {"MPI_Barrier": 2},
    "-permit": {"MPI_Allreduce": 1, "MPI_Bcast": 1},
    "-reject": {"MPI_Allreduce": 1},
    "-nested": {"MPI_Barrier": 1, "inner": 1, "inner/MPI_Barrier": 1},
}


@pytest.fixture(scope="module")
def mpi4py_present():
    _mpip_library()
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        _missing("mpi4py is not installed (pip install mpi4py)")


@pytest.mark.parametrize("order", ["before", "after"])
def test_mpip_counts_exact_python(mpi4py_present, tmp_path, order):
    """enable_mpip() before `from mpi4py import MPI` (the wrappers are loaded RTLD_GLOBAL) and
    after it (mpi4py's references are rewritten): exact counts, stop/start, permit/reject,
    nesting under the region that made the call."""
    script = tmp_path / "mpip_ranks.py"
    script.write_text(SCRIPT)
    result = _run([*_mpirun(), sys.executable, str(script), order, str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    _check(_regions(tmp_path), PYTHON_EXPECTED)


def test_mpip_api_without_mpirun(mpi4py_present, run_python):
    code = r"""
import timemory, warnings
from timemory import mpi_support
names = mpi_support.mpip_functions()
for name in ("MPI_Send", "MPI_Recv", "MPI_Isend", "MPI_Irecv", "MPI_Wait", "MPI_Waitall",
             "MPI_Waitany", "MPI_Waitsome", "MPI_Barrier", "MPI_Bcast", "MPI_Reduce",
             "MPI_Allreduce", "MPI_Gather", "MPI_Gatherv", "MPI_Allgather", "MPI_Scatter",
             "MPI_Scatterv", "MPI_Alltoall", "MPI_Alltoallv", "MPI_Alltoallw"):
    assert name in names, name
assert timemory.mpi.mpip_functions() == names
try:
    mpi_support.enable_mpip(permit=["MPI_Nope"])
except ValueError as exc:
    assert "'MPI_Nope' is not an MPI function timemory wraps" in str(exc), exc
else:
    raise AssertionError("no ValueError")
a = mpi_support.enable_mpip(reject=["allreduce"])
b = timemory.start_mpip()
assert a > 0 and b > a
assert not mpi_support._mpip.is_recording("MPI_Allreduce")
assert mpi_support._mpip.is_recording("MPI_Send")
assert timemory.stop_mpip(a) == 1 and timemory.stop_mpip(a) == 1
assert timemory.stop_mpip(b) == 0
assert not mpi_support._mpip.is_recording("MPI_Send")

# components: settings.mpip_components, read at the first call after a start (MPI singleton)
timemory.settings.mpip_components = "trip_count"
c = mpi_support.enable_mpip()
from mpi4py import MPI
with timemory.util.marker(["wall_clock"], key="outer"):
    MPI.COMM_WORLD.Barrier()
    MPI.COMM_WORLD.Barrier()
mpi_support.stop_mpip(c)
flat = timemory.get(components=["trip_count", "wall_clock"])["timemory"]
trips = {e["prefix"]: e["entry"]["laps"] for e in flat["trip_count"]["ranks"][0]["graph"]}
walls = [e["prefix"] for e in flat["wall_clock"]["ranks"][0]["graph"]]
assert list(trips.values()) == [2] and "MPI_Barrier" in list(trips)[0], trips
assert not any("MPI_" in w for w in walls), walls
print("ok")
"""
    result = run_python(code, env={"TIMEMORY_AUTO_OUTPUT": "OFF"}, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"


def test_start_mpip_without_the_library_says_why(run_python, tmp_path):
    code = rf"""
import warnings
import timemory
from timemory.mpi_support import _mpip
_mpip._candidate_dirs = lambda: [{str(tmp_path)!r}]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert timemory.start_mpip() == 0
assert "timemory was built without MPI: libtimemory-mpip.so is not in" in str(caught[0].message)
assert timemory.stop_mpip(1) == 0
try:
    timemory.mpi_support.enable_mpip()
except RuntimeError as exc:
    assert "built without MPI" in str(exc)
else:
    raise AssertionError("no RuntimeError")
print("ok")
"""
    result = run_python(code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mpi_support_stub_lists_its_names():
    from timemory import mpi, mpi_support

    for module in (mpi_support, mpi):
        stub = Path(module.__file__).with_suffix(".pyi").read_text()
        for name in module.__all__:
            assert f"{name}" in stub, (module.__name__, name)
    assert mpi.__all__ == mpi_support.__all__


# ---- C: linked and preloaded --------------------------------------------------------------

C_EXPECTED = {
    "": MAIN_CALLS,
    "-stopped": {"MPI_Barrier": 2},
    "-reject": {"MPI_Allreduce": 1},
}


def _pkg_config(*args: str) -> list[str]:
    env = dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG))
    out = subprocess.run(
        ["pkg-config", *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


@pytest.fixture(scope="module")
def c_programs(tmp_path_factory):
    library = _mpip_library()
    mpicc = shutil.which("mpicc")
    if not mpicc:
        _missing("mpicc is not installed")
    if not shutil.which("pkg-config"):
        pytest.fail("pkg-config is needed: run scripts/install-deps.sh")
    assert (PKGCONFIG / "timemory-mpip.pc").exists(), "installed with libtimemory-mpip.so"
    work = tmp_path_factory.mktemp("mpip_c")
    source = str(ROOT / "tests" / "c-mpi" / "mpip_check.c")
    flags = ["-std=c11", "-Wall", "-Wextra", "-Werror"]
    linked, plain = work / "mpip_check_linked", work / "mpip_check_plain"
    subprocess.run(
        [mpicc, *flags, source, *_pkg_config("--cflags", "--libs", "timemory-mpip"), "-o",
         str(linked)],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [mpicc, *flags, source, *_pkg_config("--cflags", "--libs", "timemory"), "-o", str(plain)],
        check=True,
    )
    # full RELRO, bound at load: the GOT entries the redirection rewrites are read-only pages
    relro = work / "mpip_check_relro"
    subprocess.run(
        [mpicc, *flags, "-fPIE", "-pie", "-Wl,-z,now", "-Wl,-z,relro", source,
         *_pkg_config("--cflags", "--libs", "timemory"), "-o", str(relro)],
        check=True,
    )  # fmt: skip
    return library, linked, plain, relro


def test_mpip_counts_exact_c_linked(c_programs, tmp_path):
    _, linked, _, _ = c_programs
    result = _run([*_mpirun(), str(linked), str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    _check(_regions(tmp_path), C_EXPECTED)


def test_mpip_counts_exact_c_preloaded(c_programs, tmp_path):
    library, _, plain, _ = c_programs
    unwrapped = _run([*_mpirun(), str(plain), str(tmp_path)], tmp_path)
    assert unwrapped.returncode != 0
    assert "libtimemory-mpip is neither linked nor preloaded" in unwrapped.stderr
    preload = ["env", f"LD_PRELOAD={library}"]
    result = _run([*_mpirun(), *preload, str(plain), str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    _check(_regions(tmp_path), C_EXPECTED)


def test_mpip_counts_exact_c_dlopened(c_programs, tmp_path):
    """Loaded after MPI_Init into a program bound at load (-z now, full RELRO): the program's
    MPI references, read-only GOT entries, are redirected to the wrappers."""
    library, _, _, relro = c_programs
    if shutil.which("readelf"):
        dynamic = subprocess.run(
            ["readelf", "-d", str(relro)], capture_output=True, text=True, check=True
        ).stdout
        assert "BIND_NOW" in dynamic or re.search(r"FLAGS_1.*\bNOW\b", dynamic), dynamic
    result = _run([*_mpirun(), str(relro), str(tmp_path), str(library)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    _check(_regions(tmp_path), C_EXPECTED)


def test_mpip_autostart_off(c_programs, tmp_path):
    """TIMEMORY_MPIP_AUTOSTART=OFF: linked, the wrappers wait for timemory_start_mpip()."""
    _, linked, _, _ = c_programs
    result = _run([*_mpirun(), str(linked), str(tmp_path)], tmp_path,
                  env={"TIMEMORY_MPIP_AUTOSTART": "OFF"})  # fmt: skip
    assert result.returncode != 0
    assert "the wrappers did not start when loaded" in result.stderr

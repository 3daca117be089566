"""MPI: programs run under ``mpirun -np 4`` whose ranks make different numbers of calls, and
the files rank 0 writes, read back -- merged (one ``ranks`` element, statistics over the
ranks), per rank (``TIMEMORY_COLLAPSE_PROCESSES=false``) and in node groups; Python with
mpi4py (imported before or after timemory; finalize left to the exit, called, or done by
``MPI.Finalize()``), Python with ``timemory.mpi_init()`` alone, and the C example built with
mpicc + pkg-config. A program without MPI loads nothing of it.

These tests skip, saying why, only where MPI is really absent (no mpirun/mpicc, or mpi4py not
installed); under CI (CI=true) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import timemory
from conftest import ROOT, clean_environment

MPIRUN = shutil.which("mpirun") or shutil.which("mpiexec")
MPICC = shutil.which("mpicc")
PKGCONFIG = Path(sys.prefix) / "lib" / "pkgconfig"
PLUGIN = Path(sys.prefix) / "lib" / "libtimemory-mpi.so"


def _require(what: str, present: bool) -> None:
    if present:
        return
    message = f"{what} (scripts/install-deps.sh installs OpenMPI; pip install '.[test]' mpi4py)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the MPI tests: missing {message}")
    pytest.skip(f"MPI is not installed here: missing {message}")


def _has_mpi4py() -> bool:
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def _mpirun(args, cwd, np=4, env=None, timeout=180):
    _require("mpirun", MPIRUN is not None)
    command = [MPIRUN, "-np", str(np)]
    version = subprocess.run([MPIRUN, "--version"], capture_output=True, text=True).stdout
    if "Open MPI" in version or "OpenRTE" in version:
        command.append("--oversubscribe")  # 4 ranks on fewer cores
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-run-as-root")
    result = subprocess.run(
        command + [str(a) for a in args],
        cwd=cwd,
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{command + args}\n{result.stdout}\n{result.stderr}"
    return result


def _flat(folder: Path) -> dict:
    return json.loads((folder / "wall.json").read_text())["timemory"]["wall_clock"]


def _rows(element: dict) -> dict:
    return {e["prefix"]: e for e in element["graph"]}


# rank r calls work() r + 1 times, (r + 1) x 10 ms each, within loop; rank 0 also setup:
# work takes 10, 40, 90, 160 ms on ranks 0..3
APP = """
import sys
{first}
from timemory.util import marker

rank = MPI.COMM_WORLD.Get_rank()

@marker(["wall_clock"])
def work():
    time.sleep(0.01 * (rank + 1))

with marker(["wall_clock"], key="loop"):
    for _ in range(rank + 1):
        work()
if rank == 0:
    with marker(["wall_clock"], key="setup"):
        pass
print(f"rank {{rank}} of {{timemory.dmp_size()}} done\\n", end="", flush=True)  # one write
{end}
"""

TIMEMORY_FIRST = "import time\nimport timemory\nfrom mpi4py import MPI"
MPI4PY_FIRST = "import time\nfrom mpi4py import MPI\nimport timemory"


def _run_app(tmp_path, first, end, env=None):
    _require("mpi4py", _has_mpi4py())
    (tmp_path / "app.py").write_text(APP.format(first=first, end=end))
    result = _mpirun([sys.executable, "app.py"], tmp_path, env=env)
    for rank in range(4):
        assert f"rank {rank} of 4 done" in result.stdout
    # rank 0 alone prints the table and writes
    assert result.stdout.count("REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)") == 1
    assert result.stdout.count("Outputting 'timemory-app-output/wall.json'") == 1
    return tmp_path / "timemory-app-output", result


def test_python_merged_when_finalize_is_left_to_the_exit(tmp_path):
    folder, result = _run_app(tmp_path, TIMEMORY_FIRST, "")
    flat = _flat(folder)
    assert (flat["mpi_size"], flat["process_count"], flat["num_ranks"]) == (4, 4, 4)
    assert len(flat["ranks"]) == 1 and flat["ranks"][0]["rank"] == 0
    rows = _rows(flat["ranks"][0])
    assert set(rows) == {">>> loop", ">>> |_work", ">>> setup"}
    assert rows[">>> loop"]["entry"]["laps"] == 4
    assert rows[">>> |_work"]["entry"]["laps"] == 1 + 2 + 3 + 4
    assert rows[">>> setup"]["entry"]["laps"] == 1
    work = rows[">>> |_work"]["rank_stats"]
    assert work["ranks"] == 4
    assert (work["min_rank"], work["max_rank"]) == (0, 3)  # 10 ms against 160 ms
    assert 0.009 < work["min"] < work["mean"] < work["max"]
    assert work["mean"] == pytest.approx(rows[">>> |_work"]["entry"]["repr_data"] / 4)
    assert work["imbalance"] == pytest.approx((work["max"] - work["mean"]) / work["max"])
    setup = rows[">>> setup"]["rank_stats"]
    assert (setup["ranks"], setup["max_rank"], setup["min"]) == (1, 0, 0)
    assert setup["imbalance"] == pytest.approx(0.75)
    text = (folder / "wall.txt").read_text()
    assert "RANK MIN" in text and "AT RANK" in text and "% IMBAL" in text
    tree = json.loads((folder / "wall.tree.json").read_text())["timemory"]["wall_clock"]
    assert "graph" not in tree and len(tree["mpi"]) == 1
    loop = tree["mpi"][0][0]["children"][0]
    assert loop["node"]["prefix"] == "loop" and len(loop["node"]["pid"]) == 4
    assert (folder / "metadata.json").is_file()


def test_python_per_rank_with_finalize_called_on_every_rank(tmp_path):
    folder, _ = _run_app(
        tmp_path,
        MPI4PY_FIRST,
        "timemory.finalize()",
        env={"TIMEMORY_COLLAPSE_PROCESSES": "false"},
    )
    flat = _flat(folder)
    assert [element["rank"] for element in flat["ranks"]] == [0, 1, 2, 3]
    for rank, element in enumerate(flat["ranks"]):
        rows = _rows(element)
        assert rows[f"|{rank}>>> |_work"]["entry"]["laps"] == rank + 1
        assert rows[f"|{rank}>>> loop"]["entry"]["laps"] == 1
        assert (f"|{rank}>>> setup" in rows) == (rank == 0)
        assert all("rank_stats" not in e for e in element["graph"])
    tree = json.loads((folder / "wall.tree.json").read_text())["timemory"]["wall_clock"]
    assert len(tree["mpi"]) == 4
    text = (folder / "wall.txt").read_text()
    assert "| |3>>> |_work " in text and "RANK MIN" not in text


def test_python_node_groups_when_mpi4py_finalizes(tmp_path):
    folder, _ = _run_app(
        tmp_path, TIMEMORY_FIRST, "MPI.Finalize()", env={"TIMEMORY_NODE_COUNT": "2"}
    )
    flat = _flat(folder)
    assert [element["rank"] for element in flat["ranks"]] == [0, 1]
    low, high = (_rows(element) for element in flat["ranks"])
    assert low["|0:1>>> |_work"]["entry"]["laps"] == 3
    assert high["|2:3>>> |_work"]["entry"]["laps"] == 7
    assert high["|2:3>>> |_work"]["rank_stats"]["max_rank"] == 3


def test_python_mpi_init_without_mpi4py(tmp_path):
    _require("timemory's MPI plugin", PLUGIN.exists())
    (tmp_path / "prog.py").write_text(
        "import timemory\n"
        "from timemory.util import marker\n"
        "timemory.mpi_init()\n"
        "rank = timemory.dmp_rank()\n"
        "for _ in range(rank + 1):\n"
        "    with marker(['wall_clock'], key='step'):\n"
        "        pass\n"
        "print(f'size {timemory.dmp_size()}\\n', end='', flush=True)\n"
        "timemory.mpi_finalize()\n"
        "print(f'finalized {timemory.libpytimemory.is_finalized()}\\n', end='', flush=True)\n"
    )
    result = _mpirun([sys.executable, "prog.py"], tmp_path)
    assert result.stdout.count("size 4") == 4 and result.stdout.count("finalized True") == 4
    flat = _flat(tmp_path / "timemory-prog-output")
    assert flat["mpi_size"] == 4
    assert _rows(flat["ranks"][0])[">>> step"]["entry"]["laps"] == 10


@pytest.fixture(scope="module")
def mpi_ranks(tmp_path_factory) -> Path:
    _require("mpicc", MPICC is not None and shutil.which("pkg-config") is not None)
    work = tmp_path_factory.mktemp("mpiexample")
    env = dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG))
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "timemory"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    exe = work / "mpi_ranks"
    source = ROOT / "examples" / "c" / "mpi_ranks.c"
    command = [
        MPICC,
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        str(source),
        *flags,
        "-o",
        str(exe),
    ]
    subprocess.run(command, check=True)
    return exe


def test_c_example_merged(mpi_ranks, tmp_path):
    result = _mpirun([mpi_ranks], tmp_path)
    assert "mpi_ranks: 4 ranks done" in result.stdout
    assert result.stdout.count("REAL-CLOCK TIMER") == 1
    flat = _flat(tmp_path / "timemory-mpi-ranks-output")
    assert flat["mpi_size"] == 4 and len(flat["ranks"]) == 1
    rows = _rows(flat["ranks"][0])
    assert rows[">>> outer"]["entry"]["laps"] == 4
    assert rows[">>> |_step"]["entry"]["laps"] == 10
    assert rows[">>> setup"]["entry"]["laps"] == 1
    assert rows[">>> |_step"]["rank_stats"]["ranks"] == 4


def test_c_example_per_rank_with_its_own_finalize(mpi_ranks, tmp_path):
    env = {"TIMEMORY_COLLAPSE_PROCESSES": "false"}
    _mpirun([mpi_ranks, "--finalize"], tmp_path, env=env)
    flat = _flat(tmp_path / "timemory-mpi-ranks-output")
    assert [element["rank"] for element in flat["ranks"]] == [0, 1, 2, 3]
    for rank, element in enumerate(flat["ranks"]):
        assert _rows(element)[f"|{rank}>>> |_step"]["entry"]["laps"] == rank + 1
    tree = json.loads((tmp_path / "timemory-mpi-ranks-output" / "wall.tree.json").read_text())
    assert len(tree["timemory"]["wall_clock"]["mpi"]) == 4


def test_support_is_reported_truthfully(capsys):
    supported = PLUGIN.exists()
    assert timemory.has_mpi_support() is supported
    assert timemory.mpi_support.is_supported() is supported
    assert timemory.mpi.is_supported() is supported
    timemory.mpi_support.mpi_c_info()
    timemory.mpi_support.mpi_exe_info()
    out = capsys.readouterr().out
    if supported:
        assert "MPI_C_COMPILER" in out and "MPIEXEC_EXECUTABLE" in out
        assert timemory.mpi_support.unavailable_reason() is None
    else:
        assert out == "MPI not supported\nMPI not supported\n"
        assert "without MPI support" in timemory.mpi_support.unavailable_reason()
    # not under mpirun: one process
    assert (timemory.dmp_rank(), timemory.dmp_size()) == (0, 1)


def test_a_program_without_mpi_loads_nothing(run_python):
    code = (
        "import timemory\n"
        "from timemory.util import marker\n"
        "with marker(['wall_clock'], key='x'):\n"
        "    pass\n"
        "timemory.finalize()\n"
        "maps = open('/proc/self/maps').read()\n"
        "print('libmpi' in maps, 'libtimemory-mpi' in maps)\n"
    )
    result = run_python(code, check=True)
    assert result.stdout.split()[-2:] == ["False", "False"]


def test_c_program_without_mpi_and_the_mpi_init_setting(tmp_path):
    """nested_regions.c is not linked with MPI: with TIMEMORY_MPI_INIT timemory_init starts MPI
    itself (MPI_Init_thread, funneled) and TIMEMORY_MPI_FINALIZE ends it after the output."""
    _require("timemory's MPI plugin", PLUGIN.exists())
    _require("cc and pkg-config", bool(shutil.which("cc") and shutil.which("pkg-config")))
    env = dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG))
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "timemory"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    exe = tmp_path / "nested_regions"
    source = ROOT / "examples" / "c" / "nested_regions.c"
    subprocess.run(["cc", "-std=c11", str(source), *flags, "-lpthread", "-o", str(exe)], check=True)
    settings = {
        "TIMEMORY_MPI_INIT": "ON",
        "TIMEMORY_MPI_FINALIZE": "ON",
        "TIMEMORY_MPI_THREAD_TYPE": "funneled",
    }
    result = _mpirun([exe], tmp_path, np=2, env=settings)
    assert result.stdout.count("REAL-CLOCK TIMER") == 1
    flat = _flat(tmp_path / "timemory-nested-regions-output")
    assert flat["mpi_size"] == 2 and len(flat["ranks"]) == 1
    rows = _rows(flat["ranks"][0])
    assert rows[">>> main-outer"]["entry"]["laps"] == 2
    assert rows[">>> worker-outer"]["entry"]["laps"] == 2
    assert sorted(e["entry"]["laps"] for e in flat["ranks"][0]["graph"]) == [2, 2, 2, 4, 6]


LATE = """
#include <mpi.h>
#include <timemory/library.h>
#include <timemory/timemory.h>

int main(int argc, char** argv)
{
    timemory_init_library(argc, argv); /* before MPI_Init: timemory does not see MPI */
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    for(int i = 0; i <= rank; ++i)
    {
        timemory_push_region("late-step");
        timemory_pop_region("late-step");
    }
    MPI_Finalize(); /* timemory finalizes at exit, MPI gone: each rank writes its own */
    return 0;
}
"""


def test_mpi_finalized_before_timemory_saw_it(tmp_path):
    _require("mpicc", MPICC is not None and shutil.which("pkg-config") is not None)
    env = dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG))
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "timemory"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    (tmp_path / "late.c").write_text(LATE)
    subprocess.run([MPICC, "-std=c11", "late.c", *flags, "-o", "late"], cwd=tmp_path, check=True)
    result = _mpirun([tmp_path / "late"], tmp_path, np=3)
    assert result.stderr.count("MPI was finalized before timemory") == 1
    folder = tmp_path / "timemory-late-output"
    for rank in range(3):
        rows = _rows(_flat(folder / f"rank-{rank}")["ranks"][0])
        assert rows[">>> late-step"]["entry"]["laps"] == rank + 1
    assert not (folder / "wall.json").exists()

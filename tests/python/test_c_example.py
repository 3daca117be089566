"""The C library as a product of its own: examples/c/nested_regions.c is compiled against the
installed library with pkg-config (as a user would, from this environment's prefix), run, and
the files it writes are read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKGCONFIG = Path(sys.prefix) / "lib" / "pkgconfig"


def _pkg_config(*args: str) -> list[str]:
    env = dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG))
    out = subprocess.run(
        ["pkg-config", *args, "timemory"], env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


@pytest.fixture(scope="module")
def nested_regions(tmp_path_factory) -> Path:
    if not shutil.which("pkg-config") or not shutil.which("cc"):
        pytest.fail("pkg-config and cc are needed: run scripts/install-deps.sh")
    assert (PKGCONFIG / "timemory.pc").exists(), "pip install . puts timemory.pc in <prefix>/lib"
    work = tmp_path_factory.mktemp("cexample")
    exe = work / "nested_regions"
    cmd = [
        "cc",
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        str(ROOT / "examples/c/nested_regions.c"),
        *_pkg_config("--cflags", "--libs"),
        "-lpthread",
        "-o",
        str(exe),
    ]
    subprocess.run(cmd, check=True)
    return exe


def test_pkg_config_describes_the_installed_library():
    cflags = _pkg_config("--cflags")
    assert any(f.startswith("-I") for f in cflags)
    inc = Path(cflags[0][2:])
    assert (inc / "timemory" / "timemory.h").exists()
    assert (inc / "timemory" / "library.h").exists()
    version = subprocess.run(
        ["pkg-config", "--modversion", "timemory"],
        check=True,
        text=True,
        capture_output=True,
        env=dict(os.environ, PKG_CONFIG_PATH=str(PKGCONFIG)),
    ).stdout.strip()
    import timemory

    assert version == timemory.version


def test_c_example_runs_and_writes_its_files(nested_regions, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMEMORY_")}
    proc = subprocess.run(
        [str(nested_regions)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "unbalanced pop: pop without a matching push" in proc.stdout
    assert "Warning! region 'never-pushed' does not exist!" in proc.stderr
    out = tmp_path / "timemory-nested-regions-output"
    for name in (
        "wall.txt",
        "wall.json",
        "wall.tree.json",
        "wall.flamegraph.json",
        "cpu.txt",
        "cpu.json",
        "peak_rss.txt",
        "peak_rss.json",
    ):
        assert (out / name).is_file(), name
    assert f"Outputting '{out.name}/wall.json'..." in proc.stdout

    flat = json.loads((out / "wall.json").read_text())["timemory"]["wall_clock"]
    graph = flat["ranks"][0]["graph"]
    rows = [(e["prefix"], e["depth"], e["entry"]["laps"]) for e in graph]
    # pre-order: the main thread's tree, then the worker's (threads merged at output)
    assert rows == [
        (">>> main-outer", 0, 1),
        (">>> |_inner", 1, 3),
        (">>> record", 0, 1),
        (">>> worker-outer", 0, 1),
        (">>> |_inner", 1, 2),
    ]
    assert flat["thread_count"] == 2
    inner = graph[1]["stats"]
    assert inner["count"] == 3
    assert 0.004 < inner["min"] < 0.1
    assert graph[1]["rolling_hash"] == (graph[0]["hash"] + graph[1]["hash"]) % 2**64

    # two threads: one root each under "mpi" (hatchet's layout), one rank
    tree = json.loads((out / "wall.tree.json").read_text())["timemory"]["wall_clock"]
    assert (tree["collapse_threads"], tree["distributed"], "graph" in tree) == (True, False, False)
    assert len(tree["mpi"]) == 1 and len(tree["mpi"][0]) == 2
    main, worker = tree["mpi"][0]
    assert main["node"]["hash"] == worker["node"]["hash"] == 0
    assert [c["node"]["prefix"] for c in main["children"]] == ["main-outer", "record"]
    assert [c["node"]["prefix"] for c in worker["children"]] == ["worker-outer"]
    assert main["children"][0]["children"][0]["node"]["tid"] == [0]
    assert worker["children"][0]["children"][0]["node"]["tid"] == [1]

    text = (out / "wall.txt").read_text()
    assert "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)" in text
    assert "| >>> |_inner " in text

    trace = json.loads((out / "wall.flamegraph.json").read_text())
    assert {e["ph"] for e in trace["traceEvents"]} == {"X"}

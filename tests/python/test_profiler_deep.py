"""Deep recursion under the Profiler and the Tracer: as deep as the interpreter itself allows
(its recursion limit, not the C stack of the frame hook), a RecursionError where Python raises
one, never a crash. Each run is a subprocess (a crash must fail the test, not the session)."""

import json

import pytest

PROGRAM = """
import sys, threading
sys.setrecursionlimit(int(sys.argv[2]))
threading.stack_size(64 << 20)  # for the thread run: the main thread has the system's
import timemory
from timemory.profiler import Profiler
from timemory.trace import Tracer

timemory.settings.output_path = "out"
depth = int(sys.argv[1])
tool = sys.argv[3]

def recurse(n):
    return 0 if n == 0 else 1 + recurse(n - 1)

def run():
    if tool == "plain":
        return recurse(depth)
    with (Profiler(["wall_clock"]) if tool == "profiler" else Tracer(["wall_clock"])):
        return recurse(depth)

try:
    if len(sys.argv) > 4:  # in a thread of its own
        box = []
        t = threading.Thread(target=lambda: box.append(run()))
        t.start()
        t.join()
        print("RESULT", box[0])
    else:
        print("RESULT", run())
except RecursionError:
    print("RECURSIONERROR")
timemory.finalize()
"""


def _run(run_python, depth, limit, tool, *extra):
    return run_python(PROGRAM, depth, limit, tool, *extra, timeout=600)


@pytest.mark.parametrize("tool", ["profiler", "tracer"])
def test_deep_recursion_as_deep_as_plain_python(run_python, tool, tmp_path):
    depth, limit = 20000, 60000
    plain = _run(run_python, depth, limit, "plain")
    if plain.returncode != 0:  # 3.9/3.10 recurse on the C stack themselves
        pytest.skip(f"plain Python does not survive {depth} calls deep here")
    result = _run(run_python, depth, limit, tool)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"RESULT {depth}" in result.stdout
    if tool == "profiler":
        data = json.loads((tmp_path / "out" / "wall.json").read_text())
        graph = data["timemory"]["wall_clock"]["ranks"][0]["graph"]
        recurse = [e for e in graph if e["prefix"].lstrip("|_ >").startswith("recurse/")]
        assert len(recurse) == depth + 1
        assert all(e["entry"]["laps"] == 1 for e in recurse)


@pytest.mark.parametrize("tool", ["profiler", "tracer"])
def test_deep_recursion_in_a_thread(run_python, tool):
    result = _run(run_python, 30000, 60000, tool, "thread")
    plain = _run(run_python, 30000, 60000, "plain", "thread")
    if plain.returncode != 0:
        pytest.skip("plain Python does not survive this deep in a thread here")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "RESULT 30000" in result.stdout


@pytest.mark.parametrize("tool", ["profiler", "tracer"])
def test_recursion_error_where_python_raises_one(run_python, tool):
    plain = _run(run_python, 5000, 2000, "plain")
    assert "RECURSIONERROR" in plain.stdout
    result = _run(run_python, 5000, 2000, tool)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "RECURSIONERROR" in result.stdout

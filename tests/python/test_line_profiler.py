"""timemory.line_profiler as line_profiler's users use it: exact hits per line (loops of known
trip counts, branches, exceptions, generators, recursion, threads), times that add up to the
call, the decorator, add_function/add_class/add_module, enable/disable and the context
manager, several profilers side by side, extra component columns, print_stats' layout, the
.lprof file (read back by our loader and by ``python -m line_profiler`` when installed), the
tracer handed back to timemory.trace.Tracer, and the command line (-l -v -o -b -m -s -z,
the program's exit status, --help) in subprocesses."""

import asyncio
import gc
import io
import pickletools
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest
from conftest import clean_environment
from timemory.line_profiler import LineProfiler, LineStats, _rewrite, load_stats
from timemory.line_profiler.line_profiler import _label

try:
    import line_profiler as peer
except ImportError:  # the peer is optional (the test extra installs it)
    peer = None


# CPython 3.11 runs the profiled functions rewritten (test_line_rewrite.py); every test here
# runs with that backend and with the traced one
@pytest.fixture(autouse=True, params=["auto"] + (["trace"] if not _rewrite.reason() else []))
def line_backend(request, monkeypatch):
    monkeypatch.setenv("TIMEMORY_LINE_PROFILER_BACKEND", request.param)
    yield request.param
    gc.collect()  # the profilers of the test gone: their functions run their original code


def branches(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
        else:
            total -= 1
    try:
        raise ValueError(total)
    except ValueError:
        total += 1
    return total


def counter(n):
    for i in range(n):
        yield i * 2


def depth(n):
    if n <= 0:
        return 0
    return 1 + depth(n - 1)


def sleeper(pause):
    time.sleep(pause)
    time.sleep(pause)
    return pause


def caller(pause):
    value = sleeper(pause)
    return value


def hits(prof, func):
    """{line offset from the def line: hits} of func in prof's stats."""
    stats = prof.get_stats()
    first = func.__code__.co_firstlineno
    rows = stats.timings.get(_label(func.__code__), [])
    return {lineno - first: nhits for lineno, nhits, _ in rows}


def times(prof, func):
    first = func.__code__.co_firstlineno
    rows = prof.get_stats().timings.get(_label(func.__code__), [])
    return {lineno - first: total for lineno, _, total in rows}


# ------------------------------------------------------------------------------------------
# counts


def test_exact_hits_loops_branches_exceptions():
    prof = LineProfiler(branches)
    prof.runcall(branches, 10)
    # for: 10 trips + the exhausted check; i % 3 == 0 for 0, 3, 6, 9
    assert hits(prof, branches) == {
        1: 1, 2: 11, 3: 10, 4: 4, 6: 6, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1
    }  # fmt: skip
    prof.runcall(branches, 4)  # counts add up over calls
    assert hits(prof, branches)[2] == 11 + 5 and hits(prof, branches)[4] == 4 + 2


def test_exact_hits_generator_and_recursion():
    prof = LineProfiler(counter, depth)
    with prof:
        assert list(counter(5)) == [0, 2, 4, 6, 8]
        assert depth(3) == 3
    assert hits(prof, counter) == {1: 6, 2: 5}
    assert hits(prof, depth) == {1: 4, 2: 1, 3: 3}


@pytest.mark.skipif(peer is None, reason="line_profiler is not installed")
def test_hits_match_line_profiler():
    def outer():
        return branches(7) + sum(counter(3)) + depth(4)

    results = []
    for factory in (peer.LineProfiler, LineProfiler):
        prof = factory(branches, counter, depth, outer)
        prof.runcall(outer)
        stats = prof.get_stats()
        results.append({key: [(line, n) for line, n, _ in rows]
                        for key, rows in stats.timings.items()})  # fmt: skip
    assert results[0] == results[1]


def test_threads_are_counted():
    prof = LineProfiler(branches)
    with prof:
        workers = [threading.Thread(target=branches, args=(20,)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert hits(prof, branches)[2] == 4 * 21 and hits(prof, branches)[3] == 4 * 20


# ------------------------------------------------------------------------------------------
# times


def test_times_add_up_to_the_call():
    prof = LineProfiler(sleeper, caller)
    start = time.perf_counter_ns()
    prof.runcall(caller, 0.02)
    elapsed = time.perf_counter_ns() - start
    own = times(prof, sleeper)
    assert all(value >= 0 for value in own.values())
    assert own[1] >= 20_000_000 and own[2] >= 20_000_000
    total = sum(own.values())
    assert 40_000_000 <= total <= elapsed
    # a line's time runs to the next line of its frame: the call's time is in the caller's
    outer = times(prof, caller)
    assert outer[1] >= total and sum(outer.values()) <= elapsed
    assert sum(outer.values()) >= 0.9 * elapsed
    assert prof.get_stats().unit == 1e-9


# ------------------------------------------------------------------------------------------
# on and off


def test_decorator_enable_disable_and_context_manager():
    def work(n):
        total = 0
        for i in range(n):
            total += i
        return total

    prof = LineProfiler()
    wrapped = prof(work)
    assert wrapped.__wrapped__ is work and wrapped.__name__ == "work"
    assert wrapped(3) == 3
    assert hits(prof, work) == {1: 1, 2: 4, 3: 3, 4: 1}
    work(3)  # not the wrapper, nothing enabled: not counted
    assert hits(prof, work)[2] == 4
    prof.enable()
    work(2)
    prof.disable()
    work(5)
    assert hits(prof, work)[2] == 4 + 3
    with prof:
        work(1)
    assert hits(prof, work)[2] == 4 + 3 + 2
    # by count: nested uses keep it on until the outermost ends
    prof.enable_by_count()
    prof.enable_by_count()
    prof.disable_by_count()
    work(1)
    prof.disable_by_count()
    work(1)
    assert prof.enable_count == 0 and hits(prof, work)[2] == 4 + 3 + 2 + 2


def test_decorated_calls_methods_exceptions_and_nesting():
    # a decorated function's wrapper is C (LineProfilerWrapper): it binds as a method, takes
    # keywords, leaves the profiler off after an exception, nests with enable_by_count
    prof = LineProfiler()

    class Box:
        def __init__(self, size):
            self.size = size

        @prof
        def grow(self, by=1):
            self.size += by
            return self.size

    @prof
    def fail(n):
        if n:
            raise KeyError(n)
        return n

    box = Box(1)
    assert box.grow() == 2 and box.grow(by=3) == 5 and Box.grow(box, 2) == 7
    assert hits(prof, Box.grow.__wrapped__) == {2: 3, 3: 3}
    with pytest.raises(KeyError):
        fail(4)
    assert prof.enable_count == 0 and not prof._sw.enabled
    assert fail(0) == 0
    assert hits(prof, fail.__wrapped__) == {2: 2, 3: 1, 4: 1}
    # nested: an explicit enable around decorated calls keeps it on between them
    with prof:
        fail(0)
        assert prof.enable_count == 1
    assert prof.enable_count == 0
    assert hits(prof, fail.__wrapped__)[2] == 3
    # recursion through the wrapper: the inner calls only count
    @prof
    def down(n):
        return 0 if n <= 0 else 1 + down(n - 1)

    assert down(3) == 3
    assert hits(prof, down.__wrapped__) == {2: 4}
    assert prof.enable_count == 0
    assert fail.__name__ == "fail" and "LineProfilerWrapper" in repr(fail)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring is 3.12+")
def test_a_profiler_that_goes_away_removes_the_paused_hooks():
    # a decorated call's pause leaves sys.monitoring's events on the selected code (a change
    # of events re-instruments code); once the profiler is gone nothing may stay behind
    def small(a, b):
        return a + b

    def tools_on_small():
        mon = sys.monitoring
        return [i for i in range(6) if mon.get_tool(i) and mon.get_local_events(i, small.__code__)]

    prof = LineProfiler()
    wrapped = prof(small)
    assert wrapped(1, 2) == 3 and wrapped(2, 3) == 5
    assert hits(prof, small) == {1: 2}
    assert tools_on_small() != []  # paused, not removed: the next call is cheap
    del wrapped, prof
    gc.collect()
    assert tools_on_small() == []
    assert small(1, 1) == 2


def test_add_function_while_enabled_and_runctx_run():
    prof = LineProfiler()
    with prof:
        depth(1)  # not added yet
        prof.add_function(depth)
        depth(1)
    assert hits(prof, depth) == {1: 2, 2: 1, 3: 1}
    namespace = {"depth": depth}
    assert prof.runctx("depth(0)", namespace, namespace) is prof
    assert hits(prof, depth)[1] == 3


def test_wrappers_of_generators_coroutines_and_methods():
    prof = LineProfiler()
    gen = prof(counter)
    assert list(gen(3)) == [0, 2, 4]
    assert hits(prof, counter) == {1: 4, 2: 3}

    async def pause(n):
        await asyncio.sleep(0)
        return n + 1

    coro = prof(pause)
    assert asyncio.run(coro(1)) == 2
    assert hits(prof, pause) == {1: 1, 2: 1}

    class Shape:
        def __init__(self, side):
            self.side = side

        @property
        def area(self):
            return self.side * self.side

        @staticmethod
        def unit():
            return 1

        @classmethod
        def make(cls):
            return cls(2)

    assert prof.add_class(Shape) == 4
    with prof:
        assert Shape.make().area == 4 and Shape.unit() == 1
    assert hits(prof, Shape.__init__) == {1: 1}
    assert hits(prof, Shape.area.fget) == {2: 1}  # the def line is after @property
    module = types.ModuleType("made")
    exec("def one():\n    return 1\n\nclass K:\n    def two(self):\n        return 2\n",
         module.__dict__)  # fmt: skip
    assert LineProfiler().add_module(module) == 2
    with pytest.warns(UserWarning, match="Could not extract a code object"):
        assert prof.add_function(len) == 0


def test_profilers_side_by_side():
    first, second = LineProfiler(branches), LineProfiler(depth)
    with first:
        branches(2)
        depth(2)
    assert hits(first, branches)[2] == 3 and hits(second, depth) == {}
    with first, second:
        branches(1)
        depth(1)
    with second:
        depth(0)
    assert hits(first, branches)[2] == 3 + 2 and hits(first, depth) == {}
    assert hits(second, depth) == {1: 3, 2: 2, 3: 1}


def test_tracer_is_handed_back_to_timemory_trace():
    import timemory
    from timemory.trace import Tracer

    prof = LineProfiler(depth)
    prof.runcall(depth, 2)  # the data stays in C until asked for
    with Tracer(["wall_clock"]):
        depth(1)
    assert hits(prof, depth) == {1: 3, 2: 1, 3: 2}  # handed over before the Tracer ran
    labels = [entry["prefix"] for entry in timemory.get()["timemory"]["wall_clock"]["ranks"][0]
              ["graph"]]  # fmt: skip
    assert any("return 1 + depth(n - 1)" in label for label in labels)
    timemory.clear()
    prof.runcall(depth, 0)  # and the profiler takes it again afterwards
    assert hits(prof, depth)[1] == 4


# ------------------------------------------------------------------------------------------
# output


def test_components_add_columns():
    prof = LineProfiler(branches, components=["peak_rss", "cpu_clock"])
    assert sorted(prof.components) == ["cpu_clock", "peak_rss"]
    prof.runcall(branches, 3)
    stats = prof.get_stats()
    assert sorted(stats.components) == ["cpu_clock", "peak_rss"]
    values = stats.values[_label(branches.__code__)]
    assert set(values) == {line for line, _, _ in stats.timings[_label(branches.__code__)]}
    assert all(len(row) == 2 and all(v >= 0 for part in row for v in part)
               for row in values.values())  # fmt: skip
    out = io.StringIO()
    prof.print_stats(stream=out)
    header = next(line for line in out.getvalue().splitlines() if line.startswith("Line #"))
    assert "peak_rss [MB]" in header and "cpu [sec]" in header
    assert header.endswith("Line Contents")
    with pytest.raises(ValueError, match="did you mean"):
        LineProfiler(components=["peak_rs"])


def test_print_stats_layout():
    def unused():
        return 0

    prof = LineProfiler(branches, unused)
    prof.runcall(branches, 2)
    out = io.StringIO()
    prof.print_stats(stream=out)
    text = out.getvalue()
    lines = text.splitlines()
    first = branches.__code__.co_firstlineno
    assert lines[0] == "Timer unit: 1e-09 s" and lines[1] == ""
    assert lines[2].startswith("Total time: ") and lines[2].endswith(" s")
    assert lines[3] == f"File: {__file__}"
    assert lines[4] == f"Function: branches at line {first}"
    header = "Line #      Hits         Time  Per Hit   % Time  Line Contents"
    assert lines[6] == header and lines[7] == "=" * len(header)
    assert lines[8].startswith(f"{first:>6} ") and lines[8].endswith("def branches(n):")
    row = lines[10].split()  # for i in range(n): 3 hits
    assert row[0] == str(first + 2) and row[1] == "3" and row[5:] == ["for", "i", "in", "range(n):"]
    assert abs(sum(float(line[39:47]) for line in lines[9:20] if line[39:47].strip()) - 100) < 1
    assert "Function: test_print_stats_layout.<locals>.unused" in text or "unused" in text
    out = io.StringIO()
    prof.print_stats(stream=out, output_unit=1e-6, stripzeros=True)
    assert out.getvalue().startswith("Timer unit: 1e-06 s") and "unused" not in out.getvalue()


def test_dump_stats_and_load(tmp_path):
    prof = LineProfiler(branches, components=["peak_rss"])
    prof.runcall(branches, 5)
    path = tmp_path / "out.lprof"
    prof.dump_stats(path)
    stats = prof.get_stats()
    loaded = load_stats(path)
    assert isinstance(loaded, LineStats) and loaded == stats
    assert loaded.components == ("peak_rss",) and loaded.values == stats.values
    # line_profiler's own layout: its LineStats made without arguments, then its attributes
    ops = [(op.name, arg) for op, arg, _ in pickletools.genops(path.read_bytes())]
    assert ops[1] == ("GLOBAL", "line_profiler.line_profiler LineStats")
    assert ops[2][0] == "EMPTY_TUPLE" and ops[3][0] == "NEWOBJ" and ops[-2][0] == "BUILD"
    assert [name for name in path.parent.iterdir()] == [path]  # no temporary left
    merged = load_stats(path, path)
    assert merged.timings[_label(branches.__code__)][1][1] == 2 * 6


@pytest.mark.skipif(peer is None, reason="line_profiler is not installed")
def test_line_profiler_reads_our_file_and_we_read_its(tmp_path):
    prof = LineProfiler(branches)
    prof.runcall(branches, 5)
    ours = tmp_path / "ours.lprof"
    prof.dump_stats(ours)
    theirs = peer.load_stats(str(ours))
    assert theirs.timings == prof.get_stats().timings and theirs.unit == 1e-9
    shown = subprocess.run(
        [sys.executable, "-m", "line_profiler", str(ours)],
        capture_output=True, text=True, timeout=120, env=clean_environment(),
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert f"Function: branches at line {branches.__code__.co_firstlineno}" in shown.stdout
    assert "for i in range(n):" in shown.stdout
    other = peer.LineProfiler(branches)
    other.runcall(branches, 2)
    their_file = tmp_path / "theirs.lprof"
    other.dump_stats(str(their_file))
    loaded = load_stats(their_file)
    assert isinstance(loaded, LineStats) and loaded.timings == other.get_stats().timings


# ------------------------------------------------------------------------------------------
# command line

SCRIPT = """
import sys

@profile
def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

def untouched():
    return 1

print("result", work(10), sys.argv[1:])
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
"""


def run_cli(cwd, *args, module="timemory.line_profiler"):
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=clean_environment(),
    )  # fmt: skip


def test_cli_line_by_line_view_and_file(tmp_path):
    (tmp_path / "script.py").write_text(textwrap.dedent(SCRIPT))
    result = run_cli(tmp_path, "-l", "-v", "script.py", "3")
    assert result.returncode == 3, result.stderr
    out = result.stdout
    assert "result 45 ['3']" in out and "Wrote profile results to 'script.py.lprof'" in out
    assert "Timer unit: 1e-06 s" in out and "Function: work at line 4" in out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()
            if line[:6].strip().isdigit() and len(line.split()) > 2 and line.split()[1].isdigit()}  # fmt: skip
    assert rows == {"6": "1", "7": "11", "8": "10", "9": "1"}
    stats = load_stats(tmp_path / "script.py.lprof")
    assert [row[:2] for row in next(iter(stats.timings.values()))] == [
        (6, 1), (7, 11), (8, 10), (9, 1)
    ]  # fmt: skip
    # -o, no -v: the file and how to read it; .lprof files given: printed
    result = run_cli(tmp_path, "-l", "-o", "named.lprof", "script.py")
    assert result.returncode == 0 and "Inspect results with" in result.stdout
    shown = run_cli(tmp_path, "-z", "named.lprof")
    assert shown.returncode == 0 and "Function: work at line 4" in shown.stdout
    if peer is not None:
        theirs = subprocess.run([sys.executable, "-m", "line_profiler", "named.lprof"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert theirs.returncode == 0 and "total += i" in theirs.stdout


def test_cli_module_setup_and_errors(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(textwrap.dedent("""
        import sys

        def inner(x):
            return PRESET + x

        profile.add_function(inner)
        with profile:
            inner(1)
            inner(2)
        print("module", __name__, sys.argv[1:])
        raise RuntimeError("boom")
    """))
    (tmp_path / "setup_file.py").write_text("PRESET = 40\n")
    result = run_cli(tmp_path, "-l", "-v", "-s", "setup_file.py", "-m", "pkg", "x")
    assert result.returncode == 1
    assert "module __main__ ['x']" in result.stdout and "Function: inner at line 4" in result.stdout
    assert result.stderr.startswith("Traceback") and "RuntimeError: boom" in result.stderr
    assert "timemory" not in result.stderr.split("\n")[1]  # the program's frames only
    assert (tmp_path / "pkg.lprof").is_file()
    missing = run_cli(tmp_path, "-l", "nope.py")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad = run_cli(tmp_path, "-l", "--components", "peak_rs", "nope.py")
    assert bad.returncode == 2 and "did you mean" in bad.stderr


def test_cli_without_l_runs_the_function_profiler(tmp_path):
    (tmp_path / "script.py").write_text(textwrap.dedent(SCRIPT))
    result = run_cli(tmp_path, "-b", "-o", "prof.out", "script.py")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "prof" / "wall.txt").is_file()
    assert "work/script.py:4" in (tmp_path / "prof" / "wall.txt").read_text()


def test_cli_help_and_console_script(tmp_path):
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    for flag in ("-l", "-v", "-o", "-b", "-m", "--module", "-s", "-u", "-z", "-i", "--components"):
        assert flag in result.stdout
    script = Path(sys.executable).with_name("timemory-python-line-profiler")
    if script.exists():
        result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                                timeout=120, env=clean_environment())  # fmt: skip
        assert result.returncode == 0 and "line by line" in result.stdout


def test_cli_output_interval_writes_while_running(tmp_path):
    (tmp_path / "slow.py").write_text(textwrap.dedent("""
        import os, time

        @profile
        def step():
            return 1

        step()
        time.sleep(1.6)
        print("written while running:", os.path.exists("slow.py.lprof"))
    """))
    result = run_cli(tmp_path, "-l", "-i", "1", "slow.py")
    assert result.returncode == 0, result.stderr
    assert "written while running: True" in result.stdout
    assert [row[1] for row in next(iter(load_stats(tmp_path / "slow.py.lprof").timings.values()))] == [1]

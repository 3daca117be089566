"""timemory.profiler: the seed's example and table, labels and Config, nesting with markers,
threads, generators/coroutines/exceptions/recursion/C functions, every backend, hook removal,
a foreign profiler, and the command line. Programs run in subprocesses (run_python)."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from conftest import clean_environment, seed_hook_example

# 3.9-3.11: "scoped" resolves to the frame hook alone ("evalframe") when Config.trace_c is off
BACKENDS = ["legacy", "scoped"] if sys.version_info < (3, 12) else ["monitoring", "legacy"]

# prints the wall_clock entries as JSON: [prefix, depth, laps, seconds]
DUMP = """
import json as _json
_data = timemory.get(components=["wall_clock"])["timemory"].get("wall_clock")
_graph = _data["ranks"][0]["graph"] if _data else []
print("ENTRIES=" + _json.dumps([[e["prefix"][4:] if e["prefix"].startswith(">>> ") else
                                  e["prefix"], e["depth"], e["entry"]["laps"],
                                 e["entry"]["repr_data"]] for e in _graph]))
"""

SEED_PROFILER = seed_hook_example("profiler")


def entries(result):
    assert result.returncode == 0, result.stdout + result.stderr
    for line in result.stdout.splitlines():
        if line.startswith("ENTRIES="):
            return [tuple(item) for item in json.loads(line[len("ENTRIES=") :])]
    raise AssertionError("no ENTRIES line in:\n" + result.stdout + result.stderr)


def program(body, backend=None, trace_c=True):
    head = "import sys, threading\nimport timemory\n"
    head += "from timemory.profiler import Profiler, Config\n"
    head += "from timemory.libs import libpytimemory as _lib\n"
    if backend:
        head += f"_lib.ProfilerSession._set_backend({backend!r})\n"
    head += f"Config.trace_c = {trace_c}\n"
    # the failures Profiler.stop/Tracer.stop report (RuntimeWarning), recorded
    head += "import warnings\n_reported = []\n"
    head += "_show = warnings.showwarning\n"
    head += "def _record(message, *args, **kwargs):\n"
    head += "    if 'failed since the last report' in str(message):\n"
    head += "        _reported.append(str(message))\n"
    head += "    _show(message, *args, **kwargs)\n"
    head += "warnings.showwarning = _record\n"
    return head + textwrap.dedent(body) + DUMP


def line_of(code, text, nth=0):
    """Line number of the nth line of code containing text."""
    found = [i for i, line in enumerate(code.splitlines(), 1) if text in line]
    return found[nth]


def table_rows(text):
    """(label, count, depth) of the rows of a text table."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("| >>>"):
            continue
        cells = [cell.strip() for cell in line[2:-2].split(" | ")]
        rows.append((cells[0][4:], cells[1], cells[2]))
    return rows


# ------------------------------------------------------------------------------------------
# the seed


def test_seed_profiler_example(run_python, tmp_path):
    pytest.importorskip("numpy")
    result = run_python(SEED_PROFILER, name="doc-profiler.py", check=True)
    folder = tmp_path / "timemory-doc-profiler-output"
    for label in ("wall", "cpu"):
        for ext in (".txt", ".json", ".tree.json", ".flamegraph.json"):
            assert (folder / f"{label}{ext}").is_file(), f"{label}{ext}"
    wall = (folder / "wall.txt").read_text()
    assert "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)" in wall
    rows = table_rows(wall)
    labels = [row[0] for row in rows]
    # the seed's shape: the decorated function (decorator line), eval_func under it, numpy's
    # _mean under that, _count_reduce_items below; C calls one deeper, named after the C
    # function (the seed's original named them after their caller)
    assert rows[0] == ("profile_func/doc-profiler.py:15", "1", "0")
    assert labels[1] == "|_eval_func/doc-profiler.py:9" and rows[1][2] == "1"
    iterations = int(rows[1][1])
    assert iterations > 100
    mean = [row for row in rows if re.fullmatch(r"(  )*\|__mean/_methods\.py:\d+", row[0])]
    count = [row for row in rows if "|__count_reduce_items/_methods.py:" in row[0]]
    assert mean[0][2] == "2" and mean[0][1] == str(iterations) and len(mean) == 1
    c_depth = {row[0].strip().lstrip("|_"): row[2] for row in rows}
    assert c_depth["builtins.issubclass"] == "3" and c_depth["builtins.isinstance"] == "3"
    assert [row[2] for row in count] == ["3"] and count[0][1] == str(iterations)
    assert set(labels) <= {row[0] for row in table_rows((folder / "cpu.txt").read_text())}
    assert "profile_func/doc-profiler.py:15" in result.stdout


# ------------------------------------------------------------------------------------------
# labels, Config, nesting


def test_labels_and_config(run_python):
    body = """
    def leaf(x):
        return x + 1

    def helper():
        return leaf(1)

    @Profiler(["wall_clock"])
    def top():
        return helper() + leaf(2)

    top()
    Config.include_line = False
    Config.full_filepath = True
    Profiler(["wall_clock"]).runcall(leaf, 3)
    Config.include_line = True
    Config.full_filepath = False
    Config.include_filename = False
    Profiler(["wall_clock"]).runcall(leaf, 4)
    """
    code = program(body, trace_c=False)
    rows = entries(run_python(code))
    top, helper, leaf = (
        line_of(code, "@Profiler"),
        line_of(code, "def helper"),
        line_of(code, "def leaf"),
    )
    assert (f"top/prog.py:{top}", 0, 1) == rows[0][:3]
    assert (f"|_helper/prog.py:{helper}", 1, 1) == rows[1][:3]
    assert (f"  |_leaf/prog.py:{leaf}", 2, 1) == rows[2][:3]
    assert (f"|_leaf/prog.py:{leaf}", 1, 1) == rows[3][:3]
    full = [row for row in rows if row[0].endswith("/prog.py") and row[0].startswith("leaf/")]
    assert full and os.path.isabs(full[0][0][len("leaf/") :]), rows
    assert (f"leaf:{leaf}", 0, 1) in [row[:3] for row in rows]


def test_config_lists_add_and_filters(run_python):
    body = """
    Config.skip_functions = ["skipped"]
    before = set(Config.skip_functions)
    Config.skip_functions = "also_skipped"
    after = set(Config.skip_functions)
    assert after == before | {"also_skipped"}, (before, after)
    assert "<module>" in after and "_shutdown" in after
    assert Config.as_dict()["max_stack_depth"] == 65535

    def skipped():
        return 1

    def kept():
        return skipped()

    def only_me():
        return kept()

    Profiler(["wall_clock"]).runcall(only_me)
    Config.only_functions = ["kept"]
    Profiler(["wall_clock"]).runcall(only_me)
    """
    rows = entries(run_python(program(body)))
    labels = [row[0] for row in rows]
    assert labels[0].startswith("only_me/") and labels[1].startswith("|_kept/")
    assert not any("skipped" in label for label in labels)
    # the second run records kept() alone, at the top level
    assert [row for row in rows if row[0].startswith("kept/")][0][1:3] == (0, 1)


def test_config_static_properties(run_python):
    code = """
    import timemory
    from timemory.profiler import Config, config
    from timemory.trace import Config as TConfig
    assert config is Config
    d = Config.as_dict()
    assert d["trace_c"] is True and d["include_line"] is True and d["include_filename"] is True
    assert d["include_args"] is False and d["full_filepath"] is False
    assert d["include_internal"] is False and d["max_stack_depth"] == 65535
    assert d["only_functions"] == [] and d["only_filenames"] == []
    assert "threading.py" in d["skip_filenames"]
    assert Config._is_running is False
    Config.only_filenames = ["a.py"]
    Config.only_filenames = ["b.py", "a.py"]
    assert Config.only_filenames == ["a.py", "b.py"]
    assert Config().only_filenames == ["a.py", "b.py"]
    Config.clear("only_filenames")
    assert Config.only_filenames == []
    Config.max_stack_depth = 3
    Config.clear()
    assert Config.max_stack_depth == 65535
    try:
        Config.max_stack_depth = "x"
    except TypeError:
        pass
    else:
        raise AssertionError("no TypeError")
    t = TConfig.as_dict()
    assert "trace_c" not in t and "max_stack_depth" not in t and "<module>" not in t["skip_functions"]
    print("OK")
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=clean_environment({"TIMEMORY_AUTO_OUTPUT": "OFF"}),
    )
    assert result.returncode == 0 and "OK" in result.stdout, result.stdout + result.stderr


def test_include_args(run_python):
    body = """
    def add(a, b=2):
        return a + b

    Config.include_args = True
    Profiler(["wall_clock"]).runcall(add, 1)
    Profiler(["wall_clock"]).runcall(add, 5, b=7)
    """
    for backend in BACKENDS:
        code = program(body, backend, False)
        line = line_of(code, "def add")
        labels = [row[0] for row in entries(run_python(code))]
        assert f"add(a=1, b=2)/prog.py:{line}" in labels, (backend, labels)
        assert f"add(a=5, b=7)/prog.py:{line}" in labels, (backend, labels)


def test_markers_regions_and_profiler_share_one_call_graph(run_python):
    body = """
    from timemory.util import marker

    @marker(["wall_clock"], key="decorated")
    def leaf():
        return sum(range(10))

    def mid():
        timemory.region.push("region_in_mid")
        leaf()
        timemory.region.pop("region_in_mid")

    @Profiler(["wall_clock"])
    def top():
        mid()

    top()
    """
    code = program(body, trace_c=False)
    rows = entries(run_python(code))
    depth = {row[0].strip().lstrip("|_"): row[1] for row in rows}
    assert depth[f"top/prog.py:{line_of(code, '@Profiler')}"] == 0
    assert depth[f"mid/prog.py:{line_of(code, 'def mid')}"] == 1
    assert depth["region_in_mid"] == 2
    assert depth["leaf/decorated"] == 3, depth
    assert depth[f"leaf/prog.py:{line_of(code, '@marker')}"] == 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_region_left_open_inside_a_profiled_call(run_python, backend):
    # an exception skips a region's pop inside a profiled function: the function's own pop
    # still finds its push below the region, and the calls after it nest where they should
    body = """
    def fails():
        timemory.region.push("left_open")
        raise ValueError("x")

    def after():
        return 1

    def main():
        try:
            fails()
        except ValueError:
            pass
        timemory.region.pop("left_open")
        after()

    Config.only_filenames = [__file__]
    Profiler(["wall_clock"]).runcall(main)
    print("ERRORS", _lib.take_errors(), len(_reported))
    """
    code = program(body, backend, False)
    result = run_python(code)
    rows = entries(result)
    assert "ERRORS 0 0" in result.stdout
    depth = {row[0].strip().lstrip("|_"): (row[1], row[2]) for row in rows}
    assert depth[f"main/prog.py:{line_of(code, 'def main')}"] == (0, 1), rows
    assert depth[f"fails/prog.py:{line_of(code, 'def fails')}"] == (1, 1), rows
    assert depth["left_open"] == (2, 1), rows
    assert depth[f"after/prog.py:{line_of(code, 'def after')}"] == (1, 1), rows


def test_flat_and_timeline(run_python):
    body = """
    def inner():
        return 1

    def outer():
        return inner() + inner()

    Profiler(["wall_clock"], flat=True).runcall(outer)
    """
    code = program(body, trace_c=False)
    outer, inner = line_of(code, "def outer"), line_of(code, "def inner")
    rows = entries(run_python(code))
    assert (f"outer/prog.py:{outer}", 0, 1) in [row[:3] for row in rows]
    assert (f"inner/prog.py:{inner}", 0, 2) in [row[:3] for row in rows]
    rows = entries(run_python(code.replace("flat=True", "timeline=True")))
    assert [row[:3] for row in rows if "inner" in row[0]] == [
        (f"|_inner/prog.py:{inner}", 1, 1),
        (f"|_inner/prog.py:{inner}", 1, 1),
    ]


def test_several_components(run_python):
    code = program(
        """
    def work():
        return sum(range(1000))

    Profiler(["wall_clock", "cpu_clock", "peak_rss"]).runcall(work)
    data = timemory.get()["timemory"]
    print("COMPONENTS=" + ",".join(sorted(data)))
    """
    )
    result = run_python(code, check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("COMPONENTS=")][0]
    assert {"wall_clock", "cpu_clock", "peak_rss"} <= set(line.split("=")[1].split(","))


def test_measured_time(run_python):
    body = """
    import time

    def sleeper():
        time.sleep(0.2)

    Profiler(["wall_clock"]).runcall(sleeper)
    """
    for backend in BACKENDS:
        rows = entries(run_python(program(body, backend, False)))
        row = [row for row in rows if row[0].startswith("sleeper/")][0]
        assert 0.19 < row[3] < 0.3, (backend, row)


# ------------------------------------------------------------------------------------------
# correctness under every backend


BALANCE = """
import asyncio

def work(n):
    return sum(range(n))

def gen(n):
    for i in range(n):
        yield work(i)

async def coro(n):
    await asyncio.sleep(0)
    return work(n)

def boom():
    raise ValueError("x")

def rec(n):
    return 0 if n == 0 else rec(n - 1)

def main():
    total = sum(gen(3))
    asyncio.run(coro(4))
    try:
        boom()
    except ValueError:
        pass
    rec(4)
    g = gen(5)
    next(g)
    try:
        g.throw(KeyError("k"))
    except KeyError:
        pass
    sorted([3, 1, 2], key=lambda x: -x)
    len("abc")
    return total

Config.only_filenames = [__file__]
before = sys.getprofile()
Profiler(["wall_clock"]).runcall(main)
print("GETPROFILE", sys.getprofile() is before, sys.getprofile())
print("ERRORS", _lib.take_errors(), len(_reported))
"""


@pytest.mark.parametrize("trace_c", [True, False])
@pytest.mark.parametrize("backend", BACKENDS)
def test_stack_balance(run_python, backend, trace_c):
    code = program(BALANCE, backend, trace_c)
    result = run_python(code)
    rows = entries(result)
    line = {name: line_of(code, f"def {name}(") for name in ("main", "gen", "rec", "boom")}
    line["coro"] = line_of(code, "async def coro")
    assert "GETPROFILE True None" in result.stdout
    assert "ERRORS 0 0" in result.stdout
    top = [row for row in rows if row[1] == 0]
    assert [row[0] for row in top] == [f"main/prog.py:{line['main']}"], rows
    # generator resumptions: 4 for sum(gen(3)); gen(5) resumed by next() and throw()
    gen = [row for row in rows if f"gen/prog.py:{line['gen']}" in row[0]]
    assert sum(row[2] for row in gen) == 6, rows
    rec = sorted((row[1], row[2]) for row in rows if f"rec/prog.py:{line['rec']}" in row[0])
    assert rec[:5] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)], rec
    assert any(f"boom/prog.py:{line['boom']}" in row[0] and row[1] == 1 for row in rows)
    assert any(f"coro/prog.py:{line['coro']}" in row[0] for row in rows)
    assert not any(row[0].endswith(f"|_main/prog.py:{line['main']}") for row in rows), rows
    c_calls = {row[0]: row[1:3] for row in rows if "/" not in row[0]}
    if trace_c:
        # C calls under main, each named after its C function
        for name in ("sum", "sorted", "len", "next"):
            assert c_calls.get(f"|_builtins.{name}") == (1, 1), rows
        assert c_calls.get("|_generator.throw") == (1, 1), rows
    else:
        assert not c_calls, rows


@pytest.mark.parametrize("backend", BACKENDS)
def test_c_calls_counted_exactly_beside_python_calls(run_python, backend):
    # 3.12+: call sites that only ever called Python functions stop reporting CALL events
    # (the interpreter's cost of them); C calls elsewhere, and at a site whose callee was a C
    # function once, are all still recorded
    body = """
    def pyfunc(x):
        return x

    def main():
        for i in range(100):
            pyfunc(i)
            len("abc")
        for fn in [len] + [pyfunc] * 50 + [len] * 3:
            fn("ab")

    Config.only_filenames = [__file__]
    Profiler(["wall_clock"]).runcall(main)
    """
    code = program(body, backend, True)
    rows = entries(run_python(code))
    py_line = line_of(code, "def pyfunc(")
    c_calls = [row for row in rows if row[0] == "|_builtins.len"]
    py_calls = [row for row in rows if row[0] == f"|_pyfunc/prog.py:{py_line}"]
    assert c_calls and c_calls[0][2] == 104, rows
    assert py_calls and py_calls[0][2] == 150, rows


@pytest.mark.parametrize("trace_c", [True, False])
@pytest.mark.parametrize("backend", BACKENDS)
def test_threads_before_and_after_start(run_python, backend, trace_c):
    body = """
    timemory.settings.collapse_threads = False

    def work(n):
        return sum(range(n))

    def worker(event):
        event.wait()
        for _ in range(3):
            work(100)

    event = threading.Event()
    early = threading.Thread(target=worker, args=(event,))
    early.start()
    with Profiler(["wall_clock"]):
        late = threading.Thread(target=worker, args=(event,))
        late.start()
        event.set()
        early.join()
        late.join()
    after = threading.Thread(target=work, args=(10,))
    after.start()
    after.join()
    print("GETPROFILE", sys.getprofile())
    """
    result = run_python(program(body, backend, trace_c))
    rows = entries(result)
    assert "GETPROFILE None" in result.stdout
    prefixes = [row[0] for row in rows]
    # the late thread: worker and its calls; the early one: the calls made after start()
    assert any(re.fullmatch(r"\|\d+>>> worker/prog\.py:\d+", p) for p in prefixes), prefixes
    late_work = [row for row in rows if re.fullmatch(r"\|\d+>>> \|_work/prog\.py:\d+", row[0])]
    sums = [row for row in rows if re.fullmatch(r"\|\d+>>> +\|_builtins\.sum", row[0])]
    early_work = [row for row in rows if re.fullmatch(r"\|\d+>>> work/prog\.py:\d+", row[0])]
    assert late_work and late_work[0][2] == 3, rows
    assert early_work and early_work[0][2] == 3, rows
    # nothing after stop; with C calls each work() also shows the sum() it called
    assert sum(row[2] for row in rows if "work/" in row[0]) == 6, rows
    assert sum(row[2] for row in sums) == (6 if trace_c else 0), rows


def test_max_stack_depth(run_python):
    body = """
    def rec(n):
        return 0 if n == 0 else rec(n - 1)

    Config.max_stack_depth = 3
    Profiler(["wall_clock"]).runcall(rec, 10)
    print("ERRORS", _lib.take_errors())
    """
    result = run_python(program(body, trace_c=False))
    rows = entries(result)
    assert [row[1] for row in rows] == [0, 1, 2]
    assert "ERRORS 0" in result.stdout


def test_nested_profilers_and_decorated_recursion(run_python):
    body = """
    prof = Profiler(["wall_clock"])

    @prof
    def rec(n):
        return 0 if n == 0 else rec(n - 1)

    rec(3)
    assert not Config._is_running
    outer = Profiler(["wall_clock"])
    outer.start()
    inner = Profiler(["wall_clock"])
    inner.start()
    assert Config._is_running
    inner.stop()
    assert Config._is_running, "an inner profiler must not end the outer session"
    rec(1)
    outer.stop()
    assert not Config._is_running
    print("GETPROFILE", sys.getprofile())
    """
    result = run_python(program(body, trace_c=False))
    rows = entries(result)
    assert "GETPROFILE None" in result.stdout
    rec = sorted(row[1] for row in rows if "rec/prog.py" in row[0])
    assert rec[:4] == [0, 1, 2, 3]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the scoped backend is for 3.9-3.11")
def test_scoped_backend_learns_which_code_calls_c(run_python):
    # the profile hook (C-call events) runs only in frames of code that may call C: code with
    # no call site, or whose call sites all made 16 Python calls, runs with the frame hook
    # alone; a call site never run keeps its code watched, so its later C calls are counted
    body = """
    def leaf(x):
        return x + 1

    def pyonly(n):
        return leaf(n)

    def late(i, use_c):
        if use_c:
            return len("abc")
        return leaf(i)

    def withc():
        return len("ab")

    def main():
        for i in range(100):
            pyonly(i)
            late(i, False)
            withc()
        for i in range(5):
            late(i, True)

    Config.only_filenames = [__file__]
    profiler = Profiler(["wall_clock"])
    profiler.start()
    main()
    print("BACKEND", _lib.ProfilerSession._backend())
    states = [_lib.ProfilerSession._code_state(f.__code__) for f in (leaf, pyonly, late, withc, main)]
    profiler.stop()
    print("STATES", states)
    print("GETPROFILE", sys.getprofile())
    """
    code = program(body, "scoped", True)
    result = run_python(code)
    rows = entries(result)
    assert "BACKEND scoped" in result.stdout
    assert "STATES ['quiet', 'quiet', 'calls C', 'calls C', 'learning']" in result.stdout
    assert "GETPROFILE None" in result.stdout
    line = {name: line_of(code, f"def {name}(") for name in ("leaf", "late", "withc", "main")}
    laps = {}
    for prefix, _depth, count, _value in rows:
        name = prefix.strip().lstrip("|_")
        laps[name] = laps.get(name, 0) + count
    assert laps.get(f"leaf/prog.py:{line['leaf']}") == 200, rows
    assert laps[f"withc/prog.py:{line['withc']}"] == 100, rows
    assert laps[f"late/prog.py:{line['late']}"] == 105, rows
    assert laps["builtins.len"] == 105, rows  # 100 in withc, 5 in late
    assert laps[f"main/prog.py:{line['main']}"] == 1, rows


@pytest.mark.parametrize("backend", BACKENDS)
def test_config_changed_while_profiling(run_python, backend):
    # the per-code decisions are dropped and made again; calls in flight stay balanced
    body = """
    def leaf(x):
        return len(str(x))

    def middle(i):
        if i == 50:
            Config.skip_functions = ["skipped_later"]
        return leaf(i) + skipped_later(i)

    def skipped_later(i):
        return i

    def main():
        return sum(middle(i) for i in range(100))

    Config.only_filenames = [__file__]
    Profiler(["wall_clock"]).runcall(main)
    print("ERRORS", _lib.take_errors(), len(_reported))
    """
    code = program(body, backend, True)
    result = run_python(code)
    rows = entries(result)
    assert "ERRORS 0 0" in result.stdout
    laps = {}
    for prefix, _depth, count, _value in rows:
        name = prefix.strip().lstrip("|_").split("/")[0]
        laps[name] = laps.get(name, 0) + count
    assert laps["main"] >= 1 and laps["middle"] >= 100 and laps["leaf"] >= 100, rows
    assert laps["skipped_later"] == 50, rows  # i = 0..49: decided again at the next call


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the scoped backend is for 3.9-3.11")
def test_scoped_backend_beside_a_foreign_profiler(run_python):
    # another tool's profile hook is left in place (the stop warns); the frame hook still
    # records the Python calls
    body = """
    import warnings

    def f():
        return sum(range(10))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Profiler(["wall_clock"]):
            f()
            sys.setprofile(lambda *args: None)
            f()
    print("GETPROFILE_FOREIGN", sys.getprofile() is not None)
    sys.setprofile(None)
    print("WARNINGS", [str(w.message)[:40] for w in caught])
    """
    result = run_python(program(body, "scoped", True))
    rows = entries(result)
    assert "GETPROFILE_FOREIGN True" in result.stdout
    assert "timemory.profiler: another tool replaced" in result.stdout
    assert sum(row[2] for row in rows if row[0].startswith("f/")) == 2, rows


def test_foreign_profiler_warns(run_python):
    body = """
    import warnings

    def f():
        return sum(range(10))

    _lib.ProfilerSession._set_backend("legacy")
    Config.trace_c = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Profiler(["wall_clock"]):
            f()
            sys.setprofile(lambda *args: None)
            f()
    print("GETPROFILE_FOREIGN", sys.getprofile() is not None)
    sys.setprofile(None)
    print("WARNINGS", [str(w.message)[:40] for w in caught])
    print("WARN_FILE", [os.path.basename(w.filename) for w in caught])
    """
    result = run_python("import os\n" + program(body))
    rows = entries(result)
    assert "GETPROFILE_FOREIGN True" in result.stdout
    assert "timemory.profiler: another tool replaced" in result.stdout
    assert "WARN_FILE ['prog.py']" in result.stdout
    assert [row[2] for row in rows if row[0].startswith("f/")] == [1]


def test_profiler_function_and_fake(run_python):
    body = """
    from timemory.profiler import profiler_function, FakeProfiler, noprofile, profile
    assert profile is Profiler and noprofile is FakeProfiler
    assert callable(profiler_function)
    fake = FakeProfiler(["wall_clock"])

    @fake
    def f():
        return 1

    with fake:
        f()
    assert fake.is_enabled() is False
    Profiler.condition(lambda: False)
    Profiler(["wall_clock"]).runcall(f)
    Profiler.condition(lambda: True)
    """
    assert entries(run_python(program(body))) == []


# ------------------------------------------------------------------------------------------
# command line


def test_command_line(tmp_path):
    script = tmp_path / "my_script.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys

            def inner(x):
                return x * 2

            def main():
                print("ARGV", sys.argv[1:], __name__)
                return sum(inner(i) for i in range(5))

            if __name__ == "__main__":
                main()
                sys.exit(3)
            """
        )
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "timemory.profiler", "-c", "wall_clock", "cpu_clock",
         "-d", str(out), "--trace-c", "false", str(script), "--flag", "7"],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(),
    )  # fmt: skip
    assert result.returncode == 3, result.stdout + result.stderr
    assert "ARGV ['--flag', '7'] __main__" in result.stdout
    assert "[timemory]> profiling:" in result.stdout
    rows = table_rows((out / "wall.txt").read_text())
    assert rows[0][:3] == ("main/my_script.py:7", "1", "0")
    assert ("  |_inner/my_script.py:4", "5", "2") in rows
    assert (out / "cpu.txt").is_file()
    help_text = subprocess.run(
        [sys.executable, "-m", "timemory.profiler", "--help"],
        capture_output=True, text=True, env=clean_environment(),
    ).stdout  # fmt: skip
    for flag in (
        "--components",
        "--output-dir",
        "--trace-c",
        "--max-stack-depth",
        "--only-funcs",
        "--skip-files",
        "--include-args",
        "--full-filepath",
        "--builtin",
        "--setup",
    ):
        assert flag in help_text  # fmt: skip
    missing = subprocess.run(
        [sys.executable, "-m", "timemory.profiler", "-c", "wall_clock"],
        capture_output=True, text=True, env=clean_environment(), cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 2 and "no script or module given" in missing.stderr

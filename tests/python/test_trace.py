"""timemory.trace: the seed's tracer example and its line table, exact line counts through
generators/exceptions/recursion/threads, several components, hook removal, a foreign tracer,
the trace library bindings of the seed, and the command line. Programs run in subprocesses."""

import json
import re
import subprocess
import sys
import textwrap

import pytest
from conftest import clean_environment, seed_hook_example

DUMP = """
import json as _json
_data = timemory.get(components=["wall_clock"])["timemory"].get("wall_clock")
_graph = _data["ranks"][0]["graph"] if _data else []
print("ENTRIES=" + _json.dumps([[e["prefix"][4:], e["depth"], e["entry"]["laps"],
                                 e["entry"]["repr_data"], e["stats"]["count"]]
                                for e in _graph]))
"""

SEED_TRACER = seed_hook_example("tracer")

SEED_LIBRARY = """
import time
import timemory

def work_milliseconds(n):
    end = time.perf_counter() + n / 1000.0
    while time.perf_counter() < end:
        pass

def sleep_milliseconds(n):
    time.sleep(n / 1000.0)

# initialize
timemory.trace.init("wall_clock", False, "tracing")

# insert a trace
timemory.trace.push("consume_time")
ans = work_milliseconds(100)
timemory.trace.pop("consume_time")

# insert another trace point
timemory.trace.push("sleeping")
ans = sleep_milliseconds(100)
timemory.trace.pop("sleeping")

# insert a region
timemory.region.push("work_region")
for i in range(10):
    ans = work_milliseconds(10)
timemory.region.pop("work_region")

# finalize
timemory.trace.finalize()
"""


def entries(result):
    assert result.returncode == 0, result.stdout + result.stderr
    for line in result.stdout.splitlines():
        if line.startswith("ENTRIES="):
            return json.loads(line[len("ENTRIES=") :])
    raise AssertionError("no ENTRIES line in:\n" + result.stdout + result.stderr)


# 3.9-3.11: "scoped" (PyEval_SetTrace switched on in selected frames only) and "legacy"
BACKENDS = ["scoped", "legacy"] if sys.version_info < (3, 12) else ["monitoring"]


def program(body, backend=None):
    head = "import os, sys, threading\nimport timemory\n"
    head += "from timemory.trace import Tracer, Config\n"
    head += "from timemory.libs import libpytimemory as _lib\n"
    if backend:
        head += f"_lib.tracer_set_backend({backend!r})\n"
    head += "Config.only_filenames = [os.path.abspath(__file__)]\n"
    # the failures Profiler.stop/Tracer.stop report (RuntimeWarning), recorded
    head += "import warnings\n_reported = []\n"
    head += "_show = warnings.showwarning\n"
    head += "def _record(message, *args, **kwargs):\n"
    head += "    if 'failed since the last report' in str(message):\n"
    head += "        _reported.append(str(message))\n"
    head += "    _show(message, *args, **kwargs)\n"
    head += "warnings.showwarning = _record\n"
    return head + textwrap.dedent(body) + DUMP


def by_source(rows):
    """{source text of the line: (count, seconds, stats count, label)}"""
    result = {}
    for label, depth, laps, value, count in rows:
        assert depth == 0
        source = label[: label.rfind("[")].strip()
        result.setdefault(source, (laps, value, count, label))
    return result


def table_rows(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("| >>>"):
            cells = [cell.strip() for cell in line[2:-2].split(" | ")]
            rows.append([line[6 : line.index(" | ", 6)].rstrip()] + cells[1:])
    return rows


def test_seed_tracer_example(run_python, tmp_path):
    pytest.importorskip("numpy")
    run_python(SEED_TRACER, name="doc-tracer.py", check=True)
    folder = tmp_path / "timemory-doc-tracer-output"
    for label in ("wall", "cpu"):
        for ext in (".txt", ".json", ".tree.json", ".flamegraph.json"):
            assert (folder / f"{label}{ext}").is_file(), f"{label}{ext}"
    rows = table_rows((folder / "wall.txt").read_text())
    labels = [row[0] for row in rows]
    # every label: the source line, padding, then [func/file:NN] ending at one column
    assert len({len(label) for label in labels}) == 1 and len(labels[0]) == 112, labels
    head = [re.sub(r"\s+", " ", label.strip()) for label in labels[:8]]
    assert head == [
        '@Tracer(["wall_clock", "cpu_clock"]) [trace_func/doc-tracer.py:15]',
        "def trace_func(arr, tol): [trace_func/doc-tracer.py:16]",
        "while not eval_func(arr, tol): [trace_func/doc-tracer.py:18]",
        "arr = arr - np.power(arr, 3) [trace_func/doc-tracer.py:19]",
        "def eval_func(arr, tol): [trace_func/doc-tracer.py:09]",
        "max = np.max(arr) [trace_func/doc-tracer.py:11]",
        "avg = np.mean(arr) [trace_func/doc-tracer.py:12]",
        "return True if avg < tol and max < tol else False [trace_func/doc-tracer.py:13]",
    ]
    assert rows[0][1:] == [""] * 10  # the decorator line never runs: empty cells
    assert rows[1][1:4] == ["1", "0", "wall"]  # the def line: calls and inclusive time
    iterations = int(rows[3][1])
    assert int(rows[2][1]) == iterations + 1 and int(rows[4][1]) == iterations + 1
    assert all(row[1] == str(iterations + 1) for row in rows[5:8])
    # one statistics sample per line: MIN = MAX = SUM
    for row in rows[2:8]:
        assert row[5] == row[7] == row[8], row
    methods = [row for row in rows if "_methods.py:" in row[0]]
    assert methods and all(re.search(r"\[_mean/_methods\.py:\d{3}\]$", row[0]) for row in methods)
    assert any(row[0].startswith("def _mean(") for row in methods)
    assert any(row[0].startswith("def _count_reduce_items(") for row in methods)
    never = [row for row in methods if row[1] == ""]
    assert any("warnings.warn(" in row[0] for row in never)  # listed, never run
    assert not any('"""' in row[0] or row[0].startswith("#") for row in rows)
    cpu = table_rows((folder / "cpu.txt").read_text())
    assert [row[0] for row in cpu] == labels


@pytest.mark.parametrize("backend", BACKENDS)
def test_line_counts(run_python, backend):
    body = """
    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def gen(n):
        for j in range(n):
            yield work(2)

    def boom():
        raise ValueError("x")

    def rec(n):
        if n == 0:
            return 0
        return rec(n - 1)

    def main():
        # a comment
        total = sum(gen(3))
        try:
            boom()
        except ValueError:
            pass
        rec(4)
        if total < 0:
            print("never")
        return total

    with Tracer(["wall_clock"]):
        main()
        print("BACKEND", _lib.tracer_backend())
    print("GETTRACE", sys.gettrace())
    print("ERRORS", _lib.take_errors(), len(_reported))
    """
    result = run_python(program(body, backend))
    assert f"BACKEND {backend}" in result.stdout
    assert "GETTRACE None" in result.stdout and "ERRORS 0 0" in result.stdout
    lines = by_source(entries(result))
    counts = {source: value[0] for source, value in lines.items()}
    assert counts["def work(n):"] == 3
    assert counts["s = 0"] == 3
    assert counts["for i in range(n):"] == 9
    assert counts["s += i"] == 6
    assert counts["def gen(n):"] == 4  # started once, resumed three times
    assert counts["yield work(2)"] == 3
    assert counts['raise ValueError("x")'] == 1
    assert counts["def rec(n):"] == 5 and counts["if n == 0:"] == 5
    assert counts["return rec(n - 1)"] == 4 and counts["return 0"] == 1
    assert counts["def main():"] == 1 and counts["rec(4)"] == 1
    assert counts['print("never")'] == 0  # listed with no laps
    assert "# a comment" not in counts
    # one sample per line; inclusive time of main covers its lines
    assert all(value[2] == 1 for value in lines.values() if value[0] > 0)
    main_time = lines["def main():"][1]
    body_time = sum(lines[s][1] for s in ("total = sum(gen(3))", "boom()", "rec(4)"))
    assert main_time >= body_time * 0.5


@pytest.mark.parametrize("with_profiler", [False, True])
@pytest.mark.parametrize("backend", BACKENDS)
def test_selected_code_called_back_from_unselected_code(run_python, backend, with_profiler):
    # traced -> untraced module -> traced again: on 3.10-3.11 the scoped backend runs the
    # untraced callee by clearing the tracing flag and the callback by setting it again (with
    # a profile hook also installed, by switching PyEval_SetTrace instead)
    body = f"""
    import pathlib
    here = os.path.dirname(os.path.abspath(__file__))
    pathlib.Path(here, "helper_mod.py").write_text(
        "def apply(fn, x):\\n    y = fn(x)\\n    return y\\n")
    sys.path.insert(0, here)
    import helper_mod
    from timemory.profiler import Profiler

    def cb(x):
        y = x + 1
        return y

    def outer():
        total = 0
        for i in range(3):
            total += helper_mod.apply(cb, i)
        return total

    profiler = Profiler(["wall_clock"]) if {with_profiler} else None
    if profiler:
        _lib.profiler_set_backend("legacy")
        profiler.start()
    with Tracer(["wall_clock"]):
        outer()
        outer()
    if profiler:
        profiler.stop()
    print("HOOKS", sys.gettrace(), sys.getprofile())
    """
    result = run_python(program(body, backend))
    assert "HOOKS None None" in result.stdout, result.stdout + result.stderr
    rows = [row for row in entries(result) if "[" in row[0]]
    counts = {source: value[0] for source, value in by_source(rows).items()}
    assert counts["def cb(x):"] == 6 and counts["y = x + 1"] == 6, counts
    assert counts["total += helper_mod.apply(cb, i)"] == 6, counts
    assert counts["def outer():"] == 2 and counts["return total"] == 2, counts
    assert "y = fn(x)" not in counts


@pytest.mark.parametrize("backend", BACKENDS)
def test_threads_before_and_after_start(run_python, backend):
    body = """
    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def worker(event):
        event.wait()
        for _ in range(3):
            work(10)

    event = threading.Event()
    early = threading.Thread(target=worker, args=(event,))
    early.start()
    with Tracer(["wall_clock"]):
        late = threading.Thread(target=worker, args=(event,))
        late.start()
        event.set()
        early.join()
        late.join()
    work(5)
    print("GETTRACE", sys.gettrace())
    """
    result = run_python(program(body, backend))
    assert "GETTRACE None" in result.stdout
    counts = {source: value[0] for source, value in by_source(entries(result)).items()}
    assert counts["def work(n):"] == 6  # both threads; nothing after stop
    assert counts["s += i"] == 60
    assert counts["def worker(event):"] == 1  # only the thread started after start()
    assert counts["work(10)"] == 3


def test_several_components_and_profiler_together(run_python):
    body = """
    import time
    from timemory.profiler import Profiler

    def spin():
        end = time.perf_counter() + 0.05
        while time.perf_counter() < end:
            pass

    def sleepy():
        time.sleep(0.05)

    @Profiler(["wall_clock"])
    def both():
        spin()
        sleepy()

    with Tracer(["wall_clock", "cpu_clock"]):
        both()
    cpu = timemory.get(components=["cpu_clock"])["timemory"]["cpu_clock"]["ranks"][0]["graph"]
    print("CPU=" + json.dumps([[e["prefix"], e["entry"]["repr_data"]] for e in cpu]))
    """
    code = program("import json\n" + textwrap.dedent(body))
    result = run_python(code)
    rows = entries(result)
    both = [i for i, line in enumerate(code.splitlines(), 1) if "@Profiler" in line][0]
    lines = by_source([row for row in rows if "[" in row[0]])
    assert 0.04 < lines["time.sleep(0.05)"][1] < 0.2
    assert 0.04 < lines["spin()"][1] < 0.2 or 0.04 < lines["def spin():"][1] < 0.2
    profiled = [row for row in rows if "[" not in row[0]]
    assert [row[0] for row in profiled][:1] == [f"both/prog.py:{both}"]
    cpu = json.loads([x for x in result.stdout.splitlines() if x.startswith("CPU=")][0][4:])
    cpu_lines = {p[4 : p.rfind("[")].strip(): v for p, v in cpu if "[" in p}
    assert cpu_lines["time.sleep(0.05)"] < 0.03  # sleeping costs no CPU time
    assert cpu_lines["def spin():"] > 0.01  # 0.05 s of spinning: at least 20% of a busy core


def test_tracer_beside_the_profilers_frame_hook(run_python):
    # 3.9-3.11: the profiler without C calls holds the PEP 523 frame hook; a tracer started
    # then uses PyEval_SetTrace throughout, and both record
    body = """
    from timemory.profiler import Profiler, Config as ProfilerConfig

    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s

    ProfilerConfig.trace_c = False
    ProfilerConfig.only_filenames = [__file__]
    with Profiler(["wall_clock"]):
        with Tracer(["wall_clock"]):
            print("BACKENDS", _lib.profiler_backend(), _lib.tracer_backend())
            work(3)
    """
    result = run_python(program(body))
    expected = "evalframe legacy" if sys.version_info < (3, 12) else "monitoring monitoring"
    assert f"BACKENDS {expected}" in result.stdout, result.stdout + result.stderr
    rows = entries(result)
    counts = {
        source: value[0] for source, value in by_source([r for r in rows if "[" in r[0]]).items()
    }
    assert counts["s += i"] == 3
    assert any(row[0].startswith("work/prog.py:") for row in rows), rows


@pytest.mark.parametrize("backend", BACKENDS)
def test_foreign_tracer(run_python, backend):
    body = """
    import warnings

    def f():
        return 1

    def mine(frame, event, arg):
        return None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Tracer(["wall_clock"]):
            f()
            sys.settrace(mine)
            f()
    print("GETTRACE_FOREIGN", sys.gettrace() is mine)
    sys.settrace(None)
    print("WARNINGS", [str(w.message)[:38] for w in caught])
    """
    result = run_python(program(body, backend))
    counts = {source: value[0] for source, value in by_source(entries(result)).items()}
    assert "GETTRACE_FOREIGN True" in result.stdout
    if sys.version_info < (3, 12):
        # both use PyEval_SetTrace: the other one wins, with a warning
        assert "timemory.trace: another tool replaced" in result.stdout
        assert counts["return 1"] == 1
    else:
        # sys.monitoring and sys.settrace coexist
        assert "WARNINGS []" in result.stdout
        assert counts["return 1"] == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_calibrating_tracer_receives_events_and_records_nothing(run_python, backend):
    # bench/bench_tracer.py's floor: the same hooks with callbacks that return at once
    body = """
    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s

    _lib.tracer_calibrate(True)
    with Tracer(["wall_clock"]):
        work(3)
        try:
            _lib.tracer_calibrate(False)
        except RuntimeError as err:
            print("RUNNING", err)
    _lib.tracer_calibrate(False)
    print("GETTRACE", sys.gettrace())
    """
    result = run_python(program(body, backend))
    assert "RUNNING tracer_calibrate: the tracer is running" in result.stdout, result.stderr
    assert "GETTRACE None" in result.stdout
    counts = {source: value[0] for source, value in by_source(entries(result)).items()}
    assert "s += i" in counts and set(counts.values()) == {0}, counts


def test_config_filters(run_python):
    body = """
    def kept():
        return 1

    def dropped():
        return 2

    Config.skip_functions = ["dropped"]
    with Tracer(["wall_clock"]):
        kept()
        dropped()
    """
    counts = {
        source: value[0] for source, value in by_source(entries(run_python(program(body)))).items()
    }
    assert counts == {"def kept():": 1, "return 1": 1}


def test_fake_tracer_and_names(run_python):
    body = """
    from timemory.trace import FakeTracer, notrace, trace, tracer_function, TraceBundle
    assert trace is Tracer and notrace is FakeTracer and callable(tracer_function)

    @FakeTracer(["wall_clock"])
    def f():
        return 1

    f()
    Tracer.condition(lambda: False)
    Tracer(["wall_clock"]).runcall(f)
    Tracer.condition(lambda: True)
    """
    assert entries(run_python(program(body))) == []


def test_seed_library_bindings(run_python, tmp_path):
    result = run_python(SEED_LIBRARY, name="seed_library.py", check=True)
    rows = table_rows((tmp_path / "timemory-seed-library-output" / "wall.txt").read_text())
    values = {row[0]: (row[1], float(row[5])) for row in rows}
    assert values["consume_time"][0] == "1" and 0.09 < values["consume_time"][1] < 0.2
    assert values["sleeping"][0] == "1" and 0.09 < values["sleeping"][1] < 0.2
    assert values["work_region"][0] == "1" and 0.09 < values["work_region"][1] < 0.2
    assert "timemory_trace_init" in result.stderr


def test_trace_library_functions(run_python):
    body = """
    import timemory.trace as tr
    tr.init("wall_clock", False, "")
    key = timemory.get_hash("by_hash")
    tr.push(key)
    tr.pop(key)
    tr.push("by_name")
    tr.pop("by_name")
    print("THROTTLED", tr.is_throttled("by_name"), tr.is_initialized())
    tr.finalize()
    """
    result = run_python(program(body).split("import json as _json")[0])
    assert result.returncode == 0, result.stderr
    assert "THROTTLED False True" in result.stdout


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
                return [inner(i) for i in range(5)]

            if __name__ == "__main__":
                main()
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "timemory.trace", "-c", "wall_clock", "--", str(script), "a"],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ARGV ['a'] __main__" in result.stdout
    assert "[timemory]> tracing:" in result.stdout
    rows = table_rows((tmp_path / "timemory-my-script-output" / "wall.txt").read_text())
    counts = {row[0][: row[0].rfind("[")].strip(): row[1] for row in rows}
    assert counts["return x * 2"] == "5"
    assert counts["main()"] == "1"  # module-level code is traced by the command line
    help_text = subprocess.run(
        [sys.executable, "-m", "timemory.trace", "--help"],
        capture_output=True, text=True, env=clean_environment(),
    ).stdout  # fmt: skip
    assert "--components" in help_text and "--trace-c" not in help_text

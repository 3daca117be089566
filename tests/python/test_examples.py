"""Every Python example of the seeds (examples/seed_*.py) runs as a program and prints and
writes what the seeds show."""

import json
import re

import pytest
from conftest import EXAMPLES

FAST = {"EXAMPLE_TIME_SCALE": "0.05"}


def table_rows(text, banner):
    """The cells of the text table with this banner, cut at the column positions of its
    separator line (labels may contain "|")."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if banner in line)
    separator = next(line for line in lines[start:] if line.startswith("|") and "-|-" in line)
    bounds = [i for i, char in enumerate(separator) if char == "|"]
    rows = []
    for line in lines[lines.index(separator, start) + 1 :]:
        if line.startswith("|---"):
            break
        rows.append([line[a + 1 : b].strip() for a, b in zip(bounds, bounds[1:])])
    return rows


def load(folder, name):
    return json.loads((folder / name).read_text())


def flat_graph(folder, label, component):
    return load(folder, f"{label}.json")["timemory"][component]["ranks"][0]["graph"]


def outputs_once(stdout, folder, names):
    for name in names:
        assert stdout.count(f"Outputting '{folder}/{name}'...") == 1, name


def test_every_seed_example_has_a_test():
    tested = {
        "seed_settings", "seed_decorators", "seed_context_manager", "seed_context_profile",
        "seed_profiler", "seed_tracer", "seed_library_bindings", "seed_component",
        "seed_storage", "seed_scoped_basic", "seed_scoped_intermediate", "seed_scoped_snippets",
    }  # fmt: skip
    assert {path.stem for path in EXAMPLES.glob("seed_*.py")} == tested


def test_settings_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_settings.py", check=True)
    values = dict(
        (part.strip() for part in line.split("=", 1)) for line in result.stdout.splitlines()
    )
    assert values == {
        "verbose": "1", "debug": "False", "json_output": "True", "mpi_thread": "False",
        "dart_output": "True", "dart_count": "1", "banner": "False", "flat_profile": "True",
        "timeline_profile": "True", "output_path": "'timemory-seed-settings-output'",
    }  # fmt: skip
    assert not (tmp_path / "timemory-seed-settings-output").exists()  # no data, no files


def test_decorators_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_decorators.py", "15", check=True)
    assert "fibonacci_instrumented(15) = 610" in result.stdout
    folder = tmp_path / "timemory-seed-decorators-output"
    trips = flat_graph(folder, "trip_count", "trip_count")
    assert [(e["prefix"], e["entry"]["laps"]) for e in trips] == [(">>> fibonacci_instrumented", 3)]
    wall = flat_graph(folder, "wall", "wall_clock")
    assert [e["prefix"] for e in wall] == [">>> fibonacci_timed"]
    for label in ("cpu", "cpu_util", "peak_rss"):
        assert (folder / f"{label}.json").is_file()
    outputs_once(
        result.stdout,
        "timemory-seed-decorators-output",
        ["wall.json", "wall.tree.json", "wall.txt", "wall.flamegraph.json"],
    )
    assert table_rows(result.stdout, "REAL-CLOCK TIMER")[0][:3] == [">>> fibonacci_timed", "1", "0"]


def test_context_manager_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_context_manager.py", check=True)
    assert "fibonacci(3) = 2" in result.stdout
    rows = table_rows(result.stdout, "REAL-CLOCK TIMER")
    assert [row[0] for row in rows] == [
        ">>>", ">>> |_fibonacci(3)", ">>>   |_fibonacci(2)", ">>>     |_fibonacci(1)",
        ">>>     |_fibonacci(0)", ">>>   |_fibonacci(1)",
    ]  # fmt: skip
    assert [row[2] for row in rows] == ["0", "1", "2", "3", "3", "2"]
    peak = flat_graph(tmp_path / "timemory-seed-context-manager-output", "peak_rss", "peak_rss")
    assert len(peak) == 6


def test_component_example(run_python):
    result = run_python(EXAMPLES / "seed_component.py", check=True)
    match = re.match(r"result = (\d+\.\d+) sec, laps = 1", result.stdout)
    assert match and 2.0 <= float(match[1]) < 2.5


def test_storage_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_storage.py", env=FAST, check=True)
    out = result.stdout
    flat = out.split("# Storage Result")[1].split("# Storage Tree")[0]
    assert re.search(
        r"  Depth {16}: 0\n  Hash {17}: (\d+)\n  Rolling hash {9}: \1\n"
        r"  Prefix {15}: >>> foo\n  Hierarchy {12}: \[\1\]\n",
        flat,
    )
    assert "  Prefix               : >>> |_bar\n" in flat
    assert re.search(r"  Data object          : +\d+\.\d{3} sec wall\n", flat)
    assert re.search(
        r"  Statistics           : \[sum: [\d.e-]+\] \[min: [\d.e-]+\] "
        r"\[max: [\d.e-]+\] \[sqr: [\d.e-]+\] \[count: 5\]",
        flat,
    )
    assert "  Thread id            : 0\n" in flat
    tree = out.split("# Storage Tree\n")[1]
    assert "Thread id            : {0}\n" in tree
    assert "Depth                : -1\nHash                 : 0\n" in tree
    assert "Prefix               : unknown-hash=0\n" in tree
    assert "  Prefix               : foo\n" in tree and "    Prefix               : bar\n" in tree
    assert re.search(r"Exclusive data       : +-\d+\.\d{3} sec wall", tree)
    no_dummy = out.split("# Storage Tree (without dummy nodes)")[1]
    assert "unknown-hash=0" not in no_dummy and "Prefix               : foo" in no_dummy
    assert "Outputting" not in out
    assert not list(tmp_path.glob("timemory-*"))  # auto_output = False


def test_scoped_basic_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_scoped_basic.py", check=True)
    outputs_once(
        result.stdout,
        "timemory-seed-scoped-basic-output",
        ["wall.flamegraph.json", "wall.json", "wall.tree.json", "wall.txt"],
    )
    (row,) = table_rows(result.stdout, "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)")
    assert row[:5] == [">>> run", "1", "0", "wall", "sec"]
    assert re.fullmatch(r"\d\.\d{3}e[-+]\d\d", row[5])  # scientific = True
    text = (tmp_path / "timemory-seed-scoped-basic-output" / "wall.txt").read_text()
    assert ">>> run" in text


def test_scoped_intermediate_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_scoped_intermediate.py", check=True)
    out = result.stdout
    assert "Outputting wall clock data to output.json" in out
    assert load(tmp_path, "output.json")["timemory"]["wall_clock"]["ranks"][0]["graph"]
    cpu_rows = table_rows(out, "TOTAL CPU TIME")
    assert [row[0] for row in cpu_rows] == [">>> run(15)"]
    assert cpu_rows[0][3] == "cpu"
    folder = tmp_path / "timemory-seed-scoped-intermediate-output"
    for label in ("wall", "peak_rss", "cpu", "page_rss", "virtual_memory"):
        assert (folder / f"{label}.json").is_file(), label
        assert (folder / f"{label}.txt").is_file(), label
    wall = flat_graph(folder, "wall", "wall_clock")
    assert {e["depth"] for e in wall} == {0}  # flat_profile = True
    assert all(e["stats"]["count"] == 1 for e in wall)  # timeline_profile = True
    assert len(wall) == 1 + 1973  # run(15) + every fib call
    # cout_output = False: no table at finalization
    assert "|---" not in out[out.index("Outputting 'timemory") :]


def test_scoped_snippets_example(run_python, tmp_path):
    result = run_python(EXAMPLES / "seed_scoped_snippets.py", "18", check=True)
    assert "fib_decorator(18) = 2584" in result.stdout
    folder = tmp_path / "timemory-seed-scoped-snippets-output"
    for label, component in (("wall", "wall_clock"), ("peak_rss", "peak_rss")):
        graph = flat_graph(folder, label, component)
        assert [e["prefix"] for e in graph] == [">>> fib_decorator", ">>> marker_ctx_manager"]


def test_library_bindings_example(run_python, tmp_path):
    pytest.importorskip("timemory.trace", reason="timemory.trace is not importable")
    result = run_python(EXAMPLES / "seed_library_bindings.py", env=FAST, check=True)
    folder = tmp_path / "timemory-tracing-output"
    if not folder.exists():
        folder = tmp_path / "timemory-seed-library-bindings-output"
    wall = flat_graph(folder, "wall", "wall_clock")
    labels = {e["prefix"]: e for e in wall}
    assert {">>> consume_time", ">>> sleeping", ">>> work_region"} <= set(labels)
    assert labels[">>> sleeping"]["entry"]["repr_data"] >= 0.05 * 0.9
    assert result.stdout.count("wall.json'...") == 1


def _needs(module, name):
    imported = pytest.importorskip(module, reason=f"{module} is not importable")
    if not hasattr(imported, name):
        pytest.skip(f"{module} has no {name} yet")


def test_context_profile_example(run_python, tmp_path):
    _needs("timemory.profiler", "profile")
    result = run_python(EXAMPLES / "seed_context_profile.py", check=True)
    assert "fibonacci(3) = 2" in result.stdout
    wall = flat_graph(tmp_path / "timemory-seed-context-profile-output", "wall", "wall_clock")
    assert any("fibonacci" in e["prefix"] for e in wall)


def test_profiler_example(run_python, tmp_path):
    pytest.importorskip("numpy")
    _needs("timemory.profiler", "Profiler")
    result = run_python(EXAMPLES / "seed_profiler.py", check=True)
    folder = tmp_path / "timemory-seed-profiler-output"
    outputs_once(
        result.stdout,
        "timemory-seed-profiler-output",
        ["wall.json", "wall.tree.json", "wall.txt", "cpu.json", "cpu.txt"],
    )
    rows = table_rows(result.stdout, "REAL-CLOCK TIMER")
    assert rows[0][0].startswith(">>> profile_func/seed_profiler.py:")
    assert rows[1][0].startswith(">>> |_eval_func/seed_profiler.py:")
    assert (folder / "cpu.txt").is_file()


def test_tracer_example(run_python, tmp_path):
    pytest.importorskip("numpy")
    _needs("timemory.trace", "Tracer")
    result = run_python(EXAMPLES / "seed_tracer.py", check=True)
    outputs_once(
        result.stdout,
        "timemory-seed-tracer-output",
        ["wall.json", "wall.tree.json", "wall.txt", "cpu.json", "cpu.txt"],
    )
    rows = table_rows(result.stdout, "REAL-CLOCK TIMER")
    assert any("while not eval_func(arr, tol):" in row[0] for row in rows)
    assert all(row[2] in ("0", "") for row in rows)

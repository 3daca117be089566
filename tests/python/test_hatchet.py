"""LLNL hatchet reads timemory's tree layout: GraphFrame.from_timemory on
timemory.get(hierarchy=True), on a <label>.tree.json file and on an output folder (spec
OUTPUT.md section 9).

SKIPPED WHEN llnl-hatchet IS NOT INSTALLED: the ``test`` extra installs it where PyPI has a
wheel for the running Python (not 3.13 as of hatchet 2026.2.0)."""

import json
import time

import pytest
import timemory
from timemory.util import marker

hatchet = pytest.importorskip(
    "hatchet", reason="llnl-hatchet is not installed (pip install llnl-hatchet)"
)

PROGRAM = """
import time
from timemory.util import marker

@marker(["wall_clock", "cpu_clock", "current_peak_rss"])
def inner(n):
    time.sleep(0.002 * n)

@marker(["wall_clock", "cpu_clock", "current_peak_rss"])
def outer():
    for n in (1, 2, 3):
        inner(n)

outer()
"""


def record():
    @marker(["wall_clock", "trip_count"])
    def inner(n):
        time.sleep(0.002 * n)

    @marker(["wall_clock", "trip_count"])
    def outer():
        for n in (1, 2, 3):
            inner(n)

    outer()
    with marker(["wall_clock"], key="side"):
        time.sleep(0.003)


def tree_stats(document, name):
    """{label: (laps, inclusive stats, exclusive stats)} of a tree document."""
    found = {}

    def walk(tree):
        node = tree["node"]
        if node["hash"] != 0:
            found[node["prefix"]] = (
                node["inclusive"]["entry"]["laps"],
                node["inclusive"]["stats"],
                node["exclusive"]["stats"],
            )
        for child in tree["children"]:
            walk(child)

    for rank in document["timemory"][name]["graph"]:
        for root in rank:
            walk(root)
    return found


def by_name(frame):
    return {row["name"]: row for _, row in frame.dataframe.iterrows()}


def test_from_timemory_get(clean_data):
    record()
    data = timemory.get(hierarchy=True)
    expected = tree_stats(json.loads(json.dumps(data)), "wall_clock")  # hatchet edits its input
    graph = hatchet.GraphFrame.from_timemory(data)
    rows = by_name(graph)
    assert set(rows) == {"outer", "inner", "side"}
    assert graph.default_metric == "sum.wall_clock"
    for name, (laps, inclusive, exclusive) in expected.items():
        row = rows[name]
        assert row["count"] == laps
        assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive["sum"])
        assert row["sum.wall_clock"] == pytest.approx(exclusive["sum"])
        assert row["max.wall_clock (inc)"] == pytest.approx(inclusive["max"])
    # the call-graph: inner under outer, two roots
    roots = {root.frame["name"]: root for root in graph.graph.roots}
    assert set(roots) == {"outer", "side"}
    assert [child.frame["name"] for child in roots["outer"].children] == ["inner"]
    text = graph.tree(metric_column="sum.wall_clock (inc)")
    assert "outer" in text and "inner" in text
    # trip_count keeps no statistics (empty objects, OUTPUT.md section 3): no columns, and
    # the reader goes on
    assert not any("trip_count" in column for column in graph.dataframe.columns)


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory):
    import subprocess
    import sys

    from conftest import clean_environment

    folder = tmp_path_factory.mktemp("hatchet")
    (folder / "prog.py").write_text(PROGRAM)
    result = subprocess.run(
        [sys.executable, "prog.py"],
        cwd=folder,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return folder / "timemory-prog-output"


def test_from_a_tree_json_file(output_folder):
    path = output_folder / "wall.tree.json"
    expected = tree_stats(json.loads(path.read_text()), "wall_clock")
    graph = hatchet.GraphFrame.from_timemory(str(path))
    rows = by_name(graph)
    assert set(rows) == {"outer", "inner"}
    assert rows["inner"]["count"] == 3
    for name, (_, inclusive, _) in expected.items():
        assert rows[name]["sum.wall_clock (inc)"] == pytest.approx(inclusive["sum"])


def test_from_an_output_folder(output_folder):
    graph = hatchet.GraphFrame.from_timemory(str(output_folder))
    columns = set(graph.dataframe.columns)
    for metric in ("wall_clock", "cpu_clock"):
        assert {f"sum.{metric}", f"sum.{metric} (inc)", f"mean.{metric}"} <= columns
    # two values per entry: one column per element label
    assert {"sum.start-peak-rss", "sum.stop-peak-rss (inc)"} <= columns
    assert graph.default_metric == "sum.wall_clock"
    assert set(by_name(graph)) == {"outer", "inner"}
    cpu = by_name(hatchet.GraphFrame.from_timemory(str(output_folder), select=["cpu_clock"]))
    assert "sum.wall_clock" not in cpu["outer"]


THREADS = """
import threading
import time
import json
import hatchet
import timemory
from timemory.util import marker

@marker(["wall_clock"])
def work():
    time.sleep(0.005)

threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
hatchet.GraphFrame.from_timemory(timemory.get(hierarchy=True)).tree()
"""


@pytest.mark.xfail(
    strict=True,
    reason="hatchet 2026.2.0's reader drops a 'rank' column it never added when a node "
    "merges several threads and there is no MPI rank (KeyError: ['rank'] not found in axis)",
)
def test_threads_merged_into_one_node(run_python):
    result = run_python(THREADS, name="threads.py")
    assert result.returncode == 0, result.stderr[-2000:]

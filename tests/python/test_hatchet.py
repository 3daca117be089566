"""LLNL hatchet reads timemory's tree layout: GraphFrame.from_timemory on
timemory.get(hierarchy=True), on a <label>.tree.json file and on an output folder (spec
OUTPUT.md section 9), single-threaded, threaded (one root per thread under "mpi", whatever
collapse_threads says; docs/outputs.md "Threads in the tree layout") and MPI, with the file's
values per (node, rank, thread) and tree() printing with its defaults; timemory.analyze.load
builds the same GraphFrame where hatchet's reader gives one (single thread, MPI ranks) and the
view the run showed otherwise (threads merged back, or a thread level), from outputs of real
programs: 3 and 4 threads, and 2 MPI ranks (of 3 threads) under mpirun.

SKIPPED WHEN llnl-hatchet IS NOT INSTALLED: the ``test`` extra installs it where PyPI has a
wheel for the running Python (not 3.13 as of hatchet 2026.2.0). The MPI tests skip without
mpirun or mpi4py (fail under CI, as test_mpi.py)."""

import json
import subprocess
import sys
import time

import pytest
import timemory
from conftest import clean_environment
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
graph = hatchet.GraphFrame.from_timemory(timemory.get(hierarchy=True))
assert graph.dataframe.index.names == ["node", "rank", "thread"], graph.dataframe.index.names
frame = graph.dataframe.reset_index()
counts = {int(t): c for t, c in zip(frame["thread"], frame["count"])}
assert counts == {0: 0, 1: 1, 2: 1}, counts
print(graph.tree())
"""


def test_threads_from_timemory_get(run_python):
    """Two threads and a main thread that measured nothing: hatchet's reader takes the
    per-thread roots ("mpi", one root per thread) and thread 0's bookmark gives every node a
    thread-0 row (zeros), so tree() (thread 0 by default) prints."""
    result = run_python(THREADS, name="threads.py")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "work" in result.stdout


# ---- timemory.analyze.load: threads and ranks -------------------------------------------------

THREADED = """
import threading
import time
from timemory.util import marker

@marker(["wall_clock", "trip_count"])
def leaf(n):
    time.sleep(0.001 * n)

@marker(["wall_clock", "trip_count"])
def work(i):
    for n in range(i + 1):
        leaf(n + 1)

threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def run_threaded(folder, collapse):
    folder.mkdir()
    (folder / "prog.py").write_text(THREADED)
    env = clean_environment({"TIMEMORY_COLLAPSE_THREADS": "true" if collapse else "false"})
    result = subprocess.run(
        [sys.executable, "prog.py"], cwd=folder, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "timemory-prog-output"


def json_nodes(path, name="wall_clock"):
    """{(label path, tids, rank): (laps, inclusive sum, exclusive sum)} of a tree file (rank
    None without MPI); bookmarks (is_dummy) are skipped."""
    component = json.loads(path.read_text())["timemory"][name]
    key = "graph" if "graph" in component else "mpi"
    ranks = key == "mpi" and component.get("distributed", True)
    found = {}

    def walk(tree, path, rank):
        node = tree["node"]
        if node["hash"] != 0 and not node["is_dummy"]:
            path = path + (node["prefix"],)
            found[(path, tuple(node["tid"]), rank)] = (
                node["inclusive"]["entry"]["laps"],
                node["inclusive"]["stats"]["sum"],
                node["exclusive"]["stats"]["sum"],
            )
        for child in tree["children"]:
            walk(child, path, rank)

    for rank, roots in enumerate(component[key]):
        for root in roots:
            walk(root, (), rank if ranks else None)
    return found


def merged(expected):
    """json_nodes summed over threads: {(path, rank): (laps, inclusive, exclusive, tids)}."""
    out = {}
    for (path, tids, rank), (laps, inclusive, exclusive) in expected.items():
        before = out.get((path, rank), (0, 0.0, 0.0, ()))
        out[(path, rank)] = (
            before[0] + laps,
            before[1] + inclusive,
            before[2] + exclusive,
            tuple(sorted(before[3] + tids)),
        )
    return out


def frame_rows(graph):
    """{(name path, index levels after the node...): row} of a GraphFrame."""
    rows = {}
    for index, row in graph.dataframe.iterrows():
        node, rest = (index[0], tuple(index[1:])) if isinstance(index, tuple) else (index, ())
        rows[(tuple(n.frame["name"] for n in node.path()),) + rest] = row
    return rows


@pytest.fixture(scope="module")
def threaded(tmp_path_factory):
    base = tmp_path_factory.mktemp("threads")
    return {
        "collapsed": run_threaded(base / "collapsed", True),
        "apart": run_threaded(base / "apart", False),
    }


def test_threads_merged_one_row_per_node(threaded):
    from timemory import analyze

    folder = threaded["collapsed"]
    tree = json.loads((folder / "wall.tree.json").read_text())["timemory"]["wall_clock"]
    # the file keeps each thread's root (hatchet's layout) and says the run merged them
    assert (tree["collapse_threads"], tree["distributed"], "graph" in tree) == (True, False, False)
    # the main thread ran no marker: threads 1, 2 and 3, after thread 0's bookmark
    assert len(tree["mpi"]) == 1 and len(tree["mpi"][0]) == 4
    assert tree["mpi"][0][0]["children"][0]["node"]["is_dummy"] is True
    expected = merged(json_nodes(folder / "wall.tree.json"))
    assert {path: v[3] for (path, _), v in expected.items()} == {
        ("work",): (1, 2, 3),
        ("work", "leaf"): (1, 2, 3),
    }
    for data in (folder, folder / "wall.tree.json", json.loads((folder / "wall.tree.json")
                 .read_text())):  # fmt: skip
        graph = analyze.load(data)
        assert graph.dataframe.index.names == ["node"]
        assert [root.frame["name"] for root in graph.graph.roots] == ["work"]
        assert [c.frame["name"] for c in graph.graph.roots[0].children] == ["leaf"]
        rows = frame_rows(graph)
        assert set(rows) == {(("work",),), (("work", "leaf"),)}
        for (path, _), (laps, inclusive, exclusive, _) in expected.items():
            row = rows[(path,)]
            assert row["thread"] == "1,2,3"
            assert row["count"] == laps
            assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive)
            assert row["sum.wall_clock"] == pytest.approx(exclusive)
        assert (rows[(("work",),)]["count"], rows[(("work", "leaf"),)]["count"]) == (3, 6)
        assert graph.default_metric == "sum.wall_clock"
        text = graph.tree(metric_column="sum.wall_clock (inc)")
        assert "work" in text and "leaf" in text
    # trip_count keeps no statistics: its value is the sum column (folder: every component)
    rows = frame_rows(analyze.load(folder))
    assert rows[(("work", "leaf"),)]["sum.trip_count (inc)"] == 6


def test_threads_kept_apart_one_row_per_thread(threaded):
    from timemory import analyze

    folder = threaded["apart"]
    expected = json_nodes(folder / "wall.tree.json")
    # collapse_threads=false: each thread's nodes apart in the tree, one thread id each
    assert {(path, tids) for path, tids, _ in expected} == {
        (path, (tid,)) for path in (("work",), ("work", "leaf")) for tid in (1, 2, 3)
    }
    # thread t ran work once and leaf 1, 2 or 3 times (which thread got which id may vary)
    leaf_laps = sorted(v[0] for (path, _, _), v in expected.items() if path[-1] == "leaf")
    assert leaf_laps == [1, 2, 3]
    graph = analyze.load(folder, select=["wall_clock"])
    assert graph.dataframe.index.names == ["node", "thread"]
    assert [root.frame["name"] for root in graph.graph.roots] == ["work"]
    rows = frame_rows(graph)
    assert len(rows) == 6
    for (path, (tid,), _), (laps, inclusive, exclusive) in expected.items():
        row = rows[(path, tid)]
        assert row["count"] == laps
        assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive)
        assert row["sum.wall_clock"] == pytest.approx(exclusive)
    for tid in (1, 2, 3):
        assert "leaf" in graph.tree(metric_column="sum.wall_clock (inc)", thread=tid)
    # the merged output has the same totals
    merged = frame_rows(analyze.load(threaded["collapsed"], select=["wall_clock"]))
    assert (
        sum(rows[(("work", "leaf"), t)]["count"] for t in (1, 2, 3))
        == merged[(("work", "leaf"),)]["count"]
    )


# ---- hatchet's own reader on threaded outputs ------------------------------------------------

NAMED = """
import threading
import time
from timemory.util import marker

@marker(["wall_clock", "cpu_clock"])
def leaf(n):
    time.sleep(0.001 * n)

@marker(["wall_clock", "cpu_clock"])
def work(i):
    for n in range(i + 1):
        leaf(n + 1)

threads = [threading.Thread(target=work, args=(i + 1,), name=f"worker-{i}") for i in range(3)]
for t in threads:
    t.start()
work(0)  # the main thread works too
for t in threads:
    t.join()
"""


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    base = tmp_path_factory.mktemp("named")
    out = {}
    for collapse in (True, False):
        folder = base / ("collapsed" if collapse else "apart")
        folder.mkdir()
        (folder / "prog.py").write_text(NAMED)
        env = clean_environment({"TIMEMORY_COLLAPSE_THREADS": "true" if collapse else "false"})
        result = subprocess.run(
            [sys.executable, "prog.py"], cwd=folder, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        out[collapse] = folder / "timemory-prog-output"
    return out


@pytest.mark.parametrize("collapse", [True, False], ids=["default", "collapse_threads=false"])
def test_hatchet_reads_threaded_output_directly(named, collapse):
    """GraphFrame.from_timemory on the tree file of a 3-thread program (main thread working
    too): index (node, rank, thread), one row per node and thread with the file's values,
    and tree() prints; the same with either collapse_threads (the tree file keeps threads
    apart; the table merges them when the run collapses threads)."""
    folder = named[collapse]
    path = folder / "wall.tree.json"
    expected = json_nodes(path)
    # thread t ran work once and leaf t + 1 times; the main thread is thread 0
    assert {(p, tids) for p, tids, _ in expected} == {
        (p, (t,)) for p in (("work",), ("work", "leaf")) for t in range(4)
    }
    assert sorted(v[0] for (p, _, _), v in expected.items() if p[-1] == "leaf") == [1, 2, 3, 4]
    tree = json.loads(path.read_text())["timemory"]["wall_clock"]
    assert (tree["collapse_threads"], tree["distributed"]) == (collapse, False)
    assert (tree["mpi_size"], tree["num_ranks"], tree["thread_count"]) == (1, 1, 4)
    graph = hatchet.GraphFrame.from_timemory(str(path))
    assert graph.dataframe.index.names == ["node", "rank", "thread"]
    rows = frame_rows(graph)
    assert set(rows) == {(p, 0, t) for p in (("work",), ("work", "leaf")) for t in range(4)}
    for (p, (tid,), _), (laps, inclusive, exclusive) in expected.items():
        row = rows[(p, 0, tid)]
        assert row["count"] == laps
        assert row["sum.wall_clock (inc)"] == inclusive
        assert row["sum.wall_clock"] == exclusive
    text = graph.tree()
    assert "work" in text and "leaf" in text
    for tid in (1, 2, 3):
        assert "leaf" in graph.tree(thread=tid)
    # a folder: every component, the same rows
    both = hatchet.GraphFrame.from_timemory(str(folder))
    assert {"sum.cpu_clock", "sum.wall_clock (inc)"} <= set(both.dataframe.columns)
    assert len(both.dataframe) == 8
    # the text table shows what the run asked for
    table = (folder / "wall.txt").read_text()
    assert ("| >>> |_leaf " in table) == collapse
    assert ("| |0>>> |_leaf " in table) == (not collapse)
    # timemory.analyze.load: merged as the run showed (collapsed), or a thread level
    from timemory import analyze

    ours = analyze.load(path)
    sums = merged(expected)
    if collapse:
        assert ours.dataframe.index.names == ["node"]
        mine = frame_rows(ours)
        for (p, _), (laps, inclusive, exclusive, tids) in sums.items():
            assert tids == (0, 1, 2, 3)
            assert mine[(p,)]["count"] == laps
            assert mine[(p,)]["thread"] == "0,1,2,3"
            assert mine[(p,)]["sum.wall_clock (inc)"] == pytest.approx(inclusive)
            assert mine[(p,)]["sum.wall_clock"] == pytest.approx(exclusive)
        # the roots merged back give the statistics the run's merged entries have
        flat = json.loads((folder / "wall.json").read_text())["timemory"]["wall_clock"]
        entries = {e["prefix"]: e["stats"] for e in flat["ranks"][0]["graph"]}
        for p, prefix in ((("work",), ">>> work"), (("work", "leaf"), ">>> |_leaf")):
            for stat in ("sum", "min", "max", "mean", "stddev", "sqr"):
                assert mine[(p,)][f"{stat}.wall_clock (inc)"] == pytest.approx(
                    entries[prefix][stat], rel=1e-9, abs=1e-15
                ), (p, stat)
    else:
        assert ours.dataframe.index.names == ["node", "thread"]
        mine = frame_rows(ours)
        for (p, (tid,), _), (laps, inclusive, _) in expected.items():
            assert mine[(p, tid)]["count"] == laps
            assert mine[(p, tid)]["sum.wall_clock (inc)"] == inclusive


def test_hatchet_threads_without_main_thread_work(threaded):
    """Only worker threads measured: thread 0's bookmark gives hatchet a thread-0 row of
    zeros for every node, so tree() prints with its defaults."""
    for folder in threaded.values():
        path = folder / "wall.tree.json"
        graph = hatchet.GraphFrame.from_timemory(str(path))
        rows = frame_rows(graph)
        assert set(rows) == {(p, 0, t) for p in (("work",), ("work", "leaf")) for t in range(4)}
        for p in (("work",), ("work", "leaf")):
            assert rows[(p, 0, 0)]["count"] == 0
            assert rows[(p, 0, 0)]["sum.wall_clock (inc)"] == 0
        for (p, (tid,), _), (laps, inclusive, _) in json_nodes(path).items():
            assert rows[(p, 0, tid)]["count"] == laps
            assert rows[(p, 0, tid)]["sum.wall_clock (inc)"] == inclusive
        assert "leaf" in graph.tree()


MPI_PROGRAM = """
import time
from mpi4py import MPI
from timemory.util import marker

rank = MPI.COMM_WORLD.Get_rank()

@marker(["wall_clock"])
def leaf(n):
    time.sleep(0.001 * n)

@marker(["wall_clock"])
def work():
    for n in range(rank + 1):
        leaf(n + 1)

work()
"""


@pytest.mark.parametrize("collapse", [True, False], ids=["merged", "per-rank"])
def test_mpi_ranks(tmp_path, collapse):
    from test_mpi import _has_mpi4py, _mpirun, _require
    from timemory import analyze

    _require("mpi4py", _has_mpi4py())
    (tmp_path / "prog.py").write_text(MPI_PROGRAM)
    env = {"TIMEMORY_COLLAPSE_PROCESSES": "true" if collapse else "false"}
    _mpirun([sys.executable, "prog.py"], tmp_path, np=2, env=env)
    path = tmp_path / "timemory-prog-output" / "wall.tree.json"
    expected = json_nodes(path)
    ranks = [0] if collapse else [0, 1]
    assert {(p, r) for p, _, r in expected} == {
        (p, r) for p in (("work",), ("work", "leaf")) for r in ranks
    }
    # leaf: 1 + 2 calls merged, or 1 on rank 0 and 2 on rank 1
    leaf = {r: v[0] for (p, _, r), v in expected.items() if p[-1] == "leaf"}
    assert leaf == ({0: 3} if collapse else {0: 1, 1: 2})
    ours = analyze.load(path)
    theirs = hatchet.GraphFrame.from_timemory(str(path))  # hatchet's reader works here
    assert ours.dataframe.index.names == theirs.dataframe.index.names == ["node", "rank"]
    assert list(ours.dataframe.columns) == list(theirs.dataframe.columns)
    rows, reference = frame_rows(ours), frame_rows(theirs)
    assert (
        set(rows)
        == set(reference)
        == {(p, r) for p in (("work",), ("work", "leaf")) for r in ranks}
    )
    for (path_, _, rank), (laps, inclusive, exclusive) in expected.items():
        row = rows[(path_, rank)]
        assert row["count"] == laps
        assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive)
        assert row["sum.wall_clock"] == pytest.approx(exclusive)
        for column in theirs.dataframe.columns:
            assert row[column] == reference[(path_, rank)][column], column
    assert "leaf" in ours.tree(metric_column="sum.wall_clock (inc)", rank=ranks[-1])


MPI_THREADS = """
import threading
import time
from mpi4py import MPI
from timemory.util import marker

rank = MPI.COMM_WORLD.Get_rank()

@marker(["wall_clock"])
def leaf(n):
    time.sleep(0.001 * n)

@marker(["wall_clock"])
def work(i):
    for n in range(i):
        leaf(n + 1)

threads = [threading.Thread(target=work, args=(rank + i + 2,)) for i in range(2)]
for t in threads:
    t.start()
work(rank + 1)
for t in threads:
    t.join()
"""


@pytest.mark.parametrize("collapse", [True, False], ids=["merged", "per-rank"])
def test_mpi_ranks_with_threads(tmp_path, collapse):
    """2 ranks of 3 threads: under "mpi" each rank (or the merged ranks) lists one root per
    thread; hatchet's reader gives (node, rank, thread) rows with the file's values and
    tree() prints; timemory.analyze.load merges the threads back per rank (the run's
    default)."""
    from test_mpi import _has_mpi4py, _mpirun, _require
    from timemory import analyze

    _require("mpi4py", _has_mpi4py())
    (tmp_path / "prog.py").write_text(MPI_THREADS)
    env = {"TIMEMORY_COLLAPSE_PROCESSES": "true" if collapse else "false"}
    _mpirun([sys.executable, "prog.py"], tmp_path, np=2, env=env)
    path = tmp_path / "timemory-prog-output" / "wall.tree.json"
    tree = json.loads(path.read_text())["timemory"]["wall_clock"]
    assert (tree["collapse_threads"], tree["distributed"], tree["mpi_size"]) == (True, True, 2)
    ranks = [0] if collapse else [0, 1]
    assert [len(roots) for roots in tree["mpi"]] == [3] * len(ranks)
    expected = json_nodes(path)
    assert {(p, tids, r) for p, tids, r in expected} == {
        (p, (t,), r) for p in (("work",), ("work", "leaf")) for t in range(3) for r in ranks
    }
    # rank r's thread t ran leaf r + t + 1 times; merged ranks add them
    leaf = {(t, r): v[0] for (p, (t,), r), v in expected.items() if p[-1] == "leaf"}
    if collapse:
        assert leaf == {(0, 0): 1 + 2, (1, 0): 2 + 3, (2, 0): 3 + 4}
    else:
        assert leaf == {(t, r): r + t + 1 for t in range(3) for r in ranks}
    graph = hatchet.GraphFrame.from_timemory(str(path))
    assert graph.dataframe.index.names == ["node", "rank", "thread"]
    rows = frame_rows(graph)
    assert set(rows) == {(p, r, t) for p, (t,), r in expected}
    for (p, (tid,), rank), (laps, inclusive, exclusive) in expected.items():
        assert rows[(p, rank, tid)]["count"] == laps
        assert rows[(p, rank, tid)]["sum.wall_clock (inc)"] == inclusive
        assert rows[(p, rank, tid)]["sum.wall_clock"] == exclusive
    assert "leaf" in graph.tree()
    assert "leaf" in graph.tree(rank=ranks[-1], thread=2)
    ours = analyze.load(path)
    assert ours.dataframe.index.names == ["node", "rank"]
    mine = frame_rows(ours)
    for (p, rank), (laps, inclusive, _, _) in merged(expected).items():
        assert mine[(p, rank)]["count"] == laps
        assert mine[(p, rank)]["thread"] == "0,1,2"
        assert mine[(p, rank)]["sum.wall_clock (inc)"] == pytest.approx(inclusive)


def test_load_errors(tmp_path):
    from timemory import analyze

    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        analyze.load(tmp_path / "missing.tree.json")
    with pytest.raises(FileNotFoundError, match="tree.json"):
        analyze.load(tmp_path)  # a folder with no tree file
    with pytest.raises(ValueError, match="no 'timemory' key"):
        analyze.load({"other": {}})
    with pytest.raises(ValueError, match="no call-graph node"):
        analyze.load({"timemory": {}})


def test_same_named_functions_keep_their_values():
    """Two children of one node whose labels give the same name (hatchet's reader keeps the
    values of the last one only)."""
    from timemory import analyze

    def node(prefix, value, children=()):
        stats = {"sum": value, "count": 1, "min": value, "max": value, "sqr": value * value,
                 "mean": value, "stddev": 0.0}  # fmt: skip
        part = {"entry": {"laps": 1, "repr_data": value}, "stats": stats}
        return {"node": {"hash": hash(prefix) & 0xFFFF or 1, "prefix": prefix, "tid": [0],
                         "pid": [7], "depth": 1, "is_dummy": False, "inclusive": part,
                         "exclusive": part}, "children": list(children)}  # fmt: skip

    data = {"timemory": {"wall_clock": {"type": "wall", "graph": [[node("main", 3.0, [
        node("f/a.py:1", 1.0), node("f/b.py:9", 2.0)])]]}}}  # fmt: skip
    graph = analyze.load(data)
    children = graph.graph.roots[0].children
    assert [c.frame["name"] for c in children] == ["f", "f"]
    frame = graph.dataframe.reset_index()
    assert sorted(zip(frame["file"], frame["line"], frame["sum.wall_clock"])) == [
        ("<unknown>", "0", 3.0), ("a.py", "1", 1.0), ("b.py", "9", 2.0),
    ]  # fmt: skip

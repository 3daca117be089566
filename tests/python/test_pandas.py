"""timemory.storage.to_dataframe / <Class>Storage.to_dataframe: results as pandas DataFrames,
flat (one row per entry and value) and per call-graph node (hierarchy=True). Skipped when
pandas is not installed (the ``pandas`` and ``test`` extras install it); the error without
pandas is checked with pandas hidden."""

import json
import math
import time

import pytest
import timemory
from timemory import storage
from timemory.storage import frames
from timemory.util import marker


def record():
    @marker(["wall_clock", "trip_count", "current_peak_rss"])
    def inner(n):
        time.sleep(0.001 * n)

    @marker(["wall_clock", "trip_count", "current_peak_rss"])
    def outer():
        for n in (1, 2, 3):
            inner(n)

    outer()
    outer()


def pandas_or_skip():
    return pytest.importorskip("pandas", reason="pandas is not installed (timemory[pandas])")


def test_flat_rows_match_the_json(clean_data):
    pandas_or_skip()
    record()
    document = timemory.get()
    frame = storage.to_dataframe(document)
    assert list(frame.columns) == frames.FLAT_COLUMNS
    wall = frame[frame.component == "wall_clock"].reset_index(drop=True)
    graph = document["timemory"]["wall_clock"]["ranks"][0]["graph"]
    assert len(wall) == len(graph) == 2
    for row, raw in zip(wall.itertuples(), graph):
        assert (row.prefix, row.depth, row.count) == (
            raw["prefix"],
            raw["depth"],
            raw["entry"]["laps"],
        )
        for key in ("sum", "mean", "min", "max", "stddev"):
            assert getattr(row, key) == raw["stats"][key]
        assert (row.hash, row.rolling_hash) == (raw["hash"], raw["rolling_hash"])
        assert (row.tid, row.rank, row.metric, row.unit) == (0, 0, "wall", "sec")
    assert list(wall.label) == ["outer", "inner"]
    assert list(wall["count"]) == [2, 6]
    assert str(frame.hash.dtype) == "uint64"

    # two values per entry: one row per element, named by the element labels
    rss = frame[frame.component == "current_peak_rss"]
    assert list(rss.metric) == ["start peak rss", "stop peak rss"] * 2
    raw = document["timemory"]["current_peak_rss"]["ranks"][0]["graph"][0]
    assert list(rss["sum"])[:2] == [raw["stats"]["sum"]["first"], raw["stats"]["sum"]["second"]]
    # no statistics kept (trip_count): NaN, and sum is the value
    trips = frame[frame.component == "trip_count"]
    assert list(trips["sum"]) == [2.0, 6.0]
    assert all(math.isnan(v) for v in trips["mean"])


def test_tree_rows(clean_data):
    pandas_or_skip()
    record()
    document = timemory.get(hierarchy=True)
    frame = storage.to_dataframe(document, components=["wall_clock"])
    assert list(frame.columns) == frames.TREE_COLUMNS
    outer, inner = frame.itertuples()
    assert (outer.label, outer.depth, outer.path, outer.parent_hash) == ("outer", 0, ("outer",), 0)
    assert (inner.label, inner.depth, inner.path) == ("inner", 1, ("outer", "inner"))
    assert inner.parent_hash == outer.hash
    assert outer.self_sum == pytest.approx(outer.sum - inner.sum)
    assert inner.self_sum == pytest.approx(inner.sum)
    assert (outer.count, inner.count) == (2, 6)
    assert outer.tid == (0,)
    # the layout decides when hierarchy is not given; asking for the tree of flat data fails
    assert list(storage.to_dataframe(timemory.get()).columns) == frames.FLAT_COLUMNS
    with pytest.raises(ValueError, match="tree-layout"):
        storage.to_dataframe(timemory.get(), hierarchy=True)


def test_storage_classes_files_and_current_data(clean_data, tmp_path):
    pandas_or_skip()
    record()
    Wall = storage.WallClockStorage
    flat = Wall.to_dataframe()
    assert list(flat.label) == ["outer", "inner"] and set(flat.component) == {"wall_clock"}
    tree = Wall.to_dataframe(hierarchy=True)
    assert list(tree.path) == [("outer",), ("outer", "inner")]
    # what the storage getters return
    assert storage.to_dataframe(Wall.get()).equals(flat)
    assert storage.to_dataframe(Wall.get_tree()).equals(tree)
    # files, and the current data when nothing is given
    path = tmp_path / "wall.json"
    path.write_text(json.dumps(timemory.get(components=["wall_clock"])))
    assert storage.to_dataframe(str(path)).equals(flat)
    with open(path) as handle:
        assert storage.to_dataframe(handle).equals(flat)
    assert set(storage.to_dataframe().component) == {"wall_clock", "trip_count", "current_peak_rss"}
    assert list(storage.to_dataframe(hierarchy=True, components=["wall_clock"]).label) == [
        "outer",
        "inner",
    ]
    with pytest.raises(TypeError):
        storage.to_dataframe(42)


def test_uncollapsed_threads_keep_their_tid(run_python):
    pandas_or_skip()
    code = """
import threading, time, timemory
from timemory.util import marker
timemory.settings.collapse_threads = False
timemory.settings.auto_output = False

@marker(["wall_clock"])
def work():
    time.sleep(0.002)

work()
t = threading.Thread(target=work)
t.start()
t.join()
frame = timemory.storage.to_dataframe(timemory.get())
print(sorted(zip(frame.tid, frame.label)))
# the tree layout lists one root per thread: rows per thread, or merged back as the run shows
for collapse in (False, True):
    timemory.settings.collapse_threads = collapse
    tree = timemory.storage.to_dataframe(timemory.get(hierarchy=True))
    print(collapse, sorted(zip(tree.tid, tree.label, tree["count"])))
"""
    result = run_python(code, name="threads.py")
    assert result.returncode == 0, result.stderr
    assert "[(0, 'work'), (1, 'work')]" in result.stdout
    assert "False [((0,), 'work', 1), ((1,), 'work', 1)]" in result.stdout
    assert "True [((0, 1), 'work', 2)]" in result.stdout


def test_without_pandas(run_python, tmp_path):
    shadow = tmp_path / "no-pandas"
    (shadow / "pandas").mkdir(parents=True)
    (shadow / "pandas" / "__init__.py").write_text('raise ImportError("pandas hidden")\n')
    code = """
import timemory
try:
    timemory.storage.WallClockStorage.to_dataframe()
except ImportError as err:
    print("ERROR", err)
"""
    result = run_python(code, env={"PYTHONPATH": str(shadow)})
    assert result.returncode == 0, result.stderr
    assert "ERROR" in result.stdout and "pip install timemory[pandas]" in result.stdout


# ---- label parts and output folders ------------------------------------------------------------

LABELS = """
import time
import timemory
from timemory.profiler import Config, Profiler
from timemory.util import marker


def helper():
    time.sleep(0.001)


def profiled():
    helper()
    helper()


@marker(["wall_clock"], mode="full")
def decorated():
    time.sleep(0.001)


Config.trace_c = False
with Profiler(["wall_clock"]):
    profiled()
decorated()
timemory.region.set_default(["wall_clock", "cpu_clock"])
timemory.region.push("setup")
timemory.region.pop("setup")
"""


def line_of(text, code):
    return text.splitlines().index(code) + 1


def test_label_parts_and_an_output_folder(run_python, tmp_path):
    pandas = pandas_or_skip()
    result = run_python(LABELS, name="labels.py")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "timemory-labels-output"
    profiled = line_of(LABELS, "def profiled():")
    helper = line_of(LABELS, "def helper():")
    decorated = line_of(LABELS, '@marker(["wall_clock"], mode="full")')  # co_firstlineno
    expected = [  # wall_clock, pre-order: (label, function, file, line, depth, count)
        (f"profiled/labels.py:{profiled}", "profiled", "labels.py", profiled, 0, 1),
        (f"helper/labels.py:{helper}", "helper", "labels.py", helper, 1, 2),
        (f"decorated@labels.py:{decorated}", "decorated", "labels.py", decorated, 0, 1),
        ("setup", "setup", None, None, 0, 1),  # a C-level region: no file
    ]

    def rows(frame):
        return [
            (r.label, r.function, r.file, None if pandas.isna(r.line) else r.line, r.depth,
             r.count)
            for r in frame.itertuples()
        ]  # fmt: skip

    # the folder: every component's <label>.json, as each file gives it
    flat = storage.to_dataframe(folder)
    assert list(flat.columns) == frames.FLAT_COLUMNS
    assert str(flat.line.dtype) == "Int64"
    assert list(flat.component) == ["cpu_clock"] + ["wall_clock"] * 4  # files in name order
    assert rows(flat[flat.component == "wall_clock"]) == expected
    assert rows(flat[flat.component == "cpu_clock"]) == [expected[-1]]
    one = storage.to_dataframe(folder / "wall.json")
    assert one.equals(flat[flat.component == "wall_clock"].reset_index(drop=True))
    # hierarchy=True: the <label>.tree.json files
    tree = storage.to_dataframe(folder, hierarchy=True)
    assert list(tree.columns) == frames.TREE_COLUMNS
    assert rows(tree[tree.component == "wall_clock"]) == expected
    assert list(tree[tree.component == "wall_clock"].path)[1] == (
        f"profiled/labels.py:{profiled}",
        f"helper/labels.py:{helper}",
    )
    assert storage.to_dataframe(folder / "wall.tree.json").equals(
        tree[tree.component == "wall_clock"].reset_index(drop=True)
    )
    assert set(storage.to_dataframe(folder, components=["cpu_clock"]).label) == {"setup"}


def test_folder_errors(tmp_path):
    pandas_or_skip()
    with pytest.raises(FileNotFoundError, match="no timemory <label>.json file"):
        storage.to_dataframe(tmp_path)
    document = timemory_document("wall_clock")
    (tmp_path / "a-wall.json").write_text(json.dumps(document))
    (tmp_path / "b-wall.json").write_text(json.dumps(document))
    (tmp_path / "wall.diff.json").write_text(json.dumps(document))  # differences: not read
    (tmp_path / "metadata.json").write_text('{"timemory": 1}')
    with pytest.raises(ValueError, match="wall_clock is in both a-wall.json and b-wall.json"):
        storage.to_dataframe(tmp_path)
    (tmp_path / "b-wall.json").unlink()
    assert list(storage.to_dataframe(tmp_path).label) == ["main"]


def timemory_document(name):
    entry = {"laps": 1, "value": 5, "accum": 5, "repr_data": 5e-9, "repr_display": 5e-9}
    stats = {"sum": 5e-9, "count": 1, "min": 5e-9, "max": 5e-9, "sqr": 0, "mean": 5e-9,
             "stddev": 0}  # fmt: skip
    raw = {"hash": 1, "prefix": ">>> main", "depth": 0, "entry": entry, "stats": stats,
           "rolling_hash": 1}  # fmt: skip
    return {"timemory": {name: {"type": "wall", "unit_repr": "sec", "unit_value": 1,
                                "ranks": [{"rank": 0, "graph_size": 1, "graph": [raw]}]}}}  # fmt: skip


@pytest.mark.parametrize(
    "label, parts",
    [
        ("work/prog.py:12", ("work", "prog.py", 12)),
        ("work(n=1, p='/x:3')/prog.py:12", ("work(n=1, p='/x:3')", "prog.py", 12)),
        ("work//home/me/prog.py:12", ("work", "/home/me/prog.py", 12)),
        ("work/prog.py", ("work", "prog.py", None)),
        ("work:12", ("work", None, 12)),
        ("work@prog.py:12", ("work", "prog.py", 12)),
        ("work(n=1)@prog.py:12/phase", ("work(n=1)", "prog.py", 12)),
        ("    x = f(1)            [work/prog.py:14]", ("work", "prog.py", 14)),
        ("[work:07]", ("work", None, 7)),
        ("[work][prog.c]", ("work", "prog.c", None)),
        ("work/phase", ("work/phase", None, None)),  # a decorator's "basic" label: no file
        ("data[0]", ("data[0]", None, None)),
        ("setup", ("setup", None, None)),
        ("unknown-hash=12", ("unknown-hash=12", None, None)),
    ],
)
def test_split_label(label, parts):
    assert frames.split_label(label) == parts

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
"""
    result = run_python(code, name="threads.py")
    assert result.returncode == 0, result.stderr
    assert "[(0, 'work'), (1, 'work')]" in result.stdout


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

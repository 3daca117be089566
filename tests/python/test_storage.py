"""timemory.storage: flat results, trees, dumps() equal to timemory.get(), loaders (spec API.md
section 11, OUTPUT.md sections 3-4)."""

import json
import time

import pytest
import timemory
from timemory import storage
from timemory.component import WallClock
from timemory.util import marker

Wall = storage.WallClockStorage


def make_data():
    @marker(["wall_clock"])
    def foo():
        time.sleep(0.01)
        wc = WallClock("bar")
        for i in range(10):
            if i % 2 == 0:
                wc.push()
            wc.start()
            time.sleep(0.001 * (i + 1))
            wc.stop()
            if i % 2 == 1:
                wc.pop()

    foo()


def test_classes_exist_for_available_components_with_values():
    for row in timemory.component.table():
        name = row["class_name"] + "Storage"
        expected = row["available"] and row["nvalues"] > 0
        assert hasattr(storage, name) == expected, name
        if expected:
            for suffix in (
                "StorageResult",
                "StorageTree",
                "StorageTreeEntry",
                "StorageTreeEntryValue",
            ):
                assert hasattr(storage, row["class_name"] + suffix)
    assert storage.get_storage_class("wall_clock") is Wall


def test_flat_layout(clean_data):
    make_data()
    results = Wall.get()
    assert isinstance(results[0], storage.WallClockStorageResult)
    foo, bar = results
    assert (foo.prefix(), foo.depth()) == (">>> foo", 0)
    assert (bar.prefix(), bar.depth()) == (">>> |_bar", 1)
    assert foo.tid() == 0 and bar.tid() == 0
    import os

    assert foo.pid() == os.getpid()
    assert foo.hierarchy() == [foo.hash()]
    assert bar.hierarchy() == [foo.hash(), bar.hash()]
    assert foo.rolling_hash() == foo.hash()
    assert bar.rolling_hash() == (foo.hash() + bar.hash()) % 2**64
    assert bar.data().laps() == 10
    assert bar.stats().count() == 5
    assert 0.055 <= bar.data().get() < 0.5
    assert foo.data().get() > bar.data().get()
    assert str(foo.data()).endswith(" sec wall") and len(str(foo.data()).split()[0]) >= 5
    text = repr(bar.stats())
    assert text.startswith("[sum: ") and text.endswith("[count: 5]")
    assert bar.stats().min() <= bar.stats().mean() <= bar.stats().max()
    assert bar.stats().stddev() >= 0


def test_tree_layout(clean_data):
    make_data()
    roots = Wall.get_tree()
    assert len(roots) == 1
    root = roots[0].value()
    assert root.is_dummy() and root.depth() == -1 and root.hash() == 0
    assert root.prefix() == "unknown-hash=0"
    assert root.inclusive().data().get() == 0
    (foo,) = roots[0].children()
    value = foo.value()
    assert not value.is_dummy() and value.depth() == 0 and value.prefix() == "foo"
    assert value.tid() == {0} and len(value.pid()) == 1
    assert root.exclusive().data().get() == pytest.approx(-value.inclusive().data().get())
    (bar,) = foo.children()
    inclusive = value.inclusive().data().get()
    child = bar.value().inclusive().data().get()
    assert value.exclusive().data().get() == pytest.approx(inclusive - child)
    assert bar.value().depth() == 1 and bar.children() == []
    assert bar.value().inclusive().stats().count() == 5


def test_dumps_equals_get(clean_data):
    make_data()
    assert timemory.get(hierarchy=False, components=["wall_clock"]) == Wall.dumps(Wall.dmp_get())
    assert timemory.get(hierarchy=True, components=["wall_clock"]) == Wall.dumps(
        Wall.dmp_get_tree()
    )
    assert str(timemory.get(components=["wall_clock"])) == str(Wall.dumps(Wall.get()))
    assert Wall.dumps(Wall.get_tree()) == timemory.get(True, ["wall_clock"])


def test_empty_storage(clean_data):
    assert Wall.get() == [] and Wall.dmp_get() == [[]]
    assert Wall.dumps(Wall.get()) == {"timemory": {}}
    assert timemory.get(components=["wall_clock"]) == {"timemory": {}}


def test_loaders(clean_data, tmp_path):
    make_data()
    flat_file = tmp_path / "wall.json"
    tree_file = tmp_path / "wall.tree.json"
    flat_file.write_text(json.dumps(timemory.get(components=["wall_clock"])))
    tree_file.write_text(json.dumps(timemory.get(True, ["wall_clock"])))
    loaded = Wall.load_json(str(flat_file))
    assert [r.prefix() for r in loaded] == [">>> foo", ">>> |_bar"]
    with open(flat_file) as handle:
        assert len(Wall.load_json_dmp(handle)) == 1
    assert Wall.load_json(flat_file.read_text())[1].hierarchy() == loaded[1].hierarchy()
    trees = Wall.load_json_tree(str(tree_file))
    assert trees[0].children()[0].value().prefix() == "foo"
    assert len(Wall.load(str(tree_file))) == 1
    assert isinstance(Wall.load(str(tree_file))[0], storage.WallClockStorageTree)
    assert Wall.dumps(Wall.load(str(flat_file))) == json.loads(flat_file.read_text())
    with pytest.raises(RuntimeError, match="load failed"):
        Wall.load('{"timemory": {"cpu_clock": {}}}')


def test_statistics_arithmetic():
    a = storage.Statistics(2.0)
    b = storage.Statistics(4.0)
    c = a + b
    assert (c.count(), c.sum(), c.min(), c.max(), c.sqr()) == (2, 6.0, 2.0, 4.0, 20.0)
    assert c.mean() == 3.0 and c.variance() == pytest.approx(2.0)
    assert repr(c) == "[sum: 6] [min: 2] [max: 4] [sqr: 20] [count: 2]"


def test_stub_lists_every_storage_class():
    import os

    with open(os.path.join(os.path.dirname(storage.__file__), "__init__.pyi")) as handle:
        text = handle.read()
    # the test row of a TIMEMORY_TEST_COMPONENT build is not in the generated stubs
    for name in (n for n in storage.__all__ if not n.startswith("TestSampleCounter")):
        assert (
            f"class {name}" in text or f"def {name}(" in text or f"import {name} as {name}" in text
        ), name

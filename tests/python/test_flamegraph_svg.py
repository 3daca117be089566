"""Flame graphs a person can open: <label>.flamegraph.svg written by the C library beside
<label>.flamegraph.json (boxes proportional to the tree's values, labels escaped, nothing
external, readable by an SVG renderer), and the speedscope export timemory.plotting.speedscope
(checked against the rules speedscope's importer enforces for evented profiles)."""

import json
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
import timemory
from timemory.plotting import speedscope
from timemory.util import marker

SVG = "{http://www.w3.org/2000/svg}"
WEIRD = "a<b>&\"c\" 'd' \u00fcn\u00ef"

PROGRAM = f"""
import threading
import time
from timemory.util import marker

@marker(["wall_clock", "cpu_clock", "peak_rss"])
def leaf():
    time.sleep(0.004)

@marker(["wall_clock"])
def bar(n):
    time.sleep(0.003 * n)
    leaf()

@marker(["wall_clock"], key={WEIRD!r})
def weird():
    time.sleep(0.006)

@marker(["wall_clock", "cpu_clock"])
def foo():
    for n in (1, 2, 3):
        bar(n)
    weird()

@marker(["wall_clock"])
def work():
    time.sleep(0.01)

foo()
with marker(["wall_clock"], key="baz"):
    time.sleep(0.008)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def boxes(svg_path):
    """{label: (x, y, width, info line)} of every box of the SVG, and the root element."""
    root = ET.parse(svg_path).getroot()
    found = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "f":
            continue
        title = group.find(f"{SVG}title").text
        label, _, info = title.rpartition("\n")
        rect = group.find(f"{SVG}rect")
        assert label not in found, f"label {label!r} appears twice"
        found[label] = (
            float(rect.get("x")),
            float(rect.get("y")),
            float(rect.get("width")),
            info,
        )
    return found, root


def tree_nodes(document, name="wall_clock"):
    """(label, raw inclusive value, parent label) of every real node of a tree document, the
    values of every thread's root (threads: one root each) added up."""
    out = {}

    def walk(tree, parent):
        node = tree["node"]
        label = parent
        if node["hash"] != 0 and not node["is_dummy"]:
            before = out.get((node["prefix"], parent), 0)
            out[(node["prefix"], parent)] = before + node["inclusive"]["entry"]["accum"]
            label = node["prefix"]
        for child in tree["children"]:
            walk(child, label)

    component = document["timemory"][name]
    for rank in component["graph" if "graph" in component else "mpi"]:
        for root in rank:
            walk(root, "all")
    return [(label, value, parent) for (label, parent), value in out.items()]


@pytest.fixture(scope="module")
def program_output(tmp_path_factory):
    from conftest import clean_environment

    folder = tmp_path_factory.mktemp("svg")
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
    return folder / "timemory-prog-output", result


def test_svg_written_beside_the_flamegraph_json(program_output):
    out, result = program_output
    lines = [line for line in result.stdout.splitlines() if "Outputting" in line]
    svg_line = "[wall]|0> Outputting 'timemory-prog-output/wall.flamegraph.svg'..."
    assert svg_line in lines
    assert lines.index(svg_line) == lines.index(svg_line.replace(".svg", ".json")) + 1
    assert (out / "wall.flamegraph.svg").is_file() and (out / "cpu.flamegraph.svg").is_file()
    # only the components that have a flamegraph get one
    assert not (out / "peak_rss.flamegraph.svg").exists()
    metadata = json.loads((out / "metadata.json").read_text())["timemory"]["metadata"]
    text = {item["key"]: item["value"] for item in metadata["output"]["text"]}
    assert str(out.name + "/wall.flamegraph.svg") in text["wall"]


def test_svg_boxes_are_proportional_to_the_tree(program_output):
    out, _ = program_output
    found, root = boxes(out / "wall.flamegraph.svg")
    assert root.tag == f"{SVG}svg" and root.get("width") == "1200"
    document = json.loads((out / "wall.tree.json").read_text())
    nodes = tree_nodes(document)
    total = sum(max(value, 0) for _, value, parent in nodes if parent == "all")
    assert set(found) == {"all"} | {label for label, _, _ in nodes}
    x0, y0, width, info = found["all"]
    assert (x0, width) == (10.0, 1180.0)
    assert info.startswith(f"{total / 1e9:.6g} sec, 100.00%")
    for label, value, parent in nodes:
        x, y, w, info = found[label]
        # the children of one call never outgrow it here, so nothing is scaled
        assert w == pytest.approx(1180.0 * value / total, abs=0.006), label
        px, py, pw, _ = found[parent]
        assert y == py + 17.0
        assert px - 0.006 <= x and x + w <= px + pw + 0.011, label
        assert info.startswith(f"{value / 1e9:.6g} sec, {100.0 * value / total:.2f}%"), info
    # the label comes back exactly from the XML; the merged worker threads are named
    assert f"weird/{WEIRD}" in found
    assert found["work"][3].endswith("2 calls, threads 1,2")
    assert "of 3 threads (summed)" in (out / "wall.flamegraph.svg").read_text()


def test_svg_is_self_contained(program_output):
    out, _ = program_output
    text = (out / "wall.flamegraph.svg").read_text()
    _, root = boxes(out / "wall.flamegraph.svg")
    for element in root.iter():
        assert element.tag.split("}")[1] not in ("image", "use", "foreignObject", "link")
        assert not any("href" in key for key in element.attrib), element.tag
        if element.tag == f"{SVG}script":
            assert element.get("src") is None
    assert "url(" not in text and "@import" not in text and "@font-face" not in text
    assert 'font-family="monospace"' in text  # a generic family: no font to fetch


@pytest.mark.skipif(not shutil.which("rsvg-convert"), reason="rsvg-convert is not installed")
def test_svg_renders(program_output, tmp_path):
    out, _ = program_output
    png = tmp_path / "wall.png"
    subprocess.run(["rsvg-convert", str(out / "wall.flamegraph.svg"), "-o", str(png)], check=True)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1200


def test_no_svg_without_flamegraph_output(run_python, tmp_path):
    code = PROGRAM.replace("import threading", "import timemory\nimport threading", 1)
    code += "timemory.settings.flamegraph_output = False\n"
    result = run_python(code, name="prog.py")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "timemory-prog-output"
    assert (out / "wall.json").is_file()
    assert not list(out.glob("*.flamegraph.*"))


# ---- speedscope -----------------------------------------------------------------------------


def check_speedscope(document):
    """The rules speedscope's importer applies to an evented profile (src/lib/file-format.ts
    and CallTreeProfileBuilder in its source): the schema URL, known units, frame indices,
    events in non-decreasing order, every close matching the open frame on top, an empty
    stack at the end. Returns {profile name: [(frame name, open, close), ...]} in the order
    the frames open."""
    assert document["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    frames = document["shared"]["frames"]
    assert all(isinstance(f["name"], str) for f in frames)
    assert 0 <= document.get("activeProfileIndex", 0) < len(document["profiles"])
    calls = {}
    for profile in document["profiles"]:
        assert profile["type"] == "evented"
        assert profile["unit"] in (
            "none",
            "nanoseconds",
            "microseconds",
            "milliseconds",
            "seconds",
            "bytes",
        )
        assert profile["startValue"] <= profile["endValue"]
        last, stack, spans = profile["startValue"], [], []
        for event in profile["events"]:
            assert event["type"] in ("O", "C")
            assert 0 <= event["frame"] < len(frames)
            assert event["at"] >= last, "events out of order"
            assert event["at"] <= profile["endValue"]
            last = event["at"]
            if event["type"] == "O":
                stack.append((event["frame"], event["at"], len(spans)))
                spans.append(None)
            else:
                frame, opened, index = stack.pop()
                assert frame == event["frame"], "close does not match the open frame"
                spans[index] = (frames[frame]["name"], opened, event["at"])
        assert not stack, "frames left open"
        calls[profile["name"]] = spans
    return calls


def record():
    @marker(["wall_clock", "peak_rss", "trip_count", "current_peak_rss"])
    def inner(n):
        time.sleep(0.001 * n)

    @marker(["wall_clock", "peak_rss", "trip_count", "current_peak_rss"])
    def outer():
        for n in (1, 2):
            inner(n)

    outer()
    outer()
    with marker(["wall_clock"], key="side"):
        time.sleep(0.002)


def test_speedscope_from_timemory_get(clean_data):
    record()
    data = timemory.get(hierarchy=True)
    document = speedscope.convert(data)
    calls = check_speedscope(document)
    profiles = {p["name"]: p for p in document["profiles"]}
    trips = "trip_count (trip_count) [children scaled to fit inside their parent]"
    assert set(profiles) == {"wall_clock (wall)", "peak_rss (peak_rss)", trips}
    assert document["profiles"][document["activeProfileIndex"]]["name"] == "wall_clock (wall)"
    assert profiles["wall_clock (wall)"]["unit"] == "nanoseconds"
    assert profiles["peak_rss (peak_rss)"]["unit"] == "bytes"
    assert profiles[trips]["unit"] == "none"
    # every node lasts its inclusive value; top-level nodes are laid end to end
    nodes = tree_nodes(data)
    spans = calls["wall_clock (wall)"]
    assert [(name, close - opened) for name, opened, close in spans] == [
        (label, value) for label, value, _ in nodes
    ]
    assert spans[0][1] == 0 and spans[-1][1] == spans[0][2]  # side starts where outer ends
    assert profiles["wall_clock (wall)"]["endValue"] == spans[-1][2]
    # 4 inner calls in 2 outer ones: the counts do not nest, so inner is squeezed into outer
    assert [(name, close - opened) for name, opened, close in calls[trips]] == [
        ("outer", 2),
        ("inner", 2),
    ]


def test_speedscope_files_folders_and_command_line(clean_data, tmp_path, run_python):
    record()
    for name, label in (("wall_clock", "wall"), ("peak_rss", "peak_rss")):
        tree = timemory.get(hierarchy=True, components=[name])
        (tmp_path / f"{label}.tree.json").write_text(json.dumps(tree))
    one = check_speedscope(speedscope.convert(str(tmp_path / "wall.tree.json")))
    assert list(one) == ["wall_clock (wall)"]
    both = check_speedscope(speedscope.convert(str(tmp_path)))
    assert sorted(both) == ["peak_rss (peak_rss)", "wall_clock (wall)"]

    result = run_python("-m", "timemory.plotting.speedscope", "wall.tree.json", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "RuntimeWarning" not in result.stderr
    written = json.loads((tmp_path / "wall.speedscope.json").read_text())
    assert written["name"] == "wall.tree.json" and written["exporter"].startswith("timemory")
    check_speedscope(written)
    check_speedscope(json.loads((tmp_path / "timemory.speedscope.json").read_text()))

    (tmp_path / "wall.json").write_text(json.dumps(timemory.get(components=["wall_clock"])))
    result = run_python("-m", "timemory.plotting.speedscope", "wall.json")
    assert result.returncode == 1 and "tree layout" in result.stderr


def test_speedscope_children_that_outgrow_their_parent_are_scaled(clean_data):
    record()
    data = timemory.get(hierarchy=True, components=["wall_clock"])
    outer = data["timemory"]["wall_clock"]["graph"][0][0]["children"][0]
    inner = outer["children"][0]["node"]["inclusive"]["entry"]
    # as when several threads' calls merge under one call
    inner["accum"] = inner["value"] = 3 * outer["node"]["inclusive"]["entry"]["accum"]
    document = speedscope.convert(data)
    (name,) = check_speedscope(document)
    assert name.endswith("[children scaled to fit inside their parent]")
    spans = {n: (o, c) for n, o, c in document_spans(document)}
    assert spans["inner"] == spans["outer"]


def document_spans(document):
    return next(iter(check_speedscope(document).values()))


def test_speedscope_one_profile_per_thread(program_output):
    """Trees with one root per thread (several threads): one profile per thread."""
    out, _ = program_output
    document = speedscope.convert(str(out / "wall.tree.json"))
    calls = check_speedscope(document)
    assert sorted(calls) == [f"wall_clock (wall) thread {t}" for t in (0, 1, 2)]
    assert [name for name, _, _ in calls["wall_clock (wall) thread 1"]] == ["work"]
    assert [name for name, _, _ in calls["wall_clock (wall) thread 0"]][0] == "foo"

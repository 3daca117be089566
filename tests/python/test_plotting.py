"""timemory.plotting: reading flat JSON into chart data, the PNG bar charts, the command line
(python -m timemory.plotting, timemory-plotter), plot_output at finalize, and the clear error
without matplotlib (spec NOTES.md section 6, OUTPUT.md section 1). Drawing tests skip when
matplotlib is not installed (it comes with the ``plotting`` and ``test`` extras); the
without-matplotlib tests hide it behind a module that fails to import."""

import json
import os
import struct
import sys
import time
from pathlib import Path

import pytest
import timemory
from timemory import plotting
from timemory.util import marker


def record():
    """foo > bar (3 calls), baz, tiny: wall_clock and peak_rss."""
    kept = []

    @marker(["wall_clock", "peak_rss"])
    def bar(n):
        time.sleep(0.002 * n)
        kept.append(b"x" * (8 << 20))  # raises the peak RSS: peak_rss values are not zero

    @marker(["wall_clock", "peak_rss"])
    def foo():
        for n in (1, 2, 3):
            bar(n)

    foo()
    with marker(["wall_clock"], key="baz"):
        time.sleep(0.004)
    with marker(["wall_clock"], key="tiny"):
        pass


def flat_graph(document, name="wall_clock"):
    return document["timemory"][name]["ranks"][0]["graph"]


def label_of(prefix):
    """'>>>   |_bar' -> 'bar': the key of a chart entry."""
    body = prefix.replace(">>> ", "").lstrip()
    return body[2:] if body.startswith("|_") else body


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def png_dpi(path):
    """The resolution a PNG declares (its pHYs chunk), in dots per inch."""
    data = Path(path).read_bytes()
    at = 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", data[at + 8 : at + 17])
            assert unit == 1 and x == y, (x, y, unit)  # pixels per meter
            return round(x * 0.0254)
        at += 12 + length
    raise AssertionError(f"{path} has no pHYs chunk")


def matplotlib_or_skip():
    return pytest.importorskip(
        "matplotlib", reason="matplotlib is not installed (pip install timemory[plotting])"
    )


def hidden_matplotlib(tmp_path):
    """A folder that, first on PYTHONPATH, makes `import matplotlib` fail."""
    shadow = tmp_path / "no-matplotlib"
    (shadow / "matplotlib").mkdir(parents=True)
    (shadow / "matplotlib" / "__init__.py").write_text(
        'raise ImportError("matplotlib hidden by the test")\n'
    )
    return {"PYTHONPATH": str(shadow)}


# ---- reading --------------------------------------------------------------------------------


def test_read_flat_document(clean_data):
    record()
    document = timemory.get(components=["wall_clock"])
    (chart,) = plotting.read(document)
    assert (chart.name, chart.label, chart.units) == ("wall_clock", "wall", "sec")
    assert chart.description == "Real-clock timer (i.e. wall-clock timer)"
    assert sorted(chart.data) == ["bar", "baz", "foo", "tiny"]
    for raw in flat_graph(document):
        entry = chart.data[label_of(raw["prefix"])]
        assert entry.value == [raw["entry"]["repr_data"]]
        assert entry.laps == raw["entry"]["laps"]
        assert (entry.mean, entry.min, entry.max) == tuple(
            raw["stats"][key] for key in ("mean", "min", "max")
        )
    assert chart.data["bar"].laps == 3
    # self values: foo's minus its callee bar's; the leaves' equal their inclusive values
    foo, bar = chart.data["foo"], chart.data["bar"]
    assert foo.exclusive == [pytest.approx(foo.value[0] - bar.value[0])]
    assert bar.exclusive == bar.value and chart.data["baz"].exclusive == chart.data["baz"].value
    assert 0 < foo.exclusive[0] < foo.value[0]


def test_read_sums_repeated_prefixes_and_skips_unused_entries(clean_data, tmp_path):
    record()
    document = timemory.get(components=["wall_clock"])
    component = document["timemory"]["wall_clock"]
    rank = component["ranks"][0]
    unused = dict(rank["graph"][0], prefix=">>> never", entry=dict(rank["graph"][0]["entry"]))
    unused["entry"]["laps"] = 0
    component["ranks"] = [rank, dict(rank, rank=1, graph=rank["graph"] + [unused])]
    path = tmp_path / "wall.json"
    path.write_text(json.dumps(document))
    (chart,) = plotting.read(str(path))
    assert chart.filename == str(path)
    assert "never" not in chart.data
    for raw in rank["graph"]:
        entry = chart.data[label_of(raw["prefix"])]
        assert entry.value == [pytest.approx(2 * raw["entry"]["repr_data"])]
        assert entry.laps == 2 * raw["entry"]["laps"]
        assert entry.min == raw["stats"]["min"] and entry.max == raw["stats"]["max"]


def test_read_rejects_what_is_not_flat_json(clean_data):
    record()
    with pytest.raises(ValueError, match="tree layout"):
        plotting.read(timemory.get(hierarchy=True, components=["wall_clock"]))
    with pytest.raises(ValueError, match="not a timemory JSON document"):
        plotting.read({"traceEvents": []})


def test_display_units_follow_the_settings(clean_data, restore_settings):
    restore_settings.timing_units = "msec"
    record()
    charts = {c.name: c for c in plotting.read(timemory.get())}
    assert charts["wall_clock"].units == "msec"
    raw = flat_graph(timemory.get(), "wall_clock")[0]
    assert raw["entry"]["repr_data"] == pytest.approx(raw["entry"]["accum"] / 1e6)


@pytest.mark.parametrize(
    "built_in, raw, shown, unit",
    [
        ("sec", 2_000_000_000, 2.0, "sec"),
        ("sec", 2_000_000, 2000.0, "usec"),
        ("sec", 120_000_000_000, 2.0, "min"),
        ("MB", 8_192_000, 8.192, "MB"),
        ("MB", 8_192_000, 8192.0, "kb"),
        ("MB", 8_388_608, 8.0, "mib"),
        ("MB", 0, 0.0, "MB"),  # nothing to tell by: the built-in unit
        ("%", 50, 50.0, "%"),
    ],
)
def test_display_units_from_raw_and_shown_values(built_in, raw, shown, unit):
    component = {"unit_repr": built_in}
    graph = [{"entry": {"accum": raw, "repr_data": shown}}]
    assert plotting.display_units(component, graph) == unit


def test_heaviest_entries_first_within_min_percent_and_max_entries():
    chart = plotting.plot_data("wall_clock", "wall", "", "sec", ["wall"])
    for prefix, value in (("a", 4.0), ("b", 100.0), ("c", 50.0), ("d", 0.0), ("e", 5.0)):
        chart.add(plotting.timemory_data(prefix, value, 1))
    params = plotting.plot_parameters(min_percent=0.05)
    assert [e.prefix for e in chart.heaviest(params)] == ["b", "c", "e"]
    params = plotting.plot_parameters(min_percent=0.0, max_entries=2)
    assert [e.prefix for e in chart.heaviest(params)] == ["b", "c"]


# ---- drawing --------------------------------------------------------------------------------


def test_plot_writes_a_png_per_component(clean_data, tmp_path, capsys):
    matplotlib_or_skip()
    record()
    source = tmp_path / "wall.json"
    source.write_text(json.dumps(timemory.get(components=["wall_clock"])))
    images = plotting.plot(files=[str(source)], output_dir=str(tmp_path / "img"), echo_dart=True)
    assert images == [str(tmp_path / "img" / "wall.png")]
    assert png_size(images[0]) == (1200, 600)
    assert png_dpi(images[0]) == 150
    assert (images[0], "wall") in plotting.plotted_files
    tag = f'<DartMeasurementFile name="wall" type="image/png">{images[0]}</DartMeasurementFile>'
    assert tag in capsys.readouterr().out

    # one document holding several components: one image each, named after both
    both = tmp_path / "all.json"
    both.write_text(json.dumps(timemory.get(components=["wall_clock", "peak_rss"])))
    params = plotting.plot_parameters(img_size={"w": 500, "h": 400}, img_dpi=50)
    images = plotting.plot(files=[str(both)], plot_params=params, output_dir=str(tmp_path))
    assert sorted(os.path.basename(p) for p in images) == ["all.peak_rss.png", "all.wall.png"]
    assert all(png_size(p) == (500, 400) for p in images)

    (combined,) = plotting.plot(
        files=[str(both)], combine=True, titles=["both charts"], output_dir=str(tmp_path)
    )
    assert os.path.basename(combined) == "both_charts.png"
    png_size(combined)


def test_plot_maximums(clean_data, tmp_path):
    matplotlib_or_skip()
    record()
    image = plotting.plot_maximums(
        "maxima", "heaviest", data=[timemory.get()], output_dir=str(tmp_path)
    )
    assert image == str(tmp_path / "maxima.png")
    png_size(image)


def test_command_line(clean_data, tmp_path, run_python):
    matplotlib_or_skip()
    record()
    (tmp_path / "wall.json").write_text(json.dumps(timemory.get(components=["wall_clock"])))
    tree = tmp_path / "wall.tree.json"
    tree.write_text(json.dumps(timemory.get(hierarchy=True, components=["wall_clock"])))

    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "-o", "out", "-t", "My run")
    assert result.returncode == 0, result.stderr
    assert "timemory-plotter: wrote 'out/wall.png'" in result.stdout
    png_size(tmp_path / "out" / "wall.png")

    result = run_python("-m", "timemory.plotting", "-f", str(tree))
    assert result.returncode == 1
    assert "tree layout" in result.stderr

    result = run_python("-m", "timemory.plotting", "-T", "-f", "wall.json", "--min-percent", "0")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# wall: Real-clock timer")
    assert {line.split()[0] for line in lines[2:]} == {"foo", "bar", "baz", "tiny"}

    script = Path(sys.executable).with_name("timemory-plotter")
    if script.exists():  # the console script of an installed package
        result = run_python(str(script), "--help")
        assert result.returncode == 0 and "--files" in result.stdout


PROGRAM = """
import time
import timemory
from timemory.util import marker

timemory.settings.plot_output = True

@marker(["wall_clock"])
def work():
    time.sleep(0.01)

work()
"""


def test_plot_output_at_finalize(run_python, tmp_path):
    matplotlib_or_skip()
    result = run_python(PROGRAM, name="prog.py")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "timemory-prog-output"
    assert f"[wall]|0> Outputting '{folder.name}/wall.png'..." in result.stdout
    assert png_size(folder / "wall.png") == (1200, 600)
    assert png_dpi(folder / "wall.png") == 150
    # only the flat JSON is charted
    assert sorted(p.name for p in folder.glob("*.png")) == ["wall.png"]
    assert "warning" not in result.stderr


def test_without_matplotlib(run_python, tmp_path):
    env = hidden_matplotlib(tmp_path)
    # finalize: the outputs are written, one warning line, no crash, no image
    result = run_python(PROGRAM, name="prog.py", env=env)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "timemory-prog-output"
    assert (folder / "wall.json").is_file()
    assert not list(folder.glob("*.png"))
    warnings = [line for line in result.stderr.splitlines() if "matplotlib" in line]
    assert len(warnings) == 1, result.stderr
    assert "pip install timemory[plotting]" in warnings[0]
    assert "Traceback" not in result.stderr

    # the command line: a clear error and status 1
    result = run_python("-m", "timemory.plotting", "-f", str(folder / "wall.json"), env=env)
    assert result.returncode == 1
    assert "pip install timemory[plotting]" in result.stderr
    assert "Traceback" not in result.stderr

    # the API: an ImportError subclass that names the extra; reading still works
    code = (
        "import sys\n"
        "from timemory import plotting\n"
        f"charts = plotting.read({str(folder / 'wall.json')!r})\n"
        "assert charts[0].data\n"
        "try:\n"
        "    plotting.plot(charts)\n"
        "except plotting.PlottingUnavailable as err:\n"
        "    assert isinstance(err, ImportError)\n"
        "    print('UNAVAILABLE', err)\n"
    )
    result = run_python(code + "\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "UNAVAILABLE" in result.stdout and "pip install timemory[plotting]" in result.stdout


# ---- self and inclusive values, labels, resolution, formats -----------------------------------


def known_document():
    """A flat document with known values (wall_clock, seconds): main (10) > a (6) > b (2),
    main > c (3) > b (1); r (5) > r (3) > r (1), recursive; and, for a thread of its own,
    |1>>> t (4)."""
    rows = [
        (">>> main", 0, 1, 10.0),
        (">>> |_a", 1, 2, 6.0),
        (">>>   |_b", 2, 4, 2.0),
        (">>> |_c", 1, 1, 3.0),
        (">>>   |_b", 2, 1, 1.0),
        (">>> r", 0, 1, 5.0),
        (">>> |_r", 1, 1, 3.0),
        (">>>   |_r", 2, 1, 1.0),
        ("|1>>> t", 0, 2, 4.0),
    ]
    graph = [
        {
            "hash": index + 1,
            "prefix": prefix,
            "depth": depth,
            "entry": {"laps": laps, "value": int(value * 1e9), "repr_data": value},
            "stats": {"mean": value / laps, "min": value / laps, "max": value / laps},
            "rolling_hash": index + 1,
        }
        for index, (prefix, depth, laps, value) in enumerate(rows)
    ]
    component = {
        "type": "wall",
        "description": "Real-clock timer (i.e. wall-clock timer)",
        "unit_repr": "sec",
        "ranks": [{"rank": 0, "graph_size": len(graph), "graph": graph}],
    }
    return {"timemory": {"wall_clock": component}}


def test_self_and_inclusive_values_of_a_known_tree():
    (chart,) = plotting.read(known_document())
    assert chart.additive
    got = {key: (e.laps, e.value, e.exclusive) for key, e in chart.data.items()}
    assert got == {
        "main": (1, [10.0], [1.0]),  # 10 - 6 - 3
        "a": (2, [6.0], [4.0]),
        "b": (5, [3.0], [3.0]),  # under a and under c: summed
        "c": (1, [3.0], [2.0]),
        "r": (3, [5.0], [5.0]),  # inclusive: the outermost call only; self: 2 + 2 + 1
        "[1] t": (2, [4.0], [4.0]),  # the thread's mark stays: another entry
    }
    # the whole measured amount: every self value, i.e. the top-level inclusive values
    assert chart.total(plotting.plot_parameters()) == pytest.approx(19.0)
    order = [e.prefix for e in chart.heaviest(plotting.plot_parameters(min_percent=0))]
    assert order == ["r", "a", "[1] t", "b", "c", "main"]
    inclusive = plotting.plot_parameters(min_percent=0, metric="inclusive")
    assert [e.prefix for e in chart.heaviest(inclusive)] == ["main", "a", "r", "[1] t", "b", "c"]
    # half of the heaviest: c and main are left out by self time, main is the heaviest by
    # inclusive time
    half = plotting.plot_parameters(min_percent=0.5)
    assert [e.prefix for e in chart.heaviest(half)] == ["r", "a", "[1] t", "b"]
    half.metric = "inclusive"
    assert [e.prefix for e in chart.heaviest(half)] == ["main", "a", "r"]
    with pytest.raises(ValueError, match="metric"):
        plotting.plot_parameters(metric="average")


def test_values_that_do_not_add_up_are_drawn_inclusive():
    document = known_document()
    document["timemory"]["wall_clock"]["unit_repr"] = "%"
    (chart,) = plotting.read(document)
    assert not chart.additive
    assert chart.metric(plotting.plot_parameters()) == "inclusive"
    assert chart.heaviest(plotting.plot_parameters(min_percent=0))[0].prefix == "main"


def test_labels_are_shortened_and_never_repeat():
    long_function = "parse_configuration_file_with_a_really_long_function_name"
    labels = [
        f"{long_function}/app.py:3",
        "compute//home/someone/projects/app/src/module.py:13",
        "compute//home/someone/projects/other/src/module.py:13",
        "work(n=1, name='a long argument value', flag=True)/tasks.py:20",
        "[3] helper/util.py:7",
        "a-marker-name-that-is-far-too-long-to-be-shown-as-it-is-on-a-chart",
    ]
    shown = plotting._unique_labels(labels)
    assert len(set(shown)) == len(shown)
    assert all(len(text) <= plotting.LABEL_WIDTH for text in shown[:1] + shown[3:])
    assert shown[0] == "parse_configuration\u2026nction_name/app.py:3"
    assert shown[3] == "work(\u2026)/tasks.py:20"
    assert shown[4] == "[3] helper/util.py:7"
    # the two module.py:13 differ in their folders only: they keep more of their path
    assert shown[1] != shown[2] and shown[1].startswith("compute//home")
    assert shown[5].startswith("a-marker-name") and "\u2026" in shown[5]
    # labels alike once shortened keep more of themselves; the same label twice is numbered
    alike = ["x" * 100 + "A" + "x" * 100, "x" * 100 + "B" + "x" * 100]
    assert plotting._unique_labels(alike, width=20) == alike
    assert plotting._unique_labels(["same", "same"]) == ["same", "same #2"]


def test_drawn_text_is_readable(tmp_path):
    matplotlib = matplotlib_or_skip()
    from matplotlib.text import Text

    (chart,) = plotting.read(known_document())
    for metric in ("self", "inclusive"):
        params = plotting.plot_parameters(min_percent=0, font_size=4, metric=metric)
        assert params.font_size == 9  # never smaller
        figure = plotting._figure(params, len(chart.heaviest(params)))
        axes = figure.add_subplot(1, 1, 1)
        plotting._draw_one(axes, chart, params)
        figure.canvas.draw()
        texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert texts and min(t.get_fontsize() for t in texts) >= 9, [
            (t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 9
        ]
        names = [t.get_text() for t in axes.get_yticklabels()]
        assert len(names) == len(set(names)) == 6
        assert axes.get_xlabel() == f"{metric.title()} wall [sec]"
        assert f"{metric}, total 19.0 sec" in axes.get_title()
        assert (
            matplotlib.colors.to_hex(axes.patches[0].get_facecolor()) == (plotting._COLORS[metric])
        )


def test_resolution_size_and_formats(tmp_path):
    matplotlib_or_skip()
    document = known_document()
    params = plotting.plot_parameters(img_dpi=200, img_size={"w": 1600, "h": 900})
    (png,) = plotting.plot([document], plot_params=params, output_dir=str(tmp_path))
    assert png == str(tmp_path / "wall.png")
    assert png_size(png) == (1600, 900) and png_dpi(png) == 200
    # many bars: the image grows taller, never narrower
    many = plotting.plot_data("wall_clock", "wall", "", "sec", ["wall"])
    for index in range(30):
        many.add(plotting.timemory_data(f"f{index}", 100.0 - index, 1))
    (tall,) = plotting.plot([many], output_dir=str(tmp_path / "tall"))
    width, height = png_size(tall)
    assert width == 1200 and height > 1200 and png_dpi(tall) == 150

    import xml.etree.ElementTree as ElementTree

    svg_params = plotting.plot_parameters(img_type="svg")
    (svg,) = plotting.plot([document], plot_params=svg_params, output_dir=str(tmp_path))
    assert svg == str(tmp_path / "wall.svg")
    assert ElementTree.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    # the file name's extension chooses the format
    (named,) = plotting.plot([document], output_dir=str(tmp_path), filename="chart.svg")
    assert named == str(tmp_path / "chart.svg")
    ElementTree.parse(named)
    pdf = plotting.plot_generic(plotting.read(document)[0], "chart.pdf", output_dir=str(tmp_path))
    assert Path(pdf).read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="img_type"):
        plotting.plot_parameters(img_type="bmp")
    with pytest.raises(ValueError, match="one file name"):
        plotting.plot([document, document], output_dir=str(tmp_path), filename="both.png")


def test_command_line_options(tmp_path, run_python):
    matplotlib_or_skip()
    (tmp_path / "wall.json").write_text(json.dumps(known_document()))
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "-o", "img", "--dpi", "120")
    assert result.returncode == 0, result.stderr
    assert png_dpi(tmp_path / "img" / "wall.png") == 120
    assert png_size(tmp_path / "img" / "wall.png") == (1200, 600)
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "-o", "img",
                        "--img-dpi", "100", "--img-size", "800", "500", "--inclusive")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert png_dpi(tmp_path / "img" / "wall.png") == 100
    assert png_size(tmp_path / "img" / "wall.png") == (800, 500)
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "-o", "out/chart.svg")
    assert result.returncode == 0, result.stderr
    assert "timemory-plotter: wrote 'out/chart.svg'" in result.stdout
    assert (tmp_path / "out" / "chart.svg").read_text().lstrip().startswith("<?xml")
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "--format", "SVG")
    assert result.returncode == 0 and (tmp_path / "wall.svg").is_file(), result.stderr
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "--format", "pdf",
                        "-o", "x.png")  # fmt: skip
    assert result.returncode == 2 and "disagree" in result.stderr
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "wall.json",
                        "-o", "one.png")  # fmt: skip
    assert result.returncode == 2 and "--combine" in result.stderr
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "wall.json",
                        "-o", "one.png", "--combine")  # fmt: skip
    assert result.returncode == 0 and png_dpi(tmp_path / "one.png") == 150, result.stderr
    # the table: self and inclusive columns, in the order of the metric
    result = run_python("-m", "timemory.plotting", "-T", "-f", "wall.json", "--metric",
                        "inclusive", "--min-percent", "0")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert [row[0] for row in rows][:3] == ["main", "a", "r"]
    assert rows[0][1:] == ["1", "1", "10"]
    result = run_python("-m", "timemory.plotting", "-f", "wall.json", "--dpi", "0")
    assert result.returncode == 2

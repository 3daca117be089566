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


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


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
    assert sorted(chart.data) == ["baz", "foo", "tiny", "|_bar"]
    for raw in flat_graph(document):
        entry = chart.data[raw["prefix"].replace(">>> ", "")]
        assert entry.value == [raw["entry"]["repr_data"]]
        assert entry.laps == raw["entry"]["laps"]
        assert (entry.mean, entry.min, entry.max) == tuple(
            raw["stats"][key] for key in ("mean", "min", "max")
        )
    assert chart.data["|_bar"].laps == 3


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
        entry = chart.data[raw["prefix"].replace(">>> ", "")]
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
    assert png_size(images[0]) == (1000, 600)
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
    assert {line.split()[0] for line in lines[2:]} == {"foo", "|_bar", "baz", "tiny"}

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
    assert png_size(folder / "wall.png") == (1000, 600)
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

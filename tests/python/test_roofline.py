"""timemory.roofline: ceilings from a real ERT run, the PNG and SVG written and read back,
regions as points (from outputs built with the measured values of ERT kernel runs: the
cpu_roofline components need PAPI FP counters this machine lacks), the command line, and the
clear errors (no ERT data, GPU types, an application whose roofline component is not
available, no matplotlib)."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import timemory
from conftest import clean_environment
from timemory import ert, roofline

matplotlib = pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def ert_file(tmp_path_factory):
    """A real ERT run written as ert_results.json: float and double, two kernels, one
    thread, working sets from 16 KiB to 64 MiB."""
    folder = tmp_path_factory.mktemp("ert")
    ert.run(
        folder,
        min_working_set=2048,
        max_data_size=64 << 20,
        num_threads=1,
        ops=[1, 16],
        progress=False,
        verbose=False,
    )
    return folder / "ert_results.json"


def _pixels(path):
    import matplotlib.image as mpimg
    import numpy as np

    image = mpimg.imread(str(path))
    rgb = (image[..., :3] * 255).round().astype(np.int64)
    return image, rgb


def test_png_from_ert_alone(ert_file, tmp_path):
    path = roofline.plot_roofline(ert=ert_file, output_dir=tmp_path / "plot")
    assert path == str(tmp_path / "plot" / "roofline.png")
    assert sorted(p.name for p in (tmp_path / "plot").iterdir()) == ["roofline.png"]
    image, rgb = _pixels(path)
    assert image.shape[:2] == (1200, 1600)
    magenta = ((rgb[..., 0] == 255) & (rgb[..., 1] == 0) & (rgb[..., 2] == 255)).sum()
    blue = ((rgb[..., 0] == 0) & (rgb[..., 1] == 0) & (rgb[..., 2] == 255)).sum()
    assert magenta > 1000  # the bandwidth ceilings
    assert blue > 300  # the highest compute ceiling
    assert len({tuple(c) for c in rgb.reshape(-1, 3)[::97]}) > 10


def test_ceilings_of_the_file(ert_file):
    found = roofline.ceilings(ert_file)
    roof = ert.read(ert_file)
    assert found["peak"] == roof["ceilings"]["peak"]
    assert set(found["peak"]) == {"float", "double"}
    assert found["threads"] == 1 and found["isa"] == ert.isa()
    assert found["bandwidth"] == roof["ceilings"]["bandwidth"]
    assert set(roofline.ceilings(ert_file, rtype="cpu_roofline_dp")["peak"]) == {"double"}
    dram = roofline.ceilings(ert_file, bandwidth=["DRAM"])["bandwidth"]
    assert [band["level"] for band in dram] in ([], ["DRAM"])
    with pytest.raises(ValueError, match="unknown bandwidth level"):
        roofline.ceilings(ert_file, bandwidth=["l4"])


def test_svg(ert_file, tmp_path):
    path = roofline.plot_roofline(
        ert=ert_file,
        output_dir=tmp_path,
        output_file="roof",
        image_type="svg",
        width=800,
        height=600,
        dpi=100,
    )
    assert path.endswith("roof.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width") == "800pt" or root.get("width", "").startswith("576")
    paths = [e for e in root.iter() if e.tag.endswith("path")]
    assert len(paths) > 20


def _region_documents(ert_file):
    """ai-mode and op-mode outputs of a cpu_roofline component for two regions whose values are
    the measured ones of two ERT points (their FLOPs and bytes are exact counts, their runtime
    the measured time), in the flat JSON layout with the component's "roofline" data."""
    roof = ert.read(ert_file)
    chosen = [
        max(
            (e for e in roof["ert"] if e["dtype"] == "double" and e["ops-per-set"] == ops),
            key=lambda e: e["total-ops"] / e["counter"]["repr_data"],
        )
        for ops in (1, 16)
    ]
    docs = {}
    for mode in ("ai", "op"):
        graph = []
        for i, entry in enumerate(chosen):
            values = {"runtime": entry["counter"]["repr_data"]}
            if mode == "op":
                values["flops"] = entry["total-ops"]
            else:
                values["bytes"] = entry["total-bytes"]
            graph.append(
                {
                    "hash": 100 + i,
                    "prefix": f">>> kernel_{entry['ops-per-set']}",
                    "depth": 0,
                    "entry": {"laps": 1, "repr_data": values},
                }
            )
        docs[mode] = {
            "timemory": {
                "cpu_roofline_dp_flops": {
                    "type": "cpu_roofline",
                    "roofline": roof,
                    "ranks": [{"rank": 0, "graph_size": len(graph), "graph": graph}],
                }
            }
        }
    return docs, chosen


def test_regions_as_points(ert_file, tmp_path):
    docs, chosen = _region_documents(ert_file)
    spots = roofline.hotspots(docs["ai"], docs["op"])
    assert [s["label"] for s in spots] == ["kernel_1", "kernel_16"]
    for spot, entry in zip(spots, chosen):
        # FLOPs per byte: ops per element over a load and a store of 8 bytes
        assert spot["intensity"] == entry["ops-per-set"] / 16
        assert spot["gflops"] == pytest.approx(
            entry["total-ops"] / entry["counter"]["repr_data"] / 1e9
        )
    assert sum(s["proportion"] for s in spots) == pytest.approx(1.0)
    (tmp_path / "ai.json").write_text(json.dumps(docs["ai"]))
    (tmp_path / "op.json").write_text(json.dumps(docs["op"]))
    # the ceilings come from the roofline data embedded in the outputs
    path = roofline.plot_roofline(
        tmp_path / "ai.json", tmp_path / "op.json", output_dir=tmp_path, output_file="regions"
    )
    image, rgb = _pixels(path)
    assert image.shape[:2] == (1200, 1600)
    # the regions' markers: red, dark orange or green
    marked = (
        ((rgb[..., 0] == 255) & (rgb[..., 1] == 0) & (rgb[..., 2] == 0))
        | ((rgb[..., 0] == 255) & (rgb[..., 1] == 140) & (rgb[..., 2] == 0))
        | ((rgb[..., 0] == 0) & (rgb[..., 1] == 128) & (rgb[..., 2] == 0))
    ).sum()
    assert marked > 50


def test_points_from_the_group_layout(ert_file, tmp_path):
    """The layout timemory's cpu_roofline_* groups write (tests/c/test_hwc_roofline.c checks
    it byte for byte from a push/pop with known counts): files cpu_roofline_<mode>.json, the
    members as the "type" list, repr_data a list in that order, the wall time in ns. The
    values are those of two measured ERT points."""
    roof = ert.read(ert_file)
    chosen = [
        max(
            (e for e in roof["ert"] if e["dtype"] == "double" and e["ops-per-set"] == ops),
            key=lambda e: e["total-ops"] / e["counter"]["repr_data"],
        )
        for ops in (1, 16)
    ]
    types = {
        "op": ["runtime_ns", "flops", "PAPI_DP_OPS"],
        "ai": ["runtime_ns", "PAPI_LST_INS", "PAPI_L1_DCM"],
    }
    for mode in ("ai", "op"):
        graph = []
        for i, e in enumerate(chosen):
            ns = round(e["counter"]["repr_data"] * 1e9)
            # load/store instructions: one load and one store of 8 bytes per element
            values = (
                [ns, e["total-ops"], e["total-ops"]]
                if mode == "op"
                else [ns, e["total-bytes"] // 8, 7]
            )
            graph.append(
                {
                    "hash": 7 + i,
                    "prefix": f">>> region_{e['ops-per-set']}",
                    "depth": 0,
                    "entry": {"laps": 1, "value": values, "accum": values, "repr_data": values},
                }
            )
        doc = {
            "timemory": {
                "cpu_roofline_dp_flops": {
                    "properties": {"id": "cpu_roofline_dp_flops"},
                    "type": types[mode],
                    "ranks": [{"rank": 0, "graph_size": len(graph), "graph": graph}],
                }
            }
        }
        (tmp_path / f"cpu_roofline_{mode}.json").write_text(json.dumps(doc))
    spots = roofline.hotspots(tmp_path / "cpu_roofline_ai.json", tmp_path / "cpu_roofline_op.json")
    assert [s["label"] for s in spots] == ["region_1", "region_16"]
    for spot, e in zip(spots, chosen):
        assert spot["intensity"] == pytest.approx(e["total-ops"] / (e["total-bytes"] // 8))
        assert spot["runtime"] == pytest.approx(e["counter"]["repr_data"], rel=1e-6)
        assert spot["gflops"] == pytest.approx(
            e["total-ops"] / e["counter"]["repr_data"] / 1e9, rel=1e-6
        )
    path = roofline.plot_roofline(
        tmp_path / "cpu_roofline_ai.json",
        tmp_path / "cpu_roofline_op.json",
        ert=ert_file,
        output_dir=tmp_path,
        output_file="group",
    )
    _, rgb = _pixels(path)
    marked = (
        ((rgb[..., 0] == 255) & (rgb[..., 1] == 0) & (rgb[..., 2] == 0))
        | ((rgb[..., 0] == 255) & (rgb[..., 1] == 140) & (rgb[..., 2] == 0))
        | ((rgb[..., 0] == 0) & (rgb[..., 1] == 128) & (rgb[..., 2] == 0))
    ).sum()
    assert marked > 50


def test_cli(ert_file, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "timemory.roofline",
            "--ert",
            str(ert_file),
            "-D",
            str(tmp_path / "plot"),
            "-v",
            "-T",
            "My roofline",
            "-P",
            "1000",
            "800",
            "100",
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    png = tmp_path / "plot" / "roofline.png"
    assert f"[roofline]> Outputting '{png}'..." in result.stdout
    assert "[roofline]> peak double: " in result.stdout
    image, _ = _pixels(png)
    assert image.shape[:2] == (800, 1000)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "timemory.roofline",
            "--ert",
            str(ert_file),
            "-D",
            str(tmp_path / "plot"),
            "--format",
            "svg",
            "-o",
            "r2",
            "-b",
            "l1",
            "dram",
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ET.parse(tmp_path / "plot" / "r2.svg")


def test_cli_errors(tmp_path):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "timemory.roofline", *args],
            capture_output=True,
            text=True,
            env=clean_environment(),
            timeout=120,
            cwd=tmp_path,
        )

    result = run()
    assert result.returncode == 2 and "nothing to plot" in result.stderr
    (tmp_path / "empty.json").write_text("{}")
    result = run("--ert", "empty.json")
    assert result.returncode == 1 and "empty.json: no ERT data" in result.stderr
    result = run("--ert", "missing.json")
    assert result.returncode == 1 and "missing.json" in result.stderr
    result = run("--ert", "empty.json", "-t", "gpu_roofline")
    assert result.returncode == 1 and "need CUPTI" in result.stderr
    assert not list(tmp_path.glob("*.png"))


def test_application_needs_the_component(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("open('ran', 'w').close()\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "timemory.roofline",
            "-D",
            str(tmp_path),
            "--",
            sys.executable,
            str(app),
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=120,
        cwd=tmp_path,
    )
    if timemory.component.is_available("cpu_roofline_flops"):
        pytest.skip("this machine has PAPI floating-point counters")
    assert result.returncode == 1
    assert "cpu_roofline needs the cpu_roofline_flops component, which is not available" in (
        result.stderr
    )
    assert timemory.component.reason("cpu_roofline_flops") in result.stderr
    assert not (tmp_path / "ran").exists()  # nothing was run


def test_without_matplotlib(ert_file, run_python):
    code = f"""
import sys
sys.modules["matplotlib"] = None
from timemory import roofline
from timemory.plotting import PlottingUnavailable
try:
    roofline.plot_roofline(ert={str(ert_file)!r})
except PlottingUnavailable as err:
    print("unavailable:", err)
"""
    result = run_python(code, check=True)
    assert "unavailable: timemory.roofline needs matplotlib" in result.stdout
    assert "pip install timemory[plotting]" in result.stdout

"""timemory.ert: the C micro-kernels through the extension, python -m timemory.ert and its
ert_results.json (spec NOTES.md section 5), the ceilings derived from a run, the settings and
the errors. The runs are small (a few size doublings, one or two threads): seconds each."""

import json
import os
import subprocess
import sys

import pytest
import timemory
from conftest import clean_environment
from timemory import ert
from timemory.libs import libpytimemory as ext


def _largest_set():
    """A working set past the last-level cache (bytes, at least 64 MiB, at most 512 MiB)."""
    last = max((c["size"] * c["shared_cpus"] for c in ert.cache_sizes().values()), default=0)
    return min(max(4 * last, 64 << 20), 512 << 20)


@pytest.fixture(scope="module")
def small_run():
    """float and double, kernels of 1 and 64 FLOPs/element, one thread, working sets from
    16 KiB (in L1) to past the last-level cache."""
    return ert.run(
        min_working_set=2048,
        max_data_size=_largest_set(),
        num_threads=1,
        ops=[1, 64],
        progress=False,
        verbose=False,
    )


def _entries(document):
    return document["timemory"]["ranks"][0]["roofline"]["ert"]


def test_small_run_has_sane_ratios(small_run):
    entries = _entries(small_run)
    peak = ert.peak_flops(entries)
    assert set(peak) == {"float", "double"}
    assert peak["float"] > 0 and peak["double"] > 0
    for dtype in ("float", "double"):
        curve = sorted(
            (e["working-set"], e["total-bytes"] / e["counter"]["repr_data"])
            for e in entries
            if e["dtype"] == dtype and e["ops-per-set"] == 1
        )
        smallest, largest = curve[0][1], curve[-1][1]
        # a working set in L1 moves its bytes at least as fast as one past every cache
        assert smallest >= largest, (dtype, curve)
    # the intense kernel does more FLOPs per second than the one-FLOP kernel
    for dtype in ("float", "double"):
        rates = {
            ops: max(
                e["total-ops"] / e["counter"]["repr_data"]
                for e in entries
                if e["dtype"] == dtype and e["ops-per-set"] == ops
            )
            for ops in (1, 64)
        }
        assert rates[64] > rates[1]


def test_entries_count_exactly(small_run):
    roofline = small_run["timemory"]["ranks"][0]["roofline"]
    entries = roofline["ert"]
    assert roofline["entries"] == len(entries)
    sizes = {"float": 4, "double": 8}
    for entry in entries:
        elements = entry["working-set"] // sizes[entry["dtype"]]
        assert entry["working-set"] % sizes[entry["dtype"]] == 0
        assert entry["total-ops"] == entry["trials"] * elements * entry["ops-per-set"]
        assert entry["total-bytes"] == entry["trials"] * entry["working-set"] * 2
        assert entry["counter"]["value"] > 0
        assert entry["counter"]["repr_data"] == entry["counter"]["value"] * 1e-9
        assert entry["label"] == ("vector_op" if entry["ops-per-set"] > 1 else "scalar_op")
        assert entry["device"] == "cpu"
        assert entry["exec-params"]["nthreads"] == 1
        assert entry["exec-params"]["working_set_min"] == 2048
    # the working sets double from 2048 elements per thread to the largest that fits
    doubles = sorted(
        e["working-set"] for e in entries if e["dtype"] == "double" and e["ops-per-set"] == 1
    )
    assert doubles[0] == 2048 * 8
    assert all(b == 2 * a for a, b in zip(doubles, doubles[1:]))
    assert doubles[-1] <= _largest_set() < 2 * doubles[-1]


def test_ceilings_recorded(small_run):
    roofline = small_run["timemory"]["ranks"][0]["roofline"]
    ceilings = roofline["ceilings"]
    assert ceilings["peak"] == ert.peak_flops(roofline["ert"])
    assert roofline["isa"] == ert.isa()
    assert roofline["caches"] == ert.cache_sizes()
    levels = [band["level"] for band in ceilings["bandwidth"]]
    assert levels, ceilings
    assert levels[0] in ("L1", "L2")
    last = max((c["size"] * c["shared_cpus"] for c in roofline["caches"].values()), default=0)
    if roofline["caches"] and _largest_set() > 2 * last:
        assert levels[-1] == "DRAM"  # the largest working sets are past every cache
    else:  # a last-level cache beyond the run's 512 MiB cap (a VM here reports 480 MiB x 2)
        assert "DRAM" not in levels[:-1]
    for band in ceilings["bandwidth"]:
        assert band["GB/s"] > 0
    lines = ert.summary_lines(roofline)
    assert lines[0].startswith("[ert]> peak: float ") and "double" in lines[0]
    assert lines[1].startswith("[ert]> bandwidth: ")


def test_bandwidth_plateaus_from_cache_hints():
    """The grouping itself, on a curve with known levels: 48 KiB L1, 1 MiB L2 per CPU, 32 MiB
    L3 shared by 2; two threads."""
    caches = {
        "L1": {"size": 48 << 10, "shared_cpus": 1},
        "L2": {"size": 1 << 20, "shared_cpus": 1},
        "L3": {"size": 32 << 20, "shared_cpus": 2},
    }
    rates = {
        4 << 10: 300.0,
        8 << 10: 900.0,
        16 << 10: 1000.0,
        32 << 10: 1000.0,
        64 << 10: 1000.0,
        128 << 10: 600.0,
        256 << 10: 700.0,
        512 << 10: 700.0,
        1 << 20: 700.0,
        2 << 20: 500.0,
        4 << 20: 300.0,
        8 << 20: 300.0,
        16 << 20: 300.0,
        32 << 20: 100.0,
        64 << 20: 60.0,
        128 << 20: 20.0,
        256 << 20: 30.0,
    }
    entries = [
        {
            "working-set": ws,
            "total-bytes": int(rate * 1e9),
            "total-ops": 1,
            "ops-per-set": 1,
            "dtype": "double",
            "counter": {"repr_data": 1.0, "units": 1},
            "exec-params": {"nthreads": 2},
        }
        for ws, rate in rates.items()
    ]
    found = ert.bandwidths(entries, caches)
    assert [(b["level"], b["GB/s"]) for b in found] == [
        ("L1", 1000.0),
        ("L2", 700.0),
        ("L3", 300.0),
        ("DRAM", 25.0),
    ]
    assert found[0]["working_set"] == [4 << 10, 64 << 10]
    # without hints: split where the curve falls by more than a third
    plain = ert.bandwidths(entries)
    assert plain[0]["level"] == "L1" and plain[0]["GB/s"] == 1000.0
    assert plain[-1]["level"] == "DRAM"


def test_cli_writes_results(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "timemory.ert",
            "-o",
            str(tmp_path / "out"),
            "-w",
            "1024",
            "-m",
            "1M",
            "-n",
            "1",
            "--ops",
            "1",
            "4",
            "-r",
            "1",
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / "ert_results.json"
    assert sorted(os.listdir(tmp_path / "out")) == ["ert_results.json"]
    doc = json.loads(path.read_text())
    (rank,) = doc["timemory"]["ranks"]
    assert rank["rank"] == 0
    roofline = rank["roofline"]
    # float: 1024 .. 262144 elements (9 sizes), double: .. 131072 (8): 2 kernels each
    assert roofline["entries"] == len(roofline["ert"]) == 2 * 9 + 2 * 8
    keys = {
        "label",
        "working-set",
        "trials",
        "total-bytes",
        "total-ops",
        "ops-per-set",
        "counter",
        "device",
        "dtype",
        "exec-params",
    }
    assert all(set(entry) == keys for entry in roofline["ert"])
    assert roofline["ert"][0]["exec-params"] == {
        "working_set_min": 1024,
        "memory_max": 1 << 20,
        "nthreads": 1,
        "nrank": 0,
        "nproc": 1,
        "nstreams": 1,
        "grid_size": 0,
        "block_size": 0,
        "shmem_size": 0,
    }
    for dtype in ("float", "double"):
        assert (
            "[ert::executor]> working-set = 1024, max-size = 1048576, num-thread = 1, "
            "num-stream = 1, grid-size = 0, block-size = 0, align-size = 64, "
            f"data-type = {dtype}" in result.stdout
        )
    assert f"[ert]> Outputting '{path}'..." in result.stdout
    assert "[ert]> peak: float " in result.stdout
    assert "[ert]> bandwidth: " in result.stdout
    # progress on stderr (not a terminal: one line per kernel)
    assert "[ert] float: kernel of 1 FLOPs/element done (9/34 points" in result.stderr
    assert "[ert] double: kernel of 4 FLOPs/element done (34/34 points" in result.stderr


def test_cli_bad_sizes(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "timemory.ert",
            "-o",
            str(tmp_path / "out"),
            "-w",
            "4096",
            "-m",
            "16K",
            "-n",
            "2",
        ],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=60,
    )
    assert result.returncode == 2
    assert "max_data_size (16384 bytes) is smaller than the smallest working set" in result.stderr
    assert not (tmp_path / "out").exists()
    result = subprocess.run(
        [sys.executable, "-m", "timemory.ert", "-m", "lots"],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=60,
    )
    assert result.returncode == 2 and "not a size: 'lots'" in result.stderr


def test_defaults_follow_settings(run_python):
    code = """
import json
from timemory import ert
print(json.dumps(ert.defaults()))
doc = ert.run(progress=False, verbose=False, dtypes="double")
entries = doc["timemory"]["ranks"][0]["roofline"]["ert"]
print(json.dumps(sorted({e["ops-per-set"] for e in entries})))
print(json.dumps(min(e["trials"] for e in entries)))
"""
    result = run_python(
        code,
        env={
            "TIMEMORY_ERT_MIN_WORKING_SIZE_CPU": "4096",
            "TIMEMORY_ERT_MAX_DATA_SIZE_CPU": "262144",
            "TIMEMORY_ERT_NUM_THREADS_CPU": "1",
            "TIMEMORY_ERT_TRIALS_MIN": "5",
            "TIMEMORY_ERT_SKIP_OPS": "2,4,8,16,32,64,128",
        },
        check=True,
    )
    defaults, ops, trials = (json.loads(line) for line in result.stdout.splitlines())
    assert defaults["min_working_set"] == 4096
    assert defaults["max_data_size"] == 262144
    assert defaults["num_threads"] == 1
    assert defaults["trials_min"] == 5
    assert defaults["ops"] == [1, 256]
    assert ops == [1, 256]
    assert trials == 5  # the largest working set (32768 doubles) is swept 5 times, not once


def test_callback_exception_stops_the_run():
    seen = []

    def callback(point):
        seen.append(point)
        if len(seen) == 3:
            raise KeyboardInterrupt

    config = {
        "min_working_set": 256,
        "max_data_size": 1 << 20,
        "num_threads": 2,
        "ops": [1, 2],
        "dtypes": ["double"],
        "repeats": 1,
    }
    with pytest.raises(KeyboardInterrupt):
        ext.ert_run(config, callback)
    assert len(seen) == 3
    assert [p["index"] for p in seen] == [0, 1, 2]
    assert seen[0]["count"] == ext.ert_count_points(config) == 2 * 9
    assert ext.ert_run(config, lambda point: None) == 18


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown dtype 'half'"):
        ert.run(dtypes=["half"], verbose=False, progress=False)
    with pytest.raises(ValueError, match="ops must be integers from 1 to 4096"):
        ert.run(ops=[0], verbose=False, progress=False)
    with pytest.raises(ValueError, match="num_threads must be a positive integer"):
        ert.run(num_threads=0, verbose=False, progress=False)
    with pytest.raises(ValueError, match="ert: unknown dtype"):
        ext.ert_run({"dtypes": ["int"]}, print)
    with pytest.raises(ValueError, match="no ERT data"):
        ert.read({"timemory": {"wall_clock": {}}})


def test_read_finds_embedded_roofline(small_run, tmp_path):
    roofline = small_run["timemory"]["ranks"][0]["roofline"]
    component = {"timemory": {"cpu_roofline_flops": {"type": "cpu_roofline", "roofline": roofline}}}
    assert ert.read(component)["entries"] == roofline["entries"]
    path = ert.write(small_run, tmp_path)
    assert path == str(tmp_path / "ert_results.json")
    assert ert.read(path) == json.loads(json.dumps(roofline))
    assert ert.entries_of({"ert": roofline["ert"]}) == roofline["ert"]


def test_module_surface():
    assert ert.isa() in ("avx512f", "avx2+fma", "sse2", "generic")
    assert timemory.settings.ert_trials_min == 1
    for level, info in ert.cache_sizes().items():
        assert level in ("L1", "L2", "L3") and info["size"] > 0 and info["shared_cpus"] >= 1

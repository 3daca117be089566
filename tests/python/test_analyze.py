"""timemory.analyze: hatchet-based analysis of the tree data (embedded_analyze, the command
line), with the original test suite's arguments, filters, combinations and formats.

SKIPPED WHEN llnl-hatchet IS NOT INSTALLED (the ``test`` extra installs it where PyPI has a
wheel for the running Python)."""

import json
import re
import sys
import time

import pytest
import timemory
from timemory.util import marker

pytest.importorskip("hatchet", reason="llnl-hatchet is not installed (pip install llnl-hatchet)")

from timemory import analyze  # noqa: E402


def record():
    """outer (>= 0.08 s) -> fast (no sleep), slow (30 ms) x 2 calls each; 'side' (10 ms)."""

    def fast():
        with marker(["wall_clock", "peak_rss"], key="fast"):
            pass

    def slow():
        with marker(["wall_clock", "peak_rss"], key="slow"):
            time.sleep(0.03)

    with marker(["wall_clock", "peak_rss"], key="outer"):
        for _ in range(2):
            fast()
            slow()
        time.sleep(0.02)
    with marker(["wall_clock"], key="side"):
        time.sleep(0.01)


def names(frame):
    return sorted(set(frame.dataframe["name"]))


def test_original_suite_arguments_write_each_format(clean_data, tmp_path):
    record()
    out = tmp_path / "deep" / "analysis"
    args = ["--expression", "x >= 0", "-f", "dot", "flamegraph", "tree", "-o", str(out),
            "--per-thread", "--per-rank", "--select", "peak_rss", "--search", "o", "-e"]  # fmt: skip
    frames = analyze.embedded_analyze(args, data=[timemory.get(hierarchy=True)])
    assert len(frames) == 1
    tree = (tmp_path / "deep" / "analysis.txt").read_text()
    dot = (tmp_path / "deep" / "analysis.dot").read_text()
    folded = (tmp_path / "deep" / "analysis.flamegraph.txt").read_text()
    # --search o keeps outer and slow, not fast or side (wall_clock only: not selected)
    assert names(frames[0]) == ["outer", "slow"]
    assert "outer" in tree and "slow" in tree and "fast" not in tree
    assert dot.startswith("strict digraph") and "outer" in dot and "slow" in dot
    stacks = [line.rsplit(" ", 1)[0] for line in folded.splitlines() if line]
    assert stacks == ["outer", "outer; slow"]
    assert not list((tmp_path / "deep").glob(".timemory-analyze-*"))  # whole files only


def test_metric_names_of_the_original_resolve(clean_data):
    with marker(["wall_clock", "current_peak_rss"], key="resolve"):
        time.sleep(0.001)
    data = timemory.get(hierarchy=True, components=["wall_clock", "current_peak_rss"])
    wall = analyze.load(data, select=["wall_clock"])
    pair = analyze.load(data, select="current_peak_rss")
    assert analyze.resolve_metric(wall, "sum") == "sum.wall_clock"
    assert analyze.resolve_metric(wall, "sum.inc") == "sum.wall_clock (inc)"
    assert analyze.resolve_metric(wall, "mean.wall_clock (inc)") == "mean.wall_clock (inc)"
    assert analyze.resolve_metric(pair, "sum.start-peak-rss.inc") == "sum.start-peak-rss (inc)"
    assert analyze.resolve_metric(pair, "sum.stop-peak-rss") == "sum.stop-peak-rss"
    with pytest.raises(KeyError, match="sum.wall_clock"):
        analyze.resolve_metric(wall, "count.inc")


def test_expression_keeps_the_slow_nodes(clean_data):
    record()
    frame = analyze.load(timemory.get(hierarchy=True), select=["wall_clock"])
    slow = analyze.expression(frame, "x > 0.05", "sum.inc")
    assert names(slow) == ["outer", "slow"]
    either = analyze.expression(frame, "x < 0.005 || x > 0.07 && x >= 0", "sum.inc")
    assert names(either) == ["fast", "outer"]
    both = analyze.expression([frame, frame], "0.008 <= x && x < 0.05", "sum.inc")
    assert [names(f) for f in both] == [["side"], ["side"]]


def test_a_filter_matching_nothing_drops_the_data_set(clean_data, capsys, tmp_path):
    record()
    frame = analyze.load(timemory.get(hierarchy=True), select=["wall_clock"])
    assert analyze.expression([frame, frame], "x > 1e6", "sum.inc") == []
    assert analyze.search(frame, "nothing-like-this") is None
    out = tmp_path / "none"
    args = ["--select", "wall_clock", "--match", "zzz", "-f", "tree", "-o", str(out)]
    assert analyze.embedded_analyze(args, data=[timemory.get(hierarchy=True)]) == []
    assert "no node matches --match 'zzz' in 'name'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "bad",
    ["x > __import__('os')", "", "x >", "y > 1", "x = 1", "x > 1 && ", "x > 1; x < 2"],
)
def test_expressions_are_parsed_never_evaluated(bad):
    with pytest.raises(ValueError):
        analyze._parse_expression(bad)


def test_search_match_sort_group_add(clean_data, capsys):
    record()
    data = timemory.get(hierarchy=True)
    frame = analyze.load(data, select=["wall_clock"])
    assert names(analyze.search(frame, "^s")) == ["side", "slow"]
    assert analyze.match(frame, "s") is None
    assert names(analyze.match(frame, "s.*e")) == ["side"]
    ordered = analyze.sort(frame, "sum.inc", ascending=True)
    assert list(ordered["name"])[-1] == "outer" and list(ordered["name"])[0] == "fast"
    flat = analyze.group(frame, "sum", "name")
    assert flat.loc["slow", "count"] == 2 and flat.index[0] == "slow"
    doubled = analyze.add([frame, frame])
    single = frame.dataframe.set_index("name")["sum.wall_clock"]
    twice = doubled.dataframe.set_index("name")["sum.wall_clock"]
    for name in ("fast", "slow", "outer"):
        assert twice[name] == pytest.approx(2 * single[name])
    # -g: a flat profile as a table on stdout
    analyze.embedded_analyze(["--select", "wall_clock", "-g", "name", "-m", "sum"], data=[data])
    printed = capsys.readouterr().out
    assert "slow" in printed and "sum.wall_clock" in printed
    with pytest.raises(ValueError, match="group"):
        analyze.embedded_analyze(["-g", "name", "-f", "dot"], data=[data])
    with pytest.raises(ValueError, match="nothing to analyze"):
        analyze.embedded_analyze([], data=[])


PROGRAM = """
import time
from timemory.util import marker

@marker(["wall_clock"])
def work():
    time.sleep(0.002)

for _ in range(3):
    work()
"""


def test_command_line_on_a_tree_file(run_python, tmp_path):
    run_python(PROGRAM, env={"TIMEMORY_OUTPUT_PATH": "out"}, check=True)
    tree_file = tmp_path / "out" / "wall.tree.json"
    assert json.loads(tree_file.read_text())["timemory"]
    result = run_python("-m", "timemory.analyze", str(tree_file), "-f", "tree", check=True)
    assert re.search(r"^0\.0\d\d work ", result.stdout, re.M), result.stdout
    result = run_python("-m", "timemory.analyze", str(tree_file), "--expression", "x > import")
    assert result.returncode == 1
    assert "timemory-analyze: ValueError: token 'import'" in result.stderr
    result = run_python("-m", "timemory.analyze", str(tmp_path / "missing.tree.json"))
    assert result.returncode == 1
    assert "FileNotFoundError: no such file or folder: " in result.stderr
    assert "missing" in result.stderr
    assert run_python("-m", "timemory.analyze").returncode == 2  # a file is required


THREADED = """
import threading
import time
from timemory.util import marker

@marker(["wall_clock"])
def leaf(n):
    time.sleep(0.001 * n)

@marker(["wall_clock"])
def work(i):
    for n in range(i + 1):
        leaf(n + 1)

threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def test_command_line_on_threaded_output_folders(run_python, tmp_path):
    for collapse in ("true", "false"):
        env = {"TIMEMORY_OUTPUT_PATH": f"out-{collapse}", "TIMEMORY_COLLAPSE_THREADS": collapse}
        run_python(THREADED, env=env, check=True)

    def works(folder):
        """{tid: inclusive sum of work} of the tree file: one root per thread (after thread
        0's bookmark: the main thread ran nothing)."""
        tree = json.loads((tmp_path / folder / "wall.tree.json").read_text())
        roots = tree["timemory"]["wall_clock"]["mpi"][0]
        assert roots[0]["children"][0]["node"]["is_dummy"] is True
        found = {}
        for root in roots[1:]:
            (work,) = [child["node"] for child in root["children"]]
            found[work["tid"][0]] = work["inclusive"]["stats"]["sum"]
        return found

    # merged over threads: one tree, the totals
    result = run_python("-m", "timemory.analyze", tmp_path / "out-true", "-f", "tree", check=True)
    total = sum(works("out-true").values())
    assert re.findall(r"^(\S+) work ", result.stdout, re.M) == [f"{total:.3f}"]
    assert "thread" not in result.stdout
    # threads kept apart: a tree per thread, under "thread N:"
    apart = works("out-false")
    assert sorted(apart) == [1, 2, 3]
    result = run_python("-m", "timemory.analyze", tmp_path / "out-false", "-f", "tree", check=True)
    shown = re.findall(r"^thread (\d+):\n(?:.*\n)*?(\S+) work ", result.stdout, re.M)
    assert shown == [(str(tid), f"{apart[tid]:.3f}") for tid in (1, 2, 3)]
    assert result.stdout.count("leaf") == 3


def test_console_script_is_installed():
    from pathlib import Path

    assert Path(sys.executable).with_name("timemory-analyze").exists()

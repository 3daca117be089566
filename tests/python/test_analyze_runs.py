"""timemory-analyze on the outputs of real runs: two runs of one program with a known
difference (calls, sleeps, a function only in the second) compared, filters by name and by
value, the tree sorted by the metric, folded stacks, JSON, --help; and the message when
hatchet is missing.

The hatchet tests are SKIPPED WHEN llnl-hatchet IS NOT INSTALLED (the ``test`` extra installs
it where PyPI has a wheel for the running Python)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
import sys, time

def step():
    time.sleep(0.001)

def slow(seconds):
    time.sleep(seconds)

def extra():
    time.sleep(0.001)

def main(steps, seconds, with_extra):
    for _ in range(steps):
        step()
    slow(seconds)
    if with_extra:
        extra()

main(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1")
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(run1, run2) tree files: 3 steps, slow(0.01); 5 steps, slow(0.05) and extra()."""
    from conftest import clean_environment

    folder = tmp_path_factory.mktemp("runs")
    (folder / "prog.py").write_text(PROGRAM)
    trees = []
    for name, args in (("run1", ["3", "0.01", "0"]), ("run2", ["5", "0.05", "1"])):
        command = [sys.executable, "-m", "timemory.profiler", "--trace-c", "false", "-o", name, "prog.py", *args]
        env = clean_environment({"TIMEMORY_COUT_OUTPUT": "OFF"})
        subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
        trees.append(folder / name / "wall.tree.json")
    return trees


@pytest.fixture
def analyze():
    pytest.importorskip("hatchet", reason="llnl-hatchet is not installed")
    from timemory import analyze

    return analyze


def rows(frame, name):
    table = frame.dataframe
    return table[table["name"] == name]


def cli(*args, cwd=None):
    from conftest import clean_environment

    command = [str(Path(sys.executable).with_name("timemory-analyze")), *map(str, args)]
    return subprocess.run(
        command, cwd=cwd, env=clean_environment(), capture_output=True, text=True, check=False
    )


def test_compare_shows_the_known_difference(analyze, runs):
    (diff,) = analyze.compare([analyze.load(path) for path in runs])
    step, slow, extra = rows(diff, "step"), rows(diff, "slow"), rows(diff, "extra")
    # 5 - 3 calls of step (C calls not traced: --trace-c false); slow: 1 - 1 calls, 0.05 - 0.01 s;
    # step: 5 x 0.001 - 3 x 0.001 s, give or take what each 1 ms sleep overshot on a busy machine
    assert list(step["count"]) == [2.0]
    assert list(slow["count"])[0] == 0.0
    assert list(slow["sum.wall_clock (inc)"])[0] == pytest.approx(0.04, abs=0.015)
    assert abs(list(step["sum.wall_clock (inc)"])[0] - 0.002) < 0.015
    # extra ran in the second run only: its values are the second run's
    assert list(extra["count"]) == [1.0]
    (ratio,) = analyze.compare([analyze.load(path) for path in runs], "ratio")
    assert list(rows(ratio, "step")["count"]) == [pytest.approx(5 / 3)]
    assert list(rows(ratio, "slow")["sum.wall_clock (inc)"])[0] == pytest.approx(5, rel=0.4)
    with pytest.raises(ValueError, match="two runs or more"):
        analyze.compare([analyze.load(runs[0])])


def test_compare_on_the_command_line(analyze, runs, tmp_path):
    result = cli(runs[0], runs[1], "--compare", "--sort", "--precision", "4")
    assert result.returncode == 0, result.stderr
    tree = result.stdout[result.stdout.index("main") - 7 :]
    lines = [line for line in tree.splitlines() if re.search(r"\d\.\d{4} ", line)]
    # main, then its children largest difference first: slow (+0.04 s) before step (+0.002)
    names = [re.search(r"\d\.\d{4} (\w+)", line).group(1) for line in lines]
    assert names[0] == "main" and names.index("slow") < names.index("step")
    assert re.search(r"0\.0[345]\d\d slow", tree)
    assert re.search(r"extra ◀", tree)  # only in the later run
    out = tmp_path / "diff.json"
    result = cli(runs[0], runs[1], "--compare", "-f", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    counts = {row["name"]: row["count"] for row in document["dataframe"]}
    assert counts["step"] == 2 and counts["extra"] == 1
    result = cli(runs[0], "--compare")
    assert result.returncode == 1 and "two runs or more" in result.stderr


def test_filter_sort_and_tree(analyze, runs):
    result = cli(runs[1], "--select", "wall_clock", "--filter", "s", "--sort", "--tree")
    assert result.returncode == 0, result.stderr
    names = re.findall(r"\d\.\d{3} (\w+)", result.stdout)
    # the filter keeps slow and step (and the sleeps they call, labelled by them)
    assert set(names) == {"slow", "step"} and names[0] == "slow"
    frame = analyze.load(runs[1])
    (ordered,) = analyze.sort_tree(frame, "sum.inc", ascending=True)
    main = next(node for node in ordered.graph.roots if node.frame["name"] == "main")
    children = sorted(main.children, key=lambda node: node._hatchet_nid)
    assert [child.frame["name"] for child in children][-1] == "slow"  # smallest first
    table = ordered.dataframe
    values = list(table["sum.wall_clock (inc)"])
    assert values == sorted(values)


def test_threshold_by_value_and_share(analyze, runs):
    frame = analyze.load(runs[1])
    (kept,) = analyze.threshold(frame, 0.02)
    assert set(kept.dataframe["name"]) == {"main", "slow"}
    (kept,) = analyze.threshold(frame, "50%")  # main 0.06 s, slow 0.05 s: above half
    assert set(kept.dataframe["name"]) == {"main", "slow"}
    (kept,) = analyze.threshold(frame, "1%")
    assert {"step", "extra"} <= set(kept.dataframe["name"])
    assert analyze.threshold(frame, 1000.0) == []  # nothing that large: dropped
    result = cli(runs[1], "--threshold", "0.02", "-f", "tree")
    assert result.returncode == 0, result.stderr
    assert set(re.findall(r"\d\.\d{3} (\w+)", result.stdout)) == {"main", "slow"}


def test_folded_stacks_are_in_micro_units(analyze, runs, tmp_path):
    out = tmp_path / "stacks"
    analyze.embedded_analyze([str(runs[1]), "-f", "flamegraph", "-o", str(out)])
    lines = [line for line in (tmp_path / "stacks.flamegraph.txt").read_text().splitlines() if line]
    weights = {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in lines}
    assert 45000 <= weights["main; slow"] <= 80000  # 0.05 s in microseconds
    assert all(weight >= 0 for weight in weights.values())


def test_help_lists_the_options():
    result = cli("--help")
    assert result.returncode == 0
    for flag in ("--compare", "--filter", "--threshold", "--sort", "--tree", "--select",
                 "--precision", "json"):  # fmt: skip
        assert flag in result.stdout


def test_without_hatchet_the_message_names_the_extra(monkeypatch):
    from timemory import analyze

    monkeypatch.setitem(sys.modules, "hatchet", None)
    with pytest.raises(ImportError, match=r"pip install 'timemory\[analyze\]'"):
        analyze.load({"timemory": {}})

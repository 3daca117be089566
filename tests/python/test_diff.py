"""Difference output (spec OUTPUT.md section 6, SETTINGS.md 4.4) through the package: the seed
004 run (``timemory-config --input-path ... --diff-output=1 --output-path ...``) and what a
missing, corrupt, truncated or foreign previous output does (one message naming the file, the
run's own outputs still written)."""

import json
import re

from conftest import EXAMPLES

SEED = EXAMPLES / "seed_scoped_intermediate.py"
FIRST = "timemory-seed-scoped-intermediate-output"
SECOND = "timemory-intermediate-diff-output"
LABELS = {"wall": "wall_clock", "cpu": "cpu_clock", "peak_rss": "peak_rss",
          "page_rss": "page_rss", "virtual_memory": "virtual_memory"}  # fmt: skip


def graph(path, component):
    return json.loads(path.read_text())["timemory"][component]["ranks"][0]["graph"]


def key(entry):
    return (entry["depth"], entry["hash"], entry["rolling_hash"], entry["prefix"])


def test_seed_004_difference_run(run_python, tmp_path):
    run_python(SEED, check=True)
    result = run_python(
        SEED, "timemory-config", "--input-path", FIRST, "--diff-output=1",
        "--output-path", SECOND, check=True,
    )  # fmt: skip
    out = result.stdout
    assert result.stderr == ""
    for label, component in LABELS.items():
        # the sequence of the seed: probe, read, this run's files, blank line, the difference
        steps = [
            f"Checking for existing input at {FIRST}/{label}.json...",
            f"[{label}]|0> Reading '{FIRST}/{label}.json'...",
            f"[{label}]|0> Outputting '{SECOND}/{label}.json'...",
            f"[{label}]|0> Outputting '{SECOND}/{label}.txt'...\n\n"
            f"[{label}]|0> Outputting '{SECOND}/{label}.diff.json'...\n"
            f"[{label}]|0> Outputting '{SECOND}/{label}.diff.txt'...\n\n",
        ]
        positions = [out.find(step) for step in steps]
        assert -1 not in positions and positions == sorted(positions), (label, positions)
        assert out.count(f"Checking for existing input at {FIRST}/{label}") == 1  # found first

        old = graph(tmp_path / FIRST / f"{label}.json", component)
        new = graph(tmp_path / SECOND / f"{label}.json", component)
        diff = graph(tmp_path / SECOND / f"{label}.diff.json", component)
        # every entry of the previous run matched one of this run (same program), in its order
        assert [key(e) for e in diff] == [key(e) for e in old]
        first_match = {}
        for e in new:
            first_match.setdefault(key(e), e)
        for d, o in zip(diff, old):
            n = first_match[key(o)]
            assert d["entry"]["laps"] == n["entry"]["laps"]
            assert d["entry"]["value"] == n["entry"]["value"] - o["entry"]["value"]
            assert d["stats"]["count"] == n["stats"]["count"]
            assert abs(d["stats"]["sum"] - (n["stats"]["sum"] - o["stats"]["sum"])) <= 1e-9 * max(
                1.0, abs(n["stats"]["sum"])
            )
            for stat, pick in (("min", min), ("max", max)):
                want = pick(n["stats"][stat], o["stats"][stat])
                assert abs(d["stats"][stat] - want) <= 1e-12 * abs(want), (stat, d, n, o)

        lines = (tmp_path / SECOND / f"{label}.diff.txt").read_text().splitlines()
        end = next(i for i in range(1, len(lines)) if lines[i].startswith("|---"))
        banner = " ".join(line.strip("| ") for line in lines[1:end])  # may wrap
        assert re.fullmatch(rf"[A-Z][^a-z]* vs\. {FIRST}/{label}\.json", banner), banner
        rows = [line for line in lines[end + 3 :] if not line.startswith("|---")]
        assert [row.split("|")[1].strip() for row in rows] == [e["prefix"] for e in diff]
    # the first run's files are untouched; cout_output is off: no table on stdout
    assert (tmp_path / FIRST / "wall.json").is_file()
    assert "|---" not in out[out.index("Checking for existing input") :]


PROGRAM = """
import timemory
from timemory.util import marker

timemory.settings.output_path = "out"
timemory.settings.diff_output = True
timemory.settings.cout_output = {cout}
timemory.settings.flamegraph_output = False
with marker(["wall_clock"], key="outer"):
    with marker(["wall_clock"], key="inner"):
        pass
timemory.finalize()
"""


def program(tmp_path, cout=False):
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM.format(cout=cout))
    return path


def test_previous_output_in_the_same_folder(run_python, tmp_path):
    """input_path defaults to output_path: the second run compares with the first."""
    prog = program(tmp_path)
    first = run_python(prog, check=True)
    assert "Checking for existing input at out/wall.json...\n" in first.stdout
    assert "Reading" not in first.stdout and "wall.diff" not in first.stdout
    assert first.stderr == (
        "[timemory] warning: no difference output for 'wall': no previous output at "
        "'out/wall.json' or 'out/wall.xml'\n"
    )
    assert (tmp_path / "out" / "wall.json").is_file()
    previous = graph(tmp_path / "out" / "wall.json", "wall_clock")

    second = run_python(program(tmp_path, cout=True), check=True)
    assert second.stderr == ""
    assert "[wall]|0> Reading 'out/wall.json'...\n" in second.stdout
    diff = graph(tmp_path / "out" / "wall.diff.json", "wall_clock")
    assert [e["prefix"] for e in diff] == [">>> outer", ">>> |_inner"]
    current = graph(tmp_path / "out" / "wall.json", "wall_clock")
    assert [d["entry"]["value"] for d in diff] == [
        n["entry"]["value"] - o["entry"]["value"] for n, o in zip(current, previous)
    ]
    # cout_output: the difference table follows this run's table on stdout
    tables = [
        m.start()
        for m in re.finditer(r"REAL-CLOCK TIMER \(I\.E\. WALL-CLOCK TIMER\)", second.stdout)
    ]
    assert len(tables) == 2
    assert "vs. out/wall.json" in second.stdout[tables[1] :]


def test_unusable_previous_output(run_python, tmp_path):
    """Corrupt, truncated or foreign input: one line naming the file and the reason; this
    run's outputs are written all the same."""
    prog = program(tmp_path)
    run_python(prog, check=True)
    good = (tmp_path / "out" / "wall.json").read_text()
    tree = (tmp_path / "out" / "wall.tree.json").read_text()
    cases = {
        "truncated": (good[: len(good) // 2], "the input ends inside"),
        "corrupt": ("\x00\x01garbage", "line 1, column 1: expected a value, found byte 0x00"),
        "foreign": ('{"name": "not ours"}', 'not a timemory output (no "timemory" object'),
        "tree layout": (tree, "is the hierarchical (tree) layout"),
        "another component": (
            good.replace('"wall_clock"', '"cpu_clock"'),
            "holds no wall_clock data (it holds: cpu_clock)",
        ),
        "empty": ("", "it is empty"),
    }
    for name, (content, reason) in cases.items():
        (tmp_path / "out" / "wall.json").write_text(content)
        for stale in ("wall.diff.json", "wall.diff.txt"):
            (tmp_path / "out" / stale).unlink(missing_ok=True)
        result = run_python(prog, check=True)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith(
            "[timemory] warning: [wall] cannot compare with 'out/wall.json': "
        )
        assert reason in lines[0], (name, lines[0])
        assert "[wall]|0> Reading 'out/wall.json'..." in result.stdout
        assert "[wall]|0> Outputting 'out/wall.json'..." in result.stdout
        assert not (tmp_path / "out" / "wall.diff.json").exists(), name
        # this run's own output replaced the unusable one
        assert graph(tmp_path / "out" / "wall.json", "wall_clock")[0]["prefix"] == ">>> outer"

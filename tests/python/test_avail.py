"""timemory-avail (timemory.avail): every flag, the markdown and csv shapes, and the values the
engine's tables hold."""

import csv
import io
import re
import subprocess
import sys

import pytest
import timemory
from conftest import clean_environment
from timemory.avail.__main__ import main
from timemory.libs import libpytimemory as ext

TABLE = sorted(ext.component_table(), key=lambda row: row["id"])


def avail(capsys, *args):
    assert main(list(args)) == 0
    return capsys.readouterr().out


def text_rows(text):
    """The cells of a bordered text table's body rows."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_components_default(capsys):
    out = avail(capsys)
    assert out == avail(capsys, "-C")
    rows = text_rows(out)
    assert rows[0] == ["COMPONENT", "AVAILABLE"]
    assert [row[0] for row in rows[1:]] == [row["name"] for row in TABLE]
    found = dict(rows[1:])
    assert found["wall_clock"] == "true" and found["cpu_roofline_flops"] == "false"
    assert {name for name, flag in found.items() if flag == "true"} == {
        row["name"] for row in TABLE if row["available"]
    }
    lines = out.splitlines()
    assert lines[0] == lines[2] == lines[-1] and set(lines[0]) == {"|", "-"}
    assert len({len(line) for line in lines}) == 1  # aligned


def test_component_columns(capsys):
    rows = text_rows(avail(capsys, "-C", "-b", "-v", "-e", "-l", "-s", "-f", "-d"))
    assert rows[0] == ["COMPONENT", "VALUE_TYPE", "ENUMERATION", "PYTHON CLASS", "STRING_IDS",
                       "FILENAME", "DESCRIPTION"]  # fmt: skip
    by_name = {row[0]: row for row in rows[1:]}
    wall = by_name["wall_clock"]
    assert wall[1:6] == ["int64", "WALL_CLOCK", "timemory.component.WallClock",
                         '"wall_clock"  "real_clock"  "virtual_clock"', "wall"]  # fmt: skip
    assert wall[6] == "Real-clock timer (i.e. wall-clock timer)"
    assert by_name["read_bytes"][1] == "int64[2]" and by_name["caliper"][1] == "void"
    roof = {row["name"]: row for row in TABLE}["cpu_roofline_flops"]
    assert by_name["cpu_roofline_flops"][6] == f"{roof['description']} (not available: {roof['reason']})"


def test_markdown_shape(capsys):
    out = avail(capsys, "-C", "-M", "-s", "-d")
    lines = out.strip().splitlines()
    assert lines[0] == "| COMPONENT | AVAILABLE | STRING_IDS | DESCRIPTION |"
    assert lines[1] == "| --- | :---: | --- | --- |"
    assert len(lines) == 2 + len(TABLE)
    for line in lines:
        assert line.startswith("| ") and line.endswith(" |")
        assert len(re.findall(r"(?<!\\)\|", line)) == 5
    assert lines[2 + [r["name"] for r in TABLE].index("wall_clock")].startswith(
        '| `wall_clock` | true | `"wall_clock"`  `"real_clock"`  `"virtual_clock"` | '
    )


def test_csv_components_and_settings_values(capsys, monkeypatch):
    rows = list(csv.reader(io.StringIO(avail(capsys, "--csv", "-d"))))
    assert rows[0] == ["COMPONENT", "AVAILABLE", "DESCRIPTION"]
    assert [row[0] for row in rows[1:]] == [row["name"] for row in TABLE]
    assert all(len(row) == 3 for row in rows)
    timemory.settings.precision = 9
    try:
        rows = list(csv.reader(io.StringIO(avail(capsys, "-S", "-v", "-l", "--csv"))))
    finally:
        timemory.settings.precision = -1
    assert rows[0] == ["ENVIRONMENT VARIABLE", "VALUE", "DATA TYPE", "PYTHON ACCESSOR",
                       "COMMAND LINE"]  # fmt: skip
    names = ext.settings_names()
    assert len(rows) == 1 + len(names)
    for name, row in zip(names, rows[1:]):
        info = ext.settings_info(name)
        value = getattr(timemory.settings, name) if name != "precision" else 9
        shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
        assert row == [info["env"], shown, info["type_name"], f"timemory.settings.{name}",
                       " ".join(info["cli_flags"])], name  # fmt: skip


def test_settings_value_of_the_environment(tmp_path):
    env = clean_environment({"TIMEMORY_PRECISION": "7", "TIMEMORY_MEMORY_UNITS": "KiB"})
    result = subprocess.run(
        [sys.executable, "-m", "timemory.avail", "-S", "-r", "PRECISION|MEMORY_UNITS", "--csv"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    values = dict(list(csv.reader(io.StringIO(result.stdout)))[1:])
    assert values["TIMEMORY_PRECISION"] == "7"
    assert values["TIMEMORY_MEMORY_UNITS"] == "KiB"
    assert values["TIMEMORY_TIMING_PRECISION"] == "-1"


def test_settings_brief_and_description(capsys):
    rows = text_rows(avail(capsys, "-S", "-b"))
    assert rows[0] == ["ENVIRONMENT VARIABLE"]
    rows = text_rows(avail(capsys, "-S", "-b", "-v", "-d", "TIMEMORY_ENABLED$"))
    assert rows == [["ENVIRONMENT VARIABLE", "VALUE", "DATA TYPE", "DESCRIPTION"],
                    ["TIMEMORY_ENABLED", "true", "bool", "Activation state of timemory"]]  # fmt: skip


def test_hardware_counters_listed(capsys):
    """-H: every event the engine knows, tested here: perf_event's names always (software
    events available where perf_event_open is allowed), PAPI's when libpapi is installed."""
    from timemory import hardware_counters

    rows = text_rows(avail(capsys, "-H"))
    assert rows[0] == ["HARDWARE COUNTER", "AVAILABLE", "BACKEND", "UNITS", "SUMMARY"]
    known = {row["name"]: row for row in ext.hwcounters_list()}
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) - 1 == len(ext.hwcounters_list())
    task = by_name["task-clock"]
    assert task[2:4] == ["perf_event", "ns"]
    assert task[1] == ("true" if known["task-clock"]["available"] else "false")
    assert by_name["cycles"][1] == ("true" if known["cycles"]["available"] else "false")
    assert "Page faults" in by_name["page-faults"][4]
    # markdown and csv: the same rows
    md = avail(capsys, "-H", "-M").splitlines()
    assert md[0] == "| HARDWARE COUNTER | AVAILABLE | BACKEND | UNITS | SUMMARY |"
    assert any(line.startswith("| `task-clock` | ") for line in md)
    assert main(["-H", "--csv", "-b", "-d", "-l"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert table[0] == ["HARDWARE COUNTER", "BACKEND", "UNITS", "PYTHON", "DESCRIPTION"]
    row = next(r for r in table if r[0] == "task-clock")
    assert row[3] == "timemory.hardware_counters.preset.task_clock"
    assert hardware_counters.preset.task_clock.symbol() == "task-clock"
    # -r filters any cell: the available ones
    rows = text_rows(avail(capsys, "-H", "-r", "true"))[1:]
    assert sorted(r[0] for r in rows) == sorted(n for n, r in known.items() if r["available"])


def test_filters_sort_width_and_all(capsys):
    names = [row[0] for row in text_rows(avail(capsys, "-b", "wall"))[1:]]
    assert names == ["wall_clock"]  # the positional regex: names only
    rows = text_rows(avail(capsys, "-r", "true"))[1:]
    assert rows and all(row[1] == "true" for row in rows)  # -r: any cell
    assert len(rows) == sum(row["available"] for row in TABLE)
    names = [row[0] for row in text_rows(avail(capsys, "-A", "-b"))[1:]]
    assert names == sorted(names)
    rows = text_rows(avail(capsys, "-d", "-w", "24"))
    assert max(len(cell) for row in rows[1:] for cell in row) == 24
    assert any(row[2].endswith("...") for row in rows[1:])
    lines = avail(capsys, "-d", "-c", "80").splitlines()
    assert max(len(line) for line in lines) <= 80
    out = avail(capsys, "-a")
    assert re.search(r"^\| +COMPONENT +\|", out, re.M)
    assert re.search(r"^\| +ENVIRONMENT VARIABLE +\|", out, re.M)
    assert re.search(r"^\| +HARDWARE COUNTER +\| +AVAILABLE +\|", out, re.M)


def test_bad_regex_and_output_file(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["-r", "("])
    assert exit_info.value.code == 2
    assert "bad regular expression" in capsys.readouterr().err
    target = tmp_path / "components.md"
    assert main(["-M", "-O", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text().startswith("| COMPONENT | AVAILABLE |\n| --- | :---: |\n")

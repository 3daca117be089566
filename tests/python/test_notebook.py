"""The IPython magics (timemory.notebook): %load_ext timemory, %timemory and %%timemory run
through IPython's InteractiveShell -- exact call counts, the value returned, flags, errors,
the HTML (a table and the flame graph) and the text shown outside a notebook.

SKIPPED WHEN IPython IS NOT INSTALLED (the ``test`` extra installs it); the option parsing
and the loader's message without IPython are tested regardless."""

import os
import re
import sys

import pytest
import timemory
from timemory.libs import libpytimemory as lib
from timemory.notebook import _options, _report

FIB = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"


def fib_calls(n):
    return 1 if n < 2 else 1 + fib_calls(n - 1) + fib_calls(n - 2)


@pytest.fixture
def shell(clean_data, restore_settings, tmp_path, monkeypatch):
    """An InteractiveShell with the extension loaded, FIB defined, the current folder a
    temporary one and every display captured in shell.displayed (mime bundles)."""
    pytest.importorskip("IPython", reason="IPython is not installed (pip install ipython)")
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Capture(DisplayPublisher):
        def publish(self, data, metadata=None, *args, **kwargs):
            displayed.append(data)

    displayed = []
    monkeypatch.chdir(tmp_path)
    ip = InteractiveShell.instance()
    saved = ip.display_pub
    ip.display_pub = Capture(shell=ip)
    ip.displayed = displayed
    ip.run_line_magic("load_ext", "timemory")
    ip.run_cell(FIB)
    try:
        yield ip
    finally:
        ip.run_line_magic("unload_ext", "timemory")
        ip.display_pub = saved
        ip.user_ns.pop("fib", None)


def last_report(ip):
    return ip.magics_manager.registry["TimemoryMagics"].last_report


def fib_rows(report, component="wall_clock"):
    rows = _report._walk(report.components[component].rows)
    return [row for row in rows if row.label.startswith("fib/")]


def run(ip, code):
    """Run a cell as a session does (its number counted); result.label is its root entry."""
    result = ip.run_cell(code, store_history=True)
    if result.error_before_exec is not None:
        raise result.error_before_exec
    result.label = f"In[{result.execution_count}]"
    return result


# ---- the line magic ------------------------------------------------------------------------


def test_line_magic_returns_the_value_with_exact_call_counts(shell):
    configured = timemory.settings.profiler_components
    result = run(shell, "%timemory fib(12)")
    assert result.error_in_exec is None
    assert result.result == 144
    report = last_report(shell)
    assert list(report.components) == ["wall_clock"]
    # the cell is the first top-level entry (IPython's history thread may add its own after it)
    top = report.components["wall_clock"].rows
    assert (top[0].label, top[0].count, top[0].depth) == (result.label, 1, 0)
    assert all(row.label != result.label for row in report.components["wall_clock"].outside())
    rows = fib_rows(report)
    assert sum(row.count for row in rows) == fib_calls(12) == 465
    assert [row.count for row in rows[:4]] == [1, 2, 4, 8]  # one row per depth
    assert [row.depth for row in rows[:4]] == [1, 2, 3, 4]
    assert top[0].percent == pytest.approx(100.0)
    assert 0 < rows[0].percent <= 100.0
    # measured alone: nothing left in the engine, nothing written again at exit
    assert lib.components_with_data() == 0
    assert timemory.settings.profiler_components == configured


def test_outputs_go_to_the_cell_folder_and_the_text_is_the_engines(shell, tmp_path):
    number = shell.displayhook.prompt_count  # the cell's In[N]
    shell.run_line_magic("timemory", "fib(5)")
    shell.run_line_magic("timemory", "fib(6)")  # the same cell again: a folder of its own
    first = tmp_path / "timemory-notebook-output" / f"In-{number}"
    second = tmp_path / "timemory-notebook-output" / f"In-{number}-2"
    for folder in (first, second):
        assert {"wall.txt", "wall.tree.json", "wall.flamegraph.svg"} <= set(os.listdir(folder))
    report = last_report(shell)
    where = f"timemory-notebook-output/In-{number}-2"
    assert report.folder == where
    assert f"{where}/wall.flamegraph.svg" in report.files
    assert f"Outputting '{where}/wall.txt'" in report.text
    # the table the engine printed: fib(6) has 25 calls, 1 + 2 + 4 + 8 + 8 + 2 per depth
    counts = [int(c) for c in re.findall(r"\|_?fib/\S+\s+\|\s+(\d+) \|", report.text)]
    assert counts == [1, 2, 4, 8, 8, 2] and sum(counts) == fib_calls(6)
    # outside a notebook the text is what shows
    plain = shell.displayed[-1]["text/plain"]
    assert plain == str(report) and "REAL-CLOCK TIMER" in plain


def test_flags_change_components_and_are_restored(shell):
    result = run(shell, "%timemory -c cpu_clock peak_rss fib(7)")
    assert result.result == 13
    report = last_report(shell)
    assert sorted(report.components) == ["cpu_clock", "peak_rss"]
    assert sum(row.count for row in fib_rows(report, "cpu_clock")) == fib_calls(7)
    assert "cpu.flamegraph.svg" in " ".join(report.files)
    assert not any(path.endswith("peak_rss.flamegraph.svg") for path in report.files)
    run(shell, "%timemory -c wall_clock,cpu_clock -- fib(3)")
    assert sorted(last_report(shell).components) == ["cpu_clock", "wall_clock"]
    timemory.settings.profiler_components = ""
    run(shell, "%timemory fib(3)")  # the default again: -c chose exactly, for one run
    assert list(last_report(shell).components) == ["wall_clock"]
    assert timemory.settings.profiler_components == ""


def test_flat_max_depth_sort_and_trace_c(shell):
    from timemory.profiler import Config

    trace_c = Config.trace_c
    run(shell, "%%timemory --flat\nx = fib(10)\n")
    rows = fib_rows(last_report(shell))
    assert [(row.depth, row.count) for row in rows] == [(0, fib_calls(10))]
    run(shell, "%timemory --max-depth 3 -s count --trace-c off fib(10)")
    rows = fib_rows(last_report(shell))
    assert [(row.depth, row.count) for row in rows] == [(1, 1), (2, 2), (3, 4)]
    assert Config.max_stack_depth == 65535 and Config.trace_c == trace_c
    assert timemory.settings.sort_key == "none"


def test_timeline_writes_its_file_and_is_turned_off_again(shell, tmp_path):
    run(shell, "%timemory --timeline -o tl fib(4)")
    assert (tmp_path / "tl" / "timeline.json").is_file()
    assert timemory.settings.timeline is False


# ---- the cell magic ------------------------------------------------------------------------


def test_cell_magic_runs_in_the_user_namespace_and_shows_html(shell):
    result = run(shell, "%%timemory\ny = fib(10)\ny + 1")
    assert result.result == 56
    assert shell.user_ns["y"] == 55
    html = shell.displayed[-1]["text/html"]
    assert html.count("<table>") == 1 and "</table>" in html
    assert "<th>Calls</th>" in html and "<th>% of total</th>" in html
    assert "<svg" in html and "</svg>" in html
    # the picture cannot reach the page: no script, its ids and style rules scoped
    assert "<script" not in html and "<?xml" not in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    uid = re.search(r'<svg id="([^"]+)"', svg).group(1)
    assert all(found.startswith(uid) for found in re.findall(r'\bid="([^"]+)"', svg))
    style = re.search(r"<style>(.*?)</style>", svg, re.S).group(1)
    assert all(rule.startswith(f"#{uid} ") for rule in style.split("}") if rule)
    # each fib call path is a row with its count, the root is the cell
    cells = re.findall(r'<td class="entry" title="([^"]*)">[^<]*</td><td>(\d+)</td>', html)
    assert cells[0] == (result.label, "1")
    assert sum(int(count) for label, count in cells if label.startswith("fib/")) == 177


def test_html_rows_are_pruned_past_the_row_limit(shell):
    timemory.settings.cout_max_rows = 5
    run(shell, "%%timemory\nfib(15)\n")
    report = last_report(shell)
    shown, hidden = _report.shown_rows(report.components["wall_clock"].rows, 5, 1.0)
    assert (
        len(shown) == 5
        and hidden == len(list(_report._walk(report.components["wall_clock"].rows))) - 5
    )
    assert f"{hidden} more entries" in shell.displayed[-1]["text/html"]


def test_errors_propagate_after_the_report(shell):
    from timemory.profiler import Config

    result = shell.run_cell("%timemory 1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    cell = "%%timemory\ndef bad():\n    fib(4)\n    raise ValueError('bad cell')\nbad()\n"
    result = shell.run_cell(cell)
    assert isinstance(result.error_in_exec, ValueError)
    assert str(result.error_in_exec) == "bad cell"
    report = last_report(shell)
    labels = [row.label for row in _report._walk(report.components["wall_clock"].rows)]
    assert any(label.startswith("bad/") for label in labels)
    assert sum(row.count for row in fib_rows(report)) == fib_calls(4)
    assert "text/html" in shell.displayed[-1]  # shown before the error
    assert not Config._is_running and lib.components_with_data() == 0
    with pytest.raises(ZeroDivisionError):
        shell.run_line_magic("timemory", "1 // 0")


def test_usage_errors(shell):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="unknown option '--bogus'"):
        shell.run_line_magic("timemory", "--bogus fib(3)")
    with pytest.raises(UsageError, match="nothing to profile"):
        shell.run_line_magic("timemory", "-c wall_clock")
    with pytest.raises(UsageError, match="unknown component 'wal_clock'; did you mean: wall_clock"):
        shell.run_line_magic("timemory", "-c wal_clock fib(3)")
    with pytest.raises(UsageError, match="expected at least one argument"):
        shell.run_line_magic("timemory", "-c fib(3)")
    with pytest.raises(UsageError, match="did you mean: wall_clock"):
        shell.run_cell_magic("timemory", "-c wall_clock,wal_clock", "fib(3)")
    with pytest.raises(UsageError, match="options only"):
        shell.run_cell_magic("timemory", "fib(3)", "fib(3)")
    assert lib.components_with_data() == 0


def test_data_recorded_before_is_kept(shell):
    with timemory.util.marker(["wall_clock"], key="earlier"):
        pass
    result = run(shell, "%timemory fib(3)")
    report = last_report(shell)
    assert report.note and "kept" in report.note
    assert lib.components_with_data() != 0  # the marker's data is still there
    labels = [row.label for row in report.components["wall_clock"].rows]
    assert "earlier" in labels and result.label in labels


def test_help(shell, capsys):
    assert shell.run_line_magic("timemory", "-h") is None
    out = capsys.readouterr().out
    for flag in ("--components", "--trace-c", "--output", "--max-depth", "--flat", "--timeline"):
        assert flag in out


# ---- without IPython -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, words, statement",
    [
        ("fib(3)", [], "fib(3)"),
        ("-c wall_clock cpu_clock fib(20)", ["-c", "wall_clock", "cpu_clock"], "fib(20)"),
        ("-c wall_clock -- cpu_clock", ["-c", "wall_clock"], "cpu_clock"),
        ("-cwall_clock,cpu_clock x = 1", ["-cwall_clock,cpu_clock"], "x = 1"),
        ('-o "my folder" --flat f("a b")', ["-o", "my folder", "--flat"], 'f("a b")'),
        ("--trace-c off --max-depth=4 -1 + x", ["--trace-c", "off", "--max-depth=4"], "-1 + x"),
        ("--trace-c f(1)", ["--trace-c"], "f(1)"),
    ],
)
def test_where_options_end(line, words, statement):
    assert _options.split_line(line) == (words, statement)


def test_parsed_options():
    args, statement = _options.parse("-c wall_clock,cpu_clock peak_rss --flat g()")
    assert args.components == ["wall_clock", "cpu_clock", "peak_rss"]
    assert args.flat is True and args.trace_c is None and statement == "g()"
    with pytest.raises(_options.OptionError, match="not allowed with"):
        _options.parse("--flat --tree g()")
    args, statement = _options.parse("-c wall_clock peak_rss -o out", cell=True)
    assert args.components == ["wall_clock", "peak_rss"] and args.output == "out"


def test_loading_without_ipython_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", None)
    for name in [name for name in sys.modules if name.startswith("IPython.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "timemory.notebook._magics", raising=False)
    with pytest.raises(ImportError, match=r"need IPython: pip install ipython"):
        timemory.load_ipython_extension(object())

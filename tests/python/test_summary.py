"""The summary on stdout after a run (src/output_summary.c): a program with thousands of
distinct functions, profiled on several threads, prints a view that fits 80 columns (or
$COLUMNS) in a few dozen lines, while the text file keeps every row; TIMEMORY_COUT_MODE=full
prints the whole table, a small table is printed whole as the seeds show it, and
cout_output=False prints neither."""

import re

N = 3000

PROGRAM = f"""
import threading
import timemory
from timemory.profiler import Profiler

N = {N}
source = "".join(
    f"def function_number_{{i:04d}}_with_a_rather_long_descriptive_name(n):\\n"
    f"    return sum(range(n))\\n"
    for i in range(N)
)
namespace = {{}}
exec(compile(source, "generated_module_with_a_long_file_name.py", "exec"), namespace)
funcs = [namespace[f"function_number_{{i:04d}}_with_a_rather_long_descriptive_name"]
         for i in range(N)]


def work(part):
    for f in funcs[part::4]:
        f(200)


@Profiler(["wall_clock"])
def main():
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


main()
timemory.finalize()
"""


def _run(run_python, tmp_path, env=None):
    result = run_python(PROGRAM, env={"TIMEMORY_OUTPUT_PATH": "out", **(env or {})})
    assert result.returncode == 0, result.stderr
    table = (tmp_path / "out" / "wall.txt").read_text()
    return result.stdout, table


def _summary(stdout):
    """The stdout after the Outputting lines."""
    lines = stdout.splitlines()
    while lines and lines[0].startswith("[wall]|0> Outputting"):
        lines.pop(0)
    return lines


def test_summary_fits_80_columns_and_the_file_keeps_every_row(run_python, tmp_path):
    stdout, table = _run(run_python, tmp_path, env={"COLUMNS": ""})
    lines = _summary(stdout)
    assert max(len(line) for line in stdout.splitlines()) <= 80
    assert len(lines) <= 45, stdout
    assert re.match(r"\[wall\] summary of \d+ entries \(5 threads, merged\): total ", lines[1])
    assert lines[3].startswith("Top 5 by self time")
    assert any(line.startswith("Call tree (inclusive time; entries below 1%") for line in lines)
    assert any(re.search(r"\(\d+ more below 1%\)$", line) for line in lines)
    assert "Full table (" in stdout and "out/wall.txt" in stdout
    assert "Files in out/: wall.flamegraph.json wall.flamegraph.svg wall.json" in stdout
    # labels are cut in the middle, never wrapped: function name first, file and line last
    assert re.search(r"  function_number_\d{4}_wit.*\.\.\..*_file_name\.py:\d+ ", stdout)
    # the file has every function, whole
    for i in range(0, N, 97):
        name = f"function_number_{i:04d}_with_a_rather_long_descriptive_name"
        assert f"|_{name}/generated_module_with_a_long_file_name.py:" in table
    rows = [line for line in table.splitlines() if line.startswith("| >>> ")]
    assert len(rows) > N


def test_summary_follows_columns(run_python, tmp_path):
    stdout, _ = _run(run_python, tmp_path, env={"COLUMNS": "120"})
    widths = [len(line) for line in _summary(stdout)]
    assert max(widths) == 120  # the long labels use the room, cut at the width
    stdout, _ = _run(run_python, tmp_path, env={"COLUMNS": "60"})
    assert max(len(line) for line in _summary(stdout)) <= 60


def test_full_table_on_request(run_python, tmp_path):
    stdout, table = _run(run_python, tmp_path, env={"TIMEMORY_COUT_MODE": "full"})
    assert table in stdout
    assert len(stdout.splitlines()) > N


def test_small_table_printed_whole_and_cout_output_off(run_python, tmp_path):
    program = """
import timemory
from timemory.profiler import Profiler

def leaf():
    return sum(range(1000))

@Profiler(["wall_clock"])
def top():
    for _ in range(3):
        leaf()

top()
timemory.finalize()
"""
    result = run_python(program, env={"TIMEMORY_OUTPUT_PATH": "out"}, check=True)
    table = (tmp_path / "out" / "wall.txt").read_text()
    assert f"\n{table}\n" in result.stdout
    assert "summary of" not in result.stdout
    result = run_python(
        program,
        env={"TIMEMORY_OUTPUT_PATH": "out", "TIMEMORY_COUT_OUTPUT": "OFF",
             "TIMEMORY_COUT_MODE": "summary"},
        check=True,
    )
    assert "REAL-CLOCK" not in result.stdout and "summary of" not in result.stdout


def test_settings_in_python():
    import timemory

    settings = timemory.settings
    assert settings.info("cout_mode")["choices"] == ["auto", "summary", "full"]
    before = settings.summary_threshold
    try:
        settings.summary_threshold = 2.5
        assert settings.summary_threshold == 2.5
        try:
            settings.summary_threshold = 120.0
        except ValueError as error:
            assert "must be a number in [0, 100]" in str(error)
        else:
            raise AssertionError("no ValueError")
        assert settings.summary_threshold == 2.5
    finally:
        settings.summary_threshold = before

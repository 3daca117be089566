"""timem (timemory.timem): real commands in subprocesses -- a program of known sleep and
allocation whose grandchild allocates more than the child, exit codes and signals passed
through, the JSON that timemory.plotting reads, and the figures beside /usr/bin/time -v."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import clean_environment

MiB = 1 << 20
TIMEM = [sys.executable, "-m", "timemory.timem"]

# the command: touches CHILD MiB, starts a grandchild that touches GRANDCHILD MiB, and both
# hold their memory while the grandchild sleeps HOLD seconds; exits with the given status
TREE_PROGRAM = r"""
import subprocess, sys, time

MiB = 1 << 20
role, size, hold, status = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
data = bytearray(b"\x01") * (size * MiB)  # written, so resident
if role == "grandchild":
    print("ready", flush=True)
    time.sleep(hold)
    sys.exit(0)
grandchild = subprocess.Popen(
    [sys.executable, __file__, "grandchild", sys.argv[5], str(hold), "0"], stdout=subprocess.PIPE
)
grandchild.stdout.readline()
grandchild.wait()
sys.exit(status)
"""
CHILD, GRANDCHILD, HOLD = 120, 200, 0.3


def timem(*args, env=None, cwd=None, timeout=60):
    return subprocess.run(
        [*TIMEM, *map(str, args)],
        capture_output=True,
        text=True,
        env=clean_environment(env),
        cwd=cwd,
        timeout=timeout,
    )


def figures(path):
    document = json.loads(Path(path).read_text())
    return document["timemory"], document["timemory"]["timem"][0]


def tree_program(tmp_path):
    path = tmp_path / "tree.py"
    path.write_text(TREE_PROGRAM)
    return path


def test_tree_peak_wall_and_exit_code(tmp_path):
    out = tmp_path / "tree.json"
    program = tree_program(tmp_path)
    result = timem("-o", out, "--", sys.executable, program, "child", CHILD, HOLD, 3, GRANDCHILD)
    assert result.returncode == 3, result.stderr
    section, values = figures(out)
    assert section["exit_status"] == 3 and section["signal"] is None
    assert section["command"] == [sys.executable, str(program), "child", "120", "0.3", "3", "200"]
    assert HOLD <= values["wall_clock"]["repr"] < HOLD + 10  # two interpreters start: load
    assert values["wall_clock"]["unit_repr"] == "sec"
    # the kernel's peak is one process's: the grandchild's 200 MiB and its interpreter
    kernel = values["peak_rss"]["value"]
    assert GRANDCHILD * MiB < kernel < (GRANDCHILD + 40) * MiB
    # the sampled tree held both at once: 320 MiB and two interpreters
    tree = values["tree_peak_rss"]["value"]
    assert (CHILD + GRANDCHILD) * MiB < tree < (CHILD + GRANDCHILD + 80) * MiB
    assert tree - kernel > (CHILD - 20) * MiB
    assert section["sampling"]["peak_processes"] == 2
    assert section["sampling"]["processes"] == 2
    assert values["num_minor_page_faults"]["value"] > (CHILD + GRANDCHILD) * MiB // 4096
    # the report: value unit label lines, the tree beside the kernel's peak, the status
    text = result.stderr
    assert f"[{sys.executable}]> Measurement totals:" in text
    assert re.search(r"^ +\d+\.\d{6} MB peak_rss$", text, re.M), text
    assert re.search(r"^ +\d+\.\d{6} MB tree_peak_rss \(2 processes\)$", text, re.M), text
    assert text.index(" peak_rss\n") < text.index(" tree_peak_rss ")
    assert "exited with non-zero status 3" in text
    for label in ("sec wall", "sec user", "sec sys", "sec cpu", "% cpu_util", "MB page_rss",
                  "MB virtual_memory", " major_page_flts", " minor_page_flts", " prio_cxt_swch",
                  " vol_cxt_swch", "MB read_bytes", "MB/sec read_rate", "MB written_bytes",
                  "MB/sec written_rate"):  # fmt: skip
        assert label in text, label


def test_known_sleep(tmp_path):
    out = tmp_path / "sleep.json"
    result = timem("-q", "-o", out, "sleep", "0.3")
    assert result.returncode == 0 and result.stderr == ""
    section, values = figures(out)
    assert 0.3 <= values["wall_clock"]["repr"] < 1.0  # exact: beside /usr/bin/time below
    assert values["cpu_util"]["repr"] < 20
    assert values["cpu_clock"]["value"] == values["user_clock"]["value"] + values["sys_clock"]["value"]
    # sleep, not the Python interpreter that started timem: a few MB
    assert values["peak_rss"]["value"] < 8 * MiB
    assert section["sampling"]["samples"] >= 10
    assert section["io_source"] == "/proc/<pid>/io"


def test_signal_ends_the_command(tmp_path):
    out = tmp_path / "killed.json"
    result = timem("-o", out, "sh", "-c", "kill -TERM $$")
    assert result.returncode == 128 + signal.SIGTERM
    assert "[sh]> terminated by signal 15 (SIGTERM)" in result.stderr
    assert "MB peak_rss" in result.stderr  # the report comes first
    section, _ = figures(out)
    assert section["signal"] == signal.SIGTERM and section["exit_status"] is None
    assert section["returncode"] == 143
    assert timem("-q", "sh", "-c", "kill -KILL $$").returncode == 137


def _parents():
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        parents[int(name)] = int(text[text.rfind(")") + 2 :].split()[1])
    return parents


def wait_for_command(process, name="sleep", timeout=20):
    """Waits until timem (process) runs the command: its launcher's child has exec'd it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        parents = _parents()
        for pid, parent in parents.items():
            if parents.get(parent) == process.pid:
                try:
                    if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                        return pid
                except OSError:
                    pass
        time.sleep(0.02)
    raise AssertionError("timem did not start its command")


def test_term_to_timem_is_passed_on():
    process = subprocess.Popen(
        [*TIMEM, "sleep", "30"], stderr=subprocess.PIPE, text=True, env=clean_environment()
    )
    wait_for_command(process)
    time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 143
    assert "[sleep]> terminated by signal 15 (SIGTERM)" in stderr
    wall = float(re.search(r"(\d+\.\d+) sec wall", stderr).group(1))
    assert 0.1 < wall < 10


def test_interrupt_from_the_terminal_reaches_the_command_only():
    # Ctrl-C: SIGINT to the whole foreground process group; timem outlives it and reports
    process = subprocess.Popen(
        [*TIMEM, "sleep", "30"],
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environment(),
        start_new_session=True,
    )
    wait_for_command(process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 128 + signal.SIGINT
    assert "terminated by signal 2 (SIGINT)" in stderr and "sec wall" in stderr


def test_orphans_are_adopted_and_counted(tmp_path):
    out = tmp_path / "orphans.json"
    # the subshell exits at once: its background sleep is orphaned and ends within the command
    result = timem("-q", "-o", out, "sh", "-c", "(sleep 0.1 &); sleep 0.4")
    assert result.returncode == 0
    section, _ = figures(out)
    assert section["orphans"] == 1
    assert section["sampling"]["processes"] >= 3


def test_ignored_sigchld_is_not_inherited_by_the_launcher(tmp_path):
    # a parent that ignores SIGCHLD passes that on through exec: children would vanish
    # before wait4 could read their usage
    out = tmp_path / "sigchld.json"
    code = (
        "import signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
        "from timemory.timem.__main__ import main; "
        f"sys.exit(main(['-q', '-o', {str(out)!r}, 'sh', '-c', 'sleep 0.1; exit 4']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=clean_environment())  # fmt: skip
    assert result.returncode == 4, result.stderr
    section, values = figures(out)
    assert section["exit_status"] == 4 and values["wall_clock"]["repr"] >= 0.1


def test_launch_errors(tmp_path):
    result = timem("no-such-command-for-timem")
    assert result.returncode == 127
    assert "timem: no-such-command-for-timem: command not found" in result.stderr
    script = tmp_path / "not-executable.sh"
    script.write_text("echo hi\n")
    result = timem(script)
    assert result.returncode == 126 and "Permission denied" in result.stderr
    result = timem("-q")
    assert result.returncode == 2 and "no command to run" in result.stderr


def test_hardware_counters_are_not_faked():
    """-e: perf_event counts the command from its exec on; an event this machine lacks is
    reported as not available, never with a value; an unknown name is an error."""
    from timemory.libs import libpytimemory as ext

    known = {
        r["name"]: r["available"] for r in ext.hwcounters_list() if r["backend"] == "perf_event"
    }
    result = timem("-q", "-o", "-", "-e", "task-clock,page-faults", "cycles", "--",
                   sys.executable, "-c", "bytearray(50_000_000); sum(range(10**6))")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)["timemory"]
    entries = document["timem"][0]
    for name in ("task-clock", "page-faults", "cycles"):
        if known[name]:
            assert entries[name]["value"] > 0 and entries[name]["label"] == name
        else:
            assert name not in entries
            assert name in document["hardware_counters_unavailable"]
    if known["task-clock"]:
        assert entries["task-clock"]["unit_repr"] == "ns"
        # the command's CPU time, as the kernel's rusage has it (within 30% + 20 ms)
        cpu_ns = entries["cpu_clock"]["value"]
        assert abs(entries["task-clock"]["value"] - cpu_ns) <= 0.3 * cpu_ns + 2e7
    if known["page-faults"]:
        assert entries["page-faults"]["value"] >= 50_000_000 // 4096 // 2
    text = timem("-e", "cycles", "--", "true").stderr
    if not known["cycles"]:
        assert "hardware counter 'cycles' is not available: No such file or directory" in text
        assert not re.search(r"^ *\d+ cycles$", text, re.M)
    result = timem("-e", "no-such-counter", "--", "true")
    assert result.returncode == 2
    assert "'no-such-counter' is unknown to perf_event" in result.stderr
    assert "task-clock" not in timem("true").stderr


def test_shell_json_and_stdout(tmp_path):
    result = timem("-s", "--", "exit 5", env={"SHELL": "/bin/sh"})
    assert result.returncode == 5
    assert "[/bin/sh]> Measurement totals:" in result.stderr
    result = timem("--json", "--", "echo", "hello")
    assert result.stdout == "hello\n"  # the command keeps stdout
    document = json.loads(result.stderr)
    assert document["timemory"]["command"] == ["echo", "hello"]
    result = timem("-q", "-o", "-", "--", "true")
    assert json.loads(result.stdout)["timemory"]["returncode"] == 0


def test_io_bytes(tmp_path):
    out = tmp_path / "io.json"
    target = tmp_path / "written.bin"
    command = f"head -c 3000000 /dev/zero > {target}; cat {target} > /dev/null"
    assert timem("-q", "-o", out, "sh", "-c", command).returncode == 0
    _, values = figures(out)
    assert values["written_char"]["value"][0] >= 3_000_000
    assert values["read_char"]["value"][0] >= 6_000_000  # head read /dev/zero, cat the file
    assert values["read_char"]["unit_repr"] == ["MB", "MB/sec"]
    rate = values["read_char"]["value"][1]
    seconds = values["wall_clock"]["value"] / 1e9
    assert rate == pytest.approx(values["read_char"]["value"][0] / seconds, rel=1e-6)


def test_units_follow_the_settings(tmp_path):
    result = timem("sleep", "0.1", env={"TIMEMORY_TIMING_UNITS": "msec", "TIMEMORY_MEMORY_UNITS": "KiB"})
    assert re.search(r"^ +\d{3}\.\d{6} msec wall$", result.stderr, re.M), result.stderr
    assert re.search(r"^ +\d+\.\d{6} kib peak_rss$", result.stderr, re.M), result.stderr


def test_json_is_read_by_plotting(tmp_path):
    from timemory import plotting

    out = tmp_path / "run.json"
    program = tree_program(tmp_path)
    assert timem("-q", "-o", out, "--", sys.executable, program, "child", 8, 0.1, 0, 16).returncode == 0
    _, values = figures(out)
    charts = {chart.label: chart for chart in plotting.read(out)}
    assert list(charts) == [
        "time", "cpu_util", "memory", "page_faults", "context_switches", "io", "io_rate"
    ]  # fmt: skip
    memory = charts["memory"]
    assert memory.units == "MB"
    assert memory.data["peak_rss"].value == [values["peak_rss"]["repr"]]
    assert memory.data["tree_peak_rss"].value == [values["tree_peak_rss"]["repr"]]
    assert charts["time"].data["wall"].value == [values["wall_clock"]["repr"]]
    assert charts["io_rate"].data["read_rate"].value == [values["read_bytes"]["repr"][1]]
    table = subprocess.run(
        [sys.executable, "-m", "timemory.plotting", "-T", "--min-percent", "0", "-f", str(out)],
        capture_output=True,
        text=True,
    )
    assert table.returncode == 0, table.stderr
    assert re.search(r"^tree_peak_rss +1 +\d", table.stdout, re.M), table.stdout
    pytest.importorskip("matplotlib")
    images = plotting.plot(files=[out], output_dir=tmp_path / "img")
    assert sorted(Path(p).name for p in images)[0] == "run.context_switches.png"
    assert all(Path(p).stat().st_size > 1000 for p in images)


def _time_v(stderr):
    """The figures of /usr/bin/time -v."""
    fields = {}
    for line in stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    minutes, _, seconds = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].rpartition(":")
    return {
        "elapsed": float(seconds) + 60 * float(minutes.split(":")[-1] or 0),
        "maxrss": int(fields["Maximum resident set size (kbytes)"]) * 1024,
        "major": int(fields["Major (requiring I/O) page faults"]),
        "minor": int(fields["Minor (reclaiming a frame) page faults"]),
        "voluntary": int(fields["Voluntary context switches"]),
        "involuntary": int(fields["Involuntary context switches"]),
        "status": int(fields["Exit status"]),
    }


needs_time = pytest.mark.skipif(
    not os.access("/usr/bin/time", os.X_OK),
    reason="/usr/bin/time is not installed (scripts/install-deps.sh installs it)",
)


@needs_time
def test_beside_usr_bin_time(tmp_path):
    # the same run measured by both: timem runs /usr/bin/time -v, which runs the program (and
    # writes its report to a file at once: line by line to a pipe, its own writes would add
    # context switches that timem counts, time's being part of what timem measures)
    out, report = tmp_path / "both.json", tmp_path / "time.txt"
    program = "import time; data = bytearray(b'1') * (150 << 20); time.sleep(0.3)"
    result = timem(
        "-q", "-o", out, "/usr/bin/time", "-v", "-o", report, sys.executable, "-c", program
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    theirs = _time_v(report.read_text())
    _, ours = figures(out)
    assert theirs["status"] == 0
    assert abs(ours["peak_rss"]["value"] - theirs["maxrss"]) <= 0.10 * theirs["maxrss"]
    assert abs(ours["wall_clock"]["repr"] - theirs["elapsed"]) < 0.05
    minor = ours["num_minor_page_faults"]["value"]
    assert theirs["minor"] / 2 <= minor <= theirs["minor"] * 2
    assert abs(ours["num_major_page_faults"]["value"] - theirs["major"]) <= 10
    for key, name in (("voluntary", "voluntary_context_switch"),
                      ("involuntary", "priority_context_switch")):  # fmt: skip
        ours_n, theirs_n = ours[name]["value"], theirs[key]
        assert abs(ours_n - theirs_n) <= max(10, theirs_n), (key, ours_n, theirs_n)


@needs_time
def test_small_command_peak_rss_is_its_own(tmp_path):
    # separate runs of a small command: its peak RSS is its own few pages, not the memory
    # of the Python interpreter that runs timem
    out = tmp_path / "small.json"
    assert timem("-q", "-o", out, "sleep", "0.1").returncode == 0
    _, ours = figures(out)
    report = tmp_path / "time.txt"
    subprocess.run(["/usr/bin/time", "-v", "-o", str(report), "sleep", "0.1"], check=True)
    maxrss = _time_v(report.read_text())["maxrss"]
    assert abs(ours["peak_rss"]["value"] - maxrss) <= max(0.10 * maxrss, 256 * 1024)


def test_help_of_the_console_scripts():
    for name in ("timem", "pytimem", "timemory-avail"):
        script = Path(sys.executable).with_name(name)
        assert script.exists(), name
        result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout.startswith(f"usage: {name} "), (name, result.stdout)
    result = subprocess.run([*TIMEM, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "-o FILE, --output FILE" in result.stdout

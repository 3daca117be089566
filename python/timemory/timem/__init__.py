"""timemory.timem -- run a command and report the resources it used, like ``time`` (console
scripts ``timem`` and ``pytimem``, ``python -m timemory.timem``).

``run(command)`` starts the command through ``timem-launch`` (tools/timem_launch.c, installed
beside this module), samples the resident and virtual memory of its whole process tree from
/proc while it runs (``ProcessTree``) and returns a ``Result``. The launcher is a small program
that forks and execs the command, because the kernel's peak RSS of a process starts from the
high-water mark of the image it exec'd from: a command started by this interpreter directly
would report the interpreter's 20+ MB as its floor. From the launcher come: the wall time
(CLOCK_MONOTONIC from its fork to the command's end); user/system time, the kernel's peak RSS
(of the largest single process), page faults and context switches (``wait4`` of the command,
which includes the descendants it waited for, plus the orphans it left, which the launcher
adopts as a child subreaper and reaps); read and written bytes (characters through read/write
calls, and bytes that reached storage) from ``/proc/<pid>/io`` of the ended command, else the
rusage block counts. The sampled peak of the tree (the sum over every live descendant) is
reported beside the kernel's peak. Hardware counters (``events``: perf_event names such as
``task-clock``, ``page-faults``, ``cycles``, or ``perf::TASK-CLOCK``) count the command and what
it starts from its exec on, through perf_event (the launcher opens them on the command before
it execs); an event this machine lacks is reported as not available, never with a value.

Values are converted and formatted by the engine's component rules (``component_get``,
``component_format_value``: the ``timing_units``/``memory_units`` settings, widths and
precisions); labels, units and descriptions come from the component table.
"""

import json as _json
import os as _os
import signal as _signal
import threading as _threading

from ..libs import libpytimemory as _lib
from ._tree import ProcessTree

__all__ = ["LAUNCHER", "LaunchError", "ProcessTree", "Result", "run"]

#: the launcher program (tools/timem_launch.c)
LAUNCHER = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "timem-launch")

# Python ignores these at start-up; a command expects their default actions (as subprocess's
# restore_signals gives them back)
_RESET_SIGNALS = tuple(
    getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ") if hasattr(_signal, name)
)
# the terminal sends these to the command too: timem outlives them to report (as time does)
_IGNORED_SIGNALS = (_signal.SIGINT, _signal.SIGQUIT)
# sent to timem: passed on to the command
_FORWARDED_SIGNALS = (_signal.SIGTERM, _signal.SIGHUP, _signal.SIGUSR1, _signal.SIGUSR2)

_TABLE = {row["name"]: row for row in _lib.component_table()}

_RUSAGE = ("utime_us", "stime_us", "maxrss_kib", "minflt", "majflt", "nvcsw", "nivcsw",
           "inblock", "oublock")  # fmt: skip
_IO = ("rchar", "wchar", "read_bytes", "write_bytes", "cancelled_write_bytes")


def _child_environment():
    """os.environ without what importing timemory added to it (the command gets the
    environment timem was given)."""
    from .. import _env_added

    env = dict(_os.environ)
    for key in _env_added:
        env.pop(key, None)
    return env


class LaunchError(OSError):
    """The command could not be started (errno: ENOENT when it is not found)."""


def _parse_report(text):
    """The launcher's lines -> dict (see tools/timem_launch.c)."""
    report = {"error": None}
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        fields = rest.split()
        if key in ("pid", "orphans"):
            report[key] = int(fields[0])
        elif key == "error":
            report["error"] = int(fields[0])
        elif key == "exit":
            report["status"], report["wall_ns"] = int(fields[0]), int(fields[1])
        elif key in ("rusage", "orphan-rusage"):
            report[key] = dict(zip(_RUSAGE, map(int, fields)))
        elif key in ("io", "orphan-io"):
            report[key] = None if fields == ["-"] else dict(zip(_IO, map(int, fields)))
        elif key == "perf":
            index = int(fields[0])
            if fields[1] == "error":
                report.setdefault("perf", {})[index] = ("error", int(fields[2]))
            else:
                count, enabled, running = map(int, fields[1:4])
                # scaled when the kernel multiplexed the counter (ran it part of the time)
                if 0 < running < enabled:
                    count = round(count * enabled / running)
                report.setdefault("perf", {})[index] = ("count", count)
    return report


class Result:
    """What ``run()`` measured. ``returncode`` is the command's exit status, or 128 + the
    signal that ended it (as shells report it); ``exit_status``/``signal`` tell them apart."""

    def __init__(self, command, report, tree=None, events=()):
        self.command = list(command)
        # hardware counters: name -> count; unavailable: name -> why
        self.counters = {}
        self.counter_errors = {}
        for index, name in enumerate(events):
            kind, value = report.get("perf", {}).get(index, ("error", 5))
            if kind == "count":
                self.counters[name] = value
            else:
                self.counter_errors[name] = _os.strerror(value)
        self.pid = report.get("pid")
        self.status = status = report["status"]
        self.wall_ns = report["wall_ns"]
        self.orphans = report.get("orphans", 0)
        self.tree = tree
        # the command (and what it waited for) plus the orphans the launcher reaped
        usage = dict(report["rusage"])
        for key, value in (report.get("orphan-rusage") or {}).items():
            usage[key] = max(usage[key], value) if key == "maxrss_kib" else usage[key] + value
        self.usage = usage
        io = report.get("io")
        if io is not None and report.get("orphan-io"):
            io = {key: value + report["orphan-io"][key] for key, value in io.items()}
        self.io = io  # None when /proc/<pid>/io could not be read
        self.signal = _os.WTERMSIG(status) if _os.WIFSIGNALED(status) else None
        self.exit_status = _os.WEXITSTATUS(status) if _os.WIFEXITED(status) else None
        self.core_dumped = bool(self.signal is not None and _os.WCOREDUMP(status))
        self.returncode = 128 + self.signal if self.signal is not None else self.exit_status

    @property
    def name(self):
        return self.command[0]

    def _io_totals(self):
        """(read_char, written_char, read_bytes, written_bytes, source)."""
        io = self.io
        if io is not None:
            written = max(io["write_bytes"] - io["cancelled_write_bytes"], 0)
            return io["rchar"], io["wchar"], io["read_bytes"], written, "/proc/<pid>/io"
        # without /proc: the blocks the kernel counted in rusage, 512 bytes each
        usage = self.usage
        return None, None, usage["inblock"] * 512, usage["oublock"] * 512, "rusage"

    def entries(self):
        """(key, component, raw values, labels or None, note) of every reported figure, in
        report order; raw values in base units (ns, bytes, counts) as component_get reads
        them."""
        usage, wall = self.usage, self.wall_ns
        user, system = usage["utime_us"] * 1000, usage["stime_us"] * 1000
        rows = [
            ("wall_clock", "wall_clock", [wall], None, ""),
            ("user_clock", "user_clock", [user], None, ""),
            ("sys_clock", "sys_clock", [system], None, ""),
            ("cpu_clock", "cpu_clock", [user + system], None, ""),
            ("cpu_util", "cpu_util", [user + system, wall], None, ""),
            ("peak_rss", "peak_rss", [usage["maxrss_kib"] * 1024], None, ""),
        ]
        tree = self.tree
        if tree is not None and tree.samples:
            note = f"({tree.peak_processes} process{'es' if tree.peak_processes != 1 else ''})"
            rows += [
                ("tree_peak_rss", "peak_rss", [tree.peak_rss], ["tree_peak_rss"], note),
                ("page_rss", "page_rss", [tree.last_rss], None, ""),
                ("virtual_memory", "virtual_memory", [tree.last_vm], None, ""),
            ]
        for name, field in (
            ("num_major_page_faults", "majflt"),
            ("num_minor_page_faults", "minflt"),
            ("priority_context_switch", "nivcsw"),
            ("voluntary_context_switch", "nvcsw"),
        ):
            rows.append((name, name, [usage[field]], None, ""))
        rchar, wchar, read_bytes, written_bytes, _ = self._io_totals()
        for key, component, value in (
            ("read_char", "read_bytes", rchar),
            ("read_bytes", "read_bytes", read_bytes),
            ("written_char", "written_bytes", wchar),
            ("written_bytes", "written_bytes", written_bytes),
        ):
            if value is not None:
                labels = [key, f"{key}_rate"] if key != component else None
                rows.append((key, component, [value, wall], labels, ""))
        return rows

    def report(self):
        """The text block timem prints: one ``value unit label`` line per figure."""
        lines = [f"[{self.name}]> Measurement totals:"]
        with _display_format():
            for _, component, raw, labels, note in self.entries():
                row = _TABLE[component]
                cid = row["id"]
                values = _lib.component_get(cid, raw)
                units = _display_units(row, len(values))
                labels = _labels(row, labels, len(values))
                for index, value in enumerate(values):
                    text = _lib.component_format_value(cid, value)
                    unit = f" {units[index]}" if units[index] else ""
                    extra = f" {note}" if note and index == 0 else ""
                    lines.append(f"{text}{unit} {labels[index]}{extra}")
        for name, value in self.counters.items():
            unit = _counter_units(name)
            lines.append(f"{value:>16}{' ' + unit if unit else ''} {name}")
        for name, why in self.counter_errors.items():
            lines.append(f"[{self.name}]> hardware counter '{name}' is not available: {why}")
        if self.signal is not None:
            name = _signal_name(self.signal)
            dumped = " (core dumped)" if self.core_dumped else ""
            lines.append(f"[{self.name}]> terminated by signal {self.signal} ({name}){dumped}")
        elif self.exit_status:
            lines.append(f"[{self.name}]> exited with non-zero status {self.exit_status}")
        return "\n".join(lines)

    def to_json(self):
        """The JSON document of ``timem -o``: the original timem's layout
        (``{"timemory": {"timem": [{<component>: {value, repr, unit_value, unit_repr, ...}}]}}``,
        one dict per process group -- here one), which ``timemory.plotting`` reads."""
        entries = {}
        for key, component, raw, labels, _ in self.entries():
            row = _TABLE[component]
            cid = row["id"]
            values = list(_lib.component_get(cid, raw))
            if len(values) != len(raw):
                # a ratio of its raw values (cpu_util: cpu / wall): the value is the percentage
                unit_values, base = [1.0], list(values)
            else:
                probe = _lib.component_get(cid, [10**9] * len(raw))
                unit_values = [1e9 / p if p else 1.0 for p in probe]
                base = [raw[0]] + [v * u for v, u in zip(values[1:], unit_values[1:])]
            units = list(_display_units(row, len(values)))
            labels = _labels(row, labels, len(values))
            one = len(values) == 1
            entries[key] = {
                "value": base[0] if one else base,
                "repr": values[0] if one else values,
                "unit_value": unit_values[0] if one else unit_values,
                "unit_repr": units[0] if one else units,
                "label": labels[0] if one else labels,
                "description": _DESCRIPTIONS.get(key, row["description"]),
                "laps": 1,
            }
        for name, value in self.counters.items():
            unit = _counter_units(name)
            entries[name] = {
                "value": value,
                "repr": value,
                "unit_value": 1,
                "unit_repr": unit,
                "label": name,
                "description": f"hardware counter {name} (perf_event)",
                "laps": 1,
            }
        tree = self.tree
        sampling = {"enabled": tree is not None}
        if tree is not None:
            sampling.update(
                interval=tree.interval,
                samples=tree.samples,
                processes=len(tree.seen),
                max_processes=tree.max_processes,
                peak_processes=tree.peak_processes,
                peak_virtual_memory=tree.peak_vm,
                cost=round(tree.cost, 6),
            )
            if tree.error is not None:
                sampling["error"] = str(tree.error)
        return {
            "timemory": {
                "timem": [entries],
                "command_line": ["timem"] + self.command,
                "command": self.command,
                "pid": self.pid,
                "exit_status": self.exit_status,
                "signal": self.signal,
                "returncode": self.returncode,
                "io_source": self._io_totals()[4],
                "orphans": self.orphans,
                "sampling": sampling,
                "hardware_counters_unavailable": dict(self.counter_errors),
            }
        }

    def write_json(self, path):
        """Writes to_json() to path whole or not at all (a temporary file renamed)."""
        text = _json.dumps(self.to_json(), indent=2) + "\n"
        folder = _os.path.dirname(_os.path.abspath(path))
        temporary = _os.path.join(folder, f".{_os.path.basename(path)}.tmp.{_os.getpid()}")
        try:
            with open(temporary, "w") as handle:
                handle.write(text)
            _os.replace(temporary, path)
        except BaseException:
            try:
                _os.unlink(temporary)
            except OSError:
                pass
            raise


_DESCRIPTIONS = {
    "tree_peak_rss": "Peak of the resident set summed over the command's process tree "
    "(sampled from /proc)",
    "page_rss": "Resident set of the command's process tree at the last sample",
    "virtual_memory": "Virtual memory of the command's process tree at the last sample",
    "read_char": "Bytes read through read calls (rchar), cached or not",
    "written_char": "Bytes written through write calls (wchar), cached or not",
}


def _counter_units(name):
    """ "ns" for the clock events, "" for counts (the engine's perf_event table)."""
    try:
        return "ns" if _lib.hwcounters_perf_code(name) in ((1, 0), (1, 1)) else ""
    except ValueError:
        return ""


def _labels(row, labels, count):
    """The labels of a figure: timem's own, else the component's (one per value)."""
    labels = labels or (row["labels"] if count > 1 else [row["label"]])
    return [label.strip() for label in labels]


def _display_units(row, count):
    unit = getattr(_lib, row["class_name"]).display_unit()
    units = list(unit) if isinstance(unit, (list, tuple)) else [unit]
    return (units + [""] * count)[:count]


def _signal_name(number):
    try:
        return _signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _display_format:
    """The original timem's layout (width 16, precision 6) unless the settings choose one."""

    def __enter__(self):
        self.saved = {}
        for name, value in (("width", 16), ("precision", 6)):
            if _lib.settings_get(name) < 0:
                self.saved[name] = _lib.settings_get(name)
                _lib.settings_set(name, value)
        return self

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            _lib.settings_set(name, value)


def run(command, interval=0.01, delay=0.0, sample=True, env=None, forward_signals=False,
        events=()):  # fmt: skip
    """Runs command (a list: program and arguments), waits for it and returns a Result.

    interval: seconds between samples of the process tree's memory (sample=False: none);
    delay: seconds before the first sample. env: the command's environment (default:
    os.environ as timem was given it). forward_signals (main thread only): SIGINT and SIGQUIT
    are ignored while the command runs, as time does -- the terminal sends them to the
    command -- and SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 are passed on to it (a signal sent to the
    whole process group thus reaches the command twice). Raises LaunchError
    (errno ENOENT: not found, EACCES: not executable) when the command cannot start.
    events: hardware counters counted on the command through perf_event (ValueError for a
    name perf_event does not know); ``Result.counters`` holds them, ``counter_errors`` why
    one could not be counted."""
    command = [_os.fsdecode(_os.fspath(arg)) for arg in command]
    if not command:
        raise ValueError("timem: no command to run")
    events = list(dict.fromkeys(events))
    codes = []
    for name in events:
        try:
            kind, config = _lib.hwcounters_perf_code(name)
            codes.append(f"{kind}:{config}")
        except ValueError:
            raise ValueError(
                f"timem: hardware counter {name!r} is unknown to perf_event (timem counts "
                "perf_event's events; timemory-avail -H lists them)"
            ) from None
    perf = ["--perf", ",".join(codes)] if codes else []
    if not _os.access(LAUNCHER, _os.X_OK):
        raise RuntimeError(f"timem: its launcher {LAUNCHER} is missing: reinstall timemory")
    env = _child_environment() if env is None else dict(env)
    read_end, write_end = _os.pipe()
    try:
        _os.set_inheritable(write_end, True)
        launcher = _os.posix_spawn(
            LAUNCHER, [LAUNCHER, str(write_end), *perf, *command], env, setsigdef=_RESET_SIGNALS
        )
    except BaseException:
        _os.close(read_end)
        raise
    finally:
        _os.close(write_end)
    target = {}
    previous = {}
    if forward_signals and _threading.current_thread() is _threading.main_thread():

        def forward(signum, frame):
            if "pid" in target:
                try:
                    _os.kill(target["pid"], signum)
                except ProcessLookupError:
                    pass

        for signum in _IGNORED_SIGNALS:
            previous[signum] = _signal.signal(signum, _signal.SIG_IGN)
        for signum in _FORWARDED_SIGNALS:
            previous[signum] = _signal.signal(signum, forward)
    tree = None
    try:
        if sample:
            tree = ProcessTree(launcher, interval, delay).start()
        lines = []
        with _os.fdopen(read_end, "r") as stream:
            for line in stream:
                lines.append(line)
                if line.startswith("pid "):
                    target["pid"] = int(line.split()[1])
        try:
            _os.waitpid(launcher, 0)
        except ChildProcessError:  # SIGCHLD ignored here: the launcher was reaped for us
            pass
    finally:
        if tree is not None:
            tree.stop()
        for signum, handler in previous.items():
            _signal.signal(signum, handler)
    report = _parse_report("".join(lines))
    if report["error"] is not None:
        code = report["error"]
        raise LaunchError(code, _os.strerror(code), command[0])
    if "status" not in report:
        raise RuntimeError("timem: the launcher ended without reporting (see its messages)")
    return Result(command, report, tree, events)

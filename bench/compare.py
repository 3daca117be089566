#!/usr/bin/env python
"""Every benchmark beside its peer, in one command: the table of ratios the README quotes.

Runs, for each Python given (each must have timemory installed; the peers -- yappi,
line_profiler -- are used where installed), bench_decorator.py (markers beside a plain Python
decorator), bench_profiler.py (fib beside cProfile and yappi), bench_profiler_programs.py
(standard-library workloads beside cProfile), bench_timeline.py (the per-call timeline beside
viztracer), bench_tracer.py and bench_line_profiler.py (beside line_profiler) and
bench_mallocp.py (allocation tracking beside tracemalloc and memray), each
in a process of its own where the tool and its peer run interleaved; then builds and runs the C
push/pop benchmark (beside the two clock reads a pair cannot avoid, and paused), the
hardware-counter sample (beside clock_gettime) and the finalize benchmark. Prints one table:
what was measured, timemory's figure, the peer's, the ratio, the goal and whether it is met
-- so a regression shows in one command. A program, not a test: figures move with the
machine's load; ratios within one run are what to compare.

    python bench/compare.py [--python PY]... [--quick] [--build DIR] [--no-c] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


@dataclass
class Row:
    what: str
    python: str
    ours: str
    peer: str
    ratio: str
    goal: str
    verdict: str


def fmt(value: float, unit: str = "ns") -> str:
    return f"{value:.1f} {unit}" if value == value else "n/a"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("meets" if ok else "MISSES")


def run_json(python: str, script: str, args: list[str], timeout: int) -> dict:
    """Runs bench/<script> with --json and returns what it wrote (raises on failure)."""
    with tempfile.TemporaryDirectory(prefix="timemory-compare-") as tmp:
        out = os.path.join(tmp, "figures.json")
        cmd = [python, os.path.join(HERE, script), *args, "--json", out]
        env = dict(os.environ, TIMEMORY_AUTO_OUTPUT="OFF", TIMEMORY_OUTPUT_PATH=tmp)
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp
        )
        if proc.returncode != 0 or not os.path.exists(out):
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            raise RuntimeError(f"{script} failed ({proc.returncode}): " + " | ".join(tail))
        with open(out) as f:
            return json.load(f)


def python_rows(python: str, quick: bool) -> list[Row]:
    rows: list[Row] = []
    probe = subprocess.run(
        [python, "-c", "import sys, timemory; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return [Row("(timemory not importable)", python, "", "", "", "", "skipped")]
    version = probe.stdout.strip()
    v311 = version.startswith("3.11.")
    modern = tuple(int(x) for x in version.split(".")[:2]) >= (3, 12)

    d = run_json(python, "bench_decorator.py", ["50000" if quick else "200000"], 600)
    ns = d["ns_per_call"]
    bare = ns["bare"]
    py = ns["python_decorator"] - bare
    for key, label, goal in (
        ("marker_wall", "@marker(wall_clock) overhead/call", 60.0),
        ("marker_three", "@marker(wall,cpu,peak_rss) overhead/call", 800.0),
        ("marker_disabled", "@marker, timemory disabled, overhead/call", 15.0),
    ):
        ours = ns[key] - bare
        rows.append(
            Row(
                label,
                version,
                fmt(ours),
                f"python decorator {fmt(py)}",
                f"{ours / py:.2f}x",
                f"<= {goal:.0f} ns (3.11)" if v311 else "-",
                verdict(ours <= goal) if v311 else "-",
            )
        )

    p = run_json(python, "bench_profiler.py", ["--repeat", "3" if quick else "7"], 900)
    over = p["overhead_ns_per_call"]
    ratio = over["timemory"] / over["cProfile"]
    rows.append(
        Row(
            f"Profiler fib({'25'}) overhead/call [{p['backend']}]",
            version,
            fmt(over["timemory"]),
            f"cProfile {fmt(over['cProfile'])}",
            f"{ratio:.2f}x",
            f"<= {p['goal']}x",
            verdict(ratio <= p["goal"]),
        )
    )
    if "yappi" in over:
        ratio = over["timemory"] / over["yappi"]
        rows.append(
            Row(
                "Profiler fib overhead/call",
                version,
                fmt(over["timemory"]),
                f"yappi {fmt(over['yappi'])}",
                f"{ratio:.2f}x",
                "-",
                "-",
            )
        )

    g = run_json(python, "bench_profiler_programs.py", ["--repeat", "3" if quick else "7"], 900)
    goal = 0.5 if modern else 0.8
    for name, w in g["workloads"].items():
        added = w["added_ns_per_call"]
        tools = [t for t in added if t.startswith("timemory:")]
        best = min(tools, key=lambda t: added[t])
        ratio = added[best] / added["cProfile"]
        rows.append(
            Row(
                f"Profiler on {name} added/call [{best.split(':')[1]}]",
                version,
                fmt(added[best]),
                f"cProfile {fmt(added['cProfile'])}",
                f"{ratio:.2f}x",
                f"<= {goal}x",
                verdict(ratio <= goal),
            )
        )

    tl = run_json(python, "bench_timeline.py", ["--repeat", "3" if quick else "7"], 900)
    added = tl["added_ns_per_call"]
    if "viztracer" in added:
        ratio = added["timemory+timeline"] / added["viztracer"]
        rows.append(
            Row(
                f"Profiler + timeline fib({tl['n']}) added/call",
                version,
                fmt(added["timemory+timeline"]),
                f"viztracer {fmt(added['viztracer'])}",
                f"{ratio:.2f}x",
                "<= 0.5x",
                verdict(ratio <= 0.5),
            )
        )
    else:
        rows.append(
            Row(
                f"Profiler + timeline fib({tl['n']}) added/call",
                version,
                fmt(added["timemory+timeline"]),
                "viztracer not installed",
                "",
                "<= 0.5x",
                "-",
            )
        )

    t = run_json(
        python,
        "bench_tracer.py",
        ["--repeat", "3" if quick else "7"] + (["--n", "50000", "--iters", "500"] if quick else []),
        900,
    )
    for name, over in t["overhead_ns_per_line"].items():
        if "line_profiler" not in over:
            rows.append(
                Row(
                    f"Tracer {name} overhead/line",
                    version,
                    fmt(over["timemory"]),
                    "line_profiler not installed",
                    "",
                    "<= 0.25x",
                    "-",
                )
            )
            continue
        ratio = over["timemory"] / over["line_profiler"]
        rows.append(
            Row(
                f"Tracer {name} overhead/line",
                version,
                fmt(over["timemory"]),
                f"line_profiler {fmt(over['line_profiler'])}",
                f"{ratio:.2f}x",
                "<= 0.25x",
                verdict(ratio <= 0.25),
            )
        )

    lp_args = ["--repeat", "3" if quick else "7"]
    if quick:
        lp_args += ["--n", "50000", "--records", "5000", "--calls", "5000"]
    lp = run_json(python, "bench_line_profiler.py", lp_args, 900)
    for name, over in lp["overhead_ns_per_line"].items():
        if "line_profiler" not in over:
            rows.append(Row(f"LineProfiler {name} overhead/line", version,
                            fmt(over["timemory"]), "line_profiler not installed", "",
                            "<= 0.25x", "-"))  # fmt: skip
            continue
        ratio = over["timemory"] / over["line_profiler"]
        rows.append(Row(f"LineProfiler {name} overhead/line", version, fmt(over["timemory"]),
                        f"line_profiler {fmt(over['line_profiler'])}", f"{ratio:.2f}x",
                        "<= 0.25x", verdict(0 <= ratio <= 0.25)))  # fmt: skip

    m = run_json(
        python,
        "bench_mallocp.py",
        ["--repeat", "3" if quick else "7"] + (["--n", "50000"] if quick else []),
        900,
    )
    ours = m["added_ns_per_call"]["timemory"]
    for peer in ("tracemalloc", "memray"):
        if peer not in m["ratio"]:
            rows.append(
                Row("mallocp Python allocation added/call", version, fmt(ours),
                    f"{peer} not installed", "", "-", "-")
            )  # fmt: skip
            continue
        rows.append(
            Row(
                "mallocp Python allocation added/call",
                version,
                fmt(ours),
                f"{peer} {fmt(m['added_ns_per_call'][peer])}",
                f"{m['ratio'][peer]:.2f}x",
                "<= 1x",
                verdict(m["ratio"][peer] <= 1.0),
            )
        )
    return rows


def c_rows(build: str, quick: bool) -> list[Row]:
    cfg = [
        "cmake",
        "-S",
        ROOT,
        "-B",
        build,
        "-DTIMEMORY_BUILD_TESTS=ON",
        "-DCMAKE_BUILD_TYPE=Release",
    ]
    subprocess.run(cfg, check=True, capture_output=True)
    subprocess.run(
        [
            "cmake",
            "--build",
            build,
            "-j2",
            "--target",
            "bench_push_pop",
            "bench_finalize",
            "bench_hwcounters",
        ],
        check=True,
        capture_output=True,
    )
    args = ["500000", "5"] if quick else []
    text = subprocess.run(
        [os.path.join(build, "bench_push_pop"), *args], check=True, capture_output=True, text=True
    ).stdout

    def figure(label: str, after: int = 0) -> float:
        lines = text.splitlines()[after:]
        for line in lines:
            if label in line:
                return float(re.search(r"([0-9.]+) ns/pair", line).group(1))
        return float("nan")

    clocks = figure("two clock_gettime")
    pair = figure("timemory_push/timemory_pop (key id)")
    region = figure("timemory_push_region/pop_region (name)")
    two = figure("push/pop (key id), wall_clock + thread_cpu_clock")
    paused = figure("paused (timemory_pause), push/pop calls")
    paused_inline = figure("paused, timemory_push_inline/pop_inline")
    inside = text.splitlines().index("inside an open region (pushed before the pause):")
    paused_region = figure("paused, push_region/pop_region (name)", inside)
    rows = [
        Row(
            "C push/pop pair, wall_clock (key id)",
            "C",
            fmt(pair),
            f"2 clock reads {fmt(clocks)}",
            f"{pair / clocks:.2f}x",
            "-",
            "-",
        ),
        Row(
            "C push/pop pair, wall_clock + thread_cpu_clock (a set)",
            "C",
            fmt(two),
            "",
            "",
            "-",
            "-",
        ),
        Row(
            "C push_region/pop_region pair (name)",
            "C",
            fmt(region),
            f"2 clock reads {fmt(clocks)}",
            f"{region / clocks:.2f}x",
            "-",
            "-",
        ),
        Row(
            "C paused pair, exported calls",
            "C",
            fmt(paused),
            "",
            "",
            "<= 10 ns",
            verdict(paused <= 10),
        ),
        Row(
            "C paused pair, inline",
            "C",
            fmt(paused_inline),
            "",
            "",
            "<= 2 ns",
            verdict(paused_inline <= 2),
        ),
        Row("C paused pair by name, inside a region", "C", fmt(paused_region), "", "", "-", "-"),
    ]
    rows += hwcounter_rows(build, quick)
    sizes = ["100000", "1000000"] if not quick else ["100000", "200000"]
    fin = subprocess.run(
        [os.path.join(build, "bench_finalize"), "siblings", *sizes],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    for line in fin.splitlines():
        m = re.search(r"(\d+) nodes: record +([0-9.]+) s +finalize +([0-9.]+) s", line)
        if not m:
            continue
        n, secs = int(m.group(1)), float(m.group(3))
        goal = "<= 2 s" if n == 1000000 else "-"
        rows.append(
            Row(
                f"finalize {n} sibling nodes, all files",
                "C",
                f"{secs:.2f} s",
                "",
                "",
                goal,
                verdict(secs <= 2.0) if n == 1000000 else "-",
            )
        )
    return rows


def hwcounter_rows(build: str, quick: bool) -> list[Row]:
    """bench_hwcounters: one hardware-counter sample beside clock_gettime (n/a rows where this
    machine cannot count the events)."""
    args = ["50000", "3"] if quick else []
    text = subprocess.run(
        [os.path.join(build, "bench_hwcounters"), *args], capture_output=True, text=True
    ).stdout
    mono = cpu = raw = float("nan")
    rows = []
    for line in text.splitlines():
        m = re.search(r"([0-9.]+) ns/sample", line)
        if line.startswith("clock_gettime(CLOCK_MONOTONIC)") and m:
            mono = float(m.group(1))
        elif line.startswith("clock_gettime(CLOCK_THREAD_CPUTIME_ID)") and m:
            cpu = float(m.group(1))
        elif line.startswith("read() of a perf_event fd") and m:
            raw = float(m.group(1))
        elif line.startswith("timemory_hwcounters_read"):
            what = "hw counter sample, " + line.split(",", 1)[1].split("  ")[0].strip()
            value = float(m.group(1)) if m else float("nan")
            # the peers: a bare read() of a perf fd (the kernel's part), the thread CPU-time
            # system call (a kernel entry too), the vDSO clock
            peer = f"bare read {fmt(raw)}, thread cputime {fmt(cpu)}, monotonic {fmt(mono)}"
            base = raw if raw == raw else cpu  # the ratio: to the bare read where measured
            ratio = f"{value / base:.2f}x" if m and base == base else ""
            rows.append(Row(what, "C", fmt(value), peer, ratio, "-", "-"))
    return rows


def render(rows: list[Row], markdown: bool) -> str:
    head = Row("benchmark", "Python", "timemory", "peer", "ratio", "goal", "")
    cols = list(
        zip(
            *[(r.what, r.python, r.ours, r.peer, r.ratio, r.goal, r.verdict) for r in [head, *rows]]
        )
    )
    widths = [max(len(c) for c in col) for col in cols]
    lines = []
    for i, r in enumerate([head, *rows]):
        cells = [r.what, r.python, r.ours, r.peer, r.ratio, r.goal, r.verdict]
        if markdown:
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0:
                lines.append("|" + "|".join("---" for _ in cells) + "|")
        else:
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        help="an interpreter with timemory installed (repeat for several; default: this one)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer calls and rounds")
    parser.add_argument(
        "--build",
        default=os.path.join(ROOT, "build-bench"),
        help="CMake build folder for the C benchmarks",
    )
    parser.add_argument("--no-c", action="store_true", help="skip the C benchmarks")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    rows: list[Row] = []
    failed = False
    for python in args.python or [sys.executable]:
        print(f"running the Python benchmarks with {python} ...", file=sys.stderr, flush=True)
        try:
            rows += python_rows(python, args.quick)
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            rows.append(Row(f"(failed: {err})", python, "", "", "", "", "FAILED"))
            failed = True
    if not args.no_c:
        print("building and running the C benchmarks ...", file=sys.stderr, flush=True)
        try:
            rows += c_rows(args.build, args.quick)
        except (subprocess.CalledProcessError, OSError) as err:
            rows.append(Row(f"(C benchmarks failed: {err})", "C", "", "", "", "", "FAILED"))
            failed = True
    print(render(rows, args.markdown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

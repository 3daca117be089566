#!/usr/bin/env python3
"""MPI aggregation at output, and what MPI costs a marker. A benchmark, not a test.

1. Aggregation: bench/mpi/bench_mpi_aggregate.c (built here with mpicc + pkg-config against the
   installed timemory) runs under mpirun for 1, 2 and 4 ranks and 10^3, 10^4, 10^5 distinct
   nodes per rank; each time is timemory_report() -- pack, gather to rank 0, decode, merge,
   the statistics over the ranks, no file -- slowest rank, best of 3. The goal: at most 1 s
   for 4 ranks x 10^4 nodes, and time growing linearly with ranks x nodes (the last column,
   microseconds per rank-node, stays flat). For 4 x 10^4 also with the JSON, tree JSON and
   text files written.
2. Marker cost: ns per C region push/pop pair before MPI_Init, after it, and once timemory
   has loaded its MPI plugin; and ns per Python ``timemory.util.marker`` (a context manager)
   in a process without MPI and in one with mpi4py imported (MPI initialized, the plugin
   loaded). CPU time of the measuring thread, best of several rounds.

    python bench/bench_mpi_aggregate.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "bench" / "mpi" / "bench_mpi_aggregate.c"

PY_MARKER = """
import sys, time
{mpi}
import timemory
from timemory.util import marker

timemory.settings.auto_output = False
m = marker(["wall_clock"], key="bench")
n = 100000
for _ in range(n // 10):
    with m:
        pass
best = 1e30
for _ in range(7):
    t0 = time.thread_time_ns()
    for _ in range(n):
        with m:
            pass
    best = min(best, (time.thread_time_ns() - t0) / n)
print(best, timemory.libpytimemory.mpi_is_active())
"""


def mpirun_command(np_):
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if not mpirun:
        sys.exit("mpirun not found: scripts/install-deps.sh installs OpenMPI")
    command = [mpirun, "-np", str(np_)]
    version = subprocess.run([mpirun, "--version"], capture_output=True, text=True).stdout
    if "Open MPI" in version:
        command.append("--oversubscribe")
        if os.geteuid() == 0:
            command.append("--allow-run-as-root")
    return command


def build(work: Path) -> Path:
    mpicc = shutil.which("mpicc")
    if not mpicc:
        sys.exit("mpicc not found: scripts/install-deps.sh installs OpenMPI")
    env = dict(os.environ, PKG_CONFIG_PATH=str(Path(sys.prefix) / "lib" / "pkgconfig"))
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "timemory"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    exe = work / "bench_mpi_aggregate"
    subprocess.run([mpicc, "-O2", "-std=c11", str(SOURCE), *flags, "-o", str(exe)], check=True)
    return exe


def fields(line: str) -> dict:
    return dict(item.split("=", 1) for item in line.split()[1:])


def run(command, cwd, env=None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMEMORY_")} | (env or {})
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10^3 and 10^4 nodes only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-mpi-"))
    try:
        exe = build(work)
        nodes_list = [1000, 10000] if args.quick else [1000, 10000, 100000]
        print("aggregation at output (timemory_report: pack, gather, decode, merge, statistics)")
        print(f"{'ranks':>5} {'nodes/rank':>10} {'seconds':>9} {'us per rank-node':>17}")
        goal = None
        for ranks in (1, 2, 4):
            for nodes in nodes_list:
                extra = ["--files", str(work / "out")] if (ranks, nodes) == (4, 10000) else []
                out = run(mpirun_command(ranks) + [str(exe), str(nodes), *extra], work)
                line = next(x for x in out.splitlines() if x.startswith("aggregate "))
                f = fields(line)
                seconds = float(f["report_s"])
                per = seconds / (ranks * int(f["nodes"])) * 1e6
                print(f"{ranks:>5} {int(f['nodes']):>10} {seconds:>9.4f} {per:>17.3f}")
                if extra:
                    goal = (seconds, float(f["report_files_s"]))
        if goal:
            print(
                f"4 ranks x 10^4 nodes: {goal[0]:.3f} s (goal <= 1 s); with the JSON, tree and "
                f"text files written: {goal[1]:.3f} s"
            )

        print("\nC region push/pop pair (ns, CPU time, best of 7)")
        f = fields(run(mpirun_command(1) + [str(exe), "--marker"], work).splitlines()[-1])
        print(f"  before MPI_Init:           {float(f['ns_per_pair_before_mpi_init']):7.2f}")
        print(f"  MPI initialized:           {float(f['ns_per_pair_mpi_initialized']):7.2f}")
        print(f"  timemory's plugin loaded:  {float(f['ns_per_pair_plugin_loaded']):7.2f}")

        print("\nPython timemory.util.marker, one with-block (ns, CPU time, best of 7)")
        plain = run([sys.executable, "-c", PY_MARKER.format(mpi="")], work).split()
        print(f"  no MPI in the process:                     {float(plain[0]):7.1f}")
        try:
            import mpi4py  # noqa: F401
        except ImportError:
            print("  mpi4py not installed: not measured")
            return
        code = PY_MARKER.format(mpi="from mpi4py import MPI")
        # MPI initialized but timemory kept from its plugin: what MPI itself does to the process
        alone = run([sys.executable, "-c", code], work, {"TIMEMORY_MPI_PLUGIN": "/nonexistent"})
        with_mpi = run([sys.executable, "-c", code], work).split()
        print(f"  mpi4py imported, timemory without plugin:  {float(alone.split()[0]):7.1f}")
        print(f"  mpi4py imported, plugin loaded (active={with_mpi[1]}): {float(with_mpi[0]):5.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Child processes hand their data to their parent (src/handoff.c, timemory/util/_processes.py):
multiprocessing with every start method, ProcessPoolExecutor and os.fork, merged exactly into
the parent's output with their pids listed; os._exit, SIGTERM and SIGKILL; children of a
finalized parent, child_output, unrelated subprocesses; decorated functions pickled by
reference (what sending them to a worker needs)."""

import copy
import json
import multiprocessing
import pickle
import re
import sys
import textwrap

import pytest
import timemory
from timemory.libs import libpytimemory as ext
from timemory.util import auto_timer

METHODS = [
    m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
]

# A program's preamble: decorated functions at module level (spawned children import them).
PREAMBLE = """\
import multiprocessing as mp
import os
import signal
import sys
import time

import timemory
from timemory.util import _processes
from timemory.util import marker

_processes.HANDOFF_INTERVAL = {interval}


@marker(["wall_clock"])
def f(x):
    return x * x


@marker(["wall_clock"])
def g(x):
    return x + 1


@marker(["wall_clock"])
def parent():  # the parent's own entry
    pass
"""


def program(body, interval=3600.0):
    return PREAMBLE.format(interval=interval) + "\n" + textwrap.dedent(body)


def run(run_python, tmp_path, code, *args, env=None, check=True):
    out = tmp_path / "out"
    extra = {
        "TIMEMORY_OUTPUT_PATH": str(out),
        "TIMEMORY_COUT_OUTPUT": "OFF",
        "TIMEMORY_FLAMEGRAPH_OUTPUT": "OFF",
        "TIMEMORY_TEXT_OUTPUT": "OFF",
    }
    extra.update(env or {})
    result = run_python(code, *args, env=extra, timeout=120, check=check)
    return result, out


def flat(out):
    """{label: (depth, laps)} of wall.json."""
    data = json.loads((out / "wall.json").read_text())["timemory"]["wall_clock"]["ranks"][0]
    return {
        re.sub(r"^>>> (\s*\|_)?", "", e["prefix"]): (e["depth"], e["entry"]["laps"])
        for e in data["graph"]
    }


def tree_pids(out):
    """{label: pid list} of wall.tree.json (labels unique in these programs)."""
    root = json.loads((out / "wall.tree.json").read_text())["timemory"]["wall_clock"]["graph"]
    pids = {}
    stack = list(root[0][0].get("children", []))
    while stack:
        node = stack.pop()
        pids[node["node"]["prefix"]] = node["node"]["pid"]
        stack.extend(node.get("children", []))
    return pids


def merged_pids(stdout):
    match = re.search(
        r"\[timemory\]> merged data of (\d+) child process(?:es)? \(pids? ([\d, ]+)\)", stdout
    )
    assert match, stdout
    pids = [int(p) for p in match.group(2).split(", ")]
    assert int(match.group(1)) == len(pids)
    return pids


def lost_line(stderr):
    match = re.search(
        r"(\d+) child process(?:es)? ended without handing over (?:its|their) last "
        r"data: pids? ([\d, ]+)",
        stderr,
    )
    return (int(match.group(1)), [int(p) for p in match.group(2).split(", ")]) if match else None


# ---- multiprocessing: every start method ----------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_pool_map_counts_every_call_of_the_children(run_python, tmp_path, method):
    code = program("""
        if __name__ == "__main__":
            ctx = mp.get_context(sys.argv[1])
            with marker(["wall_clock"], key="main"):
                with ctx.Pool(2) as pool:  # leaving it terminates the workers (SIGTERM)
                    assert pool.map(f, range(10)) == [x * x for x in range(10)]
                    workers = sorted(p.pid for p in pool._pool)
            print("WORKERS", *workers)
    """)
    result, out = run(run_python, tmp_path, code, method)
    assert result.returncode == 0, result.stderr
    workers = [int(p) for p in re.search(r"WORKERS ([\d ]+)", result.stdout).group(1).split()]
    pids = merged_pids(result.stdout)
    assert set(pids) <= set(workers) and pids
    assert "without handing over" not in result.stderr
    entries = flat(out)
    assert entries["main"] == (0, 1)
    # fork: the workers' nodes nest under the region open at the fork; spawned: top level
    assert entries["f"] == ((1 if method == "fork" else 0), 10)
    assert sorted(tree_pids(out)["f"]) == sorted(pids)
    assert not list(out.glob("fork-*"))  # children write no files of their own


def test_process_pool_executor(run_python, tmp_path):
    code = program("""
        from concurrent.futures import ProcessPoolExecutor

        if __name__ == "__main__":
            parent()
            with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
                assert list(pool.map(f, range(7))) == [x * x for x in range(7)]
                assert list(pool.map(g, range(5))) == [x + 1 for x in range(5)]
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    merged_pids(result.stdout)
    entries = flat(out)
    assert entries["f"] == (0, 7) and entries["g"] == (0, 5)
    assert "without handing over" not in result.stderr


@pytest.mark.parametrize("method", METHODS)
def test_components_only_the_children_used_are_written(run_python, tmp_path, method):
    code = program("""
        @marker(["peak_rss"])
        def h(x):
            return x

        if __name__ == "__main__":
            with mp.get_context(sys.argv[1]).Pool(2) as pool:  # the parent records nothing
                assert pool.map(h, range(6)) == list(range(6))
    """)
    result, out = run(run_python, tmp_path, code, method)
    assert result.returncode == 0, result.stderr
    merged_pids(result.stdout)
    data = json.loads((out / "peak_rss.json").read_text())["timemory"]["peak_rss"]
    laps = {e["prefix"].lstrip(">|_ "): e["entry"]["laps"] for e in data["ranks"][0]["graph"]}
    assert laps == {"h": 6}
    assert not (out / "wall.json").exists()


def test_a_child_forwards_what_its_own_children_handed_to_it(run_python, tmp_path):
    code = program("""
        def grandchild():
            g(1)

        def child():
            f(1)
            p = mp.get_context("spawn").Process(target=grandchild)
            p.start()
            p.join()
            print("GRANDCHILD", p.pid, flush=True)

        if __name__ == "__main__":
            parent()
            p = mp.get_context("fork").Process(target=child)
            p.start()
            p.join()
            print("CHILD", p.pid)
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    child = int(re.search(r"\bCHILD (\d+)", result.stdout).group(1))
    grandchild = int(re.search(r"GRANDCHILD (\d+)", result.stdout).group(1))
    assert merged_pids(result.stdout) == [child]  # the grandchild's data came with it
    assert flat(out)["f"] == (0, 1) and flat(out)["g"] == (0, 1)
    pids = tree_pids(out)
    assert pids["f"] == [child] and pids["g"] == [grandchild]


def test_results_read_in_the_parent_include_children_that_ended(run_python, tmp_path):
    code = program("""
        import json

        if __name__ == "__main__":
            with mp.get_context("spawn").Pool(2) as pool:
                pool.map(f, range(8))
                pool.close()
                pool.join()  # the workers ended: their last hand-offs are there
            data = timemory.get()["timemory"]["wall_clock"]["ranks"][0]["graph"]
            print("LAPS", sum(e["entry"]["laps"] for e in data if e["prefix"] == ">>> f"))
            timemory.clear()  # what they handed over goes too
            parent()
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert "LAPS 8" in result.stdout
    assert "f" not in flat(out)
    assert "merged data" not in result.stdout


def test_os_fork_child_nests_under_the_open_region_and_its_os_exit_hands_off(run_python, tmp_path):
    code = program("""
        with marker(["wall_clock"], key="outer"):
            f(1)
            pid = os.fork()
            if pid == 0:
                for i in range(4):
                    g(i)
                os._exit(0)  # no atexit: the last hand-off is made first
            os.waitpid(pid, 0)
        print("CHILD", pid)
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    child = int(re.search(r"CHILD (\d+)", result.stdout).group(1))
    assert merged_pids(result.stdout) == [child]
    entries = flat(out)
    assert entries["outer"] == (0, 1)  # the child never ended it
    assert entries["f"] == (1, 1)
    assert entries["g"] == (1, 4)
    assert tree_pids(out)["g"] == [child]
    assert child in tree_pids(out)["outer"]


def test_a_child_that_calls_os_exit_after_a_handoff_loses_nothing(run_python, tmp_path):
    code = program("""
        def work():
            for i in range(3):
                g(i)
            assert _processes.handoff()
            for i in range(2):
                g(i)
            os._exit(0)  # straight from the target: multiprocessing's finalizers never run

        if __name__ == "__main__":
            parent()
            for method in ("fork", "spawn"):
                p = mp.get_context(method).Process(target=work)
                p.start()
                p.join()
                assert p.exitcode == 0
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert len(merged_pids(result.stdout)) == 2
    assert flat(out)["g"][1] == 10
    assert "without handing over" not in result.stderr


@pytest.mark.parametrize("after", [False, True], ids=["before-handoff", "after-handoff"])
def test_a_child_killed_by_sigkill_is_counted_as_lost(run_python, tmp_path, after):
    code = program("""
        def victim(ready, after):
            for i in range(3):
                g(i)
            if after:
                assert _processes.handoff()
            for i in range(4):
                g(i)  # never handed over
            ready.set()
            time.sleep(60)

        if __name__ == "__main__":
            ctx = mp.get_context("fork")
            ready = ctx.Event()
            p = ctx.Process(target=victim, args=(ready, sys.argv[1] == "1"))
            p.start()
            assert ready.wait(30)
            os.kill(p.pid, signal.SIGKILL)
            p.join()
            f(0)
            print("VICTIM", p.pid)
    """)
    result, out = run(run_python, tmp_path, code, int(after))
    assert result.returncode == 0, result.stderr
    victim = int(re.search(r"VICTIM (\d+)", result.stdout).group(1))
    assert lost_line(result.stderr) == (1, [victim]), result.stderr
    assert (
        f"[timemory] warning: 1 child process ended without handing over its last data: "
        f"pid {victim}\n" in result.stderr
    )
    entries = flat(out)
    if after:
        assert entries["g"] == (0, 3)
        assert merged_pids(result.stdout) == [victim]
    else:
        assert "g" not in entries
        assert "merged data" not in result.stdout


def test_the_periodic_handoff_keeps_what_a_killed_child_measured(run_python, tmp_path):
    code = program(
        """
        def victim(ready):
            for i in range(6):
                g(i)
            time.sleep(1.0)  # the thread hands off every 0.1 s
            ready.set()
            time.sleep(60)

        if __name__ == "__main__":
            ctx = mp.get_context("fork")
            ready = ctx.Event()
            p = ctx.Process(target=victim, args=(ready,))
            p.start()
            assert ready.wait(30)
            os.kill(p.pid, signal.SIGKILL)
            p.join()
            parent()
    """,
        interval=0.1,
    )
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert lost_line(result.stderr)[0] == 1
    assert flat(out)["g"] == (0, 6)


def test_sigterm_hands_off_then_dies_by_the_signal(run_python, tmp_path):
    code = program("""
        def idle(ready):
            for i in range(5):
                g(i)
            ready.set()
            time.sleep(60)

        if __name__ == "__main__":
            ctx = mp.get_context("spawn")
            ready = ctx.Event()
            p = ctx.Process(target=idle, args=(ready,))
            p.start()
            assert ready.wait(60)
            p.terminate()
            p.join()
            parent()
            print("EXIT", p.exitcode)
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert "EXIT -15" in result.stdout
    assert flat(out)["g"] == (0, 5)
    assert "without handing over" not in result.stderr


def test_sigterm_during_a_call_that_retries_on_eintr(run_python, tmp_path):
    # the child waits in C code that retries its system call when a signal interrupts it
    # (glibc's system() waiting for its shell): a Python-level SIGTERM handler would not run
    # before the call returns (the race a pool worker hit, between the interpreter's last
    # check and its blocking read); the C handler wakes the hand-off thread, which hands off
    # and ends the child at once
    code = program("""
        import ctypes

        def busy(ready):
            for i in range(4):
                g(i)
            ready.set()
            ctypes.CDLL(None).system(b"exec sleep 37.25")

        if __name__ == "__main__":
            ctx = mp.get_context("spawn")
            ready = ctx.Event()
            p = ctx.Process(target=busy, args=(ready,))
            p.start()
            assert ready.wait(60)
            time.sleep(0.3)  # inside system()
            start = time.monotonic()
            p.terminate()

            def ended():  # a zombie (join waits for the sentinel pipe, which sleep holds)
                try:
                    with open(f"/proc/{p.pid}/stat") as stat:
                        return stat.read().rsplit(")", 1)[1].split()[0] in "ZX"
                except OSError:
                    return True

            while not ended() and time.monotonic() - start < 20:
                time.sleep(0.05)
            took = time.monotonic() - start
            os.system("pkill -f 'sleep 37.25'")
            p.join()
            parent()
            print("EXIT", p.exitcode, "TOOK", round(took, 1))
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert "EXIT -15" in result.stdout, result.stdout
    took = float(result.stdout.split("TOOK")[1].split()[0])
    assert took < 10.0
    assert flat(out)["g"] == (0, 4)
    assert "without handing over" not in result.stderr


def test_child_output_also_writes_the_childrens_folders(run_python, tmp_path):
    code = program("""
        if __name__ == "__main__":
            parent()
            with mp.get_context("fork").Pool(2) as pool:
                pool.map(f, range(6))
    """)
    result, out = run(run_python, tmp_path, code, env={"TIMEMORY_CHILD_OUTPUT": "ON"})
    assert result.returncode == 0, result.stderr
    pids = merged_pids(result.stdout)
    assert flat(out)["f"] == (0, 6)
    folders = sorted(out.glob("fork-*"))
    assert {int(p.name[5:]) for p in folders} >= set(pids)
    assert sum(flat(p)["f"][1] for p in folders if (p / "wall.json").exists()) == 6


def test_an_unrelated_subprocess_writes_its_own_output(run_python, tmp_path):
    (tmp_path / "other.py").write_text(
        textwrap.dedent("""
        import sys
        import timemory
        from timemory.util import marker
        timemory.settings.output_path = sys.argv[1]

        @marker(["wall_clock"])
        def other():
            pass

        other()
    """)
    )
    code = program("""
        import subprocess
        f(1)
        subprocess.run([sys.executable, "other.py", sys.argv[1]], check=True)
    """)
    result, out = run(run_python, tmp_path, code, tmp_path / "other-out")
    assert result.returncode == 0, result.stderr
    assert "merged data" not in result.stdout
    assert "other" not in flat(out)
    assert flat(tmp_path / "other-out")["other"] == (0, 1)


def test_a_child_of_a_finalized_parent_writes_its_own_output(run_python, tmp_path):
    code = program("""
        if __name__ == "__main__":
            ctx = mp.get_context("fork")
            go = ctx.Event()

            def late():
                go.wait(30)
                g(1)

            p = ctx.Process(target=late)
            p.start()
            f(1)
            timemory.finalize()
            go.set()
            p.join()
            print("LATE", p.pid)
    """)
    result, out = run(run_python, tmp_path, code)
    assert result.returncode == 0, result.stderr
    late = int(re.search(r"LATE (\d+)", result.stdout).group(1))
    assert "1 child process was still running at finalize" in result.stderr
    assert "could not hand the data over to the parent process" in result.stderr
    assert "g" not in flat(out)
    assert flat(out / f"fork-{late}")["g"] == (0, 1)


# ---- pickling ---------------------------------------------------------------------------------


@pytest.fixture
def decorated_module(tmp_path, monkeypatch):
    (tmp_path / "tm_pickled.py").write_text(
        textwrap.dedent("""
        from timemory.util import auto_timer, marker

        @marker(["wall_clock"])
        def square(x):
            return x * x

        @auto_timer()
        def timed(x):
            return x

        @marker(["wall_clock"], add_args=True)
        def with_args(x):
            return x

        class Holder:
            @marker(["wall_clock"])
            def method(self, x):
                return x + 1

        def make_nested():
            @marker(["wall_clock"])
            def nested():
                pass

            def plain_nested():
                pass

            return nested, plain_nested

        lam = marker(["wall_clock"])(lambda x: x)
        plain_lam = lambda x: x  # noqa: E731
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import tm_pickled

    yield tm_pickled
    sys.modules.pop("tm_pickled", None)


def test_decorated_functions_pickle_by_reference(decorated_module):
    m = decorated_module
    assert isinstance(m.square, ext.FunctionMarker)
    for func in (m.square, m.timed, m.with_args, m.Holder.method):
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.loads(pickle.dumps(func, protocol)) is func
        assert copy.copy(func) is func and copy.deepcopy(func) is func
    assert m.square.__module__ == "tm_pickled" and m.square.__qualname__ == "square"
    assert m.Holder.method.__qualname__ == "Holder.method"
    bound = pickle.loads(pickle.dumps(m.Holder().method))
    assert bound(1) == 2


def _pickle_error(obj):
    with pytest.raises(Exception) as info:  # noqa: PT011 (compared with a plain function's)
        pickle.dumps(obj)
    return type(info.value), str(info.value)


def test_lambdas_and_nested_functions_fail_as_plain_ones_do(decorated_module):
    m = decorated_module
    nested, plain_nested = m.make_nested()
    kind, message = _pickle_error(nested)
    plain_kind, plain_message = _pickle_error(plain_nested)
    assert kind is plain_kind
    assert message == plain_message.replace("plain_nested", "nested")
    assert "make_nested.<locals>.nested" in message
    kind, message = _pickle_error(m.lam)
    plain_kind, plain_message = _pickle_error(m.plain_lam)
    assert kind is plain_kind
    assert "<lambda>" in message and message.split(":")[-1] == plain_message.split(":")[-1]


def test_a_bare_function_marker_without_a_qualname_is_refused():
    wrapper = ext.FunctionMarker(
        len, timemory.add_hash_id("bare"), ext.parse_components(["wall_clock"])
    )
    with pytest.raises(Exception, match="attribute lookup len on timemory.libs.libpytimemory"):
        pickle.dumps(wrapper)


def test_handoff_functions_outside_a_child():
    from timemory.util import _processes

    assert _processes.parent_pid() == 0
    assert _processes.handoff() is False
    assert auto_timer  # imported for the module above

"""Coroutines: the decorators on ``async def`` measure from the first step to the end, awaits
included; concurrent asyncio tasks are siblings, never nested in each other; a region closes
however its coroutine ends (returned, raised, cancelled, closed); the Profiler gives an
awaiting coroutine one entry that includes its awaits. Real asyncio programs with
asyncio.sleep: times get real-clock tolerances, counts and shapes are exact."""

import asyncio
import inspect
import json
import sys
import textwrap
import types

import pytest
import timemory
from timemory import storage
from timemory.util import auto_timer, marker, timer

Wall = storage.WallClockStorage
SLEEP = 0.2
SLACK = 0.15  # a loaded machine's scheduling delay on top of a 0.2 s sleep


def rows():
    """(label, depth, laps, seconds) of the wall_clock entries, pre-order."""
    return [(r.prefix().replace(">>> ", "").lstrip("|_ "), r.depth(), r.data().laps(),
             r.data().get()) for r in Wall.get()]  # fmt: skip


def by_label():
    return {label: (depth, laps, sec) for label, depth, laps, sec in rows()}


def near(seconds, expected):
    return expected - 0.01 <= seconds <= expected + SLACK


def test_decorated_coroutine_function_stays_one(clean_data):
    @marker(["wall_clock"])
    async def wait():
        """doc"""
        await asyncio.sleep(SLEEP)
        return 7

    assert inspect.iscoroutinefunction(wait)
    assert wait.__name__ == "wait" and wait.__doc__ == "doc"
    assert asyncio.run(wait()) == 7
    ((label, depth, laps, sec),) = rows()
    assert (label, depth, laps) == ("wait", 0, 1)
    assert near(sec, SLEEP), sec


def test_concurrent_tasks_are_siblings(clean_data):
    @marker(["wall_clock"])
    async def first():
        await asyncio.sleep(SLEEP)

    @marker(["wall_clock"])
    async def second():
        await asyncio.sleep(SLEEP)

    @marker(["wall_clock"])
    async def main():
        await asyncio.gather(first(), second())

    asyncio.run(main())
    got = rows()
    assert [(label, depth, laps) for label, depth, laps, _ in got] == [
        ("main", 0, 1),
        ("first", 1, 1),
        ("second", 1, 1),
    ]
    for label, _, _, sec in got:
        assert near(sec, SLEEP), (label, sec)


def test_awaited_directly_nests_where_it_is_awaited(clean_data):
    @marker(["wall_clock"])
    async def child(delay):
        await asyncio.sleep(delay)

    @marker(["wall_clock"])
    async def main():
        await child(0.05)
        with marker(["wall_clock"], key="block"):
            await child(0.05)  # inside the block: under it
        await asyncio.gather(child(0.05), child(0.05))  # tasks: under main

    asyncio.run(main())
    assert [(label, depth, laps) for label, depth, laps, _ in rows()] == [
        ("main", 0, 1),
        ("child", 1, 3),
        ("block", 1, 1),
        ("child", 2, 1),
    ]


def test_tasks_of_one_function_share_one_entry(clean_data):
    @marker(["wall_clock"])
    async def work(n):
        await asyncio.sleep(SLEEP)
        return n

    @marker(["wall_clock"])
    async def main():
        tasks = [asyncio.create_task(work(i)) for i in range(3)]
        return [await t for t in tasks]

    assert asyncio.run(main()) == [0, 1, 2]
    got = by_label()
    assert set(got) == {"main", "work"}
    assert got["main"][:2] == (0, 1)
    depth, laps, sec = got["work"]
    assert (depth, laps) == (1, 3)
    assert 3 * SLEEP - 0.03 <= sec <= 3 * (SLEEP + SLACK), sec  # summed over the three


def test_task_created_outside_any_region_is_top_level(clean_data):
    @marker(["wall_clock"])
    async def a():
        await asyncio.sleep(0.05)

    async def main():  # not decorated
        await asyncio.gather(a(), a())

    asyncio.run(main())
    assert [(label, depth, laps) for label, depth, laps, _ in rows()] == [("a", 0, 2)]


def test_what_a_task_runs_nests_under_its_own_region(clean_data):
    @marker(["wall_clock"], key="sync_step")
    def sync_step():
        pass

    @marker(["wall_clock"])
    async def worker(delay):
        await asyncio.sleep(delay)
        sync_step()  # after the await: under this task's region, not the other's
        with marker(["wall_clock"], key="block"):
            await asyncio.sleep(delay)  # a `with` block across an await
            sync_step()

    @marker(["wall_clock"])
    async def other(delay):
        await asyncio.sleep(delay)

    async def main():
        await asyncio.gather(worker(0.05), other(0.075), worker(0.02))

    asyncio.run(main())
    assert [(label, depth, laps) for label, depth, laps, _ in rows()] == [
        ("worker", 0, 2),
        ("sync_step/sync_step", 1, 2),
        ("block", 1, 2),
        ("sync_step/sync_step", 2, 2),
        ("other", 0, 1),
    ]


def test_exception_inside_coroutine_closes_its_region(clean_data):
    @marker(["wall_clock"])
    async def fails():
        await asyncio.sleep(0.05)
        raise ValueError("boom")

    async def main():
        with pytest.raises(ValueError, match="boom"):
            await fails()
        await fails2()

    @marker(["wall_clock"])
    async def fails2():
        raise KeyError("before any await")

    with pytest.raises(KeyError):
        asyncio.run(main())
    got = by_label()
    assert got["fails"][:2] == (0, 1) and near(got["fails"][2], 0.05)
    assert got["fails2"][:2] == (0, 1)
    # nothing left open: a region pushed now is at the top level
    with marker(["wall_clock"], key="after"):
        pass
    assert by_label()["after"][0] == 0


def test_cancellation_closes_the_region(clean_data):
    @marker(["wall_clock"])
    async def sleeper():
        await asyncio.sleep(10)

    @marker(["wall_clock"])
    async def main():
        task = asyncio.create_task(sleeper())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    got = by_label()
    assert got["main"][:2] == (0, 1)
    depth, laps, sec = got["sleeper"]
    assert (depth, laps) == (1, 1)
    assert near(sec, 0.1), sec


@types.coroutine
def _suspend():
    yield "suspended"


def test_closed_coroutine_closes_the_region(clean_data):
    @marker(["wall_clock"])
    async def pending():
        await _suspend()

    coro = pending()
    assert coro.send(None) == "suspended"  # the first step, driven by hand
    coro.close()
    ((label, depth, laps, _),) = rows()
    assert (label, depth, laps) == ("pending", 0, 1)

    never = pending()
    never.close()  # never started: nothing measured
    assert rows()[0][2] == 1


def test_auto_timer_add_args_and_report_at_exit(clean_data, capsys):
    @auto_timer()
    async def timed():
        await asyncio.sleep(0.05)

    @marker(["wall_clock"], add_args=True)
    async def with_args(n):
        await asyncio.sleep(0.01 * n)

    @marker(["wall_clock"], report_at_exit=True)
    async def reported():
        await asyncio.sleep(0.05)

    async def main():
        await asyncio.gather(timed(), with_args(1), with_args(2), reported())

    for func in (timed, with_args, reported):
        assert inspect.iscoroutinefunction(func)
    asyncio.run(main())
    got = by_label()
    assert got["timed"][:2] == (0, 1) and near(got["timed"][2], 0.05)
    assert got["with_args(n=1)"][:2] == (0, 1) and got["with_args(n=2)"][:2] == (0, 1)
    assert near(got["reported"][2], 0.05)
    assert "reported" in capsys.readouterr().out


def test_printing_helper_on_async(clean_data, capsys):
    @timer()
    async def printed():
        await asyncio.sleep(0.05)

    assert inspect.iscoroutinefunction(printed)
    asyncio.run(printed())
    assert "printed" in capsys.readouterr().out
    assert by_label()["printed"][:2] == (0, 1)


def test_async_generator_steps(clean_data):
    @marker(["wall_clock"])
    async def produce(n):
        for i in range(n):
            await asyncio.sleep(0.01)
            yield i

    async def consume():
        got = [item async for item in produce(3)]
        gen = produce(5)
        first = await gen.__anext__()
        await gen.aclose()  # closed early: its end is one more step
        return got, first

    assert inspect.isasyncgenfunction(produce)
    assert asyncio.run(consume()) == ([0, 1, 2], 0)
    ((label, depth, laps, _),) = rows()
    assert (label, depth, laps) == ("produce", 0, (3 + 1) + (1 + 1))


def test_paused_coroutine_records_nothing(clean_data):
    @marker(["wall_clock"])
    async def quiet():
        await asyncio.sleep(0.01)

    timemory.disable()
    try:
        asyncio.run(quiet())
    finally:
        timemory.enable()
    asyncio.run(quiet())
    assert [(label, laps) for label, _, laps, _ in rows()] == [("quiet", 1)]


# ------------------------------------------------------------------------------------------
# the Profiler

PROFILED = """
import asyncio, json, sys
import timemory
from timemory.profiler import Profiler, Config
from timemory.libs import libpytimemory as _lib
backend = sys.argv[1] if len(sys.argv) > 1 else None
if backend:
    _lib.ProfilerSession._set_backend(backend)
Config.trace_c = sys.argv[2] == "1" if len(sys.argv) > 2 else False
Config.only_filenames = ["prog.py"]

async def work(delay):
    await asyncio.sleep(delay)
    return delay

async def other(delay):
    await asyncio.sleep(delay)

async def main():
    await asyncio.gather(work(0.2), other(0.2), work(0.1))

with Profiler(["wall_clock"]):
    asyncio.run(main())
data = timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]["ranks"][0]["graph"]
print("ENTRIES=" + json.dumps([[e["prefix"].replace(">>> ", "").lstrip("|_ "), e["depth"],
                                e["entry"]["laps"], e["entry"]["repr_data"]] for e in data]))
"""

BACKENDS = (["legacy", "scoped", "evalframe"] if sys.version_info < (3, 12)
            else ["monitoring", "legacy"])  # fmt: skip


@pytest.mark.parametrize("trace_c", ["0", "1"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_profiler_awaited_time_is_the_coroutine_s(run_python, backend, trace_c):
    if backend == "evalframe" and trace_c == "1":
        pytest.skip("evalframe profiles Python calls only")
    result = run_python(textwrap.dedent(PROFILED), backend, trace_c)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("ENTRIES="))
    got = {(label.split("/")[0], depth): (laps, sec)
           for label, depth, laps, sec in json.loads(line[len("ENTRIES="):])}  # fmt: skip
    names = {name for name, _ in got}
    assert {"main", "work", "other"} <= names, got
    main_depth = next(depth for name, depth in got if name == "main")
    # one entry per coroutine call, awaits included, none nested in another coroutine
    work = [(depth, v) for (name, depth), v in got.items() if name == "work"]
    other = [(depth, v) for (name, depth), v in got.items() if name == "other"]
    assert len(work) == 1 and len(other) == 1, got
    (work_depth, (work_laps, work_sec)), (other_depth, (other_laps, other_sec)) = work[0], other[0]
    assert work_laps == 2 and other_laps == 1, got
    assert work_depth == other_depth, got
    assert 0.3 - 0.02 <= work_sec <= 0.3 + 2 * SLACK, got
    assert 0.2 - 0.01 <= other_sec <= 0.2 + SLACK, got
    assert got[("main", main_depth)][0] == 1 and near(got[("main", main_depth)][1], 0.2), got


def test_profiler_and_markers_on_coroutines(run_python):
    code = textwrap.dedent("""
        import asyncio, json
        import timemory
        from timemory.profiler import Profiler, Config
        from timemory.util import marker
        Config.only_filenames = ["prog.py"]

        @marker(["wall_clock"])
        async def child(delay):
            await asyncio.sleep(delay)

        @marker(["wall_clock"])
        async def main():
            await child(0.05)
            await asyncio.gather(child(0.1), child(0.05))

        with Profiler(["wall_clock"]):
            asyncio.run(main())
        data = timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]["ranks"][0]
        print("ENTRIES=" + json.dumps([[e["prefix"], e["entry"]["laps"]] for e in data["graph"]]))
    """)
    result = run_python(code)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("ENTRIES="))
    lines = code.splitlines()
    # a decorated function's first line is its decorator's
    at = {name: next(i for i, x in enumerate(lines, 1) if x.startswith(f"async def {name}(")) - 1
          for name in ("child", "main")}  # fmt: skip
    # each marker region holds its coroutine's profiler entry; the child awaited directly is
    # under main's profiler entry, the tasks under main's region
    assert [tuple(x) for x in json.loads(line[len("ENTRIES=") :])] == [
        (">>> main", 1),
        (f">>> |_main/prog.py:{at['main']}", 1),
        (">>>   |_child", 1),
        (f">>>     |_child/prog.py:{at['child']}", 1),
        (">>> |_child", 2),
        (f">>>   |_child/prog.py:{at['child']}", 2),
    ]

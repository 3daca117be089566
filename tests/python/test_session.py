"""Profiler and Tracer as subclasses of the extension's session type (ext/session.c): the
class hierarchy, and a user's subclass overriding start/stop/configure/is_enabled obeyed by
every path of the package that a user would expect to call them (the context manager, the
decorator, run/runctx/runcall, the drop of a started object). Programs that profile run in
subprocesses (run_python)."""

import json
import textwrap

import pytest
from timemory.libs import libpytimemory as lib
from timemory.profiler import Profiler
from timemory.trace import Tracer

# a subclass of Profiler or Tracer that logs each call of the methods it overrides and
# prints the log and the profiled/traced entries; {cls} is Profiler or Tracer
SUBCLASS = """
import json, sys
import timemory
from timemory.profiler import Profiler, Config
from timemory.trace import Tracer
Config.trace_c = False
log = []

class Mine({cls}):
    def __init__(self, *args, tag="mine", **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    def configure(self):
        log.append("configure")
        super().configure()

    def start(self):
        log.append("start")
        return super().start()

    def stop(self):
        log.append("stop")
        return super().stop()

    @classmethod
    def is_enabled(cls):
        log.append("is_enabled")
        return super().is_enabled()

def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

def dump():
    data = timemory.get(components=["wall_clock"])["timemory"].get("wall_clock")
    graph = data["ranks"][0]["graph"] if data else []
    rows = [[e["prefix"].replace(">>> ", "").strip(), e["entry"]["laps"]] for e in graph]
    print("LOG=" + json.dumps(log))
    print("ROWS=" + json.dumps(rows))
"""


def outcome(result):
    assert result.returncode == 0, result.stdout + result.stderr
    found = {}
    for line in result.stdout.splitlines():
        for key in ("LOG=", "ROWS="):
            if line.startswith(key):
                found[key[:-1]] = json.loads(line[len(key) :])
    return found["LOG"], found["ROWS"]


def profiled(rows, name):
    return [laps for prefix, laps in rows if prefix.lstrip("|_ ").startswith(name + "/")]


def test_hierarchy():
    assert issubclass(Profiler, lib.ProfilerSession) and issubclass(Tracer, lib.TracerSession)
    assert issubclass(lib.ProfilerSession, lib.Session) and issubclass(
        lib.TracerSession, lib.Session
    )
    # the methods are the session type's, not copies made per class
    for name in ("start", "stop", "__enter__", "__exit__", "run", "runctx", "runcall"):
        assert getattr(Profiler, name) is getattr(lib.Session, name)
        assert getattr(Tracer, name) is getattr(lib.Session, name)
    assert Profiler.configure is not Tracer.configure
    with pytest.raises(TypeError, match="cannot be instantiated"):
        lib.Session()
    session = Profiler(["wall_clock"], flat=True)
    assert (session.components, session.flat, session.depth, session.owner) == (
        ["wall_clock"], True, 0, False)  # fmt: skip
    with pytest.raises(TypeError):
        Profiler(["wall_clock"], False, False, "extra")


@pytest.mark.parametrize("cls", ["Profiler", "Tracer"])
def test_subclass_overrides_are_called_by_every_path(run_python, cls):
    body = f"""
    prof = Mine(["wall_clock"], tag="ctx")
    with prof as entered:
        assert entered is prof and prof.tag == "ctx"
        assert prof.depth == 1 and prof.owner
        work(10)
    assert prof.depth == 0 and not prof.owner
    log.append("|")

    @Mine(["wall_clock"])
    def decorated(n):
        return work(n)

    assert decorated(5) == 10
    log.append("|")
    assert Mine(["wall_clock"]).runcall(work, 4) == 6
    log.append("|")
    prof = Mine(["wall_clock"])
    assert prof.runctx("work(3)", globals(), None) is prof
    log.append("|")
    assert prof.run("work(2)") is prof
    log.append("|")
    prof = Mine(["wall_clock"])
    prof.start()
    prof.start()  # nested: the hooks stay until the last stop
    assert prof.depth == 2
    prof.stop()
    assert {cls}._is_active()
    prof.stop()
    assert not {cls}._is_active()
    log.append("|")
    prof = Mine(["wall_clock"])
    prof.start()
    del prof  # a started session dropped stops through its own stop()
    assert not {cls}._is_active()
    dump()
    """
    code = SUBCLASS.format(cls=cls) + textwrap.dedent(body)
    log, rows = outcome(run_python(code))
    session = ["start", "is_enabled", "configure", "stop"]
    assert log == (
        session + ["|"]  # with
        + session + ["|"]  # decorator
        + session + ["|"]  # runcall
        + session + ["|"]  # runctx
        + session + ["|"]  # run -> runctx
        + session[:3] + ["start", "stop", "stop", "|"]  # nested
        + session[:3] + ["stop"]  # dropped
    )  # fmt: skip
    if cls == "Profiler":
        # every session recorded what it ran: work() once in each of the first 5
        assert sum(profiled(rows, "work")) == 5
    else:
        # the tracer shows work()'s lines: its loop line ran in each session
        assert any("total += i" in prefix and laps > 0 for prefix, laps in rows), rows


@pytest.mark.parametrize("cls", ["Profiler", "Tracer"])
def test_subclass_is_enabled_and_condition(run_python, cls):
    body = """
    class Off(Mine):
        @classmethod
        def is_enabled(cls):
            log.append("off")
            return False

    with Off(["wall_clock"]) as prof:
        assert prof.depth == 1 and not prof.owner  # counted, not installed
        work(10)

    Mine.condition(lambda: False)  # the class's predicate, which is_enabled() consults
    with Mine(["wall_clock"]) as prof:
        assert not prof.owner
    Mine.condition(lambda: 1 / 0)  # a failing predicate means "do not run"
    with Mine(["wall_clock"]) as prof:
        assert not prof.owner
    Mine.condition(lambda: True)
    with Mine(["wall_clock"]) as prof:
        assert prof.owner
    dump()
    """
    code = SUBCLASS.format(cls=cls) + textwrap.dedent(body)
    log, rows = outcome(run_python(code))
    assert log == [
        "start", "off", "stop",
        "start", "is_enabled", "stop",
        "start", "is_enabled", "stop",
        "start", "is_enabled", "configure", "stop",
    ]  # fmt: skip
    if cls == "Profiler":
        assert profiled(rows, "work") == []


def test_subclass_configure_sets_components_and_errors_propagate(run_python):
    body = """
    class Cpu(Profiler):
        def configure(self):
            self.components = ["cpu_clock"]
            super().configure()

    with Cpu(["wall_clock"]):
        work(1000)
    cpu = timemory.get(components=["cpu_clock"])["timemory"].get("cpu_clock")
    print("CPU=" + str(bool(cpu and cpu["ranks"][0]["graph"])))

    class Broken(Profiler):
        def configure(self):
            raise KeyError("from configure")

    try:
        Broken().start()
    except KeyError as err:
        print("RAISED=" + str(err))
    print("ACTIVE=" + str(Profiler._is_active()))

    class Loud(Profiler):
        def stop(self):
            super().stop()
            raise ValueError("from stop")

    try:
        with Loud(["wall_clock"]):
            pass
    except ValueError as err:
        print("EXIT=" + str(err))
    print("ACTIVE=" + str(Profiler._is_active()))
    dump()
    """
    result = run_python(SUBCLASS.format(cls="Profiler") + textwrap.dedent(body))
    outcome(result)
    assert "CPU=True" in result.stdout
    assert "RAISED='from configure'" in result.stdout
    assert "EXIT=from stop" in result.stdout
    assert result.stdout.count("ACTIVE=False") == 2


def test_replaced_hook_warning_names_the_callers_line(run_python):
    body = """
    import warnings
    Profiler._set_backend("legacy")  # sys.setprofile on this thread replaces ours
    prof = Mine(["wall_clock"])
    prof.start()
    sys.setprofile(lambda *a: None)  # another tool takes this thread's hook
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prof.stop()  # STOP LINE
    sys.setprofile(None)
    for w in caught:
        print("WARN=" + str(w.lineno) + ":" + str(w.message))
    dump()
    """
    code = SUBCLASS.format(cls="Profiler") + textwrap.dedent(body)
    result = run_python(code)
    outcome(result)
    stop_line = [i for i, line in enumerate(code.splitlines(), 1) if "# STOP LINE" in line][0]
    stop_in_mine = [i for i, line in enumerate(code.splitlines(), 1)
                    if "return super().stop()" in line][0]  # fmt: skip
    warned = [line for line in result.stdout.splitlines() if line.startswith("WARN=")]
    replaced = [w for w in warned if "another tool replaced the timemory hook" in w]
    assert len(replaced) == 1, result.stdout + result.stderr
    assert (
        "timemory.profiler: " in replaced[0]
        and "(sys.setprofile / PyEval_SetProfile)" in replaced[0]
    )
    assert " on 1 thread while" in replaced[0]
    # the first frame outside the package: the override that called the session's stop
    assert int(replaced[0][5:].split(":")[0]) == stop_in_mine, (stop_line, warned)


def test_replaced_hook_warning_outside_a_session(run_python):
    """The line profiler's form (no session ran, so the hooks know no package folder): the
    warning still skips the package's frames."""
    code = textwrap.dedent(
        """
        import warnings
        from timemory.libs import libpytimemory as lib
        from timemory.profiler._hooks import warn_replaced
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_replaced("line_profiler", 2, lib.TracerSession)  # WARN LINE
            warn_replaced("line_profiler", 0, lib.TracerSession)  # nothing
        for w in caught:
            print("WARN=" + str(w.lineno) + ":" + str(w.message))
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    line = [i for i, text in enumerate(code.splitlines(), 1) if "# WARN LINE" in text][0]
    warned = [text for text in result.stdout.splitlines() if text.startswith("WARN=")]
    assert len(warned) == 1, result.stdout
    assert warned[0].startswith(f"WARN={line}:timemory.line_profiler: another tool replaced")
    assert " on 2 threads while it was running" in warned[0]

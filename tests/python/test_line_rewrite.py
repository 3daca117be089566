"""The line profiler's rewrite backend (CPython 3.11, timemory/line_profiler/_rewrite.py and
ext/line_rewrite.c): the same hits per line as the traced backends on every control-flow shape
(loops, break/continue, try/except/finally, with, match, multi-line expressions, generators,
async, recursion, exceptions leaving a frame), a callee's time in its caller's line when the
callee raises, the original code back when no profiler holds the function, and the traced
backend for what cannot run rewritten (closures, extra components)."""

import gc
import importlib
import json
import sys
import time

import pytest
from timemory.libs import libpytimemory as lib
from timemory.line_profiler import LineProfiler, _rewrite

pytestmark = pytest.mark.skipif(
    bool(_rewrite.reason()), reason=f"rewrite backend: {_rewrite.reason()}"
)

SHAPES = '''
import asyncio
import contextlib


def loops(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        elif i % 5 == 0:
            total += 2
        else:
            total += 1
        if i > 40:
            break
    j = 0
    while j < n:
        j += 1
    while True:
        j -= 1
        if j < 5: break
    i = 0
    while i < n: i += 1
    for k in range(3): i += k
    return total + j + i


def excs(n):
    out = []
    for i in range(n):
        try:
            if i % 2:
                raise ValueError(i)
            out.append(i)
        except ValueError:
            out.append(-1)
        finally:
            out.append(0)
    with contextlib.suppress(ZeroDivisionError):
        out.append(1 / 0)
    with contextlib.nullcontext(1) as a, \\
         contextlib.nullcontext(2) as b:
        out.append(a + b)
    return out


def multiline(a, b):
    x = max(
        a,
        b,
    )
    y = (a if a > b
         else b)
    d = dict(k=a,
             v=b)
    z = [i * 2 for i in range(a)
         if i % 2]
    return sum(z) + \\
        x, y, d


def boolops(a, b):
    if a and b or (not a and
                   b):
        r = 1
    else:
        r = 2
    return r if a else -r


def gen(n):
    for i in range(n):
        yield i * 2
    x = yield 5
    return x


def usegen(n):
    t = 0
    for v in gen(n):
        t += v
    return t


def raiser(n):
    if n > 2:
        raise KeyError(n)
    return n


def catcher(n):
    c = 0
    for i in range(n):
        try:
            c += raiser(i)
        except KeyError:
            c -= 1
    return c


def recurse(n):
    if n <= 1:
        return 1
    return n * recurse(n - 1)


async def coro(n):
    t = 0
    for i in range(n):
        await asyncio.sleep(0)
        t += i
    return t


def runcoro(n):
    return asyncio.run(coro(n))


def oneliner(x): return x * 2


def formatted(obj):
    return ("<%s with id=%s>"
            % (type(obj).__name__, id(obj)))


def matchy(v):
    match v:
        case 1:
            return "one"
        case [a, b]:
            return a + b
        case {"k": x}:
            return x
        case _:
            return None


CALLS = [(loops, (60,)), (excs, (6,)), (multiline, (5, 3)), (multiline, (2, 7)),
         (boolops, (1, 0)), (boolops, (0, 1)), (boolops, (1, 1)), (usegen, (5,)),
         (catcher, (6,)), (recurse, (5,)), (runcoro, (3,)), (matchy, (1,)),
         (matchy, ([1, 2],)), (matchy, ({"k": 3},)), (matchy, (9,)), (oneliner, (2,)),
         (formatted, (3,))]
FUNCS = [loops, excs, multiline, boolops, gen, usegen, raiser, catcher, recurse, coro,
         runcoro, matchy, oneliner, formatted]
'''


@pytest.fixture
def shapes(tmp_path, monkeypatch):
    (tmp_path / "lr_shapes.py").write_text(SHAPES)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("lr_shapes")
    yield module
    sys.modules.pop("lr_shapes", None)


def hits_of(module, backend, monkeypatch):
    monkeypatch.setenv("TIMEMORY_LINE_PROFILER_BACKEND", backend)
    prof = LineProfiler(*module.FUNCS)
    rewritten = [f.__code__ is not _rewrite.original(f.__code__) for f in module.FUNCS]
    with prof:
        results = [func(*args) for func, args in module.CALLS]
    found = {
        (code.co_name, lineno): line[0]
        for code, lines in prof.code_map.items()
        for lineno, line in lines.items()
    }
    del prof
    gc.collect()
    return found, results, rewritten


def test_same_hits_as_the_traced_backend(shapes, monkeypatch):
    traced, want, flags = hits_of(shapes, "trace", monkeypatch)
    assert not any(flags)
    found, got, flags = hits_of(shapes, "auto", monkeypatch)
    assert all(flags)  # every function ran its rewritten code
    assert got == want
    assert len(traced) > 80
    assert found == traced
    # and back to the originals once the profiler is gone
    assert all(f.__code__ is _rewrite.original(f.__code__) for f in shapes.FUNCS)


def test_exact_hits_and_recursion(shapes):
    prof = LineProfiler(shapes.recurse, shapes.catcher, shapes.raiser)
    with prof:
        shapes.recurse(6)
        shapes.catcher(5)
    base = shapes.recurse.__code__.co_firstlineno
    got = {ln - base: h for ln, (h, _) in prof.code_map[_code(shapes.recurse)].items()}
    assert got == {1: 6, 2: 1, 3: 5}
    raiser = {ln - shapes.raiser.__code__.co_firstlineno: h
              for ln, (h, _) in prof.code_map[_code(shapes.raiser)].items()}  # fmt: skip
    assert raiser == {1: 5, 2: 2, 3: 3}


def _code(func):
    return _rewrite.original(func.__code__)


def slow_raiser(pause):
    time.sleep(pause)
    raise RuntimeError("late")


def slow_catcher(pause):
    try:
        slow_raiser(pause)
    except RuntimeError:
        pass
    return pause


def test_a_raising_callee_is_timed_in_its_callers_line():
    prof = LineProfiler(slow_raiser, slow_catcher)
    assert slow_catcher.__code__ is not _code(slow_catcher)
    with prof:
        slow_catcher(0.02)
    first = _code(slow_catcher).co_firstlineno
    lines = {ln - first: t for ln, (_, t) in prof.code_map[_code(slow_catcher)].items()}
    assert lines[2] >= 0.02 * 1e9  # the call line: the sleep and the raise
    callee = prof.code_map[_code(slow_raiser)]
    assert callee[_code(slow_raiser).co_firstlineno + 1][1] >= 0.02 * 1e9
    assert sum(t for _, t in callee.values()) <= lines[2]


def test_closures_and_components_stay_traced():
    def inner(n):
        total = 0
        for i in range(n):
            total += i
        return total

    prof = LineProfiler(inner)
    with prof:
        inner(4)
    assert inner.__code__ is _code(inner)  # a nested function: traced
    first = inner.__code__.co_firstlineno
    assert {ln - first: h for ln, (h, _) in prof.code_map[inner.__code__].items()} == {
        1: 1, 2: 5, 3: 4, 4: 1}  # fmt: skip
    prof2 = LineProfiler(slow_catcher, components=["cpu_clock"])
    assert slow_catcher.__code__ is _code(slow_catcher)
    with prof2:
        slow_catcher(0.0)
    assert sum(h for h, _ in prof2.code_map[_code(slow_catcher)].values()) == 5


def stepper(n):
    for i in range(n):
        yield i * 10


def test_calls_made_before_enable_are_counted_and_the_hooks_are_inert_when_off():
    prof = LineProfiler(stepper)
    assert stepper.__code__ is not _code(stepper)
    it = stepper(3)  # made before the profiler is enabled
    next(it)  # runs while off: nothing recorded
    assert prof.code_map[_code(stepper)] == {}
    with prof:
        assert list(it) == [10, 20]
    first = _code(stepper).co_firstlineno
    got = {ln - first: h for ln, (h, _) in prof.code_map[_code(stepper)].items()}
    assert got == {1: 3, 2: 2}
    assert lib.TracerSession._is_active() is False


SUITES = '''
import importlib, io, json, sys, unittest
import timemory
from timemory.line_profiler import LineProfiler
from timemory.line_profiler.line_profiler import _shared
timemory.settings.auto_output = False
prof = LineProfiler()
for name in sys.argv[1].split(","):
    prof.add_module(importlib.import_module(name))
suite = unittest.defaultTestLoader.loadTestsFromNames(sys.argv[2].split(","))
with prof:
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
hits = {f"{c.co_filename}:{c.co_name}:{n}": line[0]
        for c, lines in prof.code_map.items() for n, line in lines.items()}
print(json.dumps([len(_shared.functions.held), result.testsRun,
                  len(result.failures) + len(result.errors), hits]))
'''


def test_stdlib_suites_run_rewritten_with_the_traced_hits(run_python):
    """The standard library's own tests of textwrap, difflib, shlex, fnmatch and configparser
    pass with every function of those modules rewritten, and count what the traced backend
    counts. (Not json's: they import the module afresh, whose code objects equal the selected
    ones -- the traced backend counts those too, the rewrite backend only the functions it
    holds.)"""
    pytest.importorskip("test.test_textwrap")
    modules = "textwrap,difflib,shlex,fnmatch,configparser"
    suites = "test.test_textwrap,test.test_difflib,test.test_shlex,test.test_fnmatch,"
    suites += "test.test_configparser"
    found = {}
    for backend in ("auto", "trace"):
        env = {"TIMEMORY_LINE_PROFILER_BACKEND": backend, "PYTHONHASHSEED": "0"}
        out = run_python(SUITES, modules, suites, env=env, check=True).stdout
        found[backend] = json.loads(out.splitlines()[-1])
    (rewritten, run, failed, hits), (untouched, run2, failed2, traced) = (
        found["auto"], found["trace"])  # fmt: skip
    assert rewritten > 80 and untouched == 0
    assert run == run2 > 300 and failed == failed2 == 0
    assert len(hits) > 800
    assert hits == traced


def reloaded(n):
    return n + 1


def test_a_function_given_an_equal_code_again_runs_rewritten():
    """A reload that updates functions in place (IPython's autoreload) hands a held function
    a code object equal to its original: enabling the profiler rewrites it again."""
    prof = LineProfiler(reloaded)
    original = _code(reloaded)
    reloaded.__code__ = original.replace()  # equal, not the same object
    assert reloaded.__code__ == original and reloaded.__code__ is not original
    with prof:
        reloaded(1)
    assert reloaded.__code__ is not _code(reloaded)
    assert prof.code_map[original] == {original.co_firstlineno + 1: (1, pytest.approx(0, abs=1e7))}


def test_the_calls_of_rewritten_code_refuse_other_calls():
    with pytest.raises(TypeError, match="takes one key"):
        lib.line_profiler_line()
    with pytest.raises(TypeError, match="takes one key"):
        lib.line_profiler_leave(1, 2)
    for key in (-1, 1 << 80, "x", (1 << 40) | 7):  # not keys, or unknown code ids: ignored
        assert lib.line_profiler_line(key) is None
        assert lib.line_profiler_leave(key) is None

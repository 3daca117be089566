"""``LineProfiler``: line_profiler's profiler on timemory's line tracer, and ``LineStats``.

The counting is the tracer's C callbacks (ext/tracer.c) in its line profiler's mode
(ext/line_profiler.c): the tracer selects exactly the code objects of the enabled profilers,
counts each line's hits and the time from its line event to the next one of the same frame
(the calls it makes included, as line_profiler counts), plus any timemory component, in
per-thread C arrays. Nothing runs in Python per line event: this module takes the data when
it is asked for (get_stats, print_stats, dump_stats) or when the set of enabled profilers or
their functions change, and gives each profiler the lines of its own functions.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import pickle as _pickle
import threading as _threading
import types as _types
import warnings as _warnings
import weakref as _weakref

from ..libs import libpytimemory as _lib
from ..profiler._hooks import warn_replaced as _warn_replaced
from ..trace import tracer as _trace
from . import _rewrite

__all__ = ["LineProfiler", "LineStats", "load_stats", "is_coroutine", "is_generator"]

#: seconds per unit of the Time column (nanoseconds, as line_profiler on Linux)
TIMER_UNIT = 1e-9

# the engine's TIMEMORY_CFLAG_MAX_ACCUM (include/timemory/timemory.h): such a component keeps
# the largest value instead of the sum
_MAX_ACCUM = 0x80

_WALL_CLOCK = _lib.component_find("wall_clock")
_resume = _lib.line_profiler_resume
_pause = _lib.line_profiler_pause


def _component_rows():
    return {row["id"]: row for row in _lib.component_table()}


def _label(code):
    """line_profiler's key of a code object: (file, first line, name); the qualified name
    where the code object has one (3.11+), as line_profiler."""
    return (code.co_filename, code.co_firstlineno, getattr(code, "co_qualname", code.co_name))


def _line_info(code):
    """What the tracer asks once per selected code object: (first line, no def line, labels,
    listed). The line profiler's mode shows nothing in the call-graph: empty labels."""
    lines = _trace._code_lines(code)
    first = min([code.co_firstlineno, *lines])
    count = max([first, *lines]) - first + 1
    return (first, -1, ("",) * count, (False,) * count)


def is_coroutine(func):
    return _inspect.iscoroutinefunction(func)


def is_generator(func):
    return _inspect.isgeneratorfunction(func)


# ------------------------------------------------------------------------------------------
# the one tracer that every LineProfiler shares


class _SharedTracer:
    """Puts the tracer in the line profiler's mode for the enabled profilers and hands the
    data to the profilers that were enabled while it was gathered (the owners).

    When the tracer is set up for one profiler alone and nothing records, that profiler is
    marked ready in C: its enable() and disable() then install and remove the hooks with one C
    call each (line_profiler_resume/_pause), without coming here -- a decorated function's
    calls. Everything else first takes the mark back (_collect)."""

    def __init__(self):
        self.lock = _threading.RLock()
        self.enabled = []  # profilers enabled through here, in order
        self.owners = ()  # weak references: whose functions the data in C belongs to
        self.codes = None  # the selected code objects; None: not in the line profiler's mode
        self.mask = 0
        self.ready = None  # weak reference to the profiler marked ready
        self.functions = _rewrite.Functions()  # those running rewritten code (3.11)
        self.rewrite = False  # the selected codes run rewritten (line_profiler_rewrite)

    def _owners(self):
        return [prof for prof in (ref() for ref in self.owners) if prof is not None]

    def _same_owners(self, profilers):
        owners = self._owners()
        return len(owners) == len(profilers) and all(
            any(a is b for b in owners) for a in profilers
        )

    def _collect(self):
        """Takes the ready mark back; a profiler enabled through it is listed as enabled."""
        ready, self.ready = self.ready, None
        if _lib.line_profiler_ready(None):
            prof = ready() if ready is not None else None
            if prof is None:  # gone while recording
                self._stop()
            elif not any(p is prof for p in self.enabled):
                self.enabled = self.enabled + [prof]

    def _mark_ready(self):
        owners = self._owners()
        if self.enabled or len(owners) != 1:
            return
        prof = owners[0]
        if self.codes is not None and self.codes is prof._frozen and self.mask == prof._mask:
            _lib.line_profiler_ready(prof._token)
            self.ready = _weakref.ref(prof)

    def bank(self):
        """Takes the data gathered since the last take and gives it to its owners."""
        with self.lock:
            if self.codes is None:
                return
            ids, lines = _lib.line_profiler_take()
            if not lines:
                return
            for prof in self._owners():
                prof._absorb(ids, lines)

    @staticmethod
    def _wanted(profilers):
        if len(profilers) == 1:
            return profilers[0]._frozen_codes(), profilers[0]._mask
        codes, mask = set(), 0
        for prof in profilers:
            codes.update(prof._codes)
            mask |= prof._mask
        return frozenset(codes), mask

    def _switch(self, enabled):
        """Records for the profilers in enabled from now on (none: stops)."""
        if enabled and not self._same_owners(enabled):
            self.bank()
            self.owners = tuple(_weakref.ref(prof) for prof in enabled)
        self.enabled = enabled
        if not enabled:
            self._stop()
            self._mark_ready()
            return
        codes, mask = self._wanted(enabled)
        if codes is not self.codes and codes != self.codes:
            self.bank()
            self._stop()
            _lib.TracerSession._set_line_info(_line_info)
            _lib.line_profiler_select(codes)
            _lib.TracerSession._configure(mask)
        elif mask != self.mask:
            self.bank()
            self._stop()
            _lib.TracerSession._configure(mask)
        rewrite = self._rewrite(enabled, codes, mask)
        if rewrite != self.rewrite:
            self.bank()
            self._stop()
            _lib.line_profiler_rewrite(rewrite)
            self.rewrite = rewrite
        self.codes, self.mask = codes, mask
        if not _lib.TracerSession._is_active():
            _lib.TracerSession._install()

    def adopt(self, prof, holders):
        """prof profiles the functions in holders (_rewrite.Functions.adopt)."""
        if prof._mask == 1 << _WALL_CLOCK:
            with self.lock:
                self.functions.adopt(prof, holders)

    def _rewrite(self, profilers, codes, mask):
        """Whether the selected codes run rewritten (the rewrite backend): when every
        function holding them does and wall_clock is the only component; else (the tracer's
        hooks) those functions run their original code again."""
        per_code = [[h for prof in profilers for h in prof._holders.get(code, ())]
                    for code in codes]  # fmt: skip
        holders = [h for found in per_code for h in found]
        if mask == 1 << _WALL_CLOCK and all(per_code) and self.functions.all_rewritten(holders):
            return True
        self.functions.restore(holders)
        return False

    @staticmethod
    def _stop():
        replaced = _lib.TracerSession._uninstall()  # nothing when not running
        if replaced:
            _SharedTracer._stop_warning(replaced)

    @staticmethod
    def _stop_warning(replaced):
        _warn_replaced("line_profiler", replaced, _lib.TracerSession)

    def enable(self, prof):
        """False (with a warning) when timemory.trace.Tracer holds the tracer."""
        with self.lock:
            self._collect()
            if any(p is prof for p in self.enabled):
                return True
            if self.codes is None and _lib.TracerSession._is_active():  # timemory.trace.Tracer's
                _warnings.warn(
                    "timemory.line_profiler: the line tracer is in use by timemory.trace."
                    "Tracer; this LineProfiler records nothing until it stops",
                    RuntimeWarning,
                    stacklevel=4,
                )
                self._mark_ready()
                return False
            self._switch(self.enabled + [prof])
            return True

    def disable(self, prof):
        with self.lock:
            self._collect()
            self._switch([p for p in self.enabled if p is not prof])

    def update(self, prof):
        """prof's functions changed: an enabled profiler records the new set at once."""
        with self.lock:
            self._collect()
            if any(p is prof for p in self.enabled):
                self._switch(list(self.enabled))
            else:
                self._mark_ready()

    def forget(self, prof):
        """prof goes away: when it holds the ready mark and nothing records, the hooks are
        removed -- the pause of a resumed session leaves sys.monitoring's installed (3.12+),
        and the functions it selected would go on paying for their events. Anything else is
        left as it is (this runs from a finalizer: in the middle of this class's own work the
        mark has been taken back, and nothing happens)."""
        with self.lock:
            self.functions.forget(prof)
            ready = self.ready() if self.ready is not None else None
            if self.ready is None or ready not in (None, prof) or self.enabled:
                return
            self._collect()
            if not self.enabled and self.codes is not None:
                self._stop()

    def release(self):
        """Before the tracer serves timemory.trace.Tracer: the data is handed over and the
        tracer leaves the line profiler's mode (profilers still enabled record nothing)."""
        with self.lock:
            self._collect()
            if self.codes is None:
                return
            self.bank()
            self._stop()
            _lib.line_profiler_select(None)
            _lib.TracerSession._set_line_info(_trace._line_labels)
            self.codes, self.mask, self.owners, self.enabled = None, 0, (), []


_shared = _SharedTracer()
_trace._claim_hooks.append(_shared.release)


# ------------------------------------------------------------------------------------------
# LineStats and the .lprof file


class LineStats:
    """LineStats(timings, unit) -- what line_profiler's LineStats holds: ``timings`` maps
    (file, first line, function name) to [(line number, hits, time in units)], ``unit`` is the
    seconds of one time unit. timemory adds ``components`` (the names of the extra columns)
    and ``values`` ({key: {line number: one tuple of display values per component}})."""

    def __init__(self, timings, unit, components=(), values=None):
        self.timings = timings
        self.unit = unit
        self.components = tuple(components)
        self.values = values if values is not None else {}

    def __repr__(self):
        return f"{type(self).__name__}({self.timings!r}, {self.unit:.2G})"

    def __eq__(self, other):
        try:
            return self.timings == other.timings and self.unit == other.unit
        except AttributeError:
            return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __setstate__(self, state):
        # a file of line_profiler itself holds timings and unit only
        self.components, self.values = (), {}
        self.__dict__.update(state)

    def print(self, stream=None, output_unit=None, stripzeros=False, details=True,
              summarize=False, sort=False):  # fmt: skip
        """Prints the table (line_profiler's layout; see show_text)."""
        from ._show import show_text

        show_text(self, output_unit=output_unit, stream=stream, stripzeros=stripzeros,
                  details=details, summarize=summarize, sort=sort)  # fmt: skip

    def to_file(self, filename):
        """Writes the .lprof file (whole or not at all)."""
        _write_whole(filename, _lprof_bytes(self))


def _lprof_bytes(stats):
    """The pickle line_profiler writes and reads: a ``line_profiler.line_profiler.LineStats``
    made without arguments (NEWOBJ), its attributes set from a dict (BUILD) -- the timemory
    columns ride along as two more attributes. Built here from pickle's opcodes so that a
    file is the same whether line_profiler is installed here or not (a reference to the
    class is what the file holds; pickling one needs the class)."""
    state = {"timings": stats.timings, "unit": stats.unit}
    if stats.components:
        state["components"] = stats.components
        state["values"] = stats.values
    body = _pickle.dumps(state, protocol=2)
    assert body[:2] == b"\x80\x02" and body[-1:] == _pickle.STOP
    return b"".join(
        [
            b"\x80\x02",  # PROTO 2
            _pickle.GLOBAL + b"line_profiler.line_profiler\nLineStats\n",
            _pickle.EMPTY_TUPLE,
            _pickle.NEWOBJ,
            body[2:-1],  # the state dict (no memo entries before it: its indices hold)
            _pickle.BUILD,
            _pickle.STOP,
        ]
    )


def _write_whole(filename, data):
    filename = _os.fspath(filename)
    folder = _os.path.dirname(_os.path.abspath(filename))
    temporary = _os.path.join(folder, f".{_os.path.basename(filename)}.tmp.{_os.getpid()}")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
        _os.replace(temporary, filename)
    except BaseException:
        try:
            _os.unlink(temporary)
        except OSError:
            pass
        raise


class _Unpickler(_pickle.Unpickler):
    """Reads line_profiler's LineStats (any version: the class lived in
    ``line_profiler.line_profiler``, earlier in ``line_profiler``) as timemory's LineStats,
    so that a file loads without line_profiler installed."""

    def find_class(self, module, name):
        if name == "LineStats" and module.split(".")[0] in ("line_profiler", "timemory"):
            return LineStats
        return super().find_class(module, name)


def load_stats(filename, *more):
    """The LineStats of one .lprof file (line_profiler's or timemory's), or of several added
    (their lines summed; the coarsest unit)."""
    loaded = []
    for name in (filename, *more):
        with open(name, "rb") as handle:
            loaded.append(_Unpickler(handle).load())
    if len(loaded) == 1:
        return loaded[0]
    unit = max(stats.unit for stats in loaded)
    merged = {}
    for stats in loaded:
        factor = stats.unit / unit
        for key, rows in stats.timings.items():
            lines = merged.setdefault(key, {})
            for lineno, hits, total in rows:
                old = lines.get(lineno, (0, 0.0))
                lines[lineno] = (old[0] + hits, old[1] + total * factor)
    timings = {
        key: [(lineno, hits, int(round(total))) for lineno, (hits, total) in sorted(rows.items())]
        for key, rows in merged.items()
    }
    return LineStats(timings, unit)


# ------------------------------------------------------------------------------------------
# LineProfiler


def _code_of(obj, found=None):
    """(code objects, what to profile) of a function-like object: functions, methods,
    class/static methods, properties, partials and objects wrapping a function
    (``__wrapped__``, e.g. functools.lru_cache). The original code of a function running
    rewritten code (_rewrite); the objects holding the codes are appended to found."""
    if isinstance(obj, (classmethod, staticmethod)):
        return _code_of(obj.__func__, found)
    if isinstance(obj, property):
        codes = []
        for part in (obj.fget, obj.fset, obj.fdel):
            if part is not None:
                codes.extend(_code_of(part, found))
        return codes
    if isinstance(obj, _functools.partial):
        return _code_of(obj.func, found)
    if isinstance(obj, _types.MethodType):
        return _code_of(obj.__func__, found)
    code = getattr(obj, "__code__", None)
    if isinstance(code, _types.CodeType):
        if found is not None:
            found.append(obj)
        return [_rewrite.original(code)]
    wrapped = getattr(obj, "__wrapped__", None)
    if wrapped is not None and wrapped is not obj:
        return _code_of(wrapped, found)
    return []


class LineProfiler:
    """LineProfiler(*functions, components=None) -- time every line of the given functions
    (line_profiler's interface): ``add_function`` (also ``add_module``, ``add_class``), use
    as a decorator (``@profile``) or a context manager (``with profile:``), or
    ``enable()``/``disable()`` (``enable_by_count``/``disable_by_count`` nest);
    ``runcall``, ``runctx``, ``run``; ``print_stats``, ``get_stats``, ``dump_stats`` (a
    ``.lprof`` file that ``python -m line_profiler`` reads).

    components: timemory components shown as extra columns beside the time (names, e.g.
    ``["peak_rss", "cpu_clock"]``); the Time column is always wall_clock."""

    def __init__(self, *functions, components=None):
        names = [components] if isinstance(components, str) else list(components or [])
        names = [str(name).lower() for name in names]
        self._mask = _lib.parse_components(names) if names else 0  # unknown: ValueError
        self._mask |= 1 << _WALL_CLOCK
        rows = _component_rows()
        self._columns = [
            (cid, rows[cid]) for cid in sorted(rows) if cid != _WALL_CLOCK and self._mask >> cid & 1
        ]
        self._max_accum = {cid: bool(row["flags"] & _MAX_ACCUM) for cid, row in self._columns}
        self.functions = []
        self._codes = {}  # code object -> {lineno: [hits, time_ns, {component id: raw pair}]}
        self._holders = {}  # code object -> the functions (or others) holding it
        self._frozen = None
        self._token = object()  # this profiler's identity in C (never reused while held)
        # enable count, enabled, resumed through the ready mark (see _SharedTracer), in C:
        # the decorator's wrapper (LineProfilerWrapper) switches without running Python
        self._sw = _lib.LineProfilerSwitch(self._token)
        self.timer_unit = TIMER_UNIT
        for func in functions:
            self.add_function(func)

    # -- what is profiled ------------------------------------------------------------------

    @property
    def components(self):
        """The names of the extra columns."""
        return [row["name"] for _, row in self._columns]

    @property
    def code_map(self):
        """{code object: {line number: (hits, time in timer units)}} -- what was recorded."""
        _shared.bank()
        return {
            code: {lineno: (line[0], line[1]) for lineno, line in lines.items()}
            for code, lines in self._codes.items()
        }

    def _frozen_codes(self):
        if self._frozen is None:
            self._frozen = frozenset(self._codes)
        return self._frozen

    def add_function(self, func):
        """Profile func's lines (a function, method, class/static method, property,
        functools.partial or a wrapper with __wrapped__). Returns how many code objects were
        added; warns when func has none (a builtin, say)."""
        holders = []
        codes = _code_of(func, holders)
        if not codes:
            _warnings.warn(
                f"Could not extract a code object for the object {func!r}",
                stacklevel=2,
            )
            return 0
        added = 0
        for code in codes:
            if code not in self._codes:
                self._codes[code] = {}
                added += 1
        for holder in holders:
            owners = self._holders.setdefault(_rewrite.original(holder.__code__), [])
            if not any(holder is known for known in owners):
                owners.append(holder)
        _shared.adopt(self, holders)
        if func not in self.functions:
            self.functions.append(func)
        if added:
            self._frozen = None
            _shared.update(self)
        return added

    def add_class(self, cls):
        """Profile every function defined in the class (methods, class/static methods,
        properties, nested classes). Returns how many code objects were added."""
        return self._add_namespace(cls, vars(cls), cls.__module__, set())

    def add_module(self, module):
        """Profile every function and class defined in the module (not those it imports).
        Returns how many code objects were added."""
        return self._add_namespace(module, vars(module), module.__name__, set())

    def _add_namespace(self, owner, namespace, module_name, seen):
        if id(owner) in seen:
            return 0
        seen.add(id(owner))
        added = 0
        prefix = f"{owner.__qualname__}." if isinstance(owner, type) else ""
        for value in list(namespace.values()):
            if isinstance(value, type):
                # classes defined here (a module's, or nested in the class), not aliases
                if value.__module__ == module_name and value.__qualname__.startswith(prefix):
                    added += self._add_namespace(value, vars(value), module_name, seen)
                continue
            codes = _code_of(value)
            if not codes or any(getattr(c, "co_filename", None) is None for c in codes):
                continue
            func = getattr(value, "__func__", value)
            if getattr(func, "__module__", module_name) != module_name:
                continue
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                added += self.add_function(value)
        return added

    # -- on and off ------------------------------------------------------------------------

    # the *_by_count methods are the switch's (ext/line_profiler.c): one C call each when the
    # profiler is marked ready (_SharedTracer), else back here (_enable_shared, disable)

    @property
    def enable_count(self):
        """How many enable_by_count() are not matched by a disable_by_count() yet."""
        return self._sw.count

    @enable_count.setter
    def enable_count(self, value):
        self._sw.count = value

    def enable(self):
        """Start recording (all threads)."""
        sw = self._sw
        if sw.enabled:
            return
        if _resume(self._token):  # set up for this profiler alone
            sw.enabled = sw.resumed = True
            return
        sw.enabled = _shared.enable(self)

    def disable(self):
        """Stop recording (the data is kept)."""
        sw = self._sw
        if not sw.enabled:
            return
        sw.enabled = False
        if sw.resumed:
            sw.resumed = False
            replaced = _pause(self._token)
            if replaced > 0:
                _SharedTracer._stop_warning(replaced)
            if replaced >= 0:
                return
        _shared.disable(self)

    def _enable_shared(self):
        """The switch's slow path of enable_by_count: whether recording started."""
        return _shared.enable(self)

    @staticmethod
    def _replaced(replaced):
        """The switch's warning: other tools replaced the hooks of `replaced` threads."""
        _SharedTracer._stop_warning(replaced)

    def enable_by_count(self):
        """enable() when the count goes from 0 to 1 (nested uses: decorated calls)."""
        self._sw.enter(self)

    def disable_by_count(self):
        """disable() when the count drops back to 0."""
        self._sw.exit(self)

    def __enter__(self):
        self.enable_by_count()
        return self

    def __exit__(self, *exc):
        self.disable_by_count()
        return False

    def runcall(self, func, *args, **kwargs):
        """func(*args, **kwargs) with recording on; returns its result."""
        self.enable_by_count()
        try:
            return func(*args, **kwargs)
        finally:
            self.disable_by_count()

    def runctx(self, cmd, globals, locals):  # noqa: A002 - the profile module's names
        """exec(cmd, globals, locals) with recording on; returns self."""
        self.enable_by_count()
        try:
            exec(cmd, globals, locals)
        finally:
            self.disable_by_count()
        return self

    def run(self, cmd):
        """exec(cmd) in __main__'s namespace with recording on; returns self."""
        import __main__

        namespace = __main__.__dict__
        return self.runctx(cmd, namespace, namespace)

    def __del__(self):
        try:
            self.disable()
            _shared.forget(self)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # -- decorator -------------------------------------------------------------------------

    def __call__(self, func):
        """Decorator: profile func and record during its calls (a class: its functions)."""
        if isinstance(func, type):
            self.add_class(func)
            return func
        if isinstance(func, _types.ModuleType):
            self.add_module(func)
            return func
        self.add_function(func)
        return self.wrap_callable(func)

    def wrap_callable(self, func):
        """A wrapper of func that records while it runs (generators: while each step runs)."""
        if isinstance(func, (classmethod, staticmethod)):
            return type(func)(self.wrap_callable(func.__func__))
        if isinstance(func, property):
            parts = [self.wrap_callable(p) if p is not None else None
                     for p in (func.fget, func.fset, func.fdel)]  # fmt: skip
            return property(*parts, func.__doc__)
        if isinstance(func, _functools.partial):
            return _functools.partial(self.wrap_callable(func.func), *func.args, **func.keywords)
        if _inspect.isasyncgenfunction(func):
            return self.wrap_async_generator(func)
        if is_coroutine(func):
            return self.wrap_coroutine(func)
        if is_generator(func):
            return self.wrap_generator(func)
        return self.wrap_function(func)

    def wrap_function(self, func):
        """A wrapper of func recording while it runs: enable_by_count, the call and
        disable_by_count happen in C (ext/line_profiler.c), as functools.wraps makes it."""
        return _functools.update_wrapper(_lib.LineProfilerWrapper(func, self, self._sw), func)

    def wrap_generator(self, func):
        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            generator = func(*args, **kwargs)
            step, value = generator.send, None
            while True:
                self.enable_by_count()
                try:
                    item = step(value)
                except StopIteration as stop:
                    return stop.value
                finally:
                    self.disable_by_count()
                try:
                    value = yield item
                    step = generator.send
                except GeneratorExit:
                    generator.close()
                    raise
                except BaseException as exc:  # noqa: BLE001 - thrown in: passed on
                    step, value = generator.throw, exc

        return wrapper

    def wrap_coroutine(self, func):
        @_functools.wraps(func)
        async def wrapper(*args, **kwargs):
            self.enable_by_count()
            try:
                return await func(*args, **kwargs)
            finally:
                self.disable_by_count()

        return wrapper

    def wrap_async_generator(self, func):
        @_functools.wraps(func)
        async def wrapper(*args, **kwargs):
            generator = func(*args, **kwargs)
            step, value = generator.asend, None
            while True:
                self.enable_by_count()
                try:
                    item = await step(value)
                except StopAsyncIteration:
                    return
                finally:
                    self.disable_by_count()
                try:
                    value = yield item
                    step = generator.asend
                except GeneratorExit:
                    await generator.aclose()
                    raise
                except BaseException as exc:  # noqa: BLE001 - thrown in: passed on
                    step, value = generator.athrow, exc

        return wrapper

    # -- results ---------------------------------------------------------------------------

    def _absorb(self, ids, lines):
        """Adds one take of the tracer (ids, {code: [(lineno, hits, raw...)]}) for the code
        objects of this profiler."""
        wall = ids.index(_WALL_CLOCK)
        extra = [(cid, index) for index, cid in enumerate(ids) if cid in self._max_accum]
        for code, rows in lines.items():
            mine = self._codes.get(code)
            if mine is None:
                continue
            for row in rows:
                line = mine.get(row[0])
                if line is None:
                    line = mine[row[0]] = [0, 0, {}]
                line[0] += row[1]
                line[1] += row[2 + 2 * wall]
                for cid, index in extra:
                    raw = row[2 + 2 * index : 4 + 2 * index]
                    old = line[2].get(cid)
                    if old is None:
                        line[2][cid] = tuple(raw)
                    elif self._max_accum[cid]:
                        line[2][cid] = max(old, tuple(raw))
                    else:
                        line[2][cid] = (old[0] + raw[0], old[1] + raw[1])

    def get_stats(self):
        """LineStats: {(file, first line, name): [(line, hits, time)]}, unit (seconds per time
        unit), and the extra components' values per line."""
        _shared.bank()
        timings, values = {}, {}
        for code, lines in self._codes.items():
            key = _label(code)
            rows = timings.setdefault(key, {})
            for lineno, (hits, total, raw) in lines.items():
                if hits <= 0:
                    continue
                old = rows.get(lineno, (0, 0, {}))
                merged = dict(old[2])
                merged.update(raw)
                rows[lineno] = (old[0] + hits, old[1] + total, merged)
        for key, rows in timings.items():
            timings[key] = [(lineno, hits, total) for lineno, (hits, total, _) in sorted(rows.items())]
            if self._columns:
                values[key] = {
                    lineno: tuple(
                        tuple(_lib.component_get(cid, raw.get(cid, (0, 0))))
                        for cid, _ in self._columns
                    )
                    for lineno, (_, _, raw) in rows.items()
                }
        return LineStats(timings, self.timer_unit, self.components, values)

    def print_stats(self, stream=None, output_unit=None, stripzeros=False, details=True,
                    summarize=False, sort=False):  # fmt: skip
        """Prints each function's table: line_profiler's layout (Timer unit, Total time,
        File, Function, then Line # / Hits / Time / Per Hit / % Time / Line Contents) with
        a column per extra component before Line Contents."""
        self.get_stats().print(stream, output_unit, stripzeros, details, summarize, sort)

    def dump_stats(self, filename):
        """Writes get_stats() to filename: the .lprof file line_profiler writes and reads
        (``python -m line_profiler FILE``); written whole or not at all."""
        self.get_stats().to_file(filename)


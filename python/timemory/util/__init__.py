"""timemory.util -- decorators and context managers (spec API.md section 7).

``marker(components, key)`` records the given components into the call-graph around a function
or a ``with`` block; ``auto_timer`` does it with the timer's components; ``timer`` prints a
timer report; ``rss_usage`` prints the change in memory use. One object serves both ways::

    @marker(["wall_clock", "peak_rss"])
    def run(n): ...

    with marker(["wall_clock", timemory.component.cpu_clock], key="setup"):
        ...

Labels (``mode``): ``blank`` = key + args, ``basic`` = func + args + "/" + key, ``full`` =
func + args + "@" + file + ":" + line + "/" + key, ``defer`` (default) = basic for a decorator,
blank for a context manager; leading and trailing "/" are removed. Decorators are the
extension's FunctionMarker (push, call, pop in C); the measurement always stops, also when
the function raises.

On ``async def`` every decorator returns an ``async def`` that measures the coroutine from its
first step to its end, awaits included (the extension's CoroutineRegion): the region leaves
the thread's stack at each await, so concurrent tasks are siblings, never nested in each
other, and a task's region goes under the region of the coroutine that created it. It ends
however the coroutine ends: returned, raised, cancelled or closed. On an async generator
function each step is one lap -- producing an item, awaits included, and its end (exhausted
or closed) -- and the consumer's time between items is not counted.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import sys as _sys
import traceback as _traceback

from ..libs import libpytimemory as _lib
from . import bundles as _bundles
from . import scope

__all__ = ["auto_timer", "auto_tuple", "base_decorator", "marker", "rss_usage", "scope", "timer"]

_MODES = ("blank", "basic", "full", "defer")


def _format_bound(signature, args, kwargs):
    """The arguments of a call like inspect.formatargvalues prints them: ``(n=10)``."""
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return (
            "("
            + ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
            + ")"
        )
    bound.apply_defaults()
    parts = []
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        star = "*" if kind == kind.VAR_POSITIONAL else "**" if kind == kind.VAR_KEYWORD else ""
        parts.append(f"{star}{name}={value!r}")
    return "(" + ", ".join(parts) + ")"


def _frame_args(frame):
    return _inspect.formatargvalues(*_inspect.getargvalues(frame))


class base_decorator:
    """Label construction shared by the helpers: key, add_args, is_class, mode.

    is_class=True labels a decorated method with its qualified name (``Class.method``)."""

    def __init__(self, key="", add_args=False, is_class=False, mode="defer"):
        if not isinstance(key, str):
            raise TypeError(f"key must be str, not {type(key).__name__}")
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {', '.join(_MODES)}, not {mode!r}")
        self.key = key
        self.add_args = bool(add_args)
        self.is_class = bool(is_class)
        self.mode = mode

    def _compose(self, mode, func, args, filename, line):
        if mode == "blank":
            label = f"{self.key}{args}"
        elif mode == "basic":
            label = f"{func}{args}/{self.key}"
        else:
            label = f"{func}{args}@{filename}:{line}/{self.key}"
        return label.strip("/")

    def _decorator_parts(self, func):
        """(function name, file basename, line) of a decorated function."""
        name = getattr(func, "__qualname__" if self.is_class else "__name__", None) or repr(func)
        code = getattr(func, "__code__", None)
        filename = _os.path.basename(code.co_filename) if code else ""
        line = code.co_firstlineno if code else 0
        return name, filename, line

    def decorator_key(self, func):
        """The label of a decorated function (without arguments)."""
        mode = "basic" if self.mode == "defer" else self.mode
        name, filename, line = self._decorator_parts(func)
        return self._compose(mode, name, "", filename, line)

    def context_key(self, frame):
        """The label of a ``with`` block in frame."""
        mode = "blank" if self.mode == "defer" else self.mode
        code = frame.f_code
        args = _frame_args(frame) if self.add_args else ""
        return self._compose(
            mode, code.co_name, args, _os.path.basename(code.co_filename), frame.f_lineno
        )

    def _call_key_function(self, func):
        """A function of (args, kwargs) giving the label of one call (add_args)."""
        mode = "basic" if self.mode == "defer" else self.mode
        name, filename, line = self._decorator_parts(func)
        signature = _inspect.signature(func)

        def key_of(args, kwargs):
            return self._compose(mode, name, _format_bound(signature, args, kwargs), filename, line)

        return key_of


def _async_wrap(func, region):
    """An ``async def`` (or async generator function) calling func under
    ``region(awaitable, args, kwargs)``, a CoroutineRegion: the whole coroutine, or each step
    of an async generator (an item, or its end)."""
    if _inspect.isasyncgenfunction(func):

        @_functools.wraps(func)
        async def generator_wrapper(*args, **kwargs):
            agen = func(*args, **kwargs)
            value, error, finished = None, None, False
            try:
                while True:
                    step = agen.athrow(error) if error is not None else agen.asend(value)
                    try:
                        item = await region(step, args, kwargs)
                    except StopAsyncIteration:
                        finished = True
                        return
                    try:
                        value, error = (yield item), None
                    except GeneratorExit:
                        raise
                    except BaseException as exc:  # noqa: BLE001 - thrown in by the consumer
                        value, error = None, exc
            finally:
                if not finished:
                    await region(agen.aclose(), args, kwargs)

        return generator_wrapper

    @_functools.wraps(func)
    async def coroutine_wrapper(*args, **kwargs):
        return await region(func(*args, **kwargs), args, kwargs)

    return coroutine_wrapper


def _print_exception(exc_type, exc, tb):
    if exc_type is not None and issubclass(exc_type, Exception):
        _traceback.print_exception(exc_type, exc, tb, limit=5)


class marker(base_decorator):
    """marker(components=[], key="", add_args=False, is_class=False, report_at_exit=False,
    mode="defer", flat=None, timeline=None)

    components: strings (``"wall_clock"``; aliases and class names work too) and/or
    ``timemory.component.id`` values, mixed, or a callable returning such a list; an unknown
    name raises ValueError naming the close matches. flat/timeline (bool) fix the scope; left
    as None the settings flat_profile/timeline_profile decide at each push. report_at_exit
    prints the measured values after each call / block. An empty component list records
    nothing."""

    def __init__(
        self,
        components=(),
        key="",
        add_args=False,
        is_class=False,
        report_at_exit=False,
        mode="defer",
        flat=None,
        timeline=None,
    ):
        super().__init__(key, add_args, is_class, mode)
        if callable(components) and not isinstance(components, (str, type)):
            components = components()
        if isinstance(components, str):
            components = [components]
        self.components = list(components)
        self.mask = _lib.parse_components(self.components) if self.components else 0
        self.report_at_exit = bool(report_at_exit)
        self.scope = scope.bits(flat, timeline)
        self._active = []

    # -- decorator ------------------------------------------------------------------------
    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"marker decorates a callable, not {type(func).__name__}")
        if self.mask == 0:
            return func
        if _inspect.iscoroutinefunction(func) or _inspect.isasyncgenfunction(func):
            return self._async_wrapper(func)
        if self.report_at_exit:
            return self._reporting_wrapper(func)
        if self.add_args:
            return self._argument_wrapper(func)
        wrapper = _lib.FunctionMarker(
            func, _lib.add_hash_id(self.decorator_key(func)), self.mask, self.scope
        )
        try:
            _functools.update_wrapper(wrapper, func)
        except AttributeError:  # a read-only attribute of the C wrapper: keep what it has
            pass
        return wrapper

    def _argument_wrapper(self, func):
        key_of = self._call_key_function(func)
        mask, scope_bits = self.mask, self.scope

        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _lib.ScopedMarker(_lib.add_hash_id(key_of(args, kwargs)), mask, scope_bits):
                return func(*args, **kwargs)

        return wrapper

    def _async_wrapper(self, func):
        key_of = self._call_key_function(func) if self.add_args else None
        mask, scope_bits = self.mask, self.scope
        if self.report_at_exit:
            fixed_key = None if key_of else self.decorator_key(func)

            def region(awaitable, args, kwargs):
                reporter = _Reporter(key_of(args, kwargs) if key_of else fixed_key,
                                     self.components, mask, scope_bits)  # fmt: skip
                return _lib.CoroutineRegion(
                    awaitable, begin=reporter.__enter__, end=reporter.__exit__
                )

        elif key_of:

            def region(awaitable, args, kwargs):
                key = _lib.add_hash_id(key_of(args, kwargs))
                return _lib.CoroutineRegion(awaitable, key, mask, scope_bits)

        else:
            key = _lib.add_hash_id(self.decorator_key(func))

            def region(awaitable, args, kwargs):
                return _lib.CoroutineRegion(awaitable, key, mask, scope_bits)

        return _async_wrap(func, region)

    def _reporting_wrapper(self, func):
        key_of = self._call_key_function(func) if self.add_args else None
        fixed_key = None if self.add_args else self.decorator_key(func)

        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = key_of(args, kwargs) if key_of else fixed_key
            with _Reporter(key, self.components, self.mask, self.scope):
                return func(*args, **kwargs)

        return wrapper

    # -- context manager ------------------------------------------------------------------
    def __enter__(self):
        if self.mask == 0:
            self._active.append(None)
            return self
        key = self.context_key(_sys._getframe(1))
        if self.report_at_exit:
            active = _Reporter(key, self.components, self.mask, self.scope)
        else:
            active = _lib.ScopedMarker(_lib.add_hash_id(key), self.mask, self.scope)
        self._active.append(active)
        active.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        active = self._active.pop() if self._active else None
        try:
            if active is not None:
                active.__exit__(None, None, None)
        finally:
            _print_exception(exc_type, exc, tb)
        return False


auto_tuple = marker


class _Reporter:
    """Records into the call-graph and also measures with component objects to print them."""

    def __init__(self, key, components, mask, scope_bits):
        self.key = key
        self.marker = _lib.ScopedMarker(_lib.add_hash_id(key), mask, scope_bits)
        names = [int(c) if not isinstance(c, str) else c for c in components]
        self.bundle = _bundles._Bundle(key)
        self.bundle._rows = _bundles._rows(names)
        self.bundle._objects = [getattr(_lib, r["class_name"])(key) for r in self.bundle._rows]

    def __enter__(self):
        self.marker.start()
        for obj in self.bundle._objects:
            obj.start()
        return self

    def __exit__(self, *exc):
        try:
            for obj in reversed(self.bundle._objects):
                obj.stop()
        finally:
            self.marker.stop()
        print(str(self.bundle))
        return False


class auto_timer(marker):
    """auto_timer(key="", add_args=False, is_class=False, report_at_exit=False, mode="defer")
    -- a marker with the timer's components (wall_clock, cpu_clock, cpu_util, peak_rss; those
    available here)."""

    def __init__(self, key="", add_args=False, is_class=False, report_at_exit=False, mode="defer"):
        components = [row["name"] for row in _bundles._rows(_bundles.timer._names)]
        super().__init__(components, key, add_args, is_class, report_at_exit, mode)


class _PrintingHelper(base_decorator):
    """A helper that measures with a bundle object around a call or block and prints it."""

    def _bundle(self, key):
        raise NotImplementedError

    def _run(self, key, body):
        bundle = self._bundle(key)
        bundle.start()
        try:
            return body()
        finally:
            bundle.stop()
            bundle.report()

    def __call__(self, func):
        key_of = self._call_key_function(func) if self.add_args else None
        fixed_key = None if self.add_args else self.decorator_key(func)
        if _inspect.iscoroutinefunction(func) or _inspect.isasyncgenfunction(func):

            def region(awaitable, args, kwargs):
                bundle = self._bundle(key_of(args, kwargs) if key_of else fixed_key)

                def end():
                    try:
                        bundle.stop()
                    finally:
                        bundle.report()

                return _lib.CoroutineRegion(awaitable, begin=bundle.start, end=end)

            return _async_wrap(func, region)

        @_functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = key_of(args, kwargs) if key_of else fixed_key
            return self._run(key, lambda: func(*args, **kwargs))

        return wrapper

    def __enter__(self):
        if not hasattr(self, "_active"):
            self._active = []
        bundle = self._bundle(self.context_key(_sys._getframe(1)))
        self._active.append(bundle)
        bundle.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        bundle = self._active.pop()
        try:
            bundle.stop()
            bundle.report()
        finally:
            _print_exception(exc_type, exc, tb)
        return False


class timer(_PrintingHelper):
    """timer(key="", add_args=False, is_class=False, mode="defer") -- a timemory.timer around
    the call or block (stored in the call-graph), printed when it ends."""

    def _bundle(self, key):
        return _bundles.timer(key)


class _RssDifference:
    """rss_usage snapshots before and after; reports after - before."""

    def __init__(self, key):
        self.before = _bundles.rss_usage(key)
        self.after = _bundles.rss_usage(key)

    def start(self):
        self.before.record()

    def stop(self):
        self.after.record()
        self.after -= self.before

    def report(self):
        print(str(self.after))


class rss_usage(_PrintingHelper):
    """rss_usage(key="", add_args=False, is_class=False, mode="defer") -- prints the change of
    page_rss, peak_rss, page faults and context switches over the call or block (nothing is
    stored in the call-graph)."""

    def _bundle(self, key):
        return _RssDifference(key)

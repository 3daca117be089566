"""What the function profiler (``timemory.profiler``) and the line tracer (``timemory.trace``)
share: settings and component-list helpers, the ``Config`` class factory, and the base classes
of ProfilerBundle/TraceBundle (``HookBundle``), of Profiler/Tracer's decorator form
(``SessionDecorator``; the sessions themselves subclass the extension's ProfilerSession and
TracerSession, cProfile's shape) and of FakeProfiler/FakeTracer (``FakeSession``).

It lives in the profiler package (the tracer already builds on it) rather than at the top of
timemory, whose help() lists the seed's package contents. Nothing here runs per profiled or
traced event: that is the C callbacks.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import re as _re

from ..libs import libpytimemory as _lib

# the timemory package folder: its frames are skipped unless Config.include_internal
PACKAGE_DIR = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))


def get_setting(name, default):
    try:
        return _lib.settings_get(name)
    except (AttributeError, KeyError, ValueError):
        return default


def set_setting(name, value):
    try:
        _lib.settings_set(name, value)
    except (AttributeError, KeyError, ValueError, TypeError):
        pass


def _component_names():
    """{enum value: name} of every component."""
    return {row["id"]: row["name"] for row in _lib.component_table()}


def _split(text):
    return [item for item in _re.split(r"[\s,;:]+", str(text or "")) if item]


def valid_components(names):
    """The names that name a component (the others were reported by the caller); wall_clock
    when none does, so a session always records something."""
    valid = []
    for name in names:
        try:
            _lib.parse_components(name)
        except (ValueError, TypeError):
            continue
        valid.append(name)
    return valid or ["wall_clock"]


def component_list(components, setting):
    """The user's components (a list, a str, or a callable returning either) joined with the
    names in the given setting (or global_components when it is empty): lower-cased, without
    duplicates. When the setting was empty it is set to the result. Empty: ["wall_clock"]."""
    if callable(components):
        components = components()
    if components is None:
        components = []
    elif isinstance(components, (str, int)):
        components = [components]
    names = None
    result = []
    for item in list(components):
        if isinstance(item, int):
            names = names if names is not None else _component_names()
            item = names.get(int(item), str(item))
        for part in _split(item):
            part = part.lower()
            if part not in result:
                result.append(part)
    configured = str(get_setting(setting, "") or "")
    source = configured if configured.strip() else str(get_setting("global_components", "") or "")
    for part in _split(source):
        part = part.lower()
        if part not in result:
            result.append(part)
    if not result:
        result = ["wall_clock"]
    if not configured.strip():
        set_setting(setting, ",".join(result))
    return result


def scope_flags(flat, timeline):
    scope = _lib.SCOPE_FLAT if flat else _lib.SCOPE_TREE
    if timeline:
        scope |= _lib.SCOPE_TIMELINE
    return scope


def warn_replaced(tool, count, session_type):
    """The warning for a hook that another tool replaced while ours ran (session_type: the
    extension's ProfilerSession or TracerSession, whose hook it names), attributed to the
    first caller outside the timemory package."""
    if count:
        session_type._warn_replaced(tool, count)


def with_absolute_paths(value):
    """File lists also match through the absolute path of entries that name a path."""
    items = [value] if isinstance(value, str) else list(value)
    result = []
    for item in items:
        result.append(item)
        if isinstance(item, str) and _os.sep in item:
            absolute = _os.path.abspath(item)
            if absolute != item:
                result.append(absolute)
    return result


# ------------------------------------------------------------------------------------------
# Config


def config_setter(raw_set):
    """set_(field, value) for make_config_type: only_filenames also gets absolute paths."""

    def set_(field, value):
        if field == "only_filenames":
            value = with_absolute_paths(value)
        raw_set(field, value)

    return set_


def make_config_type(name, doc, fields, get, set_, clear, is_running, set_running, module):
    """A class whose fields are properties both on the class (``Config.x = ...``) and on
    instances; list fields add to their set instead of replacing it. module: the class's
    ``__module__``."""

    def field_property(field):
        return property(
            lambda self: get(field),
            lambda self, value: set_(field, value),
            doc=fields[field],
        )

    running = property(
        lambda self: is_running(),
        lambda self, value: set_running(bool(value)),
        doc="whether a profiling session is active (between init and finalize)",
    )
    meta_namespace = {field: field_property(field) for field in fields}
    meta_namespace["_is_running"] = running
    meta_namespace["__module__"] = module
    meta = type(name + "Type", (type,), meta_namespace)

    namespace = {field: field_property(field) for field in fields}
    namespace["_is_running"] = running
    namespace["__doc__"] = doc
    namespace["__module__"] = module

    def as_dict(cls):
        """Every field as a dict"""
        return {field: get(field) for field in fields}

    def clear_field(cls, field=None):
        """Empty one list field, or restore every default (field None)"""
        clear(field)

    def repr_(self):
        values = ", ".join(f"{field}={get(field)!r}" for field in fields)
        return f"{name}({values})"

    namespace["as_dict"] = classmethod(as_dict)
    namespace["clear"] = classmethod(clear_field)
    namespace["__repr__"] = repr_
    return meta(name, (), namespace)


def hook_config_type(session_type, doc, fields, module):
    """The Config class of the profiler or the tracer over the static methods of its session
    type (the extension's ProfilerSession or TracerSession)."""
    clear = session_type._config_clear
    return make_config_type(
        "Config",
        doc,
        fields,
        session_type._config_get,
        config_setter(session_type._config_set),
        lambda field: clear(field) if field else clear(),
        session_type._is_running,
        session_type._set_running,
        module,
    )


# ------------------------------------------------------------------------------------------
# bundles


class HookBundle:
    """HookBundle(func, file, line, extra=[]) -- the base of ProfilerBundle and TraceBundle:
    a marker of key ``"<func>@<file>:<line>"`` (+ ``"/" + "/".join(extra)``) recording the
    class attributes _mask and _scope, which the subclass's own configure() sets."""

    _mask = 0
    _scope = 0

    def __init__(self, func, file, line, extra=()):
        key = f"{func}@{file}:{line}"
        if extra:
            key += "/" + "/".join(str(item) for item in extra)
        self._key = key
        self._marker = None

    @classmethod
    def bundle_size(cls):
        """The number of configured components."""
        return bin(cls._mask).count("1")

    def key(self):
        return self._key

    def start(self):
        if self._marker is not None or not self._mask or not _lib.enabled():
            return
        self._marker = _lib.ScopedMarker(_lib.add_hash_id(self._key), self._mask, self._scope)
        self._marker.start()

    def stop(self):
        marker, self._marker = self._marker, None
        if marker is not None:
            marker.stop()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


# ------------------------------------------------------------------------------------------
# sessions


class SessionDecorator:
    """The decorator form of Profiler and Tracer (mixed in before the extension's session
    type, which does the rest: start/stop, the context manager, run/runctx/runcall)."""

    __slots__ = ()

    def __call__(self, func):
        """Decorator: run self.start() before and self.stop() after every call of func (a
        coroutine function: around the whole coroutine, awaits included)."""
        if _inspect.iscoroutinefunction(func):

            @_functools.wraps(func)
            async def coroutine_wrapper(*args, **kwargs):
                self.start()
                try:
                    return await func(*args, **kwargs)
                finally:
                    self.stop()

            return coroutine_wrapper

        @_functools.wraps(func)
        def function_wrapper(*args, **kwargs):
            self.start()
            try:
                return func(*args, **kwargs)
            finally:
                self.stop()

        return function_wrapper


class FakeSession:
    """The Profiler/Tracer interface doing nothing: the base of FakeProfiler / FakeTracer."""

    @staticmethod
    def condition(functor):
        pass

    @staticmethod
    def is_enabled():
        return False

    def __init__(self, *args, **kwargs):
        pass

    def configure(self):
        pass

    def start(self):
        return 0

    def stop(self):
        return 0

    def __call__(self, func):
        return func

    def __enter__(self, *args, **kwargs):
        return self

    def __exit__(self, exec_type, exec_value, exec_tb):
        return False

    def run(self, cmd):
        import __main__

        exec(cmd, __main__.__dict__, __main__.__dict__)
        return self

    def runctx(self, cmd, globals, locals):  # noqa: A002
        exec(cmd, globals, locals)
        return self

    def runcall(self, func, *args, **kwargs):
        return func(*args, **kwargs)

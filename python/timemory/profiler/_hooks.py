"""What the function profiler (``timemory.profiler``) and the line tracer (``timemory.trace``)
share: settings and component-list helpers, the ``Config`` class factory, and the class
decorators that give ProfilerBundle/TraceBundle, Profiler/Tracer and FakeProfiler/FakeTracer
their common methods.

The decorators copy the methods of a template class into the decorated class (docstrings
filled with its words), so each class keeps its own methods, names, docstrings and plain
``object`` base: help() and introspection read as if the methods were written there. It lives
in the profiler package (the tracer already builds on it) rather than at the top of timemory,
whose help() lists the seed's package contents. Nothing here runs per profiled or traced
event: that is the C callbacks.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import re as _re
import sys as _sys
import types as _types
import warnings as _warnings

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


def warn_replaced(tool, count, what):
    """The warning for a hook that another tool replaced while ours ran, attributed to the
    first caller outside the timemory package."""
    if not count:
        return
    level, frame = 1, _sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR + _os.sep):
        frame, level = frame.f_back, level + 1
    _warnings.warn(
        f"timemory.{tool}: another tool replaced the timemory hook ({what}) on {count} "
        f"thread{'s' if count > 1 else ''} while it was running; events after that point were "
        "not recorded and the other tool's hook was left in place",
        RuntimeWarning,
        stacklevel=level,
    )


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


def hook_config_type(prefix, doc, fields, module):
    """The Config class of the profiler (prefix "profiler") or the tracer ("tracer") over the
    extension's ``<prefix>_config_*`` and ``<prefix>_is_running/_set_running`` functions."""
    clear = getattr(_lib, f"{prefix}_config_clear")
    return make_config_type(
        "Config",
        doc,
        fields,
        getattr(_lib, f"{prefix}_config_get"),
        config_setter(getattr(_lib, f"{prefix}_config_set")),
        lambda field: clear(field) if field else clear(),
        getattr(_lib, f"{prefix}_is_running"),
        getattr(_lib, f"{prefix}_set_running"),
        module,
    )


# ------------------------------------------------------------------------------------------
# method templates: a decorator copies them into the class it decorates, so the classes keep
# their own methods, names, docstrings and plain ``object`` base (help() reads as before)


def _copy_into(cls, template, words):
    """Copy every function of template into cls (docstrings formatted with words), as if it
    had been written there; other attributes are set as they are. Names cls defines stay."""
    for name, member in vars(template).items():
        if name in vars(cls) or name in ("__dict__", "__weakref__", "__doc__", "__module__"):
            continue
        wrapper, function = None, member
        if isinstance(member, (staticmethod, classmethod)):
            wrapper, function = type(member), member.__func__
        if not (
            isinstance(function, _types.FunctionType)
            and function.__qualname__.startswith(template.__qualname__ + ".")
        ):
            setattr(cls, name, member)
            continue
        copy = _types.FunctionType(
            function.__code__, function.__globals__, name, function.__defaults__,
            function.__closure__,
        )  # fmt: skip
        copy.__kwdefaults__ = function.__kwdefaults__
        copy.__qualname__ = f"{cls.__qualname__}.{name}"
        copy.__module__ = cls.__module__
        copy.__doc__ = function.__doc__.format(**words) if function.__doc__ else None
        setattr(cls, name, wrapper(copy) if wrapper else copy)
    return cls


def _condition_methods(cls, verbs):
    """condition() and is_enabled() as staticmethods of cls: the predicate is cls's own."""

    def condition(functor):
        cls._conditional_functor = staticmethod(functor)

    def is_enabled():
        try:
            return bool(cls._conditional_functor())
        except Exception:  # noqa: BLE001 - a failing predicate means "do not run"
            return False

    condition.__doc__ = (
        f"A zero-argument predicate deciding whether start() {verbs} (default: always)."
    )
    for function in (condition, is_enabled):
        function.__qualname__ = f"{cls.__qualname__}.{function.__name__}"
        function.__module__ = cls.__module__
        setattr(cls, function.__name__, staticmethod(function))


# ------------------------------------------------------------------------------------------
# bundles


class _HookBundle:
    """Template of ProfilerBundle / TraceBundle: the class attributes _mask and _scope are set
    by the class's own configure()."""

    _mask = 0
    _scope = 0

    def __init__(self, func, file, line, extra=()):
        key = f"{func}@{file}:{line}"
        if extra:
            key += "/" + "/".join(str(item) for item in extra)
        self._key = key
        self._marker = None

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


def hook_bundle(cls):
    """Class decorator: the bundle methods of the profiler's or the tracer's bundle class."""
    _copy_into(cls, _HookBundle, {})

    def bundle_size():
        return bin(cls._mask).count("1")

    bundle_size.__qualname__ = f"{cls.__qualname__}.bundle_size"
    bundle_size.__module__ = cls.__module__
    cls.bundle_size = staticmethod(bundle_size)
    return cls


# ------------------------------------------------------------------------------------------
# sessions


class _HookSession:
    """Template of Profiler / Tracer (see hook_session)."""

    @staticmethod
    def _conditional_functor():
        """The default predicate of condition(): always."""
        return True

    def _init_session(self, components, kwargs):
        self.components = components
        self.debug = bool(kwargs.get("debug", False))
        self._original_function = self._get_hook()
        self._unset = 0
        self._owner = False  # this object installed the hooks

    def _hooks(self, action):
        return getattr(_lib, f"{self._prefix}_{action}")()

    def start(self):
        """Install the {tool} (when none runs and is_enabled()); nests: returns the count."""
        if (
            not self._owner
            and not self._hooks("is_active")
            and not self._config._is_running
            and self.is_enabled()
            and self._get_hook() is self._original_function
        ):
            self.configure()
            try:
                backend = self._hooks("start")
            except Exception:
                self._hooks("finalize")
                raise
            self._owner = True
            if self.debug:
                print(f"[timemory.{self._tool}]> started ({backend})", file=_sys.stderr)
        self._unset += 1
        return self._unset

    def stop(self):
        """Undo one start(); the last one removes the hooks and {last_stop}."""
        if self._unset > 0:
            self._unset -= 1
        if self._unset == 0 and self._owner:
            self._owner = False
            what = self._replaced_what()
            try:
                replaced = self._hooks("stop")
            finally:
                self._session_finalize()
            warn_replaced(self._tool, replaced, what)
        return self._unset

    def __call__(self, func):
        """Decorator: {verb} every call of func (and what it calls)."""
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

    def __enter__(self, *args, **kwargs):
        self.start()
        return self

    def __exit__(self, exec_type, exec_value, exec_tb):
        self.stop()
        return False

    def run(self, cmd):
        """{Verb} exec(cmd) in __main__'s namespace."""
        import __main__

        namespace = __main__.__dict__
        return self.runctx(cmd, namespace, namespace)

    def runctx(self, cmd, globals, locals):  # noqa: A002 - the cProfile names
        """{Verb} exec(cmd, globals, locals)."""
        self.start()
        try:
            exec(cmd, globals, locals)
        finally:
            self.stop()
        return self

    def runcall(self, func, *args, **kwargs):
        """{Verb} func(*args, **kwargs) and return its result."""
        self.start()
        try:
            return func(*args, **kwargs)
        finally:
            self.stop()

    def __del__(self):
        try:
            while self._owner and self._unset > 0:
                self.stop()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def hook_session(**words):
    """Class decorator: the shared methods of Profiler and Tracer. words fill the docstrings
    (tool, verb, Verb, verbs, last_stop). The class sets _prefix (of the extension's
    ``<prefix>_is_active/_start/_stop/_finalize``), _tool (``timemory.<tool>`` in messages),
    _config (its Config) and, as staticmethods, _get_hook (sys.getprofile / sys.gettrace),
    _session_finalize (the package's ``*_finalize``) and _replaced_what (the hook named in
    the replaced-hook warning), plus __init__ (calling _init_session) and configure()."""

    def decorate(cls):
        _copy_into(cls, _HookSession, words)
        _condition_methods(cls, words["verbs"])
        return cls

    return decorate


class _FakeSession:
    """Template of FakeProfiler / FakeTracer: the Profiler/Tracer interface doing nothing."""

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


def fake_session(cls):
    """Class decorator: the do-nothing methods of FakeProfiler / FakeTracer."""
    return _copy_into(cls, _FakeSession, {})

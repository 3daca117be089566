"""The function profiler: ``Profiler`` (decorator, context manager, run/runctx/runcall),
``Config`` and ``ProfilerBundle``.

The hooks are C callbacks (the extension's ``profiler_*`` functions): every call of a
selected Python function -- and, with ``Config.trace_c``, every C function it calls -- pushes a
node onto the calling thread's call-graph and pops it on return, so profiled calls nest with
markers, regions and traced lines. Which functions are selected, and their labels
(``func/file.py:line``), are decided once per code object from ``Config``.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import re as _re
import sys as _sys
import warnings as _warnings

from ..libs import libpytimemory as _lib

__all__ = [
    "Profiler",
    "FakeProfiler",
    "Config",
    "ProfilerBundle",
    "profiler_function",
    "profiler_init",
    "profiler_finalize",
    "config",
    "profile",
    "noprofile",
]

# the timemory package folder: its frames are skipped unless Config.include_internal
_PACKAGE_DIR = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))

profiler_function = _lib.profiler_function


def _setting(name, default):
    try:
        return _lib.settings_get(name)
    except (AttributeError, KeyError, ValueError):
        return default


def _set_setting(name, value):
    try:
        _lib.settings_set(name, value)
    except (AttributeError, KeyError, ValueError, TypeError):
        pass


def _component_names():
    """{enum value: name} of every component."""
    return {row["id"]: row["name"] for row in _lib.component_table()}


def _split(text):
    return [item for item in _re.split(r"[\s,;:]+", str(text or "")) if item]


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
    configured = str(_setting(setting, "") or "")
    source = configured if configured.strip() else str(_setting("global_components", "") or "")
    for part in _split(source):
        part = part.lower()
        if part not in result:
            result.append(part)
    if not result:
        result = ["wall_clock"]
    if not configured.strip():
        _set_setting(setting, ",".join(result))
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
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR + _os.sep):
        frame, level = frame.f_back, level + 1
    _warnings.warn(
        f"timemory.{tool}: another tool replaced the timemory hook ({what}) on {count} "
        f"thread{'s' if count > 1 else ''} while it was running; events after that point were "
        "not recorded and the other tool's hook was left in place",
        RuntimeWarning,
        stacklevel=level,
    )


_REPLACED_WHAT = {
    "legacy": "sys.setprofile / PyEval_SetProfile",
    "evalframe": "the PEP 523 frame-evaluation hook",
}


def _format_args(frame):
    """Config.include_args: the call's argument values, as inspect.formatargvalues gives them."""
    try:
        return _inspect.formatargvalues(*_inspect.getargvalues(frame))
    except Exception:  # noqa: BLE001 - a label must never break the profiled program
        return ""


# ------------------------------------------------------------------------------------------
# Config


def make_config_type(name, doc, fields, get, set_, clear, is_running, set_running):
    """A class whose fields are properties both on the class (``Config.x = ...``) and on
    instances; list fields add to their set instead of replacing it."""

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
    meta = type(name + "Type", (type,), meta_namespace)

    namespace = {field: field_property(field) for field in fields}
    namespace["_is_running"] = running
    namespace["__doc__"] = doc
    namespace["__module__"] = __name__

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


_PROFILER_FIELDS = {
    "trace_c": "also profile C functions (labelled by their caller)",
    "include_internal": "profile the functions of the timemory package",
    "include_args": "append the argument values to the label",
    "include_line": "append ':<first line>' to the label",
    "include_filename": "append '/<file>' to the label",
    "full_filepath": "use the full path instead of the file's base name",
    "max_stack_depth": "deepest profiled call nesting recorded (per thread)",
    "verbosity": "logging level",
    "only_functions": "profile only these function names (setting adds to the set)",
    "only_filenames": "profile only these files: base names or full paths (adds)",
    "skip_functions": "never profile these function names (adds)",
    "skip_filenames": "never profile these files: base names or full paths (adds)",
}


def _profiler_set(field, value):
    if field == "only_filenames":
        value = _with_absolute_paths(value)
    _lib.profiler_config_set(field, value)


def _with_absolute_paths(value):
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


Config = make_config_type(
    "Config",
    """Profiler configuration (static properties). Setting a list property ADDS to the set;
    ``Config.clear("only_filenames")`` empties one, ``Config.clear()`` restores the defaults.""",
    _PROFILER_FIELDS,
    _lib.profiler_config_get,
    _profiler_set,
    lambda field: _lib.profiler_config_clear(field) if field else _lib.profiler_config_clear(),
    _lib.profiler_is_running,
    _lib.profiler_set_running,
)

config = Config


def profiler_init():
    """Prepare a profiling session: records the timemory package folder, forgets earlier
    decisions and marks the profiler running (``Config._is_running``)."""
    _lib.profiler_init(_PACKAGE_DIR)
    _lib.profiler_set_args_formatter(_format_args)


def profiler_finalize():
    """End the profiling session: removes the hooks if installed, clears the decisions."""
    backend = _lib.profiler_backend()
    warn_replaced("profiler", _lib.profiler_finalize(), _REPLACED_WHAT.get(backend, backend))
    errors = _lib.profiler_take_errors()
    if errors:
        _warnings.warn(
            f"timemory.profiler: {errors} events were dropped (out of memory)",
            RuntimeWarning,
            stacklevel=2,
        )


class ProfilerBundle:
    """ProfilerBundle(func, file, line, extra=[]) -- the component set of the profiler, also
    usable on its own: key ``"<func>@<file>:<line>"`` (+ ``"/" + "/".join(extra)``).
    ``configure(components, flat_profile, timeline_profile)`` sets what profiled calls record."""

    _mask = 0
    _scope = 0

    def __init__(self, func, file, line, extra=()):
        key = f"{func}@{file}:{line}"
        if extra:
            key += "/" + "/".join(str(item) for item in extra)
        self._key = key
        self._marker = None

    @staticmethod
    def configure(components=(), flat_profile=False, timeline_profile=False):
        """Set the components (empty: wall_clock) and the scope of profiled calls."""
        components = list(components) or ["wall_clock"]
        mask = _lib.parse_components(components)
        scope = scope_flags(flat_profile, timeline_profile)
        ProfilerBundle._mask, ProfilerBundle._scope = mask, scope
        _lib.profiler_configure(mask, scope)

    @staticmethod
    def reset():
        """Remove the configured components."""
        ProfilerBundle._mask = ProfilerBundle._scope = 0
        _lib.profiler_configure(0, 0)

    @staticmethod
    def bundle_size():
        return bin(ProfilerBundle._mask).count("1")

    def key(self):
        return self._key

    def start(self):
        if self._marker is not None or not ProfilerBundle._mask or not _lib.enabled():
            return
        self._marker = _lib.ScopedMarker(
            _lib.add_hash_id(self._key), ProfilerBundle._mask, ProfilerBundle._scope
        )
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
# Profiler


def _always():
    return True


class Profiler:
    """Profiler(components=[], flat=False, timeline=False, **kwargs) -- profile the functions
    called while it runs: as a decorator, a context manager, or with start()/stop(),
    run(cmd), runctx(cmd, globals, locals) and runcall(func, *args, **kwargs).

    components: a list of names, one name, or a callable returning them (joined with
    settings.profiler_components). flat / timeline: the call-graph scope of profiled calls
    (also on when settings.flat_profile / timeline_profile are)."""

    _conditional_functor = staticmethod(_always)

    @staticmethod
    def condition(functor):
        """A zero-argument predicate deciding whether start() profiles (default: always)."""
        Profiler._conditional_functor = staticmethod(functor)

    @staticmethod
    def is_enabled():
        try:
            return bool(Profiler._conditional_functor())
        except Exception:  # noqa: BLE001 - a failing predicate means "do not profile"
            return False

    def __init__(self, components=[], flat=False, timeline=False, **kwargs):  # noqa: B006
        self.components = components
        self.flat = bool(flat)
        self.timeline = bool(timeline)
        self.debug = bool(kwargs.get("debug", False))
        self._original_function = _sys.getprofile()
        self._unset = 0
        self._owner = False  # this object installed the hooks

    def configure(self):
        """Start a profiling session with this profiler's components and scope."""
        profiler_init()
        names = component_list(self.components, "profiler_components")
        flat = bool(_setting("flat_profile", False)) or self.flat
        timeline = bool(_setting("timeline_profile", False)) or self.timeline
        try:
            ProfilerBundle.configure(names, flat, timeline)
        except Exception as err:  # noqa: BLE001 - the spec prints configuration errors
            print(f"[timemory.profiler]> {err}", file=_sys.stderr)
            ProfilerBundle.configure(["wall_clock"], flat, timeline)
        if self.debug:
            print(
                f"[timemory.profiler]> components: {names}, flat: {flat}, timeline: {timeline}",
                file=_sys.stderr,
            )

    def start(self):
        """Install the profiler (when none runs and is_enabled()); nests: returns the count."""
        if (
            not self._owner
            and not _lib.profiler_is_active()
            and not Config._is_running
            and self.is_enabled()
            and _sys.getprofile() is self._original_function
        ):
            self.configure()
            try:
                backend = _lib.profiler_start()
            except Exception:
                _lib.profiler_finalize()
                raise
            self._owner = True
            if self.debug:
                print(f"[timemory.profiler]> started ({backend})", file=_sys.stderr)
        self._unset += 1
        return self._unset

    def stop(self):
        """Undo one start(); the last one removes the hooks and ends the session."""
        if self._unset > 0:
            self._unset -= 1
        if self._unset == 0 and self._owner:
            self._owner = False
            backend = _lib.profiler_backend()
            try:
                replaced = _lib.profiler_stop()
            finally:
                profiler_finalize()
            warn_replaced("profiler", replaced, _REPLACED_WHAT.get(backend, backend))
        return self._unset

    def __call__(self, func):
        """Decorator: profile every call of func (and what it calls)."""
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
        """Profile exec(cmd) in __main__'s namespace."""
        import __main__

        namespace = __main__.__dict__
        return self.runctx(cmd, namespace, namespace)

    def runctx(self, cmd, globals, locals):  # noqa: A002 - the cProfile names
        """Profile exec(cmd, globals, locals)."""
        self.start()
        try:
            exec(cmd, globals, locals)
        finally:
            self.stop()
        return self

    def runcall(self, func, *args, **kwargs):
        """Profile func(*args, **kwargs) and return its result."""
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


class FakeProfiler:
    """FakeProfiler(*args, **kwargs) -- the Profiler interface doing nothing (noprofile)."""

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


profile = Profiler
noprofile = FakeProfiler

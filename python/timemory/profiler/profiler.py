"""The function profiler: ``Profiler`` (decorator, context manager, run/runctx/runcall),
``Config`` and ``ProfilerBundle``.

The hooks are C callbacks (the extension's ``profiler_*`` functions): every call of a
selected Python function -- and, with ``Config.trace_c``, every C function it calls -- pushes a
node onto the calling thread's call-graph and pops it on return, so profiled calls nest with
markers, regions and traced lines. Which functions are selected, and their labels
(``func/file.py:line``), are decided once per code object from ``Config``; a C function's row
is named after the C function (``builtins.sum``, ``list.append``, ``time.sleep``). A coroutine's
call is one entry from its start to its end, awaits included (as pyinstrument shows it); while
it waits its entry is off the thread's stack, so the tasks that run meanwhile are not nested in
it. Generators and async generators have one entry per step.
"""

import inspect as _inspect
import sys as _sys

from ..libs import libpytimemory as _lib
from ..libs._errors import report_errors as _report_errors
from ._hooks import PACKAGE_DIR as _PACKAGE_DIR
from ._hooks import component_list, make_config_type, scope_flags, warn_replaced  # noqa: F401
from ._hooks import fake_session as _fake_session
from ._hooks import get_setting as _setting
from ._hooks import hook_bundle as _hook_bundle
from ._hooks import hook_config_type as _hook_config_type
from ._hooks import hook_session as _hook_session
from ._hooks import valid_components as _valid_components
from ._hooks import with_absolute_paths as _with_absolute_paths  # noqa: F401

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

profiler_function = _lib.profiler_function

_REPLACED_WHAT = {
    "legacy": "sys.setprofile / PyEval_SetProfile",
    "evalframe": "the PEP 523 frame-evaluation hook",
    "scoped": "the PEP 523 frame-evaluation hook or sys.setprofile / PyEval_SetProfile",
}


def _format_args(frame):
    """Config.include_args: the call's argument values, as inspect.formatargvalues gives them."""
    try:
        return _inspect.formatargvalues(*_inspect.getargvalues(frame))
    except Exception:  # noqa: BLE001 - a label must never break the profiled program
        return ""


# ------------------------------------------------------------------------------------------
# Config


_PROFILER_FIELDS = {
    "trace_c": "also profile C functions (rows named after them: builtins.sum, list.append)",
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


Config = _hook_config_type(
    "profiler",
    """Profiler configuration (static properties). Setting a list property ADDS to the set;
    ``Config.clear("only_filenames")`` empties one, ``Config.clear()`` restores the defaults.""",
    _PROFILER_FIELDS,
    __name__,
)

config = Config


def profiler_init():
    """Prepare a profiling session: records the timemory package folder, forgets earlier
    decisions and marks the profiler running (``Config._is_running``)."""
    _lib.profiler_init(_PACKAGE_DIR)
    _lib.profiler_set_args_formatter(_format_args)


# the start_mallocp() id of a session recording malloc_gotcha (0: none)
_mallocp_session = [0]


def profiler_finalize():
    """End the profiling session: removes the hooks if installed, clears the decisions."""
    if _mallocp_session[0]:
        _lib.stop_mallocp(_mallocp_session[0])
        _mallocp_session[0] = 0
    backend = _lib.profiler_backend()
    warn_replaced("profiler", _lib.profiler_finalize(), _REPLACED_WHAT.get(backend, backend))
    _report_errors("at Profiler.stop", stacklevel=4)


@_hook_bundle
class ProfilerBundle:
    """ProfilerBundle(func, file, line, extra=[]) -- the component set of the profiler, also
    usable on its own: key ``"<func>@<file>:<line>"`` (+ ``"/" + "/".join(extra)``).
    ``configure(components, flat_profile, timeline_profile)`` sets what profiled calls record."""

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


# ------------------------------------------------------------------------------------------
# Profiler


@_hook_session(
    tool="profiler",
    verb="profile",
    Verb="Profile",
    verbs="profiles",
    last_stop="ends the session",
)
class Profiler:
    """Profiler(components=[], flat=False, timeline=False, **kwargs) -- profile the functions
    called while it runs: as a decorator, a context manager, or with start()/stop(),
    run(cmd), runctx(cmd, globals, locals) and runcall(func, *args, **kwargs).

    components: a list of names, one name, or a callable returning them (joined with
    settings.profiler_components). flat / timeline: the call-graph scope of profiled calls
    (also on when settings.flat_profile / timeline_profile are)."""

    _prefix = "profiler"
    _tool = "profiler"
    _config = Config
    _get_hook = staticmethod(_sys.getprofile)

    @staticmethod
    def _session_finalize():
        profiler_finalize()

    @staticmethod
    def _replaced_what():
        backend = _lib.profiler_backend()
        return _REPLACED_WHAT.get(backend, backend)

    def __init__(self, components=[], flat=False, timeline=False, **kwargs):  # noqa: B006
        self._init_session(components, kwargs)
        self.flat = bool(flat)
        self.timeline = bool(timeline)

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
            ProfilerBundle.configure(_valid_components(names), flat, timeline)
        if "malloc_gotcha" in names and not _mallocp_session[0]:
            # allocations while the session runs: entries under the profiled functions
            _mallocp_session[0] = _lib.start_mallocp()
        if self.debug:
            print(
                f"[timemory.profiler]> components: {names}, flat: {flat}, timeline: {timeline}",
                file=_sys.stderr,
            )


@_fake_session
class FakeProfiler:
    """FakeProfiler(*args, **kwargs) -- the Profiler interface doing nothing (noprofile)."""


profile = Profiler
noprofile = FakeProfiler

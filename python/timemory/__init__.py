"""Performance measurement for Python and C programs.

The package provides pre-configured scoped components (``timemory.util``: ``marker``,
``auto_timer``, ``timer``, ``rss_usage``) usable as decorators or context managers, the
function profiler (``timemory.profiler``) and line tracer (``timemory.trace``), the individual
components (``timemory.component``), the call-graph data (``timemory.storage``) and the
settings (``timemory.settings``, also set from TIMEMORY_* environment variables). The engine
is the C library libtimemory, reached through the extension ``timemory.libs.libpytimemory``.

Importing the package initializes timemory from sys.argv (outputs go to
``timemory-<script>-output``) and registers finalize() to run at exit, which writes every
output once. Call ``timemory.finalize()`` yourself to write them earlier.
"""

import atexit as _atexit
import gc as _gc
import importlib as _importlib
import json as _json
import os as _os
import sys as _sys
import traceback as _traceback
import types as _types
import warnings as _warnings

# what importing the package adds to the environment (timem gives its command the
# environment without them)
_env_added = tuple(key for key in ("TIMEMORY_BANNER", "PROFILESELECTED") if key not in _os.environ)
_os.environ.setdefault("TIMEMORY_BANNER", "OFF")
_os.environ.setdefault("PROFILESELECTED", "1")


def _truthy(text):
    return str(text).strip().lower() in ("yes", "y", "true", "t", "1", "on")


__license__ = "MIT"
__status__ = "Development"

_bindings = _truthy(_os.environ.get("TIMEMORY_PYTHON_BINDINGS", "yes")) and not _truthy(
    _os.environ.get("TIMEMORY_CXX_PLOT_MODE", "no")
)
if _bindings:
    try:
        from .libs import libpytimemory
    except ImportError as _error:  # the extension is missing or broken: helpers only
        print(f"[timemory]> the extension failed to import: {_error!r}", file=_sys.stderr)
        _traceback.print_exc()
        _bindings = False

from . import common as common
from . import mpi as mpi
from . import mpi_support as mpi_support
from . import roofline as roofline
from .common import FILE, FRAME, FUNC, LINE, file, frame, func, line


def load_ipython_extension(ipython):
    """``%load_ext timemory``: the ``%timemory`` / ``%%timemory`` magics (timemory.notebook)"""
    if not _bindings:
        raise ImportError(
            "the timemory magics need timemory's extension, which is not loaded here "
            "(TIMEMORY_PYTHON_BINDINGS is off, TIMEMORY_CXX_PLOT_MODE is on, or it failed to "
            "import)"
        )
    from .notebook import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext timemory``: remove the magics"""
    if _bindings:
        from .notebook import unload_ipython_extension as unload

        unload(ipython)


if not _bindings:
    from importlib import metadata as _metadata

    try:
        version = _metadata.version("timemory")
    except _metadata.PackageNotFoundError:
        version = "0.0.0"
    version_info = tuple(int(part) for part in version.split(".")[:3] if part.isdigit())
    build_info = {}
    __version__ = version
    __all__ = [
        "FILE",
        "FUNC",
        "LINE",
        "build_info",
        "file",
        "frame",
        "func",
        "line",
        "mpi",
        "mpi_support",
        "roofline",
        "version",
        "version_info",
    ]  # fmt: skip
else:
    _sys.modules[__name__ + ".libpytimemory"] = libpytimemory

    version = libpytimemory.version
    version_info = tuple(int(part) for part in version.split(".")[:3])
    build_info = dict(libpytimemory.build_info)
    __version__ = version

    from . import api as api
    from . import bundle as bundle
    from . import component as component
    from . import ert as ert
    from . import hardware_counters as hardware_counters
    from . import line_profiler as line_profiler
    from . import notebook as notebook
    from . import options as options
    from . import plotting as plotting
    from . import region as region
    from . import settings as settings
    from . import signals as signals
    from . import storage as storage
    from . import units as units
    from . import util as util
    from .libs._errors import report_errors as _report_errors
    from .signals import (
        disable_signal_detection,
        enable_signal_detection,
        set_exit_action,
    )
    from .util import scope
    from .util.bundles import (
        auto_timer,
        component_bundle,
        manager,
        rss_usage,
        timer,
    )

    _sys.modules[__name__ + ".scope"] = scope

    # ---- top-level functions ----------------------------------------------------------------

    def initialize(argv=[], prefix="timemory-", suffix="-output"):  # noqa: B006
        """Initialize timemory"""
        if not argv:
            return
        libpytimemory.initialize(list(argv), prefix, suffix)
        settings.command_line = list(argv)
        if _setting("enable_signal_handler", False):
            signals.enable_signal_detection()

    init = initialize

    def timemory_init(argv=[], prefix="timemory-", suffix="-output"):  # noqa: B006
        """Initialize timemory"""
        initialize(argv, prefix, suffix)

    def finalize():
        """Finalize timemory (generate output) -- important to call if using MPI"""
        if libpytimemory.is_finalized() or _truthy(_os.environ.get("TIMEMORY_SKIP_FINALIZE", "no")):
            return
        # a profiler or tracer still running hands over its data first (the tracer keeps
        # its line counts in C until it stops)
        for session in (libpytimemory.TracerSession, libpytimemory.ProfilerSession):
            if session._is_active():
                try:
                    session._uninstall()
                except Exception:  # noqa: BLE001 (never raise from the exit hook; show it)
                    _traceback.print_exc()
        try:
            # destroy decorator/bundle objects still alive so that their pops happen first
            _gc.collect()
        except Exception:  # noqa: BLE001 (a finalizer failed: do not pop what it left)
            settings.stack_clearing = False
        try:
            _report_errors("at finalize")
            libpytimemory.finalize()
        except Exception:  # noqa: BLE001 (never raise from the exit hook; show it)
            _traceback.print_exc()
        if _setting("plot_output", False):  # charts of the flat JSON files just written
            plotting.plot_outputs()

    def timemory_finalize():
        """Finalize timemory (generate output) -- important to call if using MPI"""
        finalize()

    def report(filename=""):
        """Print the data"""
        _report_errors("at report")
        libpytimemory.report(filename)

    def enable():
        """Enable timemory"""
        libpytimemory.enable()

    def disable():
        """Disable timemory"""
        libpytimemory.disable()

    def toggle(on=True):
        """Enable/disable timemory"""
        libpytimemory.toggle(bool(on))

    def enabled():
        """Return if timemory is enabled or disabled"""
        return libpytimemory.enabled()

    def is_enabled():
        """Return if timemory is enabled or disabled"""
        return libpytimemory.is_enabled()

    def has_mpi_support():
        """Return if the timemory library has MPI support"""
        return libpytimemory.has_mpi_support()

    def set_rusage_children():
        """Set the rusage to record child processes"""
        libpytimemory.set_rusage_children()

    def set_rusage_self():
        """Set the rusage to record the calling process (all its threads)"""
        libpytimemory.set_rusage_self()

    def get_hash(key):
        """Register key and return its 64-bit hash"""
        return libpytimemory.get_hash(key)

    def add_hash_id(key):
        """Register key and return its 64-bit hash"""
        return libpytimemory.add_hash_id(key)

    def get_hash_identifier(hash_id):
        """The string registered for a hash ("unknown-hash=<id>" when none)"""
        return libpytimemory.get_hash_identifier(hash_id)

    def _mask(components):
        return libpytimemory.parse_components(list(components)) if components else 0

    def get(hierarchy=False, components=[]):  # noqa: B006
        """The current data as a dict (JSON layout: flat, or hierarchy=True for the tree) for
        the given components (names or component.id values; empty: all with data)"""
        _report_errors("reading the results")
        return _json.loads(libpytimemory.get_json(_mask(components), bool(hierarchy)))

    def get_text(components=[]):  # noqa: B006
        """The text tables of the given components (empty: all with data)"""
        _report_errors("reading the results")
        return libpytimemory.get_text(_mask(components))

    def clear(components=[]):  # noqa: B006
        """Erase the stored data of the given components (empty: all)"""
        libpytimemory.clear(_mask(components))

    def size(components=[]):  # noqa: B006
        """{component id value: number of entries} for the given components (empty: all
        available)"""
        mask = _mask(components) or libpytimemory.available_mask()
        ids = (index for index in range(mask.bit_length()) if mask >> index & 1)
        return {index: libpytimemory.size(index) for index in ids}

    def add_arguments(parser, subparser=True):
        """Add the timemory-config sub-command (every setting as an option) to parser"""
        try:
            return settings.add_arguments(parser, None, subparser)
        except Exception as err:  # noqa: BLE001 (warn, do not break the user's parser)
            print(f"[timemory_argparse]> Warning! {err}", file=_sys.stderr)
            return parser

    timemory_argparse = add_arguments

    def mpi_init():
        """Initialize MPI (MPI_Init_thread per settings.mpi_thread/mpi_thread_type, else
        MPI_Init); errors are printed, not raised"""
        try:
            libpytimemory.mpi_init()
        except Exception as err:  # noqa: BLE001 (spec: printed, not raised)
            print(f"timemory.mpi_init: {err}", file=_sys.stderr)

    def mpi_finalize():
        """Finalize MPI (timemory finalizes first, on every rank); errors are printed"""
        try:
            libpytimemory.mpi_finalize()
        except Exception as err:  # noqa: BLE001 (spec: printed, not raised)
            print(f"timemory.mpi_finalize: {err}", file=_sys.stderr)

    def dmp_rank():
        """This process's rank (MPI_COMM_WORLD; 0 without MPI)"""
        return libpytimemory.mpi_rank()

    def dmp_size():
        """The number of ranks (MPI_COMM_WORLD; 1 without MPI)"""
        return libpytimemory.mpi_size()

    def upcxx_init():
        """Initialize UPC++ (this build has no UPC++: prints so)"""
        print("timemory.upcxx_init: this build has no UPC++ support", file=_sys.stderr)

    def upcxx_finalize():
        """Finalize UPC++ (this build has no UPC++: prints so)"""
        print("timemory.upcxx_finalize: this build has no UPC++ support", file=_sys.stderr)

    def dmp_init():
        """mpi_init() and upcxx_init()"""
        mpi_init()
        upcxx_init()

    def dmp_finalize():
        """mpi_finalize() and upcxx_finalize()"""
        mpi_finalize()
        upcxx_finalize()

    def _wrapper_tool(name, needs):
        def start():
            _warnings.warn(
                f"timemory.start_{name}: not available in this build ({needs}); nothing is "
                "recorded",
                RuntimeWarning,
                stacklevel=2,
            )
            return 0

        def stop(idx):
            return 0

        start.__name__, stop.__name__ = f"start_{name}", f"stop_{name}"
        start.__doc__ = f"Start the {name} function wrappers; returns their id (0: not started)"
        stop.__doc__ = f"Stop the {name} function wrappers; returns the remaining count"
        return start, stop

    # the MPI wrappers (libtimemory-mpip, PMPI): without MPI support start_mpip warns, returns 0
    from .mpi_support import start_mpip, stop_mpip
    start_ompt, stop_ompt = _wrapper_tool("ompt", "needs OpenMP tools support")
    start_ncclp, stop_ncclp = _wrapper_tool("ncclp", "needs NCCL and GOTCHA")

    def start_mallocp():
        """Start recording memory allocations: each call of malloc, calloc, realloc and free
        (Python's object and memory allocators here; a C program's through the preloaded
        libtimemory-mallocp) adds its bytes to the malloc_gotcha entry named after the function
        under the current region. Returns this start's id for stop_mallocp(); starts nest"""
        return libpytimemory.start_mallocp()

    def stop_mallocp(idx):
        """Stop the start idx of start_mallocp(); returns the starts still active (0: stopped)"""
        return libpytimemory.stop_mallocp(idx)

    _function_wrappers = (
        ("mpip", ("mpip", "mpi")),
        ("ompt", ("ompt", "openmp")),
        ("ncclp", ("ncclp", "nccl")),
        ("mallocp", ("mallocp", "malloc", "memory")),
    )

    def _function_wrapper_index(name):
        lowered = str(name).lower()
        for index, (_tool, names) in enumerate(_function_wrappers):
            if lowered in names:
                return index
        accepted = ", ".join(n for _tool, names in _function_wrappers for n in names)
        raise RuntimeError(f"unknown function wrapper {name!r}; accepted names: {accepted}")

    def start_function_wrappers(*args, **kwargs):
        """Start the function wrappers named (mpip/mpi, ompt/openmp, ncclp/nccl,
        mallocp/malloc/memory; case-insensitive) as arguments or as name=True keywords.
        Returns the ids [mpip, ompt, ncclp, mallocp] (0: not started)"""
        wanted = [False] * len(_function_wrappers)
        for name in args:
            wanted[_function_wrapper_index(name)] = True
        for name, value in kwargs.items():
            wanted[_function_wrapper_index(name)] = bool(value)
        starts = (start_mpip, start_ompt, start_ncclp, start_mallocp)
        return [start() if want else 0 for want, start in zip(wanted, starts)]

    def stop_function_wrappers(ids):
        """Stop each started id of start_function_wrappers(); returns the list with each entry
        replaced by what its stop returned (the starts still active; 0 stays 0)"""
        stops = (stop_mpip, stop_ompt, stop_ncclp, stop_mallocp)
        return [stop(idx) if idx else 0 for idx, stop in zip(ids, stops)]

    def _setting(name, default):
        try:
            return libpytimemory.settings_get(name)
        except AttributeError:
            return default

    __all__ = [
        "FILE",
        "FRAME",
        "FUNC",
        "LINE",
        "add_arguments",
        "add_hash_id",
        "auto_timer",
        "build_info",
        "clear",
        "component_bundle",
        "disable",
        "disable_signal_detection",
        "dmp_finalize",
        "dmp_init",
        "dmp_rank",
        "dmp_size",
        "enable",
        "enable_signal_detection",
        "enabled",
        "file",
        "finalize",
        "frame",
        "func",
        "get",
        "get_hash",
        "get_hash_identifier",
        "get_text",
        "has_mpi_support",
        "init",
        "initialize",
        "is_enabled",
        "libpytimemory",
        "line",
        "manager",
        "mpi_finalize",
        "mpi_init",
        "report",
        "rss_usage",
        "set_exit_action",
        "set_rusage_children",
        "set_rusage_self",
        "size",
        "start_function_wrappers",
        "start_mallocp",
        "start_mpip",
        "start_ncclp",
        "start_ompt",
        "stop_function_wrappers",
        "stop_mallocp",
        "stop_mpip",
        "stop_ncclp",
        "stop_ompt",
        "timemory_argparse",
        "timemory_finalize",
        "timemory_init",
        "timer",
        "toggle",
        "upcxx_finalize",
        "upcxx_init",
        "version",
        "version_info",
    ]  # fmt: skip

    # ---- the profiler and tracer packages (written separately): a package that fails to import
    # does not take the whole package down; using it raises the import error it gave.
    class _FailedImport(_types.ModuleType):
        def __init__(self, name, error):
            super().__init__(name, f"timemory could not import {name}: {error!r}")
            self.__dict__["_error"] = error

        def __getattr__(self, attribute):
            if attribute.startswith("__"):
                raise AttributeError(attribute)
            raise ImportError(self.__doc__) from self.__dict__["_error"]

    for _name in ("profiler", "trace"):
        try:
            globals()[_name] = _importlib.import_module(f".{_name}", __name__)
        except Exception as _error:  # noqa: BLE001
            globals()[_name] = _FailedImport(f"{__name__}.{_name}", _error)
            _warnings.warn(
                f"timemory.{_name} failed to import: {_error!r}", RuntimeWarning, stacklevel=2
            )
    del _name

    # ---- automatic initialization from the command line, finalization at exit ---------------
    def _init_arguments(argv):
        args = list(argv)
        if args and (args[0] == "-m" or _os.path.basename(args[0]).startswith("timemory-")):
            # python -m timemory.<tool> and the timemory-* commands initialize themselves
            _os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")
        if "--" in args:
            args = args[args.index("--") + 1 :]
        while args and args[0].startswith("-"):
            args.pop(0)
        return args or ["python"]

    _arguments = _init_arguments(getattr(_sys, "argv", []) or [])
    if _truthy(_os.environ.get("TIMEMORY_LIBRARY_CTOR", "yes")):
        initialize(_arguments)
    if _truthy(_os.environ.get("TIMEMORY_LIBRARY_DTOR", "yes")):
        _atexit.register(finalize)
    # MPI: the import of mpi4py.MPI (now or later) makes MPI_Finalize finalize timemory first
    from .mpi_support import _ranks as _mpi_ranks

    _mpi_ranks.watch()
    del _mpi_ranks
    if "python_exe" in settings.names():
        settings.python_exe = _sys.executable
    settings.command_line = list(getattr(_sys, "argv", []) or [])

    # ---- child processes hand their data over to this one (or this one to its parent) -----
    from .util import _processes

    _processes.setup()
    del _processes

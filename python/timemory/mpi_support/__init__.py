"""timemory.mpi_support -- MPI information and the MPI function wrappers (mpip).

When MPI is initialized (mpi4py, ``timemory.mpi_init()``) every output is gathered to rank 0,
which alone writes it: ranks merged (``settings.collapse_processes``), in ``node_count``
groups, or one element per rank. That needs libtimemory's MPI plugin (libtimemory-mpi.so,
built when CMake found MPI): is_supported() says whether it is there and loads; the info
functions print what MPI it was built with ("MPI not supported" without it).
enable_mpip()/start_mpip()/stop_mpip() use libtimemory-mpip (built when CMake found MPI):
without it enable_mpip() raises RuntimeError and start_mpip() warns and returns 0.
"""

import sys

__all__ = [
    "enable_mpip",
    "is_supported",
    "mpi_c_info",
    "mpi_cxx_info",
    "mpi_exe_info",
    "mpi_library_info",
    "mpip_functions",
    "rank",
    "size",
    "start_mpip",
    "stop_mpip",
    "unavailable_reason",
]

_NOT_SUPPORTED = "MPI not supported"


def _info(what):
    # without the extension loaded (helpers-only mode) there is no MPI support to use
    extension = sys.modules.get("timemory.libs.libpytimemory")
    return extension.mpi_info(what) if extension is not None else _NOT_SUPPORTED


def mpi_exe_info():
    """Print the MPI launcher found at build time."""
    print(_info("exe"))


def mpi_c_info():
    """Print the MPI C compiler information found at build time."""
    print(_info("c"))


def mpi_cxx_info():
    """Print the MPI C++ compiler information found at build time."""
    print(_info("cxx"))


def mpi_library_info():
    """Print the MPI library timemory uses (MPI_Get_library_version)."""
    print(_info("library"))


def is_supported():
    """Whether timemory was built with MPI (its MPI plugin is installed and loads)."""
    # without the extension loaded (helpers-only mode) there is no MPI support to use
    extension = sys.modules.get("timemory.libs.libpytimemory")
    return bool(extension is not None and extension.has_mpi_support())


def unavailable_reason():
    """Why MPI cannot be used (None when it can)."""
    extension = sys.modules.get("timemory.libs.libpytimemory")
    if extension is None:
        return "the timemory extension is not loaded"
    return extension.mpi_unavailable_reason()


def rank():
    """This process's rank in MPI_COMM_WORLD (0 when MPI is not initialized)."""
    extension = sys.modules.get("timemory.libs.libpytimemory")
    return extension.mpi_rank() if extension is not None else 0


def size():
    """The number of ranks in MPI_COMM_WORLD (1 when MPI is not initialized)."""
    extension = sys.modules.get("timemory.libs.libpytimemory")
    return extension.mpi_size() if extension is not None else 1


# ---- mpip: MPI calls as call-graph nodes (libtimemory-mpip, loaded by _mpip) ----------------


def _mpip_names(names, what):
    """A permit/reject list as a list of names, each one a function the wrappers know."""
    from . import _mpip

    if isinstance(names, str):
        names = names.replace(",", ";").replace(" ", ";").split(";")
    names = [str(name).strip() for name in names if str(name).strip()]
    known = {name.lower() for name in _mpip.functions()}
    for name in names:
        full = name if name.lower().startswith("mpi_") else "MPI_" + name
        if full.lower() not in known:
            raise ValueError(
                f"enable_mpip: {what} entry {name!r} is not an MPI function timemory wraps "
                "(see timemory.mpi_support.mpip_functions())"
            )
    return names


def enable_mpip(permit=(), reject=()):
    """Record MPI calls -- mpi4py's or any other code's in this process -- as call-graph nodes
    named after the function ("MPI_Allreduce") under the region that made them.

    Sets TIMEMORY_MPIP_PERMIT_LIST / TIMEMORY_MPIP_REJECT_LIST (';'-joined; when the permit
    list is not empty only its functions are recorded, the reject list's never; names are
    case-insensitive, "MPI_" optional) and calls start_mpip(). Returns the start's id for
    stop_mpip(). Works before or after ``from mpi4py import MPI``. Components:
    settings.mpip_components (else trace_components, profiler_components, components,
    global_components, wall_clock). RuntimeError when timemory was built without MPI;
    ValueError for a name that is not a wrapped MPI function.
    """
    import os

    from . import _mpip

    permit = _mpip_names(permit, "permit")
    reject = _mpip_names(reject, "reject")
    os.environ["TIMEMORY_MPIP_PERMIT_LIST"] = ";".join(permit)
    os.environ["TIMEMORY_MPIP_REJECT_LIST"] = ";".join(reject)
    return _mpip.start()


def start_mpip():
    """Start recording MPI calls (the permit/reject lists are read again); returns the id of
    this start, for stop_mpip(). Starts nest: recording goes on until each id is stopped.
    Without MPI support: a RuntimeWarning saying why, and 0."""
    import warnings

    from . import _mpip

    try:
        return _mpip.start()
    except RuntimeError as exc:
        warnings.warn(f"timemory.start_mpip: not available: {exc}", RuntimeWarning, stacklevel=2)
        return 0


def stop_mpip(idx):
    """Stop the start with id idx; returns how many starts remain (0: not recording)."""
    from . import _mpip

    return _mpip.stop(idx)


def mpip_functions():
    """The MPI functions the wrappers time (RuntimeError without MPI support)."""
    from . import _mpip

    return _mpip.functions()

"""timemory.mpi_support -- MPI information and the MPI function wrappers (mpip).

This build has no MPI support: the info functions print "MPI not supported", is_supported()
is False and enable_mpip() raises RuntimeError.
"""

import sys

__all__ = ["enable_mpip", "is_supported", "mpi_c_info", "mpi_cxx_info", "mpi_exe_info"]

_NOT_SUPPORTED = "MPI not supported"


def mpi_exe_info():
    """Print the MPI launcher found at build time."""
    print(_NOT_SUPPORTED)


def mpi_c_info():
    """Print the MPI C compiler information found at build time."""
    print(_NOT_SUPPORTED)


def mpi_cxx_info():
    """Print the MPI C++ compiler information found at build time."""
    print(_NOT_SUPPORTED)


def is_supported():
    """Whether timemory was built with MPI."""
    # without the extension loaded (helpers-only mode) there is no MPI support to use
    extension = sys.modules.get("timemory.libs.libpytimemory")
    return bool(extension is not None and extension.has_mpi_support())


def enable_mpip(permit=(), reject=()):
    """Wrap MPI functions with timemory components (needs MPI and GOTCHA)."""
    raise RuntimeError(
        "timemory.mpi_support.enable_mpip: this build has no MPI support "
        "(libtimemory was built without MPI and GOTCHA)"
    )

"""timemory.mpi_support -- MPI information and the MPI function wrappers (mpip).

This build has no MPI support: the info functions print "MPI not supported", is_supported()
is False and enable_mpip() raises RuntimeError.
"""

__all__ = ["mpi_exe_info", "mpi_c_info", "mpi_cxx_info", "is_supported", "enable_mpip"]

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
    try:
        from ..libs import libpytimemory
    except ImportError:  # helpers-only mode: no extension, so no MPI either
        return False
    return bool(libpytimemory.has_mpi_support())


def enable_mpip(permit=(), reject=()):
    """Wrap MPI functions with timemory components (needs MPI and GOTCHA)."""
    raise RuntimeError(
        "timemory.mpi_support.enable_mpip: this build has no MPI support "
        "(libtimemory was built without MPI and GOTCHA)"
    )

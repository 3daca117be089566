"""timemory.mpi -- the same content as timemory.mpi_support."""

from ..mpi_support import (
    enable_mpip,
    is_supported,
    mpi_c_info,
    mpi_cxx_info,
    mpi_exe_info,
    mpi_library_info,
    mpip_functions,
    rank,
    size,
    start_mpip,
    stop_mpip,
    unavailable_reason,
)

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

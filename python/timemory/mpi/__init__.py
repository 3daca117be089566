"""timemory.mpi -- the same content as timemory.mpi_support (this build has no MPI)."""

from ..mpi_support import enable_mpip, is_supported, mpi_c_info, mpi_cxx_info, mpi_exe_info

__all__ = ["enable_mpip", "is_supported", "mpi_c_info", "mpi_cxx_info", "mpi_exe_info"]

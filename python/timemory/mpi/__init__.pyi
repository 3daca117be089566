from ..mpi_support import enable_mpip as enable_mpip
from ..mpi_support import is_supported as is_supported
from ..mpi_support import mpi_c_info as mpi_c_info
from ..mpi_support import mpi_cxx_info as mpi_cxx_info
from ..mpi_support import mpi_exe_info as mpi_exe_info
from ..mpi_support import mpi_library_info as mpi_library_info
from ..mpi_support import mpip_functions as mpip_functions
from ..mpi_support import rank as rank
from ..mpi_support import size as size
from ..mpi_support import start_mpip as start_mpip
from ..mpi_support import stop_mpip as stop_mpip
from ..mpi_support import unavailable_reason as unavailable_reason

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

"""Type stub of timemory.api."""

from . import cuda as cuda
from . import cupti as cupti
from . import gperftools as gperftools
from . import papi as papi

__all__ = ["cuda", "cupti", "gperftools", "papi"]

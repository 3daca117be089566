"""timemory.api -- bindings to the tools behind some components: papi, cuda, cupti, and the
gperftools helpers. This build has no PAPI, CUDA or CUPTI: their functions raise RuntimeError
saying so (the cupti queries answer with empty lists)."""

from . import cuda, cupti, gperftools, papi

__all__ = ["cuda", "cupti", "gperftools", "papi"]

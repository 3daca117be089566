"""MPI ranks: timemory notices MPI when mpi4py.MPI is imported (before or after timemory).

libtimemory gathers every rank's data to rank 0 at output once MPI is initialized; it must do
so before MPI_Finalize. ``watch()`` (run by ``import timemory``) makes the import of
``mpi4py.MPI`` -- which initializes MPI -- call ``libpytimemory.mpi_notice()``, which arranges
that MPI_Finalize first finalizes timemory on every rank (mpi4py's own exit-time MPI_Finalize,
an explicit ``MPI.Finalize()``, or ``timemory.mpi_finalize()``). The package's atexit
finalize() runs before mpi4py's exit-time MPI_Finalize (Py_AtExit, after atexit), so a program
that never calls finalize() is aggregated there.
"""

import importlib.abc
import sys

_MODULE = "mpi4py.MPI"


def _extension():
    return sys.modules.get("timemory.libs.libpytimemory")


def notice():
    """Tell libtimemory to look for MPI now; True when MPI is initialized."""
    extension = _extension()
    return bool(extension is not None and extension.mpi_notice())


class _NoticeLoader(importlib.abc.Loader):
    """The real loader of mpi4py.MPI, and notice() once the module is executed."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        notice()

    def __getattr__(self, name):  # anything else the import system asks of the real loader
        return getattr(self._loader, name)


class _Watcher(importlib.abc.MetaPathFinder):
    """Finds mpi4py.MPI through the other finders (mpi4py installs its own) and wraps the
    loader; every other import passes by."""

    def find_spec(self, fullname, path, target=None):
        if fullname != _MODULE:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _NoticeLoader(spec.loader)
                return spec
        return None


_watcher = _Watcher()


def watch():
    """Notice MPI now if mpi4py.MPI is imported already, else when it is."""
    if _MODULE in sys.modules:
        notice()
    elif _watcher not in sys.meta_path:
        sys.meta_path.insert(0, _watcher)

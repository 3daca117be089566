"""libtimemory-mpip (the MPI wrappers) loaded into this Python process.

The library is found next to the loaded libtimemory.so (pip install puts both in the
environment's ``<prefix>/lib``) and loaded with RTLD_GLOBAL, so an MPI extension loaded later
(``from mpi4py import MPI``) binds its MPI_* references to the wrappers. References bound before
it was loaded (mpi4py imported first) are rewritten in place by ``timemory_mpip_redirect`` (the
GOT entries of every loaded object that imports a wrapped MPI function). Internal: the public
functions are ``timemory.mpi_support.enable_mpip/start_mpip/stop_mpip``.
"""

import ctypes
import os
import sys
import threading
import warnings

LIBRARY = "libtimemory-mpip.so"

_lock = threading.Lock()
_lib = None
_why = None  # why the library is unavailable, once a load failed


def _candidate_dirs():
    """Folders to look in: that of the loaded libtimemory.so, then this installation's lib."""
    dirs = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6 and os.path.basename(fields[5].strip()).startswith(
                    "libtimemory.so"
                ):
                    dirs.append(os.path.dirname(fields[5].strip()))
                    break
    except OSError:
        pass
    # <prefix>/lib/pythonX.Y/site-packages/timemory/mpi_support/_mpip.py -> <prefix>/lib
    here = os.path.dirname(os.path.abspath(__file__))
    dirs.append(os.path.normpath(os.path.join(here, "..", "..", "..", "..", "..")))
    dirs.append(os.path.join(sys.prefix, "lib"))
    unique = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def _load():
    """The loaded library; RuntimeError saying why when it is not there."""
    global _lib, _why
    with _lock:
        if _lib is not None:
            return _lib
        if _why is not None:
            raise RuntimeError(_why)
        dirs = _candidate_dirs()
        path = next(
            (os.path.join(d, LIBRARY) for d in dirs if os.path.exists(os.path.join(d, LIBRARY))),
            None,
        )
        if path is None:
            _why = (
                f"timemory was built without MPI: {LIBRARY} is not in {', '.join(dirs)} "
                "(it is built when CMake finds an MPI C library; install MPI -- e.g. "
                "libopenmpi-dev -- and reinstall timemory)"
            )
            raise RuntimeError(_why)
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_GLOBAL | os.RTLD_NOW)
        except OSError as exc:
            _why = f"{path} could not be loaded: {exc}"
            raise RuntimeError(_why) from None
        lib.timemory_start_mpip.restype = ctypes.c_uint64
        lib.timemory_start_mpip.argtypes = []
        lib.timemory_stop_mpip.restype = ctypes.c_uint64
        lib.timemory_stop_mpip.argtypes = [ctypes.c_uint64]
        lib.timemory_mpip_redirect.restype = ctypes.c_int
        lib.timemory_mpip_redirect.argtypes = []
        lib.timemory_mpip_function_count.restype = ctypes.c_int
        lib.timemory_mpip_function_count.argtypes = []
        lib.timemory_mpip_function_name.restype = ctypes.c_char_p
        lib.timemory_mpip_function_name.argtypes = [ctypes.c_int]
        lib.timemory_mpip_is_recording.restype = ctypes.c_int
        lib.timemory_mpip_is_recording.argtypes = [ctypes.c_char_p]
        _lib = lib
        return lib


def unavailable_reason():
    """None when the library can be loaded, else why not."""
    try:
        _load()
    except RuntimeError as exc:
        return str(exc)
    return None


def path():
    """Where the loaded library is (None when it is not loaded)."""
    return None if _lib is None else _lib._name


def functions():
    """The names of the wrapped MPI functions."""
    lib = _load()
    return tuple(
        lib.timemory_mpip_function_name(i).decode()
        for i in range(lib.timemory_mpip_function_count())
    )


def is_recording(name):
    """Whether calls to the MPI function `name` are recorded now."""
    rc = _load().timemory_mpip_is_recording(str(name).encode())
    if rc < 0:
        raise ValueError(f"{name!r} is not an MPI function wrapped by timemory")
    return rc == 1


def start():
    """Loads the library, redirects references bound before it, starts; returns the id."""
    lib = _load()
    rc = lib.timemory_mpip_redirect()
    if rc < 0 and "mpi4py.MPI" in sys.modules:
        warnings.warn(
            "timemory: mpi4py.MPI was imported before the MPI wrappers were loaded and its "
            f"references could not be redirected (error {rc}): call "
            "timemory.mpi_support.enable_mpip() before 'from mpi4py import MPI'",
            RuntimeWarning,
            stacklevel=3,
        )
    idx = lib.timemory_start_mpip()
    if idx == 0:
        raise RuntimeError("timemory_start_mpip failed (out of memory)")
    return idx


def stop(idx):
    """Stops start `idx`; returns how many starts remain (0 when nothing was loaded)."""
    if _lib is None:
        return 0
    return int(_lib.timemory_stop_mpip(int(idx)))

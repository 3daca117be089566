"""timemory.util._processes -- child processes hand their data over to their parent.

Child processes made by fork (``os.fork``, multiprocessing's fork and forkserver start
methods) or spawn send what they measured to the timemory process that started them, which
merges it into its own output at finalize (the library's ``src/handoff.c``; see
docs/architecture.md, "Threads, forks, exit"). The library handles forks by itself; this
module tells it what only Python knows, and covers the exit paths the library cannot see:

- A spawned (or forkserver) child imports timemory anew: it attaches to its parent when
  multiprocessing says it was started for the process whose folder ``TIMEMORY_HANDOFF``
  names. An unrelated ``subprocess.run([sys.executable, "other.py"])`` keeps writing its own
  output. The forkserver itself only relays: its fork children are the parent's.
- A fork made by multiprocessing registers the child at once, so that the parent counts a
  worker that dies before its last hand-off as lost; other forks register at their first
  hand-off (a fork followed by exec hands nothing over and is not a lost child).
- multiprocessing's children end with ``os._exit`` (no atexit): in a child, ``os._exit``
  makes the last hand-off first. ``SIGTERM`` (``Pool.terminate()``, leaving ``with Pool()``)
  wakes the C hand-off thread (a C handler: a Python one can miss a signal that lands just
  before a blocking read, and a pool worker waiting for a task would never end), which takes
  the GIL, hands off and ends the child by the signal -- a child busy in a long C call that
  holds the GIL hands off when the call lets it go.
- A C thread hands everything over every ``HANDOFF_INTERVAL`` seconds, so a child killed by
  ``SIGKILL`` loses at most that much.
- At exit, multiprocessing's own exit function (terminating and joining the children it
  still has) runs before timemory's finalize, whatever the import order.

``handoff()`` makes a hand-off now (in a child; ``False`` elsewhere).
"""

import atexit
import functools
import os
import signal
import sys
import traceback

from ..libs import libpytimemory as _lib

__all__ = ["HANDOFF_INTERVAL", "handoff", "parent_pid"]

#: seconds between two hand-offs of a child's periodic thread (at least 20 times one hand-off)
HANDOFF_INTERVAL = 1.0

_real_exit = os._exit
_hooks_pid = 0  # the process whose child hooks are installed
_thread_stop_registered = False


def handoff():
    """Hand everything measured so far over to the parent process now. False when this
    process is not a child of a timemory process (or its parent has finalized)."""
    return _lib._handoff()


def parent_pid():
    """The pid of the timemory process this one hands its data to, 0 when none."""
    return _lib._handoff_parent()


def _finalize():
    sys.modules[__name__.split(".")[0]].finalize()  # the package's: profiler, tracer, gc first


def _parent_of(pid):
    """The parent pid of process pid (Linux /proc), 0 when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[1])
    except (OSError, IndexError, ValueError):
        return 0


def _started_by_multiprocessing():
    """("relay" | "child", parent pid) when multiprocessing started this process for its
    parent, else None."""
    process = sys.modules.get("multiprocessing.process")
    if process is None:
        return None
    names = set()
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == "multiprocessing.forkserver":
            names.add(frame.f_code.co_name)
        frame = frame.f_back
    if "main" in names and "_serve_one" not in names:
        return "relay", os.getppid()  # the forkserver, preloading __main__
    parent = process.parent_process()
    if parent is not None:
        return "child", parent.pid
    if getattr(process.current_process(), "_inheriting", False):
        # importing __main__ before the process object arrives: the spawner is the parent
        # (for a forkserver's child, the forkserver's)
        return "child", _parent_of(os.getppid()) if "_serve_one" in names else os.getppid()
    return None


def _exit_after_handoff(status):
    if os.getpid() == _hooks_pid and _lib._handoff_parent():
        try:
            _finalize()
        except BaseException:  # noqa: BLE001 (the process ends now whatever happens)
            traceback.print_exc()
    _real_exit(status)


functools.update_wrapper(_exit_after_handoff, _real_exit)


def _stop_thread():
    _lib._handoff_thread_stop()


def _install_child_hooks():
    """The exit paths of a child: os._exit, SIGTERM, the periodic thread (once per process)."""
    global _hooks_pid, _thread_stop_registered
    if _hooks_pid == os.getpid():
        return
    _hooks_pid = os.getpid()
    os._exit = _exit_after_handoff
    if not _thread_stop_registered:  # inherited by fork children along with the flag
        atexit.register(_stop_thread)
        _thread_stop_registered = True
    _lib._handoff_thread_start(HANDOFF_INTERVAL)
    # SIGTERM with its default action: a C handler wakes the hand-off thread, which makes
    # the last hand-off and ends the process by the signal (a Python handler could miss a
    # signal that lands just before a blocking read: a pool worker would hang)
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        _lib._handoff_sigterm()


def _after_fork_in_child():
    """os.register_at_fork hook: the library has attached the child to its parent."""
    if not _lib._handoff_parent():
        return
    caller = sys._getframe(1)  # the frame that called os.fork
    module = str(caller.f_globals.get("__name__", "")) if caller is not None else ""
    if module == "subprocess":  # preexec_fn: the child execs right after
        return
    from_multiprocessing = module.startswith("multiprocessing.")
    # the processes this child starts find it (not its parent) as theirs
    _lib._handoff_attach(0, register=from_multiprocessing)
    _install_child_hooks()


def _multiprocessing_exit_first():
    """atexit runs the last registered first: multiprocessing's exit function (which ends the
    children it still has) must come after timemory's finalize in that list."""
    util = sys.modules.get("multiprocessing.util")
    exit_function = getattr(util, "_exit_function", None)
    if exit_function is not None:
        atexit.unregister(exit_function)
        atexit.register(exit_function)


def setup():
    """At import (after initialize): hooks for forks, and attach when multiprocessing started
    this process."""
    os.register_at_fork(after_in_child=_after_fork_in_child)
    _multiprocessing_exit_first()
    started = _started_by_multiprocessing()
    if started is None:
        return
    kind, parent = started
    if kind == "relay":
        _lib._handoff_attach(parent, relay=True)
    elif parent and _lib._handoff_attach(parent, register=True):
        _install_child_hooks()

"""timemory.signals -- signal detection: report, write the outputs, exit.

``enable_signal_detection([Signal.Terminate, ...])`` installs handlers for the given signals
(or the default set: Quit, Illegal, Abort, Bus, SegFault).

The fatal synchronous signals (Illegal, Abort, Bus, FPE, SegFault) cannot run Python code
safely: they get libtimemory's C handler. It prints ``### ERROR ###`` with the signal, its
reason and a backtrace, then the Python stack of every thread (as faulthandler does); a copy of
the process then writes every output (what ``timemory.finalize()`` writes; no Python code runs,
so the exit action is not called) while the crashed process waits for it at most
``write_timeout()`` seconds; then the signal ends the process, whose exit status stays the
signal's. Data the tracer still holds in C (it hands its lines over when it stops) is not
written.

The other signals get a Python handler: it prints ``### ERROR ###`` with the signal and the
Python stack, runs the exit action (by default ``timemory.finalize()``; see
``set_exit_action``) and exits with the signal number. Kill and Stop cannot be caught.

Environment variables ``SIGNAL_ENABLE_<NAME>`` / ``SIGNAL_DISABLE_<NAME>`` and the settings
enable_all_signals / disable_all_signals change the default set. Nothing is installed when the
setting allow_signal_handler is false.
"""

from __future__ import annotations

import enum
import signal
import sys
import threading
import traceback
from types import FrameType
from typing import Any, Callable

from .libs import libpytimemory as _lib

__all__ = [
    "Signal",
    "disable_signal_detection",
    "enable_signal_detection",
    "enabled_signals",
    "set_exit_action",
    "set_write_timeout",
    "write_timeout",
]


class Signal(enum.IntEnum):
    """Signals by the original toolkit's names."""

    Hangup = signal.SIGHUP
    Interrupt = signal.SIGINT
    Quit = signal.SIGQUIT
    Illegal = signal.SIGILL
    Trap = signal.SIGTRAP
    Abort = signal.SIGABRT
    Emulate = getattr(signal, "SIGEMT", signal.NSIG)  # no SIGEMT on Linux: an unused number
    FPE = signal.SIGFPE
    Kill = signal.SIGKILL
    Bus = signal.SIGBUS
    SegFault = signal.SIGSEGV
    System = signal.SIGSYS
    Pipe = signal.SIGPIPE
    Alarm = signal.SIGALRM
    Terminate = signal.SIGTERM
    Urgent = signal.SIGURG
    Stop = signal.SIGTSTP
    CPUtime = signal.SIGXCPU
    FileSize = signal.SIGXFSZ
    VirtualAlarm = signal.SIGVTALRM
    ProfileAlarm = signal.SIGPROF
    User1 = signal.SIGUSR1
    User2 = signal.SIGUSR2


globals().update(Signal.__members__)
__all__ += list(Signal.__members__)

_FATAL = {Signal.Illegal, Signal.Abort, Signal.Bus, Signal.FPE, Signal.SegFault}
_UNCATCHABLE = {Signal.Kill}

_state_lock = threading.Lock()
# signal -> handler that was installed before ours (Python handlers)
_previous: dict[Signal, Callable[[int, FrameType | None], Any] | int | None] = {}
_exit_action = None


def _setting(name, default):
    try:
        return _lib.settings_get(name)
    except AttributeError:
        return default


def enabled_signals():
    """The default set after the environment and settings have changed it."""
    return [Signal(sig) for sig in _lib.signal_default_set()]


def set_write_timeout(seconds: float) -> None:
    """How long a process that received a fatal signal waits for the copy of itself that writes
    its outputs (default 30 seconds); a copy still writing then is stopped and nothing it had
    not finished is left behind."""
    _lib.signal_set_write_timeout(float(seconds))


def write_timeout() -> float:
    """Seconds (see set_write_timeout)."""
    return _lib.signal_write_timeout()


def set_exit_action(func):
    """func(signum) runs after a caught signal has been reported (instead of finalize). Fatal
    signals (Illegal, Abort, Bus, FPE, SegFault) run no Python code: their outputs are written
    by libtimemory's handler."""
    global _exit_action
    if func is not None and not callable(func):
        raise TypeError("set_exit_action() takes a callable of one argument (the signal)")
    _exit_action = func


def _default_exit_action(signum):
    print(f"Finalizing after signal: {signum} :: {Signal(signum).name}", file=sys.stderr)
    package = sys.modules.get(__package__)
    if package is not None and hasattr(package, "finalize"):
        package.finalize()


def _describe(signum):
    try:
        return f"{Signal(signum).name} ({signal.strsignal(signum)})"
    except ValueError:
        return str(signum)


def _handler(signum, frame):
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "?"
    print(
        f"\n### ERROR ###  [ rank : 0 ] Error code : {signum} @ {where} : {_describe(signum)}",
        file=sys.stderr,
    )
    if frame is not None:
        traceback.print_stack(frame, file=sys.stderr)
    sys.stderr.flush()
    disable_signal_detection()
    action = _exit_action or _default_exit_action
    try:
        action(signum)
    finally:
        sys.stdout.flush()
        sys.exit(int(signum))


def enable_signal_detection(signal_list=[]):  # noqa: B006 (the documented signature)
    """Enable signal detection"""
    if not _setting("allow_signal_handler", True):
        print(
            "[timemory]> signal detection not enabled: the setting allow_signal_handler is false",
            file=sys.stderr,
        )
        return
    chosen = [Signal(int(sig)) for sig in signal_list] if signal_list else enabled_signals()
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("enable_signal_detection() must be called from the main thread")
    with _state_lock:
        fatal = [int(sig) for sig in chosen if sig in _FATAL]
        if fatal:
            _lib.signal_handler_enable(fatal)
        for sig in chosen:
            if sig in _UNCATCHABLE or sig in _FATAL or sig >= signal.NSIG:
                continue
            if sig not in _previous:
                _previous[sig] = signal.signal(sig, _handler)


def disable_signal_detection():
    """Disable signal detection (restore the handlers that were there before)."""
    with _state_lock:
        for sig, previous in list(_previous.items()):
            try:
                signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
            except ValueError:  # not the main thread: leave this one installed
                continue
            del _previous[sig]
        _lib.signal_handler_disable()

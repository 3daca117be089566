"""timemory.signals -- signal detection: report, write the outputs, exit.

``enable_signal_detection([Signal.Terminate, ...])`` installs a handler that prints
``### ERROR ###`` with the signal and the Python stack, runs the exit action (by default:
``timemory.finalize()``, so the outputs are still written) and exits with the signal number.

The fatal synchronous signals (Illegal, Abort, Bus, FPE, SegFault) cannot run Python code
safely: for them Python's faulthandler is enabled, which prints the traceback of every thread
before the process dies; their data is not written. Kill and Stop cannot be caught at all.
The default set is Quit, Illegal, Abort, Bus, SegFault; environment variables
``SIGNAL_ENABLE_<NAME>`` / ``SIGNAL_DISABLE_<NAME>`` and the settings enable_all_signals /
disable_all_signals change it. Nothing is installed when the setting allow_signal_handler is
false.
"""

import enum
import faulthandler
import os
import signal
import sys
import threading
import traceback

from .libs import libpytimemory as _lib

__all__ = [
    "Signal",
    "disable_signal_detection",
    "enable_signal_detection",
    "enabled_signals",
    "set_exit_action",
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
_DEFAULT = [Signal.Quit, Signal.Illegal, Signal.Abort, Signal.Bus, Signal.SegFault]
_ENV_NAMES = {
    "HANGUP": Signal.Hangup, "INTERRUPT": Signal.Interrupt, "QUIT": Signal.Quit,
    "ILLEGAL": Signal.Illegal, "TRAP": Signal.Trap, "ABORT": Signal.Abort,
    "EMULATE": Signal.Emulate, "FPE": Signal.FPE, "KILL": Signal.Kill, "BUS": Signal.Bus,
    "SEGFAULT": Signal.SegFault, "SYSTEM": Signal.System, "PIPE": Signal.Pipe,
    "ALARM": Signal.Alarm, "TERMINATE": Signal.Terminate, "URGENT": Signal.Urgent,
    "STOP": Signal.Stop, "CPUTIME": Signal.CPUtime, "FILESIZE": Signal.FileSize,
    "VIRTUALALARM": Signal.VirtualAlarm, "PROFILEALARM": Signal.ProfileAlarm,
    "USER1": Signal.User1, "USER2": Signal.User2,
}  # fmt: skip

_state_lock = threading.Lock()
_previous = {}  # signal -> handler that was installed before ours
_faulthandler_was_enabled = None  # None: faulthandler not touched by us
_exit_action = None


def _truthy(text):
    text = text.strip().lower()
    if text.isdigit():
        return int(text) != 0
    return text not in ("off", "false", "no", "n", "f", "")


def _setting(name, default):
    try:
        return _lib.settings_get(name)
    except AttributeError:
        return default


def enabled_signals():
    """The default set after the environment and settings have changed it."""
    if _setting("disable_all_signals", False):
        return []
    if _setting("enable_all_signals", False):
        chosen = [sig for sig in Signal if sig not in _UNCATCHABLE and sig < signal.NSIG]
    else:
        chosen = list(_DEFAULT)
    for name, sig in _ENV_NAMES.items():
        if _truthy(os.environ.get(f"SIGNAL_ENABLE_{name}", "0")) and sig not in chosen:
            chosen.append(sig)
        if _truthy(os.environ.get(f"SIGNAL_DISABLE_{name}", "0")) and sig in chosen:
            chosen.remove(sig)
    return chosen


def set_exit_action(func):
    """func(signum) runs after a caught signal has been reported (instead of finalize)."""
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
    global _faulthandler_was_enabled
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
        for sig in chosen:
            if sig in _UNCATCHABLE or sig >= signal.NSIG:
                continue
            if sig in _FATAL:
                if _faulthandler_was_enabled is None:
                    _faulthandler_was_enabled = faulthandler.is_enabled()
                    faulthandler.enable(file=sys.__stderr__, all_threads=True)
                continue
            if sig not in _previous:
                _previous[sig] = signal.signal(sig, _handler)


def disable_signal_detection():
    """Disable signal detection (restore the handlers that were there before)."""
    global _faulthandler_was_enabled
    with _state_lock:
        for sig, previous in list(_previous.items()):
            try:
                signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
            except ValueError:  # not the main thread: leave this one installed
                continue
            del _previous[sig]
        if _faulthandler_was_enabled is not None:
            if not _faulthandler_was_enabled:
                faulthandler.disable()
            _faulthandler_was_enabled = None

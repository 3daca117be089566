"""timemory.signals: a caught signal reports, writes the outputs and exits (spec NOTES.md
section 4); fatal signals go through libtimemory's C handler: a report with the Python stack,
the outputs written by a copy of the process, then the signal ends the process."""

import json
import re
import signal
import textwrap

import pytest
from timemory import signals
from timemory.libs import libpytimemory

PROGRAM = textwrap.dedent(
    """
    import os, signal, sys
    import timemory
    from timemory.signals import Signal

    mode = sys.argv[1]
    with timemory.util.marker(["wall_clock"], key="before_signal"):
        pass
    if mode == "user1":
        timemory.enable_signal_detection([Signal.User1])
        os.kill(os.getpid(), signal.SIGUSR1)
        print("NOT REACHED")
    elif mode == "action":
        timemory.set_exit_action(lambda sig: print("ACTION", sig, flush=True))
        timemory.enable_signal_detection([Signal.Terminate])
        os.kill(os.getpid(), signal.SIGTERM)
    elif mode == "disabled":
        timemory.enable_signal_detection([Signal.User1])
        timemory.disable_signal_detection()
        signal.signal(signal.SIGUSR1, lambda *a: print("PLAIN HANDLER"))
        os.kill(os.getpid(), signal.SIGUSR1)
    """
)


def test_signal_writes_outputs_and_exits(run_python, tmp_path):
    result = run_python(PROGRAM, "user1", name="sig.py")
    assert result.returncode == signal.SIGUSR1
    assert "### ERROR ###  [ rank : 0 ] Error code : 10 @ " in result.stderr
    assert "User1" in result.stderr
    assert "Finalizing after signal: 10 :: User1" in result.stderr
    assert "NOT REACHED" not in result.stdout
    assert (tmp_path / "timemory-sig-output" / "wall.json").is_file()


def test_exit_action_replaces_finalize(run_python, tmp_path):
    result = run_python(PROGRAM, "action", name="act.py")
    assert result.returncode == signal.SIGTERM
    assert f"ACTION {int(signal.SIGTERM)}" in result.stdout


def test_disable_restores_handlers(run_python):
    result = run_python(PROGRAM, "disabled", name="off.py")
    assert result.returncode == 0
    assert "PLAIN HANDLER" in result.stdout
    assert "### ERROR ###" not in result.stderr


def test_signal_enum():
    assert signals.Signal.SegFault == signal.SIGSEGV
    assert signals.SegFault is signals.Signal.SegFault
    assert signals.Signal.Stop == signal.SIGTSTP
    assert signals.Signal.Emulate not in {int(s) for s in signal.Signals}


def test_default_set(monkeypatch):
    assert signals.enabled_signals() == [
        signals.Quit,
        signals.Illegal,
        signals.Abort,
        signals.Bus,
        signals.SegFault,
    ]
    monkeypatch.setenv("SIGNAL_ENABLE_USER2", "1")
    monkeypatch.setenv("SIGNAL_DISABLE_QUIT", "ON")
    chosen = signals.enabled_signals()
    assert signals.User2 in chosen and signals.Quit not in chosen


def test_not_allowed(restore_settings, capsys):
    restore_settings.allow_signal_handler = False
    signals.enable_signal_detection([signals.User2])
    assert signal.getsignal(signal.SIGUSR2) is not signals._handler
    assert "allow_signal_handler" in capsys.readouterr().err


def test_set_exit_action_needs_a_callable():
    with pytest.raises(TypeError):
        signals.set_exit_action(3)


# ----------------------------------------------------------------------------------------------
# fatal signals: the C handler

CRASH = textwrap.dedent(
    """
    import ctypes, os, sys, threading
    import timemory
    from timemory.util import marker

    mode = sys.argv[1]
    timemory.settings.tree_output = True
    timemory.enable_signal_detection()  # the default set: Quit, Illegal, Abort, Bus, SegFault


    def crash_here():
        if mode == "abort":
            os.abort()
        ctypes.string_at(0)  # a real segmentation fault


    for _ in range(5):
        with marker(["wall_clock"], key="loop"):
            pass
    if mode == "thread":
        worker = threading.Thread(target=crash_here, name="crasher")
        with marker(["wall_clock"], key="outer"):
            worker.start()
            worker.join()
    else:
        with marker(["wall_clock"], key="outer"):
            crash_here()
    print("NOT REACHED")
    """
)


def _entries(path):
    with open(path) as handle:
        document = json.load(handle)  # whole and valid
    graph = document["timemory"]["wall_clock"]["ranks"][0]["graph"]
    return {entry["prefix"]: entry["entry"]["laps"] for entry in graph}


def _check_outputs(folder, expected):
    for name in ("wall.json", "wall.tree.json", "metadata.json"):
        with open(folder / name) as handle:
            json.load(handle)
    assert _entries(folder / "wall.json") == expected
    assert "loop" in (folder / "wall.txt").read_text()
    assert not [p for p in folder.rglob("*") if ".tmp." in p.name]


@pytest.mark.parametrize(
    "mode, signum, name, reason",
    [
        ("segv", signal.SIGSEGV, "SegFault (Segmentation fault)",
         "@ 0x0 : SegFault (Segmentation fault). Address not mapped to object."),
        ("abort", signal.SIGABRT, "Abort (Aborted)",
         " : Abort (Aborted). Sent by tkill()/raise() from process "),
    ],
)  # fmt: skip
def test_fatal_signal_reports_writes_and_ends_with_the_signal(
    run_python, tmp_path, mode, signum, name, reason
):
    result = run_python(CRASH, mode, name="crash.py")
    assert result.returncode == -signum, result.stderr
    assert f"\n### ERROR ###  [ rank : 0 ] Error code : {int(signum)} @ 0x" in result.stderr
    assert reason in result.stderr
    assert re.search(r"\[PID=\d+\]\[TID=\d+\]\[0/\d+\]> ", result.stderr)
    # the Python stack names the crashing function, the line that crashed and its caller
    assert "Current thread 0x" in result.stderr
    assert re.search(r'File ".*crash\.py", line 1[34] in crash_here', result.stderr)
    assert re.search(r'File ".*crash\.py", line 2\d in <module>', result.stderr)
    assert f"Finalizing after signal: {int(signum)} :: {name.split()[0]}" in result.stderr
    assert "NOT REACHED" not in result.stdout
    assert "Outputting" in result.stdout and "wall.json" in result.stdout
    # "outer" was open when the signal came: the writer popped it (stack_clearing)
    _check_outputs(tmp_path / "timemory-crash-output", {">>> loop": 5, ">>> outer": 1})


def test_fatal_signal_on_a_worker_thread(run_python, tmp_path):
    result = run_python(CRASH, "thread", name="crash.py")
    assert result.returncode == -signal.SIGSEGV, result.stderr
    assert "Error code : 11 @ 0x0 : SegFault (Segmentation fault)." in result.stderr
    # the crashed thread is the current one; the main thread (in start or join) is listed too
    current = result.stderr.split("Current thread 0x", 1)[1].split("\n\n", 1)[0]
    assert "in crash_here" in current and "in run" in current
    main = result.stderr.split("\nThread 0x", 1)[1].split("\n\n", 1)[0]
    assert re.search(r'File ".*crash\.py", line 2[34] in <module>', main)
    # "outer" is open on the main thread, not the crashed one: it has no record yet
    _check_outputs(tmp_path / "timemory-crash-output", {">>> loop": 5})


def test_fatal_signals_use_the_c_handler_and_disable_restores():
    import faulthandler

    before = signal.getsignal(signal.SIGSEGV)
    faulthandler_was = faulthandler.is_enabled()
    signals.enable_signal_detection([signals.SegFault, signals.Abort, signals.User2])
    try:
        assert sorted(libpytimemory.signal_handler_signals()) == sorted(
            [signal.SIGSEGV, signal.SIGABRT]
        )
        assert signal.getsignal(signal.SIGUSR2) is signals._handler  # not fatal: Python's
        assert faulthandler.is_enabled() == faulthandler_was  # left as it was
    finally:
        signals.disable_signal_detection()
    assert libpytimemory.signal_handler_signals() == []
    assert signal.getsignal(signal.SIGSEGV) == before
    assert signal.getsignal(signal.SIGUSR2) is not signals._handler


def test_write_timeout():
    saved = signals.write_timeout()
    try:
        signals.set_write_timeout(2.5)
        assert signals.write_timeout() == 2.5
        with pytest.raises(ValueError):
            signals.set_write_timeout(0)
    finally:
        signals.set_write_timeout(saved)
    assert saved == 30.0

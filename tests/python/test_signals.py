"""timemory.signals: a caught signal reports, writes the outputs and exits; fatal signals go
through faulthandler (spec NOTES.md section 4)."""

import signal
import textwrap

import pytest
from timemory import signals

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
    elif mode == "segv":
        timemory.enable_signal_detection()
        import ctypes
        ctypes.string_at(0)
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


def test_fatal_signal_prints_the_traceback(run_python):
    result = run_python(PROGRAM, "segv", name="segv.py")
    assert result.returncode == -signal.SIGSEGV
    assert "Fatal Python error: Segmentation fault" in result.stderr
    assert "segv.py" in result.stderr


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

"""The typed use of the documented API (tests/typing/use_api.py, which scripts/test.sh checks
with mypy --strict) also runs: the calls the stubs accept are the calls the package takes.
And the stubs ship in the installed package, beside the modules they describe."""

from pathlib import Path

import timemory
from conftest import ROOT

TYPING = ROOT / "tests" / "typing"


def test_typed_api_script_runs(run_python):
    result = run_python(TYPING / "use_api.py", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "typed API:" in result.stdout and "wall_clock entries" in result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def test_stubs_are_installed_beside_the_modules():
    package = Path(timemory.__file__).parent
    assert (package / "py.typed").exists()
    for stub in ("__init__.pyi", "libs/libpytimemory.pyi", "libpytimemory.pyi",
                 "profiler/__init__.pyi", "profiler/profiler.pyi", "trace/__init__.pyi",
                 "trace/tracer.pyi", "plotting/__init__.pyi", "plotting/speedscope.pyi",
                 "bundle/__init__.pyi", "hardware_counters/__init__.pyi", "roofline/__init__.pyi",
                 "ert/__init__.pyi", "signals.pyi", "units.pyi", "options.pyi", "common.pyi",
                 "api/__init__.pyi", "api/papi.pyi", "region/__init__.pyi", "util/__init__.pyi",
                 "component/__init__.pyi", "storage/__init__.pyi", "settings/__init__.pyi",
                 "mpi/__init__.pyi", "mpi_support/__init__.pyi"):  # fmt: skip
        assert (package / stub).is_file(), stub

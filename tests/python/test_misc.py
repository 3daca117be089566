"""Small modules: units, common (FILE/FUNC/LINE/FRAME, popen, dart/ctest helpers), scope,
options, api, mpi_support (spec API.md section 5)."""

import os
import sys

import pytest
import timemory
from timemory import common, scope, units


def test_units():
    assert (units.psec, units.nsec, units.usec, units.msec) == (10**12, 10**9, 10**6, 1000)
    assert (units.csec, units.dsec, units.sec) == (100, 10, 1)
    assert (units.byte, units.kilobyte, units.megabyte) == (1, 1000, 10**6)
    assert (units.gigabyte, units.terabyte, units.petabyte) == (10**9, 10**12, 10**15)
    assert units.kibibyte == 1024


def where():
    return timemory.FILE(), timemory.FUNC(), timemory.LINE(), timemory.FRAME()


def test_frame_helpers():
    file, func, line, frame = where()
    assert file == os.path.basename(__file__)
    assert func == "where"
    assert line == where.__code__.co_firstlineno + 1
    assert frame.f_code.co_name == "where"
    assert timemory.FILE(noquotes=False) == f"'{os.path.basename(__file__)}'"
    assert timemory.FILE(use_dirname=True) == os.path.join("python", os.path.basename(__file__))
    assert timemory.FILE(only_basename=False) == __file__
    assert timemory.FUNC(back=1) == "func"
    assert common.FUNC(back=500) == "<module>"


def test_generators_and_coroutines():
    def gen():
        yield 1

    async def coro():
        pass

    assert common.is_generator(gen) and not common.is_generator(test_units)
    assert common.is_coroutine(coro) and not common.is_coroutine(gen)


def test_popen(tmp_path, capsys):
    code, out, _ = common.popen([sys.executable, "-c", "print('hi')"], outf=tmp_path / "o")
    assert (code, out) == (0, "hi\n") and (tmp_path / "o").read_text() == "hi\n"
    code, _, _ = common.popen([sys.executable, "-c", "raise SystemExit(3)"])
    assert code == 3 and "failed with exit code 3" in capsys.readouterr().err
    with pytest.raises(RuntimeError):
        common.popen([sys.executable, "-c", "raise SystemExit(3)"], keep_going=False)
    assert common.which("sh")


def test_dart_and_ctest(tmp_path, capsys):
    common.dart_measurement("wall", 1.5)
    common.dart_measurement_file("plot", "x.png")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == '<DartMeasurement name="wall" type="numeric/double">1.5</DartMeasurement>'
    assert out[1] == (
        f'<DartMeasurementFile name="plot" type="image/png">'
        f"{os.path.abspath('x.png')}</DartMeasurementFile>"
    )
    target = tmp_path / "wall.txt"
    common.write_ctest_notes(str(target))
    assert (tmp_path / "CTestNotes.txt").read_text() == (
        f'\nlist(APPEND CTEST_NOTES_FILES "{target}")\n'
    )


def test_scope(restore_settings):
    lib = timemory.libpytimemory
    restore_settings.flat_profile = False
    restore_settings.timeline_profile = False
    assert int(scope.config()) == lib.SCOPE_TREE
    assert int(scope.config(True)) == lib.SCOPE_FLAT
    assert int(scope.config(scope.FLAT, scope.TIMELINE)) == lib.SCOPE_FLAT | lib.SCOPE_TIMELINE
    assert int(scope.config(time=True)) == lib.SCOPE_TREE | lib.SCOPE_TIMELINE
    restore_settings.flat_profile = True
    assert scope.config().is_flat() and scope.bits() == 0
    assert scope.bits(flat=False) == lib.SCOPE_TREE
    with pytest.raises(TypeError):
        scope.config("flat")


def test_options_helpers(tmp_path):
    from timemory import options

    target = tmp_path / "a" / "b" / "file.txt"
    options.ensure_directory_exists(str(target))
    assert target.parent.is_dir()
    options.safe_mkdir(str(target.parent))
    assert options.matplotlib_backend in ("default", "agg")


def test_mpi_support_info(capsys):
    timemory.mpi_support.mpi_exe_info()
    timemory.mpi.mpi_c_info()
    out = capsys.readouterr().out
    if timemory.mpi_support.is_supported():  # the build found MPI (test_mpi.py)
        assert out.startswith("MPIEXEC_EXECUTABLE: ") and "\nMPI_C_COMPILER: " in out
    else:
        assert out == "MPI not supported\nMPI not supported\n"


def test_notebook_imports_without_ipython_loading_it():
    import sys

    from timemory import notebook

    assert notebook.__all__ == ["Report", "load_ipython_extension", "unload_ipython_extension"]
    assert "timemory.notebook._magics" not in sys.modules or "IPython" in sys.modules


def test_gperftools_helper_reports_missing_tools():
    import ctypes.util

    from timemory.api import gperftools

    if ctypes.util.find_library("profiler") is None:
        with pytest.raises(RuntimeError, match="gperftools is not installed"):
            gperftools.cpu_profiler(["true"])

"""timemory.common -- frame helpers (FILE, FUNC, LINE, FRAME), process and CTest/CDash helpers.

FILE(), FUNC(), LINE() and FRAME() describe the code that calls them (``back`` counts frames
up from there the way the original toolkit counted them).
"""

import inspect
import os
import shutil
import subprocess
import sys

__all__ = [
    "FILE",
    "FRAME",
    "FUNC",
    "LINE",
    "PY3",
    "PY35",
    "dart_measurement",
    "dart_measurement_file",
    "execute_",
    "file",
    "frame",
    "func",
    "get_bin_script",
    "is_coroutine",
    "is_generator",
    "line",
    "popen",
    "which",
    "write_ctest_notes",
]

PY3 = sys.version_info >= (3,)
PY35 = sys.version_info >= (3, 5)


def _frame_at(back):
    """sys._getframe(back) counted from here: 0 = this helper, 1 = FILE/FUNC/FRAME, 2 = the
    code that called them (the original's counting), None when the stack is not that deep."""
    try:
        return sys._getframe(back)
    except ValueError:
        return None


def file(back=2, only_basename=True, use_dirname=False, noquotes=True):
    """Returns the file name"""
    found = _frame_at(back)
    name = found.f_code.co_filename if found is not None else "<module>"
    if only_basename:
        if use_dirname:
            name = os.path.join(os.path.basename(os.path.dirname(name)), os.path.basename(name))
        else:
            name = os.path.basename(name)
    return name if noquotes else f"'{name}'"


def func(back=2):
    """Returns the function name"""
    found = _frame_at(back)
    return found.f_code.co_name if found is not None else "<module>"


def line(back=1):
    """Returns the line number"""
    try:
        return int(sys._getframe(back).f_lineno)
    except ValueError:
        return 0


def frame(back=2):
    """Returns the frame object"""
    return _frame_at(back)


FILE = file
FUNC = func
LINE = line
FRAME = frame


def is_generator(function):
    """True for a generator function (code flag CO_GENERATOR)."""
    code = getattr(function, "__code__", None)
    return bool(code is not None and code.co_flags & 0x20)


def is_coroutine(function):
    """True for an ``async def`` function."""
    return inspect.iscoroutinefunction(function)


def popen(cmd, outf=None, keep_going=True, timeout=None, shell=False):
    """Run cmd; returns (returncode, stdout, stderr). stdout is also written to the file outf
    when given. A failure prints a banner, or raises RuntimeError when keep_going is False."""
    process = subprocess.run(
        cmd, shell=shell, capture_output=True, text=True, timeout=timeout, check=False
    )
    if outf is not None:
        with open(outf, "w") as output:
            output.write(process.stdout)
    if process.returncode != 0:
        command = cmd if isinstance(cmd, str) else " ".join(str(part) for part in cmd)
        message = f"Command '{command}' failed with exit code {process.returncode}"
        if not keep_going:
            raise RuntimeError(f"{message}\n{process.stderr}")
        print(f"\n{'#' * 80}\n# {message}\n{process.stderr}{'#' * 80}\n", file=sys.stderr)
    return process.returncode, process.stdout, process.stderr


def execute_(cmd, *args, **kwargs):
    """Run cmd (a list or a string) and return its exit code."""
    return popen(cmd, *args, **kwargs)[0]


def dart_measurement(name, value):
    """Print a CDash numeric measurement tag."""
    print(f'<DartMeasurement name="{name}" type="numeric/double">{value}</DartMeasurement>')


def dart_measurement_file(name, path, format="png", type="image"):
    """Print a CDash measurement-file tag for path."""
    print(
        f'<DartMeasurementFile name="{name}" type="{type}/{format}">'
        f"{os.path.abspath(path)}</DartMeasurementFile>"
    )


def write_ctest_notes(fname, path=None, mode="a"):
    """Append fname to ``<path>/CTestNotes.txt`` (path: the file's folder)."""
    fname = os.path.abspath(fname)
    if path is None:
        path = os.path.dirname(fname)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "CTestNotes.txt"), mode) as notes:
        notes.write(f'\nlist(APPEND CTEST_NOTES_FILES "{fname}")\n')


def get_bin_script(name):
    """Path of a helper script shipped in the package's bin/ folder, or None."""
    candidate = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", name)
    return candidate if os.path.isfile(candidate) else None


def which(cmd):
    """Full path of an executable on PATH, or None."""
    return shutil.which(cmd)

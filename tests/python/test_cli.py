"""The command lines python -m timemory.profiler / timemory.trace as users of cProfile,
kernprof, pyinstrument and viztracer use them: the script as a real __main__ module (its
functions pickle under multiprocessing, fork and spawn), sys.argv and sys.path[0] as Python
sets them, -m module (a package in a temporary folder), -o (where the files land), -s (the
order of the printed table), a missing script or module, the program's exit status and
sys.exit message, uncaught exceptions printed as Python prints them, '--' and the script's
own options. Every case runs the command line in a subprocess."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import clean_environment


def run_cli(tmp_path, *args, tool="profiler", cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", f"timemory.{tool}", *map(str, args)],
        cwd=cwd or tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(env),
        timeout=120,
    )


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def flat_entries(folder, component="wall_clock"):
    """[(label, depth, laps)] of <folder>/<label>.json (wall.json)."""
    document = json.loads((Path(folder) / "wall.json").read_text())
    graph = document["timemory"][component]["ranks"][0]["graph"]
    return [(e["prefix"].split("|_")[-1].replace(">>> ", ""), e["depth"], e["entry"]["laps"])
            for e in graph]  # fmt: skip


def printed_rows(stdout):
    """Labels (without decoration) of the rows of the table printed on stdout, in order."""
    rows = []
    for line in stdout.splitlines():
        if line.startswith("| >>> "):
            label = line[len("| >>> ") :].split(" | ")[0].strip()
            rows.append(label[2:] if label.startswith("|_") else label)
    return rows


def json_line(stdout, tag):
    for line in stdout.splitlines():
        if line.startswith(tag):
            return json.loads(line[len(tag) :])
    raise AssertionError(f"no {tag} line in:\n{stdout}")


# ---- the script as __main__ ------------------------------------------------------------------

POOL_SCRIPT = """
import multiprocessing
import pickle
import sys


def square(x):
    return x * x


if __name__ == "__main__":
    assert sys.modules["__main__"].square is square
    assert pickle.loads(pickle.dumps(square)) is square
    with multiprocessing.get_context(sys.argv[1]).Pool(2) as pool:
        print("RESULT", pool.map(square, range(6)))
        # the workers end by themselves: Pool.terminate()'s SIGTERM can reach a worker whose
        # main thread is about to block on the task queue, and its Python-level handler (the
        # last hand-off, timemory.util._processes) then never runs: a hang (seen 1 in ~15
        # runs under the profiler or tracer)
        pool.close()
        pool.join()
"""


@pytest.mark.parametrize("tool", ["profiler", "trace"])
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_functions_of_the_script_pickle_under_multiprocessing(tmp_path, tool, method):
    write(tmp_path / "pool.py", POOL_SCRIPT)
    result = run_cli(tmp_path, "-o", "out", "pool.py", method, tool=tool)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT [0, 1, 4, 9, 16, 25]" in result.stdout
    assert (tmp_path / "out" / "wall.json").is_file()
    if tool == "profiler" and method == "fork":
        # the forked workers handed their calls over: all six, nested where they were forked
        squares = [e for e in flat_entries(tmp_path / "out") if e[0].startswith("square/")]
        assert [laps for _, _, laps in squares] == [6], squares


def test_argv_path_and_main_module_as_python_sets_them(tmp_path):
    script = write(
        tmp_path / "sub" / "prog.py",
        """
        import json
        import sys

        def work():
            return sys.modules["__main__"]

        main = work()
        print("INFO=" + json.dumps({
            "argv": sys.argv, "path0": sys.path[0], "name": __name__, "file": __file__,
            "is_main": main.__dict__ is globals(), "spec": __spec__ is None,
        }))
        """,
    )
    # the script's own options (-o, -s, -m) are the script's; ours end at its name
    result = run_cli(tmp_path, "-c", "wall_clock", "cpu_clock", "sub/prog.py", "a", "-o", "b",
                     "-s", "-m", "x")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    info = json_line(result.stdout, "INFO=")
    assert info == {
        "argv": [str(script), "a", "-o", "b", "-s", "-m", "x"],
        "path0": str(script.parent),
        "name": "__main__",
        "file": str(script),
        "is_main": True,
        "spec": True,
    }
    # the default folder, named after the script: -o was not ours
    assert (tmp_path / "timemory-prog-output" / "wall.json").is_file()
    assert not (tmp_path / "b").exists()

    # after "--" everything is the program's, its name included
    write(tmp_path / "runme", "import sys\ndef f():\n    print('ARGV', sys.argv[1:])\nf()\n")
    result = run_cli(tmp_path, "-o", "o2", "--", "runme", "--help", "-o", "x")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ARGV ['--help', '-o', 'x']" in result.stdout
    assert (tmp_path / "o2" / "wall.json").is_file()


def test_non_daemon_threads_finish_before_the_results_are_written(tmp_path):
    write(
        tmp_path / "threads.py",
        """
        import threading
        import time

        def late():
            time.sleep(0.05)

        def worker():
            time.sleep(0.05)
            late()

        threading.Thread(target=worker).start()
        """,
    )
    result = run_cli(tmp_path, "-o", "out", "threads.py")
    assert result.returncode == 0, result.stdout + result.stderr
    labels = {label: laps for label, _, laps in flat_entries(tmp_path / "out")}
    assert labels.get("late/threads.py:5") == 1, labels


# ---- -m module ---------------------------------------------------------------------------------


def make_package(root):
    write(root / "mypkg" / "__init__.py", "")
    write(
        root / "mypkg" / "helpers.py",
        """
        def helper(n):
            return sum(range(n))
        """,
    )
    write(
        root / "mypkg" / "__main__.py",
        """
        import json
        import sys

        from mypkg.helpers import helper
        from timemory.profiler import Config


        def main():
            print("INFO=" + json.dumps({
                "argv": sys.argv, "name": __name__, "spec": __spec__.name,
                "main": sys.modules["__main__"].__dict__ is globals(), "path0": sys.path[0],
                "depth": Config.max_stack_depth,
            }))
            return helper(10)


        if __name__ == "__main__":
            main()
            main()
            sys.exit(int(sys.argv[1]))
        """,
    )
    write(root / "plainmod.py", "import sys\nprint('PLAIN', __name__, sys.argv)\n")
    write(root / "nomain" / "__init__.py", "")


def test_module_runs_as_python_m_does(tmp_path):
    make_package(tmp_path)
    package_main = tmp_path / "mypkg" / "__main__.py"
    # the original's long option before -m; after it, the module's own arguments
    result = run_cli(tmp_path, "--max-depth", "40", "-o", "out", "-m", "mypkg", "7", "-o", "x")
    assert result.returncode == 7, result.stdout + result.stderr
    info = json_line(result.stdout, "INFO=")
    assert info == {
        "argv": [str(package_main), "7", "-o", "x"],
        "name": "__main__",
        "spec": "mypkg.__main__",
        "main": True,
        "path0": str(tmp_path),
        "depth": 40,
    }
    entries = flat_entries(tmp_path / "out")
    # the package's __main__.py is measured (a default skip of the profiler otherwise)
    assert ("main/__main__.py:9", 0, 2) in entries
    assert ("helper/helpers.py:2", 1, 2) in entries
    assert not (tmp_path / "x").exists()

    result = run_cli(tmp_path, "--max-stack-depth", "3", "-mplainmod", "a")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"PLAIN __main__ [{str(tmp_path / 'plainmod.py')!r}, 'a']" in result.stdout
    assert (tmp_path / "timemory-plainmod-output").is_dir()

    result = run_cli(tmp_path, "-m", "no_such_module_here")
    assert result.returncode == 2
    assert result.stderr == "timemory.profiler: no module named 'no_such_module_here'\n"
    result = run_cli(tmp_path, "-m", "nomain", tool="trace")
    assert result.returncode == 2
    assert result.stderr == (
        "timemory.trace: 'nomain' is a package and cannot be directly executed (no __main__)\n"
    )


# ---- -o and -s ---------------------------------------------------------------------------------


def test_output_option_names_the_folder(tmp_path):
    write(tmp_path / "prog.py", "def f():\n    return 1\n\nf()\n")
    (tmp_path / "run.d").mkdir()
    cases = [
        (["-o", "prof.out"], "prof"),  # a file name: the folder is its stem
        (["--output", "res/run1.json"], "res/run1"),
        (["--output=plain"], "plain"),
        (["-o", "run.d"], "run.d"),  # an existing folder
        (["-o", "new.d/"], "new.d"),  # a name ending in '/'
        (["-oattached"], "attached"),
    ]
    for args, folder in cases:
        result = run_cli(tmp_path, *args, "prog.py")
        assert result.returncode == 0, result.stdout + result.stderr
        written = sorted(p.name for p in (tmp_path / folder).iterdir() if p.is_file())
        assert {"wall.txt", "wall.json", "wall.tree.json", "metadata.json"} <= set(written), (
            args,
            written,
        )
        assert f"'{folder}/wall.txt'" in result.stdout, (args, result.stdout)
    assert not (tmp_path / "timemory-prog-output").exists()
    assert not (tmp_path / "prof.out").exists()


SORT_SCRIPT = """
import time


def leaf():
    time.sleep(0.12)


def calls_leaf():  # inclusive ~0.13 s, self ~0.01 s (well above often's few microseconds)
    time.sleep(0.01)
    leaf()


def sleeps_itself():  # inclusive = self ~0.05 s
    time.sleep(0.05)


def often():  # 3 calls, short
    pass


def main():
    often()
    sleeps_itself()
    often()
    calls_leaf()
    often()


main()
"""


@pytest.mark.parametrize(
    "key, order",
    [
        (None, ["often", "sleeps_itself", "calls_leaf"]),  # the order of first calls
        ("inclusive", ["calls_leaf", "sleeps_itself", "often"]),
        ("cumulative", ["calls_leaf", "sleeps_itself", "often"]),  # cProfile's name
        ("self", ["sleeps_itself", "calls_leaf", "often"]),
        ("count", ["often", "sleeps_itself", "calls_leaf"]),
        ("name", ["calls_leaf", "often", "sleeps_itself"]),
    ],
)
def test_sort_orders_the_printed_table(tmp_path, key, order):
    write(tmp_path / "prog.py", SORT_SCRIPT)
    sort = ["-s", key] if key else []
    result = run_cli(tmp_path, *sort, "--trace-c", "false", "-o", "out", "prog.py")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [row.split("/")[0] for row in printed_rows(result.stdout)]
    assert rows[0] == "main", rows
    assert [row for row in rows if row in order] == order, rows
    # the files follow the same order
    in_file = [label.split("/")[0] for label, depth, _ in flat_entries(tmp_path / "out")]
    assert [label for label in in_file if label in order] == order


def test_unknown_sort_key_is_a_usage_error(tmp_path):
    write(tmp_path / "prog.py", "print('RAN')\n")
    result = run_cli(tmp_path, "-s", "fastest", "prog.py")
    assert result.returncode == 2
    assert "unknown key 'fastest'" in result.stderr and "RAN" not in result.stdout


# ---- what is missing -------------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["profiler", "trace"])
def test_missing_script(tmp_path, tool):
    result = run_cli(tmp_path, "missing.py", "arg", tool=tool)
    assert (result.returncode, result.stderr) == (
        2,
        f"timemory.{tool}: no such file: 'missing.py'\n",
    )
    # a several-value option does not take the script's name
    result = run_cli(tmp_path, "-c", "wall_clock", "cpu_clock", "missing.py", tool=tool)
    assert (result.returncode, result.stderr) == (
        2,
        f"timemory.{tool}: no such file: 'missing.py'\n",
    )
    result = run_cli(tmp_path, "-c", "wall_clock", tool=tool)
    assert result.returncode == 2
    assert "no script or module given" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written


# ---- the program's exit ------------------------------------------------------------------------

EXITS = {
    "code": ("import sys\ndef f():\n    sys.exit(3)\nf()\n", 3, ""),
    "none": ("import sys\ndef f():\n    sys.exit()\nf()\n", 0, ""),
    "message": (
        "import sys\ndef f():\n    sys.exit('stopping: bad input')\nf()\n",
        1,
        "stopping: bad input\n",
    ),  # fmt: skip
    "exception": ("def f():\n    raise ValueError('boom')\n\nf()\n", 1, None),
    "syntax": ("def f(:\n    pass\n", 1, None),
    "interrupt": ("def f():\n    raise KeyboardInterrupt\nf()\n", 130, None),
}


@pytest.mark.parametrize("tool", ["profiler", "trace"])
@pytest.mark.parametrize("case", sorted(EXITS))
def test_exit_status_and_message_as_python(tmp_path, case, tool):
    code, status, stderr = EXITS[case]
    write(tmp_path / "prog.py", code)
    result = run_cli(tmp_path, "-o", "out", "prog.py", tool=tool)
    assert result.returncode == status, result.stdout + result.stderr
    plain = subprocess.run(
        [sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True,
        env=clean_environment(),
    )  # fmt: skip
    if case != "interrupt":  # Python ends with SIGINT there; the command line returns 130
        assert plain.returncode == status
    if stderr is not None:
        assert result.stderr == stderr == plain.stderr
    else:
        # the traceback Python prints, from the program's first frame (none of ours)
        assert plain.stderr and plain.stderr in result.stderr, result.stderr
        assert result.stderr.count("Traceback") == plain.stderr.count("Traceback")
        assert "_cli.py" not in result.stderr and "runpy" not in result.stderr
    # the results are written in every case (the syntax error ran nothing: no entries)
    if case != "syntax":
        labels = [label for label, _, _ in flat_entries(tmp_path / "out")]
        if tool == "profiler":  # the function, and nothing after it raised
            # (a C call such as sys.exit may be labelled by its caller, f, too)
            assert labels[0].startswith("f/prog.py:"), labels
            assert {label for label in labels if "/prog.py:" in label} == {labels[0]}, labels
        else:
            assert labels, labels


# ---- kernprof's habits ---------------------------------------------------------------------------


def test_setup_file_and_builtin(tmp_path):
    write(tmp_path / "setup_names.py", "VALUE = 42\n")
    write(
        tmp_path / "prog.py",
        """
        def measured():
            return 1

        def plain():
            return 2

        print("VALUE", VALUE)
        profile(measured)()
        plain()
        """,
    )
    result = run_cli(tmp_path, "--setup", "setup_names.py", "-b", "-o", "out", "prog.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALUE 42" in result.stdout
    labels = [label for label, _, _ in flat_entries(tmp_path / "out")]
    assert "measured/prog.py:2" in labels and not any("plain" in x for x in labels), labels

    result = run_cli(tmp_path, "--setup", "nothere.py", "prog.py")
    assert result.returncode == 2
    assert result.stderr == "timemory.profiler: no such file: 'nothere.py' (--setup)\n"


def test_help_says_where_the_short_options_changed(tmp_path):
    for tool in ("profiler", "trace"):
        result = run_cli(tmp_path, "--help", tool=tool)
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        for flag in ("-m MODULE", "-o PATH", "-s KEY", "--setup FILE", "--components"):
            assert flag in text, (tool, flag)
        assert "-s is the sort key (setup file: --setup)" in text
        assert ("-m is the module to run" in text) == (tool == "profiler")
    text = " ".join(run_cli(tmp_path, "--help").stdout.split())
    assert "--max-stack-depth INT, --max-depth INT" in text

"""Labels that name what ran: the profiler's row of a C call is named after the C function
("builtins.sum", "list.append", as cProfile names them), never after its caller; a tracer
row inside a function is labelled by that function when the file was first met in
module-level code. Programs run in subprocesses."""

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES, clean_environment

BACKENDS = ["legacy", "scoped"] if sys.version_info < (3, 12) else ["monitoring", "legacy"]

C_CALLS = """
import sys, time
import timemory
from timemory.profiler import Profiler, Config
from timemory.libs import libpytimemory as _lib

_lib.ProfilerSession._set_backend(sys.argv[1])
Config.trace_c = True
Config.only_filenames = [__file__]


class Items(list):
    pass


def middle(xs):
    total = sum(xs)
    xs.append(1)
    Items(xs).append(2)  # a subclass's instance: the method is list's
    bound = xs.append
    bound(3)  # a bound builtin method object
    dict.fromkeys("ab")  # a class method
    "-".join(["a", "b"])
    time.sleep(0)
    print("printed")
    return total


def outer():
    return middle([1, 2, 3])


Profiler(["wall_clock"]).runcall(outer)
data = timemory.get(components=["wall_clock"])["timemory"]["wall_clock"]["ranks"][0]["graph"]
print("ENTRIES=" + json.dumps([[e["prefix"], e["depth"], e["entry"]["laps"]] for e in data]))
"""


def entries(result):
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("ENTRIES="))
    return [tuple(row) for row in json.loads(line[len("ENTRIES=") :])]


@pytest.mark.parametrize("backend", BACKENDS)
def test_c_calls_are_named_after_the_c_function(run_python, backend):
    code = "import json\n" + C_CALLS
    result = run_python(code, backend)
    assert "printed" in result.stdout
    lines = code.splitlines()
    outer = next(i for i, x in enumerate(lines, 1) if x.startswith("def outer"))
    middle = next(i for i, x in enumerate(lines, 1) if x.startswith("def middle"))
    assert entries(result) == [
        (f">>> outer/prog.py:{outer}", 0, 1),
        (f">>> |_middle/prog.py:{middle}", 1, 1),
        (">>>   |_builtins.sum", 2, 1),
        (">>>   |_list.append", 2, 3),
        (">>>   |_dict.fromkeys", 2, 1),
        (">>>   |_str.join", 2, 1),
        (">>>   |_time.sleep", 2, 1),
        (">>>   |_builtins.print", 2, 1),
    ]


def test_fibonacci_example_names_sum(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "timemory.profiler", "-c", "wall_clock", "--trace-c", "--",
         str(EXAMPLES / "fibonacci.py"), "12"],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = []  # (label, depth) of the table's rows, in order
    for line in next(tmp_path.rglob("wall.txt")).read_text().splitlines():
        if line.startswith("| >>> "):
            cells = [cell.strip() for cell in line[2:-2].split(" | ")]
            rows.append((cells[0][4:].strip().lstrip("|_"), int(cells[2])))
    at = next(i for i, (label, _) in enumerate(rows) if label.startswith("squares/"))
    # squares calls the C function sum (which runs the generator expression)
    assert rows[at + 1] == ("builtins.sum", rows[at][1] + 1), rows
    assert rows[at + 2][0].startswith("<genexpr>/") and rows[at + 2][1] == rows[at][1] + 2, rows
    assert ("builtins.print", 1) in rows, rows


TRACED = """
def leaf(x):
    y = x * 2
    return y


class Shape:
    def area(self):
        return leaf(3)


total = 0
for i in range(3):
    total += leaf(i)
Shape().area()
"""


def test_tracer_rows_name_their_function(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(TRACED).lstrip())
    result = subprocess.run(
        [sys.executable, "-m", "timemory.trace", "-c", "wall_clock", "--", str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    text = next(tmp_path.rglob("wall.txt")).read_text()
    labels = {}
    for row in text.splitlines():
        if row.startswith("| >>> "):
            label = row[6 : row.index(" | ", 6)].strip()
            labels[label[: label.rfind("[")].strip()] = (label[label.rfind("[") :], row)
    brackets = {source: bracket for source, (bracket, _) in labels.items()}
    assert brackets == {
        "def leaf(x):": "[leaf/prog.py:01]",
        "y = x * 2": "[leaf/prog.py:02]",
        "return y": "[leaf/prog.py:03]",
        "class Shape:": "[Shape/prog.py:06]",
        "def area(self):": "[area/prog.py:07]",
        "return leaf(3)": "[area/prog.py:08]",
        "total = 0": "[<module>/prog.py:11]",
        "for i in range(3):": "[<module>/prog.py:12]",
        "total += leaf(i)": "[<module>/prog.py:13]",
        "Shape().area()": "[<module>/prog.py:14]",
    }

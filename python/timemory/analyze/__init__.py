"""timemory.analyze -- call-graph analysis of timemory's tree data with LLNL hatchet (3.2.x).

``embedded_analyze(args, data=[...])`` (and ``python -m timemory.analyze`` /
``timemory-analyze FILE...``) loads ``timemory.get(hierarchy=True)`` dicts or ``*.tree.json``
files into hatchet GraphFrames, filters them (``--search``/``--match`` a regular expression on
a dataframe field, ``--expression 'x > 1e3 && x < 1e6'`` on the metric), combines them
(``-M add|subtract|unify``), sorts or groups them, and writes each ``-f`` format (tree, dot,
flamegraph, table, markdown, markdown_grid, html, json) to standard output or to the ``-o``
files. ``--compare`` compares runs (each later one minus the first, or over it: a difference
tree, calls included), ``--filter`` (= ``--search``) keeps nodes by name, ``--threshold``
by value, ``--sort`` orders the tree's children and the table's rows by the metric, ``--tree``
prints the tree (``-f tree``): ``timemory-analyze run1/ run2/ --compare``,
``timemory-analyze run1/ --select wall_clock --filter fib --sort --tree``.

Metric names: hatchet (2022 and later) names the columns ``sum.wall_clock`` and
``sum.wall_clock (inc)``; the original's short names still work -- ``sum``, ``sum.inc``,
``sum.start-peak-rss.inc`` -- and are resolved against the loaded frame's columns.

Needs ``llnl-hatchet`` (and pandas): ``pip install 'timemory[analyze]'``; the ``table``/
``markdown`` formats use ``tabulate`` when it is installed.
"""

import argparse
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile

from . import _tools

__all__ = [
    "add",
    "compare",
    "dump",
    "embedded_analyze",
    "expression",
    "group",
    "load",
    "match",
    "resolve_metric",
    "search",
    "sort",
    "sort_tree",
    "subtract",
    "threshold",
    "unify",
]

FORMATS = ("dot", "flamegraph", "tree", "table", "markdown", "html", "markdown_grid", "json")
_STATS = ("sum", "min", "max", "sqr", "mean", "stddev")


def _hatchet():
    try:
        import hatchet
    except ImportError as error:
        raise ImportError(
            "timemory.analyze needs LLNL hatchet and pandas: pip install 'timemory[analyze]' "
            "(or: pip install llnl-hatchet)"
        ) from error
    return hatchet


def _each(data, function):
    """function applied to one GraphFrame, or to each of a list."""
    if isinstance(data, list):
        return [function(item) for item in data]
    return function(data)


def _filter(frame, predicate, what):
    """frame.filter(predicate) (rows of the dataframe), or None with a notice on stderr when no
    node passes: hatchet has no empty GraphFrame, and nothing matching is an answer, not an
    error."""
    try:
        return frame.filter(predicate, num_procs=1)
    except Exception as error:
        if type(error).__name__ != "EmptyFilter":
            raise
        print(f"timemory-analyze: no node matches {what}", file=sys.stderr)
        return None


def _kept(data):
    """The data sets left after a filter (those with no node dropped)."""
    if isinstance(data, list):
        return [item for item in data if item is not None]
    return data


def load(data, select=None, per_thread=False, per_rank=False):
    """A GraphFrame of a timemory tree: a dict (``timemory.get(hierarchy=True)``), a
    ``<label>.tree.json`` file name or open file, or an output folder (its ``*.tree.json``
    files). select: component names to keep. Built by timemory (``_graphframe``) as the run
    showed it: threads merged back where the run merged them (one row per node), a ``thread``
    level where it kept them apart, a ``rank`` level for MPI outputs; where hatchet's own
    ``from_timemory`` gives one frame per node (one thread), the same frame."""
    _hatchet()
    from ._graphframe import graphframe

    return graphframe(data, select=select, per_thread=per_thread, per_rank=per_rank)


def resolve_metric(frame, metric):
    """The dataframe column meant by metric: itself when it is one; else the original's short
    names in today's hatchet naming: ``sum`` -> ``sum.<component>``, ``sum.inc`` ->
    ``sum.<component> (inc)``, ``sum.start-peak-rss.inc`` -> ``sum.start-peak-rss (inc)``."""
    columns = list(frame.dataframe.columns) if hasattr(frame, "dataframe") else list(frame.columns)
    if metric in columns:
        return metric
    base, inclusive = (metric[:-4], True) if metric.endswith(".inc") else (metric, False)
    wanted = f"{base} (inc)" if inclusive else base
    if wanted in columns:
        return wanted
    if base in _STATS:
        found = [
            column
            for column in columns
            if isinstance(column, str)
            and column.startswith(f"{base}.")
            and column.endswith(" (inc)") == inclusive
        ]
        if found:
            return found[0]
    numeric = [c for c in columns if isinstance(c, str) and c.split(".")[0] in _STATS]
    raise KeyError(f"no metric {metric!r} in the data; the metrics are: {', '.join(numeric)}")


def search(data, pattern, field="name"):
    """Keep the nodes whose field contains a match of the regular expression (re.search).
    A data set with no such node becomes None (dropped from a list)."""
    program = re.compile(pattern)

    def apply(frame):
        return _filter(
            frame,
            lambda row: program.search(str(row[field])) is not None,
            f"--search {pattern!r} in {field!r}",
        )

    return _kept(_each(data, apply))


def match(data, pattern, field="name"):
    """Keep the nodes whose field matches the regular expression entirely (re.fullmatch).
    A data set with no such node becomes None (dropped from a list)."""
    program = re.compile(pattern)

    def apply(frame):
        return _filter(
            frame,
            lambda row: program.fullmatch(str(row[field])) is not None,
            f"--match {pattern!r} in {field!r}",
        )

    return _kept(_each(data, apply))


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _parse_expression(text):
    """'x > 1e3 && x < 1e6 || x == ...' -> [[(lhs, op, rhs), ...] (or), ...] (and). Operands are
    'x' or numbers, operators < <= > >=, joined by && (and) and || (or, binding tighter)."""
    if not isinstance(text, str) or not text.split():
        raise ValueError("an expression needs at least one comparison, e.g. 'x > 0'")
    clauses = []
    for clause in text.split("&&"):
        alternatives = []
        for comparison in clause.split("||"):
            tokens = comparison.split()
            if len(tokens) != 3 or tokens[1] not in _COMPARE:
                raise ValueError(
                    f"bad comparison {comparison.strip()!r} in {text!r}: expected "
                    "'<x or number> <op> <x or number>' with op one of < <= > >="
                )
            operands = []
            for token in (tokens[0], tokens[2]):
                if token == "x":
                    operands.append(None)
                    continue
                try:
                    operands.append(float(token))
                except ValueError:
                    raise ValueError(
                        f"token {token!r} of {text!r} is neither 'x' nor a number"
                    ) from None
            alternatives.append((operands[0], _COMPARE[tokens[1]], operands[1]))
        clauses.append(alternatives)
    return clauses


def _evaluate(clauses, x):
    def value(operand):
        return x if operand is None else operand

    return all(
        any(compare(value(lhs), value(rhs)) for lhs, compare, rhs in alternatives)
        for alternatives in clauses
    )


def expression(data, math_expr, metric="sum.inc"):
    """Keep the nodes whose metric satisfies the expression ('x > 1.0e3 && x < 1e6'); x is the
    metric's value. A data set with no such node becomes None (dropped from a list)."""
    clauses = _parse_expression(math_expr)

    def apply(frame):
        column = resolve_metric(frame, metric)
        return _filter(
            frame,
            lambda row: _evaluate(clauses, float(row[column])),
            f"--expression {math_expr!r} on {column!r}",
        )

    return _kept(_each(data, apply))


def sort(data, metric="sum", ascending=False):
    """The dataframe(s) sorted by the metric."""
    return _each(
        data,
        lambda frame: frame.dataframe.sort_values(
            by=[resolve_metric(frame, metric)], ascending=ascending
        ),
    )


def group(data, metric, field="name", ascending=False):
    """A flat profile: the dataframe(s) summed by field and sorted by the metric."""

    def apply(frame):
        column = resolve_metric(frame, metric)
        numeric = frame.dataframe.select_dtypes("number")
        table = numeric.groupby(frame.dataframe[field]).sum()
        return table.sort_values(by=[column], ascending=ascending)

    return _each(data, apply)


def threshold(data, value, metric="sum.inc"):
    """Keep the nodes whose metric's magnitude is at least value: a number in the metric's
    units, or ``"P%"`` of its largest magnitude. A data set with no such node is dropped."""
    return _tools.threshold(data, value, metric, resolve_metric, _filter)


def sort_tree(data, metric="sum.inc", ascending=False):
    """GraphFrame(s) with every node's children in the order of the metric (largest first;
    ascending: smallest first) and the dataframe rows sorted by it."""
    return _tools.sort_tree(data, metric, resolve_metric, ascending)


def compare(data, how="diff"):
    """Each later GraphFrame against the first: the difference (``diff``: later - first) or
    the ratio (``ratio``: later / first) of every metric and of the calls, on the unified
    graph (hatchet's sub/div). Returns a list, one GraphFrame per later run."""
    return _tools.compare(data, how)


def _combine(data, step):
    result = None
    for frame in data:
        if result is None:
            result = frame.deepcopy()
        else:
            step(result, frame)
    return result


def add(data):
    """The sum of two or more GraphFrames (hatchet's +, graphs unified)."""
    return _combine(data, lambda result, frame: result.__iadd__(frame))


def subtract(data):
    """The first GraphFrame minus the others."""
    return _combine(data, lambda result, frame: result.__isub__(frame))


def unify(data):
    """The GraphFrames unified onto one graph (the first one's copy)."""
    return _combine(data, lambda result, frame: result.unify(frame.copy()))


# ---- output ----------------------------------------------------------------------------------


def _with_extension(path, extension):
    if path is None or path.endswith(extension):
        return path
    return os.path.splitext(path)[0] + extension


def _write_whole(path, text):
    """Write a file whole or not at all: a temporary file in its folder, then a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".timemory-analyze-", dir=folder)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    print(f"[{os.path.basename(path).split('.')[0]}]|0> Outputting '{path}'...")
    return path


def _emit(data, render, files, extension):
    """Render each item; print it, or write it to files (one name: all items in that file; a
    list as long as the data: one file each). Returns the files written."""
    items = data if isinstance(data, list) else [data]
    texts = [f"{render(item)}\n" for item in items]
    if files is None:
        for text in texts:
            sys.stdout.write(text)
        return []
    if isinstance(files, str):
        return [_write_whole(_with_extension(files, extension), "".join(texts))]
    if len(files) != len(texts):
        raise ValueError(f"{len(files)} output files for {len(texts)} data sets")
    return [
        _write_whole(_with_extension(name, extension), text) for name, text in zip(files, texts)
    ]


def _echo_dart(paths, kind="text"):
    from ..common import dart_measurement_file

    for path in paths:
        if kind == "text":
            dart_measurement_file(os.path.basename(path), path, format="string", type="text")
        else:
            dart_measurement_file(os.path.basename(path), path, kind)


def _render_with(tool, arguments, source, target):
    """Run an external renderer (graphviz dot, flamegraph.pl) when it is installed."""
    executable = shutil.which(tool)
    if executable is None:
        return None
    with open(target, "wb") as out:
        result = subprocess.run([executable, *arguments, source], stdout=out, check=False)
    if result.returncode != 0:
        os.unlink(target)
        return None
    print(f"[{os.path.basename(target).split('.')[0]}]|0> Outputting '{target}'...")
    return target


def _dataframe(item):
    """The table of item, without hatchet's private columns (_missing_node of a comparison)."""
    frame = item.dataframe if hasattr(item, "dataframe") else item
    hidden = [c for c in frame.columns if isinstance(c, str) and c.startswith("_")]
    return frame.drop(columns=hidden) if hidden else frame


def _tabulated(kind):
    def render(item):
        frame = _dataframe(item)
        if kind == "html":
            return frame.to_html()
        if kind == "markdown":
            return frame.to_markdown()
        if kind == "markdown_grid":
            return frame.to_markdown(tablefmt="grid")
        try:
            from tabulate import tabulate
        except ImportError:
            return frame.to_string()
        return tabulate(frame, headers="keys")

    return render


def _tree_text(frame, metric, precision=3):
    """hatchet's tree of the frame; one per rank and thread, each under a "rank R, thread T:"
    line, when the frame keeps ranks or threads apart (hatchet's tree() shows one of them)."""
    column = resolve_metric(frame, metric)
    index = frame.dataframe.index
    levels = [name for name in ("rank", "thread") if name in index.names]
    places = sorted(set(zip(*(index.get_level_values(name) for name in levels)))) if levels else []
    if len(places) <= 1:
        return frame.tree(metric_column=column, precision=precision, **dict(zip(levels, places[0] if places else ())))
    texts = []
    for number, place in enumerate(places):
        where = dict(zip(levels, place))
        try:
            text = frame.tree(
                metric_column=column, precision=precision, render_header=number == 0, **where
            )
        except TypeError:  # a hatchet without render_header
            text = frame.tree(metric_column=column, precision=precision, **where)
        texts.append(", ".join(f"{k} {v}" for k, v in where.items()) + ":\n" + text)
    return "\n".join(texts)


def dump(data, metric, dtype, file=None, echo_dart=False, precision=3):
    """Write the GraphFrame(s) (or tables) in one format to stdout or file(s); precision: the
    digits of the tree's values."""
    graph = [hasattr(item, "graph") for item in (data if isinstance(data, list) else [data])]
    if dtype in ("tree", "dot", "flamegraph") and not all(graph):
        dtype = "table"  # sorted/grouped data are dataframes
    if dtype == "tree":
        written = _emit(data, lambda f: _tree_text(f, metric, precision), file, ".txt")
        if echo_dart:
            _echo_dart(written)
    elif dtype == "dot":
        written = _emit(data, lambda f: f.to_dot(resolve_metric(f, metric)), file, ".dot")
        for path in written:
            image = _render_with("dot", ["-Tpng"], path, _with_extension(path, ".dot.png"))
            if image and echo_dart:
                _echo_dart([image], "png")
    elif dtype == "flamegraph":
        written = _emit(
            data,
            lambda f: _tools.folded(f, resolve_metric(f, metric)),
            file,
            ".flamegraph.txt",
        )
        for path in written:
            image = _render_with(
                "flamegraph.pl", ["--hash", "--inverted"], path, _with_extension(path, ".svg")
            )
            if echo_dart:
                _echo_dart([path])
                if image:
                    _echo_dart([image], "svg")
    elif dtype in ("table", "markdown", "markdown_grid", "html"):
        extension = {"html": ".html", "table": ".txt"}.get(dtype, ".md")
        written = _emit(data, _tabulated(dtype), file, extension)
        if echo_dart:
            _echo_dart(written)
    elif dtype == "json":
        written = _emit(data, _tools.to_json, file, ".json")
    else:
        raise ValueError(f"unknown format {dtype!r} (one of: {', '.join(FORMATS)})")
    return written


# ---- command line ----------------------------------------------------------------------------


def _parser(command_line):
    parser = argparse.ArgumentParser(
        prog="timemory-analyze",
        description="Analyze timemory call-graph data (tree JSON) with hatchet",
    )
    parser.add_argument(
        "files",
        metavar="file",
        nargs="+" if command_line else "*",
        default=[],
        help="<label>.tree.json files or output folders (their *.tree.json files)",
    )
    parser.add_argument("-f", "--format", nargs="*", choices=FORMATS, default=None,
                        help="output format(s) (default: tree)")  # fmt: skip
    parser.add_argument("-o", "--output", nargs="*", default=None,
                        help="output file(s): one for all, or one per data set")  # fmt: skip
    parser.add_argument("-M", "--mode", nargs="*", choices=("add", "subtract", "unify", "group"),
                        default=[], help="combine the data sets")  # fmt: skip
    parser.add_argument("-m", "--metric", "--column", default="sum.inc",
                        help="metric column (default: sum.inc, the inclusive sum)")  # fmt: skip
    parser.add_argument("-s", "--sort", choices=("ascending", "descending"), nargs="?",
                        const="descending", default=None,
                        help="order the tree's children and the table's rows by the metric "
                        "(alone: descending)")  # fmt: skip
    parser.add_argument("--tree", action="store_true",
                        help="print the tree (as -f tree, beside the other formats)")  # fmt: skip
    parser.add_argument("--precision", type=int, default=3, metavar="N",
                        help="digits of the tree's values (default: 3)")  # fmt: skip
    parser.add_argument("--compare", nargs="?", const="diff", choices=_tools.COMPARE_MODES,
                        default=None,
                        help="compare each later data set with the first: diff (later - first, "
                        "the default) or ratio (later / first) of every metric and the calls, "
                        "on the unified graph")  # fmt: skip
    parser.add_argument("--threshold", default=None, metavar="VALUE",
                        help="keep the nodes whose metric is at least VALUE in magnitude (in "
                        "its units), or 'P%%' of the largest")  # fmt: skip
    parser.add_argument("-g", "--group", default=None,
                        help="a flat profile: sum by this dataframe column")  # fmt: skip
    parser.add_argument("--field", default="name",
                        help="dataframe column that --search/--match look at")  # fmt: skip
    parser.add_argument("--search", "--filter", default=None,
                        help="keep the nodes whose --field has a match of this regular "
                        "expression (re.search)")  # fmt: skip
    parser.add_argument("--match", default=None, help="regular expression (re.fullmatch)")
    parser.add_argument("--expression", default=None,
                        help="e.g. 'x > 1.0e3 && x < 100000' on the metric x; "
                        "operators < <= > >= && ||")  # fmt: skip
    parser.add_argument("-e", "--echo-dart", action="store_true",
                        help="echo Dart measurement files for CDash")  # fmt: skip
    parser.add_argument("--per-thread", action="store_true",
                        help="keep threads apart when filters squash the graph")  # fmt: skip
    parser.add_argument("--per-rank", action="store_true",
                        help="keep ranks apart when filters squash the graph")  # fmt: skip
    parser.add_argument("--select", default=None,
                        help="component(s) to read when the data has several")  # fmt: skip
    parser.add_argument("--exit-on-failure", action="store_true",
                        help="exit with status 1 on an error")  # fmt: skip
    return parser


def embedded_analyze(args=None, data=(), call_exit=False, verbose=0, ranks=()):
    """Run the analysis on command-line style args and on the given data (dicts of
    ``timemory.get(hierarchy=True)``). args None: sys.argv[1:], as the command line (exits
    with status 1 on an error). ranks: run only on these MPI ranks (when mpi4py is there).
    Returns the analyzed data (GraphFrames or dataframes)."""
    if ranks:
        try:
            from mpi4py import MPI

            if MPI.COMM_WORLD.Get_rank() not in ranks:
                return None
        except (ImportError, RuntimeError):
            pass
    command_line = args is None
    if command_line:
        args = sys.argv[1:]
        call_exit = True
    options = _parser(command_line).parse_args(list(args))
    if options.exit_on_failure:
        call_exit = True
    try:
        return _analyze(options, list(data), int(verbose or 0))
    except Exception as error:
        if not call_exit:
            raise
        print(f"timemory-analyze: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


def _analyze(options, data, verbose):
    if options.group is not None and options.format not in (None, ["table"]):
        raise ValueError("--group writes a table: use -f table or no -f")
    formats = options.format or ["tree"]
    if options.tree and "tree" not in formats:
        formats = [*formats, "tree"]
    frames = [
        load(item, options.select, options.per_thread, options.per_rank)
        for item in data + options.files
    ]
    if not frames:
        raise ValueError("nothing to analyze: give files or data")
    if options.compare is not None:  # before the filters: they see the differences
        frames = compare(frames, options.compare)
    if verbose > 1:
        print(f"timemory-analyze: {len(frames)} data set(s), formats {formats}")
    # the less restrictive filters first
    if options.search is not None:
        frames = search(frames, options.search, options.field)
    if options.match is not None:
        frames = match(frames, options.match, options.field)
    if options.expression is not None:
        frames = expression(frames, options.expression, options.metric)
    if options.threshold is not None:
        frames = threshold(frames, options.threshold, options.metric)
    if not frames:
        return frames  # every node filtered out (said on stderr): nothing to write
    if "add" in options.mode:
        frames = add(frames)
    elif "subtract" in options.mode:
        frames = subtract(frames)
    elif "unify" in options.mode:
        frames = unify(frames)
    if options.sort is not None:
        frames = sort_tree(frames, options.metric, options.sort == "ascending")
    if options.group is not None or "group" in options.mode:
        frames = group(
            frames, options.metric, options.group or options.field, options.sort == "ascending"
        )
        formats = ["table"]
    files = options.output
    if files is not None and len(files) == 1:
        files = files[0]
    for kind in formats:
        dump(frames, options.metric, kind, files, options.echo_dart, options.precision)
    return frames

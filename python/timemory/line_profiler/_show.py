"""The text of the line profiler's results, in line_profiler's layout: ``Timer unit``, then per
function ``Total time``, ``File``, ``Function: name at line N`` and the table -- Line #, Hits,
Time, Per Hit, % Time, one column per extra timemory component, Line Contents -- over the
function's source block. Columns have line_profiler's minimum widths and grow to fit.
"""

import inspect as _inspect
import linecache as _linecache
import os as _os
import sys as _sys
import tempfile as _tempfile

from ..libs import libpytimemory as _lib

__all__ = ["show_func", "show_text"]

# line_profiler's minimum widths of the columns
_WIDTHS = {"line": 6, "hits": 9, "time": 12, "perhit": 8, "percent": 8}
_EXTRA_WIDTH = 10


def _is_generated(filename):
    """Code of a notebook cell or an exec: no file to read the lines from."""
    temp = _os.path.normcase(_tempfile.gettempdir())
    name = _os.path.normcase(filename)
    return name.startswith(("<generated", "<ipython-input-")) or name.startswith(
        (_os.path.join(temp, "ipykernel_"), _os.path.join(temp, "xpython_"))
    )


def _source_block(filename, start):
    """The lines of the definition that starts at line start (decorators included)."""
    lines = _linecache.getlines(filename)[start - 1 :]
    if not lines:
        return []
    try:
        return _inspect.getblock(lines)
    except Exception:  # noqa: BLE001 - tokenizer errors on odd sources: the first line
        return lines[:1]


def _number(value, width):
    text = f"{value:5.1f}"
    return text if len(text) <= width else f"{value:5.3g}"


def _extra_columns(components):
    """[(component id, value index, header)] of the extra components."""
    rows = {row["name"]: row for row in _lib.component_table()}
    columns = []
    for name in components:
        row = rows.get(name)
        if row is None:
            continue
        count = max(1, len(row["unit_repr"]))
        for index in range(count):
            label = row["labels"][index] if index < len(row["labels"]) else row["label"]
            unit = row["unit_repr"][index] if index < len(row["unit_repr"]) else ""
            columns.append((row["id"], index, f"{label} [{unit}]" if unit else label))
    return columns


def show_func(filename, start_lineno, func_name, timings, unit, output_unit=None, stream=None,
              stripzeros=False, components=(), values=None):  # fmt: skip
    """Writes one function's block. timings: [(line, hits, time)]; values: {line: one tuple
    of display values per component of components}."""
    stream = _sys.stdout if stream is None else stream
    total_hits = sum(row[1] for row in timings)
    total_time = sum(row[2] for row in timings)
    if stripzeros and total_hits == 0:
        return
    scale = unit / (output_unit or unit)
    stream.write(f"Total time: {total_time * unit:g} s\n")
    if _os.path.exists(filename) or _is_generated(filename):
        stream.write(f"File: {filename}\n")
        stream.write(f"Function: {func_name} at line {start_lineno}\n")
        if _os.path.exists(filename):
            _linecache.checkcache(filename)
        source = _source_block(filename, start_lineno)
    else:
        stream.write(f"\nCould not find file {filename}\n")
        stream.write("Was the program run from another folder, or has the file moved?\n")
        stream.write("The lines are shown without their contents.\n")
        linenos = [row[0] for row in timings]
        first = min(linenos + [start_lineno])
        source = [""] * (max(linenos + [start_lineno]) - first + 1)
        start_lineno = first

    extra = _extra_columns(components)
    values = values or {}
    cells = {}
    for lineno, hits, total in timings:
        percent = f"{100.0 * total / total_time:5.1f}" if total_time else ""
        hits_text = f"{hits:d}"
        if len(hits_text) > _WIDTHS["hits"]:
            hits_text = f"{hits:g}"
        per_hit = float(total) * scale / hits if hits else 0.0
        row = [
            hits_text,
            _number(total * scale, _WIDTHS["time"]),
            _number(per_hit, _WIDTHS["perhit"]),
            percent,
        ]
        line_values = values.get(lineno, ())
        position = {}
        for cid, index, _ in extra:
            slot = position.setdefault(cid, len(position))
            value = line_values[slot][index] if slot < len(line_values) else None
            text = "" if value is None else _lib.component_format_value(cid, value, -1).strip()
            row.append(text)
        cells[lineno] = row

    widths = [_WIDTHS["hits"], _WIDTHS["time"], _WIDTHS["perhit"], _WIDTHS["percent"]]
    widths += [max(_EXTRA_WIDTH, len(header)) for _, _, header in extra]
    for row in cells.values():
        widths = [max(width, len(text)) for width, text in zip(widths, row)]
    widths[3] = _WIDTHS["percent"]  # as line_profiler: % Time never grows

    def line(lineno, row, contents):
        parts = [f"{lineno:>{_WIDTHS['line']}}"]
        parts += [f"{text:>{width}}" for text, width in zip(row, widths)]
        return " ".join(parts) + "  " + contents

    header = line("Line #", ["Hits", "Time", "Per Hit", "% Time"] + [h for _, _, h in extra],
                  "Line Contents")  # fmt: skip
    stream.write("\n" + header + "\n" + "=" * len(header) + "\n")
    empty = [""] * len(widths)
    for offset, text in enumerate(source):
        lineno = start_lineno + offset
        contents = text.rstrip("\n").rstrip("\r")
        try:
            stream.write(line(lineno, cells.get(lineno, empty), contents) + "\n")
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "ascii"
            contents = contents.encode(encoding, "backslashreplace").decode(encoding)
            stream.write(line(lineno, cells.get(lineno, empty), contents) + "\n")
    stream.write("\n")


def show_text(stats, output_unit=None, stream=None, stripzeros=False, details=True,
              summarize=False, sort=False):  # fmt: skip
    """Writes every function of stats (a LineStats): the timer unit, each function's block
    (details), a one-line total per function (summarize); sort: by ascending total time."""
    stream = _sys.stdout if stream is None else stream
    unit = stats.unit
    stream.write(f"Timer unit: {output_unit if output_unit is not None else unit:g} s\n\n")
    items = list(stats.timings.items())
    if sort:
        items.sort(key=lambda item: sum(row[2] for row in item[1]))
    components = getattr(stats, "components", ())
    values = getattr(stats, "values", {}) or {}
    if details:
        for (filename, lineno, name), timings in items:
            show_func(filename, lineno, name, timings, unit, output_unit, stream, stripzeros,
                      components, values.get((filename, lineno, name)))  # fmt: skip
    if summarize:
        for (filename, lineno, name), timings in items:
            total = sum(row[2] for row in timings) * unit
            if not stripzeros or total:
                stream.write(f"{total:6.2f} seconds - {filename}:{lineno} - {name}\n")

"""timemory.plotting -- bar charts of the heaviest entries of the flat JSON outputs.

``read(data)`` turns a flat JSON document (``<label>.json``, ``timemory.get()``) into one
``plot_data`` per component (and a ``timem -o`` document into one per chart: time, memory,
page faults, ...): one entry per label (a function, a marker: every call path of it
together), with its inclusive value (the outermost calls: recursion is not counted twice) and
its exclusive ("self") value (the inclusive value minus the callees', summed over every call).
``plot(files=[...])`` draws each as a horizontal bar chart of the entries that reach
``min_percent`` of the heaviest -- self time by default, inclusive with
``plot_parameters(metric="inclusive")`` (components whose values do not add up, percentages
and two-valued ones, are always drawn inclusive) -- each bar with its value, its share of the
total and its count, and saves ``<output_dir>/<label>.png`` at 150 dpi (``img_dpi``), or SVG
or PDF (``img_type``, or the extension of an output file name). Long labels are shortened
(directories dropped, then the middle elided) and never repeat. The command line is
``python -m timemory.plotting -f wall.json`` (also ``timemory-plotter``). With the setting
``plot_output`` on, finalize() draws a chart beside every flat JSON file it wrote.

matplotlib is optional (``pip install timemory[plotting]``): reading works without it; drawing
raises ``PlottingUnavailable`` naming the extra. Images are drawn on matplotlib's Agg canvas
(no display needed, the process's pyplot backend is left alone); ``display=True`` shows them
with pyplot as well.
"""

import json as _json
import os as _os
import re as _re
import sys as _sys

from ._data import (  # noqa: F401 - the data side, re-exported
    IMAGE_TYPES,
    METRICS,
    MIN_FONT_SIZE,
    display_units,
    plot_data,
    plot_parameters,
    read,
    timemory_data,
)

__all__ = [
    "EXTRA_HINT",
    "PlottingUnavailable",
    "add_plotted_files",
    "display_units",
    "echo_dart_tag",
    "embedded_plot",
    "make_output_directory",
    "plot",
    "plot_all",
    "plot_data",
    "plot_generic",
    "plot_maximums",
    "plot_parameters",
    "plotted_files",
    "read",
    "speedscope",
    "timemory_data",
]

EXTRA_HINT = "pip install timemory[plotting]"


def __getattr__(name):
    # timemory.plotting.speedscope on first use: importing it here would make
    # ``python -m timemory.plotting.speedscope`` find it already imported
    if name == "speedscope":
        from importlib import import_module

        return import_module(f"{__name__}.speedscope")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: (image path, title) of every image drawn by this process, in order
plotted_files = []


class PlottingUnavailable(ImportError):
    """matplotlib, which drawing needs, is not installed."""


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise PlottingUnavailable(
            f"timemory.plotting needs matplotlib, which is not installed ({err}); "
            f"install it with: {EXTRA_HINT}"
        ) from err
    return Figure, FigureCanvasAgg


def make_output_directory(directory):
    """Creates directory (and its parents) if needed; returns it."""
    if directory:
        _os.makedirs(directory, exist_ok=True)
    return directory or "."


def add_plotted_files(path, title=None):
    plotted_files.append((path, title))


def echo_dart_tag(name, filepath, img_type="png"):
    """Prints the CDash tag that attaches an image to a test."""
    print(
        f'<DartMeasurementFile name="{name}" type="image/{img_type}">'
        f"{_os.path.abspath(filepath)}</DartMeasurementFile>"
    )


#: labels longer than this are shortened on the charts (characters)
LABEL_WIDTH = 40

_CODE_LABEL = _re.compile(r"^(?P<func>[^/]*)/(?P<path>.+?)(?P<line>:\d+)?$")
_MARK = _re.compile(r"^\[[^\]]*\] ")


def _elide(text, width):
    """text with its middle replaced by an ellipsis when it is longer than width."""
    if width is None or len(text) <= width:
        return text
    width = max(width, 5)
    head = (width - 1) // 2
    return text[:head] + "\u2026" + text[len(text) - (width - 1 - head) :]


def _shorten(text, width=LABEL_WIDTH):
    """A label that fits width: a profiler label (func/dir/file.py:line) shows its file's
    name only, and loses its argument values when too long; what is still too long loses its
    middle."""
    mark = _MARK.match(text)
    mark = mark.group(0) if mark else ""
    rest = text[len(mark) :]
    code = _CODE_LABEL.match(rest) if "/" in rest else None
    if code and code.group("line"):
        func, path, line = code.group("func"), code.group("path"), code.group("line")
        rest = f"{func}/{path.rstrip('/').rsplit('/', 1)[-1]}{line}"
        if len(mark) + len(rest) > width and "(" in func:
            rest = f"{func[: func.index('(')]}(\u2026)/{path.rsplit('/', 1)[-1]}{line}"
    return mark + _elide(rest, width - len(mark))


def _unique_labels(labels, width=LABEL_WIDTH):
    """Shortened labels, none repeated: labels that shorten alike keep more of themselves,
    and what still repeats is numbered."""
    shown = [_shorten(text, width) for text in labels]
    for wider in (2 * width, None):
        counts = {}
        for text in shown:
            counts[text] = counts.get(text, 0) + 1
        if all(n == 1 for n in counts.values()):
            return shown
        shown = [
            _elide(full, wider) if counts[text] > 1 else text for full, text in zip(labels, shown)
        ]
    seen = {}
    for index, text in enumerate(shown):
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            shown[index] = f"{text} #{seen[text]}"
    return shown


def _title_case(text):
    return str(text).replace("_", " ").title()


def _number(value):
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:#.3g}" if value else "0"


def _first_sentence(text, width=60):
    """The description's first sentence, elided to width characters (a subtitle's line)."""
    text = " ".join(str(text or "").split())
    end = text.find(". ")
    text = text[:end] if end > 0 else text.rstrip(".")
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _small(params):
    return max(params.font_size * 0.9, MIN_FONT_SIZE)


def _annotation(entry, values, pdata, total, metric):
    unit = f" {pdata.units}" if pdata.units else ""
    parts = [f"{_number(values[0])}{unit}"]
    if pdata.additive and total > 0:
        parts.append(f"{100.0 * values[0] / total:.1f}%")
    parts.append(f"{entry.laps:,} call{'s' if entry.laps != 1 else ''}")
    return "  \u00b7  ".join(parts)


_COLORS = {"self": "#3b6ea8", "inclusive": "#d9742a"}


def _draw_one(axes, pdata, params):
    metric = pdata.metric(params)
    entries = pdata.heaviest(params)
    names = _unique_labels([e.prefix for e in entries])
    positions = list(range(len(entries)))
    nelem = max((len(e.value) for e in entries), default=1)
    small = _small(params)
    total = pdata.total(params)
    largest = max((abs(v) for e in entries for v in e.values(metric)), default=0.0)
    if nelem == 1:
        values = [e.values(metric)[0] for e in entries]
        axes.barh(
            positions,
            values,
            height=0.7,
            color=_COLORS[metric],
            label="self" if metric == "self" else "inclusive",
            zorder=2,
        )
        if metric == "inclusive":
            means = [(i, e) for i, e in enumerate(entries) if e.mean is not None and e.laps > 1]
            if means:
                xs = [e.mean for _, e in means]
                low = [max(e.mean - (e.min if e.min is not None else e.mean), 0) for _, e in means]
                high = [max((e.max if e.max is not None else e.mean) - e.mean, 0) for _, e in means]
                axes.barh(
                    [i for i, _ in means],
                    xs,
                    height=0.3,
                    color="#3b6ea8",
                    xerr=[low, high],
                    ecolor="#1b2f48",
                    capsize=3,
                    label="mean per call (min - max)",
                    zorder=3,
                )
        notes = [
            _annotation(entry, [value], pdata, total, metric)
            for entry, value in zip(entries, values)
        ]
    else:
        notes = [
            ", ".join(_number(v) for v in e.values(metric))
            + (f" {pdata.units}" if pdata.units else "")
            + f"  \u00b7  {e.laps:,} call{'s' if e.laps != 1 else ''}"
            for e in entries
        ]
        height = 0.8 / nelem
        for k in range(nelem):
            axes.barh(
                [p - 0.4 + height * (k + 0.5) for p in positions],
                [e.values(metric)[k] if k < len(e.value) else 0 for e in entries],
                height=height,
                label=pdata.labels[k] if k < len(pdata.labels) else f"[{k}]",
                zorder=2,
            )
    axes.set_yticks(positions)
    axes.set_yticklabels(names, fontsize=small)
    axes.tick_params(axis="x", labelsize=small)
    if entries:
        axes.set_ylim(len(entries) - 0.5, -0.5)  # heaviest at the top, no empty rows
    if entries:
        # each bar's value, share and count on the right, aligned like a table column
        right = axes.secondary_yaxis("right")
        right.set_yticks(positions)
        right.set_yticklabels(notes, fontsize=small, color="#333333")
        right.tick_params(axis="y", length=0)
        right.spines["right"].set_visible(False)
    unit = f" [{pdata.units}]" if pdata.units else ""
    what = "Self" if metric == "self" else "Inclusive"
    axes.set_xlabel(f"{what} {pdata.label}{unit}", fontsize=params.font_size)
    subtitle = _first_sentence(pdata.description) or pdata.name
    if pdata.additive and total > 0:
        subtitle += f" \u2014 {what.lower()}, total {_number(total)}{unit.replace('[', '').replace(']', '')}"
    axes.set_title(subtitle, fontsize=params.font_size)
    if params.log_xaxis:
        axes.set_xscale("log")
    elif largest > 0:
        axes.set_xlim(min(0.0, *(min(e.values(metric)) for e in entries)), largest * 1.05)
    axes.grid(axis="x", alpha=0.3, zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if entries and (nelem > 1 or len(axes.get_legend_handles_labels()[0]) > 1):
        # under the axis: never over a bar
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 * 7.0 / max(len(entries), 7)),
            ncol=max(nelem, 2),
            fontsize=small,
            frameon=False,
        )
    elif not entries:
        axes.text(
            0.5,
            0.5,
            "no entries to draw",
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontsize=params.font_size,
        )
    return len(entries)


def _figure(params, rows, nplots=1):
    Figure, FigureCanvasAgg = _matplotlib()
    width = params.img_size.get("w", 1200) / params.img_dpi
    # one bar is two text lines high, so that long charts stay legible
    per_bar = 2.0 * params.font_size / 72.0
    height = max(params.img_size.get("h", 600) / params.img_dpi, per_bar * rows + 1.8 * nplots)
    figure = Figure(figsize=(width, height), dpi=params.img_dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _format_of(path, params):
    """The image format: the extension of path when it names one, else params.img_type."""
    extension = _os.path.splitext(str(path))[1].lstrip(".").lower()
    return extension if extension in IMAGE_TYPES else params.img_type


def _save(figure, path, params, display):
    fmt = _format_of(path, params)
    # no creation date in SVG and PDF files: the same data gives the same file
    metadata = {"Date": None} if fmt in ("svg", "pdf") else None
    figure.savefig(path, dpi=params.img_dpi, format=fmt, metadata=metadata)
    if display:
        _show(figure)


def _show(figure):
    if not (_os.environ.get("DISPLAY") or _os.environ.get("WAYLAND_DISPLAY")):
        print(
            "timemory.plotting: no display (DISPLAY is not set); image saved only", file=_sys.stderr
        )
        return
    import matplotlib.pyplot as plt

    manager = plt.figure().canvas.manager
    figure.set_canvas(manager.canvas)
    manager.canvas.figure = figure
    plt.show()


def _image_name(pdata, many, params, output_dir):
    if pdata.filename:
        base = _os.path.basename(pdata.filename)
        base = base[: -len(".json")] if base.endswith(".json") else _os.path.splitext(base)[0]
        if many:
            base = f"{base}.{pdata.label}"
    else:
        base = pdata.label
    base = _re.sub(r"[^\w.+-]", "_", base)
    return _os.path.join(output_dir, f"{base}.{params.img_type}")


def _file_name(filename, params, output_dir):
    """output_dir/filename, with the image type's extension when it has none of IMAGE_TYPES."""
    path = _os.path.join(output_dir, _os.fspath(filename))
    if _os.path.splitext(path)[1].lstrip(".").lower() not in IMAGE_TYPES:
        path = f"{path}.{params.img_type}"
    return path


def _collect(data, files, titles):
    collected = []
    for item in data or []:
        collected.extend([item] if isinstance(item, plot_data) else read(item))
    for path in files or []:
        collected.extend(read(path))
    titles = list(titles or [])
    if titles:
        if len(titles) not in (1, len(collected)):
            raise ValueError(
                f"{len(titles)} titles for {len(collected)} charts: give one, or one per chart"
            )
        for index, pdata in enumerate(collected):
            pdata.title = titles[0] if len(titles) == 1 else titles[index]
    return collected


def _suptitle(figure, title, params):
    figure.suptitle(_title_case(title), fontsize=params.font_size * 1.3, fontweight="bold")


def plot(
    data=None,
    files=None,
    plot_params=None,
    combine=False,
    display=False,
    output_dir=".",
    echo_dart=None,
    titles=None,
    filename=None,
):
    """Draws one bar chart per component of each document (plot_data objects or documents in
    data, file names in files) into output_dir; combine=True draws them all into one image.
    filename: the one image's name (one chart, or combine), in output_dir; its extension
    (png, svg, pdf) chooses the format. Returns the image paths. Raises PlottingUnavailable
    without matplotlib."""
    params = plot_params or plot_parameters()
    _matplotlib()
    charts = _collect(data, files, titles)
    if filename is not None and len(charts) > 1 and not combine:
        raise ValueError(
            f"{len(charts)} charts for one file name ({filename}): combine them, or give an "
            "output folder"
        )
    output_dir = make_output_directory(output_dir)
    by_file = {}
    for pdata in charts:
        by_file[pdata.filename] = by_file.get(pdata.filename, 0) + 1
    written = []
    if combine and charts:
        rows = sum(len(p.heaviest(params)) for p in charts)
        figure = _figure(params, rows, len(charts))
        for index, pdata in enumerate(charts):
            _draw_one(figure.add_subplot(len(charts), 1, index + 1), pdata, params)
        title = charts[0].title
        _suptitle(figure, title, params)
        name = filename if filename is not None else _re.sub(r"[^\w.+-]", "_", title)
        path = _file_name(name, params, output_dir)
        _save(figure, path, params, display)
        written.append((path, title))
    else:
        for pdata in charts:
            figure = _figure(params, len(pdata.heaviest(params)))
            _draw_one(figure.add_subplot(1, 1, 1), pdata, params)
            _suptitle(figure, pdata.title, params)
            if filename is not None:
                path = _file_name(filename, params, output_dir)
            else:
                path = _image_name(pdata, by_file.get(pdata.filename, 0) > 1, params, output_dir)
            _save(figure, path, params, display)
            written.append((path, pdata.title))
    for path, title in written:
        add_plotted_files(path, title)
        if echo_dart:
            echo_dart_tag(
                _os.path.splitext(_os.path.basename(path))[0], path, _format_of(path, params)
            )
    return [path for path, _ in written]


plot_all = plot


def plot_generic(pdata, filename, plot_params=None, display=False, output_dir=".", echo_dart=None):
    """Draws one plot_data into output_dir/filename (the extension, png, svg or pdf, chooses
    the format; without one, img_type's is added); returns the path."""
    params = plot_params or plot_parameters()
    pdata = pdata if isinstance(pdata, plot_data) else read(pdata)[0]
    figure = _figure(params, len(pdata.heaviest(params)))
    _draw_one(figure.add_subplot(1, 1, 1), pdata, params)
    _suptitle(figure, pdata.title, params)
    path = _file_name(filename, params, make_output_directory(output_dir))
    _save(figure, path, params, display)
    add_plotted_files(path, pdata.title)
    if echo_dart:
        echo_dart_tag(_os.path.splitext(_os.path.basename(path))[0], path, _format_of(path, params))
    return path


def plot_maximums(
    output_name,
    title,
    data=None,
    files=None,
    plot_params=None,
    display=False,
    output_dir=".",
    echo_dart=None,
):
    """One chart of the heaviest entry of every document (by the parameters' metric): which
    run or component peaks where. Returns the image path."""
    params = plot_params or plot_parameters()
    _matplotlib()
    charts = _collect(data, files, None)
    maxima = plot_data("maximums", "maximum", title, "", ["maximum"], None, title)
    units = {p.units for p in charts}
    maxima.units = units.pop() if len(units) == 1 else ""
    maxima.additive = False  # entries of different runs: no total
    for pdata in charts:
        metric = pdata.metric(params)
        heaviest = pdata.heaviest(plot_parameters(min_percent=0, max_entries=1, metric=metric))
        if heaviest:
            top = heaviest[0]
            where = _os.path.basename(pdata.filename) if pdata.filename else pdata.name
            maxima.add(timemory_data(f"{where}: {top.prefix}", top.values(metric)[:1], top.laps))
    params = plot_parameters(
        0.0,
        params.img_dpi,
        params.img_size,
        params.img_type,
        params.log_xaxis,
        params.font_size,
        max(len(maxima), 1),
        "inclusive",
    )
    return plot_generic(maxima, output_name, params, display, output_dir, echo_dart)


def table(pdata, params=None, stream=None):
    """Prints the entries a chart would draw as a text table: count, self and inclusive
    values (element 0), in the chart's order."""
    params = params or plot_parameters()
    stream = stream or _sys.stdout
    entries = pdata.heaviest(params)
    unit = f" [{pdata.units}]" if pdata.units else ""
    print(f"# {pdata.title}: {pdata.description}{unit}", file=stream)
    width = max([len(e.prefix) for e in entries] + [5])
    print(f"{'LABEL':<{width}}  {'COUNT':>8}  {'SELF':>12}  {'INCLUSIVE':>12}", file=stream)
    for e in entries:
        self_value = ", ".join(f"{v:.6g}" for v in e.exclusive)
        inclusive = ", ".join(f"{v:.6g}" for v in e.value)
        print(f"{e.prefix:<{width}}  {e.laps:>8}  {self_value:>12}  {inclusive:>12}", file=stream)


def embedded_plot(argv):
    """Runs the command line (python -m timemory.plotting) with argv; returns its status."""
    from .__main__ import main

    return main(list(argv))


# ---------------------------------------------------------------------------------------------
# plot_output: the charts of the flat JSON files written at finalize


def _written_flat_files(metadata):
    paths = []
    for item in metadata.get("output", {}).get("json", []):
        for path in item.get("value", []):
            name = _os.path.basename(path)
            if not name.endswith(".json") or name.endswith((".tree.json", ".flamegraph.json")):
                continue
            if name in ("metadata.json", "functions.json") or path in paths:
                continue
            paths.append(path)
    return paths


def plot_outputs(metadata=None, echo_dart=None):
    """Draws a chart beside every flat JSON file timemory wrote (metadata "output" section);
    what plot_output does at finalize. Returns the image paths; never raises: a missing
    matplotlib or a file that cannot be drawn is one warning line on stderr."""
    try:
        if metadata is None:
            from ..libs import libpytimemory

            metadata = _json.loads(libpytimemory.get_metadata())
        files = _written_flat_files(metadata)
    except Exception as err:  # noqa: BLE001 (finalize goes on)
        print(
            f"[timemory] warning: plot_output: cannot list the written files: {err}",
            file=_sys.stderr,
        )
        return []
    if not files:
        return []
    try:
        _matplotlib()
    except PlottingUnavailable:
        print(
            f"[timemory] warning: plot_output is on but matplotlib is not installed; "
            f"no plots drawn ({EXTRA_HINT})",
            file=_sys.stderr,
        )
        return []
    written = []
    for path in files:
        try:
            for pdata in read(path):
                image = _image_name(pdata, False, plot_parameters(), _os.path.dirname(path))
                print(f"[{pdata.label}]|0> Outputting '{image}'...")
                written.extend(
                    plot([pdata], output_dir=_os.path.dirname(path) or ".", echo_dart=echo_dart)
                )
        except Exception as err:  # noqa: BLE001 (one bad file does not stop the others)
            print(f"[timemory] warning: plot_output: cannot plot '{path}': {err}", file=_sys.stderr)
    _sys.stdout.flush()
    return written

"""timemory.plotting -- bar charts of the heaviest entries of the flat JSON outputs.

``read(data)`` turns a flat JSON document (``<label>.json``, ``timemory.get()``) into one
``plot_data`` per component; ``plot(files=[...])`` draws each as a horizontal bar chart (the
total of every entry, and the mean per call with its min-max range) of the entries that reach
``min_percent`` of the heaviest, and saves ``<output_dir>/<label>.png``. The command line is
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


# ---------------------------------------------------------------------------------------------
# parameters and data


class plot_parameters:
    """Image parameters: entries below ``min_percent`` (a fraction) of the heaviest are left
    out, and at most ``max_entries`` are drawn; the image is ``img_size`` pixels
    (``{"w": ..., "h": ...}``) at ``img_dpi``."""

    def __init__(
        self,
        min_percent=0.05,
        img_dpi=60,
        img_size=None,
        img_type="png",
        log_xaxis=False,
        font_size=11,
        max_entries=32,
    ):
        self.min_percent = float(min_percent)
        self.img_dpi = int(img_dpi)
        self.img_size = dict(img_size or {"w": 1000, "h": 600})
        self.img_type = str(img_type).lstrip(".") or "png"
        self.log_xaxis = bool(log_xaxis)
        self.font_size = float(font_size)
        self.max_entries = int(max_entries)

    def __repr__(self):
        return (
            f"plot_parameters(min_percent={self.min_percent}, img_dpi={self.img_dpi}, "
            f"img_size={self.img_size}, img_type={self.img_type!r}, "
            f"log_xaxis={self.log_xaxis}, font_size={self.font_size}, "
            f"max_entries={self.max_entries})"
        )


class timemory_data:
    """One entry of a chart: its value (a number, or one per element of a multi-valued
    component), and the mean/min/max per call when the statistics have them."""

    def __init__(self, prefix, value, laps=0, mean=None, minimum=None, maximum=None):
        self.prefix = prefix
        self.value = list(value) if isinstance(value, (list, tuple)) else [value]
        self.laps = int(laps)
        self.mean = mean
        self.min = minimum
        self.max = maximum

    def magnitude(self):
        return max((abs(v) for v in self.value), default=0.0)

    def __iadd__(self, other):
        self.value = [a + b for a, b in zip(self.value, other.value)]
        self.laps += other.laps
        total = self.laps
        if self.mean is not None and other.mean is not None and total > 0:
            self.mean = (self.mean * (total - other.laps) + other.mean * other.laps) / total
        else:
            self.mean = None
        self.min = _combine(min, self.min, other.min)
        self.max = _combine(max, self.max, other.max)
        return self

    def __repr__(self):
        return f"timemory_data({self.prefix!r}, {self.value}, laps={self.laps})"


def _combine(op, a, b):
    return None if a is None or b is None else op(a, b)


class plot_data:
    """The entries of one component of one document, keyed by prefix (entries with no laps
    are skipped, repeated prefixes summed)."""

    def __init__(self, name, label, description, units, labels, filename=None, title=None):
        self.name = name  # component id: "wall_clock"
        self.label = label  # "wall"
        self.description = description
        self.units = units  # display unit(s) of the values
        self.labels = labels  # element labels of multi-valued components, else [label]
        self.filename = filename
        self.title = title or label
        self.data = {}

    def add(self, entry):
        if entry.prefix in self.data:
            self.data[entry.prefix] += entry
        else:
            self.data[entry.prefix] = entry

    def heaviest(self, params):
        """The entries to draw, heaviest first."""
        entries = sorted(self.data.values(), key=lambda e: e.magnitude(), reverse=True)
        if not entries:
            return []
        cutoff = entries[0].magnitude() * params.min_percent
        kept = [e for e in entries if e.magnitude() >= cutoff and e.magnitude() > 0]
        return kept[: max(params.max_entries, 1)]

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        return f"<plot_data {self.name} ({len(self)} entries) from {self.filename!r}>"


_TIMING_UNITS = [
    ("psec", 1e12),
    ("nsec", 1e9),
    ("usec", 1e6),
    ("msec", 1e3),
    ("csec", 1e2),
    ("dsec", 1e1),
    ("sec", 1.0),
    ("min", 1 / 60),
    ("hr", 1 / 3600),
]
# the names the text tables use (settings.c), the default MB included
_MEMORY_UNITS = [
    ("byte", 1.0),
    ("kb", 1e3),
    ("MB", 1e6),
    ("gb", 1e9),
    ("tb", 1e12),
    ("pb", 1e15),
    ("kib", 1024.0),
    ("mib", 1024.0**2),
    ("gib", 1024.0**3),
    ("tib", 1024.0**4),
    ("pib", 1024.0**5),
]


def _first(value):
    if isinstance(value, dict):
        return value.get("first")
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _elements(value):
    if isinstance(value, dict) and "first" in value:
        return [value.get("first"), value.get("second")]
    if isinstance(value, list):
        return list(value)
    return [value]


def display_units(component, graph):
    """The unit the values are shown in. unit_repr is the built-in unit; the settings
    (timing_units, memory_units) may have changed the display: raw / repr_data tells which."""
    built_in = component.get("unit_repr", "")
    built_in = built_in[0] if isinstance(built_in, list) and built_in else built_in
    if not isinstance(built_in, str):
        return ""
    table = None
    if built_in == "sec":
        table, base = _TIMING_UNITS, 1e9  # raw timers count nanoseconds
    elif built_in.lower() in ("byte", "kb", "mb", "gb", "tb", "pb"):
        table, base = _MEMORY_UNITS, 1.0  # raw memory values count bytes
    if table is None:
        return built_in
    for raw in graph:
        entry = raw.get("entry", {}) if isinstance(raw, dict) else {}
        value = _first(entry.get("accum", entry.get("value")))
        shown = _first(entry.get("repr_data"))
        if not isinstance(value, (int, float)) or not isinstance(shown, (int, float)):
            continue
        if value == 0 or shown == 0:
            continue
        ratio = value / shown  # raw per displayed unit
        for name, factor in table:
            per_unit = base / factor if table is _TIMING_UNITS else factor
            if abs(ratio / per_unit - 1.0) < 1e-3:
                return name
        break
    return built_in


def _flat_graphs(component):
    if "ranks" in component:
        for rank in component["ranks"]:
            yield rank.get("graph", [])
        return
    if any(key in component for key in ("mpi", "upcxx", "upc")):
        raise ValueError("this is the tree layout (<label>.tree.json); plot the flat <label>.json")
    graph = component.get("graph")
    if isinstance(graph, list) and graph and all(isinstance(g, dict) for g in graph):
        if any("node" in g for g in graph):
            raise ValueError(
                "this is the tree layout (<label>.tree.json); plot the flat <label>.json"
            )
        yield graph
        return
    if isinstance(graph, list) and graph and all(isinstance(g, list) for g in graph):
        if any(isinstance(e, dict) and "node" in e for g in graph for e in g):
            raise ValueError(
                "this is the tree layout (<label>.tree.json); plot the flat <label>.json"
            )
        yield from graph
        return
    raise ValueError("no flat layout ('ranks' with 'graph' entries) in the document")


_DECORATION = _re.compile(r"^(\|\d+(:\d+)?\|?)?(\|?\d+)?>>> ")


def _clean_prefix(prefix):
    """'>>> |_bar' -> '|_bar'; the thread mark of uncollapsed threads stays ('[1] |_bar')."""
    match = _re.match(r"^\|(\d+)>>> ", prefix)
    if match:
        return f"[{match.group(1)}] " + prefix[match.end() :]
    return _DECORATION.sub("", prefix, count=1)


def _statistic(stats, key):
    if not isinstance(stats, dict):
        return None
    value = stats.get(key)
    value = _first(value) if isinstance(value, (dict, list)) else value
    return value if isinstance(value, (int, float)) else None


def _document(source):
    if isinstance(source, dict):
        return source, None
    if hasattr(source, "read"):
        return _json.load(source), getattr(source, "name", None)
    path = _os.fspath(source)
    with open(path) as handle:
        return _json.load(handle), path


def read(data, filename=None):
    """plot_data for every component of a flat JSON document (a dict, a file name or a file
    object). Raises ValueError for what is not a flat timemory document."""
    document, path = _document(data)
    filename = filename or path
    if not isinstance(document, dict) or not isinstance(document.get("timemory"), dict):
        raise ValueError(f"{filename or 'the data'}: not a timemory JSON document (no 'timemory')")
    result = []
    for name, component in document["timemory"].items():
        if not isinstance(component, dict) or not any(
            key in component for key in ("ranks", "graph", "mpi", "upcxx", "upc")
        ):
            continue
        graphs = list(_flat_graphs(component))
        label = component.get("type", name)
        labels = list(label) if isinstance(label, list) else [label]
        label = labels[0].strip() if len(labels) == 1 else name
        description = component.get("description", "")
        if isinstance(description, list):
            description = description[0] if description else ""
        units = display_units(component, [e for g in graphs for e in g])
        pdata = plot_data(name, label, description, units, [x.strip() for x in labels], filename)
        for graph in graphs:
            for raw in graph:
                entry = raw.get("entry", {})
                if int(entry.get("laps", 0) or 0) == 0:
                    continue
                value = _elements(entry.get("repr_data"))
                if not all(isinstance(v, (int, float)) for v in value):
                    continue
                stats = raw.get("stats", {})
                scalar = len(value) == 1
                pdata.add(
                    timemory_data(
                        _clean_prefix(raw.get("prefix", "")),
                        value,
                        entry.get("laps", 0),
                        _statistic(stats, "mean") if scalar else None,
                        _statistic(stats, "min") if scalar else None,
                        _statistic(stats, "max") if scalar else None,
                    )
                )
        result.append(pdata)
    return result


# ---------------------------------------------------------------------------------------------
# drawing


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


def _shorten(text, width=60):
    if len(text) <= width:
        return text
    head = width // 3
    return text[:head] + "..." + text[-(width - head - 3) :]


def _title_case(text):
    return str(text).replace("_", " ").title()


def _draw_one(axes, pdata, params):
    entries = pdata.heaviest(params)
    names = [_shorten(e.prefix) for e in entries]
    positions = list(range(len(entries)))
    nelem = max((len(e.value) for e in entries), default=1)
    if nelem == 1:
        axes.barh(
            positions, [e.value[0] for e in entries], height=0.7, color="#d9742a", label="total"
        )
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
            )
    else:
        height = 0.8 / nelem
        for k in range(nelem):
            axes.barh(
                [p - 0.4 + height * (k + 0.5) for p in positions],
                [e.value[k] if k < len(e.value) else 0 for e in entries],
                height=height,
                label=pdata.labels[k] if k < len(pdata.labels) else f"[{k}]",
            )
    axes.set_yticks(positions)
    axes.set_yticklabels(names)
    axes.invert_yaxis()  # heaviest at the top
    unit = f" [{pdata.units}]" if pdata.units else ""
    axes.set_xlabel(f"{_title_case(pdata.label)}{unit}")
    axes.set_title(pdata.description or pdata.name, fontsize=params.font_size)
    if params.log_xaxis:
        axes.set_xscale("log")
    axes.grid(axis="x", alpha=0.3)
    if entries:
        axes.legend(loc="lower right", fontsize=params.font_size * 0.9)
    else:
        axes.text(
            0.5, 0.5, "no entries to draw", ha="center", va="center", transform=axes.transAxes
        )
    return len(entries)


def _figure(params, rows, nplots=1):
    Figure, FigureCanvasAgg = _matplotlib()
    width = params.img_size.get("w", 1000) / params.img_dpi
    # at least one text line per bar, so that long charts stay legible
    per_bar = 1.6 * params.font_size / 72.0
    height = max(params.img_size.get("h", 600) / params.img_dpi, per_bar * rows + 2.0 * nplots)
    figure = Figure(figsize=(width, height), dpi=params.img_dpi)
    FigureCanvasAgg(figure)
    return figure


def _save(figure, path, params, display):
    figure.savefig(path, dpi=params.img_dpi)
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


def plot(
    data=None,
    files=None,
    plot_params=None,
    combine=False,
    display=False,
    output_dir=".",
    echo_dart=None,
    titles=None,
):
    """Draws one bar chart per component of each document (plot_data objects or documents in
    data, file names in files) into output_dir; combine=True draws them all into one image.
    Returns the image paths. Raises PlottingUnavailable without matplotlib."""
    params = plot_params or plot_parameters()
    _matplotlib()
    charts = _collect(data, files, titles)
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
        figure.suptitle(_title_case(title), fontsize=params.font_size * 1.4)
        figure.tight_layout()
        path = _os.path.join(output_dir, _re.sub(r"[^\w.+-]", "_", title) + f".{params.img_type}")
        _save(figure, path, params, display)
        written.append((path, title))
    else:
        for pdata in charts:
            figure = _figure(params, len(pdata.heaviest(params)))
            _draw_one(figure.add_subplot(1, 1, 1), pdata, params)
            figure.suptitle(_title_case(pdata.title), fontsize=params.font_size * 1.4)
            figure.tight_layout()
            path = _image_name(pdata, by_file.get(pdata.filename, 0) > 1, params, output_dir)
            _save(figure, path, params, display)
            written.append((path, pdata.title))
    for path, title in written:
        add_plotted_files(path, title)
        if echo_dart:
            echo_dart_tag(_os.path.splitext(_os.path.basename(path))[0], path, params.img_type)
    return [path for path, _ in written]


plot_all = plot


def plot_generic(pdata, filename, plot_params=None, display=False, output_dir=".", echo_dart=None):
    """Draws one plot_data into output_dir/filename.<img_type>; returns the path."""
    params = plot_params or plot_parameters()
    pdata = pdata if isinstance(pdata, plot_data) else read(pdata)[0]
    figure = _figure(params, len(pdata.heaviest(params)))
    _draw_one(figure.add_subplot(1, 1, 1), pdata, params)
    figure.suptitle(_title_case(pdata.title), fontsize=params.font_size * 1.4)
    figure.tight_layout()
    path = _os.path.join(make_output_directory(output_dir), f"{filename}.{params.img_type}")
    _save(figure, path, params, display)
    add_plotted_files(path, pdata.title)
    if echo_dart:
        echo_dart_tag(filename, path, params.img_type)
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
    """One chart of the heaviest entry of every document: which run or component peaks
    where. Returns the image path."""
    params = plot_params or plot_parameters()
    _matplotlib()
    charts = _collect(data, files, None)
    maxima = plot_data("maximums", "maximum", title, "", ["maximum"], None, title)
    units = {p.units for p in charts}
    maxima.units = units.pop() if len(units) == 1 else ""
    for pdata in charts:
        heaviest = pdata.heaviest(plot_parameters(min_percent=0, max_entries=1))
        if heaviest:
            top = heaviest[0]
            where = _os.path.basename(pdata.filename) if pdata.filename else pdata.name
            maxima.add(timemory_data(f"{where}: {top.prefix}", top.value[:1], top.laps))
    params = plot_parameters(
        0.0,
        params.img_dpi,
        params.img_size,
        params.img_type,
        params.log_xaxis,
        params.font_size,
        max(len(maxima), 1),
    )
    return plot_generic(maxima, output_name, params, display, output_dir, echo_dart)


def table(pdata, params=None, stream=None):
    """Prints the entries a chart would draw as a text table."""
    params = params or plot_parameters()
    stream = stream or _sys.stdout
    entries = pdata.heaviest(params)
    unit = f" [{pdata.units}]" if pdata.units else ""
    print(f"# {pdata.title}: {pdata.description}{unit}", file=stream)
    width = max([len(e.prefix) for e in entries] + [5])
    print(f"{'LABEL':<{width}}  {'COUNT':>8}  VALUE", file=stream)
    for e in entries:
        values = ", ".join(f"{v:.6g}" for v in e.value)
        print(f"{e.prefix:<{width}}  {e.laps:>8}  {values}", file=stream)


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

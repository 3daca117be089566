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


#: what the bars show: "self" (exclusive) or "inclusive" values
METRICS = ("self", "inclusive")
#: image formats, chosen by img_type or by the extension of an output file name
IMAGE_TYPES = ("png", "svg", "pdf")
#: no text of a chart is smaller (points)
MIN_FONT_SIZE = 9.0


class plot_parameters:
    """Image parameters: entries below ``min_percent`` (a fraction) of the heaviest are left
    out, and at most ``max_entries`` are drawn; ``metric`` is what the bars show ("self":
    exclusive values, the default; "inclusive"); the image is at least ``img_size`` pixels
    (``{"w": ..., "h": ...}``; taller when there are many bars) at ``img_dpi`` dots per inch,
    in the format ``img_type`` (png, svg, pdf); text is ``font_size`` points (at least 9)."""

    def __init__(
        self,
        min_percent=0.05,
        img_dpi=150,
        img_size=None,
        img_type="png",
        log_xaxis=False,
        font_size=11,
        max_entries=32,
        metric="self",
    ):
        self.min_percent = float(min_percent)
        self.img_dpi = int(img_dpi)
        if self.img_dpi <= 0:
            raise ValueError(f"img_dpi must be positive, not {img_dpi!r}")
        self.img_size = dict(img_size or {"w": 1200, "h": 600})
        self.img_type = str(img_type).lstrip(".").lower() or "png"
        if self.img_type not in IMAGE_TYPES:
            raise ValueError(f"img_type must be one of {', '.join(IMAGE_TYPES)}, not {img_type!r}")
        self.log_xaxis = bool(log_xaxis)
        self.font_size = max(float(font_size), MIN_FONT_SIZE)
        self.max_entries = int(max_entries)
        self.metric = str(metric).lower()
        if self.metric in ("exclusive", "tottime"):
            self.metric = "self"
        if self.metric not in METRICS:
            raise ValueError(f"metric must be 'self' or 'inclusive', not {metric!r}")

    def __repr__(self):
        return (
            f"plot_parameters(min_percent={self.min_percent}, img_dpi={self.img_dpi}, "
            f"img_size={self.img_size}, img_type={self.img_type!r}, "
            f"log_xaxis={self.log_xaxis}, font_size={self.font_size}, "
            f"max_entries={self.max_entries}, metric={self.metric!r})"
        )


class timemory_data:
    """One entry of a chart: its inclusive value (a number, or one per element of a
    multi-valued component), its exclusive value (``exclusive``; the inclusive one when not
    given: an entry with no callees), its count, and the mean/min/max per call when the
    statistics have them."""

    def __init__(
        self, prefix, value, laps=0, mean=None, minimum=None, maximum=None, exclusive=None
    ):
        self.prefix = prefix
        self.value = list(value) if isinstance(value, (list, tuple)) else [value]
        self.exclusive = (
            list(self.value)
            if exclusive is None
            else list(exclusive)
            if isinstance(exclusive, (list, tuple))
            else [exclusive]
        )
        self.laps = int(laps)
        self.mean = mean
        self.min = minimum
        self.max = maximum

    def values(self, metric="inclusive"):
        """The values the metric ("self" or "inclusive") shows."""
        return self.exclusive if metric == "self" else self.value

    def magnitude(self, metric="inclusive"):
        return max((abs(v) for v in self.values(metric)), default=0.0)

    def __iadd__(self, other):
        self.value = [a + b for a, b in zip(self.value, other.value)]
        self.exclusive = [a + b for a, b in zip(self.exclusive, other.exclusive)]
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
        return (
            f"timemory_data({self.prefix!r}, {self.value}, laps={self.laps}, "
            f"exclusive={self.exclusive})"
        )


def _combine(op, a, b):
    return None if a is None or b is None else op(a, b)


class plot_data:
    """The entries of one component of one document, keyed by label (``read`` sums every call
    path of a label; entries added with the same label are summed). ``additive``: whether the
    values add up over callees (not for percentages and two-valued components), i.e. whether
    self values mean something."""

    def __init__(
        self, name, label, description, units, labels, filename=None, title=None, additive=True
    ):
        self.name = name  # component id: "wall_clock"
        self.label = label  # "wall"
        self.description = description
        self.units = units  # display unit(s) of the values
        self.labels = labels  # element labels of multi-valued components, else [label]
        self.filename = filename
        self.title = title or label
        self.additive = bool(additive)
        self.data = {}

    def add(self, entry):
        if entry.prefix in self.data:
            self.data[entry.prefix] += entry
        else:
            self.data[entry.prefix] = entry

    def metric(self, params):
        """What the chart shows with params: its metric, or "inclusive" when the values do
        not add up."""
        return params.metric if self.additive else "inclusive"

    def total(self, params):
        """The sum of every entry's self values: the whole measured amount (element 0)."""
        return sum(e.exclusive[0] for e in self.data.values() if e.exclusive)

    def heaviest(self, params):
        """The entries to draw, heaviest first (by params' metric)."""
        metric = self.metric(params)
        entries = sorted(self.data.values(), key=lambda e: e.magnitude(metric), reverse=True)
        if not entries:
            return []
        cutoff = entries[0].magnitude(metric) * params.min_percent
        kept = [e for e in entries if e.magnitude(metric) >= cutoff and e.magnitude(metric) > 0]
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


_PART = _re.compile(r"^(\|[^>|]*)?>>> ")


def _split_prefix(prefix):
    """(mark, label, depth) of a decorated prefix: '>>>   |_bar' -> ('', 'bar', 2); the part
    of uncollapsed threads or ranks becomes a mark: '|1>>> |_bar' -> ('[1] ', 'bar', 1)."""
    mark = ""
    match = _PART.match(prefix)
    if match:
        part = (match.group(1) or "")[1:]
        mark = f"[{part}] " if part else ""
        prefix = prefix[match.end() :]
    body = prefix.lstrip(" ")
    if body.startswith("|_"):
        return mark, body[2:], (len(prefix) - len(body)) // 2 + 1
    return mark, prefix, 0


def _clean_prefix(prefix):
    """The label of a decorated prefix, with the mark of its thread or rank if any."""
    mark, label, _ = _split_prefix(prefix)
    return mark + label


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


def _numbers(value):
    values = _elements(value)
    return values if values and all(isinstance(v, (int, float)) for v in values) else None


def _graph_entries(graph):
    """timemory_data for the entries of one pre-order graph, with exclusive values (the
    entry's minus its direct callees') and inclusive values counted at the outermost call of
    a label only (a recursive call's time is already in its caller's)."""
    result = []
    stack = []  # (depth, key, values) of the entries enclosing the current one
    open_keys = {}
    for raw in graph:
        if not isinstance(raw, dict):
            continue
        mark, label, prefix_depth = _split_prefix(str(raw.get("prefix", "")))
        depth = raw.get("depth")
        depth = depth if isinstance(depth, int) else prefix_depth
        while stack and stack[-1][0] >= depth:
            _, key, _ = stack.pop()
            open_keys[key] -= 1
        entry = raw.get("entry", {}) if isinstance(raw.get("entry"), dict) else {}
        value = _numbers(entry.get("repr_data"))
        key = mark + label
        if value is not None and stack and stack[-1][0] == depth - 1 and stack[-1][2]:
            parent = stack[-1][2]
            for k in range(min(len(parent.exclusive), len(value))):
                parent.exclusive[k] -= value[k]
        data = None
        laps = int(entry.get("laps", 0) or 0)
        if value is not None:
            recursive = open_keys.get(key, 0) > 0
            stats = raw.get("stats", {})
            scalar = len(value) == 1
            data = timemory_data(
                key,
                [0.0] * len(value) if recursive else value,
                laps,
                _statistic(stats, "mean") if scalar else None,
                _statistic(stats, "min") if scalar else None,
                _statistic(stats, "max") if scalar else None,
                exclusive=list(value),
            )
            if laps > 0:
                result.append(data)
        stack.append((depth, key, data))
        open_keys[key] = open_keys.get(key, 0) + 1
    return result


def _additive(units, labels):
    """Whether a component's values add up over callees (self values mean something)."""
    return len(labels) == 1 and units not in ("%",) and "/" not in str(units)


# the charts of a timem document: (chart, its figures, element of two-valued figures)
_TIMEM_CHARTS = (
    ("time", ("wall_clock", "user_clock", "sys_clock", "system_clock", "cpu_clock"), 0),
    ("cpu_util", ("cpu_util",), 0),
    ("memory", ("peak_rss", "tree_peak_rss", "page_rss", "virtual_memory"), 0),
    ("page_faults", ("num_major_page_faults", "num_minor_page_faults"), 0),
    ("context_switches", ("priority_context_switch", "voluntary_context_switch"), 0),
    ("io", ("read_char", "read_bytes", "written_char", "written_bytes"), 0),
    ("io_rate", ("read_char", "read_bytes", "written_char", "written_bytes"), 1),
)


def _element(value, index):
    if isinstance(value, list):
        return value[index] if index < len(value) else None
    return value if index == 0 else None


def _read_timem(section, filename):
    """One plot_data per chart of a timem document ({"timem": [{figure: entry}, ...]}, one
    dict per process group), its figures as entries."""
    command = section.get("command") or section.get("command_line", ["timem", "?"])[1:]
    name = _os.path.basename(str(command[0])) if command else "timem"
    groups = section["timem"]
    result = []
    for chart, keys, index in _TIMEM_CHARTS:
        pdata = None
        for rank, figures in enumerate(groups):
            if not isinstance(figures, dict):
                raise ValueError(f"{filename or 'the data'}: a timem entry is not an object")
            for key in keys:
                entry = figures.get(key)
                value = _element(entry.get("repr"), index) if isinstance(entry, dict) else None
                if not isinstance(value, (int, float)):
                    continue
                if pdata is None:
                    unit = _element(entry.get("unit_repr", ""), index) or ""
                    pdata = plot_data(
                        f"timem_{chart}", chart, f"{name}: {chart.replace('_', ' ')}", unit,
                        [chart], filename, f"{name} {chart}", additive=False,
                    )  # fmt: skip
                label = _element(entry.get("label", key), index) or key
                prefix = label if len(groups) == 1 else f"{label} [rank {rank}]"
                pdata.add(timemory_data(prefix, [value], int(entry.get("laps", 1) or 1)))
        if pdata is not None:
            result.append(pdata)
    return result


def read(data, filename=None):
    """plot_data for every component of a flat JSON document (a dict, a file name or a file
    object), or for every chart of a timem document (``timem -o``). Raises ValueError for
    what is neither."""
    document, path = _document(data)
    filename = filename or path
    if not isinstance(document, dict) or not isinstance(document.get("timemory"), dict):
        raise ValueError(f"{filename or 'the data'}: not a timemory JSON document (no 'timemory')")
    if isinstance(document["timemory"].get("timem"), list):
        return _read_timem(document["timemory"], filename)
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
        labels = [x.strip() for x in labels]
        pdata = plot_data(
            name, label, description, units, labels, filename, additive=_additive(units, labels)
        )
        for graph in graphs:
            for entry in _graph_entries(graph):
                pdata.add(entry)
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

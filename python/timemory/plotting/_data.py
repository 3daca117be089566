"""The data side of timemory.plotting: plot parameters, the data read from timemory's
flat JSON and timem outputs (timemory_data, plot_data, read) and their display units.
Nothing here needs matplotlib; timemory.plotting re-exports every name."""

import json as _json
import os as _os
import re as _re

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

"""timemory.storage.frames -- results as pandas DataFrames (pandas is optional:
``pip install timemory[pandas]``).

``to_dataframe(data)`` takes what ``timemory.get()`` returns (or a flat ``<label>.json`` file,
or ``<Class>Storage.get()``) and gives one row per entry and value: component, metric (the
label; one row per element for two-valued components such as current_peak_rss), unit,
prefix, label, depth, count (laps), sum, mean, min, max, stddev (display units, as in the
tables), tid, rank, hash and rolling_hash. ``hierarchy=True`` (or tree-layout data:
``timemory.get(hierarchy=True)``, ``<label>.tree.json``, ``get_tree()``) gives one row per
call-graph node instead, with its inclusive values, the exclusive ``self_*`` ones, its thread
ids and its parent's hash. ``<Class>Storage.to_dataframe()`` does this for one component.

Both split the label into ``function``, ``file`` and ``line`` columns (``split_label``): the
profiler's ``func/file.py:12``, the decorators' ``func@file.py:12/key``, the tracer's
``<source>   [func/file.py:12]``; a label with no file (a C region, a ``with`` block's key)
keeps itself as the function, with no file and no line. An output folder reads every
component's files in it (``<label>.json``, or ``<label>.tree.json`` with hierarchy=True).
"""

import json as _json
import os as _os
import re as _re

__all__ = [
    "FLAT_COLUMNS",
    "TREE_COLUMNS",
    "read_folder",
    "split_label",
    "storage_to_dataframe",
    "to_dataframe",
]

FLAT_COLUMNS = [
    "component",
    "metric",
    "unit",
    "prefix",
    "label",
    "function",
    "file",
    "line",
    "depth",
    "count",
    "sum",
    "mean",
    "min",
    "max",
    "stddev",
    "tid",
    "rank",
    "hash",
    "rolling_hash",
]
TREE_COLUMNS = [
    "component",
    "metric",
    "unit",
    "label",
    "function",
    "file",
    "line",
    "depth",
    "count",
    "sum",
    "mean",
    "min",
    "max",
    "stddev",
    "self_sum",
    "self_mean",
    "self_min",
    "self_max",
    "self_stddev",
    "tid",
    "pid",
    "rank",
    "hash",
    "parent_hash",
    "path",
]

# hatchet's "[func][file]"
_BRACKETS = _re.compile(r"^\[(?P<func>[^\[\]]+)\]\[(?P<file>[^\[\]]+)\]$")
# the tracer: "<source line>   [func/file:line]" (file and line each optional)
_TRACED = _re.compile(r"^(?:(?P<head>.*?)\s+)?\[(?P<inner>[^\[\]]+)\]$")
_TRACED_INNER = _re.compile(r"^(?P<func>[^/:]+)(?:/(?P<file>.+?))?(?::(?P<line>\d+))?$")
# decorators and bundles: "func(args)@file:line" and an optional "/key"
_AT = _re.compile(r"^(?P<func>.+)@(?P<file>[^@:]+?):(?P<line>\d+)(?:/(?P<tail>.*))?$")
# the profiler: "func(args)/file:line", "func/file", "func:line" (args in parentheses)
_FUNC = r"(?P<func>[^/@\[\s(:]+(?:\(.*\))?)"
_SLASH = _re.compile(_FUNC + r"/(?P<file>.+?)(?::(?P<line>\d+))?$")
_COLON = _re.compile(_FUNC + r":(?P<line>\d+)$")
_SOURCE_FILE = _re.compile(r"\.[A-Za-z]\w*$")


def _parse_label(label):
    """(function, file, line, head, tail) of a label; file/line/head/tail None when absent.
    head: the tracer's source text; tail: what follows a decorator's file:line ("/key")."""
    label = str(label)
    m = _BRACKETS.match(label)
    if m:
        return m["func"], m["file"], None, None, None
    m = _TRACED.match(label)
    if m:
        inner = _TRACED_INNER.match(m["inner"].strip())
        if inner and (m["head"] is not None or inner["file"] or inner["line"]):
            line = int(inner["line"]) if inner["line"] else None
            return inner["func"], inner["file"], line, (m["head"] or "").strip() or None, None
    m = _AT.match(label)
    if m:
        return m["func"], m["file"], int(m["line"]), None, m["tail"] or None
    m = _SLASH.match(label)
    # "name/key" of a region is no file: a file has a line or an extension
    if m and (m["line"] or _SOURCE_FILE.search(m["file"])):
        return m["func"], m["file"], int(m["line"]) if m["line"] else None, None, None
    m = _COLON.match(label)
    if m:
        return m["func"], None, int(m["line"]), None, None
    return label, None, None, None, None


def split_label(label):
    """(function, file, line) of a timemory label; file and line are None when the label has
    none (C regions, ``with`` blocks, file names turned off).

    >>> split_label("work/prog.py:12")
    ('work', 'prog.py', 12)
    >>> split_label("work@prog.py:12/key")
    ('work', 'prog.py', 12)
    >>> split_label("    x = f(1)   [work/prog.py:14]")
    ('work', 'prog.py', 14)
    >>> split_label("region")
    ('region', None, None)
    """
    return _parse_label(label)[:3]


def read_folder(folder, hierarchy=False):
    """One timemory document of every component's file in an output folder: the flat
    ``<label>.json`` files (hierarchy False) or the ``<label>.tree.json`` ones (True).
    Difference files (``<label>.diff.json``) are left out; a component found in two files is
    an error (two runs' outputs in one folder: give the file)."""
    folder = _os.fspath(folder)
    found = {}
    merged = {}
    for name in sorted(_os.listdir(folder)):
        is_tree = name.endswith(".tree.json")
        if not name.endswith(".json") or is_tree != bool(hierarchy):
            continue
        if name.endswith((".diff.json", ".flamegraph.json")):
            continue
        path = _os.path.join(folder, name)
        try:
            with open(path) as handle:
                document = _json.load(handle)
        except (OSError, ValueError):
            continue  # not a timemory JSON file
        section = document.get("timemory") if isinstance(document, dict) else None
        if not isinstance(section, dict):
            continue
        for component, data in section.items():
            if component in found:
                raise ValueError(
                    f"{component} is in both {found[component]} and {name} in {folder}: "
                    "give one file"
                )
            found[component] = name
            merged[component] = data
    if not merged:
        kind = "<label>.tree.json" if hierarchy else "<label>.json"
        raise FileNotFoundError(f"no timemory {kind} file in {folder}")
    return {"timemory": merged}


_THREAD_MARK = _re.compile(r"^\|(?:\d+(?::\d+)?\|)?(\d+)>>> ")
_DECORATION = _re.compile(r"^(?:\|[^>]*)?>>> (?:\s*\|_)?")


def _pandas():
    try:
        import pandas
    except ImportError as err:
        raise ImportError(
            f"timemory.storage.to_dataframe needs pandas, which is not installed ({err}); "
            "install it with: pip install timemory[pandas]"
        ) from err
    return pandas


def _document(data, hierarchy=None):
    """A timemory JSON document from data (see to_dataframe)."""
    if data is None:
        from .. import get

        return get()
    if isinstance(data, dict):
        return data
    if hasattr(data, "read"):
        return _json.load(data)
    if isinstance(data, (str, bytes, _os.PathLike)):
        if _os.path.isdir(_os.fspath(data)):
            return read_folder(data, bool(hierarchy))
        with open(_os.fspath(data)) as handle:
            return _json.load(handle)
    if isinstance(data, list):
        # <Class>Storage.get() / dmp_get() / get_tree() / dmp_get_tree()
        ranks = data if data and isinstance(data[0], list) else [data]
        for rank in ranks:
            owner = next((item for item in rank if hasattr(type(item), "_row")), None)
            if owner is not None:
                from . import get_storage_class

                return get_storage_class(type(owner)._row["name"]).dumps(data)
        return {"timemory": {}}
    raise TypeError(
        "to_dataframe takes timemory.get() output, a JSON file or folder name, a file object, "
        f"or what a <Class>Storage getter returned, not {type(data).__name__}"
    )


def _elements(value, n):
    """value as a list of n numbers (None where missing)."""
    if isinstance(value, dict) and "first" in value:
        value = [value.get("first"), value.get("second")]
    if not isinstance(value, list):
        value = [value]
    out = []
    for k in range(n):
        item = value[k] if k < len(value) else None
        out.append(item if isinstance(item, (int, float)) and not isinstance(item, bool) else None)
    return out


def _metrics(component, name):
    labels = component.get("type", name)
    if isinstance(labels, list):
        return [str(label).strip() for label in labels]
    return [str(labels)]


def _units(component, graph, n):
    from ..plotting import display_units

    unit = display_units(component, graph)
    return [unit] * n


def _label_columns(label):
    function, file, line = split_label(label)
    return {"function": function, "file": file, "line": line}


def _nan(value):
    return float("nan") if value is None else value


def _stats_columns(stats, k, n, prefix=""):
    """sum/mean/min/max/stddev of element k; components without statistics (trip_count) have
    empty objects: NaN."""
    stats = stats if isinstance(stats, dict) else {}
    return {
        f"{prefix}{key}": _nan(_elements(stats.get(key), n)[k])
        for key in ("sum", "mean", "min", "max", "stddev")
    }


def _flat_rows(document):
    rows = []
    for name, component in document.get("timemory", {}).items():
        if not isinstance(component, dict) or "ranks" not in component:
            if isinstance(component, dict) and any(k in component for k in ("graph", "mpi")):
                raise ValueError(f"{name}: tree layout; use hierarchy=True")
            continue
        metrics = _metrics(component, name)
        n = len(metrics)
        graph = [entry for rank in component["ranks"] for entry in rank.get("graph", [])]
        units = _units(component, graph, n)
        for rank in component["ranks"]:
            for raw in rank.get("graph", []):
                entry = raw.get("entry", {})
                prefix = raw.get("prefix", "")
                mark = _THREAD_MARK.match(prefix)
                values = _elements(entry.get("repr_data"), n)
                has_stats = int((raw.get("stats") or {}).get("count", 0) or 0) > 0
                for k in range(n):
                    label = _DECORATION.sub("", prefix, count=1)
                    row = {
                        "component": name,
                        "metric": metrics[k],
                        "unit": units[k],
                        "prefix": prefix,
                        "label": label,
                        **_label_columns(label),
                        "depth": int(raw.get("depth", 0)),
                        "count": int(entry.get("laps", 0) or 0),
                    }
                    row.update(_stats_columns(raw.get("stats"), k, n))
                    if not has_stats:
                        row["sum"] = _nan(values[k])
                    row.update(
                        {
                            "tid": int(mark.group(1)) if mark else 0,
                            "rank": int(rank.get("rank", 0)),
                            "hash": int(raw.get("hash", 0)),
                            "rolling_hash": int(raw.get("rolling_hash", 0)),
                        }
                    )
                    rows.append(row)
    return rows


def _tree_ranks(component):
    """Each element's roots (rank 0 without MPI); threads merged back when the run merged
    them (``_trees``)."""
    from ._trees import tree_elements

    elements = tree_elements(component)
    return None if elements is None else [roots for _, roots in elements]


def _preorder(roots):
    """(tree, parent hash, path of labels) of every real node under roots, in pre-order;
    placeholders (hash 0, thread bookmarks) are passed through. Iterative: call-graphs can
    be deeper than Python's recursion limit."""
    stack = [(root, 0, ()) for root in reversed(roots)]
    while stack:
        tree, parent, path = stack.pop()
        node = tree.get("node", {})
        if not (node.get("hash", 0) == 0 or node.get("is_dummy", False)):
            path = path + (node.get("prefix", ""),)
            yield tree, parent, path
            parent = int(node.get("hash", 0))
        for child in reversed(tree.get("children", [])):
            stack.append((child, parent, path))


def _node_rows(name, metrics, units, tree, rank, parent, path):
    n = len(metrics)
    node = tree.get("node", {})
    inclusive = node.get("inclusive", {})
    exclusive = node.get("exclusive", {})
    tids = node.get("tid", [])
    pids = node.get("pid", [])
    no_stats = int((inclusive.get("stats") or {}).get("count", 0) or 0) == 0
    rows = []
    for k in range(n):
        row = {
            "component": name,
            "metric": metrics[k],
            "unit": units[k],
            "label": node.get("prefix", ""),
            **_label_columns(node.get("prefix", "")),
            "depth": int(node.get("depth", 1)) - 1,
            "count": int(inclusive.get("entry", {}).get("laps", 0) or 0),
        }
        row.update(_stats_columns(inclusive.get("stats"), k, n))
        row.update(_stats_columns(exclusive.get("stats"), k, n, "self_"))
        if no_stats:
            row["sum"] = _nan(_elements(inclusive.get("entry", {}).get("repr_data"), n)[k])
            row["self_sum"] = _nan(_elements(exclusive.get("entry", {}).get("repr_data"), n)[k])
        row["tid"] = tuple(tids if isinstance(tids, list) else [tids])
        row["pid"] = tuple(pids if isinstance(pids, list) else [pids])
        row["rank"] = rank
        row["hash"] = int(node.get("hash", 0))
        row["parent_hash"] = parent
        row["path"] = path
        rows.append(row)
    return rows


def _tree_rows(document):
    rows = []
    for name, component in document.get("timemory", {}).items():
        if not isinstance(component, dict):
            continue
        ranks = _tree_ranks(component)
        if ranks is None:
            if "ranks" in component:
                raise ValueError(f"{name}: flat layout; use hierarchy=False")
            continue
        metrics = _metrics(component, name)
        nodes = [(rank, item) for rank, roots in enumerate(ranks) for item in _preorder(roots)]
        entries = [
            {"entry": t["node"].get("inclusive", {}).get("entry", {})} for _, (t, _, _) in nodes
        ]
        units = _units(component, entries, len(metrics))
        for rank, (tree, parent, path) in nodes:
            rows.extend(_node_rows(name, metrics, units, tree, rank, parent, path))
    return rows


def _is_tree(document):
    for component in document.get("timemory", {}).values():
        if isinstance(component, dict):
            if "ranks" in component:
                return False
            if _tree_ranks(component) is not None:
                return True
    return False


def to_dataframe(data=None, hierarchy=None, components=None):
    """A pandas DataFrame of timemory results.

    data: ``timemory.get()`` / ``timemory.get(hierarchy=True)`` output, a ``<label>.json`` or
    ``<label>.tree.json`` file (name or file object), an output folder (every component's
    ``<label>.json``, or ``<label>.tree.json`` with hierarchy=True), or what a
    ``<Class>Storage`` getter returned; None: the current data
    (``timemory.get(hierarchy=hierarchy)``).
    hierarchy: one row per node of the tree layout (None: follow the data's layout).
    components: component ids to keep (``["wall_clock"]``); empty: all.
    Values are in display units (``unit`` column); ``count`` is the number of calls (laps);
    statistics a component does not keep (trip_count) are NaN, its ``sum`` is its value.
    ``function``, ``file`` and ``line`` (a nullable integer) are the parts of the label
    (``split_label``)."""
    pandas = _pandas()
    if data is None:
        from .. import get

        document = get(hierarchy=bool(hierarchy))
    else:
        document = _document(data, hierarchy)
    if not isinstance(document, dict) or not isinstance(document.get("timemory"), dict):
        raise ValueError("not a timemory JSON document (no 'timemory' key)")
    if components:
        wanted = {str(c) for c in components}
        document = {"timemory": {k: v for k, v in document["timemory"].items() if k in wanted}}
    tree = _is_tree(document) if hierarchy is None else bool(hierarchy)
    if (
        tree
        and not _is_tree(document)
        and any(isinstance(c, dict) and "ranks" in c for c in document["timemory"].values())
    ):
        raise ValueError("hierarchy=True needs tree-layout data (timemory.get(hierarchy=True))")
    rows = _tree_rows(document) if tree else _flat_rows(document)
    columns = TREE_COLUMNS if tree else FLAT_COLUMNS
    frame = pandas.DataFrame(rows, columns=columns)
    for column in ("sum", "mean", "min", "max", "stddev"):
        for name in (column, f"self_{column}"):
            if name in frame:
                frame[name] = frame[name].astype(float)
    for column in ("hash", "rolling_hash", "parent_hash"):
        if column in frame:
            frame[column] = frame[column].astype("uint64")
    frame["line"] = frame["line"].astype("Int64")
    for column in ("function", "file"):  # a missing part is None, never a float NaN
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def storage_to_dataframe(cls, hierarchy=False):
    """<Class>Storage.to_dataframe(hierarchy=False): this component's current data."""
    return to_dataframe(cls._json(bool(hierarchy)), bool(hierarchy))

"""timemory.plotting.speedscope -- the call-graph as a speedscope profile.

speedscope (https://www.speedscope.app) opens files in its own format
(https://www.speedscope.app/file-format-schema.json). ``convert(data)`` turns tree-layout data
(``timemory.get(hierarchy=True)``, a ``<label>.tree.json`` file, or a folder of them) into
such a document: one *evented* profile per single-valued component, frames opened and closed
in call-graph order with each node lasting its inclusive value. The timeline is synthetic, as
in ``<label>.flamegraph.json``: top-level nodes are laid end to end and children start where
their parent starts (the toolkit keeps totals per call path, not individual calls), so
speedscope's "Left Heavy" and "Sandwich" views are exact and "Time Order" shows the layout.
Each rank (MPI) and each thread (where the tree lists one root per thread: several threads,
docs/outputs.md) is a profile of its own. Children can add up to more than their parent (ranks
merged under one call; counts such as trip_count): they are then scaled down together to fit
inside it (the profile's events must nest), and the profile's name says so.

    python -m timemory.plotting.speedscope timemory-app-output/wall.tree.json
    # writes timemory-app-output/wall.speedscope.json; drag it into speedscope
"""

import glob as _glob
import json as _json
import os as _os
import re as _re
import sys as _sys

__all__ = ["SCHEMA", "convert", "main", "write"]

SCHEMA = "https://www.speedscope.app/file-format-schema.json"

_TIME_REPRS = ("sec",)
_MEMORY_REPRS = ("byte", "kb", "mb", "gb", "tb", "pb")
# "func@file:line" / "func/file:line" (decorators in "full" mode, the profiler)
_LOCATION = _re.compile(r"^(?P<func>[^@/\s]+)[@/](?P<file>\S+?):(?P<line>\d+)(?:/.*)?$")


def _load(source):
    """The tree-layout document(s) of source, merged into one {"timemory": {...}}."""
    if isinstance(source, dict):
        return source, None
    if hasattr(source, "read"):
        return _json.load(source), getattr(source, "name", None)
    path = _os.fspath(source)
    if _os.path.isdir(path):
        merged = {"timemory": {}}
        files = sorted(_glob.glob(_os.path.join(path, "*.tree.json")))
        if not files:
            raise ValueError(f"{path}: no *.tree.json file in the folder")
        for name in files:
            with open(name) as handle:
                merged["timemory"].update(_json.load(handle).get("timemory", {}))
        return merged, path
    with open(path) as handle:
        return _json.load(handle), path


def _unit(component):
    """speedscope's unit for the raw values: timers count nanoseconds, memory bytes."""
    repr_ = component.get("unit_repr", "")
    if isinstance(repr_, list):
        return None
    if repr_ in _TIME_REPRS:
        return "nanoseconds"
    if str(repr_).lower() in _MEMORY_REPRS:
        return "bytes"
    return "none"


def _raw(node):
    entry = node.get("inclusive", {}).get("entry", {})
    value = entry.get("accum", entry.get("value", 0))
    if isinstance(value, (dict, list)):
        return None
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return None


def _profiles_of(component):
    """[(title suffix, roots)]: one per rank (MPI), and one per thread where the tree lists
    each thread's root (several threads: docs/outputs.md)."""
    from ..storage._trees import tree_elements

    elements = tree_elements(component, merge=False)
    if elements is None:
        raise ValueError("no tree layout ('graph' list of ranks): convert <label>.tree.json files")
    per_thread = "collapse_threads" in component
    out = []
    for rank, roots in elements:
        where = f" rank {rank}" if rank is not None and len(elements) > 1 else ""
        if per_thread and len(roots) > 1:
            for root in roots:
                first = next(_visible_children(root), None)
                if first is None:
                    continue  # thread 0's bookmark where it ran nothing
                tids = first.get("node", {}).get("tid", [])
                tid = tids[0] if isinstance(tids, list) and tids else tids
                out.append((f"{where} thread {tid}", [root]))
        else:
            out.append((where, roots))
    return out


class _Frames:
    def __init__(self):
        self.frames = []
        self.index = {}

    def get(self, label):
        if label not in self.index:
            frame = {"name": label}
            match = _LOCATION.match(label)
            if match:
                frame["file"] = match.group("file")
                frame["line"] = int(match.group("line"))
            self.index[label] = len(self.frames)
            self.frames.append(frame)
        return self.index[label]


def _visible_children(tree):
    """Children of tree, with the placeholder nodes (hash 0, dummies) replaced by theirs."""
    for child in tree.get("children", []):
        node = child.get("node", {})
        if node.get("hash", 0) == 0 or node.get("is_dummy", False):
            yield from _visible_children(child)
        else:
            yield child


def _lay_out(trees, start, length, frames, events, scaled):
    """Events of trees laid end to end from start within length (None: no bound)."""
    items = [(tree, _raw(tree["node"]) or 0) for tree in trees]
    total = sum(value for _, value in items)
    squeeze = length is not None and total > length
    if squeeze:
        scaled[0] = True
    at = start
    for index, (tree, value) in enumerate(items):
        if squeeze:
            # integer widths that never pass the parent's end
            end = start + (length * sum(v for _, v in items[: index + 1])) // total
            value = end - at
        frame = frames.get(tree["node"].get("prefix", ""))
        events.append({"type": "O", "frame": frame, "at": at})
        _lay_out(list(_visible_children(tree)), at, value, frames, events, scaled)
        events.append({"type": "C", "frame": frame, "at": at + value})
        at += value
    return at


def convert(data, name=None):
    """A speedscope document (dict) from tree-layout data: a dict such as
    timemory.get(hierarchy=True), a .tree.json file name, a folder of them or a file object.
    Components with two values per entry (start/stop peak rss...) are left out."""
    document, path = _load(data)
    if not isinstance(document, dict) or not isinstance(document.get("timemory"), dict):
        raise ValueError("not a timemory JSON document (no 'timemory' key)")
    frames = _Frames()
    profiles = []
    skipped = []
    for component_name, component in document["timemory"].items():
        if not isinstance(component, dict):
            continue
        unit = _unit(component)
        if unit is None:
            skipped.append(component_name)
            continue
        for where, roots in _profiles_of(component):
            # the placeholder root (hash 0) holds the top level as its children
            top = []
            for root in roots:
                node = root.get("node", {})
                if node.get("hash", 0) == 0 or node.get("is_dummy", False):
                    top.extend(_visible_children(root))
                else:
                    top.append(root)
            events, scaled = [], [False]
            end = _lay_out(top, 0, None, frames, events, scaled)
            label = component.get("type", component_name)
            title = f"{component_name} ({label}){where}"
            if scaled[0]:
                title += " [children scaled to fit inside their parent]"
            profiles.append(
                {
                    "type": "evented",
                    "name": title,
                    "unit": unit,
                    "startValue": 0,
                    "endValue": end,
                    "events": events,
                }
            )
    if not profiles:
        why = f" (two-valued components are not converted: {', '.join(skipped)})" if skipped else ""
        raise ValueError(f"no component to convert{why}")
    wall = next((i for i, p in enumerate(profiles) if p["name"].startswith("wall_clock")), 0)
    try:
        from .. import version as exporter_version
    except ImportError:
        exporter_version = ""
    return {
        "$schema": SCHEMA,
        "shared": {"frames": frames.frames},
        "profiles": profiles,
        "name": name or (_os.path.basename(path) if path else "timemory"),
        "activeProfileIndex": wall,
        "exporter": f"timemory {exporter_version}".strip(),
    }


def write(data, filename, name=None):
    """Writes convert(data) to filename; returns filename."""
    document = convert(data, name)
    folder = _os.path.dirname(_os.fspath(filename))
    if folder:
        _os.makedirs(folder, exist_ok=True)
    with open(filename, "w") as handle:
        _json.dump(document, handle, separators=(",", ":"))
        handle.write("\n")
    return filename


def _default_output(source):
    if _os.path.isdir(source):
        return _os.path.join(source, "timemory.speedscope.json")
    base = source[: -len(".tree.json")] if source.endswith(".tree.json") else source
    base = base[: -len(".json")] if base.endswith(".json") else base
    return base + ".speedscope.json"


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m timemory.plotting.speedscope",
        description="Convert timemory tree JSON (<label>.tree.json, or a folder of them) to "
        "a speedscope profile (https://www.speedscope.app).",
    )
    parser.add_argument("inputs", nargs="+", help="<label>.tree.json files or output folders")
    parser.add_argument("-o", "--output", help="output file (one input only; default: "
                        "<label>.speedscope.json beside the input)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.output and len(args.inputs) > 1:
        parser.error("-o/--output takes one input")
    status = 0
    for source in args.inputs:
        output = args.output or _default_output(source)
        try:
            write(source, output)
            print(f"wrote '{output}'")
        except (OSError, ValueError) as err:
            print(f"timemory.plotting.speedscope: {source}: {err}", file=_sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    _sys.exit(main())

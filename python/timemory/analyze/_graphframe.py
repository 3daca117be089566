"""timemory.analyze._graphframe -- LLNL hatchet GraphFrames of timemory's tree layout.

hatchet's own reader (``GraphFrame.from_timemory``, 2026.2.0) loads timemory's tree files,
threads included: with several threads they list one root per thread under "mpi"
(docs/outputs.md), and it gives an index (node, rank, thread). It fails on trees that merge
threads into one node without MPI (the original toolkit's files, ``KeyError: "['rank'] not
found in axis"``), and two nodes of one parent whose labels give the same name
(``f/a.py:1``, ``f/b.py:9``) keep only the values of the last one. This builds the frame
hatchet's reader builds where that reader works -- the same graph, columns (``type``,
``name``, ``file``, ``line``, ``pid``, ``count``, ``<stat>.<component>`` exclusive and
``<stat>.<component> (inc)`` inclusive, one column per element label for two-valued
components), index and default metric -- and the one the run showed otherwise:

* index ``node``, plus ``rank`` for MPI outputs, plus ``thread`` when the run kept threads
  apart (collapse_threads=false: one thread id per node); every node then has a row for
  every rank/thread, zero where it did not run (as hatchet's reader fills them);
* when the run merged threads (the default) each node has one row, its ``thread`` column
  listing the threads merged into it ("0,1,2", hatchet's form for merged ids; an int for
  one): the per-thread roots of the file are merged back (``storage._trees``);
* nodes are told apart by their full labels, so same-named functions keep their own values;
* a component without statistics (trip_count) gets ``sum.<component>`` from its values.

Nodes with hash 0 (placeholder roots) and bookmark nodes (``is_dummy``) are skipped, their
children kept. per_thread/per_rank put the thread/rank into each node's frame, so filters
that squash the graph do not merge threads/ranks.
"""

import json as _json
import os as _os

_SKIPPED_STATS = ("cereal_class_version", "count")


def _documents(data):
    """The "timemory" section of data: a dict, a tree JSON file name, an output folder (its
    ``*.tree.json`` files) or an open file."""
    if isinstance(data, dict):
        document = data
    elif hasattr(data, "read"):
        document = _json.load(data)
    elif isinstance(data, (str, bytes, _os.PathLike)):
        path = _os.fsdecode(data)
        if _os.path.isdir(path):
            from ..storage.frames import read_folder

            document = read_folder(path, hierarchy=True)
        elif _os.path.isfile(path):
            with open(path) as handle:
                document = _json.load(handle)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    else:
        raise TypeError(
            "a timemory tree is a dict (timemory.get(hierarchy=True)), a .tree.json file or "
            f"folder name, or an open file, not {type(data).__name__}"
        )
    section = document.get("timemory") if isinstance(document, dict) else None
    if not isinstance(section, dict):
        raise ValueError("not a timemory JSON document (no 'timemory' key)")
    return section


def _component_name(name):
    return name.replace("tim::", "").replace("component::", "").lower()


def _ids(value):
    """A list of thread/process ids from an int or a list."""
    if isinstance(value, list):
        return [int(v) for v in value]
    return [] if value is None else [int(value)]


def _shown(ids):
    """hatchet's form of merged ids: the id, or "a,b,c"."""
    if len(ids) == 1:
        return ids[0]
    return ",".join(str(i) for i in ids)


def _metric_labels(component, name):
    labels = component.get("type")
    if isinstance(labels, (list, tuple)):
        return [str(label).strip().replace(" ", "-").replace("_", "-") for label in labels]
    if isinstance(labels, dict):
        return [str(label).strip().replace(" ", "-").replace("_", "-") for label in labels]
    return None


def _values(value):
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [value]


def _stat_columns(stats, entry, name, labels, suffix):
    """{column: value} of one node's statistics (or of its entry when it keeps none)."""
    stats = stats if isinstance(stats, dict) else {}
    columns = {}
    for key, value in stats.items():
        if key in _SKIPPED_STATS:
            continue
        if labels is None:
            if isinstance(value, (int, float)):
                columns[f"{key}.{name}{suffix}"] = value
        else:
            for label, item in zip(labels, _values(value)):
                columns[f"{key}.{label}{suffix}"] = item
    if not columns and isinstance(entry, dict) and "repr_data" in entry:
        # no statistics kept (trip_count): the value is the sum
        value = entry["repr_data"]
        if labels is None:
            if isinstance(value, (int, float)):
                columns[f"sum.{name}{suffix}"] = value
        else:
            for label, item in zip(labels, _values(value)):
                columns[f"sum.{label}{suffix}"] = item
    return columns


def _walk(roots):
    """(node dict, parent path) of every real node under roots, in pre-order; placeholders
    (hash 0) and bookmarks (is_dummy) are passed through to their children. Iterative: a
    call-graph can be deeper than Python's recursion limit."""
    if isinstance(roots, dict):
        roots = [roots]
    stack = [(tree, ()) for tree in reversed(roots)]
    while stack:
        tree, path = stack.pop()
        node = tree.get("node", {})
        if not (int(node.get("hash", 0)) == 0 or node.get("is_dummy", False)):
            yield node, path
            path = path + (str(node.get("prefix", "")),)
        for child in reversed(tree.get("children", [])):
            stack.append((child, path))


class _Builder:
    def __init__(self, hatchet, per_thread, per_rank):
        self.hatchet = hatchet
        self.per_thread = per_thread
        self.per_rank = per_rank
        self.roots = []
        self.nodes = {}  # identity -> hatchet Node
        self.rows = {}  # (identity, rank, thread) -> row
        self.metric_columns = []
        self.has_ranks = False
        self.tid_sets = set()
        self.merged_threads = False

    def node(self, identity, parent, attrs):
        found = self.nodes.get(identity)
        if found is None:
            found = self.hatchet.node.Node(self.hatchet.frame.Frame(attrs), parent)
            self.nodes[identity] = found
            if parent is None:
                self.roots.append(found)
            else:
                parent.add_child(found)
        return found

    def add(self, name, component):
        from ..storage._trees import tree_elements
        from ..storage.frames import _parse_label

        ranks = tree_elements(component)
        if ranks is None:
            return
        labels = _metric_labels(component, name)
        for rank, roots in ranks:
            self.has_ranks = self.has_ranks or rank is not None
            for node, path in _walk(roots):
                prefix = str(node.get("prefix", ""))
                function, file, line, head, tail = _parse_label(prefix)
                shown = head or (f"{function}/{tail}" if tail else function)
                tids = _ids(node.get("tid"))
                self.tid_sets.add(tuple(tids))
                self.merged_threads = self.merged_threads or len(tids) > 1
                thread = _shown(tids) if tids else 0
                attrs = {"type": "region", "name": shown}
                identity = path + (prefix,)
                if self.per_thread:
                    attrs["thread"] = thread
                    identity += (("thread", thread),)
                if self.per_rank and rank is not None:
                    attrs["rank"] = rank
                    identity += (("rank", rank),)
                hnode = self.node(identity, self._parent(path, thread, rank), attrs)
                inclusive = node.get("inclusive", {})
                exclusive = node.get("exclusive", {})
                exc = _stat_columns(exclusive.get("stats"), exclusive.get("entry"), name,
                                    labels, "")  # fmt: skip
                inc = _stat_columns(inclusive.get("stats"), inclusive.get("entry"), name,
                                    labels, " (inc)")  # fmt: skip
                for column in list(exc) + list(inc):
                    if column not in self.metric_columns:
                        self.metric_columns.append(column)
                key = (identity, rank, thread)
                row = self.rows.get(key)
                if row is None:
                    row = {
                        "node": hnode,
                        "name": shown,
                        "type": "region",
                        "file": file if file is not None else "<unknown>",
                        "line": str(line) if line is not None else "0",
                        "pid": _shown(_ids(node.get("pid"))),
                        "count": int(inclusive.get("entry", {}).get("laps", 0) or 0),
                        "thread": thread,
                        "rank": rank,
                    }
                    self.rows[key] = row
                row.update(exc)
                row.update(inc)

    def _parent(self, path, thread, rank):
        if not path:
            return None
        identity = path
        if self.per_thread:
            identity += (("thread", thread),)
        if self.per_rank and rank is not None:
            identity += (("rank", rank),)
        return self.nodes.get(identity)

    def frame(self, pandas):
        hatchet = self.hatchet
        graph = hatchet.graph.Graph(self.roots)
        graph.enumerate_traverse()
        exc = [c for c in self.metric_columns if not c.endswith(" (inc)")]
        inc = [c for c in self.metric_columns if c.endswith(" (inc)")]
        # one thread id per node and several of them: each thread's values apart
        threads = not self.merged_threads and len(self.tid_sets) > 1
        index = ["node"]
        if self.has_ranks:
            index.append("rank")
        if threads:
            index.append("thread")
        rows = list(self.rows.values())
        for row in rows:
            if not self.has_ranks:
                del row["rank"]
        columns = ["node", "type", "name", "file", "line", "rank", "thread", "pid", "count"]
        columns = [c for c in columns if rows and c in rows[0]] + self.metric_columns
        frame = pandas.DataFrame(rows, columns=columns)
        if self.has_ranks and self.tid_sets == {(0,)}:
            frame = frame.drop(columns=["thread"])  # as hatchet's reader: ranks, no threads
        frame[self.metric_columns] = frame[self.metric_columns].astype(float)
        frame = frame.set_index(index)
        if len(index) > 1:
            frame = _fill(frame, pandas, self.metric_columns)
        frame = frame.sort_index()
        default = (
            "sum.wall_clock"
            if "sum.wall_clock" in exc
            else "sum.cpu_clock"
            if "sum.cpu_clock" in exc
            else (exc or inc or ["sum"])[0]
        )
        return hatchet.GraphFrame(graph, frame, exc, inc, default)


def _fill(frame, pandas, metrics):
    """A row for every node and every rank/thread seen: zero values (and count) where the
    node did not run, its name, type, file and line copied (as hatchet's reader fills)."""
    levels = [frame.index.get_level_values(i).unique() for i in range(1, frame.index.nlevels)]
    nodes = frame.index.get_level_values(0).unique()
    full = pandas.MultiIndex.from_product([nodes, *levels], names=frame.index.names)
    if len(full) == len(frame):
        return frame
    filled = frame.reindex(full)
    first = frame.groupby(level=0).first()
    for column in ("name", "type", "file", "line", "pid"):
        if column in filled:
            missing = filled[column].isna()
            if missing.any():
                owners = filled.index.get_level_values(0)[missing]
                filled.loc[missing, column] = first.loc[owners, column].to_numpy()
    numbers = [c for c in ("count", *metrics) if c in filled]
    filled[numbers] = filled[numbers].fillna(0)
    filled["count"] = filled["count"].astype(int)
    return filled


def graphframe(data, select=None, per_thread=False, per_rank=False):
    """A hatchet GraphFrame of a timemory tree (see the module's docstring)."""
    import hatchet
    import hatchet.frame
    import hatchet.graph
    import hatchet.node
    import pandas

    section = _documents(data)
    if isinstance(select, str):
        select = select.split()
    wanted = None if select is None else {_component_name(str(s)) for s in select}
    builder = _Builder(hatchet, bool(per_thread), bool(per_rank))
    for key, component in section.items():
        name = _component_name(key)
        if wanted is not None and name not in wanted:
            continue
        if isinstance(component, dict):
            builder.add(name, component)
    if not builder.rows:
        raise ValueError("no call-graph node in the data (no tree layout, or nothing selected)")
    return builder.frame(pandas)

"""timemory.storage._trees -- the elements (ranks, or this process) of timemory's tree layout
as the package's readers take them (analyze.load, to_dataframe(hierarchy=True), speedscope).

``"graph"``: no MPI, one thread with data (one root). ``"mpi"``: a list over ranks (or node
groups) of lists of roots; with threads, one root per thread id, every node of that one
thread, also without MPI (``"distributed": false``: the list holds this process alone) and
also when the run collapsed threads (``"collapse_threads": true``): that is how LLNL
hatchet's reader takes threads (docs/outputs.md). Readers that show what the run showed
merge each element's per-thread roots back into one (``merge_roots``): laps, statistics
(sum, sqr and count added, min and max kept, mean and stddev recomputed as the writer does)
and thread/process ids united. Entry values are added only where no statistics hold them
(components without statistics, such as trip_count, and nodes never sampled); the others
keep their laps alone, their values being in the statistics.
"""

import math as _math

__all__ = ["merge_roots", "tree_elements"]

_DMP_KEYS = ("mpi", "upcxx", "upc")


def _is_trees(ranks):
    """ranks: a list of lists of trees (or of trees), not a flat entry list."""
    if not isinstance(ranks, list):
        return False
    for rank in ranks:
        items = rank if isinstance(rank, list) else [rank]
        for item in items:
            if not isinstance(item, dict) or "node" not in item:
                return False
    return True


def tree_elements(component, merge=None):
    """[(rank, [root, ...])] of a component's tree layout; None when it has none. rank is
    None without MPI ("graph", or "mpi" with "distributed": false), else the rank (or node
    group) index, "upcxx"/"upc" offset by mpi_size. merge: merge each element's roots into
    one (None: when the run collapsed threads)."""
    if not isinstance(component, dict):
        return None
    elements = None
    if "graph" in component and _is_trees(component["graph"]):
        elements = [(None, rank) for rank in component["graph"]]
    else:
        offset = 0
        for key in _DMP_KEYS:
            if key in component and _is_trees(component[key]):
                start = 0 if key == "mpi" else offset
                elements = elements or []
                elements.extend((start + i, rank) for i, rank in enumerate(component[key]))
            if key == "mpi":
                offset = int(component.get("mpi_size") or 0)
        if elements is not None and component.get("distributed") is False:
            elements = [(None, rank) for _, rank in elements]
    if elements is None:
        return None
    elements = [(rank, roots if isinstance(roots, list) else [roots]) for rank, roots in elements]
    if merge is None:
        merge = component.get("collapse_threads") is True
    if merge:
        elements = [
            (rank, [merge_roots(roots)] if len(roots) > 1 else roots) for rank, roots in elements
        ]
    return elements


def _ids(value):
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _add(values):
    """Element-wise sum of scalars, {"first","second"} pairs or [a, b] lists; None when they
    do not add up (different shapes, text)."""
    first = values[0]
    if all(_number(v) for v in values):
        return sum(values)
    if isinstance(first, dict) and all(isinstance(v, dict) and v.keys() == first.keys()
                                       for v in values):  # fmt: skip
        parts = {k: _add([v[k] for v in values]) for k in first}
        return None if any(p is None for p in parts.values()) else parts
    if isinstance(first, list) and all(isinstance(v, list) and len(v) == len(first)
                                       for v in values):  # fmt: skip
        parts = [_add([v[i] for v in values]) for i in range(len(first))]
        return None if any(p is None for p in parts) else parts
    return None


def _pick(values, choose):
    """Element-wise min or max, shaped as _add."""
    first = values[0]
    if all(_number(v) for v in values):
        return choose(values)
    if isinstance(first, dict) and all(isinstance(v, dict) and v.keys() == first.keys()
                                       for v in values):  # fmt: skip
        return {k: _pick([v[k] for v in values], choose) for k in first}
    if isinstance(first, list) and all(isinstance(v, list) and len(v) == len(first)
                                       for v in values):  # fmt: skip
        return [_pick([v[i] for v in values], choose) for i in range(len(first))]
    return first


def _apply(function, *values):
    """function over matching elements of scalars, pairs or lists."""
    first = values[0]
    if isinstance(first, dict):
        return {k: _apply(function, *(v[k] for v in values)) for k in first}
    if isinstance(first, list):
        return [_apply(function, *(v[i] for v in values)) for i in range(len(first))]
    return function(*values)


def _has_statistics(stats):
    return isinstance(stats, dict) and stats.get("sum") not in (None, {}, [])


def _merged_stats(all_stats):
    """The statistics of the samples of every thread (the writer's rules: mean = sum / count,
    stddev from sum, sqr and count)."""
    kept = [s for s in all_stats if _has_statistics(s)]
    if not kept:
        return dict(all_stats[0]) if isinstance(all_stats[0], dict) else all_stats[0]
    sampled = [s for s in kept if int(s.get("count", 0) or 0) > 0] or kept[:1]
    out = {k: v for k, v in kept[0].items() if k == "cereal_class_version"}
    total = _add([s["sum"] for s in kept])
    sqr = _add([s.get("sqr", 0) for s in kept])
    count = sum(int(s.get("count", 0) or 0) for s in kept)
    if total is None or sqr is None:
        return dict(kept[0])
    out["sum"] = total
    out["count"] = count
    out["min"] = _pick([s.get("min") for s in sampled], min)
    out["max"] = _pick([s.get("max") for s in sampled], max)
    out["sqr"] = sqr
    out["mean"] = _apply(lambda s: s / count if count > 0 else 0.0, total)

    def stddev(s, q):
        if count < 2:
            return 0.0
        return _math.sqrt(abs((q - s * s / count) / (count - 1.0)))

    out["stddev"] = _apply(stddev, total, sqr)
    return out


def _merged_part(parts):
    """{"entry", "stats"} of one node over threads (inclusive or exclusive)."""
    parts = [p if isinstance(p, dict) else {} for p in parts]
    entries = [p.get("entry") if isinstance(p.get("entry"), dict) else {} for p in parts]
    stats = _merged_stats([p.get("stats", {}) for p in parts])
    entry = {"laps": sum(int(e.get("laps", 0) or 0) for e in entries)}
    unsampled = not _has_statistics(stats) or int(stats.get("count", 0) or 0) == 0
    if unsampled:
        for key in ("value", "accum", "repr_data", "repr_display"):
            if all(key in e for e in entries):
                total = _add([e[key] for e in entries])
                if total is not None:
                    entry[key] = total
    return {"entry": entry, "stats": stats}


def _merged_node(nodes):
    first = nodes[0]
    out = {k: v for k, v in first.items() if k not in ("tid", "pid", "inclusive", "exclusive")}
    for key in ("tid", "pid"):
        out[key] = sorted({i for n in nodes for i in _ids(n.get(key))})
    for key in ("inclusive", "exclusive"):
        out[key] = _merged_part([n.get(key, {}) for n in nodes])
    return out


def merge_roots(roots):
    """One tree of several roots (one element's per-thread trees): children matched by hash
    and label under the same parent, in the order they first appear; bookmarks (is_dummy)
    give their children only. Iterative: a call-graph can be deeper than Python's recursion
    limit."""
    merged = {"node": _merged_node([r.get("node", {}) for r in roots]), "children": []}
    merged["node"]["tid"] = [0]  # the placeholder's, as the writer's merged root
    stack = [(merged, [r.get("children", []) for r in roots])]
    while stack:
        into, groups = stack.pop()
        order = []
        found = {}
        for children in groups:
            pending = list(reversed(children))
            while pending:
                child = pending.pop()
                node = child.get("node", {})
                if node.get("is_dummy", False):
                    # a bookmark (thread 0's where it ran nothing): its children only
                    pending.extend(reversed(child.get("children", [])))
                    continue
                key = (node.get("hash"), node.get("prefix"))
                if key not in found:
                    found[key] = []
                    order.append(key)
                found[key].append(child)
        for key in order:
            same = found[key]
            tree = {"node": _merged_node([c.get("node", {}) for c in same]), "children": []}
            into["children"].append(tree)
            stack.append((tree, [c.get("children", []) for c in same]))
    return merged

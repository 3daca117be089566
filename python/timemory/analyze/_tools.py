"""timemory.analyze._tools -- what timemory-analyze adds to hatchet's GraphFrame operations:
comparing runs (a difference or ratio tree with the calls compared too), a threshold on the
metric, a tree sorted by the metric, folded stacks with integer weights, JSON output.

Everything takes and returns hatchet GraphFrames (or lists of them); nothing here reads files
(``load`` does).
"""

import json
import math

COMPARE_MODES = ("diff", "ratio")


def _frames(data):
    return data if isinstance(data, list) else [data]


def compare(data, how="diff"):
    """Each later run against the first: ``later - first`` ("diff": positive = more in the
    later run) or ``later / first`` ("ratio"), by hatchet's sub/div of GraphFrames (the graphs
    unified; a node in one run only is marked by hatchet's tree). The calls (``count``) are
    compared as the metrics are. Returns one GraphFrame per later run."""
    frames = _frames(data)
    if how not in COMPARE_MODES:
        raise ValueError(f"unknown comparison {how!r} (one of: {', '.join(COMPARE_MODES)})")
    if len(frames) < 2:
        raise ValueError(f"--compare needs two runs or more, not {len(frames)}")
    first = _with_count(frames[0])
    results = []
    for frame in frames[1:]:
        later = _with_count(frame)
        result = later.sub(first) if how == "diff" else later.div(first)
        results.append(result)
    return results


def _with_count(frame):
    """A copy whose count column is an exclusive metric, so hatchet's operators compare it."""
    copy = frame.deepcopy()
    if "count" in copy.dataframe.columns and "count" not in copy.exc_metrics:
        copy.exc_metrics = list(copy.exc_metrics) + ["count"]
        copy.dataframe["count"] = copy.dataframe["count"].astype("float64")
    return copy


def _bound(frame, column, value):
    """The threshold in the column's units: a number, or 'P%' of the column's largest
    magnitude (the root's inclusive value, for an inclusive metric)."""
    text = str(value).strip()
    if text.endswith("%"):
        largest = frame.dataframe[column].abs().max()
        return float(text[:-1]) / 100.0 * (0.0 if math.isnan(largest) else float(largest))
    return float(text)


def threshold(data, value, metric, resolve, keep):
    """Keep the nodes whose metric's magnitude is at least value (a number in the metric's
    units, or 'P%' of its largest magnitude): keep(frame, predicate, what) filters (None when
    nothing is left). resolve(frame, metric) names the column."""

    def apply(frame):
        column = resolve(frame, metric)
        bound = _bound(frame, column, value)
        return keep(
            frame,
            lambda row: abs(float(row[column])) >= bound,
            f"--threshold {value} on {column!r}",
        )

    results = [apply(frame) for frame in _frames(data)]
    return [frame for frame in results if frame is not None]


def sort_tree(data, metric, resolve, ascending=False):
    """GraphFrame(s) whose children (and roots) are in the order of the metric, largest first
    (ascending: smallest first) -- hatchet's tree() draws children in node-id order, so the
    nodes are renumbered in that pre-order -- and whose dataframe rows are sorted by it."""
    results = []
    for frame in _frames(data):
        column = resolve(frame, metric)
        result = frame.deepcopy()
        dataframe = result.dataframe
        totals = dataframe[column].groupby(level="node").sum()
        key = _order_key({id(node): float(total) for node, total in totals.items()}, ascending)
        order = []
        stack = sorted(result.graph.roots, key=key, reverse=True)
        seen = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(node)
            stack.extend(sorted(node.children, key=key, reverse=True))
        for number, node in enumerate(order):
            node._hatchet_nid = number  # the node's hash: the index is rebuilt below
        names = list(dataframe.index.names)
        rebuilt = dataframe.reset_index()
        rebuilt = rebuilt.set_index(names if len(names) > 1 else names[0])
        rebuilt = rebuilt.sort_values(by=[column], ascending=ascending, kind="stable")
        result.dataframe = rebuilt
        result.graph.roots = sorted(result.graph.roots, key=lambda node: node._hatchet_nid)
        results.append(result)
    return results


def _order_key(weight, ascending):
    """Sort key of nodes by weight (the metric summed over ranks/threads), for a stack that
    pops the largest first (ascending: the smallest)."""

    def key(node):
        value = weight.get(id(node), 0.0)
        value = 0.0 if math.isnan(value) else value
        return value if ascending else -value

    return key


FOLDED_SCALE = 1.0e6


def folded(frame, column):
    """hatchet's folded stacks (flamegraph.pl's input) of the column in millionths of its
    unit -- microseconds for timers, bytes for MB -- since the format's weights are integers
    (hatchet rounds them: seconds would all be 0)."""
    scaled = frame.deepcopy()
    scaled.dataframe[column] = scaled.dataframe[column] * FOLDED_SCALE
    return scaled.to_flamegraph(column)


def to_json(item):
    """JSON text of a GraphFrame (hatchet's to_json: graph, dataframe rows, metrics) or of a
    table (its rows as records)."""
    if hasattr(item, "graph") and hasattr(item, "to_json"):
        return item.to_json()
    return json.dumps(json.loads(item.reset_index().to_json(orient="records", default_handler=str)))

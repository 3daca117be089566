"""What the magics show: ``Report``, one profiled run -- the engine's terminal text (the
``Outputting`` lines and the table or summary it printed), the call paths of each component
from the tree JSON, the flame graphs the engine wrote (``<label>.flamegraph.svg``) and the
folder. IPython shows its ``_repr_html_`` in a notebook (an HTML table per component and its
flame graph inline) and its text elsewhere (``_repr_pretty_``).

Values are formatted by the engine (``component_format_value``: the text table's units and
precision), so the HTML and the text say the same numbers.
"""

import html as _html
import itertools as _itertools
import os as _os
import re as _re

from ..libs import libpytimemory as _lib

_uids = _itertools.count(1)

_STYLE = """
.{uid} {{ font-family: var(--jp-content-font-family, sans-serif); margin: 0.3em 0 0.8em 0; }}
.{uid} h4 {{ margin: 0.6em 0 0.3em 0; font-size: 1.05em; }}
.{uid} h4 small {{ font-weight: normal; opacity: 0.75; }}
.{uid} table {{ border-collapse: collapse; font-size: 0.9em; margin: 0.2em 0 0.6em 0; }}
.{uid} th, .{uid} td {{ padding: 0.2em 0.7em; border-bottom: 1px solid rgba(127,127,127,0.25); }}
.{uid} th {{ text-align: right; font-weight: 600;
  border-bottom: 2px solid rgba(127,127,127,0.5); white-space: nowrap; }}
.{uid} th.entry, .{uid} td.entry {{ text-align: left; }}
.{uid} td {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.{uid} td.entry {{ font-family: var(--jp-code-font-family, monospace); white-space: pre; }}
.{uid} tbody tr:nth-child(even) {{ background: rgba(127,127,127,0.07); }}
.{uid} tbody tr:hover {{ background: rgba(127,127,127,0.18); }}
.{uid} tr.other td {{ opacity: 0.6; }}
.{uid} td.more {{ text-align: left; font-style: italic; opacity: 0.8; }}
.{uid} .note {{ opacity: 0.8; font-size: 0.85em; margin: 0.2em 0; }}
.{uid} .flame {{ max-width: 1200px; }}
"""


# ---- the call paths -----------------------------------------------------------------------


class Row:
    """One call path of a component: depth (0 = top), label, calls, inclusive and self values
    (a number, or a tuple for a component with two values) and the share of the total."""

    __slots__ = ("depth", "label", "count", "inclusive", "exclusive", "percent", "children")

    def __init__(self, depth, label, count, inclusive, exclusive):
        self.depth, self.label, self.count = depth, label, count
        self.inclusive, self.exclusive = inclusive, exclusive
        self.percent = None
        self.children = []

    def __repr__(self):
        return f"Row({self.depth}, {self.label!r}, count={self.count}, inclusive={self.inclusive})"


def _value(stats):
    """The sum of a stats object: a number, or a tuple for two-valued components."""
    value = (stats or {}).get("sum", 0.0)
    if isinstance(value, dict):
        return (value.get("first", 0.0), value.get("second", 0.0))
    if isinstance(value, list):
        return tuple(value)
    return value


def _trees(graph):
    """The trees of the tree JSON's "graph" (ranks, each a list of trees or a tree)."""
    for rank in graph or []:
        if isinstance(rank, dict):
            yield rank
        else:
            yield from (tree for tree in rank if isinstance(tree, dict))


def rows(component_data, root=None):
    """The call paths of one component of the tree JSON, pre-order, as Row trees (the list of
    top-level rows). Placeholder roots (hash 0) are skipped, their children kept. The total
    the shares are of: the top-level row labelled root (a flat profile lists the functions
    beside it), else the sum of the top-level rows."""
    top = []
    stack = [(tree, 0, None) for tree in reversed(list(_trees(component_data.get("graph"))))]
    while stack:
        tree, depth, parent = stack.pop()
        node = tree.get("node", {})
        children = tree.get("children") or []
        if not node.get("hash") or node.get("is_dummy"):
            row, child_depth = parent, depth
        else:
            inclusive = node.get("inclusive", {})
            row = Row(
                depth,
                str(node.get("prefix", "")),
                int(inclusive.get("entry", {}).get("laps", 0)),
                _value(inclusive.get("stats")),
                _value(node.get("exclusive", {}).get("stats")),
            )
            (top if parent is None else parent.children).append(row)
            child_depth = depth + 1
        stack.extend((child, child_depth, row) for child in reversed(children))
    total = sum(row.inclusive for row in top if not isinstance(row.inclusive, tuple))
    for row in top:
        if row.label == root and not isinstance(row.inclusive, tuple):
            total = row.inclusive
    for row in _walk(top):
        if total and not isinstance(row.inclusive, tuple):
            row.percent = 100.0 * row.inclusive / total
    return top


def _walk(top):
    stack = list(reversed(top))
    while stack:
        row = stack.pop()
        yield row
        stack.extend(reversed(row.children))


def shown_rows(top, limit, threshold):
    """The rows a report shows: all when there are at most limit; else those at or above
    threshold percent of the total (their subtrees pruned), at most limit. Returns (rows,
    number left out)."""
    every = list(_walk(top))
    if len(every) <= limit:
        return every, 0
    kept = []
    stack = list(reversed(top))
    while stack:
        row = stack.pop()
        if row.percent is not None and row.percent < threshold:
            continue
        kept.append(row)
        stack.extend(reversed(row.children))
    kept = kept[:limit]
    return kept, len(every) - len(kept)


# ---- the flame graph ----------------------------------------------------------------------


def inline_svg(svg, uid):
    """The engine's flame graph made safe to put inside a page: no XML prolog, no script (it
    addresses the whole document: its click-to-zoom stays in the file), ids and style rules
    scoped to this picture, the width the page's. Hover titles still give each box's values."""
    svg = _re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = _re.sub(r"<script\b.*?</script>\s*", "", svg, flags=_re.S)
    svg = svg.replace(", click to zoom", "")
    svg = _re.sub(r'\bid="([^"]*)"', lambda m: f'id="{uid}-{m.group(1)}"', svg)

    def scope(match):
        rules = []
        for rule in match.group(1).split("}"):
            if "{" not in rule:
                continue
            selectors, body = rule.split("{", 1)
            scoped = []
            for selector in selectors.split(","):
                selector = _re.sub(r"#([\w-]+)", rf"#{uid}-\1", selector.strip())
                scoped.append(f"#{uid} {selector}")
            rules.append(",".join(scoped) + "{" + body + "}")
        return "<style>" + "".join(rules) + "</style>"

    svg = _re.sub(r"<style>(.*?)</style>", scope, svg, count=1, flags=_re.S)

    def root(match):
        tag = _re.sub(r'\s(width|height)="[^"]*"', "", match.group(0), count=2)
        return tag.replace("<svg", f'<svg id="{uid}" width="100%" class="flame"', 1)

    return _re.sub(r"<svg\b[^>]*>", root, svg, count=1)


# ---- the report ---------------------------------------------------------------------------


def _format(component_id, value):
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " / ".join(_format(component_id, item) for item in value)
    if component_id is None:
        return f"{value:.6g}"
    return _lib.component_format_value(component_id, float(value), 0).strip()


class Component:
    """One component of a report: name, description, unit, its Row trees, its files."""

    def __init__(self, name, data, files, root=None):
        self.root = root
        self.name = name
        self.id = _lib.component_find(name)
        self.label = str(data.get("type", name))
        self.description = str(data.get("description", ""))
        unit = data.get("unit_repr", "")
        self.unit = " / ".join(str(u) for u in unit) if isinstance(unit, list) else str(unit)
        self.rows = rows(data, root)
        self.files = [path for path in files if _label_of(path) == self.label]

    def file(self, suffix):
        for path in self.files:
            if path.endswith(suffix):
                return path
        return None

    def outside(self):
        """The rows not under the run's own entry (other threads' calls while it ran)."""
        if self.root is None or not any(row.label == self.root for row in self.rows):
            return []
        return [row for top in self.rows if top.label != self.root for row in _walk([top])]

    def find(self, label):
        """The rows whose label is label (every call path of one function)."""
        return [row for row in _walk(self.rows) if row.label == label]


def _label_of(path):
    """The component label of an output file name: wall.flamegraph.svg -> wall."""
    return _os.path.basename(path).split(".", 1)[0]


class Report:
    """The result of one %timemory / %%timemory run. ``text``: what the engine printed (the
    files written and the table or summary); ``components``: name -> Component (its ``rows``
    are the call paths, ``find(label)`` those of one label); ``folder``, ``files``; ``note``:
    a remark on the data (None when the run was measured alone); ``html()`` the HTML shown in
    a notebook. root: the label of the run's own entry (the cell), whose value the shares are
    of."""

    def __init__(
        self, text, document, files, folder, note=None, limit=50, threshold=1.0, root=None
    ):
        self.text = text
        self.files = list(files)
        self.folder = folder
        self.note = note
        self.limit = max(int(limit), 1)
        self.threshold = float(threshold)
        section = (document or {}).get("timemory", {})
        self.components = {
            name: Component(name, data, self.files, root)
            for name, data in section.items()
            if isinstance(data, dict) and "graph" in data
        }

    def __str__(self):
        lines = [self.text.rstrip("\n")]
        if self.note:
            lines.append(self.note)
        return "\n".join(line for line in lines if line)

    def __repr__(self):
        names = ", ".join(self.components) or "no data"
        return f"<timemory.notebook.Report: {names}; files in {self.folder!r}>"

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self) if not cycle else repr(self))

    def _repr_html_(self):
        return self.html()

    def html(self):
        """An HTML table per component (call paths, calls, inclusive, self, % of the total)
        and its flame graph, scoped styles; the folder of the files."""
        uid = f"timemory-report-{next(_uids)}"
        parts = [f'<div class="{uid}"><style>{_STYLE.format(uid=uid)}</style>']
        if not self.components:
            parts.append('<p class="note">timemory recorded nothing.</p>')
        for component in self.components.values():
            parts.append(self._component_html(component, uid))
        if self.note:
            parts.append(f'<p class="note">{_html.escape(self.note)}</p>')
        if self.folder:
            parts.append(
                f'<p class="note">Files: <code>{_html.escape(str(self.folder))}</code></p>'
            )
        parts.append("</div>")
        return "".join(parts)

    def _component_html(self, component, uid):
        escape = _html.escape
        unit = f" [{escape(component.unit)}]" if component.unit else ""
        out = [
            f"<h4>{escape(component.name)} <small>{escape(component.description)}</small></h4>",
            "<table><thead><tr>",
            '<th class="entry">Call path</th><th>Calls</th>',
            f"<th>Inclusive{unit}</th><th>Self{unit}</th><th>% of total</th>",
            "</tr></thead><tbody>",
        ]
        shown, hidden = shown_rows(component.rows, self.limit, self.threshold)
        outside = {id(row) for row in component.outside()}
        for row in shown:
            indent = "  " * row.depth + ("└ " if row.depth else "")
            percent = ""
            style = ""
            if row.percent is not None:
                share = max(0.0, min(100.0, row.percent))
                percent = f"{row.percent:.1f}"
                style = (
                    ' style="background: linear-gradient(to right, rgba(230,120,40,0.35) '
                    f'{share:.1f}%, transparent {share:.1f}%)"'
                )
            css = ' class="other"' if id(row) in outside else ""
            out.append(
                f'<tr{css}><td class="entry" title="{escape(row.label)}">{escape(indent)}'
                f"{escape(row.label)}</td><td>{row.count}</td>"
                f"<td>{escape(_format(component.id, row.inclusive))}</td>"
                f"<td>{escape(_format(component.id, row.exclusive))}</td>"
                f"<td{style}>{percent}</td></tr>"
            )
        if hidden:
            where = component.file(".txt")
            tail = f": the whole table is in <code>{escape(where)}</code>" if where else ""
            out.append(
                f'<tr><td class="more" colspan="5">{hidden} more entries below '
                f"{self.threshold:g}% of the total or past {self.limit} rows{tail}</td></tr>"
            )
        out.append("</tbody></table>")
        if outside and component.root:
            out.append(
                f'<p class="note">The dimmed entries ran outside {escape(component.root)}: on '
                "other threads while it ran (the shell's own, or threads the code started).</p>"
            )
        svg_path = component.file(".flamegraph.svg")
        if svg_path and _os.path.isfile(svg_path):
            with open(svg_path, encoding="utf-8", errors="replace") as handle:
                out.append(inline_svg(handle.read(), f"{uid}-{component.label}"))
            out.append(
                '<p class="note">Hover a box for its values; the zoomable flame graph is '
                f"<code>{escape(svg_path)}</code>.</p>"
            )
        return "".join(out)

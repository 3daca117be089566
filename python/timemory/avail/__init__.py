"""timemory.avail -- what this build of timemory offers: components, settings and hardware
counters, as tables (console script ``timemory-avail``, ``python -m timemory.avail``).

Every row comes from the engine's own tables, through the extension: the component table
(``component_table()``: names, ids, labels, availability and why not, descriptions), the
settings table (``settings_names()``, ``settings_info()``, and ``settings_get()`` for the values
in effect in this process, after the environment and configuration files) and the hardware
counters ``timemory.hardware_counters`` knows (PAPI's and perf_event's, each tested on this
machine). ``tables()`` builds them; ``Table.text()``, ``.markdown()`` and ``.csv()``
write them.
"""

import csv as _csv
import io as _io
import re as _re

from ..libs import libpytimemory as _lib

__all__ = ["Table", "component_table", "hw_counter_table", "settings_table", "tables"]


class Table:
    """One table: a title, column names, rows of text cells, and which columns hold names
    (markdown code spans) or centered values; ``note`` is printed when there are no rows."""

    def __init__(self, title, columns, rows, code=(), centered=(), note=None):
        self.title = title
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.code = set(code)
        self.centered = set(centered)
        self.note = note

    def filter(self, pattern, names_only=False):
        """Keeps the rows whose cells (joined as the text table prints them), or whose first
        cell (names_only), match pattern."""
        regex = _re.compile(pattern)
        self.rows = [
            row for row in self.rows if regex.search(row[0] if names_only else " | ".join(row))
        ]
        return self

    def sort(self):
        self.rows.sort(key=lambda row: row[0].lower())
        return self

    def truncate(self, width):
        """Cuts every cell longer than width (> 3) to width characters, ending in '...'."""
        if width and width > 3:
            self.rows = [[_cut(cell, width) for cell in row] for row in self.rows]
        return self

    def fit(self, total):
        """Narrows the widest columns until a text table's lines fit in total characters."""
        if not total or not self.rows:
            return self
        widths = self._widths()
        while sum(widths) + 3 * len(widths) + 1 > total:
            widest = max(range(len(widths)), key=lambda i: widths[i])
            if widths[widest] <= 16:
                break
            widths[widest] -= 1
            self.rows = [
                [_cut(cell, widths[i]) if i == widest else cell for i, cell in enumerate(row)]
                for row in self.rows
            ]
        return self

    def _widths(self):
        return [
            max([len(self.columns[i])] + [len(row[i]) for row in self.rows])
            for i in range(len(self.columns))
        ]

    def text(self, highlight=None):
        """The bordered text table (highlight: a regex whose matches are shown in color)."""
        if not self.rows and self.note:
            return f"{self.note}\n"
        widths = self._widths()
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        header = "|" + "|".join(f" {c:^{w}} " for c, w in zip(self.columns, widths)) + "|"
        lines = [rule, header, rule]
        for row in self.rows:
            cells = []
            for i, (cell, width) in enumerate(zip(row, widths)):
                text = f"{cell:^{width}}" if i in self.centered else f"{cell:<{width}}"
                if highlight:
                    text = _re.sub(highlight, lambda m: f"\033[01;04;36m{m.group(0)}\033[0m", text)
                cells.append(f" {text} ")
            lines.append("|" + "|".join(cells) + "|")
        lines.append(rule)
        return "\n".join(lines) + "\n"

    def markdown(self):
        """A GitHub-flavoured markdown table (names as code spans)."""
        if not self.rows and self.note:
            return f"{self.note}\n"

        def cell(i, text):
            text = text.replace("|", "\\|")
            return f"`{text}`" if i in self.code and text else text

        header = [cell(-1, c) for c in self.columns]
        lines = ["| " + " | ".join(header) + " |"]
        lines.append(
            "| " + " | ".join(":---:" if i in self.centered else "---" for i in range(len(header))) + " |"
        )
        for row in self.rows:
            lines.append("| " + " | ".join(cell(i, text) for i, text in enumerate(row)) + " |")
        return "\n".join(lines) + "\n"

    def csv(self):
        """Comma-separated values: the header row, then one row per entry."""
        buffer = _io.StringIO()
        writer = _csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()


def _cut(text, width):
    return text if len(text) <= width else text[: width - 3] + "..."


def _bool(value):
    return "true" if value else "false"


def _value_type(row):
    """The value a record keeps for the component: none (a marker), one or two 64-bit
    integers in base units (ns, bytes, counts)."""
    count = row["nvalues"]
    return "void" if count == 0 else "int64" if count == 1 else "int64[2]"


def component_table(brief=False, value=False, enum=False, language=False, string=False,
                    filename=False, description=False, markdown=False):  # fmt: skip
    """The components of the engine's table, in enumeration order. brief: no AVAILABLE
    column; value: VALUE_TYPE; enum: ENUMERATION; language: the Python class; string: every
    name accepted for it; filename: the label output files are named by; description (of an
    unavailable component: and why it is not available)."""
    columns = ["COMPONENT"]
    flags = [
        (not brief, "AVAILABLE"),
        (value, "VALUE_TYPE"),
        (enum, "ENUMERATION"),
        (language, "PYTHON CLASS"),
        (string, "STRING_IDS"),
        (filename, "FILENAME"),
        (description, "DESCRIPTION"),
    ]
    columns += [name for shown, name in flags if shown]
    quote = '`"{}"`' if markdown else '"{}"'
    rows = []
    for row in sorted(_lib.component_table(), key=lambda r: r["id"]):
        cells = [row["name"]]
        if not brief:
            cells.append(_bool(row["available"]))
        if value:
            cells.append(_value_type(row))
        if enum:
            cells.append(row["enum_name"] or "")
        if language:
            cells.append(f"timemory.component.{row['class_name']}")
        if string:
            names = [row["name"]] + [n for n in row["ids"] if n and n != row["name"]]
            cells.append("  ".join(quote.format(n) for n in names))
        if filename:
            cells.append(row["label"] if row["nvalues"] > 0 else "")
        if description:
            text = row["description"] or ""
            if not row["available"] and row["reason"]:
                text += f" (not available: {row['reason']})"
            elif row["name"] in ("papi_vector", "papi_array"):
                # the events of papi_events, counted by PAPI where it works, else perf_event
                text += " (counted by {})".format(
                    "PAPI" if _lib.hwcounters_reason() is None else "perf_event"
                )
            cells.append(text)
        rows.append(cells)
    centered = {1} if not brief else set()
    return Table("components", columns, rows, code={0}, centered=centered)


def _setting_text(value):
    if isinstance(value, bool):
        return _bool(value)
    return str(value)


def settings_table(brief=False, value=False, language=False, description=False):
    """The settings of the engine's table, in registration order: the environment variable,
    the value in effect (unless brief; value: shown anyway, with the DATA TYPE), the Python
    accessor and command-line flags (language) and the description."""
    show_value = value or not brief
    columns = ["ENVIRONMENT VARIABLE"]
    if show_value:
        columns.append("VALUE")
    if value:
        columns.append("DATA TYPE")
    if language:
        columns += ["PYTHON ACCESSOR", "COMMAND LINE"]
    if description:
        columns.append("DESCRIPTION")
    rows = []
    for name in _lib.settings_names():
        info = _lib.settings_info(name)
        cells = [info["env"] or ""]
        if show_value:
            cells.append(_setting_text(_lib.settings_get(name)))
        if value:
            cells.append(info["type_name"] or info["type"])
        if language:
            cells += [f"timemory.settings.{name}", " ".join(info["cli_flags"])]
        if description:
            cells.append(info["description"] or "")
        rows.append(cells)
    centered = {1, 2} if value else ({1} if show_value else set())
    return Table("settings", columns, rows, code={0}, centered=centered)


def hw_counter_table(brief=False, language=False, description=False):
    """The hardware counters timemory.hardware_counters knows (PAPI presets and native events
    when libpapi is installed, perf_event's names), each tested on this machine: name,
    AVAILABLE (unless brief), BACKEND, UNITS, the ``preset`` attribute (language) and the
    description (summary unless description)."""
    from .. import hardware_counters

    columns = ["HARDWARE COUNTER"]
    if not brief:
        columns.append("AVAILABLE")
    columns += ["BACKEND", "UNITS"]
    if language:
        columns.append("PYTHON")
    columns.append("DESCRIPTION" if description else "SUMMARY")
    rows = []
    for info in hardware_counters.events():
        cells = [info.symbol()]
        if not brief:
            cells.append(_bool(info.available()))
        cells += [info.api().name, info.units()]
        if language:
            cells.append(f"timemory.hardware_counters.preset.{info.python_symbol()}")
        cells.append(info.long_description() if description else info.short_description())
        rows.append(cells)
    why = hardware_counters.reason()
    note = "hardware counters: none known" + (f" ({why})" if why else "")
    centered = {1, 2} if not brief else {1}
    return Table("hardware counters", columns, rows, code={0}, centered=centered, note=note)


def tables(components=True, settings=False, hw_counters=False, brief=False, value=False,
           enum=False, language=False, string=False, filename=False, description=False,
           markdown=False):  # fmt: skip
    """The tables asked for, in the order components, settings, hardware counters."""
    result = []
    if components:
        result.append(
            component_table(brief, value, enum, language, string, filename, description, markdown)
        )
    if settings:
        result.append(settings_table(brief, value, language, description))
    if hw_counters:
        result.append(hw_counter_table(brief, language, description))
    return result

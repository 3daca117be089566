"""timemory.storage -- the call-graph data of each component, as Python objects.

For every available component with a value there is ``<Class>Storage`` (``WallClockStorage``)
with static methods ``get()`` (flat layout: a pre-order list of ``<Class>StorageResult``),
``get_tree()`` (nested layout: ``<Class>StorageTree`` roots), their per-rank ``dmp_*``
variants, ``dumps(obj)`` (the JSON of either, the layout of ``timemory.get``) and loaders for
JSON files. Everything is built from the extension's JSON (spec OUTPUT.md sections 3-4): the
objects are copies, so changing them does not change what timemory stores.
"""

import json as _json
import math as _math
import os as _os
import re as _re
import sys as _sys

from .. import component as _component
from ..component import display as _display
from ..libs import libpytimemory as _lib
from . import frames as frames  # pandas DataFrames (pandas is imported on first use)
from .frames import to_dataframe as to_dataframe

__all__ = ["Statistics", "frames", "get_storage_class", "to_dataframe"]


# ---------------------------------------------------------------------------------------------
# statistics


def _elementwise(a, b, operation):
    if isinstance(a, dict) and isinstance(b, dict) and "first" in a:
        return {key: operation(a[key], b[key]) for key in ("first", "second")}
    if isinstance(a, list) and isinstance(b, list):
        return [operation(x, y) for x, y in zip(a, b)]
    return operation(a, b)


def _number_text(value):
    if isinstance(value, dict) and "first" in value:
        return f"({_number_text(value['first'])}, {_number_text(value['second'])})"
    if isinstance(value, list):
        return "[" + ", ".join(_number_text(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class Statistics:
    """Statistics of the values popped into an entry: count, sum, min, max, sum of squares.
    Elements are numbers, lists (multi-valued components) or pairs."""

    def __init__(self, data=None):
        if data is not None and not isinstance(data, dict):
            data = {
                "sum": data,
                "count": 1,
                "min": data,
                "max": data,
                "sqr": _elementwise(data, data, lambda x, y: x * y),
            }
        self._data = dict(data or {})

    def _get(self, key, default=0.0):
        value = self._data.get(key, default)
        return default if value == {} else value

    def count(self):
        return int(self._data.get("count", 0) or 0)

    def sum(self):
        return self._get("sum")

    def min(self):
        return self._get("min")

    def max(self):
        return self._get("max")

    def sqr(self):
        return self._get("sqr")

    def mean(self):
        count = self.count()
        return _elementwise(self.sum(), self.sum(), lambda s, _: s / count if count else 0.0)

    def variance(self):
        count = self.count()

        def one(total, squares):
            return (squares - total * total / count) / (count - 1) if count >= 2 else 0.0

        return _elementwise(self.sum(), self.sqr(), one)

    def stddev(self):
        return _elementwise(self.variance(), self.variance(), lambda v, _: _math.sqrt(abs(v)))

    def reset(self):
        self._data = {}

    def to_json(self):
        """The statistics object as the JSON output has it."""
        return dict(self._data)

    def _combine(self, other, sign):
        if not isinstance(other, Statistics):
            other = Statistics(other)
        if other.count() == 0:
            return Statistics(self._data)
        if self.count() == 0 and sign > 0:
            return Statistics(other._data)
        data = dict(self._data)
        data["sum"] = _elementwise(self.sum(), other.sum(), lambda a, b: a + sign * b)
        data["sqr"] = _elementwise(self.sqr(), other.sqr(), lambda a, b: a + sign * b)
        data["min"] = _elementwise(self.min(), other.min(), min)
        data["max"] = _elementwise(self.max(), other.max(), max)
        if sign > 0:
            data["count"] = self.count() + other.count()
        return Statistics(data)

    def __add__(self, other):
        return self._combine(other, 1)

    def __sub__(self, other):
        return self._combine(other, -1)

    def __iadd__(self, other):
        self._data = self._combine(other, 1)._data
        return self

    def __isub__(self, other):
        self._data = self._combine(other, -1)._data
        return self

    def __eq__(self, other):
        return isinstance(other, Statistics) and self._data == other._data

    def __repr__(self):
        return (
            f"[sum: {_number_text(self.sum())}] [min: {_number_text(self.min())}] "
            f"[max: {_number_text(self.max())}] [sqr: {_number_text(self.sqr())}] "
            f"[count: {self.count()}]"
        )


# ---------------------------------------------------------------------------------------------
# component values held by an entry


class StorageData:
    """The accumulated value of one entry of one component: get() in display units,
    get_raw() in base units (ns, bytes, counts), laps(); str() prints it the way the tables
    do (``   6.534 sec wall``)."""

    _row = None

    def __init__(self, entry):
        self._entry = dict(entry)

    def get(self):
        return self._entry.get("repr_data")

    def get_raw(self):
        return self._entry.get("accum", self._entry.get("value"))

    def get_value(self):
        return self._entry.get("value")

    def get_accum(self):
        return self._entry.get("accum")

    def laps(self):
        return int(self._entry.get("laps", 0))

    @classmethod
    def label(cls):
        return cls._row["label"]

    @classmethod
    def description(cls):
        return cls._row["description"]

    @classmethod
    def id(cls):
        return cls._row["name"]

    @classmethod
    def index(cls):
        return _component.id(cls._row["id"])

    @classmethod
    def display_unit(cls):
        units = _display.display_units(cls._row)
        return units[0] if len(units) == 1 else units

    def to_json(self):
        return dict(self._entry)

    def __str__(self):
        return _display.format_values(self._row, self.get())

    def __repr__(self):
        return str(self)


_TID_PREFIX = _re.compile(r"^\|(?:\d+(?::\d+)?\|)?(\d+)>>> ")


class StorageResult:
    """One entry of the flat layout."""

    _row = None
    _data_class = StorageData

    def __init__(self, raw, hierarchy, pid):
        self._raw = raw
        self._hierarchy = list(hierarchy)
        self._pid = pid

    def tid(self):
        """Thread index (0 = main); merged entries (collapse_threads) report the first."""
        if "tid" in self._raw:
            return self._raw["tid"]
        match = _TID_PREFIX.match(self.prefix())
        return int(match.group(1)) if match else 0

    def pid(self):
        return self._raw.get("pid", self._pid)

    def depth(self):
        return int(self._raw["depth"])

    def hash(self):
        return int(self._raw["hash"])

    def rolling_hash(self):
        return int(self._raw["rolling_hash"])

    def prefix(self):
        return self._raw["prefix"]

    def hierarchy(self):
        """Node ids from the top-level ancestor to this entry."""
        return list(self._hierarchy)

    def data(self):
        return self._data_class(self._raw.get("entry", {}))

    def stats(self):
        return Statistics(self._raw.get("stats"))

    def to_json(self):
        return self._raw

    def __repr__(self):
        return f"<{type(self).__name__} {self.prefix()!r} depth={self.depth()}>"


class StorageTreeEntryValue:
    """The inclusive or exclusive part of a tree node: data() and stats()."""

    _row = None
    _data_class = StorageData

    def __init__(self, raw):
        self._raw = raw or {}

    def data(self):
        return self._data_class(self._raw.get("entry", {}))

    def stats(self):
        return Statistics(self._raw.get("stats"))


class StorageTreeEntry:
    """A tree node. depth() is -1 for the root placeholder, 0 for top-level entries."""

    _row = None
    _value_class = StorageTreeEntryValue

    def __init__(self, raw):
        self._raw = raw

    def is_dummy(self):
        """True for placeholder nodes (the root, thread bookmarks): skip them."""
        return bool(self._raw.get("is_dummy")) or self.depth() == -1 or self.hash() == 0

    def tid(self):
        tid = self._raw.get("tid", [])
        return set(tid if isinstance(tid, list) else [tid])

    def pid(self):
        pid = self._raw.get("pid", [])
        return set(pid if isinstance(pid, list) else [pid])

    def depth(self):
        return int(self._raw["depth"]) - 1

    def hash(self):
        return int(self._raw["hash"])

    def prefix(self):
        return self._raw["prefix"]

    def inclusive(self):
        return self._value_class(self._raw.get("inclusive"))

    def exclusive(self):
        return self._value_class(self._raw.get("exclusive"))

    def __repr__(self):
        return f"<{type(self).__name__} {self.prefix()!r} depth={self.depth()}>"


class StorageTree:
    """A node of the nested layout: value() and children()."""

    _row = None
    _entry_class = StorageTreeEntry

    def __init__(self, raw):
        self._raw = raw

    def value(self):
        return self._entry_class(self._raw.get("node", {}))

    def children(self):
        return [type(self)(child) for child in self._raw.get("children", [])]

    def to_json(self):
        return self._raw

    def __repr__(self):
        return f"<{type(self).__name__} {self.value().prefix()!r}>"


class _Ranked(list):
    """A list of one rank's results that remembers the JSON around them, so that dumps()
    gives back exactly the document they came from."""

    def __init__(self, items=(), component=None, rank=None):
        super().__init__(items)
        self.component = component
        self.rank = rank


# ---------------------------------------------------------------------------------------------
# the storage classes


def _document(source):
    """JSON document from a dict, a file object, a file name or JSON text."""
    if isinstance(source, dict):
        return source
    if hasattr(source, "read"):
        return _json.load(source)
    if isinstance(source, (str, bytes, _os.PathLike)):
        text = _os.fspath(source)
        if isinstance(text, str) and text.lstrip().startswith("{"):
            return _json.loads(text)
        with open(text) as handle:
            return _json.load(handle)
    raise TypeError(
        f"expected JSON text, a file name or a file object, not {type(source).__name__}"
    )


def _find_component(document, name):
    if not isinstance(document, dict) or "timemory" not in document:
        raise ValueError("not a timemory JSON document (no 'timemory' key)")
    section = document["timemory"]
    if name not in section:
        raise ValueError(f"the document has no '{name}' data")
    return section[name]


def _tree_ranks(component):
    for key in ("graph", "mpi", "upcxx"):
        if key in component and (not component[key] or isinstance(component[key][0], list)):
            return key, component[key]
    raise ValueError("no tree layout ('graph' list of ranks) in the document")


class _Storage:
    _row = None
    _result_class = StorageResult
    _tree_class = StorageTree

    # -- reading --------------------------------------------------------------------------
    @classmethod
    def _json(cls, tree):
        if not cls._row["available"]:
            raise RuntimeError(
                f"{cls.__name__}: {cls._row['name']} is not available ({cls._row['reason']})"
            )
        return _json.loads(_lib.get_json(1 << cls._row["id"], tree))

    @classmethod
    def _flat_from(cls, document):
        section = document.get("timemory", {})
        if cls._row["name"] not in section:
            return [_Ranked(component=None, rank=0)]
        component = section[cls._row["name"]]
        if "ranks" not in component:
            raise ValueError("no flat layout ('ranks') in the document")
        pid = _os.getpid()
        result = []
        for rank in component["ranks"]:
            entries = _Ranked(component=component, rank=rank)
            stack = []
            for raw in rank.get("graph", []):
                depth = max(int(raw.get("depth", 0)), 0)
                del stack[depth:]
                stack.append(int(raw["hash"]))
                entries.append(cls._result_class(raw, stack, pid))
            result.append(entries)
        return result or [_Ranked(component=component, rank=0)]

    @classmethod
    def _tree_from(cls, document):
        section = document.get("timemory", {})
        if cls._row["name"] not in section:
            return [_Ranked(component=None, rank=0)]
        component = section[cls._row["name"]]
        _, ranks = _tree_ranks(component)
        result = []
        for index, roots in enumerate(ranks):
            if isinstance(roots, dict):
                roots = [roots]
            result.append(
                _Ranked((cls._tree_class(root) for root in roots), component=component, rank=index)
            )
        return result or [_Ranked(component=component, rank=0)]

    @classmethod
    def get(cls):
        """Flat layout of this process: a pre-order list of results."""
        return cls._flat_from(cls._json(False))[0]

    @classmethod
    def dmp_get(cls):
        """Flat layout per rank (one rank without MPI)."""
        return cls._flat_from(cls._json(False))

    mpi_get = dmp_get
    upcxx_get = dmp_get

    @classmethod
    def get_tree(cls):
        """Nested layout of this process: the root trees."""
        return cls._tree_from(cls._json(True))[0]

    @classmethod
    def dmp_get_tree(cls):
        """Nested layout per rank (one rank without MPI)."""
        return cls._tree_from(cls._json(True))

    mpi_get_tree = dmp_get_tree
    upcxx_get_tree = dmp_get_tree

    to_dataframe = classmethod(frames.storage_to_dataframe)

    # -- writing --------------------------------------------------------------------------
    @classmethod
    def dumps(cls, obj):
        """JSON dict of what get(), dmp_get(), get_tree() or dmp_get_tree() returned, in the
        layout of ``timemory.get(hierarchy=...)``."""
        ranks = list(obj)
        if not ranks or not isinstance(ranks[0], list):
            ranks = [obj]
        items = [item for rank in ranks for item in rank]
        kinds = {type(item) for item in items}
        if items and not all(issubclass(k, (StorageResult, StorageTree)) for k in kinds):
            raise TypeError(
                "dumps() takes what get(), dmp_get(), get_tree() or dmp_get_tree() returned"
            )
        component = next((r.component for r in ranks if getattr(r, "component", None)), None)
        if component is None or not items:
            return {"timemory": {}}
        out = dict(component)
        if issubclass(next(iter(kinds)), StorageTree):
            key, _ = _tree_ranks(component)
            out[key] = [[tree.to_json() for tree in rank] for rank in ranks]
        else:
            out["ranks"] = []
            for number, rank in enumerate(ranks):
                if not rank:
                    continue
                template = getattr(rank, "rank", None)
                element = dict(template) if isinstance(template, dict) else {"rank": number}
                element["graph_size"] = len(rank)
                element["graph"] = [result.to_json() for result in rank]
                out["ranks"].append(element)
        return {"timemory": {cls._row["name"]: out}}

    # -- loading --------------------------------------------------------------------------
    @classmethod
    def load_json_dmp(cls, source):
        """Flat layout per rank from a JSON document (file object, file name or text)."""
        document = _document(source)
        _find_component(document, cls._row["name"])
        return cls._flat_from(document)

    @classmethod
    def load_json(cls, source):
        return cls.load_json_dmp(source)[0]

    @classmethod
    def load_json_tree_dmp(cls, source):
        document = _document(source)
        _find_component(document, cls._row["name"])
        return cls._tree_from(document)

    @classmethod
    def load_json_tree(cls, source):
        return cls.load_json_tree_dmp(source)[0]

    @classmethod
    def load(cls, source):
        """Try load_json, load_json_dmp, load_json_tree, load_json_tree_dmp in turn."""
        if hasattr(source, "read"):
            source = _json.load(source)
        errors = []
        for loader in (
            cls.load_json,
            cls.load_json_dmp,
            cls.load_json_tree,
            cls.load_json_tree_dmp,
        ):
            try:
                return loader(source)
            except (ValueError, KeyError, TypeError, OSError) as err:
                errors.append(f"{loader.__name__}: {err}")
        raise RuntimeError(f"{cls.__name__}.load failed:\n  " + "\n  ".join(errors))


def _make_classes(row):
    name = row["class_name"]
    attributes = {"_row": row, "__module__": __name__}

    data_class = type(f"{name}StorageData", (StorageData,), dict(attributes))
    value_class = type(
        f"{name}StorageTreeEntryValue",
        (StorageTreeEntryValue,),
        dict(attributes, _data_class=data_class),
    )
    entry_class = type(
        f"{name}StorageTreeEntry", (StorageTreeEntry,), dict(attributes, _value_class=value_class)
    )
    tree_class = type(
        f"{name}StorageTree", (StorageTree,), dict(attributes, _entry_class=entry_class)
    )
    result_class = type(
        f"{name}StorageResult", (StorageResult,), dict(attributes, _data_class=data_class)
    )
    storage_class = type(
        f"{name}Storage",
        (_Storage,),
        dict(
            attributes,
            _result_class=result_class,
            _tree_class=tree_class,
            __doc__=f"Call-graph storage of {row['name']} ({row['description']}).",
        ),
    )
    return [storage_class, result_class, tree_class, entry_class, value_class]


_storage_classes = {}
_module = _sys.modules[__name__]
for _row in _component.table():
    if not _row["available"] or _row["nvalues"] == 0:
        continue
    _classes = _make_classes(_row)
    _storage_classes[_row["name"]] = _classes[0]
    for _cls in _classes:
        setattr(_module, _cls.__name__, _cls)
        __all__.append(_cls.__name__)
del _row, _classes, _cls, _module


def get_storage_class(component):
    """The storage class of a component (name, alias, class name or id value)."""
    row = _component._find_row(component)
    if row is None:
        raise KeyError(f"unknown component {component!r}")
    if row["name"] not in _storage_classes:
        raise KeyError(f"{row['name']} has no storage here (not available or no value)")
    return _storage_classes[row["name"]]

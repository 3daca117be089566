"""timemory.ert -- the Empirical Roofline Toolkit on the CPU (spec NOTES.md §5).

``run()`` (and ``python -m timemory.ert -o DIR``) runs the micro-kernels of libtimemory
(``include/timemory/ert.h``): for float and double, each kernel (FLOPs per element: 1, 2, 4, ...
256) sweeps working sets doubling from ``ert_min_working_size_cpu`` elements per thread up to
``ert_max_data_size`` bytes with ``ert_num_threads_cpu`` threads; every point is timed with the
monotonic clock. The results go to ``DIR/ert_results.json`` in the layout of the original
toolkit (``{"timemory": {"ranks": [{"rank": 0, "roofline": {"entries": N, "ert": [...]}}]}}``)
with the ceilings derived from them: the peak GFLOP/s of each data type and the bandwidth
plateaus (L1, L2, L3, DRAM) of the least intense kernel, found with the cache sizes of the
machine as hints (``peak_flops()``, ``bandwidths()``). ``timemory.roofline`` plots them.
"""

import json as _json
import os as _os
import sys as _sys
import time as _time

__all__ = [
    "FILENAME",
    "bandwidths",
    "cache_sizes",
    "defaults",
    "entries_of",
    "isa",
    "peak_flops",
    "read",
    "run",
    "summary_lines",
    "write",
]

#: the file run() writes into its output folder
FILENAME = "ert_results.json"

_GIGA = 1.0e9
_LEVELS = ("L1", "L2", "L3")


def _ext():
    from ..libs import libpytimemory

    return libpytimemory


def defaults():
    """The configuration the settings give: min_working_set (elements per thread),
    max_data_size (bytes), num_threads, trials_min, repeats, alignment (bytes), dtypes, ops."""
    return _ext().ert_defaults()


def isa():
    """The instruction set the kernels run with on this CPU ("avx512f", "avx2+fma", "sse2",
    "generic")."""
    return _ext().ert_isa()


def cache_sizes():
    """{"L1": {"size": bytes, "shared_cpus": n}, "L2": ..., "L3": ...}: the data (or unified)
    caches of this machine that sysfs reports; levels it does not report are left out."""
    caches = {}
    for level, name in enumerate(_LEVELS, start=1):
        size, shared = _ext().ert_cache_size(level)
        if size > 0:
            caches[name] = {"size": int(size), "shared_cpus": max(int(shared), 1)}
    return caches


# ---------------------------------------------------------------------------------------------
# the document


def _entry(point, config):
    seconds = point["elapsed_ns"] * 1.0e-9
    return {
        "label": "vector_op" if point["ops_per_set"] > 1 else "scalar_op",
        "working-set": point["working_set"],
        "trials": point["trials"],
        "total-bytes": point["total_bytes"],
        "total-ops": point["total_ops"],
        "ops-per-set": point["ops_per_set"],
        # the measured time: value in nanoseconds, repr_data in seconds (= repr_data / units)
        "counter": {
            "laps": 1,
            "value": point["elapsed_ns"],
            "accum": point["elapsed_ns"],
            "repr_data": seconds,
            "repr_display": seconds,
            "units": 1,
            "display_units": "sec",
        },
        "device": "cpu",
        "dtype": point["dtype"],
        "exec-params": {
            "working_set_min": config["min_working_set"],
            "memory_max": config["max_data_size"],
            "nthreads": point["num_threads"],
            "nrank": 0,
            "nproc": 1,
            "nstreams": 1,
            "grid_size": 0,
            "block_size": 0,
            "shmem_size": 0,
        },
    }


def _document(entries, config, caches, elapsed):
    roofline = {
        "entries": len(entries),
        "ert": entries,
        "device": "cpu",
        "isa": isa(),
        "caches": caches,
        "elapsed": elapsed,
    }
    if entries:
        roofline["ceilings"] = {
            "peak": peak_flops(entries),
            "bandwidth": bandwidths(entries, caches),
        }
    return {"timemory": {"ranks": [{"rank": 0, "roofline": roofline}]}}


def read(source, rank=0):
    """The roofline object ({"entries", "ert", ...}) of an ERT results file or document: an
    ert_results.json (its rank's element), a component's JSON output that embeds "roofline"
    data, or a bare {"ert": [...]} object. ValueError when source holds no ERT data."""
    doc = source
    name = "the document"
    if isinstance(source, (str, bytes, _os.PathLike)):
        name = _os.fsdecode(source)
        with open(source) as handle:
            try:
                doc = _json.load(handle)
            except ValueError as err:
                raise ValueError(f"{name}: not JSON ({err})") from None
    found = _find_roofline(doc, rank)
    if found is None:
        raise ValueError(f'{name}: no ERT data (no "ert" array of entries)')
    return found


def _find_roofline(doc, rank):
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("ert"), list):
        return doc
    if isinstance(doc.get("roofline"), dict):
        return _find_roofline(doc["roofline"], rank)
    inner = doc.get("timemory")
    if isinstance(inner, dict):
        ranks = inner.get("ranks")
        if isinstance(ranks, list) and ranks:
            chosen = [r for r in ranks if isinstance(r, dict) and r.get("rank") == rank]
            element = chosen[0] if chosen else ranks[0]
            found = _find_roofline(element, rank)
            if found is not None:
                return found
        for value in inner.values():  # a component's output: {"timemory": {"<id>": {...}}}
            found = _find_roofline(value, rank) if isinstance(value, dict) else None
            if found is not None:
                return found
    return None


def entries_of(source, rank=0):
    """The "ert" entries of source (see read()); a list of entries is returned as it is."""
    if isinstance(source, list):
        return source
    return read(source, rank)["ert"]


def _seconds(entry):
    counter = entry.get("counter") or {}
    data = counter.get("repr_data")
    if isinstance(data, (list, tuple)):
        data = data[0] if data else None
    units = counter.get("units") or 1
    if data is None:
        value = counter.get("value")
        return value * 1.0e-9 if value else None
    return float(data) / float(units)


def peak_flops(entries):
    """{dtype: GFLOP/s}: the best rate of every kernel of each data type."""
    peak = {}
    for entry in entries_of(entries):
        seconds = _seconds(entry)
        if not seconds or seconds <= 0:
            continue
        rate = entry["total-ops"] / seconds / _GIGA
        dtype = entry.get("dtype", "")
        peak[dtype] = max(peak.get(dtype, 0.0), rate)
    return peak


def _curve(entries):
    """[(working set bytes, GB/s)] of the least intense kernel, the best over data types."""
    entries = entries_of(entries)
    if not entries:
        return []
    least = min(entry["ops-per-set"] for entry in entries)
    best = {}
    for entry in entries:
        seconds = _seconds(entry)
        if entry["ops-per-set"] != least or not seconds or seconds <= 0:
            continue
        rate = entry["total-bytes"] / seconds / _GIGA
        size = entry["working-set"]
        best[size] = max(best.get(size, 0.0), rate)
    return sorted(best.items())


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else 0.5 * (ordered[middle - 1] + ordered[middle])


def _plateau(values):
    """The level of a plateau: the median of the upper half of its values (the small working
    sets at a level's start pay the loop's overhead; a preempted measurement is low)."""
    ordered = sorted(values, reverse=True)
    return _median(ordered[: max(1, (len(ordered) + 1) // 2)])


def bandwidths(entries, caches=None, num_threads=None):
    """[{"level", "GB/s", "working_set": [smallest, largest]}] from the bandwidth-vs-working-set
    curve of the least intense kernel, fastest level first.

    With cache sizes (cache_sizes(); for a file, the "caches" it recorded) the working sets
    are grouped by the level that holds them: the caches the run's threads use together
    (size x caches in use) bound each level (a working set up to 3/4 of it is held there; the
    level is the median of the upper half of its points); DRAM is the median of the working
    sets of at least 4 x the last level. Without cache sizes the curve is
    split where it falls by more than a third, and the last group of several is DRAM."""
    source = entries
    entries = entries_of(entries)
    if caches is None and isinstance(source, (dict, str, bytes, _os.PathLike)):
        caches = read(source).get("caches")
    curve = _curve(entries)
    if not curve:
        return []
    if num_threads is None:
        num_threads = max(
            (e.get("exec-params", {}).get("nthreads") or 1 for e in entries), default=1
        )
    if caches:
        return _by_caches(curve, caches, int(num_threads))
    return _by_drops(curve)


def _by_caches(curve, caches, num_threads):
    bounds = []
    for name in _LEVELS:
        info = caches.get(name)
        if not info or not info.get("size"):
            continue
        shared = max(int(info.get("shared_cpus") or 1), 1)
        in_use = max(1, -(-num_threads // shared))  # caches the threads spread over
        bounds.append((name, int(info["size"]) * in_use))
    levels = []
    lower = 0
    for name, capacity in bounds:
        points = [(ws, bw) for ws, bw in curve if lower < ws <= 0.75 * capacity]
        if points:
            levels.append(_level(name, points))
        lower = capacity
    if bounds:
        points = [(ws, bw) for ws, bw in curve if ws >= 4 * bounds[-1][1]]
        if points:  # past every cache: no start-up to skip, the median of all of them
            levels.append(_level("DRAM", points, whole=True))
    return levels


def _level(name, points, whole=False):
    values = [bw for _, bw in points]
    return {
        "level": name,
        "GB/s": _median(values) if whole else _plateau(values),
        "working_set": [points[0][0], points[-1][0]],
    }


def _by_drops(curve):
    groups = [[curve[0]]]
    for ws, bw in curve[1:]:
        level = _plateau([b for _, b in groups[-1]])
        if bw < level * (2.0 / 3.0) and len(groups[-1]) > 1:
            groups.append([(ws, bw)])
        else:
            groups[-1].append((ws, bw))
    names = [f"L{i + 1}" for i in range(len(groups))]
    if len(groups) > 1:
        names[-1] = "DRAM"
    return [_level(name, points) for name, points in zip(names, groups)]


def summary_lines(roofline):
    """The console lines of a roofline object's ceilings (read() or run()'s document)."""
    ceilings = roofline.get("ceilings") or {
        "peak": peak_flops(roofline["ert"]),
        "bandwidth": bandwidths(roofline["ert"], roofline.get("caches")),
    }
    peak = ", ".join(f"{dtype} {rate:.1f} GFLOP/s" for dtype, rate in ceilings["peak"].items())
    bands = ", ".join(f"{b['level']} {b['GB/s']:.1f} GB/s" for b in ceilings["bandwidth"])
    threads = max((e["exec-params"]["nthreads"] for e in roofline["ert"]), default=0)
    lines = [f"[ert]> peak: {peak} ({roofline.get('isa', 'cpu')}, {threads} threads)"]
    lines.append(f"[ert]> bandwidth: {bands or 'none found'}")
    return lines


def write(document, output_dir):
    """Writes document to output_dir/ert_results.json whole or not at all; returns the path."""
    _os.makedirs(output_dir, exist_ok=True)
    path = _os.path.join(output_dir, FILENAME)
    text = _json.dumps(document, indent=2) + "\n"
    temporary = _os.path.join(output_dir, f".{FILENAME}.tmp.{_os.getpid()}")
    try:
        with open(temporary, "w") as handle:
            handle.write(text)
        _os.replace(temporary, path)
    except BaseException:
        try:
            _os.unlink(temporary)
        except OSError:
            pass
        raise
    return path


# ---------------------------------------------------------------------------------------------
# running


def _size_text(nbytes):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:g} {unit}"
    return f"{nbytes} B"


class _Progress:
    """The progress of a run on stderr: an updating line on a terminal, else one line per
    finished kernel."""

    def __init__(self, mode, stream):
        self.stream = stream
        tty = bool(getattr(stream, "isatty", lambda: False)())
        self.mode = "off" if mode is False else ("line" if tty else "kernels")
        if mode is True and not tty:
            self.mode = "kernels"
        self.start = _time.monotonic()
        self.shown = False

    def point(self, point):
        if self.mode == "off":
            return
        done = point["index"] + 1
        elapsed = _time.monotonic() - self.start
        if self.mode == "line":
            text = (
                f"[ert] {point['dtype']:>6}: {point['ops_per_set']:>3} FLOPs/element, working "
                f"set {_size_text(point['working_set']):>10}  {done}/{point['count']} "
                f"({elapsed:.1f} s)"
            )
            self.stream.write("\r" + text + "\033[K")
            self.shown = True
            self.stream.flush()

    def kernel_done(self, point):
        if self.mode != "kernels":
            return
        elapsed = _time.monotonic() - self.start
        self.stream.write(
            f"[ert] {point['dtype']}: kernel of {point['ops_per_set']} FLOPs/element done "
            f"({point['index'] + 1}/{point['count']} points, {elapsed:.1f} s)\n"
        )
        self.stream.flush()

    def close(self):
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _config(overrides):
    config = defaults()
    for key, value in overrides.items():
        if value is None:
            continue
        if key in ("dtypes", "ops"):
            value = [value] if isinstance(value, (str, int)) else list(value)
            if not value:
                raise ValueError(f"timemory.ert: {key} must not be empty")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"timemory.ert: {key} must be a positive integer, not {value!r}")
        config[key] = value
    for dtype in config["dtypes"]:
        if dtype not in ("float", "double"):
            raise ValueError(f"timemory.ert: unknown dtype {dtype!r} (float, double)")
    for ops in config["ops"]:
        if isinstance(ops, bool) or not isinstance(ops, int) or not 1 <= ops <= 4096:
            raise ValueError(f"timemory.ert: ops must be integers from 1 to 4096, not {ops!r}")
    smallest = 4 if config["dtypes"] == ["float"] else 8
    largest_set = config["max_data_size"] // config["num_threads"] // smallest
    if largest_set < config["min_working_set"]:
        raise ValueError(
            f"timemory.ert: max_data_size ({config['max_data_size']} bytes) is smaller than the "
            f"smallest working set ({config['min_working_set']} elements x "
            f"{config['num_threads']} threads)"
        )
    return config


def run(
    output_dir=None,
    *,
    min_working_set=None,
    max_data_size=None,
    num_threads=None,
    trials_min=None,
    repeats=None,
    dtypes=None,
    ops=None,
    progress=None,
    verbose=True,
):
    """Runs the ERT kernels and returns the results document; with output_dir, also writes
    output_dir/ert_results.json (whole or not at all) and prints where.

    Arguments left None take defaults() (the ert_* settings). progress: None shows it on a
    terminal (an updating line on stderr) and one line per kernel otherwise, False hides it.
    verbose: the console lines (stdout): one "[ert::executor]>" line per data type and the
    ceilings found. KeyboardInterrupt stops the run; nothing is written then."""
    config = _config(
        {
            "min_working_set": min_working_set,
            "max_data_size": max_data_size,
            "num_threads": num_threads,
            "trials_min": trials_min,
            "repeats": repeats,
            "dtypes": dtypes,
            "ops": ops,
        }
    )
    caches = cache_sizes()
    meter = _Progress(progress, _sys.stderr)
    entries = []
    last_ops = [None]
    announced = set()

    def on_point(point):
        dtype = point["dtype"]
        if verbose and dtype not in announced:
            announced.add(dtype)
            meter.close()
            print(
                f"[ert::executor]> working-set = {config['min_working_set']}, max-size = "
                f"{config['max_data_size']}, num-thread = {config['num_threads']}, num-stream = 1"
                f", grid-size = 0, block-size = 0, align-size = {config['alignment']}, "
                f"data-type = {dtype}",
                flush=True,
            )
        entries.append(_entry(point, config))
        meter.point(point)
        key = (dtype, point["ops_per_set"])
        if last_ops[0] is not None and last_ops[0][0] != key:
            meter.kernel_done(last_ops[0][1])
        last_ops[0] = (key, point)

    start = _time.monotonic()
    try:
        _ext().ert_run(config, on_point)
    finally:
        meter.close()
    if last_ops[0] is not None:
        meter.kernel_done(last_ops[0][1])
    elapsed = _time.monotonic() - start
    document = _document(entries, config, caches, elapsed)
    roofline = document["timemory"]["ranks"][0]["roofline"]
    if output_dir is not None:
        path = write(document, output_dir)
        if verbose:
            print(f"[ert]> Outputting '{path}'...")
    if verbose:
        for line in summary_lines(roofline):
            print(line)
        print(f"[ert]> {len(entries)} points in {elapsed:.1f} s")
    return document

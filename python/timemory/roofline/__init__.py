"""timemory.roofline -- roofline plots (spec NOTES.md §5).

The ceilings come from ERT results (``timemory.ert``: ``ert_results.json``, or the "roofline"
data a roofline component embeds in its JSON output): one horizontal compute ceiling per data
type (its peak GFLOP/s) and one slanted bandwidth ceiling per plateau (L1, L2, L3, DRAM), on
log-log axes of arithmetic intensity [FLOPs/byte] against performance [GFLOP/s]. With the
ai-mode and op-mode JSON outputs of a roofline component (``cpu_roofline_*``, which need PAPI
floating-point counters; ``gpu_roofline_*``, which need CUPTI) each region is a point: its
FLOPs over its bytes (or load/store instructions) against its FLOPs per second, coloured by its
share of the run time.

``plot_roofline()`` draws; ``python -m timemory.roofline`` is the command line (``--ert FILE``
alone plots the ceilings; ``-- ./app`` runs the application in both modes first, see ``run()``).
matplotlib is optional (``pip install timemory[plotting]``); drawing without it raises
``timemory.plotting.PlottingUnavailable``.
"""

import json as _json
import math as _math
import os as _os
import subprocess as _subprocess

__all__ = [
    "BANDWIDTHS",
    "COMPONENTS",
    "IMAGE_TYPES",
    "RTYPES",
    "ceilings",
    "hotspots",
    "plot_roofline",
    "run",
]

#: the bandwidth ceilings -b/--bandwidth may select
BANDWIDTHS = ("l1", "l2", "l3", "dram")
#: roofline types (-t/--rtype) and the component each one reads
COMPONENTS = {
    "cpu_roofline": "cpu_roofline_flops",
    "cpu_roofline_sp": "cpu_roofline_sp_flops",
    "cpu_roofline_dp": "cpu_roofline_dp_flops",
    "gpu_roofline": "gpu_roofline_flops",
    "gpu_roofline_hp": "gpu_roofline_hp_flops",
    "gpu_roofline_sp": "gpu_roofline_sp_flops",
    "gpu_roofline_dp": "gpu_roofline_dp_flops",
    "gpu_roofline_inst": "gpu_roofline_flops",
}
RTYPES = tuple(COMPONENTS)
IMAGE_TYPES = ("png", "svg", "pdf")

_DTYPES = {"cpu_roofline_sp": ("float",), "cpu_roofline_dp": ("double",)}
_GIGA = 1.0e9

# names a region's values go by (the original's repr_data fields, PAPI presets)
_RUNTIME = ("runtime", "elapsed", "wall", "wall_clock")
_FLOPS = (
    "flops",
    "counted_ops",
    "flop_count",
    "flop_count_sp",
    "flop_count_dp",
    "flop_count_hp",
    "dp_operations",
    "sp_operations",
    "papi_dp_ops",
    "papi_sp_ops",
    "papi_fp_ops",
)
_BYTES = ("bytes", "data_movement")
_MEMORY_OPS = (
    "bandwidth",
    "counted_ins",
    "ldst_executed",
    "l/s completed",
    "loads_stores_completed",
    "papi_lst_ins",
)


def _load(source):
    if source is None or isinstance(source, dict):
        return source
    with open(source) as handle:
        try:
            return _json.load(handle)
        except ValueError as err:
            raise ValueError(f"{_os.fsdecode(source)}: not JSON ({err})") from None


# ---------------------------------------------------------------------------------------------
# ceilings


def ceilings(ert, bandwidth=None, rtype="cpu_roofline", rank=0):
    """{"peak": {dtype: GFLOP/s}, "bandwidth": [{"level", "GB/s", ...}], "isa", "threads"} of
    ERT results (a file, a document or a roofline object; see timemory.ert.read), the levels
    limited to bandwidth (names of BANDWIDTHS; None: every plateau found) and the data types
    to those of rtype (cpu_roofline_sp: float, cpu_roofline_dp: double)."""
    from .. import ert as _ert

    roofline = _ert.read(ert, rank)
    found = roofline.get("ceilings") or {}
    peak = found.get("peak") or _ert.peak_flops(roofline["ert"])
    bands = found.get("bandwidth")
    if bands is None:
        bands = _ert.bandwidths(roofline["ert"], roofline.get("caches"))
    wanted = _DTYPES.get(rtype or "")
    if wanted:
        peak = {dtype: rate for dtype, rate in peak.items() if dtype in wanted}
    if bandwidth:
        names = {name.lower() for name in bandwidth}
        unknown = names - set(BANDWIDTHS)
        if unknown:
            raise ValueError(
                f"unknown bandwidth level(s) {sorted(unknown)} (choose from {BANDWIDTHS})"
            )
        bands = [band for band in bands if band["level"].lower() in names]
    threads = max(
        (e.get("exec-params", {}).get("nthreads") or 0 for e in roofline["ert"]), default=0
    )
    return {
        "peak": dict(peak),
        "bandwidth": list(bands),
        "isa": roofline.get("isa"),
        "threads": threads,
    }


# ---------------------------------------------------------------------------------------------
# regions


def _roofline_components(doc):
    """(component id, its data) of every roofline component in a JSON output."""
    inner = (doc or {}).get("timemory")
    if not isinstance(inner, dict):
        return []
    found = []
    for key, value in inner.items():
        if not isinstance(value, dict):
            continue
        kind = value.get("type")
        kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
        if "roofline" in key or "roofline" in kinds:
            found.append((key, value))
    return found


def _values(entry, labels):
    """A region's values as {lower-case name: number}: repr_data as a dict, or a list named
    by the component's type labels."""
    data = (entry.get("entry") or {}).get("repr_data")
    if isinstance(data, dict):
        return {str(k).lower(): v for k, v in data.items() if isinstance(v, (int, float))}
    if isinstance(data, list) and isinstance(labels, list) and len(labels) == len(data):
        return {str(k).lower(): v for k, v in zip(labels, data) if isinstance(v, (int, float))}
    return {}


def _pick(values, names):
    for name in names:
        value = values.get(name)
        if value is not None and value > 0:
            return float(value)
    return None


def _runtime(values):
    """A region's run time in seconds: a runtime value, or runtime_ns (timemory's cpu_roofline_*
    groups record the wall time in nanoseconds beside the counts)."""
    seconds = _pick(values, _RUNTIME)
    if seconds is None:
        nanoseconds = _pick(values, ("runtime_ns",))
        seconds = nanoseconds * 1.0e-9 if nanoseconds else None
    return seconds


def _graph(data, rank):
    ranks = data.get("ranks")
    if isinstance(ranks, list) and ranks:
        chosen = [r for r in ranks if r.get("rank") == rank] or ranks[:1]
        return chosen[0].get("graph") or []
    return data.get("graph") or []


def hotspots(ai_data, op_data, rank=0):
    """[{"label", "intensity", "gflops", "runtime", "proportion"}]: one point per region found
    in both outputs (matched by hash, else by label): FLOPs of the op-mode run over the bytes
    (or load/store instructions) of the ai-mode run, FLOPs per second, and the region's share
    of the summed run time. Regions without FLOPs or data movement are left out."""
    ai_doc = _load(ai_data)
    op_doc = _load(op_data)
    spots = []
    for (key, op), (_, ai) in zip(_roofline_components(op_doc), _roofline_components(ai_doc)):
        ai_entries = {}
        for entry in _graph(ai, rank):
            ai_entries.setdefault(entry.get("hash"), entry)
            ai_entries.setdefault(entry.get("prefix"), entry)
        for entry in _graph(op, rank):
            other = ai_entries.get(entry.get("hash")) or ai_entries.get(entry.get("prefix"))
            if other is None:
                continue
            op_values = _values(entry, op.get("type"))
            ai_values = _values(other, ai.get("type"))
            flops = _pick(op_values, _FLOPS)
            moved = _pick(ai_values, _BYTES) or _pick(ai_values, _MEMORY_OPS)
            times = [t for t in (_runtime(op_values), _runtime(ai_values)) if t]
            if not flops or not moved or not times:
                continue
            runtime = sum(times) / len(times)
            label = str(entry.get("prefix", key)).lstrip("|0123456789>").strip()
            spots.append(
                {
                    "label": label,
                    "intensity": flops / moved,
                    "gflops": flops / runtime / _GIGA,
                    "runtime": runtime,
                }
            )
    total = sum(spot["runtime"] for spot in spots)
    for spot in spots:
        spot["proportion"] = spot["runtime"] / total if total > 0 else 0.0
    return spots


# ---------------------------------------------------------------------------------------------
# drawing


def _matplotlib():
    from ..plotting import EXTRA_HINT, PlottingUnavailable

    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise PlottingUnavailable(
            f"timemory.roofline needs matplotlib, which is not installed ({err}); install it "
            f"with: {EXTRA_HINT}"
        ) from err
    return Figure, FigureCanvasAgg


def _decade_below(value):
    return 10.0 ** _math.floor(_math.log10(value))


def _decade_above(value):
    return 10.0 ** _math.ceil(_math.log10(value))


def _color(proportion):
    if proportion >= 0.4:
        return "red"
    if proportion >= 0.1:
        return "darkorange"
    return "green"


def _draw(ceil, spots, title, width, height, dpi, subtitle):
    Figure, FigureCanvasAgg = _matplotlib()
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(111)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.grid(True, which="major", ls="--", lw=1)
    axes.grid(True, which="minor", ls="--", lw=0.5, alpha=0.5)
    axes.set_xlabel("Arithmetic Intensity [FLOPs/Byte]")
    axes.set_ylabel("Performance [GFLOP/s]")
    axes.set_title(title)
    if subtitle:
        figure.text(0.5, 0.005, subtitle, ha="center", va="bottom", fontsize=9, color="dimgray")

    peaks = ceil["peak"]
    bands = sorted(ceil["bandwidth"], key=lambda band: -band["GB/s"])
    top = max(peaks.values()) if peaks else None
    xmin, xmax = 0.01, 1000.0
    for spot in spots:
        xmin = min(xmin, _decade_below(spot["intensity"]))
        xmax = max(xmax, _decade_above(spot["intensity"]) * 10)
    lows = [band["GB/s"] * xmin for band in bands] + [s["gflops"] for s in spots]
    highs = ([top] if top else []) + [s["gflops"] for s in spots]
    ymin = _decade_below(min(lows)) if lows else 0.1
    ymax = _decade_above(max(highs) * 1.5) if highs else 1000.0
    axes.set_xlim(xmin, xmax)
    axes.set_ylim(ymin, ymax)

    # the on-screen angle of a slope-1 line in log-log coordinates
    box = axes.get_position()
    px_x = box.width * width / _math.log10(xmax / xmin)
    px_y = box.height * height / _math.log10(ymax / ymin)
    angle = _math.degrees(_math.atan2(px_y, px_x))

    roof = top if top else ymax
    for i, band in enumerate(bands):
        rate = band["GB/s"]
        x0 = max(xmin, ymin / rate)
        x1 = roof / rate
        axes.plot([x0, x1], [rate * x0, roof], color="magenta", lw=2)
        # labels staggered along their lines, so that close levels stay legible
        xt = x0 * (x1 / x0) ** (0.2 + 0.15 * (i % 4)) if x1 > x0 else x0
        axes.text(
            xt,
            rate * xt * 1.15,
            f"{band['level']} {rate:.1f} GB/s",
            rotation=angle,
            rotation_mode="anchor",
            ha="center",
            va="bottom",
            fontsize=11,
        )
    fastest = bands[0]["GB/s"] if bands else None
    for i, (dtype, rate) in enumerate(sorted(peaks.items(), key=lambda item: -item[1])):
        start = rate / fastest if fastest else xmin
        axes.plot([start, xmax], [rate, rate], color="blue" if i == 0 else "teal", lw=2)
        axes.text(
            xmax / 1.2,
            rate * 1.05,
            f"{dtype} {rate:.1f} GFLOP/s",
            ha="right",
            va="bottom",
            fontsize=11,
        )
    for spot in spots:
        axes.scatter(
            spot["intensity"],
            spot["gflops"],
            color=_color(spot["proportion"]),
            s=60,
            label=f"{spot['label']} ({100 * spot['proportion']:.0f}%)",
            zorder=3,
        )
    if spots:
        axes.legend(loc="lower right", fontsize=9)
    return figure


def plot_roofline(
    ai_data=None,
    op_data=None,
    *,
    ert=None,
    display=False,
    output_file="roofline",
    output_dir=".",
    image_type="png",
    title="Roofline",
    width=1600,
    height=1200,
    dpi=100,
    bandwidth=None,
    rtype="cpu_roofline",
    rank=0,
    echo_dart=False,
):
    """Draws the roofline into output_dir/output_file.<image_type> (png, svg, pdf) and returns
    the path. ert: ERT results (file or document); without it the "roofline" data embedded in
    op_data or ai_data is used. ai_data/op_data: the two modes' JSON outputs of a roofline
    component (file or document); each region found in both becomes a point. bandwidth: the
    levels to draw (BANDWIDTHS; None: every plateau). display: also show it when a display is
    there. echo_dart: print the <DartMeasurementFile> line."""
    if rtype not in COMPONENTS:
        raise ValueError(f"unknown roofline type {rtype!r} (choose from {', '.join(RTYPES)})")
    if rtype.startswith("gpu"):
        raise RuntimeError(f"{rtype}: GPU rooflines need CUPTI, and this build has no CUDA support")
    if image_type not in IMAGE_TYPES:
        raise ValueError(f"unknown image type {image_type!r} (choose from {IMAGE_TYPES})")
    ai_doc = _load(ai_data)
    op_doc = _load(op_data)
    source = ert
    if source is None:
        for doc in (op_doc, ai_doc):
            for _, data in _roofline_components(doc):
                if isinstance(data.get("roofline"), dict):
                    source = data["roofline"]
                    break
            if source is not None:
                break
    if source is None:
        raise ValueError(
            "no ERT data to draw the ceilings from: give ert= (an ert_results.json, see "
            "python -m timemory.ert) or outputs of a roofline component that embed it"
        )
    ceil = ceilings(source, bandwidth, rtype, rank)
    spots = hotspots(ai_doc, op_doc, rank) if ai_doc is not None and op_doc is not None else []
    if not ceil["peak"] and not ceil["bandwidth"] and not spots:
        raise ValueError("the ERT data holds no measurement to draw")
    subtitle = f"ERT: {ceil['isa'] or 'cpu'}, {ceil['threads']} threads"
    figure = _draw(ceil, spots, title, width, height, dpi, subtitle)

    _os.makedirs(output_dir, exist_ok=True)
    base = _os.path.basename(_os.fspath(output_file))
    if _os.path.splitext(base)[1].lstrip(".").lower() != image_type:
        base = f"{base}.{image_type}"
    path = _os.path.join(output_dir, base)
    temporary = _os.path.join(output_dir, f".{base}.tmp.{_os.getpid()}")
    metadata = {"Date": None} if image_type in ("svg", "pdf") else None
    try:
        figure.savefig(temporary, dpi=dpi, format=image_type, metadata=metadata)
        _os.replace(temporary, path)
    except BaseException:
        try:
            _os.unlink(temporary)
        except OSError:
            pass
        raise
    if echo_dart:
        print(
            f'<DartMeasurementFile name="{title}" type="image/{image_type}">{path}'
            "</DartMeasurementFile>"
        )
    if display:
        from ..plotting import _show

        _show(figure)
    return path


# ---------------------------------------------------------------------------------------------
# running an application in both modes


def run(
    command,
    *,
    rtype="cpu_roofline",
    output_dir=".",
    rerun=None,
    keep_going=False,
    num_threads=None,
    env=None,
    **plot_options,
):
    """Runs command twice (TIMEMORY_ROOFLINE_MODE=ai, then op) with the roofline component of
    rtype, each writing JSON into output_dir/roofline-<mode>/, then plots them with
    plot_roofline (plot_options). rerun: "ai" or "op" runs that mode only and reuses the
    other's output. keep_going: plot even when the application exits non-zero.
    RuntimeError when the component is not available on this machine (nothing is run)."""
    from .. import component as _component

    if rtype not in COMPONENTS:
        raise ValueError(f"unknown roofline type {rtype!r} (choose from {', '.join(RTYPES)})")
    name = COMPONENTS[rtype]
    if not _component.is_available(name):
        raise RuntimeError(
            f"{rtype} needs the {name} component, which is not available here: "
            f"{_component.reason(name)}"
        )
    if not command:
        raise ValueError("no application to run (python -m timemory.roofline [options] -- app)")
    if rerun not in (None, "ai", "op"):
        raise ValueError(f"rerun must be 'ai' or 'op', not {rerun!r}")
    outputs = {}
    for mode in ("ai", "op"):
        folder = _os.path.join(output_dir, f"roofline-{mode}")
        # the cpu_roofline_* groups write cpu_roofline_<mode>.json (type labels off here)
        base = f"cpu_roofline_{mode}" if rtype.startswith("cpu_") else name
        outputs[mode] = _os.path.join(folder, f"{base}.json")
        if rerun is not None and mode != rerun:
            continue
        child = dict(_os.environ if env is None else env)
        child.update(
            {
                "TIMEMORY_ROOFLINE_MODE": mode,
                "TIMEMORY_ROOFLINE_MODE_CPU": mode,
                "TIMEMORY_ROOFLINE_MODE_GPU": mode,
                "TIMEMORY_GLOBAL_COMPONENTS": name,
                "TIMEMORY_OUTPUT_PATH": folder,
                "TIMEMORY_JSON_OUTPUT": "ON",
                "TIMEMORY_TIME_OUTPUT": "OFF",
                "TIMEMORY_ROOFLINE_TYPE_LABELS": "OFF",
            }
        )
        if num_threads:
            child["TIMEMORY_ERT_NUM_THREADS_CPU"] = str(num_threads)
        code = _subprocess.call(list(command), env=child)
        if code != 0 and not keep_going:
            raise RuntimeError(f"{command[0]} exited with status {code} in {mode} mode")
    for mode, path in outputs.items():
        if not _os.path.exists(path):
            raise RuntimeError(f"the {mode}-mode run wrote no {path}")
    return plot_roofline(
        outputs["ai"], outputs["op"], rtype=rtype, output_dir=output_dir, **plot_options
    )

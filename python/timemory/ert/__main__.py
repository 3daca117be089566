"""python -m timemory.ert [-o DIR] [options]: runs the ERT micro-kernels and writes
DIR/ert_results.json (see timemory.ert)."""

import argparse
import sys

from . import FILENAME, run

_SUFFIXES = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _size(text):
    """bytes: an integer with an optional K, M or G suffix (powers of 1024)"""
    raw = text.strip().lower().rstrip("b").rstrip("i")
    scale = _SUFFIXES.get(raw[-1:], 1)
    digits = raw[:-1] if raw[-1:] in _SUFFIXES else raw
    try:
        value = int(digits) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 65536, 64K, 256M)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def parser():
    p = argparse.ArgumentParser(
        prog="python -m timemory.ert",
        description="Empirical Roofline Toolkit: measure the peak GFLOP/s and the cache and "
        "DRAM bandwidths of this CPU with timemory's micro-kernels. Defaults come from the "
        "TIMEMORY_ERT_* settings.",
    )
    p.add_argument("-o", "--output-dir", default=".", help=f"folder of {FILENAME} (.)")
    p.add_argument(
        "-w",
        "--min-working-set",
        type=_positive,
        metavar="N",
        help="elements per thread of the smallest working set (ert_min_working_size_cpu: 64)",
    )
    p.add_argument(
        "-m",
        "--max-data-size",
        type=_size,
        metavar="BYTES",
        help="bytes of the largest working set, all threads (ert_max_data_size_cpu; default "
        "8 x the last-level cache), e.g. 64M",
    )
    p.add_argument("-n", "--num-threads", type=_positive, help="threads (ert_num_threads_cpu)")
    p.add_argument(
        "-t",
        "--trials-min",
        type=_positive,
        metavar="N",
        help="fewest sweeps of the working set per measurement (ert_trials_min: 1)",
    )
    p.add_argument(
        "-r",
        "--repeats",
        type=_positive,
        metavar="N",
        help="measurements per point, the fastest kept (3)",
    )
    p.add_argument("--dtype", nargs="+", choices=("float", "double"), help="data types (both)")
    p.add_argument(
        "--ops",
        nargs="+",
        type=_positive,
        metavar="N",
        help="FLOPs per element of each kernel (1 2 4 ... 256 less ert_skip_ops)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        run(
            args.output_dir,
            min_working_set=args.min_working_set,
            max_data_size=args.max_data_size,
            num_threads=args.num_threads,
            trials_min=args.trials_min,
            repeats=args.repeats,
            dtypes=args.dtype,
            ops=args.ops,
            progress=False if args.quiet else None,
        )
    except ValueError as err:
        print(f"timemory.ert: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("timemory.ert: interrupted; nothing written", file=sys.stderr)
        return 130
    except OSError as err:
        print(f"timemory.ert: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

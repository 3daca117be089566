"""python -m timemory.roofline [options] [-- ./application ...]: draws a roofline from ERT
results (--ert FILE), from the ai-mode and op-mode outputs of a roofline component (-ai FILE
-op FILE), or by running the application in both modes first (see timemory.roofline)."""

import argparse
import os
import sys

from . import BANDWIDTHS, IMAGE_TYPES, RTYPES, plot_roofline, run


def parser():
    p = argparse.ArgumentParser(
        prog="python -m timemory.roofline",
        description="Draw a roofline: compute and bandwidth ceilings from ERT results, and the "
        "regions of a roofline component's ai-mode and op-mode outputs as points.",
        epilog="With '-- ./app args' the application runs twice (TIMEMORY_ROOFLINE_MODE=ai, "
        "then op) and the outputs are plotted.",
    )
    p.add_argument(
        "--ert",
        metavar="FILE",
        help="ERT results (python -m timemory.ert -o DIR "
        "writes DIR/ert_results.json): the ceilings",
    )
    p.add_argument(
        "-ai", "--ai", metavar="FILE", help="ai-mode JSON output of a roofline component"
    )
    p.add_argument(
        "-op", "--op", metavar="FILE", help="op-mode JSON output of a roofline component"
    )
    p.add_argument("-d", "--display", action="store_true", help="show the plot too")
    p.add_argument("-o", "--output-file", default="roofline", help="image name (roofline)")
    p.add_argument("-D", "--output-dir", default=os.getcwd(), help="image folder (cwd)")
    p.add_argument(
        "-b",
        "--bandwidth",
        nargs="+",
        choices=BANDWIDTHS,
        type=str.lower,
        help="bandwidth ceilings to draw (every plateau found)",
    )
    p.add_argument(
        "-tb",
        "--txn_bandwidth",
        nargs=3,
        type=float,
        default=[437.5, 93.6, 25.9],
        metavar=("L1", "L2", "DRAM"),
        help="GPU instruction roofline: transaction bandwidths (GPU only)",
    )
    p.add_argument(
        "-iP",
        "--inst_peak",
        type=float,
        default=489.6,
        help="GPU instruction roofline: peak warp GIPS (GPU only)",
    )
    p.add_argument("--format", default="png", choices=IMAGE_TYPES, help="image format (png)")
    p.add_argument("-T", "--title", default="Roofline", help="title (Roofline)")
    p.add_argument(
        "-P",
        "--plot-dimensions",
        nargs=3,
        type=int,
        default=[1600, 1200, 100],
        metavar=("W", "H", "DPI"),
        help="width, height, DPI (1600 1200 100)",
    )
    p.add_argument("-R", "--rank", type=int, default=0, help="rank of the data (0)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="print the ceilings")
    p.add_argument("-e", "--echo-dart", action="store_true", help="print a DartMeasurementFile tag")
    p.add_argument(
        "-t", "--rtype", default="cpu_roofline", choices=RTYPES, help="roofline type (cpu_roofline)"
    )
    p.add_argument(
        "-r",
        "--rerun",
        choices=("ai", "op"),
        help="with an application: run this mode only, reuse the other's output",
    )
    p.add_argument(
        "-p",
        "--preload",
        action="store_true",
        help="with an application: preload an instrumentation library (not in this build)",
    )
    p.add_argument(
        "-k", "--keep-going", action="store_true", help="plot even when the application fails"
    )
    p.add_argument("-n", "--num-threads", type=int, help="ERT threads of the application's run")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- application and arguments")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    width, height, dpi = args.plot_dimensions
    options = dict(
        display=args.display,
        output_file=args.output_file,
        image_type=args.format,
        title=args.title,
        width=width,
        height=height,
        dpi=dpi,
        bandwidth=args.bandwidth,
        rank=args.rank,
        echo_dart=args.echo_dart,
    )
    try:
        if command:
            if args.preload:
                raise RuntimeError("--preload: this build has no preload instrumentation library")
            path = run(
                command,
                rtype=args.rtype,
                output_dir=args.output_dir,
                rerun=args.rerun,
                keep_going=args.keep_going,
                num_threads=args.num_threads,
                **options,
            )
        else:
            if not args.ert and not (args.ai and args.op):
                print(
                    "timemory.roofline: nothing to plot: give --ert FILE, -ai FILE -op FILE, "
                    "or -- ./application",
                    file=sys.stderr,
                )
                return 2
            path = plot_roofline(
                args.ai,
                args.op,
                ert=args.ert,
                rtype=args.rtype,
                output_dir=args.output_dir,
                **options,
            )
    except (ValueError, RuntimeError, OSError, ImportError) as err:
        print(f"timemory.roofline: {err}", file=sys.stderr)
        return 1
    if args.verbose and args.ert:
        from . import ceilings

        found = ceilings(args.ert, args.bandwidth, args.rtype, args.rank)
        for dtype, rate in found["peak"].items():
            print(f"[roofline]> peak {dtype}: {rate:.1f} GFLOP/s")
        for band in found["bandwidth"]:
            print(f"[roofline]> {band['level']}: {band['GB/s']:.1f} GB/s")
    print(f"[roofline]> Outputting '{path}'...")
    return 0


if __name__ == "__main__":
    sys.exit(main())

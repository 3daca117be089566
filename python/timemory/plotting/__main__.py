"""python -m timemory.plotting / timemory-plotter: bar charts of flat JSON outputs.

    timemory-plotter -f timemory-app-output/wall.json [-o DIR | -o chart.svg] [-t TITLE ...]
                     [--inclusive] [--dpi 150] [--format png|svg|pdf] [--min-percent P]

The bars show self (exclusive) values by default, inclusive ones with --inclusive. Images are
PNG at 150 dpi unless --format (or the extension of an -o file name) says svg or pdf.
Exit status 0 when every chart was drawn, 1 when one could not be (a file that is not a flat
timemory JSON, or matplotlib missing: ``pip install timemory[plotting]``), 2 for bad usage.
"""

import argparse
import os
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="timemory-plotter",
        description="Draw bar charts of the heaviest entries of timemory flat JSON files "
        "(<label>.json).",
    )
    parser.add_argument(
        "-f",
        "--files",
        nargs="+",
        default=[],
        metavar="FILE",
        help="flat JSON files (<label>.json)",
    )
    parser.add_argument(
        "-d", "--display", action="store_true", help="also show the charts (needs a display)"
    )
    parser.add_argument(
        "-t",
        "--titles",
        nargs="+",
        default=[],
        metavar="TITLE",
        help="one title for all charts, or one per chart (default: the component label)",
    )
    parser.add_argument(
        "-c", "--combine", action="store_true", help="draw every chart into one image"
    )
    parser.add_argument(
        "-o",
        "--output-dir",
        default=".",
        metavar="PATH",
        help="folder for the images (.); a file name ending in .png, .svg or .pdf names the "
        "one image (one chart, or --combine) and its format",
    )
    parser.add_argument(
        "-e",
        "--echo-dart",
        action="store_true",
        help="print a <DartMeasurementFile> tag per image (CDash)",
    )
    parser.add_argument(
        "--min-percent",
        type=float,
        default=0.05,
        metavar="FRACTION",
        help="leave out entries below this fraction of the heaviest (0.05)",
    )
    parser.add_argument(
        "--max-entries",
        type=int,
        default=32,
        metavar="N",
        help="draw at most N entries per chart (32)",
    )
    parser.add_argument(
        "--metric",
        choices=("self", "inclusive"),
        default="self",
        help="what the bars show: self (exclusive) values, or inclusive ones (self)",
    )
    parser.add_argument(
        "--inclusive",
        dest="metric",
        action="store_const",
        const="inclusive",
        help="the bars show inclusive values (as --metric inclusive)",
    )
    parser.add_argument(
        "--img-dpi",
        "--dpi",
        type=int,
        default=150,
        metavar="DPI",
        help="image resolution in dots per inch (150)",
    )
    parser.add_argument(
        "--img-size",
        type=int,
        nargs=2,
        default=[1200, 600],
        metavar=("W", "H"),
        help="image size in pixels, at least (1200 600; taller with many bars)",
    )
    parser.add_argument(
        "--img-type",
        "--format",
        type=str.lower,
        choices=("png", "svg", "pdf"),
        default=None,
        help="image format (png; or the extension of an -o file name)",
    )
    parser.add_argument(
        "--plot-max",
        metavar="NAME",
        help="also draw one chart NAME.<img-type> of each file's heaviest entry",
    )
    parser.add_argument("--log-x", action="store_true", help="logarithmic value axis")
    parser.add_argument(
        "--font-size", type=float, default=11, help="font size in points, at least 9 (11)"
    )
    parser.add_argument(
        "--exit-on-failure", action="store_true", help="stop at the first file that cannot be drawn"
    )
    parser.add_argument(
        "-T",
        "--table",
        action="store_true",
        help="print the charted entries as text tables instead of drawing",
    )
    return parser


def main(argv=None):
    from . import PlottingUnavailable, plot, plot_maximums, plot_parameters, read, table

    parser = _parser()
    args = parser.parse_args(argv)
    if not args.files:
        parser.error("no input: give flat JSON files with -f/--files")
    if args.img_dpi <= 0:
        parser.error(f"argument --img-dpi/--dpi: must be positive, not {args.img_dpi}")
    output_dir, filename = args.output_dir, None
    extension = os.path.splitext(output_dir)[1].lstrip(".").lower()
    if extension in ("png", "svg", "pdf"):  # -o chart.svg: one image, its format
        output_dir, filename = os.path.dirname(output_dir) or ".", os.path.basename(output_dir)
        if args.img_type and args.img_type != extension:
            parser.error(f"--format {args.img_type} and -o {args.output_dir} disagree")
    params = plot_parameters(
        min_percent=args.min_percent,
        img_dpi=args.img_dpi,
        img_size={"w": args.img_size[0], "h": args.img_size[1]},
        img_type=args.img_type or (extension if filename else "png"),
        log_xaxis=args.log_x,
        font_size=args.font_size,
        max_entries=args.max_entries,
        metric=args.metric,
    )
    charts, failed = [], 0
    for path in args.files:
        try:
            charts.extend(read(path))
        except (OSError, ValueError) as err:
            print(f"timemory-plotter: {path}: {err}", file=sys.stderr)
            failed += 1
            if args.exit_on_failure:
                return 1
    if args.titles and len(args.titles) not in (1, len(charts)):
        parser.error(
            f"{len(args.titles)} titles for {len(charts)} charts: give one, or one per chart"
        )
    if filename and len(charts) > 1 and not args.combine:
        parser.error(
            f"{len(charts)} charts for one image ({args.output_dir}): add --combine, or give "
            "an output folder"
        )
    if args.table:
        for index, pdata in enumerate(charts):
            if args.titles:
                pdata.title = args.titles[0] if len(args.titles) == 1 else args.titles[index]
            table(pdata, params)
        return 1 if failed else 0
    try:
        if charts:
            images = plot(
                charts,
                plot_params=params,
                combine=args.combine,
                display=args.display,
                output_dir=output_dir,
                echo_dart=args.echo_dart,
                titles=args.titles,
                filename=filename,
            )
            for image in images:
                print(f"timemory-plotter: wrote '{image}'")
        if args.plot_max and charts:
            image = plot_maximums(
                args.plot_max,
                args.plot_max,
                charts,
                plot_params=params,
                display=args.display,
                output_dir=output_dir,
                echo_dart=args.echo_dart,
            )
            print(f"timemory-plotter: wrote '{image}'")
    except PlottingUnavailable as err:
        print(f"timemory-plotter: {err}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

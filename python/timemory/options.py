"""timemory.options -- package-level options and the argparse helpers that add them.

``echo_dart`` (bool; initial value = the dart_output setting), ``ctest_notes`` (bool) and
``matplotlib_backend`` (str, "default") are plain module attributes read by the plotting code.
add_arguments() adds the settings' ``timemory-config`` options plus ``--timemory-echo-dart`` and
``--timemory-mpl-backend``; the parse_* helpers parse and apply them.
"""

import argparse
import os
import sys

from . import settings as _settings

__all__ = [
    "add_args_and_parse",
    "add_args_and_parse_known",
    "add_arguments",
    "ctest_notes",
    "echo_dart",
    "ensure_directory_exists",
    "matplotlib_backend",
    "parse_args",
    "parse_known_args",
    "safe_mkdir",
]

echo_dart = bool(_settings.dart_output)
ctest_notes = False
matplotlib_backend = "default"


def safe_mkdir(directory):
    """mkdir -p that tolerates an existing folder."""
    if directory:
        os.makedirs(directory, exist_ok=True)


def ensure_directory_exists(file_path):
    """Create the folder that will hold file_path."""
    safe_mkdir(os.path.dirname(file_path))


def add_arguments(parser=None, subparser=True):
    """Settings options (see timemory.settings.add_arguments) plus --timemory-echo-dart and
    --timemory-mpl-backend on parser itself. Returns the parser."""
    if parser is None:
        parser = argparse.ArgumentParser()
    _settings.add_arguments(parser, None, subparser)
    parser.add_argument(
        "--timemory-echo-dart",
        action="store_true",
        help="Echo DartMeasurement tags for CDash",
    )
    parser.add_argument(
        "--timemory-mpl-backend",
        type=str,
        default="default",
        help="matplotlib backend used by timemory's plotting",
    )
    return parser


def _apply(args):
    global echo_dart, matplotlib_backend
    if getattr(args, "timemory_echo_dart", False):
        _settings.dart_output = True
        echo_dart = True
    backend = getattr(args, "timemory_mpl_backend", None)
    if backend:
        matplotlib_backend = backend


def parse_args(parser=None):
    """Parse sys.argv with parser and apply the timemory options."""
    if parser is None:
        parser = add_arguments()
    args = parser.parse_args()
    _apply(args)
    return args


def parse_known_args(parser=None):
    """Like parse_args, leaving unknown arguments in sys.argv (after argv[0])."""
    if parser is None:
        parser = add_arguments()
    args, unknown = parser.parse_known_args()
    _apply(args)
    sys.argv = sys.argv[:1] + unknown
    return args


def add_args_and_parse(parser=None, subparser=True):
    return parse_args(add_arguments(parser, subparser))


def add_args_and_parse_known(parser=None, subparser=True):
    return parse_known_args(add_arguments(parser, subparser))

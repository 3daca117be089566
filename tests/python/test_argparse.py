"""timemory.add_arguments / settings.add_arguments: the timemory-config sub-command of seed
004 (spec API.md section 12)."""

import argparse
import json

import pytest
import timemory
from conftest import EXAMPLES

INTERMEDIATE = EXAMPLES / "seed_scoped_intermediate.py"


def make_parser():
    parser = argparse.ArgumentParser("example")
    parser.add_argument(
        "-n", "--fibonacci-value", default=15, type=int, help="Starting fibonacci value"
    )
    timemory.add_arguments(parser)
    return parser


def test_main_help_matches_the_seed(run_python):
    result = run_python(INTERMEDIATE, "-h", check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "usage: example [-h] [-n FIBONACCI_VALUE] {timemory-config} ..."
    assert "  {timemory-config}     sub-command help" in lines
    assert "  -n FIBONACCI_VALUE, --fibonacci-value FIBONACCI_VALUE" in lines


def test_config_help_matches_the_seed(run_python):
    result = run_python(INTERMEDIATE, "timemory-config", "-h", check=True)
    text = result.stdout
    assert text.startswith(
        "usage: example timemory-config [-h] [-C VALUE] [--suppress-config VALUE]\n"
        "                               [--suppress-parsing VALUE] [--enabled VALUE]\n"
    )
    assert "Configure settings for timemory" in text
    lines = text.splitlines()
    # Python 3.13 prints the metavar once: "-C, --config VALUE"
    assert "  -C VALUE, --config VALUE" in lines or "  -C, --config VALUE" in lines
    for line in [
        "  --enabled VALUE       Activation state of timemory [env: TIMEMORY_ENABLED,",
        "  --verbose VALUE       Verbosity level [env: TIMEMORY_VERBOSE, type: int]",
        "  --flat-profile VALUE  Set the label hierarchy mode to default to flat [env:",
        "  --args [OPTION=VALUE ...]",
    ]:
        assert line in lines, line
    flat = " ".join(text.split())
    # defaults are the current values: the example sets these before add_arguments
    assert "[env: TIMEMORY_FLAT_PROFILE, type: bool] (default: true)" in flat
    assert "[env: TIMEMORY_COUT_OUTPUT, type: bool] (default: false)" in flat
    assert "(default: timemory-seed-scoped-intermediate-output)" in flat
    assert "[env: TIMEMORY_MAX_DEPTH, type: unsigned short] (default: 65535)" in flat
    assert "[env: TIMEMORY_TIME_FORMAT, type: std::string] (default: %F_%I.%M_%p)" in flat
    assert "text_output=off [type: str] (default: None)" in flat
    # one option per setting with flags, in registration order
    settings = timemory.settings
    flagged = [n for n in settings.names() if settings.info(n)["cli_flags"]]
    positions = []
    for name in flagged:
        flag = settings.info(name)["cli_flags"][0].replace("--timemory-", "--")
        usage = text.split("Configure settings")[0]
        positions.append(usage.index(f"[{flag} VALUE]"))
    assert positions == sorted(positions)


def test_flat_profile_false_takes_effect(run_python, tmp_path):
    run_python(INTERMEDIATE, "-n", "5", "timemory-config", "--flat-profile=False", check=True)
    wall = json.loads((tmp_path / "timemory-seed-scoped-intermediate-output/wall.json").read_text())
    depths = [e["depth"] for e in wall["timemory"]["wall_clock"]["ranks"][0]["graph"]]
    assert max(depths) == 5  # run(5) then fib(5) ... fib(1)/fib(0) nested: a tree


def test_default_run_is_flat(run_python, tmp_path):
    run_python(INTERMEDIATE, "-n", "5", check=True)
    wall = json.loads((tmp_path / "timemory-seed-scoped-intermediate-output/wall.json").read_text())
    depths = {e["depth"] for e in wall["timemory"]["wall_clock"]["ranks"][0]["graph"]}
    assert depths == {0}


def test_options_in_process(restore_settings):
    parser = make_parser()
    timemory.settings.flat_profile = True
    args = parser.parse_args(
        [
            "-n",
            "3",
            "timemory-config",
            "--flat-profile=False",
            "--max-depth",
            "12",
            "--output-path",
            "somewhere",
        ]
    )
    assert args.fibonacci_value == 3
    assert timemory.settings.flat_profile is False and args.flat_profile is False
    assert timemory.settings.max_depth == 12 and args.max_depth == 12
    assert timemory.settings.output_path == "somewhere"


def test_bool_option_value_is_optional(restore_settings):
    parser = make_parser()
    timemory.settings.scientific = False
    timemory.settings.cout_output = True
    parser.parse_args(["timemory-config", "--scientific", "--cout-output", "off"])
    assert timemory.settings.scientific is True
    assert timemory.settings.cout_output is False


def test_args_option(restore_settings, capsys):
    parser = make_parser()
    parser.parse_args(
        [
            "timemory-config",
            "--args",
            "TIMEMORY_VERBOSE=2",
            "text_output=off",
            "timemory-max-depth=9;precision=4",
            "nothing=1",
        ]
    )
    assert timemory.settings.verbose == 2
    assert timemory.settings.text_output is False
    assert timemory.settings.max_depth == 9 and timemory.settings.precision == 4
    assert (
        '[timemory_argparse]> Warning! For --args, key "nothing" is not a recognized '
        'setting. "1" was not applied.'
    ) in capsys.readouterr().err


def test_bad_value_is_a_usage_error(restore_settings, capsys):
    parser = make_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["timemory-config", "--max-depth", "-3"])
    assert "max_depth" in capsys.readouterr().err


def test_without_subparser_flags_keep_their_prefix(restore_settings):
    parser = argparse.ArgumentParser()
    timemory.settings.add_arguments(parser, subparser=False)
    parser.parse_args(["--timemory-verbose", "3", "--timemory-args", "precision=2"])
    assert timemory.settings.verbose == 3 and timemory.settings.precision == 2


def test_existing_subparsers_are_reused(restore_settings):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run")
    timemory.add_arguments(parser)
    args = parser.parse_args(["timemory-config", "--verbose", "1"])
    assert timemory.settings.verbose == 1 and args.verbose == 1
    assert parser.parse_args(["run"]).command == "run"


def test_snapshot_instance_is_updated_not_the_store(restore_settings):
    copy = timemory.settings()
    parser = argparse.ArgumentParser()
    timemory.settings.add_arguments(parser, copy, subparser=False)
    timemory.settings.verbose = 0
    parser.parse_args(["--timemory-verbose", "6"])
    assert copy.verbose == 6 and timemory.settings.verbose == 0


def test_options_module(restore_settings, monkeypatch):
    from timemory import options

    parser = options.add_arguments(argparse.ArgumentParser(), subparser=False)
    monkeypatch.setattr(
        "sys.argv", ["prog", "--timemory-echo-dart", "--timemory-mpl-backend", "agg", "extra"]
    )
    options.parse_known_args(parser)
    assert timemory.settings.dart_output is True and options.echo_dart is True
    assert options.matplotlib_backend == "agg"
    import sys

    assert sys.argv == ["prog", "extra"]

"""timemory.settings -- every setting of libtimemory as a module attribute.

Reading ``timemory.settings.verbose`` returns the typed value held by the C store; assigning
``timemory.settings.verbose = 1`` writes it there (the module's class is a ModuleType subclass
whose ``__getattr__``/``__setattr__`` go to the extension). A wrong type raises TypeError and a
bad value ValueError, both naming the setting; an unknown name raises AttributeError with the
closest names. The table of settings lives in C (include/timemory/settings_table.h); nothing
about individual settings is repeated here.

Functions: parse(), read(), reset(), names(), info(), add_arguments() (the ``timemory-config``
sub-command, spec API.md section 12). ``timemory.settings()`` returns a detached copy.
"""

import argparse as _argparse
import difflib as _difflib
import os as _os
import re as _re
import sys as _sys
import types as _types

from ..libs import libpytimemory as _lib

__all__ = [
    "Snapshot",
    "add_argparse",
    "add_arguments",
    "command_line",
    "environment",
    "info",
    "names",
    "parse",
    "read",
    "reset",
]

# Python-side properties of the original's settings class that are not entries of the store.
command_line = list(_sys.argv)
environment = [f"{key}={value}" for key, value in _os.environ.items()]

_ARGS_HELP = (
    "A generic option for any setting. Each argument MUST be passed in form: 'NAME=VALUE'. "
    'E.g. --args "papi_events=PAPI_TOT_INS,PAPI_TOT_CYC" text_output=off [type: str]'
)


def names():
    """Python names of every setting, in registration order."""
    return list(_lib.settings_names())


def info(name):
    """Description of one setting: name, env, type, type_name, description, cli_flags,
    default, min, max, choices."""
    return dict(_lib.settings_info(name))


def _names_set():
    cached = _cache.get("names")
    if cached is None:
        cached = _cache["names"] = frozenset(_lib.settings_names())
    return cached


_cache = {}


def _unknown(name):
    close = _difflib.get_close_matches(name, sorted(_names_set()), n=3)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return AttributeError(f"timemory.settings has no setting '{name}'{hint}")


def _value_text(value):
    """A value as the C store prints it: booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Snapshot:
    """A detached copy of the settings (``timemory.settings()``): changing it does not change
    the global store. parse(), read() and add_arguments() accept it as ``instance``."""

    def __init__(self, values=None):
        object.__setattr__(
            self, "_values", dict(values) if values else {n: _lib.settings_get(n) for n in names()}
        )

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        key = name[4:] if name.startswith("get_") and name[4:] in values else name
        if key in values:
            return values[key]
        raise _unknown(name)

    def __setattr__(self, name, value):
        key = name[4:] if name.startswith("get_") and name[4:] in self._values else name
        if key not in self._values:
            raise _unknown(name)
        kind = info(key)["type"]
        if kind == "bool":
            if isinstance(value, str):
                # as the C library parses TIMEMORY_<NAME> (a bare flag enables)
                text = value.strip()
                words = {"on": True, "true": True, "yes": True, "y": True, "t": True,
                         "off": False, "false": False, "no": False, "n": False, "f": False}
                if not text:
                    parsed = None  # "" enables in the environment; from Python it says nothing
                elif text.isdigit():
                    parsed = text != "0"
                else:
                    parsed = words.get(text.lower())
                if parsed is None:
                    raise ValueError(f"settings.{key}: {value!r} is not a boolean")
                value = parsed
            elif isinstance(value, bool) or (
                hasattr(value, "__index__") and not isinstance(value, float)
            ):
                value = bool(value)
            else:
                raise TypeError(f"settings.{key} must be bool, not {type(value).__name__}")
        elif kind == "int":
            if not isinstance(value, int):
                raise TypeError(f"settings.{key} must be int, not {type(value).__name__}")
            value = int(value)
        elif kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"settings.{key} must be float, not {type(value).__name__}")
            value = float(value)
        elif not isinstance(value, str):
            raise TypeError(f"settings.{key} must be str, not {type(value).__name__}")
        self._values[key] = value

    def __dir__(self):
        return sorted(self._values)

    def __repr__(self):
        return f"<timemory settings snapshot of {len(self._values)} settings>"


def _through_global(instance, action):
    """Runs action() against the global store on behalf of a Snapshot: the instance's values
    go in, the action's result comes back into the instance, the global values are restored.
    The C store is the only parser of settings text, so this keeps one set of rules."""
    saved = {n: _lib.settings_get(n) for n in names()}
    try:
        for name, value in instance._values.items():
            _lib.settings_set(name, value)
        result = action()
        object.__setattr__(instance, "_values", {n: _lib.settings_get(n) for n in names()})
        return result
    finally:
        for name, value in saved.items():
            _lib.settings_set(name, value)


def parse(instance=None):
    """Re-read every TIMEMORY_* environment variable that is set (absent ones keep the current
    value). Returns the number of variables whose value was rejected (a warning names each)."""
    if instance is None:
        return _lib.settings_parse()
    return _through_global(instance, _lib.settings_parse)


def read(*args):
    """read(filename) or read(instance, filename): load a configuration file (text
    ``KEY = VALUE`` lines or JSON) into the global store (instance None) or a Snapshot.
    Returns True when every entry was understood; OSError when the file cannot be read."""
    if len(args) == 1:
        instance, filename = None, args[0]
    elif len(args) == 2:
        instance, filename = args
    else:
        raise TypeError("read() takes (filename) or (instance, filename)")
    filename = _os.fspath(filename)
    if instance is None:
        return _lib.settings_read(filename) == 0
    return _through_global(instance, lambda: _lib.settings_read(filename)) == 0


def reset():
    """Restore every setting to its built-in default."""
    _lib.settings_reset()


# ---------------------------------------------------------------------------------------------
# argparse: the timemory-config sub-command


class _HelpFormatter(_argparse.ArgumentDefaultsHelpFormatter):
    """Shows a boolean setting as ``--flag VALUE`` although its value is optional (a bare
    ``--flag`` means true), the way the original's help prints it."""

    def _format_args(self, action, default_metavar):
        if isinstance(action, _SettingAction) and action.nargs == _argparse.OPTIONAL:
            return str(self._metavar_formatter(action, default_metavar)(1)[0])
        return super()._format_args(action, default_metavar)


class _SettingAction(_argparse.Action):
    """Parses the option's text through the setting's own parser (the C store) and stores the
    resulting typed value on the namespace too."""

    def __init__(self, option_strings, dest, setting=None, instance=None, **kwargs):
        super().__init__(option_strings, dest, **kwargs)
        self.setting = setting
        self.instance = instance

    def __call__(self, parser, namespace, values, option_string=None):
        if values is None:
            text = "true"
        elif isinstance(values, (list, tuple)):
            text = ",".join(values)
        else:
            text = values
        try:
            if self.instance is None:
                _lib.settings_set_text(self.setting, text)
                value = _lib.settings_get(self.setting)
            else:
                setting = self.setting

                def _apply():
                    _lib.settings_set_text(setting, text)
                    return _lib.settings_get(setting)

                value = _through_global(self.instance, _apply)
        except (TypeError, ValueError) as err:
            parser.error(f"argument {option_string}: {err}")
        setattr(namespace, self.dest, value)


def _find_setting(key):
    """Setting name whose python name, variable name or long flag (with or without the
    leading dashes, with or without the ``timemory-`` part) equals key; None if none."""
    for name in names():
        entry = info(name)
        candidates = {name, entry["env"]}
        for flag in entry["cli_flags"]:
            if flag.startswith("--"):
                bare = flag[2:]
                candidates.update({flag, bare})
                if bare.startswith("timemory-"):
                    candidates.update({bare[len("timemory-") :], "--" + bare[len("timemory-") :]})
        if key in candidates:
            return name
    return None


class _ArgsAction(_argparse.Action):
    """``--args NAME=VALUE ...``: update any setting by variable name, python name or flag."""

    def __init__(self, option_strings, dest, instance=None, **kwargs):
        super().__init__(option_strings, dest, **kwargs)
        self.instance = instance

    def __call__(self, parser, namespace, values, option_string=None):
        applied = []
        for value in values or []:
            for token in _re.split(r"[\s;:]+", value):
                if not token:
                    continue
                key, sep, text = token.partition("=")
                name = _find_setting(key) if sep else None
                if name is None:
                    print(
                        f'[timemory_argparse]> Warning! For --args, key "{key}" is not a '
                        f'recognized setting. "{text}" was not applied.',
                        file=_sys.stderr,
                    )
                    continue
                try:
                    if self.instance is None:
                        _lib.settings_set_text(name, text)
                    else:
                        _through_global(
                            self.instance,
                            lambda name=name, text=text: _lib.settings_set_text(name, text),
                        )
                except (TypeError, ValueError) as err:
                    parser.error(f"argument {option_string}: {err}")
                applied.append(token)
        setattr(namespace, self.dest, applied)


def _config_parser(parser, subparser):
    """The parser that receives the options, and whether flags lose their timemory- part."""
    if subparser is True:
        subparsers = None
        if parser._subparsers is not None:
            for action in parser._subparsers._group_actions:
                if isinstance(action, _argparse._SubParsersAction):
                    subparsers = action
                    break
        if subparsers is None:
            subparsers = parser.add_subparsers(help="sub-command help")
        config = subparsers.add_parser(
            "timemory-config",
            description="Configure settings for timemory",
            conflict_handler="resolve",
            formatter_class=_HelpFormatter,
        )
        return config, True
    if subparser is False or subparser is None:
        return parser, False
    return subparser, True


def add_arguments(parser=None, instance=None, subparser=True):
    """Add one option per setting that has command-line flags, plus ``--args NAME=VALUE``.

    subparser=True adds them to a ``timemory-config`` sub-command of parser (flags
    ``--timemory-X`` become ``--X``); subparser=False/None puts them on parser itself (flags kept);
    any other value is the (sub)parser to add them to. Returns parser."""
    if parser is None:
        parser = _argparse.ArgumentParser(formatter_class=_HelpFormatter)
    target, short = _config_parser(parser, subparser)
    for name in names():
        entry = info(name)
        flags = list(entry["cli_flags"])
        if not flags:
            continue
        if short:
            flags = [
                "--" + flag[len("--timemory-") :] if flag.startswith("--timemory-") else flag
                for flag in flags
            ]
        current = _lib.settings_get(name) if instance is None else getattr(instance, name)
        description = str(entry["description"]).replace("%", "%%")
        options = {
            "action": _SettingAction,
            "setting": name,
            "instance": instance,
            "dest": name,
            "metavar": "VALUE",
            "type": str,
            "default": _value_text(current),
            "required": False,
            "help": f"{description} [env: {entry['env']}, type: {entry['type_name']}]",
        }
        if entry["type"] == "bool":
            options["nargs"] = _argparse.OPTIONAL
            options["const"] = "true"
        target.add_argument(*flags, **options)
    target.add_argument(
        "--args" if short else "--timemory-args",
        action=_ArgsAction,
        instance=instance,
        dest="timemory_args",
        nargs="*",
        metavar="OPTION=VALUE",
        type=str,
        default=None,
        help=_ARGS_HELP,
    )
    return parser


add_argparse = add_arguments


# ---------------------------------------------------------------------------------------------
# the module itself reads and writes the store


class _SettingsModule(_types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(f"module 'timemory.settings' has no attribute '{name}'")
        if name not in _names_set():
            raise _unknown(name)
        return _lib.settings_get(name)

    def __setattr__(self, name, value):
        if name in self.__dict__ or name.startswith("_"):
            super().__setattr__(name, value)
        elif name in _names_set():
            _lib.settings_set(name, value)
        else:
            raise _unknown(name)

    def __delattr__(self, name):
        if name in _names_set():
            raise AttributeError(f"settings.{name} cannot be deleted (use settings.reset())")
        super().__delattr__(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | _names_set())

    def __call__(self):
        """A detached copy of the current settings."""
        return Snapshot()


_sys.modules[__name__].__class__ = _SettingsModule

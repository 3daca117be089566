"""The IPython side of the magics: ``TimemoryMagics`` (``%timemory`` and ``%%timemory``),
registered by ``%load_ext timemory``. Imported only when the extension is loaded, so IPython
is needed only then."""

import itertools

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from . import _options, _session

OUTPUT_ROOT = "timemory-notebook-output"


@magics_class
class TimemoryMagics(Magics):
    """%timemory / %%timemory: profile a statement or a cell with timemory."""

    def __init__(self, shell=None, **kwargs):
        super().__init__(shell=shell, **kwargs)
        self._folders = set()
        self.last_report = None

    def _folder(self, number):
        """timemory-notebook-output/In-<number>, In-<number>-2, ... for a second run of the
        same cell in this session."""
        for index in itertools.count(1):
            folder = f"{OUTPUT_ROOT}/In-{number}" + (f"-{index}" if index > 1 else "")
            if folder not in self._folders:
                self._folders.add(folder)
                return folder
        return None  # not reached

    @line_cell_magic
    def timemory(self, line, cell=None):
        try:
            options, statement = _options.parse(line, cell is not None)
        except _options.OptionError as err:
            raise UsageError(str(err)) from None
        if options.help:
            print(_options.usage())
            return None
        if cell is None and not statement:
            raise UsageError("%timemory: nothing to profile (%timemory [options] statement)")
        if cell is not None and statement:
            raise UsageError(
                f"%%timemory: the code is the cell; the line takes options only, not {statement!r}"
            )
        source = self.shell.transform_cell(cell if cell is not None else statement)
        number = _cell_number(self.shell)
        folder = options.output or self._folder(number)
        filename = _cell_filename(self.shell, source, number)
        try:
            report, value, error = _session.run(
                source,
                self.shell.user_ns,
                options,
                f"In[{number}]",
                folder,
                compiler=self.shell.compile,
                filename=filename,
            )
        except ValueError as err:  # an unknown component or sort key
            raise UsageError(f"%timemory: {err}") from None
        self.last_report = report
        display(report)
        if error is not None:
            raise error
        return value


def _cell_number(shell):
    """The number of the cell being run, as its In[N] prompt shows it (IPython 9.8 and later
    count the cell before running it, earlier versions after: the display hook's prompt count
    is right in both)."""
    count = getattr(getattr(shell, "displayhook", None), "prompt_count", None)
    return count if isinstance(count, int) else shell.execution_count


def _cell_filename(shell, source, number):
    """The file name the code is compiled under: IPython's cached name for a cell (its
    tracebacks show the lines, as those of a cell run normally do)."""
    cache = getattr(shell.compile, "cache", None)
    if cache is not None:
        try:
            return cache(source, number)
        except TypeError:  # an older signature
            pass
    return f"<timemory In[{number}]>"

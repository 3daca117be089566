"""timemory.notebook -- the IPython/Jupyter magics.

``%load_ext timemory`` registers ``%timemory`` (profile a statement, return its value) and
``%%timemory`` (profile a cell) with timemory's function profiler; options on the magic's
line: ``-c wall_clock cpu_clock``, ``--trace-c``, ``-o folder``, ``--max-depth N``,
``--tree``/``--flat``, ``-s KEY``, ``--timeline`` (``%timemory -h`` lists them). In a notebook
the report is an HTML table of the call paths and the flame graph; in a terminal the text
timemory prints. IPython is imported only when the extension is loaded.
"""

from ._report import Report

__all__ = ["Report", "load_ipython_extension", "unload_ipython_extension"]


def _magics_class():
    try:
        from ._magics import TimemoryMagics
    except ImportError as error:
        if getattr(error, "name", None) and error.name.split(".")[0] == "IPython":
            raise ImportError(
                "the timemory magics need IPython: pip install ipython (or 'timemory[notebook]')"
            ) from error
        raise
    return TimemoryMagics


def load_ipython_extension(ipython):
    """Register the %timemory and %%timemory magics in the IPython shell (``%load_ext
    timemory`` or ``%load_ext timemory.notebook``)."""
    magics = _magics_class()  # ImportError without IPython, before the shell is touched
    ipython.register_magics(magics)


def unload_ipython_extension(ipython):
    """Remove the magics (``%unload_ext timemory``)."""
    magics = ipython.magics_manager.registry.pop("TimemoryMagics", None)
    if magics is None:
        return
    for kind in ("line", "cell"):
        table = ipython.magics_manager.magics[kind]
        if getattr(table.get("timemory"), "__self__", None) is magics:
            del table["timemory"]

"""timemory.plotting -- bar charts of the flat JSON outputs.

Not available in this build: plotting is not implemented in it yet (it would need matplotlib
and the plotting code), so plot() and the ``timemory-plotter`` command report that instead of
drawing anything, and the setting plot_output cannot produce images.
"""

__all__ = ["REASON", "plot", "plot_parameters", "read"]

REASON = (
    "timemory.plotting: plotting is not part of this build yet "
    "(no image can be made from the JSON outputs)"
)


def plot(*args, **kwargs):
    """Plot JSON outputs as bar charts."""
    raise RuntimeError(REASON)


def read(*args, **kwargs):
    """Read JSON outputs into plot data."""
    raise RuntimeError(REASON)


class plot_parameters:
    """Image parameters of plot()."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(REASON)

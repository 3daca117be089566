"""timemory.roofline -- roofline plots from the ai/op-mode outputs of the roofline components.

Not available in this build: the roofline components need PAPI floating-point counters (CPU)
or CUPTI (GPU), neither of which this build has, so there is no data to plot.
"""

__all__ = ["REASON", "plot_roofline", "run"]

REASON = (
    "timemory.roofline: this build has no roofline support (the roofline components need "
    "PAPI for the CPU or CUPTI for the GPU, and this build has neither)"
)


def plot_roofline(*args, **kwargs):
    """Plot a roofline from ai-mode and op-mode JSON outputs."""
    raise RuntimeError(REASON)


def run(*args, **kwargs):
    """Run an application in ai and op mode and plot the roofline."""
    raise RuntimeError(REASON)

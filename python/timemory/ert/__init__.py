"""timemory.ert -- driver for the Empirical Roofline Toolkit.

Not available in this build: the ERT micro-kernels and their driver are not part of it
(the roofline components that use them need PAPI or CUPTI, which this build lacks).
"""

__all__ = ["REASON", "run"]

REASON = (
    "timemory.ert: the Empirical Roofline Toolkit is not part of this build (its roofline "
    "components need PAPI or CUPTI, which this build lacks)"
)


def run(*args, **kwargs):
    """Configure, build, run and post-process ERT."""
    raise RuntimeError(REASON)

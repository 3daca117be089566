"""Type stub of timemory.roofline. This build has no roofline support: plot_roofline() and
run() raise RuntimeError (REASON)."""

from typing import NoReturn

__all__ = ["REASON", "plot_roofline", "run"]

REASON: str

def plot_roofline(*args: object, **kwargs: object) -> NoReturn: ...
def run(*args: object, **kwargs: object) -> NoReturn: ...

"""Type stub of timemory.ert. The Empirical Roofline Toolkit is not part of this build: run()
raises RuntimeError (REASON)."""

from typing import NoReturn

__all__ = ["REASON", "run"]

REASON: str

def run(*args: object, **kwargs: object) -> NoReturn: ...

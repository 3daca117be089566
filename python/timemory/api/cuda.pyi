"""Type stub of timemory.api.cuda. This build has no CUDA: stream() and default_stream() raise
RuntimeError (REASON)."""

__all__ = ["REASON", "default_stream", "stream"]

REASON: str

class stream:
    def __init__(self, default_stream: bool = False) -> None: ...

def default_stream() -> stream: ...

"""timemory.api.cuda -- CUDA streams. This build has no CUDA support: stream() raises
RuntimeError."""

__all__ = ["REASON", "default_stream", "stream"]

REASON = "timemory.api.cuda: this build has no CUDA support (libtimemory was built without CUDA)"


class stream:
    """stream(default_stream=False): a CUDA stream (not available in this build)."""

    def __init__(self, default_stream=False):
        raise RuntimeError(REASON)


def default_stream():
    """The default CUDA stream (not available in this build)."""
    raise RuntimeError(REASON)

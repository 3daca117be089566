"""timemory.api.cupti -- CUPTI event and metric names. This build has no CUPTI: there are
none to list."""

__all__ = ["available_events", "available_metrics", "is_available"]


def is_available():
    """Whether CUPTI can be used in this build: False (built without CUDA/CUPTI)."""
    return False


def available_events(device=0):
    """Hardware event names of a GPU: none without CUPTI."""
    return []


def available_metrics(device=0):
    """Hardware metric names of a GPU: none without CUPTI."""
    return []

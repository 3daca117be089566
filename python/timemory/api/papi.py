"""timemory.api.papi -- PAPI event sets and counters. This build has no PAPI support: every
function raises RuntimeError."""

REASON = "timemory.api.papi: this build has no PAPI support (libtimemory was built without PAPI)"

__all__ = [
    "REASON", "accum", "add_event", "add_events", "assign_event_set_component", "attach",
    "create_event_set", "destroy_event_set", "detach", "enable_multiplexing", "get_event_code",
    "get_event_code_name", "init", "init_library", "init_multiplexing", "init_threading",
    "print_hw_info", "query_event", "read", "register_thread", "remove_event", "remove_events",
    "reset", "set_debug", "shutdown", "start", "stop", "working", "write",
]  # fmt: skip


def _unavailable():
    raise RuntimeError(REASON)


def accum(event_set, event_set_size):
    """PAPI accum (not available in this build)."""
    _unavailable()


def add_event(event_set, code):
    """PAPI add_event (not available in this build)."""
    _unavailable()


def add_events(event_set, events):
    """PAPI add_events (not available in this build)."""
    _unavailable()


def assign_event_set_component(event_set, component):
    """PAPI assign_event_set_component (not available in this build)."""
    _unavailable()


def attach(event_set, tid):
    """PAPI attach (not available in this build)."""
    _unavailable()


def create_event_set(enable_multiplex=True):
    """PAPI create_event_set (not available in this build)."""
    _unavailable()


def destroy_event_set(event_set):
    """PAPI destroy_event_set (not available in this build)."""
    _unavailable()


def detach(event_set):
    """PAPI detach (not available in this build)."""
    _unavailable()


def enable_multiplexing(event_set, component=0):
    """PAPI enable_multiplexing (not available in this build)."""
    _unavailable()


def get_event_code(name):
    """PAPI get_event_code (not available in this build)."""
    _unavailable()


def get_event_code_name(code):
    """PAPI get_event_code_name (not available in this build)."""
    _unavailable()


def init():
    """PAPI init (not available in this build)."""
    _unavailable()


def init_library():
    """PAPI init_library (not available in this build)."""
    _unavailable()


def init_multiplexing():
    """PAPI init_multiplexing (not available in this build)."""
    _unavailable()


def init_threading():
    """PAPI init_threading (not available in this build)."""
    _unavailable()


def print_hw_info():
    """PAPI print_hw_info (not available in this build)."""
    _unavailable()


def query_event(code):
    """PAPI query_event (not available in this build)."""
    _unavailable()


def read(event_set, event_set_size):
    """PAPI read (not available in this build)."""
    _unavailable()


def register_thread():
    """PAPI register_thread (not available in this build)."""
    _unavailable()


def remove_event(event_set, code):
    """PAPI remove_event (not available in this build)."""
    _unavailable()


def remove_events(event_set, events):
    """PAPI remove_events (not available in this build)."""
    _unavailable()


def reset(event_set):
    """PAPI reset (not available in this build)."""
    _unavailable()


def set_debug(level):
    """PAPI set_debug (not available in this build)."""
    _unavailable()


def shutdown():
    """PAPI shutdown (not available in this build)."""
    _unavailable()


def start(event_set):
    """PAPI start (not available in this build)."""
    _unavailable()


def stop(event_set, event_set_size):
    """PAPI stop (not available in this build)."""
    _unavailable()


def working():
    """PAPI working (not available in this build)."""
    _unavailable()


def write(event_set, values):
    """PAPI write (not available in this build)."""
    _unavailable()

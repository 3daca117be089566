"""timemory.api.papi -- PAPI's own event-set API (create_event_set, add_event, start, read...).
That API is not part of this build: every function raises RuntimeError. PAPI events are
counted by the papi_vector/papi_array components (TIMEMORY_PAPI_EVENTS) and listed by
timemory.hardware_counters, with libpapi loaded at run time."""

REASON = (
    "timemory.api.papi: PAPI's own event-set API is not part of this build; count PAPI events "
    "with the papi_vector/papi_array components (TIMEMORY_PAPI_EVENTS) and list them with "
    "timemory.hardware_counters"
)

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
    """PAPI accum (not part of this build)."""
    _unavailable()


def add_event(event_set, code):
    """PAPI add_event (not part of this build)."""
    _unavailable()


def add_events(event_set, events):
    """PAPI add_events (not part of this build)."""
    _unavailable()


def assign_event_set_component(event_set, component):
    """PAPI assign_event_set_component (not part of this build)."""
    _unavailable()


def attach(event_set, tid):
    """PAPI attach (not part of this build)."""
    _unavailable()


def create_event_set(enable_multiplex=True):
    """PAPI create_event_set (not part of this build)."""
    _unavailable()


def destroy_event_set(event_set):
    """PAPI destroy_event_set (not part of this build)."""
    _unavailable()


def detach(event_set):
    """PAPI detach (not part of this build)."""
    _unavailable()


def enable_multiplexing(event_set, component=0):
    """PAPI enable_multiplexing (not part of this build)."""
    _unavailable()


def get_event_code(name):
    """PAPI get_event_code (not part of this build)."""
    _unavailable()


def get_event_code_name(code):
    """PAPI get_event_code_name (not part of this build)."""
    _unavailable()


def init():
    """PAPI init (not part of this build)."""
    _unavailable()


def init_library():
    """PAPI init_library (not part of this build)."""
    _unavailable()


def init_multiplexing():
    """PAPI init_multiplexing (not part of this build)."""
    _unavailable()


def init_threading():
    """PAPI init_threading (not part of this build)."""
    _unavailable()


def print_hw_info():
    """PAPI print_hw_info (not part of this build)."""
    _unavailable()


def query_event(code):
    """PAPI query_event (not part of this build)."""
    _unavailable()


def read(event_set, event_set_size):
    """PAPI read (not part of this build)."""
    _unavailable()


def register_thread():
    """PAPI register_thread (not part of this build)."""
    _unavailable()


def remove_event(event_set, code):
    """PAPI remove_event (not part of this build)."""
    _unavailable()


def remove_events(event_set, events):
    """PAPI remove_events (not part of this build)."""
    _unavailable()


def reset(event_set):
    """PAPI reset (not part of this build)."""
    _unavailable()


def set_debug(level):
    """PAPI set_debug (not part of this build)."""
    _unavailable()


def shutdown():
    """PAPI shutdown (not part of this build)."""
    _unavailable()


def start(event_set):
    """PAPI start (not part of this build)."""
    _unavailable()


def stop(event_set, event_set_size):
    """PAPI stop (not part of this build)."""
    _unavailable()


def working():
    """PAPI working (not part of this build)."""
    _unavailable()


def write(event_set, values):
    """PAPI write (not part of this build)."""
    _unavailable()

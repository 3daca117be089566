"""timemory.api.papi -- PAPI event sets and counters. This build has no PAPI support: every
function raises RuntimeError."""

REASON = "timemory.api.papi: this build has no PAPI support (libtimemory was built without PAPI)"

_FUNCTIONS = (
    "working set_debug register_thread get_event_code_name detach query_event shutdown "
    "print_hw_info enable_multiplexing destroy_event_set start reset add_event remove_event "
    "assign_event_set_component init init_threading init_multiplexing init_library attach "
    "get_event_code create_event_set stop read write accum add_events remove_events"
).split()

__all__ = _FUNCTIONS + ["REASON"]


def _unavailable(name):
    def function(*args, **kwargs):
        raise RuntimeError(REASON)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"PAPI {name} (not available in this build)."
    return function


globals().update({name: _unavailable(name) for name in _FUNCTIONS})

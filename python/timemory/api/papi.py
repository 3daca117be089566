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


def _unavailable(name):
    def function(*args, **kwargs):
        raise RuntimeError(REASON)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"PAPI {name} (not available in this build)."
    return function


accum = _unavailable("accum")
add_event = _unavailable("add_event")
add_events = _unavailable("add_events")
assign_event_set_component = _unavailable("assign_event_set_component")
attach = _unavailable("attach")
create_event_set = _unavailable("create_event_set")
destroy_event_set = _unavailable("destroy_event_set")
detach = _unavailable("detach")
enable_multiplexing = _unavailable("enable_multiplexing")
get_event_code = _unavailable("get_event_code")
get_event_code_name = _unavailable("get_event_code_name")
init = _unavailable("init")
init_library = _unavailable("init_library")
init_multiplexing = _unavailable("init_multiplexing")
init_threading = _unavailable("init_threading")
print_hw_info = _unavailable("print_hw_info")
query_event = _unavailable("query_event")
read = _unavailable("read")
register_thread = _unavailable("register_thread")
remove_event = _unavailable("remove_event")
remove_events = _unavailable("remove_events")
reset = _unavailable("reset")
set_debug = _unavailable("set_debug")
shutdown = _unavailable("shutdown")
start = _unavailable("start")
stop = _unavailable("stop")
working = _unavailable("working")
write = _unavailable("write")

"""timemory.api.gperftools.cpu_profiler -- a command under gperftools' CPU profiler.

libprofiler is preloaded and CPUPROFILE names the profile: <prefix>.<exe>/gperf.<N> (N: the
first number not used there), pprof's reports beside it.
"""

import os

from . import utils

__all__ = ["execute"]


def execute(cmd, prefix="cpu.prof", freq=250, malloc_stats=0, realtime=1, preload=True,
            selected=0, generate=(), args=("--functions",), env=None):  # fmt: skip
    """Run cmd (a list) under the CPU profiler at freq samples per second (realtime: wall-clock
    timer instead of CPU time). Returns (exit code, profile path); the profile exists when the
    program ran to its exit. generate: pprof reports to make (utils.post_process)."""
    cmd = [os.fspath(part) for part in cmd]
    if not cmd:
        raise ValueError("cpu_profiler.execute: no command")
    environ = dict(os.environ if env is None else env)
    if preload:
        lib = utils.find_library_path("profiler") or utils.find_library_path(
            "tcmalloc_and_profiler"
        )
        if lib is None:
            utils.find_library("profiler")  # raises, naming the library
        utils.add_preload(lib, environ)
    profile = utils.next_profile_name(f"{prefix}.{os.path.basename(cmd[0])}")
    environ["CPUPROFILE"] = profile
    environ["CPUPROFILE_FREQUENCY"] = str(freq)
    environ["MALLOCSTATS"] = str(malloc_stats)
    if realtime:
        environ["CPUPROFILE_REALTIME"] = str(realtime)
    environ["PROFILESELECTED"] = str(selected)
    code = utils.execute(cmd, env=environ)
    if generate and os.path.exists(profile):
        utils.post_process(cmd[0], profile, generate, args)
    return code, profile

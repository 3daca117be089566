"""timemory.api.gperftools.heap_profiler -- a command under gperftools' heap profiler.

libtcmalloc is preloaded (the heap profiler only sees what tcmalloc allocates) and HEAPPROFILE
names the profiles' prefix: <prefix>.<exe>/gperf.<N>; tcmalloc writes gperf.<N>.<NNNN>.heap as
the program allocates and at its exit.
"""

import glob
import os

from . import utils

__all__ = ["execute"]


def execute(cmd, prefix="heap.prof", interval=None, preload=True, generate=(),
            args=("--functions",), env=None):  # fmt: skip
    """Run cmd (a list) with the heap profiler (interval: bytes allocated between dumps,
    HEAP_PROFILE_ALLOCATION_INTERVAL). Returns (exit code, the .heap files written, oldest
    first). generate: pprof reports of the last one (utils.post_process)."""
    cmd = [os.fspath(part) for part in cmd]
    if not cmd:
        raise ValueError("heap_profiler.execute: no command")
    environ = dict(os.environ if env is None else env)
    if preload:
        utils.add_preload(utils.find_library("tcmalloc"), environ)
    profile = utils.next_profile_name(f"{prefix}.{os.path.basename(cmd[0])}")
    environ["HEAPPROFILE"] = profile
    if interval is not None:
        environ["HEAP_PROFILE_ALLOCATION_INTERVAL"] = str(int(interval))
    code = utils.execute(cmd, env=environ)
    files = sorted(glob.glob(glob.escape(profile) + ".*.heap"))
    if generate and files:
        utils.post_process(cmd[0], files[-1], generate, args)
    return code, files

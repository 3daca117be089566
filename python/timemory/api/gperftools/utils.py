"""timemory.api.gperftools.utils -- finding gperftools, preloading it, running and pprof.

gperftools (Debian: libgoogle-perftools4 for the libraries, google-perftools for pprof) is
found at run time; nothing here imports anything outside the standard library.
"""

import ctypes.util
import os
import shutil
import subprocess

__all__ = [
    "add_preload",
    "execute",
    "find_library",
    "find_library_path",
    "find_pprof",
    "next_profile_name",
    "post_process",
]

#: what post_process can make, and the pprof option of each
GENERATE = {"text": ["--text"], "cum": ["--text", "--cum"], "callgrind": ["--callgrind"],
            "dot": ["--dot"], "raw": ["--raw"]}  # fmt: skip
_SUFFIX = {"text": ".txt", "cum": ".cum.txt", "callgrind": ".callgrind", "dot": ".dot",
           "raw": ".raw"}  # fmt: skip


def find_library_path(name):
    """The library to preload for name ("profiler", "tcmalloc", "tcmalloc_and_profiler", or a
    file name or path), as the dynamic loader names it; None when it is not installed."""
    if os.sep in name:
        return name if os.path.exists(name) else None
    if name.startswith("lib") and ".so" in name:
        name = name[3 : name.index(".so")]
    return ctypes.util.find_library(name)


def find_library(name):
    """find_library_path, or RuntimeError naming the library when gperftools is missing."""
    found = find_library_path(name)
    if found is None:
        raise RuntimeError(
            f"timemory.api.gperftools: lib{name} was not found (gperftools is not installed: "
            "apt-get install libgoogle-perftools4)"
        )
    return found


def add_preload(libs, env=None):
    """Put libs (a name or a list) in front of LD_PRELOAD of env (default: os.environ, changed
    in place); returns env."""
    env = os.environ if env is None else env
    libs = [libs] if isinstance(libs, str) else list(libs)
    current = [part for part in env.get("LD_PRELOAD", "").split(":") if part]
    env["LD_PRELOAD"] = ":".join(libs + [part for part in current if part not in libs])
    return env


def next_profile_name(folder, stem="gperf"):
    """folder/stem.N with the first N no file of the folder starts with (folder is made)."""
    os.makedirs(folder, exist_ok=True)
    names = os.listdir(folder)
    n = 0
    while any(name == f"{stem}.{n}" or name.startswith(f"{stem}.{n}.") for name in names):
        n += 1
    return os.path.join(folder, f"{stem}.{n}")


def execute(cmd, outf=None, env=None, timeout=None):
    """Run cmd (a list); its output goes to the file outf (stdout and stderr) or is inherited.
    Returns the exit code."""
    cmd = [os.fspath(part) for part in cmd]
    if outf is None:
        return subprocess.run(cmd, env=env, timeout=timeout, check=False).returncode
    with open(outf, "w") as out:
        return subprocess.run(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
        ).returncode


def find_pprof():
    """pprof or google-pprof (Debian's name), or RuntimeError."""
    found = shutil.which("google-pprof") or shutil.which("pprof")
    if found is None:
        raise RuntimeError(
            "timemory.api.gperftools: pprof was not found (apt-get install google-perftools)"
        )
    return found


def post_process(exe, profile, generate=("text",), args=("--functions",), libs=()):
    """Reports of a profile with pprof, written beside it (profile + .txt, .cum.txt,
    .callgrind, .dot, .raw); exe is the program that wrote it. Returns {kind: path}."""
    pprof = find_pprof()
    exe = shutil.which(os.fspath(exe)) or os.fspath(exe)
    written = {}
    for kind in generate:
        if kind not in GENERATE:
            raise ValueError(f"post_process: unknown kind {kind!r} (use {', '.join(GENERATE)})")
        path = f"{profile}{_SUFFIX[kind]}"
        extra = [f"--add_lib={lib}" for lib in libs]
        cmd = [pprof, *GENERATE[kind], *extra, *args, exe, os.fspath(profile)]
        with open(path, "w") as out:
            result = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"post_process: {' '.join(cmd)} failed: {result.stderr.strip()}")
        written[kind] = path
    return written

"""The process tree of a command, sampled from /proc while it runs (timem).

A sample lists /proc once and reads ``/proc/<pid>/stat`` (state, parent, start time, virtual
size, resident pages) of the tree's members and of processes not classified yet; a process seen
once outside the tree is not read again while it lives (a process outside can never become a
descendant), so a sample costs one directory listing plus one small read per member. Members
are the descendants of the root (timem's launcher, itself not counted; orphans of the command
are re-parented to it, a child subreaper); membership sticks while the process lives, so a
descendant whose parent exits stays counted. The tree's resident set is the sum of its live
members' (pages shared between them count once per process, as ``ps`` adds them).
"""

import os
import threading
import time

__all__ = ["ProcessTree"]

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _read_stat(pid):
    """(state, ppid, start time, virtual bytes, resident bytes) of pid, None when gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: the fields follow the last ')'
    fields = text[text.rfind(b")") + 2 :].split()
    if len(fields) < 22:
        return None
    return fields[0], int(fields[1]), int(fields[19]), int(fields[20]), int(fields[21]) * _PAGE


class ProcessTree:
    """Samples the resident and virtual memory of the descendants of ``root`` (and of root
    itself with ``include_root``) every ``interval`` seconds on a thread of its own, from
    ``start()`` to ``stop()``."""

    def __init__(self, root, interval=0.01, delay=0.0, include_root=False):
        self.root = int(root)
        self.include_root = bool(include_root)
        self.interval = max(float(interval), 0.0005)
        self.delay = max(float(delay), 0.0)
        self.members = {}  # pid -> start time (a reused pid is a new process)
        self.outside = set()
        self.samples = 0  # samples that found a live member
        self.peak_rss = 0  # the largest sum of resident bytes over the tree
        self.peak_processes = 0  # live members at that sample
        self.peak_vm = 0
        self.last_rss = 0  # the last sample that found a live member
        self.last_vm = 0
        self.max_processes = 0
        self.seen = set()  # (pid, start) of every member ever found
        self.cost = 0.0  # seconds spent sampling
        self.error = None
        self._stop = threading.Event()
        self._thread = None

    def sample(self):
        """One sample of the tree; returns the live members' (resident, virtual) bytes."""
        present = set()
        candidates = {}
        rss = vm = live = 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            present.add(pid)
            if pid in self.outside:
                continue
            stat = _read_stat(pid)
            if stat is None:
                continue
            if self.members.get(pid) == stat[2]:
                rss, vm, live = self._account(pid, stat, rss, vm, live)
            else:
                candidates[pid] = stat
        changed = True
        while changed and candidates:
            changed = False
            for pid, stat in list(candidates.items()):
                if pid == self.root or stat[1] in self.members:
                    self.members[pid] = stat[2]
                    if pid != self.root or self.include_root:
                        self.seen.add((pid, stat[2]))
                    rss, vm, live = self._account(pid, stat, rss, vm, live)
                    del candidates[pid]
                    changed = True
        self.outside.update(candidates)
        self.outside &= present
        for pid in [pid for pid in self.members if pid not in present]:
            del self.members[pid]
        if live:
            self.samples += 1
            self.last_rss, self.last_vm = rss, vm
            self.max_processes = max(self.max_processes, live)
            self.peak_vm = max(self.peak_vm, vm)
            if rss > self.peak_rss:
                self.peak_rss, self.peak_processes = rss, live
        return rss, vm

    def _account(self, pid, stat, rss, vm, live):
        if stat[0] == b"Z" or (pid == self.root and not self.include_root):
            return rss, vm, live  # an ended process holds no memory
        return rss + stat[4], vm + stat[3], live + 1

    def _run(self):
        try:
            if self.delay and self._stop.wait(self.delay):
                return
            while not self._stop.is_set():
                begin = time.perf_counter()
                self.sample()
                self.cost += time.perf_counter() - begin
                self._stop.wait(self.interval)
        except Exception as err:  # noqa: BLE001 (the measurement goes on without samples)
            self.error = err

    def start(self):
        self._thread = threading.Thread(target=self._run, name="timem-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

"""Markers, regions and get() from many threads at once: exact counts, nothing lost.

CI also runs this file against the extension built with ThreadSanitizer (scripts/test.sh),
which must report no race.
"""

from __future__ import annotations

import threading

import timemory
from timemory.util import marker

THREADS = 8
CALLS = 100_000


def _graph(key: str) -> int:
    """Laps of the region `key` over every thread, from the flat results."""
    data = timemory.get(components=["wall_clock"])
    total = 0
    for entry in data["timemory"]["wall_clock"]["ranks"][0]["graph"]:
        if entry["prefix"].endswith(key):
            total += entry["entry"]["laps"]
    return total


def test_eight_threads_of_markers_count_exactly():
    @marker(["wall_clock"], key="threads-exact")
    def work():
        pass

    start = threading.Barrier(THREADS)

    def run():
        start.wait()
        for _ in range(CALLS):
            work()

    threads = [threading.Thread(target=run, name=f"worker-{i}") for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _graph("threads-exact") == THREADS * CALLS


def test_results_read_while_threads_record():
    stop = threading.Event()
    done = []

    def run(i: int):
        n = 0
        while not stop.is_set() or n < 1000:
            with timemory.util.marker(["wall_clock"], key="threads-reading"):
                n += 1
        done.append(n)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    seen = [_graph("threads-reading") for _ in range(20)]
    stop.set()
    for t in threads:
        t.join()
    assert seen == sorted(seen)  # counts only grow while they are read
    assert _graph("threads-reading") == sum(done)

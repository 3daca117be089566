"""Where a program's files go (src/output.c, src/output_claim.c): two runs of one script at the
same time both keep their results (the later writer beside the first, in <folder>-<pid>, said
on the console line and once on stderr); runs one after the other replace the files in the one
folder; a process's own report and finalize share its folder; a file that cannot be written
fails alone; UTF-8 in the script's name is kept in the folder's name."""

import json
import os
import re
import subprocess
import sys

from conftest import clean_environment

SCRIPT = """
import os
import sys
import time

import timemory
from timemory.util import marker

calls, barrier, report = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "report"


@marker(["wall_clock"], key="work")
def work():
    pass


for i in range(calls):
    work()
    if report and i == 0:
        timemory.report()  # the same folder as the final output
if barrier != "-":
    # both processes have begun (and measured) before either one finalizes
    folder, name = os.path.split(barrier)
    open(f"{barrier}.{os.getpid()}", "w").close()
    deadline = time.monotonic() + 60
    while sum(n.startswith(name + ".") for n in os.listdir(folder)) < 2:
        if time.monotonic() > deadline:
            sys.exit("the other process never came")
        time.sleep(0.005)
"""


def start(tmp_path, calls, barrier="-", report=False, name="work.py"):
    script = tmp_path / name
    if not script.exists():
        script.write_text(SCRIPT)
    return subprocess.Popen(
        [sys.executable, str(script), str(calls), str(barrier), "report" if report else "-"],
        cwd=tmp_path,
        env=clean_environment({"TIMEMORY_COUT_OUTPUT": "OFF"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc):
    out, err = proc.communicate(timeout=120)
    out, err = out.decode("utf-8"), err.decode("utf-8")
    assert proc.returncode == 0, err
    return out, err


def laps(folder):
    doc = json.loads((folder / "wall.json").read_text())
    graph = doc["timemory"]["wall_clock"]["ranks"][0]["graph"]
    return [node["entry"]["laps"] for node in graph]


def folders(tmp_path, stem="timemory-work-output"):
    return sorted(p.name for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(stem))


def test_concurrent_runs_keep_both(tmp_path):
    barrier = tmp_path / "barrier"
    procs = [start(tmp_path, 3, barrier), start(tmp_path, 5, barrier)]
    results = [finish(p) for p in procs]
    pids = [p.pid for p in procs]
    # one of them moved beside the other: which one is decided by who wrote first
    moved = [i for i in range(2) if (tmp_path / f"timemory-work-output-{pids[i]}").is_dir()]
    assert len(moved) == 1, folders(tmp_path)
    moved = moved[0]
    kept = 1 - moved
    assert folders(tmp_path) == sorted(
        ["timemory-work-output", f"timemory-work-output-{pids[moved]}"]
    )
    calls = [3, 5]
    assert laps(tmp_path / "timemory-work-output") == [calls[kept]]
    assert laps(tmp_path / f"timemory-work-output-{pids[moved]}") == [calls[moved]]

    out, err = results[moved]
    assert f"[wall]|0> Outputting 'timemory-work-output-{pids[moved]}/wall.json'..." in out
    assert "Outputting 'timemory-work-output/" not in out
    assert err == (
        f"[timemory] 'timemory-work-output' holds the output of process {pids[kept]}, which wrote "
        f"it while this process (pid {pids[moved]}) ran: writing to "
        f"'timemory-work-output-{pids[moved]}' instead, so that neither overwrites the other\n"
    )
    out, err = results[kept]
    assert "[wall]|0> Outputting 'timemory-work-output/wall.json'..." in out
    assert err == ""
    # each metadata.json lists its own files
    meta = json.loads(
        (tmp_path / f"timemory-work-output-{pids[moved]}" / "metadata.json").read_text()
    )
    listed = meta["timemory"]["metadata"]["output"]["json"]
    assert f"timemory-work-output-{pids[moved]}/wall.json" in [
        p for e in listed for p in e["value"]
    ]


def test_sequential_runs_replace(tmp_path):
    for calls in (3, 5):
        out, err = finish(start(tmp_path, calls))
        assert err == ""
        assert "[wall]|0> Outputting 'timemory-work-output/wall.json'..." in out
    assert folders(tmp_path) == ["timemory-work-output"]
    assert laps(tmp_path / "timemory-work-output") == [5]


def test_report_and_finalize_share_the_folder(tmp_path):
    finish(start(tmp_path, 2))  # an earlier run's files are replaced as well
    out, err = finish(start(tmp_path, 4, report=True))
    assert err == ""
    assert out.count("[wall]|0> Outputting 'timemory-work-output/wall.json'...") == 2
    assert folders(tmp_path) == ["timemory-work-output"]
    assert laps(tmp_path / "timemory-work-output") == [4]


def test_unwritable_file_fails_alone(tmp_path):
    folder = tmp_path / "timemory-work-output"
    (folder / "wall.json").mkdir(parents=True)
    out, err = finish(start(tmp_path, 3))
    warnings = [line for line in err.splitlines() if line.startswith("[timemory]")]
    assert warnings == [
        "[timemory] warning: cannot write 'timemory-work-output/wall.json': Is a directory; the "
        "data stays in memory"
    ]
    # the failure is still reported by finalize, with its reason
    assert "OSError: finalize: file could not be written or read (Is a directory)" in err
    names = [
        "wall.flamegraph.json",
        "wall.flamegraph.svg",
        "wall.tree.json",
        "wall.txt",
        "metadata.json",
        "functions.json",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*names, "wall.json", ".timemory.lock"]
    )
    for name in names:
        text = (folder / name).read_text()
        if name.endswith(".json"):
            json.loads(text)
    assert re.search(r"\| >>> work\S*\s+\|\s+3 \|", (folder / "wall.txt").read_text())
    tree = json.loads((folder / "wall.tree.json").read_text())
    assert "wall_clock" in tree["timemory"]
    assert (folder / "wall.flamegraph.svg").read_text().rstrip().endswith("</svg>")
    for name in names[:4]:
        assert f"Outputting 'timemory-work-output/{name}'..." in out


def test_utf8_script_name(tmp_path):
    out, err = finish(start(tmp_path, 2, name="résumé-out.py"))
    assert err == ""
    folder = tmp_path / "timemory-résumé-out-output"
    assert folders(tmp_path, "timemory-") == ["timemory-résumé-out-output"]
    assert laps(folder) == [2]
    assert "[wall]|0> Outputting 'timemory-résumé-out-output/wall.json'..." in out
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    listed = meta["timemory"]["metadata"]["output"]["json"]
    assert "timemory-résumé-out-output/wall.json" in [p for e in listed for p in e["value"]]
    assert os.path.isfile(os.fsencode(folder / "wall.txt"))

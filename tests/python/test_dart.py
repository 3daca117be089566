"""CDash and CTest output (spec OUTPUT.md section 7, SETTINGS.md 4.2): the printed
``<DartMeasurement>`` tags with dart_type, dart_count and dart_label, CTestNotes.txt with
ctest_notes, and the time_output folder named by time_format. Each case runs a program."""

import json
import re
import time

PROGRAM = """
import timemory
from timemory.util import marker

timemory.settings.output_path = "out"
timemory.settings.cout_output = False
timemory.settings.flamegraph_output = False
{settings}
components = ["wall_clock", "peak_rss", "trip_count", "current_peak_rss"]
with marker(components, key="outer"):
    for _ in range(12):
        with marker(components, key="inner <x>"):
            bytearray(1 << 20)
with marker(["wall_clock"], key="last"):
    pass
timemory.finalize()
"""

TAG = re.compile(r'<DartMeasurement type="numeric/double" name="([^"]*)">([^<]*)</DartMeasurement>')


def run(run_python, tmp_path, **settings):
    text = "\n".join(f"timemory.settings.{k} = {v!r}" for k, v in settings.items())
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM.format(settings=text))
    result = run_python(path, check=True)
    assert result.stderr == ""
    return result, TAG.findall(result.stdout)


def g3(value):
    """A value as the tag prints it: three significant digits, general notation."""
    return f"{value:.3g}"


def graph(folder, label, component):
    return json.loads((folder / f"{label}.json").read_text())["timemory"][component]["ranks"][0][
        "graph"
    ]


def test_dart_label_names_and_count(run_python, tmp_path):
    # defaults: dart_label = True, dart_count = 1: one tag per component, the first entry
    result, tags = run(run_python, tmp_path, dart_output=True)
    wall = graph(tmp_path / "out", "wall", "wall_clock")[0]["entry"]["repr_data"]
    peak = graph(tmp_path / "out", "peak_rss", "peak_rss")[0]["entry"]["repr_data"]
    pair = graph(tmp_path / "out", "current_peak_rss", "current_peak_rss")[0]["entry"]["repr_data"]
    names = "current_peak_rss//MB,current_peak_rss//MB"
    assert sorted(tags) == sorted(
        [
            ("wall//sec", g3(wall)),
            ("peak_rss//MB", g3(peak)),
            ("trip_count", "1"),
            (f"INDEX_0 {names}", g3(pair["first"])),
            (f"INDEX_1 {names}", g3(pair["second"])),
        ]
    )
    # the tags follow their component's outputs
    out = result.stdout
    assert out.index("Outputting 'out/wall.txt'") < out.index('name="wall//sec"')


def test_dart_hierarchy_names_all_entries_and_type(run_python, tmp_path):
    # dart_label = False: UPPER(label)//hierarchy//unit; dart_count = 0: every entry;
    # dart_type: only that component (the name compared without case)
    result, tags = run(
        run_python, tmp_path, dart_output=True, dart_label=False, dart_count=0, dart_type="WALL"
    )
    wall = graph(tmp_path / "out", "wall", "wall_clock")
    assert tags == [
        ("WALL//outer//sec", g3(wall[0]["entry"]["repr_data"])),
        ("WALL//outerinner_x//sec", g3(wall[1]["entry"]["repr_data"])),
        ("WALL//last//sec", g3(wall[2]["entry"]["repr_data"])),
    ]

    _, tags = run(run_python, tmp_path, dart_output=True, dart_count=2, dart_type="trip_count")
    assert tags == [("trip_count", "1"), ("trip_count", "12")]  # counts: every digit

    _, tags = run(run_python, tmp_path, dart_output=True, dart_type="no_such_component")
    assert tags == []
    _, tags = run(run_python, tmp_path)  # dart_output off
    assert tags == []


def test_ctest_notes_and_time_folder(run_python, tmp_path):
    before = time.localtime()
    run(run_python, tmp_path, ctest_notes=True, time_output=True, time_format="run-%Y%m%d")
    after = time.localtime()
    stamps = {time.strftime("run-%Y%m%d", before), time.strftime("run-%Y%m%d", after)}
    folders = [p.name for p in (tmp_path / "out").iterdir() if p.is_dir()]
    assert len(folders) == 1 and folders[0] in stamps, folders
    folder = tmp_path / "out" / folders[0]
    texts = sorted(p.name for p in folder.glob("*.txt"))
    assert texts == ["current_peak_rss.txt", "peak_rss.txt", "trip_count.txt", "wall.txt"]
    assert (folder / "wall.json").is_file() and (folder / "metadata.json").is_file()

    # CTestNotes.txt in the output folder: one line per text file written, in output order
    notes = (tmp_path / "out" / "CTestNotes.txt").read_text().splitlines()
    assert sorted(notes) == sorted(
        f'LIST(APPEND CTEST_NOTES_FILES "out/{folders[0]}/{name}")' for name in texts
    )
    # a second run in the same folder adds nothing twice
    run(run_python, tmp_path, ctest_notes=True, time_output=True, time_format="run-%Y%m%d")
    again = (tmp_path / "out" / "CTestNotes.txt").read_text().splitlines()
    assert again[: len(notes)] == notes and len(set(again)) == len(again)

    # without ctest_notes nothing is written
    (tmp_path / "out" / "CTestNotes.txt").unlink()
    run(run_python, tmp_path, time_output=True, time_format="run-%Y%m%d")
    assert not (tmp_path / "out" / "CTestNotes.txt").exists()

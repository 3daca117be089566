"""Runs ``mypy --strict`` on use_api_errors.py and checks that it fails with exactly the
errors its ``# E: <code>[, <code>...]`` comments name: those codes on each marked line, no
other error. A stub that got looser (Any, a missing check) makes a marked line pass and this
script fail. Usage: python tests/typing/check_errors.py (from the repository root)."""

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "use_api_errors.py"


def expected():
    """{line number: [error codes]} from the '# E: code, ...' comments."""
    found = {}
    for number, text in enumerate(SCRIPT.read_text().splitlines(), 1):
        match = re.search(r"#\s*E:\s*([\w, -]+?)\s*$", text)
        if match:
            found[number] = sorted(code.strip() for code in match.group(1).split(","))
    return found


def main():
    want = expected()
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
         str(SCRIPT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    got = {}
    for text in run.stdout.splitlines():
        match = re.match(r".*?:(\d+): error: .*\[([\w-]+)\]$", text)
        if match:
            got.setdefault(int(match.group(1)), []).append(match.group(2))
        elif ": error:" in text:
            got.setdefault(0, []).append(text)
    problems = []
    if run.returncode == 0:
        problems.append("mypy exited 0: the deliberate errors were not reported")
    for line, codes in sorted(want.items()):
        if sorted(got.get(line, [])) != codes:
            problems.append(f"line {line}: expected {codes}, mypy reported {got.get(line, [])}")
    for line, codes in sorted(got.items()):
        if line not in want:
            problems.append(f"line {line}: unexpected {codes}")
    if problems:
        print(run.stdout + run.stderr, file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"mypy rejected all {len(want)} deliberate mistakes in {SCRIPT.name}, nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main())

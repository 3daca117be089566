"""python -m timemory.plotting / timemory-plotter: reports that plotting is not in this build."""

import sys

from . import REASON


def main():
    print(REASON, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

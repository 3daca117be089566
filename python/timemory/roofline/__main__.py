"""python -m timemory.roofline: reports that this build has no roofline support."""

import sys

from . import REASON


def main():
    print(REASON, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

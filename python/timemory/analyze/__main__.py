"""python -m timemory.analyze / timemory-analyze: see timemory.analyze."""

from . import embedded_analyze


def main():
    embedded_analyze(None)


# the original's console-script entry point
try_analyze = main

if __name__ == "__main__":
    main()

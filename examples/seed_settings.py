#!/usr/bin/env python
"""Seeds 000/001, "Settings" and "Environment Variables": set timemory settings directly and
through TIMEMORY_* variables, then print them back."""

import os

import timemory

# set verbose output to 1
timemory.settings.verbose = 1
# disable timemory debug prints
timemory.settings.debug = False
# set output data format output to json
timemory.settings.json_output = True
# disable mpi_thread mode
timemory.settings.mpi_thread = False
# enable timemory dart output
timemory.settings.dart_output = True
timemory.settings.dart_count = 1
# disable timemory banner
timemory.settings.banner = False

# enable timemory flat profile mode
os.environ["TIMEMORY_FLAT_PROFILE"] = "ON"
# enable timemory timeline profile mode
os.environ["TIMEMORY_TIMELINE_PROFILE"] = "ON"
# parse the environment variable updates within timemory
timemory.settings.parse()

if __name__ == "__main__":
    for name in (
        "verbose", "debug", "json_output", "mpi_thread", "dart_output", "dart_count", "banner",
        "flat_profile", "timeline_profile", "output_path",
    ):  # fmt: skip
        print(f"{name:20} = {getattr(timemory.settings, name)!r}")
    timemory.finalize()

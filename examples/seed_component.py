#!/usr/bin/env python
"""Seeds 000/001, "Individual Components": a stand-alone WallClock."""

import time

import timemory
from timemory.component import WallClock

# instantiate wall clock component
wc = WallClock("wall")
# start the clock
wc.start()
# sleep
time.sleep(2)
# stop the clock
wc.stop()
# get data
result = wc.get()
print(f"result = {result:.3f} {WallClock.display_unit()}, laps = {wc.laps()}")
# finalize timemory
timemory.finalize()

"""Type stub of timemory.units: time units in ticks per second, memory units in bytes."""

from typing import Final

__all__ = [
    "byte",
    "csec",
    "dsec",
    "gibibyte",
    "gigabyte",
    "kibibyte",
    "kilobyte",
    "mebibyte",
    "megabyte",
    "msec",
    "nsec",
    "pebibyte",
    "petabyte",
    "psec",
    "sec",
    "tebibyte",
    "terabyte",
    "usec",
]

psec: Final = 1000000000000
nsec: Final = 1000000000
usec: Final = 1000000
msec: Final = 1000
csec: Final = 100
dsec: Final = 10
sec: Final = 1

byte: Final = 1
kilobyte: Final = 1000
megabyte: Final = 1000000
gigabyte: Final = 1000000000
terabyte: Final = 1000000000000
petabyte: Final = 1000000000000000

kibibyte: Final = 1024
mebibyte: Final = 1048576
gibibyte: Final = 1073741824
tebibyte: Final = 1099511627776
pebibyte: Final = 1125899906842624

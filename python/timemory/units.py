"""timemory.units -- unit constants.

Time units are ticks per second (``value_in_sec * units.msec`` gives milliseconds); memory
units are bytes (decimal, as the tables print them; binary KiB..PiB are ``kibibyte``...).
"""

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
]  # fmt: skip

psec = 10**12
nsec = 10**9
usec = 10**6
msec = 10**3
csec = 10**2
dsec = 10
sec = 1

byte = 1
kilobyte = 10**3
megabyte = 10**6
gigabyte = 10**9
terabyte = 10**12
petabyte = 10**15

kibibyte = 2**10
mebibyte = 2**20
gibibyte = 2**30
tebibyte = 2**40
pebibyte = 2**50

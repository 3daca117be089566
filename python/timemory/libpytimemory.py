"""timemory.libpytimemory -- the old name of the extension module timemory.libs.libpytimemory.

``import timemory`` already registers that alias; this file exists for code that finds
modules by walking the package, and makes the alias when imported on its own."""

import sys

from .libs import libpytimemory as _extension

sys.modules[__name__] = _extension

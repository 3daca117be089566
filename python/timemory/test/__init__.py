"""timemory.test -- a self-check of the installed package: ``python -m timemory.test``.

It exercises the settings, the markers, the storage and the hash registry in this process
(unittest, no extra dependencies) and returns a non-zero exit status when a check fails. The
full test suite lives in the source tree (tests/python, pytest).
"""

import os
import unittest

__all__ = ["run"]


def run(verbosity=2):
    """Run the self-check; returns True when every test passed."""
    loader = unittest.TestLoader()
    suite = loader.discover(
        os.path.dirname(os.path.abspath(__file__)),
        pattern="test_*.py",
        top_level_dir=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    return unittest.TextTestRunner(verbosity=verbosity).run(suite).wasSuccessful()

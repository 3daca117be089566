"""Self-check of the installed package (run with ``python -m timemory.test``)."""

import time
import unittest

import timemory
from timemory import component, settings, storage
from timemory.util import marker


class SettingsTest(unittest.TestCase):
    def test_round_trip(self):
        previous = settings.verbose
        try:
            settings.verbose = 3
            self.assertEqual(settings.verbose, 3)
        finally:
            settings.verbose = previous

    def test_wrong_type(self):
        with self.assertRaises(TypeError) as caught:
            settings.verbose = "three"
        self.assertIn("verbose", str(caught.exception))


class HashTest(unittest.TestCase):
    def test_registry(self):
        key = "timemory.test hash key"
        self.assertEqual(timemory.get_hash(key), timemory.add_hash_id(key))
        self.assertEqual(timemory.get_hash_identifier(timemory.add_hash_id(key)), key)


class MarkerStorageTest(unittest.TestCase):
    def setUp(self):
        timemory.clear()

    def tearDown(self):
        timemory.clear()

    def test_nested_markers(self):
        @marker(["wall_clock"])
        def outer():
            with marker(["wall_clock"], key="inner"):
                time.sleep(0.01)

        outer()
        outer()
        results = storage.WallClockStorage.get()
        self.assertEqual([r.prefix() for r in results], [">>> outer", ">>> |_inner"])
        self.assertEqual([r.depth() for r in results], [0, 1])
        self.assertEqual(results[1].data().laps(), 2)
        self.assertGreaterEqual(results[1].data().get(), 0.02)
        self.assertEqual(results[1].hierarchy(), [results[0].hash(), results[1].hash()])

    def test_get_matches_dumps(self):
        with marker([component.wall_clock], key="dumps"):
            time.sleep(0.001)
        cls = storage.WallClockStorage
        self.assertEqual(timemory.get(components=["wall_clock"]), cls.dumps(cls.dmp_get()))


if __name__ == "__main__":
    unittest.main()

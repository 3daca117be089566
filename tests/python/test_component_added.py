"""A component added as docs/adding-a-component.md says (one table row, one sampler): the
test row of the build option TIMEMORY_TEST_COMPONENT (test_sample_counter, id 65, the 65th row)
is a component in Python too -- class, component.id member, lookup, markers, get() -- without
any Python-side change. Its sampler counts its samples, so the values are exact: a pair of
push/pop adds 1, an enclosing pair 1 more for each sample its children took.
Skipped in ordinary builds (pip install -Ccmake.define.TIMEMORY_TEST_COMPONENT=ON . runs it).
"""

import pytest
import timemory
from timemory import component
from timemory.libs import libpytimemory as lib
from timemory.util import marker

pytestmark = pytest.mark.skipif(
    not hasattr(component, "TestSampleCounter"),
    reason="the extension was built without TIMEMORY_TEST_COMPONENT",
)


@pytest.fixture
def clean():
    timemory.clear()
    yield
    timemory.clear()


def _entries(data):
    graph = data["timemory"]["test_sample_counter"]["ranks"][0]["graph"]
    return {e["prefix"].lstrip(">| _"): (e["entry"]["laps"], e["entry"]["value"]) for e in graph}


def test_added_row_is_a_component():
    assert int(component.id.test_sample_counter) == 65
    assert component.TestSampleCounter.available
    assert lib.component_find("test_samples") == 65
    assert component.mask(["test_sample_counter", "wall_clock"]) == (1 << 65) | (1 << 62)


def test_added_component_records_through_markers(clean):
    with marker(["test_sample_counter"], key="added-outer"):
        for _ in range(3):
            with marker(["test_sample_counter"], key="added-inner"):
                pass
    entries = _entries(timemory.get(components=["test_sample_counter"]))
    assert entries == {"added-outer": (1, 7), "added-inner": (3, 3)}
    text = timemory.get_text(components=["test_sample_counter"])
    assert "added-inner" in text and "test_samples" in text

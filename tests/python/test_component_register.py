"""Components registered at run time (timemory_component_register, a C plugin's call) seen
from Python: registered here through ctypes on the process's one libtimemory, a group source of
two members whose read function (a ctypes callback, for the test) reports values the test sets.
Python finds them by name, builds masks past bit 63 (public ids from 256), records them with a
marker and gets them back exactly in get() and get_text().
"""

import ctypes

import pytest
import timemory
from timemory import component
from timemory.libs import libpytimemory as lib
from timemory.util import marker

_READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64))


class _Spec(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("flags", ctypes.c_uint),
        ("unit_repr", ctypes.c_char_p),
        ("unit_value", ctypes.c_double),
        ("nmembers", ctypes.c_int),
        ("member_names", ctypes.POINTER(ctypes.c_char_p)),
        ("member_labels", ctypes.POINTER(ctypes.c_char_p)),
        ("read", _READ),
        ("context", ctypes.c_void_p),
    ]


_NOW = [0, 0]
_READS = [0]


@_READ
def _read(context, values):
    _READS[0] += 1
    values[0], values[1] = _NOW
    return 0


_NAMES = (ctypes.c_char_p * 2)(b"py_ticks_a", b"py_ticks_b")
_FIRST = []


def _register():
    if not _FIRST:
        engine = ctypes.CDLL("libtimemory.so.3")  # the copy the extension loaded
        engine.timemory_component_register.argtypes = [ctypes.POINTER(_Spec)]
        spec = _Spec(name=b"py_ticks", description=b"Ticks the test sets", flags=0x8 | 0x100)
        spec.nmembers, spec.member_names, spec.read = 2, _NAMES, _read
        _FIRST.append(engine.timemory_component_register(ctypes.byref(spec)))
    return _FIRST[0]


def test_registered_members_by_name_and_mask():
    first = _register()
    assert first >= 256
    assert lib.component_find("py_ticks_a") == first
    assert lib.component_find("PyTicksB") == first + 1
    assert component.mask(["py_ticks_b", "wall_clock"]) == (1 << (first + 1)) | (1 << 62)
    assert lib.component_suggest("py_tiks_a")[:1] == ["py_ticks_a"]
    with pytest.raises(ValueError, match="names no component"):
        lib.get_json(1 << (first + 40))


def test_registered_group_recorded_by_a_marker():
    _register()
    timemory.clear()
    _READS[0] = 0
    _NOW[:] = [1, 10]
    with marker(["py_ticks_a", "py_ticks_b"], key="py-registered"):
        _NOW[:] = [4, 30]
    assert _READS[0] == 2  # one read of the group at the push, one at the pop
    data = timemory.get(components=["py_ticks_a", "py_ticks_b"])["timemory"]
    assert sorted(data) == ["py_ticks_a", "py_ticks_b"]
    for name, value in (("py_ticks_a", 3), ("py_ticks_b", 20)):
        (entry,) = data[name]["ranks"][0]["graph"]
        assert entry["prefix"].endswith("py-registered")
        assert (entry["entry"]["laps"], entry["entry"]["value"]) == (1, value)
    assert "py_ticks_b" in timemory.get_text(components=["py_ticks_b"])
    timemory.clear()

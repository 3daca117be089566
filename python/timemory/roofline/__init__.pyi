"""Type stub of timemory.roofline: roofline plots from ERT results and roofline components'
ai/op-mode outputs."""

import os
from collections.abc import Sequence
from typing import Any

from typing_extensions import TypeAlias

__all__ = [
    "BANDWIDTHS",
    "COMPONENTS",
    "IMAGE_TYPES",
    "RTYPES",
    "ceilings",
    "hotspots",
    "plot_roofline",
    "run",
]

_Source: TypeAlias = str | bytes | os.PathLike[str] | dict[str, Any]

BANDWIDTHS: tuple[str, ...]
COMPONENTS: dict[str, str]
RTYPES: tuple[str, ...]
IMAGE_TYPES: tuple[str, ...]

def ceilings(
    ert: _Source,
    bandwidth: Sequence[str] | None = None,
    rtype: str | None = "cpu_roofline",
    rank: int = 0,
) -> dict[str, Any]: ...
def hotspots(
    ai_data: _Source | None, op_data: _Source | None, rank: int = 0
) -> list[dict[str, Any]]: ...
def plot_roofline(
    ai_data: _Source | None = None,
    op_data: _Source | None = None,
    *,
    ert: _Source | None = None,
    display: bool = False,
    output_file: str = "roofline",
    output_dir: str | os.PathLike[str] = ".",
    image_type: str = "png",
    title: str = "Roofline",
    width: int = 1600,
    height: int = 1200,
    dpi: int = 100,
    bandwidth: Sequence[str] | None = None,
    rtype: str = "cpu_roofline",
    rank: int = 0,
    echo_dart: bool = False,
) -> str: ...
def run(
    command: Sequence[str],
    *,
    rtype: str = "cpu_roofline",
    output_dir: str | os.PathLike[str] = ".",
    rerun: str | None = None,
    keep_going: bool = False,
    num_threads: int | None = None,
    env: dict[str, str] | None = None,
    **plot_options: Any,
) -> str: ...

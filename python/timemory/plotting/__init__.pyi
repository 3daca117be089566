"""Type stub of timemory.plotting."""

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, Literal

from typing_extensions import Self, TypeAlias

from . import speedscope as speedscope

__all__ = [
    "EXTRA_HINT",
    "PlottingUnavailable",
    "add_plotted_files",
    "display_units",
    "echo_dart_tag",
    "embedded_plot",
    "make_output_directory",
    "plot",
    "plot_all",
    "plot_data",
    "plot_generic",
    "plot_maximums",
    "plot_parameters",
    "plotted_files",
    "read",
    "speedscope",
    "timemory_data",
]

_Source: TypeAlias = Mapping[str, Any] | str | os.PathLike[str] | IO[str]
_Metric: TypeAlias = Literal["self", "inclusive"]

EXTRA_HINT: str
METRICS: tuple[str, ...]
IMAGE_TYPES: tuple[str, ...]
MIN_FONT_SIZE: float
LABEL_WIDTH: int
plotted_files: list[tuple[str, str | None]]

class PlottingUnavailable(ImportError): ...

class plot_parameters:
    min_percent: float
    img_dpi: int
    img_size: dict[str, int]
    img_type: str
    log_xaxis: bool
    font_size: float
    max_entries: int
    metric: str
    def __init__(
        self,
        min_percent: float = 0.05,
        img_dpi: int = 150,
        img_size: Mapping[str, int] | None = None,
        img_type: str = "png",
        log_xaxis: bool = False,
        font_size: float = 11,
        max_entries: int = 32,
        metric: str = "self",
    ) -> None: ...

class timemory_data:
    prefix: str
    value: list[float]
    exclusive: list[float]
    laps: int
    mean: float | None
    min: float | None
    max: float | None
    def __init__(
        self,
        prefix: str,
        value: float | Sequence[float],
        laps: int = 0,
        mean: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive: float | Sequence[float] | None = None,
    ) -> None: ...
    def values(self, metric: str = "inclusive") -> list[float]: ...
    def magnitude(self, metric: str = "inclusive") -> float: ...
    def __iadd__(self, other: timemory_data) -> Self: ...

class plot_data:
    name: str
    label: str
    description: str
    units: str
    labels: list[str]
    filename: str | None
    title: str
    additive: bool
    data: dict[str, timemory_data]
    def __init__(
        self,
        name: str,
        label: str,
        description: str,
        units: str,
        labels: list[str],
        filename: str | None = None,
        title: str | None = None,
        additive: bool = True,
    ) -> None: ...
    def add(self, entry: timemory_data) -> None: ...
    def metric(self, params: plot_parameters) -> _Metric: ...
    def total(self, params: plot_parameters) -> float: ...
    def heaviest(self, params: plot_parameters) -> list[timemory_data]: ...
    def __len__(self) -> int: ...

def display_units(component: Mapping[str, Any], graph: Iterable[Any]) -> str: ...
def read(data: _Source, filename: str | None = None) -> list[plot_data]: ...
def make_output_directory(directory: str | None) -> str: ...
def add_plotted_files(path: str, title: str | None = None) -> None: ...
def echo_dart_tag(name: str, filepath: str, img_type: str = "png") -> None: ...
def plot(
    data: Iterable[plot_data | _Source] | None = None,
    files: Iterable[str | os.PathLike[str]] | None = None,
    plot_params: plot_parameters | None = None,
    combine: bool = False,
    display: bool = False,
    output_dir: str = ".",
    echo_dart: bool | None = None,
    titles: Sequence[str] | None = None,
    filename: str | None = None,
) -> list[str]: ...

plot_all = plot

def plot_generic(
    pdata: plot_data | _Source,
    filename: str,
    plot_params: plot_parameters | None = None,
    display: bool = False,
    output_dir: str = ".",
    echo_dart: bool | None = None,
) -> str: ...
def plot_maximums(
    output_name: str,
    title: str,
    data: Iterable[plot_data | _Source] | None = None,
    files: Iterable[str | os.PathLike[str]] | None = None,
    plot_params: plot_parameters | None = None,
    display: bool = False,
    output_dir: str = ".",
    echo_dart: bool | None = None,
) -> str: ...
def table(
    pdata: plot_data, params: plot_parameters | None = None, stream: IO[str] | None = None
) -> None: ...
def embedded_plot(argv: Iterable[str]) -> int: ...
def plot_outputs(
    metadata: Mapping[str, Any] | None = None, echo_dart: bool | None = None
) -> list[str]: ...

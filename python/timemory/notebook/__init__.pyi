"""Type stub of timemory.notebook (the IPython magics %timemory and %%timemory)."""

from typing import Any

__all__ = ["Report", "load_ipython_extension", "unload_ipython_extension"]

class _Row:
    depth: int
    label: str
    count: int
    inclusive: float | tuple[float, ...]
    exclusive: float | tuple[float, ...]
    percent: float | None
    children: list[_Row]

class _Component:
    name: str
    id: int | None
    label: str
    description: str
    unit: str
    rows: list[_Row]
    files: list[str]
    def file(self, suffix: str) -> str | None: ...
    root: str | None
    def outside(self) -> list[_Row]: ...
    def find(self, label: str) -> list[_Row]: ...

class Report:
    text: str
    files: list[str]
    folder: str
    note: str | None
    limit: int
    threshold: float
    components: dict[str, _Component]
    def __init__(
        self,
        text: str,
        document: dict[str, Any] | None,
        files: list[str],
        folder: str,
        note: str | None = None,
        limit: int = 50,
        threshold: float = 1.0,
        root: str | None = None,
    ) -> None: ...
    def html(self) -> str: ...
    def _repr_html_(self) -> str: ...
    def _repr_pretty_(self, printer: Any, cycle: bool) -> None: ...

def load_ipython_extension(ipython: Any) -> None: ...
def unload_ipython_extension(ipython: Any) -> None: ...

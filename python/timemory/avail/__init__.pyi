"""Type stub of timemory.avail (the engine's components, settings and hardware counters)."""

from collections.abc import Iterable

__all__ = [
    "Table",
    "component_table",
    "hw_counter_table",
    "settings_table",
    "tables",
]

class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    code: set[int]
    centered: set[int]
    note: str | None
    def __init__(
        self,
        title: str,
        columns: Iterable[str],
        rows: Iterable[Iterable[str]],
        code: Iterable[int] = (),
        centered: Iterable[int] = (),
        note: str | None = None,
    ) -> None: ...
    def filter(self, pattern: str, names_only: bool = False) -> Table: ...
    def sort(self) -> Table: ...
    def truncate(self, width: int) -> Table: ...
    def fit(self, total: int) -> Table: ...
    def text(self, highlight: str | None = None) -> str: ...
    def markdown(self) -> str: ...
    def csv(self) -> str: ...

def component_table(
    brief: bool = False,
    value: bool = False,
    enum: bool = False,
    language: bool = False,
    string: bool = False,
    filename: bool = False,
    description: bool = False,
    markdown: bool = False,
) -> Table: ...
def settings_table(
    brief: bool = False, value: bool = False, language: bool = False, description: bool = False
) -> Table: ...
def hw_counter_table(
    brief: bool = False, language: bool = False, description: bool = False
) -> Table: ...
def tables(
    components: bool = True,
    settings: bool = False,
    hw_counters: bool = False,
    brief: bool = False,
    value: bool = False,
    enum: bool = False,
    language: bool = False,
    string: bool = False,
    filename: bool = False,
    description: bool = False,
    markdown: bool = False,
) -> list[Table]: ...

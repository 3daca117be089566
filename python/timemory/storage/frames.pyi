"""Type stub of timemory.storage.frames (pandas DataFrames of results)."""

import os
from typing import Any

__all__ = [
    "FLAT_COLUMNS",
    "TREE_COLUMNS",
    "read_folder",
    "split_label",
    "storage_to_dataframe",
    "to_dataframe",
]

FLAT_COLUMNS: list[str]
TREE_COLUMNS: list[str]

def split_label(label: str) -> tuple[str, str | None, int | None]: ...
def read_folder(folder: str | os.PathLike[str], hierarchy: bool = False) -> dict[str, Any]: ...
def to_dataframe(data: Any = None, hierarchy: bool | None = None, components: Any = None) -> Any: ...
def storage_to_dataframe(cls: type, hierarchy: bool = False) -> Any: ...

"""The documents k2brief builds, each a function from validated tables to artifacts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import BuildError

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import DatasetMeta
    from pipeline.outputs import Artifact
    from pipeline.settings import Settings

    Producer = Callable[[Mapping[str, pd.DataFrame], DatasetMeta, Settings], list[Artifact]]

# Module paths, imported only when a document is built, so `--help` stays instant.
REGISTRY: dict[str, str] = {
    "briefing": "pipeline.briefing:produce_briefing",
    "handout": "pipeline.briefing:produce_handout",
    "comparison-chart": "pipeline.chart.produce:produce_chart",
}
#: The tables each document reads (None: every table). A change to any other table leaves
#: the document up to date; reading an undeclared table fails the build, so this stays true.
TABLES: dict[str, tuple[str, ...] | None] = {
    "briefing": None,
    "handout": ("sources", "cautions", "foods", "studies"),
    "comparison-chart": ("sources", "vitamin_roles", "cautions", "foods", "studies"),
}
DESCRIPTOR = "datapackage.json"


class DeclaredTables(Mapping[str, "pd.DataFrame"]):
    """The tables one document declared it reads; asking for another is a bug, said loudly."""

    def __init__(self, document: str, tables: Mapping[str, pd.DataFrame]) -> None:
        self._document, self._tables = document, tables
        declared = TABLES.get(document)
        self._names = tuple(tables) if declared is None else declared

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise BuildError(
                f"the {self._document} read the {name} table, which pipeline/documents.py "
                "does not list among its TABLES; add it there so edits to it rebuild the document"
            )
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def data_files_used(document: str, data_dir: Path) -> set[str] | None:
    """Name the data files a document depends on: the descriptor and its tables' files."""
    from pipeline.dataset import table_files

    declared, files = TABLES.get(document), table_files(data_dir)
    if declared is None or not files:
        return None  # every file, also when the descriptor cannot be read
    return {DESCRIPTOR, *(files[name] for name in declared if name in files)}


def producer(name: str) -> Producer:
    """Return the function that builds the named document from the tables it declares."""
    module, _, function = REGISTRY[name].partition(":")
    produce = getattr(import_module(module), function)

    def produce_declared(
        tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
    ) -> list[Artifact]:
        used = data_files_used(name, settings.data_dir)
        # The fingerprint a document prints covers the files it was built from.
        meta = meta if used is None else meta.limited_to(used)
        return produce(DeclaredTables(name, tables), meta, settings)

    return produce_declared

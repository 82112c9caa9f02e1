"""The documents k2brief builds, each a function from validated tables to artifacts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.meta import DatasetMeta
    from pipeline.outputs import Artifact
    from pipeline.settings import Settings

    Producer = Callable[[Mapping[str, pd.DataFrame], DatasetMeta, Settings], list[Artifact]]

# Module paths, imported only when a document is built, so `--help` stays instant.
REGISTRY: dict[str, str] = {
    "briefing": "pipeline.briefing:produce_briefing",
    "handout": "pipeline.briefing:produce_handout",
    "comparison-chart": "pipeline.comparison:produce_chart",
}


def producer(name: str) -> Producer:
    """Import and return the function that builds the named document."""
    module, _, function = REGISTRY[name].partition(":")
    return getattr(import_module(module), function)

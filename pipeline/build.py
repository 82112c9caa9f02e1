"""Build every selected document: validate, gather all outputs in memory, then write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.documents import REGISTRY, producer
from pipeline.errors import InvalidDataError
from pipeline.meta import load_meta
from pipeline.outputs import Artifact, write_all
from pipeline.settings import Settings


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    artifacts: tuple[Artifact, ...]
    written: tuple[Path, ...]


def selected_documents(settings: Settings) -> list[str]:
    """Return the documents to build, in the registry's stable order."""
    return [name for name in REGISTRY if not settings.only or name in settings.only]


def build(settings: Settings) -> BuildResult:
    """Validate the data and build the documents; write nothing unless all succeed."""
    from pipeline.validate import validate_package

    result = validate_package(settings.data_dir)
    if not result.report.valid:
        raise InvalidDataError(result.report)
    meta = load_meta(settings.data_dir)
    artifacts: list[Artifact] = []
    for name in selected_documents(settings):
        artifacts += producer(name)(result.tables, meta, settings)
    written = write_all(settings.out_dir, artifacts)
    return BuildResult(tuple(artifacts), tuple(written))

"""Build the selected documents: skip what is up to date, render the rest, write all at once."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.documents import REGISTRY, producer
from pipeline.errors import BuildError, InvalidDataError
from pipeline.manifest import (
    MANIFEST,
    SUMS,
    Inputs,
    data_hashes,
    document_inputs,
    manifest_bytes,
    read_manifest,
    sha256_bytes,
    sums_bytes,
    versions,
)
from pipeline.outputs import Artifact, write_all
from pipeline.settings import Settings

LOCK = ".k2brief.lock"
# Set in the parent just before forking workers, so the tables are inherited, not pickled.
_SHARED: dict[str, Any] = {}


@dataclass(frozen=True)
class DocumentStatus:
    """One row of the build summary."""

    name: str
    status: str  # "built" or "up to date"
    pages: int | None
    size: int
    seconds: float
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class BuildResult:
    """What a build did, document by document, and the files it wrote."""

    documents: tuple[DocumentStatus, ...]
    written: tuple[Path, ...]


def selected_documents(settings: Settings) -> list[str]:
    """Return the documents to build, in the registry's stable order."""
    return [name for name in REGISTRY if not settings.only or name in settings.only]


def build_options(settings: Settings) -> dict[str, object]:
    """Return the settings that change what a document looks like."""
    return {"paper": settings.paper, "pdf_variant": settings.pdf_variant}


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder, refusing a second concurrent build."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"another k2brief build is writing to {out_dir} (it holds {out_dir / LOCK}); "
                "wait for it to finish and run again"
            ) from None
        yield
    finally:
        os.close(fd)


def is_up_to_date(previous: Mapping[str, Any], name: str, inputs: Inputs, out_dir: Path) -> bool:
    """Tell whether the last build of a document used the same inputs and its files remain."""
    entry = previous.get("documents", {}).get(name)
    if not entry or entry.get("key") != inputs.key():
        return False
    outputs = previous.get("outputs", {})
    for output in entry.get("outputs", []):
        path = out_dir / output
        if not path.is_file() or path.stat().st_size != outputs.get(output, {}).get("bytes"):
            return False
    return True


def _produce(name: str) -> tuple[list[Artifact], float]:
    """Build one document from the shared tables (runs in a worker or in-process)."""
    start = time.perf_counter()
    tables, meta, settings = _SHARED["tables"], _SHARED["meta"], _SHARED["settings"]
    return producer(name)(tables, meta, settings), time.perf_counter() - start


def _produce_all(names: list[str], jobs: int, report: Callable[[str], None]) -> dict[str, Any]:
    """Build documents in worker processes (or in-process for one job); keep registry order."""
    if jobs <= 1 or len(names) <= 1:
        results = {}
        for name in names:
            report(f"building {name}")
            results[name] = _produce(name)
        return results
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(names))) as pool:
            futures = {name: pool.submit(_produce, name) for name in names}
            for name in names:
                report(f"building {name}")
            return {name: futures[name].result() for name in names}
    except BrokenProcessPool:
        raise BuildError("a worker process died while rendering; nothing was written") from None


def _validated_tables(settings: Settings) -> Mapping[str, Any]:
    """Validate the data package and return its typed tables, or stop the build."""
    from pipeline.validate import validate_package

    result = validate_package(settings.data_dir)
    if not result.report.valid:
        raise InvalidDataError(result.report)
    return result.tables


def _new_manifest(
    previous: Mapping[str, Any],
    inputs: Mapping[str, Inputs],
    built: Mapping[str, list[Artifact]],
) -> dict[str, Any]:
    """Merge this build's documents into the previous manifest's entries."""
    documents = dict(previous.get("documents", {}))
    outputs = dict(previous.get("outputs", {}))
    for name, artifacts in built.items():
        documents[name] = {"key": inputs[name].key(), "outputs": [a.name for a in artifacts]}
        for artifact in artifacts:
            outputs[artifact.name] = {
                "sha256": sha256_bytes(artifact.data),
                "bytes": len(artifact.data),
                "pages": artifact.pages,
            }
    files: dict[str, str] = {}
    for entry in inputs.values():
        files.update(entry.files)
    return {
        "generator": "k2brief",
        "versions": versions(),
        "inputs": [{"path": path, "sha256": digest} for path, digest in sorted(files.items())],
        "documents": documents,
        "outputs": outputs,
    }


def build(
    settings: Settings,
    *,
    force: bool = False,
    jobs: int = 1,
    report: Callable[[str], None] = lambda _line: None,
) -> BuildResult:
    """Validate and build what is out of date; write nothing unless everything succeeds."""
    out_dir = settings.out_dir
    with build_lock(out_dir):
        previous = read_manifest(out_dir)
        names = selected_documents(settings)
        options = build_options(settings)
        data = data_hashes(settings.data_dir)
        inputs = {
            name: document_inputs(name, data, settings.templates_dir, options) for name in names
        }
        stale = [n for n in names if force or not is_up_to_date(previous, n, inputs[n], out_dir)]
        results: dict[str, Any] = {}
        written: list[Path] = []
        if stale:
            from pipeline.meta import load_meta

            _SHARED.update(
                tables=_validated_tables(settings),
                meta=load_meta(settings.data_dir),
                settings=settings,
            )
            try:
                results = _produce_all(stale, jobs, report)
            finally:
                _SHARED.clear()
            manifest = _new_manifest(previous, inputs, {n: r[0] for n, r in results.items()})
            artifacts = [a for name in stale for a in results[name][0]]
            artifacts += [
                Artifact(MANIFEST, manifest_bytes(manifest)),
                Artifact(SUMS, sums_bytes(manifest["outputs"])),
            ]
            # The manifest is renamed last, so it never describes files not yet in place.
            written = write_all(out_dir, artifacts)
            previous = manifest
    return BuildResult(_statuses(names, results, previous), tuple(written))


def _statuses(
    names: list[str], results: Mapping[str, Any], manifest: Mapping[str, Any]
) -> tuple[DocumentStatus, ...]:
    """Summarise each document: built or up to date, pages, bytes, seconds."""
    rows = []
    for name in names:
        entry = manifest.get("documents", {}).get(name, {})
        files = entry.get("outputs", [])
        info = [manifest.get("outputs", {}).get(f, {}) for f in files]
        pages = next((i.get("pages") for i in info if i.get("pages")), None)
        size = sum(int(i.get("bytes", 0)) for i in info)
        seconds = results[name][1] if name in results else 0.0
        status = "built" if name in results else "up to date"
        rows.append(DocumentStatus(name, status, pages, size, seconds, tuple(files)))
    return tuple(rows)

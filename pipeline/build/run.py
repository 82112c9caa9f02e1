"""Build the selected documents: skip what is up to date, render the rest, write all at once."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build import workers
from pipeline.documents import REGISTRY, producer
from pipeline.errors import BuildError, InvalidDataError
from pipeline.build.manifest import (
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
from pipeline.build.progress import QUEUED, STARTED, STEP, UP_TO_DATE, Event, Progress
from pipeline.pdf.steps import weasyprint_steps
from pipeline.settings import Settings
from pipeline.build.workers import Outcome

LOCK = ".k2brief.lock"
# Set in the parent just before forking workers, so the tables are inherited, not pickled.
_SHARED: dict[str, Any] = {}


@dataclass(frozen=True)
class DocumentStatus:
    """One row of the build summary."""

    name: str
    status: str  # "built", "up to date", "failed" or "not written" (another one failed)
    pages: int | None
    size: int
    seconds: float
    outputs: tuple[str, ...]


class DocumentsFailed(BuildError):
    """One or more documents failed to render, so nothing was written."""

    def __init__(self, failed: Mapping[str, Outcome], documents: tuple[DocumentStatus, ...]):
        by_reason: dict[str, list[str]] = {}
        for name, outcome in failed.items():
            by_reason.setdefault(str(outcome.error), []).append(name)
        # One line per reason: a dead worker takes every document in progress down with it.
        lines = [f"{', '.join(names)} failed: {reason}" for reason, names in by_reason.items()]
        super().__init__("\n".join([*lines, "nothing was written"]))
        self.documents = documents
        self.details = {name: outcome.details for name, outcome in failed.items()}


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
    workers.emit(Event(name, STARTED))
    start = time.perf_counter()
    tables, meta, settings = _SHARED["tables"], _SHARED["meta"], _SHARED["settings"]
    with weasyprint_steps(lambda step: workers.emit(Event(name, STEP, step))):
        artifacts = producer(name)(tables, meta, settings)
    return artifacts, time.perf_counter() - start


def _validated_tables(settings: Settings) -> Mapping[str, Any]:
    """Validate the data package and return its typed tables, or stop the build."""
    from pipeline.validate.package import validate_package

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
    progress: Progress = lambda _event: None,
) -> BuildResult:
    """Validate and build what is out of date; write nothing unless everything succeeds.

    progress receives an Event as each document is queued, starts, steps and ends (nothing
    when every document is up to date); DocumentsFailed names any document that failed.
    """
    out_dir = settings.out_dir
    with build_lock(out_dir):
        previous = read_manifest(out_dir)
        names = selected_documents(settings)
        options = build_options(settings)
        data = data_hashes(settings.data_dir)
        inputs = {
            name: document_inputs(name, data, settings.templates_dir, options, settings.data_dir)
            for name in names
        }
        stale = [n for n in names if force or not is_up_to_date(previous, n, inputs[n], out_dir)]
        outcomes: dict[str, Outcome] = {}
        written: list[Path] = []
        if stale:
            for name in names:
                progress(Event(name, QUEUED if name in stale else UP_TO_DATE))
            outcomes = _render(settings, stale, jobs, progress, data)
            if any(o.artifacts is None for o in outcomes.values()):
                failed = {name: o for name, o in outcomes.items() if o.error is not None}
                raise DocumentsFailed(failed, _statuses(names, outcomes, previous, written=False))
            built = {name: list(o.artifacts or ()) for name, o in outcomes.items()}
            manifest = _new_manifest(previous, inputs, built)
            artifacts = [a for name in stale for a in built[name]]
            artifacts += [
                Artifact(MANIFEST, manifest_bytes(manifest)),
                Artifact(SUMS, sums_bytes(manifest["outputs"])),
            ]
            # The manifest is renamed last, so it never describes files not yet in place.
            written = write_all(out_dir, artifacts)
            previous = manifest
    return BuildResult(_statuses(names, outcomes, previous), tuple(written))


def _render(
    settings: Settings, names: list[str], jobs: int, progress: Progress, data: Mapping[str, str]
) -> dict[str, Outcome]:
    """Validate the data, then render the named documents from its tables."""
    from pipeline.dataset import load_meta

    # The files were hashed for the build keys; a million-row table is not hashed twice.
    hashes = tuple((path.removeprefix("data/"), digest) for path, digest in data.items())
    meta = load_meta(settings.data_dir, hashes)
    _SHARED.update(tables=_validated_tables(settings), meta=meta, settings=settings)
    try:
        return workers.run(_produce, names, jobs, progress)
    finally:
        _SHARED.clear()


def _statuses(
    names: list[str],
    outcomes: Mapping[str, Outcome],
    manifest: Mapping[str, Any],
    *,
    written: bool = True,
) -> tuple[DocumentStatus, ...]:
    """Summarise each document: its status, pages, bytes and seconds."""
    rows = []
    for name in names:
        outcome = outcomes.get(name)
        if outcome is None:
            rows.append(_up_to_date(name, manifest))
            continue
        made = outcome.artifacts or ()
        pages = next((a.pages for a in made if a.pages), None)
        size = sum(len(a.data) for a in made)
        status = "failed" if outcome.error else "built" if written else "not written"
        files = tuple(a.name for a in made)
        rows.append(DocumentStatus(name, status, pages, size, outcome.seconds, files))
    return tuple(rows)


def _up_to_date(name: str, manifest: Mapping[str, Any]) -> DocumentStatus:
    """Summarise a document left as it was, from the manifest that describes it."""
    files = manifest.get("documents", {}).get(name, {}).get("outputs", [])
    info = [manifest.get("outputs", {}).get(f, {}) for f in files]
    pages = next((i.get("pages") for i in info if i.get("pages")), None)
    size = sum(int(i.get("bytes", 0)) for i in info)
    return DocumentStatus(name, "up to date", pages, size, 0.0, tuple(files))

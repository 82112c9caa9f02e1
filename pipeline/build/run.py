"""Build the selected documents: skip what is up to date, render the rest, write all at once."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import documents as registry
from pipeline.brand.project import with_brand
from pipeline.build import workers
from pipeline.build.manifest import MANIFEST, SUMS, Manifest, document_inputs
from pipeline.build.progress import QUEUED, STARTED, STEP, UP_TO_DATE, Event, Progress
from pipeline.build.workers import Outcome
from pipeline.dataset import Dataset
from pipeline.documents import Document, by_name, produce
from pipeline.errors import BuildError, InvalidDataError, os_errors
from pipeline.outputs import Artifact, write_all
from pipeline.pdf.steps import weasyprint_steps
from pipeline.settings import Settings

LOCK = ".k2brief.lock"


@dataclass(frozen=True)
class RenderJob:
    """What every document of one build is made from; forked workers inherit it whole."""

    documents: tuple[Document, ...]
    tables: Mapping[str, Any]
    dataset: Dataset
    settings: Settings
    #: The build's cache of food sums (context.foods.FoodSums), shared by its documents.
    food_sums: object = None
    #: The comparison with the --since edition (changes.compare.Comparison), or None.
    changes: object = None


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


def selected_documents(settings: Settings, documents: Sequence[Document]) -> list[Document]:
    """Return the documents to build, in the registry's stable order."""
    return [doc for doc in documents if not settings.only or doc.name in settings.only]


def build_options(settings: Settings) -> dict[str, object]:
    """Return the settings that change what a document looks like."""
    return {"paper": settings.paper, "pdf_variant": settings.pdf_variant}


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder, refusing a second concurrent build."""
    with os_errors("create the output folder", out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    with os_errors("create the lock file", out_dir / LOCK):
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


def _produce(job: RenderJob, name: str, emit: Progress) -> tuple[list[Artifact], float]:
    """Build one document of the job (in a worker or in-process), reporting its steps."""
    emit(Event(name, STARTED))
    start = time.perf_counter()
    document = by_name(name, job.documents)
    with weasyprint_steps(lambda step: emit(Event(name, STEP, step))):
        artifacts = produce(
            document, job.tables, job.dataset, job.settings, job.food_sums, job.changes
        )
    return artifacts, time.perf_counter() - start


def _job(documents: list[Document], dataset: Dataset, settings: Settings) -> RenderJob:
    """Validate the data and gather what every document is made from."""
    from pipeline.context.foods import FoodSums

    tables = _validated_tables(settings)
    _check_translations(tables, documents, settings)
    changes = None
    if settings.since is not None and any(doc.shows_changes for doc in documents):
        from pipeline.changes.compare import compare_paths

        changes = compare_paths(settings.since, settings.data_dir)
    return RenderJob(tuple(documents), tables, dataset, settings, FoodSums(tables), changes)


#: Warnings that fail a strict build (CI): an overdue review turns the scheduled run red.
STRICT_CODES = frozenset({"review-overdue"})


def _validated_tables(settings: Settings) -> Mapping[str, Any]:
    """Validate the data package and return its typed tables, or stop the build."""
    from pipeline.validate.package import validate_package

    result = validate_package(settings.data_dir, settings.today)
    if not result.report.valid:
        raise InvalidDataError(result.report)
    return result.tables


def check_strict(settings: Settings) -> None:
    """In strict mode, stop on the warnings CI must not let pass, even with nothing to build."""
    from pipeline.report import make_report
    from pipeline.validate.review import read_review_findings
    from pipeline.validate.schema import PACKAGE_FILE

    if not settings.strict:
        return
    findings = read_review_findings(settings.data_dir / PACKAGE_FILE, settings.today)
    failing = [f for f in findings if f.code in STRICT_CODES]
    if failing:
        codes = ", ".join(sorted({f.code for f in failing}))
        raise InvalidDataError(
            make_report(failing), f"strict mode fails on {codes}; no output was written"
        )


def _since_option(settings: Settings) -> dict[str, object]:
    """Return the key option of the --since edition: its data's hash (none without one)."""
    if settings.since is None:
        return {}
    from pipeline.changes.edition import edition_digest

    return {"since": edition_digest(settings.since)}


def _check_translations(
    tables: Mapping[str, Any], documents: list[Document], settings: Settings
) -> None:
    """Stop a build whose translations are orphaned or, with --strict, stale.

    A translation missing for a cell a document shows is found as that document renders.
    """
    from pipeline.i18n import languages
    from pipeline.report import make_report
    from pipeline.validate.translations import row_findings

    langs = sorted({doc.lang for doc in documents} - {registry.ENGLISH})
    findings = [
        finding
        for lang in langs
        for finding in row_findings(tables, lang, languages(), settings.data_dir)
    ]
    failing = [f for f in findings if f.severity == "error" or settings.strict]
    if failing:
        raise InvalidDataError(make_report(failing))


def build(
    settings: Settings,
    *,
    documents: Sequence[Document] | None = None,
    force: bool = False,
    jobs: int = 1,
    progress: Progress = lambda _event: None,
) -> BuildResult:
    """Validate and build what is out of date; write nothing unless everything succeeds.

    documents defaults to the registry in pipeline/documents.py. progress receives an Event
    as each document is queued, starts, steps and ends (nothing when every document is up to
    date); DocumentsFailed names any document that failed.
    """
    out_dir = settings.out_dir
    if documents is None:
        documents = registry.with_languages(settings.langs)
    chosen = selected_documents(settings, documents)
    names = [doc.name for doc in chosen]
    check_strict(settings)
    since = _since_option(settings)
    settings = with_brand(settings)
    with build_lock(out_dir):
        previous = Manifest.load(out_dir)
        # The data package is read and hashed once; everything after works from this.
        dataset = Dataset.read(settings.data_dir)
        options = build_options(settings)
        inputs = {
            doc.name: document_inputs(
                doc,
                dataset,
                settings.template_dirs,
                options | (since if doc.shows_changes else {}),
                settings.brand_files,
            )
            for doc in chosen
        }
        stale = [n for n in names if force or not previous.is_up_to_date(n, inputs[n], out_dir)]
        outcomes: dict[str, Outcome] = {}
        written: list[Path] = []
        if stale:
            for name in names:
                progress(Event(name, QUEUED if name in stale else UP_TO_DATE))
            job = _job(chosen, dataset, settings)
            outcomes = workers.run(_produce, job, stale, jobs, progress)
            if any(o.artifacts is None for o in outcomes.values()):
                failed = {name: o for name, o in outcomes.items() if o.error is not None}
                raise DocumentsFailed(failed, _statuses(names, outcomes, previous, written=False))
            built = {name: list(o.artifacts or ()) for name, o in outcomes.items()}
            manifest = previous.with_built(inputs, built)
            artifacts = [a for name in stale for a in built[name]]
            artifacts += [
                Artifact(MANIFEST, manifest.to_bytes()),
                Artifact(SUMS, manifest.sums_bytes()),
            ]
            # The manifest is renamed last, so it never describes files not yet in place.
            written = write_all(out_dir, artifacts)
            previous = manifest
    return BuildResult(_statuses(names, outcomes, previous), tuple(written))


def _statuses(
    names: list[str],
    outcomes: Mapping[str, Outcome],
    manifest: Manifest,
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


def _up_to_date(name: str, manifest: Manifest) -> DocumentStatus:
    """Summarise a document left as it was, from the manifest that describes it."""
    entry = manifest.documents.get(name)
    files = entry.outputs if entry else ()
    return DocumentStatus(
        name, "up to date", manifest.pages(name), manifest.size(name), 0.0, tuple(files)
    )

"""What `k2brief serve` shows: each document's last good HTML, its status and the problems."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import documents as registry
from pipeline.build.manifest import language_inputs
from pipeline.build.progress import BUILT, FAILED, QUEUED, STARTED, STEP, UP_TO_DATE, Event
from pipeline.documents import Document
from pipeline.settings import Settings

UP_TO_DATE_STATUS, WAITING, REBUILDING, FAILED_STATUS = (
    "up to date",
    "waiting",
    "rebuilding",
    "failed",
)
#: The page name the index's reload script waits on.
INDEX = "index"


@dataclass(frozen=True)
class DocView:
    """One document as the server shows it; replaced whole, never changed in place."""

    name: str
    max_pages: int | None
    has_html: bool
    html: str | None = None
    #: What the HTML was rendered from (data files, templates, paper); unchanged means skip.
    key: str = ""
    status: str = WAITING
    step: str = ""
    pages: int | None = None
    #: This document's own problems: a template error, or why its PDF failed.
    problems: tuple[str, ...] = ()
    #: Bumped whenever what its page shows changes, so the page knows to reload.
    version: int = 0
    #: Its built PDF's pages as PNGs, in order, kept in memory (never written to output/).
    images: tuple[bytes, ...] = ()
    #: The numbers (from 1) of the pages whose image differs from the previous build's.
    changed: tuple[int, ...] = ()
    #: The SHA-256 of the PDF the images were drawn from; the same PDF is not drawn again.
    pdf_sha: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything the server shows at one moment."""

    version: int
    documents: tuple[DocView, ...]
    #: The data's findings (file:line:column: code: message (hint)), shown on every page.
    findings: tuple[str, ...] = field(default_factory=tuple)

    def document(self, name: str) -> DocView | None:
        """Return the named document, or None."""
        return next((doc for doc in self.documents if doc.name == name), None)

    def token(self, page: str) -> int:
        """Return the number a page's reload script compares to know it is out of date."""
        doc = self.document(page)
        return self.version if doc is None else doc.version


class Preview:
    """The state serve's pages are made from, changed by renders and builds, read by requests."""

    def __init__(self, settings: Settings, documents: Sequence[Document] | None = None) -> None:
        self.settings = settings
        chosen = registry.with_languages(settings.langs) if documents is None else documents
        self._docs = {
            doc.name: DocView(doc.name, doc.max_pages, doc.html_context is not None)
            for doc in chosen
        }
        self.documents = tuple(chosen)
        self._version = 0
        self._findings: tuple[str, ...] = ()
        self._changed = threading.Condition()
        self._closed = False
        #: Held while rendering, so a build process is never started in the middle of one.
        self.busy = threading.Lock()

    def snapshot(self) -> Snapshot:
        """Return what the pages show now."""
        with self._changed:
            return Snapshot(self._version, tuple(self._docs.values()), self._findings)

    def wait(self, page: str, token: int, timeout: float) -> int:
        """Wait until a page's token differs from token (or timeout), and return the current one."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or self.snapshot_token(page) != token, timeout
            )
            return self.snapshot_token(page)

    def snapshot_token(self, page: str) -> int:
        """Return a page's current token; the caller holds the condition."""
        doc = self._docs.get(page)
        return self._version if doc is None else doc.version

    def close(self) -> None:
        """Wake every waiting request, so the server can stop at once."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def update(self, name: str, **changes: object) -> None:
        """Change one document's view; its page reloads only when what it shows changed."""
        with self._changed:
            old = self._docs[name]
            new = replace(old, **changes)
            if new == old:
                return
            shown = ("html", "problems") if old.has_html else ("status", "pages", "problems")
            shown += ("images", "changed")
            if any(getattr(new, key) != getattr(old, key) for key in shown):
                new = replace(new, version=old.version + 1)
            self._docs[name] = new
            self._version += 1
            self._changed.notify_all()

    def set_findings(self, findings: tuple[str, ...]) -> None:
        """Show the data's findings on every page (none: the data is valid)."""
        with self._changed:
            if findings == self._findings:
                return
            self._findings = findings
            self._version += 1
            for name, doc in self._docs.items():
                self._docs[name] = replace(doc, version=doc.version + 1)
            self._changed.notify_all()

    def refresh(self) -> list[str]:
        """Validate the data and re-render the HTML of each document it changed; return them."""
        with self.busy:
            return self._refresh()

    def _refresh(self) -> list[str]:
        """Render what changed, recording the data's findings or a document's template error."""
        from pipeline.brand.project import with_brand
        from pipeline.context.foods import FoodSums
        from pipeline.dataset import Dataset
        from pipeline.documents import document_html
        from pipeline.errors import InvalidDataError
        from pipeline.render import css_tokens
        from pipeline.report import format_report
        from pipeline.validate.package import validate_package

        try:
            settings = with_brand(self.settings)
        except InvalidDataError as error:
            text = format_report(error.report, "text", base=self.settings.data_dir.parent)
            self.set_findings(tuple(text.splitlines()))
            return []
        dataset = Dataset.read(settings.data_dir)
        result = validate_package(settings.data_dir)
        if not result.report.valid:
            text = format_report(result.report, "text", base=settings.data_dir.parent)
            self.set_findings(tuple(text.splitlines()))
            return []
        self.set_findings(())
        templates = ":".join(
            templates_key(folder) for folder in (*settings.template_dirs, *settings.brand_files)
        )
        food_sums = FoodSums(result.tables)
        rendered = []
        for document in self.documents:
            view = self._docs[document.name]
            key = f"{dataset.meta(document.tables).sha256}:{templates}:{settings.paper}"
            if document.lang != registry.ENGLISH:
                # A translated document also reads its language's rows and catalogue.
                key += ":" + str(sorted(language_inputs(settings.data_dir, document.lang).items()))
            if view.key == key:
                continue
            # The tokens of css/base.css are cached per folder; a saved template may change them.
            css_tokens.cache_clear()
            self.update(document.name, key=key, status=WAITING, step="")
            if not view.has_html:
                continue
            try:
                html = document_html(document, result.tables, dataset, settings, food_sums)
            except Exception as error:  # a template error is the author's to fix, not a crash
                self.update(document.name, problems=(_describe(error),), key="")
                continue
            self.update(document.name, html=html, problems=())
            rendered.append(document.name)
        return rendered

    def on_event(self, event: Event) -> None:
        """Show a build's progress event on the document's row."""
        name = event.document
        if name not in self._docs:
            return
        if event.kind == QUEUED:
            self.update(name, status=WAITING, step="")
        elif event.kind in (STARTED, STEP):
            self.update(name, status=REBUILDING, step=event.text)
        elif event.kind == UP_TO_DATE:
            self.update(name, status=UP_TO_DATE_STATUS, step="")
        elif event.kind == BUILT:
            # Rendered, not yet written: the build writes every file at once at its end.
            self.update(name, status=REBUILDING, step="rendered, written with the others")
        elif event.kind == FAILED:
            problem = f"{name}.pdf failed: {event.text}; output/ keeps the last good files"
            self.update(name, status=FAILED_STATUS, step="", problems=(problem,))

    def on_built(self, pages: dict[str, int | None]) -> None:
        """Mark every document up to date after a build wrote (or needed to write) nothing more."""
        for name, count in pages.items():
            if name in self._docs:
                keep = self._docs[name].problems if self._docs[name].key == "" else ()
                self.update(name, status=UP_TO_DATE_STATUS, step="", pages=count, problems=keep)

    def on_pdfs(self) -> None:
        """Draw each document's PDF in output/ as page images, marking the pages that changed."""
        from pipeline.pdf.images import page_pngs

        for document in self.documents:
            pdf = next((name for name in document.outputs if name.endswith(".pdf")), None)
            path = self.settings.out_dir / pdf if pdf else None
            if path is None or not path.is_file():
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            old = self._docs[document.name]
            if digest == old.pdf_sha:  # the same PDF as the previous build: nothing changed
                self.update(document.name, changed=())
                continue
            try:
                images = page_pngs(data)
            except Exception as error:  # a PDF PDFium cannot read keeps the previous images
                problem = f"{pdf}: cannot draw its pages: {type(error).__name__}: {error}"
                self.update(document.name, problems=(*old.problems, problem))
                continue
            changed = changed_pages(old.images, images)
            self.update(document.name, images=images, changed=changed, pdf_sha=digest)

    def on_build_error(self, message: str, *, invalid: bool = False) -> None:
        """Mark the documents not built: the data is invalid or the build failed as a whole."""
        for name, doc in self._docs.items():
            if doc.status == FAILED_STATUS:
                continue
            problems = doc.problems if invalid else (f"not built: {message}",)
            self.update(name, status=FAILED_STATUS, step="", problems=problems)


def changed_pages(old: tuple[bytes, ...], new: tuple[bytes, ...]) -> tuple[int, ...]:
    """Return the numbers (from 1) of the new pages whose image differs from the old one's."""
    if not old:  # a first build has nothing to compare with
        return ()
    return tuple(n for n, png in enumerate(new, 1) if n > len(old) or old[n - 1] != png)


def templates_key(templates_dir: Path) -> str:
    """Fingerprint a folder (or one file) by each file's name, size and modification time."""
    digest = hashlib.sha256()
    files = [templates_dir] if templates_dir.is_file() else sorted(templates_dir.rglob("*"))
    for path in files:
        if path.is_file():
            stat = path.stat()
            name = path.relative_to(templates_dir) if path != templates_dir else path.name
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _describe(error: BaseException) -> str:
    """Describe a rendering error with the template and line when Jinja2 knows them."""
    name = getattr(error, "filename", None) or getattr(error, "name", None)
    line = getattr(error, "lineno", None)
    where = f"templates/{Path(name).name}:{line}: " if name and line else ""
    return f"{where}{type(error).__name__}: {error}"

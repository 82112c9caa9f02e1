"""Turn an HTML string into PDF bytes with WeasyPrint; the only module importing it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.errors import BuildError, ResourceRefusedError

#: Families the stylesheets ask for; anything else in the PDF is a silent fallback.
INTENDED_FONTS = frozenset({"Inter", "Noto Serif"})


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and what the build checks about it."""

    data: bytes
    pages: int
    fonts: frozenset[str]
    warnings: tuple[str, ...]


@cache
def _fetcher_class():
    """Create the URL fetcher class only when WeasyPrint is imported."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        """Stop rendering: a resource outside the allowed places was asked for."""

    class ProjectOnlyFetcher(URLFetcher):
        """Serve data: URIs and files inside the allowed folder; refuse everything else."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
            self.root = root.resolve()

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            raise Refused(f"refused to fetch {url!r}: only data: URIs and files in {self.root}")

    return ProjectOnlyFetcher, Refused


def make_fetcher(root: Path):
    """Return a URL fetcher that only serves files under root and data: URIs."""
    fetcher_cls, _ = _fetcher_class()
    return fetcher_cls(root)


def _identifier(seed: str) -> bytes:
    """Derive the PDF file identifier from content, never from the clock."""
    return hashlib.sha256(seed.encode()).hexdigest()[:32].encode()


class _Collect(logging.Handler):
    """Keep WeasyPrint's warnings and errors so strict mode can fail on them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_warnings() -> Iterator[_Collect]:
    """Attach a collecting handler to WeasyPrint's logger for one render."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True)
class Rendered:
    """A laid-out WeasyPrint document and the warnings WeasyPrint gave while laying it out."""

    document: Any
    warnings: tuple[str, ...]


def render_document(html: str, *, base_dir: Path) -> Rendered:
    """Lay out HTML with WeasyPrint, refusing outside resources and keeping its warnings."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    _, refused = _fetcher_class()
    with _collect_warnings() as collected:
        try:
            document = weasyprint.HTML(
                string=html,
                base_url=base_dir.resolve().as_uri() + "/",
                url_fetcher=make_fetcher(base_dir),
            ).render(font_config=FontConfiguration())
        except refused as error:
            raise ResourceRefusedError(str(error)) from None
    return Rendered(document, tuple(collected.messages))


def write_pdf(
    rendered: Rendered,
    *,
    variant: str | None = None,
    strict: bool = False,
    identifier: str,
) -> PdfResult:
    """Write a laid-out document as a tagged PDF, checking its fonts and, if strict, warnings."""
    with _collect_warnings() as collected:
        data = rendered.document.write_pdf(
            pdf_tags=True,
            pdf_variant=variant,
            custom_metadata=True,
            # A content-derived identifier keeps rebuilds byte-identical.
            pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
        )
    used = frozenset(font.family for font in rendered.document.fonts.values())
    if not used <= INTENDED_FONTS:
        raise BuildError(
            f"fonts fell back to {sorted(used - INTENDED_FONTS)}; install fonts-inter and "
            "fonts-noto-core (sudo apt-get install fonts-inter fonts-noto-core)"
        )
    messages = (*rendered.warnings, *collected.messages)
    if strict and messages:
        raise BuildError("WeasyPrint reported problems (strict mode):\n  " + "\n  ".join(messages))
    return PdfResult(data, len(rendered.document.pages), used, messages)


def html_to_pdf(
    html: str,
    *,
    base_dir: Path,
    variant: str | None = None,
    strict: bool = False,
    identifier: str = "",
) -> PdfResult:
    """Render HTML to a tagged PDF, refusing outside resources and checking the fonts."""
    rendered = render_document(html, base_dir=base_dir)
    return write_pdf(rendered, variant=variant, strict=strict, identifier=identifier or html)


@dataclass(frozen=True)
class BoxRect:
    """Where one laid-out box sits on its page, in CSS pixels from the page's top left."""

    page: int
    region: str | None
    is_region: bool
    is_leaf: bool
    x: float
    y: float
    width: float
    height: float
    text: str = ""


@dataclass(frozen=True)
class PageLayout:
    """The boxes of a rendered document, for checks that its content fits."""

    pages: int
    content: tuple[float, float, float, float]
    boxes: tuple[BoxRect, ...]
    #: The laid-out document, so a layout that fits can be written without laying it out again.
    rendered: Rendered | None = field(default=None, compare=False, repr=False)


def _rect(box: object, text_box: type) -> tuple[float, float, float, float]:
    """Return a text box's glyph run or any other box's border box as x, y, width, height."""
    if isinstance(box, text_box):
        return box.position_x, box.position_y, box.width, box.height
    return box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()


def layout_boxes(html: str, *, base_dir: Path, marker: str = "data-fit") -> PageLayout:
    """Lay out HTML and list its boxes, each tagged with its nearest `marker` region."""
    return document_boxes(render_document(html, base_dir=base_dir), marker)


def document_boxes(rendered: Rendered, marker: str = "data-fit") -> PageLayout:
    """List a laid-out document's boxes, each tagged with its nearest `marker` region."""
    from weasyprint.formatting_structure import boxes

    document = rendered.document
    found: list[BoxRect] = []

    def walk(box: object, page: int, region: str | None, owner: object) -> None:
        box = getattr(box, "_box", box)  # absolute placeholders wrap the real box
        element = getattr(box, "element", None)
        name = element.get(marker) if element is not None else None
        starts = name is not None and element is not owner
        if starts:
            region, owner = name, element
        leaf = isinstance(box, boxes.TextBox | boxes.ReplacedBox)
        if starts or leaf:
            text = box.text if isinstance(box, boxes.TextBox) else ""
            found.append(BoxRect(page, region, starts, leaf, *_rect(box, boxes.TextBox), text))
        for child in getattr(box, "children", ()):
            walk(child, page, region, owner)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, None, None)
    page_box = document.pages[0]._page_box
    content = (
        page_box.content_box_x(),
        page_box.content_box_y(),
        page_box.width,
        page_box.height,
    )
    return PageLayout(len(document.pages), content, tuple(found), rendered)


def marked_extents(
    rendered: Rendered, marker: str = "data-measure"
) -> dict[str, tuple[float, float]]:
    """Return the margin box's top and bottom, in CSS pixels, of each element marked `marker`."""
    found: dict[str, tuple[float, float]] = {}

    def walk(box: object) -> None:
        box = getattr(box, "_box", box)
        element = getattr(box, "element", None)
        name = element.get(marker) if element is not None else None
        if name is not None and name not in found:
            found[name] = (box.position_y, box.position_y + box.margin_height())
        for child in getattr(box, "children", ()):
            walk(child)

    for page in rendered.document.pages:
        walk(page._page_box)
    return found

"""Turn an HTML string into PDF bytes with WeasyPrint; the only module importing it."""

from __future__ import annotations

import ctypes
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.errors import BuildError, ResourceRefusedError

#: Families the stylesheets ask for; anything else in the PDF is a silent fallback.
INTENDED_FONTS = frozenset({"Inter", "Noto Serif"})
#: The variant name for a tagged PDF that claims no conformance (WeasyPrint's default).
TAGGED = "tagged"
#: What every document is written as unless --pdf-variant says otherwise.
DEFAULT_VARIANT = "pdf/ua-1"


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
    fonts: frozenset[str] = frozenset(),
) -> PdfResult:
    """Write a laid-out document as a tagged PDF, checking its fonts and, if strict, warnings.

    fonts names the families a brand embeds, accepted beside Inter and Noto Serif.

    variant is a WeasyPrint PDF variant ("pdf/ua-1", "pdf/a-3u", …), or "tagged" or None
    for a tagged PDF that claims no conformance. The structure tree is then repaired
    (pipeline/pdf/structure.py) so that PDF/UA validators accept it.
    """
    from pipeline.pdf.structure import repair_structure

    with _collect_warnings() as collected:
        data = rendered.document.write_pdf(
            pdf_tags=True,
            pdf_variant=None if variant in (None, TAGGED) else variant,
            custom_metadata=True,
            # A content-derived identifier keeps rebuilds byte-identical.
            pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
        )
    used = frozenset(font.family for font in rendered.document.fonts.values())
    if not used <= INTENDED_FONTS | fonts:
        raise BuildError(
            f"fonts fell back to {sorted(used - INTENDED_FONTS - fonts)}; install fonts-inter and "
            "fonts-noto-core (sudo apt-get install fonts-inter fonts-noto-core)"
        )
    data = repair_structure(data, object_streams=not (variant or "").startswith("pdf/a"))
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
    fonts: frozenset[str] = frozenset(),
) -> PdfResult:
    """Render HTML to a tagged PDF, refusing outside resources and checking the fonts."""
    rendered = render_document(html, base_dir=base_dir)
    return write_pdf(
        rendered, variant=variant, strict=strict, identifier=identifier or html, fonts=fonts
    )


@cache
def pango_version() -> str:
    """Ask the Pango library for its version without importing WeasyPrint."""
    try:
        pango = ctypes.CDLL("libpango-1.0.so.0")
    except OSError:
        return "missing"
    pango.pango_version_string.restype = ctypes.c_char_p
    return pango.pango_version_string().decode()


@cache
def font_files() -> tuple[Path, ...]:
    """Return the font files of the two families the documents embed."""
    roots = [Path("/usr/share/fonts/opentype/inter"), Path("/usr/share/fonts/truetype/noto")]
    found = [p for root in roots if root.is_dir() for p in sorted(root.glob("*"))]
    return tuple(p for p in found if p.name.startswith(("Inter", "NotoSerif-")))

"""Draw PDF pages as PNGs with PDFium (pypdfium2): the chart's PNG, serve's page thumbnails."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

#: The PNG's stated resolution: sharp enough for slides, about 2,300 px across A4.
PNG_DPI = 200
#: The thumbnails' resolution in `k2brief serve`: about 330 px across A4, enough to see layout.
THUMBNAIL_DPI = 40


@dataclass(frozen=True)
class PageImages:
    """The same PDF page as a PNG."""

    png: bytes


def page_images(pdf: bytes, dpi: int = PNG_DPI) -> PageImages:
    """Draw the first page of a PDF as a PNG at dpi, without transparency."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return PageImages(png=_png(document[0], dpi))
    finally:
        document.close()


def page_pngs(pdf: bytes, dpi: int = THUMBNAIL_DPI) -> tuple[bytes, ...]:
    """Draw every page of a PDF as a PNG at dpi, in order; the same PDF gives the same bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return tuple(_png(document[index], dpi) for index in range(len(document)))
    finally:
        document.close()


def _png(page: Any, dpi: int) -> bytes:
    """Draw one PDFium page as a PNG at dpi, its size the page's at dpi, without transparency."""
    width, height = page.get_size()
    # PDFium rounds the bitmap down; the PNG's size must be the page's at dpi, rounded.
    size = (round(width / 72 * dpi), round(height / 72 * dpi))
    bitmap = page.render(scale=dpi / 72, may_draw_forms=False)
    image = bitmap.to_pil().convert("RGB")
    if image.size != size:
        image = image.resize(size)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()

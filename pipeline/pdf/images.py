"""Draw a one-page PDF as a PNG with PDFium (pypdfium2), so the chart's files agree."""

from __future__ import annotations

import io
from dataclasses import dataclass

#: The PNG's stated resolution: sharp enough for slides, about 2,300 px across A4.
PNG_DPI = 200


@dataclass(frozen=True)
class PageImages:
    """The same PDF page as a PNG."""

    png: bytes


def page_images(pdf: bytes, dpi: int = PNG_DPI) -> PageImages:
    """Draw the first page of a PDF as a PNG at dpi, without transparency."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        # PDFium rounds the bitmap down; the PNG's size must be the page's at dpi, rounded.
        size = (round(width / 72 * dpi), round(height / 72 * dpi))
        bitmap = page.render(scale=dpi / 72, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
        if image.size != size:
            image = image.resize(size)
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
        return PageImages(png=out.getvalue())
    finally:
        document.close()

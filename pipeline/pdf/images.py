"""Turn a one-page PDF into a PNG and an SVG with PyMuPDF, so all three files agree."""

from __future__ import annotations

from dataclasses import dataclass

#: The PNG's stated resolution: sharp enough for slides, about 2,300 px across A4.
PNG_DPI = 200


@dataclass(frozen=True)
class PageImages:
    """The same PDF page as an SVG (text kept as text) and as a PNG."""

    svg: bytes
    png: bytes


def page_images(pdf: bytes, dpi: int = PNG_DPI) -> PageImages:
    """Draw the first page of a PDF as SVG with selectable text and as PNG at dpi."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        page = document[0]
        svg = page.get_svg_image(text_as_path=False).encode("utf-8")
        pixmap = page.get_pixmap(dpi=dpi, alpha=False)
        return PageImages(svg=svg, png=pixmap.tobytes("png"))

"""k2brief serve shows each built PDF's pages as images, the pages that changed marked."""

from __future__ import annotations

import io

from pipeline.pdf.images import page_pngs


def boxes_pdf(widths: list[float]) -> bytes:
    """Return an A4 PDF with one page per width, each a black box that wide."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    for width in widths:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Contents = pdf.make_stream(f"0 0 0 rg 50 400 {width} 100 re f".encode())
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_every_page_is_drawn_in_order_and_the_same_pdf_gives_the_same_pngs() -> None:
    first = page_pngs(boxes_pdf([100, 200, 300]))
    assert len(first) == 3
    assert all(png.startswith(b"\x89PNG") for png in first)
    assert len(set(first)) == 3
    assert page_pngs(boxes_pdf([100, 200, 300])) == first
    again = page_pngs(boxes_pdf([100, 250, 300]))
    assert [old == new for old, new in zip(first, again, strict=True)] == [True, False, True]

"""k2brief serve shows each built PDF's pages as images, the pages that changed marked."""

from __future__ import annotations

import io
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest

from pipeline.build import serve as serve_module
from pipeline.build.pages import page_strip, served_document
from pipeline.build.preview import DocView, Snapshot, changed_pages
from pipeline.documents import Document
from pipeline.outputs import Artifact
from pipeline.pdf.images import page_pngs
from pipeline.settings import Settings
from tests.build.test_serve import NATTO, fetch, wait_for
from tests.support import copy_data, set_cell

if TYPE_CHECKING:
    import pandas as pd


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


# A tiny three-page document whose second page alone shows natto's MK-7 amount.

TINY = Document("tiny", "handout.html.j2", ("foods",), f"{__name__}:produce_tiny", ("tiny.pdf",))


def produce_tiny(
    document: Document, tables: Mapping[str, pd.DataFrame], meta: object, settings: Settings
) -> list[Artifact]:
    """Draw three pages: fixed boxes on the first and third, natto's amount on the second."""
    foods = tables["foods"]
    natto = foods[(foods["food_id"] == "natto") & (foods["vitamin"] == "K2")]
    amount = float(natto["amount_per_100g"].iloc[0])
    return [Artifact("tiny.pdf", boxes_pdf([100, amount / 5, 300]), pages=3)]


def serve_tiny(tmp_path: Path, check: Callable[[str, Path], None]) -> None:
    """Serve the tiny document in this (the main) thread, PDFs built behind, while check runs."""
    data = copy_data(tmp_path / "data")
    settings = Settings(data_dir=data, out_dir=tmp_path / "out")
    lines: list[str] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def checker() -> None:
        try:
            assert wait_for(lambda: any(line.startswith("serving on") for line in lines)), lines
            url = next(line.split()[2] for line in lines if line.startswith("serving on"))
            check(url.rstrip("/"), data)
        except BaseException as error:  # handed to the main thread, which raises it
            failures.append(error)
        finally:
            stop.set()

    thread = threading.Thread(target=checker)
    thread.start()
    # serve starts its build process's server, which only the main thread may do.
    serve_module.serve(settings, lines.append, port=0, stop=stop, documents=(TINY,))
    thread.join(timeout=15)
    assert not thread.is_alive()
    if failures:
        raise failures[0]
    assert lines[-1] == "stopped"
    pdfs = [path.name for path in (tmp_path / "out").iterdir() if path.suffix == ".pdf"]
    assert pdfs == ["tiny.pdf"]
    assert not list((tmp_path / "out").rglob("*.png"))  # the page images stay in memory


def figures(index: str) -> list[tuple[str, str]]:
    """Return each page thumbnail's class and image address, in order."""
    return re.findall(r'<figure class="([^"]*)" data-page="\d+"><img src="([^"]+)"', index)


def fetch_bytes(base: str, path: str) -> bytes:
    """GET a file of the server and return its bytes."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read()


def test_the_pdf_pages_show_once_built_and_a_change_marks_only_its_page(tmp_path: Path) -> None:
    serve_tiny(tmp_path, check_pages)


def check_pages(base: str, data: Path) -> None:
    """See the tiny document's three pages, then only its second page marked after a save."""
    assert wait_for(lambda: figures(fetch(base, "/")), timeout=60)
    shown = figures(fetch(base, "/"))
    assert [address for _, address in shown] == [f"/pages/tiny/{n}.png" for n in (1, 2, 3)]
    assert len(shown) == len(pypdf.PdfReader(data.parent / "out" / "tiny.pdf").pages)
    assert [css for css, _ in shown] == ["page"] * 3  # a first build: nothing to compare with
    pngs = [fetch_bytes(base, address) for _, address in shown]
    assert pngs == list(page_pngs((data.parent / "out" / "tiny.pdf").read_bytes()))

    set_cell(data / "foods.csv", NATTO, "amount_per_100g", "1500")
    assert wait_for(lambda: "page changed" in dict(figures(fetch(base, "/"))), timeout=60)
    index = fetch(base, "/")
    assert [css for css, _ in figures(index)] == ["page", "page changed", "page"]
    assert "page 2 · changed" in index
    assert fetch_bytes(base, "/pages/tiny/2.png") != pngs[1]
    assert fetch_bytes(base, "/pages/tiny/1.png") == pngs[0]
    for missing in ("/pages/tiny/4.png", "/pages/tiny/0.png", "/pages/nothing/1.png"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            fetch(base, missing)
        assert raised.value.code == 404


def test_changed_pages_are_those_whose_image_differs_or_is_new() -> None:
    assert changed_pages((), (b"a", b"b")) == ()
    assert changed_pages((b"a", b"b"), (b"a", b"c")) == (2,)
    assert changed_pages((b"a",), (b"x", b"a", b"b")) == (1, 2, 3)
    assert changed_pages((b"a", b"b"), (b"a",)) == ()


def test_a_served_document_shows_its_pages_with_the_changed_ones_marked() -> None:
    doc = DocView("handout", 2, True, images=(b"1", b"2"), changed=(2,))
    page = served_document("<html><body><p>x</p></body></html>", "handout", Snapshot(1, (doc,)))
    assert page.index(page_strip(doc)) < page.index("</body>")
    assert '<figure class="page" data-page="1"><img src="/pages/handout/1.png"' in page
    assert '<figure class="page changed" data-page="2">' in page
    assert "<figcaption>page 2 · changed</figcaption>" in page
    assert page_strip(DocView("handout", 2, True)) == ""

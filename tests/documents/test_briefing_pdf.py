"""The PDFs by structure: pages, paper, outline, metadata, tags, fonts, links and text."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from pipeline.dataset import Dataset
from pipeline.documents import by_name, produce_handout
from pipeline.formats import fmt_number
from tests.support import (
    DATA,
    DOCS,
    bundled_meta,
    bundled_tables,
    settings,
)

pytestmark = pytest.mark.pdf

A4 = (595, 842)
LETTER = (612, 792)
# About 30 pages on A4 since the evidence base grew to 71 results on 25 outcomes; Letter
# pages are shorter, so allow more.
BRIEFING_PAGES = {A4: range(20, 34), LETTER: range(20, 40)}


@pytest.fixture(scope="module")
def reader(bundled_build: Callable[..., dict[str, bytes]]) -> Callable[..., PdfReader]:
    """Return a function opening one built PDF, built with the given flags."""
    return lambda name, *flags: PdfReader(io.BytesIO(bundled_build(*flags)[f"{name}.pdf"]))


def page_size(pdf: PdfReader) -> tuple[int, int]:
    """Return the first page's size in points, rounded."""
    box = pdf.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def all_text(pdf: PdfReader) -> str:
    """Return the text of every page, whitespace collapsed."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def outline_titles(items: list, depth: int = 0) -> list[tuple[int, str]]:
    """Flatten the outline into (depth, title) pairs."""
    flat = []
    for item in items:
        if isinstance(item, list):
            flat += outline_titles(item, depth + 1)
        else:
            flat.append((depth, item.title))
    return flat


@pytest.mark.parametrize(("flags", "size"), [((), A4), (("--paper", "letter"), LETTER)])
def test_page_counts_and_paper(flags: tuple[str, ...], size: tuple[int, int], reader):
    briefing, handout = reader("briefing", *flags), reader("handout", *flags)
    assert len(briefing.pages) in BRIEFING_PAGES[size]
    assert 1 <= len(handout.pages) <= 2
    assert page_size(briefing) == size
    assert page_size(handout) == size


def test_outline_follows_the_headings(reader):
    pdf = reader("briefing")
    titles = outline_titles(pdf.outline)
    names = [title for _, title in titles]
    for section in ("Key points", "Safety first", "Food sources", "What the studies found"):
        assert section in names
    assert "Randomised controlled trials" in names
    warning = bundled_tables()["cautions"].query("severity == 'warning'")["title"].iloc[0]
    assert warning in names, "the warning is one click away"
    assert {depth for depth, _ in titles} >= {0, 1, 2}, "sections nest under the title"
    sections = [title for depth, title in titles if depth == 1]
    assert sections[-2:] == ["References", "About this briefing"]


def test_toc_page_numbers_match_where_sections_start(reader):
    pdf = reader("briefing")
    toc = " ".join(pdf.pages[0].extract_text().split())
    starts = {
        item.title: pdf.get_destination_page_number(item) + 1 for item in _flat_items(pdf.outline)
    }
    for title in ("Key points", "Food sources", "What the studies found", "References"):
        match = re.search(re.escape(title) + r"[ .]*(\d+)", toc)
        assert match, f"{title} is in the table of contents"
        assert int(match.group(1)) == starts[title]


def _flat_items(items: list) -> list[Destination]:
    """Flatten the outline into its destinations."""
    flat = []
    for item in items:
        flat += _flat_items(item) if isinstance(item, list) else [item]
    return flat


@pytest.mark.parametrize("name", DOCS)
def test_metadata_comes_from_the_data_never_the_clock(name: str, reader):
    meta = bundled_meta()
    info = reader(name).metadata
    assert info.title
    assert "Vitamin K2" in info.title
    assert info.author == "k2brief"
    assert info.subject
    assert "keywords" not in info.subject.lower()
    assert "ectopic calcification" in info["/Keywords"]
    assert info.creator == f"k2brief {meta.k2brief_version}"
    assert info.creation_date.astimezone(UTC) == meta.date
    assert info.modification_date.astimezone(UTC) == meta.date
    # The fingerprint covers the data files this document reads (every file for the briefing).
    assert info["/k2briefdatasha256"] == Dataset.read(DATA).meta(by_name(name).tables).sha256
    assert info["/k2briefdataversion"] == meta.version
    assert info["/k2briefversion"] == meta.k2brief_version


@pytest.mark.parametrize("name", DOCS)
def test_tagged_pdf_in_english(name: str, reader):
    root = reader(name).trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root


@pytest.mark.parametrize("name", DOCS)
def test_only_inter_and_noto_serif_are_used_and_embedded(name: str, reader):
    families = set()
    for page in reader(name).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            base = str(font["/BaseFont"]).split("+", 1)[-1]
            families.add("Noto Serif" if base.startswith("Noto-Serif") else base.split("-")[0])
            descriptor = (font.get("/DescendantFonts") or [font])[0].get_object()
            descriptor = descriptor.get("/FontDescriptor", descriptor).get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), base
    assert families == {"Inter", "Noto Serif"}


@pytest.mark.parametrize("name", DOCS)
def test_every_internal_link_has_a_destination(name: str, reader):
    pdf = reader(name)
    named = set(pdf.named_destinations)
    internal = external = 0
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                internal += 1
                assert str(annot["/Dest"]) in named
            elif "/A" in annot:
                external += 1
                assert annot["/A"]["/URI"].startswith(("https://", "http://"))
    assert internal >= (20 if name == "briefing" else 5)
    assert name == "handout" or external > 10, "references link to DOI and PubMed"


def test_briefing_text_holds_the_key_facts(reader):
    text = all_text(reader("briefing"))
    tables = bundled_tables()
    warning = tables["cautions"].loc[tables["cautions"]["severity"] == "warning", "title"].iloc[0]
    assert " ".join(warning.split()[:4]) in text
    assert "Page 1 of" in text
    assert "Table 1." in text
    assert "Figure 1." in text
    assert fmt_number(1000 * 85 / 100) in text, "natto's MK-7 per 3 oz serving"
    assert "No clear effect" in text


def test_handout_fits_two_pages_in_each_variant():
    tables, meta = bundled_tables(), bundled_meta()
    for variant, marker in (("pdf/ua-1", b"pdfuaid"), ("pdf/a-3u", b"pdfaid")):
        pdf_artifact, html_artifact = produce_handout(
            by_name("handout"), tables, meta, settings(pdf_variant=variant)
        )
        assert pdf_artifact.pages is not None
        assert pdf_artifact.pages <= 2
        xmp = PdfReader(io.BytesIO(pdf_artifact.data)).trailer["/Root"]["/Metadata"]
        assert marker in xmp.get_object().get_data(), f"{variant} is declared in the XMP"
        assert html_artifact.name == "handout.html"


def _overflowing_text(html: str) -> list[tuple[int, str]]:
    """Lay out HTML as the build does; list text running past its block's or page's edge."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from pipeline.pdf.engine import make_fetcher
    from pipeline.settings import TEMPLATES_DIR

    document = weasyprint.HTML(
        string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=make_fetcher(TEMPLATES_DIR)
    ).render()
    found = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        stack = [(root, root.margin_width() - root.margin_right)]
        while stack:
            box, edge = stack.pop()
            if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.PageBox):
                edge = min(edge, box.content_box_x() + box.width)
            if isinstance(box, boxes.TextBox) and box.position_x + box.width > edge + 1:
                found.append((number, box.text))
            stack.extend((child, edge) for child in getattr(box, "children", None) or [])
    return found


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_nothing_overflows_the_page_even_with_unbreakable_cells(tmp_path, paper: str):
    from pipeline.context.briefing import briefing_context
    from pipeline.dataset import load_meta
    from tests.support import copy_data, set_cell, tables_of

    data = copy_data(tmp_path / "data")
    long_word = "a1b2c3d4" * 15  # no break or hyphenation point, within the schema's limits
    set_cell(data / "cautions.csv", {"severity": "warning"}, "summary", f"See {long_word}.")
    for form in ("phylloquinone", "MK-7"):
        set_cell(data / "foods.csv", {"food_id": "natto", "form": form}, "food", long_word)
    from pipeline.documents import render_html

    briefing = by_name("briefing")
    html = render_html(
        briefing, briefing_context, tables_of(data), load_meta(data), settings(paper=paper)
    )
    assert _overflowing_text(html) == []

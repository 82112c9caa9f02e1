"""The Spanish handout and chart: their pages, language, fonts, and no English left in them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from pipeline.i18n import catalogue_path
from tests.support import DATA, outputs, run_build

pytestmark = pytest.mark.pdf

SPANISH = ("handout.es", "comparison-chart.es")
#: The outputs each Spanish document writes beside the English ones (the chart has no SVG).
FILES = {"handout.es": ("pdf", "html"), "comparison-chart.es": ("pdf", "png")}
LIMITS = {"handout.es": 2, "comparison-chart.es": 1}


@pytest.fixture(scope="session")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, bytes]]:
    """Return a function giving the files of a strict Spanish build on a paper, built once."""
    built: dict[str, dict[str, bytes]] = {}

    def build(paper: str) -> dict[str, bytes]:
        if paper not in built:
            out = tmp_path_factory.mktemp(f"spanish-{paper}")
            flags = ("--strict", "--paper", paper)
            result = run_build(DATA, out, *flags, only=("handout", *SPANISH))
            assert result.exit_code == 0, result.output
            built[paper] = outputs(out)
        return built[paper]

    return build


def _text(data: bytes) -> str:
    pdf = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def _english_sentences() -> list[str]:
    """Return the literal runs of the catalogue's English messages that read as prose.

    Markup and placeholders are cut out; each run of four words or more must not appear in
    a Spanish document (a shorter run, such as "K2 and D", may be a name in either language).
    """
    with catalogue_path("es").open("rb") as handle:
        messages = [m.id for m in read_po(handle) if m.id]
    runs = []
    for message in messages:
        msgid = message if isinstance(message, str) else message[0]
        for run in re.split(r"<[^>]+>|%\(\w+\)s|\{\w+\}|[()\[\];:·]", msgid):
            words = run.split()
            if len(words) >= 4 and not any(w.isupper() and len(w) > 1 for w in words):
                runs.append(" ".join(words))
    return runs


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", SPANISH)
def test_spanish_documents_keep_their_page_limits(spanish, paper: str, name: str) -> None:
    files = spanish(paper)
    assert sorted(n for n in files if n.startswith(f"{name}.")) == [
        f"{name}.{ext}" for ext in sorted(FILES[name])
    ]
    pages = len(PdfReader(io.BytesIO(files[f"{name}.pdf"])).pages)
    assert 1 <= pages <= LIMITS[name]


@pytest.mark.parametrize("name", SPANISH)
def test_no_english_template_sentence_remains(spanish, name: str) -> None:
    text = _text(spanish("a4")[f"{name}.pdf"])
    left = [run for run in _english_sentences() if run in text]
    assert left == []
    assert "Esta traducción aún no ha sido revisada por un traductor calificado." in text


@pytest.mark.parametrize("name", SPANISH)
def test_the_pdf_says_it_is_spanish_and_embeds_only_our_fonts(spanish, name: str) -> None:
    pdf = PdfReader(io.BytesIO(spanish("a4")[f"{name}.pdf"]))
    assert pdf.trailer["/Root"]["/Lang"] == "es"
    families = set()
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            base = str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
            families.add("Noto Serif" if base.startswith("Noto-Serif") else base.split("-")[0])
    assert families <= {"Inter", "Noto Serif"}
    # The build fails on a font fallback, so the Spanish letters printed are in our fonts.
    assert set("áéíóú") <= set(_text(spanish("a4")[f"{name}.pdf"]))


def test_the_spanish_handout_html_is_marked_spanish_and_writes_numbers_the_spanish_way(
    spanish,
) -> None:
    html = spanish("a4")["handout.es.html"].decode("utf-8")
    assert '<html lang="es">' in html
    assert '"Página " counter(page) " de " counter(pages)' in html
    assert re.search(r"\d+,\d+&nbsp;µg", html), "decimal comma in amounts: 12,5 µg"
    assert "¿" in html


def test_the_english_outputs_keep_their_names_beside_the_spanish(spanish) -> None:
    assert sorted(n for n in spanish("a4") if n.startswith("handout")) == [
        "handout.es.html",
        "handout.es.pdf",
        "handout.html",
        "handout.pdf",
    ]


def test_a_build_showing_an_untranslated_cell_fails_and_names_it(tmp_path) -> None:
    from tests.support import copy_data, edit_csv

    data = copy_data(tmp_path / "data")

    def drop(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if not (r["key"] == "vitamin-d-excess" and r["field"] == "title")]

    edit_csv(data / "translations.csv", drop)
    result = run_build(data, tmp_path / "out", only=("handout.es",))
    assert result.exit_code == 1
    assert 'cautions.csv:3:3: translation-missing: title of cautions row "vitamin-d-excess"' in (
        result.output
    )
    assert not (tmp_path / "out" / "handout.es.pdf").exists()


def test_the_spanish_handout_keeps_two_pages_with_an_organisations_contact_block(
    tmp_path,
) -> None:
    """Letter is the shorter page; the brand adds a letterhead and a contact block."""
    from tests.support import FIXTURES

    brand = FIXTURES / "brand" / "_brand.yml"
    flags = ("--paper", "letter", "--brand", str(brand))
    result = run_build(DATA, tmp_path, *flags, only=("handout.es",))
    assert result.exit_code == 0, result.output
    pdf = PdfReader(io.BytesIO((tmp_path / "handout.es.pdf").read_bytes()))
    assert len(pdf.pages) == 2
    assert "Publicado por Northfield Community Health." in _text(pdf.stream.getvalue())

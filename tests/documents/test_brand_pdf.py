"""A branded build: every document shows the organisation, stays accessible and in bounds."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.documents import NAMES
from tests.documents.test_pdf_validators import failed_rules, outloud_errors
from tests.support import DATA, FIXTURES, run_build

pytestmark = pytest.mark.pdf

BRAND = FIXTURES / "brand" / "_brand.yml"
NAME = "Northfield Community Health"
EMAIL = "evidence@northfield-health.example.org"
PDFS = ("briefing.pdf", "handout.pdf", "comparison-chart.pdf")


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Return a function giving the output folder of a strict branded build on a paper."""
    built: dict[str, Path] = {}

    def build(paper: str) -> Path:
        if paper not in built:
            out = tmp_path_factory.mktemp(f"branded-{paper}")
            flags = ("--strict", "--brand", str(BRAND), "--paper", paper)
            result = run_build(DATA, out, *flags, only=NAMES)
            assert result.exit_code == 0, result.output
            built[paper] = out
        return built[paper]

    return build


def _text(path: Path) -> str:
    pdf = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


@pytest.mark.parametrize("name", PDFS)
def test_every_pdf_names_the_organisation_and_its_contact(branded, name: str) -> None:
    path = branded("a4") / name
    text = _text(path)
    assert NAME in text
    assert EMAIL in text
    assert "Last reviewed" in text
    assert PdfReader(path).metadata.author == NAME


@pytest.mark.parametrize("name", ["briefing.html", "handout.html"])
def test_the_html_embeds_the_logo_with_its_alt_text(branded, name: str) -> None:
    html = (branded("a4") / name).read_text("utf-8")
    (logo,) = re.findall(r'<img class="brand-logo" src="([^"]+)" alt="([^"]+)">', html)
    assert logo[0].startswith("data:image/svg+xml;base64,")
    assert logo[1] == f"{NAME} logo"
    assert f'<meta name="author" content="{NAME}">' in html
    assert "Published by Northfield Community Health." in html
    assert "Checked by Dr A. Example, consultant cardiologist." in html


def test_the_briefing_footer_runs_with_the_organisation(branded) -> None:
    pdf = PdfReader(branded("a4") / "briefing.pdf")
    last = " ".join((pdf.pages[-1].extract_text() or "").split())
    assert f"{NAME} · Evidence tables" in last


def test_the_logo_is_in_every_pdf_as_a_figure_with_alt_text(branded) -> None:
    import pikepdf

    for name in PDFS:
        with pikepdf.open(branded("a4") / name) as pdf:
            alts = [
                str(element.get("/Alt"))
                for element in _elements(pdf.Root.StructTreeRoot)
                if element.get("/S") == "/Figure"
            ]
        assert f"{NAME} logo" in alts, name


def _elements(node):
    """Yield every structure element under a node of the structure tree."""
    import pikepdf

    kids = node.get("/K")
    items = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_branded_documents_keep_their_page_limits(branded, paper: str) -> None:
    out = branded(paper)
    assert len(PdfReader(out / "handout.pdf").pages) <= 2
    assert len(PdfReader(out / "comparison-chart.pdf").pages) == 1


@pytest.mark.parametrize("name", PDFS)
def test_branded_pdfs_pass_both_validators(branded, name: str) -> None:
    path = branded("a4") / name
    assert failed_rules(path, "ua1") == {}
    assert outloud_errors(path) == []


@pytest.mark.parametrize(
    "override",
    [
        '<img src="file:///etc/hostname" alt="x">',
        '<img src="https://example.org/pixel.png" alt="x">',
        "<style>@import url(/etc/ssl/openssl.cnf);</style>",
    ],
)
def test_an_override_cannot_make_rendering_read_outside(tmp_path: Path, override: str) -> None:
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "notice.html.j2").write_text(f"<p>Our notice.</p>{override}", "utf-8")
    out = tmp_path / "out"
    result = run_build(DATA, out, "--overrides", str(tmp_path / "overrides"), only=("handout",))
    assert result.exit_code == 1
    assert "refused to fetch" in result.output
    assert not (out / "handout.pdf").exists()


def test_an_override_replaces_the_notice(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "notice.html.j2").write_text('<p class="notice">Our own notice.</p>', "utf-8")
    out = tmp_path / "out"
    result = run_build(DATA, out, "--overrides", str(tmp_path / "overrides"), only=("handout",))
    assert result.exit_code == 0, result.output
    assert "Our own notice." in _text(out / "handout.pdf")
    assert "Not medical advice" not in (out / "handout.html").read_text("utf-8")


def test_a_brand_font_from_a_local_file_is_embedded(tmp_path: Path) -> None:
    import shutil

    from pipeline.pdf.engine import font_files

    project = tmp_path / "brand"
    shutil.copytree(BRAND.parent, project)
    regular = next(p for p in font_files() if p.stem in ("Inter-Regular", "Inter"))
    (project / "fonts").mkdir()
    shutil.copyfile(regular, project / "fonts" / regular.name)
    with (project / "_brand.yml").open("a", encoding="utf-8") as handle:
        handle.write(
            "typography:\n  fonts:\n    - family: Brand Sans\n"
            f"      files: [fonts/{regular.name}]\n  base: Brand Sans\n"
        )
    out = tmp_path / "out"
    flags = ("--strict", "--brand", str(project / "_brand.yml"))
    result = run_build(DATA, out, *flags, only=("handout",))
    assert result.exit_code == 0, result.output
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in PdfReader(out / "handout.pdf").pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Brand-Sans" in fonts

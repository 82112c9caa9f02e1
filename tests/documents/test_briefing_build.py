"""Building the briefing and handout: reproducible, data-driven, safe and all-or-nothing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.dataset import Dataset, load_meta
from pipeline.documents import by_name, produce_handout
from pipeline.errors import BuildError, ResourceRefusedError
from pipeline.formats import fmt_number
from pipeline.pdf.engine import html_to_pdf
from pipeline.settings import TEMPLATES_DIR
from tests.support import (
    DATA,
    bundled_meta,
    bundled_tables,
    copy_data,
    edit_csv,
    outputs,
    run_build,
    set_cell,
    settings,
    tables_of,
)

pytestmark = pytest.mark.pdf

DOCUMENTS = ("briefing.pdf", "briefing.html", "handout.pdf", "handout.html")

HANDOUT = by_name("handout")


def pdf_text(data: bytes) -> str:
    """Return a PDF's text, whitespace collapsed."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


@pytest.mark.slow
def test_rebuilds_are_byte_identical(tmp_path: Path, bundled_build):
    result = run_build(DATA, tmp_path, "--strict")
    assert result.exit_code == 0, result.output
    again, first = outputs(tmp_path), bundled_build()
    for name in DOCUMENTS:
        assert again[name] == first[name], f"{name} differs between two builds"


def test_a_changed_value_changes_the_documents(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    set_cell(data / "foods.csv", {"food_id": "natto", "form": "MK-7"}, "amount_per_100g", "1234")
    result = run_build(data, tmp_path / "out", "--strict", only=("handout",))
    assert result.exit_code == 0, result.output
    built = outputs(tmp_path / "out")
    new, old = fmt_number(1234 * 85 / 100), fmt_number(1000 * 85 / 100)
    assert new in built["handout.html"].decode()
    assert new in pdf_text(built["handout.pdf"])
    assert old not in pdf_text(built["handout.pdf"])
    # The handout's fingerprint covers the files it reads, foods.csv among them.
    used = by_name("handout").tables
    assert used is not None
    assert "foods" in used
    assert Dataset.read(data).meta(used).sha256 in built["handout.html"].decode()
    assert Dataset.read(DATA).meta(used).sha256 not in built["handout.html"].decode()


def test_invalid_data_stops_the_build_and_writes_nothing(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    set_cell(data / "foods.csv", {"food_id": "natto", "form": "MK-7"}, "amount_per_100g", "lots")
    out = tmp_path / "out"
    result = run_build(data, out)
    assert result.exit_code == 1
    assert "foods.csv" in result.output
    assert "no output was written" in result.output
    assert not out.exists() or not [p for p in out.iterdir() if p.suffix in (".pdf", ".html")]


def _many_warnings(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Add warnings until the handout cannot fit on two pages."""
    template = next(r for r in rows if r["severity"] == "warning")
    extra = [{**template, "caution_id": f"extra-warning-{i}"} for i in range(12)]
    return rows + extra


def test_a_failed_build_leaves_the_previous_outputs_untouched(tmp_path: Path):
    out = tmp_path / "out"
    assert run_build(DATA, out, only=("handout",)).exit_code == 0
    before = outputs(out)
    data = copy_data(tmp_path / "data")
    edit_csv(data / "cautions.csv", _many_warnings)
    result = run_build(data, out, only=("handout",))
    assert result.exit_code != 0
    assert "handout.pdf has" in result.output
    assert "the limit is 2" in result.output
    assert outputs(out) == before


def test_handout_over_two_pages_is_a_build_error(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    edit_csv(data / "cautions.csv", _many_warnings)
    with pytest.raises(BuildError, match="limit is 2"):
        produce_handout(HANDOUT, tables_of(data), load_meta(data), settings(paper="letter"))


@pytest.mark.parametrize(
    "src", ["https://example.com/pixel.png", "file:///etc/hostname", "../../pyproject.toml"]
)
def test_the_fetcher_refuses_remote_and_outside_resources(src: str):
    html = f'<!DOCTYPE html><html lang="en"><title>t</title><img src="{src}" alt="x"></html>'
    with pytest.raises(ResourceRefusedError):
        html_to_pdf(html, base_dir=TEMPLATES_DIR)


def test_a_template_cannot_fetch_from_the_network(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    handout = templates / "handout.html.j2"
    source = handout.read_text(encoding="utf-8")
    handout.write_text(
        source.replace("<main>", '<main><img src="https://example.com/x.png" alt="tracker">'),
        encoding="utf-8",
    )
    with pytest.raises(ResourceRefusedError):
        produce_handout(
            HANDOUT, bundled_tables(), bundled_meta(), settings(templates_dir=templates)
        )


def test_a_cell_holding_markup_builds_as_text(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    tag = '<img src="file:///etc/passwd"><img src="https://example.com/x.png">'
    set_cell(data / "cautions.csv", {"severity": "warning"}, "plain", f"Beware {tag}")
    pdf, html = produce_handout(HANDOUT, tables_of(data), load_meta(data), settings(strict=True))
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html.data.decode()
    text = pdf_text(pdf.data)
    assert "Beware <img" in text, "the markup is printed as text"
    assert "passwd" in text, "the markup is printed as text"


def test_strict_mode_fails_on_a_weasyprint_warning():
    html = '<!DOCTYPE html><html lang="en"><title>t</title><p style="colour: red">x</p></html>'
    assert html_to_pdf(html, base_dir=TEMPLATES_DIR).warnings
    with pytest.raises(BuildError, match="strict"):
        html_to_pdf(html, base_dir=TEMPLATES_DIR, strict=True)

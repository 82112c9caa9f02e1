"""build --since: the briefing's changes section and the handout's line, in the PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.documents.test_briefing_pdf import all_text, outline_titles
from tests.support import copy_data, outputs, run_build, three_changes

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled data, and a copy with a food value, a study and a caution changed."""
    root = tmp_path_factory.mktemp("editions")
    old = copy_data(root / "old")
    return old, three_changes(copy_data(root / "new"), "vitamin-d-excess")


@pytest.fixture(scope="module")
def built(editions: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory):
    """Build the briefing and the handout of the new edition --since the old, on a paper."""
    cache: dict[str, dict[str, PdfReader]] = {}

    def build(paper: str) -> dict[str, PdfReader]:
        if paper not in cache:
            out = tmp_path_factory.mktemp(f"since-{paper}")
            old, new = editions
            result = run_build(new, out, "--strict", "--since", str(old), "--paper", paper)
            assert result.exit_code == 0, result.output
            files = outputs(out)
            cache[paper] = {
                name: PdfReader(io.BytesIO(files[f"{name}.pdf"]))
                for name in ("briefing", "handout")
            }
        return cache[paper]

    return build


def test_the_briefing_says_what_changed(built) -> None:
    text = all_text(built("a4")["briefing"])
    section = text[text.index("Changes in this edition What changed") :][:400]
    assert "Added: New trial 2026" in section
    assert "Removed: Too much vitamin D" in section
    assert "Natto (fermented soybeans), vitamin K2 (MK-7): 1,000 → 1,100 µg" in section


def test_the_changes_section_is_in_the_outline_after_the_key_points(built) -> None:
    titles = outline_titles(built("a4")["briefing"].outline)
    level = next(depth for depth, title in titles if title == "Key points")
    sections = [title for depth, title in titles if depth == level]
    assert sections[sections.index("Key points") + 1] == "Changes in this edition"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_handout_names_the_update_and_keeps_to_two_pages(built, paper: str) -> None:
    handout = built(paper)["handout"]
    assert len(handout.pages) <= 2
    assert "Updated in this edition: a caution and food amounts." in all_text(handout)


def test_without_since_neither_document_mentions_changes(bundled_build) -> None:
    files = bundled_build()
    briefing = all_text(PdfReader(io.BytesIO(files["briefing.pdf"])))
    handout = all_text(PdfReader(io.BytesIO(files["handout.pdf"])))
    assert "Changes in this edition" not in briefing
    assert "Updated in this edition" not in handout

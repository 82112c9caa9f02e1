"""The handout reads at the level patient materials aim for, measured, not guessed."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from pipeline.context.briefing import handout_context
from pipeline.dataset import load_meta
from pipeline.documents import by_name, render_html
from tests.support import DATA, settings, tables_of

textstat = pytest.importorskip("textstat")

#: Targets of the CDC Clear Communication Index and PEMAT-P for material handed to patients.
SMOG_MAX, GRADE_MAX = 9.0, 7.0
VOID = {"br", "img", "meta", "link", "hr", "input", "col", "wbr", "source"}
#: What is looked up rather than read through: tables, lists of sources, the notice.
SKIPPED_TAGS = {"table", "ol", "nav", "style", "script", "header", "title"}
SKIPPED_CLASSES = {"references", "notice", "provenance", "cite", "unverified-mark"}
JARGON = ("vitamin K antagonist", "US category mean", "subgroup", "clinician", "UV-exposed")


class RunningProse(HTMLParser):
    """Collect the text of paragraphs and list items outside what is looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.buffer: list[str] | None = None
        self.blocks: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)))
        if tag in ("p", "li") and self.buffer is None and not self._skipping():
            self.buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass
        if tag in ("p", "li") and self.buffer is not None and not self._skipping():
            block = " ".join("".join(self.buffer).split())
            if block:
                self.blocks.append(block if block.endswith((".", "?", "!", ":")) else block + ".")
            self.buffer = None

    def handle_data(self, data: str) -> None:
        if self.buffer is not None and not self._skipping():
            self.buffer.append(data)


def running_prose(html: str) -> str:
    """Return the handout's running prose, one block a line."""
    parser = RunningProse()
    parser.feed(html)
    return "\n".join(parser.blocks)


@pytest.fixture(scope="module")
def prose() -> str:
    handout = by_name("handout")
    html = render_html(handout, handout_context, tables_of(DATA), load_meta(DATA), settings())
    return running_prose(html)


def test_the_prose_is_what_a_patient_reads_through(prose: str) -> None:
    assert "Bring this sheet" in prose
    assert "Theuwissen" not in prose, "references are looked up, not read through"
    assert "Not medical advice" not in prose


def test_the_handout_reads_at_smog_9_and_grade_7_or_below(prose: str) -> None:
    smog, grade = textstat.smog_index(prose), textstat.flesch_kincaid_grade(prose)
    assert smog <= SMOG_MAX, f"SMOG {smog}"
    assert grade <= GRADE_MAX, f"Flesch-Kincaid grade {grade}"


def test_the_measure_tells_hard_prose_from_plain(prose: str) -> None:
    hard = (
        "Supplementation with menaquinone-7 demonstrated statistically insignificant "
        "modification of arterial calcification progression. "
    ) * 5
    assert textstat.smog_index(hard) > SMOG_MAX


def test_no_jargon_reaches_the_patient(prose: str) -> None:
    assert [word for word in JARGON if word.lower() in prose.lower()] == []


def test_the_updated_line_keeps_the_handout_plain(tmp_path) -> None:
    from tests.support import copy_data, set_cell, three_changes

    old = copy_data(tmp_path / "old")
    new = three_changes(copy_data(tmp_path / "new"), "vitamin-d-excess")
    set_cell(new / "intakes.csv", {}, "amount_per_day", "999")
    set_cell(new / "outcomes.csv", {}, "plain_outcome", "how hard the arteries get")
    since = settings(since=old, data_dir=new)
    html = render_html(by_name("handout"), handout_context, tables_of(new), load_meta(new), since)
    prose = running_prose(html)
    assert (
        "Updated in this edition: a caution, food amounts, what the studies show and more." in prose
    )
    assert textstat.smog_index(prose) <= SMOG_MAX, f"SMOG {textstat.smog_index(prose)}"
    assert textstat.flesch_kincaid_grade(prose) <= GRADE_MAX

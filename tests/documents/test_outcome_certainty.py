"""Changing an outcome's certainty changes its row and every sentence built on it, everywhere."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from pipeline.context.briefing import briefing_context, handout_context
from pipeline.context.statements import effect_statement
from pipeline.dataset import load_meta
from pipeline.documents import by_name, render_html
from pipeline.vocabulary import CERTAINTIES
from tests.support import copy_data, set_cell, settings, tables_of

OUTCOME = "vitd-cardiovascular-events"  # a key outcome of both documents at high certainty
INTERVENTION = "Vitamin D3 supplements (2,000 IU daily, or 60,000-100,000 IU monthly)"
ENDPOINT = "Major cardiovascular events"
# The handout's words for the same, from the outcome's plain_intervention and plain_outcome.
PLAIN = ("Vitamin D pills", "heart attacks, strokes and deaths from heart disease")


def _render(data: Path, name: str) -> str:
    build = briefing_context if name == "briefing" else handout_context
    return render_html(by_name(name), build, tables_of(data), load_meta(data), settings())


@pytest.mark.parametrize("certainty", CERTAINTIES.codes)
def test_a_certainty_change_reaches_the_table_and_every_statement(
    tmp_path: Path, certainty: str
) -> None:
    data = copy_data(tmp_path / "data")
    key = {"outcome_id": OUTCOME}
    set_cell(data / "outcomes.csv", key, "certainty", certainty)
    set_cell(data / "outcomes.csv", key, "downgrades", "" if certainty == "high" else "imprecision")
    tables = tables_of(data)
    in_handout = any(
        o.outcome_id == OUTCOME
        for o in handout_context(tables, load_meta(data), settings()).key_outcomes
    )
    for name, words, plain in (
        ("briefing", (INTERVENTION, ENDPOINT), False),
        ("handout", PLAIN, True),
    ):
        # The handout says the same in a patient's words.
        said = {
            c: escape(effect_statement(*words, c, "no-clear-effect", plain=plain), quote=False)
            for c in CERTAINTIES.codes
        }
        html = _render(data, name)
        stale = [c for c, sentence in said.items() if c != certainty and sentence in html]
        assert not stale, f"{name} keeps the statement for {stale}"
        if name == "briefing" or in_handout:
            assert said[certainty] in html, name
    briefing = _render(data, "briefing")
    row = briefing[briefing.index(f'id="outcome-{OUTCOME}"') :]
    row = row[: row.index("</tr>")]
    assert CERTAINTIES.label(certainty) in row
    assert CERTAINTIES.term(certainty).mark in row
    if certainty != "high":
        assert "Rated down for imprecision." in briefing, "the footnote says why"

"""What the briefing and the handout say changed since the previous edition (--since)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.context.briefing import briefing_context, handout_context
from pipeline.context.changes import HANDOUT_UPDATES, LISTED, HandoutUpdates
from pipeline.dataset import load_meta
from pipeline.documents import by_name, render_html
from tests.support import (
    NEW_STUDY,
    build_package,
    edit_csv,
    set_cell,
    settings,
    tables_of,
    three_changes,
)


@pytest.fixture
def editions(tmp_path: Path) -> tuple[Path, Path]:
    """The test data, and a copy with a food value changed, a study added, a caution removed."""
    old = build_package(tmp_path / "old")
    return old, three_changes(build_package(tmp_path / "new"), "warfarin")


def contexts(old: Path, new: Path):
    """Return the briefing's and the handout's context of new, built --since old."""
    tables, meta, since = tables_of(new), load_meta(new), settings(since=old, data_dir=new)
    return briefing_context(tables, meta, since), handout_context(tables, meta, since)


def test_the_briefing_lists_the_three_changes(editions: tuple[Path, Path]) -> None:
    briefing, _ = contexts(*editions)
    changes = briefing.changes
    assert [(s.change, s.name, s.anchor) for s in changes.studies.items] == [
        ("added", "New trial 2026", f"study-{NEW_STUDY}")
    ]
    assert changes.studies.items[0].citation is not None
    assert [(c.change, c.title) for c in changes.cautions.items] == [
        ("removed", "Vitamin K and warfarin")
    ]
    food = changes.foods.items[0]
    assert (food.change, food.form, food.old, food.new, food.unit) == (
        "changed",
        "MK-7",
        1000.0,
        1100.0,
        "µg",
    )
    assert len(changes.foods.items) == 1
    assert not changes.outcomes
    assert not changes.verdicts
    assert changes.other == ()


def test_the_handout_names_what_a_patient_notices(editions: tuple[Path, Path]) -> None:
    _, handout = contexts(*editions)
    assert handout.updates == HandoutUpdates((("cautions", 1), ("foods", 1)), more=False)


def test_without_since_nothing_is_said(editions: tuple[Path, Path]) -> None:
    tables, meta = tables_of(editions[1]), load_meta(editions[1])
    assert briefing_context(tables, meta, settings()).changes is None
    assert handout_context(tables, meta, settings()).updates is None


def test_an_edit_no_patient_sees_adds_no_handout_line(tmp_path: Path) -> None:
    old, new = build_package(tmp_path / "old"), build_package(tmp_path / "new")
    set_cell(new / "studies.csv", {"study_id": "knapen-2015"}, "funding", "Someone else")
    briefing, handout = contexts(old, new)
    assert handout.updates is None
    assert briefing.changes.other == (("studies", 1),)
    assert not briefing.changes.studies, "a changed study is counted, not listed as added"


def test_certainty_and_verdict_changes_are_described(tmp_path: Path) -> None:
    old, new = build_package(tmp_path / "old"), build_package(tmp_path / "new")
    outcomes = tables_of(old)["outcomes"]
    outcome_id, certainty = str(outcomes["outcome_id"][0]), str(outcomes["certainty"][0])
    lower = {"high": "moderate", "moderate": "low", "low": "very-low"}.get(certainty, "low")
    set_cell(new / "outcomes.csv", {"outcome_id": outcome_id}, "certainty", lower)
    note = tables_of(old)["evidence_notes"].iloc[0]
    verdict = "overstated" if note["verdict"] != "overstated" else "wrong"
    set_cell(new / "evidence_notes.csv", {"note_id": str(note["note_id"])}, "verdict", verdict)
    briefing, handout = contexts(old, new)
    (changed,) = briefing.changes.verdicts.items
    assert changed.verdict.new == verdict.capitalize()
    assert changed.anchor == f"note-{note['note_id']}"
    (outcome,) = briefing.changes.outcomes.items
    assert outcome.certainty is not None
    assert outcome.certainty.old != outcome.certainty.new
    assert outcome.anchor == f"outcome-{outcome_id}"
    shown = {o.outcome_id for o in handout.key_outcomes}
    assert (("outcomes", 1) in (handout.updates.items if handout.updates else ())) == (
        outcome_id in shown
    )


def test_only_the_briefing_and_the_handout_show_changes() -> None:
    from pipeline.documents import REGISTRY

    assert [d.name for d in REGISTRY if d.shows_changes] == ["briefing", "handout"]


def test_long_lists_are_capped_and_counted(tmp_path: Path) -> None:
    old, new = build_package(tmp_path / "old"), build_package(tmp_path / "new")

    def many_studies(rows: list[dict]) -> list[dict]:
        extra = [{**rows[0], "study_id": f"extra-{i:02}"} for i in range(LISTED + 5)]
        return [*rows, *extra]

    edit_csv(new / "studies.csv", many_studies)
    briefing, _ = contexts(old, new)
    assert (len(briefing.changes.studies.items), briefing.changes.studies.more) == (LISTED, 5)


def test_the_handout_line_is_short_and_capped(editions: tuple[Path, Path]) -> None:
    old, new = editions
    set_cell(new / "intakes.csv", {}, "amount_per_day", "999")
    set_cell(new / "outcomes.csv", {}, "plain_outcome", "how stiff the arteries get")
    _, handout = contexts(old, new)
    assert handout.updates == HandoutUpdates(
        (("cautions", 1), ("foods", 1), ("outcomes", 1)), more=True
    ), "four kinds of change: the first three are named"
    assert HANDOUT_UPDATES == 3
    html = render_html(
        by_name("handout"),
        handout_context,
        tables_of(new),
        load_meta(new),
        settings(since=old, data_dir=new),
    )
    assert (
        "<strong>Updated in this edition:</strong> a caution, food amounts, what the studies "
        "show and more.</p>"
    ) in html


def test_the_sections_render_in_the_briefing_and_the_handout(editions: tuple[Path, Path]) -> None:
    old, new = editions
    tables, meta, since = tables_of(new), load_meta(new), settings(since=old, data_dir=new)
    briefing = render_html(by_name("briefing"), briefing_context, tables, meta, since)
    handout = render_html(by_name("handout"), handout_context, tables, meta, since)
    assert '<a href="#changes">Changes in this edition</a>' in briefing
    assert "Removed:</span> Vitamin K and warfarin" in briefing
    assert '1,000 → <span class="amount">1,100&nbsp;µg</span>' in briefing
    assert "<strong>Updated in this edition:</strong> a caution and food amounts.</p>" in handout

"""The chart's parts: amounts, durations, sizes and forms as text, and which studies are picked."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.chart.parts import (
    amount_text,
    duration_text,
    forms_text,
    key_studies,
    pick_top,
    size_text,
)
from pipeline.context.citations import CitationIndex


@pytest.mark.parametrize(
    ("weeks", "text"),
    [
        (6, "6 wk"),
        (38.6, "39 wk"),
        (52, "1 y"),
        (78, "1.5 y"),
        (104, "2 y"),
        (156, "3 y"),
        (None, ""),
    ],
)
def test_duration_text(weeks, text):
    assert duration_text(weeks) == text


def test_amounts_are_rounded_like_food_tables():
    assert [amount_text(v) for v in (850.0, 144.2, 13.0, 2.94, 0.45)] == [
        "850",
        "144",
        "13",
        "2.9",
        "0.45",
    ]


def test_size_says_what_n_counts():
    assert size_text(14, "meta-analysis") == "14 studies"
    assert size_text(40, "animal") == "40 animals"
    assert size_text(4807, "observational") == "n = 4,807"
    assert size_text(None, "rct") == ""


def test_forms_name_the_measured_form_and_leave_totals_unnamed():
    assert forms_text(("MK-7",)) == "MK-7"
    assert forms_text(("MK-total",)) == ""
    assert forms_text(("MK-8", "MK-9")) == "MK-8 + MK-9"


def test_pick_top_shows_every_group_before_filling_by_rank():
    items = [("MK-7", 850), ("total", 144), ("total", 125), ("total", 93), ("MK-4", 13)]
    picked = pick_top(items, 3, group=lambda i: i[0], rank=lambda i: -i[1])
    assert sorted(picked, key=lambda i: -i[1]) == [("MK-7", 850), ("total", 144), ("MK-4", 13)]


def _studies(directions: list[str]) -> pd.DataFrame:
    """Make a studies table of RCTs that differ only in their result and size."""
    rows = [
        {
            "study_id": f"s{i}",
            "short_name": f"Trial {i}",
            "year": 2000 + i,
            "design": "rct",
            "analysis": "primary",
            "n": 100 + i,
            "vitamin": "K2",
            "dose": "MK-7 180 µg daily",
            "duration_weeks": 52.0,
            "outcome": "CAC progression",
            "outcome_id": "cac",
            "direction": direction,
            "source_id": f"src-{i}",
        }
        for i, direction in enumerate(directions)
    ]
    return pd.DataFrame(rows)


OUTCOMES = pd.DataFrame({"outcome_id": ["cac", "bone"], "outcome_kind": ["calcification", "bone"]})


def _sources(n: int) -> pd.DataFrame:
    rows = [
        {
            "source_id": f"src-{i}",
            "kind": "randomised-trial",
            "authors": "Author A",
            "title": "T",
            "container": "J",
            "year": 2000,
            "doi": None,
            "pmid": None,
            "url": None,
            "verification": "verified",
            "note": None,
        }
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def test_key_studies_never_depend_on_the_direction_of_the_result():
    benefit_first = [
        "benefit",
        "benefit",
        "no-clear-effect",
        "no-clear-effect",
        "benefit",
        "no-clear-effect",
    ]
    null_first = [
        "no-clear-effect",
        "no-clear-effect",
        "benefit",
        "benefit",
        "no-clear-effect",
        "benefit",
    ]
    picks = []
    for directions in (benefit_first, null_first):
        cards, total = key_studies(_studies(directions), OUTCOMES, 3, CitationIndex(_sources(6)))
        assert total == 6
        picks.append([card.name for card in cards])
    assert picks[0] == picks[1]


def test_key_studies_keep_one_result_per_publication_its_main_analysis():
    table = _studies(["no-clear-effect", "benefit"])
    table.loc[1, ["source_id", "analysis"]] = ["src-0", "subgroup"]
    cards, total = key_studies(table, OUTCOMES, 8, CitationIndex(_sources(2)))
    assert total == 1
    assert [(c.name, c.direction, c.analysis) for c in cards] == [
        ("Trial 0", "no-clear-effect", "")
    ]


def test_key_studies_are_about_calcification_or_stiffness_and_counted_results():
    table = _studies(["benefit", "no-clear-effect", "reported-not-verified"])
    table.loc[0, "outcome_id"] = "bone"
    cards, total = key_studies(table, OUTCOMES, 8, CitationIndex(_sources(3)))
    assert (total, [c.name for c in cards]) == (1, ["Trial 1"])

"""The chart's text rules: how statements are cut, references shortened, studies picked."""

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
from pipeline.chart.text import ELLIPSIS, opening_clause, sentences, short_author, shorten
from pipeline.context.citations import CitationIndex

CLAIM = "In rats, high-K2 diets cut arterial calcium by half."
MIDDLE = "A trial of MK-7 with vitamin D found no effect on valve calcification."
VERDICT = "Vitamin K does not consistently prevent progression."


def test_statements_within_budget_stay_whole():
    assert shorten(f"{CLAIM} {VERDICT}", 500, "mixed") == (f"{CLAIM} {VERDICT}", False)
    assert shorten(CLAIM, None) == (CLAIM, False)


def test_middle_sentences_go_first_and_the_cut_is_marked():
    summary = f"{CLAIM} {MIDDLE} {VERDICT}"
    text, cut = shorten(summary, len(CLAIM) + len(VERDICT) + 5, "mixed")
    assert cut
    assert text == f"{CLAIM} {ELLIPSIS} {VERDICT}"


def test_mixed_evidence_keeps_its_closing_verdict_not_the_opening_claim():
    text, cut = shorten(f"{CLAIM} {MIDDLE} {VERDICT}", 60, "mixed")
    assert cut
    assert text == f"{ELLIPSIS} {VERDICT}"
    assert "rats" not in text


def test_established_evidence_keeps_its_opening_statement():
    summary = "Main dietary form of vitamin K. It is made by plants. It also serves bone."
    assert shorten(summary, 40, "established") == (
        f"Main dietary form of vitamin K. {ELLIPSIS}",
        True,
    )


def test_a_sentence_still_too_long_keeps_its_opening_clause():
    summary = "Green leafy vegetables and brassicas: parsley 1,640, kale 705 µg/100 g; also oils."
    text, cut = shorten(summary, 40, "established")
    assert (text, cut) == (f"Green leafy vegetables and brassicas {ELLIPSIS}", True)


def test_clauses_are_never_cut_inside_brackets():
    sentence = "Generally well tolerated (meta-analysis: RR 0.92, P=0.29)."
    assert opening_clause(sentence) == sentence


def test_sentences_split_at_stops_not_at_decimals_or_abbreviations():
    text = "CI -34.2 to -0.6 (e.g., OR 0.94). Next one vs. the other. 25(OH)D falls."
    assert sentences(text) == [
        "CI -34.2 to -0.6 (e.g., OR 0.94).",
        "Next one vs. the other.",
        "25(OH)D falls.",
    ]


@pytest.mark.parametrize(
    ("authors", "short"),
    [
        ("Shea MK, O'Donnell CJ, Hoffmann U", "Shea et al."),
        ("Maresz K", "Maresz"),
        ("de Boer IH, Kestenbaum B", "de Boer et al."),
        ("NIH Office of Dietary Supplements", "NIH Office of Dietary Supplements"),
        ("Institute of Medicine, Food and Nutrition Board", "Institute of Medicine"),
        (
            "Calgary Vitamin D Study investigators (author list not retrieved)",
            "Calgary Vitamin D Study investigators",
        ),
    ],
)
def test_short_author(authors, short):
    assert short_author(authors) == short


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
            "direction": direction,
            "source_id": f"src-{i}",
        }
        for i, direction in enumerate(directions)
    ]
    return pd.DataFrame(rows)


def _sources(n: int) -> pd.DataFrame:
    rows = [
        {
            "source_id": f"src-{i}",
            "kind": "trial",
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
    benefit_first = ["benefit", "benefit", "null", "null", "benefit", "null"]
    null_first = ["null", "null", "benefit", "benefit", "null", "benefit"]
    picks = []
    for directions in (benefit_first, null_first):
        cards, total = key_studies(_studies(directions), 3, CitationIndex(_sources(6)))
        assert total == 6
        picks.append([card.name for card in cards])
    assert picks[0] == picks[1]


def test_key_studies_keep_one_result_per_publication_its_main_analysis():
    table = _studies(["null", "benefit"])
    table.loc[1, ["source_id", "analysis"]] = ["src-0", "subgroup"]
    cards, total = key_studies(table, 8, CitationIndex(_sources(2)))
    assert total == 1
    assert [(c.name, c.direction, c.analysis) for c in cards] == [("Trial 0", "null", "")]

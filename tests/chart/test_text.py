"""The chart's text rules: how statements are cut and sentences split, authors shortened."""

from __future__ import annotations

import pytest

from pipeline.chart.text import ELLIPSIS, opening_clause, sentences, short_author, shorten

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

"""Tests for the GRADE statements: hedges by certainty, no causal words for associations."""

from __future__ import annotations

import itertools
import re

import pytest

from pipeline.context.statements import (
    CERTAINTIES,
    DIRECTIONS,
    DOWNGRADE_REASONS,
    MARKER_DIRECTIONS,
    OBSERVATIONAL_DIRECTIONS,
    certainty_label,
    certainty_symbols,
    downgrade_text,
    effect_statement,
)
from pipeline.vocabulary import DOWNGRADES

K2 = "Vitamin K2 supplements"
CAC = "progression of coronary artery calcification"
HEDGES = {"moderate": "probably", "low": "may", "very-low": "very uncertain"}
# Directions whose sentence carries no finding, so no certainty word belongs in it.
NO_FINDING = ("pending", "reported-not-verified")
COMBINATIONS = list(itertools.product(CERTAINTIES, DIRECTIONS))


def words(sentence: str) -> str:
    """Return the sentence lower-cased, for searching whole words."""
    return sentence.lower()


def has_word(sentence: str, word: str) -> bool:
    """Tell whether a word or phrase occurs on word boundaries."""
    return re.search(rf"\b{re.escape(word)}\b", words(sentence)) is not None


@pytest.mark.parametrize(("certainty", "direction"), COMBINATIONS)
def test_every_combination_is_one_sentence(certainty: str, direction: str) -> None:
    sentence = effect_statement(K2, CAC, certainty, direction)
    assert sentence[0].isupper()
    assert sentence.endswith(".")
    assert sentence.count(".") == 1
    assert "  " not in sentence


@pytest.mark.parametrize(("certainty", "direction"), COMBINATIONS)
def test_sentence_carries_its_certainty_hedge_and_no_other(certainty: str, direction: str) -> None:
    sentence = effect_statement(K2, CAC, certainty, direction)
    expected = set() if direction in NO_FINDING else {HEDGES.get(certainty)} - {None}
    if direction == "mixed" and certainty != "very-low":
        # Disagreeing studies give no single effect to hedge, so the certainty is named.
        assert f"of {certainty} certainty" in sentence
        expected = set()
    assert {hedge for hedge in HEDGES.values() if has_word(sentence, hedge)} == expected


@pytest.mark.parametrize(("certainty", "direction"), COMBINATIONS)
def test_no_finding_ignores_certainty(certainty: str, direction: str) -> None:
    if direction in NO_FINDING:
        assert effect_statement(K2, CAC, certainty, direction) == effect_statement(
            K2, CAC, "high", direction
        )


@pytest.mark.parametrize("good", [False, True])
@pytest.mark.parametrize(
    ("certainty", "direction"), list(itertools.product(CERTAINTIES, OBSERVATIONAL_DIRECTIONS))
)
def test_associations_never_use_causal_words(certainty: str, direction: str, good: bool) -> None:
    sentence = effect_statement(K2, CAC, certainty, direction, outcome_is_good=good)
    cleared = re.sub(r"does not show that [^.;()]* causes", "", words(sentence))
    for word in ("reduce", "improve", "increase", "benefit", "cause", "lower", "effect of"):
        assert word not in cleared, (word, sentence)


@pytest.mark.parametrize("good", [False, True])
@pytest.mark.parametrize(
    ("certainty", "direction"), list(itertools.product(CERTAINTIES, MARKER_DIRECTIONS))
)
def test_markers_never_claim_a_clinical_benefit(certainty: str, direction: str, good: bool) -> None:
    sentence = effect_statement(K2, "dp-ucMGP", certainty, direction, outcome_is_good=good)
    assert "benefit" not in words(sentence).replace("not a clinical benefit", "")
    assert "a marker, not a clinical outcome" in sentence


@pytest.mark.parametrize(
    ("certainty", "direction", "options", "expected"),
    [
        ("high", "benefit", {}, f"{K2} reduce {CAC}."),
        ("moderate", "benefit", {}, f"{K2} probably reduce {CAC}."),
        ("low", "benefit", {}, f"{K2} may reduce {CAC}."),
        (
            "very-low",
            "benefit",
            {},
            f"The evidence is very uncertain about the effect of vitamin K2 supplements on {CAC}.",
        ),
        ("high", "no-clear-effect", {}, f"{K2} result in little to no difference in {CAC}."),
        (
            "moderate",
            "no-clear-effect",
            {},
            f"{K2} probably result in little to no difference in {CAC}.",
        ),
        ("low", "no-clear-effect", {}, f"{K2} may result in little to no difference in {CAC}."),
        ("moderate", "harm", {}, f"{K2} probably increase {CAC}."),
        ("high", "benefit", {"outcome_is_good": True}, f"{K2} improve {CAC}."),
        ("low", "harm", {"outcome_is_good": True}, f"{K2} may worsen {CAC}."),
        (
            "low",
            "mixed",
            {},
            f"Studies of vitamin K2 supplements on {CAC} disagree; "
            "the evidence is of low certainty.",
        ),
        (
            "high",
            "pending",
            {},
            f"Trials of vitamin K2 supplements on {CAC} have not yet reported.",
        ),
        (
            "low",
            "favourable-association",
            {},
            "In observational studies, vitamin K2 supplements may be associated with less "
            f"{CAC} (an association, which does not show that one causes the other).",
        ),
        (
            "moderate",
            "no-association",
            {},
            "In observational studies, vitamin K2 supplements are probably not associated "
            f"with {CAC}.",
        ),
        (
            "high",
            "adverse-association",
            {"singular": True},
            "In observational studies, vitamin K2 supplements is associated with more "
            f"{CAC} (an association, which does not show that one causes the other).",
        ),
        (
            "very-low",
            "adverse-association",
            {},
            f"The evidence from observational studies on vitamin K2 supplements and {CAC} "
            "is very uncertain.",
        ),
        (
            "high",
            "reported-not-verified",
            {},
            f"A result for vitamin K2 supplements on {CAC} was reported, but its numbers "
            "could not be checked, so it is not counted here.",
        ),
    ],
)
def test_golden_sentences(certainty: str, direction: str, options: dict, expected: str) -> None:
    assert effect_statement(K2, CAC, certainty, direction, **options) == expected


def test_marker_sentence() -> None:
    sentence = effect_statement("MK-7", "dp-ucMGP", "moderate", "marker-improved", singular=True)
    assert sentence == (
        "MK-7 probably lowers dp-ucMGP (a marker, not a clinical outcome); "
        "a change in a marker is not a clinical benefit in itself."
    )


def test_marker_that_should_rise() -> None:
    sentence = effect_statement(
        "Vitamin D3", "25(OH)D", "high", "marker-improved", outcome_is_good=True
    )
    assert sentence.startswith("Vitamin D3 raise 25(OH)D (a marker")


@pytest.mark.parametrize(
    ("certainty", "direction", "expected"),
    [
        ("high", "benefit", "MK-7 reduces arterial stiffness."),
        ("moderate", "harm", "MK-7 probably increases arterial stiffness."),
        ("low", "benefit", "MK-7 may reduce arterial stiffness."),
        (
            "high",
            "no-clear-effect",
            "MK-7 results in little to no difference in arterial stiffness.",
        ),
        (
            "moderate",
            "no-clear-effect",
            "MK-7 probably results in little to no difference in arterial stiffness.",
        ),
    ],
)
def test_singular_subject_agrees(certainty: str, direction: str, expected: str) -> None:
    assert effect_statement("MK-7", "Arterial stiffness", certainty, direction, singular=True) == (
        expected
    )


@pytest.mark.parametrize(
    ("intervention", "mid_sentence"),
    [
        ("Vitamin K2 supplements", "vitamin K2 supplements"),
        ("vitamin K2 supplements", "vitamin K2 supplements"),
        ("MK-7 capsules", "MK-7 capsules"),
        ("K2 plus D", "K2 plus D"),
        ("D supplements", "D supplements"),
        ("AVADEC-style  treatment", "AVADEC-style treatment"),
    ],
)
def test_intervention_is_lower_cased_mid_sentence_unless_a_code(
    intervention: str, mid_sentence: str
) -> None:
    assert effect_statement(intervention, CAC, "high", "pending") == (
        f"Trials of {mid_sentence} on {CAC} have not yet reported."
    )
    start = effect_statement(intervention, CAC, "high", "benefit")
    assert start.startswith(mid_sentence[0].upper() + mid_sentence[1:] + " reduce ")


@pytest.mark.parametrize(
    ("arguments", "bad"),
    [
        ((K2, CAC, "medium", "benefit"), '"medium"'),
        ((K2, CAC, "very low", "benefit"), '"very low"'),
        ((K2, CAC, "high", "null"), '"null"'),
        ((K2, CAC, "high", "Benefit"), '"Benefit"'),
        (("  ", CAC, "high", "benefit"), "intervention is empty"),
        ((K2, "", "high", "benefit"), "outcome is empty"),
    ],
)
def test_bad_values_are_named(arguments: tuple[str, str, str, str], bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(bad)):
        effect_statement(*arguments)


def test_certainty_symbols_and_labels() -> None:
    assert [certainty_symbols(c) for c in CERTAINTIES] == ["●●●●", "●●●○", "●●○○", "●○○○"]
    assert [certainty_label(c) for c in CERTAINTIES] == ["High", "Moderate", "Low", "Very low"]
    for function in (certainty_symbols, certainty_label):
        with pytest.raises(ValueError, match='"moderately"'):
            function("moderately")


def test_every_downgrade_reason_has_a_label() -> None:
    assert set(DOWNGRADES.codes) == set(DOWNGRADE_REASONS)
    assert DOWNGRADES.prose("risk-of-bias") == "risk of bias"
    assert DOWNGRADES.prose("publication-bias") == "publication bias"


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ((), ""),
        (["imprecision"], "Rated down for imprecision."),
        (("imprecision", "indirectness"), "Rated down for imprecision and indirectness."),
        (
            ["risk-of-bias", "inconsistency", "publication-bias"],
            "Rated down for risk of bias, inconsistency and publication bias.",
        ),
        (["imprecision", "imprecision"], "Rated down for imprecision."),
    ],
)
def test_downgrade_text(reasons: list[str], expected: str) -> None:
    assert downgrade_text(reasons) == expected


def test_downgrade_text_names_an_unknown_reason() -> None:
    with pytest.raises(ValueError, match='"bias"'):
        downgrade_text(["imprecision", "bias"])
    with pytest.raises(TypeError, match="sequence of codes"):
        downgrade_text("imprecision")

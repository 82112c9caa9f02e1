"""Hints for cells that are not numbers name the likely mistake, and only a likely one."""

from __future__ import annotations

import pytest

from pipeline.validate.hints import number_hint


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("12 µg", "unit inside the number? write 12; the unit has its own column"),
        ("3%", "unit inside the number? write 3; the unit has its own column"),
        ("12,5 mcg", "unit inside the number? write 12.5; the unit has its own column"),
        ("120 µg/100 g", "unit inside the number? write 120; the unit has its own column"),
        ("12,5", "decimal comma? write 12.5"),
    ],
)
def test_known_mistakes_get_their_fix(cell: str, hint: str) -> None:
    assert number_hint(cell, integer=False, required=True) == hint


@pytest.mark.parametrize("cell", ["12;5", "7/8", "1-2"])
def test_punctuation_inside_a_number_is_not_taken_for_a_unit(cell: str) -> None:
    assert number_hint(cell, integer=False, required=True) is None


@pytest.mark.parametrize("cell", ["20x7", "2o17"])
def test_a_letter_among_digits_is_a_typo_not_a_unit(cell: str) -> None:
    assert number_hint(cell, integer=True, required=True) is None

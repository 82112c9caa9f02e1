"""The outcome-level summary of findings: counts from the study rows, words from the certainty."""

from __future__ import annotations

import pytest

from pipeline.context.briefing import briefing_context, handout_context
from pipeline.context.citations import CitationIndex
from pipeline.context.outcomes import count_evidence, key_outcomes, outcome_rows
from pipeline.context.rows import records
from pipeline.context.statements import effect_statement
from pipeline.vocabulary import ASSOCIATION_DIRECTIONS, UNVERIFIED_DIRECTION
from tests.support import bundled_meta, bundled_tables, settings


def _rows(**overrides) -> dict[str, object]:
    base = {"design": "rct", "source_id": "a", "direction": "no-clear-effect", "n": 100}
    return {**base, **overrides}


def test_counts_come_from_the_study_rows_each_study_once() -> None:
    counted = count_evidence(
        [
            _rows(source_id="a", n=100),
            _rows(source_id="a", n=80),  # a second result of the same trial
            _rows(source_id="b", n=50, design="cohort", direction="no-association"),
            _rows(source_id="c", n=None, design="protocol", direction="pending"),
            _rows(source_id="d", n=40, direction=UNVERIFIED_DIRECTION),
            _rows(source_id="e", n=9, design="meta-analysis", direction="benefit"),
        ]
    )
    assert (counted.studies, counted.participants) == (2, 150)
    assert (counted.reviews, counted.pending, counted.unverified) == (1, 1, 1)
    assert counted.studies_noun == "studies"


def test_every_outcome_counts_exactly_its_linked_rows() -> None:
    tables = bundled_tables()
    rows = outcome_rows(tables["outcomes"], tables["studies"], CitationIndex(tables["sources"]))
    studies = records(tables["studies"])
    assert {r.outcome_id for r in rows} == set(tables["outcomes"]["outcome_id"])
    for row in rows:
        linked = [s for s in studies if s["outcome_id"] == row.outcome_id]
        assert linked, row.outcome_id
        assert row.evidence == count_evidence(linked)


def test_each_statement_follows_its_outcomes_certainty_and_direction() -> None:
    tables = bundled_tables()
    outcomes = {r["outcome_id"]: r for r in records(tables["outcomes"])}
    rows = outcome_rows(tables["outcomes"], tables["studies"], CitationIndex(tables["sources"]))
    for row in rows:
        data = outcomes[row.outcome_id]
        expected = effect_statement(
            str(data["intervention"]),
            str(data["outcome"]),
            str(data["certainty"]),
            str(data["direction"]),
            outcome_is_good=data["better"] == "higher",
            singular=data["direction"] in ASSOCIATION_DIRECTIONS,
        )
        assert row.statement == expected
        assert row.certainty_symbols.count("●") == 4 - row.certainty_rank


def test_key_outcomes_are_chosen_by_certainty_and_size_never_by_result() -> None:
    tables = bundled_tables()
    rows = outcome_rows(tables["outcomes"], tables["studies"], CitationIndex(tables["sources"]))
    chosen = key_outcomes(rows, 5)
    ranks = [(r.certainty_rank, -(r.evidence.participants or 0)) for r in chosen]
    assert ranks == sorted(ranks)
    assert all(r.randomised and r.direction != UNVERIFIED_DIRECTION for r in chosen)
    flipped = [
        r.__class__(**{**r.__dict__, "direction": "benefit"}) if r.direction != "benefit" else r
        for r in rows
    ]
    assert [r.outcome_id for r in key_outcomes(tuple(flipped), 5)] == [r.outcome_id for r in chosen]


@pytest.mark.parametrize("document", ["briefing", "handout"])
def test_documents_show_the_key_outcomes(document: str) -> None:
    build = briefing_context if document == "briefing" else handout_context
    ctx = build(bundled_tables(), bundled_meta(), settings())
    assert ctx.key_outcomes
    rows = [getattr(k, "row", k) for k in ctx.key_outcomes]  # the briefing's carry citations
    arterial = ("calcification", "stiffness", "clinical-events")
    assert all(o.kind in arterial for o in rows)

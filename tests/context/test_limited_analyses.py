"""The briefing and the comparison chart flag the same analyses as limited."""

from __future__ import annotations

from pipeline.chart.parts import study_card
from pipeline.context.citations import CitationIndex
from pipeline.context.rows import records
from pipeline.context.studies import study_row
from pipeline.vocabulary import ANALYSES, LIMITED_ANALYSES
from tests.support import bundled_tables


def test_the_briefing_and_the_chart_flag_the_same_studies_as_limited():
    tables = bundled_tables()
    index = CitationIndex(tables["sources"])
    rows = records(tables["studies"])
    flagged = {r["study_id"] for r in rows if study_row(r, index).limited}
    carded = {r["study_id"] for r in rows if study_card(r, index).analysis}
    assert flagged == carded
    assert flagged == {r["study_id"] for r in rows if r["analysis"] in LIMITED_ANALYSES}


def test_every_analysis_code_is_flagged_alike_by_both():
    tables = bundled_tables()
    index = CitationIndex(tables["sources"])
    record = records(tables["studies"])[0]
    for analysis in ANALYSES.codes:
        row = {**record, "analysis": analysis}
        assert study_row(row, index).limited == bool(study_card(row, index).analysis), analysis


def test_a_secondary_outcome_cannot_carry_a_trials_main_conclusion():
    assert "secondary" in LIMITED_ANALYSES
    tables = bundled_tables()
    index = CitationIndex(tables["sources"])
    secondary = [
        r
        for r in records(tables["studies"])
        if r["design"] == "rct" and r["analysis"] == "secondary" and r["direction"] == "benefit"
    ]
    assert secondary, "the bundled data has benefits seen only in secondary outcomes"
    assert all(study_row(r, index).limited for r in secondary)

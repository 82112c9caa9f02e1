"""One role matrix: the briefing's and the chart's role tables derive from it alike."""

from __future__ import annotations

import pandas as pd

from pipeline.chart.context import ChartLimits
from pipeline.chart.context import role_rows as chart_role_rows
from pipeline.context.citations import CitationIndex
from pipeline.context.roles import role_cells, role_matrix, role_rows
from pipeline.vocabulary import ASPECTS, COLUMN_VITAMINS
from tests.support import bundled_tables

LIMITS = ChartLimits(body_pt=8.0, foods=6, studies=8)


def roles_with(aspect: str) -> pd.DataFrame:
    """Return the bundled roles plus one statement for an aspect the vocabulary lacks."""
    roles = bundled_tables()["vitamin_roles"].astype(object)
    extra = roles.iloc[[0]].copy()
    extra["aspect"] = aspect
    if "_line" in extra.columns:
        extra["_line"] = roles["_line"].max() + 1
    return pd.concat([roles, extra], ignore_index=True)


def test_both_views_show_the_same_aspects_in_the_same_order():
    tables = bundled_tables()
    matrix = role_matrix(tables["vitamin_roles"], COLUMN_VITAMINS)
    briefing = role_rows(matrix, role_cells(matrix, CitationIndex(tables["sources"])))
    chart = chart_role_rows(matrix, CitationIndex(tables["sources"]), LIMITS)
    assert [r.aspect for r in briefing] == [r.aspect for r in chart] == list(matrix.aspects)
    assert list(matrix.aspects) == [a for a in ASPECTS.codes if a in matrix.aspects]


def test_an_aspect_the_vocabulary_lacks_is_kept_by_both_views_labelled_by_its_code():
    matrix = role_matrix(roles_with("gut-microbiome"), COLUMN_VITAMINS)
    assert matrix.aspects[-1] == "gut-microbiome"
    sources = bundled_tables()["sources"]
    briefing = role_rows(matrix, role_cells(matrix, CitationIndex(sources)))
    chart = chart_role_rows(matrix, CitationIndex(sources), LIMITS)
    assert (briefing[-1].aspect, briefing[-1].label) == ("gut-microbiome", "Gut microbiome")
    assert (chart[-1].aspect, chart[-1].label) == ("gut-microbiome", "Gut microbiome")
    filled = [v for v, cell in zip(COLUMN_VITAMINS, briefing[-1].cells, strict=True) if cell]
    assert filled == [v for v, cell in zip(COLUMN_VITAMINS, chart[-1].cells, strict=True) if cell]


def test_each_view_cites_in_its_own_order():
    tables = bundled_tables()
    matrix = role_matrix(tables["vitamin_roles"], COLUMN_VITAMINS)
    cells = role_cells(matrix, CitationIndex(tables["sources"]))
    first = matrix.statements[0]
    assert cells[(first.vitamin, first.aspect)].citation.number == 1
    chart = chart_role_rows(matrix, CitationIndex(tables["sources"]), LIMITS)
    reading = next(c for row in chart for c in row.cells if c is not None)
    assert reading.ref == 1

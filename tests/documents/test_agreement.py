"""The three documents agree on the food rankings, and the chart shows its statements whole."""

from __future__ import annotations

import pytest

from pipeline.chart.context import build_chart_context, chart_data
from pipeline.chart.fit import ladder
from pipeline.context.briefing import briefing_context, handout_context
from pipeline.context.citations import CitationIndex
from pipeline.context.foods import FoodSums, rank_foods
from tests.support import bundled_meta, bundled_tables, settings


@pytest.fixture(scope="module")
def contexts():
    tables = bundled_tables()
    briefing = briefing_context(tables, bundled_meta(), settings())
    handout = handout_context(tables, bundled_meta(), settings())
    most_compact = ladder()[-1][-1]
    chart = build_chart_context(chart_data(tables), bundled_meta(), settings(), most_compact)
    return briefing, handout, chart


def _by_serving(ranking) -> list:
    return sorted(ranking.foods, key=lambda f: f.rank_serving)


def _full_ranking(vitamin: str) -> list:
    """Every food of a vitamin by amount per serving: the one ranking all documents draw on."""
    tables = bundled_tables()
    ranking = rank_foods(FoodSums(tables), vitamin, 10_000, CitationIndex(tables["sources"]))
    return _by_serving(ranking)


def test_the_chart_shows_the_briefings_top_foods_per_serving_in_its_order(contexts) -> None:
    briefing, _, chart = contexts
    rankings = {t.ranking.vitamin: t.ranking for t in briefing.foods}
    for column in chart.foods:
        expected = [f.food for f in _by_serving(rankings[column.vitamin])][: len(column.bars)]
        assert [bar.food for bar in column.bars] == expected, column.vitamin


def test_the_handout_lists_the_same_ranking_less_the_values_too_uncertain_to_print(
    contexts,
) -> None:
    briefing, handout, _ = contexts
    for foods in handout.foods:
        full = _full_ranking(foods.vitamin)
        sure = [f.food_id for f in full if f.confidence != "low"]
        shown = [item.food.food_id for item in foods.foods]
        assert shown == sure[: len(shown)], foods.vitamin
    for table in briefing.foods:
        full = [f.food_id for f in _full_ranking(table.ranking.vitamin)]
        listed = [f.food_id for f in _by_serving(table.ranking)]
        assert listed == sorted(listed, key=full.index), table.ranking.vitamin
    k2 = next(f for f in handout.foods if f.vitamin == "K2")
    assert k2.uncertain, "cheese and dairy values are held back, with a sentence instead"


def test_cod_liver_oil_carries_its_vitamin_a_caution_in_every_document(contexts) -> None:
    briefing, handout, chart = contexts
    d = next(f for f in handout.foods if f.vitamin == "D")
    oil = next(i for i in d.foods if i.food.food_id == "cod-liver-oil")
    assert oil.caution is not None
    assert "vitamin A" in oil.caution.title
    bars = {bar.food: bar for column in chart.foods for bar in column.bars}
    assert "vitamin A" in bars["Cod liver oil"].caution
    assert any("vitamin A" in c.title for c in briefing.other_cautions)


def test_no_chart_statement_is_cut_even_at_the_most_compact_limits(contexts) -> None:
    *_, chart = contexts
    texts = [cell.text for row in chart.rows for cell in row.cells if cell is not None]
    assert texts
    assert not [t for t in texts if "…" in t]
    assert not chart.any_shortened

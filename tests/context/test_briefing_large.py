"""Large data sets: documents stay bounded and the vectorised food ranking stays exact."""

from __future__ import annotations

import gen_data
import pandas as pd
import pytest

from pipeline.chart.context import ChartLimits, build_chart_context, chart_data
from pipeline.context.briefing import (
    BRIEFING_STUDIES_PER_GROUP,
    FOREST_PER_PANEL,
    FURTHER_SOURCES_LISTED,
    briefing_context,
    handout_context,
)
from pipeline.context.citations import CitationIndex
from pipeline.context.foods import BASIS_G, FoodSums, food_totals, rank_foods
from pipeline.context.rows import records
from pipeline.context.studies import GROUPS
from tests.support import bundled_meta, settings, tables_of


@pytest.fixture(scope="module")
def many_studies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """Return the tables of a valid package with 400 studies and 3,000 foods."""
    folder = tmp_path_factory.mktemp("many")
    gen_data.generate(folder, foods=3000, studies=400, plant_errors=False, seed=7)
    return dict(tables_of(folder))


def _brute_force_amounts(foods: pd.DataFrame, vitamin: str) -> dict[str, tuple[str, float, float]]:
    """Sum each food's forms the slow, obvious way: food id -> (name, per 100 g, per serving)."""
    by_food: dict[str, list[dict]] = {}
    for row in records(foods):
        if row["vitamin"] == vitamin:
            by_food.setdefault(str(row["food_id"]), []).append(row)
    found = {}
    for food_id, rows in by_food.items():
        totals = [r for r in rows if str(r["form"]).endswith("-total")]
        used = totals[:1] or rows
        per_100g = sum(0.0 if pd.isna(r["amount_per_100g"]) else r["amount_per_100g"] for r in used)
        serving_g = used[0]["serving_g"]
        serving_g = 0.0 if pd.isna(serving_g) else serving_g
        if per_100g > 0:
            found[food_id] = (
                str(used[0]["food"]).strip(),
                per_100g,
                per_100g * serving_g / BASIS_G,
            )
    return found


@pytest.mark.parametrize("vitamin", ["K1", "K2", "D"])
def test_vectorised_ranks_match_a_brute_force_ranking(many_studies, vitamin) -> None:
    foods = many_studies["foods"]
    expected = _brute_force_amounts(foods, vitamin)
    by_serving = sorted(expected, key=lambda f: (-expected[f][2], expected[f][0], f))
    by_100g = sorted(expected, key=lambda f: (-expected[f][1], expected[f][0], f))
    ranking = rank_foods(FoodSums(many_studies), vitamin, 8, CitationIndex(many_studies["sources"]))
    assert ranking is not None
    assert ranking.food_count == len(expected)
    shown = {f.food_id: f for f in ranking.foods}
    assert set(by_serving[:8]) | set(by_100g[:8]) == set(shown)
    for food in ranking.foods:
        assert food.rank_serving == by_serving.index(food.food_id) + 1
        assert food.rank_100g == by_100g.index(food.food_id) + 1
        assert food.per_serving == pytest.approx(expected[food.food_id][2])


def test_totals_leave_out_foods_without_the_vitamin(many_studies) -> None:
    totals = food_totals(many_studies["foods"], "D")
    assert (totals.frame["per_100g"] > 0).all()
    assert len(totals) == len(_brute_force_amounts(many_studies["foods"], "D"))


def test_briefing_tables_show_the_strongest_studies_and_count_the_rest(many_studies) -> None:
    ctx = briefing_context(many_studies, bundled_meta(), settings())
    designs = many_studies["studies"]["design"].astype(object).value_counts()
    assert ctx.studies, "the generated data has studies"
    for table in ctx.studies:
        group = table.group
        assert len(group.rows) == min(group.total, BRIEFING_STUDIES_PER_GROUP)
        held = next(designs_of for key, designs_of, _ in GROUPS if key == group.key)
        assert group.total == sum(designs.get(d, 0) for d in held)
    assert ctx.studies_omitted == len(many_studies["studies"]) - sum(
        len(t.group.rows) for t in ctx.studies
    )
    assert all(len(panel.rows) <= FOREST_PER_PANEL for panel in ctx.forest)


def test_outcome_counts_cover_every_study_not_only_those_shown(many_studies) -> None:
    studies = many_studies["studies"]
    ctx = briefing_context(many_studies, bundled_meta(), settings())
    counted = sum(o.evidence.studies + o.evidence.reviews for o in ctx.outcomes)
    shown = sum(len(t.group.rows) for t in ctx.studies)
    assert counted > shown, "the counts see studies no table shows"
    assert counted <= studies["source_id"].nunique() * len(ctx.outcomes)
    assert handout_context(many_studies, bundled_meta(), settings()).key_outcomes


def test_studies_left_out_are_not_cited_and_uncited_sources_are_counted(many_studies) -> None:
    ctx = briefing_context(many_studies, bundled_meta(), settings())
    shown = {row.citation.anchor for t in ctx.studies for row in t.group.rows}
    cited = {r.anchor for r in ctx.references if r.cited}
    assert shown <= cited
    assert all(r.cited for r in ctx.references), "too many uncited sources to list them"
    assert ctx.uncited_unlisted == len(many_studies["sources"]) - len(ctx.references)
    assert ctx.uncited_unlisted > FURTHER_SOURCES_LISTED, (
        "so many that they are counted, not listed"
    )


def test_which_studies_are_shown_does_not_depend_on_their_results(many_studies) -> None:
    flipped = dict(many_studies)
    studies = many_studies["studies"].copy()
    swap = {"benefit": "null", "null": "benefit", "harm": "benefit"}
    studies["direction"] = studies["direction"].map(lambda d: swap.get(d, d)).astype("str")
    flipped["studies"] = studies
    before = briefing_context(many_studies, bundled_meta(), settings())
    after = briefing_context(flipped, bundled_meta(), settings())
    names = [[r.anchor for r in t.group.rows] for t in before.studies]
    assert names == [[r.anchor for r in t.group.rows] for t in after.studies]


def test_chart_context_is_the_same_size_for_a_large_data_set(many_studies) -> None:
    limits = ChartLimits(7.0, 5, 8)
    ctx = build_chart_context(chart_data(many_studies), bundled_meta(), settings(), limits)
    assert [len(column.bars) for column in ctx.foods] == [5, 5, 5]
    assert len(ctx.studies) == 8
    assert ctx.studies_total > 300


def test_the_charts_tries_reuse_their_food_picks_and_cite_the_same(many_studies) -> None:
    """Every fitting try shows and cites the foods a fresh chart would, picked only once."""
    data = chart_data(many_studies)
    tries = [ChartLimits(7.0, 5, 8), ChartLimits(7.0, 5, 8, 120), ChartLimits(7.0, 4, 6)]
    for limits in tries:
        reused = build_chart_context(data, bundled_meta(), settings(), limits)
        fresh = build_chart_context(chart_data(many_studies), bundled_meta(), settings(), limits)
        assert reused.foods == fresh.foods
        assert reused.references == fresh.references
    assert sorted(n for _, n in data.foods.picks) == [
        4,
        4,
        4,
        5,
        5,
        5,
    ]  # one pick per vitamin and count

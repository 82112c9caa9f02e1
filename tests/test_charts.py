"""Charts: deterministic SVG with text kept as text, in Inter, described by alt text."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from pipeline.charts import forest_chart
from pipeline.context import briefing_context
from pipeline.render import fmt_number
from tests.test_briefing_support import bundled_meta, bundled_tables, settings

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ctx():
    """Return the briefing context of the bundled data, charts included."""
    return briefing_context(bundled_tables(), bundled_meta(), settings())


def svg_of(uri: str) -> str:
    """Decode an SVG data: URI."""
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix) :]).decode("utf-8")


def texts(svg: str) -> list[str]:
    """Return every text string drawn in an SVG."""
    root = ET.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_charts_are_identical_on_a_rebuild(ctx):
    again = briefing_context(bundled_tables(), bundled_meta(), settings())
    assert again.food_figure.uri == ctx.food_figure.uri
    assert again.forest_figure.uri == ctx.forest_figure.uri


def test_charts_keep_text_as_text_in_inter_without_dates(ctx):
    for figure in (ctx.food_figure, ctx.forest_figure):
        svg = svg_of(figure.uri)
        assert texts(svg), "labels are <text>, not glyph outlines"
        families = set(re.findall(r"font-family:\s*'?([^;'\"]+)", svg))
        assert families == {"Inter"}
        assert "<dc:date>" not in svg


def test_food_chart_shows_the_top_foods_with_title_units_and_source(ctx):
    drawn = " ".join(texts(svg_of(ctx.food_figure.uri)))
    assert ctx.food_figure.title in drawn
    assert "Amount per serving (µg)" in drawn
    assert "Source: k2brief evidence tables" in drawn
    for table in ctx.foods:
        top = table.ranking.top_serving
        assert fmt_number(top.per_serving) in drawn
        assert top.food.split(",")[0] in drawn


def test_alt_text_names_every_bar_and_effect(ctx):
    for table in ctx.foods:
        for food in table.ranking.foods:
            if food.rank_serving <= 6:
                assert f"{food.food} ({food.serving}) {fmt_number(food.per_serving)}" in (
                    ctx.food_figure.alt
                )
    for panel in ctx.forest:
        for row in panel.rows:
            assert f"{fmt_number(row.effect)} ({fmt_number(row.ci_low)} to" in ctx.forest_figure.alt


def test_forest_plot_labels_subgroups_and_uses_a_log_axis_for_ratios(ctx):
    drawn = texts(svg_of(ctx.forest_figure.uri))
    assert not any("mathdefault" in t for t in drawn), "log ticks are plain numbers"
    ratio = next(panel for panel in ctx.forest if panel.ratio)
    one = forest_chart([ratio], "Ratios", "Source: test.")
    assert "Effect (ratio: odds, risk or hazard ratio), with confidence interval" in texts(one)


def test_chart_text_from_a_cell_is_escaped(ctx):
    table = ctx.foods[0]
    food = table.ranking.foods[0]
    evil = type(food)(**{**food.__dict__, "food": '<img src="http://example.com/x.png">'})
    ranking = type(table.ranking)(**{**table.ranking.__dict__, "foods": (evil,)})
    from pipeline.charts import food_chart

    svg = food_chart([ranking], 6, "Title", "Source: test.")
    ET.fromstring(svg)  # still well-formed XML
    assert "<img" not in svg

"""Figures drawn by the templates: real text, bars and intervals placed from the data."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from functools import cache
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
from pypdf import PdfReader

from pipeline.context.briefing import CHART_TOP_FOODS, briefing_context
from pipeline.context.figures import Numbered, food_figure, forest_figure
from pipeline.context.palette import DIRECTION_SHAPES, vitamin_class
from pipeline.context.scale import scale_for
from pipeline.context.studies import ForestPanel, StudyRow
from pipeline.formats import fmt_number, fmt_ratio
from pipeline.render import css_tokens, make_environment
from pipeline.settings import TEMPLATES_DIR
from pipeline.vocabulary import COLUMN_VITAMINS, DIRECTIONS
from tests.support import bundled_meta, bundled_tables, settings

NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def ctx():
    """Return the briefing context of the bundled data, figures included."""
    return briefing_context(bundled_tables(), bundled_meta(), settings())


@pytest.fixture(scope="module")
def html(bundled_build) -> Element:
    """Return the built briefing's parsed HTML."""
    return tinyhtml5.parse(bundled_build()["briefing.html"].decode("utf-8"))


def by_id(root: Element, anchor: str) -> Element:
    """Return the element with an id."""
    return next(e for e in root.iter() if e.get("id") == anchor)


def all_of(root: Element, tag: str) -> list[Element]:
    """Return every element with the tag, in document order."""
    return list(root.iter(f"{NS}{tag}"))


def classes(element: Element) -> set[str]:
    """Return an element's classes."""
    return set(element.get("class", "").split())


def with_class(root: Element, name: str) -> list[Element]:
    """Return every element below root that has the class."""
    return [e for e in root.iter() if name in classes(e)]


def text_of(element: Element) -> str:
    """Return an element's text, whitespace (no-break spaces too) collapsed."""
    return " ".join("".join(element.itertext()).replace("\xa0", " ").split())


def percent(element: Element, prop: str) -> float:
    """Return a left or width percentage from an element's style attribute."""
    match = re.search(rf"{prop}: ([\d.]+)%", element.get("style", ""))
    assert match, f"{prop} is set in {element.get('style')!r}"
    return float(match.group(1))


def ratio_panel(*effects: tuple[float, float, float], direction: str = "benefit") -> ForestPanel:
    """Return a ratio panel of made-up effects, each (effect, ci_low, ci_high)."""
    base = ratio_rows()[0]
    rows = tuple(
        replace(base, anchor=f"study-x{i}", effect=e, ci_low=lo, ci_high=hi, direction=direction)
        for i, (e, lo, hi) in enumerate(effects)
    )
    return ForestPanel("ratio: odds, risk or hazard ratio", True, rows, len(rows))


@cache
def ratio_rows() -> tuple[StudyRow, ...]:
    """Return the bundled ratio panel's rows, to build made-up panels from."""
    context = briefing_context(bundled_tables(), bundled_meta(), settings())
    return next(panel for panel in context.forest if panel.ratio).rows


def render_macro(name: str, *args: object) -> str:
    """Render one macro of the figures partial."""
    module = make_environment(TEMPLATES_DIR).get_template("partials/figures.html.j2").module
    return str(getattr(module, name)(*args))


# The figures' layout, computed in Python.


def test_figures_are_identical_on_a_rebuild(ctx):
    again = briefing_context(bundled_tables(), bundled_meta(), settings())
    assert again.food_figure == ctx.food_figure
    assert again.forest_figure == ctx.forest_figure


def test_food_panels_hold_each_vitamins_top_foods_per_serving_largest_first(ctx):
    assert [p.vitamin for p in ctx.food_figure.panels] == [t.ranking.vitamin for t in ctx.foods]
    for panel, table in zip(ctx.food_figure.panels, ctx.foods, strict=True):
        top = [f for f in table.ranking.foods if f.rank_serving <= CHART_TOP_FOODS]
        assert [b.food for b in panel.bars] == [f.food for f in top]
        amounts = [b.amount for b in panel.bars]
        assert amounts == sorted(amounts, reverse=True)
        assert (
            panel.vitamin_class
            == vitamin_class(panel.vitamin)
            == f"vitamin-{panel.vitamin.lower()}"
        )


def test_bars_are_proportional_within_a_panel_and_the_largest_fills_the_track(ctx):
    for panel in ctx.food_figure.panels:
        largest = max(b.amount for b in panel.bars)
        assert max(b.width for b in panel.bars) == 100
        for bar in panel.bars:
            assert bar.width == pytest.approx(100 * bar.amount / largest, abs=0.01)


def test_bar_confidence_is_the_foods_confidence(ctx):
    for panel, table in zip(ctx.food_figure.panels, ctx.foods, strict=True):
        confidence = {f.food: f.confidence for f in table.ranking.foods}
        assert all(bar.confidence == confidence[bar.food] for bar in panel.bars)
    levels = {b.confidence for p in ctx.food_figure.panels for b in p.bars}
    assert len(levels) > 1, "the bundled data shows more than one level"


def test_an_effect_of_one_sits_on_the_no_effect_line_and_halving_mirrors_doubling(ctx):
    figure = forest_figure(
        [ratio_panel((1, 0.5, 2), (2, 1.5, 3))], Numbered(1, "f"), bundled_meta()
    )
    plot = figure.panels[0]
    one, two = plot.rows
    assert plot.log
    assert plot.null == 1
    assert one.at == plot.null_at
    assert plot.null_at - one.low == pytest.approx(one.high - plot.null_at, abs=0.02)
    assert two.at - one.at == pytest.approx(one.at - one.low, abs=0.02), "log, not linear"


def test_every_interval_and_the_no_effect_line_lie_inside_the_track(ctx):
    far = ratio_panel((20, 8, 50), (0.05, 0.01, 0.2))  # no interval comes near 1
    figure = forest_figure([*ctx.forest, far], Numbered(2, "f"), bundled_meta())
    for plot in figure.panels:
        assert 0 < plot.null_at < 100
        for row in plot.rows:
            assert 0 < row.low <= row.at <= row.high < 100
            assert row.span == pytest.approx(row.high - row.low, abs=0.01)
        ticks = [t.at for t in plot.ticks]
        assert ticks == sorted(ticks)
        assert all(0 <= t <= 100 for t in ticks)


def test_log_ticks_are_one_two_five_times_powers_of_ten_written_plainly(ctx):
    plot = next(p for p in ctx.forest_figure.panels if p.log)
    labels = [t.label for t in plot.ticks]
    assert "1" in labels
    assert len(labels) >= 3
    for label in labels:
        value = float(label.replace(",", ""))
        assert f"{value / 10 ** math.floor(math.log10(value)):.6g}" in ("1", "2", "5")


def test_linear_ticks_are_round_and_include_zero_when_it_is_in_range():
    scale = scale_for([-366, -243, -121], 0.0, log=False)
    assert [t.label for t in scale.ticks(0.0)] == ["−300", "−200", "−100", "0"]
    assert [t.end for t in scale.ticks(0.0)] == [False, False, False, True], "0 ends the track"
    scale = scale_for([0.25, 0.5, 2], 0.0, log=False)
    assert [t.label for t in scale.ticks(0.0)] == ["0", "0.5", "1", "1.5", "2"]
    tick_at_zero = next(t for t in scale.ticks(0.0) if t.label == "0")
    assert not tick_at_zero.minor, "a phone keeps the tick at the line of no effect"


def test_a_single_value_still_gets_an_axis_around_it():
    scale = scale_for([1.0, 1.0], 1.0, log=True)
    assert scale.lo < 0 < scale.hi
    assert scale.at(1.0) == 50


def test_marker_shape_and_fill_follow_the_direction(ctx):
    for panel, plot in zip(ctx.forest, ctx.forest_figure.panels, strict=True):
        for row, placed in zip(panel.rows, plot.rows, strict=True):
            shape = DIRECTION_SHAPES[row.direction]
            label = DIRECTIONS.label(row.direction)
            assert placed.marker.direction == row.direction
            assert (placed.marker.shape, placed.marker.label) == (shape, label)
    shown = {r.marker.direction for p in ctx.forest_figure.panels for r in p.rows}
    assert {m.direction for m in ctx.forest_figure.markers} == shown


def test_every_colour_is_a_css_token_python_names_none():
    tokens = css_tokens(TEMPLATES_DIR)
    assert {tokens[f"--color-{v.lower()}"] for v in COLUMN_VITAMINS} == {
        "#009e73",
        "#0072b2",
        "#e69f00",
    }
    assert {d for d in DIRECTIONS.codes if f"--marker-{d}" in tokens} == set(DIRECTIONS.codes)
    assert set(DIRECTION_SHAPES) == set(DIRECTIONS.codes)
    assert tokens["--marker-benefit"] == tokens["--oi-blue"] == "#0072b2"


# The figures as a reader gets them: HTML, screen reader, PDF.


@pytest.mark.pdf
def test_every_top_food_name_serving_and_amount_is_text_in_the_figure(ctx, html):
    figure = by_id(html, ctx.food_figure.anchor)
    tables = all_of(figure, "table")
    assert len(tables) == len(ctx.foods)
    for table, food_table in zip(tables, ctx.foods, strict=True):
        top = [f for f in food_table.ranking.foods if f.rank_serving <= CHART_TOP_FOODS]
        assert text_of(table.find(f"{NS}caption")) == food_table.ranking.title
        rows = all_of(table.find(f"{NS}tbody"), "tr")
        assert len(rows) == len(top)
        for row, food in zip(rows, top, strict=True):
            assert text_of(row.find(f"{NS}th")) == f"{food.food} ({food.serving})"
            amount = f"{fmt_number(food.per_serving)} {food.unit}"
            assert text_of(with_class(row, "fig-value")[0]) == amount


@pytest.mark.pdf
def test_bar_widths_in_the_page_are_proportional_to_the_amounts(ctx, html):
    figure = by_id(html, ctx.food_figure.anchor)
    for table, food_table in zip(all_of(figure, "table"), ctx.foods, strict=True):
        top = [f for f in food_table.ranking.foods if f.rank_serving <= CHART_TOP_FOODS]
        bars = with_class(table, "fig-bar")
        widths = [percent(bar, "width") for bar in bars]
        assert max(widths) == 100
        largest = max(f.per_serving for f in top)
        for width, food, bar in zip(widths, top, bars, strict=True):
            assert width == pytest.approx(100 * food.per_serving / largest, abs=0.01)
            assert f"fig-bar-{food.confidence}" in classes(bar)
            assert bar.get("aria-label") == f"{food.confidence_label} confidence"


@pytest.mark.pdf
def test_forest_rows_show_each_effect_with_its_interval_and_direction(ctx, html):
    figure = by_id(html, ctx.forest_figure.anchor)
    tables = all_of(figure, "table")
    assert len(tables) == len(ctx.forest)
    for table, panel in zip(tables, ctx.forest, strict=True):
        rows = all_of(table.find(f"{NS}tbody"), "tr")
        assert len(rows) == len(panel.rows)
        for tr, row in zip(rows, panel.rows, strict=True):
            assert text_of(tr.find(f"{NS}th")).startswith(row.short_name)
            # Ratios keep two decimals in every document; other effects as the data has them.
            fmt = fmt_ratio if row.ratio else fmt_number
            low, high = fmt(row.ci_low), fmt(row.ci_high)
            assert text_of(with_class(tr, "fig-value")[0]) == f"{fmt(row.effect)} ({low} to {high})"
            marker = with_class(tr, "fig-marker")[0]
            assert f"fig-marker-{row.direction}" in classes(marker)
            assert marker.get("aria-label") == row.direction_label
            interval = with_class(tr, "fig-ci")[0]
            start, at = percent(interval, "left"), percent(marker, "left")
            assert 0 <= start <= at <= start + percent(interval, "width") <= 100


@pytest.mark.pdf
def test_figure_panels_are_captioned_tables_and_their_shapes_are_hidden(ctx, html):
    for anchor in (ctx.food_figure.anchor, ctx.forest_figure.anchor):
        figure = by_id(html, anchor)
        assert figure.tag == f"{NS}figure"
        assert text_of(figure.find(f"{NS}figcaption")).startswith("Figure ")
        assert not all_of(figure, "img")
        for table in all_of(figure, "table"):
            assert text_of(table.find(f"{NS}caption"))
            assert all(th.get("scope") == "row" for th in all_of(table.find(f"{NS}tbody"), "th"))
        for name in ("fig-ci", "fig-shape", "fig-swatch", "fig-null-key"):
            assert all(e.get("aria-hidden") == "true" for e in with_class(figure, name))
        for name in ("fig-bar", "fig-marker"):
            assert all(
                e.get("role") == "img" and e.get("aria-label") for e in with_class(figure, name)
            )


def test_a_limited_analysis_is_named_in_brackets():
    row = replace(ratio_rows()[0], analysis="subgroup", analysis_label="Subgroup analysis")
    row = replace(row, limited=True)
    panel = ForestPanel("ratio: odds, risk or hazard ratio", True, (row,), 1)
    figure = forest_figure([panel], Numbered(2, "figure-effects"), bundled_meta())
    page = tinyhtml5.parse(render_macro("forest_figure", figure, "Caption."))
    label = text_of(all_of(page, "tbody")[0].find(f"{NS}tr").find(f"{NS}th"))
    design = row.design_label.lower()
    assert label == f"{row.short_name} {row.effect_unit}; {design} (subgroup analysis)"


def test_text_from_a_cell_is_escaped_in_a_figure(ctx):
    table = ctx.foods[0]
    evil = replace(table.ranking.foods[0], food='<img src="http://example.com/x.png">')
    ranking = replace(table.ranking, foods=(evil,))
    figure = food_figure([ranking], CHART_TOP_FOODS, Numbered(1, "figure-foods"), bundled_meta())
    out = render_macro("food_figure", figure, "Caption.")
    assert "<img" not in out
    assert "&lt;img src=" in out


@pytest.mark.pdf
def test_the_figures_reach_the_pdf_as_text_on_one_page_each(ctx, bundled_build):
    pdf = PdfReader(io.BytesIO(bundled_build()["briefing.pdf"]))
    pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    for figure in (ctx.food_figure, ctx.forest_figure):
        label = f"Figure {figure.number}. "
        titled = [i for i, text in enumerate(pages) if figure.title in text]
        captioned = [i for i, text in enumerate(pages) if label in text]
        assert len(titled) == 1, "a figure is not split across pages"
        assert titled == captioned, "a figure is not split across pages"
    foods = next(text for text in pages if ctx.food_figure.title in text)
    for table in ctx.foods:
        top = table.ranking.top_serving
        assert f"{top.food} ({top.serving})" in foods
        assert f"{fmt_number(top.per_serving)} {top.unit}" in foods
    effects = next(text for text in pages if ctx.forest_figure.title in text)
    row = ctx.forest[0].rows[0]
    fmt = fmt_ratio if row.ratio else fmt_number
    assert f"{fmt(row.effect)} ({fmt(row.ci_low)} to" in effects

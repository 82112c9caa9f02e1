"""The one-page fitting: what counts as not fitting, and how the ladder is searched."""

from __future__ import annotations

from itertools import pairwise

import pytest

from pipeline.chart.context import MIN_PT, ChartLimits
from pipeline.chart.fit import (
    PREDICTION_MARGIN,
    Prediction,
    fit_one_page,
    ladder,
    measured_level,
    problems,
)
from pipeline.errors import BuildError
from pipeline.pdf.layout import BoxRect, PageLayout

CONTENT = (30.0, 30.0, 1000.0, 700.0)


def cell(name: str, x: float, y: float, w: float, h: float, page: int = 0) -> BoxRect:
    return BoxRect(page, name, True, False, x, y, w, h)


def text(name: str, x: float, y: float, w: float, words: str = "some words") -> BoxRect:
    return BoxRect(0, name, False, True, x, y, w, 12.0, words)


def layout(*boxes: BoxRect, pages: int = 1) -> PageLayout:
    return PageLayout(pages, CONTENT, boxes)


def test_text_inside_its_cells_fits():
    assert (
        problems(layout(cell("K1 · safety", 40, 40, 200, 50), text("K1 · safety", 42, 42, 150)))
        == []
    )


def test_text_wider_than_its_cell_is_named():
    found = problems(layout(cell("K2 · safety", 40, 40, 100, 50), text("K2 · safety", 42, 42, 150)))
    assert [(p.kind, p.region) for p in found] == [("text overflows its box", "K2 · safety")]


def test_text_taller_than_its_cell_is_named():
    found = problems(layout(cell("D · safety", 40, 40, 200, 20), text("D · safety", 42, 55, 50)))
    assert [(p.kind, p.region) for p in found] == [("text overflows its box", "D · safety")]


def test_whatever_lands_on_a_second_page_is_named():
    found = problems(
        layout(cell("row label safety", 40, 40, 50, 20), cell("footer", 40, 40, 900, 20, page=1))
    )
    assert [str(p) for p in found] == ["on a second page: footer"]


def test_boxes_beyond_the_page_edge_are_named():
    found = problems(layout(cell("studies heading", 20, 40, 1100, 20)))
    assert {p.kind for p in found} == {"wider than the page"}


def test_text_of_one_cell_over_another_is_named():
    found = problems(
        layout(
            cell("K1 foods", 700, 40, 300, 100),
            cell("D · primary-role", 500, 40, 250, 100),
            text("K1 foods", 705, 42, 200),
            text("D · primary-role", 600, 44, 140),
        )
    )
    overlaps = [(p.kind, p.region) for p in found]
    assert overlaps == [("overlapping text", "K1 foods / D · primary-role")]


def test_lines_sharing_their_leading_are_not_overlaps():
    """Font boxes are taller than tight leading; the glyphs of adjacent lines do not touch."""
    boxes = (
        cell("legend", 40, 40, 900, 20),
        cell("references", 40, 50.5, 900, 20),
        text("legend", 42, 40, 300),
        text("references", 42, 50.5, 300),
    )
    assert problems(layout(*boxes)) == []


def test_a_measuring_run_names_what_reaches_below_the_page():
    tall = layout(
        cell("row label safety", 40, 600, 50, 30),
        cell("footer", 40, 660, 900, 90),
        text("footer", 42, 700, 100),
    )
    found = problems(tall, height_px=590)
    assert [str(p) for p in found] == ["below the page: row label safety", "below the page: footer"]


def test_the_ladder_never_goes_below_7_pt_and_each_phase_only_gets_more_compact():
    phases = ladder()
    steps = [step for phase in phases for step in phase]
    assert min(step.body_pt for step in steps) == MIN_PT
    assert steps[0].cell_chars is None
    for phase in phases:
        for before, after in pairwise(phase):
            assert after.body_pt <= before.body_pt
            assert (after.cell_chars or 10**6) <= (before.cell_chars or 10**6)
            assert after.foods <= before.foods
            assert after.studies <= before.studies
    assert phases[-1][-1].foods < steps[0].foods
    assert phases[-1][-1].studies < steps[0].studies


def _fake(fits_from: int, levels: list[ChartLimits]):
    """Lay out level i as one clean page when i >= fits_from, else spill onto a second."""
    tried: list[int] = []

    def make_html(limits: ChartLimits, height: float | None) -> str:
        return f"{levels.index(limits)}:{height}"

    def lay_out(html: str) -> PageLayout:
        index, height = html.split(":")
        tried.append(int(index))
        if int(index) >= fits_from:
            return layout(cell("table", 40, 40, 900, 600))
        if height != "None":
            return layout(cell("table", 40, 40, 900, 600), cell("footer", 40, 900, 900, 50))
        return layout(cell("table", 40, 40, 900, 600), cell("footer", 40, 40, 900, 50, page=1))

    return make_html, lay_out, tried


@pytest.mark.parametrize("fits_from", [0, 1, 7, 18, 19])
def test_binary_search_takes_the_most_generous_level_that_fits(fits_from):
    levels = [ChartLimits(9.0 - i * 0.1, 5, 8, None if i == 0 else 400 - i) for i in range(20)]
    make_html, lay_out, tried = _fake(fits_from, levels)
    result = fit_one_page(make_html, lay_out, "a4", [levels])
    assert result.limits == levels[fits_from]
    assert result.html == f"{fits_from}:None"
    assert len(tried) <= 6


def test_nothing_fits_raises_a_build_error_naming_what_overflowed():
    levels = [ChartLimits(7.0, 3, 4, 80)]
    make_html, lay_out, _ = _fake(99, levels)
    with pytest.raises(BuildError) as error:
        fit_one_page(make_html, lay_out, "a4", [levels])
    message = str(error.value)
    assert "does not fit one a4 landscape page" in message
    assert "below the page: footer" in message
    assert f"the page has {(210 - 16):.0f} mm" in message


def test_a_phase_that_cannot_fit_costs_one_layout_before_the_next_phase():
    first = [ChartLimits(8.0 - i * 0.2, 5, 8, 300 - i) for i in range(5)]
    second = [ChartLimits(7.0, 4, 5, 200 - i, studies_aside=True) for i in range(5)]
    make_html, lay_out, tried = _fake(7, [*first, *second])
    result = fit_one_page(make_html, lay_out, "a4", [first, second])
    assert result.limits == second[2]
    assert tried[0] == 4  # the first phase's most compact level, and nothing else from it
    assert all(index >= 5 for index in tried[1:])


def _predicting(overflow: dict[int, float], levels: list[ChartLimits], layouts: int = 2):
    """A predictor that claims each listed level reaches overflow px below the page."""

    def predict(phases):
        return Prediction({levels[i]: px for i, px in overflow.items()}, layouts)

    return predict


def test_levels_predicted_to_overflow_are_skipped_and_the_predicted_fit_laid_out_first():
    levels = [ChartLimits(7.0, 5, 8, 400 - i) for i in range(12)]
    make_html, lay_out, tried = _fake(6, levels)
    predicted = {i: 33.0 - 6 * i for i in range(12)}  # 5 clearly over, 6 under
    result = fit_one_page(make_html, lay_out, "a4", [levels], _predicting(predicted, levels))
    assert result.limits == levels[6]
    assert tried == [6]
    assert result.tries == 3  # the predictor's two layouts and the one that fitted


def test_a_wrong_prediction_costs_layouts_never_the_most_generous_fit():
    levels = [ChartLimits(7.0, 5, 8, 400 - i) for i in range(12)]
    # Predicted to fit from level 3, but really only from level 8.
    make_html, lay_out, tried = _fake(8, levels)
    predicted = {i: 11.0 - 4 * i for i in range(12)}
    result = fit_one_page(make_html, lay_out, "a4", [levels], _predicting(predicted, levels))
    assert result.limits == levels[8]
    assert tried[0] == 3
    assert 8 in tried


def test_near_calls_are_laid_out_rather_than_trusted():
    levels = [ChartLimits(7.0, 5, 8, 400 - i) for i in range(6)]
    make_html, lay_out, tried = _fake(2, levels)
    # Level 2 is predicted 1 px over: within the margin, so it is tried, and it fits.
    predicted = {0: 50.0, 1: 20.0, 2: PREDICTION_MARGIN / 2, 3: -5.0}
    result = fit_one_page(make_html, lay_out, "a4", [levels], _predicting(predicted, levels))
    assert result.limits == levels[2]
    assert 0 not in tried
    assert 1 not in tried


def test_unpredicted_levels_before_the_predicted_fit_are_still_searched():
    levels = [ChartLimits(9.0 - 0.5 * i, 5, 8, None) for i in range(5)]
    levels += [ChartLimits(7.0, 5, 8, 400 - i) for i in range(5)]
    make_html, lay_out, tried = _fake(2, levels)
    predicted = {i: -10.0 for i in range(5, 10)}  # only the cut levels are predicted
    result = fit_one_page(make_html, lay_out, "a4", [levels], _predicting(predicted, levels))
    assert result.limits == levels[2]
    assert 5 not in tried  # predicted to fit with room: no layout unless it is the one chosen
    assert 2 in tried
    assert len(tried) <= 3


def test_a_level_trusted_to_fit_is_still_laid_out_before_it_is_chosen():
    levels = [ChartLimits(7.0, 5, 8, 400 - i) for i in range(8)]
    # Predicted to fit with room from level 2, but really only from level 5.
    make_html, lay_out, tried = _fake(5, levels)
    predicted = {i: 20.0 - 10 * i for i in range(8)}
    result = fit_one_page(make_html, lay_out, "a4", [levels], _predicting(predicted, levels))
    assert result.limits == levels[5]
    assert result.html == "5:None"
    assert 2 in tried  # the wrong prediction was found out by laying it out


def test_the_level_measured_is_the_first_phases_most_compact_showing_everything():
    phases = ladder()
    level = measured_level(phases)
    assert (level.foods, level.studies, level.studies_aside) == (
        phases[0][0].foods,
        phases[0][0].studies,
        False,
    )
    assert level.body_pt == MIN_PT
    assert level.cell_chars == min(p.cell_chars for p in phases[0] if p.cell_chars is not None)

"""Lay out the briefing's numbered figures, which the templates draw as tables of text.

Python computes every number and every position (bar widths, marker and tick positions,
as percentages of a track); the templates only place them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.context.palette import DIRECTION_SHAPES, vitamin_class
from pipeline.context.scale import Scale, Tick, scale_for
from pipeline.vocabulary import CONFIDENCES, DIRECTIONS

if TYPE_CHECKING:
    from pipeline.context.foods import FoodAmount, FoodRanking
    from pipeline.context.studies import ForestPanel, StudyRow
    from pipeline.dataset import DatasetMeta

FOOD_TITLE = "Richest food sources per household serving"
FOREST_TITLE = "Effects reported with confidence intervals, grouped by unit"


@dataclass(frozen=True)
class Numbered:
    """A numbered table or figure and the id cross-references link to."""

    number: int
    anchor: str


@dataclass(frozen=True)
class KeyEntry:
    """One entry of a figure's key: the class that draws it and the words that explain it."""

    key: str
    label: str


@dataclass(frozen=True)
class FoodBar:
    """One food's amount per serving; width is its share of the panel's largest, in percent."""

    food: str
    serving: str
    amount: float
    unit: str
    width: float
    confidence: str
    confidence_label: str


@dataclass(frozen=True)
class FoodPanel:
    """One vitamin's richest foods per serving, largest first, in the vitamin's colour."""

    vitamin: str
    title: str
    unit: str
    vitamin_class: str  # the CSS class that colours the panel
    bars: tuple[FoodBar, ...]


@dataclass(frozen=True)
class FoodFigure:
    """The richest foods per serving, one panel per vitamin, confidence shown as a fill."""

    number: int
    anchor: str
    title: str
    panels: tuple[FoodPanel, ...]
    confidences: tuple[KeyEntry, ...]
    source: str


@dataclass(frozen=True)
class Marker:
    """How a point estimate is drawn: its shape and fill say which way the result went.

    The fill is the CSS token --marker-<direction>.
    """

    direction: str
    label: str
    shape: str


@dataclass(frozen=True)
class ForestRow:
    """One effect and its interval, with their positions on the panel's track in percent."""

    name: str
    detail: str
    analysis: str | None  # set for analyses that are not a trial's main result
    effect: float
    ci_low: float
    ci_high: float
    marker: Marker
    at: float
    low: float
    high: float
    ratio: bool = False  # an odds, risk or hazard ratio: two decimals

    @property
    def span(self) -> float:
        """Return the interval's length on the track, in percent."""
        return round(self.high - self.low, 2)


@dataclass(frozen=True)
class ForestPlot:
    """The effects that share one unit on one axis, log for ratios, with its ticks."""

    unit: str
    log: bool
    null: float
    null_at: float
    rows: tuple[ForestRow, ...]
    ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class ForestFigure:
    """Effects with their confidence intervals, one panel per unit, and the markers' key."""

    number: int
    anchor: str
    title: str
    panels: tuple[ForestPlot, ...]
    markers: tuple[Marker, ...]
    source: str


def _source_note(meta: DatasetMeta, table: str) -> str:
    """Name the data a figure is drawn from, with its version and date."""
    return f"Source: k2brief evidence tables {meta.version} ({meta.iso_date}), {table} table."


def food_figure(
    rankings: Sequence[FoodRanking], top: int, numbered: Numbered, meta: DatasetMeta
) -> FoodFigure:
    """Lay out each vitamin's top foods per serving as bars scaled within the vitamin."""
    panels = tuple(_food_panel(r, [f for f in r.foods if f.rank_serving <= top]) for r in rankings)
    confidences = tuple(
        KeyEntry(c, f"{CONFIDENCES.label(c)} confidence") for c in CONFIDENCES.codes
    )
    source = _source_note(meta, "foods")
    return FoodFigure(numbered.number, numbered.anchor, FOOD_TITLE, panels, confidences, source)


def _food_panel(ranking: FoodRanking, foods: list[FoodAmount]) -> FoodPanel:
    """Scale one vitamin's bars so that its richest food fills the track."""
    largest = max((f.per_serving for f in foods), default=0.0) or 1.0
    bars = tuple(_food_bar(food, largest) for food in sorted(foods, key=lambda f: f.rank_serving))
    css_class = vitamin_class(ranking.vitamin)
    return FoodPanel(ranking.vitamin, ranking.title, ranking.unit, css_class, bars)


def _food_bar(food: FoodAmount, largest: float) -> FoodBar:
    """Turn one food's amount into a bar; an unknown confidence is drawn as the lowest."""
    confidence = food.confidence if food.confidence in CONFIDENCES else CONFIDENCES.codes[-1]
    return FoodBar(
        food=food.food,
        serving=food.serving,
        amount=food.per_serving,
        unit=food.unit,
        width=round(100 * food.per_serving / largest, 2),
        confidence=confidence,
        confidence_label=CONFIDENCES.label(confidence),
    )


def forest_figure(
    panels: Sequence[ForestPanel], numbered: Numbered, meta: DatasetMeta
) -> ForestFigure:
    """Lay out the effects with intervals, one axis per unit, and key the directions shown."""
    plots = tuple(_forest_plot(panel) for panel in panels)
    present = {row.marker.direction for plot in plots for row in plot.rows}
    markers = tuple(_marker(d) for d in DIRECTIONS.codes if d in present)
    source = _source_note(meta, "studies")
    return ForestFigure(numbered.number, numbered.anchor, FOREST_TITLE, plots, markers, source)


def _forest_plot(panel: ForestPanel) -> ForestPlot:
    """Place one panel's effects on an axis holding every interval and the line of no effect."""
    rows = [r for r in panel.rows if r.has_ci]
    values = [v for r in rows for v in _numbers(r)]
    null = 1.0 if panel.ratio else 0.0
    log = panel.ratio and all(v > 0 for v in values)  # a ratio of zero cannot go on a log axis
    scale = scale_for(values, null, log)
    placed = tuple(_forest_row(r, panel.ratio, scale) for r in rows)
    return ForestPlot(panel.unit, log, null, scale.at(null), placed, scale.ticks(null))


def _numbers(row: StudyRow) -> tuple[float, float, float]:
    """Return a row's effect and confidence limits; has_ci promises all three are there."""
    return float(row.effect), float(row.ci_low), float(row.ci_high)  # type: ignore[arg-type]


def _forest_row(row: StudyRow, ratio: bool, scale: Scale) -> ForestRow:
    """Place one effect and its interval; the label says what the study and its effect are."""
    effect, ci_low, ci_high = _numbers(row)
    return ForestRow(
        name=row.short_name,
        detail=_detail(row, ratio),
        analysis=row.analysis_label.lower() if row.limited else None,
        effect=effect,
        ci_low=ci_low,
        ci_high=ci_high,
        marker=_marker(row.direction),
        at=scale.at(effect),
        low=scale.at(min(ci_low, ci_high)),
        high=scale.at(max(ci_low, ci_high)),
        ratio=ratio,
    )


def _detail(row: StudyRow, ratio: bool) -> str:
    """Say under a study's name which ratio it reports (on the shared ratio axis) and its design."""
    detail = [row.design_label.lower()]
    if ratio and row.effect_unit:
        detail.insert(0, row.effect_unit)
    return "; ".join(detail)


def _marker(direction: str) -> Marker:
    """Return the marker of a direction; one the style does not know is drawn as mixed."""
    drawn = direction if direction in DIRECTION_SHAPES else "mixed"
    return Marker(drawn, DIRECTIONS.label(drawn), DIRECTION_SHAPES[drawn])

"""Turn rankings and effects into numbered figures: SVG data URIs with alt text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.render import data_uri, fmt_number

if TYPE_CHECKING:
    from pipeline.context_foods import FoodRanking
    from pipeline.context_studies import ForestPanel
    from pipeline.meta import DatasetMeta

FOOD_TITLE = "Richest food sources per household serving"
FOREST_TITLE = "Effects reported with confidence intervals, grouped by unit"


@dataclass(frozen=True)
class Numbered:
    """A numbered table or figure and the id cross-references link to."""

    number: int
    anchor: str


@dataclass(frozen=True)
class Figure:
    """A chart embedded as an SVG data: URI, with the alt text that describes it."""

    number: int
    anchor: str
    title: str
    uri: str
    alt: str


def _source_note(meta: DatasetMeta, table: str) -> str:
    """Name the data a chart is drawn from, with its version and date."""
    return f"Source: k2brief evidence tables {meta.version} ({meta.iso_date}), {table} table."


def food_figure(
    rankings: Sequence[FoodRanking], top: int, numbered: Numbered, meta: DatasetMeta
) -> Figure:
    """Draw the food chart and describe every bar in its alt text."""
    from pipeline.charts import food_chart

    svg = food_chart(rankings, top, FOOD_TITLE, _source_note(meta, "foods"))
    parts = []
    for ranking in rankings:
        bars = [
            f"{f.food} ({f.serving}) {fmt_number(f.per_serving)} {f.unit}"
            for f in ranking.foods
            if f.rank_serving <= top
        ]
        parts.append(f"{ranking.name}: " + "; ".join(bars))
    alt = f"Bar chart, {FOOD_TITLE.lower()}. " + ". ".join(parts) + "."
    return Figure(numbered.number, numbered.anchor, FOOD_TITLE, _uri(svg), alt)


def forest_figure(panels: Sequence[ForestPanel], numbered: Numbered, meta: DatasetMeta) -> Figure:
    """Draw the forest plot and list every effect and interval in its alt text."""
    from pipeline.charts import forest_chart

    svg = forest_chart(panels, FOREST_TITLE, _source_note(meta, "studies"))
    parts = []
    for panel in panels:
        points = [
            f"{r.short_name}{' (' + r.analysis_label.lower() + ')' if r.limited else ''} "
            f"{fmt_number(r.effect)} ({fmt_number(r.ci_low)} to {fmt_number(r.ci_high)}), "
            f"{r.direction_label.lower()}"
            for r in panel.rows
        ]
        parts.append(f"{panel.unit}: " + "; ".join(points))
    alt = f"Forest plot, {FOREST_TITLE.lower()}. " + ". ".join(parts) + "."
    return Figure(numbered.number, numbered.anchor, FOREST_TITLE, _uri(svg), alt)


def _uri(svg: str) -> str:
    """Embed SVG text as a data: URI."""
    return data_uri(svg.encode("utf-8"), "image/svg+xml")

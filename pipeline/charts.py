"""Draw the documents' charts with matplotlib as deterministic SVG with text kept as text."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pipeline.render import fmt_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pipeline.context_foods import FoodRanking
    from pipeline.context_studies import ForestPanel, StudyRow

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
VITAMIN_COLOURS = {"K1": OKABE_ITO["green"], "K2": OKABE_ITO["blue"], "D": OKABE_ITO["orange"]}
# Hatching carries confidence, so it survives grayscale printing.
CONFIDENCE_HATCH = {"high": "", "medium": "///", "low": "xxx"}
# Marker shape and fill carry direction as well as colour.
DIRECTION_STYLE = {
    "benefit": ("o", OKABE_ITO["blue"], "Benefit"),
    "null": ("s", "#FFFFFF", "No clear effect"),
    "harm": ("^", OKABE_ITO["vermillion"], "Harm"),
    "mixed": ("D", OKABE_ITO["orange"], "Mixed"),
    "pending": ("o", "#FFFFFF", "Pending"),
    "unknown": ("o", "#FFFFFF", "Not retrieved"),
}
TEXT_WIDTH_IN = 6.6
# One line of 7.5 pt tick label, with leading, in inches.
LINE_IN = 0.135
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "k2brief",
    "svg.id": "k2brief",
    "text.parse_math": False,
    "font.family": "Inter",
    "font.size": 7.5,
    "axes.titlesize": 8.5,
    "axes.titleweight": "semibold",
    "axes.titlelocation": "left",
    "axes.labelsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "hatch.linewidth": 0.6,
    "legend.fontsize": 7,
    "legend.frameon": False,
}


@contextmanager
def _figure(height: float) -> Iterator[Figure]:
    """Yield a figure of the text width drawn in the house style, closing it afterwards."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(TEXT_WIDTH_IN, height), layout="constrained")
        try:
            yield fig
        finally:
            plt.close(fig)


def _svg(fig: Figure) -> str:
    """Serialise a figure as SVG without the creation date, so rebuilds are identical."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _wrap(label: str, width: int = 44) -> str:
    """Wrap a long label onto at most two lines."""
    lines = textwrap.wrap(label, width) or [""]
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _source_note(fig: Figure, note: str) -> None:
    """Write the source note under the plot area."""
    fig.text(0.0, 0.0, note, fontsize=6.5, color="#444444", ha="left", va="bottom", wrap=True)


def _row_height(labels: Sequence[str]) -> float:
    """Return the height each row of a panel needs so that its longest label fits."""
    return max((label.count("\n") + 1 for label in labels), default=1) * LINE_IN + 0.1


def food_chart(rankings: Sequence[FoodRanking], top: int, title: str, note: str) -> str:
    """Draw the richest foods per serving, one panel per vitamin, confidence as hatching."""
    shown = [list(reversed([f for f in r.foods if f.rank_serving <= top])) for r in rankings]
    labels = [[_wrap(f"{f.food} ({f.serving})") for f in foods] for foods in shown]
    heights = [max(len(ls), 1) * _row_height(ls) + 0.5 for ls in labels]
    with _figure(sum(heights) + 0.7) as fig:
        fig.suptitle(title, x=0.0, ha="left", fontsize=9, fontweight="semibold")
        axes = fig.subplots(len(rankings), 1, height_ratios=heights, squeeze=False)[:, 0]
        for ax, ranking, foods, names in zip(axes, rankings, shown, labels, strict=True):
            _food_panel(ax, ranking, foods, names)
        _confidence_legend(fig)
        _source_note(fig, note)
        return _svg(fig)


def _food_panel(ax: Axes, ranking: FoodRanking, foods: list, labels: list[str]) -> None:
    """Draw one vitamin's bars, largest at the top, each labelled with its amount."""
    bars = ax.barh(
        range(len(foods)),
        [f.per_serving for f in foods],
        tick_label=labels,
        color=VITAMIN_COLOURS.get(ranking.vitamin, OKABE_ITO["sky"]),
        edgecolor="#000000",
        linewidth=0.5,
    )
    for bar, food in zip(bars, foods, strict=True):
        bar.set_hatch(CONFIDENCE_HATCH.get(food.confidence, ""))
        ax.annotate(
            f"{fmt_number(food.per_serving)} {food.unit}",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
        )
    for tick in ax.get_yticklabels():
        tick.set_multialignment("right")
    ax.set_title(ranking.title)
    ax.set_xlabel(f"Amount per serving ({ranking.unit})")
    ax.margins(x=0.18)
    ax.tick_params(axis="y", length=0)


def _confidence_legend(fig: Figure) -> None:
    """Explain the hatching: how confident the data is in each amount."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="#FFFFFF", edgecolor="#000000", hatch=hatch, label=f"{level} confidence")
        for level, hatch in CONFIDENCE_HATCH.items()
    ]
    fig.legend(handles=handles, loc="outside lower right", ncols=3)


def forest_chart(panels: Sequence[ForestPanel], title: str, note: str) -> str:
    """Draw effects with confidence intervals, one panel per unit, marker shape by direction."""
    labels = [[_study_label(r, p.ratio) for r in reversed(p.rows)] for p in panels]
    heights = [len(ls) * _row_height(ls) + 0.6 for ls in labels]
    with _figure(sum(heights) + 0.75) as fig:
        fig.suptitle(title, x=0.0, ha="left", fontsize=9, fontweight="semibold")
        axes = fig.subplots(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for ax, panel, names in zip(axes, panels, labels, strict=True):
            _forest_panel(ax, panel, names)
        _direction_legend(fig, panels)
        _source_note(fig, note)
        return _svg(fig)


def _study_label(row: StudyRow, ratio: bool) -> str:
    """Name a study on the y axis with its design, flagging analyses that are not the main one."""
    detail = [row.design_label.lower()]
    if row.limited:
        detail.append(row.analysis_label.lower())
    if ratio and row.effect_unit:
        detail.insert(0, row.effect_unit)
    return _wrap(row.short_name, 60) + "\n" + _wrap("; ".join(detail), 64)


def _forest_panel(ax: Axes, panel: ForestPanel, labels: list[str]) -> None:
    """Draw one unit's effects against the line of no effect."""
    rows = list(reversed(panel.rows))
    for y, row in enumerate(rows):
        marker, face, _ = DIRECTION_STYLE.get(row.direction, DIRECTION_STYLE["mixed"])
        ax.plot([row.ci_low, row.ci_high], [y, y], color="#000000", linewidth=0.9)
        ax.plot(
            row.effect,
            y,
            marker=marker,
            markersize=5,
            markerfacecolor=face,
            markeredgecolor="#000000",
            markeredgewidth=0.8,
            linestyle="none",
        )
    ax.axvline(1.0 if panel.ratio else 0.0, color="#555555", linewidth=0.7, linestyle="--")
    if panel.ratio:
        _log_axis(ax)
    ax.set_yticks(range(len(rows)), labels)
    for tick in ax.get_yticklabels():
        tick.set_multialignment("right")
        tick.set_fontsize(6.5)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(f"Effect ({panel.unit}), with confidence interval")
    ax.tick_params(axis="y", length=0)


def _log_axis(ax: Axes) -> None:
    """Use a log scale for ratios, with ticks written as plain numbers, not powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: fmt_number(value)))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _direction_legend(fig: Figure, panels: Sequence[ForestPanel]) -> None:
    """Explain the marker shapes for the directions the chart shows."""
    from matplotlib.lines import Line2D

    present = {row.direction for panel in panels for row in panel.rows}
    handles = [
        Line2D(
            [],
            [],
            marker=marker,
            markerfacecolor=face,
            markeredgecolor="#000000",
            linestyle="none",
            label=label,
        )
        for direction, (marker, face, label) in DIRECTION_STYLE.items()
        if direction in present
    ]
    fig.legend(handles=handles, loc="outside lower right", ncols=len(handles))

"""Predict how tall the comparison chart is at every statement budget from two layouts.

A statement budget changes nothing but the text in the roles table's cells. The table has
a fixed layout, so a cell's height depends on its own text alone, and a row is its tallest
cell's height plus the same padding in every cell. One layout of the chart at one budget,
and one of every cell text the other budgets would show (each in a block of its own in its
column: the probe), therefore give the chart's height at each budget without laying each
one out. The fitting still lays out the level
it picks, so a wrong prediction costs time, never a chart that does not fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest

from pipeline.chart.context import AspectRow, ChartLimits, ProbeCell, ProbeRow, RoleText

Content = str | RoleText | None


@dataclass(frozen=True)
class Probe:
    """The cells to measure, and which of them make up each row at each level."""

    rows: tuple[ProbeRow, ...]
    #: For each level, for each aspect row, the probe keys of its label and its cells.
    keys: Mapping[ChartLimits, tuple[tuple[str, ...], ...]]


@dataclass(frozen=True)
class Measured:
    """What the layout of the chart at the measured level shows, in CSS pixels."""

    level: ChartLimits
    needed: float  # from the top of the page's content box to the lowest box
    main_bottom: float  # the roles table's column
    side_bottom: float  # the column beside it
    available: float  # the page's content height


def same_shape(level: ChartLimits, other: ChartLimits) -> bool:
    """Tell whether two levels differ in their statement budgets at most."""
    return (level.body_pt, level.foods, level.studies, level.studies_aside) == (
        other.body_pt,
        other.foods,
        other.studies,
        other.studies_aside,
    )


def make_probe(rows_by_level: Mapping[ChartLimits, Sequence[AspectRow]]) -> Probe:
    """List every distinct cell the levels show, once per row and column, packed in rows."""
    seen: dict[tuple[int, int, Content], str] = {}
    columns: dict[int, list[ProbeCell]] = {}
    keys: dict[ChartLimits, tuple[tuple[str, ...], ...]] = {}
    for level, rows in rows_by_level.items():
        level_keys = []
        for i, row in enumerate(rows):
            cell_keys = []
            for j, content in enumerate((row.label, *row.cells)):
                key = seen.get((i, j, content))
                if key is None:
                    key = seen[(i, j, content)] = f"cell-{len(seen)}"
                    label = content if isinstance(content, str) else ""
                    cell = content if isinstance(content, RoleText) else None
                    columns.setdefault(j, []).append(ProbeCell(key, label, cell))
                cell_keys.append(key)
            level_keys.append(tuple(cell_keys))
        keys[level] = tuple(level_keys)
    width = 1 + max(columns, default=0)
    packed = zip_longest(*(columns.get(j, []) for j in range(width)))
    return Probe(tuple(tuple(row) for row in packed), keys)


def _shortened(rows: Sequence[AspectRow]) -> bool:
    """Tell whether any statement is cut, which adds a sentence to the chart's legend."""
    return any(cell is not None and cell.shortened for row in rows for cell in row.cells)


def predictable(
    rows_by_level: Mapping[ChartLimits, Sequence[AspectRow]], measured: ChartLimits
) -> dict[ChartLimits, Sequence[AspectRow]]:
    """Keep the measured level and the levels whose fit the probe can predict from it.

    Those are the levels of the same shape whose legend is the measured one's: statements
    cut at both or at neither. The legend's sentence about cuts is a line the probe does
    not measure.
    """
    cut = _shortened(rows_by_level[measured])
    return {
        level: rows
        for level, rows in rows_by_level.items()
        if same_shape(level, measured) and _shortened(rows) == cut
    }


def predict_overflows(
    probe: Probe,
    heights: Mapping[str, float],
    measured: Measured,
) -> dict[ChartLimits, float]:
    """Predict, for each level the probe holds, how far it reaches below the page.

    Negative values are room to spare. The probe is made from the predictable levels.
    """

    def table(level: ChartLimits) -> float:
        # Each row's padding is the same at every level, so content heights give the change.
        return sum(max(heights[key] for key in row) for row in probe.keys[level])

    base = table(measured.level)
    body = max(measured.main_bottom, measured.side_bottom)
    found = {}
    for level in probe.keys:
        main = measured.main_bottom + table(level) - base
        found[level] = measured.needed + max(main, measured.side_bottom) - body - measured.available
    return found

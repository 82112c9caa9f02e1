"""Fit the comparison chart on one page: find the most generous limits whose layout fits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.chart.context import MIN_PT, ChartLimits, content_height_mm
from pipeline.errors import BuildError

if TYPE_CHECKING:
    from pipeline.pdf.layout import BoxRect, PageLayout

#: Slack for rounding in the layout engine, in CSS pixels (1 px = 0.26 mm).
TOLERANCE = 0.5
#: A text box spans the font's whole ascender-to-descender reserve (1.21 em for Inter),
#: more than tight leading gives a line; glyphs stay clear of its outer 15 % top and bottom.
INK_INSET = 0.15
PX_PER_MM = 96 / 25.4
FOODS, STUDIES = 5, 8
#: Character budgets for the longest statements, each about 15 % below the one before.
BUDGETS = (400, 340, 290, 250, 215, 185, 160, 140, 120, 105, 90, 80)
#: The measuring page: tall enough that nothing breaks onto a second page.
MEASURE_HEIGHT_MM = 3000.0
#: A level predicted to reach further than this below the page is taken not to fit
#: without laying it out; nearer calls are laid out. In CSS pixels (0.5 mm).
PREDICTION_MARGIN = 2.0


def ladder() -> tuple[tuple[ChartLimits, ...], ...]:
    """List the limits to try in phases, each from its most generous to its most compact.

    Content comes before size: every statement in full, at type shrinking to 7 pt; then,
    at 7 pt, the longest statements cut to ever smaller budgets; then fewer foods and
    studies. Within a phase each step needs no more room than the one before, so a binary
    search finds the first that fits. The second phase moves the studies from the strip
    under the table into the column beside it, for tables too long to leave room below.
    """
    full = [ChartLimits(pt, FOODS, STUDIES) for pt in (9.0, 8.5, 8.0, 7.5, MIN_PT)]
    cut = [ChartLimits(MIN_PT, FOODS, STUDIES, chars) for chars in BUDGETS]
    fewer = [ChartLimits(MIN_PT, f, s, BUDGETS[-1]) for f, s in ((4, 6), (3, 4))]
    aside = [ChartLimits(MIN_PT, 4, 5, chars, studies_aside=True) for chars in BUDGETS[4:]]
    last = ChartLimits(MIN_PT, 3, 4, BUDGETS[-1], studies_aside=True)
    return (*full, *cut, *fewer), (*aside, last)


@dataclass(frozen=True)
class Problem:
    """One way a layout fails to fit, named for the person who has to fix it."""

    kind: str
    region: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.region}" + (f" ({self.detail})" if self.detail else "")


def _mm(px: float) -> str:
    """Say a length in CSS pixels as millimetres."""
    return f"{px / PX_PER_MM:.1f} mm"


def _ink(box: BoxRect) -> tuple[float, float, float, float]:
    """Return where a box can put ink: text boxes less their ascender and descender reserve."""
    inset = box.height * INK_INSET if box.text else 0.0
    return box.x, box.y + inset, box.width, box.height - 2 * inset


def _outside(inner: BoxRect, outer: tuple[float, float, float, float]) -> float:
    """Return how far inner's ink sticks out of outer on any side, in pixels (0 when inside)."""
    x, y, w, h = outer
    ix, iy, iw, ih = _ink(inner)
    return max(x - ix, y - iy, ix + iw - x - w, iy + ih - y - h, 0.0)


def _overlaps(boxes: Sequence[BoxRect]) -> list[Problem]:
    """Find text of one region drawn over text of another, sweeping down the page."""
    inks = sorted(
        ((b, _ink(b)) for b in boxes if b.is_leaf and b.text.strip()), key=lambda pair: pair[1][1]
    )
    found: list[Problem] = []
    for i, (a, (ax, ay, aw, ah)) in enumerate(inks):
        for b, (bx, by, bw, _) in inks[i + 1 :]:
            if by >= ay + ah - TOLERANCE:
                break
            if a.region == b.region or b.page != a.page:
                continue
            if min(ax + aw, bx + bw) - max(ax, bx) > TOLERANCE:
                found.append(Problem("overlapping text", f"{a.region} / {b.region}", b.text[:30]))
    return found


def problems(layout: PageLayout, height_px: float | None = None) -> list[Problem]:
    """List everything that keeps a layout from being one clean page of height_px.

    Without height_px the page is the one laid out; with it, the layout is a measuring
    run on a taller page, and whatever reaches below height_px is named as too low.
    """
    x0, y0, width, height = layout.content
    bottom = y0 + (height_px if height_px is not None else height)
    found = [Problem("on a second page", name, "") for name in _names(layout, 1, None)]
    found += [Problem("below the page", name, "") for name in _names(layout, 0, bottom)]
    regions: dict[str, BoxRect] = {}
    for box in layout.boxes:
        if box.is_region and box.page == 0:
            regions.setdefault(box.region or "", box)
    for box in layout.boxes:
        if box.page > 0:
            continue
        sideways = max(x0 - box.x, box.x + box.width - x0 - width, 0.0)
        if sideways > TOLERANCE:
            found.append(Problem("wider than the page", box.region or "page", _mm(sideways)))
        cell = regions.get(box.region or "")
        inked = box.is_leaf and (box.text.strip() or box.width > 0) and box.height > 0
        if inked and cell is not None:
            out = _outside(box, (cell.x, cell.y, cell.width, cell.height))
            if out > TOLERANCE:
                found.append(Problem("text overflows its box", box.region or "", _mm(out)))
    return found + _overlaps(layout.boxes)


def _names(layout: PageLayout, page: int, below: float | None) -> list[str]:
    """Name the regions on or after a page, or reaching below a line, in document order."""
    names = (
        box.region or "page"
        for box in layout.boxes
        if (box.page >= page if below is None else box.page == 0 and box.y + box.height > below)
        and (box.is_region or box.is_leaf)
    )
    return list(dict.fromkeys(names))


def needed_mm(layout: PageLayout) -> float:
    """Return how tall the laid-out content is, from the top of the page's content box."""
    bottom = max((b.y + b.height for b in layout.boxes if b.page == 0), default=0.0)
    return (bottom - layout.content[1]) / PX_PER_MM


@dataclass(frozen=True)
class FitResult:
    """The limits chosen, the HTML they give, its layout and how many layouts were tried."""

    limits: ChartLimits
    html: str
    tries: int
    layout: PageLayout | None = None


Fitted = tuple[str, "PageLayout"]


@dataclass(frozen=True)
class Prediction:
    """How far some levels are predicted to reach below the page, and the layouts it took."""

    overflow: Mapping[ChartLimits, float]
    layouts: int


#: Measures the chart and predicts levels' fit: given the phases, returns a Prediction.
Predictor = Callable[[Sequence[Sequence[ChartLimits]]], Prediction]


def measured_level(phases: Sequence[Sequence[ChartLimits]]) -> ChartLimits:
    """Pick the level to measure: the first phase's most compact showing all its first shows."""
    first = phases[0][0]
    same = [
        level
        for level in phases[0]
        if (level.foods, level.studies, level.studies_aside)
        == (first.foods, first.studies, first.studies_aside)
    ]
    return same[-1]


def _first_fit(
    levels: Sequence[ChartLimits],
    try_level: Callable[[int], tuple[bool, Fitted | None]],
    predicted: Mapping[ChartLimits, float],
    lo: int,
) -> tuple[int | None, Fitted | None]:
    """Find the first level from lo that fits, by prediction or by layout.

    Levels predicted to overflow clearly are skipped, with every more generous one before
    them. The first levels predicted to fit go next; failing those, the most compact level,
    so that when even it does not fit one try settles the phase. Then a binary search runs
    over the levels left between.
    """
    known = [predicted.get(level) for level in levels]
    lo = max(
        lo,
        1
        + max(
            (i for i, o in enumerate(known) if o is not None and o > PREDICTION_MARGIN), default=-1
        ),
    )
    last = len(levels) - 1
    best: tuple[int, Fitted | None] | None = None
    # The first two levels predicted to fit (the first may be a near call), then the last.
    guesses = [i for i in range(lo, last + 1) if known[i] is not None][:2]
    for index in (*guesses, last):
        if index < lo or best is not None:
            continue
        ok, fitted = try_level(index)
        if ok:
            best = (index, fitted)
        else:
            lo = index + 1
    if best is None:
        return None, None
    hi = best[0] - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        ok, fitted = try_level(mid)
        if ok:
            best, hi = (mid, fitted), mid - 1
        else:
            lo = mid + 1
    return best


def _search(
    levels: Sequence[ChartLimits],
    make_html: Callable[[ChartLimits, float | None], str],
    lay_out: Callable[[str], PageLayout],
    predicted: Mapping[ChartLimits, float],
) -> tuple[int | None, Fitted | None, int]:
    """Find a phase's first level that fits; return it, its HTML and layout, and the layouts.

    A level predicted to fit with room to spare counts as fitting without a layout of its
    own; only the level chosen is laid out. Should that prove the prediction wrong, the
    level and every more generous one fail, and the search goes on past it.
    """
    tries = 0
    trusted = dict(predicted)

    def lay_out_level(index: int) -> Fitted | None:
        nonlocal tries
        html = make_html(levels[index], None)
        layout, tries = lay_out(html), tries + 1
        return None if problems(layout) else (html, layout)

    def try_level(index: int) -> tuple[bool, Fitted | None]:
        over = trusted.get(levels[index])
        if over is not None and over < -PREDICTION_MARGIN:
            return True, None  # fits by prediction; laid out only if chosen
        fitted = lay_out_level(index)
        return fitted is not None, fitted

    lo = 0
    while True:
        index, fitted = _first_fit(levels, try_level, trusted, lo)
        if index is None or fitted is not None:
            return index, fitted, tries
        fitted = lay_out_level(index)
        if fitted is not None:
            return index, fitted, tries
        del trusted[levels[index]]  # the prediction was wrong: search past this level
        lo = index + 1


def fit_one_page(
    make_html: Callable[[ChartLimits, float | None], str],
    lay_out: Callable[[str], PageLayout],
    paper: str,
    phases: Sequence[Sequence[ChartLimits]] | None = None,
    predict: Predictor | None = None,
) -> FitResult:
    """Search the phases in order for the most generous limits that lay out on one page.

    make_html(limits, None) renders for the real page; make_html(limits, height) for a
    taller measuring page, used to explain a failure. predict, when given, measures
    once and predicts which levels fit, so that most of them need no layout of their own.
    """
    phases = tuple(tuple(p) for p in (phases or ladder()))
    prediction = predict(phases) if predict else Prediction({}, 0)
    tries = prediction.layouts
    for levels in phases:
        found, fitted, used = _search(levels, make_html, lay_out, prediction.overflow)
        tries += used
        if found is not None and fitted is not None:
            return FitResult(levels[found], fitted[0], tries, fitted[1])
    most_compact = phases[-1][-1]
    measured = lay_out(make_html(most_compact, MEASURE_HEIGHT_MM))
    found_problems = problems(measured, content_height_mm(paper) * PX_PER_MM)
    raise BuildError(overflow_message(most_compact, paper, needed_mm(measured), found_problems))


def overflow_message(
    limits: ChartLimits, paper: str, needed: float, found: Sequence[Problem]
) -> str:
    """Explain what did not fit at the most compact limits, and what to do about it."""
    shown = "\n  ".join(str(p) for p in found[:15])
    more = f"\n  … and {len(found) - 15} more" if len(found) > 15 else ""
    return (
        f"the comparison chart does not fit one {paper} landscape page even at its most "
        f"compact ({limits.describe()}): it needs {needed:.0f} mm of height and the page "
        f"has {content_height_mm(paper):.0f} mm. What overflowed:\n  {shown}{more}\n"
        "Shorten the longest statements in vitamin_roles.csv, or show fewer aspects."
    )

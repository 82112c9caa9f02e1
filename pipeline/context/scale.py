"""Place values on a figure's horizontal axis: linear or log10 scales, as track percentages."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.formats import fmt_number

#: Room left on each side of the data, as a share of its span, so no marker touches an edge.
PADDING = 0.06
#: Log ticks at 1, 2 and 5 times powers of ten, like a printed log axis; finer or coarser
#: steps when that gives too few or too many for a panel a text column wide.
LOG_STEPS = (1.0, 2.0, 5.0)
LOG_FINE = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
LOG_COARSE = (1.0,)
MIN_TICKS, MAX_TICKS = 3, 8
#: Beyond this share of the track, in percent, a centred label could leave the track.
END_ALIGNED = 90.0
#: Linear ticks aim for this many, at 1, 2 or 5 times a power of ten; fewer on a tie.
TICKS = 5


@dataclass(frozen=True)
class Tick:
    """One labelled axis tick: where it sits on the track, in percent, and its number.

    Minor ticks are every other one, counted from the line of no effect; a phone-width
    screen leaves them out so that the labels it keeps never touch. A tick near the end of
    the track has its label end at the tick, so that it never runs into the next column.
    """

    at: float
    label: str
    minor: bool = False

    @property
    def end(self) -> bool:
        """Tell whether the label ends at the tick instead of being centred on it."""
        return self.at > END_ALIGNED


@dataclass(frozen=True)
class Scale:
    """An axis from lo to hi (in log10 units when log) mapped onto 0–100 % of a track."""

    lo: float
    hi: float
    log: bool

    def at(self, value: float) -> float:
        """Return where a value sits on the track, in percent, rounded for stable output."""
        x = math.log10(value) if self.log else value
        return _clean(100 * (x - self.lo) / (self.hi - self.lo), 2)

    def ticks(self, null: float) -> tuple[Tick, ...]:
        """Return round-number ticks inside the axis, written as plain numbers."""
        if self.log:
            values, digits = _log_ticks(10**self.lo, 10**self.hi), None
        else:
            step = _linear_step(self.lo, self.hi)
            values, digits = _linear_ticks(self.lo, self.hi, step), _decimals(step)
        kept = values.index(null) % 2 if null in values else 0
        return tuple(
            Tick(self.at(v), _label(v, digits), len(values) > MIN_TICKS and i % 2 != kept)
            for i, v in enumerate(values)
        )


def scale_for(values: Iterable[float], null: float, log: bool) -> Scale:
    """Return an axis holding every value and the line of no effect, with a little padding."""
    points = [math.log10(v) if log else v for v in (*values, null)]
    lo, hi = min(points), max(points)
    span = hi - lo
    if span == 0:  # every value at one point: show a small neighbourhood around it
        span = 0.3 if log else max(abs(lo), 1.0)
        lo, hi = lo - span / 2, hi + span / 2
    return Scale(lo - PADDING * span, hi + PADDING * span, log)


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Return 1-2-5 ticks between lo and hi, or finer or coarser ones when those fit better."""
    usual = _log_values(lo, hi, LOG_STEPS)
    if len(usual) > MAX_TICKS:
        return _log_values(lo, hi, LOG_COARSE)
    return usual if len(usual) >= MIN_TICKS else _log_values(lo, hi, LOG_FINE)


def _log_values(lo: float, hi: float, steps: tuple[float, ...]) -> list[float]:
    """Return each step times each power of ten that lies between lo and hi."""
    powers = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    values = (_clean(step * 10.0**power) for power in powers for step in steps)
    return [v for v in values if lo <= v <= hi]


def _linear_step(lo: float, hi: float) -> float:
    """Return the round step, 1, 2 or 5 times a power of ten, giving closest to five ticks."""
    power = 10.0 ** math.floor(math.log10(hi - lo))
    steps = [m * power * scale for scale in (0.1, 1.0) for m in (1, 2, 5)]
    return min(steps, key=lambda step: (abs(len(_linear_ticks(lo, hi, step)) - TICKS), -step))


def _linear_ticks(lo: float, hi: float, step: float) -> list[float]:
    """Return the multiples of step between lo and hi."""
    first, last = math.ceil(lo / step), math.floor(hi / step)
    return [_clean(k * step) for k in range(first, last + 1)]


def _decimals(step: float) -> int:
    """Return how many decimals the ticks of a step need."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _label(value: float, digits: int | None) -> str:
    """Write a tick as a plain number; small log ticks keep their one significant digit."""
    if digits is None and 0 < abs(value) < 1:
        digits = -math.floor(math.log10(abs(value)) + 1e-9)
    return fmt_number(value, digits)


def _clean(value: float, digits: int = 12) -> float:
    """Round away floating-point noise, and never return minus zero."""
    return round(value, digits) + 0.0

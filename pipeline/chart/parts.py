"""The comparison chart's food bars and study strip: what to pick, how to label it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from pipeline.context.citations import CitationIndex
from pipeline.context.foods import FoodAmount, FoodSums, FoodTotals
from pipeline.context.palette import vitamin_class
from pipeline.context.rows import integer, number, records, text
from pipeline.context.studies import evidence_rank
from pipeline.i18n import format_decimal, format_fixed, gettext
from pipeline.vocabulary import (
    ANALYSES,
    CERTAINTIES,
    CONFIDENCES,
    DESIGNS,
    DIRECTIONS,
    LIMITED_ANALYSES,
    UNVERIFIED_DIRECTION,
    VITAMINS,
)

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

#: The study strip follows the columns: K1, K2, D, then studies of vitamin K as a whole.
STUDY_COLUMNS = {"K1": 0, "K2": 1, "K2+D": 1, "D": 2, "K": 3, "K1+K2": 3}
#: The outcomes the chart's study cards are about: the arteries themselves, not markers,
#: bone, events or safety.
CARD_KINDS = ("calcification", "stiffness")


@dataclass(frozen=True)
class FoodBar:
    """One food's amount per typical serving, drawn as a bar scaled within its vitamin."""

    key: str
    food: str
    forms: str
    amount: str
    serving: str
    width: str
    confidence: str
    confidence_label: str
    refs: tuple[int, ...]
    alt: str
    caution: str = ""  # what the data warns about this food, shown beside it


@dataclass(frozen=True)
class FoodColumn:
    """The top foods of one vitamin under its heading, and how many the data holds."""

    vitamin: str
    name: str  # the column's heading, as the roles table's
    vitamin_class: str  # the CSS class that colours the column
    bars: tuple[FoodBar, ...]
    total: int
    unit: str
    refs: tuple[int, ...]


@dataclass(frozen=True)
class StudyCard:
    """One key study at a glance: design, dose, duration and which way it went."""

    name: str
    year: str
    vitamin: str
    design: str
    analysis: str
    size: str
    dose: str
    duration: str
    outcome: str
    direction: str
    direction_label: str
    mark: str
    ref: int
    certainty: str = ""  # the certainty of the evidence on the card's outcome, as a word


def pick_top(
    items: Sequence[T], n: int, group: Callable[[T], Hashable], rank: Callable[[T], object]
) -> list[T]:
    """Take the best item of each group first, then the best of the rest, n in all."""
    ordered = sorted(items, key=rank)  # type: ignore[arg-type]
    firsts = list({group(item): item for item in reversed(ordered)}.values())[::-1]
    firsts.sort(key=rank)  # type: ignore[arg-type]
    chosen = firsts[:n]
    rest = [item for item in ordered if all(item is not c for c in chosen)]
    return chosen + rest[: max(0, n - len(chosen))]


def amount_text(value: float) -> str:
    """Round an amount to the precision food tables carry: 850, 14, 2.9, 0.45."""
    local = _local_amount(value)
    if local is not None:
        return local
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2g}"


def _local_amount(value: float) -> str | None:
    """Round an amount as amount_text does, written the active language's way (None: English)."""
    if value >= 10:
        return format_decimal(round(value), 0)
    if value >= 1:
        return format_fixed(value, 1)
    return format_decimal(float(f"{value:.2g}"), 3)


def forms_text(forms: Iterable[str]) -> str:
    """Name the forms a bar counts, e.g. 'MK-7'; totals of all forms go unnamed."""
    return " + ".join(f for f in forms if not f.endswith("-total"))


def _bar(amount: FoodAmount, top: float, show_forms: bool) -> FoodBar:
    """Turn one food's amount into a bar, citing the rows it sums."""
    value = amount_text(amount.per_serving)
    grams = amount_text(amount.serving_g)
    serving = gettext("{serving} ({grams} g)").format(serving=amount.serving, grams=grams)
    forms = forms_text(amount.forms) if show_forms else ""
    known = amount.confidence in CONFIDENCES
    confidence = amount.confidence if known else CONFIDENCES.codes[-1]
    label = CONFIDENCES.label(amount.confidence).lower()
    what = f"{amount.vitamin} ({forms})" if forms else amount.vitamin
    return FoodBar(
        key=f"{amount.vitamin}-{amount.food_id}".lower(),
        food=amount.food,
        forms=forms,
        amount=f"{value} {amount.unit}",
        serving=serving,
        width=f"{max(0.5, 99 * amount.per_serving / top):.1f}%",
        confidence=confidence,
        confidence_label=label,
        refs=tuple(c.number for c in amount.citations),
        alt=gettext(
            "{food}: {value} {unit} of vitamin {what} per {serving}; {label} confidence."
        ).format(
            food=amount.food, value=value, unit=amount.unit, what=what, serving=serving, label=label
        ),
    )


@dataclass(frozen=True)
class FoodPick:
    """The foods a column shows, as frame positions in reading order, and whether forms differ."""

    positions: tuple[int, ...]
    show_forms: bool


def pick_foods(totals: FoodTotals, n: int) -> FoodPick:
    """Pick a vitamin's n richest foods per serving: the ranking every document shows."""

    def rank(amount: FoodAmount) -> tuple:
        return (-amount.per_serving, amount.food, amount.food_id)

    candidates = list(totals.best("per_serving", n))
    amounts = totals.amounts(candidates, None)
    position = {amount.food_id: at for amount, at in zip(amounts, candidates, strict=True)}
    chosen = sorted(amounts, key=rank)[:n]
    show_forms = totals.frame["forms"].nunique() > 1  # one form only: nothing to tell apart
    return FoodPick(tuple(position[a.food_id] for a in chosen), show_forms)


def food_column(
    totals: FoodTotals,
    pick: FoodPick,
    index: CitationIndex,
    cautions: Mapping[str, str] | None = None,
) -> FoodColumn:
    """Draw a vitamin's picked foods as bars, citing their sources in reading order."""
    cited = totals.amounts(pick.positions, index)
    top = max((a.per_serving for a in cited), default=1.0) or 1.0
    warned = cautions or {}
    bars = [
        replace(_bar(amount, top, pick.show_forms), caution=warned.get(amount.food_id, ""))
        for amount in cited
    ]
    unit = cited[0].unit if cited else ""
    refs = tuple(sorted({n for bar in bars for n in bar.refs}))
    name, css_class = VITAMINS.label(totals.vitamin), vitamin_class(totals.vitamin)
    return FoodColumn(totals.vitamin, name, css_class, tuple(bars), len(totals), unit, refs)


def food_columns(
    sums: FoodSums,
    vitamins: Sequence[str],
    n: int,
    index: CitationIndex,
    cautions: Mapping[str, str] | None = None,
) -> tuple[FoodColumn, ...]:
    """Draw the top foods of every vitamin, in column order, picking each at most once.

    The picks depend on the vitamin and n alone and cost a pass over a large foods table,
    so the chart's fitting, which renders many versions, keeps them in the food sums' cache.
    """
    return tuple(
        food_column(sums.totals(vitamin), sums.picked(vitamin, n, pick_foods), index, cautions)
        for vitamin in vitamins
    )


def duration_text(weeks: float | None) -> str:
    """Say a follow-up time as a reader would: '6 wk', '1.5 y', '3 y'."""
    if weeks is None:
        return ""
    years = weeks / 52
    if weeks >= 52 and abs(years * 2 - round(years * 2)) < 0.1:
        count = round(years * 2) / 2
        return gettext("{years} y").format(years=format_decimal(count, 1) or f"{count:g}")
    count = round(weeks)
    return gettext("{weeks} wk").format(weeks=format_decimal(count, 0) or f"{count:g}")


def size_text(n: int | None, design: str) -> str:
    """Say what n counts: participants, animals or studies pooled."""
    if n is None:
        return ""
    count = format_decimal(n, 0) or f"{n:,}"
    if design in ("systematic-review", "meta-analysis"):
        return gettext("{n} studies").format(n=count)
    return gettext("{n} animals").format(n=count) if design == "animal" else f"n = {count}"


def study_card(row: dict[str, object], index: CitationIndex, certainty: str = "") -> StudyCard:
    """Turn a studies row into a card, citing its source."""
    design, analysis = str(row["design"]), str(row["analysis"])
    direction = str(row["direction"])
    drawn = direction if direction in DIRECTIONS else UNVERIFIED_DIRECTION
    year = integer(row["year"])
    return StudyCard(
        name=text(row["short_name"]) or "",
        year=str(year or ""),
        vitamin=str(row["vitamin"]),
        design=DESIGNS.short(design),
        analysis=ANALYSES.short(analysis) if analysis in LIMITED_ANALYSES else "",
        size=size_text(integer(row["n"]), design),
        dose=text(row["dose"]) or "",
        duration=duration_text(number(row["duration_weeks"])),
        outcome=text(row["outcome"]) or "",
        direction=drawn,
        direction_label=DIRECTIONS.label(direction),
        mark=DIRECTIONS.term(drawn).mark,
        ref=index.cite(row["source_id"]).number,
        certainty=certainty,
    )


def key_studies(
    studies: pd.DataFrame, outcomes: pd.DataFrame, n: int, index: CitationIndex
) -> tuple[tuple[StudyCard, ...], int]:
    """Pick n key studies on calcification or stiffness: one result per publication and vitamin.

    Selection looks at the outcome, design and analysis only, never at the direction of the
    result, so null results are shown as readily as positive ones. A result whose numbers
    could not be checked counts nowhere, so it gets no card.
    """
    kinds = dict(zip(outcomes["outcome_id"], outcomes["outcome_kind"], strict=True))
    certainty = (
        dict(zip(outcomes["outcome_id"], outcomes["certainty"], strict=True))
        if "certainty" in outcomes.columns
        else {}
    )
    rows = [
        r
        for r in records(studies)
        if kinds.get(r["outcome_id"]) in CARD_KINDS
        and r["direction"] != UNVERIFIED_DIRECTION
        and r["vitamin"] in STUDY_COLUMNS
    ]

    def rank(row: dict[str, object]) -> tuple:
        design, analysis = str(row["design"]), str(row["analysis"])
        return evidence_rank(design, analysis, integer(row["n"]), integer(row["year"]))

    publications: dict[tuple[object, object], dict[str, object]] = {}
    for row in sorted(rows, key=rank):
        publications.setdefault((row["source_id"], row["vitamin"]), row)
    candidates = list(publications.values())
    chosen = pick_top(candidates, n, lambda r: STUDY_COLUMNS.get(str(r["vitamin"]), 3), rank)
    chosen.sort(key=lambda r: (STUDY_COLUMNS.get(str(r["vitamin"]), 3), rank(r)))
    return tuple(
        study_card(r, index, CERTAINTIES.prose(str(certainty.get(r["outcome_id"], ""))))
        for r in chosen
    ), len(candidates)

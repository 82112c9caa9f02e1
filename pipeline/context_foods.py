"""Rank foods by their vitamin content, per 100 g and per household serving."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.context_refs import Citation, CitationIndex, number, records, text

VITAMINS = ("K1", "K2", "D")
VITAMIN_NAMES = {"K1": "vitamin K1", "K2": "vitamin K2", "D": "vitamin D"}
CONFIDENCE_ORDER = ("high", "medium", "low")
CONFIDENCE_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
#: Grams the foods table's amounts refer to (its column is amount_per_100g).
BASIS_G = 100.0


@dataclass(frozen=True)
class FoodAmount:
    """How much of one vitamin one food holds, summed over the forms the data lists."""

    food_id: str
    food: str
    category: str
    vitamin: str
    forms: tuple[str, ...]
    per_100g: float
    serving: str
    serving_g: float
    per_serving: float
    unit: str
    confidence: str
    citations: tuple[Citation, ...]
    notes: tuple[str, ...]
    rank_serving: int = 0
    rank_100g: int = 0

    @property
    def confidence_label(self) -> str:
        """Return the confidence as a word fit for a table cell."""
        return CONFIDENCE_LABELS.get(self.confidence, self.confidence)


@dataclass(frozen=True)
class FoodRanking:
    """The top foods for one vitamin, ordered by amount per serving."""

    vitamin: str
    name: str
    unit: str
    foods: tuple[FoodAmount, ...]
    food_count: int

    @property
    def title(self) -> str:
        """Return the vitamin's name capitalised, for headings."""
        return self.name[:1].upper() + self.name[1:]

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Return every source the ranking cites, once each, by number."""
        unique = {c.number: c for food in self.foods for c in food.citations}
        return tuple(unique[n] for n in sorted(unique))

    @property
    def top_serving(self) -> FoodAmount:
        """Return the richest food per serving."""
        return min(self.foods, key=lambda f: f.rank_serving)

    @property
    def top_100g(self) -> FoodAmount:
        """Return the richest food per 100 g."""
        return min(self.foods, key=lambda f: f.rank_100g)


def _is_total(form: str) -> bool:
    """Tell whether a form row already sums the others (MK-total, D-total)."""
    return form.endswith("-total")


def _weakest(levels: list[str]) -> str:
    """Return the lowest confidence among the rows summed."""
    return max(levels, key=lambda c: CONFIDENCE_ORDER.index(c) if c in CONFIDENCE_ORDER else 9)


def _combine(rows: list[dict[str, object]], index: CitationIndex | None) -> FoodAmount:
    """Sum one food's forms of one vitamin; a total row, when present, stands alone."""
    totals = [r for r in rows if _is_total(str(r["form"]))]
    used = totals[:1] or rows
    first = used[0]
    per_100g = sum(number(r["amount_per_100g"]) or 0.0 for r in used)
    serving_g = number(first["serving_g"]) or 0.0
    sources = [r["source_id"] for r in used]
    return FoodAmount(
        food_id=str(first["food_id"]),
        food=text(first["food"]) or "",
        category=text(first["category"]) or "",
        vitamin=str(first["vitamin"]),
        forms=tuple(str(r["form"]) for r in used),
        per_100g=per_100g,
        serving=text(first["serving"]) or "",
        serving_g=serving_g,
        per_serving=per_100g * serving_g / BASIS_G,
        unit=text(first["unit"]) or "",
        confidence=_weakest([str(r["confidence"]) for r in used]),
        citations=index.cite_all(sources) if index else (),
        notes=tuple(note for r in used if (note := text(r["note"]))),
    )


def food_amounts(foods: pd.DataFrame, vitamin: str) -> list[FoodAmount]:
    """Return every food's amount of one vitamin, zero amounts left out, uncited."""
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in records(foods):
        if row["vitamin"] == vitamin:
            grouped[str(row["food_id"])].append(row)
    amounts = [_combine(rows, None) for rows in grouped.values()]
    return [a for a in amounts if a.per_100g > 0]


def _ranked(amounts: list[FoodAmount], attr: str) -> dict[str, int]:
    """Rank foods by one amount, largest first; ties broken by name for stable output."""
    ordered = sorted(amounts, key=lambda a: (-getattr(a, attr), a.food, a.food_id))
    return {a.food_id: rank for rank, a in enumerate(ordered, start=1)}


def rank_foods(
    foods: pd.DataFrame, vitamin: str, top: int, index: CitationIndex, per_100g: bool = True
) -> FoodRanking | None:
    """Return the top foods per serving (and per 100 g if asked), ordered per serving, cited."""
    amounts = food_amounts(foods, vitamin)
    if not amounts:
        return None
    by_serving, by_100g = _ranked(amounts, "per_serving"), _ranked(amounts, "per_100g")
    chosen = [
        a
        for a in amounts
        if by_serving[a.food_id] <= top or (per_100g and by_100g[a.food_id] <= top)
    ]
    chosen.sort(key=lambda a: by_serving[a.food_id])
    rows = {str(r["food_id"]) + "/" + str(r["form"]): r for r in records(foods)}
    ranked = tuple(
        _with_ranks(a, by_serving[a.food_id], by_100g[a.food_id], rows, index) for a in chosen
    )
    return FoodRanking(vitamin, VITAMIN_NAMES[vitamin], ranked[0].unit, ranked, len(amounts))


def _with_ranks(
    amount: FoodAmount,
    rank_serving: int,
    rank_100g: int,
    rows: dict[str, dict[str, object]],
    index: CitationIndex,
) -> FoodAmount:
    """Return the amount with its ranks and citations, cited in table order."""
    sources = [rows[f"{amount.food_id}/{form}"]["source_id"] for form in amount.forms]
    return replace(
        amount,
        citations=index.cite_all(sources),
        rank_serving=rank_serving,
        rank_100g=rank_100g,
    )


def rank_all(
    foods: pd.DataFrame, top: int, index: CitationIndex, per_100g: bool = True
) -> tuple[FoodRanking, ...]:
    """Rank the foods of every vitamin that has any, in K1, K2, D order."""
    rankings = (rank_foods(foods, vitamin, top, index, per_100g) for vitamin in VITAMINS)
    return tuple(r for r in rankings if r is not None)

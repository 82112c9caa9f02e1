"""Rank foods by their vitamin content, per 100 g and per household serving."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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


@dataclass(frozen=True)
class FoodTotals:
    """Every food's summed amount of one vitamin, one frame row per food with any.

    The sums are vectorised, so a national food table of a million rows costs a few
    tenths of a second; FoodAmount objects are made only for the few foods a document shows.
    """

    vitamin: str
    frame: pd.DataFrame  # index food_id; food, forms, per_100g, per_serving
    used: pd.DataFrame  # the foods rows summed, in file order

    def __len__(self) -> int:
        return len(self.frame)

    def amounts(self, food_ids: Iterable[str], index: CitationIndex | None) -> list[FoodAmount]:
        """Return the amounts of the given foods, in the order given, cited if index is set."""
        wanted = list(food_ids)
        rows = self.used[self.used["food_id"].isin(wanted)]
        grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
        for row in records(rows):
            grouped[str(row["food_id"])].append(row)
        return [_combine(grouped[food_id], index) for food_id in wanted]

    def best(self, attr: str, n: int) -> dict[str, int]:
        """Return the global rank of the n richest foods by attr (ties at the n-th kept)."""
        top = self.frame.nlargest(n, attr, keep="all")
        return {food_id: rank for rank, food_id in enumerate(_ordered(top, attr), start=1)}

    def rank_of(self, attr: str, food_id: str) -> int:
        """Return one food's rank by attr: one more than the foods ahead of it."""
        frame, me = self.frame, self.frame.loc[food_id]
        value, tied = frame[attr], frame[frame[attr] == me[attr]]
        ahead = int((value > me[attr]).sum())
        names = tied["food"]
        ahead += int((names < me["food"]).sum())
        ahead += int(((names == me["food"]) & (tied.index < food_id)).sum())
        return ahead + 1

    def best_per_forms(self, attr: str) -> list[str]:
        """Return the richest food of each set of forms, so every form can be represented."""
        frame = self.frame
        top = frame[frame[attr] == frame.groupby("forms")[attr].transform("max")]
        ordered = sorted(zip(top["food"], top.index, top["forms"], strict=True))
        return list({forms: food_id for _, food_id, forms in reversed(ordered)}.values())


def _ordered(frame: pd.DataFrame, attr: str) -> list[str]:
    """Order foods by attr, largest first; ties broken by name, then id, for stable output."""
    keys = zip(frame[attr], frame["food"], frame.index, strict=True)
    return [food_id for _, _, food_id in sorted(keys, key=lambda k: (-k[0], k[1], k[2]))]


def _forms_keys(used: pd.DataFrame) -> pd.Series:
    """Name each food's summed forms as one string, e.g. 'MK-4+MK-7', vectorised for one form."""
    counts = used.groupby("food_id", sort=False)["form"].transform("size")
    single = used.loc[counts == 1].set_index("food_id")["form"].astype(object)
    several = used.loc[counts > 1].groupby("food_id", sort=False)["form"].agg("+".join)
    return pd.concat([single, several.astype(object)])


def food_totals(foods: pd.DataFrame, vitamin: str) -> FoodTotals:
    """Sum each food's forms of one vitamin; a total row, when present, stands alone."""
    rows = foods[foods["vitamin"] == vitamin]
    if "_line" in rows.columns:
        rows = rows.sort_values("_line", kind="stable")
    is_total = rows["form"].str.endswith("-total").fillna(False).astype(bool)
    totals = rows[is_total].drop_duplicates("food_id")
    used = pd.concat([totals, rows[~rows["food_id"].isin(totals["food_id"])]])
    if "_line" in used.columns:
        used = used.sort_values("_line", kind="stable")
    used = used.assign(food_id=used["food_id"].astype(object))
    first = used.drop_duplicates("food_id").set_index("food_id")
    per_100g = used.groupby("food_id", sort=False)["amount_per_100g"].sum().astype(float)
    serving_g = first["serving_g"].astype(float).fillna(0.0)
    frame = pd.DataFrame(
        {
            "food": first["food"].astype(object).fillna("").str.strip(),
            "forms": _forms_keys(used),
            "per_100g": per_100g,
            "per_serving": per_100g * serving_g / BASIS_G,
        }
    )
    frame = frame[frame["per_100g"] > 0]
    return FoodTotals(vitamin, frame, used[used["food_id"].isin(frame.index)])


def food_amounts(foods: pd.DataFrame, vitamin: str) -> list[FoodAmount]:
    """Return every food's amount of one vitamin, zero amounts left out, uncited."""
    totals = food_totals(foods, vitamin)
    return totals.amounts(totals.frame.index, None)


def rank_foods(
    foods: pd.DataFrame, vitamin: str, top: int, index: CitationIndex, per_100g: bool = True
) -> FoodRanking | None:
    """Return the top foods per serving (and per 100 g if asked), ordered per serving, cited."""
    totals = food_totals(foods, vitamin)
    if not len(totals):
        return None
    by_serving = totals.best("per_serving", top)
    by_100g = totals.best("per_100g", top)
    chosen = {food_id for food_id, rank in by_serving.items() if rank <= top}
    if per_100g:
        chosen |= {food_id for food_id, rank in by_100g.items() if rank <= top}
    ranks = {
        food_id: (
            by_serving.get(food_id) or totals.rank_of("per_serving", food_id),
            by_100g.get(food_id) or totals.rank_of("per_100g", food_id),
        )
        for food_id in chosen
    }
    ordered = sorted(chosen, key=lambda food_id: ranks[food_id][0])
    ranked = tuple(
        replace(amount, rank_serving=ranks[amount.food_id][0], rank_100g=ranks[amount.food_id][1])
        for amount in totals.amounts(ordered, index)
    )
    return FoodRanking(vitamin, VITAMIN_NAMES[vitamin], ranked[0].unit, ranked, len(totals))


def rank_all(
    foods: pd.DataFrame, top: int, index: CitationIndex, per_100g: bool = True
) -> tuple[FoodRanking, ...]:
    """Rank the foods of every vitamin that has any, in K1, K2, D order."""
    rankings = (rank_foods(foods, vitamin, top, index, per_100g) for vitamin in VITAMINS)
    return tuple(r for r in rankings if r is not None)

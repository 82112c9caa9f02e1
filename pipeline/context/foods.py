"""Rank foods by their vitamin content, per 100 g and per household serving."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.rows import number, records, text
from pipeline.vocabulary import COLUMN_VITAMINS, CONFIDENCES, VITAMINS

T = TypeVar("T")

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
        return CONFIDENCES.label(self.confidence)


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
    return max(levels, key=CONFIDENCES.rank)


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

    The sums are numpy operations on integer codes, so a national food table of a million
    rows costs a few tenths of a second; FoodAmount objects are made only for the foods shown.
    """

    vitamin: str
    frame: pd.DataFrame  # one row per food: food_id, food, forms (a code), per_100g, per_serving
    foods: pd.DataFrame  # the whole foods table
    rows: np.ndarray  # positions in foods of the rows summed, in file order
    codes: np.ndarray  # each of those rows' food, as a position in frame

    def __len__(self) -> int:
        return len(self.frame)

    def amounts(self, positions: Iterable[int], index: CitationIndex | None) -> list[FoodAmount]:
        """Return the amounts of the foods at these frame positions, cited if index is set."""
        wanted = list(positions)
        grouped: dict[int, list[dict[str, object]]] = defaultdict(list)
        picked = np.isin(self.codes, wanted)
        rows = records(self.foods.iloc[self.rows[picked]])
        for code, row in zip(self.codes[picked], rows, strict=True):
            grouped[int(code)].append(row)
        return [_combine(grouped[position], index) for position in wanted]

    def best(self, attr: str, n: int) -> dict[int, int]:
        """Map the frame positions of the n richest foods by attr to their global rank.

        Ties with the n-th are kept, so every rank given is the food's rank among all.
        """
        top = self.frame.nlargest(n, attr, keep="all")
        return {position: rank for rank, position in enumerate(_ordered(top, attr), start=1)}

    def rank_of(self, attr: str, position: int) -> int:
        """Return one food's rank by attr: one more than the foods ahead of it."""
        frame = self.frame
        value, name, food_id = frame[attr].iat[position], *frame.iloc[position][["food", "food_id"]]
        tied = frame[frame[attr] == value]
        ahead = int((frame[attr] > value).sum()) + int((tied["food"] < name).sum())
        ahead += int(((tied["food"] == name) & (tied["food_id"] < food_id)).sum())
        return ahead + 1

    def best_per_forms(self, attr: str) -> list[int]:
        """Return the richest food of each set of forms, so every form can be represented."""
        frame = self.frame
        top = frame[frame[attr] == frame.groupby("forms")[attr].transform("max")]
        keys = zip(top["food"], top["food_id"], top.index, top["forms"], strict=True)
        firsts = {forms: position for *_, position, forms in sorted(keys, reverse=True)}
        return list(firsts.values())


def _ordered(frame: pd.DataFrame, attr: str) -> list[int]:
    """Order foods by attr, largest first; ties broken by name, then id, for stable output."""
    keys = zip(-frame[attr], frame["food"], frame["food_id"], frame.index, strict=True)
    return [position for *_, position in sorted(keys)]


def _forms_codes(
    codes: np.ndarray, form_codes: np.ndarray, names: pd.Index, n_foods: int
) -> np.ndarray:
    """Give each food a code for the set of forms it sums; one-form foods need no Python loop."""
    counts = np.bincount(codes, minlength=n_foods)
    result = np.full(n_foods, -1, dtype=np.int64)
    single = counts[codes] == 1
    result[codes[single]] = form_codes[single]
    several: dict[int, list[str]] = defaultdict(list)
    for code, form in zip(codes[~single], form_codes[~single], strict=True):
        several[int(code)].append(str(names[form]))
    keys: dict[str, int] = {str(name): i for i, name in enumerate(names)}
    for code, parts in several.items():
        result[code] = keys.setdefault("+".join(parts), len(keys))
    return result


class FoodSums:
    """A cache of one foods table's sums per vitamin, made once and shared by every document.

    A build keeps one on its job, so its documents do not sum a large table again; the chart's
    fitting also keeps its food picks here, since every fitting try picks the same foods.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self._tables = tables
        self._totals: dict[str, FoodTotals] = {}
        self._picks: dict[tuple[str, int], object] = {}

    @property
    def foods(self) -> pd.DataFrame:
        """Return the foods table, turned into a DataFrame on first use."""
        return self._tables["foods"]

    def totals(self, vitamin: str) -> FoodTotals:
        """Return each food's summed amount of one vitamin, summing it on first use."""
        if vitamin not in self._totals:
            self._totals[vitamin] = _sum_foods(self.foods, vitamin)
        return self._totals[vitamin]

    def picked(self, vitamin: str, n: int, pick: Callable[[FoodTotals, int], T]) -> T:
        """Return pick(totals, n) for a vitamin, computed once per vitamin and count."""
        key = (vitamin, n)
        if key not in self._picks:
            self._picks[key] = pick(self.totals(vitamin), n)
        return self._picks[key]  # type: ignore[return-value]

    @property
    def picks(self) -> tuple[tuple[str, int], ...]:
        """Name the picks made so far, as (vitamin, count)."""
        return tuple(self._picks)


def food_sums(tables: Mapping[str, pd.DataFrame]) -> FoodSums:
    """Return the sums a build shares for these tables, or a new cache of their foods table."""
    shared = getattr(tables, "food_sums", None)
    usable = isinstance(shared, FoodSums) and shared.foods is tables["foods"]
    return shared if usable else FoodSums(tables)


def food_totals(foods: pd.DataFrame, vitamin: str) -> FoodTotals:
    """Return each food's summed amount of one vitamin in a foods table, uncached."""
    return _sum_foods(foods, vitamin)


def _sum_foods(foods: pd.DataFrame, vitamin: str) -> FoodTotals:
    """Sum each food's forms of one vitamin; a total row, when present, stands alone."""
    # Columns are taken one by one at row positions: taking whole rows of a million-row
    # table of strings costs ten times more.
    rows = np.flatnonzero((foods["vitamin"] == vitamin).to_numpy(dtype=bool, na_value=False))
    if "_line" in foods.columns:
        rows = rows[np.argsort(foods["_line"].to_numpy()[rows], kind="stable")]
    codes, food_ids = pd.factorize(foods["food_id"].take(rows))
    form_codes, forms = pd.factorize(foods["form"].take(rows))
    is_total = np.array([str(f).endswith("-total") for f in forms], dtype=bool)[form_codes]
    # A food's first total row stands alone; a food without one sums all its rows.
    first_total = np.zeros(len(rows), dtype=bool)
    _, first = np.unique(np.where(is_total, codes, -1), return_index=True)
    first_total[first] = is_total[first]
    has_total = np.zeros(len(food_ids), dtype=bool)
    has_total[codes[first_total]] = True
    used = first_total | ~has_total[codes]
    rows, codes, form_codes = rows[used], codes[used], form_codes[used]
    amounts = foods["amount_per_100g"].to_numpy(dtype=float, na_value=np.nan)[rows]
    per_100g = np.bincount(codes, weights=np.nan_to_num(amounts), minlength=len(food_ids))
    _, first_row = np.unique(codes, return_index=True)
    serving_g = foods["serving_g"].to_numpy(dtype=float, na_value=np.nan)[rows[first_row]]
    names = foods["food"].take(rows[first_row]).fillna("").str.strip()
    frame = pd.DataFrame(
        {
            "food_id": food_ids.to_numpy(dtype=object),
            "food": names.to_numpy(dtype=object),
            "forms": _forms_codes(codes, form_codes, forms, len(food_ids)),
            "per_100g": per_100g,
            "per_serving": per_100g * np.nan_to_num(serving_g) / BASIS_G,
        },
    )
    keep = per_100g > 0
    positions = np.cumsum(keep) - 1  # frame positions once the zero amounts are dropped
    kept = keep[codes]
    frame = frame[keep].reset_index(drop=True)
    return FoodTotals(vitamin, frame, foods, rows[kept], positions[codes[kept]])


def food_amounts(sums: FoodSums, vitamin: str) -> list[FoodAmount]:
    """Return every food's amount of one vitamin, zero amounts left out, uncited."""
    totals = sums.totals(vitamin)
    return totals.amounts(range(len(totals)), None)


def rank_foods(
    sums: FoodSums, vitamin: str, top: int, index: CitationIndex, per_100g: bool = True
) -> FoodRanking | None:
    """Return the top foods per serving (and per 100 g if asked), ordered per serving, cited."""
    totals = sums.totals(vitamin)
    if not len(totals):
        return None
    by_serving = totals.best("per_serving", top)
    by_100g = totals.best("per_100g", top)
    chosen = {position for position, rank in by_serving.items() if rank <= top}
    if per_100g:
        chosen |= {position for position, rank in by_100g.items() if rank <= top}
    ranks = {
        position: (
            by_serving.get(position) or totals.rank_of("per_serving", position),
            by_100g.get(position) or totals.rank_of("per_100g", position),
        )
        for position in chosen
    }
    ordered = sorted(chosen, key=lambda position: ranks[position][0])
    ranked = tuple(
        replace(amount, rank_serving=ranks[position][0], rank_100g=ranks[position][1])
        for position, amount in zip(ordered, totals.amounts(ordered, index), strict=True)
    )
    return FoodRanking(vitamin, VITAMINS.prose(vitamin), ranked[0].unit, ranked, len(totals))


def rank_all(
    sums: FoodSums, top: int, index: CitationIndex, per_100g: bool = True
) -> tuple[FoodRanking, ...]:
    """Rank the foods of every vitamin that has any, in K1, K2, D order."""
    rankings = (rank_foods(sums, vitamin, top, index, per_100g) for vitamin in COLUMN_VITAMINS)
    return tuple(r for r in rankings if r is not None)

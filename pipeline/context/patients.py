"""What the patient handout computes beyond the shared tables: daily needs, food lists a
patient can trust, and the cautions that go with a food."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.foods import FoodAmount, FoodRanking
from pipeline.context.rows import integer, number, records, text
from pipeline.vocabulary import MEASURES, VITAMINS

#: International units per microgram of vitamin D (cholecalciferol and ergocalciferol).
IU_PER_UG_VITAMIN_D = 40


@dataclass(frozen=True)
class Need:
    """One reference intake or upper limit as the handout states it."""

    vitamin: str
    vitamin_name: str
    vitamin_prose: str  # the name inside a sentence: "vitamin D"
    measure: str
    measure_label: str
    population: str
    amount: float | None
    unit: str
    iu: float | None  # the same amount in international units, for vitamin D
    upper_limit: bool
    citation: Citation


@dataclass(frozen=True)
class FoodCaution:
    """A caution the data attaches to one food, shown wherever the food is listed."""

    anchor: str
    title: str
    plain: str
    citation: Citation


@dataclass(frozen=True)
class PatientFood:
    """One food on the handout's list, with the caution that goes with it, if any."""

    food: FoodAmount
    caution: FoodCaution | None


@dataclass(frozen=True)
class PatientFoods:
    """One vitamin's food list: foods with trustworthy values, and those held back."""

    ranking: FoodRanking
    foods: tuple[PatientFood, ...]
    #: Kinds of food among the richest whose measured values are too uncertain to print.
    uncertain: tuple[str, ...]

    @property
    def vitamin(self) -> str:
        """Return the vitamin code."""
        return self.ranking.vitamin

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Return the sources of the foods listed."""
        unique = {c.number: c for item in self.foods for c in item.food.citations}
        return tuple(unique[n] for n in sorted(unique))


def needs(intakes: pd.DataFrame, index: CitationIndex) -> tuple[Need, ...]:
    """Return the reference intakes the data marks for patients, in the order it gives."""
    chosen = [r for r in records(intakes) if integer(r.get("patient_order")) is not None]
    chosen.sort(key=lambda r: integer(r["patient_order"]) or 0)
    result = []
    for row in chosen:
        vitamin, measure = str(row["vitamin"]), str(row["measure"])
        amount = number(row["amount_per_day"])
        iu = amount * IU_PER_UG_VITAMIN_D if vitamin == "D" and amount is not None else None
        result.append(
            Need(
                vitamin=vitamin,
                vitamin_name=VITAMINS.label(vitamin),
                vitamin_prose=VITAMINS.prose(vitamin),
                measure=measure,
                measure_label=MEASURES.label(measure),
                population=text(row["population"]) or "",
                amount=amount,
                unit=text(row["unit"]) or "",
                iu=iu,
                upper_limit=measure == "UL",
                citation=index.cite(row["source_id"]),
            )
        )
    return tuple(result)


def food_cautions(cautions: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Map each food the cautions name to its caution's row."""
    found: dict[str, dict[str, object]] = {}
    for row in records(cautions):
        food = text(row.get("food_id"))
        if food:
            found.setdefault(food, row)
    return found


def _caution(row: Mapping[str, object], index: CitationIndex) -> FoodCaution:
    """Cite a food's caution where the food is shown."""
    return FoodCaution(
        anchor=f"caution-{row['caution_id']}",
        title=text(row["title"]) or "",
        plain=text(row["plain"]) or "",
        citation=index.cite(row["source_id"]),
    )


def _cited(food: FoodAmount, index: CitationIndex) -> FoodAmount:
    """Cite a food's sources in the document's own numbering."""
    return replace(food, citations=index.cite_all(c.source_id for c in food.citations))


def patient_foods(
    rankings: tuple[FoodRanking, ...],
    cautions: Mapping[str, Mapping[str, object]],
    top: int,
    index: CitationIndex,
) -> tuple[PatientFoods, ...]:
    """Keep the foods whose values a patient can take as they are; name the kinds held back.

    A low-confidence value (a category mean that studies disagree on several-fold) would be
    read as exact, so it is not printed; the handout says such foods contain some instead.
    """
    lists = []
    for ranking in rankings:
        sure = [f for f in ranking.foods if f.confidence != "low"][:top]
        last = ranking.foods.index(sure[-1]) if sure else len(ranking.foods)
        held = [f for f in ranking.foods[:last] if f.confidence == "low"]
        # "soft cheese" and "hard cheese" are both cheese to a reader.
        kinds = tuple(dict.fromkeys(f.category.split()[-1] for f in held if f.category))
        items = tuple(
            PatientFood(
                _cited(f, index),
                _caution(cautions[f.food_id], index) if f.food_id in cautions else None,
            )
            for f in sure
        )
        lists.append(PatientFoods(ranking, items, kinds))
    return tuple(lists)

"""Cross-field rules the Table Schema cannot express, one named function each.

A rule reads typed columns where every cell that failed its own checks is missing,
and returns the rows that break it. Rows where one of the rule's fields holds an
error are dropped by the caller, so a rule never repeats an error at another place.
Each rule's code is its name in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, text, texts, values

Tables = Mapping[str, pa.Table]
SEPARATOR = text("\x1f")
OUNCE_G = 28.349523125
STUDY_COVERS = {  # a study's vitamin -> the vitamins its doses may be of
    "K1": ("K1",),
    "K2": ("K2",),
    "K": ("K1", "K2"),
    "D": ("D",),
    "K2+D": ("K2", "D"),
    "K1+K2": ("K1", "K2"),
    "none": (),
}


@dataclass(frozen=True)
class Violation:
    """One row breaking a rule, and the field where the report points."""

    row: int
    field: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Rule:
    """A named rule on one table, with the fields whose errors silence it."""

    code: str
    table: str
    fields: tuple[str, ...]
    check: Callable[[Tables], list[Violation]]


RULES: list[Rule] = []


def rule(code: str, table: str, fields: tuple[str, ...]):
    """Register a rule function under its code."""

    def register(check: Callable[[Tables], list[Violation]]):
        RULES.append(Rule(code, table, fields, check))
        return check

    return register


def _num(table: pa.Table, name: str) -> np.ndarray:
    return values(table[name]).astype(np.float64)


def _is(table: pa.Table, name: str, value: str) -> np.ndarray:
    return flags(pc.equal(table[name], text(value)))


def _text(table: pa.Table, name: str, row: int) -> str:
    return table[name][row].as_py()


def _g(value: float) -> str:
    return f"{value:g}"


@rule("ci-order", "studies", ("ci_low", "effect", "ci_high"))
def ci_order(tables: Tables) -> list[Violation]:
    """Check ci_low <= effect <= ci_high, with both bounds or neither given."""
    t = tables["studies"]
    low, effect, high = _num(t, "ci_low"), _num(t, "effect"), _num(t, "ci_high")
    found = []
    for row in np.flatnonzero(np.isnan(low) != np.isnan(high)).tolist():
        given = "ci_low" if np.isnan(high[row]) else "ci_high"
        message = f"{given} is given without the other bound"
        found.append(Violation(row, "ci_low", message, "give both ci_low and ci_high, or neither"))
    crossed = low > high
    for row in np.flatnonzero(crossed).tolist():
        message = f"ci_low {_g(low[row])} is above ci_high {_g(high[row])}"
        found.append(Violation(row, "ci_low", message, "swap the bounds"))
    with np.errstate(invalid="ignore"):
        outside = ~crossed & ((effect < low) | (effect > high))
    for row in np.flatnonzero(outside).tolist():
        message = (
            f"effect {_g(effect[row])} is outside its confidence interval "
            f"{_g(low[row])} to {_g(high[row])}"
        )
        found.append(Violation(row, "ci_low", message, "check the signs and the order"))
    return found


@rule("protocol-pending", "studies", ("design", "direction"))
def protocol_pending(tables: Tables) -> list[Violation]:
    """Check that a protocol, which has no result yet, gives direction pending."""
    t = tables["studies"]
    wrong = _is(t, "design", "protocol") & ~_is(t, "direction", "pending")
    wrong &= flags(pc.is_valid(t["direction"]))
    return [
        Violation(
            row,
            "direction",
            f'a protocol\'s direction is "pending", not "{_text(t, "direction", row)}"',
            "a protocol has no result yet",
        )
        for row in np.flatnonzero(wrong).tolist()
    ]


RESULT_FIELDS = ("effect", "ci_low", "ci_high", "p_value")


@rule("protocol-no-result", "studies", ("design", *RESULT_FIELDS))
def protocol_no_result(tables: Tables) -> list[Violation]:
    """Check that a protocol gives no effect, confidence interval or p value."""
    t = tables["studies"]
    given = np.stack([~np.isnan(_num(t, name)) for name in RESULT_FIELDS])
    wrong = _is(t, "design", "protocol") & given.any(axis=0)
    return [
        Violation(
            row,
            RESULT_FIELDS[int(np.argmax(given[:, row]))],
            "a protocol reports no effect, confidence interval or p value",
            "leave effect, ci_low, ci_high and p_value blank until results are published",
        )
        for row in np.flatnonzero(wrong).tolist()
    ]


@rule("effect-unit", "studies", ("effect", "effect_unit"))
def effect_unit(tables: Tables) -> list[Violation]:
    """Check that an effect says what it measures."""
    t = tables["studies"]
    unitless = ~np.isnan(_num(t, "effect")) & flags(pc.is_null(t["effect_unit"]))
    return [
        Violation(
            row,
            "effect_unit",
            f"effect {_g(_num(t, 'effect')[row])} has no effect_unit",
            'say what the effect measures, e.g. "OR" or "mean difference, %"',
        )
        for row in np.flatnonzero(unitless).tolist()
    ]


def _family(form: str) -> str | None:
    if form == "phylloquinone":
        return "K1"
    if form.startswith("MK-"):
        return "K2"
    return "D" if form in ("D2", "D3", "D-total") else None


@rule("form-vitamin", "forms", ("vitamin", "form"))
def form_vitamin(tables: Tables) -> list[Violation]:
    """Check that each form is listed under the vitamin it is a form of."""
    t = tables["forms"]
    pairs = pc.binary_join_element_wise(t["vitamin"], t["form"], SEPARATOR)
    encoded = pc.dictionary_encode(pairs).combine_chunks()
    verdict = []
    for pair in encoded.dictionary.to_pylist():
        vitamin, form = pair.split("\x1f")
        family = _family(form)
        verdict.append(family is not None and family != vitamin)
    if not any(verdict):
        return []
    index = values(encoded.indices)
    wrong = ~np.isnan(index) & np.append(verdict, False)[np.nan_to_num(index, nan=-1).astype(int)]
    return [
        Violation(
            row,
            "form",
            f"{_text(t, 'form', row)} is a form of {_family(_text(t, 'form', row))}, "
            f"not of {_text(t, 'vitamin', row)}",
        )
        for row in np.flatnonzero(wrong).tolist()
    ]


@rule("dose-vitamin", "doses", ("study_id", "vitamin"))
def dose_vitamin(tables: Tables) -> list[Violation]:
    """Check that a dose is of a vitamin the study gave."""
    doses, studies = tables["doses"], tables.get("studies")
    if studies is None:
        return []
    at = pc.index_in(doses["study_id"], value_set=studies["study_id"].combine_chunks())
    study_vitamin = pc.take(studies["vitamin"], at)
    allowed = [f"{s}\x1f{v}" for s, vs in STUDY_COVERS.items() for v in vs]
    pair = pc.binary_join_element_wise(study_vitamin, doses["vitamin"], SEPARATOR)
    wrong = flags(pc.is_valid(pair)) & ~flags(pc.is_in(pair, value_set=texts(allowed)))
    return [
        Violation(
            row,
            "vitamin",
            f"a {_text(doses, 'vitamin', row)} dose in a study of "
            f"{pair[row].as_py().split(chr(31))[0]}",
            "check the study's vitamin in studies.csv and the dose's vitamin here",
        )
        for row in np.flatnonzero(wrong).tolist()
    ]


SERVING = r"^\s*(?P<amount>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>g|oz)\b"


@rule("serving-weight", "foods", ("serving", "serving_g"))
def serving_weight(tables: Tables) -> list[Violation]:
    """Check that serving_g agrees with a serving given in grams or ounces."""
    t = tables["foods"]
    encoded = pc.dictionary_encode(t["serving"]).combine_chunks()
    parts = pc.extract_regex(encoded.dictionary, SERVING)
    amount = values(pc.cast(pc.struct_field(parts, "amount"), pa.float64()))
    ounces = flags(pc.equal(pc.struct_field(parts, "unit"), text("oz")))
    grams_by_serving = np.where(ounces, amount * OUNCE_G, amount)
    if np.isnan(grams_by_serving).all():
        return []
    index = np.nan_to_num(values(encoded.indices), nan=-1).astype(np.int64)
    grams = np.append(grams_by_serving, np.nan)[index]
    weight = _num(t, "serving_g")
    with np.errstate(invalid="ignore"):
        wrong = np.abs(weight - grams) > np.maximum(0.5, 0.05 * grams)
    return [
        Violation(
            row,
            "serving_g",
            f'serving_g {_g(weight[row])} does not match the serving "{_text(t, "serving", row)}"'
            f" (about {grams[row]:.1f} g)",
            "correct serving_g or the serving",
        )
        for row in np.flatnonzero(wrong).tolist()
    ]

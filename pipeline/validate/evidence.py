"""Rules of the evidence model: a direction fits its design, a claim has numbers, and so on.

They register with the other cross-field rules (validate/rules.py) and follow its contract:
typed columns in, the rows that break a rule out.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, text, texts, values
from pipeline.validate.hints import closest_key
from pipeline.validate.rules import RESULT_FIELDS, SEPARATOR, Tables, Violation, rule
from pipeline.vocabulary import (
    ASSOCIATION_DIRECTIONS,
    CLAIMED_DIRECTIONS,
    DOWNGRADES,
    MARKER_DIRECTIONS,
    OBSERVATIONAL_DESIGNS,
    REVIEW_DESIGNS,
    TRIAL_DIRECTIONS,
    UNVERIFIED_DIRECTION,
)

#: What to write instead of a direction that claims more than the evidence can show.
BETTER_WORD = {
    ("observational", "benefit"): "favourable-association",
    ("observational", "harm"): "adverse-association",
    ("observational", "no-clear-effect"): "no-association",
    ("biomarker", "benefit"): "marker-improved",
    ("biomarker", "no-clear-effect"): "marker-no-change",
    ("trial", "favourable-association"): "benefit",
    ("trial", "adverse-association"): "harm",
    ("trial", "no-association"): "no-clear-effect",
}


def allowed_directions(design: str, kind: str | None) -> tuple[str, ...]:
    """Return the directions a result of this design on this kind of outcome may take."""
    if kind == "biomarker":
        allowed: tuple[str, ...] = MARKER_DIRECTIONS
    elif design in OBSERVATIONAL_DESIGNS:
        allowed = ASSOCIATION_DIRECTIONS
    elif design in REVIEW_DESIGNS:
        # A review pools trials or observational studies, and says which in its words.
        allowed = (*TRIAL_DIRECTIONS[:-1], *ASSOCIATION_DIRECTIONS)
    elif design == "animal":
        allowed = TRIAL_DIRECTIONS[:-1]
    else:
        allowed = TRIAL_DIRECTIONS
    return (*allowed, UNVERIFIED_DIRECTION)


def _family(design: str, kind: str | None) -> str:
    """Name the kind of evidence a design gives, for the hint."""
    if kind == "biomarker":
        return "biomarker"
    return "observational" if design in OBSERVATIONAL_DESIGNS else "trial"


def _outcome_kinds(tables: Tables, ids: pa.ChunkedArray) -> pa.Array:
    """Look up each referenced outcome's kind; null where the outcome is unknown."""
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return pa.nulls(len(ids), pa.string())
    at = pc.index_in(ids, value_set=outcomes["outcome_id"].combine_chunks())
    return pc.take(outcomes["outcome_kind"].combine_chunks(), at)


def _direction_problem(design: str, kind: str | None, direction: str) -> tuple[str, str] | None:
    """Say why a direction does not fit, with a hint, or None when it fits."""
    allowed = allowed_directions(design, kind)
    if design == "protocol" or direction in allowed:
        return None  # a protocol's direction is protocol-pending's to report
    family = _family(design, kind)
    better = BETTER_WORD.get((family, direction))
    reasons = {
        "observational": f"a {design} study shows an association, not an effect",
        "biomarker": f'a change in a marker ({kind} outcome) is not a clinical "{direction}"',
        "trial": f'a {design} result is an effect, not an "{direction}"',
    }
    hint = f'write "{better}"' if better else "use one of: " + ", ".join(allowed)
    return f'direction "{direction}" does not fit: {reasons[family]}', hint


@rule("direction-design", "studies", ("design", "direction", "outcome_id"))
def direction_design(tables: Tables) -> list[Violation]:
    """Check that a result's direction fits its design and its outcome's kind."""
    t = tables["studies"]
    kinds = _outcome_kinds(tables, t["outcome_id"])
    kinds = pc.if_else(pc.is_null(kinds), text(""), pc.cast(kinds, pa.string()))
    triple = pc.binary_join_element_wise(t["design"], kinds, t["direction"], SEPARATOR)
    encoded = pc.dictionary_encode(triple).combine_chunks()
    problems = []
    for key in encoded.dictionary.to_pylist():
        design, kind, direction = key.split("\x1f")
        problems.append(_direction_problem(design, kind or None, direction))
    if not any(problems):
        return []
    index = values(encoded.indices)
    found = []
    for row in np.flatnonzero(~np.isnan(index)).tolist():
        problem = problems[int(index[row])]
        if problem is not None:
            found.append(Violation(row, "direction", *problem))
    return found


@rule("effect-without-numbers", "studies", ("design", "direction", *RESULT_FIELDS))
def effect_without_numbers(tables: Tables) -> list[Violation]:
    """Check that a benefit or a harm gives an effect, a confidence interval or a p value."""
    t = tables["studies"]
    claimed = flags(pc.is_in(t["direction"], value_set=texts(sorted(CLAIMED_DIRECTIONS))))
    # A protocol has no result yet; protocol-pending reports its direction.
    claimed &= ~flags(pc.equal(t["design"], text("protocol")))
    given = np.stack([~np.isnan(values(t[name]).astype(np.float64)) for name in RESULT_FIELDS])
    return [
        Violation(
            row,
            "direction",
            f'direction "{t["direction"][row].as_py()}" gives no effect, confidence interval '
            "or p value",
            f'give the numbers, or write "{UNVERIFIED_DIRECTION}" if they could not be '
            "retrieved; such a row is counted nowhere",
        )
        for row in np.flatnonzero(claimed & ~given.any(axis=0)).tolist()
    ]


@rule("certainty-reason", "outcomes", ("certainty", "downgrades"))
def certainty_reason(tables: Tables) -> list[Violation]:
    """Check that a certainty below high says why it was rated down, and high does not."""
    t = tables["outcomes"]
    high = flags(pc.equal(t["certainty"], text("high")))
    known = flags(pc.is_valid(t["certainty"]))
    reasons = flags(pc.is_valid(t["downgrades"]))
    codes = "; ".join(DOWNGRADES.codes)
    found = [
        Violation(
            row,
            "downgrades",
            f'certainty "{t["certainty"][row].as_py()}" is below high but gives no reason',
            f"list why it was rated down, separated by ';': {codes}",
        )
        for row in np.flatnonzero(known & ~high & ~reasons).tolist()
    ]
    found += [
        Violation(
            row,
            "downgrades",
            "certainty is high, yet downgrade reasons are given",
            "rate the certainty down by one level per serious concern, or clear downgrades",
        )
        for row in np.flatnonzero(high & reasons).tolist()
    ]
    return found


@rule("downgrade-reason", "outcomes", ("downgrades",))
def downgrade_reason(tables: Tables) -> list[Violation]:
    """Check that each downgrade reason is one of GRADE's five."""
    t = tables["outcomes"]
    found = []
    for row, cell in enumerate(t["downgrades"].to_pylist()):
        for reason in (cell or "").split(";") if cell else ():
            if reason not in DOWNGRADES:
                close = closest_key(reason, list(DOWNGRADES.codes))
                hint = f'write "{close}"' if close else "use " + ", ".join(DOWNGRADES.codes)
                found.append(
                    Violation(row, "downgrades", f'"{reason}" is not a GRADE reason', hint)
                )
    return found


@rule("outcome-direction", "outcomes", ("outcome_kind", "direction"))
def outcome_direction(tables: Tables) -> list[Violation]:
    """Check that a biomarker outcome speaks of the marker, and only a biomarker does."""
    t = tables["outcomes"]
    marker = flags(pc.equal(t["outcome_kind"], text("biomarker")))
    marker_word = flags(pc.is_in(t["direction"], value_set=texts(MARKER_DIRECTIONS)))
    unverified = flags(pc.equal(t["direction"], text(UNVERIFIED_DIRECTION)))
    found = [
        Violation(
            row,
            "direction",
            f"a biomarker outcome's direction is a change in the marker, not \""
            f'{t["direction"][row].as_py()}"',
            "use " + " or ".join(MARKER_DIRECTIONS),
        )
        for row in np.flatnonzero(marker & ~marker_word & ~unverified).tolist()
    ]
    found += [
        Violation(
            row,
            "direction",
            f'"{t["direction"][row].as_py()}" is for biomarker outcomes only',
            "make the outcome_kind biomarker, or use a direction for its kind",
        )
        for row in np.flatnonzero(~marker & marker_word).tolist()
    ]
    return found


@rule("outcome-unsupported", "outcomes", ("outcome_id",))
def outcome_unsupported(tables: Tables) -> list[Violation]:
    """Check that every outcome is reported by at least one study row."""
    t, studies = tables["outcomes"], tables.get("studies")
    if studies is None:
        return []
    used = flags(pc.is_in(t["outcome_id"], value_set=studies["outcome_id"].combine_chunks()))
    known = flags(pc.is_valid(t["outcome_id"]))
    return [
        Violation(
            row,
            "outcome_id",
            f'no study row reports the outcome "{t["outcome_id"][row].as_py()}"',
            "add its results to studies.csv with this outcome_id, or remove the outcome",
        )
        for row in np.flatnonzero(known & ~used).tolist()
    ]

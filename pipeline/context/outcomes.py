"""The outcome-level summary of findings: one row per outcome, its studies, effect and certainty.

Counts of studies and participants are computed from the study rows that name the outcome,
never typed; the sentence a reader sees comes from the certainty and the direction
(context/statements.py), so changing an outcome's certainty changes every word built on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.rows import integer, records, text
from pipeline.context.statements import certainty_symbols, downgrade_text, effect_statement
from pipeline.context.studies import evidence_rank
from pipeline.vocabulary import (
    ANALYSES,
    ASSOCIATION_DIRECTIONS,
    CERTAINTIES,
    DIRECTIONS,
    LIMITED_ANALYSES,
    OBSERVATIONAL_DESIGNS,
    OUTCOME_KINDS,
    REVIEW_DESIGNS,
    TRIAL_DESIGNS,
    UNVERIFIED_DIRECTION,
)

#: Kinds of outcome a reader acts on for the arteries; markers, bone and safety come after.
ARTERIAL_KINDS = ("calcification", "stiffness", "clinical-events")
#: Studies an outcome's row cites at most, the strongest; the rest are counted, not cited.
CITED_PER_OUTCOME = 12


@dataclass(frozen=True)
class EvidenceCount:
    """How much evidence an outcome rests on, counted from its study rows."""

    studies: int  # distinct sources of trials, observational and animal results that count
    participants: int | None  # summed over those studies (largest n per study); None if none
    animals: bool  # the studies are animal studies, so n counts animals
    reviews: int  # systematic reviews and meta-analyses that pooled the outcome
    pending: int  # trials under way, without results
    unverified: int  # results reported whose numbers could not be checked (counted nowhere)

    @property
    def studies_noun(self) -> str:
        """Name what the study count counts, in the right number."""
        noun = "animal study" if self.animals else "study"
        return noun if self.studies == 1 else noun.replace("study", "studies")

    @property
    def reviews_noun(self) -> str:
        """Name the pooled reviews, in the right number."""
        return "pooled review" if self.reviews == 1 else "pooled reviews"


@dataclass(frozen=True)
class OutcomeRow:
    """One row of the summary of findings."""

    outcome_id: str
    anchor: str
    intervention: str
    comparator: str
    population: str
    outcome: str
    kind: str
    kind_label: str
    randomised: bool  # rests on trials rather than observational or animal studies
    evidence: EvidenceCount
    effect_summary: str
    direction: str
    direction_label: str
    certainty: str
    certainty_label: str
    certainty_symbols: str
    certainty_rank: int  # 0 for high
    footnote: str  # why the certainty is what it is
    note_mark: str  # the footnote's letter in the table
    statement: str
    citations: tuple[Citation, ...]  # the strongest studies, then the source of the judgement
    uncited: int  # studies counted but not cited, beyond CITED_PER_OUTCOME
    #: Results favouring the intervention only in a subgroup, secondary or post-hoc analysis.
    limited_benefits: tuple[str, ...] = ()


def count_evidence(rows: list[dict[str, object]]) -> EvidenceCount:
    """Count an outcome's studies and participants; unverified and pending rows count nowhere."""
    sizes: dict[str, int | None] = {}
    reviews, pending, unverified, animals = set(), set(), set(), True
    for row in rows:
        design, source = str(row["design"]), str(row["source_id"])
        direction = str(row["direction"])
        if direction == UNVERIFIED_DIRECTION:
            unverified.add(source)
        elif design == "protocol" or direction == "pending":
            pending.add(source)
        elif design in REVIEW_DESIGNS:
            reviews.add(source)
        else:
            animals &= design == "animal"
            n = integer(row["n"])
            known = sizes.get(source)
            sizes[source] = n if known is None else max(known, n or 0)
    counted = [n for n in sizes.values() if n is not None]
    participants = sum(counted) if counted else None
    return EvidenceCount(
        len(sizes),
        participants,
        animals and bool(sizes),
        len(reviews),
        len(pending),
        len(unverified),
    )


def _footnote(row: Mapping[str, object]) -> str:
    """Say why the certainty was rated down, then the editors' note."""
    reasons = [r for r in (text(row["downgrades"]) or "").split(";") if r]
    return " ".join(part for part in (downgrade_text(reasons), text(row["certainty_note"])) if part)


def _cited_sources(rows: Iterable[Mapping[str, object]]) -> tuple[list[str], int]:
    """Choose the strongest studies to cite, in file order, and count the rest."""
    best: dict[str, tuple] = {}
    for position, row in enumerate(rows):
        source = str(row["source_id"])
        rank = evidence_rank(
            str(row["design"]), str(row["analysis"]), integer(row["n"]), integer(row["year"])
        )
        best[source] = min(best.get(source, (rank, position)), (rank, position))
    chosen = sorted(best, key=lambda s: best[s])[:CITED_PER_OUTCOME]
    return sorted(chosen, key=lambda s: best[s][1]), len(best) - len(chosen)


def _randomised(rows: list[dict[str, object]]) -> bool:
    """Tell whether an outcome rests on trials: a trial or a review of trials among its rows."""
    return any(str(r["design"]) in TRIAL_DESIGNS for r in rows) or (
        not any(str(r["design"]) in OBSERVATIONAL_DESIGNS for r in rows)
        and any(str(r["design"]) in REVIEW_DESIGNS for r in rows)
    )


def without_asides(phrase: str) -> str:
    """Drop the parenthetical asides of a phrase, for readers who want the gist."""
    return " ".join(re.sub(r"\s*\([^()]*\)", "", phrase).split()).replace(" ,", ",")


def outcome_row(
    row: Mapping[str, object],
    studies: list[dict[str, object]],
    index: CitationIndex,
    mark: str,
    plain: bool = False,
) -> OutcomeRow:
    """Build one summary-of-findings row from an outcome and the study rows that report it.

    With plain, the sentence leaves out the doses and details in parentheses.
    """
    certainty, direction = str(row["certainty"]), str(row["direction"])
    cited, uncited = _cited_sources(studies)
    intervention, outcome = text(row["intervention"]) or "", text(row["outcome"]) or ""
    said = (
        (
            text(row.get("plain_intervention")) or without_asides(intervention),
            text(row.get("plain_outcome")) or without_asides(outcome),
        )
        if plain
        else (intervention, outcome)
    )
    statement = effect_statement(
        *said,
        certainty,
        direction,
        outcome_is_good=row["better"] == "higher",
        # An observational exposure is one thing: "higher intake", "calcium supplement use".
        singular=direction in ASSOCIATION_DIRECTIONS,
        plain=plain,
    )
    return OutcomeRow(
        outcome_id=str(row["outcome_id"]),
        anchor=f"outcome-{row['outcome_id']}",
        intervention=intervention,
        comparator=text(row["comparator"]) or "",
        population=text(row["population"]) or "",
        outcome=outcome,
        kind=str(row["outcome_kind"]),
        kind_label=OUTCOME_KINDS.label(str(row["outcome_kind"])),
        randomised=_randomised(studies),
        evidence=count_evidence(studies),
        effect_summary=text(row["effect_summary"]) or "",
        direction=direction,
        direction_label=DIRECTIONS.label(direction),
        certainty=certainty,
        certainty_label=CERTAINTIES.label(certainty),
        certainty_symbols=certainty_symbols(certainty),
        certainty_rank=CERTAINTIES.rank(certainty),
        footnote=_footnote(row),
        note_mark=mark,
        statement=statement,
        citations=tuple(index.cite(s) for s in dict.fromkeys([*cited, str(row["source_id"])])),
        uncited=uncited,
        limited_benefits=tuple(
            f"{s['short_name']} ({ANALYSES.short(str(s['analysis']))})"
            for s in studies
            if s["analysis"] in LIMITED_ANALYSES and s["direction"] == "benefit"
        ),
    )


def outcome_rows(
    outcomes: pd.DataFrame, studies: pd.DataFrame, index: CitationIndex, plain: bool = False
) -> tuple[OutcomeRow, ...]:
    """Build the summary of findings, arterial outcomes first, each kind in file order."""
    by_outcome: dict[str, list[dict[str, object]]] = {}
    for study in records(studies):
        by_outcome.setdefault(str(study["outcome_id"]), []).append(study)
    rows = records(outcomes)
    rows.sort(key=lambda r: OUTCOME_KINDS.rank(str(r["outcome_kind"])))
    return tuple(
        outcome_row(r, by_outcome.get(str(r["outcome_id"]), []), index, _letter(position), plain)
        for position, r in enumerate(rows)
    )


def _letter(position: int) -> str:
    """Return the footnote mark for a row: a to z, then aa, ab and so on."""
    first, last = divmod(position, 26)
    return (_letter(first - 1) if first else "") + chr(ord("a") + last)


def key_outcomes(rows: tuple[OutcomeRow, ...], limit: int) -> tuple[OutcomeRow, ...]:
    """Pick the trial outcomes on the arteries a reader most needs: most certain, then largest.

    Chosen by certainty and size, never by which way the result went.
    """
    eligible = [
        r
        for r in rows
        if r.randomised and r.kind in ARTERIAL_KINDS and r.direction != UNVERIFIED_DIRECTION
    ]
    eligible.sort(key=lambda r: (r.certainty_rank, -(r.evidence.participants or 0)))
    return tuple(eligible[:limit])

"""The smaller tables: contributors, intakes, doses, cautions, evidence notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.rows import number, records, text
from pipeline.vocabulary import (
    EVIDENCE,
    MEASURES,
    SEVERITIES,
    VERDICTS,
    VERDICTS_WORST_FIRST,
    VITAMINS,
)


@dataclass(frozen=True)
class Contributor:
    """Another factor in ectopic calcification."""

    factor: str
    summary: str
    evidence: str
    evidence_label: str
    note: str | None
    citation: Citation


@dataclass(frozen=True)
class Intake:
    """A reference intake or upper limit; amount is None where none has been set."""

    vitamin: str
    measure: str
    measure_label: str
    population: str
    amount: float | None
    unit: str
    authority: str
    note_mark: str | None
    citation: Citation


@dataclass(frozen=True)
class Footnote:
    """A note shared by several rows of a table, printed once below it."""

    mark: str
    anchor: str
    text: str


@dataclass(frozen=True)
class IntakeTable:
    """The reference intakes with their notes gathered as footnotes."""

    rows: tuple[Intake, ...]
    notes: tuple[Footnote, ...]


@dataclass(frozen=True)
class Dose:
    """A daily dose one trial gave, one form per row."""

    study_anchor: str
    study: str
    vitamin: str
    form: str
    form_label: str
    amount: float
    unit: str
    note: str | None
    citation: Citation


@dataclass(frozen=True)
class Caution:
    """A safety caution, for clinicians (summary) and for the public (plain)."""

    anchor: str
    severity: str
    severity_label: str
    title: str
    summary: str
    plain: str
    citation: Citation


@dataclass(frozen=True)
class EvidenceNote:
    """A popular claim held against what the primary sources show."""

    anchor: str
    claim: str
    verdict: str
    verdict_label: str
    finding: str
    citation: Citation


def contributors(table: pd.DataFrame, index: CitationIndex) -> tuple[Contributor, ...]:
    """Return the other contributors to calcification in file order."""
    return tuple(
        Contributor(
            factor=text(r["factor"]) or "",
            summary=text(r["summary"]) or "",
            evidence=str(r["evidence"]),
            evidence_label=EVIDENCE.label(str(r["evidence"])),
            note=text(r["note"]),
            citation=index.cite(r["source_id"]),
        )
        for r in records(table)
    )


def footnotes(
    notes: list[str | None], prefix: str
) -> tuple[list[str | None], tuple[Footnote, ...]]:
    """Give each distinct note a letter, so a note repeated on many rows prints once."""
    marks: dict[str, Footnote] = {}
    for note in notes:
        if note and note not in marks:
            mark = _letters(len(marks))
            marks[note] = Footnote(mark, f"{prefix}-note-{mark}", note)
    return [marks[n].mark if n else None for n in notes], tuple(marks.values())


def _letters(position: int) -> str:
    """Return a, b, … z, aa, ab, … for a zero-based position."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def intakes(table: pd.DataFrame, index: CitationIndex) -> IntakeTable:
    """Return the reference intakes ordered by vitamin, keeping file order within one."""
    rows = sorted(records(table), key=lambda r: _vitamin_rank(str(r["vitamin"])))
    marks, notes = footnotes([text(r["note"]) for r in rows], "intakes")
    intake_rows = tuple(
        Intake(
            vitamin=str(r["vitamin"]),
            measure=str(r["measure"]),
            measure_label=MEASURES.label(str(r["measure"])),
            population=text(r["population"]) or "",
            amount=number(r["amount_per_day"]),
            unit=text(r["unit"]) or "",
            authority=text(r["authority"]) or "",
            note_mark=mark,
            citation=index.cite(r["source_id"]),
        )
        for r, mark in zip(rows, marks, strict=True)
    )
    return IntakeTable(intake_rows, notes)


def _vitamin_rank(vitamin: str) -> int:
    """Order vitamins K before D, as the documents do."""
    return VITAMINS.rank(vitamin)


def doses(
    table: pd.DataFrame,
    forms: pd.DataFrame,
    study_names: dict[str, tuple[str, str]],
    index: CitationIndex,
) -> tuple[Dose, ...]:
    """Return the doses of the studies shown, in the order they appear, one form per row."""
    labels = {(str(r["vitamin"]), str(r["form"])): text(r["label"]) for r in records(forms)}
    order = {study_id: position for position, study_id in enumerate(study_names)}
    shown = [r for r in records(table) if str(r["study_id"]) in order]
    rows = sorted(shown, key=lambda r: order[str(r["study_id"])])
    return tuple(
        Dose(
            study_anchor=study_names[str(r["study_id"])][0],
            study=study_names[str(r["study_id"])][1],
            vitamin=str(r["vitamin"]),
            form=str(r["form"]),
            form_label=labels.get((str(r["vitamin"]), str(r["form"]))) or str(r["form"]),
            amount=number(r["amount_per_day"]) or 0.0,
            unit=text(r["unit"]) or "",
            note=text(r["note"]),
            citation=index.cite(r["source_id"]),
        )
        for r in rows
    )


def cautions(table: pd.DataFrame, index: CitationIndex) -> tuple[Caution, ...]:
    """Return the cautions, warnings first, file order within a severity."""
    rows = sorted(records(table), key=lambda r: r["severity"] != "warning")
    return tuple(
        Caution(
            anchor=f"caution-{r['caution_id']}",
            severity=str(r["severity"]),
            severity_label=SEVERITIES.label(str(r["severity"])),
            title=text(r["title"]) or "",
            summary=text(r["summary"]) or "",
            plain=text(r["plain"]) or "",
            citation=index.cite(r["source_id"]),
        )
        for r in rows
    )


def claim_verdicts(table: pd.DataFrame) -> dict[str, str]:
    """Map each source to the verdict of the evidence note on it, the furthest from it first."""
    verdicts: dict[str, str] = {}
    for row in sorted(records(table), key=_verdict_rank):
        verdicts.setdefault(str(row["source_id"]), VERDICTS.label(str(row["verdict"])))
    return verdicts


def _verdict_rank(row: dict[str, object]) -> int:
    """Rank a note: the claims furthest from the evidence first."""
    verdict = str(row["verdict"])
    worst = VERDICTS_WORST_FIRST
    return worst.index(verdict) if verdict in worst else len(worst)


def popular_sources(sources: pd.DataFrame, index: CitationIndex) -> tuple[PopularSource, ...]:
    """Cite the popular articles whose claims the evidence notes assess."""
    rows = [r for r in records(sources) if r["kind"] == "popular-article"]
    cited = [index.cite(r["source_id"]) for r in rows]
    return tuple(PopularSource(text(r["title"]) or "", c) for r, c in zip(rows, cited, strict=True))


@dataclass(frozen=True)
class PopularSource:
    """A popular article the briefing assesses, by title, cited."""

    title: str
    citation: Citation


def evidence_notes(table: pd.DataFrame, index: CitationIndex) -> tuple[EvidenceNote, ...]:
    """Return the evidence notes, the claims furthest from the evidence first."""

    def rank(row: dict[str, object]) -> int:
        verdict = str(row["verdict"])
        worst = VERDICTS_WORST_FIRST
        return worst.index(verdict) if verdict in worst else len(worst)

    return tuple(
        EvidenceNote(
            anchor=f"note-{r['note_id']}",
            claim=text(r["claim"]) or "",
            verdict=str(r["verdict"]),
            verdict_label=VERDICTS.label(str(r["verdict"])),
            finding=text(r["finding"]) or "",
            citation=index.cite(r["source_id"]),
        )
        for r in sorted(records(table), key=rank)
    )


@dataclass(frozen=True)
class SourceTally:
    """How the numbers in the data were checked, counted over the sources."""

    total: int
    verified: int
    secondary: int
    not_verified: int


def source_tally(sources: pd.DataFrame) -> SourceTally:
    """Count the sources by how their numbers were checked."""
    counts = Counter(str(v) for v in sources["verification"])
    return SourceTally(
        len(sources), counts["verified"], counts["secondary"], counts["not-verified"]
    )

"""The vitamin roles as one matrix of aspects by vitamins; each document's view derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.rows import records, text
from pipeline.vocabulary import ASPECTS, EVIDENCE

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RoleStatement:
    """What the data says one vitamin does in one aspect, not yet cited."""

    vitamin: str
    aspect: str
    summary: str
    evidence: str
    note: str | None
    source_id: str
    chart_summary: str = ""  # the statement as the one-page chart shows it, whole


@dataclass(frozen=True)
class RoleMatrix:
    """Aspects by vitamins: the schema's aspects in its order, then any new ones in file order."""

    vitamins: tuple[str, ...]
    aspects: tuple[str, ...]
    statements: tuple[RoleStatement, ...]  # file order, the order the briefing cites them

    @cached_property
    def _cells(self) -> dict[tuple[str, str], RoleStatement]:
        return {(s.vitamin, s.aspect): s for s in self.statements}

    def cell(self, vitamin: str, aspect: str) -> RoleStatement | None:
        """Return the statement for a vitamin and an aspect, or None where the data has none."""
        return self._cells.get((vitamin, aspect))

    def row(self, aspect: str) -> tuple[RoleStatement | None, ...]:
        """Return an aspect's statements, one per vitamin column."""
        return tuple(self.cell(vitamin, aspect) for vitamin in self.vitamins)


def role_matrix(roles: pd.DataFrame, vitamins: tuple[str, ...]) -> RoleMatrix:
    """Lay the role statements out as aspects by vitamins, keeping aspects the schema gained."""
    statements = tuple(
        RoleStatement(
            vitamin=str(row["vitamin"]),
            aspect=str(row["aspect"]),
            summary=text(row["summary"]) or "",
            evidence=str(row["evidence"]),
            note=text(row["note"]),
            source_id=str(row["source_id"]),
            chart_summary=text(row.get("chart_summary")) or "",
        )
        for row in records(roles)
    )
    present = list(dict.fromkeys(s.aspect for s in statements))
    known = [a for a in ASPECTS.codes if a in present]
    return RoleMatrix(vitamins, (*known, *(a for a in present if a not in ASPECTS)), statements)


@dataclass(frozen=True)
class RoleCell:
    """What one vitamin does in one aspect, with how strong the evidence is."""

    vitamin: str
    aspect: str
    aspect_label: str
    summary: str
    evidence: str
    evidence_label: str
    note: str | None
    citation: Citation


@dataclass(frozen=True)
class RoleRow:
    """One aspect across the vitamins; a cell is None where the data says nothing."""

    aspect: str
    label: str
    cells: tuple[RoleCell | None, ...]


def role_cells(matrix: RoleMatrix, index: CitationIndex) -> dict[tuple[str, str], RoleCell]:
    """Return the briefing's cells keyed by (vitamin, aspect), citing in file order."""
    return {
        (s.vitamin, s.aspect): RoleCell(
            vitamin=s.vitamin,
            aspect=s.aspect,
            aspect_label=ASPECTS.label(s.aspect),
            summary=s.summary,
            evidence=s.evidence,
            evidence_label=EVIDENCE.label(s.evidence),
            note=s.note,
            citation=index.cite(s.source_id),
        )
        for s in matrix.statements
    }


def role_rows(matrix: RoleMatrix, cells: dict[tuple[str, str], RoleCell]) -> tuple[RoleRow, ...]:
    """Return the briefing's rows: every aspect of the matrix, by its label, across the vitamins."""
    return tuple(
        RoleRow(
            aspect, ASPECTS.label(aspect), tuple(cells.get((v, aspect)) for v in matrix.vitamins)
        )
        for aspect in matrix.aspects
    )

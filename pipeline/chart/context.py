"""Compute everything the one-page comparison chart shows, for one set of fitting limits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.chart.parts import FoodColumn, StudyCard, food_columns, key_studies
from pipeline.chart.text import short_author, shorten
from pipeline.context.briefing import DocMeta, doc_meta
from pipeline.context.citations import CitationIndex
from pipeline.context.foods import FoodSums, food_sums
from pipeline.context.patients import food_cautions
from pipeline.context.roles import RoleMatrix, role_matrix
from pipeline.context.rows import records, text
from pipeline.i18n import current, gettext
from pipeline.settings import PAPERS
from pipeline.vocabulary import ASPECTS, COLUMN_VITAMINS, EVIDENCE, SEVERITIES, VITAMINS

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import DatasetMeta
    from pipeline.settings import Settings

#: The margin of the chart's landscape page, in millimetres.
MARGIN_MM = 8.0
MIN_PT = 7.0
#: A strip of few studies keeps cards this narrow rather than stretching them across.
MIN_STUDY_COLUMNS = 4
_CONTAINER_DETAIL = re.compile(r"\s+\d+\s*(\([^)]*\))?\s*(:\s*\S+)?\s*$")


@dataclass(frozen=True)
class ChartLimits:
    """The knobs the one-page fitting turns: type size and how much is shown."""

    body_pt: float
    foods: int
    studies: int
    cell_chars: int | None = None  # None: every statement in full
    studies_aside: bool = False  # studies in the column beside the table, not below it

    def describe(self) -> str:
        """Say in words what these limits show, for messages."""
        cells = "in full" if self.cell_chars is None else f"at most {self.cell_chars} characters"
        where = " beside the table" if self.studies_aside else ""
        return (
            f"{self.body_pt:g} pt, {self.foods} foods per vitamin, "
            f"{self.studies} studies{where}, statements {cells}"
        )


@dataclass(frozen=True)
class TypeScale:
    """Font sizes and leading as CSS lengths; nothing goes below the 7 pt minimum."""

    body: str
    small: str
    head: str
    title: str
    leading: str


@dataclass(frozen=True)
class RoleText:
    """One vitamin's statement for one aspect, perhaps shortened to whole sentences."""

    text: str
    shortened: bool
    evidence: str
    evidence_label: str
    ref: int


@dataclass(frozen=True)
class AspectRow:
    """One aspect across the three vitamins; a cell is None where the data says nothing."""

    aspect: str
    label: str
    cells: tuple[RoleText | None, ...]


@dataclass(frozen=True)
class VitaminHead:
    """A column heading: the vitamin and what it is, where it comes from."""

    code: str
    name: str
    detail: str


@dataclass(frozen=True)
class ChartCaution:
    """The safety warning the chart must carry."""

    severity: str
    severity_label: str
    title: str
    summary: str
    ref: int


@dataclass(frozen=True)
class ShortRef:
    """A numbered short reference: first author, year, journal."""

    number: int
    text: str


@dataclass(frozen=True)
class ProbeCell:
    """One cell text the fitting may show, to be measured at its column's width."""

    key: str
    label: str  # a row's label, in the first column
    cell: RoleText | None  # a statement, in a vitamin's column


#: A row of the measuring table: one cell or nothing per column, the labels' column first.
ProbeRow = tuple[ProbeCell | None, ...]


@dataclass(frozen=True)
class ChartContext:
    """Everything the comparison chart shows, computed for one set of limits."""

    meta: DocMeta
    title: str
    subtitle: str
    description: str
    page_size: str
    margin: str
    type: TypeScale
    limits: ChartLimits
    heads: tuple[VitaminHead, ...]
    rows: tuple[AspectRow, ...]
    foods: tuple[FoodColumn, ...]
    studies: tuple[StudyCard, ...]
    studies_total: int
    study_columns: int
    cautions: tuple[ChartCaution, ...]
    references: tuple[ShortRef, ...]
    any_shortened: bool
    #: A measuring run on a tall page: the main column and the side column carry markers.
    measuring: bool = False
    #: The cells chart-probe.html.j2 lays out instead of the chart, for the fitting to measure.
    probe: tuple[ProbeRow, ...] = ()


def content_height_mm(paper: str) -> float:
    """Return the height inside the margins of a landscape page of this paper."""
    return PAPERS[paper].width_mm - 2 * MARGIN_MM  # landscape: the portrait width is the height


def type_scale(body_pt: float) -> TypeScale:
    """Derive every font size from the body size, never below the legible minimum."""
    small = max(MIN_PT, round(body_pt * 0.86, 2))
    return TypeScale(
        body=f"{body_pt:g}pt",
        small=f"{small:g}pt",
        head=f"{round(body_pt * 1.3, 2):g}pt",
        title=f"{round(max(body_pt * 1.9, 15.0), 2):g}pt",
        leading=f"{1.2 if body_pt >= 8 else 1.13:g}",
    )


def role_rows(
    matrix: RoleMatrix, index: CitationIndex, limits: ChartLimits
) -> tuple[AspectRow, ...]:
    """Return the chart's view of the role matrix, statements shortened, citing in reading order."""
    rows = []
    for aspect in matrix.aspects:
        cells = []
        for statement in matrix.row(aspect):
            if statement is None:
                cells.append(None)
                continue
            evidence = statement.evidence
            # The data's statement written for the chart is shown whole; only a package
            # without one falls back to shortening the long statement to whole sentences.
            # A translated statement for the chart runs longer than the English one it was
            # written to fit, so it takes the same shortening as a long statement would.
            if statement.chart_summary and (current().english or limits.cell_chars is None):
                summary, cut = statement.chart_summary, False
            elif statement.chart_summary:
                summary, cut = shorten(statement.chart_summary, limits.cell_chars, evidence)
            else:
                summary, cut = shorten(statement.summary, limits.cell_chars, evidence)
            ref = index.cite(statement.source_id).number
            cells.append(RoleText(summary, cut, evidence, EVIDENCE.label(evidence), ref))
        rows.append(AspectRow(aspect, ASPECTS.short(aspect), tuple(cells)))
    return tuple(rows)


def chart_cautions(cautions: pd.DataFrame, index: CitationIndex) -> tuple[ChartCaution, ...]:
    """Pick the warfarin caution; without one, every caution of warning severity."""
    rows = records(cautions)
    picked = [r for r in rows if "warfarin" in f"{r['caution_id']} {r['title']}".lower()]
    picked = picked or [r for r in rows if str(r["severity"]) == "warning"]
    return tuple(
        ChartCaution(
            str(r["severity"]),
            SEVERITIES.label(str(r["severity"])),
            text(r["title"]) or "",
            text(r["summary"]) or "",
            index.cite(r["source_id"]).number,
        )
        for r in picked
    )


def short_references(sources: pd.DataFrame, index: CitationIndex) -> tuple[ShortRef, ...]:
    """List the cited sources by number as 'Author year', adding the journal where needed."""
    rows = {str(r["source_id"]): r for r in records(sources)}
    cited = [ref for ref in index.references() if ref.cited]
    names = {ref.number: f"{short_author(ref.authors)} {ref.year or ''}".strip() for ref in cited}
    twice = {name for name in names.values() if list(names.values()).count(name) > 1}
    return tuple(
        ShortRef(ref.number, _disambiguated(names[ref.number], rows[ref.source_id], twice))
        for ref in cited
    )


def _disambiguated(name: str, row: Mapping[str, object], twice: set[str]) -> str:
    """Add the journal to an 'Author year' that two sources share."""
    if name not in twice:
        return name
    container = _CONTAINER_DETAIL.sub("", text(row["container"]) or "")
    return f"{name}, {container}" if container else name


@dataclass(frozen=True)
class ChartData:
    """The tables the chart draws on, with food sums and role matrix made once for all tries."""

    tables: Mapping[str, pd.DataFrame]
    #: The food sums, and each vitamin's picked foods per count shown, made once for all tries.
    foods: FoodSums
    roles: RoleMatrix


def chart_data(tables: Mapping[str, pd.DataFrame]) -> ChartData:
    """Sum the foods and lay out the roles once, since every fitting try draws on the same."""
    sums = food_sums(tables)
    for vitamin in COLUMN_VITAMINS:
        sums.totals(vitamin)  # summed now, before the fitting tries
    return ChartData(tables, sums, role_matrix(tables["vitamin_roles"], COLUMN_VITAMINS))


def chart_rows(
    data: ChartData, levels: Iterable[ChartLimits]
) -> dict[ChartLimits, tuple[AspectRow, ...]]:
    """Return the roles table's rows at each of these limits, with the chart's reference numbers.

    The table is the first thing the chart cites, and every limit cites the same sources in
    the same order, so one index numbers them all as each chart would.
    """
    tables = data.tables
    index = CitationIndex(tables["sources"])
    return {limits: role_rows(data.roles, index, limits) for limits in levels}


def build_chart_context(
    data: ChartData,
    meta: DatasetMeta,
    settings: Settings,
    limits: ChartLimits,
    page_height_mm: float | None = None,
    probe: tuple[ProbeRow, ...] = (),
) -> ChartContext:
    """Compute the whole chart for one set of limits, numbering sources as they appear.

    A page_height_mm taller than the paper lets the fitting measure how much room the
    chart needs without WeasyPrint breaking it across pages; probe rows are the cells the
    fitting wants measured, which chart-probe.html.j2 lays out instead of the chart.
    """
    tables = data.tables
    index = CitationIndex(tables["sources"])  # numbered in reading order, left to right
    rows = role_rows(data.roles, index, limits)
    cautions = chart_cautions(tables["cautions"], index)
    warned = {
        food: str(row["title"]) for food, row in food_cautions(data.tables["cautions"]).items()
    }
    foods = food_columns(data.foods, COLUMN_VITAMINS, limits.foods, index, warned)
    studies, total = key_studies(tables["studies"], tables["outcomes"], limits.studies, index)
    paper = PAPERS[settings.paper]
    width, height = paper.height_mm, paper.width_mm  # landscape
    return ChartContext(
        meta=doc_meta(meta, settings),
        title=gettext("Vitamins K1, K2 and D"),
        subtitle=gettext("Side by side: what each does, where to find it, what studies found."),
        description=gettext(
            "One-page comparison of vitamins K1, K2 and D: roles, food sources per serving, "
            "key studies on calcification and the warfarin caution."
        ),
        page_size=f"{width:g}mm {page_height_mm or height:g}mm",
        margin=f"{MARGIN_MM:g}mm",
        type=type_scale(limits.body_pt),
        limits=limits,
        heads=tuple(
            VitaminHead(v, VITAMINS.label(v), VITAMINS.term(v).detail) for v in COLUMN_VITAMINS
        ),
        rows=rows,
        foods=foods,
        studies=studies,
        studies_total=total,
        study_columns=max(MIN_STUDY_COLUMNS, len(studies)),
        cautions=cautions,
        references=short_references(tables["sources"], index),
        any_shortened=any(c is not None and c.shortened for r in rows for c in r.cells),
        measuring=page_height_mm is not None,
        probe=probe,
    )

"""Study results for the summary-of-findings tables, the forest plot and the key points."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from pipeline.context.citations import Citation, CitationIndex
from pipeline.context.rows import integer, number, records, text
from pipeline.vocabulary import ANALYSES, DESIGNS, DIRECTIONS, LIMITED_ANALYSES

# Group key, designs it holds, heading; the order is the order of the tables.
GROUPS = (
    ("trials", ("rct",), "Randomised controlled trials"),
    (
        "uncontrolled",
        ("single-arm", "dose-response", "pharmacokinetic"),
        "Trials without a control group",
    ),
    ("observational", ("cohort", "case-control", "cross-sectional"), "Observational studies"),
    ("animal", ("animal",), "Animal studies"),
    ("reviews", ("systematic-review", "meta-analysis"), "Systematic reviews and meta-analyses"),
    ("protocols", ("protocol",), "Trials under way (protocols)"),
)
T = TypeVar("T")
RATIO_ABBREVIATIONS = frozenset({"OR", "RR", "HR"})
RATIO_PANEL = "ratio: odds, risk or hazard ratio"
#: Strongest designs first, for choosing what to show when there is more than fits.
DESIGN_RANK = (
    "meta-analysis",
    "systematic-review",
    "rct",
    "single-arm",
    "dose-response",
    "pharmacokinetic",
    "cohort",
    "case-control",
    "cross-sectional",
    "animal",
    "protocol",
)
ANALYSIS_RANK = (
    "primary",
    "pooled",
    "secondary",
    "per-protocol",
    "subgroup",
    "post-hoc",
    "planned",
)


@dataclass(frozen=True)
class Duration:
    """A follow-up time in the unit a reader expects: weeks under a year, else years."""

    value: float
    unit: str


@dataclass(frozen=True)
class StudyRow:
    """One row of a summary-of-findings table."""

    anchor: str
    short_name: str
    year: int | None
    design: str
    design_label: str
    analysis: str
    analysis_label: str
    limited: bool
    population: str
    n: int | None
    n_unit: str
    intervention: str
    vitamin: str
    dose: str | None
    duration: Duration | None
    outcome: str
    result: str
    effect: float | None
    effect_unit: str | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    direction: str
    direction_label: str
    seed_claim: str | None
    claim_verdict: str | None  # how the evidence notes judge the popular claim, if they do
    citation: Citation

    @property
    def ratio(self) -> bool:
        """Tell whether the effect is a ratio, shown with two decimals in every document."""
        return bool(self.effect_unit) and _is_ratio(self.effect_unit or "")

    @property
    def has_ci(self) -> bool:
        """Tell whether the row reports an effect with both confidence limits."""
        return None not in (self.effect, self.ci_low, self.ci_high)


@dataclass(frozen=True)
class StudyGroup:
    """The studies of one design family, shown as one table."""

    key: str
    title: str
    rows: tuple[StudyRow, ...]
    total: int  # studies of this design in the data; rows shows the strongest of them

    @property
    def omitted(self) -> int:
        """Return how many of the group's studies the table leaves out."""
        return self.total - len(self.rows)


@dataclass(frozen=True)
class ForestPanel:
    """Effects that share one unit, so they can sit on one axis."""

    unit: str
    ratio: bool
    rows: tuple[StudyRow, ...]
    total: int  # effects with this unit among the tables' rows; rows shows the strongest


def _duration(weeks: float | None) -> Duration | None:
    """Express weeks as weeks under a year and as years from a year up."""
    if weeks is None:
        return None
    if weeks < 52:
        return Duration(weeks, "weeks" if weeks != 1 else "week")
    years = round(weeks / 52, 1)
    return Duration(years, "year" if years == 1 else "years")


def _n_unit(design: str) -> str:
    """Name what n counts for a design."""
    if design == "animal":
        return "animals"
    return "studies" if design in ("systematic-review", "meta-analysis") else "participants"


def study_row(
    row: dict[str, object], index: CitationIndex, verdicts: Mapping[str, str] | None = None
) -> StudyRow:
    """Build one summary-of-findings row from a studies row, citing its source."""
    design, analysis = str(row["design"]), str(row["analysis"])
    direction = str(row["direction"])
    return StudyRow(
        anchor=f"study-{row['study_id']}",
        short_name=text(row["short_name"]) or "",
        year=integer(row["year"]),
        design=design,
        design_label=DESIGNS.label(design),
        analysis=analysis,
        analysis_label=ANALYSES.label(analysis),
        limited=analysis in LIMITED_ANALYSES,
        population=text(row["population"]) or "",
        n=integer(row["n"]),
        n_unit=_n_unit(design),
        intervention=text(row["intervention"]) or "",
        vitamin=str(row["vitamin"]),
        dose=text(row["dose"]),
        duration=_duration(number(row["duration_weeks"])),
        outcome=text(row["outcome"]) or "",
        result=text(row["result"]) or "",
        effect=number(row["effect"]),
        effect_unit=text(row["effect_unit"]),
        ci_low=number(row["ci_low"]),
        ci_high=number(row["ci_high"]),
        p_value=number(row["p_value"]),
        direction=direction,
        direction_label=DIRECTIONS.label(direction),
        seed_claim=text(row["seed_claim"]),
        claim_verdict=(verdicts or {}).get(str(row["source_id"])),
        citation=index.cite(row["source_id"]),
    )


def evidence_rank(design: str, analysis: str, n: int | None, year: int | None) -> tuple:
    """Order studies by design, then main analyses first, then size and recency.

    It never looks at the direction of a result, so null results are chosen as readily.
    """
    return (
        DESIGN_RANK.index(design) if design in DESIGN_RANK else len(DESIGN_RANK),
        ANALYSIS_RANK.index(analysis) if analysis in ANALYSIS_RANK else len(ANALYSIS_RANK),
        -(n or 0),
        -(year or 0),
    )


def _row_rank(row: dict[str, object]) -> tuple:
    """Rank a studies row by evidence_rank, then by id for a stable choice."""
    design, analysis = str(row["design"]), str(row["analysis"])
    rank = evidence_rank(design, analysis, integer(row["n"]), integer(row["year"]))
    return (*rank, str(row["study_id"]))


def _sort_key(row: dict[str, object]) -> tuple[int, str]:
    """Order studies oldest first, then by name."""
    return (integer(row["year"]) or 0, str(row["short_name"]))


def strongest(items: Sequence[T], limit: int | None, rank: Callable[[T], tuple]) -> list[T]:
    """Keep the limit best-ranked items, in their original order."""
    if limit is None or len(items) <= limit:
        return list(items)
    keep = {id(item) for item in sorted(items, key=rank)[:limit]}
    return [item for item in items if id(item) in keep]


def study_groups(
    studies: pd.DataFrame,
    index: CitationIndex,
    per_group: int | None = None,
    verdicts: Mapping[str, str] | None = None,
) -> tuple[StudyGroup, ...]:
    """Group the studies by design, in the order the briefing shows them; skip empty groups.

    With per_group set, each group shows only its strongest studies, and only those are
    cited, so the briefing stays the same length however many studies the data holds.
    """
    rows = sorted(records(studies), key=_sort_key)
    groups = []
    for key, designs, title in GROUPS:
        members = [r for r in rows if r["design"] in designs]
        if members:
            best = strongest(members, per_group, _row_rank)
            shown = tuple(study_row(r, index, verdicts) for r in best)
            groups.append(StudyGroup(key, title, shown, len(members)))
    return tuple(groups)


def _is_ratio(unit: str) -> bool:
    """Tell whether an effect is a ratio (OR, RR, HR), whose line of no effect is 1, not 0."""
    words = unit.replace(",", " ").replace("(", " ").replace(")", " ").split()
    return "ratio" in unit.lower() or any(word in RATIO_ABBREVIATIONS for word in words)


def forest_panels(
    groups: tuple[StudyGroup, ...], per_panel: int | None = None
) -> tuple[ForestPanel, ...]:
    """Collect comparable effects with intervals: ratios share a panel, other units one each.

    With per_panel set, a panel shows only its strongest effects, in table order.
    """
    by_unit: dict[str, list[StudyRow]] = {}
    for group in groups:
        for row in group.rows:
            if row.has_ci and row.effect_unit:
                key = RATIO_PANEL if _is_ratio(row.effect_unit) else row.effect_unit
                by_unit.setdefault(key, []).append(row)
    # One effect alone has nothing to be compared with; the tables show it.
    units = sorted(
        (u for u in by_unit if len(by_unit[u]) >= 2), key=lambda u: (-len(by_unit[u]), u)
    )
    return tuple(
        ForestPanel(u, u == RATIO_PANEL, _strongest_effects(by_unit[u], per_panel), len(by_unit[u]))
        for u in units
    )


def _strongest_effects(rows: list[StudyRow], limit: int | None) -> tuple[StudyRow, ...]:
    """Keep a panel's limit strongest effects by evidence_rank, in table order."""

    def rank(row: StudyRow) -> tuple:
        return (*evidence_rank(row.design, row.analysis, row.n, row.year), row.anchor)

    return tuple(strongest(rows, limit, rank))

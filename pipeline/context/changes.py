"""What changed since the previous edition, as the briefing and the handout tell it.

The comparison itself (pipeline/changes) lists every cell; this keeps what a clinician
acts on (studies, outcomes, verdicts, cautions, food values) and, for the handout, only
what a patient would notice. Templates hold the words; this module holds codes and counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.context.citations import Citation, CitationIndex
from pipeline.vocabulary import FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.changes.compare import Change, Comparison
    from pipeline.context.outcomes import OutcomeRow
    from pipeline.context.studies import StudyGroup
    from pipeline.context.tables import Caution
    from pipeline.settings import Settings

#: Items each list of the briefing's changes section shows; the rest are counted.
LISTED = 20
#: Things the handout's one line names at most; more become "and more".
HANDOUT_UPDATES = 3
#: The fields whose change a reader of each summary notices, by table.
FOOD_VALUES = ("amount_per_100g", "unit", "serving", "serving_g")
CAUTION_TEXT = ("title", "summary", "plain")
CAUTION_PLAIN = ("severity", "title", "plain", "food_id")
OUTCOME_PLAIN = ("certainty", "direction", "outcome_kind", "better")
OUTCOME_PLAIN += ("plain_intervention", "plain_outcome")
NEED_VALUES = ("vitamin", "measure", "population", "amount_per_day", "unit")
#: Tables whose changes the briefing describes item by item; the others are counted.
DESCRIBED = {"studies": ("added", "removed"), "outcomes": None, "cautions": None}
DESCRIBED |= {"foods": None, "evidence_notes": ("changed",)}


@dataclass(frozen=True)
class Shift:
    """A coded value before and after, with the words for each."""

    old: str
    new: str


@dataclass(frozen=True)
class StudyChange:
    """A study added to or removed from the data."""

    change: str
    name: str
    year: str
    design: str
    anchor: str | None  # its row in the summary of findings, when the briefing shows it
    citation: Citation | None  # added studies only


@dataclass(frozen=True)
class OutcomeChange:
    """An outcome added, removed, or whose certainty or direction changed."""

    change: str
    name: str
    anchor: str | None
    certainty: Shift | None = None
    direction: Shift | None = None


@dataclass(frozen=True)
class VerdictChange:
    """A popular claim whose verdict changed."""

    claim: str
    anchor: str
    verdict: Shift


@dataclass(frozen=True)
class CautionChange:
    """A caution added, removed or changed: its severity, or which of its texts."""

    change: str
    title: str
    anchor: str | None
    severity: Shift | None = None
    reworded: tuple[str, ...] = ()  # field names: title, summary, plain


@dataclass(frozen=True)
class FoodChange:
    """A food value added, removed or changed, per 100 g."""

    change: str
    food: str
    vitamin: str
    form: str
    unit: str
    old: float | None
    new: float | None
    serving: Shift | None = None


@dataclass(frozen=True)
class Listed:
    """Some items of one kind, at most LISTED of them, and how many more there are."""

    items: tuple[object, ...]
    more: int

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class BriefingChanges:
    """The briefing's "Changes in this edition": against which edition, and what changed."""

    old_version: str
    old_date: str
    studies: Listed
    outcomes: Listed
    verdicts: Listed
    cautions: Listed
    foods: Listed
    #: Rows added, removed or changed in what the lists above leave out, by table.
    other: tuple[tuple[str, int], ...]
    #: Tables or columns added or removed.
    schema: tuple[str, ...]

    @property
    def described(self) -> bool:
        """Tell whether anything changed at all."""
        lists = (self.studies, self.outcomes, self.verdicts, self.cautions, self.foods)
        return any(lists) or bool(self.other or self.schema)


@dataclass(frozen=True)
class HandoutUpdates:
    """What the handout's one line names: codes in reading order, with counts."""

    items: tuple[tuple[str, int], ...]  # ("cautions", 1), ("foods", 3), ...
    more: bool


def edition_comparison(tables: object, settings: Settings) -> Comparison | None:
    """Return the build's comparison with the --since edition, or make it; None without one."""
    shared = getattr(tables, "changes", None)
    if shared is not None or settings.since is None:
        return shared
    from pipeline.changes.compare import compare_paths

    return compare_paths(settings.since, settings.data_dir)


def briefing_changes(
    comparison: Comparison,
    index: CitationIndex,
    anchors: Mapping[str, set[str]],
) -> BriefingChanges:
    """Summarise the comparison for the briefing; anchors are the ids the briefing shows."""
    created = comparison.old.created or ""
    return BriefingChanges(
        old_version=comparison.old.version,
        old_date=created[:10],
        studies=_listed(_studies(comparison, index, anchors["study"])),
        outcomes=_listed(_outcomes(comparison, anchors["outcome"])),
        verdicts=_listed(_verdicts(comparison)),
        cautions=_listed(_cautions(comparison, anchors["caution"])),
        foods=_listed(_foods(comparison)),
        other=_other(comparison.changes),
        schema=tuple(sorted({c.table for c in comparison.changes if c.change not in _ROWS})),
    )


_ROWS = ("added", "removed", "changed")


def _listed(items: Iterable[object]) -> Listed:
    """Keep the first LISTED items and count the rest."""
    items = tuple(items)
    return Listed(items[:LISTED], max(0, len(items) - LISTED))


def _label(table: str, field: str, code: str | None) -> str:
    """Return the document's words for a coded value."""
    return FIELDS[f"{table}.{field}"].label(code or "")


def _shift(change: Change, table: str, field: str) -> Shift | None:
    """Return a coded field's change in words, or None when it did not change."""
    moved = change.field(field)
    if moved is None:
        return None
    return Shift(_label(table, field, moved.old), _label(table, field, moved.new))


def _studies(comparison: Comparison, index: CitationIndex, shown: set[str]) -> list[StudyChange]:
    """Describe the studies added and removed."""
    found = []
    for change in comparison.of("studies", "added", "removed"):
        study_id = change.value("study_id") or ""
        added = change.change == "added"
        found.append(
            StudyChange(
                change=change.change,
                name=change.value("short_name") or study_id,
                year=change.value("year") or "",
                design=_label("studies", "design", change.value("design")),
                anchor=f"study-{study_id}" if added and study_id in shown else None,
                citation=_cite(index, change.value("source_id")) if added else None,
            )
        )
    return found


def _cite(index: CitationIndex, source_id: str | None) -> Citation | None:
    """Cite a source of the new edition; None when it has none."""
    try:
        return index.cite(source_id) if source_id else None
    except KeyError:
        return None


def _outcome_name(change: Change) -> str:
    """Name an outcome as its row of the summary of findings does."""
    parts = [change.value(f) or "" for f in ("intervention", "comparator", "outcome")]
    return f"{parts[0]} vs {parts[1]}: {parts[2]}"


def _outcomes(comparison: Comparison, shown: set[str]) -> list[OutcomeChange]:
    """Describe outcomes added or removed, and those whose certainty or direction moved."""
    found = []
    for change in comparison.of("outcomes"):
        outcome_id = change.value("outcome_id") or ""
        anchor = f"outcome-{outcome_id}" if outcome_id in shown else None
        if change.change != "changed":
            found.append(OutcomeChange(change.change, _outcome_name(change), anchor))
            continue
        certainty = _shift(change, "outcomes", "certainty")
        direction = _shift(change, "outcomes", "direction")
        if certainty or direction:
            found.append(
                OutcomeChange("changed", _outcome_name(change), anchor, certainty, direction)
            )
    return found


def _verdicts(comparison: Comparison) -> list[VerdictChange]:
    """Describe the popular claims whose verdict changed."""
    found = []
    for change in comparison.of("evidence_notes", "changed"):
        verdict = _shift(change, "evidence_notes", "verdict")
        if verdict:
            anchor = f"note-{change.value('note_id')}"
            found.append(VerdictChange(change.value("claim") or "", anchor, verdict))
    return found


def _cautions(comparison: Comparison, shown: set[str]) -> list[CautionChange]:
    """Describe the cautions added, removed, or changed in severity or wording."""
    found = []
    for change in comparison.of("cautions"):
        caution_id = change.value("caution_id") or ""
        anchor = f"caution-{caution_id}" if caution_id in shown else None
        title = change.value("title") or caution_id
        if change.change != "changed":
            found.append(CautionChange(change.change, title, anchor))
            continue
        severity = _shift(change, "cautions", "severity")
        reworded = tuple(f.name for f in change.fields if f.name in CAUTION_TEXT)
        if severity or reworded:
            found.append(CautionChange("changed", title, anchor, severity, reworded))
    return found


def _foods(comparison: Comparison) -> list[FoodChange]:
    """Describe the food values added, removed or changed, per 100 g and per serving."""
    found = []
    for change in comparison.of("foods"):
        amount = change.field("amount_per_100g")
        serving = change.field("serving")
        if change.change == "changed" and not any(change.field(f) for f in FOOD_VALUES):
            continue
        value = _number(change.value("amount_per_100g"))
        old, new = (value, value) if amount is None else (_number(amount.old), _number(amount.new))
        found.append(
            FoodChange(
                change=change.change,
                food=change.value("food") or change.value("food_id") or "",
                vitamin=change.value("vitamin") or "",
                form=change.value("form") or "",
                unit=change.value("unit") or "",
                old=None if change.change == "added" else old,
                new=None if change.change == "removed" else new,
                serving=Shift(serving.old or "", serving.new or "") if serving else None,
            )
        )
    return found


def _number(text: str | None) -> float | None:
    """Read a cell's text as a number, or None."""
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _other(changes: Iterable[Change]) -> tuple[tuple[str, int], ...]:
    """Count the row changes the lists leave out, by table, in the comparison's order."""
    counts: Counter[str] = Counter()
    for change in changes:
        kinds = DESCRIBED.get(change.table, ())
        if change.change in _ROWS and kinds is not None and change.change not in kinds:
            counts[change.table] += 1
    return tuple(counts.items())


def handout_updates(comparison: Comparison, shown_outcomes: set[str]) -> HandoutUpdates | None:
    """Name what a patient would notice changed on the handout; None when nothing did."""
    counts = {
        "cautions": _count(comparison.of("cautions"), CAUTION_PLAIN),
        "foods": _count(comparison.of("foods"), FOOD_VALUES),
        "outcomes": _count(
            (
                c
                for c in comparison.of("outcomes")
                if c.change == "removed" or c.value("outcome_id") in shown_outcomes
            ),
            OUTCOME_PLAIN,
        ),
        "needs": _count(comparison.of("intakes"), NEED_VALUES),
    }
    items = tuple((kind, n) for kind, n in counts.items() if n)
    if not items:
        return None
    return HandoutUpdates(items[:HANDOUT_UPDATES], len(items) > HANDOUT_UPDATES)


def _count(changes: Iterable[Change], fields: tuple[str, ...]) -> int:
    """Count rows added, removed, or changed in one of the given fields."""
    return sum(
        1
        for c in changes
        if c.change in ("added", "removed") or any(f.name in fields for f in c.fields)
    )


def briefing_changes_for(
    tables: Mapping[str, pd.DataFrame],
    settings: Settings,
    index: CitationIndex,
    groups: Iterable[StudyGroup],
    outcomes: Iterable[OutcomeRow],
    cautions: Iterable[Caution],
) -> BriefingChanges | None:
    """Return the briefing's changes section when built --since an edition, else None.

    groups, outcomes and cautions are what the briefing shows, so the section links to them.
    """
    comparison = edition_comparison(tables, settings)
    if comparison is None:
        return None
    anchors = {
        "study": {row.anchor.removeprefix("study-") for g in groups for row in g.rows},
        "outcome": {o.outcome_id for o in outcomes},
        "caution": {c.anchor.removeprefix("caution-") for c in cautions},
    }
    return briefing_changes(comparison, index, anchors)


def handout_updates_for(
    tables: Mapping[str, pd.DataFrame], settings: Settings, shown_outcomes: set[str]
) -> HandoutUpdates | None:
    """Return the handout's "updated" line when built --since an edition and worth a line."""
    comparison = edition_comparison(tables, settings)
    return None if comparison is None else handout_updates(comparison, shown_outcomes)

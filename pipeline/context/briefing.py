"""Compute everything the documents show into one frozen context object per document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.context import changes as edition
from pipeline.context.citations import Citation, CitationIndex, Reference
from pipeline.context.figures import (
    FoodFigure,
    ForestFigure,
    Numbered,
    food_figure,
    forest_figure,
)
from pipeline.context.foods import BASIS_G, FoodRanking, food_sums, rank_all
from pipeline.context.outcomes import OutcomeRow, key_outcomes, outcome_rows
from pipeline.context.patients import (
    IU_PER_UG_VITAMIN_D,
    Need,
    PatientFoods,
    food_cautions,
    needs,
    patient_foods,
)
from pipeline.context.roles import RoleCell, RoleRow, role_cells, role_matrix, role_rows
from pipeline.context.studies import (
    ForestPanel,
    StudyGroup,
    forest_panels,
    study_groups,
)
from pipeline.context.tables import (
    Caution,
    Contributor,
    Dose,
    EvidenceNote,
    IntakeTable,
    PopularSource,
    SourceTally,
    cautions,
    claim_verdicts,
    contributors,
    doses,
    evidence_notes,
    intakes,
    popular_sources,
    source_tally,
)
from pipeline.settings import PAPERS
from pipeline.vocabulary import COLUMN_VITAMINS, OBSERVATIONAL_DESIGNS

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.brand.model import Brand
    from pipeline.dataset import DatasetMeta
    from pipeline.settings import Settings

#: The role statements the mechanism section walks through, in reading order.
MECHANISM = {
    "D": ("primary-role", "key-action", "absorption"),
    "K2": ("primary-role", "key-action", "calcification-link", "absorption"),
}
BRIEFING_TOP_FOODS = 8
#: The briefing stays the same length however much data there is: each summary-of-findings
#: table shows its strongest studies, the effects figure its strongest effects per panel,
#: and uncited sources are listed only while they are few.
#: Enough to show every study of the bundled data; a package of thousands stays bounded.
BRIEFING_STUDIES_PER_GROUP = 50
#: The outcomes the key points state, most certain first; the handout states fewer.
KEY_OUTCOMES = 5
#: Studies a key point cites for its outcome; the summary of findings cites them all.
KEY_CITES = 3
HANDOUT_KEY_OUTCOMES = 2
FOREST_PER_PANEL = 12
FURTHER_SOURCES_LISTED = 30
CHART_TOP_FOODS = 6
HANDOUT_TOP_FOODS = 3
HANDOUT_RANKED_FOODS = 12


@dataclass(frozen=True)
class DocMeta:
    """What every document says about itself and the data behind it."""

    data_title: str
    version: str
    iso_date: str
    created: str
    sha256: str
    short_hash: str
    k2brief_version: str
    page_size: str
    data_files: tuple[str, ...] = ()  # the files the fingerprint covers
    #: The review dates of the package (YYYY-MM-DD), printed and put in the PDF metadata.
    last_reviewed: str | None = None
    next_review_due: str | None = None
    #: The organisation publishing the document (None: k2brief's neutral look).
    brand: Brand | None = None


@dataclass(frozen=True)
class FoodTable:
    """One vitamin's food ranking and its table number."""

    ranking: FoodRanking
    table: Numbered


@dataclass(frozen=True)
class StudyTable:
    """One design group of the summary of findings and its table number."""

    group: StudyGroup
    table: Numbered


@dataclass(frozen=True)
class MechanismGroup:
    """The role statements of one vitamin that explain how it acts."""

    vitamin: str
    facts: tuple[RoleCell, ...]


@dataclass(frozen=True)
class BriefingContext:
    """Everything the evidence briefing shows, computed and numbered."""

    meta: DocMeta
    warnings: tuple[Caution, ...]
    other_cautions: tuple[Caution, ...]
    mechanism: tuple[MechanismGroup, ...]
    role_vitamins: tuple[str, ...]
    roles: tuple[RoleRow, ...]
    roles_table: Numbered
    foods: tuple[FoodTable, ...]
    food_figure: FoodFigure
    top_foods: int
    basis_g: float
    outcomes: tuple[OutcomeRow, ...]
    outcomes_table: Numbered
    key_outcomes: tuple[KeyOutcome, ...]
    evidence_searched_to: str | None
    studies: tuple[StudyTable, ...]
    forest: tuple[ForestPanel, ...]
    forest_figure: ForestFigure | None
    contributors: tuple[Contributor, ...]
    contributors_table: Numbered
    intakes: IntakeTable
    intakes_table: Numbered
    doses: tuple[Dose, ...]
    doses_table: Numbered
    popular: tuple[PopularSource, ...]
    notes: tuple[EvidenceNote, ...]
    notes_table: Numbered
    upper_limits: tuple[Need, ...]
    source_tally: SourceTally
    references: tuple[Reference, ...]
    uncited_unlisted: int  # sources in the data, not cited, too many to list
    changes: edition.BriefingChanges | None = None  # built --since a previous edition

    @property
    def studies_omitted(self) -> int:
        """Count the studies in the data that no summary-of-findings table shows."""
        return sum(table.group.omitted for table in self.studies)

    @property
    def claims_overstated(self) -> int:
        """Count the popular claims the sources show to be wrong or overstated."""
        return sum(1 for note in self.notes if note.verdict in ("wrong", "overstated"))

    @property
    def main_caution(self) -> Caution | None:
        """Return the first warning, the one the key points lead with."""
        return self.warnings[0] if self.warnings else None


@dataclass(frozen=True)
class HandoutContext:
    """Everything the patient handout shows."""

    meta: DocMeta
    warnings: tuple[Caution, ...]
    other_cautions: tuple[Caution, ...]
    foods: tuple[PatientFoods, ...]
    needs: tuple[Need, ...]
    key_outcomes: tuple[OutcomeRow, ...]
    evidence_searched_to: str | None
    iu_per_ug: int  # international units of vitamin D in one microgram
    animal_studies: int
    observational_studies: int
    references: tuple[Reference, ...]
    updates: edition.HandoutUpdates | None = None  # built --since a previous edition


@dataclass(frozen=True)
class KeyOutcome:
    """A key point's outcome: its row of the summary of findings and the studies it cites."""

    row: OutcomeRow
    citations: tuple[Citation, ...]


def _cite_key_outcomes(
    tables: Mapping[str, pd.DataFrame], index: CitationIndex
) -> dict[str, tuple[Citation, ...]]:
    """Choose the key outcomes, most certain first, and cite the strongest studies of each.

    The choice is made on a scratch numbering, so only the studies cited here are numbered.
    """
    scratch = CitationIndex(tables["sources"])
    rows = outcome_rows(tables["outcomes"], tables["studies"], scratch)
    return {
        # The last citation of a row is the certainty's source, not a study.
        o.outcome_id: index.cite_all(c.source_id for c in o.citations[:-1][:KEY_CITES])
        for o in key_outcomes(rows, KEY_OUTCOMES)
    }


class _Counter:
    """Hand out table or figure numbers in document order."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.count = prefix, 0

    def next(self, name: str) -> Numbered:
        """Return the next number with an id built from the name."""
        self.count += 1
        return Numbered(self.count, f"{self.prefix}-{name}")


def doc_meta(meta: DatasetMeta, settings: Settings) -> DocMeta:
    """Collect the facts about the data each document prints and embeds."""
    return DocMeta(
        data_title=meta.title,
        version=meta.version,
        iso_date=meta.iso_date,
        created=meta.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        sha256=meta.sha256,
        data_files=tuple(name for name, _ in meta.files),
        short_hash=meta.short_hash,
        k2brief_version=meta.k2brief_version,
        page_size=PAPERS[settings.paper].css_name,
        last_reviewed=meta.last_reviewed,
        next_review_due=meta.next_review_due,
        brand=settings.brand,
    )


def _mechanism(cells: dict[tuple[str, str], RoleCell]) -> tuple[MechanismGroup, ...]:
    """Pick the role statements the mechanism section explains, where the data has them."""
    groups = (
        MechanismGroup(v, tuple(cells[(v, a)] for a in aspects if (v, a) in cells))
        for v, aspects in MECHANISM.items()
    )
    return tuple(g for g in groups if g.facts)


def _study_names(groups: tuple[StudyGroup, ...]) -> dict[str, tuple[str, str]]:
    """Map study ids to their row anchor and name, in the order the tables show them."""
    return {
        row.anchor.removeprefix("study-"): (row.anchor, row.short_name)
        for group in groups
        for row in group.rows
    }


def briefing_context(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> BriefingContext:
    """Compute the briefing's context; sources are numbered in the order the sections cite."""
    index = CitationIndex(tables["sources"])
    tabs, figs = _Counter("table"), _Counter("figure")
    # The key points come first and cite the studies behind each key outcome, so those
    # are numbered first; the summary of findings later cites them by the same numbers.
    key_sources = _cite_key_outcomes(tables, index)
    limits = tuple(n for n in needs(tables["intakes"], index) if n.upper_limit)
    all_cautions = cautions(tables["cautions"], index)
    matrix = role_matrix(tables["vitamin_roles"], COLUMN_VITAMINS)
    cells = role_cells(matrix, index)
    roles_table = tabs.next("roles")
    rankings = rank_all(food_sums(tables), BRIEFING_TOP_FOODS, index)
    foods = tuple(FoodTable(r, tabs.next(f"foods-{r.vitamin.lower()}")) for r in rankings)
    outcomes_table = tabs.next("outcomes")
    outcomes = outcome_rows(tables["outcomes"], tables["studies"], index)
    by_id = {o.outcome_id: o for o in outcomes}
    verdicts = claim_verdicts(tables["evidence_notes"])
    groups = study_groups(tables["studies"], index, BRIEFING_STUDIES_PER_GROUP, verdicts)
    studies = tuple(StudyTable(g, tabs.next(f"studies-{g.key}")) for g in groups)
    panels = forest_panels(groups, FOREST_PER_PANEL)
    return BriefingContext(
        meta=doc_meta(meta, settings),
        warnings=tuple(c for c in all_cautions if c.severity == "warning"),
        other_cautions=tuple(c for c in all_cautions if c.severity != "warning"),
        mechanism=_mechanism(cells),
        role_vitamins=matrix.vitamins,
        roles=role_rows(matrix, cells),
        roles_table=roles_table,
        foods=foods,
        food_figure=food_figure(rankings, CHART_TOP_FOODS, figs.next("foods"), meta),
        top_foods=BRIEFING_TOP_FOODS,
        basis_g=BASIS_G,
        outcomes=outcomes,
        outcomes_table=outcomes_table,
        key_outcomes=tuple(KeyOutcome(by_id[o], cited) for o, cited in key_sources.items()),
        evidence_searched_to=meta.evidence_searched_to,
        studies=studies,
        forest=panels,
        forest_figure=forest_figure(panels, figs.next("effects"), meta) if panels else None,
        contributors=contributors(tables["contributors"], index),
        contributors_table=tabs.next("contributors"),
        intakes=intakes(tables["intakes"], index),
        intakes_table=tabs.next("intakes"),
        doses=doses(tables["doses"], tables["forms"], _study_names(groups), index),
        doses_table=tabs.next("doses"),
        popular=popular_sources(tables["sources"], index),
        notes=evidence_notes(tables["evidence_notes"], index),
        upper_limits=limits,
        notes_table=tabs.next("notes"),
        source_tally=source_tally(tables["sources"]),
        # Last before the reference list: a study only this section cites is numbered last.
        changes=edition.briefing_changes_for(
            tables, settings, index, groups, outcomes, all_cautions
        ),
        **_reference_list(index),
    )


def _reference_list(index: CitationIndex) -> dict[str, object]:
    """Return the cited references, and the uncited ones too while there are few of them."""
    references = index.references()
    uncited = sum(1 for r in references if not r.cited)
    if uncited <= FURTHER_SOURCES_LISTED:
        return {"references": references, "uncited_unlisted": 0}
    return {"references": tuple(r for r in references if r.cited), "uncited_unlisted": uncited}


def handout_context(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> HandoutContext:
    """Compute the handout's context: the top foods per serving, the trials, the cautions."""
    index = CitationIndex(tables["sources"])
    table = tables["cautions"]
    warnings = cautions(table[table["severity"] == "warning"], index)
    daily = needs(tables["intakes"], index)
    # Ranked deeper than shown, and cited only once shown: foods with uncertain values are
    # held back, and the sources of foods not shown are not listed.
    scratch = CitationIndex(tables["sources"])
    rankings = rank_all(food_sums(tables), HANDOUT_RANKED_FOODS, scratch, per_100g=False)
    foods = patient_foods(rankings, food_cautions(table), HANDOUT_TOP_FOODS, index)
    # A caution about a listed food is shown with the food, not again on its own.
    shown = {item.food.food_id for f in foods for item in f.foods}
    food_ids = table["food_id"].astype(object).where(table["food_id"].notna(), None)
    others = cautions(table[(table["severity"] != "warning") & ~food_ids.isin(shown)], index)
    # The handout cites no study, so its outcome rows number their citations apart.
    outcomes = outcome_rows(
        tables["outcomes"], tables["studies"], CitationIndex(tables["sources"]), plain=True
    )
    studies = tables["studies"]
    shown = key_outcomes(outcomes, HANDOUT_KEY_OUTCOMES)
    return HandoutContext(
        meta=doc_meta(meta, settings),
        warnings=warnings,
        other_cautions=others,
        foods=foods,
        needs=daily,
        key_outcomes=shown,
        evidence_searched_to=meta.evidence_searched_to,
        iu_per_ug=IU_PER_UG_VITAMIN_D,
        animal_studies=_studies_of(studies, {"animal"}),
        observational_studies=_studies_of(studies, OBSERVATIONAL_DESIGNS),
        references=index.references(),
        updates=edition.handout_updates_for(tables, settings, {o.outcome_id for o in shown}),
    )


def _studies_of(studies: pd.DataFrame, designs: Iterable[str]) -> int:
    """Count the studies (sources, not result rows) of the given designs."""
    chosen = studies["design"].astype(object).isin(list(designs))
    return int(studies.loc[chosen, "source_id"].nunique())


def as_template_vars(context: BriefingContext | HandoutContext) -> dict[str, object]:
    """Return the variables a template receives: the context, never a DataFrame."""
    return {"ctx": context}

"""Every code of the data contract and the one set of words the documents use for it.

Pure data: each field's codes in the order the documents list them, with a label and,
where a document needs one, a shorter form, a mark or a detail. Translations hang here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from pipeline.i18n import current


@dataclass(frozen=True)
class Term:
    """One code and the words for it; an empty optional field falls back to the label."""

    code: str
    label: str
    short: str = ""  # where space is tight: the comparison chart
    prose: str = ""  # inside a sentence, where the label's capital would be wrong
    mark: str = ""  # a one-character sign
    detail: str = ""  # a line under the label


@dataclass(frozen=True)
class Vocabulary:
    """The codes of one kind of field, in the order the documents list them."""

    terms: tuple[Term, ...]

    @cached_property
    def _by_code(self) -> dict[str, Term]:
        return {term.code: term for term in self.terms}

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the codes in document order."""
        return tuple(term.code for term in self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def term(self, code: str) -> Term:
        """Return a code's term in the active language; an unknown code is labelled by itself."""
        term = self._by_code.get(code) or Term(code, _humane(code))
        return _translated(term)

    def label(self, code: str) -> str:
        """Return a code's label."""
        return self.term(code).label

    def short(self, code: str) -> str:
        """Return a code's short form, or its label."""
        term = self.term(code)
        return term.short or term.label

    def prose(self, code: str) -> str:
        """Return a code's words for use inside a sentence, or its label."""
        term = self.term(code)
        return term.prose or term.label

    def rank(self, code: str) -> int:
        """Return a code's place in document order; an unknown code comes last."""
        return self.codes.index(code) if code in self else len(self.terms)


def _translated(term: Term) -> Term:
    """Return a term with its words in the active language (the catalogue's msgids are English)."""
    language = current()
    if language.english:
        return term
    words = {name: language.gettext(getattr(term, name)) for name in WORDS if getattr(term, name)}
    return replace(term, **words)


#: The fields of a Term that are words for a reader, extracted into the message catalogue.
WORDS = ("label", "short", "prose", "detail")


def _humane(code: str) -> str:
    """Turn a code into words: 'gut-microbiome' reads 'Gut microbiome'."""
    words = code.replace("-", " ")
    return words[:1].upper() + words[1:]


ASPECTS = Vocabulary(
    (
        Term("primary-role", "Primary role"),
        Term("key-action", "Key action"),
        Term("food-sources", "Food sources"),
        Term("absorption", "Absorption"),
        Term("half-life", "Half-life"),
        Term("deficiency-impact", "Effect of deficiency", short="Deficiency"),
        Term("calcification-link", "Link to calcification", short="Calcification"),
        Term("cardiovascular-impact", "Cardiovascular impact", short="Heart, vessels"),
        Term("reference-intake", "Reference intake", short="Intake advice"),
        Term("upper-limit", "Upper limit"),
        Term("safety", "Safety"),
    )
)
EVIDENCE = Vocabulary(
    (
        Term("established", "Established"),
        Term("supported", "Supported"),
        Term("mixed", "Mixed"),
        Term("hypothesis", "Hypothesis"),
        Term("not-verified", "Not verified"),
    )
)
VERDICTS = Vocabulary(
    (
        Term("supported", "Supported"),
        Term("partly-supported", "Partly supported"),
        Term("overstated", "Overstated"),
        Term("wrong", "Wrong"),
        Term("hypothesis", "Hypothesis only"),
        Term("not-verified", "Not verified"),
    )
)
#: The verdicts furthest from the evidence first; the evidence notes are listed so.
VERDICTS_WORST_FIRST = ("wrong", "overstated", "hypothesis", "not-verified", "partly-supported")
MEASURES = Vocabulary(
    (
        Term("AI", "Adequate intake (AI)"),
        Term("RDA", "Recommended dietary allowance (RDA)"),
        Term("UL", "Tolerable upper intake level (UL)"),
        Term("DV", "Daily value on labels (DV)"),
        Term("guidance-level", "Guidance level"),
    )
)
VITAMINS = Vocabulary(
    (
        Term("K", "Vitamin K", prose="vitamin K"),
        Term(
            "K1",
            "Vitamin K1",
            prose="vitamin K1",
            detail="phylloquinone · leafy greens, plant oils",
        ),
        Term(
            "K2",
            "Vitamin K2",
            prose="vitamin K2",
            detail="menaquinones MK-4 to MK-13 · animal and fermented foods",
        ),
        Term("K1+K2", "Vitamins K1 and K2", prose="vitamins K1 and K2"),
        Term("none", "Not a vitamin", prose="an exposure other than a vitamin"),
        Term("K2+D", "Vitamins K2 and D", prose="vitamins K2 and D"),
        Term(
            "D",
            "Vitamin D",
            prose="vitamin D",
            detail="D3 cholecalciferol, D2 ergocalciferol · sun, oily fish",
        ),
    )
)
#: The vitamins that get a column, a panel or a food ranking of their own, in that order.
COLUMN_VITAMINS = ("K1", "K2", "D")
CONFIDENCES = Vocabulary((Term("high", "High"), Term("medium", "Medium"), Term("low", "Low")))
DESIGNS = Vocabulary(
    (
        Term("rct", "Randomised trial", short="RCT"),
        Term("single-arm", "Single-arm trial (no control group)", short="Single-arm trial"),
        Term("dose-response", "Dose-response study (no control group)", short="Dose-response"),
        Term("pharmacokinetic", "Pharmacokinetic study", short="Pharmacokinetic"),
        Term("cohort", "Cohort study", short="Cohort"),
        Term("cross-sectional", "Cross-sectional study", short="Cross-sectional"),
        Term("case-control", "Case-control study", short="Case-control"),
        Term("systematic-review", "Systematic review"),
        Term("meta-analysis", "Meta-analysis"),
        Term("animal", "Animal study"),
        Term("protocol", "Protocol", short="Trial protocol"),
    )
)
#: Designs by the kind of evidence they give; the directions a result may take follow it.
TRIAL_DESIGNS = frozenset({"rct", "single-arm", "dose-response", "pharmacokinetic"})
OBSERVATIONAL_DESIGNS = frozenset({"cohort", "cross-sectional", "case-control"})
REVIEW_DESIGNS = frozenset({"systematic-review", "meta-analysis"})
ANALYSES = Vocabulary(
    (
        Term("primary", "Primary analysis"),
        Term("secondary", "Secondary outcome", short="secondary outcome"),
        Term("subgroup", "Subgroup analysis", short="subgroup"),
        Term("post-hoc", "Post-hoc analysis", short="post-hoc"),
        Term("per-protocol", "Per-protocol analysis", short="per-protocol"),
        Term("pooled", "Pooled analysis"),
        Term("planned", "Planned, not yet reported"),
    )
)
#: Analyses that cannot carry a study's main conclusion; every document flags the same ones.
#: A secondary outcome is one: the trial was not designed, nor powered, to show it.
LIMITED_ANALYSES = frozenset({"secondary", "subgroup", "post-hoc", "per-protocol"})
DIRECTIONS = Vocabulary(
    (
        Term("benefit", "Benefit", mark="✓"),
        Term("no-clear-effect", "No clear effect", mark="="),
        Term("harm", "Harm", mark="✗"),
        Term("mixed", "Mixed", mark="±"),
        Term("pending", "Pending", mark="…"),
        Term("favourable-association", "Favourable association", mark="+"),
        Term("adverse-association", "Adverse association", mark="−"),
        Term("no-association", "No association", mark="○"),
        Term("marker-improved", "Marker improved", mark="◆"),
        Term("marker-no-change", "Marker unchanged", mark="◇"),
        Term("reported-not-verified", "Reported, not verified", mark="?"),
    )
)
#: What a result may say, by the kind of evidence: an association is not an effect, and a
#: change in a marker is not a clinical benefit.
TRIAL_DIRECTIONS = ("benefit", "no-clear-effect", "harm", "mixed", "pending")
ASSOCIATION_DIRECTIONS = ("favourable-association", "adverse-association", "no-association")
MARKER_DIRECTIONS = ("marker-improved", "marker-no-change")
#: A result whose numbers were not retrieved: it is shown, and counted nowhere.
UNVERIFIED_DIRECTION = "reported-not-verified"
#: Directions that claim an effect and so need an effect, a confidence interval or a p value.
CLAIMED_DIRECTIONS = frozenset({"benefit", "harm"})
OUTCOME_KINDS = Vocabulary(
    (
        Term("calcification", "Calcification"),
        Term("stiffness", "Arterial stiffness"),
        Term("clinical-events", "Clinical events"),
        Term("bone", "Bone"),
        Term("biomarker", "Biomarker", detail="a marker, not a clinical outcome"),
        Term("safety", "Safety"),
    )
)
BETTER = Vocabulary((Term("lower", "Lower is better"), Term("higher", "Higher is better")))
#: GRADE certainty of a body of evidence; the mark is GRADE's circles.
CERTAINTIES = Vocabulary(
    (
        Term("high", "High", prose="high", mark="●●●●"),
        Term("moderate", "Moderate", prose="moderate", mark="●●●○"),
        Term("low", "Low", prose="low", mark="●●○○"),
        Term("very-low", "Very low", prose="very low", mark="●○○○"),
    )
)
#: GRADE's reasons for rating the certainty down (outcomes.downgrades, ';'-separated).
DOWNGRADES = Vocabulary(
    (
        Term("risk-of-bias", "Risk of bias", prose="risk of bias"),
        Term("inconsistency", "Inconsistency", prose="inconsistency"),
        Term("indirectness", "Indirectness", prose="indirectness"),
        Term("imprecision", "Imprecision", prose="imprecision"),
        Term("publication-bias", "Publication bias", prose="publication bias"),
    )
)
VERIFICATIONS = Vocabulary(
    (
        Term("verified", "Checked against the primary source"),
        Term("secondary", "Checked against a faithful secondary reproduction"),
        Term("not-verified", "Not verified against the primary source"),
    )
)
SOURCE_KINDS = Vocabulary(
    (
        Term("randomised-trial", "Randomised trial"),
        Term("trial-secondary-analysis", "Secondary analysis of a randomised trial"),
        Term("single-arm-trial", "Single-arm trial (no control group)"),
        Term("dose-response-study", "Dose-response study (no control group)"),
        Term("pharmacokinetic-study", "Pharmacokinetic study"),
        Term("cohort", "Cohort study"),
        Term("cross-sectional", "Cross-sectional study"),
        Term("case-control", "Case-control study"),
        Term("animal-study", "Animal study"),
        Term("systematic-review", "Systematic review"),
        Term("meta-analysis", "Meta-analysis"),
        Term("narrative-review", "Narrative review"),
        Term("protocol", "Trial protocol"),
        Term("fact-sheet", "Fact sheet"),
        Term("food-database", "Food composition database"),
        Term("reference-values", "Reference values"),
        Term("popular-article", "Popular article"),
        Term("evidence-assessment", "Evidence assessment by the k2brief editors"),
    )
)
SEVERITIES = Vocabulary((Term("warning", "Warning"), Term("caution", "Caution")))

#: Which vocabulary labels each enum field of data/datapackage.json, as "table.field".
FIELDS = {
    "sources.kind": SOURCE_KINDS,
    "sources.verification": VERIFICATIONS,
    "forms.vitamin": VITAMINS,
    "foods.vitamin": VITAMINS,
    "foods.confidence": CONFIDENCES,
    "vitamin_roles.vitamin": VITAMINS,
    "vitamin_roles.aspect": ASPECTS,
    "vitamin_roles.evidence": EVIDENCE,
    "studies.design": DESIGNS,
    "studies.analysis": ANALYSES,
    "studies.vitamin": VITAMINS,
    "studies.direction": DIRECTIONS,
    "outcomes.outcome_kind": OUTCOME_KINDS,
    "outcomes.better": BETTER,
    "outcomes.direction": DIRECTIONS,
    "outcomes.certainty": CERTAINTIES,
    "doses.vitamin": VITAMINS,
    "intakes.vitamin": VITAMINS,
    "intakes.measure": MEASURES,
    "contributors.evidence": EVIDENCE,
    "cautions.severity": SEVERITIES,
    "evidence_notes.verdict": VERDICTS,
}
#: Enum fields printed as they are, with why: no vocabulary labels them.
UNLABELLED = {
    "forms.form": "labelled by the forms table, which is data",
    "foods.form": "labelled by the forms table, which is data",
    "doses.form": "labelled by the forms table, which is data",
    "foods.unit": "a unit symbol, printed as it is",
    "doses.unit": "a unit symbol, printed as it is",
    "intakes.unit": "a unit symbol, printed as it is",
    "translations.table": "a table's name, for translators; never printed",
    "translations.field": "a field's name, for translators; never printed",
}

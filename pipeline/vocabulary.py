"""Every code of the data contract and the one set of words the documents use for it.

Pure data: each field's codes in the order the documents list them, with a label and,
where a document needs one, a shorter form, a mark or a detail. Translations hang here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


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
        """Return a code's term; a code this vocabulary lacks is labelled by the code itself."""
        return self._by_code.get(code) or Term(code, _humane(code))

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
        Term("animal", "Animal study"),
        Term("rct", "Randomised trial", short="RCT"),
        Term(
            "rct-secondary-analysis",
            "Secondary analysis of a trial",
            short="RCT, secondary analysis",
        ),
        Term("single-arm", "Single-arm study", short="Single-arm trial"),
        Term("observational", "Observational study", short="Observational"),
        Term("systematic-review", "Systematic review"),
        Term("meta-analysis", "Meta-analysis"),
        Term("protocol", "Protocol", short="Trial protocol"),
    )
)
ANALYSES = Vocabulary(
    (
        Term("primary", "Primary analysis"),
        Term("secondary", "Secondary outcome", short="secondary outcome"),
        Term("subgroup", "Subgroup analysis", short="subgroup"),
        Term("post-hoc", "Post-hoc analysis", short="post-hoc"),
        Term("per-protocol", "Per-protocol analysis", short="per-protocol"),
        Term("pooled", "Pooled analysis"),
        Term("cross-sectional", "Cross-sectional analysis"),
        Term("prospective", "Prospective cohort"),
        Term("planned", "Planned, not yet reported"),
    )
)
#: Analyses that cannot carry a study's main conclusion; every document flags the same ones.
#: A secondary outcome is one: the trial was not designed, nor powered, to show it.
LIMITED_ANALYSES = frozenset({"secondary", "subgroup", "post-hoc", "per-protocol"})
DIRECTIONS = Vocabulary(
    (
        Term("benefit", "Benefit", mark="✓"),
        Term("null", "No clear effect", mark="="),
        Term("harm", "Harm", mark="✗"),
        Term("mixed", "Mixed", mark="±"),
        Term("pending", "Pending", mark="…"),
        Term("unknown", "Not retrieved", mark="?"),
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
        Term("trial", "Randomised trial"),
        Term("trial-secondary-analysis", "Secondary analysis of a trial"),
        Term("animal-study", "Animal study"),
        Term("observational-study", "Observational study"),
        Term("systematic-review", "Systematic review"),
        Term("meta-analysis", "Meta-analysis"),
        Term("narrative-review", "Narrative review"),
        Term("fact-sheet", "Fact sheet"),
        Term("food-database", "Food composition database"),
        Term("reference-values", "Reference values"),
        Term("protocol", "Trial protocol"),
        Term("pharmacokinetic-study", "Pharmacokinetic study"),
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
}

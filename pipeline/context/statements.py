"""Turn an outcome's certainty of evidence and direction of effect into the sentence a reader sees.

The wording follows GRADE guidance 26: Santesso N, Glenton C, Dahm P, et al. "GRADE guidelines 26:
informative statements to communicate the findings of systematic reviews of interventions."
J Clin Epidemiol 2020;119:126-135. doi:10.1016/j.jclinepi.2019.10.014.

Checked against the paper's abstract (PubMed 31711912), which gives, for high, moderate and
low certainty, "x results in ...", "x likely results in ..." and "x may result in ...". The
paper's full table of suggested statements could not be retrieved, so the rest is the wording
the project asked for: "probably" (a synonym of the abstract's "likely") for moderate certainty,
"result in little to no difference" for no clear effect, and "The evidence is very uncertain
about the effect of X on Y" for very low certainty, which states no direction at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.i18n import pgettext
from pipeline.vocabulary import (
    ASSOCIATION_DIRECTIONS,
    DOWNGRADES,
    MARKER_DIRECTIONS,
    UNVERIFIED_DIRECTION,
)
from pipeline.vocabulary import (
    CERTAINTIES as CERTAINTY_TERMS,
)
from pipeline.vocabulary import (
    DIRECTIONS as DIRECTION_TERMS,
)

CERTAINTIES = CERTAINTY_TERMS.codes
DOWNGRADE_REASONS = DOWNGRADES.codes
OBSERVATIONAL_DIRECTIONS = ASSOCIATION_DIRECTIONS
DIRECTIONS = DIRECTION_TERMS.codes

# GRADE 26: the hedge carries the certainty; high certainty states the effect plainly.
_HEDGES = {"high": "", "moderate": "probably", "low": "may"}
_NO_DIFFERENCE = "result in little to no difference in"
_NO_DIFFERENCE_PLAIN = "make little or no difference to"
_NOT_CAUSAL = "an association, which does not show that one causes the other"
# An association is stated in the present tense, hedged like an effect.
_ASSOCIATED = {"high": "are", "moderate": "are probably", "low": "may be"}
_MARKER_CAVEAT = "a change in a marker is not a clinical benefit in itself"


def certainty_label(certainty: str) -> str:
    """Return the reader's name for a certainty code, e.g. "Very low"."""
    return CERTAINTY_TERMS.label(_checked(certainty, CERTAINTIES, "certainty"))


def certainty_symbols(certainty: str) -> str:
    """Return the GRADE circles for a certainty code, e.g. "●●○○" for low."""
    return CERTAINTY_TERMS.term(_checked(certainty, CERTAINTIES, "certainty")).mark


def downgrade_text(reasons: Sequence[str]) -> str:
    """Return "Rated down for X and Y." for the reasons in the order given, or "" for none."""
    if isinstance(reasons, str):
        raise TypeError(f'reasons must be a sequence of codes, not the string "{reasons}"')
    labels: list[str] = []
    for reason in reasons:
        label = DOWNGRADES.prose(_checked(reason, DOWNGRADE_REASONS, "downgrade reason"))
        if label not in labels:
            labels.append(label)
    return f"Rated down for {_join(labels)}." if labels else ""


def effect_statement(
    intervention: str,
    outcome: str,
    certainty: str,
    direction: str,
    *,
    outcome_is_good: bool = False,
    singular: bool = False,
    plain: bool = False,
) -> str:
    """Return the one-sentence finding for an outcome, hedged by its certainty.

    With plain, the words are those of a plain-language summary for patients: "make little
    or no difference to" for no clear effect, and "it is very uncertain whether" at very low.
    The sentence is a whole message of the catalogue, so a translation words it whole.
    """
    certainty = _checked(certainty, CERTAINTIES, "certainty")
    direction = _checked(direction, DIRECTIONS, "direction")
    x, y = _phrase(intervention, "intervention"), _phrase(outcome, "outcome")
    template = statement_template(certainty, direction, outcome_is_good, singular, plain)
    # The subject's number is the message's context: English "may" serves both, Spanish not.
    sentence = pgettext(number_context(singular), template).format(x=x, y=y)
    return sentence[:1].upper() + sentence[1:]


def statement_template(
    certainty: str, direction: str, outcome_is_good: bool, singular: bool, plain: bool
) -> str:
    """Return the English sentence for these codes, with {x} and {y} for the noun phrases."""
    x, y = "{x}", "{y}"
    if direction == "pending":
        return f"Trials of {x} on {y} have not yet reported."
    if direction == UNVERIFIED_DIRECTION:
        return (
            f"A result for {x} on {y} was reported, but its numbers could not be checked, "
            "so it is not counted here."
        )
    if direction in OBSERVATIONAL_DIRECTIONS:
        return _association(x, y, certainty, direction, outcome_is_good, singular)
    if direction in MARKER_DIRECTIONS:
        return _marker(x, y, certainty, direction, outcome_is_good, singular)
    if certainty == "very-low" and plain:
        return f"It is very uncertain whether {x} {'affects' if singular else 'affect'} {y}."
    if certainty == "very-low":
        return f"The evidence is very uncertain about the effect of {x} on {y}."
    if direction == "mixed":
        return f"Studies of {x} on {y} disagree; the evidence is of {certainty} certainty."
    if direction == "no-clear-effect":
        words = _NO_DIFFERENCE_PLAIN if plain else _NO_DIFFERENCE
        return _sentence(x, _verb(words, certainty, singular), y)
    verbs = {
        ("benefit", False): "reduce",
        ("benefit", True): "improve",
        ("harm", False): "increase",
        ("harm", True): "worsen",
    }
    return _sentence(x, _verb(verbs[direction, outcome_is_good], certainty, singular), y)


def number_context(singular: bool) -> str:
    """Return the message context that tells a translation the subject's number."""
    return "singular subject" if singular else "plural subject"


def statement_templates() -> tuple[tuple[str, str], ...]:
    """Return every (context, sentence) effect_statement can write, for the catalogue."""
    flags = (False, True)
    found = {
        (number_context(singular), statement_template(c, d, good, singular, plain)): None
        for c in CERTAINTIES
        for d in DIRECTIONS
        for good in flags
        for singular in flags
        for plain in flags
    }
    return tuple(found)


def _association(
    x: str, y: str, certainty: str, direction: str, outcome_is_good: bool, singular: bool
) -> str:
    """Describe what observational studies found without a causal verb."""
    if certainty == "very-low":
        return f"The evidence from observational studies on {x} and {y} is very uncertain."
    verb = _ASSOCIATED[certainty]
    if singular:
        verb = verb.replace("are", "is")
    if direction == "no-association":
        verb = verb.replace("may be", "may not be") if certainty == "low" else f"{verb} not"
        return f"In observational studies, {x} {verb} associated with {y}."
    # Favourable means less of an unwanted outcome, or more of a wanted one.
    less = (direction == "favourable-association") != outcome_is_good
    amount = "less" if less else "more"
    return f"In observational studies, {x} {verb} associated with {amount} {y} ({_NOT_CAUSAL})."


def _marker(
    x: str, y: str, certainty: str, direction: str, raise_is_better: bool, singular: bool
) -> str:
    """Describe a change in a biomarker without calling it a clinical benefit."""
    marker = f"{y} (a marker, not a clinical outcome)"
    if certainty == "very-low":
        return f"The evidence is very uncertain about the effect of {x} on {marker}."
    if direction == "marker-no-change":
        return _sentence(x, _verb(_NO_DIFFERENCE, certainty, singular), marker)
    verb = _verb("raise" if raise_is_better else "lower", certainty, singular)
    return _sentence(x, verb, f"{marker}; {_MARKER_CAVEAT}")


def _verb(base: str, certainty: str, singular: bool) -> str:
    """Conjugate a verb phrase for its subject and put the certainty's hedge before it."""
    hedge = _HEDGES[certainty]
    if singular and hedge != "may":
        head, _, rest = base.partition(" ")
        base = " ".join(filter(None, (f"{head}s", rest)))
    return " ".join(filter(None, (hedge, base)))


def _sentence(subject: str, verb: str, rest: str) -> str:
    """Join subject, verb and object into a sentence that starts with a capital."""
    return f"{subject[0].upper()}{subject[1:]} {verb} {rest}."


def _phrase(value: str, name: str) -> str:
    """Return a noun phrase as it reads mid-sentence: lower-cased unless it starts with a code."""
    value = " ".join(value.split())
    if not value:
        raise ValueError(f"{name} is empty; give the {name} as a noun phrase")
    return value if _is_code(value.split()[0]) else value[0].lower() + value[1:]


def _is_code(word: str) -> bool:
    """Tell whether a word is an acronym or a code (D, K2, MK-7, AVADEC, dp-ucMGP) to keep as is."""
    return word.isupper() or any(c.isupper() or c.isdigit() for c in word[1:])


def _checked(value: str, allowed: Sequence[str], name: str) -> str:
    """Return the value if it is one of the allowed codes, else raise naming it."""
    if value not in allowed:
        raise ValueError(f'unknown {name} "{value}"; use one of: {", ".join(allowed)}')
    return value


def _join(items: Sequence[str]) -> str:
    """Join words as "a", "a and b" or "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

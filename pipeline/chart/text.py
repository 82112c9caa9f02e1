"""Shorten the chart's statements to whole sentences, and its references to 'Author year'."""

from __future__ import annotations

import re

#: Evidence grades whose summaries close on their verdict; the others open with it.
VERDICT_LAST = frozenset({"mixed", "hypothesis"})
ELLIPSIS = "…"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9'\"(‘“])")


def sentences(text: str) -> list[str]:
    """Split text into sentences at a stop followed by a capital, digit or bracket."""
    return _SENTENCE.split(text.strip())


def opening_clause(sentence: str) -> str:
    """Cut a sentence at its first colon or semicolon outside brackets, if it has one."""
    depth = 0
    for at, char in enumerate(sentence):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in ":;" and at >= 20 and sentence[at + 1 : at + 2] == " ":
            return sentence[:at]
    return sentence


def _elided(parts: list[str], budget: int) -> str:
    """Keep the first and last sentences and as many middle ones as budget allows."""
    head, last = [parts[0]], parts[-1]
    for sentence in parts[1:-1]:
        if len(" ".join([*head, sentence, ELLIPSIS, last])) > budget:
            break
        head.append(sentence)
    return " ".join([*head, ELLIPSIS, last])


def _verdict(parts: list[str], evidence: str) -> tuple[str, bool]:
    """Pick the one sentence that carries the verdict, and whether it is the closing one."""
    closing = evidence in VERDICT_LAST and len(parts) > 1
    return (parts[-1] if closing else parts[0]), closing


def shorten(summary: str, budget: int | None, evidence: str = "") -> tuple[str, bool]:
    """Fit a statement to budget characters, cutting only what it must; say if it cut.

    Each step loses more and is taken only when the one before is still too long:
    leave out middle sentences (the opening and closing ones stay, so a claim never loses
    the conclusion that qualifies it); keep the one sentence with the verdict, the closing
    one where the evidence is mixed or a hypothesis, else the opening one; keep that
    sentence's opening clause. Every cut is marked with '…'.
    """
    if budget is None or len(summary) <= budget:
        return summary, False
    parts = sentences(summary)
    if len(parts) > 2:
        elided = _elided(parts, budget)
        if len(elided) <= budget:
            return elided, True
    kept, closing = _verdict(parts, evidence)
    if len(kept) > budget:
        kept = opening_clause(kept)
    if kept == summary:
        return summary, False
    return (f"{ELLIPSIS} {kept}" if closing else f"{kept} {ELLIPSIS}"), True


def short_author(authors: str) -> str:
    """Shorten an author list to 'Surname et al.' or an organisation's leading name."""
    authors = re.sub(r"\s*\([^)]*\)", "", authors).strip()
    parts = [p.strip() for p in authors.split(",") if p.strip()]
    if not parts:
        return ""
    first = parts[0].split()
    personal = len(first) > 1 and first[-1].isupper() and len(first[-1]) <= 4
    if not personal:
        return parts[0]
    surname = " ".join(first[:-1])
    return f"{surname} et al." if len(parts) > 1 else surname

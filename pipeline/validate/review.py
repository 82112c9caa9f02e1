"""Check the package's review dates: their format, their order, and whether a review is due."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.report import Finding, Severity

#: The package-level dates a document prints, in the order they are checked.
DATE_KEYS = ("evidence_searched_to", "last_reviewed", "next_review_due")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HINTS = {
    "review-date": "write the date as YYYY-MM-DD",
    "review-order": "the next review comes after the last one",
    "review-overdue": "review the evidence, then set last_reviewed to the day of the review "
    "and next_review_due to the next one in datapackage.json",
}


def today() -> date:
    """Return today's date in UTC: the only place the review check reads the clock."""
    return datetime.now(UTC).date()


def read_review_findings(path: Path, on: date | None = None) -> list[Finding]:
    """Read the descriptor at path and return the findings on its review dates."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # the package check says why
    return review_findings(path, text, on)


def review_findings(path: Path, text: str, on: date | None = None) -> list[Finding]:
    """Return the findings on the review dates of the descriptor text from path, as of a day."""
    try:
        descriptor = json.loads(text)
    except (ValueError, RecursionError):
        return []  # the package check says why
    if not isinstance(descriptor, dict):
        return []
    findings, dates = [], {}
    for key in DATE_KEYS:
        if key not in descriptor:
            continue
        parsed = parse_date(descriptor[key])
        if parsed is None:
            findings.append(_finding(path, text, key, "review-date", _bad_date(key, descriptor)))
        else:
            dates[key] = parsed
    last, due = dates.get("last_reviewed"), dates.get("next_review_due")
    if last and due and due <= last:
        message = f"next_review_due {due} is not after last_reviewed {last}"
        findings.append(_finding(path, text, "next_review_due", "review-order", message))
    current = on or today()
    if due and due < current:
        days = (current - due).days
        message = f"the evidence review was due on {due}, {days} day{'s' * (days != 1)} ago"
        findings.append(
            _finding(path, text, "next_review_due", "review-overdue", message, "warning")
        )
    return findings


def parse_date(value: object) -> date | None:
    """Return a YYYY-MM-DD string as a date, or None when it is not one."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _bad_date(key: str, descriptor: dict) -> str:
    return f"{key} is {json.dumps(descriptor[key])}, not a date written YYYY-MM-DD"


def _finding(
    path: Path, text: str, key: str, code: str, message: str, severity: Severity = "error"
) -> Finding:
    line, column = key_position(text, key)
    return Finding(str(path), "", line, column, code, message, severity=severity, hint=HINTS[code])


def key_position(text: str, key: str) -> tuple[int | None, int | None]:
    """Return the line and column of a key's first occurrence in JSON text."""
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    if match is None:
        return None, None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return line, column

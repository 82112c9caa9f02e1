"""Word the hints that tell a user how to fix a cell."""

from __future__ import annotations

import difflib
import json
import re

MICRO, MU = "\u00b5", "\u03bc"
NARROW_SPACES = "\u00a0\u202f\u2007\u2009"
NO_VALUE = {"na", "n/a", "null", "none", "-", "--", "?", "missing", "nil", "n.a."}
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
THOUSANDS = re.compile(r"[ '’_]")
BLANK_INSTEAD = "leave the cell blank when there is no value"


def shown(cell: str, limit: int = 60) -> str:
    """Return the cell quoted and escaped for a message, shortened when long."""
    text = cell if len(cell) <= limit else cell[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def number_hint(cell: str, integer: bool, required: bool) -> str | None:
    """Return how to write the cell as a number, when the mistake is a known one."""
    s = cell.strip()
    low = s.lower()
    blank = "write the value; this field is required" if required else BLANK_INSTEAD
    if low.lstrip("+-") == "nan":
        return f"NaN is not allowed; {blank}"
    if low.lstrip("+-") in ("inf", "infinity"):
        return "infinity is not allowed; write a finite number"
    if low in NO_VALUE:
        return blank
    for check in (_spaces, _minus, _separators, _unit):
        hint = check(s)
        if hint:
            return hint
    return _integer_hint(s) if integer else _range_hint(s)


def _spaces(s: str) -> str | None:
    if any(ch in s for ch in NARROW_SPACES):
        fixed = "".join(ch for ch in s if ch not in NARROW_SPACES)
        return f"non-breaking space inside the number? write {fixed}"
    return None


def _minus(s: str) -> str | None:
    if s[:1] in ("\u2212", "\u2013"):
        return f'write the minus sign as "-": -{s[1:]}'
    return None


def _separators(s: str) -> str | None:
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}(\.\d{3})+,\d+", s):
        return f"German number format? write {s.replace('.', '').replace(',', '.')}"
    if re.fullmatch(r"[+-]?[1-9]\d{0,2},\d{3}", s):
        # "1,234" is 1234 in English and 1.234 in a decimal-comma locale: say both.
        grouped, decimal = s.replace(",", ""), s.replace(",", ".")
        return (
            f"write {grouped} if the comma separates thousands, "
            f"or {decimal} if it is a decimal comma"
        )
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?", s):
        return f"thousands separator? write {s.replace(',', '')}"
    if re.fullmatch(r"[+-]?\d*,\d+", s):
        return f"decimal comma? write {s.replace(',', '.')}"
    if re.fullmatch(r"[+-]?\d{1,3}([ '’_]\d{3})+(\.\d+)?", s):
        return f"thousands separator? write {THOUSANDS.sub('', s)}"
    return None


def _unit(s: str) -> str | None:
    # A unit starts with a letter or a sign like % or °; "12;5" is a typo, not 12 of ";5".
    match = re.fullmatch(r"([+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+))\s*((?:[^\W\d_]|[%°‰]).*)", s)
    # A letter with digits right after it ("20x7", "2o17") is a typo too; "µg/100 g" is a unit.
    if match and not re.search(r"\d", re.split(r"[\s/]", match.group(2))[0]):
        number = match.group(1).replace(",", ".")
        return f"unit inside the number? write {number}; the unit has its own column"
    return None


def _integer_hint(s: str) -> str | None:
    if re.fullmatch(r"[+-]?\d+\.0*", s):
        return f"write {s.split('.')[0]}"
    if re.fullmatch(r"[+-]?\d{19,}", s):
        return "the number is too large"
    if NUMBER.fullmatch(s):
        return "a whole number is needed"
    return None


def _range_hint(s: str) -> str | None:
    if NUMBER.fullmatch(s) and abs(float(s)) == float("inf"):
        return "the number is too large"
    return None


def enum_hint(cell: str, allowed: tuple[str, ...]) -> str:
    """Return the closest allowed value, naming look-alike characters, and the list."""
    listed = ", ".join(allowed[:20]) + (", …" if len(allowed) > 20 else "")
    for wrong, right, wrong_name, right_name in (
        (MU, MICRO, "the Greek letter mu (U+03BC)", "the micro sign µ (U+00B5)"),
        (MICRO, MU, "the micro sign (U+00B5)", "the Greek letter μ (U+03BC)"),
    ):
        fixed = cell.replace(wrong, right)
        if wrong in cell and fixed in allowed:
            return f'{shown(cell)} uses {wrong_name}, a look-alike; write {right_name}: "{fixed}"'
    guess = _closest(cell, allowed)
    return f'did you mean "{guess}"? allowed: {listed}' if guess else f"allowed: {listed}"


def _closest(cell: str, allowed: tuple[str, ...]) -> str | None:
    stripped = cell.strip()
    for value in allowed:
        if value == stripped or value.casefold() == stripped.casefold():
            return value
    close = difflib.get_close_matches(stripped, allowed, n=1, cutoff=0.6)
    if not close:
        folded = {v.casefold(): v for v in allowed}
        close = [folded[c] for c in difflib.get_close_matches(stripped.casefold(), folded, 1, 0.6)]
    return close[0] if close else None


def pattern_hint(cell: str, pattern: str) -> str | None:
    """Return a corrected value when an obvious one matches the pattern."""
    compiled = re.compile(pattern)
    if cell.strip() != cell and compiled.fullmatch(cell.strip()):
        return "remove the spaces around the value"
    slug = re.sub(r"[^a-z0-9]+", "-", cell.lower()).strip("-")
    if slug and slug != cell and compiled.fullmatch(slug):
        return f'try "{slug}"'
    return None


def closest_key(value: str, keys: list[str]) -> str | None:
    """Return the key most like value, when one is close enough to be a typo."""
    if len(keys) > 5000:
        return None
    close = difflib.get_close_matches(value, keys, n=1, cutoff=0.75)
    return close[0] if close else None

"""Find what a spreadsheet round trip does to cells: locale numbers, lost and reformatted text.

Each check runs over a whole column with pyarrow kernels, narrowed first by a byte
test with numpy; Python only words the cells found.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, take
from pipeline.validate.hints import MICRO, MU, shown
from pipeline.validate.text import edge_bytes, holding

# A dot followed by groups of exactly three digits, after 1 to 3 digits not starting
# with 0: "45.000" is 45 in English and 45000 in a German-locale export.
GROUPED = r"^[ \t]*[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+[ \t]*$"
# A "?" where a letter or symbol was: inside a word, or before a number.
LOST = r"[\pL]\?[\pL]|(?:^|[\s(\pL])\?[\pN]"
WEB_ADDRESS = r"://|\?[A-Za-z_]+="
DATE_LIKE = r"^[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
NUMBER_FORMAT = r"^[+-]?[0-9]\.[0-9]+E[+-][0-9]{2,}$|^[+-]?[0-9]+\.[0-9]+%$"
UNITS = re.compile(r"^(?:mcg|ug|[µμ]g)$", re.IGNORECASE)
DOT, ZERO, NINE, PERCENT, QUESTION = ord("."), ord("0"), ord("9"), ord("%"), ord("?")


def ambiguous_numbers(raw: pa.ChunkedArray, active: np.ndarray) -> np.ndarray:
    """Return the cells whose dot may separate thousands: "45.000", "1.250.000"."""
    _, last, fourth = edge_bytes(raw)
    rows = np.flatnonzero(active & (fourth == DOT) & (last >= ZERO) & (last <= NINE))
    found = np.zeros(len(active), dtype=bool)
    if rows.size:
        found[rows] = flags(pc.match_substring_regex(take(raw, rows), GROUPED))
    return found


def ambiguous_word(name: str):
    """Return the wording of an ambiguous number: both readings, and how to write each."""

    def word(cell: str) -> tuple[str, str]:
        s = cell.strip()
        grouped = s.replace(".", "")
        decimal = s.rstrip("0").rstrip(".")
        message = f"{shown(cell)} in {name} may be {grouped} or {decimal}"
        hint = (
            f"a German-locale spreadsheet writes thousands with a dot: write {grouped} if it "
            f"means {grouped}, or {decimal} if the dot is a decimal point"
        )
        return message, hint

    return word


def lost_characters(raw: pa.ChunkedArray, active: np.ndarray) -> np.ndarray:
    """Return the text cells where a "?" stands for a character a code page could not hold."""
    found = np.zeros(len(active), dtype=bool)
    rows = np.flatnonzero(active & holding(raw, QUESTION))
    if rows.size:
        cells = take(raw, rows)
        lost = flags(pc.match_substring_regex(cells, LOST))
        found[rows] = lost & ~flags(pc.match_substring_regex(cells, WEB_ADDRESS))
    return found


def lost_word(name: str):
    """Return the wording of a "?" that replaced a character."""

    def word(cell: str) -> tuple[str, str]:
        message = f'{shown(cell)} in {name} has "?" where a letter or symbol belongs'
        hint = (
            'saving in a code page such as Windows-1252 replaces "≥", "β", "ł", "ı", "ş" '
            'with "?"; type the character again and save as "CSV UTF-8"'
        )
        return message, hint

    return word


def reformatted(raw: pa.ChunkedArray, active: np.ndarray) -> np.ndarray:
    """Return the text cells a spreadsheet may have made a date or a formatted number.

    A column where every filled cell has that shape holds such values on purpose.
    """
    first, last, _ = edge_bytes(raw)
    digit_first = (first >= ZERO) & (first <= NINE) | (first == ord("-")) | (first == ord("+"))
    ending = (last >= ZERO) & (last <= NINE) | (last == PERCENT)
    rows = np.flatnonzero(active & digit_first & ending)
    found = np.zeros(len(active), dtype=bool)
    if not rows.size:
        return found
    cells = take(raw, rows)
    shaped = flags(pc.match_substring_regex(cells, DATE_LIKE))
    shaped |= flags(pc.match_substring_regex(cells, NUMBER_FORMAT))
    found[rows] = shaped
    return found if found.sum() < active.sum() else np.zeros(len(active), dtype=bool)


def reformatted_word(name: str):
    """Return the wording of a text cell shaped like a date or a formatted number."""

    def word(cell: str) -> tuple[str, str]:
        kind = "a number format" if cell.endswith("%") or "E" in cell else "a date"
        message = f"{shown(cell)} in {name} looks like {kind}, which {name} never holds"
        hint = (
            f"a spreadsheet may have turned what was typed into {kind} "
            '("1/2" into "01/02/26", "1e5" into "1.00E+05"); check it and '
            "format the column as Text before saving"
        )
        return message, hint

    return word


def unit_spelling(cell: str, allowed: tuple[str, ...]) -> str | None:
    """Return the allowed unit a cell spells another way ("mcg", "ug", Greek mu, spaces)."""
    value = cell.strip().replace(MU, MICRO)
    if UNITS.fullmatch(value):
        value = MICRO + "g"
    return value if value != cell and value in allowed else None


def whole_with_zeros(cell: str) -> str | None:
    """Return "2007" for "2007.0": a whole number a spreadsheet wrote with decimals."""
    match = re.fullmatch(r"\s*([+-]?[0-9]+)\.0+\s*", cell)
    return match.group(1) if match else None

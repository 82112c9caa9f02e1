"""The data's prose in the reader's language: translations.csv applied to the typed tables.

A row of translations.csv translates one cell: table, key (the row's primary key, its values
joined by "/"), field and lang, with the translated text and source_hash, the first 12 hex
digits of the SHA-256 of the English cell as the data holds it (NFC, UTF-8): when the English
changes, the hash no longer matches and the translation is stale.

The documents are computed from translated tables, so the context code is the same in every
language. A cell the language lacks keeps a marker instead of its English; a document that
shows a marker is missing a translation, which validation and the build both report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.i18n import source_hash

if TYPE_CHECKING:
    import pandas as pd

TABLE = "translations"
KEY_SEPARATOR = "/"
#: The tables whose prose the handout and the chart show: their key fields, then the fields
#: a translation may give.
TRANSLATABLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "foods": (("food_id", "vitamin", "form"), ("food", "serving", "category")),
    "cautions": (("caution_id",), ("title", "summary", "plain")),
    "intakes": (("intake_id",), ("population",)),
    "outcomes": (("outcome_id",), ("plain_intervention", "plain_outcome")),
    "vitamin_roles": (("vitamin", "aspect"), ("chart_summary", "summary")),
    "studies": (("study_id",), ("short_name", "dose", "outcome")),
}
_MARKER = re.compile(r"qqk2b(\d{11})qq", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    """One English cell a translation is for, and where the data holds it."""

    table: str
    key: str
    field: str
    text: str
    line: int


@dataclass(frozen=True)
class Translation:
    """One row of translations.csv."""

    table: str
    key: str
    field: str
    lang: str
    text: str
    source_hash: str
    translated_by: str
    reviewed_by: str
    line: int


def translations(tables: Mapping[str, pd.DataFrame], lang: str | None = None) -> list[Translation]:
    """Return the rows of translations.csv, of one language if given, in file order."""
    if TABLE not in tables:
        return []
    frame = tables[TABLE]
    rows = []
    for record in frame.sort_values("_line", kind="stable").to_dict("records"):
        row = {k: "" if _missing(v) else str(v) for k, v in record.items() if k != "_line"}
        if lang is None or row["lang"] == lang:
            rows.append(Translation(**row, line=int(record["_line"])))  # type: ignore[arg-type]
    return rows


def _missing(value: object) -> bool:
    return value is None or str(value) in ("<NA>", "nan")


def cells(tables: Mapping[str, pd.DataFrame]) -> Iterator[Cell]:
    """Yield every non-empty cell of the translatable fields, in table and file order."""
    for table, (keys, fields) in TRANSLATABLE.items():
        if table not in tables:
            continue
        frame = tables[table]
        present = [f for f in fields if f in frame.columns]
        for record in frame[[*keys, *present, "_line"]].to_dict("records"):
            key = KEY_SEPARATOR.join(str(record[k]) for k in keys)
            for field in present:
                if not _missing(record[field]) and str(record[field]).strip():
                    yield Cell(table, key, field, str(record[field]), int(record["_line"]))


def marker(table: str, field: str, line: int) -> str:
    """Return the stand-in for a missing translation: letters and digits any casing keeps."""
    return f"qqk2b{_code(table, field)}{line:09d}qq"


def _code(table: str, field: str) -> str:
    """Number a translatable field by its table's and its own place in TRANSLATABLE."""
    names = list(TRANSLATABLE)
    return f"{names.index(table)}{TRANSLATABLE[table][1].index(field)}"


def markers_in(text: str) -> set[str]:
    """Return the missing-translation markers a document shows, by their digits."""
    return {found.lower() for found in _MARKER.findall(text)}


@dataclass(frozen=True)
class Translated:
    """A language's tables, the English ones they were made from, and who checked them."""

    tables: Mapping[str, pd.DataFrame]
    english: Mapping[str, pd.DataFrame]
    reviewed: bool

    def missing(self, shown: set[str]) -> list[Cell]:
        """Return the English cells behind the markers a document showed, in table order."""
        found = []
        names = list(TRANSLATABLE)
        for digits in sorted(shown):
            table = names[int(digits[0])]
            keys, fields = TRANSLATABLE[table]
            field, line = fields[int(digits[1])], int(digits[2:])
            frame = self.english[table]
            row = frame[frame["_line"] == line].iloc[0]
            key = KEY_SEPARATOR.join(str(row[k]) for k in keys)
            found.append(Cell(table, key, field, str(row[field]), line))
        return found


def row_keys(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    """Return each row's key: its key fields' values joined by "/"."""
    joined = frame[keys[0]].astype(str)
    for name in keys[1:]:
        joined = joined + KEY_SEPARATOR + frame[name].astype(str)
    return joined


def translate_tables(tables: Mapping[str, pd.DataFrame], lang: str) -> Translated:
    """Return the tables with every translatable cell in lang, or a marker where it has none.

    Column by column, so a table of a million foods costs a few vectorised passes.
    """
    rows = translations(tables, lang)
    given: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        given.setdefault((row.table, row.field), {})[row.key] = row.text
    out = dict(tables)
    for table, (keys, fields) in TRANSLATABLE.items():
        if table not in tables:
            continue
        frame = tables[table]
        copy = frame.copy()
        key = row_keys(frame, keys)
        lines = frame["_line"].astype(str).str.zfill(9)
        for field in (f for f in fields if f in frame.columns):
            english = frame[field]
            shown = english.notna() & (english.astype(str).str.strip() != "")
            stand_in = "qqk2b" + _code(table, field) + lines + "qq"
            text = key.map(given.get((table, field), {})).astype(object)
            text = text.where(text.notna(), stand_in).where(shown, english.astype(object))
            copy[field] = text.astype(english.dtype)
        out[table] = copy
    reviewed = all(row.reviewed_by.strip() for row in rows)
    return Translated(out, tables, reviewed)


def is_stale(row: Translation, cell: Cell) -> bool:
    """Tell whether the English text changed since this translation was made."""
    return row.source_hash != source_hash(cell.text)


_SHOWN: ContextVar[set[str] | None] = ContextVar("k2brief_shown_markers", default=None)


@contextmanager
def shown_markers() -> Iterator[set[str]]:
    """Collect the missing-translation markers of every document rendered in the block."""
    shown: set[str] = set()
    token = _SHOWN.set(shown)
    try:
        yield shown
    finally:
        _SHOWN.reset(token)


def note_shown(html: str) -> None:
    """Record the markers a rendered document shows, when someone is collecting them."""
    shown = _SHOWN.get()
    if shown is not None:
        shown |= markers_in(html)

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
_MARKER = re.compile(r"qqk2b(\d{6})qq", re.IGNORECASE)


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


def marker(number: int) -> str:
    """Return the stand-in for a missing translation: letters and digits any casing keeps."""
    return f"qqk2b{number:06d}qq"


def markers_in(text: str) -> set[int]:
    """Return the numbers of the missing-translation markers a document shows."""
    return {int(found) for found in _MARKER.findall(text)}


@dataclass(frozen=True)
class Translated:
    """A language's tables and the cells it lacks, by marker number."""

    tables: Mapping[str, pd.DataFrame]
    missing: dict[int, Cell]
    reviewed: bool


def translate_tables(tables: Mapping[str, pd.DataFrame], lang: str) -> Translated:
    """Return the tables with every translatable cell in lang, or a marker where it has none."""
    rows = {(t.table, t.key, t.field): t for t in translations(tables, lang)}
    missing: dict[int, Cell] = {}
    replaced: dict[str, dict[tuple[int, str], str]] = {}
    for cell in cells(tables):
        row = rows.get((cell.table, cell.key, cell.field))
        if row is not None:
            text = row.text
        else:
            missing[len(missing)] = cell
            text = marker(len(missing) - 1)
        replaced.setdefault(cell.table, {})[cell.line, cell.field] = text
    out = dict(tables)
    for table, values in replaced.items():
        out[table] = _with_cells(tables[table], values)
    reviewed = all(t.reviewed_by.strip() for t in rows.values())
    return Translated(out, missing, reviewed)


def _with_cells(frame: pd.DataFrame, values: dict[tuple[int, str], str]) -> pd.DataFrame:
    """Return a copy of a table with the given (line, field) cells replaced."""
    copy = frame.copy()
    position = {int(line): at for at, line in enumerate(copy["_line"])}
    for field in {f for _, f in values}:
        column = copy[field].astype(object).tolist()
        for (line, name), text in values.items():
            if name == field:
                column[position[line]] = text
        copy[field] = column
        copy[field] = copy[field].astype(frame[field].dtype)
    return copy


def is_stale(row: Translation, cell: Cell) -> bool:
    """Tell whether the English text changed since this translation was made."""
    return row.source_hash != source_hash(cell.text)


_SHOWN: ContextVar[set[int] | None] = ContextVar("k2brief_shown_markers", default=None)


@contextmanager
def shown_markers() -> Iterator[set[int]]:
    """Collect the missing-translation markers of every document rendered in the block."""
    shown: set[int] = set()
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

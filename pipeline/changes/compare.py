"""Compare two editions table by table, by primary key: rows added, removed and changed.

Cells are compared as typed values where both read as their field's type, so "12.50" and
"12.5" are the same number; the texts the tables hold are what a change shows.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.changes.edition import Edition, EditionTable, read_edition

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
TABLE_ADDED, TABLE_REMOVED = "table-added", "table-removed"
COLUMN_ADDED, COLUMN_REMOVED = "column-added", "column-removed"
ROW_CHANGES = (ADDED, REMOVED, CHANGED)
SCHEMA_CHANGES = (TABLE_ADDED, TABLE_REMOVED, COLUMN_ADDED, COLUMN_REMOVED)
NUMERIC = ("number", "integer")

Cells = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class FieldChange:
    """One cell that changed: its field, and its old and new text (None: empty)."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Change:
    """One difference between the editions: a row, a column or a whole table."""

    table: str
    change: str
    #: The row's primary-key values by field; every value when the table has no key.
    key: Cells = ()
    #: For a changed row, each changed cell in schema order.
    fields: tuple[FieldChange, ...] = ()
    #: The row's cells: the new ones, or the old ones for a removed row.
    row: Cells = ()
    #: The column added or removed.
    column: str | None = None
    #: The rows of a table added or removed.
    rows: int | None = None
    #: False when the table has no primary key and rows were matched by their content.
    keyed: bool = True

    def value(self, name: str) -> str | None:
        """Return the text of one of the row's cells (None when empty or absent)."""
        return dict(self.row).get(name)

    def field(self, name: str) -> FieldChange | None:
        """Return the change of one field of a changed row, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between an old and a new edition, in a stable order."""

    old: Edition
    new: Edition
    changes: tuple[Change, ...]

    def of(self, table: str, *kinds: str) -> tuple[Change, ...]:
        """Return the changes to one table, of the given kinds (all when none given)."""
        return tuple(
            c for c in self.changes if c.table == table and (not kinds or c.change in kinds)
        )


def compare_paths(old: Path, new: Path) -> Comparison:
    """Read the editions at two paths (data folders or dist zips) and compare them."""
    return compare(read_edition(old, "OLD"), read_edition(new, "NEW"))


def compare(old: Edition, new: Edition) -> Comparison:
    """Compare every table: the new descriptor's order, then tables only the old one has."""
    changes: list[Change] = []
    for name, table in new.tables.items():
        before = old.tables.get(name)
        if before is None:
            changes.append(Change(name, TABLE_ADDED, rows=table.checked.num_rows))
        else:
            changes += compare_tables(name, before, table)
    for name, table in old.tables.items():
        if name not in new.tables:
            changes.append(Change(name, TABLE_REMOVED, rows=table.checked.num_rows))
    return Comparison(old, new, tuple(changes))


def compare_tables(name: str, old: EditionTable, new: EditionTable) -> list[Change]:
    """Compare one table's columns, then its rows by primary key (or by content)."""
    old_fields, new_fields = old.resource.field_names, new.resource.field_names
    common = [f for f in new_fields if f in old_fields]
    changes = [Change(name, COLUMN_ADDED, column=f) for f in new_fields if f not in old_fields]
    changes += [Change(name, COLUMN_REMOVED, column=f) for f in old_fields if f not in new_fields]
    key = new.resource.primary_key
    keyed = bool(key) and key == old.resource.primary_key and set(key) <= set(common)
    rows_old, rows_new = _Rows(old, common), _Rows(new, common)
    row_changes = _row_changes(name, rows_old, rows_new, list(key) if keyed else common, keyed)
    return changes + sorted(row_changes, key=lambda c: _order(c, new))


class _Rows:
    """One table's rows over the compared fields: texts to show, values to compare."""

    def __init__(self, table: EditionTable, fields: Sequence[str]) -> None:
        checked = table.checked
        self.fields = tuple(fields)
        self.texts: list[list[str | None]] = []
        self.values: list[list[object]] = []
        for name in fields:
            texts, values = _column(table, name)
            self.texts.append(texts)
            self.values.append(values)
        self.count = checked.num_rows

    def cells(self, row: int) -> Cells:
        """Return one row's cells as (field, text) pairs."""
        return tuple((f, self.texts[i][row]) for i, f in enumerate(self.fields))

    def value_of(self, row: int, names: Iterable[str]) -> tuple[object, ...]:
        """Return the comparison values of some fields of one row."""
        return tuple(self.values[self.fields.index(n)][row] for n in names)


def _column(table: EditionTable, name: str) -> tuple[list[str | None], list[object]]:
    """Return a field's cell texts (None: missing) and the values they are compared by."""
    checked = table.checked
    n = checked.num_rows
    if name not in checked.positions:
        return [None] * n, [None] * n
    raw = checked.raw.columns[checked.positions[name]].to_pylist()
    present = checked.present[name].tolist()
    texts = [text if here else None for text, here in zip(raw, present, strict=True)]
    if table.resource.field(name).type not in NUMERIC:
        return texts, list(texts)
    typed, ok = checked.typed[name].to_pylist(), checked.ok[name].tolist()
    values = [
        ("number", value) if good and value is not None else text
        for value, good, text in zip(typed, ok, texts, strict=True)
    ]
    return texts, values


def _row_changes(
    name: str, old: _Rows, new: _Rows, key: Sequence[str], keyed: bool
) -> list[Change]:
    """Pair rows with equal keys in order; the unpaired were added or removed."""
    waiting: dict[tuple, deque[int]] = defaultdict(deque)
    for row in range(old.count):
        waiting[old.value_of(row, key)].append(row)
    changes = []
    for row in range(new.count):
        match = waiting.get(new.value_of(row, key))
        cells = new.cells(row)
        if not match:
            changes.append(Change(name, ADDED, _key(cells, key), row=cells, keyed=keyed))
            continue
        before = match.popleft()
        fields = tuple(
            FieldChange(f, old.texts[i][before], new.texts[i][row])
            for i, f in enumerate(new.fields)
            if old.values[i][before] != new.values[i][row]
        )
        if fields:
            changes.append(Change(name, CHANGED, _key(cells, key), fields, cells, keyed=keyed))
    for rows in waiting.values():
        for row in rows:
            cells = old.cells(row)
            changes.append(Change(name, REMOVED, _key(cells, key), row=cells, keyed=keyed))
    return changes


def _key(cells: Cells, key: Sequence[str]) -> Cells:
    """Return the key fields' cells, in key order."""
    by_name = dict(cells)
    return tuple((name, by_name[name]) for name in key)


def _order(change: Change, table: EditionTable) -> tuple:
    """Sort rows by key (numbers as numbers), then removed before added before changed."""
    parts = []
    for name, text in change.key:
        number = _number(text) if table.resource.field(name).type in NUMERIC else None
        if text is None:
            parts.append((2, 0.0, ""))
        elif number is not None:
            parts.append((0, number, text))
        else:
            parts.append((1, 0.0, text))
    return (tuple(parts), (REMOVED, ADDED, CHANGED).index(change.change))


def _number(text: str) -> float | None:
    """Read a key's text as a number for sorting, or None."""
    try:
        return float(text)
    except ValueError:
        return None

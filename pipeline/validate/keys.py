"""Integrity across rows and tables: primary keys, unique fields and foreign keys.

Only cells that passed their own checks take part, so a blank or mistyped key is
reported once, at the cell, and never again as a key error.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, ints, mask, take, text, texts, values
from pipeline.report import Finding
from pipeline.validate.hints import closest_key, shown
from pipeline.validate.schema import ForeignKey
from pipeline.validate.table import CheckedTable

SEPARATOR = "\x1f"
JOIN = text(SEPARATOR)


def key_findings(table: CheckedTable) -> list[Finding]:
    """Return duplicate primary keys and repeated values of unique fields."""
    resource = table.resource
    findings = _duplicates(table, resource.primary_key, "primary-key")
    for field in resource.fields:
        if field.constraints.unique and (field.name,) != resource.primary_key:
            findings += _duplicates(table, (field.name,), "unique-error")
    return findings


def _usable(table: CheckedTable, fields: tuple[str, ...]) -> np.ndarray | None:
    if not fields or any(f not in table.positions for f in fields):
        return None
    rows = np.ones(table.num_rows, dtype=bool)
    for name in fields:
        rows &= table.ok[name]
    return np.flatnonzero(rows)


def group_codes(columns: list[pa.ChunkedArray]) -> tuple[np.ndarray, int]:
    """Return a number per row, equal exactly for equal keys, and the range of the numbers."""
    codes, span = np.zeros(len(columns[0]), dtype=np.int64), 1
    for column in columns:
        encoded = pc.dictionary_encode(column).combine_chunks()
        size = max(len(encoded.dictionary), 1)
        if span * size > max(DENSE_LIMIT, 4 * len(codes)):
            codes, span = _dense(codes)
        codes = codes * size + values(encoded.indices).astype(np.int64)
        span *= size
    return codes, span


DENSE_LIMIT = 1 << 26


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber codes to 0..distinct-1."""
    encoded = pc.dictionary_encode(ints(codes))
    return values(encoded.indices).astype(np.int64), len(encoded.dictionary)


def _repeated(codes: np.ndarray) -> np.ndarray:
    """Return every index whose code also occurs at another index, in order.

    Sorting touches memory in proportion to the rows, not to the range of the codes,
    which matters more than the sort's n log n on a machine where fresh pages are dear.
    The repeated codes are few, so finding their rows is one comparison pass each (or a
    sort when there are many), not a second sort with an inverse.
    """
    ordered = np.sort(codes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.isin(codes, np.unique(ordered[1:][same])))


def _duplicates(table: CheckedTable, fields: tuple[str, ...], code: str) -> list[Finding]:
    rows = _usable(table, fields)
    if rows is None or rows.size < 2:
        return []
    keys = [_rows(table.keys(name), rows, table.num_rows) for name in fields]
    codes, _ = group_codes(keys)
    first: dict[int, int] = {}
    pairs = []
    for index in _repeated(codes).tolist():
        seen = first.setdefault(int(codes[index]), index)
        if seen != index:
            pairs.append((index, seen))
    return _duplicate_findings(table, fields, code, keys, rows, pairs)


def _duplicate_findings(table, fields, code, keys, rows, pairs) -> list[Finding]:
    """Word one finding per repeated key, naming the line of its first occurrence."""
    repeats = np.array([p[0] for p in pairs], dtype=np.int64)
    cells = [take(k, repeats).to_pylist() for k in keys]
    lines, numbers = table.raw.lines, table.raw.row_numbers
    column = table.positions[fields[0]] + 1
    what = "primary key" if code == "primary-key" else "value"
    findings = []
    for i, (repeat, seen) in enumerate(pairs):
        row, original = rows[repeat], rows[seen]
        findings.append(
            table.where.finding(
                int(lines[row]),
                column,
                code,
                f"{_shown_key(fields, [c[i] for c in cells])} repeats: "
                f"same {what} as line {int(lines[original])}",
                field_name=fields[0],
                cell=cells[0][i],
                hint="each row needs its own key" if code == "primary-key" else None,
                row_number=int(numbers[row]),
            )
        )
    return findings


def _rows(column: pa.ChunkedArray, rows: np.ndarray, total: int) -> pa.ChunkedArray:
    """Return the column at the given rows, without copying when that is every row."""
    return column if rows.size == total else take(column, rows)


def _shown_key(fields: tuple[str, ...], values: list[str]) -> str:
    if len(fields) == 1:
        return f"{fields[0]} {shown(values[0])}"
    return f"({', '.join(fields)}) = ({', '.join(shown(v) for v in values)})"


def foreign_key_findings(
    child: CheckedTable, fk: ForeignKey, parent: CheckedTable | None
) -> list[Finding]:
    """Return the rows whose reference names no row of the referenced table."""
    if parent is None or any(f not in parent.positions for f in fk.reference_fields):
        return []
    rows = _usable(child, fk.fields)
    if rows is None or not rows.size:
        return []
    keys = [_rows(child.keys(name), rows, child.num_rows) for name in fk.fields]
    known = _parent_keys(parent, fk.reference_fields)
    found = _member(keys, known, child.raw.has_control or parent.raw.has_control)
    absent = np.flatnonzero(~found)
    if not absent.size:
        return []
    values = [take(k, absent).to_pylist() for k in keys]
    candidates = _distinct(known)
    column = child.positions[fk.fields[0]] + 1
    findings = []
    for i, index in enumerate(absent.tolist()):
        row = rows[index]
        value = tuple(v[i] for v in values)
        findings.append(
            child.where.finding(
                int(child.raw.lines[row]),
                column,
                "foreign-key",
                f"{_shown_key(fk.fields, list(value))} is not in {parent.resource.name}"
                + (f".{fk.reference_fields[0]}" if len(fk.fields) == 1 else ""),
                field_name=fk.fields[0],
                cell=value[0],
                hint=_reference_hint(value, candidates, fk, parent.resource.name),
                row_number=int(child.raw.row_numbers[row]),
            )
        )
    return findings


def _parent_keys(parent: CheckedTable, fields: tuple[str, ...]) -> list[pa.ChunkedArray]:
    """Return the referenced columns over rows that give them, ragged rows included."""
    rows = np.ones(parent.num_rows, dtype=bool)
    for name in fields:
        rows &= parent.present[name]
    keep = mask(rows)
    columns = [parent.keys(name).filter(keep) for name in fields]
    extra = _ragged_keys(parent, fields)
    if extra:
        columns = [
            pa.chunked_array([*c.chunks, texts([e[i] for e in extra])])
            for i, c in enumerate(columns)
        ]
    return columns


def _ragged_keys(parent: CheckedTable, fields: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Return keys of the parent's ragged rows, so a reference to one is not also reported."""
    spots = [parent.positions[name] for name in fields]
    missing = set(parent.resource.missing_values)
    keys = []
    for row in parent.raw.ragged:
        if max(spots) < len(row.cells):
            key = tuple(row.cells[p] for p in spots)
            if not missing.intersection(key):
                keys.append(key)
    return keys


def _member(
    keys: list[pa.ChunkedArray], known: list[pa.ChunkedArray], controls: bool
) -> np.ndarray:
    """Return which key tuples are among the known ones; controls: a file holds \\x1f."""
    if len(keys) == 1:
        return flags(pc.is_in(keys[0], value_set=pc.unique(known[0])))
    if controls and any(flags(pc.match_substring(c, SEPARATOR)).any() for c in [*keys, *known]):
        known_set = set(zip(*[c.to_pylist() for c in known], strict=True))
        rows = zip(*[c.to_pylist() for c in keys], strict=True)
        return np.array([row in known_set for row in rows], dtype=bool)
    joined = pc.binary_join_element_wise(*keys, JOIN)
    known_joined = pc.binary_join_element_wise(*known, JOIN)
    return flags(pc.is_in(joined, value_set=pc.unique(known_joined)))


def _distinct(known: list[pa.ChunkedArray]) -> list[tuple[str, ...]]:
    """Return the distinct referenced keys, when few enough to suggest one."""
    if len(known[0]) > 20_000:
        return []
    return sorted(set(zip(*[c.to_pylist() for c in known], strict=True)))


def _reference_hint(
    value: tuple[str, ...], candidates: list[tuple[str, ...]], fk: ForeignKey, parent: str
) -> str | None:
    if len(value) == 1:
        guess = closest_key(value[0], [c[0] for c in candidates])
        return f'did you mean "{guess}"?' if guess else f"add the row to {parent}, or fix the id"
    near = [c for c in candidates if sum(a != b for a, b in zip(c, value, strict=True)) == 1]
    if not near:
        return None
    listed = "; ".join("(" + ", ".join(shown(v) for v in c) + ")" for c in near[:3])
    return f"{parent} has {listed}"

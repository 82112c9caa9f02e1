"""Check one loaded table against its schema: header, blank rows, then every column."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import ints
from pipeline.load.read import RawTable, Where
from pipeline.report import Finding
from pipeline.validate.cells import Column, Place, check_column
from pipeline.validate.header import check_header, sorted_in
from pipeline.validate.schema import Field, Resource
from pipeline.validate.text import lengths

THREADED_ROWS = 100_000
ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64()}


@dataclass(frozen=True)
class CheckedTable:
    """A table after its cell checks: typed columns and which cells later checks may use."""

    resource: Resource
    where: Where
    raw: RawTable
    positions: dict[str, int]
    typed: dict[str, pa.ChunkedArray]
    ok: dict[str, np.ndarray]
    present: dict[str, np.ndarray]
    findings: list[Finding]

    @property
    def num_rows(self) -> int:
        """Return the number of rows that line up with the header."""
        return self.raw.num_rows

    def keys(self, name: str) -> pa.ChunkedArray:
        """Return a key column as text: the cells of a string field, else typed values."""
        column = self.typed[name]
        return column if column.type == pa.string() else pc.cast(column, pa.string())

    def failed(self, name: str) -> np.ndarray:
        """Return which cells of a field are present but were reported as errors."""
        return self.present[name] & ~self.ok[name]

    def arrow(self) -> pa.Table:
        """Return the typed table in schema order, with each row's physical line."""
        columns = {f.name: self.typed[f.name] for f in self.resource.fields}
        columns["_line"] = pa.chunked_array([ints(self.raw.lines)])
        return pa.table(columns)


def check_table(resource: Resource, raw: RawTable, where: Where) -> CheckedTable:
    """Check the header and every cell of a table, each problem reported once."""
    raw, findings = _without_empty_columns(raw, where, resource.field_names)
    raw, moved = sorted_in(raw, where, resource.field_names)
    findings += moved
    sizes = [lengths(column) for column in raw.columns]
    raw, sizes, trailing = _without_trailing_blanks(raw, where, sizes)
    header = check_header(raw.labels, resource.field_names, where, raw.header_line)
    findings += header.findings + trailing
    n = raw.num_rows
    blank = _blank(sizes, n)
    findings += _blank_findings(where, raw, blank)
    typed, ok, present = {}, {}, {}
    scan = (raw.has_markup, raw.has_control, raw.has_question)

    def check(field: Field) -> Column:
        position = header.positions[field.name]
        place = Place(where, position + 1, raw.lines, raw.row_numbers)
        column = raw.columns[position]
        return check_column(
            field, column, place, sizes[position], blank, resource.missing_values, scan
        )

    present_fields = [f for f in resource.fields if f.name in header.positions]
    for field, column in zip(present_fields, _each(check, present_fields, n), strict=True):
        typed[field.name], ok[field.name] = column.typed, column.ok
        present[field.name] = column.present
        findings += column.findings
    for field in resource.fields:
        if field.name not in header.positions:
            typed[field.name] = pa.chunked_array([pa.nulls(n, ARROW_TYPES[field.type])])
            ok[field.name] = present[field.name] = np.zeros(n, dtype=bool)
    return CheckedTable(resource, where, raw, header.positions, typed, ok, present, findings)


def _without_empty_columns(
    raw: RawTable, where: Where, fields: tuple[str, ...]
) -> tuple[RawTable, list[Finding]]:
    """Drop unnamed columns at the end that hold nothing but spaces, with one warning."""
    keep = len(raw.labels)
    while keep > 1 and not raw.labels[keep - 1].strip() and len(raw.labels) > len(fields):
        column = pc.utf8_trim_whitespace(raw.columns[keep - 1])
        if raw.num_rows and pc.max(pc.binary_length(column)).as_py():
            break
        keep -= 1
    if keep == len(raw.labels) or any(len(r.cells) != len(raw.labels) for r in raw.ragged):
        return raw, []
    dropped = len(raw.labels) - keep
    message = f"column {keep + 1} has no name and holds nothing on any line"
    if dropped > 1:
        message = f"columns {keep + 1} to {len(raw.labels)} have no name and hold nothing"
    hint = "a spreadsheet wrote an empty column; k2brief fix deletes it"
    finding = where.finding(raw.header_line, keep + 1, "empty-column", message, hint=hint)
    trimmed = replace(raw, labels=raw.labels[:keep], columns=raw.columns[:keep])
    return trimmed, [finding]


def _without_trailing_blanks(
    raw: RawTable, where: Where, sizes: list[np.ndarray]
) -> tuple[RawTable, list[np.ndarray], list[Finding]]:
    """Drop rows of empty cells (",,,,") after the last row with a value, with one warning."""
    blank = _blank(sizes, raw.num_rows)
    filled = np.flatnonzero(~blank)
    keep = int(filled[-1]) + 1 if filled.size else 0
    if keep == raw.num_rows or any(r.line > raw.lines[keep] for r in raw.ragged):
        return raw, sizes, []
    count = raw.num_rows - keep
    message = f"{count} row{'s' * (count > 1)} of empty cells after the last row"
    hint = "a spreadsheet wrote them; k2brief fix deletes them"
    finding = where.finding(int(raw.lines[keep]), None, "trailing-blank-rows", message, hint=hint)
    trimmed = replace(
        raw,
        columns=tuple(c.slice(0, keep) for c in raw.columns),
        lines=raw.lines[:keep],
        row_numbers=raw.row_numbers[:keep],
    )
    return trimmed, [s[:keep] for s in sizes], [finding]


def _each(check: Callable[[Field], Column], fields: list[Field], rows: int) -> list[Column]:
    """Check columns, on all cores for a large table: Arrow and numpy release the GIL."""
    workers = min(os.cpu_count() or 1, len(fields))
    if rows < THREADED_ROWS or workers < 2:
        return [check(field) for field in fields]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(check, fields))


def _blank(sizes: list[np.ndarray], n: int) -> np.ndarray:
    """Return rows whose every cell is empty."""
    blank = np.ones(n, dtype=bool)
    for size in sizes:
        blank &= size == 0
    return blank


def _blank_findings(where: Where, raw: RawTable, blank: np.ndarray) -> list[Finding]:
    return [
        where.finding(
            int(raw.lines[row]),
            None,
            "blank-row",
            "the row has no values",
            hint="delete the empty row",
            row_number=int(raw.row_numbers[row]),
        )
        for row in np.flatnonzero(blank).tolist()
    ]

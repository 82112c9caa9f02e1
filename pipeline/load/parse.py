"""Split CSV bytes into cells: pyarrow in pieces cut at known records, or the csv module.

The fast path cuts the data rows at record boundaries found by the byte scan and parses
each piece with a serial pyarrow reader (pieces run on all cores), so a ragged row's
record number, and with it its physical line, is exact. A piece without quoted newlines
is parsed with newlines_in_values off, which is faster. When pyarrow's records disagree
with the scan, the caller falls back to the csv module; both give the same cells.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from pipeline.arrow import texts
from pipeline.load.scan import Records

PIECE_BYTES = 16 * 2**20
MAX_FIELD = 512 * 2**20


@dataclass(frozen=True)
class RaggedRow:
    """A row whose number of cells differs from the header's, kept with its raw text."""

    line: int
    row_number: int
    cells: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Parsed:
    """The cells of a file by column, each row's line, ragged rows, an unclosed quote."""

    labels: tuple[str, ...]
    header_line: int
    columns: tuple[pa.ChunkedArray, ...]
    lines: np.ndarray
    numbers: np.ndarray
    ragged: tuple[RaggedRow, ...]
    empty: tuple[tuple[int, int], ...] = ()
    unclosed: tuple[int, int] | None = None


def _cells(text: str) -> tuple[str, ...]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return tuple(cell for row in rows for cell in row)


def parse_fast(data: bytes, rec: Records) -> Parsed | None:
    """Parse with pyarrow; return None when its records disagree with the scan."""
    labels = _cells(data[rec.starts[0] : rec.ends[0]].decode("utf-8")) or ("",)
    names = [f"c{i}" for i in range(len(labels))]
    n = len(rec.starts) - 1
    pieces = _pieces(rec, len(data)) if n else []
    view = memoryview(data)

    def parse(piece: tuple[int, int, bool]) -> tuple[pa.Table, list[tuple[int, int]]]:
        first, last, multiline = piece
        end = int(rec.starts[1 + last]) if last < n else len(data)
        return _parse_piece(view[int(rec.starts[1 + first]) : end], names, multiline)

    try:
        if len(pieces) > 1:
            with ThreadPoolExecutor(min(len(pieces), os.cpu_count() or 1)) as pool:
                results = list(pool.map(parse, pieces))
        else:
            results = [parse(p) for p in pieces]
    except pa.ArrowInvalid:
        return None
    invalid = []
    for (first, last, _), (table, bad) in zip(pieces, results, strict=True):
        if table.num_rows + len(bad) != last - first:
            return None
        invalid += [(first + number - 1, count) for number, count in bad]
    return _assemble(data, rec, labels, [t for t, _ in results], invalid)


def _pieces(rec: Records, size: int) -> list[tuple[int, int, bool]]:
    """Cut the data rows into pieces of similar size; isolate rows with quoted newlines."""
    starts, multiline = rec.starts[1:], rec.multiline[1:]
    count = min(os.cpu_count() or 1, max(1, size // PIECE_BYTES))
    targets = starts[0] + (size - starts[0]) * np.arange(1, count) / count
    inner = [i for i in np.unique(np.searchsorted(starts, targets)).tolist() if 0 < i < len(starts)]
    cuts = [0, *inner, len(starts)]
    pieces = []
    for first, last in itertools.pairwise(cuts):
        spanning = np.flatnonzero(multiline[first:last])
        if not spanning.size:
            pieces.append((first, last, False))
            continue
        low, high = first + int(spanning[0]), first + int(spanning[-1]) + 1
        parts = [(first, low, False), (low, high, True), (high, last, False)]
        pieces += [p for p in parts if p[1] > p[0]]
    return pieces


def _parse_piece(
    piece: memoryview, names: list[str], multiline: bool
) -> tuple[pa.Table, list[tuple[int, int]]]:
    bad: list[tuple[int, int]] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        bad.append((row.number if row.number is not None else -(10**12), row.actual_columns))
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(piece)),
        read_options=pacsv.ReadOptions(use_threads=False, column_names=names, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=multiline, invalid_row_handler=keep_aside
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,  # the whole file was checked before parsing
        ),
    )
    return table, bad


def _assemble(
    data: bytes,
    rec: Records,
    labels: tuple[str, ...],
    tables: list[pa.Table],
    invalid: list[tuple[int, int]],
) -> Parsed | None:
    n = len(rec.starts) - 1
    bad_rows = np.array(sorted(i for i, _ in invalid), dtype=np.int64)
    if bad_rows.size and (bad_rows[0] < 0 or bad_rows[-1] >= n):
        return None
    ragged = []
    for i, count in sorted(invalid):
        text = data[rec.starts[i + 1] : rec.ends[i + 1]].decode("utf-8")
        cells = _cells(text)
        if len(cells) != count:
            return None
        ragged.append(RaggedRow(int(rec.lines[i + 1]), int(rec.numbers[i + 1]), cells, text))
    keep = np.ones(n, dtype=bool)
    keep[bad_rows] = False
    columns = tuple(
        pa.chunked_array([c for t in tables for c in t.column(i).chunks], type=pa.string())
        for i in range(len(labels))
    )
    parsed = Parsed(
        labels,
        int(rec.lines[0]),
        columns,
        rec.lines[1:][keep],
        rec.numbers[1:][keep],
        tuple(ragged),
        tuple(zip(rec.empty_lines.tolist(), rec.empty_numbers.tolist(), strict=True)),
    )
    if rec.unclosed:
        return _without_last(parsed, int(rec.lines[-1]), int(rec.numbers[-1]))
    return parsed


def _without_last(parsed: Parsed, line: int, row_number: int) -> Parsed:
    """Drop the last record, whose quote never closes, and note where it starts."""
    ragged, columns, lines, numbers = parsed.ragged, parsed.columns, parsed.lines, parsed.numbers
    if ragged and ragged[-1].row_number == row_number:
        ragged = ragged[:-1]
    elif len(numbers) and numbers[-1] == row_number:
        rows = len(numbers) - 1
        columns = tuple(c.slice(0, rows) for c in columns)
        lines, numbers = lines[:rows], numbers[:rows]
    return Parsed(
        parsed.labels,
        parsed.header_line,
        columns,
        lines,
        numbers,
        ragged,
        parsed.empty,
        (line, row_number),
    )


def parse_slow(data: bytes, start: int) -> Parsed:
    """Parse with the csv module, counting \\n, \\r\\n and \\r as line ends."""
    csv.field_size_limit(MAX_FIELD)
    physical = list(io.StringIO(data[start:].decode("utf-8"), newline=""))
    reader = csv.reader(physical, strict=False)
    records: list[tuple[int, int, list[str], str]] = []
    empty = []
    previous = 0
    for number, row in enumerate(reader, start=1):
        first, previous = previous + 1, reader.line_num
        if row:
            text = _strip_newline("".join(physical[first - 1 : previous]))
            records.append((first, number, row, text))
        else:
            empty.append((first, number))
    header_line, _, header, _ = records[0]
    width = len(header)
    good = [(number, (line, row)) for line, number, row, _ in records[1:] if len(row) == width]
    ragged = tuple(
        RaggedRow(line, number, tuple(row), text)
        for line, number, row, text in records[1:]
        if len(row) != width
    )
    parsed = Parsed(
        tuple(header),
        header_line,
        tuple(pa.chunked_array([texts([r[1][k] for _, r in good])]) for k in range(width)),
        np.array([r[0] for _, r in good], dtype=np.int64),
        np.array([number for number, _ in good], dtype=np.int64),
        ragged,
        tuple(empty),
    )
    if len(records) > 1 and _ends_in_quote(records[-1][3]):
        return _without_last(parsed, records[-1][0], records[-1][1])
    return parsed


def _strip_newline(text: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def _ends_in_quote(text: str) -> bool:
    """Return True when the record's last quoted cell is still open at the end of the file."""
    try:
        list(csv.reader(io.StringIO(text + "\n", newline=""), strict=True))
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False

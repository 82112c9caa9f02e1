"""Read one CSV table without losing a cell, keeping the physical line of every row.

Checks that need the raw bytes happen here: size, encoding, separator, quoting and
ragged rows. The cells themselves come from validate_parse.
"""

from __future__ import annotations

import csv
import mmap
import os
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pipeline.load.parse import RaggedRow, parse_fast, parse_slow
from pipeline.load.scan import scan_bytes, scan_records, utf8_valid
from pipeline.report import Finding

MAX_FILE_BYTES = 512 * 2**20
MAP_BYTES = 16 * 2**20
Data = bytes | mmap.mmap
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
CONTENT = re.compile(rb"[^ \t\r\n\x0b\x0c]")


@dataclass(frozen=True)
class Where:
    """The file a finding belongs to: its path as shown and its table name."""

    path: str
    table: str

    def finding(self, line: int | None, column: int | None, code: str, message: str, **kw):
        """Return a finding placed in this file."""
        return Finding(self.path, self.table, line, column, code, message, **kw)


@dataclass(frozen=True)
class RawTable:
    """Every cell of a table as text (by file column), with each row's physical line."""

    labels: tuple[str, ...]
    header_line: int
    columns: tuple[pa.ChunkedArray, ...]
    lines: np.ndarray
    row_numbers: np.ndarray
    ragged: tuple[RaggedRow, ...]
    has_markup: bool
    has_control: bool

    @property
    def num_rows(self) -> int:
        """Return the number of rows whose cells line up with the header."""
        return len(self.lines)


@dataclass(frozen=True)
class Loaded:
    """What reading a file gave: its cells, or None, and the findings made on the way."""

    table: RawTable | None
    findings: tuple[Finding, ...]


def read_table(path: os.PathLike | str, where: Where, expected_columns: int) -> Loaded:
    """Read a CSV file from disk; report a missing, oversized or unreadable file."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            return _failed(where.finding(None, None, "file-too-large", _too_large(size)))
        data = _contents(path, size)
    except FileNotFoundError:
        message = "the file named in datapackage.json does not exist"
        return _failed(where.finding(None, None, "missing-file", message))
    except (OSError, ValueError) as error:
        message = f"the file cannot be read: {getattr(error, 'strerror', None) or error}"
        return _failed(where.finding(None, None, "missing-file", message))
    if len(data) > MAX_FILE_BYTES:
        return _failed(where.finding(None, None, "file-too-large", _too_large(len(data))))
    return parse_csv(data, where, expected_columns)


def _contents(path: os.PathLike | str, size: int) -> Data:
    """Return the file's bytes; a large file is mapped, not copied.

    Mapping spares the copy and, more so, the zeroing of a large fresh buffer. The
    trade-off: a file truncated while it is being validated ends the process (SIGBUS).
    """
    with open(path, "rb") as handle:
        if size >= MAP_BYTES:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        # read(n) allocates n bytes up front, so ask for one byte past the size seen.
        return handle.read(size + 1)


def _too_large(size: int) -> str:
    return (
        f"the file is {size / 2**20:,.0f} MiB; k2brief reads at most {MAX_FILE_BYTES // 2**20} MiB"
    )


def parse_csv(data: Data, where: Where, expected_columns: int) -> Loaded:
    """Parse CSV bytes into text columns and findings; never raise on bad bytes."""
    start = len(BOM) if data[:3] == BOM else 0
    problem = _encoding_problem(data, start, where) or _shape_problem(
        data, start, where, expected_columns
    )
    if problem:
        return Loaded(None, tuple(problem))
    scan = scan_bytes(data)
    records = scan_records(data, start, scan)
    parsed = parse_fast(data, records) if records is not None else None
    if parsed is None:
        parsed = parse_slow(data, start)
    raw = RawTable(
        parsed.labels,
        parsed.header_line,
        parsed.columns,
        parsed.lines,
        parsed.numbers,
        parsed.ragged,
        scan.has_markup,
        scan.has_control,
    )
    findings = [_unclosed(where, *parsed.unclosed)] if parsed.unclosed else []
    findings += [
        where.finding(line, None, "blank-row", "the line is empty", hint=EMPTY_HINT, row_number=n)
        for line, n in parsed.empty
    ]
    return Loaded(raw, tuple(findings + ragged_findings(where, raw)))


def _failed(finding: Finding) -> Loaded:
    return Loaded(None, (finding,))


def _encoding_problem(data: Data, start: int, where: Where) -> list[Finding]:
    if data[:2] in UTF16_BOMS:
        message = "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8"
        return [where.finding(1, None, "encoding-error", message, hint=RESAVE)]
    if utf8_valid(data):
        return []
    return _encoding_findings(data, start, where)


RESAVE = 're-save the file as UTF-8, e.g. "CSV UTF-8" in a spreadsheet'


def _encoding_findings(data: Data, start: int, where: Where) -> list[Finding]:
    """Return one finding per line holding bytes that are not UTF-8."""
    text = data[start:].decode("utf-8", "surrogateescape")
    ends = [m.end() for m in LINE_BREAK.finditer(text)]
    findings, seen = [], set()
    for match in re.finditer("[\udc80-\udcff]+", text):
        line = int(np.searchsorted(ends, match.start(), side="right")) + 1
        if line in seen:
            continue
        seen.add(line)
        prefix = text[ends[line - 2] if line > 1 else 0 : match.start()]
        raw = bytes(ord(c) - 0xDC00 for c in match.group())
        shown = " ".join(f"0x{b:02X}" for b in raw[:8])
        message = f"byte{'s' * (len(raw) > 1)} {shown} {'are' if len(raw) > 1 else 'is'} not UTF-8"
        findings.append(
            where.finding(
                line, _field_number(prefix), "encoding-error", message, hint=_encoding_hint(raw)
            )
        )
    return findings


def _field_number(prefix: str) -> int | None:
    """Return the number of the field a line's prefix ends in."""
    try:
        return len(next(csv.reader([prefix]), [""])) if prefix else 1
    except csv.Error:
        return None


def _encoding_hint(raw: bytes) -> str:
    try:
        guess = raw.decode("cp1252")
    except UnicodeDecodeError:
        return RESAVE
    return f'the file looks like Windows-1252, where this reads "{guess}"; {RESAVE}'


def _shape_problem(data: Data, start: int, where: Where, expected: int) -> list[Finding]:
    content = CONTENT.search(data, start)
    if content is None:
        return [where.finding(None, None, "empty-file", "the file has no header row")]
    begin = data.rfind(b"\n", start, content.start()) + 1 or start
    end = data.find(b"\n", begin)
    first = data[begin : end if end >= 0 else len(data)].decode("utf-8", "replace")
    line = 1 + data[:begin].count(b"\n")
    if "\x00" in first:
        message = "the header holds NUL bytes; the file looks like UTF-16, not UTF-8"
        return [where.finding(line, None, "encoding-error", message, hint=RESAVE)]
    commas = first.count(",")
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if expected > 1 and first.count(sep) >= max(1, commas + 1) and commas < expected - 1:
            message = f"the header is separated by {name}, not commas"
            hint = 'save it as comma-separated CSV, e.g. "CSV UTF-8" in a spreadsheet'
            return [where.finding(line, None, "dialect-error", message, hint=hint)]
    return []


EMPTY_HINT = "delete the empty line; it is read as a blank row"


def _unclosed(where: Where, line: int, row_number: int) -> Finding:
    message = f"a quoted cell in the row starting on line {line} is never closed"
    hint = "add the closing quote; everything after it was read as one cell"
    return where.finding(line, None, "format-error", message, hint=hint, row_number=row_number)


def ragged_findings(where: Where, raw: RawTable) -> list[Finding]:
    """Return one extra-cell or missing-cell finding per ragged row, with its raw text."""
    findings = []
    width = len(raw.labels)
    for row in raw.ragged:
        count = len(row.cells)
        shown = row.text if len(row.text) <= 200 else row.text[:199] + "…"
        if count > width:
            code, column = "extra-cell", width + 1
            message = f"the row has {count} cells, the header {width}: {shown}"
        else:
            code, column = "missing-cell", count + 1
            message = f"the row has {count} cell{'s' * (count != 1)}, the header {width}: {shown}"
        hint = _ragged_hint(row.text, count, width)
        findings.append(
            where.finding(
                row.line,
                column,
                code,
                message,
                cell=row.text[:1000],
                hint=hint,
                row_number=row.row_number,
            )
        )
    return findings


def _ragged_hint(text: str, count: int, width: int) -> str:
    if count < width and text.count(";") >= width - 1:
        return "this row seems separated by semicolons; use commas"
    if count > width:
        return "a cell holding a comma must be in double quotes"
    return "add the missing cells, empty ones too, so that every row has one per column"

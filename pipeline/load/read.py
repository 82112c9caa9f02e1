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

from pipeline.load import charset
from pipeline.load.parse import RaggedRow, parse_fast, parse_slow
from pipeline.load.scan import scan_bytes, scan_records, utf8_valid
from pipeline.report import CODES, Finding

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
        """Return a finding placed in this file, with its code's severity unless given."""
        kw.setdefault("severity", CODES.get(code, ("", "error"))[1])
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
    has_question: bool = True

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
    data, start, noted = decoded(data, start, where)
    if data is None:
        return Loaded(None, tuple(noted))
    data, noted = _without_sep_line(data, start, where, noted)
    problem = _shape_problem(data, start, where, expected_columns)
    if problem:
        return Loaded(None, tuple(noted + problem))
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
        scan.has_question,
    )
    findings = noted + ([_unclosed(where, *parsed.unclosed)] if parsed.unclosed else [])
    last = max([parsed.header_line, *parsed.lines[-1:].tolist(), *(r.line for r in parsed.ragged)])
    findings += _empty_line_findings(where, parsed.empty, parsed.header_line, last)
    return Loaded(raw, tuple(findings + ragged_findings(where, raw)))


def _empty_line_findings(where: Where, empty, header_line: int, last: int) -> list[Finding]:
    """Report empty lines between rows; those after the last row are one warning."""
    inside = [(line, n) for line, n in empty if header_line < line < last]
    trailing = [line for line, _ in empty if line > last]
    findings = [
        where.finding(line, None, "blank-row", "the line is empty", hint=EMPTY_HINT, row_number=n)
        for line, n in inside
    ]
    if trailing:
        count = len(trailing)
        message = f"{count} empty line{'s' * (count > 1)} after the last row"
        findings.append(
            where.finding(trailing[0], None, "trailing-blank-rows", message, hint=TRAILING_HINT)
        )
    return findings


TRAILING_HINT = "k2brief fix deletes them; they are not rows"
SEP_LINE = re.compile(rb"sep=(.)[ \t]*(\r\n|\r|\n)")


def _without_sep_line(data: Data, start: int, where: Where, noted: list[Finding]):
    """Drop an Excel "sep=," first line, keeping every later line's number."""
    match = SEP_LINE.match(data, start)
    if match is None or match.group(1) != b",":
        return data, noted
    message = 'the first line is "sep=,", which Excel writes to name the separator'
    hint = "k2brief fix deletes the line; the header follows it"
    warning = where.finding(1, None, "sep-line", message, hint=hint)
    return bytes(data[:start]) + match.group(2) + bytes(data[match.end() :]), [*noted, warning]


def _failed(finding: Finding) -> Loaded:
    return Loaded(None, (finding,))


def decoded(data: Data, start: int, where: Where) -> tuple[Data | None, int, list[Finding]]:
    """Return the file as UTF-8 bytes, its BOM length and one finding per file-wide cause.

    A file in UTF-16 or in a code page the unit cells identify is converted, and mojibake
    undone, so its cells are still checked; the finding says once what was wrong.
    """
    if data[:2] in UTF16_BOMS:
        message = "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8"
        converted = bytes(data).decode("utf-16", "replace").encode("utf-8")
        return converted, 0, [where.finding(1, None, "encoding-error", message, hint=CONVERT)]
    codec = charset.utf16_without_bom(data)
    if codec is not None:
        message = f"the file is {charset.UTF16[codec]} without a byte-order mark, not UTF-8"
        converted = bytes(data).decode(codec, "replace").encode("utf-8")
        return converted, 0, [where.finding(1, None, "encoding-error", message, hint=CONVERT)]
    if not utf8_valid(data):
        return _from_code_page(data, start, where)
    if charset.has_mojibake(data):
        return _without_mojibake(data, start, where)
    return data, start, []


RESAVE = 're-save the file as UTF-8, e.g. "CSV UTF-8" in a spreadsheet'
CONVERT = "k2brief fix converts it to UTF-8; or " + RESAVE
LOST = (
    'a code page has no "≥", Greek or Eastern European letters: saving in one replaced '
    'them with "?", which re-saving keeps; check such cells'
)


def _from_code_page(data: Data, start: int, where: Where) -> tuple[Data | None, int, list]:
    """Report bytes that are not UTF-8 once, and convert them when the code page is sure."""
    text = data[start:].decode("utf-8", "surrogateescape")
    ends = [m.end() for m in LINE_BREAK.finditer(text)]
    bad = [m for m in re.finditer("[\udc80-\udcff]+", text)]
    lines = np.unique(np.searchsorted(ends, [m.start() for m in bad], side="right")) + 1
    first = bad[0]
    line = int(lines[0])
    prefix = text[ends[line - 2] if line > 1 else 0 : first.start()]
    raw = bytes(ord(c) - 0xDC00 for c in first.group())
    shown = " ".join(f"0x{b:02X}" for b in raw[:8])
    codec, plausible = charset.code_page(bytes(data[start:]))
    count = len(lines)
    message = (
        f"{count} line{'s' * (count > 1)} hold bytes that are not UTF-8, "
        f"first {shown} here; the file was saved in a code page"
    )
    if codec is not None:
        reads = raw.decode(codec, "replace")
        name = charset.CODE_PAGES[codec]
        hint = f'the unit cells read "µg" in {name}, where this reads "{reads}"; {CONVERT}; {LOST}'
    elif plausible:
        names = " or ".join(charset.CODE_PAGES[c] for c in plausible)
        hint = f"it may be {names}: no unit cell tells which; {RESAVE}; {LOST}"
    else:
        hint = RESAVE
    finding = where.finding(line, _field_number(prefix), "encoding-error", message, hint=hint)
    if codec is None:
        return None, start, [finding]
    return bytes(data[start:]).decode(codec).encode("utf-8"), 0, [finding]


def _without_mojibake(data: Data, start: int, where: Where) -> tuple[Data, int, list]:
    """Report double-encoded characters once per file and check the cells undone."""
    text = bytes(data[start:]).decode("utf-8")
    fixed, repairs = charset.undo_mojibake(text)
    if not repairs:
        return data, start, []
    ends = [m.end() for m in LINE_BREAK.finditer(text)]
    lines = np.unique(np.searchsorted(ends, [r.offset for r in repairs], side="right")) + 1
    line, first = int(lines[0]), repairs[0]
    prefix = text[ends[line - 2] if line > 1 else 0 : first.offset]
    count = len(lines)
    message = (
        f'"{first.old}" is "{first.new}" encoded twice: this file was read in the wrong '
        "character set and saved again; every accented or special character is affected "
        f"({count} line{'s' * (count > 1)})"
    )
    hint = (
        "k2brief fix undoes it exactly; next time open the file as UTF-8 (Unicode), "
        "with the import dialog (see the README on editing)"
    )
    finding = where.finding(line, _field_number(prefix), "mojibake", message, hint=hint)
    return data[:start] + fixed.encode("utf-8"), start, [finding]


def _field_number(prefix: str) -> int | None:
    """Return the number of the field a line's prefix ends in."""
    try:
        return len(next(csv.reader([prefix]), [""])) if prefix else 1
    except csv.Error:
        return None


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
    """Return one extra-cell or missing-cell finding per ragged row, with its raw text.

    Rows separated by semicolons have one cause, so they are one finding for the file.
    """
    findings = []
    width = len(raw.labels)
    semicolons = [r for r in raw.ragged if _by_semicolons(r.text, len(r.cells), width)]
    skipped = {r.line for r in semicolons}
    for row in raw.ragged:
        if row.line in skipped:
            continue
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
    return findings + _semicolon_findings(where, semicolons)


def _by_semicolons(text: str, count: int, width: int) -> bool:
    return count < width and text.count(";") >= width - 1


def _semicolon_findings(where: Where, rows: list[RaggedRow]) -> list[Finding]:
    """Return one dialect-error for the rows separated by semicolons, with their count."""
    if not rows:
        return []
    count, first = len(rows), rows[0]
    message = (
        f"{count} line{'s' * (count > 1)} {'are' if count > 1 else 'is'} separated by "
        f"semicolons, not commas, first this one: {first.text[:199]}"
    )
    hint = 'use commas, as the header does; save as "CSV UTF-8" in a spreadsheet'
    return [
        where.finding(
            first.line,
            None,
            "dialect-error",
            message,
            cell=first.text[:1000],
            hint=hint,
            row_number=first.row_number,
        )
    ]


def _ragged_hint(text: str, count: int, width: int) -> str:
    if count > width:
        return "a cell holding a comma must be in double quotes"
    return "add the missing cells, empty ones too, so that every row has one per column"

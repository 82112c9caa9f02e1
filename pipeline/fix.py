"""Repair in place what a spreadsheet round trip did and can be undone without guessing.

The repairs are the ones the validator names in its warnings (and the encoding and
mojibake errors it can read through): each file is rewritten only where a repair
applies, so line endings, quoting and the byte-order mark stay as they were.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.load import charset
from pipeline.load.read import BOM, UTF16_BOMS, Where, decoded
from pipeline.outputs import Artifact, write_all
from pipeline.report import Finding, format_report
from pipeline.validate.package import validate_package
from pipeline.validate.schema import PACKAGE_FILE, load_package

CELL_REPAIRS = {"unit-spelling", "decimal-zero", "stray-whitespace", "label-variant"}
FILE_REPAIRS = {
    "sep-line",
    "sorted-header",
    "empty-column",
    "trailing-blank-rows",
    "column-order",
    "mojibake",
}
REFUSED = {
    "ambiguous-number": "both readings are possible; only a person can tell which is meant",
    "lost-character": "the character the code page dropped cannot be known",
    "spreadsheet-format": "what was typed before the spreadsheet changed it cannot be known",
}
FIELD = re.compile(r'"(?:[^"]|"")*"|[^,"\r\n]*')
LINE_END = re.compile(r"\r\n|\r|\n")


class Unparsable(Exception):
    """A file whose records cannot be cut into cells without guessing."""


@dataclass
class Record:
    """One CSV record: its first physical line, its cells' raw text and the line end after it."""

    line: int
    cells: list[str]
    end: str
    changed: bool = False


@dataclass
class FileFix:
    """What fixing one file does: its new bytes, the repairs made and the repairs refused."""

    path: Path
    data: bytes | None = None
    repairs: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def records(text: str) -> list[Record]:
    """Cut text into records of raw cells, quotes kept, counting physical lines."""
    out: list[Record] = []
    pos, line = 0, 1
    while pos < len(text):
        cells, start_line = [], line
        while True:
            match = FIELD.match(text, pos)
            cells.append(match.group())
            line += (
                match.group().count("\n") + match.group().count("\r") - match.group().count("\r\n")
            )
            pos = match.end()
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            break
        end = LINE_END.match(text, pos)
        if end is None and pos < len(text):
            raise Unparsable(f"line {line}: a quote inside an unquoted cell")
        out.append(Record(start_line, cells, end.group() if end else ""))
        pos, line = (end.end(), line + 1) if end else (len(text), line)
    return out


def _value(cell: str) -> str:
    return cell[1:-1].replace('""', '"') if cell.startswith('"') else cell


def _quoted(old: str, value: str) -> str:
    needs = any(c in value for c in ',"\r\n') or old.startswith('"')
    return '"' + value.replace('"', '""') + '"' if needs else value


def fix_file(path: Path, findings: list[Finding], fields: tuple[str, ...], shown: str) -> FileFix:
    """Return the repaired bytes of one file (None when nothing changes) and what was done."""
    result = FileFix(path)
    for f in findings:
        if f.code in REFUSED or (
            f.code == "encoding-error" and "k2brief fix" not in (f.hint or "")
        ):
            reason = REFUSED.get(f.code, "the code page cannot be told from the unit cells")
            result.refusals.append(f"{_at(shown, f)}: not repaired: {f.code}: {reason}")
    wanted = [f for f in findings if f.code in CELL_REPAIRS | FILE_REPAIRS and _repairable(f)]
    converted = [
        f for f in findings if f.code == "encoding-error" and "k2brief fix" in (f.hint or "")
    ]
    if not wanted and not converted:
        return result
    raw = path.read_bytes()
    bom = raw[:3] == BOM or raw[:2] in UTF16_BOMS
    start = 3 if raw[:3] == BOM else 0
    data, start, _ = decoded(raw, start, Where(str(path), ""))
    if data is None:
        return result
    text = bytes(data[start:]).decode("utf-8")
    for f in converted:
        result.repairs.append(f"{_at(shown, f)}: repair: {_charset_name(raw)} → UTF-8")
    try:
        rows = records(text)
    except Unparsable as error:
        result.refusals.append(f"{shown}: not repaired: {error}")
        return result
    order = (
        "sep-line",
        "sorted-header",
        "trailing-blank-rows",
        "empty-column",
        "mojibake",
        "column-order",
    )
    # Cells first, by the columns as they are; then what moves lines or columns.
    for f in sorted(
        wanted, key=lambda f: (order.index(f.code) if f.code in order else -1, f.sort_key())
    ):
        result.repairs += _apply(rows, f, fields, shown)
    body = "".join(",".join(r.cells) + r.end for r in rows)
    result.data = (BOM if bom else b"") + body.encode("utf-8")
    return result


def _repairable(f: Finding) -> bool:
    return f.code in FILE_REPAIRS or f.repair is not None


def _charset_name(raw: bytes) -> str:
    """Name the character set a file that is not UTF-8 was read in."""
    if raw[:2] in UTF16_BOMS:
        return "UTF-16"
    codec = charset.utf16_without_bom(raw)
    if codec is not None:
        return charset.UTF16[codec] + " without a byte-order mark"
    found, _ = charset.code_page(raw)
    return charset.CODE_PAGES.get(found or "", "a code page")


def _at(shown: str, f: Finding) -> str:
    return ":".join([shown, *(str(n) for n in (f.line, f.column) if n is not None)])


def _apply(rows: list[Record], f: Finding, fields: tuple[str, ...], shown: str) -> list[str]:
    """Apply one finding's repair to the records; return the lines telling what was done."""
    at = _at(shown, f)
    by_line = {r.line: r for r in rows}
    if f.code in CELL_REPAIRS:
        row = by_line.get(f.line or 0)
        if row is None or f.column is None or f.column > len(row.cells):
            return [f"{at}: not repaired: {f.code}: the cell was not found"]
        old = row.cells[f.column - 1]
        row.cells[f.column - 1] = _quoted(old, f.repair or "")
        return [f'{at}: repair: "{_value(old)}" → "{f.repair}"']
    if f.code == "mojibake":
        return [f"{at}: repair: {f.message.split(':')[0]} → decoded once, in every cell"]
    if f.code == "sep-line":
        first = rows.pop(0)
        return [f'{at}: repair: "{",".join(first.cells)}" line → deleted']
    if f.code == "sorted-header":
        return _header_to_top(rows, f.line or 0, at)
    if f.code == "trailing-blank-rows":
        keep = [r for r in rows if r.line < (f.line or 0)]
        dropped = len(rows) - len(keep)
        rows[:] = keep
        return [f"{at}: repair: {dropped} empty row{'s' * (dropped > 1)} → deleted"]
    if f.code == "empty-column":
        for row in rows:
            if len(row.cells) >= (f.column or 0) and not "".join(row.cells[f.column - 1 :]).strip():
                del row.cells[f.column - 1 :]
        return [f"{at}: repair: empty column {f.column} → deleted on every line"]
    return _reorder(rows, fields, at)


def _header_to_top(rows: list[Record], line: int, at: str) -> list[str]:
    """Move the header record a sort put on line back before the data, line ends kept."""
    index = next((i for i, r in enumerate(rows) if r.line == line), None)
    if index is None or index == 0:
        return [f"{at}: not repaired: sorted-header: the header row was not found"]
    header = rows.pop(index)
    if not header.end:  # it was the last record: the new last one ends the file instead
        header.end, rows[-1].end = rows[-1].end, header.end
    rows.insert(0, header)
    return [f"{at}: repair: header row on line {line} → line 1"]


def _reorder(rows: list[Record], fields: tuple[str, ...], at: str) -> list[str]:
    labels = [_value(c).strip() for c in rows[0].cells]
    if sorted(labels) != sorted(fields):
        return [f"{at}: not repaired: column-order: the columns are not exactly the schema's"]
    order = [labels.index(name) for name in fields]
    for row in rows:
        if len(row.cells) == len(order):
            row.cells = [row.cells[i] for i in order]
    return [f"{at}: repair: columns {', '.join(labels)} → {', '.join(fields)}"]


def plan(data_dir: Path, base: Path) -> list[FileFix]:
    """Return, for every table of the package, the repairs that fix would make."""
    package, _ = load_package(data_dir / PACKAGE_FILE)
    if package is None:
        return []
    report = validate_package(data_dir).report
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_path[f.path].append(f)
    fixes = []
    for resource in package.resources:
        path = data_dir / resource.path
        shown = _relative(path, base)
        fixes.append(fix_file(path, by_path.get(str(path), []), resource.field_names, shown))
    return fixes


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def repair(data_dir: Path, base: Path, *, dry_run: bool) -> tuple[list[str], bool]:
    """Repair the package (or only say how, on a dry run); return what to print and validity.

    The repaired files are written each atomically, then the package is validated again;
    a dry run validates a repaired copy instead.
    """
    fixes = plan(data_dir, base)
    lines = [line for fix in fixes for line in fix.repairs + fix.refusals]
    changed = [fix for fix in fixes if fix.data is not None]
    if not dry_run:
        write_all(
            data_dir,
            [
                Artifact(fix.path.relative_to(data_dir).as_posix(), fix.data or b"")
                for fix in changed
            ],
        )
        return lines + _validated(data_dir, base), validate_package(data_dir).report.valid
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / "data"
        shutil.copytree(data_dir, copy)
        write_all(
            copy,
            [
                Artifact(fix.path.relative_to(data_dir).as_posix(), fix.data or b"")
                for fix in changed
            ],
        )
        valid = validate_package(copy).report.valid
    verdict = "valid" if valid else "still invalid"
    note = f"dry run: {len(changed)} file(s) would change; the data would be {verdict}"
    return [*lines, note], valid


def _validated(data_dir: Path, base: Path) -> list[str]:
    report = validate_package(data_dir).report
    return format_report(report, "text", base).rstrip("\n").split("\n")

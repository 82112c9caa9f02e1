"""Match a file's header to its schema: which column holds which field, and what is wrong."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, texts
from pipeline.load.read import RawTable, Where
from pipeline.report import Finding
from pipeline.validate.hints import shown


@dataclass(frozen=True)
class Header:
    """Each schema field's 0-based column in the file (absent when missing)."""

    positions: dict[str, int]
    findings: list[Finding]


def _normal(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", label.strip().casefold())


def check_header(
    labels: tuple[str, ...], fields: tuple[str, ...], where: Where, line: int
) -> Header:
    """Map labels to fields by name, suggesting the intended name for a misspelt label."""
    findings: list[Finding] = []

    def report(column: int | None, code: str, message: str, hint: str | None, name=None):
        findings.append(where.finding(line, column, code, message, hint=hint, field_name=name))

    positions: dict[str, int] = {}
    unmatched: list[int] = []
    for i, label in enumerate(labels):
        if label.strip() and label in labels[:i]:
            first = labels.index(label) + 1
            report(
                i + 1,
                "duplicate-label",
                f"column {shown(label)} appears twice",
                f"also column {first}",
                label,
            )
        elif label in fields:
            positions[label] = i
        else:
            unmatched.append(i)
    missing = [f for f in fields if f not in positions]
    for i in unmatched:
        label = labels[i]
        guess = _guess(label, missing, fields, i)
        if guess is not None:
            missing.remove(guess)
            positions[guess] = i
        if not label.strip():
            hint = f'expected "{guess}" here' if guess else "name the column or delete it"
            report(i + 1, "blank-label", f"column {i + 1} has no name", hint, guess)
        elif guess is not None and _normal(label) == _normal(guess):
            message = f'column {shown(label)} is "{guess}" with other spaces or case'
            hint = f'k2brief fix writes "{guess}"'
            findings.append(
                where.finding(line, i + 1, "label-variant", message, hint=hint, repair=guess)
            )
        elif guess is not None:
            report(
                i + 1, "incorrect-label", f'column {shown(label)} should be "{guess}"', None, guess
            )
        else:
            hint = "delete the column, or add the field to datapackage.json"
            report(i + 1, "extra-label", f"column {shown(label)} is not in the schema", hint, label)
    for name in missing:
        before = fields[fields.index(name) - 1] if fields.index(name) else None
        hint = f'add it after "{before}"' if before else "add it as the first column"
        report(None, "missing-label", f'column "{name}" is missing', hint, name)
    findings += _order(positions, fields, where, line)
    return Header(positions, findings)


def _guess(label: str, missing: list[str], fields: tuple[str, ...], index: int) -> str | None:
    """Return the missing field a label most likely meant, if any."""
    if not missing:
        return None
    if not label.strip():
        return fields[index] if index < len(fields) and fields[index] in missing else None
    normal = _normal(label)
    for name in missing:
        if _normal(name) == normal:
            return name
    close = difflib.get_close_matches(normal, [_normal(m) for m in missing], n=1, cutoff=0.6)
    return missing[[_normal(m) for m in missing].index(close[0])] if close else None


def _order(
    positions: dict[str, int], fields: tuple[str, ...], where: Where, line: int
) -> list[Finding]:
    """Report the first column that breaks the schema's order, once per file.

    Columns are matched by name, so the order loses nothing: a warning that fix repairs.
    """
    in_file = sorted(positions, key=positions.__getitem__)
    expected = [f for f in fields if f in positions]
    for got, want in zip(in_file, expected, strict=True):
        if got != want:
            message = f'column {shown(got)} is where the schema puts "{want}"'
            hint = "k2brief fix orders the columns as in datapackage.json: " + ", ".join(fields)
            column = positions[got] + 1
            return [where.finding(line, column, "column-order", message, hint=hint, field_name=got)]
    return []


def sorted_in(raw: RawTable, where: Where, fields: tuple[str, ...]) -> tuple[RawTable, list]:
    """Read a header row a spreadsheet sorted in among the data as the header, with a warning.

    Sorting a table with its header row selected moves the labels to where they fall
    alphabetically and a data row to line 1; nothing is lost, so fix moves them back.
    """
    wanted = sorted(_normal(f) for f in fields)
    if not raw.num_rows or sorted(_normal(label) for label in raw.labels) == wanted:
        return raw, []
    first = pc.utf8_lower(pc.utf8_trim_whitespace(raw.columns[0]))
    names = texts([f.casefold() for f in fields])
    for row in np.flatnonzero(flags(pc.is_in(first, value_set=names))).tolist():
        labels = tuple(column[row].as_py() for column in raw.columns)
        if sorted(_normal(label) for label in labels) == wanted:
            return _header_at(raw, row, labels, where)
    return raw, []


def _header_at(raw: RawTable, row: int, labels: tuple[str, ...], where: Where):
    """Return the table read with data row `row` as its header, and the warning."""
    line = int(raw.lines[row])
    columns = tuple(
        pa.chunked_array(
            [texts([label]), *column.slice(0, row).chunks, *column.slice(row + 1).chunks]
        )
        for label, column in zip(raw.labels, raw.columns, strict=True)
    )
    moved = replace(
        raw,
        labels=labels,
        header_line=line,
        columns=columns,
        lines=np.concatenate(([raw.header_line], np.delete(raw.lines, row))).astype(
            raw.lines.dtype
        ),
        row_numbers=np.concatenate(([1], np.delete(raw.row_numbers, row))).astype(
            raw.row_numbers.dtype
        ),
    )
    message = f"the header row is on line {line}, not on line {raw.header_line}"
    hint = "a sort included the header row; k2brief fix moves it back to the top"
    return moved, [where.finding(line, None, "sorted-header", message, hint=hint)]

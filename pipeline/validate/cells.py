"""Check the cells of one column against its field: type, constraints, then warnings.

Every check runs over the whole column with pyarrow kernels or numpy; Python loops only
over the cells that fail, to word their findings. A cell gets at most one root error:
a blank required cell is not also a type error, a type error is not also out of range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, mask, null, take, texts, values
from pipeline.load.read import Where
from pipeline.report import Finding
from pipeline.validate import sheets
from pipeline.validate.hints import enum_hint, number_hint, pattern_hint, shown
from pipeline.validate.schema import Field
from pipeline.validate.text import controls, edge_flags, markup

MAX_CELL_CHARS = 10_000
# Spaces around a number, Unicode ones too (a spreadsheet's non-breaking space), are a warning.
NUMBER = r"^[\pZ\t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[\pZ\t]*$"
INTEGER = r"^[\pZ\t]*[+-]?[0-9]{1,18}(?:\.0+)?[\pZ\t]*$"
NULL = {
    "string": null(pa.string()),
    "number": null(pa.float64()),
    "integer": null(pa.int64()),
}


@dataclass(frozen=True)
class Place:
    """Where a column's cells are: file, column number, each row's line and row number."""

    where: Where
    column: int
    lines: np.ndarray
    numbers: np.ndarray


@dataclass(frozen=True)
class Column:
    """A checked column: typed values, which cells are usable, and what was found."""

    typed: pa.ChunkedArray
    ok: np.ndarray
    present: np.ndarray
    findings: list[Finding]


class _Collector:
    """Gather findings for cells of one column, given the indexes of the cells."""

    def __init__(self, field: Field, raw: pa.ChunkedArray, place: Place) -> None:
        self.field, self.raw, self.place = field, raw, place
        self.findings: list[Finding] = []

    def cells(self, rows: np.ndarray) -> list[str]:
        return take(self.raw, rows).to_pylist()

    def add(self, rows: np.ndarray, code: str, word, severity: str = "error") -> None:
        """Add one finding per row; word(cell) returns (message, hint[, repaired cell])."""
        if not rows.size:
            return
        for row, cell in zip(rows.tolist(), self.cells(rows), strict=True):
            message, hint, *repair = word(cell)
            self.findings.append(
                Finding(
                    self.place.where.path,
                    self.place.where.table,
                    int(self.place.lines[row]),
                    self.place.column,
                    code,
                    message,
                    severity,  # type: ignore[arg-type]
                    self.field.name,
                    cell if len(cell) <= 1000 else cell[:1000] + "…",
                    hint,
                    int(self.place.numbers[row]),
                    repair[0] if repair else None,
                )
            )


def check_column(
    field: Field,
    raw: pa.ChunkedArray,
    place: Place,
    nbytes: np.ndarray,
    skip: np.ndarray,
    missing_values: tuple[str, ...],
    scan: tuple[bool, bool, bool],
) -> Column:
    """Check one column (nbytes: each cell's length); skip marks rows reported whole."""
    out = _Collector(field, raw, place)
    name = field.name
    if missing_values == ("",):
        missing = nbytes == 0
    else:
        missing = flags(pc.is_in(raw, value_set=texts(missing_values)))
    active = ~missing & ~skip
    bad = _too_large(out, active, nbytes, raw)
    if field.constraints.required:
        rows = np.flatnonzero(missing & ~skip)
        out.add(rows, "constraint-error", lambda c: (f"{name} is blank but required", None))
    nulled = pc.if_else(mask(missing), NULL["string"], raw) if missing.any() else raw
    if field.type == "string":
        typed = nulled
    else:
        typed, type_bad = _typed(out, field, nulled, active & ~bad)
        bad |= type_bad
    spelt = outside = np.zeros(len(active), dtype=bool)
    if field.constraints.enum is not None:
        typed, spelt, outside = _spellings(out, typed, active & ~bad)
    bad |= _constraints(out, field, raw, typed, active & ~bad, nbytes, outside & ~spelt)
    if field.type == "string":
        bad |= _round_trip(out, raw, active & ~bad & ~spelt, scan[2])
        _warnings(out, raw, active & ~bad & ~spelt, scan)
    ok = active & ~bad
    if bad.any() and field.type != "string":
        typed = pc.if_else(mask(ok | missing), typed, NULL[field.type])
    return Column(typed, ok, ~missing, out.findings)


def _spellings(out: _Collector, typed: pa.ChunkedArray, active: np.ndarray):
    """Warn about units spelt another way ("mcg", Greek mu) and read them as spelt right."""
    allowed = out.field.constraints.enum or ()
    outside = ~flags(pc.is_in(typed, value_set=texts(allowed)))  # the enum check reuses it
    rows = np.flatnonzero(active & outside)
    found = [
        (row, fixed)
        for row, cell in zip(rows.tolist(), out.cells(rows), strict=True)
        if (fixed := sheets.unit_spelling(cell, allowed)) is not None
    ]
    where = np.zeros(len(active), dtype=bool)
    if not found:
        return typed, where, outside

    def word(cell: str) -> tuple[str, str, str]:
        fixed = sheets.unit_spelling(cell, allowed) or cell
        message = f'{shown(cell)} in {out.field.name} is the unit "{fixed}" spelt another way'
        return message, f'k2brief fix writes "{fixed}", with the micro sign (U+00B5)', fixed

    spelt = np.array([row for row, _ in found])
    out.add(spelt, "unit-spelling", word, "warning")
    where[spelt] = True
    fixed = texts([value for _, value in found])
    fixed_typed = pc.replace_with_mask(typed.combine_chunks(), mask(where), fixed)
    return pa.chunked_array([fixed_typed]), where, outside


def _round_trip(out: _Collector, raw, active: np.ndarray, question: bool) -> np.ndarray:
    """Report text a code page or a spreadsheet's formats changed; return the lost cells."""
    name = out.field.name
    lost = sheets.lost_characters(raw, active) if question else np.zeros_like(active)
    out.add(np.flatnonzero(lost), "lost-character", sheets.lost_word(name))
    shaped = sheets.reformatted(raw, active & ~lost)
    out.add(np.flatnonzero(shaped), "spreadsheet-format", sheets.reformatted_word(name), "warning")
    return lost


def _too_large(out: _Collector, active: np.ndarray, nbytes: np.ndarray, raw) -> np.ndarray:
    big = active & (nbytes > MAX_CELL_CHARS)
    if not big.any():
        return big
    rows = np.flatnonzero(big)
    chars = values(pc.utf8_length(take(raw, rows))).astype(np.int64)
    big[rows[chars <= MAX_CELL_CHARS]] = False
    rows = rows[chars > MAX_CELL_CHARS]

    def word(cell: str) -> tuple[str, str]:
        message = f"{out.field.name} holds {len(cell):,} characters"
        return message, f"k2brief accepts at most {MAX_CELL_CHARS:,} characters in a cell"

    out.add(rows, "cell-too-large", word)
    return big


def _typed(out: _Collector, field: Field, nulled, active: np.ndarray):
    """Return the typed column and the cells that are not of the field's type."""
    number = field.type == "number"
    parts = [_cast_chunk(chunk, number) for chunk in nulled.chunks]
    typed = pa.chunked_array([p[0] for p in parts], type=pa.float64() if number else pa.int64())
    spaced = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=bool)
    ambiguous = sheets.ambiguous_numbers(nulled, active)
    out.add(np.flatnonzero(ambiguous), "ambiguous-number", sheets.ambiguous_word(field.name))
    repaired = spaced & active & ~ambiguous
    out.add(np.flatnonzero(repaired), "stray-whitespace", _space_word(out), "warning")
    bad = active & flags(pc.is_null(typed)) & ~ambiguous
    if number:
        bad |= active & ~np.isfinite(values(typed))
    else:
        zeros = active & ~bad & ~ambiguous & ~repaired & flags(pc.match_substring(nulled, "."))
        out.add(np.flatnonzero(zeros), "decimal-zero", _zero_word(field.name), "warning")
    kind = "a number" if number else "an integer"

    def word(cell: str) -> tuple[str, str | None]:
        return (
            f"{shown(cell)} in {field.name} is not {kind}",
            number_hint(cell, not number, field.constraints.required),
        )

    out.add(np.flatnonzero(bad), "type-error", word)
    return typed, bad | ambiguous


def _zero_word(name: str):
    def word(cell: str) -> tuple[str, str, str]:
        whole = sheets.whole_with_zeros(cell) or cell
        message = f"{shown(cell)} in {name} is the whole number {whole} written with decimals"
        return message, f"a spreadsheet's number format; k2brief fix writes {whole}", whole

    return word


def _cast_chunk(chunk: pa.Array, number: bool) -> tuple[pa.Array, np.ndarray]:
    """Cast one chunk; return the values (missing where invalid) and the padded cells.

    Arrow's cast reads exactly the number grammar, so a chunk it accepts needs no regex;
    integers always take the grammar, since the cast would also accept hexadecimal.
    """
    if number:
        try:
            return pc.cast(chunk, pa.float64()), np.zeros(len(chunk), dtype=bool)
        except pa.ArrowInvalid:
            pass
    valid = pc.match_substring_regex(chunk, NUMBER if number else INTEGER)
    trimmed = pc.utf8_trim_whitespace(chunk)
    spaced = flags(pc.and_(valid, pc.not_equal(trimmed, chunk)))
    if not number:
        trimmed = pc.replace_substring_regex(trimmed, r"^\+|\.0+$", "")
    kind = pa.float64() if number else pa.int64()
    return pc.cast(pc.if_else(valid, trimmed, NULL["string"]), kind), spaced


def _space_word(out: _Collector):
    def word(cell: str) -> tuple[str, ...]:
        message = f"{shown(cell)} in {out.field.name} starts or ends with whitespace"
        if out.field.type == "string":
            return message, "remove the spaces around the value"
        return message, "remove the spaces around the value; k2brief fix does", cell.strip()

    return word


def _constraints(out, field: Field, raw, typed, active, nbytes, outside) -> np.ndarray:
    """Check enum (outside: cells not in it), pattern, lengths and range; return failures."""
    c, name = field.constraints, field.name
    bad = np.zeros(len(active), dtype=bool)
    if c.enum is not None:
        miss = active & outside
        out.add(
            np.flatnonzero(miss),
            "constraint-error",
            lambda cell: (
                f"{shown(cell)} in {name} is not an allowed value",
                enum_hint(cell, c.enum),
            ),
        )
        bad |= miss
    if c.pattern is not None:
        miss = active & ~_matches(raw, c.pattern)
        out.add(
            np.flatnonzero(miss),
            "constraint-error",
            lambda cell: (
                f"{shown(cell)} in {name} does not match the pattern {c.pattern}",
                pattern_hint(cell, c.pattern),
            ),
        )
        bad |= miss
    bad |= _length(out, raw, active, nbytes)
    if field.type != "string":
        bad |= _range(out, typed, active)
    return bad


def _matches(raw, pattern: str) -> np.ndarray:
    """Return which cells match the whole pattern, with RE2 or else Python's re."""
    try:
        return flags(pc.match_substring_regex(raw, f"^(?:{pattern})$"))
    except pa.ArrowInvalid:
        compiled = re.compile(pattern)
        encoded = pc.dictionary_encode(raw).combine_chunks()
        verdict = np.array(
            [compiled.fullmatch(v) is not None for v in encoded.dictionary.to_pylist()], dtype=bool
        )
        return verdict[values(encoded.indices)] if len(verdict) else np.ones(0, dtype=bool)


def _length(out: _Collector, raw, active: np.ndarray, nbytes: np.ndarray) -> np.ndarray:
    c, name = out.field.constraints, out.field.name
    bad = np.zeros(len(active), dtype=bool)
    # A cell has at most as many characters as bytes, so only long byte strings can fail.
    for limit, fails, word in (
        (c.max_length, lambda n, lim: n > lim, "at most"),
        (c.min_length, lambda n, lim: n < lim, "at least"),
    ):
        if limit is None:
            continue
        rows = np.flatnonzero(active & (nbytes > limit if word == "at most" else True))
        if not rows.size:
            continue
        chars = values(pc.utf8_length(take(raw, rows))).astype(np.int64)
        rows = rows[fails(chars, limit)]
        bad[rows] = True
        out.add(
            rows,
            "constraint-error",
            lambda cell, lim=limit, w=word: (
                f"{name} is {len(cell):,} characters long; {w} {lim:,} are allowed",
                None,
            ),
        )
    return bad


def _range(out: _Collector, typed, active: np.ndarray) -> np.ndarray:
    c, name = out.field.constraints, out.field.name
    numbers = values(typed).astype(np.float64)
    bad = np.zeros(len(active), dtype=bool)
    for bound, side in ((c.minimum, "below the minimum"), (c.maximum, "above the maximum")):
        if bound is None:
            continue
        with np.errstate(invalid="ignore"):
            miss = active & ((numbers < bound) if side.startswith("below") else (numbers > bound))
        out.add(
            np.flatnonzero(miss & ~bad),
            "constraint-error",
            lambda cell, b=bound, s=side: (f"{cell.strip()} in {name} is {s} {_num(b)}", None),
        )
        bad |= miss
    return bad


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _warnings(out: _Collector, raw, clean: np.ndarray, scan: tuple[bool, bool, bool]) -> None:
    """Warn about text a spreadsheet or a browser may treat as code, or cannot show."""
    has_markup, has_control, _ = scan
    name = out.field.name
    formula, spaced = edge_flags(raw)
    rows = np.flatnonzero(clean & formula)
    out.add(
        rows,
        "formula-like",
        lambda cell: (
            f"{shown(cell)} in {name} starts with {cell[0]!r}; a spreadsheet may run it",
            "start the text with a letter or digit",
        ),
        "warning",
    )
    taken = clean & formula
    if has_markup:
        rows = np.flatnonzero(clean & ~taken & markup(raw))
        out.add(
            rows,
            "html-like",
            lambda cell: (
                f"{shown(cell)} in {name} looks like HTML markup",
                "k2brief shows it as text, tags and all",
            ),
            "warning",
        )
        taken[rows] = True
    if has_control:
        rows = np.flatnonzero(clean & ~taken & controls(raw))
        out.add(
            rows,
            "control-character",
            lambda cell: (
                f"{shown(cell)} in {name} holds an invisible control character",
                "delete it; it may break printing",
            ),
            "warning",
        )
        taken[rows] = True
    rows = np.flatnonzero(clean & ~taken & spaced)
    out.add(rows, "stray-whitespace", _space_word(out), "warning")

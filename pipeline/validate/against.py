"""Compare a package with its previous edition: numbers a spreadsheet saved as displayed.

A display format of "0.00" makes a spreadsheet save p = 0.047 as 0.05. One file cannot
show that; the previous edition can: a number that equals the old one rounded to its
own decimals lost only precision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa

from pipeline.load.read import Where
from pipeline.report import Finding, make_report
from pipeline.validate.package import TypedTables, ValidationResult, validate_package
from pipeline.validate.schema import PACKAGE_FILE, Resource, load_package

P_VALUE_FIELDS = ("p_value",)
SIGNIFICANCE = 0.05


def validate_against(data_dir: Path, old_dir: Path) -> ValidationResult:
    """Validate data_dir and report numbers rounded from their value in old_dir."""
    result = validate_package(data_dir)
    package, _ = load_package(data_dir / PACKAGE_FILE)
    if package is None:
        return result
    old = validate_package(old_dir)
    findings = list(result.report.findings)
    for resource in package.resources:
        new_table, old_table = _typed(result, resource.name), _typed(old, resource.name)
        if new_table is not None and old_table is not None:
            findings += rounded_findings(
                resource,
                Where(str(data_dir / resource.path), resource.name),
                (new_table, old_table),
                result.positions[resource.name],
                str(old_dir / resource.path),
            )
    report = make_report(findings, result.report.tasks)
    return ValidationResult(report, result.tables, result.positions)


def _typed(result: ValidationResult, name: str) -> pa.Table | None:
    """Return one typed table as Arrow, or None when the table could not be read."""
    tables = result.tables
    if not isinstance(tables, TypedTables) or name not in tables:
        return None
    return tables.arrow(name)


def rounded_findings(
    resource: Resource,
    where: Where,
    tables: tuple[pa.Table, pa.Table],
    positions: Mapping[str, int],
    old_path: str,
) -> list[Finding]:
    """Return a finding for each number that is its old value, matched by key, rounded."""
    new, old = tables
    key = resource.primary_key
    if not key or any(name not in old.column_names for name in key):
        return []
    numbers = [
        f.name
        for f in resource.fields
        if f.type == "number" and f.name not in key and f.name in old.column_names
    ]
    old_rows: dict[tuple, int] = {}
    for row, values in enumerate(zip(*(old[name].to_pylist() for name in key), strict=True)):
        old_rows.setdefault(values, row)
    old_lines = old["_line"].to_pylist()
    lines = new["_line"].to_pylist()
    findings = []
    for name in numbers:
        before, after = old[name].to_pylist(), new[name].to_pylist()
        keys = zip(*(new[k].to_pylist() for k in key), strict=True)
        for row, values in enumerate(keys):
            match = old_rows.get(values)
            if match is None or None in values or not _rounded(before[match], after[row]):
                continue
            was = f"{old_path}:{old_lines[match]}"
            finding = _finding(where, name, before[match], after[row], was)
            findings.append(finding(lines[row], positions[name] + 1))
    return findings


def decimals(value: float) -> int | None:
    """Return the decimals a number is written with (12.3 -> 1, 12.0 -> 0), None if not finite."""
    if not math.isfinite(value):
        return None
    return max(0, -int(Decimal(repr(value)).normalize().as_tuple().exponent))


def _rounded(before: float | None, after: float | None) -> bool:
    """Tell whether after is before rounded half away from zero to after's decimals."""
    if before is None or after is None or before == after or not math.isfinite(before):
        return False
    places = decimals(after)
    if places is None:
        return False
    step = Decimal(1).scaleb(-places)
    return Decimal(repr(before)).quantize(step, ROUND_HALF_UP) == Decimal(repr(after))


def _finding(where: Where, name: str, before: float, after: float, was: str):
    """Return a function placing the finding for one rounded number."""
    places = decimals(after)
    shown_before, shown_after = _shown(before), _shown(after)
    saved = (
        f'a spreadsheet saved the number "as displayed", with {places} decimal'
        f"{'s' * (places != 1)}; type {shown_before} again and show more decimals before saving"
    )
    crossed = name in P_VALUE_FIELDS and before < SIGNIFICANCE <= after
    if crossed:
        code = "p-value-rounding"
        message = (
            f"{name} {shown_after} was {shown_before} ({was}): rounding moved it across "
            f"{SIGNIFICANCE}, so the result reads as not significant"
        )
    else:
        code = "precision-loss"
        message = f"{name} {shown_after} was {shown_before} ({was}): only decimals were lost"

    def place(line: int, column: int) -> Finding:
        return where.finding(line, column, code, message, field_name=name, hint=saved)

    return place


def _shown(value: float) -> str:
    """Return a number as written in a table: 12 for 12.0, 0.047 for 0.047."""
    return repr(value)[:-2] if repr(value).endswith(".0") else repr(value)

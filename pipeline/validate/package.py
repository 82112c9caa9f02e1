"""Validate a data package: every problem in every table, and the typed tables.

validate_package never raises on bad data: whatever the files hold, it returns a Report
(every finding, sorted by file, line and column) and the typed tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import mask, null
from pipeline.load.read import Where, read_table
from pipeline.report import Finding, Report, Task, make_report
from pipeline.validate import evidence  # noqa: F401 - registers the evidence model's rules
from pipeline.validate.keys import foreign_key_findings, key_findings
from pipeline.validate.review import review_findings
from pipeline.validate.rules import RULES, Rule
from pipeline.validate.schema import PACKAGE_FILE, Package, load_package
from pipeline.validate.table import THREADED_ROWS, CheckedTable, check_table

if TYPE_CHECKING:
    import pandas as pd


class TypedTables(Mapping[str, "pd.DataFrame"]):
    """Typed tables by resource name, each turned into a DataFrame on first use.

    Columns follow the schema order: `number` is float64 (missing = NaN), `integer` is
    pandas' nullable Int64 (missing = <NA>), `string` is pandas' Arrow-backed string dtype
    (missing = <NA>); then `_line`, the int64 physical line of each row in its file.
    Building DataFrames lazily keeps pandas out of `k2brief validate`.
    """

    def __init__(self, arrow: Mapping[str, pa.Table]) -> None:
        self._arrow = dict(arrow)
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = to_frame(self._arrow[name])
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrow)

    def __len__(self) -> int:
        return len(self._arrow)

    def arrow(self, name: str) -> pa.Table:
        """Return one typed table as Arrow, without pandas."""
        return self._arrow[name]


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Return an Arrow table as a DataFrame with the documented dtypes."""
    import pandas as pd

    mapping = {
        pa.string(): pd.StringDtype(storage="pyarrow", na_value=pd.NA),
        pa.int64(): pd.Int64Dtype(),
    }
    frame = table.to_pandas(types_mapper=mapping.get)
    frame["_line"] = frame["_line"].astype("int64")
    return frame


@dataclass(frozen=True)
class ValidationResult:
    """The report of a validation run, the typed tables (meaningful when valid) and columns.

    positions gives each field's 0-based column in its file, by table name.
    """

    report: Report
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    positions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


def validate_package(data_dir: Path, today: date | None = None) -> ValidationResult:
    """Check every table of the package in data_dir, as of today; never raise on bad data."""
    package, findings = load_package(data_dir / PACKAGE_FILE)
    if package is None:
        return ValidationResult(make_report(findings))
    findings += review_findings(data_dir / PACKAGE_FILE, package.text, today)
    tasks = tuple(Task(r.name, str(data_dir / r.path)) for r in package.resources)
    checked = _check_tables(package, data_dir, findings)
    findings += _integrity(checked)
    typed = {name: table.arrow() for name, table in checked.items()}
    positions = {name: table.positions for name, table in checked.items()}
    return ValidationResult(make_report(findings, tasks), TypedTables(typed), positions)


def _integrity(checked: dict[str, CheckedTable]) -> list[Finding]:
    """Return key, foreign-key and row-rule findings; for large tables, on all cores.

    These checks only read the checked tables, so they can run side by side: a million-row
    table's primary key (dictionary encoding and a sort, which release the GIL) beside its
    foreign keys and the row rules. The findings come back in the same order either way.
    """
    jobs: list[Callable[[], list[Finding]]] = []
    for table in checked.values():
        jobs.append(partial(key_findings, table))
        for fk in table.resource.foreign_keys:
            parent = checked.get(fk.resource or table.resource.name)
            jobs.append(partial(foreign_key_findings, table, fk, parent))
    jobs.append(partial(_all_rules, checked))
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or max((t.num_rows for t in checked.values()), default=0) < THREADED_ROWS:
        return [f for job in jobs for f in job()]
    with ThreadPoolExecutor(workers) as pool:
        return [f for found in pool.map(lambda job: job(), jobs) for f in found]


def _all_rules(checked: dict[str, CheckedTable]) -> list[Finding]:
    arrow = {name: _for_rules(table) for name, table in checked.items()}
    return [f for rule in RULES for f in _rule_findings(rule, checked, arrow)]


def _check_tables(
    package: Package, data_dir: Path, findings: list[Finding]
) -> dict[str, CheckedTable]:
    checked = {}
    for resource in package.resources:
        where = Where(str(data_dir / resource.path), resource.name)
        loaded = read_table(data_dir / resource.path, where, len(resource.fields))
        findings += loaded.findings
        if loaded.table is not None:
            table = check_table(resource, loaded.table, where)
            findings += table.findings
            checked[resource.name] = table
    return checked


def _for_rules(table: CheckedTable) -> pa.Table:
    """Return the typed table with every cell that failed a check made missing."""
    columns = {}
    for name, column in table.typed.items():
        failed = table.failed(name)
        if failed.any():
            column = pc.if_else(mask(~failed), column, null(column.type))
        columns[name] = column
    return pa.table(columns)


def _rule_findings(rule: Rule, checked: dict[str, CheckedTable], arrow) -> list[Finding]:
    table = checked.get(rule.table)
    if table is None or any(name not in table.positions for name in rule.fields):
        return []
    silenced = np.zeros(table.num_rows, dtype=bool)
    for name in rule.fields:
        silenced |= table.failed(name)
    findings = []
    for violation in rule.check(arrow):
        if silenced[violation.row]:
            continue
        findings.append(
            table.where.finding(
                int(table.raw.lines[violation.row]),
                table.positions[violation.field] + 1,
                rule.code,
                violation.message,
                field_name=violation.field,
                hint=violation.hint,
                row_number=int(table.raw.row_numbers[violation.row]),
            )
        )
    return findings

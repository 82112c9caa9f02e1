"""Shared helpers for the briefing and handout tests: data copies and cached builds.

The builds are slow (WeasyPrint), so each distinct build runs once per test session and
the test modules share the bytes through these cached functions.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import pandas as pd
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.dataset import DatasetMeta, load_meta
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.validate.package import validate_package

DATA = PROJECT_ROOT / "data"
DOCS = ("briefing", "handout")

Row = dict[str, str]


def copy_data(target: Path) -> Path:
    """Copy the bundled data package into target and return the copy's folder."""
    shutil.copytree(DATA, target)
    return target


def edit_csv(path: Path, change: Callable[[list[Row]], list[Row] | None]) -> None:
    """Rewrite a CSV table after change() edits its rows (in place, or by returning new ones)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rows = change(rows) or rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(path: Path, key: Mapping[str, str], column: str, value: str) -> None:
    """Set one cell of the row whose columns match key; fail if no row matches."""
    found = []

    def change(rows: list[Row]) -> None:
        for row in rows:
            if all(row[k] == v for k, v in key.items()):
                row[column] = value
                found.append(row)

    edit_csv(path, change)
    assert found, f"no row in {path.name} matches {dict(key)}"


def tables_of(data_dir: Path) -> Mapping[str, pd.DataFrame]:
    """Validate a data folder and return its typed tables; fail if it is invalid."""
    result = validate_package(data_dir)
    assert result.report.valid, f"the test data should be valid: {result.report.findings[:3]}"
    return result.tables


@cache
def bundled_tables() -> Mapping[str, pd.DataFrame]:
    """Return the bundled data's typed tables, validated once per session."""
    return tables_of(DATA)


@cache
def bundled_meta() -> DatasetMeta:
    """Return the bundled data's metadata."""
    return load_meta(DATA)


def settings(**overrides: object) -> Settings:
    """Return default settings with overrides, for calling producers directly."""
    return Settings().with_overrides(**overrides)


def run_build(data: Path, out: Path, *flags: str, only: tuple[str, ...] = DOCS) -> Result:
    """Run `k2brief build` in-process and return click's result."""
    args = ["build", "--data", str(data), "--out", str(out)]
    args += [arg for name in only for arg in ("--only", name)]
    return CliRunner().invoke(main, [*args, *flags], catch_exceptions=False)


@cache
def bundled_build(*flags: str) -> dict[str, bytes]:
    """Build the briefing and handout from the bundled data once, strictly; return the files."""
    out = Path(tempfile.mkdtemp(prefix="k2brief-test-"))
    result = run_build(DATA, out, "--strict", *flags)
    assert result.exit_code == 0, result.output
    files = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    shutil.rmtree(out)
    return files


def outputs(folder: Path) -> dict[str, bytes]:
    """Return every file in an output folder by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}

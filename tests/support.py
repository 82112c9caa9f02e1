"""Helpers shared by the tests: data packages, CSV edits, builds, fake documents, tool checks.

Fixtures built on these live in tests/conftest.py; test modules import helpers from here.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.dataset import DatasetMeta, load_meta
from pipeline.documents import Document
from pipeline.outputs import Artifact
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.validate.package import validate_package

if TYPE_CHECKING:
    from pipeline.build.run import BuildResult

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT = ROOT / "data" / "datapackage.json"
DATA = PROJECT_ROOT / "data"
DOCS = ("briefing", "handout")

Row = dict[str, str]


def in_ci() -> bool:
    """Tell whether the tests run in CI, where every tool must be installed."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_tool(reason: str | None) -> None:
    """Skip when a tool is missing on a workstation, fail in CI; do nothing if reason is None."""
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


def build_package(target: Path, case: Path | None = None) -> Path:
    """Copy the bundled contract and the valid tables to target, then a case's files over them."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONTRACT, target / "datapackage.json")
    for table in (FIXTURES / "valid").glob("*.csv"):
        shutil.copyfile(table, target / table.name)
    if case is not None:
        for item in case.iterdir():
            if item.name != "case.json":
                shutil.copyfile(item, target / item.name)
        for name in json.loads((case / "case.json").read_text("utf-8")).get("remove", []):
            (target / name).unlink()
    return target


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


# Pure reads of the bundled data, computed once per session; nothing is written.
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


def outputs(folder: Path) -> dict[str, bytes]:
    """Return every file in an output folder by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


# Fake documents for the build tests: fast producers in place of WeasyPrint.

CALLS: list[str] = []


def fake_producer(
    document: Document, tables: Mapping, meta: object, settings: Settings
) -> list[Artifact]:
    """Render a document's entry template's text into one file."""
    CALLS.append(document.name)
    text = (settings.templates_dir / document.template).read_text()
    return [Artifact(f"{document.name}.txt", f"{text}|{settings.paper}".encode(), pages=1)]


def fake_documents(produce=fake_producer) -> tuple[Document, ...]:
    """Two documents, "one" and "two", each writing one text file."""
    return tuple(
        Document(name, f"{name}.html.j2", None, produce, (f"{name}.txt",))
        for name in ("one", "two")
    )


DOCUMENTS = fake_documents()


def documents_of(make) -> tuple[Document, ...]:
    """Documents "one" and "two" whose producers make(name) returns, called with the data."""

    def producer(name: str):
        produce = make(name)
        return lambda document, tables, meta, settings: produce(tables, meta, settings)

    return tuple(
        Document(name, f"{name}.html.j2", None, producer(name), (f"{name}.txt",))
        for name in ("one", "two")
    )


def write_package(data: Path, **descriptor: object) -> None:
    """Write a one-table data package that the real validator accepts."""
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    resources = [{"name": "t", "path": "t.csv", "schema": schema}]
    (data / "datapackage.json").write_text(json.dumps({**descriptor, "resources": resources}))


def statuses(result: BuildResult) -> dict[str, str]:
    """Return each document's status in a build result, by name."""
    return {doc.name: doc.status for doc in result.documents}


# Golden HTML: the documents rendered from tests/fixtures/valid, compared by `make test`.

GOLDEN = Path(__file__).resolve().parent / "golden"
#: 2026-01-01T00:00:00Z, so the documents' date never comes from the clock.
GOLDEN_EPOCH = "1767225600"


def render_golden(name: str, data_dir: Path) -> str:
    """Render a document's HTML as the build does (registry, context, template), without PDF."""
    from pipeline.context.briefing import briefing_context, handout_context
    from pipeline.dataset import Dataset
    from pipeline.documents import DeclaredTables, by_name, render_html

    document = by_name(name)
    build_context = {"briefing": briefing_context, "handout": handout_context}[name]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", GOLDEN_EPOCH)
        meta = Dataset.read(data_dir).meta(document.tables)
    tables = DeclaredTables(document, tables_of(data_dir))
    return render_html(document, build_context, tables, meta, settings(data_dir=data_dir))


# Two editions of the data for `k2brief diff` and `build --since`.

NEW_STUDY = "new-trial-2026"


def three_changes(data_dir: Path, caution_id: str) -> Path:
    """Edit a data folder by exactly three changes: natto's K2 amount, a study, a caution."""
    set_cell(
        data_dir / "foods.csv", {"food_id": "natto", "form": "MK-7"}, "amount_per_100g", "1100"
    )

    def add_study(rows: list[Row]) -> list[Row]:
        return [*rows, {**rows[0], "study_id": NEW_STUDY, "short_name": "New trial 2026"}]

    edit_csv(data_dir / "studies.csv", add_study)

    def remove_caution(rows: list[Row]) -> None:
        rows[:] = [row for row in rows if row["caution_id"] != caution_id]

    edit_csv(data_dir / "cautions.csv", remove_caution)
    return data_dir

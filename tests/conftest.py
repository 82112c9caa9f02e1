"""Shared test helpers: a minimal valid data package, optionally with one defect swapped in."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT = ROOT / "data" / "datapackage.json"


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


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """Return a function building a package in a fresh folder, from a case folder or none."""
    return lambda case=None, name="data": build_package(tmp_path / name, case)

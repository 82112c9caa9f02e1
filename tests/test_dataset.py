"""Dataset metadata: dates never from the clock, hash changes with any edit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.dataset import build_date, dataset_hash


def test_source_date_epoch_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_date("2020-01-01T00:00:00Z").isoformat() == "2023-11-14T22:13:20+00:00"


def test_created_is_used_without_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_date("2026-11-20T00:00:00Z").strftime("%Y-%m-%d") == "2026-11-20"


def test_hash_changes_when_one_cell_changes(tmp_path: Path) -> None:
    descriptor = {"resources": [{"name": "t", "path": "t.csv"}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "t.csv").write_text("a\n1\n")
    before = dataset_hash(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path, copy, ignore=shutil.ignore_patterns("copy"))
    assert dataset_hash(copy) == before
    (copy / "t.csv").write_text("a\n2\n")
    assert dataset_hash(copy) != before

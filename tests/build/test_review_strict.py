"""build --strict fails when the evidence review is overdue, and writes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.build import run as build_module
from pipeline.cli import main
from pipeline.errors import InvalidDataError
from pipeline.settings import Settings
from pipeline.validate import review
from tests.support import DOCUMENTS, statuses, write_package

DUE = "2027-01-10"


def _overdue_package(settings: Settings) -> None:
    write_package(settings.data_dir, last_reviewed="2026-07-10", next_review_due=DUE)


def test_strict_build_fails_on_an_overdue_review_even_when_up_to_date(project: Settings) -> None:
    _overdue_package(project)
    before = project.with_overrides(today=date(2027, 1, 10))
    assert set(statuses(build_module.build(before, documents=DOCUMENTS)).values()) == {"built"}
    written = {p.name: p.read_bytes() for p in project.out_dir.iterdir()}
    late = before.with_overrides(today=date(2027, 1, 11), strict=True)
    with pytest.raises(InvalidDataError, match="strict mode fails on review-overdue") as caught:
        build_module.build(late, documents=DOCUMENTS, force=True)
    assert [f.code for f in caught.value.report.findings] == ["review-overdue"]
    assert {p.name: p.read_bytes() for p in project.out_dir.iterdir()} == written


def test_a_build_without_strict_still_builds_when_overdue(project: Settings) -> None:
    _overdue_package(project)
    late = project.with_overrides(today=date(2030, 1, 1))
    assert set(statuses(build_module.build(late, documents=DOCUMENTS)).values()) == {"built"}


def test_cli_strict_build_reports_the_line_and_exits_1(
    project: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    _overdue_package(project)
    monkeypatch.setattr(review, "today", lambda: date(2027, 2, 1))
    monkeypatch.chdir(project.data_dir)
    args = ["build", "--data", ".", "--out", str(project.out_dir), "--strict"]
    result = CliRunner().invoke(main, args)
    text = Path("datapackage.json").read_text("utf-8")
    line, column = review.key_position(text, "next_review_due")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"datapackage.json:{line}:{column}: review-overdue (warning): the evidence review was "
        f"due on {DUE}, 22 days ago ({review.HINTS['review-overdue']})"
    )
    assert result.stderr.splitlines()[-1] == (
        "error: strict mode fails on review-overdue; no output was written"
    )
    assert not project.out_dir.exists() or not any(project.out_dir.iterdir())
    assert json.loads(text)["next_review_due"] == DUE

"""The fixture corpus: each bad table, named by its defect, gives exactly its findings.

A second opinion: every defect the Frictionless standard can express is invalid to
frictionless too, and every defect marked as beyond it (warnings, cross-field rules,
NaN and infinity) is one frictionless accepts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.report import CODES
from pipeline.validate.package import validate_package
from tests.support import FIXTURES, build_package

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
ACCEPTED = sorted(p for p in (FIXTURES / "accepted").iterdir() if p.is_dir())
WARNING_CODES = {code for code, (_, severity, _) in CODES.items() if severity == "warning"}


def _case(folder: Path) -> dict:
    return json.loads((folder / "case.json").read_text("utf-8"))


def _found(data_dir: Path) -> list[tuple]:
    report = validate_package(data_dir).report
    return [(Path(f.path).name, f.line, f.column, f.code) for f in report.findings]


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_defect_gives_exactly_its_findings(case: Path, tmp_path: Path) -> None:
    expected = [tuple(e) for e in _case(case)["expected"]]
    assert _found(build_package(tmp_path / "data", case)) == expected


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_validity_follows_severity(case: Path, tmp_path: Path) -> None:
    report = validate_package(build_package(tmp_path / "data", case)).report
    only_warnings = all(e[3] in WARNING_CODES for e in _case(case)["expected"])
    assert report.valid is only_warnings


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda p: p.name)
def test_accepted_variant_has_no_findings(case: Path, tmp_path: Path) -> None:
    assert _found(build_package(tmp_path / "data", case)) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [c for c in INVALID if _case(c)["frictionless"] is not None] + ACCEPTED,
    ids=lambda p: p.parent.name + "/" + p.name,
)
def test_frictionless_agrees(case: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    data_dir = build_package(tmp_path / "data", case)
    expressible = case.parent.name == "invalid" and _case(case)["frictionless"]
    report = frictionless.validate(str(data_dir / "datapackage.json"))
    assert report.valid is not expressible

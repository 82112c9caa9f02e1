"""The review dates of the package: format, order and an overdue review, on a fixed day."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pipeline.report import format_report
from pipeline.validate.package import validate_package
from pipeline.validate.review import key_position

DAY = date(2027, 1, 15)


def _with_dates(data_dir: Path, **dates: object) -> Path:
    """Set the package-level dates of datapackage.json, keeping its layout."""
    path = data_dir / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor.update(dates)
    path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return path


def _review(data_dir: Path, on: date = DAY) -> list[tuple]:
    findings = validate_package(data_dir, today=on).report.findings
    return [
        (Path(f.path).name, f.line, f.code, f.severity)
        for f in findings
        if f.code.startswith("review-")
    ]


def test_bundled_dates_are_in_order_and_not_due_today(make_package) -> None:
    descriptor = json.loads((make_package() / "datapackage.json").read_text("utf-8"))
    last = date.fromisoformat(descriptor["last_reviewed"])
    due = date.fromisoformat(descriptor["next_review_due"])
    assert last < due
    assert last >= date.fromisoformat(descriptor["evidence_searched_to"])


def test_an_overdue_review_is_a_warning_at_the_line_of_next_review_due(make_package) -> None:
    path = _with_dates(make_package(), last_reviewed="2026-01-10", next_review_due="2027-01-10")
    line, _ = key_position(path.read_text("utf-8"), "next_review_due")
    assert _review(path.parent) == [("datapackage.json", line, "review-overdue", "warning")]
    report = validate_package(path.parent, today=DAY).report
    assert report.valid  # a warning: validate passes, build --strict fails
    (finding,) = report.findings
    assert "due on 2027-01-10, 5 days ago" in finding.message


def test_a_review_due_today_is_not_overdue(make_package) -> None:
    data = _with_dates(make_package(), next_review_due="2027-01-15").parent
    assert _review(data) == []


def test_the_annotation_points_at_datapackage_json_line(make_package) -> None:
    path = _with_dates(make_package(), next_review_due="2027-01-01")
    line, column = key_position(path.read_text("utf-8"), "next_review_due")
    report = validate_package(path.parent, today=DAY).report
    github = format_report(report, "github", base=path.parent)
    assert github.splitlines()[0].startswith(
        f"::warning file=datapackage.json,line={line},col={column},title=review-overdue::"
    )


def test_a_date_not_written_yyyy_mm_dd_is_an_error(make_package) -> None:
    data = _with_dates(make_package(), last_reviewed="6/12/2026", next_review_due=20270606).parent
    codes = [code for _, _, code, _ in _review(data)]
    assert codes == ["review-date", "review-date"]
    assert not validate_package(data, today=DAY).report.valid


def test_the_next_review_must_come_after_the_last(make_package) -> None:
    data = _with_dates(
        make_package(), last_reviewed="2027-03-01", next_review_due="2027-02-01"
    ).parent
    assert [code for _, _, code, _ in _review(data)] == ["review-order"]


def test_a_package_without_review_dates_has_no_review_findings(make_package) -> None:
    path = make_package() / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    del descriptor["last_reviewed"], descriptor["next_review_due"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert _review(path.parent, on=date(2100, 1, 1)) == []

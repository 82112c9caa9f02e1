"""validate --against: numbers a spreadsheet saved as displayed, found by the old edition."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.validate.against import decimals, validate_against
from tests.support import build_package, edit_csv, set_cell

KNAPEN = {"study_id": "knapen-2015"}


def _editions(tmp_path: Path, old: dict[str, str], new: dict[str, str]) -> tuple[Path, Path]:
    """Build an old and a new package whose Knapen 2015 row differs in the cells given."""
    old_dir, new_dir = build_package(tmp_path / "old"), build_package(tmp_path / "new")
    for folder, cells in ((old_dir, old), (new_dir, new)):
        for column, value in cells.items():
            set_cell(folder / "studies.csv", KNAPEN, column, value)
    return old_dir, new_dir


def _found(new_dir: Path, old_dir: Path) -> list[tuple]:
    report = validate_against(new_dir, old_dir).report
    return [(Path(f.path).name, f.line, f.column, f.code) for f in report.findings]


@pytest.mark.parametrize(
    ("value", "places"), [(0.05, 2), (12.3, 1), (12.0, 0), (1e-05, 5), (float("nan"), None)]
)
def test_decimals_are_those_a_number_is_written_with(value: float, places: int | None) -> None:
    assert decimals(value) == places


def test_p_value_rounded_across_the_threshold_is_an_error(tmp_path: Path) -> None:
    old_dir, new_dir = _editions(tmp_path, {"p_value": "0.047"}, {"p_value": "0.05"})
    assert _found(new_dir, old_dir) == [("studies.csv", 2, 18, "p-value-rounding")]
    assert not validate_against(new_dir, old_dir).report.valid


@pytest.mark.parametrize(
    ("column", "before", "after"),
    [("effect", "-0.36", "-0.4"), ("ci_high", "-0.02", "0"), ("p_value", "0.0312", "0.031")],
)
def test_a_number_that_lost_decimals_is_a_warning(
    tmp_path: Path, column: str, before: str, after: str
) -> None:
    old_dir, new_dir = _editions(tmp_path, {column: before}, {column: after})
    place = {"effect": 14, "ci_high": 17, "p_value": 18}[column]
    assert _found(new_dir, old_dir) == [("studies.csv", 2, place, "precision-loss")]
    assert validate_against(new_dir, old_dir).report.valid


@pytest.mark.parametrize(
    ("before", "after"),
    [("0.047", "0.04"), ("0.04", "0.047"), ("0.04", "0.04"), ("0.047", "0.050"), ("0.05", "")],
)
def test_other_changes_are_not_rounding(tmp_path: Path, before: str, after: str) -> None:
    old_dir, new_dir = _editions(tmp_path, {"p_value": before}, {"p_value": after})
    found = _found(new_dir, old_dir)
    assert found == ([("studies.csv", 2, 18, "p-value-rounding")] if after == "0.050" else [])


def test_rows_are_matched_by_primary_key_not_by_line(tmp_path: Path) -> None:
    old_dir, new_dir = _editions(tmp_path, {"p_value": "0.0312"}, {"p_value": "0.031"})
    edit_csv(new_dir / "studies.csv", lambda rows: rows[::-1])
    assert _found(new_dir, old_dir) == [("studies.csv", 3, 18, "precision-loss")]
    set_cell(new_dir / "studies.csv", KNAPEN, "study_id", "knapen-2015b")
    assert ("studies.csv", 3, 18, "precision-loss") not in _found(new_dir, old_dir)


def _run(folder: Path, *args: str) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, ["validate", *args])


def test_cli_output_names_the_old_value_and_the_repair(tmp_path: Path) -> None:
    _editions(
        tmp_path, {"p_value": "0.047", "effect": "-0.36"}, {"p_value": "0.05", "effect": "-0.4"}
    )
    result = _run(tmp_path, "--data", "new", "--against", "old")
    assert result.exit_code == 1
    assert result.output == (
        "new/studies.csv:2:14: precision-loss (warning): effect -0.4 was -0.36 "
        "(old/studies.csv:2): only decimals were lost (a spreadsheet saved the number "
        '"as displayed", with 1 decimal; type -0.36 again and show more decimals before saving)\n'
        "new/studies.csv:2:18: p-value-rounding: p_value 0.05 was 0.047 (old/studies.csv:2): "
        "rounding moved it across 0.05, so the result reads as not significant (a spreadsheet "
        'saved the number "as displayed", with 2 decimals; type 0.047 again and show more '
        "decimals before saving)\n"
        "\n"
        "      1 p-value-rounding\n"
        "      1 precision-loss (warning)\n"
        "invalid: 1 error, 1 warning in 12 tables\n"
    )


def test_an_old_folder_without_a_package_is_a_usage_error(tmp_path: Path) -> None:
    build_package(tmp_path / "new")
    (tmp_path / "old").mkdir()
    result = _run(tmp_path, "--data", "new", "--against", "old")
    assert result.exit_code == 2
    assert "no datapackage.json in old (--against)" in result.output


def test_the_column_is_the_cells_column_in_the_new_file(tmp_path: Path) -> None:
    old_dir, new_dir = _editions(tmp_path, {"p_value": "0.0312"}, {"p_value": "0.031"})
    path = new_dir / "studies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    moved = rows[0].index("p_value")
    rows = [[row[moved], *row[:moved], *row[moved + 1 :]] for row in rows]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    found = _found(new_dir, old_dir)
    assert found == [("studies.csv", 1, 1, "column-order"), ("studies.csv", 2, 1, "precision-loss")]

"""k2brief fix: lossless repairs give the table a spreadsheet started from; guesses are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.fix import repair
from tests.support import DATA, FIXTURES, build_package, copy_data

INVALID = FIXTURES / "invalid"
REPAIRABLE = [
    ("sheet-mojibake", "foods.csv"),
    ("sheet-unit-spellings", "foods.csv"),
    ("sheet-sep-line", "foods.csv"),
    ("sheet-empty-column", "foods.csv"),
    ("sheet-trailing-blank-rows", "foods.csv"),
    ("sheet-label-spaces-case", "foods.csv"),
    ("sheet-utf-16-without-bom", "foods.csv"),
    ("sheet-dos-code-page", "foods.csv"),
    ("sheet-nbsp-after-number", "foods.csv"),
    ("sheet-year-decimal-zero", "studies.csv"),
    ("enum-greek-mu", "foods.csv"),
]


def run_cli(args: list[str]) -> Result:
    """Run k2brief in-process."""
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("case", "table"), REPAIRABLE, ids=lambda v: str(v))
def test_fix_gives_back_the_valid_table_byte_for_byte(case: str, table: str, tmp_path: Path):
    data_dir = build_package(tmp_path / "data", INVALID / case)
    lines, valid = repair(data_dir, tmp_path, dry_run=False)
    assert valid
    assert lines[-1] == "valid: 0 errors, 0 warnings in 12 tables"
    expected = (FIXTURES / "valid" / table).read_bytes()
    crlf = b"\r\n" in (INVALID / case / table).read_bytes().replace(b"\x00", b"")
    assert (data_dir / table).read_bytes() == (
        expected.replace(b"\n", b"\r\n") if crlf else expected
    )


def test_columns_in_another_order_are_put_in_the_schema_order(tmp_path: Path) -> None:
    data_dir = build_package(tmp_path / "data", INVALID / "label-out-of-order")
    _, valid = repair(data_dir, tmp_path, dry_run=False)
    assert valid
    header, first = (data_dir / "foods.csv").read_text("utf-8").splitlines()[:2]
    assert header.startswith("food_id,food,category,vitamin,form,")
    assert first.startswith("natto,Natto,legume,K2,MK-7,1000,µg,")


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("sheet-thousands-dot", "both readings are possible"),
        ("sheet-lost-character", "cannot be known"),
        ("sheet-date-in-text", "cannot be known"),
    ],
)
def test_damage_is_refused_with_a_reason_and_left_alone(case: str, reason: str, tmp_path: Path):
    data_dir = build_package(tmp_path / "data", INVALID / case)
    before = _files(data_dir)
    lines, valid = repair(data_dir, tmp_path, dry_run=False)
    assert any(": not repaired: " in line and reason in line for line in lines)
    assert _files(data_dir) == before
    assert valid is (case == "sheet-date-in-text")


def test_fix_on_the_bundled_data_changes_nothing(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path / "data")
    lines, valid = repair(data_dir, tmp_path, dry_run=False)
    assert (valid, lines) == (True, ["valid: 0 errors, 0 warnings in 12 tables"])
    assert _files(data_dir) == _files(DATA)


def test_dry_run_prints_the_repairs_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = build_package(tmp_path / "data", INVALID / "sheet-unit-spellings")
    before = _files(data_dir)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["fix", "--data", "data", "--dry-run"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        'data/foods.csv:2:7: repair: "mcg" → "µg"',
        'data/foods.csv:3:7: repair: "ug" → "µg"',
        'data/foods.csv:4:7: repair: "µg " → "µg"',
        "dry run: 1 file(s) would change; the data would be valid",
    ]
    assert _files(data_dir) == before


def test_fix_without_a_package_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli(["fix", "--data", str(tmp_path)]).exit_code == 2


def test_a_code_page_repair_names_the_code_page(tmp_path: Path) -> None:
    data_dir = build_package(tmp_path / "data", INVALID / "sheet-dos-code-page")
    lines, _ = repair(data_dir, tmp_path, dry_run=True)
    assert lines[0] == "data/foods.csv:2:7: repair: DOS code page 850 → UTF-8"


@pytest.mark.parametrize("last_end", ["\n", ""])
def test_a_sorted_in_header_goes_back_to_the_top(tmp_path: Path, last_end: str) -> None:
    data_dir = build_package(tmp_path / "data", INVALID / "sheet-header-sorted")
    table = data_dir / "forms.csv"
    table.write_bytes(table.read_bytes().rstrip(b"\n") + last_end.encode())
    lines, valid = repair(data_dir, tmp_path, dry_run=False)
    assert valid
    assert lines[0] == "data/forms.csv:4: repair: header row on line 4 → line 1"
    assert table.read_text("utf-8") == (
        "vitamin,form,label,source_id\n"
        "D,D3,Cholecalciferol (D3),ods-vitamin-k\n"
        "K1,phylloquinone,Phylloquinone (K1),ods-vitamin-k\n"
        "K2,MK-7,Menaquinone-7,ods-vitamin-k" + last_end
    )

"""`k2brief diff`: exact output in every format, exit codes, and one-line errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.support import build_package, three_changes


def _diff(*args: str) -> Result:
    return CliRunner().invoke(main, ["diff", *map(str, args)])


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def editions(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the test data: one food value changed, a study added, a caution removed."""
    old = build_package(tmp_path / "old")
    new = three_changes(build_package(tmp_path / "new"), "warfarin")
    return old, new


def test_text_reports_exactly_the_three_changes(editions: tuple[Path, Path]) -> None:
    result = _diff(*editions)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "foods: changed food_id=natto, vitamin=K2, form=MK-7: amount_per_100g 1000 → 1100\n"
        "studies: added study_id=new-trial-2026\n"
        "cautions: removed caution_id=warfarin\n"
        "3 changes: 1 added, 1 removed, 1 changed (version 1.0.0 of 2026-11-20 → "
        "version 1.0.0 of 2026-11-20)\n"
    )


def test_json_lists_each_change_with_its_key_and_fields(editions: tuple[Path, Path]) -> None:
    result = _diff(*editions, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "table": "foods",
            "change": "changed",
            "key": {"food_id": "natto", "vitamin": "K2", "form": "MK-7"},
            "fields": {"amount_per_100g": {"old": "1000", "new": "1100"}},
        },
        {"table": "studies", "change": "added", "key": {"study_id": "new-trial-2026"}},
        {"table": "cautions", "change": "removed", "key": {"caution_id": "warfarin"}},
    ]


def test_markdown_is_a_table_for_release_notes(editions: tuple[Path, Path]) -> None:
    result = _diff(*editions, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == (
        "## Changes in the data\n"
        "\n"
        "From version 1.0.0 of 2026-11-20 to version 1.0.0 of 2026-11-20: "
        "3 changes: 1 added, 1 removed, 1 changed.\n"
        "\n"
        "| table | change | row | what changed |\n"
        "|---|---|---|---|\n"
        "| foods | changed | food_id=natto, vitamin=K2, form=MK-7 "
        "| amount_per_100g: 1000 → 1100 |\n"
        "| studies | added | study_id=new-trial-2026 |  |\n"
        "| cautions | removed | caution_id=warfarin |  |\n"
    )


def test_the_same_data_has_no_changes(tmp_path: Path) -> None:
    old, new = build_package(tmp_path / "old"), build_package(tmp_path / "new")
    assert _diff(old, new).stdout.startswith("no changes (")
    assert _diff(old, new, "--format", "json").stdout == "[]\n"
    assert "no changes." in _diff(old, new, "--format", "markdown").stdout


def test_exit_code_flag_tells_whether_anything_changed(
    editions: tuple[Path, Path], tmp_path: Path
) -> None:
    assert _diff(*editions, "--exit-code").exit_code == 1
    assert _diff(editions[0], editions[0], "--exit-code").exit_code == 0
    assert _diff(*editions).exit_code == 0, "without --exit-code a difference is no failure"


def test_a_dist_zip_as_old(editions: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = editions
    archive = tmp_path / "k2brief-briefings-2026-11-20.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("k2brief-briefings/briefing.pdf", b"%PDF")
        for path in sorted(old.iterdir()):
            zf.writestr(f"k2brief-briefings/data/{path.name}", path.read_bytes())
    assert _diff(archive, new).stdout == _diff(old, new).stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "absent", "OLD {p}: no such data folder or zip"),
        (_folder, "OLD {p}: no datapackage.json in this folder"),
        (lambda p: _write(p / "notes.txt", b"hello"), "OLD {p}: not a data folder or a dist zip"),
    ],
)
def test_an_old_that_is_no_edition_is_a_usage_error(tmp_path: Path, make, message: str) -> None:
    new = build_package(tmp_path / "new")
    old = make(tmp_path / "old-place")
    result = _diff(old, new)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message.format(p=old)}\n"


def test_a_malformed_zip_is_one_line_and_exit_1(tmp_path: Path) -> None:
    broken = _write(tmp_path / "old.zip", b"PK\x03\x04 not really a zip")
    result = _diff(broken, build_package(tmp_path / "new"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {broken}: not a readable zip archive")
    assert result.stderr.count("\n") == 1


def test_a_zip_without_data_says_so(tmp_path: Path) -> None:
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("k2brief-briefings/briefing.pdf", b"%PDF")
    result = _diff(archive, build_package(tmp_path / "new"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {archive}: the archive holds no datapackage.json; only archives made by "
        "`k2brief dist` from this version on carry the data they were built from\n"
    )


def test_build_since_what_is_no_edition_is_a_usage_error(tmp_path: Path) -> None:
    data = build_package(tmp_path / "data")
    absent = tmp_path / "absent.zip"
    args = ["build", "--data", str(data), "--out", str(tmp_path / "out"), "--since", str(absent)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr == f"error: --since {absent}: no such data folder or zip\n"
    assert not (tmp_path / "out").exists()


def test_a_damaged_member_of_a_zip_is_one_line_and_exit_1(tmp_path: Path) -> None:
    old = build_package(tmp_path / "old")
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(old.iterdir()):
            zf.writestr(f"k2brief-briefings/data/{path.name}", path.read_bytes())
    data = bytearray(archive.read_bytes())
    at = data.index(b"natto")
    data[at : at + 5] = b"NATTO"  # the stored bytes no longer match their CRC
    archive.write_bytes(bytes(data))
    result = _diff(archive, old)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {archive}:k2brief-briefings/data/foods.csv: cannot be read"
    )
    assert result.stderr.count("\n") == 1

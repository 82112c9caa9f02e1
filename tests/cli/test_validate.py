"""`k2brief validate`: exact output, formats and exit codes, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.support import FIXTURES, build_package

INVALID = FIXTURES / "invalid"


def _run(folder: Path, *args: str) -> Result:
    """Run the command from folder, so paths in the output are relative to it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, ["validate", *args])


def test_text_output_and_exit_code_for_a_bad_table(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "number-decimal-comma")
    result = _run(tmp_path, "--data", "data")
    assert result.exit_code == 1
    assert result.output == (
        'data/foods.csv:4:6: type-error: "389,6" in amount_per_100g is not a number '
        "(decimal comma? write 389.6)\n"
        "\n"
        "      1 type-error\n"
        "invalid: 1 error, 0 warnings in 12 tables\n"
    )


def test_valid_data_exits_zero(tmp_path: Path) -> None:
    build_package(tmp_path / "data")
    result = _run(tmp_path, "--data", "data")
    assert (result.exit_code, result.output) == (0, "valid: 0 errors, 0 warnings in 12 tables\n")


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "warning-formula")
    result = _run(tmp_path, "--data", "data")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("data/foods.csv:4:2: formula-like (warning):")


def test_json_output_has_the_frictionless_shape(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "foreign-key-unknown")
    result = _run(tmp_path, "--data", "data", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert set(report) == {"valid", "stats", "errors", "tasks"}
    assert report["valid"] is False
    assert [t["name"] for t in report["tasks"]][:3] == ["sources", "forms", "foods"]
    (error,) = [e for t in report["tasks"] for e in t["errors"]]
    assert {k: error[k] for k in ("type", "rowNumber", "fieldName", "fieldNumber", "cell")} == {
        "type": "foreign-key",
        "rowNumber": 4,
        "fieldName": "source_id",
        "fieldNumber": 10,
        "cell": "usda-sr29",
    }
    assert (error["line"], error["severity"], error["table"]) == (4, "error", "foods")
    assert error["hint"] == 'did you mean "usda-sr28"?'


def test_github_output_annotates_the_csv(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "enum-unknown")
    result = _run(tmp_path, "--data", "data", "--format", "github")
    assert result.exit_code == 1
    first, last = result.output.splitlines()
    assert first.startswith("::error file=data/foods.csv,line=")
    assert ",title=constraint-error::" in first
    assert last == "invalid: 1 error, 0 warnings in 12 tables"


def test_github_output_annotates_a_warning(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "enum-greek-mu")
    result = _run(tmp_path, "--data", "data", "--format", "github")
    assert result.exit_code == 0
    first, last = result.output.splitlines()
    assert first.startswith("::warning file=data/foods.csv,line=2,col=7,title=unit-spelling::")
    assert "micro sign" in first
    assert last == "valid: 0 errors, 1 warning in 12 tables"


def test_a_malformed_datapackage_is_invalid_data_not_a_crash(tmp_path: Path) -> None:
    build_package(tmp_path / "data", INVALID / "package-malformed-json")
    result = _run(tmp_path, "--data", "data")
    assert result.exit_code == 1
    assert result.output.startswith("data/datapackage.json:3: package-error: datapackage.json")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "no-such-folder"], "data folder not found"),
        (["--data", "empty"], "no datapackage.json in empty"),
        (["--no-such-option"], "No such option"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_two(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    result = _run(tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("case", sorted(INVALID.iterdir()), ids=lambda p: p.name)
def test_no_bad_table_makes_a_traceback(case: Path, tmp_path: Path) -> None:
    build_package(tmp_path / "data", case)
    result = _run(tmp_path, "--data", "data", "--format", "json")
    assert result.exit_code in (0, 1)
    assert isinstance(result.exception, SystemExit | None)
    json.loads(result.output)

"""The benchmark's data generator makes valid packages of the asked size, and honest defects."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import gen_data
import pytest

frictionless = pytest.importorskip("frictionless")

Records = dict[int, list[str]]


def read_records(path: Path) -> tuple[list[str], Records]:
    """Return the header and every record keyed by the physical line it starts on."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header, records, line = next(reader), {}, 2
        for record in reader:
            records[line] = record
            line = reader.line_num + 1
    return header, records


def schemas(folder: Path) -> dict[str, dict]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {r["path"]: r["schema"] for r in package["resources"]}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[gen_data.Finding]]:
    folder = tmp_path_factory.mktemp("planted")
    return folder, gen_data.generate(folder, foods=1000, studies=10, plant_errors=True)


@pytest.mark.parametrize(("foods", "studies"), [(1000, 10), (1001, 100)])
def test_tables_have_the_asked_number_of_rows(tmp_path: Path, foods: int, studies: int) -> None:
    findings = gen_data.generate(tmp_path, foods=foods, studies=studies)
    assert findings == []
    assert not (tmp_path / "expected.json").exists()
    assert len(read_records(tmp_path / "foods.csv")[1]) == foods
    assert len(read_records(tmp_path / "studies.csv")[1]) == studies
    for path in schemas(tmp_path):
        assert (tmp_path / path).is_file(), f"{path} declared but not written"


def test_valid_package_passes_frictionless(tmp_path: Path) -> None:
    gen_data.generate(tmp_path, foods=1200, studies=30)
    report = frictionless.validate(tmp_path / "datapackage.json")
    errors = report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, errors[:10]


def test_units_are_the_micro_sign(tmp_path: Path) -> None:
    gen_data.generate(tmp_path, foods=300, studies=10)
    _, records = read_records(tmp_path / "foods.csv")
    assert {record[6] for record in records.values()} == {"\u00b5g"}


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    runs = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for folder, seed in zip(runs, (1, 1, 2), strict=True):
        gen_data.generate(folder, foods=600, studies=12, plant_errors=True, seed=seed)
    first, again, other = ((f / "foods.csv").read_bytes() for f in runs)
    assert first == again
    assert first != other
    assert (runs[0] / "studies.csv").read_bytes() == (runs[1] / "studies.csv").read_bytes()


def test_planted_findings_are_written_to_expected_json(planted) -> None:
    folder, findings = planted
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert len(expected) == len(findings) >= 15
    assert {(f["file"], f["line"], f["column"], f["code"]) for f in expected} == {
        (f.file, f.line, f.column, f.code) for f in findings
    }
    assert {f["file"] for f in expected} >= {"foods.csv", "studies.csv", "sources.csv"}


def test_foods_defects_are_spread_over_the_file(planted) -> None:
    _, findings = planted
    lines = [f.line for f in findings if f.file == "foods.csv"]
    assert min(lines) == 2
    assert max(lines) == 1002  # 1000 rows, a header, and one quoted newline
    assert any(400 < line < 600 for line in lines)


def test_expected_lines_count_the_quoted_newline(planted) -> None:
    folder, _ = planted
    text = (folder / "foods.csv").read_text(encoding="utf-8")
    assert text.count("\n") == 1000 + 1 + 1
    _, records = read_records(folder / "foods.csv")
    assert any("\n" in cell for record in records.values() for cell in record)


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell) is not None


def _violates(cell: str, field: dict) -> bool:
    rules = field.get("constraints", {})
    if cell == "":
        return bool(rules.get("required"))
    if "enum" in rules and cell not in rules["enum"]:
        return True
    if "pattern" in rules and not re.fullmatch(rules["pattern"], cell):
        return True
    if field["type"] in ("number", "integer") and _is_number(cell):
        value = float(cell)
        return value < rules.get("minimum", -math.inf) or value > rules.get("maximum", math.inf)
    return len(cell) > rules.get("maxLength", math.inf)


def _key_values(folder: Path, resource: str, fields: list[str]) -> set[tuple[str, ...]]:
    path = folder / f"{resource}.csv"
    header, records = read_records(path)
    return {tuple(r[header.index(f)] for f in fields) for r in records.values()}


def _has_defect(folder: Path, finding: gen_data.Finding, schema: dict) -> bool:
    """Check the defect from the file itself, without trusting the generator."""
    header, records = read_records(folder / finding.file)
    record = records[finding.line]
    fields = schema["fields"]
    if finding.code == "extra-cell":
        return len(record) == len(header) + 1 == finding.column
    cell, field = record[finding.column - 1], fields[finding.column - 1]
    row = dict(zip(header, record, strict=False))
    if finding.code == "type-error":
        return field["type"] in ("number", "integer") and not _is_number(cell)
    if finding.code == "constraint-error":
        return _violates(cell, field)
    if finding.code == "formula-like":
        return cell[:1] in ("=", "+", "@")
    if finding.code == "unit-spelling":  # the unit, spelt with the Greek mu: read, and warned
        return _violates(cell, field) and cell.replace("\u03bc", "\u00b5") in field.get(
            "constraints", {}
        ).get("enum", ())
    if finding.code == "primary-key":
        key = tuple(row[k] for k in schema["primaryKey"])
        earlier = [n for n, r in records.items() if n < finding.line]
        return any(
            tuple(records[n][header.index(k)] for k in schema["primaryKey"]) == key for n in earlier
        )
    if finding.code == "foreign-key":
        keys = [fk for fk in schema["foreignKeys"] if field["name"] in fk["fields"]]
        ref = keys[0]["reference"]
        values = tuple(row[f] for f in keys[0]["fields"])
        return values not in _key_values(folder, ref["resource"], ref["fields"])
    if finding.code == "ci-order":
        return not float(row["ci_low"]) <= float(row["effect"]) <= float(row["ci_high"])
    if finding.code == "protocol-pending":
        return row["design"] == "protocol" and row["direction"] != "pending"
    raise AssertionError(f"no check for {finding.code}")


def test_each_planted_finding_points_at_a_real_defect(planted) -> None:
    folder, findings = planted
    by_file = schemas(folder)
    wrong = [f for f in findings if not _has_defect(folder, f, by_file[f.file])]
    assert wrong == []


def test_frictionless_flags_the_same_rows(planted) -> None:
    """A second opinion: the standard's own validator flags exactly the planted rows it can."""
    folder, findings = planted
    report = frictionless.validate(folder / "datapackage.json")
    lines_of = {p: list(read_records(folder / p)[1]) for p in schemas(folder)}
    flagged = {
        (f"{task.name}.csv", lines_of[f"{task.name}.csv"][error.row_number - 2])
        for task in report.tasks
        for error in task.errors
    }
    beyond_the_standard = ("formula-like", "ci-order", "protocol-pending")
    planted_rows = {(f.file, f.line) for f in findings if f.code not in beyond_the_standard}
    assert flagged == planted_rows


def test_too_small_a_package_for_planted_errors_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 100 food rows"):
        gen_data.generate(tmp_path, foods=50, studies=10, plant_errors=True)

"""Comparing two editions: typed cells, schema changes, tables without a key, zips, order."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from pipeline.changes.compare import compare_paths
from pipeline.changes.formats import format_comparison


def package(folder: Path, tables: dict[str, tuple[list[dict], str | None, str]]) -> Path:
    """Write a package: each table's fields, primary key (or None) and CSV text."""
    folder.mkdir(parents=True)
    resources = []
    for name, (fields, key, text) in tables.items():
        schema: dict[str, object] = {"fields": fields}
        if key:
            schema["primaryKey"] = key
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    descriptor = {"version": "1", "created": "2026-01-01T00:00:00Z", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


ID = {"name": "id", "type": "string"}
AMOUNT = {"name": "amount", "type": "number"}
NOTE = {"name": "note", "type": "string"}


def text(old: Path, new: Path) -> list[str]:
    """Return the text diff's lines without the summary."""
    return format_comparison(compare_paths(old, new), "text").splitlines()[:-1]


def test_numbers_compare_by_value_and_show_their_texts(tmp_path: Path) -> None:
    old = package(tmp_path / "old", {"t": ([ID, AMOUNT], "id", "id,amount\na,12.5\nb,3\nc,\n")})
    new = package(tmp_path / "new", {"t": ([ID, AMOUNT], "id", "id,amount\na,12.50\nb,3.1\nc,4\n")})
    assert text(old, new) == [
        "t: changed id=b: amount 3 → 3.1",
        "t: changed id=c: amount (empty) → 4",
    ], "12.5 and 12.50 are the same number"


def test_text_cells_compare_exactly(tmp_path: Path) -> None:
    old = package(tmp_path / "old", {"t": ([ID, NOTE], "id", "id,note\na,Kale\nb,x\n")})
    new = package(tmp_path / "new", {"t": ([ID, NOTE], "id", 'id,note\na,kale\nb," x"\n')})
    assert text(old, new) == ["t: changed id=a: note Kale → kale", 't: changed id=b: note x → " x"']


def test_schema_changes_columns_and_tables(tmp_path: Path) -> None:
    old = package(
        tmp_path / "old",
        {
            "t": ([ID, AMOUNT], "id", "id,amount\na,1\n"),
            "gone": ([ID], "id", "id\nz\ny\n"),
        },
    )
    new = package(
        tmp_path / "new",
        {"fresh": ([ID], "id", "id\nq\n"), "t": ([ID, NOTE], "id", "id,note\na,hi\n")},
    )
    assert text(old, new) == [
        "fresh: table added (1 rows)",
        "t: column added: note",
        "t: column removed: amount",
        "gone: table removed (2 rows)",
    ], "the rows of a new or removed table, and a new column's cells, are not listed again"


def test_a_table_without_a_key_is_compared_by_content(tmp_path: Path) -> None:
    old = package(tmp_path / "old", {"t": ([ID, NOTE], None, "id,note\na,x\na,x\nb,y\n")})
    new = package(tmp_path / "new", {"t": ([ID, NOTE], None, "id,note\nb,y\na,x\nc,z\n")})
    comparison = compare_paths(old, new)
    assert text(old, new) == [
        "t: no primary key, so rows are matched by their content",
        "t: removed id=a, note=x",
        "t: added id=c, note=z",
    ], "a row repeated twice and kept once is one removal; moving a row is no change"
    assert json.loads(format_comparison(comparison, "json"))[0]["matched_by"] == "content"


def test_rows_come_in_key_order_numbers_as_numbers(tmp_path: Path) -> None:
    number_id = {"name": "id", "type": "integer"}
    old = package(tmp_path / "old", {"t": ([number_id], "id", "id\n10\n")})
    new = package(tmp_path / "new", {"t": ([number_id], "id", "id\n9\n100\n2\n")})
    assert text(old, new) == [
        "t: added id=2",
        "t: added id=9",
        "t: removed id=10",
        "t: added id=100",
    ]


def test_a_zip_is_read_in_memory_and_never_extracted(tmp_path: Path) -> None:
    folder = package(tmp_path / "old", {"t": ([ID], "id", "id\na\n")})
    archive = tmp_path / "box" / "old.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.csv", "id\nevil\n")
        zf.writestr(
            "k2brief-briefings/data/datapackage.json", (folder / "datapackage.json").read_text()
        )
        zf.writestr("k2brief-briefings/data/t.csv", "id\na\nb\n")
    before = sorted(tmp_path.rglob("*"))
    assert text(archive, folder) == ["t: removed id=b"]
    assert sorted(tmp_path.rglob("*")) == before, "reading the zip wrote nothing"

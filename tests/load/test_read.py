"""The loader: every cell kept as text, each row at its physical line, both parsing paths alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pipeline.load.parse as parse
import pipeline.load.read as load
from pipeline.load.read import Where, parse_csv, read_table

WHERE = Where("t.csv", "t")


def _rows(data: bytes, width: int = 3):
    loaded = parse_csv(data, WHERE, width)
    table = loaded.table
    assert table is not None, loaded.findings
    cells = list(zip(*[c.to_pylist() for c in table.columns], strict=True))
    return table, cells, [(f.line, f.column, f.code) for f in loaded.findings]


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "scan_records", lambda data, start, scan: None)


def test_rows_keep_their_physical_lines_after_quoted_newlines() -> None:
    data = b'a,b,c\n1,"two\nlines",3\n4,5,6\n"x\n\ny",8,9\n10,11,12\n'
    table, cells, findings = _rows(data)
    assert cells == [
        ("1", "two\nlines", "3"),
        ("4", "5", "6"),
        ("x\n\ny", "8", "9"),
        ("10", "11", "12"),
    ]
    assert table.lines.tolist() == [2, 4, 5, 8]
    assert findings == []


@pytest.mark.parametrize("slow", [False, True], ids=["pyarrow", "csv-module"])
def test_both_paths_give_the_same_cells_lines_and_findings(
    slow: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if slow:
        _slow(monkeypatch)
    data = b'a,b,c\r\n1,"q""uote",3\r\n\r\n4,5\r\n"multi\r\nline",8,9\r\n7,8,9,10\r\n'
    table, cells, findings = _rows(data)
    assert cells == [("1", 'q"uote', "3"), ("multi\r\nline", "8", "9")]
    assert table.lines.tolist() == [2, 5]
    assert table.row_numbers.tolist() == [2, 5]
    assert findings == [(3, None, "blank-row"), (4, 3, "missing-cell"), (7, 4, "extra-cell")]
    assert [(r.line, r.cells, r.text) for r in table.ragged] == [
        (4, ("4", "5"), "4,5"),
        (7, ("7", "8", "9", "10"), "7,8,9,10"),
    ]


def test_text_that_looks_missing_stays_text() -> None:
    _, cells, _ = _rows(b"a,b,c\nNA,None,null\nnan,N/A,\n")
    assert cells == [("NA", "None", "null"), ("nan", "N/A", "")]


def test_a_byte_order_mark_is_not_part_of_the_first_label() -> None:
    table, cells, _ = _rows(b"\xef\xbb\xbfa,b,c\n1,2,3\n")
    assert table.labels == ("a", "b", "c")
    assert cells == [("1", "2", "3")]


def test_pieces_cut_at_records_keep_ragged_rows_and_lines_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse, "PIECE_BYTES", 64)
    monkeypatch.setattr(parse.os, "cpu_count", lambda: 8)
    rows = []
    for i in range(200):
        if i % 17 == 5:
            rows.append(f"{i},ragged")
        elif i % 23 == 7:
            rows.append(f'{i},"two\nlines",x')
        else:
            rows.append(f"{i},b{i},c{i}")
    data = ("a,b,c\n" + "\n".join(rows) + "\n").encode()
    table, cells, findings = _rows(data)
    _slow(monkeypatch)
    slow_table, slow_cells, slow_findings = _rows(data)
    assert cells == slow_cells
    assert table.lines.tolist() == slow_table.lines.tolist()
    assert findings == slow_findings
    assert len(findings) == len([r for r in rows if r.endswith("ragged")])


def test_a_quote_never_closed_is_reported_where_it_opens() -> None:
    loaded = parse_csv(b'a,b\n1,2\n3,"open\n4,5\n', WHERE, 2)
    assert [(f.line, f.code) for f in loaded.findings] == [(3, "format-error")]
    assert loaded.table.num_rows == 1


def test_windows_1252_is_reported_once_and_read_by_its_unit_cells() -> None:
    loaded = parse_csv("a,b\n1,12 µg\n2,ok\n3,é µg\n".encode("cp1252"), WHERE, 2)
    (finding,) = loaded.findings
    assert (finding.line, finding.column, finding.code) == (2, 2, "encoding-error")
    assert finding.message.startswith("2 lines hold bytes that are not UTF-8, first 0xB5 here")
    assert 'read "µg" in Windows-1252' in finding.hint
    assert '"?"' in finding.hint
    assert loaded.table.columns[1].to_pylist() == ["12 µg", "ok", "é µg"]


def test_a_dos_code_page_is_told_apart_by_the_micro_sign() -> None:
    loaded = parse_csv("a,b\n1,12 µg\n2,Müller\n".encode("cp850"), WHERE, 2)
    (finding,) = loaded.findings
    assert "DOS code page 850" in finding.hint
    assert loaded.table.columns[1].to_pylist() == ["12 µg", "Müller"]


def test_a_code_page_without_unit_cells_is_not_guessed() -> None:
    loaded = parse_csv("a,b\n1,Müller\n".encode("cp1252"), WHERE, 2)
    assert loaded.table is None
    (finding,) = loaded.findings
    assert "no unit cell tells which" in finding.hint


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf_16_with_or_without_a_byte_order_mark_is_one_finding(codec: str) -> None:
    loaded = parse_csv("a,b\n1,12 µg\n".encode(codec), WHERE, 2)
    assert [(f.line, f.code) for f in loaded.findings] == [(1, "encoding-error")]
    assert "UTF-16" in loaded.findings[0].message
    assert loaded.table.columns[1].to_pylist() == ["12 µg"]


def test_mojibake_is_reported_once_per_file_and_read_undone() -> None:
    text = "a,b\n1,12 µg\n2,‘quoted’ ≥ 400\n3,plain\n"
    twice = text.encode("utf-8").decode("cp1252").encode("utf-8")
    loaded = parse_csv(twice, WHERE, 2)
    (finding,) = loaded.findings
    assert (finding.line, finding.column, finding.code) == (2, 2, "mojibake")
    assert "(2 lines)" in finding.message
    assert loaded.table.columns[1].to_pylist() == ["12 µg", "‘quoted’ ≥ 400", "plain"]


def test_an_excel_separator_line_is_one_warning_and_keeps_line_numbers() -> None:
    loaded = parse_csv(b"sep=,\r\na,b\r\n1,2\r\n", WHERE, 2)
    assert [(f.line, f.code, f.severity) for f in loaded.findings] == [(1, "sep-line", "warning")]
    assert (loaded.table.labels, loaded.table.header_line) == (("a", "b"), 2)
    assert loaded.table.lines.tolist() == [3]


def test_empty_lines_at_the_end_are_one_warning() -> None:
    loaded = parse_csv(b"a,b\n1,2\n\n3,4\n\n\n", WHERE, 2)
    assert [(f.line, f.code) for f in loaded.findings] == [
        (3, "blank-row"),
        (5, "trailing-blank-rows"),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"a;b;c\n1;2;3\n", "dialect-error"),
        (b"a\tb\tc\n1\t2\t3\n", "dialect-error"),
        (b"", "empty-file"),
        (b"\r\n\n  \n", "empty-file"),
    ],
)
def test_unreadable_files_give_one_clear_finding(data: bytes, code: str) -> None:
    loaded = parse_csv(data, WHERE, 3)
    assert loaded.table is None
    assert [f.code for f in loaded.findings] == [code]


def test_missing_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = read_table(tmp_path / "nope.csv", WHERE, 2)
    assert [f.code for f in missing.findings] == ["missing-file"]
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 20)
    (finding,) = read_table(big, WHERE, 2).findings
    assert finding.code == "file-too-large"
    assert finding.message.endswith("MiB")


def test_a_mapped_file_reads_like_a_read_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b'\xef\xbb\xbfa,b\n1,"x\ny"\n3,4,5\n')
    read = read_table(path, WHERE, 2)
    monkeypatch.setattr(load, "MAP_BYTES", 1)
    mapped = read_table(path, WHERE, 2)
    assert mapped.findings == read.findings
    assert [c.to_pylist() for c in mapped.table.columns] == [["1"], ["x\ny"]]
    assert np.array_equal(mapped.table.lines, read.table.lines)


def test_rows_separated_by_semicolons_are_one_finding_with_their_count() -> None:
    data = b"a,b,c\n1;2;3\n4,5,6\n7;8;9\n10,11\n12;13;14\n"
    loaded = parse_csv(data, WHERE, 3)
    found = [(f.line, f.column, f.code) for f in loaded.findings]
    assert sorted(found, key=lambda f: f[0]) == [(2, None, "dialect-error"), (5, 3, "missing-cell")]
    (dialect,) = [f for f in loaded.findings if f.code == "dialect-error"]
    assert dialect.message.startswith("3 lines are separated by semicolons, not commas")

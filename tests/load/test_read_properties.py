"""Property tests for the loader: whatever comes in, no crash and no row silently dropped."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.load.read as load
from pipeline.load.charset import undo_mojibake
from pipeline.load.read import Where, parse_csv

pytestmark = pytest.mark.slow

WHERE = Where("t.csv", "t")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
ROW_CODES = {"extra-cell", "missing-cell", "blank-row", "format-error"}
cell_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z", "Cc")),
    max_size=12,
)
# Commas, quotes and line ends are the characters that make CSV hard; draw them often.
cells = st.one_of(cell_text, st.sampled_from(["", ",", '"', '""', "\n", "\r\n", "\r", " ", "a,b"]))
# The path fixture only patches a function for the whole test, so sharing it is safe.
quirky = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(params=[False, True], ids=["pyarrow", "csv-module"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param:
        monkeypatch.setattr(load, "scan_records", lambda data, start, scan: None)
    return "slow" if request.param else "fast"


def _write(rows: list[list[str]], terminator: str) -> str:
    """Write RFC 4180 CSV: quote a cell holding a comma, a quote or any line break.

    (csv.writer leaves a lone \r unquoted when the terminator is \n.)
    """
    return "".join(",".join(_cell(c, len(row)) for c in row) + terminator for row in rows)


def _cell(cell: str, width: int) -> str:
    if any(ch in cell for ch in ',"\r\n') or (width == 1 and cell == ""):
        return '"' + cell.replace('"', '""') + '"'
    return cell


# Bytes that matter to CSV and to UTF-8, so that short inputs hit the interesting cases.
csv_bytes = st.lists(
    st.sampled_from([b",", b'"', b"\n", b"\r", b"a", b"1", b";", b"\t", b" ", b"\x00"])
    | st.sampled_from([b"\x80", b"\xb5", b"\xc3\xa9", b"\xef\xbb\xbf", b"\xff\xfe", b"<b"]),
    max_size=60,
).map(b"".join)


@quirky
@given(data=st.binary(max_size=300) | csv_bytes)
def test_arbitrary_bytes_never_crash(path: str, data: bytes) -> None:
    loaded = parse_csv(data, WHERE, 3)
    lines = len(LINE_BREAK.findall(data.decode("utf-8", "replace"))) + 1
    for finding in loaded.findings:
        assert finding.line is None or 1 <= finding.line <= lines
    if loaded.table is not None:
        table = loaded.table
        assert all(len(c) == table.num_rows for c in table.columns)
        assert len(table.columns) == len(table.labels)
        assert list(table.lines) == sorted(set(table.lines))
        assert all(1 <= line <= lines for line in table.lines)


@quirky
@given(
    header=st.lists(cell_text, min_size=1, max_size=4),
    rows=st.lists(st.lists(cells, min_size=1, max_size=5), max_size=12),
    terminator=st.sampled_from(["\n", "\r\n"]),
)
def test_every_record_is_a_row_or_reported(
    path: str, header: list[str], rows: list[list[str]], terminator: str
) -> None:
    text = _write([header, *rows], terminator)
    loaded = parse_csv(text.encode(), WHERE, len(header))
    # Text that reads as mojibake is reported once and its cells read undone.
    undone = any(f.code == "mojibake" for f in loaded.findings)
    if undone:
        header = [undo_mojibake(c)[0] for c in header]
        rows = [[undo_mojibake(c)[0] for c in row] for row in rows]
    if loaded.table is None:  # a header the loader refuses, with its reason
        assert [f.code for f in loaded.findings if f.code != "mojibake"] in (
            ["dialect-error"],
            ["empty-file"],
            ["encoding-error"],  # a NUL in the header: the file looks like UTF-16
        )
        return
    table = loaded.table
    kept = list(zip(*[c.to_pylist() for c in table.columns], strict=True))
    reported = {f.line: f for f in loaded.findings if f.code in ROW_CODES}
    starts = _start_lines([header, *rows], terminator)
    expected = [(line, tuple(row)) for line, row in zip(starts[1:], rows, strict=True)]
    width = len(_parsed_header(header, terminator))
    rows_kept = [r for r in expected if len(r[1]) == width]
    assert list(zip(table.lines.tolist(), kept, strict=True)) == rows_kept
    unreported = [(line, row) for line, row in expected if len(row) != width]
    unreported = [(line, row) for line, row in unreported if line not in reported]
    if unreported:  # rows separated by semicolons: one finding counts them all
        (dialect,) = [f for f in loaded.findings if f.code == "dialect-error"]
        assert dialect.line == unreported[0][0]
        assert dialect.message.startswith(f"{len(unreported)} line"), unreported


def _start_lines(rows: list[list[str]], terminator: str) -> list[int]:
    """Return the physical line each written record starts on."""
    starts, line = [], 1
    for row in rows:
        starts.append(line)
        line += len(LINE_BREAK.findall(_write([row], terminator)))
    return starts


def _parsed_header(header: list[str], terminator: str) -> list[str]:
    return next(csv.reader(io.StringIO(_write([header], terminator), newline="")))

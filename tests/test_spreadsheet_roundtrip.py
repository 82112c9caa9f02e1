"""The bundled tables survive LibreOffice Calc: opened and saved, they are the same bytes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.validate.package import validate_package
from tests.support import DATA, require_tool

# Comma, double quote, UTF-8 (76), from line 1; every column as standard (not text).
CSV_IN = "CSV:44,34,76,1"
# The same, saved without quoting every text cell and without a BOM.
CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"


def _soffice(tmp: Path, target: str, sources: list[Path], out: Path, infilter: str | None) -> None:
    """Convert every source in one headless LibreOffice run."""
    command = [
        "soffice",
        "--headless",
        "--norestore",
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("route", ["csv", "xlsx"])
def test_every_bundled_table_round_trips_through_calc_byte_for_byte(route: str, tmp_path: Path):
    require_tool(None if shutil.which("soffice") else "LibreOffice (soffice) is not installed")
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    tables = sorted(data.glob("*.csv"))
    saved = tmp_path / "saved"
    if route == "xlsx":
        books = tmp_path / "books"
        _soffice(tmp_path, "xlsx", tables, books, CSV_IN)
        _soffice(tmp_path, CSV_OUT, sorted(books.glob("*.xlsx")), saved, None)
    else:
        _soffice(tmp_path, CSV_OUT, tables, saved, CSV_IN)
    for table in tables:
        assert (saved / table.name).read_bytes() == table.read_bytes(), table.name
        shutil.copyfile(saved / table.name, table)
    assert validate_package(data).report.findings == ()

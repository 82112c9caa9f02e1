"""The HTML documents, rendered from tests/fixtures/valid, match tests/golden/ line by line.

A template or context change shows up here as a readable diff; `make golden` accepts it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.support import DOCS, GOLDEN, build_package, render_golden

SHOWN = 60  # diff lines in a failure message


@pytest.mark.parametrize("name", DOCS)
def test_html_matches_the_golden_file(name: str, tmp_path: Path) -> None:
    golden = GOLDEN / f"{name}.html"
    fresh = render_golden(name, build_package(tmp_path / "data"))
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if fresh == expected:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            fresh.splitlines(),
            f"tests/golden/{name}.html",
            f"{name}.html rendered now",
            lineterm="",
        )
    )
    more = f"\n... and {len(diff) - SHOWN} more lines of diff" if len(diff) > SHOWN else ""
    pytest.fail(
        f"{name}.html differs from tests/golden/{name}.html; "
        "run make golden if the change is intended.\n" + "\n".join(diff[:SHOWN]) + more,
        pytrace=False,
    )


@pytest.mark.parametrize("name", DOCS)
def test_document_html_renders_what_the_build_writes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.dataset import Dataset
    from pipeline.documents import by_name, document_html
    from tests.support import GOLDEN_EPOCH, settings, tables_of

    data = build_package(tmp_path / "data")
    expected = render_golden(name, data)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", GOLDEN_EPOCH)
    dataset = Dataset.read(data)
    html = document_html(by_name(name), tables_of(data), dataset, settings(data_dir=data))
    assert html == expected


def test_the_chart_has_no_html_of_its_own() -> None:
    from pipeline.documents import by_name

    assert by_name("comparison-chart").html_context is None

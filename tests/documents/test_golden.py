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

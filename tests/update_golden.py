"""Regenerate tests/golden/*.html from tests/fixtures/valid; run it through `make golden`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.support import DOCS, GOLDEN, build_package, render_golden


def main() -> None:
    """Render each document from the valid fixture tables and write it to tests/golden/."""
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        data = build_package(Path(folder) / "data")
        for name in DOCS:
            target = GOLDEN / f"{name}.html"
            target.write_text(render_golden(name, data), encoding="utf-8")
            sys.stdout.write(f"wrote {target.relative_to(GOLDEN.parent.parent)}\n")


if __name__ == "__main__":
    main()

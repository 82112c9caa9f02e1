"""Remove exactly what k2brief generated in an output folder."""

from __future__ import annotations

from pathlib import Path

from pipeline.build.manifest import MANIFEST, SUMS, Manifest
from pipeline.build.run import LOCK, build_lock
from pipeline.errors import os_errors


def clean(out_dir: Path) -> list[Path]:
    """Delete the outputs the manifest lists, the manifest itself and stale temp files."""
    if not out_dir.is_dir():
        return []
    with build_lock(out_dir):
        names = [*Manifest.load(out_dir).outputs, MANIFEST, SUMS]
        root = out_dir.resolve()
        # A hand-edited manifest must not make clean delete anything outside the folder.
        targets = [out_dir / n for n in names if (out_dir / n).resolve().is_relative_to(root)]
        targets += sorted(out_dir.rglob(".*.tmp"))
        removed = [path for path in targets if path.is_file()]
        for path in removed:
            with os_errors("remove", path):
                path.unlink()
    with os_errors("remove", out_dir / LOCK):
        (out_dir / LOCK).unlink(missing_ok=True)
    return removed

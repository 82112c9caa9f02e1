"""Write outputs atomically: a temporary file beside each target, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Artifact:
    """One output file, fully made in memory before anything is written."""

    name: str
    data: bytes
    pages: int | None = None


def _write_temp(target: Path, data: bytes) -> Path:
    """Write data to a hidden temporary file beside target and flush it to disk."""
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def write_all(out_dir: Path, artifacts: Iterable[Artifact]) -> list[Path]:
    """Stage every artifact as a temporary file, then rename them all into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for artifact in artifacts:
            target = out_dir / artifact.name
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_write_temp(target, artifact.data), target))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    # Renames are atomic per file and happen only once every file is staged.
    for temp, target in staged:
        os.replace(temp, target)
    return [target for _, target in staged]

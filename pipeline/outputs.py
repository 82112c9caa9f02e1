"""Write outputs atomically: a temporary file beside each target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FileSystemError, os_errors


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
        with contextlib.suppress(OSError):
            Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _discard(staged: Iterable[tuple[Path, Path]]) -> None:
    """Remove staged temporary files, ignoring any that cannot be removed."""
    for temp, _ in staged:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def write_all(out_dir: Path, artifacts: Iterable[Artifact]) -> list[Path]:
    """Stage every artifact as a temporary file, then rename them all into place.

    An OSError (full disk, permissions, a file where a folder should be) becomes a
    FileSystemError naming the path; the previous files are left as they were.
    """
    with os_errors("create the output folder", out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for artifact in artifacts:
            target = out_dir / artifact.name
            with os_errors("write", target):
                target.parent.mkdir(parents=True, exist_ok=True)
                staged.append((_write_temp(target, artifact.data), target))
    except FileSystemError as error:
        _discard(staged)
        raise FileSystemError(f"{error}; no output was changed") from error
    except BaseException:
        _discard(staged)
        raise
    # Renames are atomic per file and happen only once every file is staged.
    for index, (temp, target) in enumerate(staged):
        try:
            with os_errors("move into place", target):
                os.replace(temp, target)
        except BaseException:
            _discard(staged[index:])
            raise
    return [target for _, target in staged]

"""Outputs are written atomically: all or nothing, old files untouched on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.outputs import Artifact, write_all


def test_write_all_writes_every_artifact(tmp_path: Path) -> None:
    written = write_all(tmp_path, [Artifact("a.pdf", b"A"), Artifact("sub/b.html", b"B")])
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["a.pdf", "sub/b.html"]
    assert (tmp_path / "a.pdf").read_bytes() == b"A"
    assert (tmp_path / "sub" / "b.html").read_bytes() == b"B"
    assert not list(tmp_path.rglob("*.tmp"))


def test_failure_while_staging_leaves_previous_outputs(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")

    def artifacts():
        yield Artifact("a.pdf", b"new")
        raise RuntimeError("renderer died")

    with pytest.raises(RuntimeError):
        write_all(tmp_path, artifacts())
    assert (tmp_path / "a.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]

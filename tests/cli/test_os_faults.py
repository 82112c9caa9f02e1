"""Every OS fault ends in one clear line, exit status 1, and previous outputs left byte for byte."""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline import documents, outputs
from pipeline.build import watch as watch_module
from pipeline.cli import main
from pipeline.documents import Document
from pipeline.outputs import Artifact
from pipeline.settings import Settings
from tests.support import outputs as files_in


def _producer(document: Document, tables: object, meta: object, settings: Settings):
    """Make one small file per document; a new paper changes it, so a rebuild writes."""
    return [Artifact(f"{document.name}.txt", f"{document.name}|{settings.paper}".encode(), 1)]


#: Two fast documents built from the real templates, so the CLI's settings work unchanged.
FAST = tuple(
    Document(name, "handout.html.j2", None, _producer, (f"{name}.txt",)) for name in ("one", "two")
)


@pytest.fixture
def built(project: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Build the fast documents once, so each test has previous outputs to protect."""
    monkeypatch.setattr(documents, "REGISTRY", FAST)
    assert invoke("build", project).exit_code == 0
    return project


def invoke(command: str, project: Settings, *args: str) -> Result:
    """Run a k2brief command on the project's data and output folders."""
    folders = {
        "build": ["--data", str(project.data_dir), "--out", str(project.out_dir), "-q"],
        "validate": ["--data", str(project.data_dir)],
        "dist": ["--data", str(project.data_dir), "--out", str(project.out_dir)],
        "clean": ["--out", str(project.out_dir)],
    }[command]
    return CliRunner().invoke(main, [command, *folders, *args])


def one_line_error(result: Result, *words: str) -> str:
    """Check the result is exit 1 with one error line and no traceback; return that line."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int = errno.ENOSPC) -> None:
    """Make every staged write fail as the disk would, with the errno given."""

    def refuse(target: Path, data: bytes) -> Path:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(outputs, "_write_temp", refuse)


def test_full_disk_mocked_build_exits_1_and_keeps_outputs(built: Settings, monkeypatch) -> None:
    before = files_in(built.out_dir)
    fail_writes(monkeypatch)
    line = one_line_error(invoke("build", built, "--paper", "letter"), "no space left on device")
    assert str(built.out_dir / "one.txt") in line
    assert files_in(built.out_dir) == before


def test_read_only_output_folder(built: Settings, monkeypatch) -> None:
    before = files_in(built.out_dir)
    fail_writes(monkeypatch, errno.EROFS)
    one_line_error(invoke("build", built, "--paper", "letter"), "read-only file system")
    assert files_in(built.out_dir) == before


def test_permission_denied_on_output(built: Settings, monkeypatch) -> None:
    before = files_in(built.out_dir)
    fail_writes(monkeypatch, errno.EACCES)
    one_line_error(invoke("build", built, "--paper", "letter"), "permission denied")
    assert files_in(built.out_dir) == before


def test_file_where_the_output_folder_should_be(project: Settings, monkeypatch) -> None:
    monkeypatch.setattr(documents, "REGISTRY", FAST)
    blocker = project.out_dir.parent / "blocker"
    blocker.write_bytes(b"not a folder")
    bad = project.with_overrides(out_dir=blocker / "out")
    one_line_error(invoke("build", bad), str(blocker / "out"), "a file stands where a folder")
    assert blocker.read_bytes() == b"not a folder"


def test_unreadable_data_file_fails_build_and_validate(built: Settings, monkeypatch) -> None:
    before = files_in(built.out_dir)
    table = built.data_dir / "t.csv"
    real_read_bytes, real_open = Path.read_bytes, open

    def read_bytes(self: Path) -> bytes:
        if self == table:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    def guarded_open(file, *args, **kwargs):
        if Path(file) == table:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr("pipeline.load.read.open", guarded_open, raising=False)
    one_line_error(invoke("build", built, "--force"), str(table), "permission denied")
    assert files_in(built.out_dir) == before
    result = invoke("validate", built)
    assert result.exit_code == 1
    assert "t.csv" in result.output
    assert "permission denied" in result.output.lower()


def test_data_file_vanishing_mid_build(built: Settings, monkeypatch) -> None:
    from pipeline.build import run

    before = files_in(built.out_dir)
    validated = run._validated_tables

    def vanish_then_validate(settings: Settings):
        (settings.data_dir / "t.csv").unlink()
        return validated(settings)

    monkeypatch.setattr(run, "_validated_tables", vanish_then_validate)
    result = invoke("build", built, "--force")
    assert result.exit_code == 1
    assert "t.csv" in result.output
    assert "does not exist" in result.output
    assert "Traceback" not in result.output
    assert files_in(built.out_dir) == before


def test_dist_into_a_full_disk_keeps_the_previous_archive(built: Settings, monkeypatch) -> None:
    dist = built.out_dir.parent / "dist"
    result = invoke("dist", built, "--dist", str(dist))
    assert result.exit_code == 0, result.output
    before = files_in(dist)
    fail_writes(monkeypatch)
    one_line_error(invoke("dist", built, "--dist", str(dist)), "no space left on device")
    assert files_in(dist) == before


def test_dist_into_a_file(built: Settings) -> None:
    blocker = built.out_dir.parent / "blocker"
    blocker.write_bytes(b"x")
    one_line_error(invoke("dist", built, "--dist", str(blocker / "d")), "a file stands where")


def test_clean_that_cannot_remove(built: Settings, monkeypatch) -> None:
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.suffix == ".txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    one_line_error(invoke("clean", built), "cannot remove", "permission denied")


def test_watch_reports_a_full_disk_and_keeps_running(built: Settings, monkeypatch) -> None:
    lines: list[str] = []
    stop = threading.Event()
    fail_writes(monkeypatch)
    letter = built.with_overrides(paper="letter")
    thread = threading.Thread(
        target=watch_module.watch, args=(letter, lines.append), kwargs={"stop": stop}
    )
    thread.start()
    try:
        assert _wait(lambda: any(line.startswith("watching") for line in lines)), lines
        errors = [line for line in lines if line.startswith("error:")]
        assert len(errors) == 1, lines
        assert "no space left on device" in errors[0]
        assert "previous outputs are kept" in errors[0]
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(timeout=10)


def _wait(predicate, timeout: float = 10.0) -> bool:
    """Wait until predicate() holds or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


# A real full disk: a 1 MiB tmpfs, filled. Needs root and a kernel that lets us mount.


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """Mount a 1 MiB tmpfs for the test, or skip where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(disk: Path) -> None:
    """Fill the file system until a write fails, leaving no free block."""
    size = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with pytest.raises(OSError, match="No space left"):
        (disk / "filler").write_bytes(b"\0" * (size + 4096))


def test_real_full_disk(project: Settings, small_tmpfs: Path, monkeypatch) -> None:
    monkeypatch.setattr(documents, "REGISTRY", FAST)
    on_disk = project.with_overrides(out_dir=small_tmpfs / "out")
    assert invoke("build", on_disk).exit_code == 0
    before = files_in(on_disk.out_dir)
    _fill(small_tmpfs)
    one_line_error(invoke("build", on_disk, "--paper", "letter"), "no space left on device")
    assert files_in(on_disk.out_dir) == before
    assert not list(on_disk.out_dir.glob(".*.tmp"))

"""A worker process killed mid-build fails the build and leaves every previous file as it was."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import cli, documents
from pipeline.build import run as build_module
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.settings import PROJECT_ROOT, Settings
from tests.support import DOCUMENTS, documents_of, statuses

PARENT = os.getpid()


def killing_one(name: str):
    """Make producers where "one" kills its own worker process with SIGKILL."""

    def produce(tables: Mapping, meta: object, settings: Settings) -> list[Artifact]:
        if name == "one":
            assert os.getpid() != PARENT, "only ever kill a worker, never the test"
            os.kill(os.getpid(), signal.SIGKILL)
        return [Artifact(f"{name}.txt", f"new {name}".encode(), pages=1)]

    return produce


def every_file(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder, hidden ones included, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_killed_worker_fails_the_build_and_changes_nothing(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_module.build(project, documents=DOCUMENTS)
    before = every_file(project.out_dir)
    assert {"one.txt", "two.txt", "manifest.json", "SHA256SUMS"} <= set(before)
    with pytest.raises(BuildError) as caught:
        build_module.build(project, documents=documents_of(killing_one), force=True, jobs=2)
    # "two" may have finished already, or have gone down with the pool.
    assert re.match(r"one(, two)? failed: a worker process stopped abruptly", str(caught.value))
    assert str(caught.value).endswith("nothing was written")
    assert every_file(project.out_dir) == before, "same files, same bytes, no temporary files"
    # The lock was released: the next build runs and writes.
    result = build_module.build(project, documents=DOCUMENTS, force=True, jobs=2)
    assert statuses(result) == {"one": "built", "two": "built"}


def test_the_cli_says_which_document_a_killed_worker_took_down(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_module.build(project, documents=DOCUMENTS)
    before = every_file(project.out_dir)
    monkeypatch.setattr(cli, "Settings", lambda: project)
    monkeypatch.setattr(documents, "REGISTRY", documents_of(killing_one))
    result = CliRunner().invoke(cli.main, ["build", "--force", "--jobs", "2"])
    assert result.exit_code == 1
    assert re.search(r"error: one(, two)? failed: a worker process stopped abruptly", result.stderr)
    assert "(killed, or out of memory?)" in result.stderr
    assert result.stdout.splitlines()[1].split()[:2] == ["one", "failed"]
    assert every_file(project.out_dir) == before


def children(pid: int) -> list[int]:
    """Return the ids of a process's children, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


@pytest.mark.slow
@pytest.mark.pdf
def test_kill_9_of_a_real_worker_leaves_the_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    previous = {
        "handout.pdf": b"%PDF- the previous handout",
        "comparison-chart.pdf": b"%PDF- the previous chart",
        "manifest.json": b'{"documents": {}, "outputs": {}}\n',
        "SHA256SUMS": b"0" * 64 + b"  handout.pdf\n",
    }
    for name, data in previous.items():
        (out / name).write_bytes(data)
    command = [sys.executable, "-m", "pipeline", "build", "--out", str(out), "--force"]
    command += ["--jobs", "2", "--only", "handout", "--only", "comparison-chart"]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # The handout takes seconds to render: its worker is busy when it is killed.
        first = process.stderr.readline()
        assert first == "building handout\n", first + process.stderr.read()
        workers = children(process.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill() if process.poll() is None else None
    assert process.returncode == 1, stdout + stderr
    assert "failed: a worker process stopped abruptly" in stderr
    assert stderr.rstrip().endswith("nothing was written")
    assert "failed" in stdout, "the summary table shows the failed documents"
    assert every_file(out) == {**previous, ".k2brief.lock": b""}
    with open(out / build_module.LOCK) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again

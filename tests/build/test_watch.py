"""k2brief watch rebuilds on save and keeps the last good outputs when a build fails."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline import documents
from pipeline.build import watch as watch_module
from pipeline.errors import BuildError
from pipeline.settings import Settings
from tests.support import DOCUMENTS, fake_documents


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_watch_rebuilds_on_save_and_survives_failures(project: Settings, monkeypatch) -> None:
    monkeypatch.setattr(documents, "REGISTRY", DOCUMENTS)
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_module.watch, args=(project, lines.append), kwargs={"stop": stop}
    )
    thread.start()
    try:
        assert wait_for(lambda: any(line.startswith("watching") for line in lines))
        output = project.out_dir / "two.txt"
        first = output.read_bytes()
        (project.templates_dir / "two.html.j2").write_text("two, edited")
        assert wait_for(lambda: "rebuilt two" in lines), lines
        assert output.read_bytes() != first
        good = output.read_bytes()

        def broken(*args: object):
            raise BuildError("template error")

        monkeypatch.setattr(documents, "REGISTRY", fake_documents(broken))
        (project.templates_dir / "two.html.j2").write_text("two, broken")
        assert wait_for(lambda: any("previous outputs are kept" in line for line in lines)), lines
        assert output.read_bytes() == good
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.parametrize(
    "name",
    [".~lock.foods.csv#", "~$foods.csv", "foods.csv.tmp", "foods.csv~", ".#foods.csv", "sedAb12Cd"],
)
def test_temporary_and_lock_files_are_not_changes(name: str) -> None:
    assert watch_module.is_temporary(f"/data/{name}")


@pytest.mark.parametrize("name", ["foods.csv", "datapackage.json", "sedentary.csv", "a.html.j2"])
def test_data_and_template_files_are_changes(name: str) -> None:
    assert not watch_module.is_temporary(f"/data/{name}")


def test_changes_ignore_lock_files_and_report_the_saved_table(tmp_path) -> None:
    stop = threading.Event()
    seen: list[list[str]] = []

    def collect() -> None:
        for names in watch_module.changes([tmp_path], stop):
            seen.append(names)
            stop.set()

    thread = threading.Thread(target=collect)
    thread.start()
    try:
        time.sleep(0.3)  # let the watcher start
        (tmp_path / ".~lock.foods.csv#").write_text("lock")
        (tmp_path / "sedXy12Zq").write_text("temp")
        (tmp_path / "foods.csv").write_text("a\n1\n")
        assert wait_for(lambda: bool(seen))
    finally:
        stop.set()
        thread.join(timeout=10)
    assert seen[0] == ["foods.csv"]

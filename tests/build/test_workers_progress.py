"""A build reports each document's progress, from worker processes too, and names failures."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import cli, documents
from pipeline.build import run as build_module
from pipeline.build.progress import Event, PlainReporter
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.settings import Settings
from tests.support import DOCUMENTS, documents_of

PARENT = os.getpid()


def one_waits_for_two(name: str):
    """Make producers where "one" finishes only after "two" has, and both log a step."""

    def produce(tables: Mapping, meta: object, settings: Settings) -> list[Artifact]:
        signal = settings.out_dir.parent / "two-done"
        logging.getLogger("weasyprint.progress").info("Step 5 - Creating layout - Page %d", 1)
        logging.getLogger("weasyprint.progress").info("Step 9 - in process %d", os.getpid())
        if name == "one":
            deadline = time.monotonic() + 30
            while not signal.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            signal.touch()
        return [Artifact(f"{name}.txt", name.encode(), pages=3 if name == "one" else 1)]

    return produce


def without_seconds(lines: list[str]) -> list[str]:
    return [re.sub(r"\d+\.\d s", "N s", line) for line in lines]


def test_plain_lines_stay_in_registry_order_with_two_jobs(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines: list[str] = []
    with PlainReporter(lines.append) as reporter:
        build_module.build(
            project, documents=documents_of(one_waits_for_two), jobs=2, progress=reporter
        )
    assert without_seconds(lines) == [
        "building one",
        "built one (3 pages, N s)",
        "building two",
        "built two (1 page, N s)",
    ]


def test_events_from_worker_processes_reach_the_parent(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[Event] = []
    build_module.build(
        project, documents=documents_of(one_waits_for_two), jobs=2, progress=events.append
    )
    for name in ("one", "two"):
        mine = [(e.kind, e.text) for e in events if e.document == name]
        assert [kind for kind, _ in mine] == ["queued", "started", "step", "step", "built"]
        assert mine[2] == ("step", "laying out page 1"), "WeasyPrint's step, relayed"
        assert mine[3][1] != f"in process {PARENT}", "rendered in a worker process"


def failing_one(name: str):
    """Make producers where "one" fails the way a renderer does."""

    def produce(tables: Mapping, meta: object, settings: Settings) -> list[Artifact]:
        if name == "one":
            raise BuildError("one.pdf has 3 pages; the limit is 2")
        return [Artifact(f"{name}.txt", name.encode(), pages=1)]

    return produce


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failure_names_the_document_and_the_others_still_render(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
) -> None:
    with pytest.raises(build_module.DocumentsFailed) as caught:
        build_module.build(project, documents=documents_of(failing_one), jobs=jobs)
    assert str(caught.value).splitlines() == [
        "one failed: one.pdf has 3 pages; the limit is 2",
        "nothing was written",
    ]
    # "two" rendered, so one run reports every document that fails, but it was not written.
    statuses = {doc.name: doc.status for doc in caught.value.documents}
    assert statuses == {"one": "failed", "two": "not written"}
    assert not project.out_dir.exists() or not list(project.out_dir.glob("*.txt"))


def use_project(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Make the command line build the test project instead of the bundled one."""
    monkeypatch.setattr(cli, "Settings", lambda: settings)


def test_cli_without_a_terminal_prints_plain_lines_then_the_table(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_project(monkeypatch, project)
    monkeypatch.setattr(documents, "REGISTRY", documents_of(one_waits_for_two))
    result = CliRunner().invoke(cli.main, ["build", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert without_seconds(result.stderr.splitlines()) == [
        "building one",
        "built one (3 pages, N s)",
        "building two",
        "built two (1 page, N s)",
    ]
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [
        ["document", "status"],
        ["one", "built"],
        ["two", "built"],
    ]


def test_cli_verbose_adds_steps_and_quiet_prints_nothing(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_project(monkeypatch, project)
    monkeypatch.setattr(documents, "REGISTRY", documents_of(one_waits_for_two))
    verbose = CliRunner().invoke(cli.main, ["build", "--jobs", "2", "--force", "-v"])
    assert verbose.exit_code == 0, verbose.output
    assert verbose.stderr.splitlines()[:2] == ["building one", "one: laying out"]
    quiet = CliRunner().invoke(cli.main, ["build", "--jobs", "2", "--force", "-q"])
    assert quiet.exit_code == 0
    assert quiet.output == ""


def test_cli_failure_shows_the_table_then_the_error(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_project(monkeypatch, project)
    monkeypatch.setattr(documents, "REGISTRY", documents_of(failing_one))
    result = CliRunner().invoke(cli.main, ["build", "--jobs", "1"])
    assert result.exit_code == 1
    assert [line.split()[:3] for line in result.stdout.splitlines()] == [
        ["document", "status", "pages"],
        ["one", "failed", "0.00"],
        ["two", "not", "written"],
    ]
    assert without_seconds(result.stderr.splitlines()) == [
        "building one",
        "failed one (N s)",
        "building two",
        "built two (1 page, N s)",
        "error: one failed: one.pdf has 3 pages; the limit is 2",
        "nothing was written",
    ]


def test_a_build_with_nothing_to_do_imports_no_heavy_library(
    project: Settings,
    tmp_path: Path,
) -> None:
    build_module.build(project, documents=DOCUMENTS)
    code = f"""
import sys
from pathlib import Path
from pipeline import cli, documents
from pipeline.documents import Document
from pipeline.settings import Settings
documents.REGISTRY = tuple(
    Document(n, f"{{n}}.html.j2", None, "x:y", (f"{{n}}.txt",)) for n in ("one", "two")
)
cli.Settings = lambda: Settings(
    data_dir=Path({str(project.data_dir)!r}),
    out_dir=Path({str(project.out_dir)!r}),
    templates_dir=Path({str(project.templates_dir)!r}),
)
try:
    cli.main(["build"])
except SystemExit as stop:
    print("EXIT", stop.code)
heavy = ("rich", "pandas", "numpy", "pyarrow", "weasyprint", "pypdfium2")
print("HEAVY=" + ",".join(m for m in heavy if m in sys.modules))
"""
    # stderr on a terminal, where a build with work to do would start the live display.
    main, other = os.openpty()
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=other, text=True
        )
    finally:
        os.close(main)
        os.close(other)
    lines = out.stdout.splitlines()
    assert lines[-2:] == ["EXIT 0", "HEAVY="], out.stdout
    assert "up to date" in lines[1]
    assert "up to date" in lines[2]


def test_an_unexpected_error_is_named_and_verbose_shows_its_traceback(
    project: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(name: str):
        def produce(tables: Mapping, meta: object, settings: Settings) -> list[Artifact]:
            return [Artifact(f"{name}.txt", {}["no-such-key"])]

        return produce

    use_project(monkeypatch, project)
    monkeypatch.setattr(documents, "REGISTRY", documents_of(broken))
    plain = CliRunner().invoke(cli.main, ["build", "--jobs", "2"])
    assert plain.exit_code == 1
    assert "error: one, two failed: KeyError: 'no-such-key'" in plain.stderr
    assert "Traceback" not in plain.stderr
    verbose = CliRunner().invoke(cli.main, ["build", "--jobs", "2", "-v"])
    assert verbose.exit_code == 1
    assert 'return [Artifact(f"{name}.txt", {}["no-such-key"])]' in verbose.stderr, "worker's own"

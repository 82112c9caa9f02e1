"""Every command explains itself, and --help does not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert main.commands[command].help


def test_unknown_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", "--no-such-option"])
    assert result.exit_code == 2


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from pipeline.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'numpy', 'pyarrow', 'weasyprint', 'pypdfium2')\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "HEAVY="


def test_python_dash_m_pipeline_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("k2brief, version ")

"""The k2brief command line: parse, build settings, call the core, map errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.settings import Settings

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding datapackage.json and the CSV tables (default: data/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="k2brief")
def main() -> None:
    """Validate evidence tables and build briefing documents from them."""


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for CI annotations.",
)
def validate(data_dir: Path | None, fmt: str) -> None:
    """Check every table and report every problem found, with file, line and column."""
    from pipeline.report import format_report
    from pipeline.validate import validate_package

    settings = Settings().with_overrides(data_dir=data_dir)
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    result = validate_package(settings.data_dir)
    click.echo(format_report(result.report, fmt, base=Path.cwd()), nl=False)
    sys.exit(EXIT_OK if result.report.valid else EXIT_INVALID)

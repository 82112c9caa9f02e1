"""The k2brief command line: parse, build settings, call the core, map errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.settings import DOCUMENTS, PAPER_SIZES, Settings

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u", "pdf/a-3a", "pdf/a-2b", "pdf/a-4u")

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


@main.command()
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder the outputs are written to (default: output/).",
)
@click.option(
    "--only",
    type=click.Choice(DOCUMENTS),
    multiple=True,
    help="Build only this document (repeatable).",
)
@click.option("--paper", type=click.Choice(PAPER_SIZES), default=None, help="Paper size [a4].")
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="Write a PDF/A or PDF/UA variant instead of a plain tagged PDF.",
)
@click.option(
    "--strict/--no-strict", default=None, help="Fail on any WeasyPrint warning (on in CI)."
)
def build(
    data_dir: Path | None,
    out_dir: Path | None,
    only: tuple[str, ...],
    paper: str | None,
    pdf_variant: str | None,
    strict: bool | None,
) -> None:
    """Validate the data, then build the briefing documents into the output folder."""
    from pipeline.build import build as run_build
    from pipeline.errors import InvalidDataError, K2BriefError
    from pipeline.report import format_report

    settings = Settings().with_overrides(
        data_dir=data_dir,
        out_dir=out_dir,
        only=only or None,
        paper=paper,
        pdf_variant=pdf_variant,
        strict=strict,
    )
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    try:
        result = run_build(settings)
    except InvalidDataError as error:
        click.echo(format_report(error.report, "text", base=Path.cwd()), err=True, nl=False)
        click.echo("error: the data is invalid; no output was written", err=True)
        sys.exit(EXIT_INVALID)
    except K2BriefError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    for path in result.written:
        click.echo(f"wrote {_shown(path)}")


def _shown(path: Path) -> str:
    """Show a path relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

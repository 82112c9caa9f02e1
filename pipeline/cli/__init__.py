"""The k2brief command line: parse, build settings, call the core, map errors to exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli.brand import brand_option, branding, overrides_option
from pipeline.cli.languages import asked_languages, implied_languages, lang_option
from pipeline.cli.options import data_option, out_option
from pipeline.cli.running import (
    EXIT_INVALID,
    EXIT_OK,
    build_with_progress,
    run_action,
    shown,
    summary,
)
from pipeline.documents import NAMES as DOCUMENTS
from pipeline.documents import translated_names
from pipeline.settings import PAPER_SIZES, Settings

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u", "pdf/a-3a", "pdf/a-2b", "pdf/a-4u", "tagged")


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
@click.option(
    "--against",
    "old_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Previous edition's data folder: report numbers rounded from its values.",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="LANG",
    help="Also check the translations into this language (repeatable; 'all').",
)
@click.option("--strict", is_flag=True, help="Count a stale translation as an error.")
@brand_option
@overrides_option
def validate(
    data_dir: Path | None,
    fmt: str,
    old_dir: Path | None,
    langs: tuple[str, ...],
    strict: bool,
    brand_file: Path | None,
    overrides_dir: Path | None,
) -> None:
    """Check every table and report every problem found, with file, line and column.

    With --against OLD, also compare each row with OLD's by primary key: a number that
    only lost decimals is a precision-loss warning; a p value rounded across 0.05 an error.
    With --lang, also check that language's translations: missing for any text its handout
    or chart shows, stale (the English changed since), or naming no cell.
    The brand file and the overrides folder are checked too, with the data.
    Exit status: 0 valid (warnings allowed), 1 invalid data (a malformed datapackage.json
    included), 2 usage error (unknown option or language, no data folder, no datapackage.json).
    """
    from pipeline.validate.schema import PACKAGE_FILE

    settings = Settings().with_overrides(data_dir=data_dir, **branding(brand_file, overrides_dir))
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    if not (settings.data_dir / PACKAGE_FILE).is_file():
        raise click.UsageError(f"no {PACKAGE_FILE} in {settings.data_dir}")
    if old_dir is not None and not (old_dir / PACKAGE_FILE).is_file():
        raise click.UsageError(f"no {PACKAGE_FILE} in {old_dir} (--against)")
    # numpy's BLAS threads would only spin beside the validator's own threads.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pipeline.report import format_report
    from pipeline.validate.package import validate_package

    if old_dir is None:
        result = run_action(lambda: validate_package(settings.data_dir))
    else:
        from pipeline.validate.against import validate_against

        result = run_action(lambda: validate_against(settings.data_dir, old_dir))
    report = result.report
    wanted = asked_languages(langs)
    if wanted and report.valid:
        from pipeline.validate.translations import with_translations

        report = run_action(
            lambda: with_translations(report, result.tables, settings, wanted, strict)
        )
    from pipeline.brand.project import with_project_findings

    report = run_action(lambda: with_project_findings(report, settings))
    click.echo(format_report(report, fmt, base=Path.cwd()), nl=False)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)


@main.command()
@data_option
@click.option("--lang", required=True, metavar="LANG", help="The language to translate into.")
def translations(data_dir: Path | None, lang: str) -> None:
    """Print, as CSV, the translations.csv rows LANG still needs, hashes filled in.

    One row per cell its handout or chart shows untranslated or whose English changed,
    with the English in a last column: fill in text and translated_by, delete the english
    column, and add the rows to translations.csv.
    """
    import csv

    from pipeline.validate.translations import FIELDS, rows_needed

    settings = Settings().with_overrides(data_dir=data_dir)
    (code,) = asked_languages((lang,))
    rows = run_action(lambda: rows_needed(settings, code))
    writer = csv.DictWriter(sys.stdout, [*FIELDS, "english"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@main.command()
@data_option
@click.option("--dry-run", is_flag=True, help="Print the repairs and change nothing.")
def fix(data_dir: Path | None, dry_run: bool) -> None:
    """Repair in place what a spreadsheet did and can be undone losslessly, then validate.

    Prints each repair as file:line:column: repair: what → what, and each problem left
    for a person with the reason. Exit status: 0 valid after the repairs, 1 findings
    remain, 2 usage error.
    """
    from pipeline.validate.schema import PACKAGE_FILE

    settings = Settings().with_overrides(data_dir=data_dir)
    if not (settings.data_dir / PACKAGE_FILE).is_file():
        raise click.UsageError(f"no {PACKAGE_FILE} in {settings.data_dir}")
    from pipeline.fix import repair

    lines, valid = repair(settings.data_dir, Path.cwd(), dry_run=dry_run)
    for line in lines:
        click.echo(line)
    sys.exit(EXIT_OK if valid else EXIT_INVALID)


@main.command()
@data_option
@out_option
@click.option(
    "--only",
    type=click.Choice(DOCUMENTS + translated_names()),
    multiple=True,
    help="Build only this document (repeatable).",
)
@click.option("--paper", type=click.Choice(PAPER_SIZES), default=None, help="Paper size [a4].")
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="PDF/UA-1 (accessible) by default; a PDF/A variant, or tagged: no conformance claimed.",
)
@click.option(
    "--strict/--no-strict", default=None, help="Fail on any WeasyPrint warning (on in CI)."
)
@click.option(
    "--since",
    type=click.Path(path_type=Path),
    default=None,
    help="Previous edition (data folder or dist zip): say what changed since it.",
)
@lang_option
@brand_option
@overrides_option
@click.option("--force", is_flag=True, help="Rebuild every document, even if up to date.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Documents rendered at once in worker processes [number of cores].",
)
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option(
    "--verbose", "-v", is_flag=True, help="Without a terminal, also print WeasyPrint's steps."
)
def build(
    data_dir: Path | None,
    out_dir: Path | None,
    only: tuple[str, ...],
    paper: str | None,
    pdf_variant: str | None,
    strict: bool | None,
    since: Path | None,
    langs: tuple[str, ...],
    brand_file: Path | None,
    overrides_dir: Path | None,
    force: bool,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate the data, then build the out-of-date documents into the output folder.

    On a terminal each document's progress shows live; otherwise (CI) as plain lines.
    With --since OLD the briefing gains a "Changes in this edition" section and the handout
    a line naming what a patient would notice changed.
    """
    settings = Settings().with_overrides(
        data_dir=data_dir,
        out_dir=out_dir,
        only=only or None,
        paper=paper,
        pdf_variant=pdf_variant,
        strict=strict,
        since=since,
        langs=asked_languages(langs + implied_languages(only)) or None,
        **branding(brand_file, overrides_dir),
    )
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    jobs = jobs or os.cpu_count() or 1
    result = run_action(
        lambda: build_with_progress(settings, force, jobs, quiet=quiet, verbose=verbose)
    )
    if not quiet:
        click.echo(summary(result.documents))


@main.command()
@out_option
def clean(out_dir: Path | None) -> None:
    """Remove what k2brief generated in the output folder, and nothing else."""
    from pipeline.build.clean import clean as run_clean

    settings = Settings().with_overrides(out_dir=out_dir)
    removed = run_action(lambda: run_clean(settings.out_dir))
    click.echo(f"removed {len(removed)} file(s) from {shown(settings.out_dir)}")


@main.command()
@data_option
@out_option
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder the archive is written to.",
)
def dist(data_dir: Path | None, out_dir: Path | None, dist_dir: Path) -> None:
    """Pack the built PDFs, HTML, chart images and manifest into a reproducible zip."""
    from pipeline.build.dist import make_archive

    settings = Settings().with_overrides(data_dir=data_dir, out_dir=out_dir)
    target = run_action(lambda: make_archive(settings.out_dir, settings.data_dir, dist_dir))
    click.echo(f"wrote {shown(target)}")


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, markdown for release notes.",
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when the editions differ.")
def diff(old: Path, new: Path, fmt: str, exit_code: bool) -> None:
    """Show what changed from edition OLD to NEW, table by table, by primary key.

    OLD and NEW are data folders (holding datapackage.json) or zips made by `k2brief dist`.
    Exit status: 0 (with --exit-code: 0 no change, 1 changes), 1 an edition cannot be
    read, 2 usage error (OLD or NEW is not a data folder or a zip).
    """
    from pipeline.changes.compare import compare_paths
    from pipeline.changes.formats import format_comparison

    comparison = run_action(lambda: compare_paths(old, new))
    click.echo(format_comparison(comparison, fmt), nl=False)
    sys.exit(EXIT_INVALID if exit_code and comparison.changes else EXIT_OK)


@main.command()
@data_option
@out_option
@click.option("--paper", type=click.Choice(PAPER_SIZES), default=None, help="Paper size [a4].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@lang_option
@brand_option
@overrides_option
def watch(
    data_dir: Path | None,
    out_dir: Path | None,
    paper: str | None,
    jobs: int | None,
    langs: tuple[str, ...],
    brand_file: Path | None,
    overrides_dir: Path | None,
) -> None:
    """Rebuild what changed each time a data file, template, style or the brand is saved."""
    from pipeline.build.watch import watch as run_watch

    settings = Settings().with_overrides(
        data_dir=data_dir,
        out_dir=out_dir,
        paper=paper,
        langs=asked_languages(langs) or None,
        **branding(brand_file, overrides_dir),
    )
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    run_action(lambda: run_watch(settings, click.echo, jobs=jobs or os.cpu_count() or 1))


@main.command()
@data_option
@out_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 to serve on (0: any free port).",
)
@click.option(
    "--open/--no-open", "open_browser", default=False, help="Open the index in a browser."
)
@lang_option
@brand_option
@overrides_option
def serve(
    data_dir: Path | None,
    out_dir: Path | None,
    port: int,
    open_browser: bool,
    langs: tuple[str, ...],
    brand_file: Path | None,
    overrides_dir: Path | None,
) -> None:
    """Serve the documents on this machine, updating each page within a second of a save.

    The HTML is re-rendered at once; the PDFs are built behind it into the output folder,
    which keeps its last good files while the data or a template has problems.
    """
    from pipeline.build.serve import serve as run_serve

    settings = Settings().with_overrides(
        data_dir=data_dir,
        out_dir=out_dir,
        langs=asked_languages(langs) or None,
        **branding(brand_file, overrides_dir),
    )
    if not settings.data_dir.is_dir():
        raise click.UsageError(f"data folder not found: {settings.data_dir}")
    jobs = os.cpu_count() or 1
    run_action(
        lambda: run_serve(settings, click.echo, port=port, open_browser=open_browser, jobs=jobs)
    )

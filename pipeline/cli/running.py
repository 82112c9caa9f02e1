"""How the commands run the core: progress, one-line errors, exit codes and summaries."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from pipeline.build.progress import Progress
    from pipeline.build.run import BuildResult, DocumentStatus
    from pipeline.settings import Settings

T = TypeVar("T")
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def run_action(action: Callable[[], T]) -> T:
    """Run a core action, turning its known failures and OS errors into one-line messages."""
    from pipeline.errors import InvalidDataError, K2BriefError, describe_os_error

    try:
        return action()
    except InvalidDataError as error:
        from pipeline.report import format_report

        click.echo(format_report(error.report, "text", base=Path.cwd()), err=True, nl=False)
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except K2BriefError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except OSError as error:
        # Any the core did not name itself: still one line, never a traceback.
        click.echo(f"error: {describe_os_error(error, 'access')}", err=True)
        sys.exit(EXIT_INVALID)


def summary(documents: Iterable[DocumentStatus]) -> str:
    """Format the end-of-build table: document, status, pages, size, seconds."""
    documents = list(documents)
    # As wide as the longest name, so a translated document (comparison-chart.es) stays aligned.
    width = max([18, *(len(doc.name) for doc in documents)])
    header = f"{'document':<{width}} {'status':<11} {'pages':>5} {'size':>9} {'seconds':>8}"
    lines = [header]
    for doc in documents:
        pages = "" if doc.pages is None else str(doc.pages)
        size = f"{doc.size / 1024:.0f} KiB" if doc.outputs else ""
        name, seconds = f"{doc.name:<{width}}", f"{doc.seconds:>8.2f}"
        lines.append(f"{name} {doc.status:<11} {pages:>5} {size:>9} {seconds}")
    return "\n".join(lines)


def shown(path: Path) -> str:
    """Show a path relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_with_progress(
    settings: Settings, force: bool, jobs: int, *, quiet: bool, verbose: bool
) -> BuildResult:
    """Build with progress shown; on failure show the table (failed rows too), then re-raise."""
    from pipeline.build.run import DocumentsFailed, build

    try:
        # The display stops before anything else is printed, the error included.
        with reporter(quiet, verbose) as progress:
            return build(settings, force=force, jobs=jobs, progress=progress)
    except DocumentsFailed as error:
        if not quiet:
            click.echo(summary(error.documents))
        for details in error.details.values() if verbose else ():
            click.echo(details, err=True, nl=False)
        raise


def reporter(quiet: bool, verbose: bool) -> AbstractContextManager[Progress]:
    """Choose how progress shows: nothing, a live display on a terminal, or plain lines."""
    from pipeline.build.progress import LiveReporter, PlainReporter

    stream = sys.stderr
    if quiet:
        return nullcontext(lambda _event: None)
    if stream.isatty() and os.environ.get("TERM") != "dumb":
        return LiveReporter(stream)
    return PlainReporter(lambda line: click.echo(line, err=True), verbose=verbose)

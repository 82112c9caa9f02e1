"""Rebuild what changed whenever a data file, template or style is saved."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pipeline.build.run import BuildResult, build
from pipeline.errors import InvalidDataError, K2BriefError, describe_os_error
from pipeline.settings import Settings


def build_once(settings: Settings, say: Callable[[str], None], jobs: int) -> BuildResult | None:
    """Build, reporting failures instead of raising, so the last good outputs stay in place."""
    try:
        result = build(settings, jobs=jobs)
    except InvalidDataError as error:
        from pipeline.report import format_report

        say(format_report(error.report, "text", base=settings.data_dir.parent).rstrip())
        say("the data is invalid; the previous outputs are kept")
        return None
    except K2BriefError as error:
        say(f"error: {error}; the previous outputs are kept")
        return None
    except OSError as error:
        say(f"error: {describe_os_error(error, 'access')}; the previous outputs are kept")
        return None
    built = [doc.name for doc in result.documents if doc.status == "built"]
    say(f"rebuilt {', '.join(built)}" if built else "everything is up to date")
    return result


def watch(
    settings: Settings,
    say: Callable[[str], None],
    *,
    jobs: int = 1,
    stop: threading.Event | None = None,
) -> None:
    """Build now, then again after every batch of saved changes until stopped."""
    import watchfiles

    build_once(settings, say, jobs)
    paths = [settings.data_dir, settings.templates_dir]
    say(f"watching {', '.join(str(p) for p in paths)} (Ctrl-C to stop)")
    for changes in watchfiles.watch(*paths, stop_event=stop, debounce=300, raise_interrupt=False):
        names = sorted({path.rsplit("/", 1)[-1] for _, path in changes})
        say(f"changed: {', '.join(names)}")
        build_once(settings, say, jobs)

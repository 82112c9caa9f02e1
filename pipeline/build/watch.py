"""Rebuild what changed whenever a data file, template or style is saved."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath

from pipeline.build.run import BuildResult, build
from pipeline.errors import InvalidDataError, K2BriefError, describe_os_error
from pipeline.i18n import LOCALE_DIR
from pipeline.settings import Settings

#: Files that editors and spreadsheets write beside the one being edited, never data:
#: LibreOffice's lock (.~lock.foods.csv#), Excel's owner file (~$foods.csv), temporary
#: copies (*.tmp), backups (foods.csv~), Emacs locks (.#foods.csv), sed -i's sedXXXXXX,
#: Vim's swap files and k2brief's own staged outputs.
TEMPORARY = re.compile(
    r"^\.~lock\..*#$|^~\$|\.tmp$|~$|^\.#|^sed[A-Za-z0-9]{6}$|^\..*\.sw[a-p]$|^4913$"
)
#: Milliseconds to gather a burst of saves (a spreadsheet writes several files) into one.
DEBOUNCE_MS = 300


def is_temporary(path: str | PurePath) -> bool:
    """Return True for an editor's or spreadsheet's temporary or lock file."""
    return TEMPORARY.search(PurePath(path).name) is not None


def changes(
    paths: Iterable[Path], stop: threading.Event | None = None, *, raise_interrupt: bool = False
) -> Iterator[list[str]]:
    """Yield the names of the files saved in each burst of changes, temporary files left out."""
    import watchfiles

    class _Filter(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            return not is_temporary(path) and super().__call__(change, path)

    for batch in watchfiles.watch(
        *paths,
        watch_filter=_Filter(),
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        raise_interrupt=raise_interrupt,
    ):
        yield sorted({PurePath(path).name for _, path in batch})


def watched_paths(settings: Settings) -> list[Path]:
    """Return what to watch: data, templates, catalogues (--lang), overrides, brand files.

    The brand file, logo and fonts are watched one by one, not their folder, which may be
    the project's root with output/ in it.
    """
    from pipeline.brand.project import loaded_brand

    paths = [settings.data_dir, settings.templates_dir]
    if settings.langs and LOCALE_DIR.is_dir():
        paths.append(LOCALE_DIR)  # a saved catalogue rebuilds its language's documents
    if settings.overrides_dir is not None:
        paths.append(settings.overrides_dir)
    loaded = loaded_brand(settings)
    paths += [path for path in (loaded.files if loaded else ()) if path.exists()]
    return paths


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
    build_once(settings, say, jobs)
    paths = watched_paths(settings)
    say(f"watching {', '.join(str(p) for p in paths)} (Ctrl-C to stop)")
    for names in changes(paths, stop):
        say(f"changed: {', '.join(names)}")
        build_once(settings, say, jobs)

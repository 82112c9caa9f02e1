"""Exceptions the core raises and the CLI maps to exit codes."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager


class K2BriefError(Exception):
    """A failure with a message fit to show a user as it is."""

    exit_code = 1


class InvalidDataError(K2BriefError):
    """The data did not validate, so nothing was built."""

    def __init__(
        self, report: object, message: str = "the data is invalid; no output was written"
    ) -> None:
        super().__init__(message)
        self.report = report


class BuildError(K2BriefError):
    """Rendering failed or broke a rule (strict mode, fonts, page limits)."""


class ResourceRefusedError(K2BriefError):
    """A template or a cell asked for a resource outside the project."""


class FileSystemError(K2BriefError):
    """The operating system refused to read or write a file: full disk, permissions, a path."""


#: What to do next for the faults a user can fix, by errno.
_ADVICE = {
    errno.ENOSPC: "free some space and run again",
    errno.EDQUOT: "free some space within your quota and run again",
    errno.EACCES: "check the permissions of the file and its folder",
    errno.EPERM: "check the permissions of the file and its folder",
    errno.EROFS: "choose a folder on a writable disk",
    errno.ENOTDIR: "a file stands where a folder should be; move it or choose another folder",
    errno.EEXIST: "a file stands where a folder should be; move it or choose another folder",
    errno.EISDIR: "a folder stands where a file should be; move it or choose another name",
    errno.ENOENT: "the file or folder is missing (moved or deleted while k2brief ran?)",
}


def describe_os_error(error: OSError, action: str, path: object = None) -> str:
    """Say in one line what could not be done to which path, why, and what to do next."""
    where = path if path is not None else error.filename
    reason = (error.strerror or str(error) or type(error).__name__).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    advice = _ADVICE.get(error.errno or -1)
    target = f" {where}" if where is not None else ""
    line = f"cannot {action}{target}: {reason}" + (f"; {advice}" if advice else "")
    return " ".join(line.split())


@contextmanager
def os_errors(action: str, path: object = None) -> Iterator[None]:
    """Turn an OSError raised inside into a FileSystemError naming the action and the path."""
    try:
        yield
    except FileSystemError:
        raise
    except OSError as error:
        raise FileSystemError(describe_os_error(error, action, path)) from error

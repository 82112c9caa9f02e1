"""OS errors are said in words: what could not be done, to which path, why, what next."""

from __future__ import annotations

import errno
import os

import pytest

from pipeline.errors import FileSystemError, describe_os_error, os_errors


def test_full_disk_is_one_line_with_path_reason_and_advice() -> None:
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert describe_os_error(error, "write", "out/briefing.pdf") == (
        "cannot write out/briefing.pdf: no space left on device; free some space and run again"
    )


def test_path_defaults_to_the_errors_filename() -> None:
    error = PermissionError(errno.EACCES, "Permission denied", "data/foods.csv")
    message = describe_os_error(error, "read")
    assert message.startswith("cannot read data/foods.csv: permission denied; check")


def test_os_errors_turns_an_oserror_into_a_filesystemerror() -> None:
    expected = r"cannot create the output folder x: not a dir"
    with pytest.raises(FileSystemError, match=expected), os_errors("create the output folder", "x"):
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory")

"""Exceptions the core raises and the CLI maps to exit codes."""

from __future__ import annotations


class K2BriefError(Exception):
    """A failure with a message fit to show a user as it is."""

    exit_code = 1


class InvalidDataError(K2BriefError):
    """The data did not validate, so nothing was built."""

    def __init__(self, report: object) -> None:
        super().__init__("the data is invalid; nothing was written")
        self.report = report


class BuildError(K2BriefError):
    """Rendering failed or broke a rule (strict mode, fonts, page limits)."""


class ResourceRefusedError(K2BriefError):
    """A template or a cell asked for a resource outside the project."""

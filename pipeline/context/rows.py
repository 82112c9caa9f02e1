"""Cells and rows of the typed tables as plain Python values: the context stage's helpers."""

from __future__ import annotations

import math

import pandas as pd


def text(value: object) -> str | None:
    """Return a cell as a stripped string, or None when it is missing or blank."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    stripped = str(value).strip()
    return stripped or None


def number(value: object) -> float | None:
    """Return a cell as a float, or None when it is missing."""
    if value is None or value is pd.NA:
        return None
    result = float(value)  # type: ignore[arg-type]
    return None if math.isnan(result) else result


def integer(value: object) -> int | None:
    """Return a cell as an int, or None when it is missing."""
    result = number(value)
    return None if result is None else int(result)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return a table's rows as dicts in file order."""
    if "_line" in frame.columns:
        frame = frame.sort_values("_line", kind="stable")
    return frame.to_dict("records")

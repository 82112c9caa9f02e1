"""How numbers and p values are written in every document; no Jinja, so any stage may use it."""

from __future__ import annotations

import math

from pipeline.i18n import format_decimal, format_fixed

MISSING = "—"


def is_missing(value: object) -> bool:
    """Tell whether a value stands for 'no data' (None, NaN or pandas' NA)."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return str(value) == "<NA>"


def fmt_number(value: object, digits: int | None = None) -> str:
    """Format a number with thousands separators and no needless trailing zeros."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    if digits is None:
        digits = 0 if number.is_integer() or abs(number) >= 100 else (1 if abs(number) >= 1 else 2)
    local = format_decimal(number, digits)
    if local is not None:
        return local.replace("-", "−")
    text = f"{number:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def fmt_ratio(value: object) -> str:
    """Format an odds, risk or hazard ratio or its limit: always two decimals, as journals do."""
    if is_missing(value):
        return MISSING
    ratio = float(value)  # type: ignore[arg-type]
    return format_fixed(ratio, 2) or f"{ratio:.2f}"


def fmt_p(value: object) -> str:
    """Format a p value the way journals do: P = 0.047, P < 0.001."""
    if is_missing(value):
        return MISSING
    p = float(value)  # type: ignore[arg-type]
    if p < 0.001:
        return f"P < {format_fixed(0.001, 3) or '0.001'}"
    digits = 3 if p < 0.1 else 2
    return f"P = {format_fixed(p, digits) or f'{p:.{digits}f}'}"

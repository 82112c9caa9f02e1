"""Render Jinja2 templates into HTML strings: strict, autoescaped, no figures in templates."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

MISSING = "—"


def _is_missing(value: object) -> bool:
    """Tell whether a value stands for 'no data' (None, NaN or pandas' NA)."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return str(value) == "<NA>"


def fmt_number(value: object, digits: int | None = None) -> str:
    """Format a number with thousands separators and no needless trailing zeros."""
    if _is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    if digits is None:
        digits = 0 if number.is_integer() or abs(number) >= 100 else (1 if abs(number) >= 1 else 2)
    text = f"{number:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def fmt_p(value: object) -> str:
    """Format a p value the way journals do: P = 0.047, P < 0.001."""
    if _is_missing(value):
        return MISSING
    p = float(value)  # type: ignore[arg-type]
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.3f}" if p < 0.1 else f"P = {p:.2f}"


def data_uri(payload: bytes, mediatype: str) -> str:
    """Embed bytes as a data: URI so HTML files stay self-contained."""
    return f"data:{mediatype};base64,{base64.b64encode(payload).decode('ascii')}"


@cache
def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Build the one Jinja2 environment: StrictUndefined and autoescaping everywhere."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = fmt_number
    env.filters["pvalue"] = fmt_p
    env.tests["missing"] = _is_missing
    return env


def render(templates_dir: Path, template: str, context: Mapping[str, object]) -> str:
    """Render one template with its context into an HTML string."""
    return make_environment(templates_dir).get_template(template).render(**context)


def safe_svg(svg: str) -> Markup:
    """Mark chart SVG made by our own plotting code as safe to inline."""
    return Markup(svg)

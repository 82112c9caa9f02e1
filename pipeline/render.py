"""Render Jinja2 templates into HTML strings: strict, autoescaped, no figures in templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, partial
from pathlib import Path

import jinja2

from pipeline.formats import fmt_number, fmt_p, fmt_ratio, is_missing

_CUSTOM_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
_VAR = re.compile(r"var\((--[\w-]+)\)")


@cache
def css_tokens(templates_dir: Path) -> dict[str, str]:
    """Read the custom properties of css/base.css, each resolved to its final value."""
    css = (templates_dir / "css" / "base.css").read_text(encoding="utf-8")
    raw = dict(_CUSTOM_PROPERTY.findall(css))

    def resolve(value: str) -> str:
        link = _VAR.fullmatch(value.strip())
        return resolve(raw[link[1]]) if link else value.strip()

    return {name: resolve(value) for name, value in raw.items()}


def css_token(templates_dir: Path, name: str, default: str | None = None) -> str:
    """Return a CSS token's value for inline SVG, which does not see the document's CSS."""
    tokens = css_tokens(templates_dir)
    if name in tokens or default is None:
        return tokens[name]
    return default


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
    env.filters["token"] = partial(css_token, templates_dir)
    env.filters["num"] = fmt_number
    env.filters["pvalue"] = fmt_p
    env.filters["ratio"] = fmt_ratio
    env.tests["missing"] = is_missing
    return env


def render(templates_dir: Path, template: str, context: Mapping[str, object]) -> str:
    """Render one template with its context into an HTML string."""
    return make_environment(templates_dir).get_template(template).render(**context)

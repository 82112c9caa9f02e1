"""Render Jinja2 templates into HTML strings: strict, autoescaped, no figures in templates."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import jinja2

from pipeline.formats import fmt_number, fmt_p, is_missing


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
    env.tests["missing"] = is_missing
    return env


def render(templates_dir: Path, template: str, context: Mapping[str, object]) -> str:
    """Render one template with its context into an HTML string."""
    return make_environment(templates_dir).get_template(template).render(**context)

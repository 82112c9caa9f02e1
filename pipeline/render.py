"""Render Jinja2 templates into HTML strings: strict, autoescaped, no figures in templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, partial
from pathlib import Path

import jinja2
import markupsafe

from pipeline import i18n
from pipeline.formats import fmt_number, fmt_p, fmt_ratio, is_missing
from pipeline.translate import note_shown

_CUSTOM_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
_VAR = re.compile(r"var\((--[\w-]+)\)")


#: Where templates are looked up: one folder, or overrides first and then k2brief's own.
SearchPath = Path | tuple[Path, ...]


def _folders(search: SearchPath) -> tuple[Path, ...]:
    return search if isinstance(search, tuple) else (search,)


def find_template(search: SearchPath, name: str) -> Path | None:
    """Return the file a template name is read from: the first folder that has it."""
    return next((d / name for d in _folders(search) if (d / name).is_file()), None)


@cache
def css_tokens(search: SearchPath) -> dict[str, str]:
    """Read the custom properties of css/base.css, each resolved to its final value."""
    path = find_template(search, "css/base.css") or _folders(search)[-1] / "css" / "base.css"
    css = path.read_text(encoding="utf-8")
    raw = dict(_CUSTOM_PROPERTY.findall(css))

    def resolve(value: str) -> str:
        link = _VAR.fullmatch(value.strip())
        return resolve(raw[link[1]]) if link else value.strip()

    return {name: resolve(value) for name, value in raw.items()}


def css_token(search: SearchPath, name: str, default: str | None = None) -> str:
    """Return a CSS token's value for inline SVG, which does not see the document's CSS."""
    tokens = css_tokens(search)
    if name in tokens or default is None:
        return tokens[name]
    return default


def css_content(text: str) -> markupsafe.Markup:
    """Turn "Page {page} of {pages}" into a CSS content value with the page counters.

    The value goes into a <style> element, where HTML escaping would be read literally,
    so it is quoted for CSS instead, and a "<" cannot end the element.
    """
    quoted = '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ") + '"'
    for name in ("page", "pages"):
        quoted = quoted.replace("{" + name + "}", f'" counter({name}) "')
    return markupsafe.Markup(quoted.replace('"" ', "").replace(' ""', ""))


@cache
def make_environment(
    search: SearchPath, language: i18n.Language | None = None
) -> jinja2.Environment:
    """Build the Jinja2 environment of a language: StrictUndefined and autoescaping everywhere.

    Given several folders, a template is read from the first that has it, so an override
    replaces k2brief's template or stylesheet of the same name and stays just as strict.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in _folders(search)]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    active = language or i18n.Language()
    if active.messages is None:
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    else:
        env.install_gettext_translations(active.messages.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = active.code
    env.globals["translation_reviewed"] = active.reviewed
    env.filters["css_content"] = css_content
    env.filters["date"] = i18n.format_iso_date
    env.filters["token"] = partial(css_token, search)
    env.filters["num"] = fmt_number
    env.filters["pvalue"] = fmt_p
    env.filters["ratio"] = fmt_ratio
    env.tests["missing"] = is_missing
    return env


def render(search: SearchPath, template: str, context: Mapping[str, object]) -> str:
    """Render one template with its context into an HTML string."""
    # The filters format for the active language, set by i18n.language() around the build.
    environment = make_environment(search, i18n.current())
    html = environment.get_template(template).render(**context)
    note_shown(html)
    return html

"""Produce the evidence briefing and the patient handout, each as HTML and PDF."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pipeline.context.briefing import as_template_vars, briefing_context, handout_context
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.render import render

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import DatasetMeta
    from pipeline.settings import Settings

#: The handout is a sheet to hand over: it must fit on both sides of one page.
HANDOUT_MAX_PAGES = 2


def _artifacts(
    name: str, html: str, meta: DatasetMeta, settings: Settings, max_pages: int | None = None
) -> list[Artifact]:
    """Render one document's HTML to PDF and return both files."""
    from pipeline.pdf.engine import html_to_pdf

    result = html_to_pdf(
        html,
        base_dir=settings.templates_dir,
        variant=settings.pdf_variant,
        strict=settings.strict,
        identifier=f"{name}:{meta.sha256}:{settings.paper}:{settings.pdf_variant}",
    )
    if max_pages is not None and result.pages > max_pages:
        raise BuildError(
            f"{name}.pdf has {result.pages} pages on {settings.paper} paper; "
            f"the limit is {max_pages}. Shorten the data it shows or its template."
        )
    return [
        Artifact(f"{name}.pdf", result.data, result.pages),
        Artifact(f"{name}.html", html.encode("utf-8")),
    ]


def render_html(
    name: str,
    build_context: Callable[..., object],
    tables: Mapping[str, pd.DataFrame],
    meta: DatasetMeta,
    settings: Settings,
) -> str:
    """Compute a document's context and render its template to an HTML string."""
    context = build_context(tables, meta, settings)
    return render(settings.templates_dir, f"{name}.html.j2", as_template_vars(context))


def produce_briefing(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build briefing.pdf and briefing.html from the validated tables."""
    html = render_html("briefing", briefing_context, tables, meta, settings)
    return _artifacts("briefing", html, meta, settings)


def produce_handout(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build handout.pdf and handout.html, failing if the handout outgrows two pages."""
    html = render_html("handout", handout_context, tables, meta, settings)
    return _artifacts("handout", html, meta, settings, HANDOUT_MAX_PAGES)

"""Produce the one-page comparison chart of vitamins K1, K2 and D as PDF, SVG and PNG."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pipeline.context_chart import ChartLimits, build_chart_context
from pipeline.errors import BuildError
from pipeline.fit import fit_one_page
from pipeline.outputs import Artifact
from pipeline.render import render

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.meta import DatasetMeta
    from pipeline.settings import Settings

NAME = "comparison-chart"
TEMPLATE = f"{NAME}.html.j2"


def chart_html(
    tables: Mapping[str, pd.DataFrame],
    meta: DatasetMeta,
    settings: Settings,
    limits: ChartLimits,
    page_height_mm: float | None = None,
) -> str:
    """Render the chart's HTML for one set of limits, on the paper or a taller page."""
    context = build_chart_context(tables, meta, settings, limits, page_height_mm)
    return render(settings.templates_dir, TEMPLATE, {"ctx": context})


def fitted_html(tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings) -> str:
    """Return the chart's HTML at the most generous limits that fit one page."""
    from pipeline.pdf import layout_boxes

    result = fit_one_page(
        lambda limits, height: chart_html(tables, meta, settings, limits, height),
        lambda html: layout_boxes(html, base_dir=settings.templates_dir),
        settings.paper,
    )
    return result.html


def produce_chart(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build the chart as a one-page PDF, and an SVG and a PNG drawn from that PDF."""
    from pipeline.pdf import html_to_pdf
    from pipeline.pdf_images import page_images

    html = fitted_html(tables, meta, settings)
    pdf = html_to_pdf(
        html,
        base_dir=settings.templates_dir,
        variant=settings.pdf_variant,
        strict=settings.strict,
        identifier=f"{NAME}:{meta.sha256}:{settings.paper}:{settings.pdf_variant}",
    )
    if pdf.pages != 1:
        raise BuildError(f"{NAME}.pdf came out with {pdf.pages} pages; it must have one")
    images = page_images(pdf.data)
    return [
        Artifact(f"{NAME}.pdf", pdf.data, pdf.pages),
        Artifact(f"{NAME}.svg", images.svg),
        Artifact(f"{NAME}.png", images.png),
    ]

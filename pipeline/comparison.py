"""Produce the one-page comparison chart of vitamins K1, K2 and D as PDF, SVG and PNG."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.context_chart import ChartData, ChartLimits, build_chart_context, chart_data
from pipeline.errors import BuildError
from pipeline.fit import fit_one_page
from pipeline.outputs import Artifact
from pipeline.render import render

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.meta import DatasetMeta
    from pipeline.pdf import PdfResult
    from pipeline.pdf_images import PageImages
    from pipeline.settings import Settings

NAME = "comparison-chart"
TEMPLATE = f"{NAME}.html.j2"


@dataclass(frozen=True)
class ChartBuild:
    """The fitted chart: its HTML, the limits chosen, the PDF and the images drawn from it."""

    html: str
    limits: ChartLimits
    pdf: PdfResult
    images: PageImages


def chart_html(
    data: ChartData,
    meta: DatasetMeta,
    settings: Settings,
    limits: ChartLimits,
    page_height_mm: float | None = None,
) -> str:
    """Render the chart's HTML for one set of limits, on the paper or a taller page."""
    context = build_chart_context(data, meta, settings, limits, page_height_mm)
    return render(settings.templates_dir, TEMPLATE, {"ctx": context})


def render_chart(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> ChartBuild:
    """Fit the chart on one page, render its PDF and draw the SVG and PNG from that PDF."""
    from pipeline.pdf import layout_boxes, render_document, write_pdf
    from pipeline.pdf_images import page_images

    data = chart_data(tables)
    fitted = fit_one_page(
        lambda limits, height: chart_html(data, meta, settings, limits, height),
        lambda html: layout_boxes(html, base_dir=settings.templates_dir),
        settings.paper,
    )
    # The layout that fitted is the chart: write it rather than lay the same HTML out again.
    rendered = fitted.layout.rendered if fitted.layout else None
    pdf = write_pdf(
        rendered or render_document(fitted.html, base_dir=settings.templates_dir),
        variant=settings.pdf_variant,
        strict=settings.strict,
        identifier=f"{NAME}:{meta.sha256}:{settings.paper}:{settings.pdf_variant}",
    )
    if pdf.pages != 1:
        raise BuildError(f"{NAME}.pdf came out with {pdf.pages} pages; it must have one")
    return ChartBuild(fitted.html, fitted.limits, pdf, page_images(pdf.data))


def produce_chart(
    tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build comparison-chart.pdf, and .svg and .png drawn from it, from the tables."""
    chart = render_chart(tables, meta, settings)
    return [
        Artifact(f"{NAME}.pdf", chart.pdf.data, chart.pdf.pages),
        Artifact(f"{NAME}.svg", chart.images.svg),
        Artifact(f"{NAME}.png", chart.images.png),
    ]

"""Produce the one-page comparison chart of vitamins K1, K2 and D as PDF and PNG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.chart.context import (
    ChartData,
    ChartLimits,
    ProbeRow,
    build_chart_context,
    chart_data,
    chart_rows,
    content_height_mm,
)
from pipeline.chart.estimate import (
    Measured,
    make_probe,
    predict_overflows,
    predictable,
    same_shape,
)
from pipeline.chart.fit import (
    MEASURE_HEIGHT_MM,
    PREDICTION_MARGIN,
    PX_PER_MM,
    Prediction,
    Predictor,
    fit_one_page,
    measured_level,
    needed_mm,
    problems,
)
from pipeline.errors import BuildError
from pipeline.outputs import Artifact
from pipeline.render import render

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import DatasetMeta
    from pipeline.documents import Document
    from pipeline.pdf.engine import PdfResult
    from pipeline.pdf.images import PageImages
    from pipeline.settings import Settings


@dataclass(frozen=True)
class ChartBuild:
    """The fitted chart: its HTML, the limits chosen, the PDF and the image drawn from it."""

    html: str
    limits: ChartLimits
    pdf: PdfResult
    images: PageImages


def chart_html(
    data: ChartData,
    meta: DatasetMeta,
    settings: Settings,
    template: str,
    limits: ChartLimits,
    page_height_mm: float | None = None,
) -> str:
    """Render the chart's HTML for one set of limits, on the paper or a taller page."""
    context = build_chart_context(data, meta, settings, limits, page_height_mm)
    return render(settings.template_dirs, template, {"ctx": context})


def probe_html(
    data: ChartData,
    meta: DatasetMeta,
    settings: Settings,
    template: str,
    limits: ChartLimits,
    probe: tuple[ProbeRow, ...],
) -> str:
    """Render the probe's cells on the chart's tall measuring page, at one set of limits."""
    context = build_chart_context(data, meta, settings, limits, MEASURE_HEIGHT_MM, probe)
    return render(settings.template_dirs, template, {"ctx": context})


def chart_predictor(
    data: ChartData, meta: DatasetMeta, settings: Settings, template: str, probe_template: str
) -> Predictor:
    """Predict the statement budgets' fit from the chart at one budget and a probe of its cells."""
    from pipeline.pdf.engine import render_document
    from pipeline.pdf.layout import layout_boxes, marked_extents

    base = settings.templates_dir
    available = content_height_mm(settings.paper) * PX_PER_MM

    def measure(level: ChartLimits) -> Measured | None:
        """Lay the chart out on a tall page; None when more than its height is wrong."""
        html = chart_html(data, meta, settings, template, level, MEASURE_HEIGHT_MM)
        chart = layout_boxes(html, base_dir=base)
        wrong = {problem.kind for problem in problems(chart, available)} - {"below the page"}
        if wrong or chart.rendered is None:
            return None
        columns = marked_extents(chart.rendered)
        needed = needed_mm(chart) * PX_PER_MM
        return Measured(level, needed, columns["main"][1], columns["side"][1], available)

    def predict(phases: Sequence[Sequence[ChartLimits]]) -> Prediction:
        level = measured_level(phases)
        measured = measure(level)
        if measured is None:
            return Prediction({}, 1)
        shaped = [other for phase in phases for other in phase if same_shape(other, level)]
        rows = predictable(chart_rows(data, (level, *shaped)), level)
        overflow = measured.needed - available
        if overflow > PREDICTION_MARGIN:
            # The measured level is the most compact of these: if it does not fit, none does.
            return Prediction(dict.fromkeys(rows, overflow), 1)
        if all(other == rows[level] for other in rows.values()):
            # No budget cuts anything (short statements): each level is the one measured.
            return Prediction(dict.fromkeys(rows, overflow), 1)
        probe = make_probe(rows)
        html = probe_html(data, meta, settings, probe_template, level, probe.rows)
        cells = marked_extents(render_document(html, base_dir=base))
        heights = {key: bottom - top for key, (top, bottom) in cells.items()}
        return Prediction(predict_overflows(probe, heights, measured), 2)

    return predict


def render_chart(
    document: Document, tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> ChartBuild:
    """Fit the chart on one page, render its PDF and draw the PNG from that PDF."""
    from pipeline.pdf.engine import render_document, write_pdf
    from pipeline.pdf.images import page_images
    from pipeline.pdf.layout import layout_boxes

    name, template, probe_template = document.name, document.template, document.probe_template
    if probe_template is None:
        raise BuildError(f"pipeline/documents.py gives the {name} no probe_template to fit it with")
    data = chart_data(tables)
    fitted = fit_one_page(
        lambda limits, height: chart_html(data, meta, settings, template, limits, height),
        lambda html: layout_boxes(html, base_dir=settings.templates_dir),
        settings.paper,
        predict=chart_predictor(data, meta, settings, template, probe_template),
    )
    # The layout that fitted is the chart: write it rather than lay the same HTML out again.
    rendered = fitted.layout.rendered if fitted.layout else None
    pdf = write_pdf(
        rendered or render_document(fitted.html, base_dir=settings.templates_dir),
        variant=settings.pdf_variant,
        strict=settings.strict,
        identifier=f"{name}:{meta.sha256}:{settings.paper}:{settings.pdf_variant}",
        fonts=settings.brand_fonts,
    )
    if pdf.pages != 1:
        raise BuildError(f"{name}.pdf came out with {pdf.pages} pages; it must have one")
    return ChartBuild(fitted.html, fitted.limits, pdf, page_images(pdf.data))


def produce_chart(
    document: Document, tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build comparison-chart.pdf, and the .png drawn from it, from the tables."""
    chart = render_chart(document, tables, meta, settings)
    name = document.name
    return [
        Artifact(f"{name}.pdf", chart.pdf.data, chart.pdf.pages),
        Artifact(f"{name}.png", chart.images.png),
    ]

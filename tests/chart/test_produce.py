"""End to end: the comparison chart is one clean landscape page, however large the data."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pymupdf
import pytest
from PIL import Image
from pypdf import PdfReader

from pipeline.chart.context import MARGIN_MM, MIN_PT, chart_data, content_height_mm
from pipeline.chart.fit import (
    MEASURE_HEIGHT_MM,
    PREDICTION_MARGIN,
    PX_PER_MM,
    fit_one_page,
    ladder,
    needed_mm,
    problems,
)
from pipeline.chart.produce import (
    ChartBuild,
    chart_html,
    chart_predictor,
    produce_chart,
    render_chart,
)
from pipeline.dataset import load_meta
from pipeline.documents import by_name
from pipeline.errors import BuildError
from pipeline.pdf.images import PNG_DPI
from pipeline.pdf.layout import layout_boxes
from pipeline.settings import DEFAULT_DATA_DIR, Settings
from pipeline.validate.package import validate_package
from tests.support import build_package

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

#: Landscape page sizes in PDF points.
PAPER_PT = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}
MM_PT = 72 / 25.4
# Two more aspects than the data has: each copies a row of whole first sentences, which the
# chart never cuts; with three, a Letter page cannot hold the table without cutting one.
EXTRA_ASPECTS = ("gut-microbiome", "bone-health")
DATASETS = ("bundled", "enlarged")
CASES = [(data, paper) for data in DATASETS for paper in PAPER_PT]

CHART = by_name("comparison-chart")


def _rewrite_csv(path: Path, change) -> None:
    """Read a CSV as dicts, let change() return the new rows, write it back."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def enlarge(
    target: Path, *, summaries: int = 1, foods: int = 1, aspects: tuple[str, ...] = ()
) -> Path:
    """Copy the bundled package and make it bigger: longer summaries, more foods, new aspects.

    New aspects go into the copy's datapackage.json as enum values (the bundled contract
    is untouched), and its summary limit grows so that longer summaries stay valid.
    """
    shutil.copytree(DEFAULT_DATA_DIR, target)
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    roles = next(r for r in package["resources"] if r["name"] == "vitamin_roles")
    for field in roles["schema"]["fields"]:
        if field["name"] == "aspect":
            field["constraints"]["enum"] += list(aspects)
        if field["name"] == "summary":
            field["constraints"]["maxLength"] *= summaries
    (target / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")

    def more_roles(rows: list[dict]) -> list[dict]:
        for row in rows:
            row["summary"] = " ".join([row["summary"]] * summaries)
        by_vitamin: dict[str, list[dict]] = {}
        for row in rows:
            by_vitamin.setdefault(row["vitamin"], []).append(row)
        extra = [
            {**same[i % len(same)], "aspect": aspect}
            for i, aspect in enumerate(aspects)
            for same in by_vitamin.values()
        ]
        return rows + extra

    def more_foods(rows: list[dict]) -> list[dict]:
        copies = [
            {
                **row,
                "food_id": f"{row['food_id']}-v{k}",
                "food": f"{row['food']}, variety {k}",
                "amount_per_100g": f"{float(row['amount_per_100g']) * (1 - k / 20):.1f}",
            }
            for k in range(1, foods)
            for row in rows
        ]
        return rows + copies

    _rewrite_csv(target / "vitamin_roles.csv", more_roles)
    _rewrite_csv(target / "foods.csv", more_foods)
    return target


@pytest.fixture(scope="module")
def data_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled data, and a copy with 3x longer summaries, 10x the foods, extra aspects."""
    big = enlarge(
        tmp_path_factory.mktemp("chart") / "enlarged",
        summaries=3,
        foods=10,
        aspects=EXTRA_ASPECTS,
    )
    return {"bundled": DEFAULT_DATA_DIR, "enlarged": big}


def _build(data_dir: Path, paper: str) -> ChartBuild:
    result = validate_package(data_dir)
    assert result.report.valid, "the test data must be valid"
    return render_chart(
        CHART, result.tables, load_meta(data_dir), Settings(data_dir=data_dir, paper=paper)
    )


@pytest.fixture(scope="module")
def charts(data_dirs: dict[str, Path]) -> Callable[[str, str], ChartBuild]:
    """Build each (data, paper) chart once for the whole module."""
    return cache(lambda data, paper: _build(data_dirs[data], paper))


def test_the_enlarged_data_is_as_large_as_promised(data_dirs):
    bundled = validate_package(data_dirs["bundled"]).tables
    big = validate_package(data_dirs["enlarged"]).tables
    assert len(big["foods"]) == 10 * len(bundled["foods"])
    assert (
        big["vitamin_roles"]["summary"].str.len().sum()
        > 3 * bundled["vitamin_roles"]["summary"].str.len().sum()
    )
    assert set(EXTRA_ASPECTS) <= set(big["vitamin_roles"]["aspect"])


@pytest.mark.parametrize(("data", "paper"), CASES)
def test_exactly_one_landscape_page_of_the_paper(charts, data, paper):
    chart = charts(data, paper)
    reader = PdfReader(io.BytesIO(chart.pdf.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAPER_PT[paper], abs=0.5)


@pytest.mark.parametrize(("data", "paper"), CASES)
def test_no_text_box_leaves_its_cell_or_lands_on_another(charts, data, paper):
    chart = charts(data, paper)
    layout = layout_boxes(chart.html, base_dir=Settings().templates_dir)
    assert layout.pages == 1
    assert [str(p) for p in problems(layout)] == []
    assert sum(1 for box in layout.boxes if box.is_region) > 40  # the check saw the cells


def _ink_inside(span: dict, left: float, top: float, right: float, bottom: float) -> bool:
    """Tell whether a span's glyphs (cap height above, descenders below its baseline) fit."""
    x0, _, x1, _ = span["bbox"]
    baseline, size = span["origin"][1], span["size"]
    return (
        x0 >= left
        and x1 <= right
        and baseline - 0.75 * size >= top
        and baseline + 0.25 * size <= bottom
    )


@pytest.mark.parametrize(("data", "paper"), CASES)
def test_every_pdf_word_is_at_least_7_pt_and_inside_the_margins(charts, data, paper):
    chart = charts(data, paper)
    with pymupdf.open(stream=chart.pdf.data, filetype="pdf") as document:
        page = document[0]
        spans = [
            span
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
            if span["text"].strip()
        ]
        margin = MARGIN_MM * MM_PT - 0.5
        frame = (margin, margin, page.rect.width - margin, page.rect.height - margin)
    assert len(spans) > 300
    assert min(span["size"] for span in spans) >= MIN_PT - 0.01
    assert [s["text"] for s in spans if not _ink_inside(s, *frame)] == []


@pytest.mark.parametrize(("data", "paper"), CASES)
def test_the_chart_shows_what_a_dietitian_needs(charts, data, paper):
    chart = charts(data, paper)
    with pymupdf.open(stream=chart.pdf.data, filetype="pdf") as document:
        words = " ".join(document[0].get_text().split())
    for needed in ("Vitamin K1", "Vitamin K2", "Vitamin D", "WARNING", "warfarin"):
        assert needed in words
    for label in ("Primary role", "Key action", "Half-life", "Calcification", "Safety"):
        assert label in words
    assert "MK-7" in words
    assert "MK-4" in words  # the K2 forms are told apart
    assert re.search(r"\d µg", words)
    assert "No clear effect".upper() in words.upper()
    assert "BENEFIT" in words.upper()
    assert "2026-11-20" in words
    assert "k2brief 0.1.0" in words
    if data == "enlarged":
        for aspect in EXTRA_ASPECTS:
            assert aspect.replace("-", " ").capitalize() in words
        assert "of 310 foods" in words


def test_more_data_means_smaller_type_or_less_shown_never_a_cut_statement(charts):
    bundled, big = charts("bundled", "a4"), charts("enlarged", "a4")
    shown = lambda c: (c.limits.body_pt, c.limits.foods, c.limits.studies)  # noqa: E731
    assert shown(big) <= shown(bundled)
    for chart in (bundled, big):
        assert "…" not in chart.html, "the chart shows the statements written for it, whole"


def _struct_elements(reader: PdfReader) -> Iterator[dict]:
    """Walk the PDF's structure tree."""
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, dict):
            yield node
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                pending += list(kids) if isinstance(kids, list) else [kids]


def test_tagged_pdf_with_alt_text_and_the_briefings_metadata(charts):
    chart = charts("bundled", "a4")
    reader = PdfReader(io.BytesIO(chart.pdf.data))
    meta = load_meta(DEFAULT_DATA_DIR)
    info = reader.metadata
    assert info["/Title"].startswith("Vitamins K1, K2 and D")
    assert info["/Author"] == "k2brief"
    assert "warfarin" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20261120")
    assert info["/Creator"] == f"k2brief {meta.k2brief_version}"
    assert info["/ModDate"] == info["/CreationDate"]
    # WeasyPrint keeps custom <meta> names in lower case.
    assert info["/k2briefdatasha256"] == meta.sha256
    assert info["/k2briefdataversion"] == meta.version
    assert info["/k2briefversion"] == meta.k2brief_version
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    figures = [e for e in _struct_elements(reader) if e.get("/S") == "/Figure"]
    assert len(figures) >= 9  # a bar per shown food
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    assert any("per 3 oz" in str(f["/Alt"]) for f in figures)


def test_png_is_the_pdf_drawn_at_the_stated_resolution(charts):
    chart = charts("bundled", "letter")
    image = Image.open(io.BytesIO(chart.images.png))
    assert image.info["dpi"] == pytest.approx((PNG_DPI, PNG_DPI), abs=0.01)
    width, height = PAPER_PT["letter"]
    assert image.size == (round(width / 72 * PNG_DPI), round(height / 72 * PNG_DPI))


def test_a_rebuild_is_byte_identical(charts):
    first = charts("bundled", "a4")
    result = validate_package(DEFAULT_DATA_DIR)
    again = produce_chart(CHART, result.tables, load_meta(DEFAULT_DATA_DIR), Settings())
    assert [a.name for a in again] == [
        "comparison-chart.pdf",
        "comparison-chart.png",
    ]
    assert [a.data for a in again] == [first.pdf.data, first.images.png]


def test_data_too_large_for_one_page_fails_naming_what_overflowed(tmp_path):
    many = tuple(f"extra-aspect-{i:02d}" for i in range(1, 31))
    data_dir = enlarge(tmp_path / "huge", aspects=many)
    with pytest.raises(BuildError) as error:
        _build(data_dir, "a4")
    message = str(error.value)
    assert "does not fit one a4 landscape page" in message
    assert "at its most compact (7 pt" in message
    assert re.search(r"it needs \d+ mm of height and the page has 194 mm", message)
    assert "below the page: row label extra-aspect-" in message
    assert "vitamin_roles.csv" in message


def test_a_minimal_package_gives_one_page_that_says_what_is_missing(tmp_path):
    data_dir = build_package(tmp_path / "tiny")
    chart = _build(data_dir, "a4")
    assert chart.pdf.pages == 1
    assert chart.limits.cell_chars is None  # little data: every statement in full
    with pymupdf.open(stream=chart.pdf.data, filetype="pdf") as document:
        words = " ".join(document[0].get_text().split())
    assert "No statement in the data" in words
    assert "No foods in the data" in words
    assert "[]" not in words


@pytest.fixture(scope="module")
def long_statements(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data without the statements written for the chart, so it shortens its own."""
    target = tmp_path_factory.mktemp("long") / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)

    def blank(rows: list[dict]) -> list[dict]:
        return [{**row, "chart_summary": ""} for row in rows]

    _rewrite_csv(target / "vitamin_roles.csv", blank)
    return target


def _predicted(data_dir: Path, paper: str):
    """Run the chart's predictor on a package; return what it needs to check it."""
    settings = Settings(data_dir=data_dir, paper=paper)
    tables = validate_package(data_dir).tables
    meta = load_meta(data_dir)
    data = chart_data(tables)
    predict = chart_predictor(data, meta, settings, CHART.template, CHART.probe_template)
    return settings, meta, data, predict(ladder())


def _overflow(data, meta, settings, level) -> float:
    """Lay a level out on a tall page; return how far it reaches below the real page, in px."""
    html = chart_html(data, meta, settings, CHART.template, level, MEASURE_HEIGHT_MM)
    layout = layout_boxes(html, base_dir=settings.templates_dir)
    return (needed_mm(layout) - content_height_mm(settings.paper)) * PX_PER_MM


@pytest.mark.parametrize("paper", PAPER_PT)
def test_predicted_heights_are_the_laid_out_heights(paper, long_statements):
    """The probe predicts each statement budget's height as laying it out measures it."""
    settings, meta, data, prediction = _predicted(long_statements, paper)
    assert prediction.layouts == 2
    assert len(prediction.overflow) >= 8
    by_room = sorted(prediction.overflow.items(), key=lambda item: abs(item[1]))
    nearest_two = [level for level, _ in by_room[:2]]
    longest = max(prediction.overflow, key=lambda level: level.cell_chars or 10**6)
    for level in {*nearest_two, longest}:
        assert _overflow(data, meta, settings, level) == pytest.approx(
            prediction.overflow[level], abs=1.0
        ), level.describe()


def test_the_prediction_picks_what_laying_out_every_candidate_picks(long_statements):
    """Predicting saves layouts, and the chart shows exactly as much as without it."""
    settings, meta, data, _ = _predicted(long_statements, "a4")
    plain = fit_one_page(
        lambda limits, height: chart_html(data, meta, settings, CHART.template, limits, height),
        lambda html: layout_boxes(html, base_dir=settings.templates_dir),
        "a4",
    )
    built = _build(long_statements, "a4")
    assert built.limits == plain.limits
    assert "data-measure" not in built.html


def test_data_whose_table_cannot_fit_skips_the_probe(tmp_path: Path):
    """When even the shortest statements overflow, every budget is known to fail at once."""
    big = enlarge(tmp_path / "big", summaries=3, foods=10, aspects=EXTRA_ASPECTS)
    _rewrite_csv(big / "vitamin_roles.csv", lambda rows: [{**r, "chart_summary": ""} for r in rows])
    _, _, _, prediction = _predicted(big, "a4")
    assert prediction.layouts == 1
    assert prediction.overflow
    assert min(prediction.overflow.values()) > PREDICTION_MARGIN

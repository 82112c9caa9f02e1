"""Progress of a build: WeasyPrint's steps caught, plain lines in order, a live terminal display."""

from __future__ import annotations

import io
import re

import pytest

from pipeline.build.progress import (
    BUILT,
    FAILED,
    QUEUED,
    STARTED,
    STEP,
    UP_TO_DATE,
    Event,
    LiveReporter,
    PlainReporter,
)
from pipeline.pdf.steps import weasyprint_steps
from pipeline.settings import TEMPLATES_DIR


@pytest.mark.pdf
def test_weasyprint_steps_are_caught_and_named() -> None:
    from pipeline.pdf.engine import html_to_pdf

    steps: list[str] = []
    html = "<html lang=en><body style='font-family: Inter'><p>one</p></body></html>"
    with weasyprint_steps(steps.append):
        html_to_pdf(html, base_dir=TEMPLATES_DIR)
    # WeasyPrint parses its own stylesheets on first use, so "parsing CSS" may come first.
    assert [step for step in steps if step != "parsing CSS"] == [
        "parsing HTML",
        "applying CSS",
        "building boxes",
        "laying out page 1",
        "writing PDF",
        "adding PDF metadata",
    ]


def feed(reporter: PlainReporter | LiveReporter, events: list[Event]) -> None:
    for event in events:
        reporter(event)


def test_plain_lines_keep_registry_order_whatever_finishes_first() -> None:
    lines: list[str] = []
    reporter = PlainReporter(lines.append)
    feed(
        reporter,
        [
            Event("briefing", QUEUED),
            Event("handout", QUEUED),
            Event("comparison-chart", UP_TO_DATE),
            Event("handout", STARTED),
            Event("briefing", STARTED),
            Event("handout", BUILT, pages=2, seconds=3.04),
        ],
    )
    assert lines == ["building briefing"], "handout waits until the briefing is done"
    reporter(Event("briefing", BUILT, pages=20, seconds=14.21))
    assert lines == [
        "building briefing",
        "built briefing (20 pages, 14.2 s)",
        "building handout",
        "built handout (2 pages, 3.0 s)",
    ]


def test_plain_lines_report_failures_and_verbose_steps() -> None:
    lines: list[str] = []
    with PlainReporter(lines.append, verbose=True) as reporter:
        feed(
            reporter,
            [
                Event("one", QUEUED),
                Event("two", QUEUED),
                Event("one", STARTED),
                Event("one", STEP, "laying out page 1"),
                Event("one", STEP, "laying out page 2"),
                Event("one", STEP, "writing PDF"),
                Event("two", STARTED),
                Event("one", FAILED, "too long", seconds=1.0),
                Event("two", BUILT, seconds=0.5),
            ],
        )
    assert lines == [
        "building one",
        "one: laying out",
        "one: writing PDF",
        "failed one (1.0 s)",
        "building two",
        "built two (0.5 s)",
    ]


def test_plain_lines_without_verbose_leave_out_the_steps() -> None:
    lines: list[str] = []
    with PlainReporter(lines.append) as reporter:
        feed(reporter, [Event("one", QUEUED), Event("one", STARTED), Event("one", STEP, "x")])
    assert lines == ["building one"], "close() prints what was held back"


def test_live_display_shows_every_document_and_how_it_ended() -> None:
    stream = io.StringIO()
    with LiveReporter(stream, force_terminal=True) as reporter:
        feed(
            reporter,
            [
                Event("briefing", QUEUED),
                Event("handout", QUEUED),
                Event("comparison-chart", UP_TO_DATE),
                Event("briefing", STARTED),
                Event("briefing", STEP, "laying out page 7"),
                Event("handout", STARTED),
                Event("handout", FAILED, "too long", seconds=2.0),
                Event("briefing", BUILT, pages=20, seconds=14.2),
            ],
        )
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())
    assert "\x1b[" in stream.getvalue(), "a terminal gets cursor movements and colour"
    assert re.search(r"✓ briefing +built, 20 pages +14\.2 s", shown)
    assert re.search(r"✗ handout +failed +2\.0 s", shown)
    assert re.search(r"✓ comparison-chart +up to date", shown)

"""Every document prints the review dates and carries them in its PDF metadata."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from tests.support import CONTRACT

pytestmark = pytest.mark.pdf

PACKAGE = json.loads(CONTRACT.read_text("utf-8"))
LINE = f"Last reviewed {PACKAGE['last_reviewed']} · Next review due {PACKAGE['next_review_due']}"


@pytest.mark.parametrize("name", ["briefing", "handout", "comparison-chart"])
def test_every_pdf_prints_and_carries_the_review_dates(
    bundled_build: Callable[..., dict[str, bytes]], name: str
) -> None:
    # The briefing and the handout are always built; this adds the chart to one build.
    built = bundled_build("--only", "comparison-chart")
    pdf = PdfReader(io.BytesIO(built[f"{name}.pdf"]))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert LINE in text
    info = {key.lower(): str(value) for key, value in (pdf.metadata or {}).items()}
    assert info["/k2brieflastreviewed"] == PACKAGE["last_reviewed"]
    assert info["/k2briefnextreviewdue"] == PACKAGE["next_review_due"]


def test_the_handout_gives_them_under_how_up_to_date(
    bundled_build: Callable[..., dict[str, bytes]],
) -> None:
    html = bundled_build("--only", "comparison-chart")["handout.html"].decode()
    section = html.split('id="up-to-date"', 1)[1].split("</section>", 1)[0]
    assert LINE in " ".join(re.sub(r"<[^>]+>", "", section).split())

"""The HTML documents: self-contained, semantic, navigable and holding the data's facts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5

from pipeline.context.briefing import briefing_context
from pipeline.formats import fmt_number
from tests.support import DOCS, bundled_meta, bundled_tables, settings

pytestmark = pytest.mark.pdf

NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def parse(bundled_build: Callable[..., dict[str, bytes]]) -> Callable[[str], Element]:
    """Return a function parsing one built HTML document."""
    return lambda name: tinyhtml5.parse(bundled_build()[f"{name}.html"].decode("utf-8"))


def find_all(root: Element, tag: str) -> list[Element]:
    """Return every element with the tag, in document order."""
    return list(root.iter(f"{NS}{tag}"))


def text_of(element: Element) -> str:
    """Return an element's text with whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module", params=DOCS)
def doc(request, parse: Callable[[str], Element]) -> Element:
    """Return each built document's parsed tree."""
    return parse(request.param)


def test_language_title_and_landmarks(doc: Element):
    assert doc.get("lang") == "en"
    assert text_of(find_all(doc, "title")[0])
    assert len(find_all(doc, "main")) == 1
    assert len(find_all(doc, "h1")) == 1
    assert find_all(doc, "nav"), "a table of contents"


def test_headings_never_skip_a_level(doc: Element):
    levels = [int(e.tag[-1]) for e in doc.iter() if re.fullmatch(rf"{NS}h[1-6]", str(e.tag))]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_ids_are_unique_and_every_internal_link_lands(doc: Element):
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    targets = [a.get("href")[1:] for a in find_all(doc, "a") if a.get("href", "").startswith("#")]
    assert targets
    assert set(targets) <= set(ids)


def test_table_of_contents_lists_every_section(doc: Element):
    nav = find_all(doc, "nav")[0]
    links = {a.get("href")[1:]: text_of(a) for a in find_all(nav, "a")}
    headings = {h.get("id"): text_of(h) for h in find_all(doc, "h2") if h.get("id")}
    for target, title in links.items():
        assert headings[target] == title


def test_tables_have_captions_and_scoped_headers(doc: Element):
    tables = find_all(doc, "table")
    assert tables
    for table in tables:
        assert text_of(table.find(f"{NS}caption")), "every table has a caption"
        assert all(th.get("scope") in ("col", "row") for th in find_all(table, "th"))


def test_wide_tables_scroll_inside_a_focusable_labelled_region(parse):
    root = parse("briefing")
    regions = [d for d in find_all(root, "div") if "table-scroll" in d.get("class", "")]
    captions = {c.get("id") for c in find_all(root, "caption")}
    # A figure's panels are drawn to fit the text column at any width; they never scroll.
    in_figures = {id(t) for f in find_all(root, "figure") for t in find_all(f, "table")}
    assert in_figures, "the figures are tables"
    assert len(regions) == len(find_all(root, "table")) - len(in_figures)
    for region in regions:
        assert region.get("role") == "region"
        assert region.get("tabindex") == "0"
        assert region.get("aria-labelledby") in captions


def test_nothing_is_fetched_from_elsewhere(doc: Element):
    assert not find_all(doc, "link"), "no stylesheet or icon links"
    assert not find_all(doc, "script")
    for element in doc.iter():
        src = element.get("src")
        assert src is None or src.startswith("data:")
    styles = " ".join(text_of(s) for s in find_all(doc, "style"))
    assert "@import" not in styles
    assert all(url.startswith("data:") for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", styles))


def test_images_have_alt_text(doc: Element):
    for img in find_all(doc, "img"):
        assert len(img.get("alt", "")) > 20


def test_print_stylesheet_sets_the_paper_size(doc: Element):
    styles = [s for s in find_all(doc, "style") if s.get("media") == "print"]
    assert styles
    assert "size: A4" in text_of(styles[0])


def test_briefing_holds_the_key_facts_of_the_data(parse):
    html = text_of(parse("briefing"))
    ctx = briefing_context(bundled_tables(), bundled_meta(), settings())
    assert ctx.warnings[0].title in html
    for table in ctx.foods:
        top = table.ranking.top_serving
        amount = f"{fmt_number(top.per_serving)} {top.unit} in {top.serving}"
        assert f"{top.food} gives the most {table.ranking.name} per serving: {amount}" in html
    studies = bundled_tables()["studies"]
    for name in studies["short_name"]:
        assert name in html
    for claim in bundled_tables()["evidence_notes"]["claim"]:
        assert " ".join(claim.split()) in html
    assert bundled_meta().sha256 in html
    assert "Not medical advice." in html


def test_briefing_labels_nulls_and_subgroups(parse):
    root = parse("briefing")
    badges = [text_of(s) for s in find_all(root, "span") if "badge-direction" in s.get("class", "")]
    assert "No clear effect" in badges
    assert "Subgroup analysis" in text_of(root)


def test_every_reference_has_a_doi_pubmed_or_web_link(parse):
    root = parse("briefing")
    sources = bundled_tables()["sources"]
    entries = [li for li in find_all(root, "li") if li.get("id", "").startswith("ref-")]
    assert len(entries) == len(sources)
    for li in entries:
        hrefs = [a.get("href", "") for a in find_all(li, "a")]
        if any(hrefs):
            assert all(h.startswith(("https://", "http://")) for h in hrefs)
    with_doi = sources["doi"].notna().sum()
    doi_links = [a for a in find_all(root, "a") if a.get("href", "").startswith("https://doi.org/")]
    assert len(doi_links) == with_doi


def test_handout_keeps_to_plain_facts_and_says_talk_to_your_doctor(parse):
    html = text_of(parse("handout"))
    ctx_warning = bundled_tables()["cautions"]
    plain = ctx_warning.loc[ctx_warning["severity"] == "warning", "plain"].iloc[0]
    assert " ".join(plain.split()) in html
    assert "Bring this sheet to your doctor" in html
    assert "Not medical advice." in html

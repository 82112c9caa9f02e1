"""Templates hold prose, never figures; cells can never inject markup."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from pipeline.context.briefing import briefing_context, handout_context
from pipeline.dataset import load_meta
from pipeline.documents import by_name, render_html
from pipeline.settings import PROJECT_ROOT, TEMPLATES_DIR
from tests.support import copy_data, set_cell, settings, tables_of

# Every template of the project: the rule is the project's, not one document's.
TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.j2"))
# Attributes whose values a reader sees or hears, and the <meta> names that reach the PDF.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
READ_META = {"author", "description", "keywords"}


def _names_with_digits() -> list[str]:
    """Return the names in the data contract that hold a digit: K1, K2, MK-7, D3 and so on."""
    package = json.loads((PROJECT_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    names = {"k2brief", "SHA-256"}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            enum = field.get("constraints", {}).get("enum", [])
            names |= {v for v in enum if re.search(r"\d", v) and not re.fullmatch(r"[\d.]+", v)}
    return sorted(names, key=len, reverse=True)


# Names that contain a digit without being a figure.
ALLOWED = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, _names_with_digits())) + r")(?![\w-])",
    re.IGNORECASE,
)
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
STYLE = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)


class _Text(HTMLParser):
    """Collect the text and the read attribute values of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [value or "" for name, value in attrs if name in READ_ATTRIBUTES]
        if tag == "meta" and dict(attrs).get("name") in READ_META:
            self.parts.append(dict(attrs).get("content") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(source: str) -> str:
    """Return a template's prose: no Jinja, no CSS, no tags."""
    parser = _Text()
    parser.feed(STYLE.sub(" ", JINJA.sub(" ", source)))
    return " ".join(parser.parts)


def figures_in(source: str) -> list[str]:
    """Return the digits a template prints itself, with some context."""
    text = ALLOWED.sub("", visible_text(source))
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in re.finditer(r"\d", text)]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_print_no_figures(path: Path):
    assert TEMPLATES, "the templates exist"
    assert figures_in(path.read_text(encoding="utf-8")) == []


def test_the_figure_scan_catches_a_typed_number():
    assert figures_in("<p>Natto has 850 µg per serving.</p>")
    assert figures_in('<img alt="3 foods" src="{{ x }}">')
    assert figures_in('<meta name="description" content="Top 10 foods">')
    assert figures_in("<p>MK-7 at 180 µg</p>")
    assert not figures_in("<p>MK-7 and D3</p>")
    assert not figures_in("<p>{{ ctx.amount|num }} µg of vitamin K2</p><style>h1{margin:0}</style>")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Return a data copy whose cells try to inject markup and fetch remote images."""
    data = copy_data(tmp_path_factory.mktemp("hostile") / "data")
    tag = '<img src="http://example.com/track.png"><script>alert(1)</script>'
    set_cell(data / "cautions.csv", {"severity": "warning"}, "plain", f"Beware {tag}")
    set_cell(data / "foods.csv", {"food_id": "natto", "form": "MK-7"}, "food", f"Natto {tag}")
    set_cell(data / "sources.csv", {"source_id": "usda-sr28"}, "title", f"SR28 {tag}")
    return data


@pytest.mark.parametrize("name", ["briefing", "handout"])
def test_cells_cannot_inject_markup(hostile: Path, name: str):
    build = briefing_context if name == "briefing" else handout_context
    html = render_html(by_name(name), build, tables_of(hostile), load_meta(hostile), settings())
    assert "&lt;img src=&#34;http://example.com/track.png&#34;&gt;" in html
    assert "<script" not in html
    assert 'src="http' not in html


def test_a_missing_value_is_an_error_not_an_empty_string(tmp_path: Path):
    (tmp_path / "t.html.j2").write_text("<p>{{ ctx.nothing }}</p>", encoding="utf-8")
    from pipeline.render import render

    with pytest.raises(jinja2.UndefinedError):
        render(tmp_path, "t.html.j2", {"ctx": object()})

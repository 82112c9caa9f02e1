"""Where WeasyPrint put each box: the layout the chart's fitting measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.pdf.engine import Rendered, render_document


@dataclass(frozen=True)
class BoxRect:
    """Where one laid-out box sits on its page, in CSS pixels from the page's top left."""

    page: int
    region: str | None
    is_region: bool
    is_leaf: bool
    x: float
    y: float
    width: float
    height: float
    text: str = ""


@dataclass(frozen=True)
class PageLayout:
    """The boxes of a rendered document, for checks that its content fits."""

    pages: int
    content: tuple[float, float, float, float]
    boxes: tuple[BoxRect, ...]
    #: The laid-out document, so a layout that fits can be written without laying it out again.
    rendered: Rendered | None = field(default=None, compare=False, repr=False)


def _rect(box: object, text_box: type) -> tuple[float, float, float, float]:
    """Return a text box's glyph run or any other box's border box as x, y, width, height."""
    if isinstance(box, text_box):
        return box.position_x, box.position_y, box.width, box.height
    return box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()


def layout_boxes(html: str, *, base_dir: Path, marker: str = "data-fit") -> PageLayout:
    """Lay out HTML and list its boxes, each tagged with its nearest `marker` region."""
    return document_boxes(render_document(html, base_dir=base_dir), marker)


def document_boxes(rendered: Rendered, marker: str = "data-fit") -> PageLayout:
    """List a laid-out document's boxes, each tagged with its nearest `marker` region."""
    from weasyprint.formatting_structure import boxes

    document = rendered.document
    found: list[BoxRect] = []

    def walk(box: object, page: int, region: str | None, owner: object) -> None:
        box = getattr(box, "_box", box)  # absolute placeholders wrap the real box
        element = getattr(box, "element", None)
        name = element.get(marker) if element is not None else None
        starts = name is not None and element is not owner
        if starts:
            region, owner = name, element
        leaf = isinstance(box, boxes.TextBox | boxes.ReplacedBox)
        if starts or leaf:
            text = box.text if isinstance(box, boxes.TextBox) else ""
            found.append(BoxRect(page, region, starts, leaf, *_rect(box, boxes.TextBox), text))
        for child in getattr(box, "children", ()):
            walk(child, page, region, owner)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, None, None)
    page_box = document.pages[0]._page_box
    content = (
        page_box.content_box_x(),
        page_box.content_box_y(),
        page_box.width,
        page_box.height,
    )
    return PageLayout(len(document.pages), content, tuple(found), rendered)


def marked_extents(
    rendered: Rendered, marker: str = "data-measure"
) -> dict[str, tuple[float, float]]:
    """Return the margin box's top and bottom, in CSS pixels, of each element marked `marker`."""
    found: dict[str, tuple[float, float]] = {}

    def walk(box: object) -> None:
        box = getattr(box, "_box", box)
        element = getattr(box, "element", None)
        name = element.get(marker) if element is not None else None
        if name is not None and name not in found:
            found[name] = (box.position_y, box.position_y + box.margin_height())
        for child in getattr(box, "children", ()):
            walk(child)

    for page in rendered.document.pages:
        walk(page._page_box)
    return found

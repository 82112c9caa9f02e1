"""The forest plot's marker shapes; every colour is a token of templates/css/base.css."""

from __future__ import annotations

#: Shape carries direction as well as fill colour (--marker-<direction> in base.css).
DIRECTION_SHAPES = {
    "benefit": "circle",
    "no-clear-effect": "square",
    "harm": "triangle",
    "mixed": "diamond",
    "pending": "circle",
    "favourable-association": "circle",
    "adverse-association": "triangle",
    "no-association": "square",
    "marker-improved": "diamond",
    "marker-no-change": "square",
    "reported-not-verified": "circle",
}


def vitamin_class(vitamin: str) -> str:
    """Return the CSS class that gives a vitamin its colour, e.g. 'vitamin-k2'."""
    return f"vitamin-{vitamin.lower()}"

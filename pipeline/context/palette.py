"""The documents' chart colours and marker shapes, shared by the briefing and the wall chart."""

from __future__ import annotations

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
VITAMIN_COLOURS = {"K1": OKABE_ITO["green"], "K2": OKABE_ITO["blue"], "D": OKABE_ITO["orange"]}
# Marker shape and fill carry direction as well as colour; the key's words are the vocabulary's.
DIRECTION_STYLE = {
    "benefit": ("circle", OKABE_ITO["blue"]),
    "null": ("square", "#FFFFFF"),
    "harm": ("triangle", OKABE_ITO["vermillion"]),
    "mixed": ("diamond", OKABE_ITO["orange"]),
    "pending": ("circle", "#FFFFFF"),
    "unknown": ("circle", "#FFFFFF"),
}

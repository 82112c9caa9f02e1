"""Long free text for the wide foods table: food names with a description, and long notes.

A wide row is about 280 bytes instead of about 110: the same columns, but the free-text
cells are what a real composition table's are, a sentence or two with commas and the odd
quoted word, so every one of them is a quoted CSV cell.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Appended to the food's name (which stays within the schema's 120 characters).
DESCRIPTIONS = (
    "as sold, ready to eat, chilled",
    "home-prepared, standard recipe",
    "mixed retail samples, several producers",
    "organic, analysed within one week",
    "conventional, twelve retail purchases",
    "imported, label checked by a lab",
    "seasonal average of monthly samples",
    "restaurant portion, weighed cooked",
)
OPENINGS = (
    "Analysed by HPLC with fluorescence detection after post-column zinc reduction,",
    "Value from the national composition database, release notes checked,",
    'Reported per serving by the manufacturer ("typical values"), converted to 100 g,',
    "Mean of duplicate analyses in two laboratories, one accredited,",
    "Taken from a peer-reviewed survey of retail foods,",
    "Estimated from a similar food where the source gave no value,",
)
MIDDLES = (
    "with a coefficient of variation of about 12 % between batches",
    "although the menaquinone forms above MK-9 were below the limit of detection",
    'and the "trace" entries of the source read as zero, not as missing',
    "with fat content, and so fat-soluble vitamin content, varying by season",
    "where storage for more than a week lowered the value by a fifth",
    "and cooking losses applied from the retention-factor table",
)
ENDINGS = (
    "; recheck at the next update.",
    "; the range is wide.",
    "; mostly one brand.",
    ".",
    ".",
)


def _quoted(text: pa.Array) -> pa.Array:
    """Return each text as one quoted CSV cell."""
    doubled = pc.replace_substring(text, '"', '""')
    quote = pa.scalar('"', pa.large_string())
    return pc.binary_join_element_wise(quote, doubled, quote, pa.scalar("", pa.large_string()))


def _pick(options: tuple[str, ...], index: np.ndarray) -> pa.Array:
    return pc.take(pa.array(options, pa.large_string()), pa.array(index))


def wide_names(names: tuple[str, ...], template: np.ndarray, food_no: np.ndarray, rng) -> pa.Array:
    """Return each row's food name with a description after it, CSV-encoded."""
    described = rng.integers(len(DESCRIPTIONS), size=int(food_no.max(initial=0)) + 1)[food_no]
    joined = pc.binary_join_element_wise(
        _pick(names, template), _pick(DESCRIPTIONS, described), pa.scalar(", ", pa.large_string())
    )
    return _quoted(joined)


def wide_notes(n: int, rng) -> pa.Array:
    """Return a long note for every row, CSV-encoded, each ending its line."""
    parts = [_pick(pool, rng.integers(len(pool), size=n)) for pool in (OPENINGS, MIDDLES, ENDINGS)]
    space, empty = pa.scalar(" ", pa.large_string()), pa.scalar("", pa.large_string())
    sentence = pc.binary_join_element_wise(
        pc.binary_join_element_wise(parts[0], parts[1], space), parts[2], empty
    )
    return pc.binary_join_element_wise(_quoted(sentence), pa.scalar("\n", pa.large_string()), empty)

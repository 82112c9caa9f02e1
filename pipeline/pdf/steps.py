"""WeasyPrint's progress messages, turned into short step names for the build's display."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# WeasyPrint 70 numbers its progress messages "Step N - ..." on the weasyprint.progress logger.
STEP_NAMES = {
    "1": "parsing HTML",
    "2": "parsing CSS",
    "3": "applying CSS",
    "4": "building boxes",
    "5": "laying out",
    "6": "writing PDF",
    "7": "adding PDF metadata",
}


def step_label(message: str) -> str | None:
    """Name a WeasyPrint progress message briefly ("laying out page 3"), or None."""
    match = re.match(r"Step (\d+) - ([^-]+)", message)
    if match is None:
        return None
    label = STEP_NAMES.get(match[1], match[2].strip().lower())
    page = re.search(r" - Page (\d+)", message)
    return f"{label} page {page[1]}" if page else label


class _StepHandler(logging.Handler):
    """Pass each new WeasyPrint step on, skipping repeats (one per stylesheet, say)."""

    def __init__(self, on_step: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.on_step = on_step
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        label = step_label(record.getMessage())
        if label is not None and label != self.last:
            self.last = label
            self.on_step(label)


@contextmanager
def weasyprint_steps(on_step: Callable[[str], None]) -> Iterator[None]:
    """Call on_step with each rendering step WeasyPrint logs inside the block."""
    logger = logging.getLogger("weasyprint.progress")
    handler = _StepHandler(on_step)
    level, propagate = logger.level, logger.propagate
    # WeasyPrint logs its steps at INFO; keep them from reaching any handler set up elsewhere.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate

"""Progress of a build: the events it sends, and two ways to show them (plain lines or live)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

# What can happen to a document, in the order it happens.
QUEUED, UP_TO_DATE, STARTED, STEP = "queued", "up to date", "started", "step"
BUILT, FAILED = "built", "failed"
FINISHED = frozenset({UP_TO_DATE, BUILT, FAILED})


@dataclass(frozen=True)
class Event:
    """Something that happened to one document during a build."""

    document: str
    kind: str
    text: str = ""  # the step, or why the document failed
    pages: int | None = None
    size: int = 0
    seconds: float = 0.0


Progress = Callable[[Event], None]


def facts(event: Event) -> str:
    """Describe a built document briefly: "20 pages, 14.2 s"."""
    parts = [] if event.pages is None else [f"{event.pages} page{'s' * (event.pages != 1)}"]
    return ", ".join([*parts, f"{event.seconds:.1f} s"])


class PlainReporter:
    """Write plain lines, each document's together and in registry order, whatever ends first."""

    def __init__(self, say: Callable[[str], None], *, verbose: bool = False) -> None:
        self.say = say
        self.verbose = verbose
        self.order: list[str] = []
        self.waiting: dict[str, list[str]] = {}
        self.done: set[str] = set()
        self.phase: dict[str, str] = {}
        self.head = 0

    def __enter__(self) -> PlainReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, event: Event) -> None:
        name = event.document
        if event.kind == QUEUED:
            self.order.append(name)
            self.waiting[name] = []
            return
        if name not in self.waiting or name in self.done:
            return
        line = self._line(event)
        if line is not None:
            self.waiting[name].append(line)
        if event.kind in FINISHED:
            self.done.add(name)
        self._flush()

    def _line(self, event: Event) -> str | None:
        """Return the line an event prints, if any."""
        name = event.document
        if event.kind == STARTED:
            return f"building {name}"
        if event.kind == BUILT:
            return f"built {name} ({facts(event)})"
        if event.kind == FAILED:
            return f"failed {name} ({event.seconds:.1f} s)"
        if event.kind == STEP and self.verbose:
            # Page by page is too much for a log: one line per step.
            phase = re.sub(r" page \d+$", "", event.text)
            if self.phase.get(name) != phase:
                self.phase[name] = phase
                return f"{name}: {phase}"
        return None

    def _flush(self, everything: bool = False) -> None:
        """Print the lines of the first unfinished document and of every finished one before it."""
        while self.head < len(self.order):
            name = self.order[self.head]
            for line in self.waiting[name]:
                self.say(line)
            self.waiting[name].clear()
            if name not in self.done and not everything:
                return
            self.head += 1

    def close(self) -> None:
        """Print whatever is still held back (a build stopped before every document ended)."""
        self._flush(everything=True)


@dataclass
class _Row:
    """One document's line in the live display."""

    kind: str = QUEUED
    text: str = "waiting"
    started: float | None = None
    seconds: float | None = None


# Marks for the states that do not spin, and what the state says.
_MARKS = {QUEUED: "·", UP_TO_DATE: "✓", BUILT: "✓", FAILED: "✗"}
_STYLES = {QUEUED: "dim", UP_TO_DATE: "dim", BUILT: "green", FAILED: "bold red"}
_TEXTS = {
    QUEUED: "waiting",
    UP_TO_DATE: "up to date",
    STARTED: "preparing",
    FAILED: "failed",
}


class LiveReporter:
    """Show one line per document on a terminal, updated as the documents render."""

    def __init__(self, stream: TextIO, *, force_terminal: bool | None = None) -> None:
        self.stream = stream
        self.force_terminal = force_terminal
        self.rows: dict[str, _Row] = {}
        self.lock = threading.Lock()
        self.live: Any = None

    def __enter__(self) -> LiveReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, event: Event) -> None:
        with self.lock:
            row = self.rows.setdefault(event.document, _Row())
            if row.kind in FINISHED:
                return
            _update(row, event)
        if self.live is None:
            self._start()
        elif event.kind in FINISHED:
            self.live.refresh()

    def _start(self) -> None:
        """Start the display: rich is imported only once there is something to show."""
        from rich.console import Console
        from rich.live import Live

        console = Console(file=self.stream, force_terminal=self.force_terminal)
        self.live = Live(
            get_renderable=self._render,
            console=console,
            refresh_per_second=8,
            transient=True,  # the summary table printed after it says it all again
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def _render(self) -> Any:
        """Lay the rows out as a grid: mark, document, state, seconds."""
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 1))
        # Fixed widths, so the columns stay put while the states change.
        grid.add_column(width=1)
        grid.add_column(no_wrap=True)
        grid.add_column(min_width=20, max_width=28, no_wrap=True, overflow="ellipsis")
        grid.add_column(width=7, justify="right")
        with self.lock:
            rows = [(name, _Row(**vars(row))) for name, row in self.rows.items()]
        for name, row in rows:
            style = _STYLES.get(row.kind, "")
            mark = _MARKS.get(row.kind)
            grid.add_row(
                Text(mark, style) if mark else Spinner("dots", style="cyan"),
                name,
                Text(row.text, style),
                _seconds(row),
            )
        return grid

    def close(self) -> None:
        """Stop the display, leaving the terminal as it was."""
        if self.live is not None:
            self.live.refresh()
            self.live.stop()
            self.live = None


def _update(row: _Row, event: Event) -> None:
    """Move a document's row to the state an event reports."""
    row.kind = event.kind
    row.text = event.text if event.kind == STEP else _TEXTS.get(event.kind, event.kind)
    if event.kind == STARTED:
        row.started = time.monotonic()
    if event.kind in (BUILT, FAILED):
        row.seconds = event.seconds
    if event.kind == BUILT:
        row.text = "built" if event.pages is None else f"built, {facts(event).split(', ')[0]}"


def _seconds(row: _Row) -> str:
    """Show how long a document took, or has taken so far."""
    if row.seconds is not None:
        return f"{row.seconds:.1f} s"
    if row.started is not None:
        return f"{time.monotonic() - row.started:.1f} s"
    return ""

"""Benchmark section on one-change builds: edit one value, rebuild, see what was rebuilt."""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench_build import (
    build_once,
    failures,
    rebuilt,
    render_errors,
    shown_command,
    wall,
)
from bench_common import (
    busy_note,
    load_average,
    machine,
    render_machine,
    runs_of,
    seconds_range,
    verdict,
    wait_for_quiet,
)

ALL_DOCUMENTS = ("briefing", "handout", "comparison-chart")


@dataclass(frozen=True)
class Edit:
    """One value to change in a table, and the documents that depend on that table."""

    label: str
    table: str
    column: str
    pick_row: Callable[[list[dict[str, str]]], int]
    new_value: Callable[[str, int], str]
    expected: tuple[str, ...]


def _shortest(column: str) -> Callable[[list[dict[str, str]]], int]:
    """Pick the row whose cell in column is shortest, so appending stays within maxLength."""
    return lambda rows: min(range(len(rows)), key=lambda i: len(rows[i][column]))


EDITS = (
    Edit(
        "one food's amount (foods.csv, used by every document)",
        "foods.csv",
        "amount_per_100g",
        lambda rows: 0,
        # A new value each run, so no run can be answered by an earlier build's output.
        lambda old, run: f"{float(old) + 0.1 * (run + 1):.1f}",
        ALL_DOCUMENTS,
    ),
    Edit(
        "one evidence note's finding (evidence_notes.csv, used by the briefing only)",
        "evidence_notes.csv",
        "finding",
        _shortest("finding"),
        lambda old, run: f"{old} Benchmark edit {run + 1}.",
        ("briefing",),
    ),
)


def set_cell(path: Path, column: str, pick_row: Callable, new_value: Callable, run: int) -> str:
    """Change one cell of a CSV file in place, every other byte kept; return the new value."""
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    if _csv_text(records) != text:
        raise ValueError(f"{path.name} does not round-trip through csv; edit it another way")
    header = records[0]
    rows = [dict(zip(header, record, strict=False)) for record in records[1:]]
    row = pick_row(rows)
    cell = header.index(column)
    records[row + 1][cell] = new_value(records[row + 1][cell], run)
    path.write_text(_csv_text(records), encoding="utf-8")
    return records[row + 1][cell]


def _csv_text(records: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return buffer.getvalue()


def run_change(args: argparse.Namespace) -> dict:
    """Build a copy of the data, then for each edit: change one value, time the rebuild."""
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="k2brief-bench-") as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        shutil.copytree(args.data, data)
        first = build_once(args.k2brief, data, out, args.jobs, Path(tmp) / "first.log")
        for edit in EDITS:
            runs = []
            for run in range(args.runs):
                set_cell(data / edit.table, edit.column, edit.pick_row, edit.new_value, run)
                log = Path(tmp) / f"{edit.table}-{run}.log"
                runs.append(build_once(args.k2brief, data, out, args.jobs, log))
            results.append({"label": edit.label, "expected": list(edit.expected), "runs": runs})
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "command": shown_command(args.k2brief, args.data, args.jobs, "<the first build's dir>"),
        "edits": results,
        "errors": failures("first build", [first])
        + [e for edit in results for e in failures(edit["label"], edit["runs"])],
    }


def rebuilt_sets(runs: list[dict]) -> list[list[str]]:
    """Return the distinct sets of documents the successful runs rebuilt, in build order."""
    found = {tuple(rebuilt(run)): None for run in runs if run["exit_code"] == 0}
    return [list(s) for s in found]


def render_change(r: dict) -> str:
    """Return the one-change section: what each edit rebuilt, and how long it took."""
    lines = [
        f"Measured {r['measured_at']}. A copy of the bundled data is built once; then, for each "
        f"edit, one value is changed (a new value each run, {runs_of(len(r['edits'][0]['runs']))}) "
        f"and `{r['command']}` rebuilds. Which documents were rebuilt comes from the build's "
        "summary (built / up to date). The expectation: only the documents that read the "
        "changed table are rebuilt.",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| change | expected to rebuild | rebuilt | wall time, median (min – max) | result |",
        "|---|---|---|---|---|",
    ]
    for edit in r["edits"]:
        seen = rebuilt_sets(edit["runs"])
        shown_sets = " or ".join(", ".join(s) or "nothing" for s in seen) or "not measured"
        ok = None if not seen else all(set(s) == set(edit["expected"]) for s in seen)
        lines.append(
            f"| {edit['label']} | {', '.join(edit['expected'])} | {shown_sets} "
            f"| {seconds_range(wall(edit['runs']))} | {verdict(ok)} |"
        )
    return "\n".join(lines) + busy_note(r) + render_errors(r["errors"])

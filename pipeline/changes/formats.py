"""Show a comparison as text for people, JSON for tools, or Markdown for release notes."""

from __future__ import annotations

import json
import re
from collections import Counter

from pipeline.changes.compare import (
    ADDED,
    CHANGED,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    REMOVED,
    ROW_CHANGES,
    TABLE_ADDED,
    TABLE_REMOVED,
    Cells,
    Change,
    Comparison,
)
from pipeline.changes.edition import Edition

FORMATS = ("text", "json", "markdown")
ARROW = "→"
EMPTY = "(empty)"
CONTENT_NOTE = "no primary key, so rows are matched by their content"


def format_comparison(comparison: Comparison, fmt: str) -> str:
    """Return the comparison in one of FORMATS, ending with a newline."""
    if fmt == "json":
        return (
            json.dumps([_json(c) for c in comparison.changes], indent=2, ensure_ascii=False) + "\n"
        )
    if fmt == "markdown":
        return _markdown(comparison)
    return _text(comparison)


def _json(change: Change) -> dict[str, object]:
    """Return one change as the JSON object documented in the README."""
    item: dict[str, object] = {"table": change.table, "change": change.change}
    if change.change in ROW_CHANGES:
        item["key"] = dict(change.key)
        if not change.keyed:
            item["matched_by"] = "content"
    if change.change == CHANGED:
        item["fields"] = {f.name: {"old": f.old, "new": f.new} for f in change.fields}
    if change.column is not None:
        item["column"] = change.column
    if change.rows is not None:
        item["rows"] = change.rows
    return item


def summary(comparison: Comparison) -> str:
    """Count the changes by kind in one phrase: '3 changes: 1 added, 1 removed, 1 changed'."""
    counts = Counter(c.change for c in comparison.changes)
    total = sum(counts.values())
    if not total:
        return "no changes"
    rows = [f"{counts[k]} {k}" for k in (ADDED, REMOVED, CHANGED) if counts[k]]
    schema = total - sum(counts[k] for k in ROW_CHANGES)
    if schema:
        rows.append(f"{schema} schema change{'s' * (schema != 1)}")
    return f"{total} change{'s' * (total != 1)}: {', '.join(rows)}"


def _text(comparison: Comparison) -> str:
    """Return one line per change, then the summary."""
    lines, noted = [], set()
    for change in comparison.changes:
        if not change.keyed and change.table not in noted:
            noted.add(change.table)
            lines.append(f"{change.table}: {CONTENT_NOTE}")
        lines.append(f"{change.table}: {_described(change, _plain)}")
    lines.append(
        f"{summary(comparison)} ({_edition(comparison.old)} {ARROW} {_edition(comparison.new)})"
    )
    return "\n".join(lines) + "\n"


def _described(change: Change, show) -> str:
    """Describe one change after its table's name."""
    if change.change == TABLE_ADDED:
        return f"table added ({change.rows} rows)"
    if change.change == TABLE_REMOVED:
        return f"table removed ({change.rows} rows)"
    if change.change in (COLUMN_ADDED, COLUMN_REMOVED):
        return f"column {change.change.removeprefix('column-')}: {show(change.column)}"
    line = f"{change.change} {_key(change.key, show)}"
    if change.change == CHANGED:
        cells = "; ".join(
            f"{show(f.name)} {show(f.old)} {ARROW} {show(f.new)}" for f in change.fields
        )
        line += f": {cells}"
    return line


def _key(key: Cells, show) -> str:
    """Show a row's key as field=value pairs."""
    return ", ".join(f"{show(name)}={show(value)}" for name, value in key)


def _plain(value: str | None) -> str:
    """Show a cell's text as the table holds it, quoted when spaces or emptiness would hide it."""
    if value is None:
        return EMPTY
    if value != value.strip() or not value or any(c in value for c in ',;=\n\r\t"'):
        return json.dumps(value, ensure_ascii=False)
    return value


def _edition(edition: Edition) -> str:
    """Name an edition by its version and date."""
    date = (edition.created or "")[:10]
    return f"version {edition.version or '?'}" + (f" of {date}" if date else "")


# What Markdown would read as markup inside a table cell; an underscore only at a word's edge.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<!\w)_|_(?!\w))")


def _md(value: str | None) -> str:
    """Escape a cell's text for a Markdown table cell."""
    if value is None:
        return "*empty*"
    text = " ".join(value.split()) if value.strip() else json.dumps(value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _markdown(comparison: Comparison) -> str:
    """Return a heading, the summary and a table of the changes."""
    old, new = _edition(comparison.old), _edition(comparison.new)
    lines = ["## Changes in the data", "", f"From {old} to {new}: {summary(comparison)}."]
    if comparison.changes:
        lines += ["", "| table | change | row | what changed |", "|---|---|---|---|"]
        for change in comparison.changes:
            lines.append(_markdown_row(change))
    return "\n".join(lines) + "\n"


def _markdown_row(change: Change) -> str:
    """Return one change as a row of the Markdown table."""
    kind = change.change.replace("-", " ")
    row, what = "", ""
    if change.change in ROW_CHANGES:
        row = _key(change.key, _md) + ("" if change.keyed else f" ({CONTENT_NOTE})")
    if change.change == CHANGED:
        what = "; ".join(f"{_md(f.name)}: {_md(f.old)} {ARROW} {_md(f.new)}" for f in change.fields)
    elif change.column is not None:
        what = _md(change.column)
    elif change.rows is not None:
        what = f"{change.rows} rows"
    return f"| {_md(change.table)} | {kind} | {row} | {what} |"

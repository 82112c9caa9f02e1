"""Findings, the report that holds them, and its text, JSON and GitHub renderings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
Format = Literal["text", "json", "github"]

# The closed catalogue of finding codes: code -> (title, severity, description).
# Codes shared with Frictionless keep its names; the rest follow its style.
CODES: dict[str, tuple[str, Severity, str]] = {
    "package-error": ("Package Error", "error", "datapackage.json cannot be read or used."),
    "missing-file": ("Missing File", "error", "A table named in datapackage.json is missing."),
    "file-too-large": ("File Too Large", "error", "A table is larger than k2brief reads."),
    "empty-file": ("Empty File", "error", "A table has no header row."),
    "encoding-error": ("Encoding Error", "error", "A table is not valid UTF-8."),
    "dialect-error": ("Dialect Error", "error", "A table is not separated by commas."),
    "format-error": ("Format Error", "error", "A quoted cell is never closed."),
    "blank-label": ("Blank Label", "error", "A column has no name."),
    "duplicate-label": ("Duplicate Label", "error", "Two columns have the same name."),
    "missing-label": ("Missing Label", "error", "A column of the schema is missing."),
    "extra-label": ("Extra Label", "error", "A column is not in the schema."),
    "incorrect-label": ("Incorrect Label", "error", "A column name is misspelt or out of order."),
    "extra-cell": ("Extra Cell", "error", "A row has more cells than the header."),
    "missing-cell": ("Missing Cell", "error", "A row has fewer cells than the header."),
    "blank-row": ("Blank Row", "error", "A row has no values at all."),
    "cell-too-large": ("Cell Too Large", "error", "A cell is longer than k2brief accepts."),
    "type-error": ("Type Error", "error", "A cell cannot be read as its field's type."),
    "constraint-error": ("Constraint Error", "error", "A cell breaks a field constraint."),
    "unique-error": ("Unique Error", "error", "A value that must be unique repeats."),
    "primary-key": ("Primary Key Error", "error", "Two rows have the same primary key."),
    "foreign-key": ("Foreign Key Error", "error", "A reference names no row of its table."),
    "ci-order": ("Rule: CI Order", "error", "ci_low <= effect <= ci_high does not hold."),
    "protocol-pending": ("Rule: Protocol Pending", "error", "A protocol reports a direction."),
    "protocol-no-result": ("Rule: Protocol Result", "error", "A protocol reports a result."),
    "effect-unit": ("Rule: Effect Unit", "error", "An effect does not say what it measures."),
    "form-vitamin": ("Rule: Form Vitamin", "error", "A form is listed under another vitamin."),
    "dose-vitamin": ("Rule: Dose Vitamin", "error", "A dose is of a vitamin the study lacks."),
    "serving-weight": ("Rule: Serving Weight", "error", "serving_g contradicts the serving."),
    "direction-design": ("Rule: Direction Design", "error", "A direction the design cannot show."),
    "effect-without-numbers": (
        "Rule: Effect Without Numbers",
        "error",
        "A benefit or harm with no effect, CI or p value.",
    ),
    "certainty-reason": ("Rule: Certainty Reason", "error", "A certainty lacks its downgrades."),
    "downgrade-reason": ("Rule: Downgrade Reason", "error", "A downgrade reason is not GRADE's."),
    "outcome-direction": (
        "Rule: Outcome Direction",
        "error",
        "A direction the outcome cannot take.",
    ),
    "outcome-unsupported": ("Rule: Outcome Unsupported", "error", "No study reports the outcome."),
    "formula-like": ("Formula-like Text", "warning", "A spreadsheet may run the cell."),
    "html-like": ("HTML-like Text", "warning", "The cell looks like HTML markup."),
    "control-character": ("Control Character", "warning", "The cell holds an invisible code."),
    "stray-whitespace": ("Stray Whitespace", "warning", "The cell starts or ends with space."),
    "mojibake": ("Mojibake", "error", "Every special character was encoded twice."),
    "lost-character": ("Lost Character", "error", 'A "?" stands where a character was lost.'),
    "ambiguous-number": ("Ambiguous Number", "error", "A dot may separate thousands or decimals."),
    "spreadsheet-format": (
        "Spreadsheet Format",
        "warning",
        "A spreadsheet may have turned typed text into a date or a formatted number.",
    ),
    "sep-line": ("Separator Line", "warning", 'An Excel "sep=," line precedes the header.'),
    "empty-column": ("Empty Column", "warning", "An unnamed column holds nothing."),
    "trailing-blank-rows": ("Trailing Blank Rows", "warning", "Empty rows end the file."),
    "label-variant": ("Label Variant", "warning", "A column name differs in spaces or case."),
    "column-order": ("Column Order", "warning", "The columns are in another order."),
    "sorted-header": ("Sorted Header", "warning", "A sort moved the header row among the data."),
    "unit-spelling": ("Unit Spelling", "warning", 'A unit is spelt another way than "µg".'),
    "decimal-zero": ("Decimal Zero", "warning", 'A whole number is written with ".0".'),
    "precision-loss": (
        "Precision Loss",
        "warning",
        "A number is the previous edition's, rounded to fewer decimals.",
    ),
    "translation-missing": (
        "Translation Missing",
        "error",
        "A document in another language shows a cell with no translation.",
    ),
    "translation-stale": (
        "Translation Stale",
        "warning",
        "The English text changed since the translation was made (an error with --strict).",
    ),
    "translation-orphan": ("Translation Orphan", "error", "A translation names no cell."),
    "translation-language": (
        "Translation Language",
        "error",
        "A translation is for a language with no message catalogue.",
    ),
    "p-value-rounding": (
        "P Value Rounding",
        "error",
        "Rounding to fewer decimals moved a p value across 0.05.",
    ),
    "review-date": ("Review Date", "error", "A review date is not written YYYY-MM-DD."),
    "review-order": ("Review Order", "error", "The next review is not after the last."),
    "review-overdue": (
        "Review Overdue",
        "warning",
        "The date for the next evidence review has passed (build --strict fails on it).",
    ),
    # The brand file (_brand.yml) and the overrides folder, checked like the data.
    "brand-error": ("Brand Error", "error", "The brand file cannot be read as YAML."),
    "brand-unknown-key": ("Brand Unknown Key", "error", "A key brand.yml does not know."),
    "brand-value": ("Brand Value", "error", "A brand value is missing or of the wrong kind."),
    "brand-path": (
        "Brand Path",
        "error",
        "A file the brand names is a URL or lies outside the project.",
    ),
    "brand-contrast": (
        "Brand Contrast",
        "error",
        "A brand colour keeps text below WCAG AA contrast (4.5:1).",
    ),
    "brand-font": ("Brand Font", "error", "A font is not a local TrueType, OpenType or WOFF file."),
    "font-file": ("Font File", "error", "A font file the brand names does not exist."),
    "logo-missing": ("Logo Missing", "error", "The logo file does not exist."),
    "logo-type": ("Logo Type", "error", "The logo is not a PNG, JPEG or SVG file."),
    "logo-alt": ("Logo Alt Text", "error", "The logo has no alt text."),
    "logo-unsafe": (
        "Logo Unsafe",
        "error",
        "The SVG logo holds a script, an event handler or an outside reference.",
    ),
    "override-unknown": (
        "Override Unknown",
        "warning",
        "A file in the overrides folder replaces no k2brief template or stylesheet.",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One problem found in the data, placed by file, physical line and column."""

    path: str
    table: str
    line: int | None
    column: int | None
    code: str
    message: str
    severity: Severity = "error"
    field_name: str | None = None
    cell: str | None = None
    hint: str | None = None
    row_number: int | None = None
    repair: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Return the order findings are shown in: file, line, column, code."""
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def text(self) -> str:
        """Return the message with its hint, as one sentence for people."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Task:
    """A table the validator looked at, whether or not it had findings."""

    name: str
    path: str


@dataclass(frozen=True)
class Report:
    """Every finding of one validation run; valid when none is an error."""

    findings: tuple[Finding, ...]
    tasks: tuple[Task, ...] = ()

    @property
    def valid(self) -> bool:
        """Return True when no finding is an error (warnings are allowed)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> int:
        """Return the number of findings that are errors."""
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        """Return the number of findings that are warnings."""
        return len(self.findings) - self.errors


def make_report(findings: list[Finding], tasks: tuple[Task, ...] = ()) -> Report:
    """Return a report with the findings sorted by file, line and column."""
    return Report(tuple(sorted(findings, key=Finding.sort_key)), tasks)


def format_report(report: Report, fmt: Format, base: Path) -> str:
    """Render the report as text, Frictionless-style JSON or GitHub workflow commands."""
    renderers = {"text": _text, "json": _json, "github": _github}
    return renderers[fmt](report, base)


def shown_path(path: str, base: Path) -> str:
    """Return path relative to base when it lies inside base, else as given."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return path
    try:
        return candidate.relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def _place(finding: Finding, base: Path) -> str:
    parts = [shown_path(finding.path, base)]
    parts += [str(n) for n in (finding.line, finding.column) if n is not None]
    if finding.line is None and finding.column is not None:
        parts = parts[:1]
    return ":".join(parts)


def _code(finding: Finding) -> str:
    return finding.code if finding.severity == "error" else f"{finding.code} (warning)"


def _summary(report: Report) -> list[str]:
    counts = Counter((f.severity, f.code) for f in report.findings)
    lines = [
        f"{n:>7} {code}" + (" (warning)" if severity == "warning" else "")
        for (severity, code), n in sorted(counts.items())
    ]
    verdict = "valid" if report.valid else "invalid"
    errors, warnings = report.errors, report.warnings
    tables = len(report.tasks)
    lines.append(
        f"{verdict}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)} in {tables} table{'s' * (tables != 1)}"
    )
    return lines


def _text(report: Report, base: Path) -> str:
    lines = [f"{_place(f, base)}: {_code(f)}: {f.text()}" for f in report.findings]
    if lines:
        lines.append("")
    return "\n".join(lines + _summary(report)) + "\n"


def _github_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def _github(report: Report, base: Path) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={_github_escape(shown_path(f.path, base), True)}"]
        props += [f"line={f.line}"] if f.line is not None else []
        props += [f"col={f.column}"] if f.line is not None and f.column is not None else []
        props.append(f"title={_github_escape(f.code, True)}")
        lines.append(f"::{f.severity} {','.join(props)}::{_github_escape(f.text())}")
    return "\n".join(lines + _summary(report)[-1:]) + "\n"


def _error_dict(f: Finding, base: Path) -> dict[str, object]:
    title, _, description = CODES.get(f.code, (f.code, f.severity, ""))
    return {
        "type": f.code,
        "title": title,
        "description": description,
        "message": f.text(),
        "tags": _tags(f),
        "note": f.hint or "",
        "rowNumber": f.row_number,
        "fieldName": f.field_name,
        "fieldNumber": f.column,
        "cell": f.cell,
        "line": f.line,
        "column": f.column,
        "severity": f.severity,
        "table": f.table,
        "hint": f.hint,
        "place": shown_path(f.path, base),
    }


def _tags(f: Finding) -> list[str]:
    if not f.table:
        return ["#package"]
    if f.row_number is None:
        return ["#table", "#header"] if f.line == 1 or f.code.endswith("-label") else ["#table"]
    return ["#table", "#row", "#cell"] if f.column is not None else ["#table", "#row"]


def _stats(findings: list[Finding]) -> dict[str, int]:
    errors = sum(f.severity == "error" for f in findings)
    return {"errors": errors, "warnings": len(findings) - errors}


def _json(report: Report, base: Path) -> str:
    by_table: dict[str, list[Finding]] = {t.name: [] for t in report.tasks}
    package = [f for f in report.findings if f.table not in by_table]
    for f in report.findings:
        if f.table in by_table:
            by_table[f.table].append(f)
    tasks = [
        {
            "name": task.name,
            "type": "table",
            "place": shown_path(task.path, base),
            "valid": not any(f.severity == "error" for f in by_table[task.name]),
            "stats": _stats(by_table[task.name]),
            "errors": [_error_dict(f, base) for f in by_table[task.name]],
        }
        for task in report.tasks
    ]
    document = {
        "valid": report.valid,
        "stats": {**_stats(list(report.findings)), "tasks": len(tasks), "tables": len(tasks)},
        "errors": [_error_dict(f, base) for f in package],
        "tasks": tasks,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
